"""Old links stay honest: the engine answers a case as an older policy version answered it."""

from __future__ import annotations

import json
import re
import shutil
import string
import subprocess
import tarfile
from pathlib import Path

import pytest

from policy_engine import (
    POLICY_VERSION,
    REVISIONS,
    UnknownPolicyVersionError,
    UnknownStatusError,
    decide,
    decide_under,
    link_answer,
    load_snapshot,
    snapshots,
)
from policy_engine.snapshots import NOTICES

OLD = "2026-01-15"
FIRST = REVISIONS[-1].effective  # the first published policy, saved in snapshot format 1
OLD_PENDING_HEADLINE = "Pending orders could only be stopped in some cases then."


@pytest.fixture
def with_old_version(tmp_path):
    """A snapshot folder holding the current version and an older one where pending orders were limited."""
    shutil.copy(snapshots.repo_snapshot_dir() / f"{POLICY_VERSION}.json", tmp_path)
    table = load_snapshot(POLICY_VERSION)
    table["pending|"] = dict(table["pending|"], cancellation="limited", refund="limited",
                             headline=OLD_PENDING_HEADLINE)
    (tmp_path / f"{OLD}.json").write_text(snapshots.dumps(OLD, table), encoding="utf-8")
    return tmp_path


def lead(link_version: str) -> str:
    return NOTICES["old"].format(link_version=link_version, current=POLICY_VERSION)


def test_the_answer_under_the_current_version_is_the_engines_answer():
    then = decide_under(POLICY_VERSION, "processing", ["wrong_link"])
    now = decide("processing", ["wrong_link"]).to_dict()
    for key in ("status", "headline", "facts", "cancellation", "refund", "reasons", "ticket_fields", "next_step",
                "policy_version"):
        assert then[key] == now[key], key
    assert then["would_change"]["text"] == now["would_change"]["text"]


def test_an_old_link_gets_the_answer_given_then_and_the_current_one(with_old_version):
    answer = link_answer(OLD, "pending", [], directory=with_old_version)
    assert answer["version"] == "old"
    assert answer["then"]["policy_version"] == OLD
    assert answer["then"]["cancellation"]["label"] == "Cancellation is limited"
    assert answer["current"]["cancellation"]["label"] == "Cancellation may be reviewed"
    assert answer["notice"] == f"{lead(OLD)} " + NOTICES["then"].format(then=OLD_PENDING_HEADLINE)
    assert f"effective {OLD}" in answer["notice"] and POLICY_VERSION in answer["notice"]


def test_an_old_link_whose_answer_did_not_change_says_so(with_old_version):
    answer = link_answer(OLD, "completed", [], directory=with_old_version)
    assert answer["version"] == "old"
    assert answer["then"]["headline"] == answer["current"]["headline"]
    assert answer["notice"] == f"{lead(OLD)} {NOTICES['then-same']}"


def test_a_link_under_the_current_version_needs_no_notice():
    answer = link_answer(POLICY_VERSION, "pending", [])
    assert answer["version"] == "current" and answer["notice"] is None and answer["then"] is None
    assert link_answer(None, "pending", [])["version"] == "missing"


@pytest.mark.parametrize("version", ["latest", "2026-13-40", "26-11-2026", "<script>", "2026-11-26T00:00"])
def test_a_malformed_version_gets_the_fixed_notice_and_the_current_answer(version):
    answer = link_answer(version, "processing", ["wrong_link"])
    assert answer["version"] == "malformed"
    assert answer["then"] is None
    assert answer["current"] == decide("processing", ["wrong_link"]).to_dict()
    assert answer["notice"] == NOTICES["unrecognised"]
    with pytest.raises(UnknownPolicyVersionError, match=f"Known versions: {POLICY_VERSION}"):
        decide_under(version, "processing", ["wrong_link"])


def test_an_unknown_version_gets_the_fixed_notice_and_the_current_answer():
    answer = link_answer("2020-01-01", "pending", [])
    assert answer["version"] == "unknown" and answer["then"] is None
    assert answer["notice"] == NOTICES["unrecognised"]
    assert answer["current"] == decide("pending").to_dict()
    with pytest.raises(UnknownPolicyVersionError) as error:  # the engine's own error still says which
        load_snapshot("2020-01-01")
    assert "no saved answers for a policy effective 2020-01-01" in str(error.value)
    assert POLICY_VERSION in str(error.value)


