"""The policy pages in real headless Chromium: accessible in both colour schemes, phone-width, printable."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from buildlib.pages import built_pages

SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material's palette scheme


@pytest.fixture(scope="module")
def page_paths(site_dir) -> list[str]:
    paths = built_pages(site_dir)
    assert len(paths) >= 8
    return paths


def open_in_scheme(browser, url: str, scheme: str, **context_options):
    """A page opened in a fresh context whose system colour scheme is `scheme`; returns (context, page)."""
    context = browser.new_context(color_scheme=scheme, **context_options)
    page = context.new_page()
    page.goto(url, wait_until="load")
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", SCHEMES[scheme])
    return context, page


@pytest.mark.browser
@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_page_has_no_axe_violations(browser, site_url, page_paths, scheme):
    axe = Axe()
    reports = []
    for path in page_paths:
        context, page = open_in_scheme(browser, site_url + path, scheme)
        try:
            results = axe.run(page)
            if results.violations_count:
                reports.append(f"--- {path or 'home'} ({scheme})\n{results.generate_report()}")
        finally:
            context.close()
    assert not reports, "\n".join(reports)


@pytest.mark.browser
def test_the_search_dialog_has_an_accessible_name(page, site_url):
    page.goto(site_url)
    dialog = page.locator('[data-md-component="search"][role="dialog"]')
    assert dialog.get_attribute("aria-label") == "Search"


@pytest.mark.browser
def test_the_colour_toggle_switches_between_light_and_dark(browser, site_url):
    context, page = open_in_scheme(browser, site_url, "light")
    try:
        page.get_by_title("Switch to dark mode").click()
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
        page.get_by_title("Switch to light mode").click()
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "default")
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_page_scrolls_sideways_on_a_360px_phone(browser, site_url, page_paths, scheme):
    wide = []
    for path in page_paths:
        context, page = open_in_scheme(browser, site_url + path, scheme, viewport={"width": 360, "height": 740},
                                       device_scale_factor=1, is_mobile=True, has_touch=True)
        try:
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                culprits = page.evaluate(
                    """() => [...document.querySelectorAll('body *')]
                        .filter(el => el.getBoundingClientRect().right > 360.5)
                        .slice(0, 5).map(el => el.tagName + '.' + el.className)"""
                )
                wide.append(f"{path or 'home'}: scrollWidth {width} ({culprits})")
        finally:
            context.close()
    assert not wide, "\n".join(wide)


@pytest.mark.browser
def test_printing_shows_the_policy_without_navigation_or_the_desk(page, site_url):
    page.goto(site_url + "cancellation/")
    assert page.locator("#decision-desk").count() == 1, "the Cancellation page has the Decision Desk"
    page.emulate_media(media="print")
    hidden = (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer", "#decision-desk",
              "#check-your-order")
    for chrome in hidden:
        assert page.locator(chrome).first.is_hidden(), f"{chrome} is printed"
    assert page.locator("article h1").is_visible()
    assert page.locator("#order-status").is_visible()
    assert page.locator(".policy-likely").first.is_visible()  # each status's likely answer is printed
    assert page.locator("#balance-cases").is_visible()
    page.emulate_media(media="screen")
    assert page.locator(".md-header").is_visible()


@pytest.mark.browser
def test_permalinks_are_visible_and_named(page, site_url):
    page.goto(site_url + "cancellation/")
    link = page.locator("#processing-orders .headerlink")
    assert link.get_attribute("href").endswith("cancellation/#processing-orders")
    assert link.get_attribute("title") == "Link to this section"
    assert link.evaluate("el => getComputedStyle(el).opacity") == "1"


@pytest.mark.browser
def test_navigation_keeps_the_current_section_in_the_url(page, site_url):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site_url + "cancellation/")
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs-focus-visible\b"))  # Material's bundle runs
    tracked = re.compile(re.escape(site_url + "cancellation/#") + r"[a-z-]+")
    # Material updates the URL when the section in view changes; a scroll that lands before its observer
    # starts changes nothing it sees, so move on to the next section until it does (at most three).
    for anchor in ("balance-cases", "payment-cases", "avoid-problems"):
        page.evaluate("(id) => document.getElementById(id).scrollIntoView({block: 'start'})", anchor)
        page.mouse.wheel(0, 40)  # a real scroll event, in case the scroll above came first
        try:
            expect(page).to_have_url(tracked, timeout=2000)
            break
        except AssertionError:
            continue
    expect(page).to_have_url(tracked)
