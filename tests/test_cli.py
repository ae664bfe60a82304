"""The command line support staff use: `python -m policy_engine decide|check-link|table`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_engine import Fact, Status, decide
from policy_engine.cli import main
from policy_engine.table import decision_table

ROOT = Path(__file__).resolve().parent.parent
DECIDE_KEYS = {"status", "headline", "facts", "cancellation", "refund", "reasons", "ticket_fields", "next_step",
               "would_change", "policy_version"}
LINK_KEYS = ["valid", "kind", "public", "normalized", "problems"]


def cli(*args: str) -> subprocess.CompletedProcess:
    """Run the real command in a fresh interpreter, as support staff do."""
    return subprocess.run([sys.executable, "-m", "policy_engine", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


def test_decide_json_follows_the_contract():
    result = cli("decide", "--status", "processing", "--fact", "target_changed", "--fact", "payment_related", "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert set(data) == DECIDE_KEYS
    assert set(data["cancellation"]) == {"outlook", "word", "label", "summary"}
    assert set(data["refund"]) == {"outlook", "case", "word", "label", "summary", "guaranteed"}
    assert set(data["would_change"]) == {"add", "remove", "cancellation", "refund", "text"}
    assert data["status"] == "processing"
    assert data["facts"] == ["target_changed", "payment_related"]
    assert data["cancellation"]["outlook"] == "unlikely"
    assert data["refund"]["outlook"] == "limited"
    assert data["reasons"] and all(set(reason) == {"rule", "title", "text", "link", "role"}
                                   for reason in data["reasons"])
    assert data["reasons"][0]["role"] == "decides"
    assert data["headline"] and len(data["headline"]) <= 90
    assert "transaction_reference" in data["ticket_fields"]
    assert data["would_change"]["cancellation"] == "limited"  # better than now, by a move the customer can make
    assert data == json.loads(json.dumps(decide("processing", ["target_changed", "payment_related"]).to_dict()))


def test_decide_as_text_reads_like_an_answer():
    result = cli("decide", "--status", "completed")
    assert result.returncode == 0
    assert "Status: Completed" in result.stdout
    assert "Cancellation: Cancellation is not available." in result.stdout
    assert "[cancellation/#completed-orders]" in result.stdout


def test_check_link_json_follows_the_contract():
    result = cli("check-link", "t.me/+AbCdEf12345", "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert list(data) == LINK_KEYS
    assert (data["valid"], data["kind"], data["public"]) == (True, "private_invite", False)
    assert "Delivery cannot reach a private target" in data["problems"][0]


def test_check_link_as_text():
    result = cli("check-link", "@durov")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "Valid: yes", "Kind: username", "Public: yes", "Normalized: https://t.me/durov",
    ]


def test_an_invalid_link_is_an_answer_not_an_error():
    result = cli("check-link", "https://example.com", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["valid"] is False


def test_table_json_holds_every_case():
    result = cli("table", "--json")
    assert result.returncode == 0
    decisions = json.loads(result.stdout)["decisions"]
    assert {d["status"] for d in decisions} == {s.value for s in Status}
    assert all(set(d) == DECIDE_KEYS for d in decisions)


def test_table_as_text(capsys):
    assert main(["table"]) == 0
    out = capsys.readouterr().out
    assert out.count("Status: ") == len(decision_table())
    assert out.startswith("Status: Pending\nCircumstances: none\n")


@pytest.mark.parametrize(("args", "expected"), [
    ([], "required: command"),
    (["decide"], "--status"),
    (["decide", "--status", "done"], "Valid statuses: pending, processing, in_progress, partial, completed, canceled"),
    (["decide", "--status", "pending", "--fact", "late"], "Valid circumstances: wrong_link"),
    (["decide", "--status", "completed", "--fact", "service_unavailable"], "cannot be ticked"),
    (["decide", "--status", "pending\nTraceback", "--json"], "Unknown order status"),
    (["check-link"], "text"),
    (["refund"], "invalid choice"),
    (["table", "--csv"], "unrecognized arguments"),
    (["decide", "--status", "pending", "--status", "completed"], "--status was given more than once"),
    (["decide", "--status", "done", "--status", "done"], "--status was given more than once"),
    (["triage", "--base-url", "https://a.example/", "--base-url", "https://b.example/"], "given more than once"),
    (["decide", "--stat", "pending"], "--status"),
    (["decide", "--status", "pending", "--js"], "unrecognized arguments: --js"),
    (["triage", "--base", "https://example.com/"], "unrecognized arguments: --base"),
    (["triage", "--cs"], "unrecognized arguments: --cs"),
    (["triage", "--json", "--csv"], "not allowed with"),
    (["decide", "--status", "pending", *["--fact", "wrong_link"] * 21], "too many --fact arguments (more than 20)"),
    (["triage", *["--fact", "wrong_link"] * 21], "too many --fact arguments"),
    (["triage", "--fact", "late"], "Valid circumstances: wrong_link"),
])
def test_bad_input_exits_2_with_one_line_and_no_traceback(args, expected):
    result = cli(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert expected in lines[0]
    assert "Traceback (most recent call last)" not in result.stderr


def test_help_is_printed_and_exits_0(capsys):
    assert main(["--help"]) == 0
    assert "check-link" in capsys.readouterr().out


words = st.sampled_from(
    ["decide", "decide", "check-link", "check-link", "table", "triage", "--status", "--fact", "--json", "--csv",
     "--base-url", "--", "-", "-h", "--stat", "--fact=", *[s.value for s in Status], *[f.value for f in Fact],
     "In progress", "Cancelled", "Refunded", "Fail", "@durov", "t.me/+abcdefgh", "\x1b[31m", "https://x.example/"]
)
argv = st.lists(st.one_of(words, st.text(max_size=30)), max_size=6)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=argv)
def test_any_arguments_give_an_answer_or_exit_2_with_one_line(args, capsys):
    code = main(args)
    out, err = capsys.readouterr()
    assert code in (0, 2)
    if code == 2:
        assert out == ""
        assert err.startswith("error: ") and err.endswith("\n") and err.count("\n") == 1
    else:
        assert err == "" and out.strip()
        if "--json" in args and "-h" not in args and "--help" not in args and out.lstrip().startswith("{"):
            json.loads(out)


def test_piping_into_a_reader_that_stops_early_prints_no_traceback():
    process = subprocess.Popen([sys.executable, "-m", "policy_engine", "table"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline().startswith("Status: ")
    process.stdout.close()  # like `| head -1`
    stderr = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=60) in (0, 1)
    assert "Traceback" not in stderr


# The panel's words (issue 3): --status reads them as the policy's statuses; ids stay the output.

@pytest.mark.parametrize(("word", "status"), [
    ("In progress", "in_progress"), ("  in progress ", "in_progress"), ("IN PROGRESS", "in_progress"),
    ("Pending", "pending"), ("Processing", "processing"), ("Partial", "partial"), ("Completed", "completed"),
    ("Canceled", "canceled"), ("Cancelled", "canceled"), ("cancelled", "canceled"), ("in_progress", "in_progress"),
])
def test_decide_reads_the_panels_status_words_and_answers_with_the_id(word, status):
    result = cli("decide", "--status", word, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == decide(status).to_dict()


def test_decide_as_text_names_the_status_as_the_panel_shows_it():
    result = cli("decide", "--status", "in progress")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Status: In progress\n")


@pytest.mark.parametrize(("word", "status"), [("Refunded", "canceled"), ("Active", "in_progress")])
def test_refunded_and_active_are_answered_as_the_status_the_policy_gives_them(word, status, capsys):
    assert main(["decide", "--status", word, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == decide(status).to_dict()


@pytest.mark.parametrize("word", ["Fail", "Error", "failed"])
def test_failed_orders_get_a_message_saying_what_support_should_do(word, capsys):
    assert main(["decide", "--status", word]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: The panel marks this order '{word}': the provider did not run it")
    assert "resend it or cancel it" in err


@pytest.mark.parametrize(("typed", "meant"), [
    ("in progres", "in_progress"), ("Proccessing", "processing"), ("cancled", "canceled"), ("Compleeted", "completed"),
    ("Refundd", "Refunded"),
])
def test_a_near_miss_status_gets_did_you_mean(typed, meant, capsys):
    assert main(["decide", "--status", typed]) == 2
    assert f"Did you mean '{meant}'?" in capsys.readouterr().err


def test_a_status_nothing_like_any_word_gets_no_guess(capsys):
    assert main(["decide", "--status", "Paused"]) == 2
    err = capsys.readouterr().err
    assert "Did you mean" not in err and "Valid statuses: pending, processing, in_progress" in err


# A CLI that never shows a traceback (issue 6).

def cli_bytes(*args: bytes, **env: str) -> subprocess.CompletedProcess:
    """Run the command with raw argv bytes, under the given locale settings."""
    return subprocess.run([os.fsencode(sys.executable), b"-m", b"policy_engine", *args], cwd=ROOT,
                          capture_output=True, timeout=60, env={**os.environ, **env})


C_LOCALE = {"LC_ALL": "C"}
ASCII_LOCALE = {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}  # no UTF-8 mode: argv is ASCII


@pytest.mark.parametrize("locale", [C_LOCALE, ASCII_LOCALE, {"LC_ALL": "C.UTF-8"}], ids=["C", "ascii", "C.UTF-8"])
@pytest.mark.parametrize("args", [
    [b"decide", b"--status", b"\xffpending"],
    [b"check-link", b"@du\xe9rov"],
    [b"decide", b"--status", b"pending", b"--fact", b"wrong\xc3_link"],
    [b"triage", b"--base-url", b"https://example.com/\xff/"],
    [b"triage", b"orders-\xff.json"],
])
def test_arguments_that_are_not_utf8_get_a_clean_error_under_any_locale(args, locale):
    result = cli_bytes(*args, **locale)
    assert result.returncode == 2
    assert result.stdout == b""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(b"error: argument ") and lines[0].endswith(b"is not valid UTF-8 text")


def test_utf8_arguments_and_answers_work_in_an_ascii_only_locale():
    result = cli_bytes(b"check-link", "@дуров".encode(), **ASCII_LOCALE)
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    assert b"\\u201c\\u0434" in result.stdout  # the quoted username, escaped for an ASCII terminal
    result = cli_bytes(b"decide", b"--status", b"completed", b"--fact", b"service_unavailable", **ASCII_LOCALE)
    assert result.returncode == 2
    assert result.stderr.startswith(b"error: \\u201cThe service is unavailable\\u201d cannot be ticked")
    assert result.stderr.count(b"\n") == 1


HOSTILE = "\x1b]0;owned\x07\x1b[2J\u202e\x9b"


@pytest.mark.parametrize("args", [
    ["check-link", f"@du{HOSTILE}rov"],
    ["check-link", f"https://t.me/{HOSTILE}", "--json"],
    ["check-link", f"t.me/+{HOSTILE}"],
    ["decide", "--status", HOSTILE],
    ["decide", "--status", "pending", "--fact", HOSTILE],
    ["decide", "--status", "pending", HOSTILE],
    ["table", f"--{HOSTILE}"],
    ["triage", "--base-url", f"https://example.com/{HOSTILE}"],
    ["triage", f"{HOSTILE}.json"],
])
def test_control_characters_are_escaped_in_every_output(args, capsys):
    code = main(args)
    out, err = capsys.readouterr()
    assert code in (0, 2)
    for text in (out, err):
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text and "\u202e" not in text
        assert all(line.isprintable() for line in text.splitlines())


def test_control_characters_are_escaped_as_repr_style_text_in_check_link():
    result = cli("check-link", "@du\x1brov")
    assert result.returncode == 0
    assert "\x1b" not in result.stdout
    assert "is not a valid Telegram username" in result.stdout  # the link check shows the name without the control


def test_twenty_facts_are_still_accepted(capsys):
    assert main(["decide", "--status", "pending", *["--fact", "wrong_link"] * 20]) == 0
