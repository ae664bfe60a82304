"""Under Node: the engine in Pyodide, booted from the built site's own trimmed stdlib and engine archive
exactly as the worker boots it, answers link checks, tickets and bad input as CPython does. (The decision
table's parity is one suite, in the browser: tests/test_desk_parity.py.)"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from buildlib import engine_bundle
from policy_engine import bridge

ROOT = Path(__file__).resolve().parent.parent
RUN_BRIDGE = ROOT / "widget" / "tools" / "run-bridge.mjs"

def built(site_dir: Path, pattern: str) -> Path:
    matches = sorted(site_dir.glob(pattern))
    assert len(matches) == 1, f"expected one {pattern}, found {matches}"
    return matches[0]


def run_node(*args: str) -> dict:
    result = subprocess.run(["node", str(RUN_BRIDGE), *args], cwd=ROOT, capture_output=True, text=True,
                            timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def booted_like_the_worker(site_dir: Path, calls: list, tmp_path: Path) -> dict:
    calls_file = tmp_path / "calls.json"
    calls_file.write_text(json.dumps(calls))
    return run_node(
        "--engine", str(built(site_dir, "assets/desk/engine.*.zip")),
        "--stdlib", str(built(site_dir, "assets/desk/stdlib.*.zip")),
        "--lock", str(built(site_dir, "assets/desk/lock.*.json")),
        "--calls", str(calls_file),
    )


def test_links_tickets_and_bad_input_get_the_same_replies_in_pyodide_as_in_cpython(site_dir, tmp_path):
    calls = [call for call in engine_bundle.exercise_calls() if call[0] != "table"]
    report = booted_like_the_worker(site_dir, calls, tmp_path)
    expected = [json.loads(bridge.call(method, json.dumps(params))) for method, params in calls]
    pairs = zip(report["replies"], expected, strict=True)
    mismatched = [calls[i] for i, (got, want) in enumerate(pairs) if got != want]
    assert not mismatched, mismatched[:3]
    assert any(not reply["ok"] for reply in report["replies"]) and any(reply["ok"] for reply in report["replies"])


def test_boot_time_of_the_trimmed_stdlib_against_a_default_boot(site_dir, tmp_path):
    """Prints the numbers (a benchmark, not a timing assert): trimmed+precompiled vs default loadPyodide."""
    default = run_node("--default-boot")
    trimmed = booted_like_the_worker(site_dir, [["decide", {"status": "pending"}]], tmp_path)
    assert default["pyodideVersion"] == trimmed["pyodideVersion"] == engine_bundle.pyodide_version()
    assert trimmed["replies"][0]["ok"] is True
    live = trimmed["bootMs"] + trimmed["engineMs"] + trimmed["callsMs"]
    print(f"\nNode boot: default loadPyodide {default['bootMs']} ms; trimmed stdlib {trimmed['bootMs']} ms "
          f"+ engine {trimmed['engineMs']} ms + first decide {trimmed['callsMs']} ms = {live} ms "
          f"({live / default['bootMs']:.2f} x default)")


# Restores the built snapshot twice under Node, as the worker does, with or without the worker's own
# AFTER_RESTORE, and reports what `random` and tempfile's names give next after each restore.
RESTORE_TWICE = """
import { readFileSync } from "node:fs";
import { loadPyodide } from "%(pyodide)s";
const [heap, stdlib, lock, afterRestore] = process.argv.slice(2);
const out = [];
for (let round = 0; round < 2; round += 1) {
  const pyodide = await loadPyodide({ indexURL: "%(index)s", stdLibURL: stdlib, packages: [],
    lockFileContents: readFileSync(lock, "utf8"), _loadSnapshot: readFileSync(heap) });
  if (afterRestore) pyodide.runPython(readFileSync(afterRestore, "utf8"));
  out.push(pyodide.runPython("import random, tempfile; f'{random.random()} {next(tempfile._get_candidate_names())}'"));
}
console.log(JSON.stringify(out));
"""


def test_a_restored_interpreter_is_reseeded_by_the_worker(site_dir, tmp_path):
    pyodide = ROOT / "node_modules" / "pyodide"
    script = tmp_path / "restore-twice.mjs"
    script.write_text(RESTORE_TWICE % {"pyodide": (pyodide / "pyodide.mjs").as_uri(), "index": f"{pyodide}/"})
    heap = tmp_path / "heap.bin"
    stdlib, engine, lock = (built(site_dir, f"assets/desk/{name}.*.{ext}").read_bytes()
                            for name, ext in (("stdlib", "zip"), ("engine", "zip"), ("lock", "json")))
    heap.write_bytes(engine_bundle.memory_snapshot(engine_bundle.pyodide_version(), stdlib, engine, lock)[0])
    worker = (ROOT / "widget" / "worker.mjs").read_text(encoding="utf-8")
    after = tmp_path / "after-restore.py"
    after.write_text(re.search(r"const AFTER_RESTORE = `(.*?)`;", worker, re.S)[1])

    def restored_twice(*extra: str) -> list:
        args = ["node", str(script), str(heap), str(built(site_dir, "assets/desk/stdlib.*.zip")),
                str(built(site_dir, "assets/desk/lock.*.json")), *extra]
        result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
        assert result.returncode == 0, result.stderr[-3000:]
        return json.loads(result.stdout.strip().splitlines()[-1])

    frozen = restored_twice()
    assert frozen[0] == frozen[1]  # the heap holds the build's random state: every visitor would share it
    numbers, names = zip(*(value.split() for value in restored_twice(str(after))), strict=True)
    assert numbers[0] != numbers[1] and names[0] != names[1]
    assert set(numbers).isdisjoint(value.split()[0] for value in frozen)
