"""Where each status and circumstance leads: the policy's routing table.

This file only routes: which rules apply, and how they move the outlook. The evaluation that
reads this table is small and generic, in `decision.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .facts import Fact
from .outlooks import CancellationOutlook as C
from .outlooks import RefundOutlook as R
from .statuses import Status

ALL = frozenset(Status)
BEFORE_DELIVERY = frozenset({Status.PENDING, Status.PROCESSING})
DELIVERY_STARTED = frozenset({Status.IN_PROGRESS, Status.PARTIAL, Status.COMPLETED})


@dataclass(frozen=True)
class StatusRoute:
    """Where an order with this status starts, before any circumstance."""

    cancellation: C
    refund: R
    cites: tuple[str, ...]


@dataclass(frozen=True)
class FactRoute:
    """What a circumstance does for the statuses it applies to."""

    fact: Fact
    statuses: frozenset[Status]
    cites: tuple[str, ...]
    lifts_cancellation_to: C | None = None  # improves the outlook to at least this
    lifts_refund_to: R | None = None
    lowers_cancellation_by: int = 0  # makes the outlook this many steps worse
    caps_cancellation_at: C | None = None  # the outlook can be no better than this


@dataclass(frozen=True)
class Contradiction:
    """A circumstance that cannot be true for these statuses; `message` tells the customer why."""

    fact: Fact
    statuses: frozenset[Status]
    message: str


STATUS_ROUTES: dict[Status, StatusRoute] = {
    Status.PENDING: StatusRoute(C.MAY_BE_REVIEWED, R.BALANCE_REVIEW,
                                ("status.pending", "may.pending", "review.open_ticket", "balance.pending_review")),
    Status.PROCESSING: StatusRoute(C.LIMITED, R.LIMITED,
                                   ("status.processing", "review.open_ticket", "balance.processing_review")),
    Status.IN_PROGRESS: StatusRoute(C.UNLIKELY, R.LIMITED,
                                    ("status.in_progress", "not.delivery_started", "balance.processing_review")),
    Status.PARTIAL: StatusRoute(C.LIMITED, R.SERVICE_RULES,
                                ("status.partial", "review.status_checked", "balance.partial_result",
                                 "before.know_limits")),
    Status.COMPLETED: StatusRoute(C.NOT_AVAILABLE, R.NOT_AVAILABLE,
                                  ("status.completed", "not.completed", "balance.completed_order")),
    Status.CANCELED: StatusRoute(C.NOT_AVAILABLE, R.BALANCE_REVIEW, ("status.canceled",)),
}

FACT_ROUTES: tuple[FactRoute, ...] = (
    FactRoute(Fact.WRONG_LINK, BEFORE_DELIVERY,
              ("status.wrong_link", "may.wrong_link_reported_quickly", "before.verify_link")),
    FactRoute(Fact.WRONG_LINK, ALL - BEFORE_DELIVERY, ("status.wrong_link", "before.verify_link")),
    FactRoute(Fact.DUPLICATE_ORDER, BEFORE_DELIVERY, ("may.duplicate_detected_early", "before.avoid_duplicates")),
    FactRoute(Fact.DUPLICATE_ORDER, ALL - BEFORE_DELIVERY, ("before.avoid_duplicates",)),
    FactRoute(Fact.SERVICE_UNAVAILABLE, BEFORE_DELIVERY, ("may.service_unavailable",),
              lifts_cancellation_to=C.MAY_BE_REVIEWED, lifts_refund_to=R.BALANCE_REVIEW),
    FactRoute(Fact.SERVICE_UNAVAILABLE, frozenset({Status.CANCELED}), ("may.service_unavailable",)),
    FactRoute(Fact.TARGET_CHANGED, ALL, ("not.target_changed", "before.verify_link", "before.no_password"),
              lowers_cancellation_by=1),
    FactRoute(Fact.SERVICE_DISALLOWS, ALL,
              ("not.service_rule", "review.service_rules_compared", "before.check_service"),
              caps_cancellation_at=C.UNLIKELY),
    FactRoute(Fact.PAYMENT_RELATED, ALL, ("balance.payment_details",)),
)

CONTRADICTIONS: tuple[Contradiction, ...] = (
    Contradiction(
        Fact.SERVICE_UNAVAILABLE,
        DELIVERY_STARTED,
        "“The service is unavailable” cannot be true for an order that has started delivery. "
        "Choose pending, processing or canceled, or untick that circumstance.",
    ),
)

# Cited by every decision: how a request is answered, and that no outcome is a refund promise.
ALWAYS_CITED: tuple[str, ...] = ("balance.not_automatic", "request.ticket", "review.final_answer")

# A refund is usually not available when cancellation is not; canceled orders are the exception,
# because nothing is left to cancel and their balance is what support reviews.
REFUND_FOLLOWS_UNAVAILABLE_CANCELLATION_EXCEPT: frozenset[Status] = frozenset({Status.CANCELED})

# What a customer reads for "what would change it", per circumstance added or removed.
IF_ADDED: dict[Fact, str] = {
    Fact.WRONG_LINK: "if the submitted link turns out to be wrong",
    Fact.DUPLICATE_ORDER: "if this order turns out to be a duplicate",
    Fact.SERVICE_UNAVAILABLE: "if the service turns out to be unavailable",
    Fact.TARGET_CHANGED: "if the target had been changed",
    Fact.SERVICE_DISALLOWS: "if the service's rules did not allow cancellation",
    Fact.PAYMENT_RELATED: "if your request is about a payment",
}
IF_REMOVED: dict[Fact, str] = {
    Fact.WRONG_LINK: "if the submitted link is in fact correct",
    Fact.DUPLICATE_ORDER: "if this order is not a duplicate",
    Fact.SERVICE_UNAVAILABLE: "if the service becomes available again",
    Fact.TARGET_CHANGED: "if the target is public again under the link you submitted",
    Fact.SERVICE_DISALLOWS: "if the service's rules allow cancellation",
    Fact.PAYMENT_RELATED: "if your request is not about a payment",
}


def next_step(status: Status, facts: frozenset[Fact], outlook: C) -> str:
    """What the customer should do now, in one or two sentences."""
    if Fact.WRONG_LINK in facts and status in BEFORE_DELIVERY:
        return ("Open a ticket immediately with the order ID and the correct link, "
                "before delivery advances.")
    if status is Status.CANCELED:
        return ("Nothing is left to cancel. Check your balance history; if it does not look right, "
                "open a ticket with the payment details.")
    if status is Status.COMPLETED:
        return ("The order cannot be cancelled. If you have a concern about the delivery, "
                "open a ticket and describe it.")
    if status is Status.PARTIAL and outlook is not C.NOT_AVAILABLE:
        return ("Delivery has stopped. If you want the part that was not delivered reviewed, open a ticket; "
                "support checks it against the service rules.")
    return {
        C.MAY_BE_REVIEWED: "Open a support ticket now, while the order has not advanced.",
        C.LIMITED: "Open a ticket soon. Support will check whether the order can still be stopped "
                   "and explain the options.",
        C.UNLIKELY: "You can still open a ticket, and support will explain what can be done, "
                    "but expect the order to continue.",
        C.NOT_AVAILABLE: "Cancellation is not available. Open a ticket if you need the order explained.",
    }[outlook]
