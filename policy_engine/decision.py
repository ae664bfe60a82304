"""What a decision is, and `decide`: the likely outcome for one status and set of circumstances.

The evaluation is small and generic: start where the status record says, let each circumstance's
effect lift, lower or cap the outlook, and remember which rule decided it. Every word it returns
comes from the status, circumstance and outlook records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from .changes import POLICY_VERSION
from .errors import ContradictoryInputError
from .facts import FACTS, Fact, not_offered_reason, offered, ordered, parse_facts
from .i18n import SOURCE_LANGUAGE, _, chosen, language
from .outlooks import CancellationOutlook, RefundOutlook
from .rules import Rule, rule
from .statuses import STATUSES, Status, parse_status
from .tickets import TicketField, ticket_fields

DECIDES, SUPPORTS, OUTWEIGHED = "decides", "supports", "outweighed"
ROLES = (DECIDES, SUPPORTS, OUTWEIGHED)


@dataclass(frozen=True)
class Change:
    """The smallest thing a customer can do or report that gives a better outlook."""

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
    headline: str  # one plain sentence: can I cancel, and what about my money?
    reasons: tuple[Rule, ...]  # the deciding rule first, then those that agree, then those outweighed
    roles: tuple[str, ...]  # DECIDES, SUPPORTS or OUTWEIGHED, one per reason
    ticket_fields: tuple[TicketField, ...]
    next_step: str
    would_change: Change | None
    policy_version: str = POLICY_VERSION
    lang: str = SOURCE_LANGUAGE  # the language it was decided in: its words, and to_dict's, are in it

    @property
    def cancellation_summary(self) -> str:
        """One plain sentence about cancelling, worded for this status where the general one would mislead."""
        own = STATUSES[self.status].summaries.get(self.cancellation)
        return _(own) if own is not None else self.cancellation.summary

    def to_dict(self) -> dict:
        """The decision as plain data, in the language it was decided in: the JSON contract of `decide --json`."""
        with language(self.lang):
            return self._dict()

    def _dict(self) -> dict:
        change = self.would_change
        return {
            "status": self.status.value,
            "headline": self.headline,
            "facts": [fact.value for fact in self.facts],
            "cancellation": {
                "outlook": self.cancellation.value,
                "word": self.cancellation.word,
                "label": self.cancellation.label,
                "summary": self.cancellation_summary,
            },
            "refund": {
                "outlook": self.refund.value,
                "case": self.refund.case,
                "word": self.refund.word,
                "label": self.refund.label,
                "summary": self.refund.summary,
                "guaranteed": False,
            },
            "reasons": [
                {"rule": r.id, "title": r.title, "text": r.statement, "link": r.reference, "role": role}
                for r, role in zip(self.reasons, self.roles, strict=True)
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
    """Raise ContradictoryInputError when a circumstance cannot be ticked for this status."""
    for fact in ordered(facts):
        reason = not_offered_reason(status, fact)
        if reason is not None:
            raise ContradictoryInputError(
                _("“{circumstance}” cannot be ticked for an order that is “{status}”. {reason} "
                  "Untick it, or choose another status.").format(
                    circumstance=fact.label, status=status.label, reason=reason)
            )


def is_consistent(status: Status, facts: frozenset[Fact]) -> bool:
    """True when every circumstance can be ticked for this status."""
    return all(offered(status, fact) for fact in facts)


Outcome = tuple[CancellationOutlook, RefundOutlook, tuple[tuple[str, str], ...]]


def _evaluate(status: Status, facts: frozenset[Fact]) -> Outcome:
    """Start from the status, lift, then lower and cap; return the outlooks and each cited rule with its role."""
    record = STATUSES[status]
    cancellation, refund = record.cancellation, record.refund
    decider = record.rule
    points: dict[str, CancellationOutlook | None] = {record.rule: record.cancellation}  # None: too late to help
    effects = [FACTS[fact].effects[record.phase] for fact in ordered(facts)]
    effects = [effect for effect in effects if effect.rule is not None]
    for effect in effects:
        if effect.too_late:
            points[effect.rule] = None
        elif effect.lifts_to is not None:
            points[effect.rule] = effect.lifts_to
            if effect.lifts_to.rank < cancellation.rank:
                cancellation, decider = effect.lifts_to, effect.rule
        if effect.lifts_refund_to is not None and effect.lifts_refund_to.rank < refund.rank:
            refund = effect.lifts_refund_to
    for effect in effects:
        if effect.lowers_by:
            lowered = cancellation.worse(effect.lowers_by)
            points[effect.rule] = lowered
            if lowered is not cancellation:
                cancellation, decider = lowered, effect.rule
        if effect.caps_at is not None:
            points[effect.rule] = max(effect.caps_at, cancellation, key=lambda o: o.rank)
            if effect.caps_at.rank > cancellation.rank:
                cancellation, decider = effect.caps_at, effect.rule
    cited = dict.fromkeys([record.rule, *(effect.rule for effect in effects)])
    agree = [r for r in cited if r != decider and points.get(r, cancellation) is cancellation]
    against = [r for r in cited if r != decider and points.get(r, cancellation) is not cancellation]
    money = [refund.rule] if refund.rule and refund.rule not in cited else []
    reasons = [(decider, DECIDES)] + [(r, SUPPORTS) for r in agree + money] + [(r, OUTWEIGHED) for r in against]
    return cancellation, refund, tuple(reasons)


def _headline(status: Status, cancellation: CancellationOutlook, refund: RefundOutlook) -> str:
    own = STATUSES[status].headlines.get(cancellation)
    return _(own) if own is not None else f"{cancellation.headline} {refund.headline}"


def _next_step(status: Status, facts: frozenset[Fact], cancellation: CancellationOutlook) -> str:
    record = STATUSES[status]
    steps = [FACTS[fact].effects[record.phase].next_step for fact in ordered(facts)]
    step = next((s for s in steps if s), None) or record.next_steps.get(cancellation, record.next_step)
    extra = [FACTS[fact].adds_to_next_step for fact in ordered(facts) if FACTS[fact].adds_to_next_step]
    return " ".join(_(text) for text in [step, *extra])


def _better(a: tuple[CancellationOutlook, RefundOutlook], b: tuple[CancellationOutlook, RefundOutlook]) -> bool:
    return (a[0].rank, a[1].rank) < (b[0].rank, b[1].rank)


def _would_change(status: Status, facts: frozenset[Fact],
                  current: tuple[CancellationOutlook, RefundOutlook]) -> Change | None:
    """The fewest things a customer can report or undo that give a better outlook; ties go to declared order."""
    moves = [fact for fact in Fact if offered(status, fact) and (
        (fact not in facts and FACTS[fact].report) or (fact in facts and FACTS[fact].undo))]
    for size in (1, 2):
        best: tuple[tuple[CancellationOutlook, RefundOutlook], tuple[Fact, ...]] | None = None
        for toggled in combinations(moves, size):
            cancellation, refund, _reasons = _evaluate(status, facts.symmetric_difference(toggled))
            if _better((cancellation, refund), current) and (best is None or _better((cancellation, refund), best[0])):
                best = ((cancellation, refund), toggled)
        if best is not None:
            (cancellation, refund), toggled = best
            add = tuple(f for f in toggled if f not in facts)
            remove = tuple(f for f in toggled if f in facts)
            phrases = [_(FACTS[f].undo) for f in remove] + [_(FACTS[f].report) for f in add]
            condition = phrases[0] if len(phrases) == 1 else _("{first} and {second}").format(
                first=phrases[0], second=phrases[1])
            outcome = _lowered(cancellation.label)
            if refund is not current[1]:
                outcome = _("{first} and {second}").format(first=outcome, second=_lowered(refund.label))
            text = _("{condition}: {outcome}.").format(condition=condition, outcome=outcome)
            return Change(add, remove, cancellation, refund, text)
    return None


def _lowered(label: str) -> str:
    """A label inside a sentence: its first letter in lower case."""
    return label[:1].lower() + label[1:]


def decide(status: str | Status, facts: Iterable[str | Fact] = (), lang: str | None = None) -> Decision:
    """The likely outcome for an order status and its circumstances, worded in `lang` (default: the context's).

    Raises UnknownStatusError, UnknownFactError, ContradictoryInputError or UnknownLanguageError on bad input.
    """
    with language(chosen(lang)) as code:
        return _decide(status, facts, code)


def _decide(status: str | Status, facts: Iterable[str | Fact], code: str) -> Decision:
    status = parse_status(status)
    picked = parse_facts(facts)
    check_consistent(status, picked)
    cancellation, refund, reasons = _evaluate(status, picked)
    return Decision(
        status=status,
        facts=ordered(picked),
        cancellation=cancellation,
        refund=refund,
        headline=_headline(status, cancellation, refund),
        reasons=tuple(rule(rule_id) for rule_id, _role in reasons),
        roles=tuple(role for _rule, role in reasons),
        ticket_fields=ticket_fields(picked),
        next_step=_next_step(status, picked, cancellation),
        would_change=_would_change(status, picked, (cancellation, refund)),
        lang=code,
    )
