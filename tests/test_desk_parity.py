"""Parity: for every status and every set of circumstances, the Desk's answer in Chromium equals CPython's.

One page per run: the cases are driven by clicking the form's inputs inside the page, and each rendered
answer is read back from the DOM. The live run waits for data-engine="pyodide" (policy_engine itself in
Pyodide); the prerendered run blocks the engine so every answer comes from the build-time data.
"""

from __future__ import annotations

from itertools import combinations

import pytest

import policy_engine as engine
from buildlib import desk_html

pytestmark = pytest.mark.browser

DESK = "cancellation/"
LIVE_TIMEOUT = 60_000

DRIVE = """async ({cases, kind}) => {
    const form = document.querySelector('#decision-desk form.dd-form');
    const result = document.getElementById('decision-result');
    const settled = (key) => new Promise((resolve, reject) => {
        const done = () => result.dataset.case === key && result.dataset.engine === kind;
        if (done()) return resolve();
        const observer = new MutationObserver(() => {
            if (done()) { observer.disconnect(); clearTimeout(timer); resolve(); }
        });
        const timer = setTimeout(() => {
            observer.disconnect();
            reject(new Error(`no ${kind} answer for ${key}: ${JSON.stringify(result.dataset)}`));
        }, 10000);
        observer.observe(result, {attributes: true, childList: true, subtree: true});
    });
    const read = () => ({
        key: result.dataset.case, engine: result.dataset.engine, status: result.dataset.status,
        outlook: result.dataset.outlook, refund: result.dataset.refund, rules: result.dataset.rules,
        error: result.dataset.error,
        reasons: [...result.querySelectorAll('li[data-rule]')].map(li => [
            li.dataset.rule, li.querySelector('a').textContent, li.querySelector('a').getAttribute('href'),
            li.querySelector('span').textContent]),
        fields: [...result.querySelectorAll('li[data-field]')].map(li => li.dataset.field),
        slots: Object.fromEntries([...result.querySelectorAll('[data-slot]')]
            .filter(el => !['reasons', 'fields'].includes(el.dataset.slot))
            .map(el => [el.dataset.slot, el.textContent])),
    });
    const answers = [];
    for (const [status, facts] of cases) {
        const radio = form.querySelector(`input[name="status"][value="${status}"]`);
        if (!radio.checked) radio.click();
        for (const box of form.querySelectorAll('input[name="fact"]')) {
            if (box.checked !== facts.includes(box.value)) box.click();
        }
        await settled(`${status}|${[...facts].sort().join(',')}`);
        answers.push(read());
    }
    return answers;
}"""


def every_case() -> list[tuple[str, list[str]]]:
    """Every status with every subset of circumstances, consistent or not."""
    facts = [f.value for f in engine.Fact]
    return [
        (status.value, list(subset))
        for status in engine.Status
        for size in range(len(facts) + 1)
        for subset in combinations(facts, size)
    ]


def expected_answer(status: str, facts: list[str], kind: str) -> dict:
    """What the Desk must show for this case, from CPython's engine."""
    key = engine.case_key(status, facts)
    try:
        d = engine.decide(status, facts).to_dict()
    except engine.ContradictoryInputError as error:
        return {"key": key, "engine": kind, "status": status, "outlook": "", "refund": "", "rules": "",
                "error": "ContradictoryInputError", "reasons": [], "fields": [], "slots": {"message": str(error)}}
    source = {"pyodide": "Live answer from the policy engine.",
              "prerendered": "Answer prepared from the policy engine when this site was built."}[kind]
    return {
        "key": key, "engine": kind, "status": status,
        "outlook": d["cancellation"]["outlook"], "refund": d["refund"]["outlook"],
        "rules": " ".join(r["rule"] for r in d["reasons"]), "error": "",
        "reasons": [[r["rule"], r["title"], desk_html.relative(r["link"], DESK), r["text"]] for r in d["reasons"]],
        "fields": d["ticket_fields"],
        "slots": {
            "cancellation-label": d["cancellation"]["label"], "cancellation-summary": d["cancellation"]["summary"],
            "refund-case": d["refund"]["case"], "refund-label": d["refund"]["label"],
            "refund-summary": d["refund"]["summary"],
            "change": d["would_change"]["text"] if d["would_change"] else
            "Nothing you can tick or untick would give a better outlook.",
            "next": d["next_step"], "source": source,
        },
    }


def drive(page, kind: str) -> list[dict]:
    return page.evaluate(DRIVE, {"cases": every_case(), "kind": kind})


def mismatches(answers: list[dict], kind: str) -> list[tuple]:
    cases = every_case()
    assert len(answers) == len(cases) == len(engine.Status) * 2 ** len(engine.Fact)
    found = []
    for case, got in zip(cases, answers, strict=True):
        want = expected_answer(*case, kind)
        differing = {name: (got.get(name), want[name]) for name in want if got.get(name) != want[name]}
        if differing:
            found.append((case, differing))
    return found


def test_every_live_pyodide_answer_equals_cpython(page, site_url):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{site_url}{DESK}?status=pending")
    page.wait_for_selector('#decision-result[data-engine="pyodide"]', timeout=LIVE_TIMEOUT)
    answers = drive(page, "pyodide")
    assert mismatches(answers, "pyodide")[:3] == []
    assert errors == []


def test_every_prerendered_answer_equals_cpython(context, site_url):
    context.route("**/assets/desk/worker.*.mjs", lambda route: route.abort())
    page = context.new_page()
    page.goto(f"{site_url}{DESK}")
    page.wait_for_selector('#decision-desk[data-engine-state="failed"]', state="attached")
    answers = drive(page, "prerendered")
    assert mismatches(answers, "prerendered")[:3] == []
