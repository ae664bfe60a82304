"""What a circumstance is: the facts about an order that the policy names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from .errors import UnknownFactError


class Fact(StrEnum):
    """A circumstance of the order that can change the outcome."""

    WRONG_LINK = "wrong_link"
    DUPLICATE_ORDER = "duplicate_order"
    SERVICE_UNAVAILABLE = "service_unavailable"
    TARGET_CHANGED = "target_changed"
    SERVICE_DISALLOWS = "service_disallows"
    PAYMENT_RELATED = "payment_related"

    @property
    def label(self) -> str:
        """The short customer-facing name."""
        return _LABELS[self]

    @property
    def explanation(self) -> str:
        """One line that says when this circumstance applies."""
        return _EXPLANATIONS[self]


_LABELS = {
    Fact.WRONG_LINK: "The Telegram link I submitted is wrong",
    Fact.DUPLICATE_ORDER: "I placed the same order twice",
    Fact.SERVICE_UNAVAILABLE: "The service is unavailable",
    Fact.TARGET_CHANGED: "The target was deleted, made private, renamed or changed",
    Fact.SERVICE_DISALLOWS: "The service's rules do not allow cancellation",
    Fact.PAYMENT_RELATED: "My request is about a payment, refund or balance",
}

_EXPLANATIONS = {
    Fact.WRONG_LINK: "The channel, group, post, bot or username in the order is not the one you meant.",
    Fact.DUPLICATE_ORDER: "A second order for the same target overlaps with the first.",
    Fact.SERVICE_UNAVAILABLE: "The panel or provider cannot process this service right now.",
    Fact.TARGET_CHANGED: "The Telegram target is no longer the public target you submitted.",
    Fact.SERVICE_DISALLOWS: "The service notes say orders cannot be cancelled once submitted.",
    Fact.PAYMENT_RELATED: "You are asking about money: a card refund, a balance return or a credit.",
}


def parse_facts(values: Iterable[object]) -> frozenset[Fact]:
    """Return the Facts for ids such as "wrong_link"; raise UnknownFactError for any unknown one."""
    valid = ", ".join(fact.value for fact in Fact)
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, Iterable) or isinstance(values, Mapping | bytes | bytearray):
        raise UnknownFactError(f"The circumstances must be a list of text ids. Valid circumstances: {valid}.")
    facts: set[Fact] = set()
    for value in values:
        if isinstance(value, Fact):
            facts.add(value)
            continue
        if not isinstance(value, str):
            raise UnknownFactError(f"A circumstance must be a text id. Valid circumstances: {valid}.")
        try:
            facts.add(Fact(value))
        except ValueError:
            shown = value if len(value) <= 40 else value[:40] + "…"
            raise UnknownFactError(
                f"Unknown circumstance {shown!r}. Valid circumstances: {valid}."
            ) from None
    return frozenset(facts)


def ordered(facts: Iterable[Fact]) -> tuple[Fact, ...]:
    """The facts in their declared order, so every output lists them the same way."""
    chosen = set(facts)
    return tuple(fact for fact in Fact if fact in chosen)
