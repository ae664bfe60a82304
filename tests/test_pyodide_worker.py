"""The Desk's module worker in real headless Chromium, loaded from the built self-host site over HTTP:
it boots Pyodide from the site alone, answers like CPython, and survives bad messages."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import struct
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from buildlib import engine_bundle
from policy_engine import POLICY_VERSION, bridge
from policy_engine.snapshots import available_versions

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent

# Runs in the page: start the site's worker, collect its messages, and expose helpers to the tests.
START = """async ({worker, init, limitMs}) => {
  const w = new Worker(worker, {type: "module"});
  const messages = [];
  const waiters = [];
  w.addEventListener("message", (event) => {
    messages.push(event.data);
    for (const waiter of [...waiters]) waiter();
  });
  w.addEventListener("error", (event) => messages.push({type: "worker-error", message: String(event.message)}));
  window.__desk = {
    w, messages,
    next(predicate) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no such message within " + limitMs + " ms: "
          + JSON.stringify(messages.map((m) => m.type)))), limitMs);
        const check = () => {
          const found = messages.find(predicate);
          if (found) { clearTimeout(timer); waiters.splice(waiters.indexOf(check), 1); resolve(found); }
        };
        waiters.push(check);
        check();
      });
    },
    after(before, predicate) {  // the first message since `before` messages that matches
      return this.next((m) => messages.indexOf(m) >= before && predicate(m));
    },
    call(id, method, params) {
      const before = messages.length;
      w.postMessage({type: "call", id, method, params});
      return this.after(before, (m) => m.type === "reply" && m.id === id);
    },
  };
  if (init) w.postMessage(init);
  return true;
}"""
LIMIT_MS = 120_000  # a generous bound on a loaded machine; Pyodide boots in a few seconds


def built(site_dir: Path, pattern: str) -> str:
    matches = sorted(site_dir.glob(pattern))
    assert len(matches) == 1, f"expected one {pattern}, found {matches}"
    return matches[0].relative_to(site_dir).as_posix()


def init_message(site_dir: Path, site_url: str, **overrides) -> dict:
    message = {
        "type": "init",
        "indexURL": f"{site_url}assets/pyodide/v{engine_bundle.pyodide_version()}/",
        "stdLibURL": site_url + built(site_dir, "assets/desk/stdlib.*.zip"),
        "engineURL": site_url + built(site_dir, "assets/desk/engine.*.zip"),
        "lockURL": site_url + built(site_dir, "assets/desk/lock.*.json"),
    }
    return {**message, **overrides}


@pytest.fixture(scope="module")
def booted(browser, site_dir, site_url):
    """One page on the Cancellation page with the site's worker booted, and every request it made."""
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto(site_url + "cancellation/")
    worker = site_url + built(site_dir, "assets/desk/worker.*.mjs")
    page.evaluate(START, {"worker": worker, "init": init_message(site_dir, site_url), "limitMs": LIMIT_MS})
    ready = page.evaluate("() => window.__desk.next((m) => m.type === 'ready' || m.type === 'failed')")
    yield page, ready, requests
    context.close()


def test_the_worker_reports_ready_with_the_pinned_pyodide_and_the_policy_version(booted):
    page, ready, _ = booted
    assert ready["type"] == "ready", ready
    assert ready["pyodideVersion"] == engine_bundle.pyodide_version()
    assert ready["policyVersion"] == POLICY_VERSION
    assert isinstance(ready["bootMs"], int) and ready["bootMs"] > 0
    stages = [m["stage"] for m in page.evaluate("() => window.__desk.messages") if m["type"] == "progress"]
    assert stages == ["download", "start", "engine"]
    print(f"\nworker boot in Chromium (self-host, loopback): {ready['bootMs']} ms")


def test_the_worker_decides_like_cpython(booted):
    page, _, _ = booted
    params = {"status": "processing", "facts": ["wrong_link", "duplicate_order"]}
    reply = page.evaluate("(p) => window.__desk.call('d1', 'decide', p)", params)
    assert reply == {"type": "reply", "id": "d1", **json.loads(bridge.call("decide", json.dumps(params)))}


