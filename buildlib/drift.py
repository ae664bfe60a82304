"""Prose-rule drift: each rule is confirmed against the text of the section it cites.

Every rule in policy_engine.rules cites a section, "page/#anchor": the heading in docs/<page>.md
that carries `{ #anchor }`, down to the next heading of the same or a higher level. rules.lock
records the hash (and the text) of each cited section as last confirmed. When the text changes and
the lock does not, the build fails until someone reads the rule against the new text and runs
`python build.py confirm-rules`. Sections that no rule cites can change freely.

Translations are locked the same way (rules.lock's "translations"): for each translated page's cited section,
its own hash and the hash of the English section it was translated from. When either changes (the translation
is reworded, or the English text it follows changed and it needs review) the build fails until
`confirm-rules` confirms both.

Also runs `python build.py snapshot`, which writes the outcome snapshot of the current version.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .options import BuildError

ROOT = Path(__file__).resolve().parent.parent
LOCK_NAME = "rules.lock"
CONFIRM_COMMAND = "python build.py confirm-rules"
LOCK_FORMAT = 1
log = logging.getLogger("mkdocs.hooks.drift")

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_ATTRS = re.compile(r"\{:?([^{}]*)\}\s*#*\s*$")
_RENDERED = re.compile(r"\{\{.*\}\}")


@dataclass(frozen=True)
class Section:
    """The text of one cited section, as found in the docs source."""

    reference: str
    source: str  # e.g. "docs/cancellation.md"
    lines: tuple[str, ...]

    @property
    def rendered(self) -> bool:
        """True when the section's text is only what the engine renders ({{ … }}): it cannot drift."""
        body = [line.strip() for line in self.lines[1:] if line.strip()]
        return bool(body) and all(_RENDERED.fullmatch(line) for line in body)

    @property
    def sha256(self) -> str:
        """The hash of the whitespace-normalized text: rewrapping a paragraph is not a change."""
        return section_sha256("\n".join(self.lines))


@dataclass
class Report:
    """What differs between the cited sections and rules.lock."""

    missing: list[str] = field(default_factory=list)  # one line per rule whose section cannot be found
    changed: list[str] = field(default_factory=list)
    unconfirmed: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Every problem, one line each."""
        return self.missing + self.changed + self.unconfirmed + self.stale


# --- Finding sections ----------------------------------------------------------------------------

def section_sha256(text: str) -> str:
    """sha256 of the text with all whitespace runs collapsed to one space."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def page_source(docs_dir: Path, page: str) -> Path:
    """The Markdown file of a site page: "cancellation/" -> cancellation.md, "" -> index.md."""
    name = page.strip("/")
    if not name:
        return docs_dir / "index.md"
    direct = docs_dir / f"{name}.md"
    nested = docs_dir / name / "index.md"
    return nested if not direct.exists() and nested.exists() else direct


def _heading_ids(content: str) -> list[str]:
    match = _ATTRS.search(content)
    if not match:
        return []
    return [token[1:] for token in match.group(1).split() if token.startswith("#") and len(token) > 1]


def heading_title(line: str) -> str:
    """A heading line's text without its #s and its { #id } attributes: "## Title { #x }" -> "Title"."""
    heading = _HEADING.match(line)
    content = (heading.group(2) or "") if heading else line
    return _ATTRS.sub("", content).strip()


def find_section(markdown: str, anchor: str) -> tuple[str, ...] | None:
    """The lines from the heading carrying `{ #anchor }` to the next heading of the same or higher level."""
    lines = markdown.splitlines()
    fence = ""
    start = level = None
    for number, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
            continue
        if opened:
            fence = opened.group(1)
            continue
        heading = _HEADING.match(line)
        if not heading:
            continue
        depth = len(heading.group(1))
        if start is not None and depth <= level:
            return _trim(lines[start:number])
        if start is None and anchor in _heading_ids(heading.group(2) or ""):
            start, level = number, depth
    return None if start is None else _trim(lines[start:])


def _trim(lines: list[str]) -> tuple[str, ...]:
    kept = [line.rstrip() for line in lines]
    while kept and not kept[-1]:
        kept.pop()
    return tuple(kept)


def _rel(path: Path, docs_dir: Path) -> str:
    return f"{docs_dir.name}/{path.relative_to(docs_dir).as_posix()}"


