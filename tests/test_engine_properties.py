"""The engine's promises, checked over every input: the whole decision table, and arbitrary text."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_engine import (
    PROGRESSION,
    CancellationOutlook,
    ContradictoryInputError,
    Fact,
    PolicyInputError,
    RefundOutlook,
    Status,
    TicketFieldError,
    UnknownFactError,
    UnknownStatusError,
    case_key,
    decide,
    draft_ticket,
    is_consistent,
)
from policy_engine.decision import DECIDES, OUTWEIGHED, ROLES
from policy_engine.facts import FACTS, offered
from policy_engine.rules import EVERY_ANSWER, RULES_BY_ID
from policy_engine.statuses import STATUSES, Phase
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
        if fact in decision.facts or not offered(decision.status, fact):
            continue
        worse = BY_KEY[case_key(decision.status, decision.facts + (fact,))]
        assert worse.cancellation.rank >= decision.cancellation.rank
        assert worse.refund.rank >= decision.refund.rank


def test_a_completed_order_is_never_cancellable():
    completed = [d for d in TABLE if d.status is Status.COMPLETED]
    assert completed
    assert all(d.cancellation is CancellationOutlook.NOT_AVAILABLE for d in completed)


def routed_rules() -> set[str]:
    """The rules the status and circumstance records (and the money cases) give as reasons."""
    routed = {record.rule for record in STATUSES.values()}
    routed |= {effect.rule for record in FACTS.values() for effect in record.effects.values() if effect.rule}
    return routed | {outlook.rule for outlook in RefundOutlook if outlook.rule}


def test_every_rule_a_record_cites_is_given_as_a_reason_by_some_decision():
    cited = {rule.id for decision in TABLE for rule in decision.reasons}
    assert routed_rules() <= set(RULES_BY_ID)
    assert cited == routed_rules()


def test_rules_that_hold_for_every_answer_are_stated_once_never_among_its_reasons():
    assert set(EVERY_ANSWER) <= set(RULES_BY_ID)
    for decision in TABLE:
        assert not {rule.id for rule in decision.reasons} & set(EVERY_ANSWER), decision


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


def ranks(decision) -> tuple[int, int]:
    return decision.cancellation.rank, decision.refund.rank


def customer_moves(decision) -> list[Fact]:
    """What a customer can do about an answer: report a circumstance, or undo one."""
    return [fact for fact in Fact if offered(decision.status, fact) and (
        (fact not in decision.facts and FACTS[fact].report) or (fact in decision.facts and FACTS[fact].undo))]


def test_what_would_change_it_is_a_move_the_customer_can_make_and_really_better():
    offered_changes = 0
    for decision in TABLE:
        moves = customer_moves(decision)
        helping = [
            toggled for size in range(1, len(moves) + 1) for toggled in itertools.combinations(moves, size)
            if ranks(decide(decision.status, set(decision.facts) ^ set(toggled))) < ranks(decision)
        ]
        change = decision.would_change
        if not helping:
            assert change is None, decision
            continue
        assert change is not None, decision
        assert set(change.add) | set(change.remove) <= set(moves)
        assert all(FACTS[fact].report for fact in change.add) and all(FACTS[fact].undo for fact in change.remove)
        assert len(change.add) + len(change.remove) == min(len(toggled) for toggled in helping)  # the fewest
        better = decide(decision.status, (set(decision.facts) | set(change.add)) - set(change.remove))
        assert (better.cancellation, better.refund) == (change.cancellation, change.refund)
        assert ranks(better) < ranks(decision)
        phrases = [FACTS[fact].undo for fact in change.remove] + [FACTS[fact].report for fact in change.add]
        assert change.text.startswith(" and ".join(phrases) + ": ") and change.text.endswith(".")
        offered_changes += 1
    assert offered_changes  # some answers can be changed by the customer


def test_the_json_contract_of_a_decision():
    data = decide("processing", ["wrong_link", "payment_related"]).to_dict()
    assert {"status", "headline", "facts", "cancellation", "refund", "reasons", "ticket_fields", "next_step",
            "would_change", "policy_version"} <= set(data)
    assert data["status"] == "processing"
    assert data["facts"] == ["wrong_link", "payment_related"]
    assert data["cancellation"]["outlook"] == "may_be_reviewed"
    assert {"outlook", "word", "label", "summary"} <= set(data["cancellation"])
    assert data["refund"]["outlook"] == "limited"
    assert {"outlook", "case", "word", "label", "summary", "guaranteed"} <= set(data["refund"])
    assert [(reason["rule"], reason["role"]) for reason in data["reasons"]] == [
        ("may.wrong_link_reported_quickly", "decides"), ("balance.processing_review", "supports"),
        ("status.processing", "outweighed")]
    assert data["ticket_fields"] == ["order_id", "telegram_link", "correct_link", "service", "reason",
                                     "transaction_reference", "amount"]
    json.dumps(data)  # plain data all the way down


# --- Each answer reads well: a headline, ordered reasons, a next step that fits ---------------------

def sentences(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.!?])\s+", text.strip()) if part]


def role_of(decision, rule_id: str) -> str | None:
    """The role a rule plays among a decision's reasons, or None when it is not cited."""
    return next((role for rule, role in zip(decision.reasons, decision.roles, strict=True) if rule.id == rule_id), None)


