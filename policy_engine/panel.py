"""What a panel's status word means: the words SMM panels send, read as the policy's statuses.

Panels of the PerfectPanel "API v2" family and their clones report `Pending`, `In progress`,
`Processing`, `Partial`, `Completed` and `Canceled`; some send `Cancelled`, lower case, or words
the policy has no status for. Each of those gets a deliberate answer here, written once.
"""

from __future__ import annotations

import difflib

from .errors import UnknownStatusError
from .i18n import N_, _
from .statuses import Status

MAX_SHOWN = 40  # longer words are quoted shortened; a status word is never this long

# The panel's words for the policy's statuses, written as `normal_word` returns them.
PANEL_WORDS: dict[str, Status] = {
    "pending": Status.PENDING,
    "processing": Status.PROCESSING,
    "in progress": Status.IN_PROGRESS,
    "partial": Status.PARTIAL,
    "completed": Status.COMPLETED,
    "canceled": Status.CANCELED,
    "cancelled": Status.CANCELED,
    # The order was stopped and its charge returned: nothing is left to cancel, and the
    # canceled-orders rule is the one that answers "my balance does not look right".
    "refunded": Status.CANCELED,
    # A drip-feed or subscription whose runs are still being delivered: delivery has started
    # and is still running, which is what "in progress" means.
    "active": Status.IN_PROGRESS,
}

# Words for orders the provider never ran: the policy has no status for them, so support acts first.
NOT_RUN = N_(
    "The panel marks this order {word}: the provider did not run it, so the policy gives no "
    "cancellation answer yet. Check the order in the panel, resend it or cancel it there, "
    "and answer from the status it shows then."
)
NOT_RUN_WORDS = frozenset({"fail", "failed", "error"})


def normal_word(value: str) -> str:
    """The word as compared: case and surrounding spaces ignored, `_` and `-` read as spaces."""
    return " ".join(value.replace("_", " ").replace("-", " ").split()).casefold()


def _valid() -> str:
    return ", ".join(status.value for status in Status)


def _shown(value: str) -> str:
    return value if len(value) <= MAX_SHOWN else value[:MAX_SHOWN] + "…"


def suggestion(value: str) -> str | None:
    """What a near-miss most likely meant: a status id ("in_progress" for "in progres") or a panel word."""
    word = normal_word(value[: MAX_SHOWN * 2])
    match = difflib.get_close_matches(word, PANEL_WORDS, n=1, cutoff=0.75)
    if not match:
        return None
    status = PANEL_WORDS[match[0]]
    return status.value if match[0] == normal_word(status.value) else match[0].capitalize()


def read_status(value: object) -> Status:
    """The Status for an id or a panel word such as " In progress "; raise UnknownStatusError otherwise."""
    if isinstance(value, Status):
        return value
    if not isinstance(value, str) or not value.strip():
        raise UnknownStatusError(_("Please choose an order status. Valid statuses: {valid}.").format(valid=_valid()))
    word = normal_word(value)
    if word in PANEL_WORDS:
        return PANEL_WORDS[word]
    shown = _shown(value.strip())
    if word in NOT_RUN_WORDS:
        raise UnknownStatusError(_(NOT_RUN).format(word=f"{shown!r}"))
    guess = suggestion(value)
    if guess:
        message = _("Unknown order status {status}. Did you mean {guess}? Valid statuses: {valid}, "
                    "or the panel's words for them, such as 'In progress' or 'Cancelled'.")
    else:
        message = _("Unknown order status {status}. Valid statuses: {valid}, "
                    "or the panel's words for them, such as 'In progress' or 'Cancelled'.")
    raise UnknownStatusError(message.format(status=repr(shown), guess=repr(guess), valid=_valid()))
