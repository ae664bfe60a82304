"""The in-browser pieces of the bench: the default-boot baseline page and the scripts injected into pages.

Kept apart from run.py so that the JavaScript reads as JavaScript. Nothing here is served by the
policy site; run.py writes the default-boot page into bench/out/default-boot/.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

# The Pyodide core, copied as-is from the npm package: a default loadPyodide() fetches these.
CORE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")

DEFAULT_BOOT_HTML = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Default Pyodide boot</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><p id="state">booting</p><script type="module" src="main.mjs"></script></body>
</html>
"""

# ?mode=worker (default): loadPyodide() in a module worker; ?mode=main: on the main thread.
# Afterwards, window.__bench.decide() times policy_engine's decide inside that Pyodide.
DEFAULT_BOOT_MAIN = """
const mode = new URLSearchParams(location.search).get("mode") || "worker";
const bench = (window.__bench = window.__bench || {});
bench.mode = mode;
const state = document.getElementById("state");
const finish = (message) => {
  if (message.type === "ready") {
    bench.bootMs = message.bootMs;
    bench.readyAt = performance.now();
    state.textContent = "ready";
  } else if (message.type === "decided") {
    bench.decideResult = message.result;
  } else if (message.type === "failed") {
    bench.failed = message.message;
    state.textContent = "failed: " + message.message;
  }
};
if (mode === "main") {
  const { boot, timeDecide } = await import("./boot.mjs");
  try {
    const pyodide = await boot();
    finish({ type: "ready", bootMs: pyodide.bootMs });
    bench.decide = async () => (bench.decideResult = await timeDecide(pyodide));
  } catch (error) {
    finish({ type: "failed", message: String(error) });
  }
} else {
  const worker = new Worker("worker.mjs", { type: "module" });
  worker.onmessage = (event) => finish(event.data);
  worker.onerror = (event) => finish({ type: "failed", message: event.message || "worker error" });
  bench.decide = () => new Promise((resolve) => {
    const listen = (event) => {
      if (event.data.type === "decided") { worker.removeEventListener("message", listen); resolve(event.data.result); }
    };
    worker.addEventListener("message", listen);
    worker.postMessage({ type: "decide" });
  });
}
"""

DEFAULT_BOOT_WORKER = """
import { boot, timeDecide } from "./boot.mjs";
let pyodide;
try {
  pyodide = await boot();
  postMessage({ type: "ready", bootMs: pyodide.bootMs });
} catch (error) {
  postMessage({ type: "failed", message: String(error) });
}
onmessage = async (event) => {
  if (event.data.type === "decide") postMessage({ type: "decided", result: await timeDecide(pyodide) });
};
"""

# The default boot (indexURL only: default stdlib zip, default lockfile), then, on request, the
# engine's own sources written into the file system and `decide` timed in Pyodide's Python.
DEFAULT_BOOT_MODULE = """
import { loadPyodide } from "./pyodide/pyodide.mjs";

export async function boot() {
  const indexURL = new URL("./pyodide/", import.meta.url).href;
  const start = performance.now();
  const pyodide = await loadPyodide({ indexURL });
  pyodide.runPython("1 + 1");
  pyodide.bootMs = performance.now() - start;
  return pyodide;
}

export async function timeDecide(pyodide) {
  try {
    const base = new URL("./engine/", import.meta.url);
    const files = await (await fetch(new URL("files.json", base))).json();
    for (const name of files) {
      const bytes = new Uint8Array(await (await fetch(new URL(name, base))).arrayBuffer());
      const path = "/home/pyodide/policy_engine/" + name;
      pyodide.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
      pyodide.FS.writeFile(path, bytes);
    }
    return JSON.parse(pyodide.runPython(PY_TIMING));
  } catch (error) {
    return { error: String(error) };
  }
}

const PY_TIMING = `
import json, statistics, sys, time
sys.path.insert(0, "/home/pyodide")
from policy_engine.decision import decide, is_consistent
from policy_engine.statuses import Status
from policy_engine.table import fact_sets
cases = [(s, f) for s in Status for f in fact_sets() if is_consistent(s, frozenset(f))]
picked = [cases[(i * 7919) % len(cases)] for i in range(100)]
decide(*picked[0]).to_dict()  # first call: imports settle
REPEAT = 10  # each case timed over 10 calls: a worker's clock is coarse (0.1 ms)
times = []
for status, facts in picked:
    start = time.perf_counter()
    for _ in range(REPEAT):
        decide(status, facts).to_dict()
    times.append((time.perf_counter() - start) * 1000 / REPEAT)
bridge_times = []
try:
    from policy_engine import bridge
    for status, facts in picked:
        params = json.dumps({"status": status.value, "facts": [f.value for f in facts]})
        start = time.perf_counter()
        for _ in range(REPEAT):
            bridge.call("decide", params)
        bridge_times.append((time.perf_counter() - start) * 1000 / REPEAT)
except Exception:
    pass
json.dumps({"cases": len(picked), "decide_ms": times, "bridge_ms": bridge_times})
`;
"""

