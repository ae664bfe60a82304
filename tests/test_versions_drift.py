"""Prose-rule drift: rewording a section a rule cites fails the build until the rule is confirmed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from buildlib import drift
from buildlib.options import BuildError
from policy_engine.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
UNCITED = "## A section no rule cites { #uncited }\n\nSome friendly words about ordering.\n"


def _write_docs(docs: Path) -> None:
    """A docs folder with one section for every reference the rules cite, plus one uncited section."""
    pages: dict[str, list[str]] = {}
    for rule in RULES:
        page, anchor = rule.reference.split("#", 1)
        sections = pages.setdefault(page, [f"# Page {page or 'home'}\n\n{UNCITED}"])
        heading = f"## Section {anchor} {{ #{anchor} }}"
        if not any(s.startswith(heading) for s in sections):
            sections.append(f"{heading}\n\nThe policy says this about {anchor}.\n\n"
                            f"### A detail of {anchor}\n\nMore about {anchor}.\n")
    for page, sections in pages.items():
        path = drift.page_source(docs, page)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(sections), encoding="utf-8")


@pytest.fixture
def project(tmp_path):
    """A temp docs folder and rules.lock confirmed against it; the repo is never touched."""
    docs = tmp_path / "docs"
    _write_docs(docs)
    lock = tmp_path / "rules.lock"
    lines: list[str] = []
    assert drift.confirm(docs, lock, assume_yes=True, out=lines.append) == 0
    return docs, lock


def _config(docs: Path) -> dict:
    return {"docs_dir": str(docs), "config_file_path": str(docs.parent / "mkdocs.yml")}


def _reword(docs: Path, old: str, new: str) -> None:
    path = docs / "cancellation.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_confirmed_lock_lets_the_build_go_on(project):
    docs, lock = project
    drift.check(_config(docs))
    data = json.loads(lock.read_text(encoding="utf-8"))
    assert set(data["rules"]) == {rule.id for rule in RULES}
    entry = data["rules"]["status.processing"]
    assert entry["reference"] == "cancellation/#processing-orders" and len(entry["section_sha256"]) == 64
    assert data["sections"]["cancellation/#processing-orders"]["text"][0].startswith("## Section processing-orders")


def test_rewording_a_cited_section_fails_the_build_naming_rule_section_and_command(project):
    docs, _ = project
    _reword(docs, "about processing-orders.", "about processing orders, which can always be stopped.")
    with pytest.raises(BuildError) as error:
        drift.check(_config(docs))
    text = str(error.value)
    assert "rule status.processing cites cancellation/#processing-orders (docs/cancellation.md)" in text
    assert "`python build.py confirm-rules`" in text
    assert "status.pending" not in text


def test_rewording_a_subsection_is_a_change_to_the_section_that_contains_it(project):
    docs, _ = project
    _reword(docs, "More about wrong-links.", "More about wrong links, reworded.")
    with pytest.raises(BuildError, match="rule status.wrong_link cites cancellation/#wrong-links"):
        drift.check(_config(docs))


def test_confirm_rules_shows_the_rule_and_the_diff_then_clears_the_failure(project):
    docs, lock = project
    _reword(docs, "about processing-orders.", "about processing orders, which can always be stopped.")
    shown: list[str] = []
    assert drift.confirm(docs, lock, assume_yes=True, out=shown.append) == 0
    output = "\n".join(shown)
    assert "== cancellation/#processing-orders ==" in output
    assert "-The policy says this about processing-orders." in output
    assert "+The policy says this about processing orders, which can always be stopped." in output
    processing = next(rule for rule in RULES if rule.id == "status.processing")
    assert f"status.processing ({processing.title}): {processing.statement}" in output
    assert "status.pending" not in output
    drift.check(_config(docs))


def test_declining_the_confirmation_leaves_the_lock_alone(project):
    docs, lock = project
    before = lock.read_text(encoding="utf-8")
    _reword(docs, "about review-flow.", "about the review flow, reworded.")
    shown: list[str] = []
    assert drift.confirm(docs, lock, ask=lambda prompt: "n", out=shown.append) == 1
    assert lock.read_text(encoding="utf-8") == before
    assert "review.open_ticket" in "\n".join(shown)  # every rule citing the section is shown
    with pytest.raises(BuildError):
        drift.check(_config(docs))


def test_rewording_a_section_no_rule_cites_never_fails_the_build(project):
    docs, _ = project
    _reword(docs, "Some friendly words about ordering.", "Entirely different words, and more of them.")
    _reword(docs, "## A section no rule cites { #uncited }", "## A renamed section { #elsewhere }")
    drift.check(_config(docs))


def test_rewrapping_a_cited_paragraph_is_not_a_change(project):
    docs, _ = project
    _reword(docs, "The policy says this about pending-orders.", "The policy says\nthis   about pending-orders.")
    drift.check(_config(docs))


def test_a_missing_anchor_fails_the_build_and_says_how_to_fix_it(project):
    docs, _ = project
    _reword(docs, "{ #completed-orders }", "")
    with pytest.raises(BuildError) as error:
        drift.check(_config(docs))
    text = str(error.value)
    assert "rule status.completed cites cancellation/#completed-orders" in text
    assert "no heading in docs/cancellation.md carries { #completed-orders }" in text
    shown: list[str] = []
    assert drift.confirm(docs, docs.parent / "rules.lock", assume_yes=True, out=shown.append) == 1


def test_a_new_rule_and_a_removed_rule_need_confirmation(project):
    docs, lock = project
    data = json.loads(lock.read_text(encoding="utf-8"))
    data["rules"]["status.retired"] = data["rules"].pop("status.partial")
    lock.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BuildError) as error:
        drift.check(_config(docs))
    assert "rule status.partial cites cancellation/#partial-orders" in str(error.value)
    assert "never been confirmed" in str(error.value)
    assert "rule status.retired is in rules.lock but no longer in policy_engine/rules.py" in str(error.value)


def test_a_corrupt_lock_is_a_clear_build_error(project):
    docs, lock = project
    lock.write_text("{ not json", encoding="utf-8")
    with pytest.raises(BuildError, match="rules.lock cannot be read"):
        drift.check(_config(docs))


def test_headings_inside_code_fences_do_not_end_a_section():
    markdown = ("# Top\n\n## One { #one .wide }\n\ntext\n\n```bash\n# a comment, not a heading\n```\n"
                "### Deeper { #deeper }\n\nmore\n\n## Two { #two }\n\nother\n")
    lines = drift.find_section(markdown, "one")
    assert lines[0] == "## One { #one .wide }" and lines[-1] == "more"
    assert drift.find_section(markdown, "two") == ("## Two { #two }", "", "other")
    assert drift.find_section(markdown, "missing") is None


def test_pages_map_to_their_markdown_source(tmp_path):
    assert drift.page_source(tmp_path, "cancellation/") == tmp_path / "cancellation.md"
    assert drift.page_source(tmp_path, "") == tmp_path / "index.md"


def _copy_project(target: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copy(ROOT / "build.py", target / "build.py")
    shutil.copytree(ROOT / "buildlib", target / "buildlib", ignore=ignore)
    shutil.copytree(ROOT / "policy_engine", target / "policy_engine", ignore=ignore)
    _write_docs(target / "docs")
    _write_docs(target / "docs-ru")  # a translation of every page
    return target


def test_the_confirm_rules_command_writes_the_lock_and_asks_before_changing_it(tmp_path):
    project = _copy_project(tmp_path)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "build.py", *args], cwd=project, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=120)

    first = run("confirm-rules", "--yes")
    assert first.returncode == 0, first.stdout + first.stderr
    assert (project / "rules.lock").exists()
    assert "up to date" in run("confirm-rules").stdout

    _reword(project / "docs", "about canceled-orders.", "about canceled orders, reworded.")
    asked = run("confirm-rules")
    assert asked.returncode == 1 and "`python build.py confirm-rules --yes`" in asked.stdout
    assert "+The policy says this about canceled orders, reworded." in asked.stdout
    confirmed = run("confirm-rules", "--yes")
    assert confirmed.returncode == 0 and "rules.lock updated" in confirmed.stdout


def test_a_changed_english_section_marks_its_translation_for_review_until_both_are_confirmed(project):
    docs, lock = project
    russian = docs.parent / "docs-ru"
    shutil.copytree(docs, russian)
    translations = {"ru": russian}
    assert drift.confirm(docs, lock, assume_yes=True, out=[].append, translations=translations) == 0
    ru_config = {**_config(russian), "theme": {"language": "ru"}}
    drift.check(ru_config)
    _reword(docs, "about canceled-orders.", "about canceled orders, reworded.")
    with pytest.raises(BuildError, match="ru translation of cancellation/#canceled-orders .*needs review"):
        drift.check(ru_config)
    assert drift.confirm(docs, lock, assume_yes=True, out=[].append, translations=translations) == 0
    drift.check(ru_config)
    _reword(russian, "about canceled-orders.", "перевод изменён.")
    with pytest.raises(BuildError, match="ru translation of cancellation/#canceled-orders .*changed since"):
        drift.check(ru_config)
