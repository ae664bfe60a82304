"""What a rule is, and every rule of the Cancellation Policy, declared once.

Each rule has a stable id (never reuse or rename one), the policy's words in plain language,
and the site section that states it: `reference` is "page/#anchor", relative to the site root.
What each status and circumstance does with a rule is in its record (`statuses.py`, `facts.py`);
this file only says what the policy says.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Topic(StrEnum):
    """The part of the policy a rule belongs to, in page order."""

    STATUS = "status"
    REVIEW_FLOW = "review_flow"
    MAY_BE_REVIEWED = "may_be_reviewed"
    USUALLY_NOT_AVAILABLE = "usually_not_available"
    BALANCE = "balance"
    BEFORE_ORDERING = "before_ordering"
    REQUESTING = "requesting"


@dataclass(frozen=True)
class Rule:
    """One statement of the policy that a decision can cite."""

    id: str
    topic: Topic
    title: str
    statement: str
    reference: str
    seed_mark: str = ""  # the number or letter the published policy shows beside it

    @property
    def page(self) -> str:
        """The page part of the reference, e.g. "cancellation/"."""
        return self.reference.split("#", 1)[0]

    @property
    def anchor(self) -> str:
        """The section id part of the reference, e.g. "processing-orders"."""
        return self.reference.split("#", 1)[1]


def _rule(id: str, topic: Topic, title: str, statement: str, reference: str, mark: str = "") -> Rule:
    return Rule(id, topic, title, statement, reference, mark)


S, F, M, N, B, O, R = (  # noqa: E741 - short aliases keep the rule table readable
    Topic.STATUS,
    Topic.REVIEW_FLOW,
    Topic.MAY_BE_REVIEWED,
    Topic.USUALLY_NOT_AVAILABLE,
    Topic.BALANCE,
    Topic.BEFORE_ORDERING,
    Topic.REQUESTING,
)

RULES: tuple[Rule, ...] = (
    # Check the order status before you cancel (01-05), plus the two end states panels show.
    _rule("status.pending", S, "Pending orders may be reviewed",
          "If no delivery work has started, support may check whether cancellation is still possible.",
          "cancellation/#pending-orders", "01"),
    _rule("status.processing", S, "Cancelling a processing order is limited",
          "Once an order enters the provider or system queue, stopping it may not be possible.",
          "cancellation/#processing-orders", "02"),
    _rule("status.in_progress", S, "In-progress orders usually continue",
          "If delivery has already started, cancellation may be unavailable or only partly reviewed.",
          "cancellation/#in-progress-orders", "03"),
    _rule("status.completed", S, "Completed orders cannot be cancelled",
          "Support may review delivery concerns, but completed orders are generally not reversible.",
          "cancellation/#completed-orders", "04"),
    _rule("status.wrong_link", S, "Wrong links must be reported fast",
          "If the submitted Telegram link is wrong, open a ticket immediately, before delivery advances.",
          "cancellation/#wrong-links", "05"),
    _rule("status.partial", S, "Partial orders have stopped",
          "Delivery stopped before the full quantity, so nothing is left running to cancel.",
          "cancellation/#partial-orders"),
    _rule("status.canceled", S, "Cancelled orders are already stopped",
          "There is nothing left to cancel. If your balance does not look right, support may review it.",
          "cancellation/#canceled-orders"),
    # How cancellation requests are reviewed.
    _rule("review.open_ticket", F, "Open a ticket",
          "Cancellation requests are reviewed through support tickets. Include the order ID, "
          "submitted Telegram link, service name and reason for cancellation.",
          "cancellation/#review-flow", "01"),
    _rule("review.status_checked", F, "Status is checked",
          "Support checks whether the order is pending, processing, in progress, partial or completed.",
          "cancellation/#review-flow", "02"),
    _rule("review.service_rules_compared", F, "Service rules are compared",
          "Some services allow review before processing; others cannot be stopped after they enter the queue.",
          "cancellation/#review-flow", "03"),
    _rule("review.final_answer", F, "Final answer is sent",
          "Support replies in the ticket with approval, rejection, an explanation or the next available step. "
          "Until then, any outcome shown here is only the likely one.",
          "cancellation/#review-flow", "04"),
    # When cancellation may be possible.
    _rule("may.pending", M, "Order is still pending",
          "The order has been submitted but may not have entered processing yet.",
          "cancellation/#may-be-reviewed"),
    _rule("may.wrong_link_reported_quickly", M, "Wrong link reported quickly",
          "A wrong link reported in a ticket before delivery starts (while the order is pending or "
          "processing) can still be reviewed.",
          "cancellation/#may-be-reviewed"),
    _rule("may.service_unavailable", M, "Service is unavailable",
          "If the service cannot be processed, support may review the cancellation or your balance. "
          "This applies before delivery starts.",
          "cancellation/#may-be-reviewed"),
    _rule("may.duplicate_detected_early", M, "Duplicate detected early",
          "If a duplicate order is reported before delivery starts (while it is pending or processing), "
          "support may review the situation.",
          "cancellation/#may-be-reviewed"),
    # When cancellation may be rejected.
    _rule("not.delivery_started", N, "Delivery already started",
          "Once delivery is active, the provider may not be able to stop the order.",
          "cancellation/#usually-not-available"),
    _rule("not.completed", N, "Order is completed",
          "Completed orders are generally not cancellable, even if expectations were different.",
          "cancellation/#usually-not-available"),
    _rule("not.target_changed", N, "Target was changed late",
          "A deleted, private, renamed or changed Telegram target can limit correction or cancellation. "
          "It lowers the answer one step, but only a completed order cannot be cancelled.",
          "cancellation/#usually-not-available"),
    _rule("not.service_rule", N, "Service rule does not allow it",
          "Some services have strict processing rules once an order is submitted.",
          "cancellation/#usually-not-available"),
    # Balance, refund and credit.
    _rule("balance.not_automatic", B, "Cancellation does not mean refund",
          "A cancellation review never automatically guarantees a card refund, balance return or credit.",
          "cancellation/#refund-not-automatic"),
    _rule("balance.pending_review", B, "Pending review",
          "If the order has not started, support may review the cancellation and a possible return to "
          "your balance.",
          "cancellation/#balance-cases", "A"),
    _rule("balance.processing_review", B, "Processing review",
          "If the order entered processing, refund or credit options may be limited.",
          "cancellation/#balance-cases", "B"),
    _rule("balance.partial_result", B, "Partial result",
          "If only part of the order is delivered, support may review based on the service rules.",
          "cancellation/#balance-cases", "C"),
    _rule("balance.completed_order", B, "Completed order",
          "If the order is completed, cancellation is usually not available, and so a refund is not either.",
          "cancellation/#balance-cases", "D"),
    _rule("balance.payment_details", B, "Payment cases need payment details",
          "For payment questions, include the transaction reference, order ID, amount and a clear explanation.",
          "cancellation/#payment-cases"),
    # How to avoid cancellation problems.
    _rule("before.check_service", O, "Check the service",
          "Before ordering, read the service title, description, minimum, maximum, delivery speed and notes.",
          "cancellation/#avoid-problems", "1"),
    _rule("before.verify_link", O, "Verify the Telegram link",
          "Make sure the channel, group, post, bot or username is correct and public.",
          "cancellation/#avoid-problems", "2"),
    _rule("before.avoid_duplicates", O, "Avoid duplicate orders",
          "Do not place overlapping orders on the same target unless the service notes allow it.",
          "cancellation/#avoid-problems", "3"),
    _rule("before.know_limits", O, "Know the limits",
          "Delivery estimates, refill, drops and cancellation rules can vary by service.",
          "cancellation/#avoid-problems", "4"),
    _rule("before.no_password", O, "No password is required",
          "Standard Telegram service orders never need a password. Do not share private access details.",
          "no-password-required/#never-needed"),
    # Need to request cancellation?
    _rule("request.ticket", R, "Request cancellation in a ticket",
          "Open a support ticket with your order ID, submitted Telegram link, current status and reason. "
          "Support reviews it based on order status and service rules.",
          "cancellation/#request-cancellation"),
)

# Rules that hold for every answer: the page states them once, beside the Desk, not in each answer.
EVERY_ANSWER: tuple[str, ...] = ("balance.not_automatic", "review.final_answer", "request.ticket")

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


def rule(rule_id: str) -> Rule:
    """The rule with this id; a KeyError here is a bug in the routing table, not bad input."""
    return RULES_BY_ID[rule_id]


def references() -> tuple[str, ...]:
    """Every distinct section the rules cite, in rule order."""
    return tuple(dict.fromkeys(rule.reference for rule in RULES))
