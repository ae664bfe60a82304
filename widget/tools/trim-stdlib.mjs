// Build a trimmed, precompiled standard library for the Decision Desk, with Pyodide's own Python.
//
//   node widget/tools/trim-stdlib.mjs --engine ENGINE.zip --calls CALLS.json --out STDLIB.zip
//        [--engine-pyc-out PYC.zip] [--optimize N] [--compression stored|deflated]
//
// 1. Boot Pyodide from node_modules with its full python_stdlib.zip.
// 2. Unpack the engine archive exactly as the worker does, import policy_engine.bridge and run
//    every call in CALLS.json (the whole decision table, links, tickets, bad input).
// 3. Record every module loaded from the standard library zip (sys.modules), which covers what
//    Pyodide's own bootstrap needs as well as what the engine imports.
// 4. Compile each with Pyodide's py_compile (--optimize, default the interpreter's own level; the
//    build passes 2; unchecked hash-based .pyc, so the output is deterministic) and write a zip
//    holding only those .pyc files, named as zipimport looks them up ("json/__init__.pyc",
//    "enum.pyc"; zipimport takes a plain .pyc at any optimization level). Stored by default: the
//    host's brotli/gzip compresses the whole zip better than per-file deflate.
// 5. With --engine-pyc-out, also write the engine's modules compiled by the same Python, as
//    policy_engine/__pycache__/*.cpython-314.pyc, for the build to add to the engine archive.
// Prints one JSON report line on stdout. Exit code 1 with a message on any failure.

import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { values: args } = parseArgs({
  options: {
    engine: { type: "string" },
    calls: { type: "string" },
    out: { type: "string" },
    "engine-pyc-out": { type: "string" },
    optimize: { type: "string", default: "-1" },
    compression: { type: "string", default: "stored" },
    "pyodide-dir": { type: "string", default: resolve(ROOT, "node_modules", "pyodide") },
  },
});
for (const name of ["engine", "calls", "out"]) {
  if (!args[name]) {
    console.error(`trim-stdlib: --${name} is required`);
    process.exit(2);
  }
}

const ENGINE_DIR = "/home/pyodide/desk";

const EXERCISE = `
import json, sys
sys.path.insert(0, ${JSON.stringify(ENGINE_DIR)})
from policy_engine import bridge
failures = []
for method, params in json.loads(CALLS):
    reply = json.loads(bridge.call(method, json.dumps(params)))
    if "ok" not in reply:
        failures.append(method)
# Every language, with its compiled catalog (the build puts the .mo files into the archive it trims with, not
# into the one it ships): reading a catalog and choosing plural forms load stdlib modules of their own.
from policy_engine import i18n
for lang in i18n.LANGUAGES:
    with i18n.language(lang):
        for method, params in json.loads(CALLS):
            bridge.call(method, json.dumps(params))
bridge.call("no_such_method", "{}")
bridge.call("decide", "not json")
if failures:
    raise SystemExit("bridge replies without 'ok': " + ", ".join(failures))
LOADED = [
    getattr(getattr(module, "__spec__", None), "origin", None) or getattr(module, "__file__", None)
    for module in list(sys.modules.values())
]
`;

