"""Policy versions and outcome snapshots: any change in outcomes forces a new version and changelog entry."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policy_engine import changes, snapshots, statuses
from policy_engine.changes import POLICY_VERSION, REVISIONS, Revision
from policy_engine.outlooks import CancellationOutlook
from policy_engine.statuses import Status

ROOT = Path(__file__).resolve().parent.parent


def test_the_current_outcomes_match_the_snapshot_of_the_current_policy_version():
    problem = snapshots.mismatch_message()
    if problem:
        pytest.fail(problem, pytrace=False)


def test_the_policy_version_is_the_newest_revision_and_revisions_are_dated_newest_first():
    assert changes.problems(REVISIONS) == []
    assert REVISIONS[0].effective == POLICY_VERSION


@pytest.mark.parametrize(("revisions", "expected"), [
    ((Revision("2026-11-26", "b", "b"), Revision("2026-12-01", "a", "a")), "newest first"),
    ((Revision("2026-11-26", "a", "a"), Revision("2026-11-26", "b", "b")), "one per date"),
    ((Revision("26-11-2026", "a", "a"),), "YYYY-MM-DD"),
    ((Revision("2026-02-30", "a", "a"),), "not a real date"),
    ((), "at least one"),
])
def test_a_misdated_changelog_is_reported(revisions, expected):
    assert any(expected in problem for problem in changes.problems(revisions))


def test_every_snapshot_is_the_answers_of_a_dated_revision():
    dates = {r.effective for r in REVISIONS}
    versions = snapshots.available_versions()
    assert POLICY_VERSION in versions
    assert set(versions) <= dates


def test_the_snapshot_file_is_written_deterministically():
    path = snapshots.repo_snapshot_dir() / f"{POLICY_VERSION}.json"
    stored = snapshots.load_snapshot(POLICY_VERSION)
    assert path.read_text(encoding="utf-8") == snapshots.dumps(POLICY_VERSION, stored)
    assert list(stored) == sorted(stored)
    assert json.loads(path.read_text(encoding="utf-8"))["policy_version"] == POLICY_VERSION


def test_the_snapshot_covers_every_case_of_the_decision_table():
    table = snapshots.current_table_snapshot()
    assert len(table) == len(snapshots.decision_table())
    pending = table["pending|"]
    assert set(pending) == {"cancellation", "refund", "headline", "reasons", "ticket_fields", "next_step",
                            "would_change"}
    assert pending["reasons"][0] == ["status.pending", "decides"]  # each reason with its role


def test_the_current_snapshot_is_written_in_the_current_format():
    path = snapshots.repo_snapshot_dir() / f"{POLICY_VERSION}.json"
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == snapshots.SNAPSHOT_FORMAT == 2


def _pending_starts_limited(monkeypatch):
    record = statuses.STATUSES[Status.PENDING]
    monkeypatch.setitem(statuses.STATUSES, Status.PENDING,
                        dataclasses.replace(record, cancellation=CancellationOutlook.LIMITED))


def test_a_changed_outcome_fails_and_names_each_case_old_and_new(monkeypatch):
    assert snapshots.mismatch_message() is None
    _pending_starts_limited(monkeypatch)
    problem = snapshots.mismatch_message()
    assert problem is not None
    assert "pending|]" in problem and "Pending, no circumstances" in problem
    assert "cancellation: Cancellation may be reviewed → Cancellation is limited" in problem
    assert "policy_engine/changes.py" in problem and "python build.py snapshot" in problem
    assert "processing|" not in problem  # only the cases that changed are named
    changed = snapshots.diff(snapshots.load_snapshot(POLICY_VERSION), snapshots.current_table_snapshot())
    assert changed and all(c.key.startswith("pending|") for c in changed)


def test_a_reworded_headline_is_a_change_of_the_answer_too(monkeypatch):
    record = statuses.STATUSES[Status.PARTIAL]
    headlines = dict(record.headlines, **{CancellationOutlook.LIMITED: "Delivery has stopped."})
    monkeypatch.setitem(statuses.STATUSES, Status.PARTIAL, dataclasses.replace(record, headlines=headlines))
    problem = snapshots.mismatch_message()
    assert problem is not None and "partial|]" in problem
    assert 'headline: "Delivery has stopped. Support may review' in problem and '→ "Delivery has stopped."' in problem
    assert "cancellation:" not in problem  # the outlooks stayed; only the words changed


def test_a_snapshot_is_never_rewritten_under_the_same_version(monkeypatch, tmp_path):
    shutil.copy(snapshots.repo_snapshot_dir() / f"{POLICY_VERSION}.json", tmp_path)
    before = (tmp_path / f"{POLICY_VERSION}.json").read_text(encoding="utf-8")
    _pending_starts_limited(monkeypatch)
    with pytest.raises(snapshots.UnknownPolicyVersionError, match="policy version is still"):
        snapshots.write_snapshot(POLICY_VERSION, tmp_path)
    assert (tmp_path / f"{POLICY_VERSION}.json").read_text(encoding="utf-8") == before


def _copy_project(target: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copy(ROOT / "build.py", target / "build.py")
    shutil.copytree(ROOT / "buildlib", target / "buildlib", ignore=ignore)
    shutil.copytree(ROOT / "policy_engine", target / "policy_engine", ignore=ignore)
    return target


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(cwd)}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


CHECK = "from policy_engine import snapshots; print(snapshots.mismatch_message() or 'MATCHES')"


def test_a_version_bump_with_its_changelog_entry_makes_the_changed_outcome_pass(tmp_path):
    project = _copy_project(tmp_path)
    statuses_py = project / "policy_engine" / "statuses.py"
    source = statuses_py.read_text(encoding="utf-8")
    pending = "cancellation=C.MAY_BE_REVIEWED, refund=R.BALANCE_REVIEW,"  # the pending record: one edit
    assert source.count(pending) == 1
    statuses_py.write_text(source.replace(pending, "cancellation=C.LIMITED, refund=R.BALANCE_REVIEW,"),
                           encoding="utf-8")

    before = _run(project, "-c", CHECK)
    assert "Cancellation may be reviewed → Cancellation is limited" in before.stdout

    refused = _run(project, "build.py", "snapshot")
    assert refused.returncode == 1
    assert "policy version is still" in refused.stderr and "policy_engine/changes.py" in refused.stderr

    changes_py = project / "policy_engine" / "changes.py"
    text = changes_py.read_text(encoding="utf-8")
    head = "REVISIONS: tuple[Revision, ...] = (\n"
    assert head in text
    entry = '    Revision("2099-01-01", "Pending orders start limited", "Pending orders are now limited."),\n'
    changes_py.write_text(text.replace(head, head + entry), encoding="utf-8")

    written = _run(project, "build.py", "snapshot")
    assert written.returncode == 0, written.stderr
    assert "2099-01-01.json" in written.stdout
    assert f"Changes from {POLICY_VERSION}" in written.stdout and "pending|]" in written.stdout
    assert (project / "policy_engine" / "snapshots" / "2099-01-01.json").exists()

    after = _run(project, "-c", CHECK)
    assert after.stdout.strip() == "MATCHES", after.stdout + after.stderr
    old_link = _run(project, "-c", "from policy_engine import link_answer; import json; "
                    f"print(json.dumps(link_answer('{POLICY_VERSION}', 'pending')))")
    answer = json.loads(old_link.stdout)
    assert answer["version"] == "old"
    assert answer["current"]["cancellation"]["outlook"] == "limited"
    assert answer["then"]["cancellation"]["outlook"] == "may_be_reviewed"
