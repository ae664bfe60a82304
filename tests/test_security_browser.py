"""The CSP, the clean console and the no-password promise, proven in real Chromium over the built site
(issue 6 §1, §4, §5): every page, Material's search and instant navigation, and every state of the Decision
Desk, in self-host mode and in CDN mode (the CDN stood in for by the npm package's own files)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from playwright.sync_api import expect

from buildlib import csp
from buildlib.headers import content_type
from buildlib.nginx import NginxServer

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
PYODIDE_DIR = ROOT / "node_modules" / "pyodide"
LIVE_TIMEOUT = 120_000  # ms for Pyodide to load in a worker on a busy 2-core machine; a state, never a sleep

# Every violation is kept in the page (window.__cspViolations) and reported to the test through a binding,
# so none is lost when a full navigation replaces the document.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  const violation = {directive: event.effectiveDirective, blocked: event.blockedURI, sample: event.sample,
                     source: event.sourceFile + ':' + event.lineNumber, page: location.href};
  window.__cspViolations.push(violation);
  if (window.__reportCspViolation) window.__reportCspViolation(violation);
}, true);
"""
CREDENTIAL_WORDS = (r"(^|[^a-z])(pass(word|wd|code|phrase)?|pwd|otp|totp|hotp|2fa|mfa|one[-_ ]?time|login[-_ ]?code"
                    r"|auth[-_ ]?code|verification[-_ ]?code|security[-_ ]?code|sms[-_ ]?code|session)([^a-z]|$)")
CREDENTIAL_FIELDS_JS = """(pattern) => [...document.querySelectorAll('input, textarea, select')].filter((field) => {
  const words = new RegExp(pattern, 'i');
  const auto = (field.getAttribute('autocomplete') || '').toLowerCase().split(/\\s+/);
  const split = (text) => (text || '').replace(/([a-z0-9])([A-Z])/g, '$1_$2');  // userPassword -> user_Password
  return field.type === 'password' || words.test(split(field.name)) || words.test(split(field.id))
    || auto.some((token) => ['current-password', 'new-password', 'one-time-code'].includes(token));
}).map((field) => field.outerHTML)"""


def credential_fields(page) -> list[str]:
    """The live DOM's fields (including any the Desk adds) that ask for a password, login or 2FA code."""
    return page.evaluate(CREDENTIAL_FIELDS_JS, CREDENTIAL_WORDS)


class Watch:
    """Everything a visitor should never meet, collected from one browser context."""

    def __init__(self, context, allowed_prefixes: list[str]) -> None:
        self.allowed = allowed_prefixes
        self.violations: list[dict] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.failed: list[str] = []
        self.bad_status: list[str] = []
        self.foreign: list[str] = []
        self.dialogs: list[str] = []
        self.requests = 0
        self.navigations = 0  # main-frame navigations so far: a request they cut off is the test's doing
        self.started: dict = {}
        self.aborted: list[tuple[str, str]] = []  # (url, report) of requests aborted on a page that stayed
        self.workers: set[str] = set()  # the URL of every worker that started
        context.on("page", lambda page: page.on("worker", lambda worker: self.workers.add(worker.url)))
        context.expose_function("__reportCspViolation", lambda violation: self.violations.append(violation))
        context.add_init_script(CSP_LISTENER)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.page_errors.append(str(error.error)))
        context.on("requestfailed", self._failed)
        context.on("response", self._response)
        context.on("request", self._request)
        context.on("dialog", self._dialog)

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} @ {message.location.get('url')}")

    def _failed(self, request) -> None:
        """A request the browser aborted because the test moved to another page is not a visitor's failure
        (under load, Material's search worker may still be loading when the next goto starts). Nor is an
        aborted request for a worker's script when that worker started all the same (Chromium may hand a
        worker's script load from the page to the browser process and report the page's side as aborted):
        `problems` counts it only if no worker with that URL ever ran. Any other failure counts."""
        cut_off = (request.failure == "net::ERR_ABORTED"
                   and self.started.pop(request, self.navigations) != self.navigations)
        report = f"{request.method} {request.url}: {request.failure}"
        if cut_off:
            return
        if request.failure == "net::ERR_ABORTED":
            self.aborted.append((request.url, report))
        else:
            self.failed.append(report)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _response(self, response) -> None:
        if response.status >= 400:
            self.bad_status.append(f"{response.status} {response.url}")

    def _request(self, request) -> None:
        self.requests += 1
        if request.is_navigation_request() and request.frame.parent_frame is None:
            self.navigations += 1  # a new document in the tab: what the last one was still loading is cut off
        self.started[request] = self.navigations
        if not request.url.startswith(("data:", "blob:")) and not request.url.startswith(tuple(self.allowed)):
            self.foreign.append(request.url)

    def problems(self) -> dict[str, list]:
        found = {"csp violations": self.violations, "console errors": self.console_errors,
                 "page errors": self.page_errors,
                 "failed requests": self.failed + [report for url, report in self.aborted
                                                   if url not in self.workers],
                 "HTTP errors": self.bad_status, "requests to other hosts": self.foreign,
                 "dialogs": self.dialogs}
        return {name: items for name, items in found.items() if items}


