"""What page templates can use: the engine's statuses, facts, rules and decisions."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import policy_engine as engine
from policy_engine.rules import RULES_BY_ID
from policy_engine.tickets import PAYMENT_REQUIRED

from . import desk_markup, drift

ROOT = Path(__file__).resolve().parent.parent


def md_link(reference: str) -> str:
    """A rule reference ("cancellation/#pending-orders") as a Markdown link target MkDocs validates."""
    page, _, anchor = reference.partition("#")
    page = page.strip("/")
    target = f"{page}.md" if page else "index.md"
    return f"{target}#{anchor}" if anchor else target


def rules_about(topic: str | engine.Topic) -> list[engine.Rule]:
    """The rules of one part of the policy, in declared order."""
    topic = engine.Topic(topic)
    return [rule for rule in engine.RULES if rule.topic is topic]


def status_rule(status: str | engine.Status) -> engine.Rule:
    """The rule that states what a status means for cancellation (its section on the Cancellation page)."""
    return RULES_BY_ID[f"status.{engine.Status(status).value}"]


def rule_anchor(rule: engine.Rule) -> str:
    """The id of a rule's entry in the rule index, e.g. "rule-status-pending"."""
    return "rule-" + rule.id.replace(".", "-").replace("_", "-")


def nav_titles(config) -> dict[str, str]:
    """Each page's nav title by its URL ("cancellation/"), from mkdocs.yml's nav."""
    titles: dict[str, str] = {}

    def walk(items) -> None:
        for item in items or ():
            if isinstance(item, dict):
                for title, target in item.items():
                    if isinstance(target, str):
                        stem = target.removesuffix(".md")
                        titles["" if stem == "index" else f"{stem}/"] = title
                    else:
                        walk(target)

    walk(config.get("nav"))
    return titles


def section_title(reference: str, docs_dir: Path = ROOT / "docs") -> str:
    """The heading text of the section a reference points to, read from its page's source in `docs_dir`."""
    page, _, anchor = reference.partition("#")
    source = drift.page_source(Path(docs_dir), page)
    lines = drift.find_section(source.read_text(encoding="utf-8"), anchor) if source.is_file() else None
    title = drift.heading_title(lines[0]) if lines else ""
    return title if title and "{" not in title else anchor.replace("-", " ").capitalize()


@cache
def decision_table() -> tuple[engine.Decision, ...]:
    """The engine's whole decision table, computed once per build process (the engine is pure)."""
    return engine.decision_table()


def page_context(page, config) -> dict:
    """The names available inside every page's {{ … }}."""
    return {
        "engine": engine,
        "statuses": list(engine.Status),
        "facts": list(engine.Fact),
        "rules": engine.RULES,
        "table": decision_table(),
        "decide": engine.decide,
        "policy_version": engine.POLICY_VERSION,
        "revisions": engine.REVISIONS,
        "page": page,
        "rule": RULES_BY_ID.__getitem__,
        "rules_about": rules_about,
        "status_rule": status_rule,
        "rule_anchor": rule_anchor,
        "md_link": md_link,
        "page_title": nav_titles(config).__getitem__,
        "section_title": lambda reference: section_title(reference, config["docs_dir"]),
        "ticket_fields": list(engine.TicketField),
        "payment_fields": PAYMENT_REQUIRED,
        **desk_markup.context(page, config),
    }