def test_engine_errors_come_back_as_error_replies(booted):
    page, _, _ = booted
    reply = page.evaluate("() => window.__desk.call('e1', 'draft_ticket', {order_id: 'abc', telegram_link: '',"
                          " service: '', reason: '', status: 'processing'})")
    assert reply["ok"] is False
    assert reply["error"]["kind"] == "TicketFieldError"
    assert "order_id" in reply["error"]["problems"]


@pytest.mark.parametrize("message, kind", [
    (None, "BadMessage"),
    ("decide", "BadMessage"),
    ({"type": "call", "method": "decide"}, "BadMessage"),
    ({"type": "call", "id": "m1", "method": "eval", "params": {}}, "UnknownMethodError"),
    ({"type": "call", "id": "m2", "method": "decide", "params": {"status": "<script>"}}, "UnknownStatusError"),
    ({"type": "call", "id": "m3", "method": "decide", "params": [1, 2]}, "BadParamsError"),
    ({"type": "launch", "id": "m4"}, "BadMessage"),
])
def test_a_bad_message_gets_an_error_reply_and_the_worker_keeps_answering(booted, message, kind):
    page, _, _ = booted
    reply = page.evaluate("""async (message) => {
      const before = window.__desk.messages.length;
      window.__desk.w.postMessage(message);
      return window.__desk.after(before, (m) => m.type === 'reply');
    }""", message)
    assert reply["ok"] is False and reply["error"]["kind"] == kind, reply
    assert reply["error"]["message"]
    still = page.evaluate("() => window.__desk.call('after-bad', 'decide', {status: 'pending'})")
    assert still["ok"] is True


def test_the_worker_loads_everything_from_the_site_and_no_lockfile_or_full_stdlib(booted, site_url):
    _, ready, requests = booted
    assert ready["type"] == "ready"
    origin = urlsplit(site_url).netloc
    network = [url for url in requests if urlsplit(url).scheme in ("http", "https")]
    assert [url for url in network if urlsplit(url).netloc != origin] == []
    # the one non-network URL: the verified pyodide.mjs, imported from a blob after its SRI check
    assert all(url.startswith(("http", "blob:" + site_url[:-1])) for url in requests)
    fetched = {urlsplit(url).path.rsplit("/", 1)[-1] for url in network}
    assert "pyodide-lock.json" not in fetched and "python_stdlib.zip" not in fetched
    assert {"pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm"} <= fetched
    assert any(name.startswith("stdlib.") for name in fetched) and any(name.startswith("engine.") for name in fetched)


def test_a_worker_that_cannot_load_pyodide_reports_failed_and_answers_calls_with_an_error(
        context, site_dir, site_url):
    page = context.new_page()
    page.goto(site_url + "cancellation/")
    worker = site_url + built(site_dir, "assets/desk/worker.*.mjs")
    page.evaluate(START, {"worker": worker, "init": None, "limitMs": LIMIT_MS})
    early = page.evaluate("() => window.__desk.call('before-init', 'decide', {status: 'pending'})")
    assert early["ok"] is False and early["error"]["kind"] == "NotReady"
    broken = init_message(site_dir, site_url, indexURL=site_url + "assets/no-such-pyodide/")
    failed = page.evaluate("(init) => { window.__desk.w.postMessage(init);"
                           " return window.__desk.next((m) => m.type === 'failed' || m.type === 'ready'); }", broken)
    assert failed["type"] == "failed" and failed["message"]
    after = page.evaluate("() => window.__desk.call('after-fail', 'decide', {status: 'pending'})")
    assert after["ok"] is False and after["error"]["kind"] == "NotReady"


def _boot_outcome(context, site_dir, site_url) -> dict:
    """Start the built worker from the Cancellation page and return its first ready or failed message."""
    page = context.new_page()
    page.goto(site_url + "cancellation/")
    worker = site_url + built(site_dir, "assets/desk/worker.*.mjs")
    page.evaluate(START, {"worker": worker, "init": init_message(site_dir, site_url), "limitMs": LIMIT_MS})
    return page.evaluate("() => window.__desk.next((m) => m.type === 'failed' || m.type === 'ready')")


