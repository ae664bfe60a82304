"""Each statement of the Cancellation Policy (shared/seed/cancellation-policy.txt), checked against decide()."""

from __future__ import annotations

import pytest

from policy_engine import (
    RULES,
    CancellationOutlook,
    Fact,
    RefundOutlook,
    Status,
    TicketFieldError,
    decide,
    draft_ticket,
)
from policy_engine.rules import Topic
from policy_engine.table import decision_table

TABLE = decision_table()  # every status with every consistent set of circumstances

C = CancellationOutlook
BEFORE_DELIVERY = (Status.PENDING, Status.PROCESSING)
DELIVERY_STARTED = (Status.IN_PROGRESS, Status.PARTIAL, Status.COMPLETED)


def cited(decision) -> set[str]:
    return {rule.id for rule in decision.reasons}


def rules_of(topic: Topic) -> list[str]:
    return [rule.id for rule in RULES if rule.topic is topic]


# --- Check the order status before you cancel (01-05) ------------------------------------------

def test_01_pending_orders_may_be_reviewed():
    decision = decide("pending")
    assert decision.cancellation is C.MAY_BE_REVIEWED
    assert {"status.pending", "may.pending"} <= cited(decision)
    assert "ticket" in decision.next_step


def test_02_processing_orders_are_limited():
    decision = decide("processing")
    assert decision.cancellation is C.LIMITED
    assert decision.cancellation.rank > decide("pending").cancellation.rank
    assert "status.processing" in cited(decision)


def test_03_in_progress_orders_usually_continue():
    decision = decide("in_progress")
    assert decision.cancellation is C.UNLIKELY
    assert {"status.in_progress", "not.delivery_started"} <= cited(decision)
    assert "continue" in decision.next_step


def test_04_completed_orders_cannot_be_cancelled_whatever_the_circumstances():
    completed = [d for d in TABLE if d.status is Status.COMPLETED]
    assert len(completed) == 2 ** (len(Fact) - 1)  # every consistent set of circumstances
    for decision in completed:
        assert decision.cancellation is C.NOT_AVAILABLE
        assert {"status.completed", "not.completed"} <= cited(decision)


def test_05_wrong_links_must_be_reported_fast():
    for status in BEFORE_DELIVERY:
        decision = decide(status, ["wrong_link"])
        assert "status.wrong_link" in cited(decision)
        assert "immediately" in decision.next_step
        assert "correct link" in decision.next_step
    for status in Status:
        assert "status.wrong_link" in cited(decide(status, ["wrong_link"]))


def test_partial_orders_are_reviewed_by_service_rules():
    decision = decide("partial")
    assert decision.cancellation is C.LIMITED
    assert decision.refund is RefundOutlook.SERVICE_RULES
    assert "status.partial" in cited(decision)


def test_canceled_orders_have_nothing_left_to_cancel_but_the_balance_may_be_reviewed():
    decision = decide("canceled")
    assert decision.cancellation is C.NOT_AVAILABLE
    assert decision.refund is RefundOutlook.BALANCE_REVIEW
    assert "Nothing is left to cancel" in decision.next_step


# --- How cancellation requests are reviewed ----------------------------------------------------

def test_review_01_a_ticket_always_asks_for_order_id_link_service_and_reason():
    for decision in TABLE:
        assert decision.ticket_fields[:4] == ("order_id", "telegram_link", "service", "reason")
    assert "review.open_ticket" in cited(decide("pending"))


def test_review_02_support_checks_each_status_the_policy_names():
    statement = next(rule for rule in RULES if rule.id == "review.status_checked").statement
    for status in ("pending", "processing", "in progress", "partial", "completed"):
        assert status in statement
        assert decide(status.replace(" ", "_")).status.label.lower() == status


def test_review_03_service_rules_are_compared_when_a_service_disallows_cancellation():
    for status in Status:
        assert "review.service_rules_compared" in cited(decide(status, ["service_disallows"]))


