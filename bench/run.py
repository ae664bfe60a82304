#!/usr/bin/env python3
"""The benchmark: the policy site and its Decision Desk against a plain Material page and a default Pyodide boot.

    python bench/run.py [--runs N] [--quick] [--out-dir DIR] [--results FILE]

One run builds the site (self-host mode, via build.py) and the baseline site (bench/baseline/,
plain Material with the site's theme settings, no hooks), writes a default-boot page (a plain
`loadPyodide` of the same Pyodide core), serves all three with pre-compressed files on loopback,
and measures side by side:

  a. Lighthouse 12.2.3 on every page (mobile and desktop, median of 3 runs) and on the baseline page;
  b. the Desk in headless Chromium over N cold and N warm loads, against the default boot
     in a module worker and on the main thread (rounds interleaved, so load changes hit both);
  c. the site's build time against the baseline's.

It prints a Markdown table of medians with PASS/MISS against the targets of issue 5 and writes it
to bench/RESULTS.md. A measurement that cannot be taken shows "n/a" with the reason. Benchmarks
print numbers; they never fail on a slow result (exit status 0 unless the bench itself breaks).
`--quick` (used by the smoke test): N=1, Lighthouse on the Desk page and the baseline, mobile only.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from chromium_pages import (  # noqa: E402
    BOOT_DESK_WORKER,
    CACHE_STORED,
    INIT_SCRIPT,
    SELECT_MANY,
    SELECT_ONCE,
    write_default_boot,
)
from first_serve import kept_part  # noqa: E402

from buildlib import compress, engine_bundle  # noqa: E402
from buildlib.nginx import NginxServer  # noqa: E402
from buildlib.pages import built_pages  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
PLAYWRIGHT_FLAGS = [*CHROMIUM_FLAGS, "--disable-quic", "--no-first-run", "--disable-sync"]
LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"  # bench/package.json
PYODIDE_DIR = ROOT / "node_modules" / "pyodide"
TRACE_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "toplevel"]
DESK_STATUS = "pending"
# Issue 13's targets: the live answer as a share of a default Pyodide boot, requests before it, TBT's margin.
WARM_TARGET = 0.30
COLD_TARGET = 0.50
MAX_REQUESTS = 8
TBT_MARGIN_MS = 30
LIVE_TIMEOUT_MS = 60_000
PYODIDE_URL = re.compile(r"pyodide|\.wasm(\?|$)|/stdlib[\w.-]*\.zip|/engine[\w.-]*\.(zip|tar)")
LH_CATEGORIES = (("performance", "perf"), ("accessibility", "a11y"), ("best-practices", "best pr."), ("seo", "SEO"))


# --- values -----------------------------------------------------------------------------------------

@dataclass
class Metric:
    """Samples of one measurement, or the reason it could not be taken."""

    samples: list[float] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def add(self, value: float | None, reason: str = "") -> None:
        if value is None:
            self.reasons.append(reason or "not measured")
        else:
            self.samples.append(float(value))

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def reason(self) -> str:
        return self.reasons[0] if self.reasons else "not measured"


def na(reason: str) -> Metric:
    return Metric(reasons=[reason])


def fmt(metric: Metric | None, unit: str = "ms", digits: int = 0) -> str:
    """A median for the table: '123 ms', '1.23 MB', or 'n/a (why)'."""
    if metric is None:
        return "n/a (not measured)"
    value = metric.median
    if value is None:
        return f"n/a ({metric.reason})"
    n = len(metric.samples)
    if unit == "MB":
        text = f"{value / 1e6:.2f} MB"
    elif unit == "score":
        text = f"{value:.2f}"
    elif unit == "s":
        text = f"{value:.1f} s"
    else:
        text = f"{value:.{digits}f} {unit}".rstrip()
    return text if n <= 1 else f"{text} (n={n})"


def ratio(a: Metric | None, b: Metric | None) -> float | None:
    if a is None or b is None or a.median is None or not b.median:
        return None
    return a.median / b.median


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _short(error: BaseException | str) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:160].replace("|", "/")


# --- c. builds --------------------------------------------------------------------------------------

def build_site(target: Path) -> tuple[float | None, str]:
    """Build the site in self-host mode with build.py; return (seconds, error)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", "--pyodide", "self-host", "--site-dir", str(target)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return None, f"build.py failed: {_short(tail[0])}"
    return seconds, ""


