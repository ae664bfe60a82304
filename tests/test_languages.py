"""The site in both languages: every page under /ru/ with the same section ids, a language switch that keeps the
reader's place (and the Desk's answer), which text governs, Russian search, and /ru/ served like the rest."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
from mkdocs.utils.meta import get_data

from policy_engine import POLICY_VERSION, Status
from policy_engine.i18n import language

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(path.name for path in (ROOT / "docs").glob("*.md"))
_ID = re.compile(r'<h[1-6][^>]*\bid="([^"]+)"')


def url_of(name: str) -> str:
    return "" if name == "index.md" else name.removesuffix(".md") + "/"


def built(site_dir: Path, url: str) -> str:
    return (site_dir / url / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_a_russian_counterpart_with_the_same_section_ids(site_dir, name):
    english, russian = built(site_dir, url_of(name)), built(site_dir, "ru/" + url_of(name))
    assert _ID.findall(russian) == _ID.findall(english)
    assert '<html lang="en"' in english and '<html lang="ru"' in russian


def test_both_languages_share_one_copy_of_each_desk_file_but_their_answers_and_catalog(site_dir):
    """Pyodide, the engine and the memory snapshot are the same bytes in every language: a reader who switches
    language downloads nothing twice, and the folder holds one of each (parallel builds made it hold two)."""
    desk_file = re.compile(r"assets/desk/([a-z]+)\.([0-9a-f]{10})\.[a-z]+")

    def referenced(url: str) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for kind, digest in desk_file.findall(built(site_dir, url)):
            found.setdefault(kind, set()).add(digest)
        return found

    english, russian = referenced("cancellation/"), referenced("ru/cancellation/")
    assert {"snapshot", "engine", "stdlib", "worker"} <= english.keys()
    assert set(russian) - set(english) == {"ru"}  # the Russian page adds its catalog, nothing else
    for kind in english:
        assert len(english[kind]) == len(russian[kind]) == 1, kind
        assert (english[kind] == russian[kind]) is (kind != "answers"), kind
    on_disk = [path.name for path in (site_dir / "assets" / "desk").iterdir() if path.suffix not in (".br", ".gz")]
    counts = {kind: sum(name.startswith(kind + ".") for name in on_disk) for kind in english}
    assert counts == {kind: 2 if kind == "answers" else 1 for kind in english}


@pytest.mark.parametrize("name", PAGES)
def test_each_page_links_to_itself_in_the_other_language_and_carries_hreflang_alternates(site_dir, name):
    url = url_of(name)
    english, russian = built(site_dir, url), built(site_dir, "ru/" + url)
    depth = "../" * url.count("/")
    assert re.search(rf'<a href="{re.escape(depth)}ru/{re.escape(url)}" hreflang="ru"[^>]*class="md-select__link"',
                     english)
    assert re.search(rf'<a href="{re.escape("../" + depth)}{re.escape(url)}" hreflang="en"[^>]*class="md-select__link"',
                     russian)
    for page in (english, russian):
        assert re.search(r'<link rel="alternate" href="[^"]*" hreflang="en">', page)
        assert re.search(r'<link rel="alternate" href="[^"]*ru/" hreflang="ru">', page)


@pytest.mark.parametrize("name", PAGES)
def test_a_russian_page_says_once_that_english_governs_and_the_english_page_names_the_translation_date(site_dir, name):
    url = url_of(name)
    english, russian = built(site_dir, url), built(site_dir, "ru/" + url)
    assert russian.count('class="policy-governs"') == 1 and "действует английский текст" in russian
    assert 'class="policy-governs"' not in english
    translated = get_data((ROOT / "docs-ru" / name).read_text(encoding="utf-8"))[1]["translated"]
    day = translated.day
    assert re.search(rf'class="policy-translation"><a href="[^"]*ru/{re.escape(url)}" hreflang="ru">The Russian '
                     rf"translation matches this text as of {day} \w+ {translated.year}\.</a>", english)


def test_the_russian_desk_ships_its_own_catalog_and_answers_and_the_english_desk_none(site_dir):
    def config(url):
        return re.search(r'<template id="decision-desk-config">(.*?)</template>', built(site_dir, url), re.S).group(1)

    english, russian = config("cancellation/"), config("ru/cancellation/")
    assert '"lang":"en"' in english and '"catalog":null' in english
    assert '"lang":"ru"' in russian and re.search(r'"catalog":"\.\./\.\./assets/desk/ru\.[0-9a-f]{10}\.mo"', russian)
    answers = [re.search(r'"answers":"([^"]+)"', text).group(1).rsplit("/", 1)[-1] for text in (english, russian)]
    assert answers[0] != answers[1]
    assert 'name="ticket_lang"' in built(site_dir, "ru/cancellation/")
    assert 'name="ticket_lang"' not in built(site_dir, "cancellation/")


def test_sitemaps_robots_and_404_cover_the_russian_pages(site_dir, site_url):
    sitemap = (site_dir / "ru" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>http://127.0.0.1:8000/ru/cancellation/</loc>" in sitemap
    assert 'hreflang="en" href="http://127.0.0.1:8000/cancellation/"' in sitemap
    assert "Sitemap: http://127.0.0.1:8000/ru/sitemap.xml" in (site_dir / "robots.txt").read_text(encoding="utf-8")
    with pytest.raises(HTTPError) as missing:
        urlopen(site_url + "ru/no-such-page/")
    assert missing.value.code == 404 and '<html lang="ru"' in missing.value.read().decode()
    with urlopen(site_url + "ru/cancellation/") as response:
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert 'http-equiv="Content-Security-Policy"' in built(site_dir, "ru/cancellation/")
    assert re.search(r"^/ru/cancellation/\n(  .*\n)*  Content-Security-Policy: ", (site_dir / "_headers").read_text(
        encoding="utf-8"), re.M)


# --- In the browser --------------------------------------------------------------------------------------------



# Runs in the page: the place the reader is at (query and hash), and a click on the language's link in the same
# task, so nothing can move the reader in between (Material's anchor tracking rewrites the hash as the page
# scrolls, 250 ms after it settles, and a busy machine lets that land between a read and a separate click).
CLICK_SWITCH = """(lang) => {
  const here = location.search + location.hash;
  document.querySelector(`a.md-select__link[hreflang="${lang}"]`).click();
  return here;
}"""


def _switch(page, lang: str) -> str:
    """Choose a language as a keyboard user does: focus opens the selector (:focus-within) and keeps it open
    whatever the pointer does, then its link is clicked. Returns the query and hash the page had at the click."""
    page.locator(".md-header__option .md-select button").focus()
    page.locator(f'a.md-select__link[hreflang="{lang}"]').wait_for(state="visible", timeout=60_000)
    return page.evaluate(CLICK_SWITCH, lang)


@pytest.mark.browser
def test_switching_language_on_an_answer_link_keeps_the_same_answer_and_section(page, site_url):
    query = f"?status=processing&fact=wrong_link&v={POLICY_VERSION}"
    page.goto(f"{site_url}cancellation/{query}#decision-desk")
    page.wait_for_selector('#decision-result[data-status="processing"]')
    english_rules = page.get_attribute("#decision-result", "data-rules")
    here = _switch(page, "ru")
    assert here.startswith(query), here  # the answer is still in the address, and the section if still in view
    page.wait_for_url(f"{site_url}ru/cancellation/{here}", timeout=60_000)
    page.wait_for_selector('#decision-result[data-status="processing"][data-facts="wrong_link"]', timeout=60_000)
    assert page.get_attribute("#decision-result", "data-rules") == english_rules
    assert re.search(r"[а-яё]", page.locator("#decision-verdict").inner_text(), re.I)
    here = _switch(page, "en")
    assert here.startswith(query), here
    page.wait_for_url(f"{site_url}cancellation/{here}", timeout=60_000)


@pytest.mark.browser
def test_after_instant_navigation_the_switch_goes_to_the_page_in_view_and_its_section(page, site_url):
    page.goto(site_url + "ru/")
    page.wait_for_function("() => window.document$ !== undefined")
    page.locator('.md-nav__link[href$="cancellation/"]').first.click()
    page.wait_for_url(f"{site_url}ru/cancellation/")
    page.evaluate("() => { location.hash = 'processing-orders'; }")
    here = _switch(page, "en")
    assert here == "#processing-orders", here
    page.wait_for_url(f"{site_url}cancellation/{here}")


@pytest.mark.browser
def test_russian_search_finds_a_page_by_another_form_of_the_word(page, site_url):
    page.goto(site_url + "ru/", wait_until="networkidle")
    search = page.locator("input.md-search__input")
    search.fill("отмены")
    search.press("End")  # Material reads the query on keyup; filled Cyrillic text sends none
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=30_000)
    assert "отмен" in page.locator(".md-search-result__list").inner_text().lower()
    assert all("/ru/" in link for link in page.locator(".md-search-result__link").evaluate_all(
        "links => links.map(a => a.href)"))


@pytest.mark.browser
def test_a_russian_reader_drafts_the_ticket_in_russian_or_in_english(page, site_url):
    from policy_engine import draft_ticket

    page.goto(f"{site_url}ru/cancellation/?status=processing&fact=wrong_link")
    page.wait_for_selector('#decision-result[data-engine="pyodide"]', timeout=120_000)
    page.locator('[data-dd="ticket"] summary').click()
    values = {"order_id": "123456", "telegram_link": "https://t.me/mychannel",
              "correct_link": "https://t.me/myrealchannel", "service": "Telegram members", "reason": "Неверная ссылка."}
    for name, value in values.items():
        page.locator(f"#dd-t-{name}").fill(value)
        page.locator(f"#dd-t-{name}").blur()
    for lang in ("ru", "en"):
        page.locator(f'label[for="dd-tl-{lang}"]').click()
        link = f"{site_url}ru/cancellation/?status=processing&fact=wrong_link&v={POLICY_VERSION}#decision-desk"
        expected = draft_ticket(status="processing", facts=["wrong_link"], answer_link=link, lang=lang, **values)
        page.wait_for_function("(text) => document.querySelector('[data-dd=draft]').textContent.trim() === text",
                               arg=expected.text.strip(), timeout=10_000)


def test_the_russian_status_headings_quote_the_engines_labels():
    """The Cancellation page's status headings name each status in the engine's Russian label (which the
    catalog build holds to the glossary, the panel's own words)."""
    page = (ROOT / "docs-ru/cancellation.md").read_text(encoding="utf-8")
    with language("ru"):
        labels = {status.value: status.label for status in Status}
    for status, label in labels.items():
        heading = re.search(r"^### (.*) \{ #" + status.replace("_", "-") + r"-orders \}$", page, re.MULTILINE)
        assert heading, f"no heading for {status}"
        assert f"«{label}»" in heading.group(1), (status, heading.group(1))
