"""Old links in the Decision Desk: a link made under an older policy version explains itself.

The browser tests build a copy of this repository in which the policy changed: a new Revision dated after
the current version, processing orders now "unlikely" to be cancelled, and that version's snapshot written
with `python build.py snapshot`. The copy is built with build.py (self-hosted Pyodide), served on loopback
and opened in real Chromium. The old answer comes from the old snapshot inside the engine archive, the
current one from policy_engine running in Pyodide; CPython's answers for the same copy are the expectation.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

import policy_engine as engine
from buildlib import desk
from buildlib.nginx import NginxServer
from policy_engine import bridge, snapshots

ROOT = Path(__file__).resolve().parent.parent
OLD = engine.POLICY_VERSION
NEW = (date.fromisoformat(OLD) + timedelta(days=14)).isoformat()
DESK = "cancellation/"
RESULT = "#decision-result"
LEAD = '[data-dd="notices"] [data-version-notice="lead"]'
THEN = '[data-dd="notices"] [data-version-notice="then"]'
WORKER_FILE = "**/assets/desk/worker.*.mjs"
LIVE_TIMEOUT = 60_000
ORDER = ["Cancellation", "Balance and refund", "Next step", "What would change it", "Include in your ticket", "Why"]
CHANGED_ROUTE = "Status.PROCESSING: StatusRoute(C.LIMITED, R.LIMITED,"


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
    archive = zipfile.ZipFile(io.BytesIO(desk.engine_archive()))
    names = archive.namelist()
    for path in (ROOT / "policy_engine" / "snapshots").glob("*.json"):
        assert archive.read(f"policy_engine/snapshots/{path.name}") == path.read_bytes()
    assert names == sorted(names) and desk.engine_archive() == desk.engine_archive()


def test_the_builds_pyodide_check_exercises_every_kind_of_link_version(tmp_path, monkeypatch):
    folder = tmp_path / "snapshots"
    folder.mkdir()
    source = ROOT / "policy_engine" / "snapshots" / f"{OLD}.json"
    shutil.copy(source, folder / f"{OLD}.json")
    older = (date.fromisoformat(OLD) - timedelta(days=30)).isoformat()
    (folder / f"{older}.json").write_text(source.read_text(encoding="utf-8").replace(OLD, older), encoding="utf-8")
    monkeypatch.setattr(desk, "ENGINE_DIR", tmp_path)
    versions = [params.get("v") for method, params in desk.exercise_calls() if method == "link_answer"]
    kinds = {snapshots.link_answer(v, "pending")["version"] for v in versions if v is None or isinstance(v, str)}
    assert {"current", "missing", "unknown", "malformed"} <= kinds
    assert older in versions and 7 in versions


# --- A changed policy, built and served --------------------------------------------------------------

def _run(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project)}
    return subprocess.run([sys.executable, *args], cwd=project, env=env, capture_output=True, text=True,
                          timeout=900, check=False)


def _copy_repository(target: Path) -> Path:
    """The tracked files of this repository (as they are now), with node_modules linked, not copied."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    return target


@pytest.fixture(scope="module")
def changed(tmp_path_factory) -> dict:
    """A copy of the repository where processing orders changed under a new version, built and served."""
    project = _copy_repository(tmp_path_factory.mktemp("changed") / "repo")
    outcomes_py = project / "policy_engine" / "outcomes.py"
    text = outcomes_py.read_text(encoding="utf-8")
    assert CHANGED_ROUTE in text, "policy_engine/outcomes.py changed: update CHANGED_ROUTE in this test"
    outcomes_py.write_text(text.replace(CHANGED_ROUTE, CHANGED_ROUTE.replace("C.LIMITED", "C.UNLIKELY")),
                           encoding="utf-8")
    changes_py = project / "policy_engine" / "changes.py"
    text = changes_py.read_text(encoding="utf-8")
    head = "REVISIONS: tuple[Revision, ...] = (\n"
    assert head in text
    entry = f'    Revision("{NEW}", "Processing orders", "Processing orders are now unlikely to be cancelled."),\n'
    changes_py.write_text(text.replace(head, head + entry), encoding="utf-8")
    for step in (("build.py", "snapshot"),
                 ("build.py", "build", "--pyodide", "self-host", "--site-dir", str(project.parent / "site"))):
        done = _run(project, *step)
        if done.returncode != 0:
            pytest.fail(f"{' '.join(step)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}", pytrace=False)
    assert (project / "policy_engine" / "snapshots" / f"{NEW}.json").is_file()
    script = ("import json, sys; from policy_engine import link_answer; "
              "print(json.dumps({v: link_answer(v, sys.argv[1]) for v in sys.argv[2:]}))")
    answers = _run(project, "-c", script, "processing", OLD, NEW, "2020-01-01")
    assert answers.returncode == 0, answers.stderr
    with NginxServer(project.parent / "site") as server:
        yield {"url": server.url, "site": project.parent / "site", "answers": json.loads(answers.stdout)}


