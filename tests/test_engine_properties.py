"""The engine's promises, checked over every input: the whole decision table, and arbitrary text."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_engine import (
    PROGRESSION,
    RULES,
    CancellationOutlook,
    ContradictoryInputError,
    Fact,
    PolicyInputError,
    Status,
    UnknownFactError,
    UnknownStatusError,
    case_key,
    decide,
    is_consistent,
)
from policy_engine.table import decision_table, fact_sets

TABLE = decision_table()
BY_KEY = {case_key(d.status, d.facts): d for d in TABLE}
STATUS_IDS = [status.value for status in Status]
FACT_IDS = [fact.value for fact in Fact]


def test_the_table_holds_every_consistent_case_once():
    expected = [(s, fs) for s in Status for fs in fact_sets() if is_consistent(s, frozenset(fs))]
    assert len(TABLE) == len(BY_KEY) == len(expected)
    assert set(BY_KEY) == {case_key(s, fs) for s, fs in expected}


def test_with_the_same_facts_the_outlook_never_improves_as_the_order_advances():
    checked = 0
    for facts in fact_sets():
        ranks = [
            (BY_KEY[key].cancellation.rank, BY_KEY[key].refund.rank)
            for status in PROGRESSION
            if (key := case_key(status, facts)) in BY_KEY
        ]
        for earlier, later in zip(ranks, ranks[1:], strict=False):
            assert later[0] >= earlier[0], facts  # cancellation
            assert later[1] >= earlier[1], facts  # balance and refund
            checked += 1
    assert checked >= 32 * 3  # every fact set without service_unavailable walks the whole path


@pytest.mark.parametrize("fact", [Fact.TARGET_CHANGED, Fact.SERVICE_DISALLOWS])
def test_adding_a_late_target_change_or_a_strict_service_rule_never_improves_the_outlook(fact):
    for decision in TABLE:
        if fact in decision.facts:
            continue
        worse = BY_KEY[case_key(decision.status, decision.facts + (fact,))]
        assert worse.cancellation.rank >= decision.cancellation.rank
        assert worse.refund.rank >= decision.refund.rank


def test_a_completed_order_is_never_cancellable():
    completed = [d for d in TABLE if d.status is Status.COMPLETED]
    assert completed
    assert all(d.cancellation is CancellationOutlook.NOT_AVAILABLE for d in completed)


def test_every_rule_is_cited_by_some_decision():
    cited = {rule.id for decision in TABLE for rule in decision.reasons}
    assert [rule.id for rule in RULES if rule.id not in cited] == []


def test_every_decision_cites_at_least_one_rule_and_each_reason_links_to_its_section():
    for decision in TABLE:
        reasons = decision.to_dict()["reasons"]
        assert reasons
        for reason in reasons:
            assert set(reason) >= {"rule", "text", "link"}
            page, _, anchor = reason["link"].partition("#")
            assert page.endswith("/") and anchor


def test_no_outlook_promises_a_refund():
    for decision in TABLE:
        data = decision.to_dict()
        assert data["refund"]["guaranteed"] is False
        text = json.dumps(data, ensure_ascii=False).lower()
        for promise in ("guaranteed refund", "will be refunded", "refund is guaranteed", "full refund"):
            assert promise not in text


def test_what_would_change_it_is_really_better_and_consistent():
    for decision in TABLE:
        change = decision.would_change
        if change is None:
            continue
        facts = (set(decision.facts) | set(change.add)) - set(change.remove)
        better = decide(decision.status, facts)
        assert (better.cancellation, better.refund) == (change.cancellation, change.refund)
        assert (better.cancellation.rank, better.refund.rank) < (decision.cancellation.rank, decision.refund.rank)
        assert change.text[0].isupper() and change.text.endswith(".")


def test_the_json_contract_of_a_decision():
    data = decide("processing", ["wrong_link", "payment_related"]).to_dict()
    assert {"status", "facts", "cancellation", "refund", "reasons", "ticket_fields", "next_step",
            "would_change"} <= set(data)
    assert data["status"] == "processing"
    assert data["facts"] == ["wrong_link", "payment_related"]
    assert data["cancellation"]["outlook"] == "limited"
    assert data["refund"]["outlook"] == "limited"
    assert data["ticket_fields"] == ["order_id", "telegram_link", "service", "reason", "transaction_reference",
                                     "amount"]
    json.dumps(data)  # plain data all the way down


# --- Bad input: a specific error whose message names the valid values ----------------------------

@pytest.mark.parametrize("status", ["", "  ", "Pending ", "PENDING", "in progress", "done", None, 3, "x" * 500])
def test_an_unknown_status_names_the_valid_statuses(status):
    with pytest.raises(UnknownStatusError) as error:
        decide(status)
    message = str(error.value)
    assert all(valid in message for valid in STATUS_IDS)
    assert len(message) < 300


@pytest.mark.parametrize("facts", [["nope"], ["wrong_link", "WRONG_LINK"], [None], [""], [3]])
def test_an_unknown_circumstance_names_the_valid_circumstances(facts):
    with pytest.raises(UnknownFactError) as error:
        decide("pending", facts)
    assert all(valid in str(error.value) for valid in FACT_IDS)


@pytest.mark.parametrize("status", ["in_progress", "partial", "completed"])
def test_an_unavailable_service_contradicts_started_delivery(status):
    with pytest.raises(ContradictoryInputError) as error:
        decide(status, ["service_unavailable"])
    assert "pending, processing or canceled" in str(error.value)


@pytest.mark.parametrize("facts", [None, 5, b"wrong_link", {"wrong_link": False}])
def test_circumstances_that_are_not_a_list_of_ids_are_refused_not_guessed(facts):
    with pytest.raises(UnknownFactError) as error:
        decide("pending", facts)
    assert "Valid circumstances: wrong_link" in str(error.value)


def test_a_single_fact_id_as_text_is_read_as_one_fact():
    assert decide("pending", "wrong_link").facts == (Fact.WRONG_LINK,)


near_valid = st.sampled_from(STATUS_IDS + FACT_IDS).flatmap(
    lambda word: st.sampled_from([word, word.upper(), f" {word}", f"{word}\n", word.replace("_", " "), word + "\x00"])
)
any_text = st.one_of(st.text(), near_valid)


@settings(max_examples=200, deadline=None)
@given(status=any_text, facts=st.lists(any_text, max_size=4))
def test_any_text_gives_a_decision_or_a_policy_input_error(status, facts):
    try:
        decision = decide(status, facts)
    except PolicyInputError as error:
        assert str(error).strip()
        return
    assert decision.status.value == status
    assert {fact.value for fact in decision.facts} == set(facts)


@settings(max_examples=100, deadline=None)
@given(status=st.one_of(st.none(), st.integers(), st.binary(), st.lists(st.text())),
       facts=st.one_of(st.lists(st.one_of(st.none(), st.integers(), st.binary()), min_size=1), st.text(),
                       st.none(), st.integers(), st.binary(min_size=1), st.dictionaries(st.text(), st.booleans())))
def test_values_that_are_not_text_give_a_policy_input_error(status, facts):
    with pytest.raises(PolicyInputError):
        decide(status, facts)
