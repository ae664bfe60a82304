"""Parity, one suite: for every choice the Desk offers, the answer Pyodide computes in Chromium, the answer the
build ships and CPython's `decide(..., lang=...).to_dict()` (what `decide --lang … --json` prints) are the same
dict, in every language the site is built in (the Russian page's worker installs the Russian catalog it ships);
what the Desk does not offer it disables, with the engine's reason beside it.
"""

from __future__ import annotations

import pytest

import policy_engine as engine
from buildlib import desk_data
from buildlib.languages import prefix
from policy_engine.facts import not_offered_reason
from policy_engine.i18n import LANGUAGES, language

pytestmark = pytest.mark.browser

DESK = "cancellation/"
LIMIT_MS = 120_000  # Pyodide boots in seconds on an idle machine; far slower on a busy 2-core one

# The Desk's page config, resolved to absolute URLs as widget/glue.mjs resolves them.
READ_CONFIG = """() => {
  const config = JSON.parse(document.getElementById('decision-desk-config').content.textContent);
  const abs = (url) => url == null ? null : new URL(url, location.href).href;
  return {answers: abs(config.answers), worker: abs(config.worker), indexURL: abs(config.indexURL),
          stdLibURL: abs(config.stdlib), engineURL: abs(config.engine), lockURL: abs(config.lock),
          snapshotURL: abs(config.snapshot), snapshotIntegrity: config.snapshotIntegrity,
          snapshotKey: config.snapshotKey, lang: config.lang, catalogURL: abs(config.catalog)};
}"""

# Start the site's worker the way the glue does (from the build's memory snapshot, or with a fresh boot when
# `fresh`), then ask it for every case and fetch the shipped answers.
RUN_CASES = """async ({config, cases, limitMs, fresh}) => {
  const worker = new Worker(config.worker, {type: 'module'});
  const waiting = new Map();
  const booted = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the worker did not start within ' + limitMs + ' ms')), limitMs);
    worker.addEventListener('error', (event) => reject(new Error('worker error: ' + event.message)));
    worker.addEventListener('message', ({data}) => {
      if (data.type === 'ready') { clearTimeout(timer); resolve(data); }
      else if (data.type === 'failed') { clearTimeout(timer); reject(new Error(data.message)); }
      else if (data.type === 'reply' && waiting.has(data.id)) { waiting.get(data.id)(data); waiting.delete(data.id); }
    });
  });
  const snapshot = fresh ? {} : {snapshotURL: config.snapshotURL, snapshotIntegrity: config.snapshotIntegrity,
                                 snapshotKey: config.snapshotKey};
  worker.postMessage({type: 'init', indexURL: config.indexURL, stdLibURL: config.stdLibURL,
                      engineURL: config.engineURL, lockURL: config.lockURL, lang: config.lang,
                      catalogURL: config.catalogURL, ...snapshot});
  const ready = await booted;
  const call = (id, params) => new Promise((resolve) => {
    waiting.set(id, resolve);
    worker.postMessage({type: 'call', id, method: 'decide', params});
  });
  const live = [];
  for (const [index, [status, facts]] of cases.entries()) live.push(await call(index, {status, facts}));
  worker.terminate();
  const shipped = await (await fetch(config.answers)).json();
  return {live, shipped, snapshot: ready.phases.snapshot};
}"""

# Tick each case in the real form (engine blocked, so each answer is the shipped one) and read what it shows.
DRIVE_FORM = """async (cases) => {
  const form = document.querySelector('#decision-desk form.dd-form');
  const result = document.getElementById('decision-result');
  const seen = [];
  for (const [status, facts] of cases) {
    const radio = form.querySelector(`input[name="status"][value="${status}"]`);
    if (!radio.checked) radio.click();
    for (const box of form.querySelectorAll('input[name="fact"]')) {
      if (box.checked !== facts.includes(box.value)) box.click();
    }
    seen.push({query: new URLSearchParams(location.search).toString(), status: result.dataset.status,
               facts: result.dataset.facts, outlook: result.dataset.outlook, engine: result.dataset.engine,
               rules: result.dataset.rules, verdictOutlook: document.getElementById('decision-verdict').dataset.outlook,
               headline: result.querySelector('[data-slot="headline"]').textContent});
  }
  return seen;
}"""