def read_sections(docs_dir: Path, rules: Iterable) -> tuple[dict[str, Section], dict[str, str]]:
    """Every section the rules cite, and for each one that cannot be found, why."""
    found: dict[str, Section] = {}
    missing: dict[str, str] = {}
    texts: dict[Path, str | None] = {}
    for rule in rules:
        reference = rule.reference
        if reference in found or reference in missing:
            continue
        if "#" not in reference:
            missing[reference] = f"the reference {reference!r} has no #anchor"
            continue
        page, anchor = reference.split("#", 1)
        path = page_source(docs_dir, page)
        if path not in texts:
            texts[path] = path.read_text(encoding="utf-8") if path.is_file() else None
        text = texts[path]
        if text is None:
            missing[reference] = f"{_rel(path, docs_dir)} does not exist"
            continue
        lines = find_section(text, anchor)
        if lines is None:
            missing[reference] = (f"no heading in {_rel(path, docs_dir)} carries {{ #{anchor} }} "
                                  f"(write the id literally on the heading: `## Title {{ #{anchor} }}`)")
            continue
        found[reference] = Section(reference, _rel(path, docs_dir), lines)
    return found, missing


# --- The lock ------------------------------------------------------------------------------------

def load_lock(lock_path: Path) -> dict | None:
    """rules.lock as data, or None when there is none; BuildError when it cannot be read."""
    if not lock_path.exists():
        return None
    try:
        data = json.loads(lock_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BuildError(f"{lock_path.name} cannot be read ({error}). Restore it from git, "
                         f"or run `{CONFIRM_COMMAND}` to write it again.") from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), dict) \
            or not isinstance(data.get("sections"), dict):
        raise BuildError(f"{lock_path.name} is not a rules lock (it needs \"rules\" and \"sections\"). "
                         f"Restore it from git, or run `{CONFIRM_COMMAND}` to write it again.")
    return data


def make_lock(rules: Iterable, sections: dict[str, Section],
              translations: dict[str, dict[str, Section]] | None = None) -> dict:
    """The lock that confirms every rule against the given sections, and each translation (language ->
    its sections) against its own text and the English text it follows."""
    rules = [rule for rule in rules if not sections[rule.reference].rendered]
    cited = {rule.reference for rule in rules}
    lock = {
        "about": ("Each rule's cited section as last confirmed. The build fails when a cited section's text "
                  f"changes; read the rule against the new text, then run `{CONFIRM_COMMAND}`. "
                  "Do not edit by hand."),
        "format": LOCK_FORMAT,
        "rules": {
            rule.id: {"reference": rule.reference, "section_sha256": sections[rule.reference].sha256}
            for rule in sorted(rules, key=lambda r: r.id)
        },
        "sections": {
            ref: {"source": s.source, "sha256": s.sha256, "text": list(s.lines)}
            for ref, s in sorted(sections.items()) if ref in cited
        },
    }
    if translations:
        lock["translations"] = {
            lang: {ref: {"source": t.source, "sha256": t.sha256, "english_sha256": sections[ref].sha256,
                         "text": list(t.lines)}
                   for ref, t in sorted(translated.items()) if ref in cited}
            for lang, translated in sorted(translations.items())
        }
    return lock


def dumps_lock(lock: dict) -> str:
    """Deterministic, readable JSON: one rule per line, section text one line per line."""
    return json.dumps(lock, indent=2, ensure_ascii=False) + "\n"


def compare(docs_dir: Path, lock: dict, rules: Iterable) -> tuple[Report, dict[str, Section]]:
    """What differs between the docs and the lock, for these rules."""
    rules = list(rules)
    sections, missing = read_sections(docs_dir, rules)
    report = Report()
    locked = lock["rules"]
    for rule in rules:
        where = f"rule {rule.id} cites {rule.reference}"
        if rule.reference in missing:
            report.missing.append(f"{where}, but {missing[rule.reference]}.")
            continue
        entry = locked.get(rule.id)
        section = sections[rule.reference]
        if section.rendered:
            continue
        if entry is None:
            report.unconfirmed.append(f"{where} ({section.source}) and has never been confirmed against it.")
        elif entry.get("reference") != rule.reference:
            report.changed.append(f"{where} ({section.source}), but was confirmed against "
                                  f"{entry.get('reference')}.")
        elif entry.get("section_sha256") != section.sha256:
            report.changed.append(f"{where} ({section.source}), and that section's text changed since "
                                  "the rule was confirmed against it.")
    ids = {rule.id for rule in rules}
    rendered = {rule.id for rule in rules if rule.reference in sections and sections[rule.reference].rendered}
    report.stale += [f"rule {rule_id} is in {LOCK_NAME} but no longer in policy_engine/rules.py."
                     for rule_id in sorted(set(locked) - ids)]
    report.stale += [f"rule {rule_id} cites a section now rendered from the engine, which needs no entry."
                     for rule_id in sorted(set(locked) & rendered)]
    return report, sections


