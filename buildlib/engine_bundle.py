"""Decision Desk assets: engine archive, trimmed stdlib, worker and glue, Pyodide core.

`prepare(options)` computes every asset (content-hashed names under assets/desk/) as a DeskBuild, which
the hooks keep in the MkDocs config (`desk_of(config)`); its `assets` are the site-root-relative paths the
other build modules need, and `write(build, site_dir)` writes the files into the built site. The Pyodide
version is read once, from package.json.

The trimmed standard library is made by Pyodide itself under Node (widget/tools/trim-stdlib.mjs):
it runs the engine through the bridge, keeps only the stdlib modules that got loaded, and compiles
them with Pyodide's own Python. The build then boots Pyodide with that zip, the way the worker does
(widget/tools/run-bridge.mjs), and refuses to go on unless every exercised call (the whole decision
table, links, tickets, old policy versions, bad input) answers exactly as in CPython. The same run precompiles the
engine's modules, which join its sources in the engine archive. The verified results are cached in
.cache/desk/, keyed by everything they depend on, so a rebuild skips Node entirely. A dev build (the
live-reload server) skips Node altogether: it ships Pyodide's own full stdlib and the engine's sources.

A production build also ships a Pyodide memory snapshot of that interpreter with the engine imported
(widget/tools/make-snapshot.mjs), so the worker restores Python instead of starting it. Its key covers
the Pyodide version and wasm, the stdlib and the engine archive; the build bakes the key into the snapshot
and into the page config, and the worker restores only a snapshot carrying the key it was given, with the
bytes matching their SHA-256 (an SRI string in the page). Anything else, and any failure, is a normal boot.
Three quarters of the snapshot's 30 MB are runs of zeros, so it ships without them (`sparse`; the worker puts
them back): the browser then decompresses and hashes 12 MB on every visit instead of 30 MB.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import os
import re
import shutil
import struct
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from .options import BuildError, BuildOptions

ROOT = Path(__file__).resolve().parent.parent
ENGINE_DIR = ROOT / "policy_engine"
WIDGET_DIR = ROOT / "widget"
TOOLS_DIR = WIDGET_DIR / "tools"
PYODIDE_DIR = ROOT / "node_modules" / "pyodide"
CACHE_DIR = ROOT / ".cache" / "desk"
SNAPSHOT_CACHE_DIR = ROOT / ".cache" / "desk-snapshot"
PACKAGE_JSON = ROOT / "package.json"
SNAPSHOT_DIR = "snapshots"  # policy_engine/snapshots/, as policy_engine.snapshots.SNAPSHOT_DIR names it

ASSET_DIR = "assets/desk"
CDN_INDEX_URL = "https://cdn.jsdelivr.net/pyodide/v{version}/full/"
SELF_HOST_DIR = "assets/pyodide/v{version}"
CORE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
FULL_STDLIB = "python_stdlib.zip"  # Pyodide's own, untrimmed: what a dev build ships
MANIFEST = f"{ASSET_DIR}/pyodide-manifest.json"
WORKER_INTEGRITY_SLOT = b"@PYODIDE_MJS_INTEGRITY@"  # in widget/worker.mjs; the build writes the SRI there
WORKER_LOCK_SLOT = b'"@PYODIDE_LOCK@"'  # in widget/worker.mjs; the build writes the lockfile there, as a JSON string
HASH_LENGTH = 10
CONFIG_KEY = "policy_site_desk"  # config.extra[CONFIG_KEY]: this build's DeskBuild, set by the on_config hook
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# The stdlib's .pyc drop docstrings and asserts (-OO): about a sixth smaller and quicker to load,
# and nothing the Desk runs reads a stdlib docstring. The engine's own modules keep optimization 0.
STDLIB_OPTIMIZE = 2
NODE_TIMEOUT = 300  # seconds for one Pyodide run under Node; a first boot takes a few

log = logging.getLogger("mkdocs.hooks.engine_bundle")


@dataclass(frozen=True)
class DeskAssets:
    """Where the Desk's files are, relative to the site root (no leading slash)."""

    glue: str
    css: str
    answers: str
    worker: str
    engine: str
    stdlib: str
    lock: str | None
    index_url: str
    pyodide_version: str
    mode: str
    snapshot: str | None = None  # the memory snapshot (production builds), with its SRI and key
    snapshot_integrity: str | None = None
    snapshot_key: str | None = None
    lang: str = "en"  # the language of the pages this build renders (policy_engine.i18n)
    catalog: str | None = None  # that language's compiled catalog (.mo), for the worker; None for English


