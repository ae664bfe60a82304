"""The policy's revisions, newest first. The newest effective date is the policy version.

Add a Revision here (and a snapshot, `python build.py snapshot`) whenever an outcome changes.
The "Changes to this policy" page is rendered from this list.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Revision:
    """One dated change of the policy."""

    effective: str  # ISO date, YYYY-MM-DD
    title: str
    summary: str

    @property
    def anchor(self) -> str:
        """The section id of this revision on the changes page."""
        return f"v{self.effective}"


REVISIONS: tuple[Revision, ...] = (
    Revision(
        "2026-11-26",
        "Policy published as a site with the Decision Desk",
        "The Cancellation Policy, with its statuses, review flow, cases and balance rules, is "
        "published with Order Process, Service Policy, No Password Required and Support Standards. "
        "The Decision Desk gives the likely outcome for each status and circumstance.",
    ),
)

POLICY_VERSION: str = REVISIONS[0].effective