def site_pages(site_dir: Path) -> list[str]:
    """Paths (relative to the site root) of every page in the sitemap, plus the 404 page."""
    tree = ElementTree.parse(site_dir / "sitemap.xml")
    locs = [el.text for el in tree.iter() if el.tag.endswith("loc")]
    assert locs, "sitemap.xml lists no pages"
    return [urlsplit(loc).path.lstrip("/") for loc in locs] + ["404.html"]


def page_file(site_dir: Path, path: str) -> Path:
    return site_dir / path if path.endswith(".html") else site_dir / path / "index.html"


def desk_paths(site_dir: Path) -> list[str]:
    """The pages that carry the Decision Desk."""
    return [path for path in site_pages(site_dir)
            if csp.DESK_MARKER in page_file(site_dir, path).read_text(encoding="utf-8")]


def watched_context(browser, origin: str, extra_allowed: list[str] = ()):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin.rstrip("/"))
    return context, Watch(context, [origin, *extra_allowed])


def tick(box, on: bool = True) -> None:
    """Set a Desk radio or checkbox as a visitor does: by its label, which covers the whole option."""
    if box.is_checked() != on:
        box.page.locator(f"label[for={box.get_attribute('id')}]").click()
    expect(box).to_be_checked(checked=on)


def exercise_desk(page, desk_url: str) -> list[str]:
    """Walk the Desk through its states with the live engine; return what was done (for the report)."""
    done = []
    page.goto(desk_url)
    result = page.locator("#decision-result")
    desk = page.locator("#decision-desk")
    statuses = desk.locator('input[type="radio"][name="status"]')
    assert statuses.count() >= 2, "the Desk should offer its status radios"
    tick(statuses.first)
    expect(result).to_have_attribute("data-engine", "pyodide", timeout=LIVE_TIMEOUT)
    for index in range(statuses.count()):
        radio = statuses.nth(index)
        value = radio.get_attribute("value")
        tick(radio)
        expect(result).to_have_attribute("data-status", value)
        expect(result).to_have_attribute("data-engine", "pyodide")
        done.append(f"status={value}")
    tick(statuses.first)  # a status that offers every circumstance (the last one, canceled, offers few)
    expect(result).to_have_attribute("data-status", statuses.first.get_attribute("value"))
    facts = desk.locator('input[type="checkbox"][name="fact"]')
    assert facts.count() >= 1, "the Desk should offer its fact checkboxes"
    for index in range(facts.count()):
        box = facts.nth(index)
        value = box.get_attribute("value")
        tick(box)
        page.wait_for_url(re.compile(r"[?&]fact=" + re.escape(value) + r"(&|$)"))
        expect(result).to_have_attribute("data-engine", "pyodide")
        done.append(f"fact={value}")
    for index in range(facts.count()):  # back to one plain case, so the drafter can produce a ticket
        tick(facts.nth(index), False)
    page.wait_for_url(lambda url: "fact=" not in urlsplit(url).query)
    tick(statuses.first)
    expect(result).to_have_attribute("data-engine", "pyodide")
    done += exercise_drafter(page, desk)
    copy_link = desk.get_by_role("button", name=re.compile("copy link", re.IGNORECASE))
    if copy_link.count():
        copy_link.first.click()
        done.append("copy link")
    assert credential_fields(page) == [], "the live Desk must not ask for passwords or codes"
    return done