def open_desk(page, url: str, query: str) -> None:
    page.goto(f"{url}{DESK}{query}", wait_until="domcontentloaded")
    page.wait_for_selector('#decision-desk[data-desk-setup="1"]', state="attached")


def injected(page) -> dict:
    return page.evaluate("""() => {
        const desk = document.getElementById('decision-desk');
        const notices = [...desk.querySelectorAll('[data-dd="notices"] > *')];
        return {
            injected: desk.querySelectorAll('script:not([type="module"]), img, iframe, svg, object, embed').length,
            pwned: window.__pwned !== undefined,
            textOnly: notices.every(p => p.tagName === 'P' && p.children.length === 0),
        };
    }""")


def labels(answer: dict) -> tuple[str, str]:
    return answer["cancellation"]["label"], answer["refund"]["label"].lower()


@pytest.mark.browser
def test_the_changed_site_ships_both_snapshots_in_its_engine_archive(changed):
    (archive,) = (changed["site"] / "assets" / "desk").glob("engine.*.zip")
    names = zipfile.ZipFile(archive).namelist()
    assert {f"policy_engine/snapshots/{OLD}.json", f"policy_engine/snapshots/{NEW}.json"} <= set(names)


@pytest.mark.browser
def test_an_old_link_shows_the_answer_given_then_and_the_current_one(context, changed):
    expected = changed["answers"][OLD]
    now, then = expected["current"], expected["then"]
    assert expected["version"] == "old"
    assert now["cancellation"]["outlook"] == "unlikely"  # the changed outcome, from the copy's engine
    assert then["cancellation"]["outlook"] == engine.decide("processing").cancellation.value == "limited"
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    open_desk(page, changed["url"], f"?status=processing&v={OLD}")
    page.wait_for_selector(f'{THEN}[data-then="shown"]', timeout=LIVE_TIMEOUT)
    page.wait_for_selector(f'{RESULT}[data-engine="pyodide"]', timeout=LIVE_TIMEOUT)

    lead = page.locator(LEAD)
    assert lead.is_visible() and lead.get_attribute("data-version-state") == "old"
    lead_text = lead.inner_text()
    assert f"This link was made under the policy effective {OLD}." in lead_text
    assert f"Under the current policy (effective {NEW}) the likely outcome is: " in lead_text
    assert "; ".join(labels(now)) in lead_text
    assert expected["notice"].startswith(lead_text + " ")  # the engine's notice: the same lead, then its tail
    then_line = page.locator(THEN)
    assert then_line.is_visible()
    then_text = then_line.inner_text()
    assert f"The answer given then, under the policy effective {OLD}, was: {'; '.join(labels(then))}." in then_text
    assert then_line.get_attribute("data-outlook") == then["cancellation"]["outlook"]
    assert then_line.get_attribute("data-refund") == then["refund"]["outlook"]
    assert now["cancellation"]["label"] not in then_text  # they differ, as the policy changed
    assert page.locator(RESULT).get_attribute("data-outlook") == now["cancellation"]["outlook"]
    notices = page.locator('[data-dd="notices"]')
    assert notices.get_attribute("role") == "status" and notices.get_attribute("aria-live") == "polite"
    assert parse_qs(urlsplit(page.url).query)["v"] == [OLD]  # the link still says what it was made under
    assert errors == []
    violations = Axe().run(page, context="#decision-desk").response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations] == []

    page.get_by_label("Pending", exact=True).check()  # the visitor changes the form
    assert parse_qs(urlsplit(page.url).query) == {"status": ["pending"], "v": [NEW]}
    assert page.locator(LEAD).count() == 0 and page.locator(THEN).count() == 0


