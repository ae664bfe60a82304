"""The Decision Desk's built markup: the form contract, and every prerendered answer equal to the engine.

These read the built page itself (no browser); tests/test_desk_browser.py drives the same page in Chromium.
"""

from __future__ import annotations

import gzip
import json
import re
from html.parser import HTMLParser
from itertools import combinations

import pytest

import policy_engine as engine
from buildlib import desk_html

DESK_PAGE = "cancellation/"
STATUSES = list(engine.Status)
FACTS = list(engine.Fact)


class Node:
    def __init__(self, tag: str, attrs: dict, parent: Node | None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find_all(self, predicate) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if predicate(child):
                    found.append(child)
                found.extend(child.find_all(predicate))
        return found


VOID = {"input", "link", "meta", "br", "img", "hr", "source", "area", "base", "col", "embed", "wbr"}


class Tree(HTMLParser):
    """A small DOM, parsed as a browser with scripting off parses it (so <noscript> holds elements)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.current = self.root
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def by_id(tree: Tree, id_: str) -> Node:
    (node,) = tree.root.find_all(lambda n: n.attrs.get("id") == id_)
    return node


@pytest.fixture(scope="module")
def desk_html_text(site_dir) -> str:
    return (site_dir / DESK_PAGE / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def desk(desk_html_text) -> Tree:
    return Tree(desk_html_text)


def all_cases():
    """Every status with every set of circumstances, consistent or not: (status, facts, mask)."""
    for status in STATUSES:
        for size in range(len(FACTS) + 1):
            for subset in combinations(FACTS, size):
                yield status, subset, sum(1 << FACTS.index(f) for f in subset)


def shows(classes: list[str], status_index: int, mask: int) -> bool:
    """Whether widget/desk.css shows a static piece with these classes for this form state."""
    if f"s{status_index + 1}" not in classes:
        return False
    for i in range(len(FACTS)):
        ticked = bool(mask >> i & 1)
        if (ticked and f"n{i + 1}" in classes) or (not ticked and f"y{i + 1}" in classes):
            return False
    return True


def squash(text: str) -> str:
    return " ".join(text.split())


def test_the_desk_is_a_get_form_with_a_legend_for_each_group(desk):
    root = by_id(desk, "decision-desk")
    assert root.tag == "section"
    (form,) = root.find_all(lambda n: n.tag == "form" and "dd-form" in n.attrs.get("class", ""))
    assert form.attrs["method"] == "get"
    fieldsets = form.find_all(lambda n: n.tag == "fieldset")
    assert len(fieldsets) == 2
    for fieldset in fieldsets:
        assert fieldset.children and fieldset.find_all(lambda n: n.tag == "legend")


def test_each_status_radio_has_the_status_id_as_value_and_its_label(desk):
    radios = desk.root.find_all(lambda n: n.tag == "input" and n.attrs.get("name") == "status")
    assert [r.attrs["value"] for r in radios] == [s.value for s in STATUSES]
    for radio, status in zip(radios, STATUSES, strict=True):
        assert radio.attrs["type"] == "radio"
        (label,) = desk.root.find_all(lambda n, i=radio.attrs["id"]: n.tag == "label" and n.attrs.get("for") == i)
        assert label.text() == status.label
        assert by_id(desk, radio.attrs["aria-describedby"]).text() == status.meaning


def test_each_circumstance_checkbox_has_the_fact_id_label_and_explanation(desk):
    boxes = desk.root.find_all(lambda n: n.tag == "input" and n.attrs.get("name") == "fact")
    assert [b.attrs["value"] for b in boxes] == [f.value for f in FACTS]
    for box, fact in zip(boxes, FACTS, strict=True):
        assert box.attrs["type"] == "checkbox"
        (label,) = desk.root.find_all(lambda n, i=box.attrs["id"]: n.tag == "label" and n.attrs.get("for") == i)
        assert label.text() == fact.label
        assert by_id(desk, box.attrs["aria-describedby"]).text() == fact.explanation


def test_the_result_sits_in_a_polite_live_region_with_its_data_attributes(desk):
    result = by_id(desk, "decision-result")
    assert result.parent.attrs.get("aria-live") == "polite"
    assert {"data-status", "data-outlook", "data-engine"} <= set(result.attrs)
    assert result.attrs["data-engine"] == "prerendered"


def test_the_desk_shows_the_policy_version(desk):
    root = by_id(desk, "decision-desk")
    (version,) = root.find_all(lambda n: "dd-version" in n.attrs.get("class", ""))
    assert engine.POLICY_VERSION in version.text()


def test_the_page_config_points_at_the_built_desk_assets(site_dir, desk):
    config = json.loads(by_id(desk, "decision-desk-config").text())
    assert config["version"] == engine.POLICY_VERSION
    assert config["notices"] == engine.snapshots.NOTICES  # the version notices' sentences, from the engine
    page_dir = site_dir / DESK_PAGE
    for key in ("worker", "engine", "stdlib"):
        assert (page_dir / config[key]).resolve().is_file(), key
    assert (page_dir / config["indexURL"] / "pyodide.mjs").resolve().is_file()
    root = by_id(desk, "decision-desk")
    (module,) = root.find_all(lambda n: n.tag == "script" and n.attrs.get("type") == "module")
    (css,) = root.find_all(lambda n: n.tag == "link" and n.attrs.get("rel") == "stylesheet")
    assert (page_dir / module.attrs["src"]).resolve().is_file()
    assert (page_dir / css.attrs["href"]).resolve().is_file()


def test_pages_without_the_desk_carry_none_of_its_markup_or_assets(site_dir):
    others = [p for p in site_dir.rglob("index.html") if p.parent.name not in ("cancellation",)]
    assert others
    for path in others:
        html = path.read_text(encoding="utf-8")
        assert "decision-desk" not in html and "assets/desk/" not in html, path


def test_the_prerendered_data_gives_the_engines_answer_for_every_case(desk):
    data = json.loads(by_id(desk, "decision-desk-answers").text())
    assert data == desk_html.answers()
    rules = {r.id: r for r in engine.RULES}
    for status, subset, mask in all_cases():
        entry = data["cases"][STATUSES.index(status)][mask]
        try:
            expected = engine.decide(status, subset)
        except engine.ContradictoryInputError as error:
            assert data["texts"][entry] == str(error)
            continue
        c, r, reasons, fields, next_step, change = entry
        assert data["cancellation"][c][0] == expected.cancellation.value
        assert data["refund"][r][0] == expected.refund.value
        assert [data["rules"][i][0] for i in reasons] == [rule.id for rule in expected.reasons]
        assert all(data["rules"][i][1] == rules[data["rules"][i][0]].title for i in reasons)
        assert [data["fields"][i][0] for i in fields] == [f.value for f in expected.ticket_fields]
        assert data["texts"][next_step] == expected.next_step
        assert (change is None) == (expected.would_change is None)
        if change:
            assert data["texts"][change[4]] == expected.would_change.text


def test_with_javascript_off_exactly_the_engines_answer_shows_for_every_case(desk):
    """Evaluate desk.css's show/hide rule over the static pieces for every form state."""
    root = by_id(desk, "decision-result")
    (static,) = root.find_all(lambda n: "dd-static" in n.attrs.get("class", ""))
    pieces = static.find_all(lambda n: n.attrs.get("class", "").startswith("c "))
    assert pieces
    page_rel = {r.id: desk_html.relative(r.reference, DESK_PAGE) for r in engine.RULES}
    for status, subset, mask in all_cases():
        s = STATUSES.index(status)
        visible = [p for p in pieces if shows(p.attrs["class"].split()[1:], s, mask)]
        text = squash(" ".join(p.text() for p in visible))
        try:
            d = engine.decide(status, subset).to_dict()
        except engine.ContradictoryInputError as error:
            assert text == squash(f"These choices cannot all be true. {error}"), (status, subset)
            continue
        reasons = [p for p in visible if p.tag == "li" and "data-rule" in p.attrs]
        assert [p.attrs["data-rule"] for p in reasons] == [r["rule"] for r in d["reasons"]], (status, subset)
        for piece, reason in zip(reasons, d["reasons"], strict=True):
            (link,) = piece.find_all(lambda n: n.tag == "a")
            assert link.attrs["href"] == page_rel[reason["rule"]]
            assert squash(piece.text()) == squash(f"{reason['title']}: {reason['text']}")
        fields = [p.text() for p in visible if p.tag == "li" and "data-rule" not in p.attrs]
        labels = {f.value: f.label for f in engine.TicketField}
        assert fields == [labels[f] for f in d["ticket_fields"]]
        change = d["would_change"]["text"] if d["would_change"] else ""
        for expected in (
            f"Cancellation {d['cancellation']['label']}. {d['cancellation']['summary']}",
            f"Case {d['refund']['case']}: {d['refund']['label']}. {d['refund']['summary']}",
            change,
            f"Next step {d['next_step']}",
        ):
            assert squash(expected) in text, (status, subset, expected)


def test_the_desk_markup_stays_compact(desk_html_text, site_dir, record_property):
    start = desk_html_text.index('<section id="decision-desk"')
    end = desk_html_text.index("</section>", desk_html_text.index('data-dd="tpl-strings"')) + len("</section>")
    markup = desk_html_text[start:end].encode()
    page = desk_html_text.encode()
    sizes = {
        "desk_bytes": len(markup), "desk_gzip_bytes": len(gzip.compress(markup)),
        "page_bytes": len(page), "page_gzip_bytes": len(gzip.compress(page)),
    }
    for key, value in sizes.items():
        record_property(key, value)
    print(f"\nDecision Desk markup: {sizes}")
    assert sizes["desk_gzip_bytes"] < 20_000
    assert sizes["page_bytes"] < 250_000


def test_the_static_rules_cover_every_status_and_circumstance():
    css = desk_html.CSS.read_text(encoding="utf-8")
    assert len(STATUSES) <= desk_html.MAX_STATUSES and len(FACTS) <= desk_html.MAX_FACTS
    for k in range(1, desk_html.MAX_STATUSES + 1):
        assert re.search(rf"\.dd-s{k}:checked\) \.dd-static \.c:not\(\.s{k}\)", css)
    for k in range(1, desk_html.MAX_FACTS + 1):
        assert f".dd:has(.dd-f{k}:checked) .dd-static .n{k}" in css
        assert f".dd:has(.dd-f{k}:not(:checked)) .dd-static .y{k}" in css
