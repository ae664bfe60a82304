"""What a batch of orders is: a panel's `action=status` answer, read and answered order by order.

Panels answer one order as an object (`{"charge": "0.27819", "status": "Partial", ...}`) and
several as an object keyed by order id, where an unknown id is `{"error": "Incorrect order ID"}`
or a bare string. Each order gets one `OrderAnswer`; a bad order is answered with its own error
and never stops the batch. Decisions are pure, so each (status, circumstances) is decided once.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, fields
from urllib.parse import urlencode, urlsplit

from .decision import decide
from .errors import PolicyInputError, UnknownFactError
from .facts import Fact
from .i18n import N_, _, chosen, language, ngettext
from .panel import read_status
from .statuses import Status
from .terminal import json_text, shown

MAX_INPUT_BYTES = 32 * 1024 * 1024  # about 250,000 orders; a panel answers at most a few hundred per call
MAX_URL_LENGTH = 2048
MAX_QUOTED = 100  # a panel's error text is quoted up to this length
TABLE_CELL = 24  # an order id or panel status longer than this is shortened in the table (not in JSON/CSV)

# The fields that make an object one order rather than a map of order ids to orders.
ORDER_FIELDS = frozenset({"status", "charge", "start_count", "remains", "currency", "runs", "orders"})

SHAPE = N_("one order object, or an object that maps order ids to orders, as a panel's action=status answers")


class BatchInputError(PolicyInputError):
    """The batch cannot be read at all (not JSON, not a shape panels send), or an option for it is invalid."""


@dataclass(frozen=True)
class OrderAnswer:
    """The answer for one order of a batch; `error` is one plain sentence when it has none."""

    order: str | None
    panel_status: str | None
    status: str | None = None
    cancellation: str | None = None
    refund: str | None = None
    headline: str | None = None
    link: str | None = None
    error: str | None = None

    def values(self) -> tuple[str | None, ...]:
        """The fields in COLUMNS order: one row of `triage --csv`."""
        return (self.order, self.panel_status, self.status, self.cancellation, self.refund, self.headline,
                self.link, self.error)

    def to_dict(self) -> dict:
        """The answer as plain data: one element of `triage --json`."""
        return dict(zip(COLUMNS, self.values(), strict=True))


COLUMNS: tuple[str, ...] = tuple(field.name for field in fields(OrderAnswer))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _quoted(text: str) -> str:
    text = _one_line(text)
    return repr(text if len(text) <= MAX_QUOTED else text[:MAX_QUOTED] + "…")


def read_facts(values: Iterable[str]) -> tuple[Fact, ...]:
    """The circumstances for every order, in the engine's declared order; raise UnknownFactError."""
    chosen = set()
    for value in values:
        try:
            chosen.add(Fact(value))
        except ValueError:
            valid = ", ".join(fact.value for fact in Fact)
            raise UnknownFactError(
                _("Unknown circumstance {circumstance}. Valid circumstances: {valid}.").format(
                    circumstance=_quoted(value), valid=valid)
            ) from None
    return tuple(fact for fact in Fact if fact in chosen)


def check_base_url(text: str) -> str:
    """The Cancellation page's address that answer links start with; raise BatchInputError if unusable."""
    example = "https://example.com/cancellation/"  # the Cancellation page, where the Desk is
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- reading it validates the port
    except ValueError:
        raise BatchInputError(
            _("The base URL is not a valid address; give one such as {example}.").format(example=example)) from None
    if len(text) > MAX_URL_LENGTH:
        raise BatchInputError(ngettext("The base URL is longer than {count} character.",
                                       "The base URL is longer than {count} characters.",
                                       MAX_URL_LENGTH).format(count=MAX_URL_LENGTH))
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise BatchInputError(
            _("The base URL must be an http or https address, such as {example}.").format(example=example))
    if any(char.isspace() or not char.isprintable() for char in text):
        raise BatchInputError(_("The base URL must not contain spaces or control characters."))
    if parts.username is not None or parts.password is not None:
        raise BatchInputError(_("The base URL must not carry a user name or password."))
    if "?" in text or "#" in text:
        raise BatchInputError(_("The base URL must have no ? or # part: each answer link adds its own, "
                                "such as {example}.").format(example=example))
    return text


def answer_link(base_url: str, status: str, facts: Iterable[Fact], version: str) -> str:
    """The Decision Desk link for one answer: `<base-url>?status=<id>&fact=<id>…&v=<version>`."""
    query = [("status", status), *(("fact", fact.value) for fact in facts), ("v", version)]
    return f"{base_url}?{urlencode(query)}"


def read_batch(raw: bytes) -> object:
    """The panel's answer as JSON data; raise BatchInputError when it is not JSON at all."""
    if len(raw) > MAX_INPUT_BYTES:
        raise BatchInputError(_("The input is larger than {size} MB; split it into smaller batches.").format(
            size=MAX_INPUT_BYTES // 2**20))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BatchInputError(_("The input is not UTF-8 text (byte {position}).").format(
            position=error.start + 1)) from None
    if not text.strip():
        raise BatchInputError(_("The input is empty; expected {shape}.").format(shape=_(SHAPE)))
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        # json's own words for what is wrong (error.msg) are English: Python has no catalog for them
        raise BatchInputError(_("The input is not JSON: {problem} at line {line}, column {column}.").format(
            problem=error.msg, line=error.lineno, column=error.colno)) from None
    except RecursionError:
        raise BatchInputError(_("The input is nested too deeply to be a panel's answer.")) from None
    except ValueError:  # an integer with thousands of digits
        raise BatchInputError(_("The input holds a number too long to be a panel's answer.")) from None


