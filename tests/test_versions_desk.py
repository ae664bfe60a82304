"""Old links in the Decision Desk: a link made under an older policy version explains itself.

The engine words the notice (snapshots.link_answer); the build ships it per choice for every older version
(buildlib/desk_data.py); the Desk shows it while the form still shows that link's choice. The browser tests
open the session's site with a link made under the previous revision.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import expect

import policy_engine as engine
from buildlib import engine_bundle
from policy_engine import bridge, snapshots

ROOT = Path(__file__).resolve().parent.parent
OLD = engine.POLICY_VERSION
DESK = "cancellation/"
RESULT = "#decision-result"
NOTICES = '[data-dd="notices"]'


# --- The bridge and the build (no browser) ---------------------------------------------------------

def call(method: str, params: dict) -> dict:
    return json.loads(bridge.call(method, json.dumps(params)))


def test_the_bridge_answers_a_link_as_the_engine_does():
    for version in (OLD, None, "2020-01-01", "<script>"):
        reply = call("link_answer", {"v": version, "status": "processing", "facts": ["wrong_link"]})
        assert reply == {"ok": True, "value": snapshots.link_answer(version, "processing", ["wrong_link"])}
    assert call("link_answer", {"v": "2020-01-01", "status": "pending"})["value"]["version"] == "unknown"
    assert call("link_answer", {"v": "<script>", "status": "pending"})["value"]["version"] == "malformed"


@pytest.mark.parametrize(("params", "kind", "says"), [
    ({"v": 7, "status": "pending"}, "BadParamsError", "'v' must be a policy version"),
    ({"status": "pending"}, "BadParamsError", "link_answer takes: v, status, facts (optional)"),
    ({"v": OLD, "status": "shipped"}, "UnknownStatusError", "Valid statuses"),
    ({"v": OLD, "status": "pending", "facts": ["nope"]}, "UnknownFactError", "wrong_link"),
    ({"v": OLD, "status": "pending", "facts": {"a": 1}}, "BadParamsError", "'facts' must be a list"),
])
def test_bad_link_answer_input_gets_the_usual_clear_error(params, kind, says):
    reply = call("link_answer", params)
    assert reply["ok"] is False
    assert reply["error"]["kind"] == kind and says in reply["error"]["message"]


def test_the_engine_archive_carries_the_snapshots_for_importlib_resources():
    archive = zipfile.ZipFile(io.BytesIO(engine_bundle.engine_archive()))
    names = archive.namelist()
    for path in (ROOT / "policy_engine" / "snapshots").glob("*.json"):
        assert archive.read(f"policy_engine/snapshots/{path.name}") == path.read_bytes()
    assert names == sorted(names) and engine_bundle.engine_archive() == engine_bundle.engine_archive()


def test_the_builds_pyodide_check_exercises_every_kind_of_link_version(tmp_path, monkeypatch):
    folder = tmp_path / "snapshots"
    folder.mkdir()
    source = ROOT / "policy_engine" / "snapshots" / f"{OLD}.json"
    shutil.copy(source, folder / f"{OLD}.json")
    older = (date.fromisoformat(OLD) - timedelta(days=30)).isoformat()
    (folder / f"{older}.json").write_text(source.read_text(encoding="utf-8").replace(OLD, older), encoding="utf-8")
    monkeypatch.setattr(engine_bundle, "ENGINE_DIR", tmp_path)
    versions = [params.get("v") for method, params in engine_bundle.exercise_calls() if method == "link_answer"]
    kinds = {snapshots.link_answer(v, "pending")["version"] for v in versions if v is None or isinstance(v, str)}
    assert {"current", "missing", "unknown", "malformed"} <= kinds
    assert older in versions and 7 in versions


# --- An old link in the browser -------------------------------------------------------------------------

OLDER = [r.effective for r in engine.REVISIONS if r.effective != engine.POLICY_VERSION]


def open_desk(page, url: str, query: str) -> None:
    page.goto(f"{url}{DESK}{query}")
    page.wait_for_selector('#decision-desk[data-desk-setup="1"]', state="attached")


def test_there_is_an_older_version_with_saved_answers_to_link_to():
    assert OLDER and OLDER[0] in snapshots.available_versions()


@pytest.mark.browser
@pytest.mark.parametrize(("status", "facts"), [("processing", ["wrong_link"]), ("canceled", []), ("completed", [])])
def test_an_old_link_shows_the_engines_notice_for_that_choice(page, site_url, status, facts):
    old = OLDER[0]
    query = "&".join([f"status={status}", *(f"fact={f}" for f in facts), f"v={old}"])
    open_desk(page, site_url, "?" + query)
    expect(page.locator(RESULT)).to_have_attribute("data-status", status)
    notice = snapshots.link_answer(old, status, facts)["notice"]
    assert notice and old in notice
    expect(page.locator(NOTICES)).to_have_text(notice)
    expect(page.locator(f"{NOTICES} p")).to_have_count(1)
    assert parse_qs(urlsplit(page.url).query)["v"] == [old]  # the link still says what it was made under


@pytest.mark.browser
def test_a_changed_choice_drops_the_old_links_notice(page, site_url):
    old = OLDER[0]
    open_desk(page, site_url, f"?status=processing&fact=wrong_link&v={old}")
    expect(page.locator(NOTICES)).to_have_text(snapshots.link_answer(old, "processing", ["wrong_link"])["notice"])
    page.locator("label[for=dd-f-wrong_link]").click()
    expect(page.locator(RESULT)).to_have_attribute("data-facts", "")
    expect(page.locator(NOTICES)).to_have_text("")
    assert parse_qs(urlsplit(page.url).query) == {"status": ["processing"], "v": [engine.POLICY_VERSION]}
    page.locator("label[for=dd-f-wrong_link]").click()  # back to the link's choice: the notice stays gone
    expect(page.locator(RESULT)).to_have_attribute("data-facts", "wrong_link")
    expect(page.locator(NOTICES)).to_have_text("")


@pytest.mark.browser
@pytest.mark.parametrize("version", ["2020-01-01", "2026-13-40", "latest", "<script>window.__pwned=1</script>"])
def test_a_version_we_do_not_know_gets_the_one_fixed_sentence_and_the_current_answer(page, site_url, version):
    open_desk(page, site_url, f"?status=processing&v={quote(version, safe='')}")
    expect(page.locator(RESULT)).to_have_attribute("data-status", "processing")
    expect(page.locator(NOTICES)).to_have_text(snapshots.NOTICES["unrecognised"])
    expect(page.locator(RESULT)).to_have_attribute("data-outlook", engine.decide("processing").cancellation.value)
    assert parse_qs(urlsplit(page.url).query)["v"] == [engine.POLICY_VERSION]  # not kept in the link
    assert page.evaluate("() => window.__pwned") is None