def test_an_init_without_absolute_urls_is_refused(context, site_dir, site_url):
    page = context.new_page()
    page.goto(site_url + "cancellation/")
    worker = site_url + built(site_dir, "assets/desk/worker.*.mjs")
    page.evaluate(START, {"worker": worker, "init": {"type": "init", "indexURL": "assets/",
                                                      "stdLibURL": "x", "engineURL": "y"}, "limitMs": LIMIT_MS})
    failed = page.evaluate("() => window.__desk.next((m) => m.type === 'failed')")
    assert "absolute" in failed["message"]


def test_a_tampered_pyodide_entry_module_is_refused(context, site_dir, site_url):
    def tampered(route):
        response = route.fetch()
        route.fulfill(response=response, body=response.text() + "\nglobalThis.tampered = true;\n")

    context.route("**/pyodide.mjs", tampered)
    outcome = _boot_outcome(context, site_dir, site_url)
    assert outcome["type"] == "failed", outcome
    assert "integrity" in outcome["message"]


@pytest.mark.parametrize("missing", [
    "**/pyodide.asm.wasm", "**/pyodide.asm.mjs", "**/desk/stdlib.*.zip", "**/desk/engine.*.zip", "**/desk/lock.*.json",
])
def test_a_missing_core_file_is_reported_as_failed_instead_of_hanging(context, site_dir, site_url, missing):
    context.route(missing, lambda route: route.fulfill(status=404, body="not found"))
    outcome = _boot_outcome(context, site_dir, site_url)
    assert outcome["type"] == "failed", outcome
    assert outcome["message"] and "Traceback" not in outcome["message"]


# --- The memory snapshot: restored when it is this build's, refused (and a normal boot) when not ---------

READ_SNAPSHOT = """() => {
  const config = JSON.parse(document.getElementById('decision-desk-config').content.textContent);
  return {snapshotURL: new URL(config.snapshot, location.href).href, snapshotIntegrity: config.snapshotIntegrity,
          snapshotKey: config.snapshotKey};
}"""


def _boot_with_snapshot(context, site_dir, site_url, **overrides) -> tuple:
    """Start the built worker with the page's snapshot (or overrides of it); (page, first ready/failed message)."""
    page = context.new_page()
    page.goto(site_url + "cancellation/")
    snapshot = {**page.evaluate(READ_SNAPSHOT), **overrides}
    worker = site_url + built(site_dir, "assets/desk/worker.*.mjs")
    init = init_message(site_dir, site_url, **snapshot)
    page.evaluate(START, {"worker": worker, "init": init, "limitMs": LIMIT_MS})
    return page, page.evaluate("() => window.__desk.next((m) => m.type === 'failed' || m.type === 'ready')")


def _answers_like_cpython(page) -> None:
    params = {"status": "processing", "facts": ["wrong_link"]}
    reply = page.evaluate("(p) => window.__desk.call('s1', 'decide', p)", params)
    assert reply == {"type": "reply", "id": "s1", **json.loads(bridge.call("decide", json.dumps(params)))}
    # an old answer link is read from the engine archive's files: unpacked again after a restore
    older = min(available_versions(engine_bundle.ENGINE_DIR / engine_bundle.SNAPSHOT_DIR))
    assert older != POLICY_VERSION
    old = {"v": older, "status": "processing", "facts": ["wrong_link"]}
    reply = page.evaluate("(p) => window.__desk.call('s2', 'link_answer', p)", old)
    assert reply == {"type": "reply", "id": "s2", **json.loads(bridge.call("link_answer", json.dumps(old)))}


def test_the_worker_restores_the_built_snapshot_and_answers_like_cpython(context, site_dir, site_url):
    page, ready = _boot_with_snapshot(context, site_dir, site_url)
    assert ready["type"] == "ready", ready
    assert ready["phases"]["snapshot"] == "restored"
    assert ready["pyodideVersion"] == engine_bundle.pyodide_version() and ready["policyVersion"] == POLICY_VERSION
    _answers_like_cpython(page)
    print(f"\nworker boot from the snapshot in Chromium (self-host, loopback): {ready['bootMs']} ms")