def customer_texts(decision) -> list[str]:
    """Every sentence of a decision that a customer reads."""
    data = decision.to_dict()
    texts = [data["headline"], data["next_step"]]
    texts += [data[part][key] for part in ("cancellation", "refund") for key in ("word", "label", "summary")]
    texts += [text for reason in data["reasons"] for text in (reason["title"], reason["text"])]
    if data["would_change"]:
        texts.append(data["would_change"]["text"])
    return texts


def test_every_headline_is_one_plain_sentence_or_two_short_ones():
    for decision in TABLE:
        headline = decision.headline
        assert len(headline) <= 90, headline
        assert 1 <= len(sentences(headline)) <= 2, headline
        assert all(sentence[0].isupper() and sentence.endswith(".") for sentence in sentences(headline)), headline
        assert "\n" not in headline
    assert len({decision.headline for decision in TABLE}) > 1  # not one sentence for every answer


def test_reasons_start_with_the_one_that_decides_then_those_that_agree_then_those_outweighed():
    for decision in TABLE:
        roles = decision.roles
        assert len(roles) == len(decision.reasons) and set(roles) <= set(ROLES)
        assert roles[0] == DECIDES and roles.count(DECIDES) == 1, decision
        assert list(roles) == sorted(roles, key=ROLES.index), decision
        assert [reason["role"] for reason in decision.to_dict()["reasons"]] == list(roles)


def test_no_reason_is_given_twice():
    for decision in TABLE:
        for part in ("id", "title", "statement"):
            values = [getattr(rule, part) for rule in decision.reasons]
            assert len(values) == len(set(values)), (decision.status, decision.facts, part)


def test_every_reason_comes_from_the_status_a_ticked_circumstance_or_the_money_case():
    for decision in TABLE:
        phase = decision.status.phase
        expected = {STATUSES[decision.status].rule}
        expected |= {FACTS[fact].effects[phase].rule for fact in decision.facts if FACTS[fact].effects[phase].rule}
        expected |= {decision.refund.rule} - {None}
        assert {rule.id for rule in decision.reasons} == expected, decision


def test_a_circumstance_that_would_only_have_helped_earlier_is_never_a_reason_for_the_answer():
    checked = 0
    for decision in TABLE:
        for fact in decision.facts:
            effect = FACTS[fact].effects[decision.status.phase]
            if effect.too_late:
                assert role_of(decision, effect.rule) == OUTWEIGHED, (decision.status, decision.facts, fact)
                checked += 1
    assert checked


def test_the_status_answer_is_outweighed_exactly_when_a_circumstance_changed_it():
    for decision in TABLE:
        record = STATUSES[decision.status]
        changed = decision.cancellation is not record.cancellation
        assert (role_of(decision, record.rule) == OUTWEIGHED) is changed, decision


def test_a_pending_order_whose_service_disallows_cancelling_never_shows_pending_as_support():
    strict = [d for d in TABLE if d.status is Status.PENDING and Fact.SERVICE_DISALLOWS in d.facts]
    assert len(strict) == 2 ** (len(Fact) - 1)
    for decision in strict:
        assert decision.cancellation is CancellationOutlook.UNLIKELY
        assert role_of(decision, "status.pending") == OUTWEIGHED, decision.facts


def test_the_next_step_never_says_before_delivery_once_delivery_started():
    for decision in TABLE:
        if decision.status.phase is not Phase.NOT_STARTED:
            assert "before delivery" not in decision.next_step.lower(), decision
        if decision.status.phase is Phase.OVER:  # partial, completed, canceled: nothing is left to advance
            for text in customer_texts(decision):
                assert "before delivery advances" not in text, (decision.status, decision.facts, text)
    # Before delivery starts, reporting early is exactly what the next step says.
    assert "before delivery starts" in decide("processing", ["wrong_link"]).next_step


# --- Plain words: no ids, case letters or tool names in anything a customer reads --------------------

