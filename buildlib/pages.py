"""Render each page's Markdown as a Jinja2 template whose data comes from policy_engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from jinja2 import Environment

import policy_engine as engine

from . import context, templating
from .options import BuildError
from .templating import human_date

REQUIRED_META = ("description", "reviewed")


def partials(env: Environment, names: dict) -> dict[str, Callable[..., str]]:
    """One function per template in buildlib/templates, e.g. rule_list(topic="balance")."""

    def renderer(template_name: str) -> Callable[..., str]:
        def render(**kwargs) -> str:
            return env.get_template(template_name).render(**names, **kwargs).strip("\n")

        return render

    return {name.removesuffix(".md"): renderer(name) for name in env.list_templates(extensions=["md"])}


def _iso(value: object, page, key: str) -> str:
    """A front-matter date as YYYY-MM-DD; a clear build error otherwise."""
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise BuildError(f"{page.file.src_uri}: front matter {key!r} must be a date like 2026-11-26, "
                         f"not {value!r}") from None


def apply_meta(page) -> None:
    """Check a page's front matter and fill in its dates; `effective` defaults to the policy version."""
    missing = [key for key in REQUIRED_META if not page.meta.get(key)]
    if missing:
        raise BuildError(f"{page.file.src_uri}: front matter needs {', '.join(missing)} "
                         f"(every page has {', '.join(REQUIRED_META)}; 'effective' defaults to the policy version)")
    effective = _iso(page.meta.get("effective", engine.POLICY_VERSION), page, "effective")
    reviewed = _iso(page.meta["reviewed"], page, "reviewed")
    page.meta["effective"], page.meta["reviewed"] = effective, reviewed
    page.meta["dates"] = [
        {"label": "Effective from", "iso": effective, "text": human_date(effective)},
        {"label": "Last reviewed", "iso": reviewed, "text": human_date(reviewed)},
    ]


def render_markdown(markdown: str, page, config) -> str:
    """The page's Markdown with every {{ … }} and {% … %} filled from the engine."""
    apply_meta(page)
    env = templating.environment()
    names = context.page_context(page, config)
    names.update(partials(env, names))
    template = env.from_string(markdown)
    return template.render(**names)
