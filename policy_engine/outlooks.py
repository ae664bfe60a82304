"""What an outlook is: the likely outcome for cancellation and for the money, best first.

Each outlook carries the words a customer reads: a short verdict word, a label, the first
sentence of the answer's headline and a one-line summary. None of them is a promise.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .i18n import N_, _


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
        return _(_CANCEL_WORDS[self].word)

    @property
    def label(self) -> str:
        """The short customer-facing name."""
        return _(_CANCEL_WORDS[self].label)

    @property
    def headline(self) -> str:
        return _(_CANCEL_WORDS[self].headline)

    @property
    def summary(self) -> str:
        """One plain sentence a customer can act on."""
        return _(_CANCEL_WORDS[self].summary)

    def worse(self, steps: int = 1, floor: CancellationOutlook | None = None) -> CancellationOutlook:
        """The outlook `steps` places worse, never past `floor` (unless it already is)."""
        limit = (floor or _RUNNING_WORST).rank
        if self.rank >= limit:
            return self
        return _CANCEL_ORDER[min(self.rank + steps, limit)]


_CANCEL_WORDS = {
    CancellationOutlook.MAY_BE_REVIEWED: Words(
        N_("Worth asking"), N_("Cancellation may be reviewed"),
        N_("You can ask to cancel, and support may review it."),
        N_("Support may be able to review a cancellation request.")),
    CancellationOutlook.LIMITED: Words(
        N_("Limited"), N_("Cancellation is limited"),
        N_("You can ask, but it may be too late to stop the order."),
        N_("Stopping the order may no longer be possible. Support will check.")),
    CancellationOutlook.UNLIKELY: Words(
        N_("Unlikely"), N_("Cancellation is unlikely"),
        N_("Cancelling is unlikely; the order will likely continue."),
        N_("Support will most likely not be able to stop the order.")),
    CancellationOutlook.NOT_AVAILABLE: Words(
        N_("Not possible"), N_("Cancellation is not available"),
        N_("This order cannot be cancelled."),
        N_("A completed order cannot be cancelled.")),
    CancellationOutlook.NOTHING_TO_CANCEL: Words(
        N_("Already cancelled"), N_("Already cancelled"),
        N_("This order is already cancelled."),
        N_("The order is stopped, so there is nothing left to cancel.")),
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
        return _(_REFUND_WORDS[self].word)

    @property
    def label(self) -> str:
        """The short customer-facing name."""
        return _(_REFUND_WORDS[self].label)

    @property
    def headline(self) -> str:
        return _(_REFUND_WORDS[self].headline)

    @property
    def summary(self) -> str:
        """One plain sentence; never a promise of money back."""
        return _(_REFUND_WORDS[self].summary)


_REFUND_WORDS = {
    RefundOutlook.BALANCE_REVIEW: Words(
        N_("May be reviewed"), N_("Your balance may be reviewed"),
        N_("Support may review your balance."),
        N_("If the order is stopped, support may review your balance. This is not a promise of a refund.")),
    RefundOutlook.LIMITED: Words(
        N_("May be limited"), N_("Refund or credit may be limited"),
        N_("Refund or credit may be limited."),
        N_("The order entered processing, so a refund or credit may be limited.")),
    RefundOutlook.SERVICE_RULES: Words(
        N_("By the service rules"), N_("Reviewed by the service rules"),
        N_("The undelivered part is reviewed by the service rules."),
        N_("Support may review what was not delivered, based on the service rules.")),
    RefundOutlook.NOT_AVAILABLE: Words(
        N_("Usually not"), N_("A refund is usually not available"),
        N_("A refund is usually not available."),
        N_("The order cannot be cancelled, so a refund is usually not available.")),
    RefundOutlook.BALANCE_CHECK: Words(
        N_("Can be checked"), N_("Your balance can be checked"),
        N_("If your balance looks wrong, support can check it."),
        N_("If your balance does not look right after the cancellation, support may review it. "
           "This is not a promise of a refund.")),
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
