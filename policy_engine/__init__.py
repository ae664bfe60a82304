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
from .links import LinkCheck, check_link
from .outlooks import CancellationOutlook, RefundOutlook
from .rules import RULES, Rule, Topic
from .snapshots import available_versions, decide_under, link_answer, load_snapshot
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
