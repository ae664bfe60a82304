"""What an order status is, and what each one means for a cancellation: one record per status.

A record holds everything the engine says about a status: the panel's label, what it means, where
its answer starts (the cancellation and money outlooks), the rule that states it, and the next step.
Changing what "completed" means is an edit here; the pages, the Desk, the CLI and the tests follow.
The policy's own words for each rule are in `rules.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, StrEnum

from .errors import UnknownStatusError
from .i18n import N_, _
from .outlooks import CancellationOutlook as C
from .outlooks import RefundOutlook as R


class Status(StrEnum):
    """An order status as the panel shows it."""

    PENDING = "pending"
    PROCESSING = "processing"
    IN_PROGRESS = "in_progress"
    PARTIAL = "partial"
    COMPLETED = "completed"
    CANCELED = "canceled"

    @property
    def record(self) -> StatusRecord:
        return STATUSES[self]

    @property
    def label(self) -> str:
        """The customer-facing name, as the panel shows it."""
        return _(STATUSES[self].label)

    @property
    def meaning(self) -> str:
        """One plain sentence: what this status means for the order."""
        return _(STATUSES[self].meaning)

    @property
    def phase(self) -> Phase:
        return STATUSES[self].phase


class Phase(Enum):
    """Where delivery stands: the policy treats "before delivery starts" and "delivery is over" differently."""

    NOT_STARTED = "not_started"
    RUNNING = "running"
    OVER = "over"


@dataclass(frozen=True)
class StatusRecord:
    """Everything the policy says about one status."""

    label: str
    meaning: str
    phase: Phase
    cancellation: C  # where the answer starts, before any circumstance
    refund: R
    rule: str  # the rule that states what this status means for cancellation
    next_step: str
    # A headline of its own for some outlooks, where the general one would say the wrong thing.
    headlines: dict[C, str] = field(default_factory=dict)
    next_steps: dict[C, str] = field(default_factory=dict)  # a next step of its own for some outlooks
    summaries: dict[C, str] = field(default_factory=dict)  # a summary of its own for some outlooks


STATUSES: dict[Status, StatusRecord] = {
    Status.PENDING: StatusRecord(
        label=N_("Pending"),
        meaning=N_("The order is submitted, but it may not have entered processing yet."),
        phase=Phase.NOT_STARTED,
        cancellation=C.MAY_BE_REVIEWED, refund=R.BALANCE_REVIEW,
        rule="status.pending",
        next_step=N_("Open a ticket now, while the order is still pending."),
        next_steps={C.UNLIKELY: N_("You can still open a ticket and ask, but expect the order to go ahead.")},
    ),
    Status.PROCESSING: StatusRecord(
        label=N_("Processing"),
        meaning=N_("The order has entered the provider or system queue."),
        phase=Phase.NOT_STARTED,
        cancellation=C.LIMITED, refund=R.LIMITED,
        rule="status.processing",
        next_step=N_("Open a ticket soon. Support will check whether the order can still be stopped."),
        next_steps={C.MAY_BE_REVIEWED: N_("Open a ticket now, before delivery starts."),
                    C.UNLIKELY: N_("You can still open a ticket and ask, but expect the order to go ahead.")},
    ),
    Status.IN_PROGRESS: StatusRecord(
        label=N_("In progress"),
        meaning=N_("Delivery has started and is still running."),
        phase=Phase.RUNNING,
        cancellation=C.UNLIKELY, refund=R.LIMITED,
        rule="status.in_progress",
        next_step=N_("You can open a ticket and ask, but expect delivery to continue."),
    ),
    Status.PARTIAL: StatusRecord(
        label=N_("Partial"),
        meaning=N_("Only part of the order was delivered, and delivery has stopped."),
        phase=Phase.OVER,
        cancellation=C.LIMITED, refund=R.SERVICE_RULES,
        rule="status.partial",
        next_step=N_("If you want the undelivered part reviewed, open a ticket."),
        headlines={
            C.LIMITED: N_("Delivery has stopped. Support may review the undelivered part by the service rules."),
            C.UNLIKELY: N_("Delivery has stopped. Support will check the rest, but a change is unlikely."),
        },
        summaries={
            C.LIMITED: N_("Delivery has stopped, so only the undelivered part can be reviewed."),
            C.UNLIKELY: N_("Delivery has stopped, and a review of the undelivered part is unlikely to change it."),
        },
    ),
    Status.COMPLETED: StatusRecord(
        label=N_("Completed"),
        meaning=N_("The whole order was delivered."),
        phase=Phase.OVER,
        cancellation=C.NOT_AVAILABLE, refund=R.NOT_AVAILABLE,
        rule="status.completed",
        next_step=N_("If you have a concern about the delivery, open a ticket and describe it."),
    ),
    Status.CANCELED: StatusRecord(
        label=N_("Canceled"),
        meaning=N_("The order was stopped and will not be delivered further."),
        phase=Phase.OVER,
        cancellation=C.NOTHING_TO_CANCEL, refund=R.BALANCE_CHECK,
        rule="status.canceled",
        next_step=N_("Check your balance history. If it does not look right, open a ticket."),
    ),
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
        raise UnknownStatusError(_("Please choose an order status. Valid statuses: {valid}.").format(valid=valid))
    try:
        return Status(value)
    except ValueError:
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise UnknownStatusError(
            _("Unknown order status {status}. Valid statuses: {valid}.").format(status=repr(shown), valid=valid)
        ) from None