def compare_translation(lang: str, docs_dir: Path, english_dir: Path, lock: dict,
                        rules: Iterable) -> tuple[Report, dict[str, Section]]:
    """What differs between a translation's cited sections and the lock: its own text, and the English text
    it was translated from."""
    rules = list(rules)
    english, _ = read_sections(english_dir, rules)
    sections, missing = read_sections(docs_dir, rules)
    locked = (lock.get("translations") or {}).get(lang, {})
    report = Report()
    checked: dict[str, Section] = {}
    for reference in dict.fromkeys(rule.reference for rule in rules):
        if reference not in english or english[reference].rendered:
            continue
        if reference in missing:
            report.missing.append(f"the {lang} translation of {reference}: {missing[reference]}.")
            continue
        entry, section = locked.get(reference), sections[reference]
        checked[reference] = section
        where = f"the {lang} translation of {reference} ({section.source})"
        if entry is None:
            report.unconfirmed.append(f"{where} has never been confirmed.")
            continue
        if entry.get("sha256") != section.sha256:
            report.changed.append(f"{where} changed since it was confirmed.")
        if entry.get("english_sha256") != english[reference].sha256:
            report.changed.append(f"{where} needs review: the English section it was translated from changed.")
    return report, checked


def message(report: Report, lock_name: str = LOCK_NAME) -> str:
    """The build failure: each rule and its section, and what to do."""
    lines = [f"Policy text and rules have drifted apart ({len(report.problems)} "
             f"problem{'s' if len(report.problems) != 1 else ''}; {lock_name} records what was confirmed):"]
    lines += [f"  - {problem}" for problem in report.problems]
    if report.missing:
        lines.append("A missing section: put the id back on its heading in docs/, or change the rule's "
                     "reference in policy_engine/rules.py.")
    if report.changed or report.unconfirmed or report.stale:
        lines.append(f"Changed text: run `{CONFIRM_COMMAND}`. It shows each rule and what changed in its "
                     "section; fix the rule (policy_engine/rules.py) or the text until they agree, then confirm.")
    return "\n".join(lines)


# --- The build check -----------------------------------------------------------------------------

def _lock_path(config) -> Path:
    config_file = config.get("config_file_path") if hasattr(config, "get") else None
    return Path(config_file).resolve().parent / LOCK_NAME if config_file else ROOT / LOCK_NAME


def _rules():
    from policy_engine.rules import RULES

    return RULES


def check(config, docs_dir: Path | None = None, lock_path: Path | None = None, rules: Iterable | None = None) -> None:
    """Fail the build when a cited section changed without confirmation (only once rules.lock exists)."""
    docs_dir = Path(docs_dir if docs_dir is not None else config["docs_dir"])
    lock_path = Path(lock_path) if lock_path is not None else _lock_path(config)
    lock = load_lock(lock_path)
    if lock is None:
        log.info("%s not found: the prose-rule drift check is off until `%s --yes` writes it.",
                 lock_path.name, CONFIRM_COMMAND)
        return
    rules = _rules() if rules is None else rules
    lang = _language(config)
    if lang == "en":
        report, _ = compare(docs_dir, lock, rules)
    else:
        report, _ = compare_translation(lang, docs_dir, docs_dir.parent / "docs", lock, rules)
    if report.problems:
        raise BuildError(message(report, lock_path.name))


def _language(config) -> str:
    theme = config.get("theme") if hasattr(config, "get") else None
    return (theme.get("language") if hasattr(theme, "get") else None) or "en"


# --- confirm-rules -------------------------------------------------------------------------------

def _section_diff(reference: str, old: dict | None, new: Section) -> list[str]:
    old_lines = list(old["text"]) if old else []
    label = "confirmed" if old else "never confirmed"
    diff = difflib.unified_diff(old_lines, list(new.lines), fromfile=f"{reference} ({label})",
                                tofile=f"{reference} ({new.source}, now)", lineterm="", n=2)
    return list(diff) or ["  (only whitespace changed; the hash ignores it)"]


