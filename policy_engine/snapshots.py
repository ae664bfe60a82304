"""Outcome snapshots: the whole decision table of each policy version, kept as JSON in `snapshots/`.

A snapshot is what the policy answered while that version was in force. The current engine must
match the snapshot of the current version (a test checks it), so any change in outcomes forces a
new Revision in `changes.py` and a new snapshot. Old links are answered from old snapshots.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .changes import POLICY_VERSION, REVISIONS
from .decision import Decision, check_consistent, decide
from .errors import PolicyInputError, UnknownPolicyVersionError
from .facts import Fact, parse_facts
from .i18n import N_, SOURCE_LANGUAGE, _, chosen, language, stored_words
from .outlooks import CancellationOutlook, RefundOutlook
from .rules import RULES_BY_ID
from .statuses import Status, parse_status
from .table import case_key, decision_table

SNAPSHOT_FORMAT = 2  # 2 adds the headline and each reason's role; format 1 files still read
READABLE_FORMATS = (1, 2)
SNAPSHOT_DIR = "snapshots"  # inside the policy_engine package
SNAPSHOT_COMMAND = "python build.py snapshot"
_VERSION_RE = re.compile(r"\d{4}-\d{2}-\d{2}")

Outcome = dict  # one case: cancellation, refund, reasons, ticket_fields, next_step, would_change
Table = dict  # case key -> Outcome


@dataclass(frozen=True)
class CaseChange:
    """One case whose outcome differs between two tables; `old` or `new` is None when added or removed."""

    key: str
    old: Outcome | None
    new: Outcome | None


# --- Reading -------------------------------------------------------------------------------------

def _directory(directory: Path | Traversable | None) -> Traversable:
    return resources.files(__package__).joinpath(SNAPSHOT_DIR) if directory is None else directory


def available_versions(directory: Path | Traversable | None = None) -> tuple[str, ...]:
    """The versions that have a snapshot, newest first."""
    folder = _directory(directory)
    if not folder.is_dir():
        return ()
    names = (entry.name for entry in folder.iterdir())
    found = (name[:-5] for name in names if name.endswith(".json"))
    return tuple(sorted((v for v in found if _is_date(v)), reverse=True))


def _is_date(text: object) -> bool:
    if not isinstance(text, str) or not _VERSION_RE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def check_version(version: object, directory: Path | Traversable | None = None) -> str:
    """Return the version if a snapshot of it exists; raise UnknownPolicyVersionError otherwise."""
    known = available_versions(directory)
    listed = ", ".join(known) or "none"
    if not _is_date(version):
        shown = str(version) if len(str(version)) <= 40 else str(version)[:40] + "…"
        raise UnknownPolicyVersionError(
            _("{version} is not a policy version. A policy version is the date a policy took effect, "
              "written like {example}. Known versions: {known}.").format(
                version=repr(shown), example=POLICY_VERSION, known=listed)
        )
    if version not in known:
        raise UnknownPolicyVersionError(
            _("We have no saved answers for a policy effective {version}. Known versions: {known}.").format(
                version=version, known=listed)
        )
    return version


def load_snapshot(version: str, directory: Path | Traversable | None = None) -> Table:
    """The decision table saved for this version: case key -> outcome."""
    check_version(version, directory)
    text = _directory(directory).joinpath(f"{version}.json").read_text(encoding="utf-8")
    data = json.loads(text)
    if data.get("format") not in READABLE_FORMATS or data.get("policy_version") != version:
        raise UnknownPolicyVersionError(
            f"The saved answers for {version} are not readable (format {data.get('format')!r}, "
            f"version {data.get('policy_version')!r}). Write them again with `{SNAPSHOT_COMMAND}`."
        )
    return data["cases"]


# --- Computing and writing -----------------------------------------------------------------------

def outcome(decision: Decision) -> Outcome:
    """The compact, comparable outcome of one decision."""
    return {
        "cancellation": decision.cancellation.value,
        "refund": decision.refund.value,
        "headline": decision.headline,
        "reasons": [[r.id, role] for r, role in zip(decision.reasons, decision.roles, strict=True)],
        "ticket_fields": [f.value for f in decision.ticket_fields],
        "next_step": decision.next_step,
        "would_change": decision.would_change.text if decision.would_change else None,
    }


def current_table_snapshot() -> Table:
    """The engine's decision table now, in snapshot shape (its words in English), sorted by case key."""
    table = {case_key(d.status, d.facts): outcome(d) for d in decision_table(SOURCE_LANGUAGE)}
    return dict(sorted(table.items()))


