"""Each statement of the Cancellation Policy (shared/seed/cancellation-policy.txt), checked against decide()."""

from __future__ import annotations

import pytest
from test_engine_properties import customer_texts

from policy_engine import (
    RULES,
    CancellationOutlook,
    ContradictoryInputError,
    Fact,
    RefundOutlook,
    Status,
    TicketFieldError,
    decide,
    draft_ticket,
)
from policy_engine.decision import DECIDES, OUTWEIGHED, SUPPORTS
from policy_engine.facts import FACTS, offered
from policy_engine.rules import EVERY_ANSWER, RULES_BY_ID, Topic
from policy_engine.table import decision_table, fact_sets
from policy_engine.tickets import ALWAYS_REQUIRED, TicketField

TABLE = decision_table()  # every status with every consistent set of circumstances

C = CancellationOutlook
R = RefundOutlook
BEFORE_DELIVERY = (Status.PENDING, Status.PROCESSING)
DELIVERY_STARTED = (Status.IN_PROGRESS, Status.PARTIAL, Status.COMPLETED)
DELIVERY_OVER = (Status.PARTIAL, Status.COMPLETED)
# The "When cancellation may be possible" list.
MAY_BE_POSSIBLE = (Fact.WRONG_LINK, Fact.DUPLICATE_ORDER, Fact.SERVICE_UNAVAILABLE)
BALANCE_CASES = tuple(outlook.rule for outlook in RefundOutlook if outlook.rule)  # A to D


def cited(decision) -> set[str]:
    return {rule.id for rule in decision.reasons}


def role(decision, rule_id: str) -> str | None:
    """The role a rule plays in a decision's reasons, or None when it is not cited."""
    return next((r for rule, r in zip(decision.reasons, decision.roles, strict=True) if rule.id == rule_id), None)


def deciding(decision) -> str:
    return decision.reasons[decision.roles.index(DECIDES)].id


def rules_of(topic: Topic) -> list[str]:
    return [rule.id for rule in RULES if rule.topic is topic]


def outlooks(decision) -> tuple[CancellationOutlook, RefundOutlook]:
    return decision.cancellation, decision.refund


# --- Check the order status before you cancel (01-05) ------------------------------------------

def test_01_pending_orders_may_be_reviewed():
    decision = decide("pending")
    assert outlooks(decision) == (C.MAY_BE_REVIEWED, R.BALANCE_REVIEW)
    assert deciding(decision) == "status.pending"
    assert "ticket" in decision.next_step


def test_02_processing_orders_are_limited():
    decision = decide("processing")
    assert decision.cancellation is C.LIMITED
    assert decision.cancellation.rank > decide("pending").cancellation.rank
    assert deciding(decision) == "status.processing"


def test_03_in_progress_orders_usually_continue():
    decision = decide("in_progress")
    assert decision.cancellation is C.UNLIKELY
    assert deciding(decision) == "status.in_progress"
    assert "continue" in decision.next_step


def test_04_completed_orders_cannot_be_cancelled_whatever_the_circumstances():
    completed = [d for d in TABLE if d.status is Status.COMPLETED]
    assert len(completed) == 2 ** (len(Fact) - 1)  # every set of circumstances but "the service is unavailable"
    for decision in completed:
        assert outlooks(decision) == (C.NOT_AVAILABLE, R.NOT_AVAILABLE)
        assert deciding(decision) == "status.completed"


def test_05_wrong_links_must_be_reported_fast_with_the_correct_link():
    for status in Status:
        if not offered(status, Fact.WRONG_LINK):
            continue
        decision = decide(status, ["wrong_link"])
        assert "correct link" in decision.next_step, status
        assert TicketField.CORRECT_LINK in decision.ticket_fields, status
    for status in (*BEFORE_DELIVERY, Status.IN_PROGRESS):
        assert "Open a ticket now" in decide(status, ["wrong_link"]).next_step
    # While delivery runs, the 05 statement itself is the reason: report it before delivery advances.
    assert role(decide("in_progress", ["wrong_link"]), "status.wrong_link") == SUPPORTS


def test_partial_orders_are_reviewed_by_service_rules():
    decision = decide("partial")
    assert outlooks(decision) == (C.LIMITED, R.SERVICE_RULES)
    assert deciding(decision) == "status.partial"
    assert "stopped" in decision.headline


def test_canceled_orders_have_nothing_left_to_cancel_and_the_balance_can_be_checked():
    decision = decide("canceled")
    assert outlooks(decision) == (C.NOTHING_TO_CANCEL, R.BALANCE_CHECK)
    assert deciding(decision) == "status.canceled"
    assert "balance" in decision.next_step and "ticket" in decision.next_step


