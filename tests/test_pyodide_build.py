"""The Desk's build outputs: one Pyodide pin, content-hashed assets, pinned self-hosted core files."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import struct
import zipfile
from pathlib import Path

import pytest

from buildlib import engine_bundle
from buildlib.options import BuildOptions

ROOT = Path(__file__).resolve().parent.parent
HASHED = re.compile(r"^assets/desk/(?P<stem>[a-z]+)\.(?P<hash>[0-9a-f]{10})\.(?P<ext>mjs|css|zip|json|bin)$")


def built(site_dir: Path, pattern: str) -> Path:
    """The one built file matching a glob under the site."""
    matches = sorted(site_dir.glob(pattern))
    assert len(matches) == 1, f"expected one {pattern}, found {[str(m) for m in matches]}"
    return matches[0]


def test_the_pyodide_pin_is_the_installed_npm_package_and_what_the_site_loads(site_dir):
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["pyodide"]
    installed = json.loads((ROOT / "node_modules" / "pyodide" / "package.json").read_text())["version"]
    assert engine_bundle.pyodide_version() == pinned == installed
    manifest = json.loads((site_dir / engine_bundle.MANIFEST).read_text())
    assert manifest["pyodide_version"] == pinned
    assert (site_dir / f"assets/pyodide/v{pinned}").is_dir()
    page = (site_dir / "cancellation" / "index.html").read_text(encoding="utf-8")
    referenced = set(re.findall(r"pyodide/v(\d+\.\d+\.\d+)", page))
    assert referenced == {pinned}, f"the Cancellation page refers to Pyodide {referenced}, the pin is {pinned}"
    assert "python_stdlib.zip" not in page and "pyodide-lock.json" not in page


def test_the_pyodide_version_is_written_once_in_the_desk_sources():
    version = engine_bundle.pyodide_version()
    tools = sorted((ROOT / "widget" / "tools").glob("*"))
    sources = [ROOT / "buildlib" / "engine_bundle.py", ROOT / "widget" / "worker.mjs", *tools]
    for path in sources:
        assert version not in path.read_text(encoding="utf-8"), f"{path.name} repeats the Pyodide version"


def test_cdn_mode_points_at_the_pinned_cdn_path_and_serves_engine_and_stdlib_itself(site_dir):
    # site_dir first: its build has filled .cache/desk, so this reuses the verified stdlib
    assets = engine_bundle.prepare(BuildOptions(pyodide="cdn")).assets
    assert assets.index_url == f"https://cdn.jsdelivr.net/pyodide/v{engine_bundle.pyodide_version()}/full/"
    assert assets.mode == "cdn"
    for path in (assets.glue, assets.css, assets.worker, assets.engine, assets.stdlib, assets.lock, assets.snapshot):
        assert HASHED.match(path), path  # the memory snapshot too: always from the site itself
    self_host = engine_bundle.prepare(BuildOptions(pyodide="self-host")).assets
    assert self_host.index_url == f"assets/pyodide/v{engine_bundle.pyodide_version()}/"


def test_every_desk_asset_is_named_by_its_content_hash(site_dir):
    names = [p.relative_to(site_dir).as_posix() for p in (site_dir / "assets" / "desk").iterdir()
             if p.suffix in (".mjs", ".css", ".zip", ".json", ".bin") and p.name != "pyodide-manifest.json"]
    stems = set()
    for name in names:
        match = HASHED.match(name)
        assert match, f"{name} is not content-hashed"
        assert hashlib.sha256((site_dir / name).read_bytes()).hexdigest()[:10] == match["hash"], name
        stems.add(match["stem"])
    assert {"desk", "worker", "engine", "stdlib", "lock", "snapshot"} <= stems


def test_self_hosted_pyodide_core_files_match_the_npm_package(site_dir):
    manifest = json.loads((site_dir / engine_bundle.MANIFEST).read_text())
    files = manifest["files"]
    assert {Path(name).name for name in files} == {"pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm"}
    for relative, sha256 in files.items():
        served = hashlib.sha256((site_dir / relative).read_bytes()).hexdigest()
        npm = hashlib.sha256((ROOT / "node_modules" / "pyodide" / Path(relative).name).read_bytes()).hexdigest()
        assert served == sha256 == npm, relative
    assert not list(site_dir.glob("assets/pyodide/**/python_stdlib.zip")), "the 2.5 MB default stdlib is not needed"


def test_the_engine_archive_holds_only_the_engine_its_snapshots_and_its_precompiled_modules(site_dir):
    archive = zipfile.ZipFile(built(site_dir, "assets/desk/engine.*.zip"))
    names = archive.namelist()
    sources = {f"policy_engine/{p.name}" for p in engine_bundle.engine_sources()}
    sources |= {f"policy_engine/snapshots/{p.name}" for p in engine_bundle.engine_snapshots()}
    assert sources <= set(names)
    assert any(name.startswith("policy_engine/snapshots/") and name.endswith(".json") for name in sources)
    extra = set(names) - sources
    assert extra and all(re.fullmatch(r"policy_engine/__pycache__/[a-z0-9_]+\.cpython-3\d+\.pyc", n) for n in extra)
    assert not any("test" in n for n in names)
    assert not any(name.endswith(".mo") for name in names), "each page ships its own catalog beside the archive"
    for name in sources:
        assert archive.read(name) == (ROOT / name).read_bytes()
    assert {info.date_time for info in archive.infolist()} == {engine_bundle.ZIP_DATE}
    assert names == sorted(names)


def test_the_engine_archive_is_deterministic():
    assert engine_bundle.engine_archive() == engine_bundle.engine_archive()


def test_the_trimmed_stdlib_is_small_sourceless_bytecode(site_dir):
    path = built(site_dir, "assets/desk/stdlib.*.zip")
    archive = zipfile.ZipFile(path)
    names = archive.namelist()
    assert names and all(name.endswith(".pyc") for name in names)
    for needed in ("json/__init__.pyc", "enum.pyc", "dataclasses.pyc", "re/__init__.pyc", "encodings/__init__.pyc"):
        assert needed in names
    for unused in ("unittest/__init__.pyc", "email/__init__.pyc", "http/client.pyc", "sqlite3/__init__.pyc"):
        assert unused not in names
    full = zipfile.ZipFile(ROOT / "node_modules" / "pyodide" / "python_stdlib.zip")
    assert len(names) < len(full.namelist()) / 3
    magic = archive.read("enum.pyc")[:4]
    assert magic[2:] == b"\r\n"  # a CPython .pyc header; the build proved it loads by booting it


def test_the_lockfile_lists_no_packages(site_dir):
    lock = json.loads(built(site_dir, "assets/desk/lock.*.json").read_text())
    assert lock["packages"] == {}
    npm_info = json.loads((ROOT / "node_modules" / "pyodide" / "pyodide-lock.json").read_text())["info"]
    assert lock["info"] == npm_info


@pytest.mark.parametrize("bad", ["", "latest", "^314.0.7"])
def test_a_loose_pyodide_pin_stops_the_build_with_a_clear_message(tmp_path, monkeypatch, bad):
    package = tmp_path / "package.json"
    package.write_text(json.dumps({"devDependencies": {"pyodide": bad}}))
    monkeypatch.setattr(engine_bundle, "PACKAGE_JSON", package)
    with pytest.raises(Exception, match="pin an exact version"):
        engine_bundle.pyodide_version()


def test_the_stdlib_cache_key_changes_with_the_engine():
    calls = engine_bundle.exercise_calls()
    engine = engine_bundle.engine_archive()
    assert engine_bundle._stdlib_key(engine, "1", calls) != engine_bundle._stdlib_key(engine + b"x", "1", calls)
    assert engine_bundle._stdlib_key(engine, "1", calls) != engine_bundle._stdlib_key(engine, "2", calls)


def test_the_built_worker_pins_the_entry_module_by_subresource_integrity(site_dir):
    worker = built(site_dir, "assets/desk/worker.*.mjs").read_text(encoding="utf-8")
    digest = hashlib.sha384((ROOT / "node_modules" / "pyodide" / "pyodide.mjs").read_bytes()).digest()
    assert f'"sha384-{base64.b64encode(digest).decode()}"' in worker
    assert engine_bundle.WORKER_INTEGRITY_SLOT.decode() not in worker


def test_the_snapshot_key_covers_the_pyodide_version_the_stdlib_the_engine_and_the_lock():
    key = engine_bundle.snapshot_key("1", b"stdlib", b"engine", b"lock")
    assert key != engine_bundle.snapshot_key("2", b"stdlib", b"engine", b"lock")
    assert key != engine_bundle.snapshot_key("1", b"stdlib2", b"engine", b"lock")
    assert key != engine_bundle.snapshot_key("1", b"stdlib", b"engine2", b"lock")
    assert key != engine_bundle.snapshot_key("1", b"stdlib", b"engine", b"lock2")


def dense(packed: bytes) -> bytes:
    """A second reader of the shipped snapshot form (the worker's `inflate` is the first), strict about bounds."""
    assert packed[:8] == engine_bundle.SPARSE_MAGIC
    size, count = struct.unpack_from("<II", packed, 8)
    table = [struct.unpack_from("<II", packed, 16 + 8 * part) for part in range(count)]
    heap, at, end = bytearray(size), 16 + 8 * count, 0
    for offset, length in table:
        assert offset >= end and length > 0 and offset + length <= size
        heap[offset:offset + length] = packed[at:at + length]
        at, end = at + length, offset + length
    assert at == len(packed)
    return bytes(heap)


@pytest.mark.parametrize("heap", [
    b"", b"\0" * 1000, b"x" * 1000, b"\0" * 64 + b"x", b"x" + b"\0" * 64, b"x" + b"\0" * 63 + b"y",
    b"x" + b"\0" * 64 + b"y", b"\0" * 200 + b"abc" + b"\0" * 65 + b"def" + b"\0" * 300, bytes(range(256)) * 40,
], ids=["empty", "all zeros", "no zeros", "leading run", "trailing run", "run too short to leave out",
        "shortest run left out", "runs between parts", "mixed bytes"])
def test_the_shipped_snapshot_form_gives_back_every_byte(heap):
    packed = engine_bundle.sparse(heap)
    assert dense(packed) == heap
    if b"\0" * engine_bundle.SPARSE_MIN_RUN not in heap:
        assert len(packed) == 16 + (8 if heap else 0) + len(heap)  # nothing left out: one part, or none


def _desk_files(site_dir) -> tuple[dict, bytes, bytes, bytes, bytes]:
    """The Cancellation page's Desk config, and the snapshot, stdlib, engine and lockfile it names."""
    page_dir = site_dir / "cancellation"
    page = (page_dir / "index.html").read_text(encoding="utf-8")
    config = json.loads(re.search(r'id="decision-desk-config"[^>]*>(.*?)</template>', page, re.S)[1])
    return config, *((page_dir / config[key]).resolve().read_bytes()
                     for key in ("snapshot", "stdlib", "engine", "lock"))


def test_the_site_ships_the_memory_snapshot_without_its_runs_of_zeros(site_dir):
    _, shipped, stdlib, engine, lock = _desk_files(site_dir)
    heap, _ = engine_bundle.memory_snapshot(engine_bundle.pyodide_version(), stdlib, engine, lock)
    assert dense(shipped) == heap
    assert engine_bundle.sparse(heap) == shipped
    assert len(shipped) < len(heap) / 2  # three quarters of a fresh interpreter's heap are zeros


def test_the_same_inputs_make_the_same_snapshot_byte_for_byte(site_dir):
    """Made twice, uncached: the same bytes as each other and as the site's (so a rebuild on another
    machine keeps the snapshot's content hash, and visitors keep their cached copy)."""
    config, shipped, stdlib, engine, lock = _desk_files(site_dir)
    first, second = (engine_bundle.make_memory_snapshot(stdlib, engine, lock, config["snapshotKey"])
                     for _ in range(2))
    assert first == second
    assert engine_bundle.sparse(first) == shipped


def test_the_page_names_the_snapshot_built_from_its_own_stdlib_and_engine_with_its_integrity(site_dir):
    config, snapshot, stdlib, engine, lock = _desk_files(site_dir)
    assert config["snapshotIntegrity"] == "sha256-" + base64.b64encode(hashlib.sha256(snapshot).digest()).decode()
    assert config["snapshotKey"] == engine_bundle.snapshot_key(engine_bundle.pyodide_version(), stdlib, engine, lock)
    assert config["snapshotKey"].encode() in snapshot  # baked in: the worker checks it after a restore
