"""Pre-compressed .gz and .br copies of the built site's text and wasm assets, as a real static host serves.

`precompress(site_dir)` runs from on_post_build on every build. Next to each compressible file of at
least MIN_SIZE bytes it writes `name.gz` (gzip -9) and `name.br` (brotli, quality 11), byte-for-byte
deterministic (gzip with mtime 0 and no file name). A copy is kept only when it saves at least
MIN_SAVING of the bytes: an already-deflated archive gains nothing, and a static host would then
serve the original.

Brotli at quality 11 is slow on big files (the 9 MB Pyodide wasm takes about 45 s), so each result
is cached under .cache/precompress/, keyed by the SHA-256 of the input and the settings: the first
build pays once per distinct file, later builds only hash (entries unused for CACHE_DAYS days are
dropped). Without the `brotli` package only .gz
copies are written.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import tempfile
import time
from pathlib import Path

try:
    import brotli
except ImportError:  # optional: the site still builds, with gzip copies only
    brotli = None

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = ROOT / ".cache" / "precompress"
CACHE_DAYS = 14
MIN_SIZE = 1024
MIN_SAVING = 0.05
SLOW_SIZE = 1_000_000  # a file this big takes long enough at brotli quality 11 to say so
GZIP_LEVEL = 9
BROTLI_QUALITY = 11
COMPRESSIBLE = frozenset({
    ".html", ".htm", ".css", ".js", ".mjs", ".cjs", ".json", ".map", ".svg", ".xml", ".txt", ".md",
    ".csv", ".webmanifest", ".ico", ".ttf", ".otf", ".wasm", ".zip", ".tar",
    ".bin",  # the Desk's memory snapshot: a 30 MB heap, mostly zeros
})
ENCODINGS = (".gz", ".br")

log = logging.getLogger("mkdocs.hooks.compress")


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def _brotli(data: bytes) -> bytes:
    return brotli.compress(data, quality=BROTLI_QUALITY)


def _cached(data: bytes, digest: str, suffix: str, compress, name: str) -> bytes:
    """`compress(data)`, from the cache when this input was compressed before with these settings."""
    level = GZIP_LEVEL if suffix == ".gz" else BROTLI_QUALITY
    entry = CACHE_DIR / f"{digest}.{level}{suffix}"
    try:
        result = entry.read_bytes()
        os.utime(entry)  # a used entry stays; see _prune
        return result
    except OSError:
        pass
    if len(data) >= SLOW_SIZE:
        log.info(f"Pre-compressing {name} as {suffix} ({len(data) / 1e6:.1f} MB: up to a minute, then cached)")
    result = compress(data)
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        # write-then-rename, so a parallel build never reads half a cache entry
        fd, tmp = tempfile.mkstemp(dir=CACHE_DIR, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(result)
        os.replace(tmp, entry)
    except OSError:
        pass  # a read-only checkout still builds; it just recompresses next time
    return result


def _prune() -> None:
    """Drop cache entries no build has used for CACHE_DAYS days, so the cache does not grow without end."""
    limit = time.time() - CACHE_DAYS * 86400
    try:
        for entry in CACHE_DIR.iterdir():
            if entry.stat().st_mtime < limit:
                entry.unlink(missing_ok=True)
    except OSError:
        pass


def compressible(path: Path) -> bool:
    """Whether `path` is a file worth offering compressed (by type and size)."""
    return path.suffix.lower() in COMPRESSIBLE and path.is_file() and path.stat().st_size >= MIN_SIZE


def precompress(site_dir: Path) -> dict[str, int]:
    """Write .gz/.br copies next to each compressible file under `site_dir`; return counts written."""
    site_dir = Path(site_dir)
    codecs = [(".gz", _gzip)] + ([(".br", _brotli)] if brotli is not None else [])
    written = {suffix: 0 for suffix, _ in codecs}
    for path in sorted(site_dir.rglob("*")):
        if not compressible(path):
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        for suffix, compress in codecs:
            target = path.with_name(path.name + suffix)
            result = _cached(data, digest, suffix, compress, path.relative_to(site_dir).as_posix())
            if len(result) <= len(data) * (1 - MIN_SAVING):
                if not target.is_file() or target.read_bytes() != result:
                    target.write_bytes(result)
                written[suffix] += 1
            elif target.is_file():
                target.unlink()  # a stale copy from an earlier build would be served instead
    _prune()
    return written
