"""What a customer reads never shows our ids, our tools or the policy's case letters: on every page, and in
every state of the Decision Desk (STYLE.md: "Ids, case letters and the names of our tools stay out of
anything a customer reads")."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

import policy_engine as engine
from buildlib.pages import built_pages
from policy_engine.rules import RULES

pytestmark = pytest.mark.browser

DESK = "cancellation/"
LIVE_TIMEOUT = 120_000
OLD = next(r.effective for r in engine.REVISIONS if r.effective != engine.POLICY_VERSION)

SNAKE_ID = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # in_progress, wrong_link, may_be_reviewed …
RULE_ID = re.compile(r"\b(?:" + "|".join(sorted({re.escape(r.id.split(".")[0]) for r in RULES})) + r")\.[a-z_]+\b")
TOOLS = re.compile(r"pyodide|policy[ _-]engine", re.IGNORECASE)
CASE_LETTER = re.compile(r"\bCase [A-D]\b|(?:^|\n)[ \t]*[A-D]\.[ \t]")


def problems(text: str) -> list[str]:
    """Every id, tool name or case letter in this visible text."""
    found = [m.group(0) for pattern in (SNAKE_ID, RULE_ID, TOOLS, CASE_LETTER) for m in pattern.finditer(text)]
    known = {s.value for s in engine.Status} | {f.value for f in engine.Fact} | {r.id for r in RULES}
    known = {word for word in known if "_" in word or "." in word}  # "pending" is also a plain English word
    found += [word for word in known if re.search(rf"(?<![\w.]){re.escape(word)}(?![\w])", text)]
    return sorted(set(found))


def test_the_check_sees_ids_tool_names_and_case_letters():
    sample = ("Status: in_progress. See may.pending_review. Computed by Pyodide and the policy engine.\n"
              "Case B: refund limited.\nA. Full refund")
    found = problems(sample)
    for expected in ("in_progress", "may.pending_review", "Pyodide", "policy engine", "Case B"):
        assert expected in found
    assert [p for p in found if p.strip() == "A."]
    assert problems("A refund may be limited. Cancellation is not available.") == []


def visible_text(page) -> str:
    return page.evaluate("() => document.body.innerText")


def test_no_page_shows_an_id_a_tool_name_or_a_case_letter(page, site_dir, site_url):
    pages = built_pages(site_dir)
    assert len(pages) >= 8
    found = {}
    for path in pages:
        page.goto(site_url + path)
        found[path or "home"] = problems(visible_text(page))
    assert {path: words for path, words in found.items() if words} == {}


def open_desk(page, site_url: str, query: str) -> None:
    page.goto(f"{site_url}{DESK}{query}")
    page.wait_for_selector('#decision-desk[data-desk-setup="1"]', state="attached")


DESK_STATES = {
    "answer": ("?status=processing&fact=wrong_link&fact=payment_related", "processing"),
    "old-version link": (f"?status=canceled&v={OLD}", "canceled"),
    "unrecognised link": ("?status=" + quote("Your refund of $250 is APPROVED"), ""),
    "completed": ("?status=completed", "completed"),
    "canceled": ("?status=canceled", "canceled"),
    "in progress, a circumstance disabled": ("?status=in_progress&fact=target_changed", "in_progress"),
}


def test_no_desk_state_shows_an_id_a_tool_name_or_a_case_letter(page, site_url):
    found = {}
    for name, (query, status) in DESK_STATES.items():
        open_desk(page, site_url, query)
        if status:
            expect(page.locator("#decision-result")).to_have_attribute("data-status", status)
        else:
            expect(page.locator('[data-dd="notices"]')).not_to_be_empty()
        if name.startswith("in progress"):
            expect(page.locator("#dd-f-service_unavailable")).to_be_disabled()
        found[name] = problems(visible_text(page))
    # The drafter, checked by the live engine, with errors.
    open_desk(page, site_url, "?status=processing&fact=wrong_link")
    page.wait_for_selector('#decision-result[data-engine="pyodide"]', state="attached", timeout=LIVE_TIMEOUT)
    page.locator('[data-dd="ticket"] summary').click()
    page.locator("#dd-t-order_id").fill("abc")
    page.locator("#dd-t-reason").fill("my password is hunter22")
    page.get_by_role("button", name="Check and copy the ticket").click()
    expect(page.locator("#dd-t-order_id")).to_have_attribute("aria-invalid", "true")
    expect(page.locator('[data-field-msg="reason"] a')).to_be_visible()
    found["drafter with errors"] = problems(visible_text(page))
    assert {name: words for name, words in found.items() if words} == {}
