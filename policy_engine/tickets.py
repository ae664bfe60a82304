"""What a support ticket is: the fields the policy asks for, and a validated draft of one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from .errors import PolicyInputError, TicketFieldError
from .facts import Fact, parse_facts
from .i18n import N_, _, chosen, language, ngettext
from .links import check_link
from .statuses import parse_status


class TicketField(StrEnum):
    """A piece of information a cancellation ticket should include."""

    ORDER_ID = "order_id"
    TELEGRAM_LINK = "telegram_link"
    CORRECT_LINK = "correct_link"
    SERVICE = "service"
    REASON = "reason"
    TRANSACTION_REFERENCE = "transaction_reference"
    AMOUNT = "amount"

    @property
    def label(self) -> str:
        """The customer-facing name of the field."""
        return _(_LABELS[self])


_LABELS = {
    TicketField.ORDER_ID: N_("Order ID"),
    TicketField.TELEGRAM_LINK: N_("Telegram link"),
    TicketField.CORRECT_LINK: N_("Correct Telegram link"),
    TicketField.SERVICE: N_("Service"),
    TicketField.REASON: N_("Reason"),
    TicketField.TRANSACTION_REFERENCE: N_("Transaction reference"),
    TicketField.AMOUNT: N_("Amount"),
}

ALWAYS_REQUIRED: tuple[TicketField, ...] = (
    TicketField.ORDER_ID,
    TicketField.TELEGRAM_LINK,
    TicketField.SERVICE,
    TicketField.REASON,
)
PAYMENT_REQUIRED: tuple[TicketField, ...] = (TicketField.TRANSACTION_REFERENCE, TicketField.AMOUNT)
# Fields only some circumstances ask for (each circumstance's record names them).
CONDITIONAL: tuple[TicketField, ...] = tuple(TicketField(name) for fact in Fact for name in fact.record.ticket_fields)


def ticket_fields(facts: frozenset[Fact]) -> tuple[TicketField, ...]:
    """The fields a ticket for these circumstances must include, in form order."""
    wanted = set(ALWAYS_REQUIRED) | {TicketField(name) for fact in facts for name in fact.record.ticket_fields}
    return tuple(field for field in TicketField if field in wanted)


# --- The ticket draft -------------------------------------------------------------------------

STATUS_FIELD = "status"  # the problem key for the status and circumstances
STATUS_LABEL = N_("Current status")
FACTS_LABEL = N_("What applies")
ANSWER_LINK_FIELD = "answer_link"
ANSWER_LINK_LABEL = N_("Answer checked on the policy site")
ANSWER_LINK = re.compile(r"https?://[^\s<>\"]{1,2000}", re.ASCII)
MAX_FIELD_LENGTH = 5000  # above every field's own limit; longer text is refused before it is scanned

ORDER_ID = re.compile(r"#?[0-9]{1,20}", re.ASCII)
TRANSACTION_REFERENCE = re.compile(r"[A-Za-z0-9\-_./]{4,100}", re.ASCII)
CURRENCY = r"(?:[A-Za-z]{3,4}|[$€£¥₽₹₮₺₴₸₦])"
AMOUNT = re.compile(
    rf"(?:(?P<before>{CURRENCY})\s?)?(?P<number>[0-9]{{1,12}}(?:[.,][0-9]+)?)(?:\s?(?P<after>{CURRENCY}))?",
    re.ASCII | re.IGNORECASE,
)
# Characters that do not belong in a ticket: control codes and the invisible marks that reorder text.
HIDDEN_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
LINE_BREAK = re.compile(r"[\n\r\t\u2028\u2029]")

# What a password, login or 2FA code, or session string looks like when someone pastes one.
SECRET_WORD = (
    r"(?:password|passwd|passcode|pass\s*code|pwd|pin(?:\s*code)?|2fa(?:\s*code)?|two[\s-]*factor(?:\s*code)?"
    r"|otp|one[\s-]*time\s*(?:code|password)|(?:login|log-in|sign[\s-]*in|verification|confirmation|security"
    r"|auth(?:entication)?|telegram|sms)\s*code|session(?:\s*string)?|cloud\s*password|пароль)"
)
LABELLED_SECRET = re.compile(rf"\b{SECRET_WORD}\s*[:=]\s*\S", re.IGNORECASE)
SECRET_WITH_VALUE = re.compile(
    rf"\b{SECRET_WORD}(?:\s+(?:is|was|are|were))?\s*[-:=#]?\s*[\"'“‘]?(?=\S*[0-9])\S{{4,}}", re.IGNORECASE,
)
LABELLED_CODE = re.compile(
    r"(?:\b(?P<kind>\w+)\s+)?\b(?:code|код)\b\W{0,3}(?:is\s+|was\s+)?[0-9](?:[\s-]?[0-9]){4,5}\b", re.IGNORECASE,
)
NOT_A_LOGIN_CODE = frozenset({"order", "promo", "coupon", "discount", "transaction", "payment", "tracking",
                              "reference", "service", "product", "postal", "zip"})
SESSION_STRING = re.compile(r"(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_=-]{100,}", re.ASCII)
LONG_HEX = re.compile(r"\b[0-9a-fA-F]{128,}\b", re.ASCII)


def _no_password_message() -> str:
    # The Desk adds a link to No Password Required beside it (TicketFieldError.secrets names the fields).
    return _(
        "This looks like a password, a login or 2FA code, or a session string. We never need it, "
        "so it cannot go in a ticket: remove it, and do not share it with anyone."
    )


def looks_like_secret(value: str) -> bool:
    """True when the text seems to carry a password, a login or 2FA code, or a session string."""
    if LABELLED_SECRET.search(value) or SECRET_WITH_VALUE.search(value):
        return True
    if any((code["kind"] or "").lower() not in NOT_A_LOGIN_CODE for code in LABELLED_CODE.finditer(value)):
        return True
    if LONG_HEX.search(value):
        return True
    return any(_mixed(run) for run in SESSION_STRING.findall(value))


def _mixed(run: str) -> bool:
    """A long run of upper, lower and digits is a key or session, not a word or a link."""
    return any(c.isupper() for c in run) and any(c.islower() for c in run) and any(c.isdigit() for c in run)


@dataclass(frozen=True)
class TicketDraft:
    """A validated support ticket: labelled fields in order, warnings, and the plain-text body."""

    fields: tuple[tuple[str, str], ...]
    warnings: tuple[str, ...]
    text: str

    def to_dict(self) -> dict:
        """The draft as plain data."""
        return {
            "fields": [{"label": label, "value": value} for label, value in self.fields],
            "warnings": list(self.warnings),
            "text": self.text,
        }


def _text(value: object, name: str, *, required: bool = True, lines: bool = False) -> tuple[str | None, str | None]:
    """The stripped text of a field, or the problem with it; `name` is the field's name (an N_ message)."""
    name = _(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, (_("Please enter the {field}.").format(field=name) if required else None)
    if not isinstance(value, str):
        return None, _("The {field} must be text.").format(field=name)
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > MAX_FIELD_LENGTH:  # checked first, so no scan ever runs on a huge paste
        return None, ngettext(
            "The {field} is far too long ({count} character). Paste only what support needs.",
            "The {field} is far too long ({count} characters). Paste only what support needs.",
            len(text)).format(field=name, count=len(text))
    if looks_like_secret(text):
        return None, _no_password_message()
    if HIDDEN_CHARACTERS.search(text):
        return None, _("The {field} contains hidden control characters. Type it again as plain text.").format(
            field=name)
    if not lines and LINE_BREAK.search(text):
        return None, _("The {field} contains line breaks. Type it again as plain text.").format(field=name)
    return text, None


def _length(text: str, name: str, low: int, high: int) -> str | None:
    name = _(name)
    if len(text) < low:
        return ngettext("The {field} is too short: write at least {count} character.",
                        "The {field} is too short: write at least {count} characters.",
                        low).format(field=name, count=low)
    if len(text) > high:
        return ngettext("The {field} is too long ({count} character): keep it under {limit}.",
                        "The {field} is too long ({count} characters): keep it under {limit}.",
                        len(text)).format(field=name, count=len(text), limit=high + 1)
    return None


def _amount(value: object) -> tuple[str | None, str | None]:
    if isinstance(value, bool):
        return None, _("The amount must be a number, like 12.50 or 12.50 USD.")
    if isinstance(value, int | float):
        value = format(value, "f").rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    text, problem = _text(value, N_("amount"))
    if problem or text is None:
        return None, problem
    match = AMOUNT.fullmatch(text)
    if not match or (match["before"] and match["after"]):
        return None, _("Write the amount as a number with an optional currency, like 12.50, 12.50 USD or $12.50.")
    whole, _point, decimals = match["number"].replace(",", ".").partition(".")
    if len(decimals) > 2:
        return None, _("The amount can have at most 2 decimals, like 12.50.")
    if int(whole) == 0 and not decimals.strip("0"):
        return None, _("The amount must be more than zero.")
    return text, None


def draft_ticket(
    *,
    order_id: object,
    telegram_link: object,
    service: object,
    reason: object,
    status: object,
    facts: object = (),
    correct_link: object = None,
    transaction_reference: object = None,
    amount: object = None,
    answer_link: object = None,
    lang: str | None = None,
) -> TicketDraft:
    """Validate every field and compose the ticket in `lang`; raise TicketFieldError listing every bad field."""
    with language(chosen(lang)):
        return _draft(order_id, telegram_link, service, reason, status, facts, correct_link,
                      transaction_reference, amount, answer_link)


def _draft(order_id: object, telegram_link: object, service: object, reason: object, status: object,
           facts: object, correct_link: object, transaction_reference: object, amount: object,
           answer_link: object) -> TicketDraft:
    from .decision import check_consistent  # decision imports this module for ticket_fields

    problems: dict[str, str] = {}
    values: dict[TicketField, str] = {}

    def keep(field: TicketField, text: str | None, problem: str | None) -> None:
        if problem:
            problems[field.value] = problem
        elif text is not None:
            values[field] = text

    text, problem = _text(order_id, N_("order ID"))
    if text is not None and not ORDER_ID.fullmatch(text):
        problem = _("The order ID is the number in your order history: digits only, like 123456.")
    keep(TicketField.ORDER_ID, text, problem)

    warnings: tuple[str, ...] = ()
    text, problem = _text(telegram_link, N_("Telegram link"))
    if text is not None:
        check = check_link(text)
        if not check.valid:
            problem = " ".join(check.problems)
        elif check.problems:  # not public, or a note such as a collectible username
            warnings = check.problems
    keep(TicketField.TELEGRAM_LINK, text, problem)

    wrong_link = _has_fact(facts, Fact.WRONG_LINK)
    text, problem = _text(correct_link, N_("correct Telegram link"), required=wrong_link)
    if text is not None and not problem:
        check = check_link(text)
        problem = None if check.valid else " ".join(check.problems)
    if wrong_link or text is not None or problem:
        keep(TicketField.CORRECT_LINK, text, problem)

    text, problem = _text(service, N_("service name"))
    keep(TicketField.SERVICE, text, problem or (text and _length(text, N_("service name"), 2, 200)))

    text, problem = _text(reason, N_("reason for cancellation"), lines=True)
    keep(TicketField.REASON, text, problem or (text and _length(text, N_("reason"), 5, 2000)))

    parsed_status, parsed_facts, status_problems = None, None, []
    try:
        parsed_status = parse_status(status)
    except PolicyInputError as error:
        status_problems.append(str(error))
    try:
        parsed_facts = parse_facts(facts)
    except PolicyInputError as error:
        status_problems.append(str(error))
    if parsed_status is not None and parsed_facts is not None:
        try:
            check_consistent(parsed_status, parsed_facts)
        except PolicyInputError as error:
            status_problems.append(str(error))
    if status_problems:
        problems[STATUS_FIELD] = " ".join(status_problems)

    payment = parsed_facts is not None and Fact.PAYMENT_RELATED in parsed_facts
    text, problem = _text(transaction_reference, N_("transaction reference"), required=payment)
    if text is not None and not TRANSACTION_REFERENCE.fullmatch(text):
        problem = _("The transaction reference has 4 to 100 letters, digits or the marks - _ . / "
                    "as your payment receipt shows it.")
    keep(TicketField.TRANSACTION_REFERENCE, text, problem)

    if amount is None or (isinstance(amount, str) and not amount.strip()):
        if payment:
            problems[TicketField.AMOUNT.value] = _("Please enter the amount you paid, like 12.50 USD.")
    else:
        keep(TicketField.AMOUNT, *_amount(amount))

    link_text, link_problem = _text(answer_link, N_("answer link"), required=False)
    if link_text is not None and not ANSWER_LINK.fullmatch(link_text):
        link_problem = _("The answer link must be a web address starting with https:// or http://.")
    if link_problem:
        problems[ANSWER_LINK_FIELD] = link_problem

    secrets = tuple(name for name, message in problems.items() if message == _no_password_message())
    if problems or parsed_status is None:
        raise TicketFieldError(problems, secrets)

    fields: list[tuple[str, str]] = []
    for field in TicketField:
        if field in values:
            fields.append((field.label, values[field]))
        if field is TicketField.SERVICE:
            fields.append((_(STATUS_LABEL), parsed_status.label))
            ticked = [fact.label for fact in Fact if fact in (parsed_facts or ())]
            if ticked:
                fields.append((_(FACTS_LABEL), "; ".join(ticked)))
    if link_text is not None:
        fields.append((_(ANSWER_LINK_LABEL), link_text))
    return TicketDraft(fields=tuple(fields), warnings=warnings, text=_body(fields))


def _has_fact(facts: object, fact: Fact) -> bool:
    try:
        return fact in parse_facts(facts)
    except PolicyInputError:
        return False


def _body(fields: list[tuple[str, str]]) -> str:
    """Labelled lines; a multi-line value is indented so it cannot pose as another label."""
    lines = []
    for label, value in fields:
        first, *more = value.splitlines() or [""]
        lines.append(f"{label}: {first}")
        lines.extend(f"  {line}" for line in more)
    return "\n".join(lines) + "\n"
