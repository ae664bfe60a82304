// The Decision Desk's module worker: boots Pyodide off the main thread and answers with policy_engine.
//
// Protocol (page -> worker):
//   {type: "init", indexURL, stdLibURL, engineURL, lockURL,      absolute URLs, resolved by the page (lockURL
//                                                                  optional: the build's lockfile is in here)
//    snapshotURL, snapshotIntegrity, snapshotKey,                optional: the build's memory snapshot
//    lang, catalogURL}                   the page's language ("en" if absent) and its compiled catalog (.mo),
//                                        which the worker installs (policy_engine.i18n.install) before answering
//   {type: "call", id, method, params, lang}   method: decide | check_link | draft_ticket | table | link_answer;
//                                        lang: the language of the answer, the page's if absent (a ticket may be
//                                        drafted in English on a Russian page: English needs no catalog)
// Worker -> page:
//   {type: "progress", stage: "download" | "start" | "engine", detail}
//   {type: "ready", pyodideVersion, policyVersion, bootMs, phases}  or  {type: "failed", message}
//     phases: where bootMs went, in ms (see `timings`); for the bench and for debugging, not for display
//   {type: "reply", id, ok: true, value}  or  {type: "reply", id, ok: false, error: {kind, message, problems}}
// No micropip, no package downloads: the trimmed stdlib comes from stdLibURL, the lockfile (passed as
// lockFileContents) from lockURL or else from this file (one request fewer), the engine archive is
// unpacked with pyodide.unpackArchive. The archive carries the outcome snapshots of older policy versions
// (policy_engine/snapshots/*.json), so link_answer answers an old link as it was answered then, with no
// other download.
// A bad message gets an error reply; nothing the page sends can crash the worker.
//
// The memory snapshot (buildlib/engine_bundle.py) is Python with the engine already imported, so a restore skips
// Python's start-up and the engine import. It ships without its runs of zero bytes (`inflate` puts them back)
// and is used only when its bytes pass snapshotIntegrity, unpack cleanly, and the
// restored interpreter carries snapshotKey (the build's key over the Pyodide version and wasm, the stdlib
// and the engine archive); Pyodide itself refuses a snapshot of another build. A restore keeps the heap
// but not the file system, so the engine archive is unpacked again (old links read its JSON files), and
// `random` is reseeded. If anything about the restore fails, the worker boots the normal way in the same
// page load; `ready.phases.snapshot` says "restored", "none" or "refused: <why>". After the first answer, a
// snapshot that was downloaded is kept in Cache Storage for the next visit (`fetchSnapshot`).

const ENGINE_DIR = "/home/pyodide/desk";
// Subresource Integrity of the pinned pyodide.mjs, written here by the build (buildlib/engine_bundle.py).
const PYODIDE_MJS_INTEGRITY = "@PYODIDE_MJS_INTEGRITY@";
// The build's lockfile (no packages), a JSON string written here by the build; used when no lockURL is given.
const BUILT_LOCK = "@PYODIDE_LOCK@";
const METHODS = ["decide", "check_link", "draft_ticket", "table", "link_answer"];
const URL_FIELDS = ["indexURL", "stdLibURL", "engineURL", "lockURL", "snapshotURL", "catalogURL"];
const OPTIONAL_URLS = ["lockURL", "snapshotURL", "catalogURL"];
// Every call runs in the language it asks for; a language whose catalog is not installed is an error reply.
const IN_LANGUAGE = `
import json
from policy_engine import bridge, i18n
def desk_install(lang, data):
    i18n.install(lang, data.to_bytes())
def desk_call(lang, method, params):
    try:
        with i18n.language(lang):
            return bridge.call(method, params)
    except Exception as error:
        return json.dumps({"ok": False, "error": {"kind": type(error).__name__, "message": str(error), "problems": {}}})
`;
// A restore gives every visitor the heap the build made, random state included: reseed what holds one
// (`random`, and tempfile's name sequence, which makes a new generator when its pid changes).
const AFTER_RESTORE = `
import sys
if "random" in sys.modules: sys.modules["random"].seed()
if hasattr(sys.modules.get("tempfile"), "_name_sequence"): sys.modules["tempfile"]._name_sequence._rng_pid = None
`;

let boot = null; // the Promise of the bridge's `call`, once init has arrived
let outcome = null; // the ready or failed message, to repeat to a second init
let defaultLang = "en"; // the page's language, from init
let afterFirstReply = null; // work that waits until the first reply is posted (storing the snapshot)
const STORE_DELAY_MS = 2000; // ... or until this long after ready, if no call comes

