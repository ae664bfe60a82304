"""Render each page's Markdown as a Jinja2 template whose data comes from policy_engine."""

from __future__ import annotations

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from . import context

TEMPLATES = context.ROOT / "buildlib" / "templates"


def environment() -> Environment:
    """The Jinja environment pages are rendered with; undefined names fail the build."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        undefined=StrictUndefined,
        autoescape=False,  # the output is Markdown; values are escaped explicitly with |e
        keep_trailing_newline=True,
    )
    return env


def render_markdown(markdown: str, page, config) -> str:
    """The page's Markdown with every {{ … }} and {% … %} filled from the engine."""
    env = environment()
    template = env.from_string(markdown)
    return template.render(**context.page_context(page, config))
