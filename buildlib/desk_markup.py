"""The Decision Desk's markup: the GET form, the empty answer the glue fills, and the config it reads.

A page asks for the Desk with `{{ decision_desk() }}`. That leaves a placeholder which survives Markdown;
`on_page_content` swaps it for the markup rendered from buildlib/templates/desk.html.

The answers themselves are data (buildlib/desk_data.py, one content-hashed file): widget/glue.mjs renders
the engine's answer dict, from that file at once and from the engine in Pyodide once it is live. With
JavaScript off, the page's own sections say what each status means, and the Desk says where.
"""

from __future__ import annotations

import json

from markupsafe import Markup

import policy_engine as engine

from . import desk_data, templating

PLACEHOLDER = "<!-- decision-desk: replaced by buildlib.desk_markup.on_page_content -->"
LIVE_TIMEOUT_MS = 10_000  # issue 4: a notice within 10 s when Pyodide cannot load


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
    from . import languages

    lang_root = languages.prefix(languages.language_of(config))
    return html.replace(PLACEHOLDER, render(lang_root + page.url, lang_root))


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
    from . import engine_bundle

    return engine_bundle.assets()


def page_config(page_url: str, lang_root: str = "") -> dict:
    """What widget/glue.mjs needs: asset URLs relative to the page (`page_url` and the assets are paths in the
    whole site tree, "ru/cancellation/"), the language's root (`lang_root`, "ru/") and the time limit."""
    assets = _assets()

    def rel(path):
        return None if path is None else relative(path, page_url)

    return {
        "version": engine.POLICY_VERSION,
        "answers": rel(assets.answers),
        "root": relative(lang_root, page_url),
        "lang": assets.lang,
        "catalog": rel(assets.catalog),
        "worker": rel(assets.worker),
        "engine": rel(assets.engine),
        "stdlib": rel(assets.stdlib),
        "lock": rel(assets.lock),
        "snapshot": rel(assets.snapshot),
        "snapshotIntegrity": assets.snapshot_integrity,
        "snapshotKey": assets.snapshot_key,
        "indexURL": rel(assets.index_url),
        "timeoutMs": LIVE_TIMEOUT_MS,
    }


def _json_for_template(value) -> Markup:
    """JSON that reads back verbatim from a <template>: no <, > or & for the HTML parser to act on."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


# --- The Desk ------------------------------------------------------------------------------------

def ticket_languages(lang: str) -> list[dict]:
    """The languages a ticket can be drafted in on a page in `lang`: its own and English, which every page can
    answer in without another catalog. An English page offers no choice (it ships no other catalog)."""
    from policy_engine.i18n import LANGUAGE_NAMES, SOURCE_LANGUAGE

    if lang == SOURCE_LANGUAGE:
        return []
    return [{"code": code, "name": LANGUAGE_NAMES[code], "current": code == lang} for code in (lang, SOURCE_LANGUAGE)]


def render(page_url: str, lang_root: str = "") -> str:
    """The Desk's markup for the page at `page_url` (a path in the site tree) of the language at `lang_root`."""
    config = page_config(page_url, lang_root)
    assets = _assets()
    revision = engine.REVISIONS[0]
    return templating.environment().get_template("desk.html").render(
        statuses=list(engine.Status),
        facts=list(engine.Fact),
        ticket_fields=list(engine.TicketField),
        ticket_languages=ticket_languages(assets.lang),
        conditional_fields=[f.value for f in engine.tickets.CONDITIONAL],
        every_answer=desk_data.every_answer_rules(),
        config_json=_json_for_template(config),
        css=relative(assets.css, page_url),
        glue=relative(assets.glue, page_url),
        answers=relative(assets.answers, page_url),
        version=engine.POLICY_VERSION,
        version_text=templating.human_date(revision.effective),
        changes_url=relative(f"{lang_root}changes/#{revision.anchor}", page_url),
        no_password_url=relative(f"{lang_root}no-password-required/", page_url),
        status_table_url="#order-status",
        link=lambda reference: relative(lang_root + reference, page_url),
    )