def test_review_04_the_answer_is_the_likely_outcome_and_support_sends_the_final_one():
    assert all("review.final_answer" in cited(d) for d in TABLE)


# --- When cancellation may be possible -----------------------------------------------------------

def test_may_be_reviewed_order_is_still_pending():
    assert decide("pending").cancellation is C.MAY_BE_REVIEWED
    assert "may.pending" in cited(decide("pending"))


def test_may_be_reviewed_wrong_link_reported_before_delivery():
    for status in BEFORE_DELIVERY:
        with_link = decide(status, ["wrong_link"])
        assert "may.wrong_link_reported_quickly" in cited(with_link)
        assert with_link.cancellation is decide(status).cancellation  # reporting it does not hurt
    for status in DELIVERY_STARTED:
        assert "may.wrong_link_reported_quickly" not in cited(decide(status, ["wrong_link"]))


def test_may_be_reviewed_service_is_unavailable():
    for status in BEFORE_DELIVERY:
        decision = decide(status, ["service_unavailable"])
        assert decision.cancellation is C.MAY_BE_REVIEWED
        assert decision.refund is RefundOutlook.BALANCE_REVIEW
        assert "may.service_unavailable" in cited(decision)


def test_may_be_reviewed_duplicate_detected_early():
    for status in BEFORE_DELIVERY:
        assert "may.duplicate_detected_early" in cited(decide(status, ["duplicate_order"]))
    for status in DELIVERY_STARTED:
        assert "may.duplicate_detected_early" not in cited(decide(status, ["duplicate_order"]))


# --- When cancellation may be rejected -----------------------------------------------------------

def test_usually_not_available_once_delivery_started():
    for decision in TABLE:
        if decision.status in DELIVERY_STARTED:
            assert decision.cancellation is not C.MAY_BE_REVIEWED
    assert "not.delivery_started" in cited(decide("in_progress"))


def test_usually_not_available_order_is_completed():
    assert "not.completed" in cited(decide("completed"))
    assert decide("completed").cancellation is C.NOT_AVAILABLE


def test_usually_not_available_target_was_changed_late():
    for status in (Status.PENDING, Status.PROCESSING, Status.IN_PROGRESS, Status.PARTIAL):
        changed = decide(status, ["target_changed"])
        assert "not.target_changed" in cited(changed)
        assert changed.cancellation.rank > decide(status).cancellation.rank


def test_usually_not_available_service_rule_does_not_allow_it():
    for status in Status:
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
    assert rule_id in cited(decision)


def test_cancellation_never_automatically_means_a_refund():
    for decision in TABLE:
        assert "balance.not_automatic" in cited(decision)
        assert decision.to_dict()["refund"]["guaranteed"] is False


def test_payment_cases_ask_for_transaction_reference_and_amount():
    for decision in TABLE:
        payment = Fact.PAYMENT_RELATED in decision.facts
        assert ("transaction_reference" in decision.ticket_fields) is payment
        assert ("amount" in decision.ticket_fields) is payment
        assert ("balance.payment_details" in cited(decision)) is payment


# --- Before you place an order -------------------------------------------------------------------

@pytest.mark.parametrize(("facts", "status", "rule_id"), [
    (["service_disallows"], "pending", "before.check_service"),
    (["wrong_link"], "processing", "before.verify_link"),
    (["target_changed"], "in_progress", "before.verify_link"),
    (["duplicate_order"], "pending", "before.avoid_duplicates"),
    ([], "partial", "before.know_limits"),
])
def test_before_you_order_checklist_is_cited_where_it_would_have_helped(facts, status, rule_id):
    assert rule_id in cited(decide(status, facts))


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
    assert "no-password-required/" in refused.value.problems["reason"]


# --- Need to request cancellation? ---------------------------------------------------------------

def test_every_answer_says_to_request_cancellation_in_a_ticket():
    for decision in TABLE:
        assert "request.ticket" in cited(decision)
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