def test_a_dated_revision_whose_answers_were_not_kept_says_so(tmp_path):
    shutil.copy(snapshots.repo_snapshot_dir() / f"{POLICY_VERSION}.json", tmp_path)
    answer = link_answer(FIRST, "pending", [], directory=tmp_path)
    assert answer["version"] == "old" and answer["then"] is None
    assert answer["notice"] == f"{lead(FIRST)} {NOTICES['then-not-saved']}"


def test_an_old_version_without_an_answer_for_the_case_says_so(with_old_version):
    table = load_snapshot(OLD, with_old_version)
    del table["pending|wrong_link"]
    (with_old_version / f"{OLD}.json").write_text(snapshots.dumps(OLD, table), encoding="utf-8")
    answer = link_answer(OLD, "pending", ["wrong_link"], directory=with_old_version)
    assert answer["version"] == "old" and answer["then"] is None
    assert answer["notice"] == f"{lead(OLD)} {NOTICES['then-no-case']}"


# --- Snapshot format 1: the answers of the first published policy still read ---------------------------

def test_the_first_policy_is_kept_in_snapshot_format_1():
    path = snapshots.repo_snapshot_dir() / f"{FIRST}.json"
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == 1
    assert FIRST in snapshots.available_versions()
    assert len(load_snapshot(FIRST)) > len(load_snapshot(POLICY_VERSION))  # it allowed more combinations


def test_an_old_format_1_answer_is_shaped_like_todays_answer():
    then = decide_under(FIRST, "canceled", [])
    now = decide("canceled").to_dict()
    assert set(then) == set(now)
    assert then["policy_version"] == FIRST
    assert then["cancellation"]["outlook"] == "not_available" and then["refund"]["outlook"] == "balance_review"
    # Format 1 kept neither a headline nor the roles: the headline is made from the labels, each reason supports.
    assert then["headline"] == "Cancellation is not available. Your balance may be reviewed."
    assert then["reasons"][0]["rule"] == "status.canceled"
    assert {reason["role"] for reason in then["reasons"]} == {"supports"}


def test_an_old_format_1_link_gets_the_answer_given_then():
    answer = link_answer(FIRST, "canceled", [])
    assert answer["version"] == "old"
    assert answer["then"]["cancellation"]["outlook"] == "not_available"
    assert answer["current"]["cancellation"]["outlook"] == "nothing_to_cancel"
    assert answer["notice"] == f"{lead(FIRST)} " + NOTICES["then"].format(then=answer["then"]["headline"])


def test_a_bad_case_under_an_old_version_is_the_usual_input_error():
    with pytest.raises(UnknownStatusError, match="Valid statuses"):
        decide_under(POLICY_VERSION, "shipped", [])
    with pytest.raises(UnknownStatusError):
        link_answer("2020-01-01", "shipped", [])


def test_the_old_answer_is_plain_json_for_the_desk(with_old_version):
    answer = link_answer(OLD, "pending", ["payment_related"], directory=with_old_version)
    assert json.loads(json.dumps(answer)) == answer
    assert answer["then"]["ticket_fields"][-2:] == ["transaction_reference", "amount"]


# --- The notice sentences are written once, in the engine ---------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
DESK_GLUE = ROOT / "widget" / "glue.mjs"
PLACEHOLDERS = {"link_version", "current", "then"}


def literal_parts(template: str) -> list[str]:
    """The literal text of a template, cut at its placeholders and between its sentences."""
    texts = [text for text, _, _, _ in string.Formatter().parse(template)]
    return [part.strip() for text in texts for part in re.split(r"(?<=[.…:])\s+", text) if part.strip()]


def written_in(source: str, template: str) -> list[str]:
    """The literal parts of a template (long enough to be a phrase) that a source file also spells out."""
    joined = re.sub(r"""(["'`])\s*\+\s*\1""", "", source)  # "…" + "…" split over lines reads as one string
    squashed = re.sub(r"\s+", " ", joined)
    return [part for part in literal_parts(template) if len(part) >= 12 and part in squashed]