# --- How cancellation requests are reviewed ----------------------------------------------------

def test_review_01_a_ticket_always_asks_for_order_id_link_service_and_reason():
    statement = RULES_BY_ID["review.open_ticket"].statement
    for words in ("order ID", "Telegram link", "service name", "reason"):
        assert words in statement
    for decision in TABLE:
        assert set(ALWAYS_REQUIRED) <= set(decision.ticket_fields)
        assert list(decision.ticket_fields) == sorted(decision.ticket_fields, key=list(TicketField).index)


def test_review_02_support_checks_each_status_the_policy_names():
    statement = next(rule for rule in RULES if rule.id == "review.status_checked").statement
    for status in ("pending", "processing", "in progress", "partial", "completed"):
        assert status in statement
        assert decide(status.replace(" ", "_")).status.label.lower() == status


def test_review_03_some_services_cannot_be_stopped_once_submitted():
    assert decide("pending").cancellation is C.MAY_BE_REVIEWED
    strict = decide("pending", ["service_disallows"])
    assert strict.cancellation is C.UNLIKELY
    assert deciding(strict) == "not.service_rule"


def test_review_04_the_answer_is_the_likely_outcome_and_support_sends_the_final_one():
    assert "review.final_answer" in EVERY_ANSWER  # stated once beside the Desk, not in each answer
    for decision in TABLE:
        assert decision.to_dict()["refund"]["guaranteed"] is False
        assert "review.final_answer" not in cited(decision)


# --- When cancellation may be possible -----------------------------------------------------------

def test_may_be_reviewed_order_is_still_pending():
    for facts in ([], ["wrong_link"], ["duplicate_order"], ["service_unavailable"], ["payment_related"]):
        decision = decide("pending", facts)
        assert decision.cancellation is C.MAY_BE_REVIEWED
        assert deciding(decision) == "status.pending"


@pytest.mark.parametrize(("fact", "rule_id"), [
    ("wrong_link", "may.wrong_link_reported_quickly"),
    ("duplicate_order", "may.duplicate_detected_early"),
    ("service_unavailable", "may.service_unavailable"),
])
def test_may_be_reviewed_when_reported_before_delivery_starts(fact, rule_id):
    assert role(decide("pending", [fact]), rule_id) == SUPPORTS  # pending may be reviewed anyway
    processing = decide("processing", [fact])
    assert processing.cancellation is C.MAY_BE_REVIEWED
    assert role(processing, rule_id) == DECIDES
    assert role(processing, "status.processing") == OUTWEIGHED


def test_may_be_reviewed_service_is_unavailable():
    for status in BEFORE_DELIVERY:
        decision = decide(status, ["service_unavailable"])
        assert outlooks(decision) == (C.MAY_BE_REVIEWED, R.BALANCE_REVIEW)
        assert "may.service_unavailable" in cited(decision)


@pytest.mark.parametrize(("fact", "rule_id"), [
    ("wrong_link", "may.wrong_link_reported_quickly"),
    ("duplicate_order", "may.duplicate_detected_early"),
])
def test_reported_after_delivery_is_over_the_early_report_rules_are_outweighed(fact, rule_id):
    for status in DELIVERY_OVER:
        decision = decide(status, [fact])
        assert role(decision, rule_id) == OUTWEIGHED
        assert outlooks(decision) == outlooks(decide(status))
    assert role(decide("in_progress", ["duplicate_order"]), "may.duplicate_detected_early") == OUTWEIGHED


# --- When cancellation may be rejected -----------------------------------------------------------

def test_usually_not_available_once_delivery_started():
    for decision in TABLE:
        if decision.status in DELIVERY_STARTED:
            assert decision.cancellation is not C.MAY_BE_REVIEWED
    assert deciding(decide("in_progress")) == "status.in_progress"


def test_usually_not_available_order_is_completed():
    assert deciding(decide("completed")) == "status.completed"
    assert decide("completed").cancellation is C.NOT_AVAILABLE


def test_usually_not_available_target_was_changed_late():
    for status in (Status.PENDING, Status.PROCESSING, Status.PARTIAL):
        changed = decide(status, ["target_changed"])
        assert deciding(changed) == "not.target_changed"
        assert changed.cancellation.rank == decide(status).cancellation.rank + 1  # one step lower
    # An order still being delivered is already "unlikely": a late change cannot make it "cannot be cancelled".
    running = decide("in_progress", ["target_changed"])
    assert running.cancellation is C.UNLIKELY and role(running, "not.target_changed") == SUPPORTS
    assert role(decide("completed", ["target_changed"]), "not.target_changed") == SUPPORTS