function post(message) {
  self.postMessage(message);
}

function progress(stage, detail) {
  post({ type: "progress", stage, detail });
}

function errorReply(id, kind, message) {
  return { type: "reply", id, ok: false, error: { kind, message, problems: {} } };
}

function describe(error) {
  const text = error && error.message ? error.message : String(error);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

async function fetchBytes(url, what) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${what} could not be downloaded (HTTP ${response.status}).`);
  return new Uint8Array(await response.arrayBuffer());
}

async function fetchText(url, what) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${what} could not be downloaded (HTTP ${response.status}).`);
  return response.text();
}

// loadPyodide can wait forever when the wasm or the stdlib fails to load: Pyodide reports those
// only on the console. Turn those reports into a rejection so the page hears "failed" at once.
function watchConsole() {
  let fail;
  const failed = new Promise((_, reject) => {
    fail = reject;
  });
  const originals = { warn: console.warn, error: console.error };
  const watch = (level) => (...parts) => {
    const text = parts.map((part) => (part && part.message) || String(part)).join(" ");
    if (/wasm instantiation failed|installing the standard library|failed to (load|fetch)|Aborted/i.test(text)) {
      fail(new Error(`Pyodide could not start: ${text.slice(0, 200)}`));
    }
    originals[level].apply(console, parts);
  };
  console.warn = watch("warn");
  console.error = watch("error");
  const restore = () => Object.assign(console, originals);
  return { failed, restore };
}

// The entry module, checked against its pinned hash before it runs (dynamic import() takes no
// integrity, so fetch it with one and import the verified text). The wasm, pyodide.asm.mjs and the
// stdlib are fetched by Pyodide itself, which SRI cannot cover: self-host mode closes that gap.
async function importPyodide(indexURL) {
  const url = `${indexURL}pyodide.mjs`;
  let response;
  try {
    response = await fetch(url, { integrity: PYODIDE_MJS_INTEGRITY });
  } catch (error) {
    throw new Error(`Pyodide could not be downloaded or failed its integrity check (${describe(error)}).`);
  }
  if (!response.ok) throw new Error(`Pyodide could not be downloaded (HTTP ${response.status}).`);
  const verified = URL.createObjectURL(new Blob([await response.text()], { type: "text/javascript" }));
  try {
    return await import(verified);
  } finally {
    URL.revokeObjectURL(verified);
  }
}

// Where the boot time went, in ms since the worker was created (its performance.now()): when each phase
// ended (init: the init message arrived; cacheLookup: Cache Storage asked for the snapshot; pyodideMjs:
// pyodide.mjs fetched, verified and imported;
// loadPyodide: wasm compiled and Python started; engineFetched; unpacked: the engine archive unpacked;
// imported: policy_engine.bridge imported; ready), and when each download finished as the browser saw it
// (Resource Timing: asmMjsNet, wasmNet, stdlibNet, engineNet, snapshotNet). Not times: `snapshot` says whether
// the memory snapshot was "restored", "none" was given, or it was "refused: <why>"; `snapshotFrom`, where its
// bytes came from ("cache": Cache Storage, "network": a download or the HTTP cache); `snapshotCache`, set when a
// cached entry was "deleted: <why>".
function timings(marks) {
  const phases = { ...marks };
  const names = { "pyodide.asm.mjs": "asmMjs", "pyodide.asm.wasm": "wasm", "stdlib": "stdlib", "engine": "engine", "snapshot": "snapshot" };
  for (const entry of performance.getEntriesByType("resource")) {
    const file = entry.name.split("/").pop().split("?")[0];
    const key = names[file] || Object.entries(names).find(([prefix]) => file.startsWith(`${prefix}.`))?.[1];
    if (key) phases[`${key}Net`] = Math.round(entry.responseEnd);
  }
  return phases;
}

// loadPyodide, with Pyodide's console-only failures turned into a rejection.
async function startPython(loadPyodide, options) {
  const watcher = watchConsole();
  try {
    return await Promise.race([loadPyodide(options), watcher.failed]);
  } finally {
    watcher.restore();
  }
}