def dumps(version: str, table: Table) -> str:
    """The snapshot file's text: deterministic, one case per line so a diff reads case by case."""
    lines = [
        json.dumps(key) + ": " + json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        for key, value in sorted(table.items())
    ]
    head = f'{{"format": {SNAPSHOT_FORMAT}, "policy_version": {json.dumps(version)}, "cases": {{\n'
    return head + ",\n".join(lines) + "\n}}\n"


def repo_snapshot_dir() -> Path:
    """The snapshots folder in the source tree (for writing; reading goes through the package)."""
    return Path(__file__).resolve().parent / SNAPSHOT_DIR


def write_snapshot(version: str = POLICY_VERSION, directory: Path | None = None,
                   table: Table | None = None) -> Path:
    """Write the current table as the snapshot of `version`; refuse to rewrite a version's answers."""
    folder = repo_snapshot_dir() if directory is None else Path(directory)
    table = current_table_snapshot() if table is None else table
    path = folder / f"{version}.json"
    if path.exists():
        stored = load_snapshot(version, folder)
        changes = diff(stored, table)
        if changes:
            raise UnknownPolicyVersionError(
                f"The outcomes changed, but the policy version is still {version}, and its answers were "
                f"already given to customers:\n{describe(changes)}\n{_WHAT_TO_DO}\n(Only if the policy "
                f"effective {version} was never published: delete {path.name} and run `{SNAPSHOT_COMMAND}` again.)"
            )
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(version, table), encoding="utf-8")
    return path


# --- Comparing -----------------------------------------------------------------------------------

def diff(old: Table, new: Table) -> list[CaseChange]:
    """Every case whose outcome differs between two tables, sorted by case key."""
    keys = sorted(set(old) | set(new))
    return [CaseChange(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)]


def _case_label(key: str) -> str:
    status_id, _, fact_ids = key.partition("|")
    try:
        status = Status(status_id).label
    except ValueError:
        status = status_id
    known = {fact.value: fact for fact in Fact}
    ids = fact_ids.split(",") if fact_ids else []
    facts = [f"“{known[i].label}”" for i in sorted(set(ids) & set(known), key=lambda i: list(known).index(i))]
    facts += [i for i in ids if i not in known]
    return f"{status}, " + (" + ".join(facts) if facts else "no circumstances") + f" [{key}]"


def _label(enum: type, value: str) -> str:
    try:
        return enum(value).label
    except ValueError:
        return value


def _describe_field(name: str, old: object, new: object) -> str:
    if name == "cancellation":
        return f"cancellation: {_label(CancellationOutlook, old)} → {_label(CancellationOutlook, new)}"
    if name == "refund":
        return f"balance/refund: {_label(RefundOutlook, old)} → {_label(RefundOutlook, new)}"
    if isinstance(old, list) and isinstance(new, list):
        added = [x for x in new if x not in old]
        removed = [x for x in old if x not in new]
        parts = [f"+ {x}" for x in added] + [f"− {x}" for x in removed]
        return f"{name.replace('_', ' ')}: " + (", ".join(parts) if parts else "same items, new order")
    return f"{name.replace('_', ' ')}: {json.dumps(old, ensure_ascii=False)} → {json.dumps(new, ensure_ascii=False)}"


