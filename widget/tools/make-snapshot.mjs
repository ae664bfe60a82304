// Make (and optionally measure) a Pyodide memory snapshot of the Desk's interpreter under Node.
//
//   node widget/tools/make-snapshot.mjs --engine ENGINE.zip --stdlib STDLIB.zip --lock LOCK.json
//        [--key KEY] [--out SNAPSHOT.bin] [--measure N]
//
// Boots exactly like the worker (trimmed stdlib, lockFileContents, no packages) with _makeSnapshot,
// unpacks the engine archive, imports policy_engine.bridge and warms it (one call of each method,
// so the modules they import lazily are in sys.modules too), records KEY as sys._desk_snapshot_key
// (the worker restores only a snapshot that carries the key its page expects), then writes
// pyodide.makeMemorySnapshot(). It then restores the snapshot once, as the worker does, and reports
// the `decide` reply it gives (`restoredReply`) for the build to check against CPython.
// With --measure N it also times N restores against N fresh boots, alternating, each up to the
// first `decide` answer. Prints one JSON line on stdout.

import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createRequire } from "node:module";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { values: args } = parseArgs({
  options: {
    engine: { type: "string" },
    stdlib: { type: "string" },
    lock: { type: "string" },
    out: { type: "string" },
    key: { type: "string", default: "" },
    measure: { type: "string", default: "0" },
    "pyodide-dir": { type: "string", default: resolve(ROOT, "node_modules", "pyodide") },
  },
});
for (const name of ["engine", "stdlib", "lock"]) {
  if (!args[name]) {
    console.error(`make-snapshot: --${name} is required`);
    process.exit(2);
  }
}

const ENGINE_DIR = "/home/pyodide/desk";
// The same warm-up as widget/worker.mjs (WARM_UP): keep the two in step.
const WARM_UP = `
import sys
if ${JSON.stringify(ENGINE_DIR)} not in sys.path: sys.path.insert(0, ${JSON.stringify(ENGINE_DIR)})
from policy_engine import bridge
for _method, _params in (("decide", '{"status": "processing", "facts": ["wrong_link"]}'), ("table", "{}"),
                         ("check_link", '{"text": "https://t.me/x"}'), ("draft_ticket", "{}"),
                         ("link_answer", '{"v": null, "status": "pending"}')):
    bridge.call(_method, _params)
del _method, _params
`;
const DECIDE = '{"status": "pending", "facts": []}';

const { loadPyodide } = await import(resolve(args["pyodide-dir"], "pyodide.mjs"));
const engine = new Uint8Array(readFileSync(args.engine));
const lockFileContents = readFileSync(args.lock, "utf8");
const base = {
  indexURL: args["pyodide-dir"] + "/",
  stdLibURL: resolve(args.stdlib),
  lockFileContents,
  packages: [],
  stdout: () => {},
  stderr: (line) => console.error(line),
};

async function fresh(extra = {}) {
  const started = performance.now();
  const pyodide = await loadPyodide({ ...base, ...extra });
  const booted = performance.now();
  pyodide.unpackArchive(engine, "zip", { extractDir: ENGINE_DIR });
  pyodide.runPython(WARM_UP);
  const bridge = pyodide.pyimport("policy_engine.bridge");
  JSON.parse(bridge.call("decide", DECIDE));
  return { pyodide, bootMs: booted - started, answerMs: performance.now() - started };
}

async function restore(snapshot) {
  const started = performance.now();
  const pyodide = await loadPyodide({ ...base, _loadSnapshot: snapshot });
  const booted = performance.now();
  pyodide.unpackArchive(engine, "zip", { extractDir: ENGINE_DIR });
  const bridge = pyodide.pyimport("policy_engine.bridge");
  const reply = JSON.parse(bridge.call("decide", DECIDE));
  const key = pyodide.runPython("import sys; getattr(sys, '_desk_snapshot_key', None)");
  return { bootMs: booted - started, answerMs: performance.now() - started, reply, key };
}

// The same inputs make the same snapshot, byte for byte (so a rebuild on another machine keeps its content
// hash, and visitors keep their cached copy): while it is made, the clock stands still and the entropy is a
// fixed stream. Pyodide under Node reads them with Date.now, performance.now and node:crypto's randomFillSync.
// Whatever random state the heap holds is public in the file either way; the worker reseeds it after a
// restore (widget/worker.mjs, AFTER_RESTORE).
function reproducibly(run) {
  const nodeCrypto = createRequire(import.meta.url)("node:crypto");
  const clock = { now: Date.now, perf: performance.now, fill: nodeCrypto.randomFillSync };
  let counter = 0;
  Date.now = () => 1_700_000_000_000;
  performance.now = () => 0;
  nodeCrypto.randomFillSync = (view) => {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    for (let index = 0; index < bytes.length; index += 1) bytes[index] = (counter++ * 167 + 13) & 0xff;
    return view;
  };
  const restore = () => {
    Date.now = clock.now;
    performance.now = clock.perf;
    nodeCrypto.randomFillSync = clock.fill;
  };
  return run().finally(restore);
}

try {
  const made = await reproducibly(() => fresh({ _makeSnapshot: true }));
  made.pyodide.globals.set("KEY", args.key);
  made.pyodide.runPython("import sys; sys._desk_snapshot_key = KEY; del KEY");
  const snapStarted = performance.now();
  const snapshot = made.pyodide.makeMemorySnapshot();
  const makeMs = performance.now() - snapStarted;
  if (args.out) writeFileSync(args.out, snapshot);
  const result = { pyodideVersion: made.pyodide.version, bytes: snapshot.length, makeMs: Math.round(makeMs),
                   modules: made.pyodide.runPython("import sys; len(sys.modules)") };
  const check = await restore(snapshot);
  Object.assign(result, { restoredReply: check.reply, restoredKey: check.key });
  const runs = Number(args.measure);
  if (runs > 0) {
    const freshMs = [];
    const restoreMs = [];
    for (let index = 0; index < runs; index += 1) {
      freshMs.push(Math.round((await fresh()).answerMs));
      restoreMs.push(Math.round((await restore(snapshot)).answerMs));
    }
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    Object.assign(result, { freshMs, restoreMs, freshMedianMs: median(freshMs), restoreMedianMs: median(restoreMs) });
  }
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
} catch (error) {
  console.error(`make-snapshot: ${error && error.stack ? error.stack : error}`);
  process.exit(1);
}
