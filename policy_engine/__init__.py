"""The Cancellation Policy as code: one source of truth for the site, the Decision Desk and support."""

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
from .outlooks import CancellationOutlook, RefundOutlook
from .rules import RULES, Rule, Topic
from .statuses import PROGRESSION, Status
from .table import case_key, decision_table
from .tickets import TicketField

__all__ = [
    "POLICY_VERSION", "REVISIONS", "RULES", "PROGRESSION",
    "CancellationOutlook", "Change", "ContradictoryInputError", "Decision", "Fact",
    "PolicyInputError", "RefundOutlook", "Revision", "Rule", "Status", "TicketField",
    "TicketFieldError", "Topic", "UnknownFactError", "UnknownPolicyVersionError",
    "UnknownStatusError", "case_key", "decide", "decision_table", "is_consistent",
]
