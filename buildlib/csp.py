"""Content-Security-Policy for every page. (OWNER: security helper; placeholder wiring)"""

from __future__ import annotations


def apply(output: str, page, config) -> str:
    """The page's HTML with its CSP meta tag."""
    return output