@dataclass(frozen=True)
class DeskBuild:
    """The Desk's files for one build: where they go (`assets`) and their bytes by site-relative path."""

    assets: DeskAssets
    files: dict[str, bytes]


# The assets of the page being rendered, for desk_markup (which is handed only the page's URL); set by
# `rendering()` around one call, never left behind between builds.
_rendering: ContextVar[DeskAssets | None] = ContextVar("desk_assets", default=None)


def _hashed(name: str, content: bytes) -> str:
    """"glue.mjs" -> "assets/desk/glue.<first 10 hex of sha256>.mjs"."""
    stem, _, suffix = name.partition(".")
    return f"{ASSET_DIR}/{stem}.{hashlib.sha256(content).hexdigest()[:HASH_LENGTH]}.{suffix}"


def pyodide_version() -> str:
    """The pinned Pyodide version: package.json's devDependencies.pyodide, written nowhere else."""
    try:
        version = json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))["devDependencies"]["pyodide"]
    except (OSError, ValueError, KeyError) as error:
        raise BuildError(f"cannot read the Pyodide pin from {PACKAGE_JSON.name} devDependencies.pyodide: "
                         f"{error}") from None
    if not isinstance(version, str) or not version.replace(".", "").isdigit():
        raise BuildError(f"package.json pins pyodide to {version!r}; pin an exact version (digits and dots only)")
    return version


