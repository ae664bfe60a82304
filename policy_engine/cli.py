"""The command line for support staff and checks: decide, check-link, table."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from .decision import Decision, decide
from .errors import PolicyInputError
from .facts import Fact
from .links import LinkCheck, check_link
from .panel import read_status
from .statuses import Status
from .table import decision_table


class UsageError(Exception):
    """The command line itself is malformed."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line on stderr, exit 2, never a usage dump
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m policy_engine", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    d = commands.add_parser("decide", help="the likely outcome for a status and circumstances")
    statuses = ", ".join(s.value for s in Status) + " (or the panel's words, such as 'In progress')"
    d.add_argument("--status", required=True, help=statuses)
    d.add_argument("--fact", action="append", default=[], help=", ".join(f.value for f in Fact))
    d.add_argument("--json", action="store_true", help="print one JSON object")
    c = commands.add_parser("check-link", help="check a Telegram link or @username")
    c.add_argument("text")
    c.add_argument("--json", action="store_true", help="print one JSON object")
    t = commands.add_parser("table", help="every status with every consistent set of circumstances")
    t.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def format_decision(decision: Decision) -> str:
    """A decision as readable text for a terminal or a ticket reply."""
    facts = ", ".join(f.label for f in decision.facts) or "none"
    lines = [
        f"Status: {decision.status.label}",
        f"Circumstances: {facts}",
        f"Cancellation: {decision.cancellation.label}. {decision.cancellation.summary}",
        f"Balance/refund (case {decision.refund.case}): {decision.refund.label}. {decision.refund.summary}",
        f"Next step: {decision.next_step}",
        "What would change it: "
        + (decision.would_change.text if decision.would_change else "nothing you can change now."),
        "Include in the ticket: " + ", ".join(f.label for f in decision.ticket_fields),
        "Why:",
    ]
    lines += [f"  - {r.title}: {r.statement} [{r.reference}]" for r in decision.reasons]
    lines.append(f"Policy version: {decision.policy_version}")
    return "\n".join(lines)


def format_link(check: LinkCheck) -> str:
    """A link check as readable text."""
    lines = [
        f"Valid: {'yes' if check.valid else 'no'}",
        f"Kind: {check.kind}",
        f"Public: {'yes' if check.public else 'no'}",
        f"Normalized: {check.normalized or '-'}",
    ]
    lines += [f"Problem: {problem}" for problem in check.problems]
    return "\n".join(lines)


def run(argv: Sequence[str]) -> str:
    """Run one command and return what it prints; raises UsageError or PolicyInputError."""
    args = _parser().parse_args(argv)
    if args.command == "decide":
        decision = decide(read_status(args.status), args.fact)
        return json.dumps(decision.to_dict(), ensure_ascii=False) if args.json else format_decision(decision)
    if args.command == "check-link":
        check = check_link(args.text)
        return json.dumps(check.to_dict(), ensure_ascii=False) if args.json else format_link(check)
    table = decision_table()
    if args.json:
        return json.dumps({"decisions": [d.to_dict() for d in table]}, ensure_ascii=False)
    return "\n\n".join(format_decision(d) for d in table)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: 0 on success, 2 with a one-line message on bad input."""
    try:
        print(run(sys.argv[1:] if argv is None else argv))
    except (UsageError, PolicyInputError) as error:
        message = " ".join(str(error).split())
        print(f"error: {message}", file=sys.stderr)
        return 2
    except SystemExit as done:  # --help and --version print, then argparse exits
        return done.code if isinstance(done.code, int) else 0
    except BrokenPipeError:  # the reader stopped early (`| head`): not an error worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0