# Injected before any page script (Playwright init script, not subject to the page's CSP).
# Records, in the page's own clock (ms since navigation start):
#   firstAnswer  the frame after #decision-result first shows an answer for the wanted status
#   liveAnswer   the frame after it first shows data-engine="pyodide" for that status
#   bootMs       the Desk worker's own `ready` report
#   longtasks    PerformanceObserver long tasks (a cross-check of the trace)
INIT_SCRIPT = """
(() => {
  const bench = (window.__bench = {
    firstAnswer: null, liveAnswer: null, firstAnswerDom: null, liveAnswerDom: null,
    bootMs: null, workerReadyAt: null, workers: 0, longtasks: [],
  });
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) bench.longtasks.push(entry.duration);
    }).observe({ type: "longtask", buffered: true });
  } catch (error) { bench.longtaskError = String(error); }
  const wanted = new URLSearchParams(location.search).get("status");
  const shows = (result) =>
    result.textContent.trim() !== "" && (!result.checkVisibility || result.checkVisibility()) &&
    (!wanted || result.dataset.status === wanted);
  const check = () => {
    const result = document.getElementById("decision-result");
    if (!result || !shows(result)) return;
    if (bench.firstAnswerDom === null) {
      bench.firstAnswerDom = performance.now();
      requestAnimationFrame(() => { bench.firstAnswer = performance.now(); });
    }
    if (bench.liveAnswerDom === null && result.dataset.engine === "pyodide") {
      bench.liveAnswerDom = performance.now();
      requestAnimationFrame(() => { bench.liveAnswer = performance.now(); });
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  document.addEventListener("DOMContentLoaded", check);
  const NativeWorker = window.Worker;
  if (NativeWorker) {
    window.Worker = class extends NativeWorker {
      constructor(...args) {
        super(...args);
        bench.workers += 1;
        bench.workerCreatedAt = bench.workerCreatedAt ?? performance.now();
        this.addEventListener("message", (event) => {
          const data = event.data;
          if (data && data.type === "ready" && bench.bootMs === null) {
            bench.bootMs = data.bootMs ?? null;
            bench.snapshot = (data.phases && data.phases.snapshot) || null;
            bench.snapshotFrom = (data.phases && data.phases.snapshotFrom) || null;
            bench.workerReadyAt = performance.now();
          }
        });
      }
    };
  }
})();
"""

# In the page: pick a status, time until #decision-result shows it (the frame after), and say
# which engine answered. Used before Pyodide is ready (the prerendered path).
SELECT_ONCE = """
async () => {
  const desk = document.getElementById("decision-desk");
  const result = document.getElementById("decision-result");
  const radios = [...desk.querySelectorAll('input[type="radio"]')].filter((r) => !r.disabled);
  const target = radios.find((r) => !r.checked);
  if (!target) return { error: "no unchecked status radio in #decision-desk" };
  const start = performance.now();
  const done = new Promise((resolve) => {
    const ok = () => result.dataset.status === target.value && result.textContent.trim() !== "";
    if (ok()) return resolve();
    const observer = new MutationObserver(() => { if (ok()) { observer.disconnect(); resolve(); } });
    observer.observe(result, { subtree: true, childList: true, attributes: true, characterData: true });
    setTimeout(() => { observer.disconnect(); resolve("timeout"); }, 5000);
  });
  target.click();
  const outcome = await done;
  await new Promise(requestAnimationFrame);
  if (outcome === "timeout") return { error: "the result did not show status " + target.value + " within 5 s" };
  return { ms: performance.now() - start, engine: result.dataset.engine, status: target.value };
}
"""

# In the page, once Pyodide answers: `count` selections (a new status every third step, else a
# circumstance toggled), each timed from the click to the next update of #decision-result made by
# Pyodide (data-engine="pyodide") for the selected status.
SELECT_MANY = """
async (count) => {
  const desk = document.getElementById("decision-desk");
  const result = document.getElementById("decision-result");
  const times = [];
  const errors = [];
  for (let i = 0; i < count; i++) {
    const radios = [...desk.querySelectorAll('input[type="radio"]')].filter((r) => !r.disabled);
    const boxes = [...desk.querySelectorAll('input[type="checkbox"]')].filter((b) => !b.disabled);
    let target;
    if (i % 3 === 0 || boxes.length === 0) {
      const unchecked = radios.filter((r) => !r.checked);
      target = unchecked[i % Math.max(unchecked.length, 1)];
    } else {
      target = boxes[(i * 5) % boxes.length];
    }
    if (!target) { errors.push("nothing to select"); break; }
    const start = performance.now();
    const outcome = await new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        const status = desk.querySelector('input[type="radio"]:checked');
        if (result.dataset.engine === "pyodide" && status && result.dataset.status === status.value) {
          observer.disconnect();
          resolve("ok");
        }
      });
      observer.observe(result, { subtree: true, childList: true, attributes: true, characterData: true });
      setTimeout(() => { observer.disconnect(); resolve("timeout"); }, 5000);
      target.click();
    });
    if (outcome !== "ok") { errors.push("no Pyodide update within 5 s after selecting " + target.value); continue; }
    times.push(performance.now() - start);
  }
  return { times, errors };
}
"""


def write_default_boot(target: Path, pyodide_dir: Path, engine_dir: Path) -> None:
    """Write the default-boot baseline page, the Pyodide core and the engine's sources into `target`."""
    if target.exists():
        shutil.rmtree(target)
    (target / "pyodide").mkdir(parents=True)
    for name in CORE_FILES:
        shutil.copy2(pyodide_dir / name, target / "pyodide" / name)
    (target / "index.html").write_text(DEFAULT_BOOT_HTML)
    (target / "main.mjs").write_text(DEFAULT_BOOT_MAIN)
    (target / "worker.mjs").write_text(DEFAULT_BOOT_WORKER)
    (target / "boot.mjs").write_text(DEFAULT_BOOT_MODULE)
    files = []
    for path in sorted(engine_dir.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            relative = path.relative_to(engine_dir).as_posix()
            (target / "engine" / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / "engine" / relative)
            files.append(relative)
    (target / "engine" / "files.json").write_text(json.dumps(files))

# In a page of the built site: start the Desk's own worker from the page config, with the memory snapshot or
# (fresh=true) without it, and time from creating the worker to its first `decide` reply. Returns
# {ms, snapshot: ready.phases.snapshot} or {error}.
BOOT_DESK_WORKER = """
async (fresh) => {
  const config = JSON.parse(document.getElementById("decision-desk-config").content.textContent);
  const abs = (url) => (url == null ? null : new URL(url, location.href).href);
  const start = performance.now();
  const worker = new Worker(abs(config.worker), { type: "module" });
  const snapshot = fresh ? {} : {
    snapshotURL: abs(config.snapshot), snapshotIntegrity: config.snapshotIntegrity, snapshotKey: config.snapshotKey,
  };
  const next = (type) => new Promise((resolve) => {
    worker.onerror = (event) => resolve({ type: "failed", message: String(event.message) });
    worker.onmessage = (event) => { if (type.includes(event.data.type)) resolve(event.data); };
  });
  const ready = next(["ready", "failed"]);
  worker.postMessage({ type: "init", indexURL: abs(config.indexURL), stdLibURL: abs(config.stdlib),
    engineURL: abs(config.engine), lockURL: abs(config.lock), ...snapshot });
  const outcome = await ready;
  if (outcome.type !== "ready") { worker.terminate(); return { error: outcome.message }; }
  const replied = next(["reply"]);
  worker.postMessage({ type: "call", id: 1, method: "decide", params: { status: "pending" } });
  await replied;
  worker.terminate();
  return { ms: performance.now() - start, snapshot: outcome.phases.snapshot };
}
"""

# In the page, after a first visit's live answer: wait (up to limitMs) until the origin's Cache Storage holds
# an entry, as it does once the Desk's worker has kept its memory snapshot there for the next visit.
CACHE_STORED = """
async (limitMs) => {
  const start = performance.now();
  while (performance.now() - start < limitMs) {
    for (const name of await caches.keys()) if ((await (await caches.open(name)).keys()).length) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
"""
