"""What a decision is, and `decide`: the likely outcome for one status and set of circumstances."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from . import outcomes
from .changes import POLICY_VERSION
from .errors import ContradictoryInputError
from .facts import Fact, ordered, parse_facts
from .outlooks import CancellationOutlook, RefundOutlook
from .rules import Rule, rule
from .statuses import Status, parse_status
from .tickets import TicketField, ticket_fields


@dataclass(frozen=True)
class Change:
    """The smallest change of circumstances that gives a better outlook."""

    add: tuple[Fact, ...]
    remove: tuple[Fact, ...]
    cancellation: CancellationOutlook
    refund: RefundOutlook
    text: str


@dataclass(frozen=True)
class Decision:
    """The likely outcome of a cancellation request, with the rules behind it."""

    status: Status
    facts: tuple[Fact, ...]
    cancellation: CancellationOutlook
    refund: RefundOutlook
    reasons: tuple[Rule, ...]
    ticket_fields: tuple[TicketField, ...]
    next_step: str
    would_change: Change | None
    policy_version: str = POLICY_VERSION

    @property
    def headline(self) -> str:
        """One plain sentence that answers "can I cancel, and what about my money?"."""
        return f"{self.cancellation.label}. {self.refund.label}."

    def to_dict(self) -> dict:
        """The decision as plain data: the JSON contract of `decide --json`."""
        change = self.would_change
        return {
            "status": self.status.value,
            "headline": self.headline,
            "facts": [fact.value for fact in self.facts],
            "cancellation": {
                "outlook": self.cancellation.value,
                "label": self.cancellation.label,
                "summary": self.cancellation.summary,
            },
            "refund": {
                "outlook": self.refund.value,
                "case": self.refund.case,
                "label": self.refund.label,
                "summary": self.refund.summary,
                "guaranteed": False,
            },
            "reasons": [
                {"rule": r.id, "title": r.title, "text": r.statement, "link": r.reference}
                for r in self.reasons
            ],
            "ticket_fields": [field.value for field in self.ticket_fields],
            "next_step": self.next_step,
            "would_change": None if change is None else {
                "add": [fact.value for fact in change.add],
                "remove": [fact.value for fact in change.remove],
                "cancellation": change.cancellation.value,
                "refund": change.refund.value,
                "text": change.text,
            },
            "policy_version": self.policy_version,
        }


def check_consistent(status: Status, facts: frozenset[Fact]) -> None:
    """Raise ContradictoryInputError when the circumstances cannot be true for this status."""
    for contradiction in outcomes.CONTRADICTIONS:
        if contradiction.fact in facts and status in contradiction.statuses:
            raise ContradictoryInputError(contradiction.message)


def is_consistent(status: Status, facts: frozenset[Fact]) -> bool:
    """True when the status and circumstances can all be true at once."""
    return not any(
        c.fact in facts and status in c.statuses for c in outcomes.CONTRADICTIONS
    )


def _outlooks(status: Status, facts: frozenset[Fact]) -> tuple[CancellationOutlook, RefundOutlook, tuple[str, ...]]:
    """Evaluate the routing table: start from the status, lift, then lower, then cap."""
    start = outcomes.STATUS_ROUTES[status]
    cancellation, refund = start.cancellation, start.refund
    cites = list(start.cites)
    routes = [r for r in outcomes.FACT_ROUTES if r.fact in facts and status in r.statuses]
    for route in routes:
        cites.extend(route.cites)
        if route.lifts_cancellation_to and route.lifts_cancellation_to.rank < cancellation.rank:
            cancellation = route.lifts_cancellation_to
        if route.lifts_refund_to and route.lifts_refund_to.rank < refund.rank:
            refund = route.lifts_refund_to
    for route in routes:
        cancellation = cancellation.worse(route.lowers_cancellation_by)
        if route.caps_cancellation_at and route.caps_cancellation_at.rank > cancellation.rank:
            cancellation = route.caps_cancellation_at
    if (cancellation is CancellationOutlook.NOT_AVAILABLE
            and status not in outcomes.REFUND_FOLLOWS_UNAVAILABLE_CANCELLATION_EXCEPT):
        refund = RefundOutlook.NOT_AVAILABLE
    cites.extend(outcomes.ALWAYS_CITED)
    return cancellation, refund, tuple(dict.fromkeys(cites))


_ALL_FACTS: tuple[Fact, ...] = tuple(Fact)


def _better(a: tuple[CancellationOutlook, RefundOutlook], b: tuple[CancellationOutlook, RefundOutlook]) -> bool:
    return (a[0].rank, a[1].rank) < (b[0].rank, b[1].rank)


def _would_change(
    status: Status, facts: frozenset[Fact], current: tuple[CancellationOutlook, RefundOutlook]
) -> Change | None:
    """Search the fewest toggled circumstances that give a better outlook; ties go to declared order."""
    for size in range(1, len(Fact) + 1):
        best: tuple[tuple[CancellationOutlook, RefundOutlook], tuple[Fact, ...]] | None = None
        for toggled in combinations(_ALL_FACTS, size):
            candidate = facts.symmetric_difference(toggled)
            if not is_consistent(status, candidate):
                continue
            cancellation, refund, _ = _outlooks(status, candidate)
            if _better((cancellation, refund), current) and (best is None or _better((cancellation, refund), best[0])):
                best = ((cancellation, refund), toggled)
        if best is not None:
            (cancellation, refund), toggled = best
            add = tuple(f for f in toggled if f not in facts)
            remove = tuple(f for f in toggled if f in facts)
            phrases = [outcomes.IF_REMOVED[f] for f in remove] + [outcomes.IF_ADDED[f] for f in add]
            first = " and ".join(phrases)
            text = f"{first[0].upper()}{first[1:]}: {cancellation.label.lower()}; {refund.label.lower()}."
            return Change(add, remove, cancellation, refund, text)
    return None


def decide(status: str | Status, facts: Iterable[str | Fact] = ()) -> Decision:
    """The likely outcome for an order status and its circumstances.

    Raises UnknownStatusError, UnknownFactError or ContradictoryInputError on bad input.
    """
    status = parse_status(status)
    chosen = parse_facts(facts)
    check_consistent(status, chosen)
    cancellation, refund, cites = _outlooks(status, chosen)
    return Decision(
        status=status,
        facts=ordered(chosen),
        cancellation=cancellation,
        refund=refund,
        reasons=tuple(rule(rule_id) for rule_id in cites),
        ticket_fields=ticket_fields(chosen),
        next_step=outcomes.next_step(status, chosen, cancellation),
        would_change=_would_change(status, chosen, (cancellation, refund)),
    )
