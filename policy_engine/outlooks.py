"""What an outlook is: the likely outcome for cancellation and for the money, best first.

Each outlook carries the words a customer reads: a short verdict word, a label, the first
sentence of the answer's headline and a one-line summary. None of them is a promise.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Words:
    """How one outlook reads to a customer."""

    word: str  # the verdict in one to three words
    label: str
    headline: str  # one sentence of the answer's headline
    summary: str


class CancellationOutlook(StrEnum):
    """How likely a cancellation is, ordered best to worst; an already-cancelled order comes last."""

    MAY_BE_REVIEWED = "may_be_reviewed"
    LIMITED = "limited"
    UNLIKELY = "unlikely"
    NOT_AVAILABLE = "not_available"
    NOTHING_TO_CANCEL = "nothing_to_cancel"

    @property
    def rank(self) -> int:
        """0 is the best outlook; a higher rank is worse."""
        return _CANCEL_RANK[self]

    @property
    def word(self) -> str:
        return _CANCEL_WORDS[self].word

    @property
    def label(self) -> str:
        """The short customer-facing name."""
        return _CANCEL_WORDS[self].label

    @property
    def headline(self) -> str:
        return _CANCEL_WORDS[self].headline

    @property
    def summary(self) -> str:
        """One plain sentence a customer can act on."""
        return _CANCEL_WORDS[self].summary

    def worse(self, steps: int = 1, floor: CancellationOutlook | None = None) -> CancellationOutlook:
        """The outlook `steps` places worse, never past `floor` (unless it already is)."""
        limit = (floor or _RUNNING_WORST).rank
        if self.rank >= limit:
            return self
        return _CANCEL_ORDER[min(self.rank + steps, limit)]


_CANCEL_WORDS = {
    CancellationOutlook.MAY_BE_REVIEWED: Words(
        "Worth asking", "Cancellation may be reviewed",
        "You can ask to cancel, and support may review it.",
        "Support may be able to review a cancellation request."),
    CancellationOutlook.LIMITED: Words(
        "Limited", "Cancellation is limited",
        "You can ask, but it may be too late to stop the order.",
        "Stopping the order may no longer be possible. Support will check."),
    CancellationOutlook.UNLIKELY: Words(
        "Unlikely", "Cancellation is unlikely",
        "Cancelling is unlikely; the order will likely continue.",
        "Support will most likely not be able to stop the order."),
    CancellationOutlook.NOT_AVAILABLE: Words(
        "Not possible", "Cancellation is not available",
        "This order cannot be cancelled.",
        "A completed order cannot be cancelled."),
    CancellationOutlook.NOTHING_TO_CANCEL: Words(
        "Already cancelled", "Already cancelled",
        "This order is already cancelled.",
        "The order is stopped, so there is nothing left to cancel."),
}

# Declaration order is the ranking; kept as tuples and dicts because enum iteration is slow in a hot loop.
_CANCEL_ORDER: tuple[CancellationOutlook, ...] = tuple(CancellationOutlook)
_CANCEL_RANK = {outlook: rank for rank, outlook in enumerate(_CANCEL_ORDER)}
# "Can limit" never turns an order that is still running into "cannot": the worst it lowers to.
_RUNNING_WORST = CancellationOutlook.UNLIKELY


class RefundOutlook(StrEnum):
    """What may happen to the money, following the policy's balance cases. None is a guarantee."""

    BALANCE_REVIEW = "balance_review"
    LIMITED = "limited"
    SERVICE_RULES = "service_rules"
    NOT_AVAILABLE = "not_available"
    BALANCE_CHECK = "balance_check"

    @property
    def rank(self) -> int:
        """0 is the best outlook; a higher rank is worse."""
        return _REFUND_RANK[self]

    @property
    def case(self) -> str | None:
        """The letter of the policy's balance case (A to D), for support staff; None where the policy has none."""
        return _CASES.get(self)

    @property
    def rule(self) -> str | None:
        """The id of the balance rule that states this outlook; None where the status rule says it."""
        return _MONEY_RULES.get(self)

    @property
    def word(self) -> str:
        return _REFUND_WORDS[self].word

    @property
    def label(self) -> str:
        """The short customer-facing name."""
        return _REFUND_WORDS[self].label

    @property
    def headline(self) -> str:
        return _REFUND_WORDS[self].headline

    @property
    def summary(self) -> str:
        """One plain sentence; never a promise of money back."""
        return _REFUND_WORDS[self].summary


_REFUND_WORDS = {
    RefundOutlook.BALANCE_REVIEW: Words(
        "May be reviewed", "Your balance may be reviewed",
        "Support may review your balance.",
        "If the order is stopped, support may review your balance. This is not a promise of a refund."),
    RefundOutlook.LIMITED: Words(
        "May be limited", "Refund or credit may be limited",
        "Refund or credit may be limited.",
        "The order entered processing, so a refund or credit may be limited."),
    RefundOutlook.SERVICE_RULES: Words(
        "By the service rules", "Reviewed by the service rules",
        "The undelivered part is reviewed by the service rules.",
        "Support may review what was not delivered, based on the service rules."),
    RefundOutlook.NOT_AVAILABLE: Words(
        "Usually not", "A refund is usually not available",
        "A refund is usually not available.",
        "The order cannot be cancelled, so a refund is usually not available."),
    RefundOutlook.BALANCE_CHECK: Words(
        "Can be checked", "Your balance can be checked",
        "If your balance looks wrong, support can check it.",
        "If your balance does not look right after the cancellation, support may review it. "
        "This is not a promise of a refund."),
}

_REFUND_ORDER: tuple[RefundOutlook, ...] = tuple(RefundOutlook)
_REFUND_RANK = {outlook: rank for rank, outlook in enumerate(_REFUND_ORDER)}
_CASES = {
    RefundOutlook.BALANCE_REVIEW: "A",
    RefundOutlook.LIMITED: "B",
    RefundOutlook.SERVICE_RULES: "C",
    RefundOutlook.NOT_AVAILABLE: "D",
}
_MONEY_RULES = {
    RefundOutlook.BALANCE_REVIEW: "balance.pending_review",
    RefundOutlook.LIMITED: "balance.processing_review",
    RefundOutlook.SERVICE_RULES: "balance.partial_result",
    RefundOutlook.NOT_AVAILABLE: "balance.completed_order",
}
