#!/usr/bin/env python3
"""Fresh clone to first page: how long a first `make serve` takes on this machine.

    python bench/first_serve.py [--runs N] [--warm] [--results FILE]

Each run clones this repository's HEAD into a temporary folder and runs `make serve` there on a free
port with empty uv, pip and npm caches (a machine that has downloaded nothing yet; with --warm the runs
share one set of caches, filled by a first, unreported run), and times it until /cancellation/ answers.
It prints the times of each step, as `make serve` announced them, and writes them as the "First make
serve" section of bench/RESULTS.md, which bench/run.py keeps when it rewrites the rest; the
hand-written notes after it stay too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import queue
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
KEPT = "<!-- Below: written by bench/first_serve.py; bench/run.py keeps it as it is. -->"
NOTES = "<!-- Below: written by hand; bench/run.py and bench/first_serve.py keep it as it is. -->"
TIMEOUT = 600  # s


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def one_run(caches: Path) -> dict[str, float]:
    """Seconds from `make serve` to each step it announced ("==> …") and to the first page ("page")."""
    with tempfile.TemporaryDirectory(prefix="first-serve-") as tmp:
        clone = Path(tmp) / "repo"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        port = _free_port()
        env = {**os.environ, "UV_CACHE_DIR": str(caches / "uv"), "PIP_CACHE_DIR": str(caches / "pip"),
               "npm_config_cache": str(caches / "npm")}
        start = time.monotonic()
        make = subprocess.Popen(["make", "serve", f"DEV_ADDR=127.0.0.1:{port}"], cwd=clone, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        lines: queue.Queue[tuple[float, str]] = queue.Queue()
        threading.Thread(target=lambda: [lines.put((time.monotonic(), line)) for line in make.stdout],
                         daemon=True).start()
        steps: dict[str, float] = {}
        try:
            while not _answers(f"http://127.0.0.1:{port}/cancellation/"):
                if make.poll() is not None or time.monotonic() - start > TIMEOUT:
                    raise RuntimeError(f"make serve stopped or took over {TIMEOUT} s")
                time.sleep(0.2)
            steps["page"] = time.monotonic() - start
        finally:
            os.killpg(make.pid, signal.SIGTERM)
            make.wait(timeout=30)
        while not lines.empty():
            at, line = lines.get()
            if line.startswith("==> "):
                steps[line[4:].strip()] = at - start
        return steps


def _row(name: str, values: list[float]) -> str:
    shown = ", ".join(f"{v:.1f}" for v in values)
    return f"| {name} | {statistics.median(values):.1f} s | {shown} |"


def section(cold: list[dict[str, float]], warm: list[dict[str, float]]) -> str:
    load = " ".join(f"{v:.1f}" for v in os.getloadavg())
    lines = [
        "## First `make serve` (fresh clone → first page)",
        "",
        f"`python bench/first_serve.py`: a fresh clone of HEAD in /tmp, `make serve`, timed until /cancellation/ "
        f"answers. Machine: {os.cpu_count()} (nproc); load average at the end {load}; "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC. Each step: seconds after `make serve` started when it "
        "began (its `==>` line).",
        "",
        "| caches | first page (median) | runs (s) |",
        "|---|---|---|",
    ]
    for name, runs in (("empty uv, pip and npm caches", cold), ("warm caches", warm)):
        if runs:
            lines.append(_row(name, [run["page"] for run in runs]))
    for name, runs in (("empty caches", cold), ("warm caches", warm)):
        if runs:
            lines += ["", f"Steps, {name} (median s after start):", ""]
            for step in [s for s in runs[0] if s != "page"]:
                values = [run[step] for run in runs if step in run]
                lines.append(f"- {statistics.median(values):.1f} s: {step}")
    return "\n".join(lines) + "\n"


def kept_part(old: str) -> str:
    """What bench/run.py keeps of RESULTS.md: this script's section and the hand-written notes after it."""
    found = [old.index(marker) for marker in (KEPT, NOTES) if marker in old]
    return old[min(found):] if found else ""


def write(results: Path, text: str) -> None:
    """Replace this script's section of RESULTS.md (between KEPT and NOTES) with `text`."""
    old = results.read_text(encoding="utf-8") if results.exists() else ""
    head = old.split(KEPT)[0].split(NOTES)[0].rstrip("\n")
    notes = f"\n{NOTES}{old.split(NOTES, 1)[1]}" if NOTES in old else ""
    results.write_text(f"{head}\n\n{KEPT}\n\n{text}{notes}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warm", action="store_true", help="also time runs with warm caches")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()
    cold, warm = [], []
    with tempfile.TemporaryDirectory(prefix="first-serve-caches-") as tmp:
        for index in range(args.runs):
            caches = Path(tmp) / f"cold-{index}"
            cold.append(one_run(caches))
            print(f"empty caches, run {index + 1}: {cold[-1]}", file=sys.stderr)
            shutil.rmtree(caches, ignore_errors=True)
        if args.warm:
            shared = Path(tmp) / "warm"
            one_run(shared)
            for index in range(args.runs):
                warm.append(one_run(shared))
                print(f"warm caches, run {index + 1}: {warm[-1]}", file=sys.stderr)
    text = section(cold, warm)
    print(text)
    write(args.results, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
