"""The Decision Desk's markup: the GET form, every prerendered answer, and the config the glue reads.

A page asks for the Desk with `{{ decision_desk() }}`. That leaves a placeholder which survives Markdown;
`on_page_content` swaps it for the markup rendered from buildlib/templates/desk.html.

Every answer comes from the engine's decision table, twice, in two compact forms:
- `answers` JSON for the page glue (desk.mjs), which shows the answer at once, before Pyodide loads;
- static HTML inside <noscript>, shown with JavaScript off. Each piece of an answer (an outlook, a reason,
  a heading) is written once per group of cases it belongs to, not once per case, and carries classes
  that say for which status (s1…) and which ticked (y1…) or unticked (n1…) circumstances it shows.
  widget/desk.css hides every piece whose classes do not match the form, with `:has(:checked)`
  selectors by position, so no inline style is needed (the CSP forbids it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

import policy_engine as engine
from policy_engine.snapshots import NOTICES, available_versions
from policy_engine.table import fact_sets

TEMPLATES = Path(__file__).resolve().parent / "templates"
PLACEHOLDER = "<!-- decision-desk: replaced by buildlib.desk_html.on_page_content -->"
LIVE_TIMEOUT_MS = 10_000  # issue 4: a notice within 10 s when Pyodide cannot load
CSS = Path(__file__).resolve().parent.parent / "widget" / "desk.css"
# widget/desk.css writes its show/hide rules by position, for this many statuses and circumstances.
MAX_STATUSES = 8
MAX_FACTS = 8


@cache
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        undefined=StrictUndefined,
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["replace_root_class"] = _with_class
    return env


def _with_class(html: str, classes: str) -> Markup:
    """The piece's markup with `class` set on its root element (pieces have no class of their own)."""
    tag_end = html.index(">")
    space = html.find(" ", 0, tag_end)
    at = space if space != -1 else tag_end
    return Markup(f'{html[:at]} class="{classes}"{html[at:]}')


def context(page, config) -> dict:
    """Names for page templates: `decision_desk()` places the Desk."""

    def decision_desk() -> str:
        """The Desk goes here (a placeholder that on_page_content replaces after Markdown)."""
        return "\n\n" + PLACEHOLDER + "\n\n"

    return {"decision_desk": decision_desk}


def on_page_content(html: str, page, config) -> str:
    """Insert the Desk where a page asked for it."""
    if PLACEHOLDER not in html:
        return html
    if html.count(PLACEHOLDER) > 1:
        from .options import BuildError

        raise BuildError(f"{page.file.src_uri}: decision_desk() is used more than once; the Desk has fixed ids")
    return html.replace(PLACEHOLDER, render(page.url))


# --- URLs ---------------------------------------------------------------------------------------

def relative(target: str, page_url: str) -> str:
    """A site-root-relative URL ("cancellation/#x") as seen from the page at `page_url`."""
    from mkdocs.utils import get_relative_url

    if "://" in target:
        return target
    path, hash_, anchor = target.partition("#")
    if path == page_url and hash_:
        return "#" + anchor
    rel = get_relative_url(path or ".", page_url or ".")
    if (not path or path.endswith("/")) and not rel.endswith("/"):
        rel += "/"
    return rel + (hash_ + anchor)


def _assets():
    """desk.assets(): the hashed URLs of the glue, CSS, worker and engine (None before desk-engine wires it)."""
    from . import desk

    assets = getattr(desk, "assets", None)
    return assets() if assets else None


def page_config(page_url: str) -> dict:
    """What desk.mjs needs: asset URLs relative to the page, the policy version, the version notices and the
    time limit."""
    assets = _assets()

    def rel(path):
        return None if path is None else relative(path, page_url)

    return {
        "version": engine.POLICY_VERSION,
        # Old links: every version the policy had, and those whose answers ship in the engine archive.
        "versions": [r.effective for r in engine.REVISIONS],
        "snapshots": list(available_versions()),
        # The sentences about a link's policy version, written once in the engine; desk.mjs fills them in.
        "notices": NOTICES,
        "root": relative("", page_url),
        "page": page_url,
        "worker": rel(getattr(assets, "worker", None)),
        "engine": rel(getattr(assets, "engine", None)),
        "stdlib": rel(getattr(assets, "stdlib", None)),
        "lock": rel(getattr(assets, "lock", None)),
        "indexURL": rel(getattr(assets, "index_url", None)),
        "pyodideVersion": getattr(assets, "pyodide_version", None),
        "mode": getattr(assets, "mode", None),
        "timeoutMs": LIVE_TIMEOUT_MS,
    }