def exercise_drafter(page, desk) -> list[str]:
    """Draft a valid ticket and copy it, then type values the drafter must warn about or refuse."""
    drafter = desk.locator('[data-dd="ticket"]')
    expect(drafter).to_be_visible()
    drafter.locator("summary").click()  # folded until wanted
    draft, message = drafter.locator('[data-dd="draft"]'), drafter.locator('[data-dd="ticket-msg"]')
    valid = {"order_id": "12345", "telegram_link": "https://t.me/yourchannel", "service": "Telegram views",
             "reason": "I pasted the wrong channel link.", "transaction_reference": "TX-99812", "amount": "12.50"}
    hostile = {"telegram_link": "https://t.me/+privateInviteHash", "service": "<img src=x onerror=alert(1)>",
               "reason": "my password is hunter2, code 123456", "order_id": "1<script>alert(1)</script>"}
    done = []
    for values, what in ((valid, "valid"), (hostile, "hostile")):
        fields = [drafter.locator(f'[name="{name}"]') for name in values]
        visible = [(field, value) for field, value in zip(fields, values.values(), strict=True) if field.is_visible()]
        assert len(visible) >= 3, "the drafter should show its fields"
        for field, value in visible:
            field.fill(value)
        if what == "valid":
            drafter.locator('[data-dd="copy-ticket"]').click()  # checks every field, then copies
            expect(draft).to_contain_text("12345")
        else:
            fields[0].focus()  # leaving the last field checks it
            expect(draft).to_be_empty()  # an invalid order ID (and the rest) leaves no ticket to copy
            expect(message).not_to_be_empty()
        done.append(f"drafter: {what} values in {len(visible)} fields")
    return done


# --- self-host mode (the session's site) --------------------------------------------------------------------

@pytest.fixture(scope="module")
def watched(browser, site_url):
    context, watch = watched_context(browser, site_url)
    page = context.new_page()
    yield page, watch
    context.close()


def test_the_checks_see_a_blocked_inline_script_and_a_password_field(browser, site_url):
    """The zero-violation and no-password checks below mean something only if they would see a problem."""
    context, watch = watched_context(browser, site_url)
    try:
        page = context.new_page()
        page.goto(site_url)
        page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
                      " document.head.append(s); }")
        page.evaluate("""() => window.__cspViolations.length > 0 || new Promise((resolve) =>
            document.addEventListener('securitypolicyviolation', () => resolve(true), {once: true}))""")
        assert page.evaluate("() => window.__ran") is None, "the injected inline script must not run"
        assert watch.violations and watch.violations[0]["directive"] == "script-src-elem"
        page.evaluate("""() => document.body.insertAdjacentHTML('beforeend',
            '<input name="userPassword"><input autocomplete="one-time-code"><input type="password">')""")
        assert len(credential_fields(page)) == 3, "the live credential-field check must see such fields"
    finally:
        context.close()


def test_the_checks_count_a_request_aborted_on_a_page_that_stayed(browser, site_url):
    """Only a request cut off by the test's next page load, or the script of a worker that ran all the same,
    is excused: a script or a worker script aborted for good on a page that stayed is a failed request."""
    context, watch = watched_context(browser, site_url)
    try:
        context.route("**/never-there*.js", lambda route: route.abort("aborted"))
        page = context.new_page()
        page.goto(site_url, wait_until="networkidle")
        page.evaluate("""() => new Promise((resolve) => {
            const script = Object.assign(document.createElement('script'), {src: 'never-there.js'});
            script.onerror = resolve;
            document.head.append(script);
        })""")
        page.evaluate("""() => new Promise((resolve) => {
            const worker = new Worker('never-there-worker.js');
            worker.onerror = resolve;
            setTimeout(resolve, 5000);
        })""")
        failed = watch.problems().get("failed requests", [])
        assert any("never-there.js: net::ERR_ABORTED" in report for report in failed), failed
        assert any("never-there-worker.js: net::ERR_ABORTED" in report for report in failed), failed
    finally:
        context.close()


def test_every_page_loads_with_no_csp_violation_console_error_or_failed_request(watched, site_dir, site_url):
    page, watch = watched
    paths = site_pages(site_dir)
    for path in paths:
        page.goto(site_url + path, wait_until="networkidle")
        assert page.evaluate("() => window.__cspViolations") == [], path
        assert credential_fields(page) == [], f"{path}: a field asks for a password or code"
    assert watch.requests > len(paths)
    assert watch.problems() == {}


