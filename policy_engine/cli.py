"""The command line for support staff and checks: decide, triage, check-link, table."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from . import triage as batch
from .decision import Decision, decide
from .errors import PolicyInputError
from .facts import Fact
from .i18n import LANGUAGES, SOURCE_LANGUAGE, _, check_language, language
from .links import LinkCheck, check_link
from .panel import read_status
from .statuses import Status
from .table import decision_table
from .terminal import json_text, shown

MAX_FACT_ARGUMENTS = 20  # each circumstance once is enough; a longer list is a mistake or an attack


class UsageError(Exception):
    """The command line itself is malformed."""


class _Parser(argparse.ArgumentParser):
    def __init__(self, **kwargs) -> None:
        super().__init__(allow_abbrev=False, **kwargs)  # `--stat` is not `--status`, on every subcommand

    def error(self, message: str) -> None:  # one line on stderr, exit 2, never a usage dump
        raise UsageError(message)


class _Once(argparse.Action):
    """An option that may be given once: a second `--status` is an error, not a silent override."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        if getattr(namespace, self.dest) is not None:
            raise UsageError(_("{option} was given more than once; give it once").format(option=option_string))
        setattr(namespace, self.dest, values)


class _Facts(argparse.Action):
    """A repeatable `--fact`, bounded to MAX_FACT_ARGUMENTS."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        facts = [*(getattr(namespace, self.dest) or []), values]
        if len(facts) > MAX_FACT_ARGUMENTS:
            raise UsageError(
                _("too many {option} arguments (more than {limit}); give each circumstance once, there are {count}")
                .format(option=option_string, limit=MAX_FACT_ARGUMENTS, count=len(Fact))
            )
        setattr(namespace, self.dest, facts)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m policy_engine", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    statuses = ", ".join(s.value for s in Status) + " (or the panel's words, such as 'In progress')"
    facts = ", ".join(f.value for f in Fact)
    d = commands.add_parser("decide", help="the likely outcome for a status and circumstances")
    d.add_argument("--status", required=True, action=_Once, help=statuses)
    d.add_argument("--fact", action=_Facts, default=[], help=facts)
    d.add_argument("--json", action="store_true", help="print one JSON object")
    b = commands.add_parser("triage", help="answer every order of a panel's action=status response")
    b.add_argument("file", nargs="?", default="-", metavar="FILE", help="the panel's JSON response; - or none: stdin")
    b.add_argument("--fact", action=_Facts, default=[], help=f"applies to every order: {facts}")
    b.add_argument("--base-url", action=_Once, help="the Cancellation page's URL, to add each answer's link")
    shape = b.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="print a JSON array, one object per order")
    shape.add_argument("--csv", action="store_true", help="print CSV with the same columns")
    c = commands.add_parser("check-link", help="check a Telegram link or @username")
    c.add_argument("text")
    c.add_argument("--json", action="store_true", help="print one JSON object")
    t = commands.add_parser("table", help="every status with every consistent set of circumstances")
    t.add_argument("--json", action="store_true", help="print one JSON object")
    for command in (d, b, c, t):
        command.add_argument("--lang", action=_Once, metavar="LANG",
                             help=f"the language of every word printed: {', '.join(LANGUAGES)} (default: en)")
    return parser


def format_decision(decision: Decision) -> str:
    """A decision as readable text for a terminal or a ticket reply."""
    with language(decision.lang):
        facts = ", ".join(f.label for f in decision.facts) or _("none")
        change = decision.would_change.text if decision.would_change else _("nothing you can change now.")
        lines = [
            _("Status: {status}").format(status=decision.status.label),
            _("Circumstances: {circumstances}").format(circumstances=facts),
            _("Cancellation: {label}. {summary}").format(
                label=decision.cancellation.label, summary=decision.cancellation_summary),
            _("Balance/refund (case {case}): {label}. {summary}").format(
                case=decision.refund.case, label=decision.refund.label, summary=decision.refund.summary),
            _("Next step: {step}").format(step=decision.next_step),
            _("What would change it: {change}").format(change=change),
            _("Include in the ticket: {fields}").format(fields=", ".join(f.label for f in decision.ticket_fields)),
            _("Why:"),
        ]
        lines += [f"  - {r.title}: {r.statement} [{r.reference}]" for r in decision.reasons]
        lines.append(_("Policy version: {version}").format(version=decision.policy_version))
    return "\n".join(lines)


def format_link(check: LinkCheck) -> str:
    """A link check as readable text."""
    yes, no = _("yes"), _("no")
    lines = [
        _("Valid: {answer}").format(answer=yes if check.valid else no),
        _("Kind: {kind}").format(kind=shown(check.kind)),
        _("Public: {answer}").format(answer=yes if check.public else no),
        _("Normalized: {link}").format(link=shown(check.normalized or "-")),
    ]
    lines += [_("Problem: {problem}").format(problem=shown(problem)) for problem in check.problems]
    return "\n".join(lines)


def _read(name: str) -> bytes:
    """The bytes of FILE, or of standard input for `-`, up to one byte past the limit."""
    where = _("standard input") if name == "-" else repr(name)
    try:
        if name == "-":
            stream = getattr(sys.stdin, "buffer", None)
            if stream is None:
                raise batch.BatchInputError(_("There is no standard input to read; give a FILE."))
            return stream.read(batch.MAX_INPUT_BYTES + 1)
        with open(name, "rb") as file:
            return file.read(batch.MAX_INPUT_BYTES + 1)
    except OSError as error:
        # the system's reason (strerror) comes in the system's language, not ours
        raise batch.BatchInputError(_("Cannot read {source}: {reason}.").format(
            source=where, reason=error.strerror or _("it cannot be read"))) from None


def triage(args: argparse.Namespace) -> str:
    """Answer every order of a panel's answer read from FILE or stdin."""
    facts = batch.read_facts(args.fact)
    base_url = None if args.base_url is None else batch.check_base_url(args.base_url)
    rows = batch.answer_batch(batch.read_batch(_read(args.file)), facts, base_url)
    if args.json:
        return batch.to_json(rows)
    return batch.to_csv(rows) if args.csv else batch.to_table(rows)