def _json_for_template(value) -> Markup:
    """JSON that reads back verbatim from a <template>: no <, > or & for the HTML parser to act on."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


# --- The prerendered answers as data, for the glue ----------------------------------------------

@cache
def answers() -> dict:
    """Every answer in the decision table, compactly: shared texts once, each case as indexes into them.

    `cases[s][mask]` is the case for the s-th status and the circumstances whose bits are set in `mask`
    (bit i = the i-th Fact): either a number (the text of the engine's ContradictoryInputError) or
    [cancellation, refund, [rules], [ticket fields], next step, would-change or null], all as indexes.
    desk.mjs expands a case back into the shape of Decision.to_dict().
    """
    statuses, facts = list(engine.Status), list(engine.Fact)
    cancellation, refund = list(engine.CancellationOutlook), list(engine.RefundOutlook)
    fields, rule_ids = list(engine.TicketField), [r.id for r in engine.RULES]
    texts: list[str] = []

    def text(value: str) -> int:
        if value not in texts:
            texts.append(value)
        return texts.index(value)

    def case(status: engine.Status, mask: int):
        chosen = [f for i, f in enumerate(facts) if mask >> i & 1]
        try:
            d = engine.decide(status, chosen)
        except engine.ContradictoryInputError as error:
            return text(str(error))
        change = d.would_change
        return [
            cancellation.index(d.cancellation),
            refund.index(d.refund),
            [rule_ids.index(r.id) for r in d.reasons],
            [fields.index(f) for f in d.ticket_fields],
            text(d.next_step),
            None if change is None else [[facts.index(f) for f in change.add], [facts.index(f) for f in change.remove],
                                         cancellation.index(change.cancellation), refund.index(change.refund),
                                         text(change.text)],
        ]

    return {
        "version": engine.POLICY_VERSION,
        "statuses": [s.value for s in statuses],
        "facts": [f.value for f in facts],
        "cancellation": [[o.value, o.label, o.summary] for o in cancellation],
        "refund": [[o.value, o.case, o.label, o.summary] for o in refund],
        "fields": [[f.value, f.label] for f in fields],
        "paymentFields": [f.value for f in engine.tickets.PAYMENT_REQUIRED],
        "rules": [[r.id, r.title, r.statement, r.reference] for r in engine.RULES],
        "texts": texts,
        "cases": [[case(status, mask) for mask in range(1 << len(facts))] for status in statuses],
    }


# --- The prerendered answers as static HTML, for JavaScript off ---------------------------------

@dataclass
class Slot:
    """One piece of answer markup and the cases it shows in."""

    html: str
    cases: set[tuple[int, int]] = field(default_factory=set)  # (status index, fact bitmask)


def _merge(merged: list[Slot], tokens: list[str], case: tuple[int, int]) -> list[Slot]:
    """Merge one case's pieces into the shared sequence, keeping both orders (a longest common subsequence)."""
    n, m = len(tokens), len(merged)
    lcs = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            lcs[i][j] = (lcs[i + 1][j + 1] + 1 if tokens[i] == merged[j].html
                         else max(lcs[i + 1][j], lcs[i][j + 1]))
    result: list[Slot] = []
    i = j = 0
    while i < n or j < m:
        if i < n and j < m and tokens[i] == merged[j].html:
            merged[j].cases.add(case)
            result.append(merged[j])
            i, j = i + 1, j + 1
        elif j < m and (i == n or lcs[i][j + 1] >= lcs[i + 1][j]):
            result.append(merged[j])
            j += 1
        else:
            result.append(Slot(tokens[i], {case}))
            i += 1
    return result


def _cubes(on: set[int], bits: int) -> list[dict[int, int]]:
    """Disjoint cubes (fact index -> 0/1, others free) that together cover exactly the masks in `on`."""

    def cover(fixed: dict[int, int]) -> list[dict[int, int]]:
        free = [b for b in range(bits) if b not in fixed]
        base = sum(1 << b for b, v in fixed.items() if v)
        points = [base | sum(1 << free[k] for k in range(len(free)) if n >> k & 1) for n in range(1 << len(free))]
        inside = [p for p in points if p in on]
        if not inside:
            return []
        if len(inside) == len(points):
            return [fixed]
        split = next(b for b in free if any((p in on) != (p ^ (1 << b) in on) for p in points))
        return cover({**fixed, split: 0}) + cover({**fixed, split: 1})

    return cover({})


def _classes(statuses: list[int], cube: dict[int, int]) -> str:
    names = [f"s{s + 1}" for s in statuses]
    names += [f"{'y' if v else 'n'}{b + 1}" for b, v in sorted(cube.items())]
    return " ".join(names)


def _compile(slots: list[Slot], n_statuses: int, n_facts: int) -> list[tuple[str, str]]:
    """(classes, html) for every element: each slot once per group of cases with the same fact pattern."""
    out: list[tuple[str, str]] = []
    for slot in slots:
        by_cube: dict[tuple, list[int]] = {}
        for s in range(n_statuses):
            masks = {mask for status, mask in slot.cases if status == s}
            for cube in _cubes(masks, n_facts):
                by_cube.setdefault(tuple(sorted(cube.items())), []).append(s)
        for cube, statuses in by_cube.items():
            out.append((_classes(statuses, dict(cube)), slot.html))
    return out


@cache
def static_answers(page_url: str) -> Markup:
    """The static answer pieces for the page at `page_url` (rule links are relative to it)."""
    statuses, facts = list(engine.Status), list(engine.Fact)
    if len(statuses) > MAX_STATUSES or len(facts) > MAX_FACTS:
        from .options import BuildError

        raise BuildError(f"The Desk shows static answers for at most {MAX_STATUSES} statuses and {MAX_FACTS} "
                         f"circumstances; add rules for more to widget/desk.css and raise the limits in desk_html.py.")
    pieces = _env().get_template("desk_answer.html").module
    sections: dict[str, list[Slot]] = {name: [] for name in ("head", "fields", "tail", "why")}
    for s, status in enumerate(statuses):
        for subset in fact_sets():
            mask = sum(1 << facts.index(f) for f in subset)
            case = (s, mask)
            try:
                tokens = _case_tokens(pieces, engine.decide(status, subset).to_dict(), page_url)
            except engine.ContradictoryInputError as error:
                tokens = {"head": [str(pieces.error(str(error)))]}
            for name, merged in sections.items():
                sections[name] = _merge(merged, tokens.get(name, []), case)
    compiled = {name: _compile(slots, len(statuses), len(facts)) for name, slots in sections.items()}
    return pieces.static(compiled)


def _case_tokens(pieces, d: dict, page_url: str) -> dict[str, list[str]]:
    """One decision's answer as pieces of markup, per section, in the order the Desk shows them: the two
    outlooks, the next step, what would change it, what to put in the ticket, and last the reasons why."""
    fields = {f.value: f.label for f in engine.TicketField}
    return {
        "head": [
            str(pieces.heading("cancellation")),
            str(pieces.cancellation(d["cancellation"])),
            str(pieces.heading("refund")),
            str(pieces.refund(d["refund"])),
            str(pieces.heading("next")),
            str(pieces.text(d["next_step"])),
            str(pieces.heading("change")),
            str(pieces.change(d["would_change"])),
            str(pieces.heading("ticket")),
        ],
        "fields": [str(pieces.field(fields[f])) for f in d["ticket_fields"]],
        "tail": [str(pieces.heading("why"))],
        "why": [str(pieces.reason(r, relative(r["link"], page_url))) for r in d["reasons"]],
    }


# --- The Desk ------------------------------------------------------------------------------------

def render(page_url: str) -> str:
    """The Desk's markup for the page at `page_url`."""
    config = page_config(page_url)
    assets = _assets()
    revision = engine.REVISIONS[0]
    return _env().get_template("desk.html").render(
        statuses=list(engine.Status),
        facts=list(engine.Fact),
        ticket_fields=list(engine.TicketField),
        payment_fields=[f.value for f in engine.tickets.PAYMENT_REQUIRED],
        config_json=_json_for_template(config),
        answers_json=_json_for_template(answers()),
        static=static_answers(page_url),
        css=relative(assets.css, page_url) if assets else None,
        glue=relative(assets.glue, page_url) if assets else None,
        version=engine.POLICY_VERSION,
        changes_url=relative(f"changes/#{revision.anchor}", page_url),
        no_password_url=relative("no-password-required/", page_url),
    )
