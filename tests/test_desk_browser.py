"""The Decision Desk in real headless Chromium, against the built site (self-hosted Pyodide) on loopback.

Parity with CPython for every case lives in tests/test_desk_parity.py; this file covers what a visitor does.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

import policy_engine as engine
from buildlib import desk_html

pytestmark = pytest.mark.browser

DESK = "cancellation/"
RESULT = "#decision-result"
SETUP_MESSAGE = "Decision Desk: set up"
LIVE_TIMEOUT = 60_000  # ms; Pyodide boots in ~1-2 s on an idle machine, far slower on a loaded one
PYODIDE_FILES = "**/assets/pyodide/**"
WORKER_FILE = "**/assets/desk/worker.*.mjs"
SCHEMES = {"light": "default", "dark": "slate"}


class Watch:
    """Console errors, page errors, dialogs and requests of one page."""

    def __init__(self, page):
        self.errors, self.dialogs, self.requests, self.messages = [], [], [], []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("dialog", self._dialog)
        page.on("request", lambda request: self.requests.append(request.url))

    def _console(self, message):
        self.messages.append(message.text)
        if message.type == "error":
            self.errors.append(message.text)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def setups(self) -> int:
        return self.messages.count(SETUP_MESSAGE)


def open_desk(page, site_url, query: str = "", hash_: str = ""):
    page.goto(f"{site_url}{DESK}{query}{hash_}", wait_until="domcontentloaded")
    page.wait_for_selector('#decision-desk[data-desk-setup="1"]', state="attached")


def wait_live(page, key: str | None = None):
    selector = f'{RESULT}[data-engine="pyodide"]' + (f'[data-case="{key}"]' if key is not None else "")
    page.wait_for_selector(selector, timeout=LIVE_TIMEOUT)


def key_of(status: str, facts: list[str]) -> str:
    return engine.case_key(status, facts)


def result_attr(page, name: str) -> str:
    return page.locator(RESULT).get_attribute(f"data-{name}")


def block_engine(context):
    """Make the live engine unreachable: every Pyodide file and the worker fail to load."""
    context.route(PYODIDE_FILES, lambda route: route.abort())
    context.route(WORKER_FILE, lambda route: route.abort())


# --- First answer, deep links, copy link -------------------------------------------------------

def test_choosing_a_status_shows_the_answer_at_once_before_the_engine_loads(context, site_url):
    block_engine(context)
    page = context.new_page()
    open_desk(page, site_url)
    # The click and the answer happen in the same task: no waiting for Pyodide or the network.
    seen = page.evaluate("""() => {
        document.querySelector('#dd-s-processing').click();
        document.querySelector('#dd-f-duplicate_order').click();
        const r = document.querySelector('#decision-result');
        return [r.dataset.case, r.dataset.outlook, r.dataset.engine, r.textContent];
    }""")
    expected = engine.decide("processing", ["duplicate_order"])
    assert seen[:3] == [key_of("processing", ["duplicate_order"]), expected.cancellation.value, "prerendered"]
    assert expected.cancellation.label in seen[3] and expected.next_step in seen[3]


def test_a_deep_link_restores_the_form_and_the_live_answer(page, site_url):
    watch = Watch(page)
    open_desk(page, site_url, "?status=processing&fact=wrong_link&fact=duplicate_order")
    assert page.locator("#dd-s-processing").is_checked()
    assert page.locator("#dd-f-wrong_link").is_checked() and page.locator("#dd-f-duplicate_order").is_checked()
    assert not page.locator("#dd-f-payment_related").is_checked()
    key = key_of("processing", ["wrong_link", "duplicate_order"])
    assert result_attr(page, "case") == key  # the prerendered answer, before Pyodide
    wait_live(page, key)
    expected = engine.decide("processing", ["wrong_link", "duplicate_order"])
    assert result_attr(page, "outlook") == expected.cancellation.value
    assert "Live answer from the policy engine" in page.locator(RESULT).inner_text()
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"status": ["processing"], "fact": ["wrong_link", "duplicate_order"],
                     "v": [engine.POLICY_VERSION]}
    assert watch.errors == [] and watch.dialogs == []


def test_the_url_follows_the_form(page, site_url):
    open_desk(page, site_url)
    page.get_by_label("Pending", exact=True).check()
    page.get_by_label(engine.Fact.PAYMENT_RELATED.label).check()
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"status": ["pending"], "fact": ["payment_related"], "v": [engine.POLICY_VERSION]}
    page.get_by_label(engine.Fact.PAYMENT_RELATED.label).uncheck()
    assert parse_qs(urlsplit(page.url).query) == {"status": ["pending"], "v": [engine.POLICY_VERSION]}


def test_copy_link_copies_a_link_that_reopens_the_same_answer(browser, site_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        open_desk(page, site_url)
        copy = page.get_by_role("button", name="Copy link to this answer")
        assert copy.is_disabled()  # nothing chosen yet
        page.get_by_label("In progress", exact=True).check()
        page.get_by_label(engine.Fact.TARGET_CHANGED.label).check()
        copy.click()
        page.wait_for_selector('[data-dd="link-msg"]:has-text("Link copied")')
        link = page.evaluate("() => navigator.clipboard.readText()")
        parts = urlsplit(link)
        assert parts.fragment == "decision-desk"
        assert parse_qs(parts.query) == {"status": ["in_progress"], "fact": ["target_changed"],
                                         "v": [engine.POLICY_VERSION]}
        other = context.new_page()
        other.goto(link)
        other.wait_for_selector(f'{RESULT}[data-case="{key_of("in_progress", ["target_changed"])}"]')
        assert other.locator("#dd-s-in_progress").is_checked()
    finally:
        context.close()


def test_an_unknown_policy_version_in_a_link_is_explained(page, site_url):
    # Old links answered from an older snapshot: tests/test_versions_desk.py (it builds a changed policy).
    open_desk(page, site_url, "?status=pending&v=2020-01-01")
    notice = page.locator('[data-dd="notices"]')
    expected = engine.decide("pending")
    assert "This link names a policy version (2020-01-01) that we do not know" in notice.inner_text()
    lead = notice.locator('[data-version-notice="lead"]').inner_text()
    assert lead == engine.link_answer("2020-01-01", "pending")["notice"]  # the engine's sentence, filled alike
    assert f"effective {engine.POLICY_VERSION}" in notice.inner_text()
    assert expected.cancellation.label in notice.inner_text()
    assert parse_qs(urlsplit(page.url).query)["v"] == ["2020-01-01"]  # kept until the visitor changes the form
    page.get_by_label("Processing", exact=True).check()
    assert parse_qs(urlsplit(page.url).query)["v"] == [engine.POLICY_VERSION]
    assert notice.inner_text() == ""


# --- Hostile URLs ----------------------------------------------------------------------------------

PAYLOADS = [
    "<script>window.__pwned=1</script>", '"><img src=x onerror="window.__pwned=1">', "<svg onload=alert(1)>",
    "javascript:alert(1)", "JaVaScRiPt:window.__pwned=1", "data:text/html,<script>alert(1)</script>",
    "'; alert(1); //", "${alert(1)}", "{{7*7}}", "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "<iframe src=javascript:alert(1)>",
    "A" * 20_000, "x" * 5000, "\u202eprocessing", "processing\u200b", "\ufeffpending", "ｐｒｏｃｅｓｓｉｎｇ",
    "😀", "\x00", "\u0000pending", "PROCESSING", "Processing", " processing", "processing ", "in-progress",
    "in progress", "pending\n", "WRONG_LINK", "Wrong_Link", " wrong_link", "wrong_link\t", "__proto__",
    "constructor", "toString", "hasOwnProperty", "0", "-1", "", "null", "undefined", "[]", "{}",
    "../../etc/passwd", "<!--", "\\", "&#60;script&#62;",
]


def hostile_queries() -> list[str]:
    queries = []
    for payload in PAYLOADS:
        value = quote(payload, safe="")
        queries += [f"status={value}", f"status=pending&fact={value}", f"status=canceled&v={value}",
                    f"fact={value}&fact=wrong_link"]
    for key in ("Status", "STATUS", " status", "status ", "FACT", "Fact", "V", "%20fact"):
        queries += [f"{key}=processing"]
    queries += [
        "status=pending&status=completed", "status=pending&status=<script>", "fact=wrong_link&fact=wrong_link",
        "status=processing&fact=duplicate_order&fact=duplicate_order", "v=2026-11-26&v=2020-01-01&status=pending",
        "status=pending&" + "&".join(f"fact=f{i}" for i in range(60)), "fact=wrong_link",
        "status=completed&v=1999-12-31", "status=<script>alert(1)</script>&fact=<img src=x>",
        "status=%ED%A0%80", "status=%FF%FE", "status=pen%00ding", "status=%E2%80%AEgnidnep",
    ]
    return queries


def test_hostile_url_parameters_are_ignored_with_a_visible_message(context, site_url):
    queries = hostile_queries()
    assert len(queries) >= 200
    # This test is about the URL, not the engine: a browser without workers keeps Pyodide out of it (and,
    # unlike request routing, keeps the HTTP cache, so 200 page loads stay quick).
    context.add_init_script("Object.defineProperty(window, 'Worker', {value: undefined})")
    page = context.new_page()
    watch = Watch(page)
    problems = []
    for query in queries:
        try:
            open_desk(page, site_url, "?" + query)
        except Exception as error:  # noqa: BLE001  report which query, then fail below
            problems.append((query[:80], f"the Desk did not set up: {error}"[:200]))
            continue
        state = page.evaluate("""() => {
            const desk = document.getElementById('decision-desk');
            const notices = [...desk.querySelectorAll('[data-dd="notices"] > *')];
            return {
                injected: desk.querySelectorAll('script:not([type="module"]), img, iframe, svg, object, embed').length,
                pwned: window.__pwned !== undefined,
                notices: notices.length,
                textOnly: notices.every(p => p.tagName === 'P' && p.children.length === 0),
                visible: notices.length > 0 && notices[0].getBoundingClientRect().height > 0,
                status: document.querySelector('#decision-result').dataset.status,
            };
        }""")
        if state["injected"] or state["pwned"] or not state["notices"] or not state["textOnly"] or not state["visible"]:
            problems.append((query[:80], state))
        if state["status"] not in {"", *(s.value for s in engine.Status)}:
            problems.append((query[:80], state))
    assert problems == []
    assert watch.dialogs == []


# --- The live engine cannot load ---------------------------------------------------------------------

@pytest.mark.parametrize("blocked", ["pyodide-folder", "wasm-only", "worker"])
def test_when_pyodide_cannot_load_a_notice_appears_and_answers_keep_working(context, site_url, blocked):
    pattern = {"pyodide-folder": PYODIDE_FILES, "wasm-only": "**/*.wasm", "worker": WORKER_FILE}[blocked]
    context.route(pattern, lambda route: route.abort())
    page = context.new_page()
    started = time.monotonic()
    open_desk(page, site_url, "?status=pending")
    page.wait_for_selector('#decision-desk[data-engine-state="failed"], #decision-desk[data-engine-state="slow"]',
                           state="attached", timeout=desk_html.LIVE_TIMEOUT_MS + 2_000)
    assert time.monotonic() - started < desk_html.LIVE_TIMEOUT_MS / 1000 + 2
    notice = page.locator('[data-dd="engine"]')
    assert notice.is_visible()
    assert "The answers here still work" in notice.inner_text()
    page.get_by_label("Completed", exact=True).check()
    assert result_attr(page, "case") == key_of("completed", [])
    assert result_attr(page, "outlook") == engine.decide("completed").cancellation.value
    assert result_attr(page, "engine") == "prerendered"


# --- JavaScript off ------------------------------------------------------------------------------------

def visible_static_text(page) -> str:
    return " ".join(page.locator(f"{RESULT} .dd-static").inner_text().split())


def test_with_javascript_off_the_static_answers_follow_the_clicked_options(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(site_url + DESK)
        assert page.locator(".dd-none").is_visible()
        cases = [("pending", []), ("processing", ["wrong_link"]), ("processing", ["wrong_link", "payment_related"]),
                 ("in_progress", ["target_changed", "service_disallows"]), ("completed", ["service_unavailable"]),
                 ("canceled", ["service_unavailable", "duplicate_order"]), ("partial", [])]
        for status, facts in cases:
            page.locator(f"#dd-s-{status}").check()
            for fact in engine.Fact:
                box = page.locator(f"#dd-f-{fact.value}")
                box.set_checked(fact.value in facts)
            text = visible_static_text(page)
            assert not page.locator(".dd-none").is_visible()
            try:
                d = engine.decide(status, facts)
            except engine.ContradictoryInputError as error:
                assert str(error) in text
                assert "Cancellation" not in text.split(str(error))[0]
                continue
            assert f"{d.cancellation.label}. {d.cancellation.summary}" in text
            assert f"Case {d.refund.case}: {d.refund.label}." in text
            assert d.next_step in text
            shown = page.locator(f"{RESULT} .dd-static li[data-rule]:visible")
            assert [shown.nth(i).get_attribute("data-rule") for i in range(shown.count())] == [r.id for r in d.reasons]
        assert not any("/assets/pyodide/" in url or "/assets/desk/worker" in url for url in requests)
    finally:
        context.close()


# --- Instant navigation --------------------------------------------------------------------------------

def test_instant_navigation_away_and_back_sets_the_desk_up_once_per_visit(page, site_url):
    watch = Watch(page)
    page.goto(site_url)  # arrive on a page without the Desk: its module first loads through instant navigation
    page.wait_for_load_state("load")
    for visit in (1, 2, 3):
        if visit > 1:
            page.get_by_label("Processing", exact=True).check()
            page.locator(".md-nav__link", has_text="Order Process").first.click()
            page.wait_for_url("**/order-process/**")
            assert page.locator("#decision-desk").count() == 0
        page.locator(".md-nav__link", has_text="Cancellation Policy").first.click()
        page.wait_for_url(f"**/{DESK}**")
        page.wait_for_selector('#decision-desk[data-desk-setup="1"]', state="attached")
        page.get_by_label("Partial", exact=True).check()
        assert page.locator(f"{RESULT} .dd-answer").count() == 1
        assert result_attr(page, "case") == key_of("partial", [])
        assert page.locator(".dd-static").count() == 0
        assert watch.setups() == visit
    assert watch.errors == []


def test_pages_without_the_desk_download_no_pyodide_or_desk_files(page, site_url):
    watch = Watch(page)
    page.goto(site_url)
    page.wait_for_load_state("load")
    page.locator(".md-nav__link", has_text="Order Process").first.click()
    page.wait_for_url("**/order-process/**")
    page.wait_for_load_state("networkidle")
    assert not [url for url in watch.requests if "/assets/pyodide/" in url or "/assets/desk/" in url]


# --- The ticket drafter --------------------------------------------------------------------------------

def ready_drafter(page, site_url, query="?status=processing&fact=wrong_link"):
    open_desk(page, site_url, query)
    wait_live(page)
    page.wait_for_selector('#decision-desk[data-engine-state="ready"]', state="attached")


def fill_ticket(page, **values):
    for name, value in values.items():
        page.locator(f"#dd-t-{name}").fill(value)
        page.locator(f"#dd-t-{name}").blur()


def test_the_drafter_builds_a_ticket_and_copies_it(browser, site_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        watch = Watch(page)
        ready_drafter(page, site_url)
        fill_ticket(page, order_id="123456", telegram_link="https://t.me/mychannel", service="Telegram members",
                    reason="I submitted the wrong channel link.")
        page.wait_for_selector('[data-dd="ticket-msg"]:has-text("The ticket is ready")')
        draft = page.locator('[data-dd="draft"]').inner_text()
        expected = engine.draft_ticket(order_id="123456", telegram_link="https://t.me/mychannel",
                                       service="Telegram members", reason="I submitted the wrong channel link.",
                                       status="processing", facts=["wrong_link"]).text
        assert draft.strip() == expected.strip()
        page.get_by_role("button", name="Copy ticket text").click()
        page.wait_for_selector('[data-dd="ticket-copied"]:has-text("copied")')
        assert page.evaluate("() => navigator.clipboard.readText()") == expected
        assert watch.errors == []
        site = urlsplit(site_url).netloc
        assert all(urlsplit(url).netloc == site for url in watch.requests if url.startswith("http"))
    finally:
        context.close()


def test_the_drafter_warns_about_a_private_invite_link(page, site_url):
    ready_drafter(page, site_url)
    fill_ticket(page, telegram_link="https://t.me/+AbCdEfGhIjK")
    message = page.locator('[data-field-msg="telegram_link"]')
    message.filter(has_text="private invite link").wait_for()
    assert engine.check_link("https://t.me/+AbCdEfGhIjK").problems[0] in message.inner_text()


def test_the_drafter_explains_an_invalid_link_and_refuses_a_password(page, site_url):
    ready_drafter(page, site_url)
    fill_ticket(page, order_id="123456", telegram_link="not a link", service="Views",
                reason="my password is hunter2, please cancel")
    link_message = page.locator('[data-field-msg="telegram_link"]')
    link_message.filter(has_text="not a Telegram link").wait_for()
    assert page.locator("#dd-t-telegram_link").get_attribute("aria-invalid") == "true"
    reason_message = page.locator('[data-field-msg="reason"]')
    reason_message.filter(has_text="password").wait_for()
    assert page.locator('[data-dd="draft"]').inner_text() == ""
    assert page.get_by_role("button", name="Copy ticket text").is_disabled()


def test_hostile_ticket_text_comes_out_as_plain_text(page, site_url):
    watch = Watch(page)
    ready_drafter(page, site_url)
    hostile = '<img src=x onerror="window.__pwned=1"> <script>alert(1)</script> please cancel'
    fill_ticket(page, order_id="42", telegram_link="@mychannel", service="Members", reason=hostile)
    page.wait_for_selector('[data-dd="ticket-msg"]:has-text("The ticket is ready")')
    draft = page.locator('[data-dd="draft"]')
    assert hostile in draft.inner_text()
    assert draft.locator("*").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    assert watch.dialogs == []


def test_payment_fields_show_only_for_payment_cases(page, site_url):
    ready_drafter(page, site_url)
    amount = page.get_by_label("Amount", exact=True)
    assert not amount.is_visible()
    page.get_by_label(engine.Fact.PAYMENT_RELATED.label).check()
    amount.wait_for()
    assert page.get_by_label("Transaction reference").is_visible()
    page.get_by_label(engine.Fact.PAYMENT_RELATED.label).uncheck()
    amount.wait_for(state="hidden")


def test_before_the_engine_loads_the_drafter_says_when_checks_start(context, site_url):
    context.route(WORKER_FILE, lambda route: route.abort())
    page = context.new_page()
    open_desk(page, site_url)
    message = page.locator('[data-dd="ticket-msg"]')
    assert "checked once the policy engine has loaded" in message.inner_text() or \
        "could not load" in message.inner_text()


def test_the_drafter_sends_nothing_typed_over_the_network(page, site_url):
    watch = Watch(page)
    ready_drafter(page, site_url)
    before = len(watch.requests)
    fill_ticket(page, order_id="987654", telegram_link="https://t.me/secretchannelname",
                service="Reactions", reason="Uniquewordxyz typed here")
    page.wait_for_selector('[data-dd="ticket-msg"]:has-text("The ticket is ready")')
    page.locator("#dd-t-order_id").press("Enter")  # Enter in a field must not submit anything anywhere
    page.wait_for_selector('[data-dd="ticket-msg"]:has-text("The ticket is ready")')
    after = watch.requests[before:]
    assert not [url for url in after if "987654" in url or "secretchannelname" in url or "Uniquewordxyz" in url]
    assert "987654" not in page.url


# --- Keyboard, phone width, colour schemes, axe -----------------------------------------------------

def test_the_desk_works_with_the_keyboard_alone(page, site_url):
    open_desk(page, site_url)
    page.locator("#dd-s-pending").focus()
    page.keyboard.press("Space")
    assert result_attr(page, "case") == key_of("pending", [])
    page.keyboard.press("ArrowDown")
    assert result_attr(page, "case") == key_of("processing", [])
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.id")
    assert focused == "dd-f-wrong_link"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Space")
    assert result_attr(page, "case") == key_of("processing", ["wrong_link"])


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_desk_fits_a_360px_phone(browser, site_url, scheme):
    context = browser.new_context(viewport={"width": 360, "height": 740}, color_scheme=scheme)
    try:
        page = context.new_page()
        open_desk(page, site_url, "?status=processing&fact=wrong_link&fact=payment_related")
        desk_box = page.locator("#decision-desk").bounding_box()
        assert desk_box["x"] >= 0 and desk_box["x"] + desk_box["width"] <= 360
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    finally:
        context.close()


def axe_violations(page) -> list[str]:
    results = Axe().run(page, context="#decision-desk")
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in results.response["violations"]]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_desk_has_no_axe_violations_in_any_state(browser, site_url, scheme):
    context = browser.new_context(color_scheme=scheme)
    found = {}
    try:
        page = context.new_page()
        open_desk(page, site_url)
        page.wait_for_function("s => document.body.getAttribute('data-md-color-scheme') === s", arg=SCHEMES[scheme])
        found["empty"] = axe_violations(page)
        open_desk(page, site_url, "?status=processing&fact=wrong_link&fact=payment_related")
        wait_live(page)
        found["live answer"] = axe_violations(page)
        fill_ticket(page, order_id="x", telegram_link="https://t.me/+AbCdEfGhIjK", amount="-1")
        page.locator('[data-field-msg="order_id"]').filter(has_text="order ID").wait_for()
        found["drafter with problems"] = axe_violations(page)
        page.get_by_label("Completed", exact=True).check()
        page.get_by_label(engine.Fact.SERVICE_UNAVAILABLE.label).check()
        page.wait_for_selector(f'{RESULT}[data-error="ContradictoryInputError"]')
        found["contradiction"] = axe_violations(page)
        open_desk(page, site_url, "?status=<b>x</b>&fact=nope&v=old")
        found["url notices"] = axe_violations(page)
        blocked = browser.new_context(color_scheme=scheme)
        try:
            block_engine(blocked)
            other = blocked.new_page()
            open_desk(other, site_url, "?status=pending")
            other.wait_for_selector('#decision-desk[data-engine-state="failed"]', state="attached")
            found["engine failed"] = axe_violations(other)
        finally:
            blocked.close()
    finally:
        context.close()
    assert {state: v for state, v in found.items() if v} == {}
