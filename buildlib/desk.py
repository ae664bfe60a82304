"""Decision Desk assets: engine archive, trimmed stdlib, worker and glue, Pyodide core. (OWNER: desk-engine helper; placeholder wiring)"""

from __future__ import annotations


def on_config(config, mode: str) -> None:
    """Compute the Desk's asset names for this build."""


def write_assets(config) -> None:
    """Write the Desk's assets into the built site."""
