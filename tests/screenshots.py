"""`make screenshots`: PNGs of every page and the Decision Desk's main states, as customers see them.

Builds the site (self-hosted Pyodide, so it works offline), serves it on loopback, and writes
screenshots/<name>-<width>-<scheme>.png at 360 and 1280 px, light and dark, in real Chromium.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from buildlib.pages import built_pages  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, build_site  # noqa: E402

OLD_VERSION = "2026-11-26"
# name -> (query, what to do after load)
DESK_STATES = {
    "desk-empty": ("", None),
    "desk-answer-link": ("?status=processing&fact=wrong_link&v={version}", None),
    "desk-answer-link-hash": ("?status=pending&v={version}#decision-desk", None),
    "desk-completed": ("?status=completed", None),
    "desk-canceled": ("?status=canceled", None),
    "desk-in-progress-disabled": ("?status=in_progress&fact=target_changed", None),
    "desk-old-version": (f"?status=canceled&v={OLD_VERSION}", None),
    "desk-unrecognised": ("?status=Your%20refund%20of%20%24250%20is%20APPROVED", None),
    "desk-tap": ("", "tap"),
    "desk-drafter-errors": ("?status=processing&fact=wrong_link&fact=payment_related", "drafter"),
}
RUSSIAN_DESK_STATES = ("desk-answer-link", "desk-tap", "desk-drafter-errors")  # Russian words are longer
WIDTHS = {360: 800, 1280: 900}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def _act(page, action: str) -> None:
    if action == "tap":
        page.locator("label[for='dd-s-in_progress']").click()
    elif action == "drafter":
        page.locator("[data-dd='ticket'] summary").click()
        page.wait_for_selector("#decision-desk[data-engine-state='ready']", state="attached", timeout=120_000)
        page.fill("#dd-t-order_id", "abc")
        page.fill("#dd-t-reason", "my password is hunter22")
        page.locator("[data-dd='copy-ticket']").click()
        page.wait_for_selector("[aria-invalid='true']")
        page.locator("[data-dd='ticket']").scroll_into_view_if_needed()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    parser.add_argument("--site", help="an already built site folder (default: build one)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    import policy_engine

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(args.site) if args.site else build_site(Path(tmp) / "site")
        server, url = _serve(site)
        with sync_playwright() as playwright:
            executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            for width, height in WIDTHS.items():
                for scheme in ("light", "dark"):
                    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
                    page = context.new_page()
                    for path in built_pages(site):
                        page.goto(url + path)
                        name = path.strip("/").replace("/", "-") or "home"
                        page.screenshot(path=str(out / f"page-{name}-{width}-{scheme}.png"), full_page=True)
                    states = [("", name, *state) for name, state in DESK_STATES.items()]
                    states += [("ru/", f"ru-{name}", *DESK_STATES[name]) for name in RUSSIAN_DESK_STATES]
                    for lang, name, query, action in states:
                        page.goto(f"{url}{lang}cancellation/" + query.format(version=policy_engine.POLICY_VERSION))
                        page.wait_for_selector("#decision-verdict")
                        page.wait_for_timeout(400)
                        if action:
                            _act(page, action)
                            page.wait_for_timeout(400)
                        page.screenshot(path=str(out / f"{name}-{width}-{scheme}.png"))
                    context.close()
            browser.close()
        server.shutdown()
    print(f"screenshots written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
