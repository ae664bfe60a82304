"""build.py from a terminal: it prints MkDocs' log, a warning stops the build and is named with its file, and
the dev server says where it serves and gives a Desk that goes live with no CDN in reach."""

from __future__ import annotations

import queue
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIVE_TIMEOUT = 120_000  # ms for Pyodide to boot on a busy 2-core machine
SERVE_TIMEOUT = 180  # s for the dev server's first build


def build_py(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.parametrize("broken", ["no-such-page.md", "cancellation.md#no-such-section"])
def test_a_broken_link_stops_the_build_and_the_build_names_the_warning_and_its_file(tmp_path, broken):
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    with (docs / "index.md").open("a", encoding="utf-8") as index:
        index.write(f"\n\nSee [this section]({broken}).\n")
    done = build_py("build", "--docs-dir", str(docs), "--site-dir", str(tmp_path / "site"))
    assert done.returncode == 1, done.stderr
    log = done.stderr.splitlines()
    assert any(line.startswith("INFO    -  Building documentation to directory") for line in log), done.stderr
    warnings = [line for line in log if line.startswith("WARNING")]
    assert len(warnings) == 1, f"only the broken link warns: {warnings}"
    assert warnings[0].startswith("WARNING -  Doc file 'index.md' contains a link") and broken in warnings[0]
    assert "Aborted with 1 warnings in strict mode!" in done.stderr
    assert f"strict mode stopped the build because of:\n  {warnings[0]}" in done.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.browser
def test_the_dev_server_says_where_it_serves_and_its_desk_goes_live_without_the_cdn(browser):
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in server.stderr], daemon=True).start()
    log: list[str] = []
    context = browser.new_context()
    try:
        while f"Serving on {url}" not in (log[-1] if log else ""):
            log.append(lines.get(timeout=SERVE_TIMEOUT).rstrip())
            assert server.poll() is None, "\n".join(log)
        assert any(line.startswith("INFO    -  Documentation built in") for line in log), log
        # Nothing but the dev server can be reached: the CDN's requests fail.
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url) else route.abort())
        page = context.new_page()
        page.goto(url + "cancellation/")
        page.locator('#decision-desk input[type="radio"][name="status"]').first.check()
        page.wait_for_selector('#decision-result[data-engine="pyodide"]', timeout=LIVE_TIMEOUT)
    finally:
        context.close()
        server.terminate()
        server.wait(timeout=30)