def test_usually_not_available_service_rule_does_not_allow_it():
    for status in Status:
        if not offered(status, Fact.SERVICE_DISALLOWS):
            continue
        decision = decide(status, ["service_disallows"])
        assert "not.service_rule" in cited(decision)
        assert decision.cancellation.rank >= C.UNLIKELY.rank


# --- Balance, refund and credit: A to D, and never automatic -------------------------------------

@pytest.mark.parametrize(("status", "case", "rule_id"), [
    ("pending", "A", "balance.pending_review"),
    ("processing", "B", "balance.processing_review"),
    ("partial", "C", "balance.partial_result"),
    ("completed", "D", "balance.completed_order"),
])
def test_balance_cases_a_to_d(status, case, rule_id):
    decision = decide(status)
    assert decision.refund.case == case
    assert decision.to_dict()["refund"]["case"] == case
    assert role(decision, rule_id) == SUPPORTS


def test_cancellation_never_automatically_means_a_refund():
    assert "balance.not_automatic" in EVERY_ANSWER  # stated once beside the Desk
    for decision in TABLE:
        assert "balance.not_automatic" not in cited(decision)
        assert decision.to_dict()["refund"]["guaranteed"] is False


def test_payment_cases_ask_for_transaction_reference_and_amount_without_changing_the_answer():
    for decision in TABLE:
        payment = Fact.PAYMENT_RELATED in decision.facts
        assert ("transaction_reference" in decision.ticket_fields) is payment
        assert ("amount" in decision.ticket_fields) is payment
        assert ("transaction reference and the amount" in decision.next_step) is payment
        if payment:
            without = decide(decision.status, set(decision.facts) - {Fact.PAYMENT_RELATED})
            assert outlooks(decision) == outlooks(without)
            assert decision.reasons == without.reasons


# --- Before you place an order -------------------------------------------------------------------

def test_the_before_you_order_checklist_is_advice_for_the_next_order_never_a_reason_for_this_one():
    checklist = set(rules_of(Topic.BEFORE_ORDERING))
    assert len(checklist) == 5
    for decision in TABLE:
        assert not cited(decision) & checklist, decision.facts


def test_checklist_has_the_four_numbered_steps():
    marks = [rule.seed_mark for rule in RULES if rule.topic is Topic.BEFORE_ORDERING and rule.seed_mark]
    assert marks == ["1", "2", "3", "4"]


# --- No password required ------------------------------------------------------------------------

def test_no_password_rule_points_to_its_page():
    rule = next(rule for rule in RULES if rule.id == "before.no_password")
    assert rule.page == "no-password-required/"
    assert "password" in rule.statement


def test_a_ticket_never_carries_a_password():
    with pytest.raises(TicketFieldError) as refused:
        draft_ticket(order_id="123456", telegram_link="@durov", service="Telegram members",
                     reason="Please cancel, my password is Hunter22", status="pending")
    assert refused.value.secrets == ("reason",)
    assert "We never need it" in refused.value.problems["reason"]
    assert "Hunter22" not in str(refused.value)


# --- Need to request cancellation? ---------------------------------------------------------------

def test_every_answer_says_to_request_cancellation_in_a_ticket():
    assert "request.ticket" in EVERY_ANSWER  # stated once beside the Desk
    for decision in TABLE:
        assert "request.ticket" not in cited(decision)
        assert "ticket" in decision.next_step


def test_the_ticket_carries_order_id_link_current_status_and_reason():
    draft = draft_ticket(order_id="123456", telegram_link="https://t.me/durov", service="Telegram members",
                         reason="I ordered the wrong quantity", status="in_progress")
    labels = [label for label, _ in draft.fields]
    assert labels == ["Order ID", "Telegram link", "Service", "Current status", "Reason"]
    assert "Current status: In progress" in draft.text


def test_every_topic_of_the_policy_has_rules():
    for topic in Topic:
        assert rules_of(topic), topic


@pytest.mark.parametrize(("topic", "marks"), [
    (Topic.STATUS, ["01", "02", "03", "04", "05"]),
    (Topic.REVIEW_FLOW, ["01", "02", "03", "04"]),
    (Topic.BALANCE, ["A", "B", "C", "D"]),
])
def test_numbered_statements_keep_the_policy_numbering(topic, marks):
    assert [rule.seed_mark for rule in RULES if rule.topic is topic and rule.seed_mark] == marks