def language_of(argv: Sequence[str]) -> str:
    """The language `--lang` asks for (checked: UnknownLanguageError lists the valid ones), else English.

    Read before the arguments are parsed, so that every message, a usage error's too, is in that language.
    """
    for index, argument in enumerate(argv):
        if argument == "--":
            break
        if argument == "--lang" and index + 1 < len(argv):
            return check_language(argv[index + 1])
        if argument.startswith("--lang="):
            return check_language(argument.removeprefix("--lang="))
    return SOURCE_LANGUAGE


def run(argv: Sequence[str]) -> str:
    """Run one command and return what it prints, in its --lang; raises UsageError or PolicyInputError."""
    with language(language_of(argv)):
        return _run(argv)


def _run(argv: Sequence[str]) -> str:
    args = _parser().parse_args(argv)
    if args.command == "decide":
        decision = decide(read_status(args.status), args.fact)
        return json_text(decision.to_dict()) if args.json else format_decision(decision)
    if args.command == "triage":
        return triage(args)
    if args.command == "check-link":
        check = check_link(args.text)
        return json_text(check.to_dict()) if args.json else format_link(check)
    table = decision_table()
    if args.json:
        return json_text({"decisions": [d.to_dict() for d in table]})
    return "\n\n".join(format_decision(d) for d in table)


def _arguments(argv: Sequence[str]) -> list[str]:
    """The arguments as text; bytes that are not UTF-8 (kept by Python as escapes) are refused, in any locale."""
    texts = []
    for position, argument in enumerate(argv, 1):
        try:
            texts.append(os.fsencode(argument).decode("utf-8"))
        except UnicodeError:
            raise UsageError(f"argument {position} is not valid UTF-8 text") from None
    return texts


def _print(text: str, stream) -> None:
    """Print each line with control characters escaped; text the terminal cannot encode is escaped too."""
    text = "\n".join(shown(line) for line in text.split("\n"))
    try:
        print(text, file=stream)
    except UnicodeEncodeError:  # e.g. an ASCII-only locale: write \u2026 rather than fail
        encoding = stream.encoding or "ascii"
        print(text.encode(encoding, "backslashreplace").decode(encoding), file=stream)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: 0 on success, 2 with a one-line message on bad input."""
    try:
        _print(run(_arguments(sys.argv[1:] if argv is None else argv)), sys.stdout)
    except (UsageError, PolicyInputError) as error:
        _print(f"error: {' '.join(str(error).split())}", sys.stderr)
        return 2
    except SystemExit as done:  # --help and --version print, then argparse exits
        return done.code if isinstance(done.code, int) else 0
    except KeyboardInterrupt:  # Ctrl-C while pasting a batch into stdin
        return 130
    except BrokenPipeError:  # the reader stopped early (`| head`): not an error worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0