// The snapshot's bytes, checked against the integrity the page was built with: a Subresource Integrity string
// ("sha256-<base64>"), checked here with WebCrypto rather than by fetch's `integrity` option. The check is the
// same; fetch's costs about 50 ms more on every visit, for it holds the 12 MB body once more (bench/RESULTS.md).
// WebCrypto exists only in a secure context (HTTPS, localhost); elsewhere fetch checks it.
//
// A repeat visit reads them from Cache Storage, where the first visit put them after its first answer: the same bytes
// under the same content-hashed URL, checked against the same integrity, but not brotli-decoded again (the 12 MB
// read in about 15 ms there, against about 80 ms from the HTTP cache; bench/RESULTS.md). A cached entry that fails
// its check, cannot be unpacked or is refused by the restore is deleted; the snapshot then comes from the network
// as on a first visit. The cache holds one snapshot: storing one deletes every other.
const DIGESTS = { sha256: "SHA-256", sha384: "SHA-384", sha512: "SHA-512" };
const SNAPSHOT_CACHE = "decision-desk-snapshot";

async function openSnapshotCache() {
  try {
    return self.caches ? await self.caches.open(SNAPSHOT_CACHE) : null;
  } catch {
    return null; // storage blocked or unavailable (some private modes): the network it is
  }
}
// Opened while the page is still sending init: on a first visit the lookup then delays the download less.
const snapshotCache = openSnapshotCache();

async function checkIntegrity(packed, prefix, expected) {
  const digest = new Uint8Array(await self.crypto.subtle.digest(DIGESTS[prefix], packed));
  if (btoa(String.fromCharCode(...digest)) !== expected) throw new Error("it failed its integrity check");
}

// Resolves with {heap, from: "cache" | "network", packed}: the heap to restore, and the bytes as shipped.
async function fetchSnapshot(config, marks) {
  if (!config.snapshotIntegrity || !config.snapshotKey) throw new Error("no integrity or key given for the snapshot");
  const [prefix, expected] = config.snapshotIntegrity.split(/-(.*)/s);
  if (!DIGESTS[prefix] || !expected) throw new Error(`its integrity names no hash this worker checks (${Object.keys(DIGESTS).join(", ")})`);
  const subtle = self.crypto && self.crypto.subtle;
  const cache = subtle ? await snapshotCache : null;
  const hit = cache ? await cache.match(config.snapshotURL).catch(() => undefined) : undefined;
  marks.cacheLookup = Math.round(performance.now());
  if (hit) {
    try {
      const packed = new Uint8Array(await hit.arrayBuffer());
      await checkIntegrity(packed, prefix, expected);
      return { heap: inflate(packed), from: "cache", packed };
    } catch (error) {
      marks.snapshotCache = `deleted: ${describe(error)}`;
      await forgetSnapshot(config.snapshotURL);
    }
  }
  let response;
  try {
    response = await fetch(config.snapshotURL, subtle ? {} : { integrity: config.snapshotIntegrity });
  } catch (error) {
    throw new Error(`not downloaded or failed its integrity check (${describe(error)})`);
  }
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const packed = new Uint8Array(await response.arrayBuffer());
  if (subtle) await checkIntegrity(packed, prefix, expected);
  return { heap: inflate(packed), from: "network", packed };
}

// A cached entry that failed: gone, so the next visit downloads the snapshot again.
async function forgetSnapshot(url) {
  const cache = await snapshotCache;
  if (cache) await cache.delete(url).catch(() => {});
}

// After a restore from the network: keep the snapshot for the next visit, in place of any other.
async function storeSnapshot(url, packed) {
  const cache = await snapshotCache;
  if (!cache) return;
  try {
    await cache.put(url, new Response(packed, { headers: { "content-type": "application/octet-stream" } }));
    for (const request of await cache.keys()) if (request.url !== url) await cache.delete(request);
  } catch {
    // over quota, or storage went away: the next visit reads the HTTP cache instead
  }
}

// The snapshot as shipped leaves out its long runs of zero bytes (buildlib/engine_bundle.py, `sparse`):
// "DESKSPR1", its size and the number of parts kept (uint32 LE), a table of (offset, length) per part, the
// parts. A fresh buffer is all zeros, so putting it back is copying the parts to their offsets.
const SPARSE_MAGIC = "DESKSPR1";
const MAX_SNAPSHOT = 2 ** 31; // bytes; a wasm32 heap larger than that is not one of ours