def describe(changes: Iterable[CaseChange]) -> str:
    """The changes as a readable policy change: one block per case, old → new."""
    blocks = []
    for change in changes:
        head = f"  {_case_label(change.key)}"
        if change.old is None:
            blocks.append(f"{head}\n      new case: {_label(CancellationOutlook, change.new['cancellation'])}; "
                          f"{_label(RefundOutlook, change.new['refund'])}")
            continue
        if change.new is None:
            blocks.append(f"{head}\n      case no longer exists (was: "
                          f"{_label(CancellationOutlook, change.old['cancellation'])})")
            continue
        fields = [k for k in change.new if change.old.get(k) != change.new.get(k)]
        fields += [k for k in change.old if k not in change.new]
        blocks.append(head + "".join(f"\n      {_describe_field(k, change.old.get(k), change.new.get(k))}"
                                     for k in fields))
    return "\n".join(blocks)


_WHAT_TO_DO = (
    "What to do: if this change is intended, add a Revision with a new effective date at the top of "
    f"REVISIONS in policy_engine/changes.py (it appears on the Changes page), then run `{SNAPSHOT_COMMAND}` "
    "and commit policy_engine/snapshots/<new date>.json. If it is not intended, undo the change to the rules."
)


def mismatch_message(version: str = POLICY_VERSION, directory: Path | Traversable | None = None,
                     table: Table | None = None) -> str | None:
    """None when the engine matches the snapshot of `version`; otherwise what changed and what to do."""
    table = current_table_snapshot() if table is None else table
    if version not in available_versions(directory):
        return (f"There is no snapshot of the current policy version {version}. Run `{SNAPSHOT_COMMAND}` "
                f"and commit policy_engine/snapshots/{version}.json.")
    changes = diff(load_snapshot(version, directory), table)
    if not changes:
        return None
    count = f"{len(changes)} case{'s' if len(changes) != 1 else ''}"
    return (f"The engine's outcomes differ from the policy effective {version} in {count} "
            f"(old → new):\n{describe(changes)}\n{_WHAT_TO_DO}")


# --- Answering old links -------------------------------------------------------------------------

def _expand(version: str, status: str, fact_ids: list[str], stored: Outcome) -> dict:
    """A stored outcome in the shape of Decision.to_dict(), labelled with today's wording in the current language.

    Saved sentences (headline, next step, what would change it) are English; each is shown in the current
    language where the catalog has it (stored_words), as it was saved where it does not.
    """
    def outlook(enum: type, value: str) -> dict:
        try:
            member = enum(value)
        except ValueError:
            return {"outlook": value, "word": value, "label": value, "summary": ""}
        result = {"outlook": value, "word": member.word, "label": member.label, "summary": member.summary}
        if enum is RefundOutlook:
            result |= {"case": member.case, "guaranteed": False}
        return result

    reasons = []
    for entry in stored["reasons"]:
        rule_id, role = (entry, "supports") if isinstance(entry, str) else entry  # format 1 kept ids only
        r = RULES_BY_ID.get(rule_id)
        reasons.append({"rule": rule_id, "title": r.title if r else rule_id,
                        "text": r.statement if r else "", "link": r.reference if r else "", "role": role})
    cancellation = outlook(CancellationOutlook, stored["cancellation"])
    refund = outlook(RefundOutlook, stored["refund"])
    headline = stored_words(stored["headline"]) if stored.get("headline") else (
        _("{cancellation}. {refund}.").format(cancellation=cancellation["label"], refund=refund["label"]))
    return {
        "status": status,
        "headline": headline,
        "facts": fact_ids,
        "cancellation": cancellation,
        "refund": refund,
        "reasons": reasons,
        "ticket_fields": list(stored["ticket_fields"]),
        "next_step": stored_words(stored["next_step"]),
        "would_change": None if stored["would_change"] is None else {"text": stored_words(stored["would_change"])},
        "policy_version": version,
    }


