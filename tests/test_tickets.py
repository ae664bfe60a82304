"""The support ticket draft: every field checked at once, secrets refused, hostile text kept as text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_engine import Fact, PolicyInputError, TicketDraft, TicketField, TicketFieldError, draft_ticket
from policy_engine.tickets import ALWAYS_REQUIRED, CONDITIONAL, PAYMENT_REQUIRED, ticket_fields

GOOD = {
    "order_id": "123456",
    "telegram_link": "https://t.me/durov",
    "service": "Telegram channel members [30 days refill]",
    "reason": "I chose the wrong quantity.",
    "status": "pending",
}
PAYMENT = {"facts": ["payment_related"], "transaction_reference": "TXN-2026/11.26_a", "amount": "12.50 USD"}
WRONG_LINK = {"facts": ["wrong_link"], "correct_link": "https://t.me/telegram"}
FIELD_IDS = {field.value for field in TicketField} | {"status", "answer_link"}
SECRET_REFUSAL = "We never need it"  # the refusal; the Desk adds the link to No Password Required beside it


def problems(**changes) -> dict[str, str]:
    with pytest.raises(TicketFieldError) as refused:
        draft_ticket(**{**GOOD, **changes})
    assert set(refused.value.problems) <= FIELD_IDS
    return refused.value.problems


def test_the_fields_required_by_the_policy_are_unchanged():
    assert ticket_fields(frozenset()) == ALWAYS_REQUIRED
    assert ALWAYS_REQUIRED == ("order_id", "telegram_link", "service", "reason")
    assert (TicketField.CORRECT_LINK, *PAYMENT_REQUIRED) == CONDITIONAL
    assert set(TicketField) == set(ALWAYS_REQUIRED + CONDITIONAL)
    assert ticket_fields(frozenset({Fact.WRONG_LINK})) == (
        "order_id", "telegram_link", "correct_link", "service", "reason")  # asked right after the link
    assert ticket_fields(frozenset({Fact.PAYMENT_RELATED})) == ALWAYS_REQUIRED + PAYMENT_REQUIRED


def test_a_good_ticket_lists_its_fields_in_order_with_the_current_status():
    draft = draft_ticket(**GOOD)
    assert draft.fields == (
        ("Order ID", "123456"),
        ("Telegram link", "https://t.me/durov"),
        ("Service", "Telegram channel members [30 days refill]"),
        ("Current status", "Pending"),
        ("Reason", "I chose the wrong quantity."),
    )
    assert draft.warnings == ()
    assert draft.text == (
        "Order ID: 123456\nTelegram link: https://t.me/durov\nService: Telegram channel members [30 days refill]\n"
        "Current status: Pending\nReason: I chose the wrong quantity.\n"
    )
    assert draft.to_dict() == {
        "fields": [{"label": label, "value": value} for label, value in draft.fields],
        "warnings": [],
        "text": draft.text,
    }


def test_a_payment_ticket_adds_transaction_reference_and_amount():
    draft = draft_ticket(**GOOD, **PAYMENT)
    assert draft.fields[-2:] == (("Transaction reference", "TXN-2026/11.26_a"), ("Amount", "12.50 USD"))


def test_a_payment_ticket_without_payment_details_names_both_fields():
    found = problems(facts=["payment_related"])
    assert set(found) == {"transaction_reference", "amount"}
    assert "transaction reference" in found["transaction_reference"]


def test_every_bad_field_is_reported_at_once():
    found = problems(order_id="abc", telegram_link="https://example.com", service="x", reason="no",
                     status="finished", facts=["payment_related", "wrong_link"], correct_link="example.com/me",
                     transaction_reference="ab", amount="-3", answer_link="javascript:alert(1)")
    assert set(found) == FIELD_IDS
    assert "digits only" in found["order_id"]
    assert "not a Telegram link" in found["telegram_link"]
    assert "not a Telegram link" in found["correct_link"]
    assert "https://" in found["answer_link"]
    assert "at least 2" in found["service"]
    assert "at least 5" in found["reason"]
    assert "Valid statuses: pending" in found["status"]
    assert "4 to 100" in found["transaction_reference"]
    assert "12.50" in found["amount"]


def test_the_error_message_summarizes_every_problem_in_one_sentence_per_field():
    with pytest.raises(TicketFieldError) as refused:
        draft_ticket(**{**GOOD, "order_id": "", "reason": ""})
    assert isinstance(refused.value, PolicyInputError)
    assert "order_id: Please enter the order ID." in str(refused.value)
    assert "reason: Please enter the reason for cancellation." in str(refused.value)


@pytest.mark.parametrize("order_id", ["1", "#123456", "12345678901234567890", " 654321 "])
def test_order_ids_are_digits_with_an_optional_hash(order_id):
    assert draft_ticket(**{**GOOD, "order_id": order_id}).fields[0] == ("Order ID", order_id.strip())


@pytest.mark.parametrize("order_id", ["123456789012345678901", "12a", "##12", "-5", "１２３", "12 34", 123456])
def test_other_order_ids_are_refused(order_id):
    assert "order_id" in problems(order_id=order_id)


def test_a_private_link_is_allowed_with_a_warning():
    draft = draft_ticket(**{**GOOD, "telegram_link": "https://t.me/+AbCdEf12345"})
    assert len(draft.warnings) == 1
    assert "Delivery cannot reach a private target" in draft.warnings[0]


@pytest.mark.parametrize(("field", "short", "long"), [("service", "x", "x" * 201), ("reason", "abcd", "x" * 2001)])
def test_service_and_reason_have_length_limits(field, short, long):
    assert "too short" in problems(**{field: short})[field]
    assert "too long" in problems(**{field: long})[field]


def test_a_reason_may_span_lines_but_cannot_pose_as_another_field():
    draft = draft_ticket(**{**GOOD, "reason": "Wrong link.\nAmount: 9999 USD\nOrder ID: 1"})
    assert ("Reason", "Wrong link.\nAmount: 9999 USD\nOrder ID: 1") in draft.fields
    assert "\nAmount:" not in draft.text and "\nOrder ID: 1" not in draft.text
    assert "Reason: Wrong link.\n  Amount: 9999 USD\n  Order ID: 1\n" in draft.text


@pytest.mark.parametrize("field", ["service", "order_id", "telegram_link"])
def test_one_line_fields_refuse_line_breaks_and_hidden_characters(field):
    assert "line breaks" in problems(**{field: "Members\nAmount: 5"})[field]
    assert "hidden control characters" in problems(**{field: "Members\u202etxt.exe"})[field]


@pytest.mark.parametrize("amount", ["12.50", "12,5", "$12.50", "12.50 USD", "€7", "7 EUR", "100 USDT", 12, 12.5])
def test_amounts_are_positive_numbers_with_an_optional_currency(amount):
    draft = draft_ticket(**GOOD, **{**PAYMENT, "amount": amount})
    assert draft.fields[-1][0] == "Amount"


@pytest.mark.parametrize("amount", ["0", "0.00", "-5", "12.345", "twelve", "$12 USD", "1e5", True, "12..5"])
def test_other_amounts_are_refused(amount):
    assert "amount" in problems(**{**PAYMENT, "amount": amount})


@pytest.mark.parametrize("reference", ["abc", "a" * 101, "TX 1234", "TX<1234>", "tx;drop"])
def test_transaction_references_are_checked(reference):
    assert "transaction_reference" in problems(**{**PAYMENT, "transaction_reference": reference})


def test_a_64_character_blockchain_hash_is_a_valid_transaction_reference():
    tx_hash = "9f2c" * 16
    draft = draft_ticket(**GOOD, **{**PAYMENT, "transaction_reference": tx_hash})
    assert ("Transaction reference", tx_hash) in draft.fields


def test_status_and_circumstances_must_agree():
    found = problems(status="completed", facts=["service_unavailable"])
    assert set(found) == {"status"}
    assert "“The service is unavailable” cannot be ticked for an order that is “Completed”" in found["status"]
    assert "Valid circumstances" in problems(facts=["nope"])["status"]
    assert "Valid circumstances" not in problems(facts=["wrong_link"], status="x")["status"]


# --- The No Password Required promise -----------------------------------------------------------

TELETHON_SESSION = "1" + "BVtsOKYBu0aKx8tQm3Zz9wq" * 15 + "Ag=="

SECRETS = [
    "my password is Hunter22",
    "Password: letmein",
    "pwd=qwerty",
    "passcode 4829",
    "2FA: 482913",
    "my 2fa code is 48291",
    "OTP 482913",
    "one-time code: 48291",
    "Login code 48291",
    "the verification code was 482 913",
    "telegram code: 48291",
    "Here is the code: 48291",
    "session string: 1BVtsOKYBu0",
    TELETHON_SESSION,
    "here it is " + TELETHON_SESSION,
    "auth key " + "ab12" * 64,
    "Мой пароль: Hunter22",
]


@pytest.mark.parametrize("secret", SECRETS)
@pytest.mark.parametrize("field", ["reason", "service", "telegram_link"])
def test_the_ticket_refuses_passwords_codes_and_session_strings_in_any_field(secret, field):
    with pytest.raises(TicketFieldError) as refused:
        draft_ticket(**{**GOOD, field: secret})
    message = refused.value.problems[field]
    assert SECRET_REFUSAL in message
    assert secret not in message and secret not in str(refused.value)
    assert refused.value.secrets == (field,)  # so the Desk can point to the No Password Required page


@pytest.mark.parametrize("field", ["order_id", "transaction_reference", "amount"])
def test_the_payment_and_order_fields_refuse_secrets_too(field):
    with pytest.raises(TicketFieldError) as refused:
        draft_ticket(**{**GOOD, **PAYMENT, field: "password: Hunter22"})
    assert SECRET_REFUSAL in refused.value.problems[field]
    assert refused.value.secrets == (field,)


def test_secrets_lists_only_the_fields_refused_as_secrets():
    with pytest.raises(TicketFieldError) as refused:
        draft_ticket(**{**GOOD, **WRONG_LINK, "order_id": "abc", "correct_link": "2FA: 482913",
                        "reason": "my password is Hunter22"})
    assert set(refused.value.problems) == {"order_id", "correct_link", "reason"}
    assert refused.value.secrets == ("correct_link", "reason")
    with pytest.raises(TicketFieldError) as refused:
        draft_ticket(**{**GOOD, "order_id": "abc"})
    assert refused.value.secrets == ()


@pytest.mark.parametrize("reason", [
    "Order 123456 was placed twice by mistake.",
    "You never asked for my password, thank you.",
    "I do not want to share any login code.",
    "Please cancel order #48291, the link is wrong.",
    "My order code is 482913 and the promo code 48291 did not apply.",
    "Bank transaction code: 482913.",
    "The OTP service did not work, so I paid by card.",
    "The post https://t.me/durov/48291 was deleted.",
    "Paid 12.50 USD, transaction 9f2c9f2c9f2c9f2c9f2c9f2c9f2c9f2c9f2c9f2c9f2c9f2c9f2c9f2c9f2c9f2c.",
])
def test_ordinary_reasons_with_numbers_are_not_mistaken_for_secrets(reason):
    assert draft_ticket(**{**GOOD, "reason": reason}).fields[-1] == ("Reason", reason)


def test_plain_digit_order_ids_are_never_mistaken_for_codes():
    for order_id in ("48291", "482913", "12345678"):
        assert draft_ticket(**{**GOOD, "order_id": order_id}).fields[0][1] == order_id


# --- Hostile and arbitrary input --------------------------------------------------------------------

@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "\"'><svg onload=alert(1)>",
    "{{7*7}} ${7*7} {% raw %}",
])
def test_hostile_text_is_carried_verbatim_as_text(hostile):
    draft = draft_ticket(**{**GOOD, "service": hostile, "reason": hostile + " please cancel"})
    assert ("Service", hostile) in draft.fields
    assert f"Service: {hostile}\n" in draft.text


field_text = st.one_of(st.text(max_size=300), st.sampled_from(SECRETS), st.none(), st.integers())


@settings(max_examples=250, deadline=None)
@given(order_id=field_text, telegram_link=field_text, service=field_text, reason=field_text, status=field_text,
       facts=st.one_of(st.lists(st.one_of(st.text(max_size=20), st.sampled_from([f.value for f in Fact])),
                                max_size=3), st.text(), st.none(), st.integers()),
       correct_link=field_text, transaction_reference=field_text, answer_link=field_text,
       amount=st.one_of(field_text, st.floats(), st.booleans()))
def test_any_fields_give_a_draft_or_a_ticket_field_error(**fields):
    try:
        draft = draft_ticket(**fields)
    except TicketFieldError as error:
        assert error.problems and set(error.problems) <= FIELD_IDS
        assert all(message.strip() for message in error.problems.values())
        assert set(error.secrets) <= set(error.problems)
        return
    assert isinstance(draft, TicketDraft)


def test_a_huge_paste_is_refused_quickly_without_scanning_it():
    found = problems(reason="code " * 200_000, service="ab " * 100_000)
    assert "far too long" in found["reason"] and "far too long" in found["service"]


def test_windows_line_endings_in_a_reason_are_accepted():
    draft = draft_ticket(**{**GOOD, "reason": "First line.\r\nSecond line."})
    assert ("Reason", "First line.\nSecond line.") in draft.fields


# --- A wrong link: the ticket asks for the correct one ------------------------------------------------

def test_a_wrong_link_ticket_asks_for_the_correct_link_right_after_the_submitted_one():
    found = problems(facts=["wrong_link"])
    assert set(found) == {"correct_link"}
    assert "correct Telegram link" in found["correct_link"]
    draft = draft_ticket(**GOOD, **WRONG_LINK)
    labels = [label for label, _ in draft.fields]
    assert labels[:3] == ["Order ID", "Telegram link", "Correct Telegram link"]
    assert ("Correct Telegram link", "https://t.me/telegram") in draft.fields
    assert "What applies: The Telegram link I submitted is wrong" in draft.text


@pytest.mark.parametrize("correct_link", ["https://example.com/channel", "@ab", "my channel"])
def test_the_correct_link_must_be_a_telegram_link(correct_link):
    assert "correct_link" in problems(**{**WRONG_LINK, "correct_link": correct_link})


def test_without_a_wrong_link_the_correct_link_is_optional_but_still_checked():
    assert "Correct Telegram link" not in [label for label, _ in draft_ticket(**GOOD).fields]
    assert "correct_link" in problems(correct_link="not a link")
    draft = draft_ticket(**GOOD, correct_link="@telegram")
    assert ("Correct Telegram link", "@telegram") in draft.fields


# --- The answer link: the ticket can say which answer the customer read --------------------------------

def test_the_answer_link_is_added_as_the_last_line():
    link = "https://policy.example/cancellation/?status=pending&v=2026-12-04"
    draft = draft_ticket(**GOOD, answer_link=link)
    assert draft.fields[-1] == ("Answer checked on the policy site", link)
    assert draft.text.endswith(f"Answer checked on the policy site: {link}\n")
    assert draft_ticket(**GOOD, answer_link="").fields == draft_ticket(**GOOD).fields


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://example.com", "https://exa mple.com",
                                  "example.com/cancellation/", "https://x.example/\nAmount: 9999"])
def test_an_answer_link_that_is_not_a_web_address_is_refused(link):
    assert "answer_link" in problems(answer_link=link)