def test_search_and_colour_scheme_toggle_raise_no_violation(watched, site_url):
    page, watch = watched
    page.goto(site_url, wait_until="networkidle")
    page.get_by_role("textbox", name=re.compile("search", re.IGNORECASE)).first.focus()
    page.keyboard.type("refund")
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    page.keyboard.press("Escape")
    toggle = page.locator("label[for^='__palette']:visible").first
    toggle.click()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    assert watch.problems() == {}


def serve_sitemap_as_if_at_site_url(route, site_url: str) -> None:
    """Material's instant navigation only follows links listed in sitemap.xml, matched with their port; the
    sitemap names mkdocs.yml's site_url, so rewrite it to this test server's address, as a real host would be."""
    response = route.fetch()
    body = re.sub(r"<loc>https?://[^/<]+/", f"<loc>{site_url}", response.text())
    route.fulfill(response=response, body=body)


def test_instant_navigation_through_every_page_keeps_the_first_pages_policy_clean(browser, site_dir, site_url):
    """With navigation.instant the home page's policy stays in force while the visitor moves on, Desk included."""
    context, watch = watched_context(browser, site_url)
    try:
        context.route("**/sitemap.xml", lambda route: serve_sitemap_as_if_at_site_url(route, site_url))
        page = context.new_page()
        page.goto(site_url, wait_until="networkidle")
        page.evaluate("() => { window.__sameDocument = true }")
        for path in site_pages(site_dir)[1:-1]:  # the pages after home, not the 404
            page.evaluate("() => { document.querySelector('[data-md-component=container]').dataset.left = 'yes' }")
            link = page.locator(f'nav.md-nav--primary a.md-nav__link[href$="/{path}"]').first
            link.evaluate("a => a.click()")  # the nav may be folded away on narrow screens; the click is the same
            page.wait_for_url(site_url + path)
            page.wait_for_selector("[data-md-component=container]:not([data-left])")  # the new page is in
            page.wait_for_load_state("networkidle")
            if path in desk_paths(site_dir):  # the Desk sets itself up after an instant navigation, and goes live
                tick(page.locator('#decision-desk input[type="radio"][name="status"]').first)
                expect(page.locator("#decision-result")).to_have_attribute("data-engine", "pyodide",
                                                                           timeout=LIVE_TIMEOUT)
        assert page.evaluate("() => window.__sameDocument") is True, "navigation was not instant"
        assert page.evaluate("() => window.__cspViolations") == []
        assert watch.problems() == {}
    finally:
        context.close()


def test_every_desk_state_runs_live_with_no_violation_console_error_or_failed_request(watched, site_dir, site_url):
    page, watch = watched
    paths = desk_paths(site_dir)
    assert paths, "no page carries the Decision Desk (#decision-desk)"
    for path in paths:
        done = exercise_desk(page, site_url + path)
        assert len(done) >= 4, done
        assert page.evaluate("() => window.__cspViolations") == [], path
    assert watch.problems() == {}
    # Pyodide runs in its module worker, whose policy comes from its own response: the live Desk's page
    # itself grants no wasm compilation.
    outcome = page.evaluate("""() => WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))
        .then(() => 'compiled', (error) => String(error))""")
    assert "Content Security Policy" in outcome
    watch.violations.clear()  # the one violation just provoked on purpose
    watch.console_errors.clear()


# --- CDN mode: a second site, the CDN stood in for by the npm package's files -----------------------------------

@pytest.fixture(scope="module")
def cdn_site(tmp_path_factory):
    from conftest import build_site

    site = build_site(tmp_path_factory.mktemp("cdn-site") / "site", mode="cdn")
    with NginxServer(site) as server:
        yield site, server.url


def policy_of(path: Path) -> dict[str, list[str]]:
    """The directives of the page's CSP meta tag."""
    found = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', path.read_text(encoding="utf-8"))
    assert found, f"{path}: no Content-Security-Policy meta tag"
    return {part.split()[0]: part.split()[1:] for part in found.group(1).split(";") if part.split()}