function inflate(packed) {
  const malformed = (why) => new Error(`the snapshot is malformed (${why})`);
  if (packed.length < 16 || String.fromCharCode(...packed.subarray(0, 8)) !== SPARSE_MAGIC) throw malformed("no header");
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const size = view.getUint32(8, true);
  const count = view.getUint32(12, true);
  let at = 16 + count * 8;
  if (size > MAX_SNAPSHOT || at > packed.length) throw malformed("its table does not fit");
  const heap = new Uint8Array(size);
  let end = 0;
  for (let part = 0; part < count; part += 1) {
    const offset = view.getUint32(16 + part * 8, true);
    const length = view.getUint32(20 + part * 8, true);
    if (offset < end || offset + length > size || at + length > packed.length) throw malformed("a part is out of bounds");
    heap.set(packed.subarray(at, at + length), offset);
    at += length;
    end = offset + length;
  }
  if (at !== packed.length) throw malformed("bytes are left over");
  return heap;
}

// Restore the snapshot (rejects unless it carries the expected key). Pyodide awaits the snapshot's download
// only once it has started fetching its own files, so the downloads run side by side.
async function restore(loadPyodide, options, snapshot, key) {
  // Pyodide keeps its options as long as the worker lives: a promise of the heap would keep its 31 MB too. This
  // thenable hands the heap over once and keeps no hold on it, so it is freed once copied into the interpreter.
  const heap = {
    then: (resolve, reject) => snapshot.then((bytes) => {
      const handed = bytes.heap;
      bytes.heap = null;
      resolve(handed);
    }, reject),
  };
  const pyodide = await startPython(loadPyodide, { ...options, _loadSnapshot: heap });
  if (pyodide.runPython("import sys; getattr(sys, '_desk_snapshot_key', None)") !== key) {
    throw new Error("the snapshot is not the one this page was built with");
  }
  return pyodide;
}

// The engine into a started (or restored) Python: its archive unpacked into the file system, its bridge imported.
async function loadEngine(pyodide, engine, restored, mark) {
  mark("loadPyodide");
  progress("engine", "Loading the policy engine");
  const archive = await engine;
  mark("engineFetched");
  pyodide.unpackArchive(archive, "zip", { extractDir: ENGINE_DIR });
  mark("unpacked");
  pyodide.runPython(`import sys\nif ${JSON.stringify(ENGINE_DIR)} not in sys.path: sys.path.insert(0, ${JSON.stringify(ENGINE_DIR)})`);
  if (restored) pyodide.runPython(AFTER_RESTORE);
  return pyodide.pyimport("policy_engine.bridge");
}

async function start(config) {
  const started = performance.now();
  const marks = { init: Math.round(started) };
  const mark = (name) => {
    marks[name] = Math.round(performance.now());
  };
  progress("download", "Downloading Pyodide and the policy engine");
  const engine = fetchBytes(config.engineURL, "The policy engine");
  const built = BUILT_LOCK.startsWith("@") ? undefined : BUILT_LOCK;
  const lock = config.lockURL ? fetchText(config.lockURL, "The Pyodide lockfile") : Promise.resolve(built);
  const catalog = config.catalogURL ? fetchBytes(config.catalogURL, "The language catalog") : undefined;
  const snapshot = config.snapshotURL ? fetchSnapshot(config, marks) : undefined;
  let arrived = null; // the snapshot's bytes, once fetched: where they came from decides what is kept or deleted
  if (snapshot) snapshot.then((bytes) => { arrived = bytes; }, () => {});
  for (const pending of [engine, lock, snapshot, catalog]) if (pending) pending.catch(() => {}); // awaited below
  const { loadPyodide } = await importPyodide(config.indexURL);
  mark("pyodideMjs");
  const lockFileContents = await lock; // tiny, fetched alongside pyodide.mjs; a failure stops here
  progress("start", "Starting Python");
  const options = {
    indexURL: config.indexURL,
    stdLibURL: config.stdLibURL,
    packages: [],
    stdout: () => {},
    stderr: () => {},
  };
  if (lockFileContents) options.lockFileContents = lockFileContents;
  let pyodide = null;
  let bridge = null;
  marks.snapshot = "none";
  let keep = null; // the snapshot as downloaded, to store once answered
  if (snapshot) {
    try {
      pyodide = await restore(loadPyodide, options, snapshot, config.snapshotKey);
      bridge = await loadEngine(pyodide, engine, true, mark);
      marks.snapshot = "restored";
    } catch (error) {
      marks.snapshot = `refused: ${describe(error)}`;
    }
    if (arrived) {
      marks.snapshotFrom = arrived.from;
      if (bridge && arrived.from === "network") keep = arrived.packed;
      arrived.packed = null; // Pyodide's options hold on to `snapshot`: the bytes go to the cache or nowhere
      if (!bridge && arrived.from === "cache") {
        marks.snapshotCache = "deleted: the restore refused it";
        await forgetSnapshot(config.snapshotURL);
      }
    }
  }
  if (!bridge) {
    pyodide = await startPython(loadPyodide, options);
    bridge = await loadEngine(pyodide, engine, false, mark);
  }
  pyodide.runPython(IN_LANGUAGE);
  if (catalog) pyodide.globals.get("desk_install")(config.lang, await catalog);
  const call = pyodide.globals.get("desk_call");
  mark("imported");
  const policyVersion = bridge.policy_version();
  mark("ready");
  outcome = {
    type: "ready",
    pyodideVersion: pyodide.version,
    policyVersion,
    bootMs: Math.round(performance.now() - started),
    phases: timings(marks),
  };
  post(outcome);
  if (keep) {
    afterFirstReply = () => storeSnapshot(config.snapshotURL, keep);
    setTimeout(runAfterFirstReply, STORE_DELAY_MS);
  }
  return call;
}

