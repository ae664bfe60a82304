"""The policy's revisions, newest first. The newest effective date is the policy version.

Add a Revision here (and a snapshot, `python build.py snapshot`) whenever an outcome changes.
The "Changes to this policy" page is rendered from this list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .i18n import N_, _


@dataclass(frozen=True)
class Revision:
    """One dated change of the policy."""

    effective: str  # ISO date, YYYY-MM-DD
    source_title: str  # in English, the catalog's msgid; `title` is it in the reader's language
    source_summary: str

    @property
    def title(self) -> str:
        return _(self.source_title)

    @property
    def summary(self) -> str:
        return _(self.source_summary)

    @property
    def anchor(self) -> str:
        """The section id of this revision on the changes page."""
        return f"v{self.effective}"


REVISIONS: tuple[Revision, ...] = (
    Revision(
        "2026-12-04",
        N_("Clearer answers, read again against the policy"),
        N_("Each answer now starts with a one-line verdict and gives only the reasons that decide it. "
           "A wrong link or a duplicate order reported while an order is processing, before delivery starts, "
           "may now be reviewed, as for a pending order. A changed target lowers the answer, but only a "
           "completed order is answered \"cannot be cancelled\". Partial orders are answered as stopped, and "
           "cancelled orders get their own answer about the balance. A circumstance that does not fit a "
           "status can no longer be ticked for it."),
    ),
    Revision(
        "2026-11-26",
        N_("Policy published as a site with the Decision Desk"),
        N_("The Cancellation Policy, with its statuses, review flow, cases and balance rules, is "
           "published with Order Process, Service Policy, No Password Required and Support Standards. "
           "The Decision Desk gives the likely outcome for each status and circumstance."),
    ),
)

POLICY_VERSION: str = REVISIONS[0].effective


def problems(revisions: tuple[Revision, ...]) -> list[str]:
    """What is wrong with a list of revisions: each date ISO, unique, strictly newest first."""
    found = [] if revisions else ["There must be at least one revision."]
    for index, revision in enumerate(revisions):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", revision.effective):
            found.append(f"Revision {revision.effective!r} ({revision.title!r}): the date must be YYYY-MM-DD.")
            continue
        try:
            date.fromisoformat(revision.effective)
        except ValueError:
            found.append(f"Revision {revision.effective!r} ({revision.title!r}): not a real date.")
            continue
        if not revision.title.strip() or not revision.summary.strip():
            found.append(f"Revision {revision.effective}: it needs a title and a summary.")
        if index and revision.effective >= revisions[index - 1].effective:
            found.append(f"Revision {revision.effective} must be older than {revisions[index - 1].effective} "
                         "above it: list revisions newest first, one per date.")
    return found