def test_a_corrupted_snapshot_fails_its_integrity_check_and_the_worker_boots_normally(context, site_dir, site_url):
    body = bytearray((site_dir / built(site_dir, "assets/desk/snapshot.*.bin")).read_bytes())
    body[len(body) // 2] ^= 0xFF  # one byte of the heap, past Pyodide's own header check

    def corrupted(route):
        route.fulfill(status=200, body=bytes(body), headers={"content-type": "application/octet-stream"})

    context.route("**/desk/snapshot.*.bin", corrupted)
    page, ready = _boot_with_snapshot(context, site_dir, site_url)
    assert ready["type"] == "ready", ready
    assert ready["phases"]["snapshot"].startswith("refused:") and "integrity" in ready["phases"]["snapshot"]
    _answers_like_cpython(page)


def test_a_snapshot_of_another_build_is_refused_and_the_worker_boots_normally(context, site_dir, site_url):
    page, ready = _boot_with_snapshot(context, site_dir, site_url, snapshotKey="another-build")
    assert ready["type"] == "ready", ready
    assert ready["phases"]["snapshot"] == "refused: the snapshot is not the one this page was built with"
    _answers_like_cpython(page)


def _serve_snapshot(context, body: bytes, algorithm: str = "sha256") -> str:
    """Serve `body` as the snapshot; the integrity that lets it through."""
    context.route("**/desk/snapshot.*.bin", lambda route: route.fulfill(status=200, body=body))
    return f"{algorithm}-" + base64.b64encode(hashlib.new(algorithm, body).digest()).decode()


@pytest.mark.parametrize("algorithm", ["sha384", "sha512"])
def test_a_snapshot_with_another_sri_hash_is_checked_and_restored(context, site_dir, site_url, algorithm):
    body = (site_dir / built(site_dir, "assets/desk/snapshot.*.bin")).read_bytes()
    integrity = _serve_snapshot(context, body, algorithm)
    page, ready = _boot_with_snapshot(context, site_dir, site_url, snapshotIntegrity=integrity)
    assert ready["type"] == "ready", ready
    assert ready["phases"]["snapshot"] == "restored"


@pytest.mark.parametrize("integrity", ["md5-AAAA", "sha256", "sha256-", "not an integrity"])
def test_an_integrity_the_worker_cannot_check_is_refused_with_the_valid_hashes(context, site_dir, site_url, integrity):
    page, ready = _boot_with_snapshot(context, site_dir, site_url, snapshotIntegrity=integrity)
    assert ready["type"] == "ready", ready
    assert ready["phases"]["snapshot"] == (
        "refused: its integrity names no hash this worker checks (sha256, sha384, sha512)")
    _answers_like_cpython(page)


INSECURE_ORIGIN = "http://desk.invalid/"  # not HTTPS, not localhost: no WebCrypto in its pages and workers


def _serve_insecurely(context, site_url: str) -> None:
    """Serve the site at INSECURE_ORIGIN too (Chromium routes its requests to the real server)."""
    def forward(route):
        response = route.fetch(url=site_url + route.request.url[len(INSECURE_ORIGIN):])
        route.fulfill(response=response)
    context.route(INSECURE_ORIGIN + "**", forward)


@pytest.mark.parametrize("corrupt", [False, True])
def test_without_webcrypto_fetch_checks_the_snapshot_integrity(context, site_dir, site_url, corrupt):
    _serve_insecurely(context, site_url)
    if corrupt:
        body = bytearray((site_dir / built(site_dir, "assets/desk/snapshot.*.bin")).read_bytes())
        body[len(body) // 2] ^= 0xFF
        context.route("**/desk/snapshot.*.bin", lambda route: route.fulfill(status=200, body=bytes(body)))
    page, ready = _boot_with_snapshot(context, site_dir, INSECURE_ORIGIN)
    assert page.evaluate("() => window.isSecureContext") is False
    assert ready["type"] == "ready", ready
    if corrupt:
        assert ready["phases"]["snapshot"].startswith("refused: not downloaded or failed its integrity check")
        _answers_like_cpython(page)
    else:
        assert ready["phases"]["snapshot"] == "restored"


def test_bytes_that_are_no_pyodide_snapshot_are_refused_and_the_worker_boots_normally(context, site_dir, site_url):
    foreign = engine_bundle.sparse(bytes(range(256)) * 4096)  # well packed, passes its integrity; Pyodide refuses it
    integrity = _serve_snapshot(context, foreign)
    page, ready = _boot_with_snapshot(context, site_dir, site_url, snapshotIntegrity=integrity)
    assert ready["type"] == "ready", ready
    assert ready["phases"]["snapshot"].startswith("refused:")
    assert "malformed" not in ready["phases"]["snapshot"]
    _answers_like_cpython(page)


def _packed_wrongly(site_dir, how: str) -> bytes:
    shipped = (site_dir / built(site_dir, "assets/desk/snapshot.*.bin")).read_bytes()
    size, count = struct.unpack_from("<II", shipped, 8)
    if how == "raw heap":  # the unpacked form, as an older build might have shipped it
        return b"\0snp" + shipped[16:]
    if how == "part past the end":
        return shipped[:8] + struct.pack("<II", size // 2, count) + shipped[16:]
    if how == "table past the bytes":
        return shipped[:8] + struct.pack("<II", size, 2**28) + shipped[16:]
    if how == "bytes left over":
        return shipped + b"\1"
    if how == "cut short":
        return shipped[: len(shipped) // 2]
    raise AssertionError(how)


@pytest.mark.parametrize("how", ["raw heap", "part past the end", "table past the bytes", "bytes left over",
                                 "cut short"])
def test_a_snapshot_packed_wrongly_is_refused_and_the_worker_boots_normally(context, site_dir, site_url, how):
    integrity = _serve_snapshot(context, _packed_wrongly(site_dir, how))
    page, ready = _boot_with_snapshot(context, site_dir, site_url, snapshotIntegrity=integrity)
    assert ready["type"] == "ready", ready
    assert ready["phases"]["snapshot"].startswith("refused: the snapshot is malformed"), ready["phases"]["snapshot"]
    _answers_like_cpython(page)


# --- A repeat visit: the snapshot from Cache Storage, where the first visit kept it ---------------------

SNAPSHOT_CACHE = re.search(r'const SNAPSHOT_CACHE = "([^"]+)"', (ROOT / "widget" / "worker.mjs").read_text()).group(1)

# Runs in the page: what the origin's Cache Storage holds, {cache name: [urls]}, once it holds `want` (or at
# `limitMs`): the worker stores the snapshot in the background, after its first reply.
CACHED = """async ({want, limitMs}) => {
  const read = async () => {
    const out = {};
    for (const name of await caches.keys()) out[name] = (await (await caches.open(name)).keys()).map((r) => r.url);
    return out;
  };
  const start = performance.now();
  let seen = await read();
  while (want && JSON.stringify(seen) !== JSON.stringify(want) && performance.now() - start < limitMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    seen = await read();
  }
  return seen;
}"""
PUT = """async ({name, url, from}) => {
  const body = await (await fetch(from)).arrayBuffer();
  await (await caches.open(name)).put(url, new Response(body));
}"""
STORED_LENGTH = """async ({name, url}) => {
  const cached = await (await caches.open(name)).match(url);
  return (await cached.arrayBuffer()).byteLength;
}"""


def _cache_holds(page, want: dict | None) -> dict:
    return page.evaluate(CACHED, {"want": want, "limitMs": LIMIT_MS})


def _page_with_cached(context, site_url: str, body: bytes, url: str | None = None) -> str:
    """Put `body` into the snapshot cache under `url` (the page's snapshot URL by default); return that URL."""
    seed = site_url + "test-seed.bin"  # the page fetches the bytes from here: much quicker than as JSON
    context.route(seed, lambda route: route.fulfill(status=200, body=body))
    page = context.new_page()
    page.goto(site_url + "cancellation/")
    url = url or page.evaluate(READ_SNAPSHOT)["snapshotURL"]
    page.evaluate(PUT, {"name": SNAPSHOT_CACHE, "url": url, "from": seed})
    page.close()
    context.unroute(seed)
    return url


def test_a_repeat_visit_restores_the_snapshot_from_cache_storage_and_answers_like_cpython(context, site_dir, site_url):
    page, first = _boot_with_snapshot(context, site_dir, site_url)
    assert first["phases"]["snapshot"] == "restored" and first["phases"]["snapshotFrom"] == "network", first["phases"]
    url = page.evaluate(READ_SNAPSHOT)["snapshotURL"]
    page.evaluate("() => window.__desk.call('first', 'decide', {status: 'pending'})")
    assert _cache_holds(page, {SNAPSHOT_CACHE: [url]}) == {SNAPSHOT_CACHE: [url]}
    downloads: list[str] = []
    context.on("request", lambda request: downloads.append(request.url) if request.url == url else None)
    again, ready = _boot_with_snapshot(context, site_dir, site_url)
    assert ready["type"] == "ready", ready
    assert ready["phases"]["snapshot"] == "restored" and ready["phases"]["snapshotFrom"] == "cache", ready["phases"]
    assert "snapshotCache" not in ready["phases"]
    assert downloads == []  # not even from the HTTP cache
    _answers_like_cpython(again)


def test_a_cached_snapshot_that_fails_its_check_is_deleted_and_the_worker_downloads_it(context, site_dir, site_url):
    good = (site_dir / built(site_dir, "assets/desk/snapshot.*.bin")).read_bytes()
    flipped = bytearray(good)
    flipped[len(flipped) // 2] ^= 0xFF  # a disk that flipped a bit: the integrity check catches it
    url = _page_with_cached(context, site_url, bytes(flipped))
    page, ready = _boot_with_snapshot(context, site_dir, site_url)
    assert ready["type"] == "ready", ready
    assert ready["phases"]["snapshotCache"] == "deleted: it failed its integrity check"
    assert ready["phases"]["snapshot"] == "restored" and ready["phases"]["snapshotFrom"] == "network"
    _answers_like_cpython(page)
    assert _cache_holds(page, {SNAPSHOT_CACHE: [url]}) == {SNAPSHOT_CACHE: [url]}
    assert page.evaluate(STORED_LENGTH, {"name": SNAPSHOT_CACHE, "url": url}) == len(good)


def test_a_cached_snapshot_the_restore_refuses_is_deleted_and_the_worker_boots_normally(context, site_dir, site_url):
    foreign = engine_bundle.sparse(bytes(range(256)) * 4096)  # passes its integrity and unpacks; Pyodide refuses it
    integrity = "sha256-" + base64.b64encode(hashlib.sha256(foreign).digest()).decode()
    _page_with_cached(context, site_url, foreign)
    page, ready = _boot_with_snapshot(context, site_dir, site_url, snapshotIntegrity=integrity)
    assert ready["type"] == "ready", ready
    assert ready["phases"]["snapshot"].startswith("refused:") and ready["phases"]["snapshotFrom"] == "cache"
    assert ready["phases"]["snapshotCache"] == "deleted: the restore refused it"
    _answers_like_cpython(page)
    assert _cache_holds(page, None) == {SNAPSHOT_CACHE: []}  # and nothing refused is stored again


def test_keeping_a_snapshot_deletes_any_other_the_cache_held(context, site_dir, site_url):
    page = context.new_page()
    page.goto(site_url + "cancellation/")
    url = page.evaluate(READ_SNAPSHOT)["snapshotURL"]
    _page_with_cached(context, site_url, b"an earlier build's", url=url.replace("/snapshot.", "/snapshot.0ld"))
    page, ready = _boot_with_snapshot(context, site_dir, site_url)
    assert ready["phases"]["snapshot"] == "restored" and ready["phases"]["snapshotFrom"] == "network"
    page.evaluate("() => window.__desk.call('first', 'decide', {status: 'pending'})")
    assert _cache_holds(page, {SNAPSHOT_CACHE: [url]}) == {SNAPSHOT_CACHE: [url]}