def entries(data: object) -> list[tuple[str | None, object]]:
    """Each order in the panel's answer, in input order, with its id (None for a single-order answer)."""
    if not isinstance(data, dict):
        raise BatchInputError(_("The input is JSON, but not {shape}.").format(shape=_(SHAPE)))
    if ORDER_FIELDS & data.keys() or set(data) == {"error"}:
        return [(None, data)]
    return list(data.items())


class _Answers:
    """The batch's answers, each (status, circumstances) decided once: decisions are pure."""

    def __init__(self, facts: tuple[Fact, ...], base_url: str | None) -> None:
        self.facts = facts
        self.base_url = base_url
        self.words: dict[str, tuple[Status | None, str | None]] = {}
        self.decisions: dict[tuple[Status, tuple[Fact, ...]], dict] = {}

    def status(self, word: str) -> tuple[Status | None, str | None]:
        if word not in self.words:
            try:
                self.words[word] = (read_status(word), None)
            except PolicyInputError as error:
                self.words[word] = (None, _one_line(str(error)))
        return self.words[word]

    def decision(self, status: Status) -> dict:
        key = (status, self.facts)
        if key not in self.decisions:
            self.decisions[key] = self._decide(status)
        return self.decisions[key]

    def _decide(self, status: Status) -> dict:
        try:
            answer = decide(status, self.facts).to_dict()
        except PolicyInputError as error:  # e.g. a circumstance that does not apply to this status
            return {"status": status.value, "error": _one_line(str(error))}
        link = None
        if self.base_url is not None:
            link = answer_link(self.base_url, answer["status"], self.facts, answer["policy_version"])
        return {
            "status": answer["status"],
            "cancellation": answer["cancellation"]["outlook"],
            "refund": answer["refund"]["outlook"],
            "headline": answer["headline"],
            "link": link,
        }

    def order(self, order: str | None, entry: object) -> OrderAnswer:
        if isinstance(entry, str):
            return OrderAnswer(order, None, error=_panel_error(_quoted(entry)))
        if not isinstance(entry, dict):
            return OrderAnswer(order, None, error=_("The panel's answer for this order is not an order object."))
        word = entry.get("status")
        panel_status = word if isinstance(word, str) else None
        problem = entry.get("error")
        if problem not in (None, "", False):
            error = (_panel_error(_quoted(problem)) if isinstance(problem, str)
                     else _("The panel sent an error for this order."))
            return OrderAnswer(order, panel_status, error=error)
        if word is None:
            return OrderAnswer(order, None, error=_("The panel sent no status for this order."))
        if panel_status is None:
            return OrderAnswer(order, None, error=_("The panel sent a status for this order that is not text."))
        status, error = self.status(panel_status)
        if status is None:
            return OrderAnswer(order, panel_status, error=error)
        return OrderAnswer(order, panel_status, **self.decision(status))


def _panel_error(text: str) -> str:
    return _("The panel sent an error for this order: {error}.").format(error=text)


def answer_batch(data: object, facts: Iterable[Fact] = (), base_url: str | None = None,
                 lang: str | None = None) -> list[OrderAnswer]:
    """One answer per order of a panel's `action=status` answer, in input order, worded in `lang`.

    Raises BatchInputError only when the whole input is of an unknown shape; a bad order gets its own error.
    """
    with language(chosen(lang)):
        picked = set(facts)
        answers = _Answers(tuple(fact for fact in Fact if fact in picked), base_url)
        return [answers.order(order, entry) for order, entry in entries(data)]


def to_json(rows: Iterable[OrderAnswer]) -> str:
    """A JSON array, one object per order on its own line, control characters escaped."""
    lines = [json_text(row.to_dict()) for row in rows]
    return "[\n" + ",\n".join(lines) + "\n]" if lines else "[]"


def _csv_cell(value: str | None) -> str:
    if value is None:
        return ""
    text = shown(value)
    # A cell a spreadsheet would run as a formula is kept as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_csv(rows: Iterable[OrderAnswer]) -> str:
    """CSV with a header of COLUMNS; empty cells for null, control characters escaped."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([_csv_cell(value) for value in row.values()] for row in rows)
    return out.getvalue().rstrip("\n")


def _cell(value: str | None, limit: int | None = None) -> str:
    if value is None:
        return "-"
    text = shown(value)
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def to_table(rows: list[OrderAnswer]) -> str:
    """A table for a terminal: one line per order, the answer (or its error) last, and a count."""
    with_links = any(row.link for row in rows)
    header = [_("ORDER"), _("PANEL STATUS"), _("STATUS"), _("CANCELLATION"), _("REFUND"),
              *([_("LINK")] if with_links else [])]
    lines = []
    for row in rows:
        cells = [_cell(row.order, TABLE_CELL), _cell(row.panel_status, TABLE_CELL), _cell(row.status),
                 _cell(row.cancellation), _cell(row.refund), *([_cell(row.link)] if with_links else [])]
        answer = _cell(row.headline) if row.error is None else _("Error: {error}").format(error=_cell(row.error))
        lines.append((cells, answer))
    widths = [max([len(name), *(len(cells[i]) for cells, _ in lines)]) for i, name in enumerate(header)]

    def line(cells: list[str], last: str) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)) + "  " + last

    return "\n".join([line(header, _("ANSWER")), *(line(cells, answer) for cells, answer in lines), summary(rows)])


def summary(rows: list[OrderAnswer]) -> str:
    """The count under the table: "3 orders: 2 answered, 1 not answered."."""
    failed = sum(row.error is not None for row in rows)
    orders = ngettext("{count} order", "{count} orders", len(rows)).format(count=len(rows))
    return _("{orders}: {answered} answered, {failed} not answered.").format(
        orders=orders, answered=len(rows) - failed, failed=failed)