RULE_ID_PREFIXES = sorted({rule_id.split(".", 1)[0] for rule_id in RULES_BY_ID})
NOT_PLAIN = {
    "a case letter": re.compile(r"\b[Cc]ase [A-D]\b"),
    "an id": re.compile(r"(?<![\w/])[a-z0-9]+(?:_[a-z0-9]+)+\b"),
    "a rule id": re.compile(rf"\b(?:{'|'.join(RULE_ID_PREFIXES)})\.[a-z]"),
    "a tool's word": re.compile(r"outlook|balance handling|pyodide|policy engine", re.IGNORECASE),
    "the US spelling": re.compile(r"\bcancel(?:ed|ing|able|ation)\b", re.IGNORECASE),
}
CANCELED_LABEL = Status.CANCELED.label  # the panel's own word, kept as the status label


def not_plain(text: str) -> list[str]:
    """What in a customer-facing text is not plain words; the quoted status label "Canceled" is allowed."""
    if text == CANCELED_LABEL:
        return []
    text = text.replace(f"“{CANCELED_LABEL}”", "“…”")
    return [f"{what}: {match.group(0)!r}" for what, pattern in NOT_PLAIN.items() for match in pattern.finditer(text)]


def ticket_problems(**fields) -> list[str]:
    with pytest.raises(TicketFieldError) as refused:
        draft_ticket(**{"order_id": "", "telegram_link": "", "service": "", "reason": "", "status": "pending",
                        **fields})
    return list(refused.value.problems.values())


def every_customer_text() -> list[str]:
    texts = [text for decision in TABLE for text in customer_texts(decision)]
    texts += [text for enum in (CancellationOutlook, RefundOutlook) for outlook in enum
              for text in (outlook.word, outlook.label, outlook.headline, outlook.summary)]
    texts += [text for status in Status for text in (status.label, status.meaning)]
    texts += [text for fact in Fact for text in (fact.label, fact.explanation, FACTS[fact].not_offered) if text]
    for status in Status:
        for fact in Fact:
            if not offered(status, fact):
                with pytest.raises(ContradictoryInputError) as error:
                    decide(status, [fact])
                texts.append(str(error.value))
    texts += ticket_problems(facts=["wrong_link", "payment_related"])  # every field missing
    texts += ticket_problems(order_id="abc", telegram_link="https://example.com", correct_link="nope",
                             service="x", reason="no", facts=["wrong_link", "payment_related"],
                             transaction_reference="ab", amount="-3", answer_link="ftp://example.com")
    texts += ticket_problems(order_id="1\u202e", telegram_link="@abc", service="Members\nAmount: 5",
                             reason="my password is Hunter22", facts=["payment_related"],
                             transaction_reference="TX 1", amount="12.345")
    texts += ticket_problems(amount="0", facts=["payment_related"], reason="x" * 2001, service="y" * 201)
    texts += ticket_problems(status="canceled", facts=["wrong_link"])
    return texts


def test_every_customer_facing_text_uses_plain_words():
    texts = every_customer_text()
    assert len(texts) > 1000
    found = {text: problems for text in set(texts) if (problems := not_plain(text))}
    assert found == {}


@pytest.mark.parametrize("text", [
    "Balance case A applies.", "Your order is in_progress.", "See may.pending.", "The refund outlook is limited.",
    "Support may review balance handling.", "Loading Pyodide…", "The policy engine failed.",
    "Canceled orders are stopped.", "Completed orders are not cancelable.", "The order was canceled.",
])
def test_the_plain_words_check_catches_ids_case_letters_tool_names_and_us_spelling(text):
    assert not_plain(text)


@pytest.mark.parametrize("text", [
    CANCELED_LABEL, "An order that is “Canceled” cannot be changed.", "Cancelled orders are already stopped.",
    "Completed orders are not cancellable.", "Cancellation is limited.", "Paste a link like https://t.me/yourchannel.",
])
def test_the_plain_words_check_lets_plain_words_and_the_status_label_through(text):
    assert not_plain(text) == []


@settings(max_examples=200, deadline=None)
@given(status=st.sampled_from(list(Status)), facts=st.lists(st.sampled_from(list(Fact)), max_size=8))
def test_the_order_and_repetition_of_ticked_circumstances_never_change_the_answer(status, facts):
    try:
        answer = decide(status, set(facts))
    except ContradictoryInputError as error:
        with pytest.raises(ContradictoryInputError) as again:
            decide(status, list(reversed(facts)))
        assert str(again.value) == str(error)
        return
    assert decide(status, facts) == answer
    assert decide(status, [fact.value for fact in reversed(facts)]) == answer


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


@pytest.mark.parametrize("status", ["in_progress", "partial", "completed", "canceled"])
def test_an_unavailable_service_cannot_be_ticked_once_delivery_started_or_the_order_is_cancelled(status):
    with pytest.raises(ContradictoryInputError) as error:
        decide(status, ["service_unavailable"])
    assert "“The service is unavailable”" in str(error.value)
    assert FACTS[Fact.SERVICE_UNAVAILABLE].not_offered in str(error.value)


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