def _theme_of_site() -> dict | None:
    """The site's `theme:` settings from mkdocs.yml, without custom_dir (the site's own overrides)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)  # !ENV, !!python/name: ...
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=Loader) or {}
    theme = config.get("theme")
    if not isinstance(theme, dict):
        return None
    theme = dict(theme)
    theme.pop("custom_dir", None)
    return theme


def build_baseline(target: Path, config_path: Path) -> tuple[float | None, str]:
    """Build the plain Material baseline with mkdocs (no hooks); return (seconds, error)."""
    import yaml

    config = yaml.safe_load((BENCH / "baseline" / "mkdocs.yml").read_text())
    theme = _theme_of_site()
    if theme:
        config["theme"] = theme
    config["docs_dir"] = str(BENCH / "baseline" / "docs")
    config["markdown_extensions"] = ["admonition", "tables", "attr_list"]
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(config_path), "-d", str(target)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return None, f"mkdocs failed: {_short(tail[0])}"
    return seconds, ""


# --- serving ----------------------------------------------------------------------------------------

def serve(root: Path) -> NginxServer:
    """nginx serving `root` as deploy/nginx.conf serves site/: its pre-compressed files, the build's headers
    (immutable content-hashed files, revalidated pages) and 304 answers."""
    server = NginxServer(root)
    server.__enter__()
    return server


# --- a. Lighthouse ----------------------------------------------------------------------------------

@dataclass
class LighthouseResult:
    scores: dict[str, Metric] = field(default_factory=dict)
    tbt: Metric = field(default_factory=Metric)
    window: Metric = field(default_factory=Metric)  # FCP → TTI, the window TBT counts long tasks in
    lcp: Metric = field(default_factory=Metric)
    bytes: Metric = field(default_factory=Metric)
    benchmark_index: Metric = field(default_factory=Metric)
    pyodide_bytes: Metric = field(default_factory=Metric)


def pyodide_bytes(data: dict) -> float | None:
    """Bytes a Lighthouse run saw transferred for Pyodide, its standard library or the engine archive."""
    items = ((data.get("audits", {}).get("network-requests") or {}).get("details") or {}).get("items")
    if items is None:
        return None
    return float(sum(item.get("transferSize") or 0 for item in items if PYODIDE_URL.search(item.get("url", ""))))


def lighthouse(url: str, preset: str, report: Path, runs: int) -> LighthouseResult:
    """Run Lighthouse `runs` times on url; medians of the four scores, TBT, LCP and bytes."""
    result = LighthouseResult(scores={key: Metric() for key, _ in LH_CATEGORIES})
    parts = [result.tbt, result.window, result.lcp, result.bytes, result.benchmark_index, result.pyodide_bytes,
             *result.scores.values()]
    if not LIGHTHOUSE.exists():
        for part in parts:
            part.add(None, "bench/node_modules/.bin/lighthouse missing (make bench installs it)")
        return result
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    for index in range(runs):
        path = report.with_name(f"{report.stem}-{index}.json")
        command = [
            str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={path}",
            "--chrome-flags=--headless=new " + " ".join(CHROMIUM_FLAGS),
        ]
        if preset == "desktop":
            command.append("--preset=desktop")
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
            if done.returncode != 0 or not path.exists():
                raise RuntimeError(f"lighthouse exit {done.returncode}: {_short(done.stderr or done.stdout)}")
            data = json.loads(path.read_text())
            if data.get("runtimeError"):
                raise RuntimeError(data["runtimeError"].get("message", "runtime error"))
        except Exception as error:  # noqa: BLE001 (one failed run becomes "n/a", not a crash)
            for part in parts:
                part.add(None, _short(error))
            continue
        for key, _ in LH_CATEGORIES:
            score = (data["categories"].get(key) or {}).get("score")
            result.scores[key].add(score, f"no {key} score")
        audits = data["audits"]
        result.tbt.add(audits.get("total-blocking-time", {}).get("numericValue"), "no TBT")
        fcp = audits.get("first-contentful-paint", {}).get("numericValue")
        tti = audits.get("interactive", {}).get("numericValue")
        result.window.add(None if fcp is None or tti is None else tti - fcp, "no FCP or TTI")
        result.lcp.add(audits.get("largest-contentful-paint", {}).get("numericValue"), "no LCP")
        result.bytes.add(audits.get("total-byte-weight", {}).get("numericValue"), "no byte weight")
        result.benchmark_index.add((data.get("environment") or {}).get("benchmarkIndex"), "no benchmarkIndex")
        result.pyodide_bytes.add(pyodide_bytes(data), "no network-requests audit")
    return result


# --- b. the Desk and the default boot in Chromium -----------------------------------------------------

@dataclass
class LoadResult:
    """One page load's measurements, in the page's own clock."""

    first_answer: Metric = field(default_factory=Metric)
    live_answer: Metric = field(default_factory=Metric)
    boot: Metric = field(default_factory=Metric)
    bytes: Metric = field(default_factory=Metric)
    longest_task: Metric = field(default_factory=Metric)
    longest_task_cpu: Metric = field(default_factory=Metric)
    requests: Metric = field(default_factory=Metric)
    restored: Metric = field(default_factory=Metric)  # 1 when the worker restored the memory snapshot, else 0
    from_cache: Metric = field(default_factory=Metric)  # 1 when that snapshot came from Cache Storage, else 0
    traced_live: Metric = field(default_factory=Metric)  # the live answer in a traced load (the trace's own cost in)

    def merge(self, other: LoadResult) -> None:
        for name in self.__dataclass_fields__:
            mine, theirs = getattr(self, name), getattr(other, name)
            mine.samples += theirs.samples
            mine.reasons += theirs.reasons


def longest_main_thread_task(trace: bytes) -> tuple[float | None, float | None]:
    """The longest task on any renderer main thread in a Chromium trace: (longest wall ms, longest CPU ms).

    Wall time is what a visitor feels (and what the 50 ms long-task limit means); CPU time is the
    task's own work, which a busy machine does not inflate by descheduling the thread.
    """
    events = json.loads(trace)
    events = events.get("traceEvents", []) if isinstance(events, dict) else events
    main_threads = {
        (e.get("pid"), e.get("tid")) for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name" and e.get("args", {}).get("name") == "CrRendererMain"
    }
    tasks = [
        (e["dur"] / 1000, e.get("tdur", 0) / 1000) for e in events
        if e.get("ph") == "X" and e.get("name") in ("RunTask", "ThreadControllerImpl::RunTask")
        and (e.get("pid"), e.get("tid")) in main_threads and "dur" in e
    ]
    if not tasks:
        return None, None
    return max(wall for wall, _ in tasks), max(cpu for _, cpu in tasks)


class Transfers:
    """Bytes on the wire for a page and its workers (Playwright reports worker requests too)."""

    def __init__(self, context) -> None:
        self.finished: list = []
        context.on("requestfinished", lambda request: self.finished.append(request))

    def mark(self) -> int:
        return len(self.finished)

    def total(self, start: int, end: int) -> tuple[int, int]:
        """(bytes, network requests); a blob: or data: URL (the worker imports its verified pyodide.mjs from
        a blob) moves no byte over the network and is not counted as a request."""
        total = 0
        network = [r for r in self.finished[start:end] if r.url.startswith(("http:", "https:"))]
        for request in network:
            try:
                sizes = request.sizes()
                total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            except Exception:  # noqa: BLE001, S112 (a request whose sizes are gone counts as 0)
                continue
        return total, len(network)


def wait_in_page(page, condition: str, timeout_ms: int) -> bool:
    """Wait until the JS expression `condition` is true in the page (polled there, every 100 ms).

    Not page.wait_for_function: that evaluates a string with `new Function`, which the site's
    Content-Security-Policy (no 'unsafe-eval') rightly refuses. A DevTools evaluation is allowed.
    """
    script = (
        "(timeout) => new Promise((resolve) => {"
        " const start = performance.now();"
        " const tick = () => {"
        f"  let ok = false; try {{ ok = Boolean({condition}); }} catch (error) {{ ok = false; }}"
        "  if (ok) resolve(true);"
        "  else if (performance.now() - start > timeout) resolve(false);"
        "  else setTimeout(tick, 100);"
        " };"
        " tick();"
        "})"
    )
    return bool(page.evaluate(script, timeout_ms))


def measure_load(browser, page, transfers: Transfers, url: str, ready_js: str, reload: bool,
                 trace: bool) -> LoadResult:
    """Load (or reload) url; wait until ready_js is true; collect the measurements.

    Untraced, the times, bytes and requests; traced, the longest main-thread task (and the live answer as
    `traced_live`). A trace records every style, layout and paint event, a cost no visitor pays and one that
    grows with the page's work (the Desk page has much more of it than the default boot's bare page), so the
    times come from loads without it; the report sets the traced live answer beside them.
    """
    result = LoadResult()
    start = transfers.mark()
    if trace:
        browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
    traced = trace
    try:
        if reload:
            page.reload(wait_until="commit")
        else:
            page.goto(url, wait_until="commit")
        if not wait_in_page(page, ready_js, LIVE_TIMEOUT_MS):
            raise TimeoutError("Timeout")
        end = transfers.mark()
        page.wait_for_load_state("load")
        data = page.evaluate("window.__bench") or {}
        if traced:
            recorded = browser.stop_tracing()
            traced = False
    except Exception as error:  # noqa: BLE001
        reason = _short(error)
        if "Timeout" in reason:
            try:
                state = page.evaluate("JSON.stringify(window.__bench)")
            except Exception:  # noqa: BLE001
                state = "?"
            reason = f"not ready within {LIVE_TIMEOUT_MS // 1000} s (state {state[:120]})"
        for metric in result.__dict__.values():
            metric.add(None, reason)
        if traced:
            with contextlib.suppress(Exception):
                browser.stop_tracing()
        return result
    live = data.get("liveAnswer") or data.get("readyAt")
    if trace:
        longest, cpu = longest_main_thread_task(recorded)
        if longest is None and data.get("longtasks") is not None:
            longest = max(data["longtasks"], default=0.0)
        result.longest_task.add(longest, "no main-thread tasks in the trace")
        result.longest_task_cpu.add(cpu, "no main-thread tasks in the trace")
        result.traced_live.add(live, "no live answer")
        return result
    total, count = transfers.total(start, end)
    result.bytes.add(total)
    result.requests.add(count)
    result.first_answer.add(data.get("firstAnswer"), "no answer seen")
    result.live_answer.add(live, "no live answer")
    result.boot.add(data.get("bootMs"), "the worker's ready message carried no bootMs")
    if data.get("snapshot") is not None:
        result.restored.add(1.0 if data["snapshot"] == "restored" else 0.0)
        result.from_cache.add(1.0 if data.get("snapshotFrom") == "cache" else 0.0)
    return result


def load_cold_and_warm(browser, url: str, ready_js: str, cold: LoadResult, warm: LoadResult, *, trace: bool,
                       init_script: str | None = None, before_reload=None):
    """Load url cold in a new context, then reload it warm, adding to `cold` and `warm`; return (context, page),
    which the caller closes. `before_reload(page)` runs between the two loads."""
    context = browser.new_context()
    if init_script:
        context.add_init_script(init_script)
    transfers = Transfers(context)
    page = context.new_page()
    cold.merge(measure_load(browser, page, transfers, url, ready_js, reload=False, trace=trace))
    if before_reload:
        before_reload(page)
    warm.merge(measure_load(browser, page, transfers, url, ready_js, reload=True, trace=trace))
    return context, page


def _until_snapshot_kept(page) -> None:
    """A visitor's next visit comes later than the bench's reload: wait until the Desk has kept its snapshot."""
    with contextlib.suppress(Exception):  # not kept: the warm load says so ("0 of them from Cache Storage")
        page.evaluate(CACHE_STORED, 5000)


@dataclass
class DeskResults:
    cold: LoadResult = field(default_factory=LoadResult)
    warm: LoadResult = field(default_factory=LoadResult)
    select_before_live: Metric = field(default_factory=Metric)
    select_engine: list[str] = field(default_factory=list)
    live_latency: Metric = field(default_factory=Metric)
    plain_longest_task: Metric = field(default_factory=Metric)
    plain_longest_task_cpu: Metric = field(default_factory=Metric)
    worker_restored: Metric = field(default_factory=Metric)  # the Desk's worker to its first answer, from the snapshot
    worker_fresh: Metric = field(default_factory=Metric)  # the same worker with no snapshot given


@dataclass
class BootResults:
    worker_cold: LoadResult = field(default_factory=LoadResult)
    worker_warm: LoadResult = field(default_factory=LoadResult)
    main_cold: LoadResult = field(default_factory=LoadResult)
    main_warm: LoadResult = field(default_factory=LoadResult)
    decide: Metric = field(default_factory=Metric)
    bridge: Metric = field(default_factory=Metric)


def _fail_all(results, reason: str) -> None:
    for value in results.__dict__.values():
        if isinstance(value, Metric):
            value.add(None, reason)
        elif isinstance(value, LoadResult):
            for metric in value.__dict__.values():
                metric.add(None, reason)


def measure_desk(results: DeskResults, browser, desk_url: str, plain_url: str | None, selections: int) -> None:
    """One round: the Desk cold (new context) then warm (reload), traced and untraced, `selections` in-page
    selections timed, one selection before Pyodide is ready, and the plain Material page's longest task."""
    deep = f"{desk_url}?status={DESK_STATUS}"
    ready = "window.__bench && window.__bench.liveAnswer !== null && window.__bench.firstAnswer !== null"
    pair = {"init_script": INIT_SCRIPT, "before_reload": _until_snapshot_kept}
    context, _ = load_cold_and_warm(browser, deep, ready, results.cold, results.warm, trace=True, **pair)
    context.close()
    context, page = load_cold_and_warm(browser, deep, ready, results.cold, results.warm, trace=False, **pair)
    try:
        if selections:
            try:
                out = page.evaluate(SELECT_MANY, selections)
                for ms in out["times"]:
                    results.live_latency.add(ms)
                for reason in out["errors"][:1]:
                    results.live_latency.add(None, reason)
            except Exception as error:  # noqa: BLE001
                results.live_latency.add(None, _short(error))
    finally:
        context.close()
    # A selection before Pyodide is ready: a page without a decision in its URL loads nothing
    # until intent, so the first click is answered from the prerendered table.
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(desk_url, wait_until="load")
        out = page.evaluate(SELECT_ONCE)
        results.select_before_live.add(out.get("ms"), out.get("error", ""))
        if out.get("engine"):
            results.select_engine.append(out["engine"])
    except Exception as error:  # noqa: BLE001
        results.select_before_live.add(None, _short(error))
    finally:
        context.close()
    # The Desk's own worker from its memory snapshot against a fresh boot of it, each in a new context (cold).
    for fresh, metric in ((False, results.worker_restored), (True, results.worker_fresh)):
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(desk_url, wait_until="load")  # no choice in the URL: the Desk starts no worker of its own
            out = page.evaluate(BOOT_DESK_WORKER, fresh)
            if out.get("error"):
                metric.add(None, _short(out["error"]))
            elif out.get("snapshot") != ("none" if fresh else "restored"):
                metric.add(None, _short(f"snapshot: {out.get('snapshot')}"))
            else:
                metric.add(out["ms"])
        except Exception as error:  # noqa: BLE001
            metric.add(None, _short(error))
        finally:
            context.close()
    if plain_url:
        context = browser.new_context()
        try:
            context.add_init_script(INIT_SCRIPT)
            page = context.new_page()
            loaded = "document.readyState === 'complete'"
            load = measure_load(browser, page, Transfers(context), plain_url, loaded, reload=False, trace=True)
            results.plain_longest_task.samples += load.longest_task.samples
            results.plain_longest_task.reasons += load.longest_task.reasons
            results.plain_longest_task_cpu.samples += load.longest_task_cpu.samples
            results.plain_longest_task_cpu.reasons += load.longest_task_cpu.reasons
        finally:
            context.close()


def measure_default_boot(results: BootResults, browser, boot_url: str, time_decide: bool) -> None:
    """One round of the default loadPyodide boot, in a module worker and on the main thread, cold and warm;
    with time_decide, then `decide` timed inside that Pyodide."""
    ready = "window.__bench && (window.__bench.readyAt !== undefined || window.__bench.failed !== undefined)"
    for mode in ("worker", "main"):
        cold, warm = (results.worker_cold, results.worker_warm) if mode == "worker" else (
            results.main_cold, results.main_warm)
        url = f"{boot_url}?mode={mode}"
        context, _ = load_cold_and_warm(browser, url, ready, cold, warm, trace=True)
        context.close()
        context, page = load_cold_and_warm(browser, url, ready, cold, warm, trace=False)
        try:
            failed = page.evaluate("window.__bench.failed")
            if failed:
                for load in (cold, warm):
                    load.boot.add(None, _short(failed))
            if mode == "worker" and time_decide:
                out = page.evaluate("window.__bench.decide()")
                if out.get("error"):
                    results.decide.add(None, _short(out["error"]))
                for ms in out.get("decide_ms", []):
                    results.decide.add(ms)
                for ms in out.get("bridge_ms", []):
                    results.bridge.add(ms)
        except Exception as error:  # noqa: BLE001
            results.decide.add(None, _short(error))
        finally:
            context.close()


