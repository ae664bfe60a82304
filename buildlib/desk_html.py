"""The Decision Desk's markup with every prerendered answer. (OWNER: desk-ui helper; placeholder wiring)"""

from __future__ import annotations


def context(page, config) -> dict:
    """Names for page templates (e.g. decision_desk())."""
    return {}


def on_page_content(html: str, page, config) -> str:
    """Insert the Desk where a page asks for it."""
    return html
