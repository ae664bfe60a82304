"""The Decision Desk's answers as data: every answer the engine gives, exactly as `decide --json` prints it.

The build writes this into one content-hashed file (assets/desk/answers.<hash>.json). The browser only
renders what it reads: it looks an answer up by the query string the Desk's form makes, and never
derives a case, compares versions or words a sentence itself.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import policy_engine as engine
from policy_engine.facts import not_offered_reason
from policy_engine.rules import EVERY_ANSWER, RULES_BY_ID
from policy_engine.snapshots import NOTICES, link_answer
from policy_engine.table import fact_sets


def form_query(status: engine.Status, facts: tuple[engine.Fact, ...]) -> str:
    """The query string the Desk's form makes for this choice (status, then facts in form order)."""
    return urlencode([("status", status.value), *(("fact", fact.value) for fact in engine.facts.ordered(facts))])


def cases() -> list[tuple[engine.Status, tuple[engine.Fact, ...]]]:
    """Every choice a visitor can make: each status with each set of circumstances offered for it."""
    return [(status, subset) for status in engine.Status for subset in fact_sets()
            if engine.is_consistent(status, frozenset(subset))]


def answers() -> dict:
    """Everything the Desk shows, keyed by the form's query string."""
    current = engine.POLICY_VERSION
    chosen = cases()
    older = [revision.effective for revision in engine.REVISIONS if revision.effective != current]
    return {
        "version": current,
        "answers": {form_query(s, f): engine.decide(s, f).to_dict() for s, f in chosen},
        # Why a circumstance cannot be ticked for a status (absent: it can).
        "not_offered": {
            status.value: {fact.value: reason for fact in engine.Fact
                           if (reason := not_offered_reason(status, fact)) is not None}
            for status in engine.Status
        },
        # A link's `v`: the current version needs no notice; an older one has one per choice; any other
        # value gets the one fixed sentence.
        "links": {current: None} | {
            version: {form_query(s, f): link_answer(version, s, f)["notice"] for s, f in chosen}
            for version in older
        },
        "unrecognised": NOTICES["unrecognised"],
        "ticket_fields": {field.value: field.label for field in engine.TicketField},
    }


def answers_json() -> bytes:
    """The answers file's bytes: compact, deterministic."""
    return json.dumps(answers(), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def every_answer_rules() -> list[engine.Rule]:
    """The rules that hold for every answer; the page states them once, beside the Desk."""
    return [RULES_BY_ID[rule_id] for rule_id in EVERY_ANSWER]
