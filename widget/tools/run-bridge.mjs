// Boot Pyodide under Node the way the Desk's worker does, and run bridge calls.
//
//   node widget/tools/run-bridge.mjs --engine ENGINE.zip --stdlib STDLIB.zip --lock LOCK.json --calls CALLS.json
//   node widget/tools/run-bridge.mjs --default-boot          (only time a plain loadPyodide, full stdlib)
//
// With --stdlib and --lock it boots exactly like the worker: trimmed precompiled stdlib via
// stdLibURL, lockFileContents (no pyodide-lock.json read), no packages. Without them it boots the
// default way. Prints one JSON object: {pyodideVersion, bootMs, engineMs, policyVersion, replies}.
// The build uses it to verify the trimmed stdlib; the tests use it for parity and timing.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { values: args } = parseArgs({
  options: {
    engine: { type: "string" },
    stdlib: { type: "string" },
    lock: { type: "string" },
    calls: { type: "string" },
    "default-boot": { type: "boolean", default: false },
    "pyodide-dir": { type: "string", default: resolve(ROOT, "node_modules", "pyodide") },
  },
});

const ENGINE_DIR = "/home/pyodide/desk";

try {
  const { loadPyodide } = await import(resolve(args["pyodide-dir"], "pyodide.mjs"));
  const options = {
    indexURL: args["pyodide-dir"] + "/",
    stdout: (line) => console.error(line),
    stderr: (line) => console.error(line),
  };
  if (args.stdlib) options.stdLibURL = resolve(args.stdlib);
  if (args.lock) {
    options.lockFileContents = readFileSync(args.lock, "utf8");
    options.packages = [];
  }
  const started = performance.now();
  const pyodide = await loadPyodide(options);
  const bootMs = performance.now() - started;
  const result = { pyodideVersion: pyodide.version, bootMs: Math.round(bootMs) };
  if (!args["default-boot"]) {
    const engineStarted = performance.now();
    pyodide.unpackArchive(new Uint8Array(readFileSync(args.engine)), "zip", { extractDir: ENGINE_DIR });
    pyodide.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(ENGINE_DIR)})`);
    const bridge = pyodide.pyimport("policy_engine.bridge");
    result.policyVersion = bridge.policy_version();
    result.engineMs = Math.round(performance.now() - engineStarted);
    const calls = args.calls ? JSON.parse(readFileSync(args.calls, "utf8")) : [];
    const callsStarted = performance.now();
    result.replies = calls.map(([method, params]) => JSON.parse(bridge.call(method, JSON.stringify(params))));
    result.callsMs = Math.round(performance.now() - callsStarted);
    result.modules = pyodide.runPython("import sys; len(sys.modules)");
  }
  // Exit only once stdout is flushed: a pipe takes 64 KB at a time and the table is larger.
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
} catch (error) {
  console.error(`run-bridge: ${error && error.message ? error.message : error}`);
  process.exit(1);
}
