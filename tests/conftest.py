"""Shared fixtures: the real site built once, served on loopback, and a real headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from buildlib.nginx import NginxServer

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]


def build_site(target: Path, mode: str = "self-host") -> Path:
    """Build the site with build.py into `target`; fail the test session with the build's output."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", "--pyodide", mode, "--site-dir", str(target)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    if result.returncode != 0:
        pytest.fail(f"build.py failed ({result.returncode}):\n{result.stdout}\n{result.stderr}", pytrace=False)
    return target


def pytest_configure(config) -> None:
    """The translation catalogs compiled once per session (each xdist worker writes them atomically)."""
    from buildlib import catalogs

    catalogs.compile_all()


def pytest_addoption(parser) -> None:
    parser.addoption("--built-site", default=None,
                     help="use this already built self-host site instead of building one (while working on tests)")


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory, request) -> Path:
    """The site built once per session in self-host mode, so browser tests run offline."""
    built = request.config.getoption("--built-site")
    if built:
        return Path(built)
    return build_site(tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="session")
def site_url(site_dir) -> str:
    """The built site served on 127.0.0.1 by nginx, configured as deploy/nginx.conf; the URL ends with a slash."""
    with NginxServer(site_dir) as server:
        yield server.url


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session: Debian's, else Playwright's bundled one."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def context(browser):
    """A fresh browser context (no cache, no storage) per test."""
    ctx = browser.new_context()
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A fresh page in a fresh context."""
    return context.new_page()
