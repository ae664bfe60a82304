"""What an outlook is: the likely outcome for cancellation and for the money, best first."""

from __future__ import annotations

from enum import StrEnum


class CancellationOutlook(StrEnum):
    """How likely a cancellation is, ordered best to worst."""

    MAY_BE_REVIEWED = "may_be_reviewed"
    LIMITED = "limited"
    UNLIKELY = "unlikely"
    NOT_AVAILABLE = "not_available"

    @property
    def rank(self) -> int:
        """0 is the best outlook; a higher rank is worse."""
        return _CANCEL_ORDER.index(self)

    @property
    def label(self) -> str:
        """The short customer-facing name."""
        return _CANCEL_LABELS[self]

    @property
    def summary(self) -> str:
        """One plain sentence a customer can act on."""
        return _CANCEL_SUMMARIES[self]

    def worse(self, steps: int = 1) -> CancellationOutlook:
        """The outlook `steps` places worse, stopping at the worst."""
        return _CANCEL_ORDER[min(self.rank + steps, len(_CANCEL_ORDER) - 1)]


# Declaration order is the ranking; kept as tuples because enum iteration is slow in a hot loop.
_CANCEL_ORDER: tuple[CancellationOutlook, ...] = tuple(CancellationOutlook)

_CANCEL_LABELS = {
    CancellationOutlook.MAY_BE_REVIEWED: "Cancellation may be reviewed",
    CancellationOutlook.LIMITED: "Cancellation is limited",
    CancellationOutlook.UNLIKELY: "Cancellation is unlikely",
    CancellationOutlook.NOT_AVAILABLE: "Cancellation is not available",
}

_CANCEL_SUMMARIES = {
    CancellationOutlook.MAY_BE_REVIEWED: "Support may be able to review a cancellation request.",
    CancellationOutlook.LIMITED: "Stopping the order may no longer be possible.",
    CancellationOutlook.UNLIKELY: "The order will most likely continue.",
    CancellationOutlook.NOT_AVAILABLE: "This order cannot be cancelled.",
}


class RefundOutlook(StrEnum):
    """What may happen to the money, following the policy's cases A to D. None is a guarantee."""

    BALANCE_REVIEW = "balance_review"
    LIMITED = "limited"
    SERVICE_RULES = "service_rules"
    NOT_AVAILABLE = "not_available"

    @property
    def rank(self) -> int:
        """0 is the best outlook; a higher rank is worse."""
        return _REFUND_ORDER.index(self)

    @property
    def case(self) -> str:
        """The letter of the policy's balance case (A to D)."""
        return "ABCD"[self.rank]

    @property
    def label(self) -> str:
        """The short customer-facing name."""
        return _REFUND_LABELS[self]

    @property
    def summary(self) -> str:
        """One plain sentence; never a promise of money back."""
        return _REFUND_SUMMARIES[self]


_REFUND_ORDER: tuple[RefundOutlook, ...] = tuple(RefundOutlook)

_REFUND_LABELS = {
    RefundOutlook.BALANCE_REVIEW: "Balance handling may be reviewed",
    RefundOutlook.LIMITED: "Refund or credit options may be limited",
    RefundOutlook.SERVICE_RULES: "Reviewed by service rules",
    RefundOutlook.NOT_AVAILABLE: "A refund is usually not available",
}

_REFUND_SUMMARIES = {
    RefundOutlook.BALANCE_REVIEW: "Support may review cancellation and possible balance handling. "
                                  "This is not a promise of a refund.",
    RefundOutlook.LIMITED: "The order entered processing, so refund or credit options may be limited.",
    RefundOutlook.SERVICE_RULES: "Only part of the order was delivered; "
                                 "support may review it based on the service rules.",
    RefundOutlook.NOT_AVAILABLE: "The order cannot be cancelled, so a refund is usually not available.",
}
