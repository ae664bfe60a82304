"""`python -m policy_engine triage`: support staff give a panel's `action=status` answer; every order is answered."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_engine import POLICY_VERSION, Fact, decide
from policy_engine import triage as batch
from policy_engine.cli import main

ROOT = Path(__file__).resolve().parent.parent
KEYS = ["order", "panel_status", "status", "cancellation", "refund", "headline", "link", "error"]
BASE_URL = "https://example.com/cancellation/"

# The shapes panels of the PerfectPanel "API v2" family send, as they send them.
SINGLE = {"charge": "0.27819", "start_count": "3572", "status": "Partial", "remains": "157", "currency": "USD"}
MULTI = {
    "1": {"charge": "0.27819", "start_count": "3572", "status": "Partial", "remains": "157", "currency": "USD"},
    "10": {"error": "Incorrect order ID"},
    "100": {"charge": "1.44219", "start_count": "234", "status": "In progress", "remains": "10"},
    "101": "Incorrect order ID",
    "102": {"charge": 0.5, "start_count": 0, "status": "Pending", "remains": 100},
    "103": {"status": "Completed", "runs": "10", "orders": ["1201", "1202"]},
    "104": {"status": "Active", "runs": "3", "orders": [1301]},
    "105": {"status": "cancelled"},
}


def triage(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """Run the real command in a fresh interpreter, as support staff do."""
    return subprocess.run([sys.executable, "-m", "policy_engine", "triage", *args], cwd=ROOT, input=stdin or b"",
                          capture_output=True, timeout=60)


def write(tmp_path: Path, data: object) -> str:
    path = tmp_path / "orders.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def answered(result: subprocess.CompletedProcess) -> list[dict]:
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    return json.loads(result.stdout)


def assert_one_line_error(result: subprocess.CompletedProcess, expected: str = "") -> None:
    assert result.returncode == 2
    assert result.stdout == b""
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and expected in lines[0], lines[0]
    assert b"Traceback" not in result.stderr


def test_a_single_order_from_a_file_gets_one_answer_without_an_order_id(tmp_path):
    rows = answered(triage(write(tmp_path, SINGLE), "--json"))
    assert rows == [{
        "order": None, "panel_status": "Partial", "status": "partial",
        "cancellation": decide("partial").to_dict()["cancellation"]["outlook"],
        "refund": decide("partial").to_dict()["refund"]["outlook"],
        "headline": decide("partial").headline, "link": None, "error": None,
    }]


@pytest.mark.parametrize("how", [["-"], []], ids=["dash", "no-file"])
def test_a_multi_order_map_from_stdin_is_answered_in_input_order(how):
    rows = answered(triage(*how, "--json", stdin=json.dumps(MULTI).encode()))
    assert [row["order"] for row in rows] == list(MULTI)
    assert [row["status"] for row in rows] == [
        "partial", None, "in_progress", None, "pending", "completed", "in_progress", "canceled"]


def test_every_json_row_has_exactly_the_documented_keys_in_order(tmp_path):
    for row in answered(triage(write(tmp_path, MULTI), "--json", "--base-url", BASE_URL)):
        assert list(row) == KEYS


def test_bad_order_ids_are_answered_in_their_own_row_and_the_rest_still_answered(tmp_path):
    rows = {row["order"]: row for row in answered(triage(write(tmp_path, MULTI), "--json"))}
    for bad in ("10", "101"):
        assert rows[bad]["error"] == "The panel sent an error for this order: 'Incorrect order ID'."
        assert rows[bad]["status"] is rows[bad]["headline"] is rows[bad]["cancellation"] is None
    assert all(row["error"] is None and row["headline"] for order, row in rows.items() if order not in ("10", "101"))


def test_numbers_sent_as_strings_or_numbers_and_a_missing_currency_are_all_read(tmp_path):
    rows = {row["order"]: row for row in answered(triage(write(tmp_path, MULTI), "--json"))}
    assert rows["1"]["status"] == "partial"  # strings, with currency
    assert rows["100"]["status"] == "in_progress"  # strings, no currency
    assert rows["102"]["status"] == "pending"  # numbers


def test_drip_feed_and_subscription_rows_are_answered_by_their_status(tmp_path):
    rows = {row["order"]: row for row in answered(triage(write(tmp_path, MULTI), "--json"))}
    assert (rows["103"]["panel_status"], rows["103"]["status"]) == ("Completed", "completed")
    assert (rows["104"]["panel_status"], rows["104"]["status"]) == ("Active", "in_progress")


def test_the_panel_status_is_reported_as_received_and_the_status_as_the_engine_id(tmp_path):
    rows = answered(triage(write(tmp_path, {"7": {"status": "  cancelled "}, "8": {"status": "Refunded"}}), "--json"))
    assert [(row["panel_status"], row["status"]) for row in rows] == [("  cancelled ", "canceled"),
                                                                      ("Refunded", "canceled")]


def test_csv_has_the_same_columns_and_one_row_per_order(tmp_path):
    result = triage(write(tmp_path, MULTI), "--csv", "--base-url", BASE_URL)
    assert result.returncode == 0, result.stderr
    reader = csv.DictReader(io.StringIO(result.stdout.decode()))
    assert reader.fieldnames == KEYS
    rows = list(reader)
    assert [row["order"] for row in rows] == list(MULTI)
    assert rows[1]["status"] == "" and rows[1]["error"].startswith("The panel sent an error")
    assert rows[0]["link"] == f"{BASE_URL}?status=partial&v={POLICY_VERSION}"


def test_the_table_shows_every_order_with_its_answer_and_a_count(tmp_path):
    result = triage(write(tmp_path, MULTI))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert lines[0].split() == ["ORDER", "PANEL", "STATUS", "STATUS", "CANCELLATION", "REFUND", "ANSWER"]
    assert len(lines) == 1 + len(MULTI) + 1
    assert lines[1].startswith("1 ") and lines[1].endswith(decide("partial").headline)
    assert "Error: The panel sent an error for this order" in lines[2]
    assert lines[-1] == "8 orders: 6 answered, 2 not answered."


def test_facts_apply_to_every_order_and_a_status_they_do_not_fit_is_an_error_in_its_row(tmp_path):
    data = {"1": {"status": "Pending"}, "2": {"status": "Completed"}, "3": {"status": "Processing"}}
    rows = answered(triage(write(tmp_path, data), "--json", "--fact", "service_unavailable"))
    assert rows[0]["headline"] == decide("pending", ["service_unavailable"]).headline
    assert rows[2]["headline"] == decide("processing", ["service_unavailable"]).headline
    assert rows[1]["status"] == "completed" and rows[1]["headline"] is None
    assert "cannot be ticked" in rows[1]["error"]


def test_answers_are_the_engines_answers_for_every_status_word():
    words = ["Pending", "In progress", "Processing", "Partial", "Completed", "Canceled", "Cancelled", "Refunded",
             "Active"]
    data = {str(n): {"status": word} for n, word in enumerate(words)}
    for row in batch.answer_batch(data, [Fact.PAYMENT_RELATED]):
        expected = decide(row.status, ["payment_related"]).to_dict()
        assert (row.cancellation, row.refund, row.headline) == (
            expected["cancellation"]["outlook"], expected["refund"]["outlook"], expected["headline"])


def test_failed_orders_are_answered_with_what_support_should_do(tmp_path):
    rows = answered(triage(write(tmp_path, {"1": {"status": "Fail"}, "2": {"status": "Error"}}), "--json"))
    for row in rows:
        assert row["status"] is None
        assert "resend it or cancel it" in row["error"]


def test_unknown_and_near_miss_statuses_are_errors_in_their_own_row(tmp_path):
    data = {"1": {"status": "Compleeted"}, "2": {"status": "Paused"}, "3": {"status": 5}, "4": {"charge": "1"},
            "5": 7, "6": {"status": "Partial"}}
    rows = answered(triage(write(tmp_path, data), "--json"))
    assert "Did you mean 'completed'?" in rows[0]["error"]
    assert rows[1]["error"].startswith("Unknown order status 'Paused'.")
    assert rows[2]["error"] == "The panel sent a status for this order that is not text."
    assert rows[3]["error"] == "The panel sent no status for this order."
    assert rows[4]["error"] == "The panel's answer for this order is not an order object."
    assert rows[5]["error"] is None
    assert all(isinstance(row["error"], str) and "\n" not in row["error"] for row in rows[:5])


def test_each_link_carries_the_status_the_facts_in_declared_order_and_the_policy_version(tmp_path):
    rows = answered(triage(write(tmp_path, MULTI), "--json", "--base-url", BASE_URL,
                           "--fact", "payment_related", "--fact", "wrong_link", "--fact", "wrong_link"))
    assert rows[0]["link"] == (f"{BASE_URL}?status=partial&fact=wrong_link&fact=payment_related&v={POLICY_VERSION}")
    assert rows[1]["link"] is None  # a bad id has no answer to link to


@pytest.mark.parametrize("url", [
    "ftp://example.com/cancellation/", "javascript:alert(1)", "example.com/cancellation/", "https://",
    "https://user:secret@example.com/cancellation/", "https://example.com/cancellation/?lang=en",
    "https://example.com/cancellation/#desk", "https://exa mple.com/", "https://example.com/\x1b[31m",
    "http://[::1/", "https://example.com:99999/",
])
def test_a_base_url_that_is_not_a_plain_http_address_exits_2(tmp_path, url):
    assert_one_line_error(triage(write(tmp_path, SINGLE), "--base-url", url), "base URL")


@pytest.mark.parametrize(("raw", "expected"), [
    (b"", "empty"),
    (b"Order 1: Partial", "not JSON"),
    (b'{"1": {"status": "Partial"}', "not JSON"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b"[" * 100_000, "nested too deeply"),
    (b"1" * 5000, "too long"),
])
def test_input_that_is_not_json_exits_2_with_one_line(raw, expected):
    assert_one_line_error(triage(stdin=raw), expected)


@pytest.mark.parametrize("raw", [b"[]", b'[{"status": "Partial"}]', b'"Partial"', b"42", b"null", b"true"])
def test_json_of_an_unknown_shape_exits_2_with_one_line(tmp_path, raw):
    path = tmp_path / "orders.json"
    path.write_bytes(raw)
    assert_one_line_error(triage(str(path)), "not one order object")


def test_a_file_that_cannot_be_read_exits_2_with_one_line(tmp_path):
    assert_one_line_error(triage(str(tmp_path / "missing.json")), "No such file")


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "orders.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(SINGLE).encode())
    assert answered(triage(str(path), "--json"))[0]["status"] == "partial"


def test_an_empty_map_is_answered_with_no_orders(tmp_path, capsys):
    path = write(tmp_path, {})
    assert main(["triage", path, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["triage", path, "--csv"]) == 0
    assert capsys.readouterr().out == ",".join(KEYS) + "\n"
    assert main(["triage", path]) == 0
    assert capsys.readouterr().out.endswith("\n0 orders: 0 answered, 0 not answered.\n")


def test_control_characters_from_the_panel_never_reach_the_terminal_raw(tmp_path, capsys):
    hostile = "\x1b]0;owned\x07\x1b[2J\u202e\x9b"
    path = write(tmp_path, {f"1{hostile}": {"status": f"Partial{hostile}"}, "2": hostile, "3": {"status": "Partial"}})
    for option in ([], ["--csv"], ["--json"]):
        assert main(["triage", path, *option]) == 0
        out = capsys.readouterr().out
        assert all(line.isprintable() for line in out.splitlines()), option
        assert "\\x1b" in out or "\\u001b" in out
    assert main(["triage", path, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["order"] == f"1{hostile}" and rows[0]["panel_status"] == f"Partial{hostile}"


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_kept_as_text(tmp_path, capsys):
    assert main(["triage", write(tmp_path, {"=HYPERLINK(\"http://x\")": {"status": "+1"}}), "--csv"]) == 0
    row = next(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row["order"].startswith("'=") and row["panel_status"] == "'+1"


def test_each_status_is_decided_once_however_many_orders_have_it(monkeypatch):
    calls = []

    def counting_decide(status, facts=()):
        calls.append(status)
        return decide(status, facts)

    monkeypatch.setattr(batch, "decide", counting_decide)
    data = {str(n): {"status": ["Pending", "Partial", "In progress", "In Progress"][n % 4]} for n in range(10_000)}
    rows = batch.answer_batch(data, [Fact.WRONG_LINK], BASE_URL)
    assert len(rows) == 10_000 and all(row.error is None for row in rows)
    assert sorted(calls) == ["in_progress", "partial", "pending"]


# Fuzz: whatever a panel (or a paste) sends, triage answers or exits 2 with one line; never a traceback.
WORDS = ["Pending", "In progress", "Processing", "Partial", "Completed", "Canceled", "Cancelled", "Refunded",
         "Active", "Fail", "Error", "in_progress", "", " "]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12),
                    st.sampled_from(WORDS))
jsonish = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                              max_size=3),
                       max_leaves=8)
orders = st.fixed_dictionaries({}, optional={
    "status": st.one_of(st.sampled_from(WORDS), scalars), "charge": scalars, "start_count": scalars,
    "remains": scalars, "currency": scalars, "runs": scalars, "orders": jsonish, "error": scalars,
})
panel_answers = st.one_of(
    orders,
    st.dictionaries(st.one_of(st.integers(0, 10**6).map(str), st.text(max_size=6)),
                    st.one_of(orders, st.text(max_size=20), jsonish), max_size=6),
    jsonish,
)
inputs = st.one_of(panel_answers.map(lambda data: json.dumps(data).encode()), st.binary(max_size=40))
options = st.sampled_from([[], ["--json"], ["--csv"], ["--fact", "service_unavailable", "--json"],
                           ["--base-url", BASE_URL, "--csv"]])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=inputs, option=options, from_stdin=st.booleans())
def test_any_input_gives_answers_or_exits_2_with_one_line(raw, option, from_stdin, tmp_path, capsys, monkeypatch):
    if from_stdin:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
        code = main(["triage", "-", *option])
    else:
        (tmp_path / "orders.json").write_bytes(raw)
        code = main(["triage", str(tmp_path / "orders.json"), *option])
    out, err = capsys.readouterr()
    assert code in (0, 2)
    if code == 2:
        assert out == ""
        assert err.startswith("error: ") and err.endswith("\n") and err.count("\n") == 1
        return
    assert err == ""
    assert all(line.isprintable() for line in out.splitlines())
    if "--json" in option:
        rows = json.loads(out)
        assert all(list(row) == KEYS for row in rows)
        assert all((row["error"] is None) == (row["headline"] is not None) for row in rows)