def confirm(docs_dir: Path, lock_path: Path, assume_yes: bool = False, rules: Iterable | None = None,
            ask: Callable[[str], str] | None = None, out: Callable[[str], None] = print,
            translations: dict[str, Path] | None = None) -> int:
    """Show what changed under each rule (and in each translation: language -> its docs folder), ask, then
    write the lock. Returns an exit code."""
    rules = list(_rules() if rules is None else rules)
    old = load_lock(lock_path) or {"rules": {}, "sections": {}}
    report, sections = compare(docs_dir, old, rules)
    translated: dict[str, dict[str, Section]] = {}
    for lang, folder in (translations or {}).items():
        found, sections_of = compare_translation(lang, Path(folder), docs_dir, old, rules)
        report.missing += found.missing
        for line in found.changed + found.unconfirmed:
            out(f"  {line}")
        report.changed += found.changed
        report.unconfirmed += found.unconfirmed
        translated[lang] = sections_of
        for reference, now in sections_of.items():
            before = ((old.get("translations") or {}).get(lang) or {}).get(reference)
            if before is None or before.get("sha256") != now.sha256:
                out("\n".join(_section_diff(f"{reference} ({lang})", before, now)))
    if report.missing:
        out(message(Report(missing=report.missing), lock_path.name))
        out("Nothing was confirmed: a rule cannot be confirmed against a section that does not exist.")
        return 1
    if not report.problems:
        out(f"All {len(rules)} rules are confirmed against their sections; {lock_path.name} is up to date.")
        return 0
    new_lock = make_lock(rules, sections, translated)
    by_section: dict[str, list] = {}
    for rule in rules:
        if rule.id in new_lock["rules"] and old["rules"].get(rule.id) != new_lock["rules"][rule.id]:
            by_section.setdefault(rule.reference, []).append(rule)
    for reference, drifted in by_section.items():
        out("")
        out(f"== {reference} ==")
        out("\n".join(_section_diff(reference, old["sections"].get(reference), sections[reference])))
        out("Rules that cite it; check that each still says what the section says:")
        for rule in drifted:
            out(f"  {rule.id} ({rule.title}): {rule.statement}")
    for line in report.stale:
        out(f"  {line} It will be removed from {lock_path.name}.")
    out("")
    if not assume_yes:
        if ask is None:
            if not sys.stdin.isatty():
                out(f"Nothing was written. To confirm without a prompt, run `{CONFIRM_COMMAND} --yes`.")
                return 1
            ask = input
        answer = ask(f"Do these rules still match their sections? Update {lock_path.name} [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            out(f"Nothing was written. Fix the rules or the text, then run `{CONFIRM_COMMAND}` again.")
            return 1
    lock_path.write_text(dumps_lock(new_lock), encoding="utf-8")
    out(f"{lock_path.name} updated: {len(rules)} rules confirmed against {len(new_lock['sections'])} sections.")
    return 0


# --- snapshot ------------------------------------------------------------------------------------

def snapshot(out: Callable[[str], None] = print) -> int:
    """Write the snapshot of the current version and show how it differs from the previous one."""
    from policy_engine import snapshots
    from policy_engine.changes import POLICY_VERSION
    from policy_engine.errors import PolicyInputError

    try:
        path = snapshots.write_snapshot(POLICY_VERSION)
    except PolicyInputError as error:
        raise BuildError(str(error)) from None
    out(f"Wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} "
        f"(policy version {POLICY_VERSION}).")
    older = [v for v in snapshots.available_versions(path.parent) if v < POLICY_VERSION]
    if older:
        changes = snapshots.diff(snapshots.load_snapshot(older[0], path.parent), snapshots.load_snapshot(
            POLICY_VERSION, path.parent))
        out(f"Changes from {older[0]}: " + (f"{len(changes)} cases\n{snapshots.describe(changes)}"
                                            if changes else "none"))
    return 0


def run_command(args) -> int:
    """`python build.py snapshot` and `python build.py confirm-rules [--yes]`."""
    if args.command == "snapshot":
        return snapshot()
    if args.command == "confirm-rules":
        from policy_engine.i18n import LANGUAGES, SOURCE_LANGUAGE

        from .languages import docs_dir

        return confirm(ROOT / "docs", ROOT / LOCK_NAME, assume_yes=args.yes,
                       translations={lang: docs_dir(lang) for lang in LANGUAGES if lang != SOURCE_LANGUAGE})
    raise BuildError(f"unknown command {args.command!r}; valid: snapshot, confirm-rules")