def _installed_pyodide(version: str) -> None:
    try:
        installed = json.loads((PYODIDE_DIR / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        raise BuildError("node_modules/pyodide is missing: run `npm ci` (or `make setup`)") from None
    if installed != version:
        raise BuildError(f"node_modules/pyodide is {installed} but package.json pins {version}: run `npm ci`")


# --- The engine archive -------------------------------------------------------------------------

def engine_sources() -> list[Path]:
    """The engine's modules that ship to the browser: policy_engine/*.py, sorted."""
    return sorted(path for path in ENGINE_DIR.glob("*.py") if path.is_file())


def engine_snapshots() -> list[Path]:
    """The outcome snapshots that ship with the engine (policy_engine/snapshots/*.json), sorted: old links
    are answered from them, read with importlib.resources as in CPython."""
    return sorted(path for path in (ENGINE_DIR / SNAPSHOT_DIR).glob("*.json") if path.is_file())


def _deterministic_zip(files: dict[str, bytes]) -> bytes:
    """Sorted names, fixed dates, stored (not deflated): the host's brotli/gzip compresses the whole
    archive better than zip's per-file deflate, as it does for the stdlib zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def engine_archive(catalogs: bool = False) -> bytes:
    """A deterministic zip of policy_engine/*.py and its snapshots/*.json (no tests, no caches); the build
    adds the modules' .pyc. With `catalogs`, also every compiled catalog (for trimming the stdlib only: each
    page ships its own catalog beside the archive)."""
    files = {f"policy_engine/{path.name}": path.read_bytes() for path in engine_sources()}
    if catalogs:
        files |= {path.relative_to(ROOT).as_posix(): path.read_bytes()
                  for path in sorted((ENGINE_DIR / "locale").glob("*/LC_MESSAGES/*.mo"))}
    files |= {f"policy_engine/{SNAPSHOT_DIR}/{path.name}": path.read_bytes() for path in engine_snapshots()}
    return _deterministic_zip(files)


def lock_contents(version: str) -> bytes:
    """A lockfile with no packages: Pyodide gets it as lockFileContents and fetches no pyodide-lock.json."""
    try:
        info = json.loads((PYODIDE_DIR / "pyodide-lock.json").read_text(encoding="utf-8"))["info"]
    except (OSError, ValueError, KeyError) as error:
        raise BuildError(f"cannot read node_modules/pyodide/pyodide-lock.json: {error}") from None
    return json.dumps({"info": info, "packages": {}}, sort_keys=True, separators=(",", ":")).encode()


# --- The trimmed standard library ---------------------------------------------------------------

SAMPLE_LINKS = (
    "https://t.me/yourchannel", "t.me/yourchannel/123", "https://t.me/yourchannel/5/123", "@yourchannel",
    "@shop_bot", "https://t.me/+AbCdEfGhIj", "https://t.me/joinchat/AbCdEfGhIj", "https://t.me/c/123456/7",
    "https://t.me/s/yourchannel", "https://t.me/+15551234567", "tg://resolve?domain=yourchannel&post=5",
    "tg://join?invite=AbCdEfGhIj", "tg://privatepost?channel=123&post=4", "tg://settings",
    "yourchannel.t.me", "https://example.com/x", "@a", "@bad__name", "", "x" * 3000, "https://t.me/",
    "https://t.me/durov/s/12", "https://t.me/boost/durov", "https://t.me/addlist/abcdef", "https://t.me/shop_bot/store",
    "@abcd", "https://telegram.dog/durov", "https://t.me/share", "@login",
)


def exercise_calls() -> list[list]:
    """Bridge calls that reach every code path the Desk uses, good input and bad."""
    calls: list[list] = [["table", {}]]
    calls += [["decide", params] for params in (
        {"status": "processing", "facts": ["wrong_link", "duplicate_order"]},
        {"status": "no-such-status"}, {"status": "pending", "facts": ["no-such-fact"]},
        {"status": "completed", "facts": ["service_unavailable"]}, {"status": "pending", "facts": "wrong_link"},
        {"status": 7, "facts": {}}, {"status": "pending", "extra": 1}, {},
    )]
    calls += [["check_link", {"text": text}] for text in SAMPLE_LINKS]
    calls += [["check_link", {"text": 12}], ["check_link", {}]]
    good = {"order_id": "123456", "telegram_link": "https://t.me/yourchannel", "service": "Telegram views",
            "reason": "I pasted the wrong channel link.", "status": "processing", "facts": ["wrong_link"]}
    calls += [["draft_ticket", params] for params in (
        good,
        {**good, "telegram_link": "https://t.me/+AbCdEfGhIj"},
        {**good, "facts": ["payment_related"], "transaction_reference": "TX-99812", "amount": "12.50 USD"},
        {**good, "facts": ["payment_related"], "amount": 12.5, "transaction_reference": "TX-1"},
        {**good, "reason": "my password is hunter2 and the code 123456"},
        {**good, "order_id": "abc", "service": "", "reason": "<script>alert(1)</script>\nline two"},
        {**good, "status": "completed", "facts": ["service_unavailable"]},
        {**good, "amount": True}, {"order_id": "1"},
    )]
    calls += [["link_answer", params] for params in _link_answer_params()]
    calls += [["no_such_method", {}], ["table", {"x": 1}]]
    return calls


def _link_answer_params() -> list[dict]:
    """Old links: the current version, every older snapshot, an unknown and a malformed version, bad input."""
    from policy_engine import POLICY_VERSION
    from policy_engine.snapshots import available_versions

    older = [v for v in available_versions(ENGINE_DIR / SNAPSHOT_DIR) if v != POLICY_VERSION]
    case = {"status": "processing", "facts": ["wrong_link"]}
    params = [{"v": POLICY_VERSION, **case}, {"v": None, **case}, {"v": "2020-01-01", **case},
              {"v": "<script>alert(1)</script>", **case}, {"v": "2026-13-40", "status": "pending"},
              {"v": 7, **case}, {"v": POLICY_VERSION, "status": "no-such-status"}, {"status": "pending"}]
    for version in older:
        params += [{"v": version, **case}, {"v": version, "status": "pending", "facts": []},
                   {"v": version, "status": "completed", "facts": ["service_unavailable"]}]
    return params


def _tool(name: str) -> Path:
    return TOOLS_DIR / name


def _node(script: str, *args: str, what: str) -> str:
    node = shutil.which("node")
    if node is None:
        raise BuildError("node is not installed; the Desk's stdlib is made by Pyodide under Node "
                         "(apt-get install nodejs)")
    try:
        result = subprocess.run([node, str(_tool(script)), *args], cwd=ROOT, capture_output=True, text=True,
                                timeout=NODE_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise BuildError(f"{what} took longer than {NODE_TIMEOUT} s under Node") from None
    if result.returncode != 0:
        raise BuildError(f"{what} failed (exit {result.returncode}):\n{result.stderr.strip()[-3000:]}")
    return result.stdout.strip().splitlines()[-1]


def _cpython_replies(calls: list) -> list[dict]:
    from policy_engine import bridge

    return [json.loads(bridge.call(method, json.dumps(params))) for method, params in calls]


def verify_in_pyodide(engine: bytes, stdlib: Path, lock: bytes, calls: list) -> dict:
    """Boot Pyodide under Node exactly as the worker does (trimmed stdlib, lockFileContents, no
    packages), run `calls` through the bridge and return run-bridge.mjs's JSON report."""
    with tempfile.TemporaryDirectory(prefix="desk-verify-") as tmp:
        work = Path(tmp)
        (work / "engine.zip").write_bytes(engine)
        (work / "lock.json").write_bytes(lock)
        (work / "calls.json").write_text(json.dumps(calls))
        out = _node("run-bridge.mjs", "--engine", str(work / "engine.zip"), "--stdlib", str(stdlib),
                    "--lock", str(work / "lock.json"), "--calls", str(work / "calls.json"),
                    what="booting Pyodide with the trimmed stdlib")
    return json.loads(out)


TRIM_OPTIONS = ("--optimize", str(STDLIB_OPTIMIZE), "--compression", "stored")


def _stdlib_key(engine: bytes, version: str, calls: list) -> str:
    """Everything the cached stdlib and engine archive depend on."""
    digest = hashlib.sha256()
    for part in (engine, version.encode(), json.dumps(calls, sort_keys=True).encode(), " ".join(TRIM_OPTIONS).encode(),
                 _tool("trim-stdlib.mjs").read_bytes(), _tool("run-bridge.mjs").read_bytes()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:20]


def _with_catalogs(engine: bytes) -> bytes:
    """The engine archive plus every compiled catalog, for the stdlib trim to exercise every language."""
    with zipfile.ZipFile(io.BytesIO(engine_archive(catalogs=True))) as full:
        catalogs = {name: full.read(name) for name in full.namelist() if name.endswith(".mo")}
    with zipfile.ZipFile(io.BytesIO(engine)) as opened:
        files = {name: opened.read(name) for name in opened.namelist()}
    return _deterministic_zip(files | catalogs)


def _with_pyc(engine: bytes, pyc_zip: bytes) -> bytes:
    """The engine archive plus its modules precompiled by Pyodide (policy_engine/__pycache__/)."""
    files = {}
    for archive in (engine, pyc_zip):
        with zipfile.ZipFile(io.BytesIO(archive)) as opened:
            files.update({name: opened.read(name) for name in opened.namelist()})
    return _deterministic_zip(files)


# What this process made or read, by its .cache/ entry, so every language of one build ships the same
# bytes: making a result twice gives other bytes, and another process (a parallel test build) may replace
# an entry between this build's languages. Keys are content-derived, so an engine edit makes a new entry.
_THIS_PROCESS: dict[Path, object] = {}


def pyodide_builds(sources: bytes, version: str, lock: bytes) -> tuple[bytes, bytes]:
    """(trimmed stdlib zip, engine archive with precompiled modules), both made by Pyodide under
    Node and verified against CPython's decision table; from .cache/desk/ when nothing changed."""
    calls = exercise_calls()
    trim_sources = _with_catalogs(sources)
    cached = CACHE_DIR / _stdlib_key(trim_sources, version, calls)
    if cached in _THIS_PROCESS:
        return _THIS_PROCESS[cached]
    if (cached / "stdlib.zip").is_file() and (cached / "engine.zip").is_file():
        _THIS_PROCESS[cached] = (cached / "stdlib.zip").read_bytes(), (cached / "engine.zip").read_bytes()
        return _THIS_PROCESS[cached]
    log.info("Decision Desk: trimming the stdlib with Pyodide under Node and checking it against CPython "
             "(once per engine change; about a minute)")
    with tempfile.TemporaryDirectory(prefix="desk-trim-") as tmp:
        work = Path(tmp)
        (work / "sources.zip").write_bytes(trim_sources)
        (work / "calls.json").write_text(json.dumps(calls))
        out, pyc = work / "stdlib.zip", work / "engine-pyc.zip"
        _node("trim-stdlib.mjs", "--engine", str(work / "sources.zip"), "--calls", str(work / "calls.json"),
              "--out", str(out), "--engine-pyc-out", str(pyc), *TRIM_OPTIONS, what="trimming the stdlib with Pyodide")
        engine = _with_pyc(sources, pyc.read_bytes())
        report = verify_in_pyodide(engine, out, lock, calls)
        if report.get("pyodideVersion") != version:
            raise BuildError(f"Pyodide under Node reports {report.get('pyodideVersion')}, package.json pins {version}")
        for call, got, want in zip(calls, report["replies"], _cpython_replies(calls), strict=True):
            if got != want:
                raise BuildError(f"with the trimmed stdlib, Pyodide answers {json.dumps(call)[:200]} differently from "
                             f"CPython:\n  Pyodide: {json.dumps(got)[:400]}\n  CPython: {json.dumps(want)[:400]}")
        stdlib = out.read_bytes()
    partial = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
    partial.mkdir(parents=True, exist_ok=True)
    (partial / "stdlib.zip").write_bytes(stdlib)
    (partial / "engine.zip").write_bytes(engine)
    try:
        partial.replace(cached)
    except OSError:  # a parallel build (pytest -n 2) cached the same result first
        shutil.rmtree(partial, ignore_errors=True)
    _prune_cache(keep=cached)
    _THIS_PROCESS[cached] = stdlib, engine
    return stdlib, engine


def _prune_cache(keep: Path, entries: int = 4) -> None:
    """Drop all but the newest few cached results (each engine edit makes a new one)."""
    done = [p for p in CACHE_DIR.iterdir() if p.is_dir() and not p.name.endswith(".tmp")]
    done.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in done[entries:]:
        if stale != keep:
            shutil.rmtree(stale, ignore_errors=True)


# --- The memory snapshot -----------------------------------------------------------------------

def snapshot_key(version: str, stdlib: bytes, engine: bytes, lock: bytes) -> str:
    """What a snapshot is valid for: the Pyodide version and wasm, the stdlib, the engine archive and the lock."""
    digest = hashlib.sha256()
    for part in (version.encode(), (PYODIDE_DIR / "pyodide.asm.wasm").read_bytes(), stdlib, engine, lock):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:20]


def memory_snapshot(version: str, stdlib: bytes, engine: bytes, lock: bytes) -> tuple[bytes, str]:
    """(snapshot, key): the worker's interpreter with the engine imported, made by Pyodide under Node,
    restored once there and checked against CPython; from .cache/desk-snapshot/ when nothing changed, and
    the same bytes for every language of a build."""
    key = snapshot_key(version, stdlib, engine, lock)
    tool = hashlib.sha256(_tool("make-snapshot.mjs").read_bytes()).hexdigest()[:10]
    cached = SNAPSHOT_CACHE_DIR / f"{key}-{tool}.bin"
    if cached in _THIS_PROCESS:
        return _THIS_PROCESS[cached], key
    if cached.is_file():
        _THIS_PROCESS[cached] = cached.read_bytes()
        return _THIS_PROCESS[cached], key
    log.info("Decision Desk: making the memory snapshot with Pyodide under Node (once per engine change)")
    snapshot = make_memory_snapshot(stdlib, engine, lock, key)
    SNAPSHOT_CACHE_DIR.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
    partial.write_bytes(snapshot)
    partial.replace(cached)
    for stale in sorted(SNAPSHOT_CACHE_DIR.glob("*.bin"), key=lambda p: p.stat().st_mtime, reverse=True)[2:]:
        stale.unlink(missing_ok=True)
    _THIS_PROCESS[cached] = snapshot
    return snapshot, key


def make_memory_snapshot(stdlib: bytes, engine: bytes, lock: bytes, key: str) -> bytes:
    """A new snapshot (no cache), made by Pyodide under Node with widget/tools/make-snapshot.mjs, restored once
    there and checked against CPython. The same inputs make the same bytes (the tool stops the clock and
    fixes the entropy while it makes it), so a rebuild elsewhere keeps the snapshot's content hash."""
    with tempfile.TemporaryDirectory(prefix="desk-snapshot-") as tmp:
        work = Path(tmp)
        for name, content in (("stdlib.zip", stdlib), ("engine.zip", engine), ("lock.json", lock)):
            (work / name).write_bytes(content)
        out = work / "snapshot.bin"
        report = json.loads(_node("make-snapshot.mjs", "--engine", str(work / "engine.zip"), "--stdlib",
                                  str(work / "stdlib.zip"), "--lock", str(work / "lock.json"), "--key", key,
                                  "--out", str(out), what="making the memory snapshot"))
        want = _cpython_replies([["decide", {"status": "pending", "facts": []}]])[0]
        if report.get("restoredKey") != key or report.get("restoredReply") != want:
            raise BuildError("the memory snapshot, restored under Node, does not answer as CPython does: "
                             f"{json.dumps(report.get('restoredReply'))[:300]}")
        return out.read_bytes()


# The shipped form: SPARSE_MAGIC, the snapshot's size and the number of parts kept (two little-endian uint32),
# a table of (offset, length) of each part (uint32 pairs, in order), then the parts. Only runs of at least
# SPARSE_MIN_RUN zero bytes are left out. widget/worker.mjs (`inflate`) reads it and checks every bound.
SPARSE_MAGIC = b"DESKSPR1"
SPARSE_MIN_RUN = 64


def sparse(snapshot: bytes) -> bytes:
    """The memory snapshot without its long runs of zero bytes, in the shipped form above."""
    parts, at = [], 0
    for run in re.finditer(rb"\0{%d,}" % SPARSE_MIN_RUN, snapshot):
        if run.start() > at:
            parts.append((at, run.start()))
        at = run.end()
    if at < len(snapshot):
        parts.append((at, len(snapshot)))
    table = b"".join(struct.pack("<II", start, end - start) for start, end in parts)
    return SPARSE_MAGIC + struct.pack("<II", len(snapshot), len(parts)) + table + b"".join(
        snapshot[start:end] for start, end in parts)


def _integrity(content: bytes, algorithm: str = "sha384") -> str:
    return f"{algorithm}-" + base64.b64encode(hashlib.new(algorithm, content).digest()).decode()


# --- The build's view ---------------------------------------------------------------------------

def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        raise BuildError(f"the Decision Desk needs {path.relative_to(ROOT)}, which is missing") from None


def worker_source(lock: bytes) -> bytes:
    """widget/worker.mjs with the Subresource Integrity of the pinned pyodide.mjs and the lockfile filled in."""
    source = _read(WIDGET_DIR / "worker.mjs")
    for slot in (WORKER_INTEGRITY_SLOT, WORKER_LOCK_SLOT):
        if slot not in source:
            raise BuildError(f"widget/worker.mjs lost its {slot.decode()} placeholder")
    source = source.replace(WORKER_LOCK_SLOT, json.dumps(lock.decode()).encode())
    return source.replace(WORKER_INTEGRITY_SLOT, entry_integrity().encode())


def entry_integrity() -> str:
    """The SRI string of node_modules/pyodide/pyodide.mjs, the entry module the worker imports."""
    return _integrity((PYODIDE_DIR / "pyodide.mjs").read_bytes())


def catalog_bytes(lang: str) -> bytes | None:
    """The compiled catalog of a language the pages are in, which its Desk's worker installs; None for English."""
    from policy_engine.i18n import SOURCE_LANGUAGE, catalog_path

    if lang == SOURCE_LANGUAGE:
        return None
    path = Path(catalog_path(lang))
    if not path.is_file():
        raise BuildError(f"the {lang!r} catalog is not compiled ({path.relative_to(ROOT)} is missing): "
                         "run `python build.py catalogs`")
    return path.read_bytes()


def prepare(options: BuildOptions, lang: str = "en") -> DeskBuild:
    """Compute every Desk asset (and its content-hashed name) for a build with these options, for pages in
    `lang`: its answers, in that language, and its catalog. The other files are the same in every language."""
    from . import desk_data

    version = pyodide_version()
    _installed_pyodide(version)
    lock = lock_contents(version)
    if options.dev:
        stdlib, engine = _read(PYODIDE_DIR / FULL_STDLIB), engine_archive()
    else:
        stdlib, engine = pyodide_builds(engine_archive(), version, lock)
    files = {
        "glue": ("glue.mjs", _read(WIDGET_DIR / "glue.mjs")),
        "css": ("desk.css", _read(WIDGET_DIR / "desk.css")),
        "answers": ("answers.json", desk_data.answers_json()),
        "worker": ("worker.mjs", worker_source(lock)),
        "engine": ("engine.zip", engine),
        "stdlib": ("stdlib.zip", stdlib),
        "lock": ("lock.json", lock),
    }
    catalog = catalog_bytes(lang)
    if catalog is not None:
        files["catalog"] = (f"{lang}.mo", catalog)
    snapshot = {}
    if not options.dev:  # always served from the site itself, in CDN mode too
        content, key = memory_snapshot(version, stdlib, engine, lock)
        content = sparse(content)
        files["snapshot"] = ("snapshot.bin", content)
        # sha256: the worker checks it with WebCrypto, where it is hardware-accelerated (widget/worker.mjs)
        snapshot = {"snapshot_integrity": _integrity(content, "sha256"), "snapshot_key": key}
    paths = {key: _hashed(name, content) for key, (name, content) in files.items()}
    cdn = options.pyodide == "cdn"
    index_url = CDN_INDEX_URL.format(version=version) if cdn else SELF_HOST_DIR.format(version=version) + "/"
    assets = DeskAssets(**paths, **snapshot, index_url=index_url, pyodide_version=version, mode=options.pyodide,
                        lang=lang)
    log.info(f"Decision Desk: Pyodide {version} from {index_url}"
             + (" (dev build: Pyodide's full stdlib, not the trimmed one)" if options.dev else ""))
    return DeskBuild(assets, {paths[key]: content for key, (_, content) in files.items()})


def desk_of(config) -> DeskBuild:
    """The DeskBuild the on_config hook stored in this build's MkDocs config."""
    found = config["extra"].get(CONFIG_KEY)
    if not isinstance(found, DeskBuild):
        raise BuildError("the Desk's assets are not prepared yet: the on_config hook did not run")
    return found


@contextmanager
def rendering(assets: DeskAssets) -> Iterator[None]:
    """Make `assets()` answer with these assets for the duration of the block."""
    token = _rendering.set(assets)
    try:
        yield
    finally:
        _rendering.reset(token)


def assets() -> DeskAssets:
    """The Desk's asset paths for the page being rendered (inside `rendering()`)."""
    current = _rendering.get()
    if current is None:
        raise BuildError("buildlib.engine_bundle.assets() was called outside engine_bundle.rendering()")
    return current


def core_manifest(version: str) -> dict:
    """sha256 of each self-hosted Pyodide core file, as copied from node_modules/pyodide."""
    directory = SELF_HOST_DIR.format(version=version)
    return {
        "pyodide_version": version,
        "source": "node_modules/pyodide",
        "files": {
            f"{directory}/{name}": hashlib.sha256((PYODIDE_DIR / name).read_bytes()).hexdigest()
            for name in CORE_FILES
        },
    }


def write(build: DeskBuild, site_dir: Path) -> None:
    """Write the Desk's files into the built site (and, in self-host mode, the Pyodide core)."""
    site = Path(site_dir)
    for relative, content in build.files.items():
        target = site / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    if build.assets.mode != "self-host":
        return
    manifest = core_manifest(build.assets.pyodide_version)
    for relative in manifest["files"]:
        target = site / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PYODIDE_DIR / Path(relative).name, target)
    (site / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
