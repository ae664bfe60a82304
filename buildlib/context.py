"""What page templates can use: the engine's statuses, facts, rules and decisions."""

from __future__ import annotations

from pathlib import Path

import policy_engine as engine

from . import desk_html

ROOT = Path(__file__).resolve().parent.parent


def page_context(page, config) -> dict:
    """The names available inside every page's {{ … }}."""
    return {
        "engine": engine,
        "statuses": list(engine.Status),
        "facts": list(engine.Fact),
        "rules": engine.RULES,
        "table": engine.decision_table(),
        "decide": engine.decide,
        "policy_version": engine.POLICY_VERSION,
        "revisions": engine.REVISIONS,
        "page": page,
        **desk_html.context(page, config),
    }