@pytest.mark.browser
def test_before_the_engine_loads_an_old_link_shows_the_current_prerendered_answer(context, changed):
    context.route(WORKER_FILE, lambda route: route.abort())
    page = context.new_page()
    now = changed["answers"][OLD]["current"]
    open_desk(page, changed["url"], f"?status=processing&v={OLD}")
    lead = page.locator(LEAD)
    assert f"effective {OLD}" in lead.inner_text() and f"(effective {NEW})" in lead.inner_text()
    assert "; ".join(labels(now)) in lead.inner_text()
    assert page.locator(RESULT).get_attribute("data-engine") == "prerendered"
    assert page.locator(THEN).get_attribute("data-then") == "waiting"
    page.wait_for_selector('#decision-desk[data-engine-state="failed"]', state="attached")
    then_text = page.locator(THEN).inner_text()
    assert "could not be shown" in then_text and "follows the current policy" in then_text
    assert page.locator(RESULT).get_attribute("data-outlook") == now["cancellation"]["outlook"]


@pytest.mark.browser
def test_an_unknown_version_gets_a_polite_notice_and_the_current_answer(context, changed):
    now = changed["answers"]["2020-01-01"]["current"]
    assert changed["answers"]["2020-01-01"]["version"] == "unknown"
    page = context.new_page()
    open_desk(page, changed["url"], "?status=processing&v=2020-01-01")
    page.wait_for_selector(f'{RESULT}[data-engine="pyodide"]', timeout=LIVE_TIMEOUT)
    lead = page.locator(LEAD)
    assert lead.is_visible() and lead.get_attribute("data-version-state") == "unknown"
    assert "(2020-01-01) that we do not know" in lead.inner_text()
    assert lead.inner_text() == changed["answers"]["2020-01-01"]["notice"]
    assert f"the current policy (effective {NEW}): {'; '.join(labels(now))}." in lead.inner_text()
    assert page.locator(THEN).is_hidden()
    assert page.locator(RESULT).get_attribute("data-outlook") == now["cancellation"]["outlook"]
    assert injected(page) == {"injected": 0, "pwned": False, "textOnly": True}


@pytest.mark.browser
@pytest.mark.parametrize("version", [
    "<script>window.__pwned=1</script>", '"><img src=x onerror="window.__pwned=1">', "2026-13-40", "latest",
])
def test_a_malformed_version_gets_a_polite_notice_and_the_current_answer(context, changed, version):
    now = changed["answers"][NEW]["current"]
    page = context.new_page()
    open_desk(page, changed["url"], f"?status=processing&v={quote(version, safe='')}")
    lead = page.locator(LEAD)
    assert lead.is_visible() and lead.get_attribute("data-version-state") == "malformed"
    text = lead.inner_text()
    assert "This link carries a policy version we cannot read" in text
    assert f"the current policy (effective {NEW}): {'; '.join(labels(now))}." in text
    assert text == snapshots.NOTICES["malformed"].format(  # the engine's sentence, filled the same way
        link_version=snapshots.shown_version(version), current=NEW, answer=snapshots.describe_answer(now))
    assert page.locator(RESULT).get_attribute("data-outlook") == now["cancellation"]["outlook"]
    assert injected(page) == {"injected": 0, "pwned": False, "textOnly": True}
    assert parse_qs(urlsplit(page.url).query)["v"] == [NEW]  # an unreadable version is not kept in the link


@pytest.mark.browser
def test_the_answer_reads_outlooks_first_and_why_last_live_and_static(context, changed):
    page = context.new_page()
    open_desk(page, changed["url"], "?status=processing&fact=wrong_link")
    page.wait_for_selector(f'{RESULT}[data-engine="pyodide"]', timeout=LIVE_TIMEOUT)
    assert page.locator(f"{RESULT} h3").all_inner_texts() == ORDER
    html = (changed["site"] / DESK / "index.html").read_text(encoding="utf-8")
    static = html[html.index('<div class="dd-static">'):html.index("</noscript>")]
    headings = [part.split("</h3>")[0].split(">", 1)[1] for part in static.split("<h3")[1:]]
    assert list(dict.fromkeys(headings)) == ORDER