def pinned_cdn_folder(site: Path) -> str:
    """The CDN folder the CDN build pinned, read from its own policy, checked against the npm package."""
    connect = policy_of(site / "index.html")["connect-src"]
    cdn = [source for source in connect if source.startswith("https://")]
    version = json.loads((PYODIDE_DIR / "package.json").read_text())["version"]
    assert cdn == [f"https://cdn.jsdelivr.net/pyodide/v{version}/full/"], connect
    return cdn[0]


# A change that leaves each file working: a JS statement, or a wasm custom section named "xxxx".
HARMLESS_TAMPERING = {".mjs": b"\n;globalThis.__tampered = true;\n", ".wasm": b"\x00\x05\x04xxxx"}


def serve_cdn_from_npm_package(route, tamper: str | None = None) -> None:
    """Answer for the CDN with the npm package's file, as jsDelivr would (CORS, content type, 404s)."""
    name = urlsplit(route.request.url).path.rsplit("/", 1)[-1]
    path = PYODIDE_DIR / name
    headers = {"access-control-allow-origin": "*", "cross-origin-resource-policy": "cross-origin"}
    if not name or not path.is_file():
        route.fulfill(status=404, headers=headers, body="not found")
        return
    headers["content-type"] = content_type(name)
    body = path.read_bytes() + (HARMLESS_TAMPERING[path.suffix] if name == tamper else b"")
    route.fulfill(status=200, headers=headers, body=body)


def test_cdn_build_pins_the_cdn_folder_on_every_page_and_nowhere_else(cdn_site):
    site, _ = cdn_site
    cdn = pinned_cdn_folder(site)
    for path in site.rglob("*.html"):
        parts = policy_of(path)
        for directive in ("script-src", "connect-src"):
            others = [s for s in parts[directive] if s != "'self'" and not s.startswith("'sha256-")]
            assert others == [cdn], f"{path.name}: {directive} {parts[directive]}"
        assert parts["worker-src"] == ["'self'"] and parts["default-src"] == ["'self'"]


def test_cdn_mode_desk_goes_live_from_the_cdn_with_no_violation_or_console_error(browser, cdn_site):
    site, url = cdn_site
    cdn = pinned_cdn_folder(site)
    context, watch = watched_context(browser, url, extra_allowed=[cdn])
    try:
        context.route(cdn + "**", serve_cdn_from_npm_package)
        page = context.new_page()
        cdn_requests = []
        context.on("request", lambda r: r.url.startswith(cdn) and cdn_requests.append(r.url))
        for path in site_pages(site):
            page.goto(url + path, wait_until="networkidle")
        for path in desk_paths(site):
            exercise_desk(page, url + path)
        fetched = {request[len(cdn):] for request in cdn_requests}
        # only Pyodide's core comes from the CDN; the stdlib, lockfile and engine are the site's own files
        assert fetched == {"pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm"}, fetched
        assert page.evaluate("() => window.__cspViolations") == []
        assert watch.problems() == {}
    finally:
        context.close()


# Only the entry module is covered by Subresource Integrity in CDN mode; Pyodide fetches
# pyodide.asm.mjs and the wasm itself (README, Security). Self-host mode closes that gap.
@pytest.mark.parametrize("core_file", ["pyodide.mjs"])
def test_cdn_mode_refuses_a_pyodide_file_that_differs_from_the_pinned_one(browser, cdn_site, core_file):
    """A CDN serving altered (still working) Pyodide code must not get to answer: the Desk keeps its
    prerendered answers and says the live engine could not load."""
    site, url = cdn_site
    cdn = pinned_cdn_folder(site)
    context = browser.new_context()
    try:
        context.route(cdn + "**", lambda route: serve_cdn_from_npm_package(route, tamper=core_file))
        page = context.new_page()
        page.goto(url + desk_paths(site)[0])
        tick(page.locator('#decision-desk input[type="radio"][name="status"]').first)
        page.wait_for_selector('#decision-result[data-engine="pyodide"], #decision-desk[data-engine-state="failed"]',
                               state="attached", timeout=LIVE_TIMEOUT)
        assert page.locator("#decision-result").get_attribute("data-engine") == "prerendered"
        expect(page.locator('[data-dd="engine"]')).to_contain_text("could not load")
    finally:
        context.close()
