"""What an order status is: the stages a panel shows, in the order an order moves through them."""

from __future__ import annotations

from enum import StrEnum

from .errors import UnknownStatusError


class Status(StrEnum):
    """An order status as the panel shows it."""

    PENDING = "pending"
    PROCESSING = "processing"
    IN_PROGRESS = "in_progress"
    PARTIAL = "partial"
    COMPLETED = "completed"
    CANCELED = "canceled"

    @property
    def label(self) -> str:
        """The customer-facing name, as the panel shows it."""
        return _LABELS[self]

    @property
    def meaning(self) -> str:
        """One plain sentence: what this status means for the order."""
        return _MEANINGS[self]


_LABELS = {
    Status.PENDING: "Pending",
    Status.PROCESSING: "Processing",
    Status.IN_PROGRESS: "In progress",
    Status.PARTIAL: "Partial",
    Status.COMPLETED: "Completed",
    Status.CANCELED: "Canceled",
}

_MEANINGS = {
    Status.PENDING: "The order is submitted, but it may not have entered processing yet.",
    Status.PROCESSING: "The order has entered the provider or system queue.",
    Status.IN_PROGRESS: "Delivery has started and is still running.",
    Status.PARTIAL: "Only part of the order was delivered, and delivery has stopped.",
    Status.COMPLETED: "The whole order was delivered.",
    Status.CANCELED: "The order was stopped and will not be delivered further.",
}

# The main path an order takes. Partial and canceled are end states off this path.
PROGRESSION: tuple[Status, ...] = (
    Status.PENDING,
    Status.PROCESSING,
    Status.IN_PROGRESS,
    Status.COMPLETED,
)


def parse_status(value: object) -> Status:
    """Return the Status for an id such as "in_progress"; raise UnknownStatusError otherwise."""
    if isinstance(value, Status):
        return value
    valid = ", ".join(status.value for status in Status)
    if not isinstance(value, str) or not value.strip():
        raise UnknownStatusError(f"Please choose an order status. Valid statuses: {valid}.")
    try:
        return Status(value)
    except ValueError:
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise UnknownStatusError(
            f"Unknown order status {shown!r}. Valid statuses: {valid}."
        ) from None
