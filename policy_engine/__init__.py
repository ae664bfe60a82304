"""The Cancellation Policy as code: one source of truth for the site, the Decision Desk and support.

The outcome snapshots of older policy versions (`available_versions`, `decide_under`, `link_answer`,
`load_snapshot`) are imported on first use: they pull in importlib.resources, pathlib and more, which
the Desk's first answer does not need, so importing the engine in Pyodide stays quick.
"""

from .changes import POLICY_VERSION, REVISIONS, Revision
from .decision import Change, Decision, decide, is_consistent
from .errors import (
    ContradictoryInputError,
    PolicyInputError,
    TicketFieldError,
    UnknownFactError,
    UnknownPolicyVersionError,
    UnknownStatusError,
)
from .facts import Fact
from .links import LinkCheck, check_link
from .outlooks import CancellationOutlook, RefundOutlook
from .rules import RULES, Rule, Topic
from .statuses import PROGRESSION, Status
from .table import case_key, decision_table
from .tickets import TicketDraft, TicketField, draft_ticket

__all__ = [
    "POLICY_VERSION", "REVISIONS", "RULES", "PROGRESSION",
    "CancellationOutlook", "Change", "ContradictoryInputError", "Decision", "Fact", "LinkCheck",
    "PolicyInputError", "RefundOutlook", "Revision", "Rule", "Status", "TicketDraft", "TicketField",
    "TicketFieldError", "Topic", "UnknownFactError", "UnknownPolicyVersionError",
    "UnknownStatusError", "case_key", "check_link", "decide", "decision_table", "draft_ticket", "is_consistent",
    "available_versions", "decide_under", "link_answer", "load_snapshot",
]

_SNAPSHOT_NAMES = frozenset({"available_versions", "decide_under", "link_answer", "load_snapshot"})


def __getattr__(name: str):
    if name in _SNAPSHOT_NAMES:
        from . import snapshots

        value = getattr(snapshots, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SNAPSHOT_NAMES)
