"""The bridge the Desk's worker calls: JSON in, JSON out, in CPython (the same code runs in Pyodide)."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

from policy_engine import bridge, decide, decision_table
from policy_engine.links import check_link

ROOT = Path(__file__).resolve().parent.parent


def call(method, params=None) -> dict:
    text = bridge.call(method, json.dumps(params if params is not None else {}))
    assert isinstance(text, str)
    return json.loads(text)


def test_decide_returns_the_engines_decision_as_data():
    reply = call("decide", {"status": "processing", "facts": ["wrong_link", "duplicate_order"]})
    assert reply == {"ok": True, "value": decide("processing", ["wrong_link", "duplicate_order"]).to_dict()}


def test_table_returns_every_case_of_the_decision_table():
    reply = call("table")
    assert reply["ok"] is True
    assert reply["value"] == [d.to_dict() for d in decision_table()]


def test_check_link_returns_the_link_check_as_data():
    reply = call("check_link", {"text": "https://t.me/+AbCdEfGhIj"})
    assert reply == {"ok": True, "value": check_link("https://t.me/+AbCdEfGhIj").to_dict()}
    assert reply["value"]["public"] is False


def test_draft_ticket_returns_the_draft_as_data():
    reply = call("draft_ticket", {
        "order_id": "123456", "telegram_link": "@yourchannel", "correct_link": "@mychannel",
        "service": "Telegram views", "reason": "I pasted the wrong channel link.", "status": "processing",
        "facts": ["wrong_link"],
        "answer_link": "https://policy.example/cancellation/?status=processing&fact=wrong_link",
    })
    assert reply["ok"] is True
    assert "123456" in reply["value"]["text"]
    assert "Correct Telegram link: @mychannel" in reply["value"]["text"]
    assert {"label", "value"} <= set(reply["value"]["fields"][0])
    assert reply["value"]["fields"][-1]["label"] == "Answer checked on the policy site"


def test_bad_ticket_fields_come_back_as_problems_per_field():
    reply = call("draft_ticket", {
        "order_id": "abc", "telegram_link": "", "service": "", "reason": "", "status": "processing",
    })
    assert reply["ok"] is False
    error = reply["error"]
    assert error["kind"] == "TicketFieldError"
    assert {"order_id", "telegram_link"} <= set(error["problems"])
    assert all(isinstance(message, str) and message for message in error["problems"].values())
    assert error["secrets"] == []


def test_a_password_in_a_ticket_comes_back_as_a_secret_without_its_text():
    reply = call("draft_ticket", {
        "order_id": "123456", "telegram_link": "@yourchannel", "service": "Telegram views",
        "reason": "Please cancel, my password is Hunter22", "status": "pending",
    })
    assert reply["ok"] is False
    assert reply["error"]["secrets"] == ["reason"]
    assert set(reply["error"]["problems"]) == {"reason"}
    assert "Hunter22" not in json.dumps(reply)


def test_a_circumstance_not_offered_for_the_status_comes_back_as_a_contradiction():
    reply = call("decide", {"status": "canceled", "facts": ["wrong_link"]})
    assert reply["ok"] is False
    assert reply["error"]["kind"] == "ContradictoryInputError"
    assert "“The Telegram link I submitted is wrong”" in reply["error"]["message"]


def test_an_unknown_status_names_the_valid_ones():
    reply = call("decide", {"status": "shipped"})
    assert reply["ok"] is False
    assert reply["error"]["kind"] == "UnknownStatusError"
    assert "processing" in reply["error"]["message"] and reply["error"]["problems"] == {}


@pytest.mark.parametrize("method", ["", "DECIDE", "__import__", "call", None, 3, "x" * 500])
def test_an_unknown_method_lists_the_valid_methods(method):
    reply = json.loads(bridge.call(method, "{}"))
    assert reply["ok"] is False
    assert reply["error"]["kind"] == "UnknownMethodError"
    for name in ("decide", "check_link", "draft_ticket", "table"):
        assert name in reply["error"]["message"]
    assert len(reply["error"]["message"]) < 200


@pytest.mark.parametrize("params_json", [
    "not json", "[1, 2]", '"text"', "42", '{"status": "pending", "colour": "red"}', '{"facts": []}',
    "{" * 10_000, "x" * 200_000, b"{}",
])
def test_parameters_that_do_not_fit_get_a_clear_message(params_json):
    reply = json.loads(bridge.call("decide", params_json))
    assert reply["ok"] is False
    assert reply["error"]["kind"] == "BadParamsError"
    assert "decide takes: status, facts (optional)" in reply["error"]["message"]


def test_empty_or_null_parameters_mean_none():
    assert json.loads(bridge.call("table", ""))["ok"] is True
    assert json.loads(bridge.call("table", "null"))["ok"] is True


def test_a_bug_in_the_engine_is_reported_without_a_traceback(monkeypatch):
    def broken() -> list:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(bridge.METHODS, "table", broken)
    reply = call("table")
    assert reply["ok"] is False
    assert reply["error"]["kind"] == "ZeroDivisionError"
    message = reply["error"]["message"]
    assert "Traceback" not in message and "division" not in message
    assert "policy engine" not in message.lower() and "ZeroDivisionError" not in message  # plain words only
    assert "answers on the page" in message


def test_replies_keep_non_ascii_text_readable():
    reply = bridge.call("check_link", json.dumps({"text": "@ünïcode"}))
    assert "“ünïcode”" in reply


def test_the_bridge_uses_only_the_standard_library_and_the_engine():
    tree = ast.parse((ROOT / "policy_engine" / "bridge.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported
