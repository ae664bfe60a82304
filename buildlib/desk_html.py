"""The Decision Desk's markup: the GET form, the empty answer the glue fills, and the config it reads.

A page asks for the Desk with `{{ decision_desk() }}`. That leaves a placeholder which survives Markdown;
`on_page_content` swaps it for the markup rendered from buildlib/templates/desk.html.

The answers themselves are data (buildlib/desk_data.py, one content-hashed file): widget/desk.mjs renders
the engine's answer dict, from that file at once and from the engine in Pyodide once it is live. With
JavaScript off, the page's own sections say what each status means, and the Desk says where.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

import policy_engine as engine

from . import desk_data

TEMPLATES = Path(__file__).resolve().parent / "templates"
PLACEHOLDER = "<!-- decision-desk: replaced by buildlib.desk_html.on_page_content -->"
LIVE_TIMEOUT_MS = 10_000  # issue 4: a notice within 10 s when Pyodide cannot load


@cache
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        undefined=StrictUndefined,
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def context(page, config) -> dict:
    """Names for page templates: `decision_desk()` places the Desk."""

    def decision_desk() -> str:
        """The Desk goes here (a placeholder that on_page_content replaces after Markdown)."""
        return "\n\n" + PLACEHOLDER + "\n\n"

    return {"decision_desk": decision_desk}


def on_page_content(html: str, page, config) -> str:
    """Insert the Desk where a page asked for it."""
    if PLACEHOLDER not in html:
        return html
    if html.count(PLACEHOLDER) > 1:
        from .options import BuildError

        raise BuildError(f"{page.file.src_uri}: decision_desk() is used more than once; the Desk has fixed ids")
    if getattr(page, "present_anchor_ids", None) is not None:
        page.present_anchor_ids.add("decision-desk")  # MkDocs' anchor check ran before the Desk was inserted
    return html.replace(PLACEHOLDER, render(page.url))


# --- URLs ---------------------------------------------------------------------------------------

def relative(target: str, page_url: str) -> str:
    """A site-root-relative URL ("cancellation/#x") as seen from the page at `page_url`."""
    from mkdocs.utils import get_relative_url

    if "://" in target:
        return target
    path, hash_, anchor = target.partition("#")
    if path == page_url and hash_:
        return "#" + anchor
    rel = get_relative_url(path or ".", page_url or ".")
    if (not path or path.endswith("/")) and not rel.endswith("/"):
        rel += "/"
    return rel + (hash_ + anchor)


def _assets():
    """The hashed URLs of the Desk's glue, CSS, answers, worker and engine for the page being rendered."""
    from . import desk

    return desk.assets()


def page_config(page_url: str) -> dict:
    """What desk.mjs needs: asset URLs relative to the page and the time limit."""
    assets = _assets()

    def rel(path):
        return None if path is None else relative(path, page_url)

    return {
        "version": engine.POLICY_VERSION,
        "answers": rel(getattr(assets, "answers", None)),
        "root": relative("", page_url),
        "page": page_url,
        "worker": rel(getattr(assets, "worker", None)),
        "engine": rel(getattr(assets, "engine", None)),
        "stdlib": rel(getattr(assets, "stdlib", None)),
        "lock": rel(getattr(assets, "lock", None)),
        "snapshot": rel(getattr(assets, "snapshot", None)),
        "snapshotIntegrity": getattr(assets, "snapshot_integrity", None),
        "snapshotKey": getattr(assets, "snapshot_key", None),
        "indexURL": rel(getattr(assets, "index_url", None)),
        "pyodideVersion": getattr(assets, "pyodide_version", None),
        "mode": getattr(assets, "mode", None),
        "timeoutMs": LIVE_TIMEOUT_MS,
    }


def _json_for_template(value) -> Markup:
    """JSON that reads back verbatim from a <template>: no <, > or & for the HTML parser to act on."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


# --- The Desk ------------------------------------------------------------------------------------

def _human_date(iso: str) -> str:
    """26 November 2026: a date a reader in any country understands."""
    import datetime as dt

    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def render(page_url: str) -> str:
    """The Desk's markup for the page at `page_url`."""
    config = page_config(page_url)
    assets = _assets()
    revision = engine.REVISIONS[0]
    return _env().get_template("desk.html").render(
        statuses=list(engine.Status),
        facts=list(engine.Fact),
        ticket_fields=list(engine.TicketField),
        conditional_fields=[f.value for f in engine.tickets.CONDITIONAL],
        every_answer=desk_data.every_answer_rules(),
        config_json=_json_for_template(config),
        css=relative(assets.css, page_url) if assets else None,
        glue=relative(assets.glue, page_url) if assets else None,
        answers=relative(assets.answers, page_url) if assets else None,
        version=engine.POLICY_VERSION,
        version_text=_human_date(revision.effective),
        changes_url=relative(f"changes/#{revision.anchor}", page_url),
        no_password_url=relative("no-password-required/", page_url),
        status_table_url="#order-status",
        link=lambda reference: relative(reference, page_url),
    )
