"""What a support ticket is: the fields the policy asks for, and a validated draft of one."""

from __future__ import annotations

from enum import Enum

from .facts import Fact


class TicketField(str, Enum):
    """A piece of information a cancellation ticket should include."""

    ORDER_ID = "order_id"
    TELEGRAM_LINK = "telegram_link"
    SERVICE = "service"
    REASON = "reason"
    TRANSACTION_REFERENCE = "transaction_reference"
    AMOUNT = "amount"

    @property
    def label(self) -> str:
        """The customer-facing name of the field."""
        return _LABELS[self]


_LABELS = {
    TicketField.ORDER_ID: "Order ID",
    TicketField.TELEGRAM_LINK: "Telegram link",
    TicketField.SERVICE: "Service",
    TicketField.REASON: "Reason",
    TicketField.TRANSACTION_REFERENCE: "Transaction reference",
    TicketField.AMOUNT: "Amount",
}

ALWAYS_REQUIRED: tuple[TicketField, ...] = (
    TicketField.ORDER_ID,
    TicketField.TELEGRAM_LINK,
    TicketField.SERVICE,
    TicketField.REASON,
)
PAYMENT_REQUIRED: tuple[TicketField, ...] = (TicketField.TRANSACTION_REFERENCE, TicketField.AMOUNT)


def ticket_fields(facts: frozenset[Fact]) -> tuple[TicketField, ...]:
    """The fields a ticket for these circumstances must include."""
    if Fact.PAYMENT_RELATED in facts:
        return ALWAYS_REQUIRED + PAYMENT_REQUIRED
    return ALWAYS_REQUIRED