const COMPILE = `
import json, os, py_compile, sys, zipfile
OPTIMIZE = int(OPTIMIZE_ARG) if int(OPTIMIZE_ARG) >= 0 else sys.flags.optimize
COMPRESSION = {"stored": zipfile.ZIP_STORED, "deflated": zipfile.ZIP_DEFLATED}[COMPRESSION_ARG]
STDLIB = "/lib/python%d%d.zip" % sys.version_info[:2]
prefix = STDLIB + "/"
# LOADED was taken right after the exercise, before this script imported py_compile and friends.
names = {o[len(prefix):] for o in LOADED if isinstance(o, str) and o.startswith(prefix) and o.endswith(".py")}
with zipfile.ZipFile(STDLIB) as full:
    available = set(full.namelist())
    missing = sorted(n for n in names if n not in available)
    if missing:
        raise SystemExit("modules not in the stdlib zip: " + ", ".join(missing))
    os.makedirs("/tmp/trim/src", exist_ok=True)
    compiled = {}
    for name in sorted(names):
        source = "/tmp/trim/src/" + name
        os.makedirs(os.path.dirname(source), exist_ok=True)
        with open(source, "wb") as handle:
            handle.write(full.read(name))
        target = "/tmp/trim/pyc/" + name[:-3] + ".pyc"
        py_compile.compile(
            source, cfile=target, dfile=prefix + name, doraise=True,
            optimize=OPTIMIZE,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
        with open(target, "rb") as handle:
            compiled[name[:-3] + ".pyc"] = handle.read()
def write_zip(path, files):
    """A deterministic zip: sorted names, fixed dates and modes."""
    with zipfile.ZipFile(path, "w") as out:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = COMPRESSION
            info.external_attr = 0o644 << 16
            out.writestr(info, files[name])
write_zip("/tmp/trim/stdlib.zip", compiled)
# The engine too: its modules compiled by the same interpreter, as the source loader looks them up
# (policy_engine/__pycache__/NAME.cpython-314.pyc, unchecked hash, so no source stat is needed).
# Optimization 0 for the engine: its docstrings and asserts stay as written.
engine_pyc = {}
package = ENGINE_DIR + "/policy_engine"
for name in sorted(os.listdir(package)):
    if name.endswith(".py"):
        cfile = py_compile.compile(
            package + "/" + name, dfile=package + "/" + name, doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
        with open(cfile, "rb") as handle:
            engine_pyc["policy_engine/__pycache__/" + os.path.basename(cfile)] = handle.read()
write_zip("/tmp/trim/engine-pyc.zip", engine_pyc)
json.dumps({"modules": sorted(names), "python": sys.version.split()[0], "optimize": OPTIMIZE, "compression": COMPRESSION_ARG,
            "magic": __import__("importlib.util").util.MAGIC_NUMBER.hex()})
`;

try {
  const { loadPyodide } = await import(resolve(args["pyodide-dir"], "pyodide.mjs"));
  const started = performance.now();
  const pyodide = await loadPyodide({
    indexURL: args["pyodide-dir"] + "/",
    stdout: (line) => console.error(line),
    stderr: (line) => console.error(line),
  });
  const bootMs = performance.now() - started;
  pyodide.unpackArchive(new Uint8Array(readFileSync(args.engine)), "zip", { extractDir: ENGINE_DIR });
  pyodide.globals.set("CALLS", readFileSync(args.calls, "utf8"));
  pyodide.runPython(EXERCISE);
  pyodide.globals.set("OPTIMIZE_ARG", args.optimize);
  pyodide.globals.set("COMPRESSION_ARG", args.compression);
  pyodide.globals.set("ENGINE_DIR", ENGINE_DIR);
  const report = JSON.parse(pyodide.runPython(COMPILE));
  const zip = pyodide.FS.readFile("/tmp/trim/stdlib.zip");
  writeFileSync(args.out, zip);
  if (args["engine-pyc-out"]) writeFileSync(args["engine-pyc-out"], pyodide.FS.readFile("/tmp/trim/engine-pyc.zip"));
  const fullSize = readFileSync(resolve(args["pyodide-dir"], "python_stdlib.zip")).length;
  console.log(JSON.stringify({
    ...report,
    pyodideVersion: pyodide.version,
    bytes: zip.length,
    fullStdlibBytes: fullSize,
    defaultBootMs: Math.round(bootMs),
  }));
  process.exitCode = 0;
  setImmediate(() => process.exit(0));
} catch (error) {
  console.error(`trim-stdlib: ${error && error.message ? error.message : error}`);
  process.exit(1);
}