def decide_under(version: str, status: str | Status, facts: Iterable[str | Fact] = (),
                 directory: Path | Traversable | None = None, lang: str | None = None) -> dict:
    """The answer the policy effective `version` gave for this case, shaped like Decision.to_dict(), in `lang`.

    Raises UnknownPolicyVersionError for a malformed or unknown version, and the usual input
    errors (UnknownStatusError, UnknownFactError, ContradictoryInputError) for a bad case.
    """
    with language(chosen(lang)):
        return _decide_under(version, status, facts, directory)


def _decide_under(version: str, status: str | Status, facts: Iterable[str | Fact],
                  directory: Path | Traversable | None) -> dict:
    table = load_snapshot(version, directory)
    current_status = parse_status(status)
    chosen = parse_facts(facts)
    fact_ids = [f.value for f in Fact if f in chosen]
    key = case_key(current_status, fact_ids)
    if key not in table:
        check_consistent(current_status, chosen)
        raise PolicyInputError(
            _("The policy effective {version} had no answer for this case ({case}).").format(version=version, case=key))
    return _expand(version, current_status.value, fact_ids, table[key])


# The sentences a visitor reads about a link made under another policy version (`?v=…`), written once.
# Nothing from the URL is ever put into them: a version that is not one of ours gets one fixed sentence.
# In English here; `notice(key)` gives one in the current language.
NOTICES: dict[str, str] = {
    "old": N_("This link was made under the policy effective {link_version}. The policy changed on {current}, "
              "so the answer below follows the current policy."),
    "then": N_("Under the older policy, the answer was: {then}"),
    "then-same": N_("The answer was the same then."),
    "then-not-saved": N_("We did not keep the answers of that older policy."),
    "then-no-case": N_("The older policy had no answer for these choices."),
    "unrecognised": N_("Part of this link was not recognised and was ignored."),
}


def notice(key: str) -> str:
    """One of NOTICES in the current language."""
    return _(NOTICES[key])


def link_answer(version: str | None, status: str | Status, facts: Iterable[str | Fact] = (),
                directory: Path | Traversable | None = None, lang: str | None = None) -> dict:
    """Everything the Desk shows for a link `?status=…&fact=…&v=…`.

    Returns {"current": Decision.to_dict(), "then": old answer or None, "version": "current" |
    "old" | "unknown" | "malformed" | "missing", "link_version": v, "notice": text or None}.
    The notice is made from NOTICES, in `lang`. Bad status or facts raise the usual input errors; a bad version
    never does.
    """
    with language(chosen(lang)):
        return _link_answer(version, status, facts, directory)


def _link_answer(version: str | None, status: str | Status, facts: Iterable[str | Fact],
                 directory: Path | Traversable | None) -> dict:
    current = decide(status, facts).to_dict()
    result = {"current": current, "then": None, "link_version": version, "notice": None}
    if version is None or version == "":
        return result | {"version": "missing"}
    if version == POLICY_VERSION:
        return result | {"version": "current"}
    if not _is_date(version):
        return result | {"version": "malformed", "notice": notice("unrecognised")}
    lead = notice("old").format(link_version=version, current=POLICY_VERSION)
    try:
        then = decide_under(version, status, facts, directory)
    except UnknownPolicyVersionError:
        if version in {r.effective for r in REVISIONS}:
            return result | {"version": "old", "notice": f"{lead} {notice('then-not-saved')}"}
        return result | {"version": "unknown", "notice": notice("unrecognised")}
    except PolicyInputError:
        return result | {"version": "old", "notice": f"{lead} {notice('then-no-case')}"}
    same = (then["cancellation"]["outlook"], then["refund"]["outlook"]) == (
        current["cancellation"]["outlook"], current["refund"]["outlook"])
    tail = notice("then-same") if same else notice("then").format(then=describe_answer(then))
    return result | {"version": "old", "then": then, "notice": f"{lead} {tail}"}


def describe_answer(answer: dict) -> str:
    """An answer in one sentence: its headline."""
    return answer["headline"]
