"""The benchmark runs end to end with a tiny N, so it cannot rot. It prints numbers; no timing is asserted.

Also here: the pre-compressed copies (buildlib/compress.py) that nginx sends to browsers that accept them
(tests/test_deploy_headers.py checks that in Chromium).
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import brotli
import pytest

from buildlib.compress import precompress

ROOT = Path(__file__).resolve().parent.parent

# Each row the bench must print: the targets, the Desk against the default boot, Lighthouse, builds.
EXPECTED_ROWS = (
    "| first visible answer ≤ 100 ms after a selection, before Pyodide is ready |",
    "| repeat visit (warm cache): live Pyodide answer ≤ 0.30 × default boot |",
    "| first visit (cold cache): live Pyodide answer ≤ 0.50 × default boot |",
    "| ≤ 8 requests before the live answer (first visit) |",
    "| (reported) the memory snapshot the Desk restores: in memory / shipped / brotli / gzip |",
    "| (reported) in Chromium: the Desk's worker to its first answer, from the snapshot, cold |",
    "| (reported) under Node: restore to first answer vs fresh boot to first answer |",
    "| longest main-thread task ≤ 50 ms",
    "| Lighthouse TBT on the Desk page ≤ baseline + 30 ms (mobile) |",
    "| ≤ 4.0 MB transferred before the live answer (cold, self-host) |",
    "| Lighthouse mobile: perf ≥ 0.98, a11y/BP/SEO = 1.0 on every page |",
    "| `decide` ≤ 1 ms median in Pyodide |",
    "| time to first visible answer |",
    "| time to live Pyodide answer (default boot: to ready) |",
    "| the same, in a traced load (the trace's own cost included) |",
    "| Pyodide boot alone (worker's bootMs) |",
    "| bytes transferred before the live answer |",
    "| longest main-thread task (wall) |",
    "| in-page selection → Pyodide answer, median of",
    "| baseline plain Material page | mobile |",
    "| **Desk page / baseline** | mobile |",
    "| site (build.py build --pyodide self-host, with pre-compression) |",
    "| baseline (plain Material, mkdocs build) |",
)


def _row(table: str, start: str) -> list[str]:
    """The cells of the first row that starts with `start`."""
    line = next(line for line in table.splitlines() if line.startswith(start))
    return [cell.strip() for cell in line.strip("|").split("|")]


@pytest.fixture(scope="module")
def quick_bench(tmp_path_factory) -> tuple[subprocess.CompletedProcess, str]:
    out = tmp_path_factory.mktemp("bench")
    results = out / "RESULTS.md"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--out-dir", str(out / "out"),
         "--results", str(results)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    return done, results.read_text() if results.exists() else ""


@pytest.mark.browser
def test_quick_bench_prints_and_writes_the_results_table(quick_bench):
    done, table = quick_bench
    assert done.returncode == 0, done.stderr[-3000:]
    assert table.startswith("# Benchmark results"), done.stderr[-3000:]
    assert table.strip() in done.stdout
    missing = [row for row in EXPECTED_ROWS if row not in table]
    assert not missing, f"rows missing from the bench table: {missing}\n{table}"
    assert "the bench stopped early" not in table, table
    assert re.search(r"Machine: \d+ \(nproc\), .+; .*Chromium \d+", table), table


@pytest.mark.browser
def test_quick_bench_measures_the_desk_the_default_boot_and_the_baseline(quick_bench):
    """Numbers, not n/a, in every column the bench compares: it really drove the Desk and the baselines."""
    _, table = quick_bench
    live = _row(table, "| time to live Pyodide answer")
    assert all(re.fullmatch(r"\d+ ms", cell) for cell in live[1:]), live
    transferred = _row(table, "| bytes transferred before the live answer")
    assert all(re.fullmatch(r"\d+\.\d\d MB", cell) for cell in transferred[1:]), transferred
    baseline = _row(table, "| baseline plain Material page | mobile |")
    assert all(re.fullmatch(r"[01]\.\d\d", cell) for cell in baseline[2:6]), baseline
    decide = _row(table, "| `decide` ≤ 1 ms median in Pyodide |")
    assert re.match(r"\d+\.\d{3} ms", decide[1]), decide
    builds = [_row(table, "| site (build.py")[1], _row(table, "| baseline (plain Material")[1]]
    assert all(re.fullmatch(r"\d+\.\d s", cell) for cell in builds), builds
    sizes = _row(table, "| (reported) the memory snapshot the Desk restores")
    assert re.fullmatch(r"\d+\.\d\d MB / \d+\.\d\d MB / \d+\.\d\d MB / \d+\.\d\d MB", sizes[1]), sizes
    for visit, cached in (("| repeat visit (warm cache)", 1), ("| first visit (cold cache)", 0)):
        row = _row(table, visit)
        assert f"snapshot restored in 1 of 1 loads, {cached} of them from Cache Storage" in row[1], row


def _site(root: Path) -> Path:
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<p>Cancellation depends on the order status.</p>\n" * 200)
    (root / "assets" / "app.mjs").write_text("export const status = 'pending';\n" * 100)
    (root / "assets" / "tiny.css").write_text("p { color: black }")
    (root / "assets" / "noise.wasm").write_bytes(os.urandom(4096))
    (root / "assets" / "photo.png").write_bytes(b"\x89PNG" + b"\0" * 4000)
    return root


def test_every_compressible_file_gets_gzip_and_brotli_copies_of_the_same_bytes(tmp_path):
    site = _site(tmp_path / "site")
    precompress(site)
    for name in ("index.html", "assets/app.mjs"):
        original = (site / name).read_bytes()
        assert gzip.decompress((site / f"{name}.gz").read_bytes()) == original
        assert brotli.decompress((site / f"{name}.br").read_bytes()) == original


def test_small_incompressible_and_binary_image_files_get_no_copy(tmp_path):
    site = _site(tmp_path / "site")
    precompress(site)
    for name in ("assets/tiny.css", "assets/noise.wasm", "assets/photo.png"):
        assert not (site / f"{name}.gz").exists(), name
        assert not (site / f"{name}.br").exists(), name


def test_copies_are_byte_for_byte_the_same_on_every_build(tmp_path):
    first, second = _site(tmp_path / "a"), _site(tmp_path / "b")
    precompress(first)
    precompress(second)
    for suffix in (".gz", ".br"):
        assert (first / f"index.html{suffix}").read_bytes() == (second / f"index.html{suffix}").read_bytes()


def test_a_stale_copy_is_replaced_when_the_file_changes(tmp_path):
    site = _site(tmp_path / "site")
    precompress(site)
    (site / "index.html").write_text("<p>Completed orders cannot be cancelled.</p>\n" * 200)
    precompress(site)
    assert gzip.decompress((site / "index.html.gz").read_bytes()) == (site / "index.html").read_bytes()
    assert brotli.decompress((site / "index.html.br").read_bytes()) == (site / "index.html").read_bytes()


def test_results_keep_the_first_serve_section_and_the_notes_written_by_hand(tmp_path):
    """bench/run.py rewrites the table and bench/first_serve.py its section; neither loses the other's part
    or the analysis written by hand below them."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import first_serve
    finally:
        sys.path.remove(str(ROOT / "bench"))
    results = tmp_path / "RESULTS.md"
    results.write_text("# old table\n")
    first_serve.write(results, "## First serve, run 1\n")
    results.write_text(results.read_text() + f"\n{first_serve.NOTES}\n\nThe trace showed X.\n")
    first_serve.write(results, "## First serve, run 2\n")
    results.write_text("# new table\n\n" + first_serve.kept_part(results.read_text()))  # as bench/run.py does
    text = results.read_text()
    assert text.startswith("# new table") and "old table" not in text
    assert "run 2" in text and "run 1" not in text
    assert text.endswith("The trace showed X.\n") and text.index("run 2") < text.index(first_serve.NOTES)
