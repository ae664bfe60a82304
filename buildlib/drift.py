"""Prose-rule drift check and outcome snapshots. (OWNER: versions helper; placeholder wiring)"""

from __future__ import annotations


def check(config) -> None:
    """Fail the build when a cited section changed without confirmation."""


def run_command(args) -> int:
    """`python build.py snapshot` and `python build.py confirm-rules`."""
    raise SystemExit("not built yet")