# --- the report -------------------------------------------------------------------------------------

def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    chromium = "unknown"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    node = shutil.which("node")
    node_version = "none"
    if node:
        node_version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    try:
        pyodide = json.loads((PYODIDE_DIR / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        pyodide = "missing"
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": f"{os.cpu_count()} (nproc), {cpu}",
        "load": _load(),
        "chromium": chromium or "unknown",
        "node": node_version,
        "python": platform.python_version(),
        "pyodide": pyodide,
    }


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "MISS")


def report(args, info, builds, lh, desk: DeskResults | None, boot: BootResults | None, notes: list[str],
           node: dict | None = None) -> str:
    n = args.runs
    lines = [
        "# Benchmark results",
        "",
        f"`python bench/run.py{' --quick' if args.quick else f' --runs {n}'}`: medians of N={n} runs"
        " (N shown when it differs); Lighthouse "
        f"{args.lighthouse_runs} run(s) per page and form factor.",
        "",
        f"Machine: {info['cpus']}; load average (1/5/15 min) at start {info['load']}, at the end {_load()}; "
        f"{info['chromium']}; "
        f"Node {info['node']}; Python {info['python']}; Pyodide {info['pyodide']}; {info['date']}.",
        "",
    ]
    desk = desk or DeskResults()
    boot = boot or BootResults()
    # the targets
    default_warm = boot.worker_warm.boot
    default_cold = boot.worker_cold.boot
    live_warm_ratio = ratio(desk.warm.live_answer, default_warm)
    live_cold_ratio = ratio(desk.cold.live_answer, default_cold)
    widget = lh.get(("desk", "mobile"))
    base = lh.get(("baseline", "mobile"))
    tbt_ok = None
    if widget and base and widget.tbt.median is not None and base.tbt.median is not None:
        tbt_ok = widget.tbt.median <= base.tbt.median + TBT_MARGIN_MS
    site_pages = [(key, value) for key, value in lh.items() if key[1] == "mobile" and key[0] != "baseline"
                  and key[0] != "desk"]
    if widget:
        site_pages.append((("desk", "mobile"), widget))
    score_fail = []
    score_ok: bool | None = None
    for (name, _), result in site_pages:
        for key, label in LH_CATEGORIES:
            value = result.scores[key].median
            if value is None:
                continue
            score_ok = score_ok if score_ok is not None else True
            need = 0.98 if key == "performance" else 1.0
            if value < need:
                score_ok = False
                score_fail.append(f"{lh_name(name, args)} {label} {value:.2f}")
    others = [r.pyodide_bytes.median for (name, _), r in lh.items() if name not in ("desk", "baseline")]
    others = [value for value in others if value is not None]
    no_pyodide_ok = None if not others else max(others) == 0
    first = desk.select_before_live
    nav_first = desk.cold.first_answer
    lines += [
        "## Targets",
        "",
        "| target | measured | against | verdict |",
        "|---|---|---|---|",
        f"| first visible answer ≤ 100 ms after a selection, before Pyodide is ready | {fmt(first)}"
        f" (engine: {', '.join(sorted(set(desk.select_engine))) or 'n/a'}) | 100 ms |"
        f" {verdict(None if first.median is None else first.median <= 100)} |",
        f"| (reported, not a target) first visible answer after navigation to `?status={DESK_STATUS}` (cold) |"
        f" {fmt(nav_first)} | – | – |",
        f"| repeat visit (warm cache): live Pyodide answer ≤ {WARM_TARGET:.2f} × default boot |"
        f" {fmt(desk.warm.live_answer)} = {_x(live_warm_ratio)} ({_restored(desk.warm)}) |"
        f" default boot (worker, warm) {fmt(default_warm)} |"
        f" {verdict(None if live_warm_ratio is None else live_warm_ratio <= WARM_TARGET)} |",
        f"| first visit (cold cache): live Pyodide answer ≤ {COLD_TARGET:.2f} × default boot |"
        f" {fmt(desk.cold.live_answer)} = {_x(live_cold_ratio)} ({_restored(desk.cold)}) |"
        f" default boot (worker, cold) {fmt(default_cold)} |"
        f" {verdict(None if live_cold_ratio is None else live_cold_ratio <= COLD_TARGET)} |",
        f"| ≤ {MAX_REQUESTS} requests before the live answer (first visit) | {fmt(desk.cold.requests, '')} |"
        f" default boot {fmt(boot.worker_cold.requests, '')} |"
        f" {verdict(None if desk.cold.requests.median is None else desk.cold.requests.median <= MAX_REQUESTS)} |",
        f"| longest main-thread task ≤ 50 ms (Desk page, cold, until the live answer) |"
        f" {fmt(desk.cold.longest_task)} (longest by CPU time {fmt(desk.cold.longest_task_cpu)}) |"
        f" plain Material page {fmt(desk.plain_longest_task)} (by CPU {fmt(desk.plain_longest_task_cpu)}) |"
        f" {verdict(None if desk.cold.longest_task.median is None else desk.cold.longest_task.median <= 50)} |",
        f"| Lighthouse TBT on the Desk page ≤ baseline + {TBT_MARGIN_MS} ms (mobile) |"
        f" {fmt(widget.tbt if widget else None)} (FCP→TTI {fmt(widget.window if widget else None)}) |"
        f" baseline {fmt(base.tbt if base else None)} (FCP→TTI {fmt(base.window if base else None)}) |"
        f" {verdict(tbt_ok)} |",
        f"| ≤ 4.0 MB transferred before the live answer (cold, self-host) | {fmt(desk.cold.bytes, 'MB')} |"
        f" default boot {fmt(boot.worker_cold.bytes, 'MB')} |"
        f" {verdict(None if desk.cold.bytes.median is None else desk.cold.bytes.median <= 4.0e6)} |",
        f"| Lighthouse mobile: perf ≥ 0.98, a11y/BP/SEO = 1.0 on every page | {len(site_pages)} page(s)"
        f"{': ' + '; '.join(score_fail) if score_fail else ''} | see Lighthouse table | {verdict(score_ok)} |",
        f"| pages without the Desk download no Pyodide bytes (Lighthouse, load until idle) |"
        f" {f'{max(others) / 1e6:.2f} MB at most, on {len(others)} page run(s)' if others else 'n/a'} | 0 |"
        f" {verdict(no_pyodide_ok)} |",
        f"| (reported) the memory snapshot the Desk restores: in memory / shipped / brotli / gzip |"
        f" {snapshot_sizes(args)} | – | – |",
        f"| (reported) in Chromium: the Desk's worker to its first answer, from the snapshot, cold |"
        f" {fmt(desk.worker_restored)} = {_x(ratio(desk.worker_restored, desk.worker_fresh))} |"
        f" the same worker booted fresh, cold {fmt(desk.worker_fresh)} | – |",
        f"| (reported) under Node: restore to first answer vs fresh boot to first answer |"
        f" {_node_cell(node)} | – | – |",
        f"| `decide` ≤ 1 ms median in Pyodide | {fmt(boot.decide, 'ms', 3)} | bridge.call {fmt(boot.bridge, 'ms', 3)} |"
        f" {verdict(None if boot.decide.median is None else boot.decide.median <= 1)} |",
        "",
    ]
    # b. the Desk against the default boot
    rows = [
        ("time to first visible answer", "first_answer", "ms"),
        ("time to live Pyodide answer (default boot: to ready)", "live_answer", "ms"),
        ("the same, in a traced load (the trace's own cost included)", "traced_live", "ms"),
        ("Pyodide boot alone (worker's bootMs)", "boot", "ms"),
        ("bytes transferred before the live answer", "bytes", "MB"),
        ("longest main-thread task (wall)", "longest_task", "ms"),
        ("longest main-thread task (CPU time)", "longest_task_cpu", "ms"),
        ("requests before the live answer", "requests", ""),
    ]
    columns = [
        ("Desk cold", desk.cold), ("Desk warm", desk.warm),
        ("default boot, worker, cold", boot.worker_cold), ("default boot, worker, warm", boot.worker_warm),
        ("default boot, main thread, cold", boot.main_cold), ("default boot, main thread, warm", boot.main_warm),
    ]
    lines += [
        "## The Desk in headless Chromium against a default Pyodide boot",
        "",
        f"Times are from navigation start, in the page's clock, to the frame after the answer. Desk: "
        f"`?status={DESK_STATUS}`. Warm = reload in the same browser context (HTTP cache and Cache Storage kept, "
        "files revalidated). "
        "Times, bytes and requests are from loads without a trace, which no visitor has running; the longest "
        "task is from a second pair of loads, traced, whose live answer is in its own row. "
        "Longest task: wall time is what a visitor feels; CPU time is the task's own work, which a machine busy "
        "with other processes does not inflate.",
        "",
        "| metric | " + " | ".join(name for name, _ in columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for label, attr, unit in rows:
        cells = []
        for name, load in columns:
            if name.startswith("default") and attr == "first_answer":
                cells.append("–")
            else:
                cells.append(fmt(getattr(load, attr), unit))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += [
        f"| in-page selection → Pyodide answer, median of {args.selections} | {fmt(desk.live_latency, 'ms', 1)} |"
        + " – |" * (len(columns) - 1),
        f"| `decide` in Pyodide (Python clock), median of 100 | – | – | {fmt(boot.decide, 'ms', 3)} |"
        + " – |" * (len(columns) - 3),
        "",
    ]
    # a. Lighthouse
    lines += [
        "## Lighthouse 12.2.3",
        "",
        "| page | form factor | " + " | ".join(label for _, label in LH_CATEGORIES)
        + " | TBT | FCP→TTI | LCP | bytes | of which Pyodide | benchmarkIndex |",
        "|---|---|" + "---|" * (len(LH_CATEGORIES) + 6),
    ]
    for (name, preset), result in lh.items():
        cells = [fmt(result.scores[key], "score") for key, _ in LH_CATEGORIES]
        cells += [fmt(result.tbt), fmt(result.window), fmt(result.lcp), fmt(result.bytes, "MB"),
                  fmt(result.pyodide_bytes, "MB"),
                  fmt(result.benchmark_index, "")]
        lines.append(f"| {lh_name(name, args)} | {preset} | " + " | ".join(cells) + " |")
    for preset in ("mobile", "desktop"):
        w, b = lh.get(("desk", preset)), lh.get(("baseline", preset))
        if w and b:
            parts = [f"{label} {_x(ratio(w.scores[key], b.scores[key]))}" for key, label in LH_CATEGORIES]
            tbt = "n/a" if w.tbt.median is None or b.tbt.median is None else f"{w.tbt.median - b.tbt.median:+.0f} ms"
            parts += [f"TBT {tbt}", f"LCP {_x(ratio(w.lcp, b.lcp))}", f"bytes {_x(ratio(w.bytes, b.bytes))}"]
            lines.append(f"| **Desk page / baseline** | {preset} | " + " | ".join(parts) + " | | | |")
    lines += [
        "",
        "benchmarkIndex is Lighthouse's own measure of the CPU it ran on (higher is faster). Lighthouse warns "
        "below 1000 that a slow host CPU lowers the performance score: its mobile figures simulate a 4× slower "
        "CPU than the one observed, so a busy machine lowers the scores and raises TBT.",
        "",
    ]
    # c. builds
    site_build, base_build = builds
    lines += [
        "## Build time",
        "",
        "| build | time | ratio |",
        "|---|---|---|",
        f"| site (build.py build --pyodide self-host, with pre-compression) | {fmt(site_build, 's')} |"
        f" {_x(ratio(site_build, base_build))} |",
        f"| baseline (plain Material, mkdocs build) | {fmt(base_build, 's')} | 1× |",
        "",
    ]
    if notes:
        lines += ["## Notes", ""] + [f"- {note}" for note in notes] + [""]
    return "\n".join(lines)


def _restored(load: LoadResult) -> str:
    """'snapshot restored in 5 of 5 loads, 5 of them from Cache Storage', from the worker's ready.phases."""
    samples = load.restored.samples
    if not samples:
        return "snapshot: n/a"
    return (f"snapshot restored in {int(sum(samples))} of {len(samples)} loads,"
            f" {int(sum(load.from_cache.samples))} of them from Cache Storage")


def node_snapshot(site: Path, runs: int) -> dict:
    """Under Node: make the Desk's snapshot from the built site's stdlib, engine and lock, and time restores
    against fresh boots, each to the first `decide` answer (widget/tools/make-snapshot.mjs --measure)."""
    desk = site / "assets" / "desk"
    files = {name: sorted(desk.glob(f"{name}.*.{ext}")) for name, ext in (("stdlib", "zip"), ("engine", "zip"),
                                                                        ("lock", "json"))}
    if not all(len(found) == 1 for found in files.values()):
        return {"error": "the built site lacks its stdlib, engine or lock"}
    command = ["node", str(ROOT / "widget" / "tools" / "make-snapshot.mjs"), "--measure", str(runs),
               *[arg for name, found in files.items() for arg in (f"--{name}", str(found[0]))]]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            return {"error": _short(done.stderr or "make-snapshot.mjs failed")}
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError) as error:
        return {"error": _short(error)}


def _node_cell(node: dict | None) -> str:
    if not node:
        return "n/a (not measured)"
    if node.get("error"):
        return f"n/a ({node['error']})"
    fresh, restored = node["freshMedianMs"], node["restoreMedianMs"]
    return (f"{restored} ms vs {fresh} ms = {restored / fresh:.2f}× (median of {len(node['freshMs'])}; "
            f"making it: {node['makeMs']} ms)")


def snapshot_sizes(args) -> str:
    """The built site's memory snapshot: its size in memory (from its header), as shipped, and the sizes of its
    pre-compressed copies."""
    found = sorted((args.out_dir.resolve() / "site" / "assets" / "desk").glob("snapshot.*.bin"))
    if not found:
        return "n/a (no snapshot in the built site)"
    shipped = found[0]
    head = shipped.read_bytes()[:16]
    restored = int.from_bytes(head[8:12], "little") if head[:8] == engine_bundle.SPARSE_MAGIC else None
    sizes = [restored, shipped.stat().st_size] + [
        shipped.with_name(shipped.name + suffix).stat().st_size if shipped.with_name(shipped.name + suffix).exists()
        else None for suffix in (".br", ".gz")]
    return " / ".join("n/a" if size is None else f"{size / 1e6:.2f} MB" for size in sizes)


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _x(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}×"


def lh_name(name: str, args) -> str:
    return {"desk": f"{args.desk_path} (Desk)", "baseline": "baseline plain Material page"}.get(name, name)


# --- main -------------------------------------------------------------------------------------------

def find_desk_page(site: Path) -> str | None:
    """The site path of the page that carries #decision-desk, e.g. 'cancellation/'."""
    for page in sorted(site.rglob("index.html")):
        if 'id="decision-desk"' in page.read_text(errors="replace"):
            path = page.parent.relative_to(site).as_posix()
            return "" if path == "." else path + "/"
    return None


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python bench/run.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="N: cold and warm loads per measurement (default 5)")
    parser.add_argument("--quick", action="store_true",
                        help="N=1, Lighthouse on the Desk page and the baseline, mobile only (the smoke test)")
    parser.add_argument("--lighthouse-runs", type=int, default=None,
                        help="Lighthouse runs per page and form factor (default 3, 1 with --quick; 0 skips)")
    parser.add_argument("--build-runs", type=int, default=None, help="builds of each site (default min(N, 3))")
    parser.add_argument("--selections", type=int, default=None,
                        help="in-page selections timed (default 100; 20 with --quick)")
    parser.add_argument("--skip-build", action="store_true", help="reuse the builds already in --out-dir")
    parser.add_argument("--out-dir", type=Path, default=BENCH / "out", help="where builds go (default bench/out)")
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md", help="where the table is written")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs = 1
        args.build_runs = args.build_runs or 1
    if args.selections is None:
        args.selections = 20 if args.quick else 100
    if args.lighthouse_runs is None:
        args.lighthouse_runs = 1 if args.quick else 3
    if args.runs < 1 or args.lighthouse_runs < 0 or args.selections < 0:
        parser.error("--runs must be at least 1; --lighthouse-runs and --selections at least 0")
    args.build_runs = args.build_runs or min(args.runs, 3)
    args.desk_path = "cancellation/"
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    out = args.out_dir.resolve()
    out.mkdir(parents=True, exist_ok=True)
    info = machine()
    notes: list[str] = []
    site, baseline, boot_dir = out / "site", out / "baseline", out / "default-boot"

    site_build, base_build = Metric(), Metric()
    for index in range(0 if args.skip_build else args.build_runs):
        log(f"building the site ({index + 1}/{args.build_runs})")
        seconds, error = build_site(site)
        site_build.add(seconds, error)
        log(f"building the baseline ({index + 1}/{args.build_runs})")
        seconds, error = build_baseline(baseline, out / "baseline-mkdocs.yml")
        base_build.add(seconds, error)
    if args.skip_build:
        site_build.add(None, "--skip-build")
        base_build.add(None, "--skip-build")
    site_ok = site_build.median is not None or (args.skip_build and (site / "index.html").is_file())
    if baseline.exists():
        compress.precompress(baseline)
    log("writing the default-boot page")
    write_default_boot(boot_dir, PYODIDE_DIR, ROOT / "policy_engine")
    compress.precompress(boot_dir)

    desk_path = find_desk_page(site) if site_ok else None
    if desk_path is not None:
        args.desk_path = desk_path
    elif site_ok:
        notes.append("no page of the built site carries #decision-desk: the Desk rows are n/a")

    servers = []
    lh: dict[tuple[str, str], LighthouseResult] = {}
    desk, boot = DeskResults(), BootResults()
    try:
        base_server = serve(baseline) if baseline.exists() else None
        boot_server = serve(boot_dir)
        site_server = serve(site) if site_ok else None
        servers = [s for s in (base_server, boot_server, site_server) if s]

        # a. Lighthouse
        presets = ("mobile",) if args.quick else ("mobile", "desktop")
        targets: list[tuple[str, str]] = []
        if site_server:
            targets.append(("desk", site_server.url + args.desk_path))
        if base_server:
            targets.append(("baseline", base_server.url))
        if site_server and not args.quick:
            targets += [(p or "/", site_server.url + p) for p in built_pages(site) if p != args.desk_path]
        lighthouse_dir = out / "lighthouse"
        lighthouse_dir.mkdir(exist_ok=True)
        if args.lighthouse_runs:
            for preset in presets:
                for name, url in targets:
                    log(f"lighthouse {preset} {url}")
                    slug = (name.strip("/").replace("/", "-") or "home") + f"-{preset}"
                    lh[(name, preset)] = lighthouse(url, preset, lighthouse_dir / f"{slug}.json",
                                                    args.lighthouse_runs)

        # b. Chromium
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=PLAYWRIGHT_FLAGS, headless=True)
            try:
                # Rounds interleave the Desk and the default boot, so a change in the machine's load
                # during the run weighs on both sides of each ratio alike.
                if not (site_server and desk_path is not None):
                    _fail_all(desk, "the site did not build" if not site_ok else "no #decision-desk in the site")
                for index in range(args.runs):
                    if site_server and desk_path is not None:
                        log(f"round {index + 1}/{args.runs}: the Desk cold + warm, the plain page")
                        measure_desk(desk, browser, site_server.url + args.desk_path,
                                     base_server.url if base_server else None, args.selections if index == 0 else 0)
                    log(f"round {index + 1}/{args.runs}: the default boot cold + warm, worker and main thread")
                    measure_default_boot(boot, browser, boot_server.url, time_decide=index == 0)
            finally:
                browser.close()
    except Exception as error:  # noqa: BLE001 (a broken measurement is reported, the table still prints)
        traceback.print_exc()
        notes.append(f"the bench stopped early: {_short(error)}")
    finally:
        for server in servers:
            server.__exit__(None, None, None)

    if not site_ok:
        notes.append(f"site build failed: {site_build.reason}")
    node = None
    if site_ok:
        log("under Node: the memory snapshot, restore against fresh boot")
        node = node_snapshot(site, 1 if args.quick else 3)
    table = report(args, info, (site_build, base_build), lh, desk, boot, notes, node)
    print(table)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    old = args.results.read_text(encoding="utf-8") if args.results.exists() else ""
    kept = kept_part(old)  # bench/first_serve.py's section and the notes written by hand
    args.results.write_text(table + (f"\n{kept}" if kept else ""))
    log(f"wrote {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
