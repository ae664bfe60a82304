"""The Decision Desk in real headless Chromium, against the built site (self-hosted Pyodide) on loopback:
what a visitor does and sees. Parity for every case is tests/test_desk_parity.py; old links are
tests/test_versions_desk.py; the words a customer reads are tests/test_customer_words.py.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

import policy_engine as engine
from policy_engine.snapshots import NOTICES

pytestmark = pytest.mark.browser

DESK = "cancellation/"
RESULT = "#decision-result"
LIVE_TIMEOUT = 120_000  # ms; Pyodide boots in seconds on an idle machine, far slower on a loaded one
SETUP_MESSAGE = "Decision Desk: set up"
WORKER_FILE = "**/assets/desk/worker.*.mjs"
SCHEMES = {"light": "default", "dark": "slate"}
PHONE = {"viewport": {"width": 360, "height": 800}, "is_mobile": True, "has_touch": True}
VERSION = engine.POLICY_VERSION
UNRECOGNISED = NOTICES["unrecognised"]


class Watch:
    """Console messages and errors, page errors, dialogs and requests of one page."""

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


def open_desk(page, site_url, query: str = "", hash_: str = "") -> None:
    page.goto(f"{site_url}{DESK}{query}{hash_}")
    page.wait_for_selector('#decision-desk[data-desk-setup="1"]', state="attached")


def choose(page, value: str) -> None:
    """Click a status's or circumstance's box, as a visitor does (the label covers the box)."""
    kind = "s" if value in {s.value for s in engine.Status} else "f"
    page.locator(f"label[for=dd-{kind}-{value}]").click()


def shown(page, status: str, facts: tuple[str, ...] = ()) -> None:
    """Wait until the Desk shows the answer for this choice."""
    expect(page.locator(RESULT)).to_have_attribute("data-status", status)
    expect(page.locator(RESULT)).to_have_attribute("data-facts", " ".join(facts))


def wait_live(page) -> None:
    page.wait_for_selector('#decision-desk[data-engine-state="ready"]', state="attached", timeout=LIVE_TIMEOUT)
    page.wait_for_selector(f'{RESULT}[data-engine="pyodide"]', state="attached", timeout=LIVE_TIMEOUT)


def query_of(page) -> dict:
    return parse_qs(urlsplit(page.url).query)


def phone(browser, **options):
    return browser.new_context(**PHONE, **options)


# --- The verdict is where the visitor looks ----------------------------------------------------------------

# Resolves once #decision-verdict has been inside the viewport, below the fixed header, with the page not
# scrolling, for 10 frames in a row; rejects with where it was after `limitMs`.
VERDICT_SETTLES_IN_VIEW = """(limitMs) => new Promise((resolve, reject) => {
  const started = performance.now();
  let still = 0, lastY = null;
  const where = () => {
    const box = document.getElementById('decision-verdict').getBoundingClientRect();
    const header = document.querySelector('.md-header').getBoundingClientRect().bottom;
    return {top: box.top, bottom: box.bottom, height: box.height, header, viewport: innerHeight, y: scrollY};
  };
  const frame = () => {
    const w = where();
    const inside = w.height > 0 && w.top >= w.header - 0.5 && w.top >= 0 && w.bottom <= w.viewport + 0.5;
    still = inside && w.y === lastY ? still + 1 : 0;
    lastY = w.y;
    if (still >= 10) return resolve(w);
    if (performance.now() - started > limitMs) return reject(new Error('verdict not in view: ' + JSON.stringify(w)));
    requestAnimationFrame(frame);
  };
  frame();
})"""


def verdict_in_view(page) -> dict:
    return page.evaluate(VERDICT_SETTLES_IN_VIEW, 5000)


@pytest.mark.parametrize("hash_", ["", "#decision-desk"])
def test_an_answer_link_opens_with_the_verdict_in_view_on_a_phone(browser, site_url, hash_):
    context = phone(browser)
    try:
        page = context.new_page()
        open_desk(page, site_url, f"?status=processing&fact=wrong_link&v={VERSION}", hash_)
        shown(page, "processing", ("wrong_link",))
        box = verdict_in_view(page)
        assert box["top"] >= 0 and box["bottom"] <= 800
    finally:
        context.close()


def test_tapping_a_status_then_a_circumstance_brings_the_verdict_into_view_on_a_phone(browser, site_url):
    context = phone(browser)
    try:
        page = context.new_page()
        open_desk(page, site_url)
        page.locator(".dd-st legend").scroll_into_view_if_needed()
        page.locator("label[for=dd-s-processing]").tap()
        shown(page, "processing")
        verdict_in_view(page)
        page.locator("label[for=dd-f-duplicate_order]").tap()
        shown(page, "processing", ("duplicate_order",))
        verdict_in_view(page)
    finally:
        context.close()


# --- What is announced ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "facts"), [
    ("pending", ()), ("processing", ("wrong_link", "payment_related")), ("in_progress", ("target_changed",)),
    ("completed", ()), ("canceled", ()),
])
def test_the_live_region_announces_the_headline_alone(page, site_url, status, facts):
    query = "?" + "&".join([f"status={status}", *(f"fact={f}" for f in facts)])
    open_desk(page, site_url, query)
    shown(page, status, facts)
    headline = engine.decide(status, facts).headline
    live = page.locator('[data-dd="live"]')
    expect(live).to_have_text(headline)
    assert live.text_content() == headline and len(headline) <= 160


def test_the_live_region_follows_a_changed_choice(page, site_url):
    open_desk(page, site_url, "?status=pending")
    shown(page, "pending")
    choose(page, "completed")
    expect(page.locator('[data-dd="live"]')).to_have_text(engine.decide("completed").headline)


# --- The page stays short on a phone ---------------------------------------------------------------------

@pytest.mark.parametrize("query", [""])  # as it loads; with an answer shown it is about 7,000 px (README)
def test_the_cancellation_page_is_at_most_6000_px_tall_on_a_phone(browser, site_url, query):
    context = phone(browser)
    try:
        page = context.new_page()
        open_desk(page, site_url, query)
        if query:
            shown(page, "processing", ("wrong_link",))
        height = page.evaluate("() => document.documentElement.scrollHeight")
        assert height <= 6000
    finally:
        context.close()


# --- Text from the URL never reaches the page ----------------------------------------------------------------

HOSTILE = [
    ("status=" + quote("Your refund of $250 is APPROVED"), ["APPROVED", "$250", "Your refund of"]),
    ("status=" + quote("<script>window.__pwned=1</script>"), ["<script", "__pwned"]),
    ("status=pending&v=" + quote("<script>alert(1)</script>"), ["<script", "alert("]),
    ("status=processing&fact=" + quote('"><img src=x onerror="window.__pwned=1">'), ["onerror", "<img"]),
    ("status=canceled&fact=" + quote("Refund approved in full"), ["Refund approved in full"]),
    ("status=pending&v=constructor", ["constructor"]),
    ("status=pending&v=__proto__", ["__proto__"]),
    ("status=completed&status=" + quote("APPROVED <b>now</b>"), ["APPROVED", "<b>"]),
    ("Status=" + quote("REFUND GRANTED"), ["REFUND GRANTED"]),
]


@pytest.mark.parametrize(("query", "words"), HOSTILE, ids=[q[:40] for q, _ in HOSTILE])
def test_text_from_the_url_never_appears_and_one_fixed_sentence_says_it_was_ignored(page, site_url, query, words):
    watch = Watch(page)
    open_desk(page, site_url, "?" + query)
    notices = page.locator('[data-dd="notices"]')
    expect(notices).to_have_text(UNRECOGNISED)
    text = page.evaluate("() => document.body.innerText")
    assert [word for word in words if word in text] == []
    assert text.count(UNRECOGNISED) == 1
    state = page.evaluate("""() => ({
        deskInjected: document.getElementById('decision-desk')
            .querySelectorAll('img, iframe, svg, object, embed, script:not([type="module"]), b').length,
        notices: [...document.querySelectorAll('[data-dd="notices"] *')].map((el) => el.tagName),
        pwned: window.__pwned !== undefined,
    })""")
    assert state["deskInjected"] == 0 and state["notices"] == ["P"] and not state["pwned"]
    assert [word for word in words if word in urlsplit(page.url).query] == []  # dropped from the address too
    assert watch.errors == [] and watch.dialogs == []


def test_a_link_with_no_status_recognised_lands_on_the_sentence_that_says_so_on_a_phone(browser, site_url):
    """No answer to land on: the visitor lands where the Desk says why, not at the top of the page."""
    context = phone(browser)
    try:
        page = context.new_page()
        open_desk(page, site_url, "?" + HOSTILE[0][0])
        notices = page.locator('[data-dd="notices"]')
        expect(notices).to_have_text(UNRECOGNISED)
        expect(notices).to_be_in_viewport(ratio=1)
        assert page.evaluate("() => scrollY") > 0
    finally:
        context.close()


# --- Start again, print this answer, copy the link -------------------------------------------------------------

def test_start_again_clears_the_choice_and_the_url(page, site_url):
    open_desk(page, site_url, f"?status=processing&fact=wrong_link&v={VERSION}")
    shown(page, "processing", ("wrong_link",))
    page.get_by_role("button", name="Start again").click()
    expect(page.locator(RESULT)).to_have_attribute("data-status", "")
    assert page.locator("#decision-desk input:checked").count() == 0
    assert query_of(page) == {}
    expect(page.locator('[data-dd="live"]')).to_have_text("")
    expect(page.get_by_role("button", name="Start again")).to_be_hidden()
    assert page.evaluate("() => document.activeElement.name") == "status"


def test_print_this_answer_prints_the_verdict_and_its_link_without_the_form(page, site_url):
    open_desk(page, site_url, f"?status=completed&v={VERSION}")
    shown(page, "completed")
    page.evaluate("() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; }")
    page.get_by_role("button", name="Print this answer").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bdd-print-answer\b"))
    assert page.evaluate("() => window.__printed") == 1
    page.emulate_media(media="print")
    try:
        expect(page.locator("form.dd-form")).to_be_hidden()
        expect(page.locator("#decision-verdict")).to_be_visible()
        link = page.locator('[data-dd="print-link"]')
        expect(link).to_be_visible()
        assert parse_qs(urlsplit(link.inner_text()).query) == {"status": ["completed"], "v": [VERSION]}
        expect(page.locator("#order-status")).to_be_hidden()  # the rest of the page stays off the paper
    finally:
        page.emulate_media(media="screen")


def test_copy_link_copies_a_link_that_reopens_the_same_answer(browser, site_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        open_desk(page, site_url)
        choose(page, "in_progress")
        choose(page, "target_changed")
        shown(page, "in_progress", ("target_changed",))
        assert query_of(page) == {"status": ["in_progress"], "fact": ["target_changed"], "v": [VERSION]}
        page.get_by_role("button", name="Copy link to this answer").click()
        expect(page.locator('[data-dd="link-msg"]')).to_contain_text("Link copied")
        link = page.evaluate("() => navigator.clipboard.readText()")
        assert urlsplit(link).fragment == "decision-desk"
        assert parse_qs(urlsplit(link).query) == {"status": ["in_progress"], "fact": ["target_changed"],
                                                  "v": [VERSION]}
        other = context.new_page()
        other.goto(link)
        shown(other, "in_progress", ("target_changed",))
        assert other.locator("#dd-s-in_progress").is_checked() and other.locator("#dd-f-target_changed").is_checked()
    finally:
        context.close()


def test_the_desk_works_with_the_keyboard_alone(page, site_url):
    open_desk(page, site_url)
    page.locator("#dd-s-pending").focus()
    page.keyboard.press("Space")
    shown(page, "pending")
    page.keyboard.press("ArrowRight")
    shown(page, "processing")
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") != "none"


# --- The ticket drafter ------------------------------------------------------------------------------------

def open_drafter(page) -> None:
    page.locator('[data-dd="ticket"] summary').click()
    expect(page.locator('[data-dd="ticket-form"]')).to_be_visible()


def leave(page, name: str, value: str) -> None:
    field = page.locator(f"#dd-t-{name}")
    field.fill(value)
    field.blur()


def test_picking_a_status_does_not_check_the_drafter(page, site_url):
    open_desk(page, site_url)
    choose(page, "pending")
    wait_live(page)
    choose(page, "processing")
    shown(page, "processing")
    open_drafter(page)
    page.locator("#dd-t-order_id").focus()  # the engine is ready: a check now would mark empty fields
    choose(page, "wrong_link")
    shown(page, "processing", ("wrong_link",))
    assert page.locator('[data-dd="ticket"] [aria-invalid]').count() == 0
    assert page.locator('[data-dd="ticket"] .dd-field-msg:visible').count() == 0


def test_a_field_left_bad_or_emptied_is_marked_with_a_visible_message(page, site_url):
    open_desk(page, site_url, "?status=processing")
    wait_live(page)
    open_drafter(page)
    leave(page, "order_id", "abc")
    expect(page.locator("#dd-t-order_id")).to_have_attribute("aria-invalid", "true")
    message = page.locator('[data-field-msg="order_id"]')
    expect(message).to_be_visible()
    expect(message).to_contain_text("digits only")
    leave(page, "service", "Views")
    leave(page, "service", "")  # typed, then emptied and left
    expect(page.locator("#dd-t-service")).to_have_attribute("aria-invalid", "true")
    expect(page.locator('[data-field-msg="service"]')).to_be_visible()
    assert page.locator("#dd-t-reason").get_attribute("aria-invalid") is None  # never touched: not marked


def test_check_and_copy_marks_every_bad_field(page, site_url):
    open_desk(page, site_url, "?status=processing&fact=wrong_link&fact=payment_related")
    wait_live(page)
    open_drafter(page)
    expect(page.get_by_label("Correct Telegram link")).to_be_visible()
    page.get_by_role("button", name="Check and copy the ticket").click()
    expect(page.locator('[data-dd="ticket-msg"]')).to_contain_text("need attention")
    with pytest.raises(engine.TicketFieldError) as raised:
        engine.draft_ticket(order_id="", telegram_link="", service="", reason="", status="processing",
                            facts=["wrong_link", "payment_related"], correct_link="", transaction_reference="",
                            amount="")
    problems = raised.value.problems
    assert len(problems) >= 5
    for name in problems:
        expect(page.locator(f"#dd-t-{name}")).to_have_attribute("aria-invalid", "true")
        expect(page.locator(f'[data-field-msg="{name}"]')).to_be_visible()
    assert page.evaluate("() => document.activeElement.getAttribute('aria-invalid')") == "true"
    assert page.locator('[data-dd="draft"]').inner_text() == ""


def test_the_correct_link_field_shows_only_with_a_wrong_link(page, site_url):
    open_desk(page, site_url, "?status=pending")
    shown(page, "pending")
    open_drafter(page)
    correct = page.get_by_label("Correct Telegram link")
    expect(correct).to_be_hidden()
    choose(page, "wrong_link")
    expect(correct).to_be_visible()
    choose(page, "wrong_link")
    expect(correct).to_be_hidden()


def test_a_password_in_the_reason_links_to_no_password_required(page, site_url):
    open_desk(page, site_url, "?status=processing")
    wait_live(page)
    open_drafter(page)
    leave(page, "reason", "my password is hunter22, please cancel")
    link = page.locator('[data-field-msg="reason"] a')
    expect(link).to_be_visible()
    assert link.get_attribute("href").endswith("no-password-required/")
    expect(page.locator("#dd-t-reason")).to_have_attribute("aria-invalid", "true")


def test_a_good_ticket_names_the_status_the_circumstances_and_the_answer_link(browser, site_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        watch = Watch(page)
        open_desk(page, site_url, "?status=processing&fact=wrong_link")
        wait_live(page)
        open_drafter(page)
        values = {"order_id": "123456", "telegram_link": "https://t.me/mychannel",
                  "correct_link": "https://t.me/myrealchannel", "service": "Telegram members",
                  "reason": "I submitted the wrong channel link."}
        for name, value in values.items():
            leave(page, name, value)
        page.get_by_role("button", name="Check and copy the ticket").click()
        expect(page.locator('[data-dd="ticket-copied"]')).to_contain_text("copied")
        draft = page.locator('[data-dd="draft"]').inner_text()
        assert engine.Status.PROCESSING.label in draft and engine.Fact.WRONG_LINK.label in draft
        links = re.findall(r"https?://\S+", draft)
        answer = [link for link in links if urlsplit(link).path.endswith(f"/{DESK}")]
        assert len(answer) == 1
        assert parse_qs(urlsplit(answer[0]).query) == {"status": ["processing"], "fact": ["wrong_link"],
                                                       "v": [VERSION]}
        expected = engine.draft_ticket(status="processing", facts=["wrong_link"], answer_link=answer[0], **values)
        assert draft.strip() == expected.text.strip()
        assert page.evaluate("() => navigator.clipboard.readText()") == expected.text
        assert page.locator('[data-dd="ticket"] [aria-invalid]').count() == 0
        assert watch.errors == []
        site = urlsplit(site_url).netloc
        assert all(urlsplit(url).netloc == site for url in watch.requests if url.startswith("http"))
        assert not [url for url in watch.requests if "123456" in url or "myrealchannel" in url]
    finally:
        context.close()


def test_hostile_ticket_text_comes_out_as_plain_text(page, site_url):
    watch = Watch(page)
    open_desk(page, site_url, "?status=processing")
    wait_live(page)
    open_drafter(page)
    hostile = '<img src=x onerror="window.__pwned=1"> <script>alert(1)</script> please cancel'
    for name, value in {"order_id": "42", "telegram_link": "@mychannel", "service": "Members",
                        "reason": hostile}.items():
        leave(page, name, value)
    expect(page.locator('[data-dd="draft"]')).to_contain_text(hostile)
    assert page.locator('[data-dd="draft"] *').count() == 0
    assert page.evaluate("() => window.__pwned") is None and watch.dialogs == []


# --- JavaScript off ---------------------------------------------------------------------------------------

def test_with_javascript_off_every_statuss_likely_answer_is_readable_and_the_desk_says_where(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(site_url + DESK)
        for status in engine.Status:
            likely = page.locator(f".md-content .policy-likely[data-status={status.value}]")
            expect(likely).to_be_visible()
            answer = engine.decide(status)
            expect(likely).to_have_text(f"Likely answer: {answer.cancellation.word}. {answer.headline}")
        note = page.locator("#decision-desk .dd-noscript")
        expect(note).to_be_visible()
        note.get_by_role("link").click()
        expect(page).to_have_url(re.compile(r"#order-status$"))
        assert not [url for url in requests if "/assets/pyodide/" in url or "/assets/desk/worker" in url]
    finally:
        context.close()


# --- Instant navigation ------------------------------------------------------------------------------------

def serve_sitemap_as_if_at_site_url(route, site_url: str) -> None:
    """Material's instant navigation follows only links its sitemap.xml lists (with their port); the sitemap
    names mkdocs.yml's site_url, so answer with this server's address, as the real host would."""
    response = route.fetch()
    route.fulfill(response=response, body=re.sub(r"<loc>https?://[^/<]+/", f"<loc>{site_url}", response.text()))


def test_instant_navigation_away_and_back_sets_the_desk_up_once_and_it_still_answers(page, site_url):
    watch = Watch(page)
    page.route("**/sitemap.xml", lambda route: serve_sitemap_as_if_at_site_url(route, site_url))
    page.goto(site_url)  # a page without the Desk: its module first loads through instant navigation
    page.wait_for_load_state("load")
    page.evaluate("() => { window.__sameDocument = true }")
    for visit in (1, 2, 3):
        if visit > 1:
            page.locator(".md-nav__link", has_text="Order Process").first.evaluate("a => a.click()")
            page.wait_for_url("**/order-process/**")
            expect(page.locator("#decision-desk")).to_have_count(0)
        page.locator(".md-nav__link", has_text="Cancellation Policy").first.evaluate("a => a.click()")
        page.wait_for_url(f"**/{DESK}**")
        page.wait_for_selector('#decision-desk[data-desk-setup="1"]', state="attached")
        status = ["partial", "completed", "pending"][visit - 1]
        choose(page, status)
        shown(page, status)
        expect(page.locator(f"{RESULT} [data-slot=headline]")).to_have_text(engine.decide(status).headline)
        assert watch.setups() == visit
    assert page.evaluate("() => window.__sameDocument") is True, "navigation was not instant"
    assert watch.errors == []


def test_a_status_chosen_before_the_desk_is_set_up_starts_the_live_engine(context, site_url):
    """A slow page: the visitor picks a status while the Desk's script is still on its way. The Desk shows
    that choice's answer when it sets up, and the choice counts as intent: the engine goes live unasked."""
    held = []
    context.route("**/assets/desk/glue.*.mjs", lambda route: held.append(route))
    page = context.new_page()
    page.goto(f"{site_url}{DESK}", wait_until="commit")  # DOMContentLoaded waits for the held module script
    expect(page.locator("label[for=dd-s-processing]")).to_be_visible()
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the Desk's script was not requested"
    choose(page, "processing")  # no script of the Desk has run: the form alone
    assert page.get_attribute("#decision-desk", "data-desk-setup") is None
    held[0].continue_()
    page.wait_for_selector('#decision-desk[data-desk-setup="1"]', state="attached")
    shown(page, "processing")
    wait_live(page)


