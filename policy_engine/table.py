"""The whole decision table: every status with every consistent set of circumstances."""

from __future__ import annotations

from itertools import combinations

from .decision import Decision, decide, is_consistent
from .facts import Fact
from .i18n import chosen, language
from .statuses import Status


def fact_sets() -> tuple[tuple[Fact, ...], ...]:
    """Every subset of the circumstances, smallest first, each in declared order."""
    facts = tuple(Fact)
    return tuple(
        subset for size in range(len(facts) + 1) for subset in combinations(facts, size)
    )


def case_key(status: Status | str, facts: tuple[Fact | str, ...] | list) -> str:
    """A stable key for one case, e.g. "processing|duplicate_order,wrong_link" (facts sorted)."""
    status_id = status.value if isinstance(status, Status) else status
    fact_ids = sorted(f.value if isinstance(f, Fact) else f for f in facts)
    return f"{status_id}|{','.join(fact_ids)}"


def decision_table(lang: str | None = None) -> tuple[Decision, ...]:
    """The decision for every status and every consistent set of circumstances, worded in `lang`."""
    with language(chosen(lang)) as code:
        return tuple(
            decide(status, subset, code)
            for status in Status
            for subset in fact_sets()
            if is_consistent(status, frozenset(subset))
        )
