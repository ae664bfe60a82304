"""The Russian pages (docs-ru/) are translations of the English pages (docs/), not rewrites.

A link to a section works in both languages: every Russian heading carries the English page's id.
No cross-reference, engine expression or piece of page markup is lost in translation.
These tests read the Markdown sources; no build is needed.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from markdown.extensions.toc import slugify

ROOT = Path(__file__).resolve().parent.parent
EN = ROOT / "docs"
RU = ROOT / "docs-ru"
PAGES = sorted(path.name for path in EN.glob("*.md"))

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_ATTRS = re.compile(r"[ \t]*\{:?([^{}]*)\}[ \t]*$")  # a trailing attribute list: { #id .class }
_ID = re.compile(r"(?:^|\s)#([\w-]+)")
_LINK = re.compile(r"\]\(([^)\s{][^)\s]*)\)")  # [text](target); `{{ md_link(...) }}` targets are engine output
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_CLASS_ATTRS = re.compile(r"\{:?\s*\.[^{}]*\}")  # { .policy-summary }, { .policy-skip }
_ADMONITION = re.compile(r"^\s*(\?\?\?\+?|!!!)\s+(\w+)", re.MULTILINE)


def _source(path: Path) -> tuple[dict, str]:
    """A page's front matter and its Markdown body."""
    text = path.read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    if not match:
        return {}, text
    return yaml.safe_load(match.group(1)) or {}, text[match.end():]


def _headings(body: str) -> list[tuple[int, str, str | None]]:
    """Each heading outside code fences as (level, text, explicit id or None)."""
    headings, fence = [], None
    for line in body.splitlines():
        opening = _FENCE.match(line)
        if opening:
            marker = opening.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
            continue
        heading = None if fence else _HEADING.match(line)
        if not heading:
            continue
        text, explicit = heading.group(2), None
        attrs = _ATTRS.search(text)
        if attrs:
            ids = _ID.findall(attrs.group(1))
            explicit = ids[-1] if ids else None
            text = text[: attrs.start()]
        headings.append((len(heading.group(1)), text.strip(), explicit))
    return headings


def _english_ids(page: str) -> list[tuple[int, str]]:
    """The English page's outline: each heading's level and id, as MkDocs' toc gives it."""
    outline = []
    for level, text, explicit in _headings(_source(EN / page)[1]):
        if explicit is None:
            assert "{{" not in text and "{%" not in text, (
                f"docs/{page}: the heading {text!r} is rendered by Jinja, so its automatic id is unknown "
                f"until the build; give it an explicit {{ #id }}")
            explicit = slugify(text, "-")
        outline.append((level, explicit))
    return outline


def _russian_ids(page: str) -> list[tuple[int, str]]:
    """The Russian page's outline; every heading must carry an explicit id (Cyrillic slugs are empty)."""
    outline = []
    for level, text, explicit in _headings(_source(RU / page)[1]):
        assert explicit, f"docs-ru/{page}: the heading {text!r} has no explicit {{ #id }}; copy the English one"
        outline.append((level, explicit))
    return outline


def test_every_english_page_has_a_russian_page():
    assert PAGES, "no pages found in docs/"
    russian = sorted(path.name for path in RU.glob("*.md"))
    assert russian == PAGES


@pytest.mark.parametrize("page", PAGES)
def test_a_section_link_works_in_both_languages(page):
    english = {anchor for _, anchor in _english_ids(page)}
    russian = {anchor for _, anchor in _russian_ids(page)}
    assert not english - russian, f"docs-ru/{page} lacks the section ids {sorted(english - russian)}"
    assert not russian - english, f"docs-ru/{page} has section ids the English page lacks: {sorted(russian - english)}"


@pytest.mark.parametrize("page", PAGES)
def test_the_russian_page_has_the_english_outline(page):
    assert _russian_ids(page) == _english_ids(page)


@pytest.mark.parametrize("page", PAGES)
def test_a_translation_keeps_every_cross_reference(page):
    english = set(_LINK.findall(_source(EN / page)[1]))
    russian = set(_LINK.findall(_source(RU / page)[1]))
    assert not english - russian, f"docs-ru/{page} drops the links {sorted(english - russian)}"
    assert not russian - english, f"docs-ru/{page} adds links the English page lacks: {sorted(russian - english)}"


@pytest.mark.parametrize("page", PAGES)
def test_the_engine_renders_the_same_parts_in_both_languages(page):
    english, russian = _source(EN / page)[1], _source(RU / page)[1]
    assert Counter(_JINJA.findall(russian)) == Counter(_JINJA.findall(english))
    assert Counter(_CLASS_ATTRS.findall(russian)) == Counter(_CLASS_ATTRS.findall(english))
    assert Counter(_ADMONITION.findall(russian)) == Counter(_ADMONITION.findall(english))


@pytest.mark.parametrize("page", PAGES)
def test_the_russian_page_keeps_the_front_matter_and_translates_the_description(page):
    english, russian = _source(EN / page)[0], _source(RU / page)[0]
    # `translated`: the date of the English text the translation matches (the English page names it).
    assert "translated" in russian and "translated" not in english
    russian = {k: v for k, v in russian.items() if k != "translated"}
    assert russian.keys() == english.keys()
    assert {k: v for k, v in russian.items() if k != "description"} == \
        {k: v for k, v in english.items() if k != "description"}
    if "description" in english:
        assert re.search(r"[а-яё]", russian["description"], re.IGNORECASE), "the description is not translated"