def test_the_desk_glue_writes_none_of_the_notice_sentences_itself():
    """Drift guard: widget/glue.mjs fills the engine's templates from the page config, it never spells them."""
    source = DESK_GLUE.read_text(encoding="utf-8")
    copied = {key: written_in(source, template) for key, template in snapshots.NOTICES.items()}
    assert {key: parts for key, parts in copied.items() if parts} == {}
    # The guard itself catches a copied sentence, even one split over two lines of a JS template literal.
    sentence = snapshots.NOTICES["old"]
    copy = "`" + sentence[:40] + "` +\n    `" + sentence[40:].replace("{", "${") + "`"
    assert written_in(copy, sentence)


def test_the_notice_templates_use_only_the_names_the_desk_fills():
    for key, template in snapshots.NOTICES.items():
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(template)
                  if name is not None]
        assert {name for name, _, _ in fields} <= PLACEHOLDERS, key
        assert all(not spec and conversion is None for _, spec, conversion in fields), key  # plain {name} only
        assert "{{" not in template and "}}" not in template, key


def test_the_notice_is_made_from_the_templates(with_old_version):
    answer = link_answer(OLD, "pending", [], directory=with_old_version)
    tail = snapshots.NOTICES["then"].format(then=snapshots.describe_answer(answer["then"]))
    assert answer["notice"] == f"{lead(OLD)} {tail}"
    assert snapshots.describe_answer(answer["current"]) == answer["current"]["headline"]


@pytest.mark.parametrize("hostile", [
    "{current}<img src=x onerror=alert(1)>\u202e" + "x" * 100,
    "2026-12-04<script>alert(1)</script>",
    "javascript:alert(1)",
    "{link_version}{then}",
    "2099-01-01",  # a real date, but not one of ours: the same fixed sentence
])
def test_a_link_version_is_never_echoed_in_the_notice(hostile):
    answer = link_answer(hostile, "pending", ["wrong_link"])
    assert answer["version"] in ("malformed", "unknown")
    assert answer["notice"] == NOTICES["unrecognised"]
    assert answer["then"] is None
    shown = json.dumps({key: value for key, value in answer.items() if key != "link_version"}, ensure_ascii=False)
    assert hostile not in shown
    assert not any(piece in shown for piece in ("onerror", "<script>", "javascript:", "{link_version}", "2099"))


PYODIDE_SCRIPT = """
import { loadPyodide } from "%(pyodide)s/pyodide.mjs";
import fs from "node:fs";
const py = await loadPyodide({ indexURL: "%(pyodide)s/" });
py.unpackArchive(new Uint8Array(fs.readFileSync("%(archive)s")), "tar", { extractDir: "/home/pyodide/engine" });
console.log("RESULT " + py.runPython(`
import json, sys
sys.path.insert(0, "/home/pyodide/engine")
from policy_engine import POLICY_VERSION, available_versions, decide_under, link_answer
json.dumps({"versions": available_versions(), "then": decide_under(POLICY_VERSION, "pending", []),
            "unknown": link_answer("2020-01-01", "pending", [])["version"]})
`));
"""


def test_old_answers_are_read_from_the_packaged_snapshots_in_pyodide(tmp_path):
    """The Desk runs the engine from an unpacked archive in Pyodide; the snapshots must come with it."""
    root = Path(__file__).resolve().parent.parent
    pyodide = root / "node_modules" / "pyodide"
    archive = tmp_path / "engine.tar"
    with tarfile.open(archive, "w") as tar:
        for path in sorted((root / "policy_engine").rglob("*")):
            if path.suffix in (".py", ".json"):
                tar.add(path, arcname=path.relative_to(root).as_posix())
    script = tmp_path / "run.mjs"
    script.write_text(PYODIDE_SCRIPT % {"pyodide": pyodide.as_posix(), "archive": archive.as_posix()})
    result = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=300)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert result.returncode == 0 and lines, result.stderr[-2000:]
    answer = json.loads(lines[-1][len("RESULT "):])
    assert answer["versions"] == list(snapshots.available_versions())
    assert answer["then"] == decide_under(POLICY_VERSION, "pending", [])
    assert answer["unknown"] == "unknown"