# --- The live engine cannot load ---------------------------------------------------------------------------

@pytest.mark.parametrize("blocked", ["**/assets/desk/worker.*.mjs", "**/*.wasm"])
def test_when_the_live_engine_cannot_load_the_notice_is_in_customer_words_and_answers_work(context, site_url,
                                                                                         blocked):
    context.route(blocked, lambda route: route.abort())
    page = context.new_page()
    open_desk(page, site_url, "?status=pending")
    page.wait_for_selector('#decision-desk[data-engine-state="failed"], #decision-desk[data-engine-state="slow"]',
                           state="attached", timeout=LIVE_TIMEOUT)
    notice = page.locator('[data-dd="engine"]')
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("The answers here still work")
    text = page.evaluate("() => document.body.innerText")
    assert [word for word in ("Pyodide", "integrity", "policy engine", "engine") if word.lower() in text.lower()] == []
    choose(page, "completed")
    shown(page, "completed")
    expect(page.locator(RESULT)).to_have_attribute("data-engine", "prerendered")
    expect(page.locator(f"{RESULT} [data-slot=headline]")).to_have_text(engine.decide("completed").headline)


# --- Accessibility -----------------------------------------------------------------------------------------

def axe_violations(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in results.response["violations"]]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_cancellation_page_has_no_axe_violations_with_an_answer_or_drafter_errors(browser, site_url, scheme):
    context = browser.new_context(color_scheme=scheme)
    found = {}
    try:
        page = context.new_page()
        open_desk(page, site_url, "?status=processing&fact=wrong_link&fact=payment_related")
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", SCHEMES[scheme])
        wait_live(page)
        found["answer"] = axe_violations(page)
        open_drafter(page)
        leave(page, "order_id", "abc")
        leave(page, "reason", "my password is hunter22")
        page.get_by_role("button", name="Check and copy the ticket").click()
        expect(page.locator('[data-field-msg="reason"] a')).to_be_visible()
        found["drafter with errors"] = axe_violations(page)
    finally:
        context.close()
    assert {state: v for state, v in found.items() if v} == {}

