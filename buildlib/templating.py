"""The build's one Jinja environment: Markdown templates and page text as they are, HTML templates autoescaped."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

import policy_engine as engine
from policy_engine import i18n
from policy_engine.i18n import N_, _

TEMPLATES = Path(__file__).resolve().parent / "templates"


# A month's name as it follows a day's number ("26 November", «26 ноября»), translated by the catalog.
MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"),
          N_("August"), N_("September"), N_("October"), N_("November"), N_("December"))


def human_date(iso: str) -> str:
    """A date a reader in any country understands, in the current language: 26 November 2026, 26 ноября 2026."""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {_(MONTHS[day.month - 1])} {day.year}"


def ticket_label(name: str) -> str:
    """A ticket field's label inside a sentence: "Correct Telegram link" -> "correct Telegram link"."""
    label = engine.TicketField(name).label
    return label[0].lower() + label[1:]


@cache
def environment() -> Environment:
    """Undefined names fail the build. Markdown output is escaped explicitly with |e; .html is autoescaped."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
        keep_trailing_newline=True,
    )
    # {{ _("…") }} and {% trans %} speak the context language (`with i18n.language("ru"):` around a render).
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(i18n._, i18n.ngettext, newstyle=True)
    env.filters["human_date"] = human_date
    env.filters["ticket_label"] = ticket_label
    return env
