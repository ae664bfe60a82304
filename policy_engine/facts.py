"""What a circumstance is, and what each one does to an answer: one record per circumstance.

A record holds the label and explanation a customer reads, the statuses it can be ticked for (and why
not elsewhere), its effect in each phase of delivery, the rule it cites, and what a customer can do
about it. The policy's own words for each rule are in `rules.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from .errors import UnknownFactError
from .i18n import N_, _
from .outlooks import CancellationOutlook as C
from .outlooks import RefundOutlook as R
from .statuses import Phase, Status


class Fact(StrEnum):
    """A circumstance of the order that can change the outcome."""

    WRONG_LINK = "wrong_link"
    DUPLICATE_ORDER = "duplicate_order"
    SERVICE_UNAVAILABLE = "service_unavailable"
    TARGET_CHANGED = "target_changed"
    SERVICE_DISALLOWS = "service_disallows"
    PAYMENT_RELATED = "payment_related"

    @property
    def record(self) -> FactRecord:
        return FACTS[self]

    @property
    def label(self) -> str:
        """The short customer-facing name."""
        return _(FACTS[self].label)

    @property
    def explanation(self) -> str:
        """One line that says when this circumstance applies."""
        return _(FACTS[self].explanation)


@dataclass(frozen=True)
class Effect:
    """What a circumstance does to the answer in one phase of delivery."""

    rule: str | None  # the rule it cites as a reason; None: it changes what to send, not the answer
    lifts_to: C | None = None  # improves the cancellation outlook to at least this
    lifts_refund_to: R | None = None
    lowers_by: int = 0  # makes the cancellation outlook this many steps worse (never to "cannot")
    caps_at: C | None = None  # the cancellation outlook can be no better than this
    too_late: bool = False  # the rule would have helped earlier: cited as outweighed
    next_step: str | None = None  # replaces the status's next step


@dataclass(frozen=True)
class FactRecord:
    """Everything the policy says about one circumstance."""

    label: str
    explanation: str
    offered_for: frozenset[Status]
    not_offered: str  # why it cannot be ticked for the other statuses
    effects: dict[Phase, Effect]
    report: str | None = None  # "what would change it" when telling support about it is the customer's move
    undo: str | None = None  # "what would change it" when undoing it is the customer's move
    adds_to_next_step: str | None = None
    ticket_fields: tuple[str, ...] = field(default_factory=tuple)  # extra TicketField ids it asks for


RUNNING_OR_NOT = frozenset(Status) - {Status.CANCELED}
BEFORE_DELIVERY = frozenset({Status.PENDING, Status.PROCESSING})
ALREADY_CANCELLED = N_("The order is already cancelled, so this does not change the answer.")


def _same(effect: Effect) -> dict[Phase, Effect]:
    return dict.fromkeys(Phase, effect)


FACTS: dict[Fact, FactRecord] = {
    Fact.WRONG_LINK: FactRecord(
        label=N_("The Telegram link I submitted is wrong"),
        explanation=N_("The channel, group, post, bot or username in the order is not the one you meant."),
        offered_for=RUNNING_OR_NOT,
        not_offered=ALREADY_CANCELLED,
        effects={
            Phase.NOT_STARTED: Effect(
                "may.wrong_link_reported_quickly", lifts_to=C.MAY_BE_REVIEWED,
                next_step=N_("Open a ticket now with the order ID and the correct link, before delivery starts.")),
            Phase.RUNNING: Effect(
                "status.wrong_link",
                next_step=N_("Open a ticket now with the order ID and the correct link. Delivery has started, "
                             "so support will say what can still be corrected.")),
            Phase.OVER: Effect(
                "may.wrong_link_reported_quickly", too_late=True,
                next_step=N_("Open a ticket with the order ID and the correct link. Delivery is over, "
                             "so support can explain what happened.")),
        },
        report=N_("If the link you submitted is wrong and you report it now"),
        ticket_fields=("correct_link",),
    ),
    Fact.DUPLICATE_ORDER: FactRecord(
        label=N_("I placed the same order twice"),
        explanation=N_("A second order for the same target overlaps with the first."),
        offered_for=RUNNING_OR_NOT,
        not_offered=ALREADY_CANCELLED,
        effects={
            Phase.NOT_STARTED: Effect(
                "may.duplicate_detected_early", lifts_to=C.MAY_BE_REVIEWED,
                next_step=N_("Open a ticket now, before delivery starts, and name both order IDs.")),
            Phase.RUNNING: Effect("may.duplicate_detected_early", too_late=True),
            Phase.OVER: Effect("may.duplicate_detected_early", too_late=True),
        },
        report=N_("If this order is a duplicate and you report it now"),
    ),
    Fact.SERVICE_UNAVAILABLE: FactRecord(
        label=N_("The service is unavailable"),
        explanation=N_("The panel or provider cannot process this service right now."),
        offered_for=BEFORE_DELIVERY,
        not_offered=N_("This only applies before delivery starts, while an order is pending or processing."),
        effects={
            Phase.NOT_STARTED: Effect("may.service_unavailable", lifts_to=C.MAY_BE_REVIEWED,
                                      lifts_refund_to=R.BALANCE_REVIEW),
        },
        report=N_("If the service is unavailable and you tell support"),
    ),
    Fact.TARGET_CHANGED: FactRecord(
        label=N_("The target was deleted, made private, renamed or changed"),
        explanation=N_("The Telegram target is no longer the public target you submitted."),
        offered_for=RUNNING_OR_NOT,
        not_offered=ALREADY_CANCELLED,
        effects=_same(Effect("not.target_changed", lowers_by=1)),
        undo=N_("If you make the target public again under the link you submitted"),
    ),
    Fact.SERVICE_DISALLOWS: FactRecord(
        label=N_("The service's rules do not allow cancellation"),
        explanation=N_("The service notes say orders cannot be cancelled once submitted."),
        offered_for=RUNNING_OR_NOT,
        not_offered=ALREADY_CANCELLED,
        effects=_same(Effect("not.service_rule", caps_at=C.UNLIKELY)),
    ),
    Fact.PAYMENT_RELATED: FactRecord(
        label=N_("My request is about a payment, refund or balance"),
        explanation=N_("You are asking about money: a card refund, a balance return or a credit."),
        offered_for=frozenset(Status),
        not_offered="",
        effects=_same(Effect(None)),
        adds_to_next_step=N_("Include the transaction reference and the amount."),
        ticket_fields=("transaction_reference", "amount"),
    ),
}


def offered(status: Status, fact: Fact) -> bool:
    """True when a visitor can tick this circumstance for this status."""
    return status in FACTS[fact].offered_for


def not_offered_reason(status: Status, fact: Fact) -> str | None:
    """Why this circumstance cannot be ticked for this status, or None when it can."""
    return None if offered(status, fact) else _(FACTS[fact].not_offered)


def parse_facts(values: Iterable[object]) -> frozenset[Fact]:
    """Return the Facts for ids such as "wrong_link"; raise UnknownFactError for any unknown one."""
    valid = ", ".join(fact.value for fact in Fact)
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, Iterable) or isinstance(values, Mapping | bytes | bytearray):
        raise UnknownFactError(
            _("The circumstances must be a list of text ids. Valid circumstances: {valid}.").format(valid=valid))
    facts: set[Fact] = set()
    for value in values:
        if isinstance(value, Fact):
            facts.add(value)
            continue
        if not isinstance(value, str):
            raise UnknownFactError(
                _("A circumstance must be a text id. Valid circumstances: {valid}.").format(valid=valid))
        try:
            facts.add(Fact(value))
        except ValueError:
            shown = value if len(value) <= 40 else value[:40] + "…"
            raise UnknownFactError(
                _("Unknown circumstance {circumstance}. Valid circumstances: {valid}.").format(
                    circumstance=repr(shown), valid=valid)
            ) from None
    return frozenset(facts)


_FACT_ORDER = {fact: index for index, fact in enumerate(Fact)}


def ordered(facts: Iterable[Fact]) -> tuple[Fact, ...]:
    """The facts in their declared order, so every output lists them the same way."""
    return tuple(sorted(set(facts), key=_FACT_ORDER.__getitem__))
