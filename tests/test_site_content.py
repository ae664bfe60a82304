"""The built policy pages say what the engine says: cited sections exist, outcomes match, every rule is stated.

These read the real site that build.py built (the `site_dir` fixture) and fetch it over HTTP for the link check.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urldefrag, urljoin, urlparse
from urllib.request import urlopen

import pytest

import policy_engine as engine
from policy_engine.i18n import _, language


def language_of(url: str) -> str:
    """The language of a built page by its URL: "ru/cancellation/" is Russian, the rest English."""
    return "ru" if url.startswith("ru/") else "en"


class _Page(HTMLParser):
    """The ids, links, meta tags and elements of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("name"):
            self.ids.add(attributes["name"])
        if tag == "a" and attributes.get("href") is not None:
            self.hrefs.append(attributes["href"])
        if tag == "meta" and attributes.get("name"):
            self.meta[attributes["name"]] = attributes.get("content") or ""


def parse(text: str) -> _Page:
    parsed = _Page()
    parsed.feed(text)
    return parsed


def text_of(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    fragment = re.sub(r"<(script|style|noscript)\b.*?</\1>", " ", fragment, flags=re.S)
    fragment = re.sub(r"</?(?:p|br|li|ul|ol|h[1-6]|div|table|tr|td|th|section|details|summary)\b[^>]*>", " ", fragment)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def site_pages(site_dir: Path) -> dict[str, Path]:
    """Every built page by its URL path ("", "cancellation/", …); search and 404 are not pages."""
    pages = {}
    for path in sorted(site_dir.rglob("index.html")):
        url = path.parent.relative_to(site_dir).as_posix()
        url = "" if url == "." else url + "/"
        if not url.startswith(("search/", "assets/")):
            pages[url] = path
    return pages


def section_text(page_html: str, anchor: str) -> str:
    """The text of the section that starts at the heading with this id, up to the next heading of its level."""
    match = re.search(rf'<h([1-6])\b[^>]*\bid="{re.escape(anchor)}"', page_html)
    assert match, f"no heading with id {anchor!r}"
    level = int(match.group(1))
    rest = page_html[match.start():]
    end = re.search(rf"<h[1-{level}]\b", rest[1:])
    return text_of(rest[: end.start() + 1 if end else len(rest)])


@pytest.fixture(scope="module")
def pages(site_dir) -> dict[str, str]:
    return {url: path.read_text(encoding="utf-8") for url, path in site_pages(site_dir).items()}


def test_every_page_in_the_nav_is_built(pages):
    expected = {"", "cancellation/", "order-process/", "service-policy/", "no-password-required/",
                "support-standards/", "rules/", "changes/"}
    assert expected <= set(pages), f"missing pages: {sorted(expected - set(pages))}"


@pytest.mark.parametrize("reference", engine.rules.references())
def test_every_section_a_rule_cites_exists(pages, reference):
    page, anchor = reference.split("#", 1)
    assert page in pages, f"rule reference {reference!r} names a page that was not built"
    assert anchor in parse(pages[page]).ids, (
        f"rule reference {reference!r}: no element with id {anchor!r} on {page}. "
        "A section id was renamed or removed; restore it or change the rule's reference in policy_engine/rules.py."
    )


@pytest.mark.parametrize("rule", engine.RULES, ids=lambda rule: rule.id)
def test_every_rule_is_stated_in_the_section_it_cites(pages, rule):
    section = section_text(pages[rule.page], rule.anchor)
    assert " ".join(rule.statement.split()) in section, (
        f"rule {rule.id}: its statement is not in {rule.reference}.\nStatement: {rule.statement}\nSection: {section}"
    )


def test_the_rule_index_lists_every_rule_with_a_link_to_its_section(pages):
    index = pages["rules/"]
    for rule in engine.RULES:
        anchor = "rule-" + rule.id.replace(".", "-").replace("_", "-")
        section = section_text(index, anchor)
        assert rule.title in section and rule.statement in section
        assert f'href="../{rule.reference}"' in index


def test_every_stated_cancellation_outlook_matches_the_engine(pages):
    """Wherever a page states a status's outlook (tables, Order Process), it is the engine's outlook."""
    stated = 0
    for url, page_html in pages.items():
        for status_id, outlook, body in re.findall(
            r'<(?:td|span)\b[^>]*data-status="([a-z_]+)"[^>]*data-outlook="([a-z_]+)"[^>]*>(.*?)</(?:td|span)>',
            page_html, flags=re.S,
        ):
            with language(language_of(url)):
                decision = engine.decide(status_id)
                assert outlook == decision.cancellation.value, f"{url}: {status_id} states {outlook}"
                said = text_of(body)
                expected = {decision.cancellation.label,  # Order Process
                            f"{_('Likely answer:')} {decision.cancellation.word}. {decision.headline}"}  # Cancellation
            assert said in expected, f"{url}: {status_id} says {said!r}"
            stated += 1
    assert stated >= len(engine.Status), "Order Process states each status's outlook"


def test_the_order_process_explains_every_status_in_the_engine(pages):
    text = text_of(pages["order-process/"])
    for status in engine.Status:
        assert status.meaning in text, status


def test_the_circumstances_are_in_the_desk_and_the_ticket_fields_on_support_standards(pages):
    text = text_of(pages["cancellation/"])
    for fact in engine.Fact:
        assert fact.label in text and fact.explanation in text, fact
    checklist = text_of(section_text(pages["support-standards/"], "what-to-include"))
    for field in engine.tickets.ALWAYS_REQUIRED:
        assert field.label in checklist, field
    for fact in engine.Fact:
        for name in fact.record.ticket_fields:
            label = engine.TicketField(name).label
            assert f"when “{fact.label}”" in checklist and label[1:] in checklist, (fact, name)


def test_every_revision_has_its_own_anchor_on_the_changes_page(pages):
    ids = parse(pages["changes/"]).ids
    for revision in engine.REVISIONS:
        assert revision.anchor in ids
        assert revision.summary in section_text(pages["changes/"], revision.anchor)


def test_every_page_has_a_description_and_shows_its_dates(pages):
    for url, page_html in pages.items():
        parsed = parse(page_html)
        description = parsed.meta.get("description", "")
        assert 50 <= len(description) <= 170, f"{url or 'home'}: meta description {description!r}"
        dates = re.search(r'<p class="policy-dates">(.*?)</p>', page_html, flags=re.S)
        assert dates, f"{url or 'home'}: no 'Effective from' / 'Last reviewed' line"
        words = {"en": ("Effective from", "Last reviewed"), "ru": ("Действует с", "Последняя проверка")}
        assert all(word in dates.group(1) for word in words[language_of(url)]), url
        assert f'datetime="{engine.POLICY_VERSION}"' in dates.group(1), "effective date defaults to the policy version"


def test_descriptions_differ_from_page_to_page(pages):
    descriptions = [parse(page_html).meta.get("description") for page_html in pages.values()]
    assert len(set(descriptions)) == len(descriptions)


def test_no_page_loads_fonts_or_assets_from_another_host(pages):
    for url, page_html in pages.items():
        for match in re.findall(r'<(?:link|script|img)\b[^>]*(?:href|src)="(https?://[^"]+)"', page_html):
            assert urlparse(match).hostname in {"127.0.0.1", None}, f"{url}: loads {match}"


def _fetch(url: str) -> tuple[int, str]:
    try:
        with urlopen(url, timeout=10) as response:  # noqa: S310 (loopback only)
            return response.status, response.read().decode("utf-8", "replace")
    except HTTPError as error:
        return error.code, ""


def test_every_link_on_every_page_leads_somewhere_that_exists(site_dir, site_url):
    """Internal links answer 200 and their #anchor exists; external links are well-formed."""
    cache: dict[str, tuple[int, set[str]]] = {}

    def target(url: str) -> tuple[int, set[str]]:
        if url not in cache:
            status, body = _fetch(url)
            cache[url] = (status, parse(body).ids if body else set())
        return cache[url]

    problems, checked = [], 0
    for page_path in site_pages(site_dir):
        page_url = site_url + page_path
        status, body = _fetch(page_url)
        assert status == 200, page_url
        for href in parse(body).hrefs:
            absolute = urljoin(page_url, href)
            parts = urlparse(absolute)
            if parts.scheme in ("mailto", "tel"):
                continue
            if absolute.startswith(site_url):
                without, fragment = urldefrag(absolute)
                code, ids = target(without)
                checked += 1
                if code != 200:
                    problems.append(f"{page_path or 'home'}: {href} -> HTTP {code}")
                elif fragment and fragment not in ids:
                    problems.append(f"{page_path or 'home'}: {href} -> no #{fragment} on the target page")
            elif parts.scheme not in ("http", "https") or not parts.netloc or " " in absolute:
                problems.append(f"{page_path or 'home'}: malformed link {href!r}")
    assert not problems, "broken links:\n" + "\n".join(problems)
    assert checked > 100, f"only {checked} internal links checked"
