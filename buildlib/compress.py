"""Pre-compressed .gz (and .br) copies of text assets, as a real static host serves. (OWNER: bench helper; placeholder wiring)"""

from __future__ import annotations

from pathlib import Path


def precompress(site_dir: Path) -> None:
    """Write compressed copies next to each compressible file."""