def offered_cases() -> list[tuple[str, list[str]]]:
    return [(status.value, [fact.value for fact in facts]) for status, facts in desk_data.cases()]


def open_desk(page, site_url: str, query: str = "") -> None:
    page.goto(f"{site_url}{DESK}{query}")
    page.wait_for_selector('#decision-desk[data-desk-setup="1"]', state="attached")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("boot", ["restored", "none"], ids=["from the memory snapshot", "fresh boot"])
def test_every_offered_choice_gets_the_same_answer_live_in_pyodide_shipped_and_in_cpython(page, site_url, boot, lang):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(site_url + prefix(lang) + DESK, wait_until="domcontentloaded")
    config = page.evaluate(READ_CONFIG)
    page.goto(site_url)  # no Desk here: the only Pyodide running is the one this test starts
    cases = offered_cases()
    assert len(cases) > len(engine.Status) * 8
    assert config["lang"] == lang and (config["catalogURL"] is None) == (lang == "en")
    got = page.evaluate(RUN_CASES, {"config": config, "cases": cases, "limitMs": LIMIT_MS, "fresh": boot == "none"})
    assert got["snapshot"] == boot
    shipped = got["shipped"]["answers"]
    assert set(shipped) == {desk_data.form_query(s, f) for s, f in desk_data.cases()}
    mismatched = []
    for (status, facts), reply in zip(cases, got["live"], strict=True):
        expected = engine.decide(status, facts, lang=lang).to_dict()
        from_file = shipped[desk_data.form_query(engine.Status(status), tuple(engine.Fact(f) for f in facts))]
        if reply.get("ok") is not True or reply["value"] != expected or from_file != expected:
            mismatched.append((status, facts))
    assert mismatched == []
    assert errors == []


def test_the_form_shows_the_shipped_answer_for_every_choice_it_can_make(context, site_url):
    context.route("**/assets/desk/worker.*.mjs", lambda route: route.abort())
    page = context.new_page()
    open_desk(page, site_url)
    page.locator("label[for=dd-s-pending]").click()  # the shipped answers have arrived once a click shows one
    page.wait_for_selector('#decision-result[data-status="pending"]')
    page.wait_for_selector('#decision-desk[data-engine-state="failed"]', state="attached")  # the click started it
    seen = page.evaluate(DRIVE_FORM, offered_cases())
    problems = []
    for (status, facts), shown in zip(offered_cases(), seen, strict=True):
        answer = engine.decide(status, facts).to_dict()
        query = desk_data.form_query(engine.Status(status), tuple(engine.Fact(f) for f in facts))
        expected = {"query": f"{query}&v={engine.POLICY_VERSION}", "status": status, "facts": " ".join(answer["facts"]),
                    "outlook": answer["cancellation"]["outlook"], "engine": "prerendered",
                    "rules": " ".join(r["rule"] for r in answer["reasons"]),
                    "verdictOutlook": answer["cancellation"]["outlook"], "headline": answer["headline"]}
        if shown != expected:
            problems.append((status, facts, {k: (shown.get(k), v) for k, v in expected.items() if shown.get(k) != v}))
    assert problems[:3] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_choice_the_engine_does_not_offer_is_disabled_with_its_reason_beside_it(page, site_url, lang):
    page.goto(f"{site_url}{prefix(lang)}{DESK}")
    page.wait_for_selector('#decision-desk[data-desk-setup="1"]', state="attached")
    not_offered = 0
    for status in engine.Status:
        page.locator(f"label[for=dd-s-{status.value}]").click()
        page.wait_for_selector(f'#decision-result[data-status="{status.value}"]')
        for fact in engine.Fact:
            with language(lang):
                reason = not_offered_reason(status, fact)
            box = page.locator(f"#dd-f-{fact.value}")
            beside = page.locator(f'[data-off="{fact.value}"]')
            offered_anywhere = any(fact in facts for s, facts in desk_data.cases() if s is status)
            assert offered_anywhere == (reason is None), (status, fact)
            if reason is None:
                assert box.is_enabled() and beside.text_content() == "", (status, fact)
            else:
                not_offered += 1
                assert box.is_disabled(), (status, fact)
                assert beside.is_visible() and beside.inner_text() == reason, (status, fact)
    assert not_offered > 0  # the check above saw a disabled circumstance