function runAfterFirstReply() {
  const task = afterFirstReply;
  afterFirstReply = null;
  if (task) task();
}

function init(message) {
  if (boot) {
    if (outcome) post(outcome);
    return;
  }
  const missing = URL_FIELDS.filter((field) => !OPTIONAL_URLS.includes(field) && typeof message[field] !== "string");
  if (missing.length) {
    post({ type: "failed", message: `The init message lacks ${missing.join(", ")}.` });
    return;
  }
  const config = {};
  try {
    for (const field of URL_FIELDS) {
      const value = message[field];
      if (value == null && OPTIONAL_URLS.includes(field)) continue;
      const url = new URL(value);
      config[field] = field === "indexURL" && !url.href.endsWith("/") ? `${url.href}/` : url.href;
    }
  } catch {
    post({ type: "failed", message: "The init message has a URL that is not absolute." });
    return;
  }
  config.lang = typeof message.lang === "string" ? message.lang : "en";
  if (config.snapshotURL) {
    config.snapshotIntegrity = typeof message.snapshotIntegrity === "string" ? message.snapshotIntegrity : null;
    config.snapshotKey = typeof message.snapshotKey === "string" ? message.snapshotKey : null;
  }
  defaultLang = config.lang;
  boot = start(config);
  boot.catch((error) => {
    outcome = { type: "failed", message: describe(error) };
    post(outcome);
  });
}

async function call(message) {
  const id = typeof message.id === "string" || typeof message.id === "number" ? message.id : null;
  if (id === null) {
    post(errorReply(null, "BadMessage", "A call needs an id (a string or a number)."));
    return;
  }
  if (!METHODS.includes(message.method)) {
    const shown = typeof message.method === "string" ? JSON.stringify(message.method.slice(0, 40)) : "missing";
    post(errorReply(id, "UnknownMethodError", `Unknown method ${shown}. Valid methods: ${METHODS.join(", ")}.`));
    return;
  }
  if (!boot) {
    post(errorReply(id, "NotReady", "The engine has not been started: send an init message first."));
    return;
  }
  let bridgeCall;
  try {
    bridgeCall = await boot;
  } catch (error) {
    post(errorReply(id, "NotReady", `The engine could not start: ${describe(error)}`));
    return;
  }
  let params;
  try {
    params = JSON.stringify(message.params ?? {});
  } catch {
    post(errorReply(id, "BadParamsError", "The parameters cannot be sent as JSON."));
    return;
  }
  try {
    const lang = typeof message.lang === "string" ? message.lang : defaultLang;
    const reply = JSON.parse(bridgeCall(lang, message.method, params));
    post(reply.ok ? { type: "reply", id, ok: true, value: reply.value } : { type: "reply", id, ok: false, error: reply.error });
    setTimeout(runAfterFirstReply, 0);
  } catch (error) {
    post(errorReply(id, "EngineError", `The policy engine failed: ${describe(error)}`));
  }
}

self.addEventListener("message", (event) => {
  const message = event.data;
  try {
    if (message === null || typeof message !== "object") {
      post(errorReply(null, "BadMessage", "A message must be an object with a type: init or call."));
    } else if (message.type === "init") {
      init(message);
    } else if (message.type === "call") {
      call(message);
    } else {
      const id = typeof message.id === "string" || typeof message.id === "number" ? message.id : null;
      post(errorReply(id, "BadMessage", "Unknown message type; valid types: init, call."));
    }
  } catch (error) {
    post(errorReply(null, "BadMessage", describe(error)));
  }
});

self.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  if (!outcome) {
    outcome = { type: "failed", message: describe(event.reason) };
    post(outcome);
  }
});