def test_the_four_may_be_reviewed_and_four_usually_not_available_cases_are_all_there():
    assert len(rules_of(Topic.MAY_BE_REVIEWED)) == 4
    assert len(rules_of(Topic.USUALLY_NOT_AVAILABLE)) == 4


# --- The six principles of the policy reading (revision 2026-12-04) ------------------------------

def test_cannot_be_cancelled_belongs_to_completed_orders_only_and_canceled_orders_have_nothing_to_cancel():
    for decision in TABLE:
        assert (decision.cancellation is C.NOT_AVAILABLE) is (decision.status is Status.COMPLETED), decision
        assert (decision.cancellation is C.NOTHING_TO_CANCEL) is (decision.status is Status.CANCELED), decision


def test_a_changed_target_can_lower_an_answer_but_never_to_cannot_be_cancelled():
    checked = 0
    for decision in TABLE:
        if Fact.TARGET_CHANGED in decision.facts or not offered(decision.status, Fact.TARGET_CHANGED):
            continue
        changed = decide(decision.status, (*decision.facts, Fact.TARGET_CHANGED))
        assert changed.cancellation.rank >= decision.cancellation.rank
        assert changed.refund is decision.refund  # it limits correction or cancellation, not the money case
        if decision.status is not Status.COMPLETED:
            assert changed.cancellation is not C.NOT_AVAILABLE
        checked += 1
    assert checked == 2 * 32 + 3 * 16  # every status but canceled can tick it; once started, "unavailable" cannot be


def test_one_money_case_per_answer():
    for decision in TABLE:
        money = decision.refund.rule
        if money is not None:
            assert role(decision, money) == SUPPORTS, decision
        assert cited(decision) & set(BALANCE_CASES) == ({money} if money else set()), decision
    assert decide("canceled").refund.rule is None  # its own answer about the balance is in the status rule


def test_a_partial_order_has_stopped_and_is_reviewed_by_the_service_rules():
    partial = [d for d in TABLE if d.status is Status.PARTIAL]
    assert len(partial) == 2 ** (len(Fact) - 1)
    for decision in partial:
        assert decision.refund is R.SERVICE_RULES
        assert "stopped" in decision.headline
        for text in customer_texts(decision):
            for continuing in ("continue", "go ahead"):  # also covers "will likely continue"
                assert continuing not in text.lower(), (decision.facts, text)


def test_canceled_orders_get_their_own_answer_about_the_balance():
    pending = decide("pending")
    for decision in (d for d in TABLE if d.status is Status.CANCELED):
        assert decision.refund is R.BALANCE_CHECK
        assert "balance" in decision.headline
        assert decision.headline != pending.headline and decision.next_step != pending.next_step
        assert decision.refund.summary != pending.refund.summary
        assert not cited(decision) & {"status.pending", "balance.pending_review"}
        assert decision.would_change is None


def test_the_may_be_possible_list_never_hurts():
    checked = 0
    for decision in TABLE:
        for fact in MAY_BE_POSSIBLE:
            if fact in decision.facts or not offered(decision.status, fact):
                continue
            reported = decide(decision.status, (*decision.facts, fact))
            assert reported.cancellation.rank <= decision.cancellation.rank, (decision, fact)
            assert reported.refund.rank <= decision.refund.rank, (decision, fact)
            if decision.status in DELIVERY_STARTED:
                assert outlooks(reported) == outlooks(decision), (decision, fact)
            checked += 1
    assert checked == 2 * 3 * 32 + 3 * 2 * 16  # before delivery all three can be ticked; after, two


@pytest.mark.parametrize("fact", MAY_BE_POSSIBLE)
def test_the_may_be_possible_list_lifts_orders_reported_before_delivery_starts(fact):
    for status in BEFORE_DELIVERY:
        assert decide(status, [fact]).cancellation is C.MAY_BE_REVIEWED
        assert decide(status, [fact, "payment_related"]).cancellation is C.MAY_BE_REVIEWED


def test_every_circumstance_offered_for_a_status_gets_an_answer_and_any_other_is_explained():
    answered = refused = 0
    for status in Status:
        for facts in fact_sets():
            not_offered = [fact for fact in facts if not offered(status, fact)]
            if not not_offered:
                assert decide(status, facts).facts == facts
                answered += 1
                continue
            with pytest.raises(ContradictoryInputError) as error:
                decide(status, facts)
            first = not_offered[0]
            message = str(error.value)
            assert f"“{first.label}”" in message and FACTS[first].not_offered in message
            assert f"“{status.label}”" in message
            refused += 1
    assert answered == len(TABLE)
    assert answered + refused == len(Status) * 2 ** len(Fact)
