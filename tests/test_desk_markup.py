"""The Decision Desk as built, read without a browser: the form contract, the shipped answers, the page's
own answers for JavaScript-off visitors, and a widget that renders but never decides.

tests/test_desk_browser.py drives the same page in Chromium; tests/test_desk_parity.py runs every case live.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import policy_engine as engine
from buildlib import desk_data, templating
from policy_engine.snapshots import NOTICES

ROOT = Path(__file__).resolve().parent.parent
WIDGET = ROOT / "widget"
DESK_PAGE = "cancellation/"


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


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def desk_page(site_dir) -> str:
    return (site_dir / DESK_PAGE / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def desk(desk_page) -> Tree:
    return Tree(desk_page)


@pytest.fixture(scope="module")
def config(desk) -> dict:
    return json.loads(by_id(desk, "decision-desk-config").text())


# --- The form contract ---------------------------------------------------------------------------------

def test_the_desk_is_a_get_form_with_a_legend_for_each_group(desk):
    root = by_id(desk, "decision-desk")
    assert root.tag == "section"
    (form,) = root.find_all(lambda n: n.tag == "form" and "dd-form" in n.attrs.get("class", ""))
    assert form.attrs["method"] == "get"
    fieldsets = form.find_all(lambda n: n.tag == "fieldset")
    assert len(fieldsets) == 2
    assert all(fieldset.find_all(lambda n: n.tag == "legend") for fieldset in fieldsets)


def test_each_status_radio_has_the_status_id_as_name_value_and_id_and_its_label(desk):
    radios = desk.root.find_all(lambda n: n.tag == "input" and n.attrs.get("name") == "status")
    assert [r.attrs["value"] for r in radios] == [s.value for s in engine.Status]
    for radio, status in zip(radios, engine.Status, strict=True):
        assert radio.attrs["type"] == "radio" and status.value in radio.attrs["id"]
        (label,) = desk.root.find_all(lambda n, i=radio.attrs["id"]: n.tag == "label" and n.attrs.get("for") == i)
        assert squash(label.text()) == squash(f"{status.label}{status.meaning}")
        assert by_id(desk, radio.attrs["aria-describedby"]).text() == status.meaning


def test_each_circumstance_checkbox_has_the_fact_id_as_name_value_and_id_and_its_label(desk):
    boxes = desk.root.find_all(lambda n: n.tag == "input" and n.attrs.get("name") == "fact")
    assert [b.attrs["value"] for b in boxes] == [f.value for f in engine.Fact]
    for box, fact in zip(boxes, engine.Fact, strict=True):
        assert box.attrs["type"] == "checkbox" and fact.value in box.attrs["id"]
        (label,) = desk.root.find_all(lambda n, i=box.attrs["id"]: n.tag == "label" and n.attrs.get("for") == i)
        assert squash(label.text()).startswith(fact.label)
        described = [by_id(desk, part).text() for part in box.attrs["aria-describedby"].split()]
        assert described[0] == fact.explanation


def test_the_result_carries_its_data_attributes_and_the_verdict_inside_it(desk):
    result = by_id(desk, "decision-result")
    assert {"data-status", "data-outlook", "data-engine"} <= set(result.attrs)
    assert result.attrs["data-engine"] == "prerendered"
    assert result.find_all(lambda n: n.attrs.get("id") == "decision-verdict")


def test_the_live_region_is_polite_and_separate_from_the_answer(desk):
    (live,) = by_id(desk, "decision-desk").find_all(lambda n: n.attrs.get("data-dd") == "live")
    assert live.attrs.get("aria-live") == "polite" and live.attrs.get("role") == "status"
    assert by_id(desk, "decision-result").attrs.get("aria-live") is None  # only the headline is announced


def test_the_desk_shows_the_policy_version_in_words(desk):
    (version,) = by_id(desk, "decision-desk").find_all(lambda n: "dd-version" in n.attrs.get("class", ""))
    (time,) = version.find_all(lambda n: n.tag == "time")
    assert time.attrs["datetime"] == engine.POLICY_VERSION
    assert time.text() == templating.human_date(engine.POLICY_VERSION)


def test_the_page_config_points_at_the_built_desk_assets(site_dir, desk, config):
    assert config["version"] == engine.POLICY_VERSION
    page_dir = site_dir / DESK_PAGE
    for key in ("answers", "worker", "engine", "stdlib", "lock"):
        assert (page_dir / config[key]).resolve().is_file(), key
    assert (page_dir / config["indexURL"] / "pyodide.mjs").resolve().is_file()
    root = by_id(desk, "decision-desk")
    (module,) = root.find_all(lambda n: n.tag == "script" and n.attrs.get("type") == "module")
    (css,) = root.find_all(lambda n: n.tag == "link" and n.attrs.get("rel") == "stylesheet")
    assert (page_dir / module.attrs["src"]).resolve().is_file()
    assert (page_dir / css.attrs["href"]).resolve().is_file()


def test_the_shipped_answers_are_the_engines_dicts_keyed_by_the_forms_query(site_dir, config):
    shipped = json.loads((site_dir / DESK_PAGE / config["answers"]).resolve().read_text(encoding="utf-8"))
    assert shipped == desk_data.answers()
    assert len(shipped["answers"]) == len(desk_data.cases())
    for status, facts in desk_data.cases():
        query = desk_data.form_query(status, facts)
        assert shipped["answers"][query] == engine.decide(status, facts).to_dict()


def test_pages_without_the_desk_carry_none_of_its_markup_or_assets(site_dir):
    others = [p for p in site_dir.rglob("index.html") if p.parent.name != "cancellation"]
    assert others
    for path in others:
        html = path.read_text(encoding="utf-8")
        assert "decision-desk" not in html and "assets/desk/" not in html, path


# --- JavaScript off: the page itself says what each status means ------------------------------------------

def test_with_javascript_off_every_statuss_likely_answer_is_in_the_page(desk):
    (section,) = [n for n in desk.root.find_all(lambda n: n.tag == "h2" and n.attrs.get("id") == "order-status")]
    likely = desk.root.find_all(lambda n: "policy-likely" in n.attrs.get("class", "").split())
    assert [n.attrs["data-status"] for n in likely] == [s.value for s in engine.Status]
    for node in likely:
        answer = engine.decide(node.attrs["data-status"])
        assert node.attrs["data-outlook"] == answer.cancellation.value
        assert squash(node.text()) == squash(f"Likely answer: {answer.cancellation.word}. {answer.headline}")


def test_the_desks_noscript_note_links_to_the_status_answers(desk):
    (note,) = by_id(desk, "decision-desk").find_all(lambda n: n.tag == "noscript")
    links = note.find_all(lambda n: n.tag == "a")
    assert [a.attrs["href"] for a in links] == ["#order-status"]
    assert by_id(desk, "order-status").tag == "h2"


# --- The widget renders; it never decides (STYLE.md "One answer, one view") ------------------------------

def engine_sentences() -> set[str]:
    """Every sentence, label and word the engine gives the Desk to show."""
    data = desk_data.answers()
    found = {data["unrecognised"], *data["ticket_fields"].values()}
    for reasons in data["not_offered"].values():
        found |= set(reasons.values())
    for notices in data["links"].values():
        found |= set((notices or {}).values())
    found |= set(NOTICES.values())
    for answer in data["answers"].values():
        found |= {answer["headline"], answer["next_step"], *answer["cancellation"].values(),
                  answer["refund"]["word"], answer["refund"]["label"], answer["refund"]["summary"]}
        found |= {part for reason in answer["reasons"] for part in (reason["title"], reason["text"])}
        if answer["would_change"]:
            found.add(answer["would_change"]["text"])
    found |= {s.label for s in engine.Status} | {s.meaning for s in engine.Status}
    found |= {f.label for f in engine.Fact} | {f.explanation for f in engine.Fact}
    return {text for text in found if isinstance(text, str) and text}


def widget_sources() -> dict[str, str]:
    sources = {path.name: path.read_text(encoding="utf-8") for path in WIDGET.glob("*.mjs")}
    assert {"glue.mjs", "worker.mjs"} <= set(sources)
    return sources


def test_no_engine_sentence_or_label_is_written_in_the_widget():
    sentences = engine_sentences()
    assert len(sentences) > 50
    found = [(name, text) for name, source in widget_sources().items() for text in sentences
             if re.search(rf"(?<![\w-]){re.escape(text)}(?![\w-])", source)]
    assert found == []


def test_the_widget_has_no_dates_version_comparisons_or_case_keys():
    for name, source in widget_sources().items():
        assert not re.search(r"\d{4}-\d{2}-\d{2}", source), f"{name} names a date"
        assert not re.search(r"version\w*\s*[<>]|[<>]=?\s*\w*[vV]ersion|localeCompare|Date\.parse|new Date\(",
                             source), f"{name} compares versions or dates"
        assert not re.search(r"""["'`]\|["'`]|\|\$\{|join\(\s*["'`]\|""", source), f"{name} builds a case key"
        assert "case_key" not in source and "dataset.case" not in source, name


def test_the_desks_css_decides_nothing():
    css = (WIDGET / "desk.css").read_text(encoding="utf-8")
    assert ":has(" not in css  # no CSS that shows or hides answers by what is ticked
