// The Decision Desk's page glue (plain ES module, no framework).
//
// 1. The answer at once: the page carries every answer, prerendered by the engine at build time
//    (#decision-desk-answers); a selection shows its answer synchronously.
// 2. Then live: the policy engine runs in Pyodide in a module worker (widget/worker.mjs), started when the
//    page is idle or the visitor shows intent, or at once when the URL carries a decision. Once ready, it
//    answers every selection (data-engine="pyodide"). If it is not ready within the time limit, a notice
//    says so and the prerendered answers keep working.
// 3. The state lives in the URL (?status=…&fact=…&v=…); links restore it; hostile values are ignored with
//    a visible message, and nothing from the URL or the visitor is ever put into the page as HTML.
//    A link made under another policy version (v) says so: the current answer at once, and the answer
//    given then from the engine's saved snapshot of that version once the engine is live.
// 4. The ticket drafter checks fields with the engine in the worker. Nothing typed leaves the browser.
//
// Set up on Material's document$, so instant navigation sets the Desk up exactly once per visit.

const ROOT_ID = "decision-desk";
const MAX_URL_PARAMS = 50;
const MAX_SHOWN = 40;
const LIVE_FALLBACK_MS = 50; // show the prerendered answer if the live one takes longer than this
const CALL_TIMEOUT_MS = 5000;
const TICKET_DEBOUNCE_MS = 150;
const VERSION_SHAPE = /^\d{4}-\d{2}-\d{2}$/;
const OUR_KEYS = ["status", "fact", "v"];

// ---- The engine in a worker: one per browsing session, shared across instant navigations ----------

const engine = {
  state: "idle", // idle | loading | slow (past the time limit, still trying) | ready | failed
  stage: "",
  message: "",
  pyodideVersion: "",
  worker: null,
  timer: 0,
  nextId: 1,
  pending: new Map(),
  listeners: new Set(),
};

function notifyEngine() {
  for (const listener of engine.listeners) listener();
}

function failEngine(message) {
  if (engine.state === "failed") return;
  engine.state = "failed";
  engine.message = message;
  clearTimeout(engine.timer);
  if (engine.worker) engine.worker.terminate();
  engine.worker = null;
  for (const { reject } of engine.pending.values()) reject(new Error(message));
  engine.pending.clear();
  notifyEngine();
}

function absolute(url) {
  return url == null ? null : new URL(url, location.href).href;
}

function startEngine(config) {
  if (engine.state !== "idle") return;
  if (!config.worker || !config.indexURL || !config.stdlib || !config.engine) {
    failEngine("this page was built without the live engine");
    return;
  }
  engine.state = "loading";
  engine.stage = "Starting";
  notifyEngine();
  const seconds = Math.round(config.timeoutMs / 1000);
  // Past the time limit the visitor is told, and keeps the prerendered answers; a worker that is merely slow
  // (a busy phone) may still become ready and take over. Errors end it at once.
  engine.timer = setTimeout(() => {
    if (engine.state !== "loading") return;
    engine.state = "slow";
    engine.message = `it did not start within ${seconds} seconds`;
    notifyEngine();
  }, config.timeoutMs);
  let worker;
  try {
    worker = new Worker(absolute(config.worker), { type: "module" });
  } catch {
    failEngine("this browser cannot start it");
    return;
  }
  engine.worker = worker;
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    failEngine("its files could not be loaded");
  });
  worker.addEventListener("message", (event) => onWorkerMessage(event.data, config));
  worker.postMessage({
    type: "init",
    indexURL: absolute(config.indexURL),
    stdLibURL: absolute(config.stdlib),
    engineURL: absolute(config.engine),
    lockURL: absolute(config.lock),
  });
}

function onWorkerMessage(message, config) {
  if (!message || typeof message !== "object") return;
  const starting = engine.state === "loading" || engine.state === "slow";
  if (message.type === "progress" && starting) {
    engine.stage = String(message.detail || message.stage || "");
    notifyEngine();
  } else if (message.type === "ready" && starting) {
    if (message.policyVersion !== config.version) {
      failEngine(`it encodes policy version ${message.policyVersion}, not this page's ${config.version}`);
      return;
    }
    clearTimeout(engine.timer);
    engine.state = "ready";
    engine.pyodideVersion = String(message.pyodideVersion || "");
    notifyEngine();
  } else if (message.type === "failed") {
    failEngine(String(message.message || "it failed to start"));
  } else if (message.type === "reply" && engine.pending.has(message.id)) {
    const { resolve } = engine.pending.get(message.id);
    engine.pending.delete(message.id);
    resolve(message);
  }
}

// Resolves with the worker's reply ({ok, value} or {ok: false, error}); rejects if the engine is not there.
function callEngine(method, params) {
  if (engine.state !== "ready") return Promise.reject(new Error("the engine is not ready"));
  const id = engine.nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      engine.pending.delete(id);
      reject(new Error("the engine did not answer in time"));
    }, CALL_TIMEOUT_MS);
    engine.pending.set(id, {
      resolve: (reply) => {
        clearTimeout(timer);
        resolve(reply);
      },
      reject: (error) => {
        clearTimeout(timer);
        reject(error);
      },
    });
    engine.worker.postMessage({ type: "call", id, method, params });
  });
}

// ---- Data from the page ----------------------------------------------------------------------------

function readJSON(root, id) {
  const element = root.querySelector(`#${id}`);
  return JSON.parse(element.content ? element.content.textContent : element.textContent);
}

// A prerendered case, in the shape of the worker's reply to `decide` (Decision.to_dict()).
function prerendered(data, state) {
  const s = data.statuses.indexOf(state.status);
  const mask = state.facts.reduce((bits, fact) => bits | (1 << data.facts.indexOf(fact)), 0);
  const entry = data.cases[s][mask];
  if (typeof entry === "number") {
    return { ok: false, error: { kind: "ContradictoryInputError", message: data.texts[entry], problems: {} } };
  }
  const [c, r, rules, fields, next, change] = entry;
  const cancellation = data.cancellation[c];
  const refund = data.refund[r];
  return {
    ok: true,
    value: {
      status: state.status,
      facts: state.facts,
      cancellation: { outlook: cancellation[0], label: cancellation[1], summary: cancellation[2] },
      refund: { outlook: refund[0], case: refund[1], label: refund[2], summary: refund[3], guaranteed: false },
      reasons: rules.map((i) => {
        const [rule, title, text, link] = data.rules[i];
        return { rule, title, text, link };
      }),
      ticket_fields: fields.map((i) => data.fields[i][0]),
      next_step: data.texts[next],
      would_change: change && {
        add: change[0].map((i) => data.facts[i]),
        remove: change[1].map((i) => data.facts[i]),
        cancellation: data.cancellation[change[2]][0],
        refund: data.refund[change[3]][0],
        text: data.texts[change[4]],
      },
      policy_version: data.version,
    },
  };
}

function caseKey(state) {
  return `${state.status}|${[...state.facts].sort().join(",")}`;
}

// A value from the URL, safe and short enough to show (as text, never as HTML). policy_engine.snapshots
// shown_version does the same for the engine's notice (tests/test_versions_desk.py compares them).
function shown(value) {
  const clean = String(value).replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g, "\ufffd");
  const short = clean.length > MAX_SHOWN ? `${clean.slice(0, MAX_SHOWN)}…` : clean;
  return `“${short}”`;
}

// ---- Reading and writing the URL -------------------------------------------------------------------

function readUrl(search, data) {
  const params = new URLSearchParams(search);
  const notices = [];
  const facts = [];
  let status = null;
  let version = null;
  let ours = false;
  let count = 0;
  for (const [key, value] of params) {
    count += 1;
    if (count > MAX_URL_PARAMS) {
      notices.push(`The link has more than ${MAX_URL_PARAMS} parts; only the first ${MAX_URL_PARAMS} were read.`);
      break;
    }
    if (key === "status") {
      ours = true;
      if (!data.statuses.includes(value)) {
        notices.push(`The link's order status ${shown(value)} is not one this Desk knows, so it was ignored. ` +
          `Valid statuses: ${data.statuses.join(", ")}.`);
      } else if (status !== null && status !== value) {
        notices.push(`The link names more than one order status; the first one, ${status}, is shown.`);
      } else {
        status = value;
      }
    } else if (key === "fact") {
      ours = true;
      if (!data.facts.includes(value)) {
        notices.push(`The link's circumstance ${shown(value)} is not one this Desk knows, so it was ignored. ` +
          `Valid circumstances: ${data.facts.join(", ")}.`);
      } else if (facts.includes(value)) {
        notices.push(`The link names the circumstance ${value} more than once; it counts once.`);
      } else {
        facts.push(value);
      }
    } else if (key === "v") {
      ours = true;
      if (version !== null) notices.push("The link names more than one policy version; the first one is used.");
      else version = value;
    } else if (OUR_KEYS.includes(key.trim().toLowerCase())) {
      ours = true;
      notices.push(`The link's part ${shown(key)} was ignored: write status=, fact= and v= in lower case.`);
    }
    // Any other key (e.g. Material's search highlight, ?h=…) is not the Desk's: left alone, no notice.
  }
  if (status === null && facts.length) {
    notices.push("The link ticks circumstances but names no valid order status: choose the status above.");
  }
  return { state: { status, facts }, version, notices, ours, decision: status !== null };
}

// A policy version is a real date written YYYY-MM-DD (as policy_engine.snapshots reads it).
function isPolicyDate(text) {
  if (!VERSION_SHAPE.test(text)) return false;
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
}

// How a link's version relates to this page's policy: null (none, or the current one), "old" (a version
// the policy had), "unknown" (a date the policy never had) or "malformed" (not a date).
function versionKind(version, config) {
  if (version === null || version === config.version) return null;
  if (!isPolicyDate(version)) return "malformed";
  return (config.versions || []).includes(version) ? "old" : "unknown";
}

function ourParams(state, data, version) {
  const params = new URLSearchParams();
  if (state.status === null) return params;
  params.append("status", state.status);
  for (const fact of data.facts) if (state.facts.includes(fact)) params.append("fact", fact);
  params.append("v", version || data.version);
  return params;
}

// The URL with the Desk's state, keeping any parameter that is not the Desk's.
function urlFor(state, data, hash, version) {
  const url = new URL(location.href);
  const kept = [...url.searchParams].filter(([key]) => !OUR_KEYS.includes(key.trim().toLowerCase()));
  const params = ourParams(state, data, version);
  for (const [key, value] of kept) params.append(key, value);
  url.search = params.toString();
  if (hash !== undefined) url.hash = hash;
  return url;
}

// The sentences about a link's policy version are the engine's (NOTICES in policy_engine/snapshots.py), shipped
// in the page config as templates. fill() replaces each known {name}, in one pass, with its value as plain
// text, so a value from the URL is never read as a template; the result is only ever set as textContent.
function fill(template, values) {
  return String(template).replace(/\{([a-z_]+)\}/g, (whole, name) =>
    (Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole));
}

// An answer's two outlooks in a sentence, as the engine writes it (NOTICES.answer).
function outlooks(templates, value) {
  return fill(templates.answer, { cancellation: value.cancellation.label, refund: value.refund.label.toLowerCase() });
}

// The notice for a link made under another policy version: the lead names both versions and the current
// outcome; the second line gives the answer given then (from the engine's snapshot of that version).
function versionLead(templates, linked, currentVersion, answer, hasStatus) {
  const { version, kind } = linked;
  const values = { link_version: kind === "malformed" ? shown(version) : version, current: currentVersion };
  if (!hasStatus) return fill(templates[`${kind}-no-status`], values);
  values.answer = answer && answer.ok ? outlooks(templates, answer.value) : templates["no-answer"];
  return fill(templates[kind], values);
}

function versionThen(templates, linked, answer, engineState) {
  const { version, then } = linked;
  switch (linked.thenState) {
    case "shown": {
      const same = answer && answer.ok && answer.value.cancellation.outlook === then.cancellation.outlook &&
        answer.value.refund.outlook === then.refund.outlook;
      return `${fill(templates["desk-then"], { link_version: version, then: outlooks(templates, then) })} ` +
        templates[same ? "desk-then-same" : "desk-then-differs"];
    }
    case "waiting":
      return templates[engineState === "failed" ? "desk-then-engine-failed" : "desk-then-waiting"];
    case "unavailable":
      return templates["desk-then-unavailable"];
    case "no-snapshot":
      return templates["then-not-saved"];
    case "no-case":
      return templates["then-no-case"];
    default:
      return "";
  }
}

// ---- Copying -----------------------------------------------------------------------------------------

async function copyText(text, root) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "dd-offscreen";
    root.append(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }
}

// ---- One Desk on one page -------------------------------------------------------------------------

function setup(root) {
  const config = readJSON(root, "decision-desk-config");
  const data = readJSON(root, "decision-desk-answers");
  const $ = (name) => root.querySelector(`[data-dd="${name}"]`);
  const form = root.querySelector("form.dd-form");
  const result = root.querySelector("#decision-result");
  const notices = $("notices");
  const engineLine = $("engine");
  const strings = Object.fromEntries(
    [...$("tpl-strings").content.querySelectorAll("[data-s]")].map((el) => [el.dataset.s, el.textContent]),
  );
  const cleanups = [];
  const on = (target, type, handler, options) => {
    target.addEventListener(type, handler, options);
    cleanups.push(() => target.removeEventListener(type, handler, options));
  };
  let sequence = 0;
  let answer = null; // the reply shown now
  // A link made under another policy version: {version, kind, thenState, then, asked}; null once the visitor
  // changes the form (the link is then re-written with the current version).
  let linked = null;
  const leadLine = document.createElement("p");
  leadLine.dataset.versionNotice = "lead";
  const thenLine = document.createElement("p");
  thenLine.dataset.versionNotice = "then";

  // Script runs, so the static answers for JavaScript off are not needed (after instant navigation they
  // arrive as real elements, since Material parses the page with scripting off).
  for (const element of root.querySelectorAll("noscript, .dd-static")) element.remove();

  // -- the form and the answer --

  function readForm() {
    const checked = form.querySelector('input[name="status"]:checked');
    const status = checked && data.statuses.includes(checked.value) ? checked.value : null;
    const facts = data.facts.filter((fact) => form.querySelector(`input[name="fact"][value="${fact}"]`).checked);
    return { status, facts };
  }

  function writeForm(state) {
    for (const input of form.querySelectorAll('input[name="status"]')) input.checked = input.value === state.status;
    for (const input of form.querySelectorAll('input[name="fact"]')) input.checked = state.facts.includes(input.value);
  }

  function pageLink(link) {
    const url = new URL(config.root + link, location.href);
    return url.pathname === location.pathname ? url.hash || "#" : config.root + link;
  }

  function render(state, reply, kind) {
    answer = reply;
    const fragment = document.createDocumentFragment();
    if (state.status === null) {
      const none = document.createElement("p");
      none.className = "dd-none";
      none.textContent = strings["choose-status"];
      fragment.append(none);
    } else if (!reply.ok) {
      const error = $("tpl-error").content.cloneNode(true);
      error.querySelector('[data-slot="message"]').textContent = reply.error.message;
      fragment.append(error);
    } else {
      const d = reply.value;
      const view = $("tpl-answer").content.cloneNode(true);
      const slot = (name) => view.querySelector(`[data-slot="${name}"]`);
      slot("cancellation-label").textContent = d.cancellation.label;
      slot("cancellation-summary").textContent = d.cancellation.summary;
      slot("refund-case").textContent = d.refund.case;
      slot("refund-label").textContent = d.refund.label;
      slot("refund-summary").textContent = d.refund.summary;
      for (const reason of d.reasons) {
        const item = $("tpl-reason").content.firstElementChild.cloneNode(true);
        item.dataset.rule = reason.rule;
        const link = item.querySelector("a");
        link.href = pageLink(reason.link);
        link.textContent = reason.title;
        item.querySelector("span").textContent = reason.text;
        slot("reasons").append(item);
      }
      slot("change").textContent = d.would_change ? d.would_change.text : strings["no-change"];
      slot("next").textContent = d.next_step;
      const labels = Object.fromEntries(data.fields);
      for (const field of d.ticket_fields) {
        const item = document.createElement("li");
        item.dataset.field = field;
        item.textContent = labels[field] || field;
        slot("fields").append(item);
      }
      slot("source").textContent = strings[`source-${kind}`];
      fragment.append(view);
    }
    result.replaceChildren(fragment);
    const ok = reply && reply.ok;
    Object.assign(result.dataset, {
      status: state.status || "",
      facts: state.facts.join(" "),
      case: state.status === null ? "" : caseKey(state),
      outlook: ok ? reply.value.cancellation.outlook : "",
      refund: ok ? reply.value.refund.outlook : "",
      rules: ok ? reply.value.reasons.map((r) => r.rule).join(" ") : "",
      error: reply && !reply.ok ? reply.error.kind : "",
      engine: kind,
    });
    showTicketFields(state, reply);
    showVersion();
  }

  // -- a link made under another policy version --

  function setText(element, text) {
    if (element.textContent !== text) element.textContent = text; // unchanged text is not announced again
  }

  function showVersion() {
    if (!linked) return;
    const hasStatus = readForm().status !== null;
    setText(leadLine, versionLead(config.notices, linked, data.version, answer, hasStatus));
    leadLine.dataset.versionState = linked.kind;
    leadLine.dataset.linkVersion = linked.version;
    const text = hasStatus ? versionThen(config.notices, linked, answer, engine.state) : "";
    setText(thenLine, text);
    thenLine.hidden = !text;
    thenLine.dataset.then = hasStatus ? linked.thenState : "";
    thenLine.dataset.outlook = linked.then ? linked.then.cancellation.outlook : "";
    thenLine.dataset.refund = linked.then ? linked.then.refund.outlook : "";
  }

  // Once the engine is live, ask it for the answer given then (it ships with that version's snapshot).
  function askThen() {
    const asked = linked;
    const state = readForm();
    if (!asked || asked.asked || asked.thenState !== "waiting" || engine.state !== "ready" || state.status === null) {
      return;
    }
    asked.asked = true;
    callEngine("link_answer", { v: asked.version, status: state.status, facts: state.facts }).then(
      (reply) => {
        if (linked !== asked) return;
        if (!reply.ok) {
          asked.thenState = "none";
        } else if (reply.value.version === "old" && reply.value.then) {
          asked.then = reply.value.then;
          asked.thenState = "shown";
        } else if (reply.value.version === "old") {
          asked.thenState = (config.snapshots || []).includes(asked.version) ? "no-case" : "no-snapshot";
        } else {
          asked.kind = reply.value.version === "malformed" ? "malformed" : "unknown";
          asked.thenState = "none";
        }
        showVersion();
      },
      () => {
        if (linked !== asked) return;
        asked.thenState = "unavailable";
        showVersion();
      },
    );
  }

  function update() {
    const state = readForm();
    const mine = ++sequence;
    if (state.status === null) {
      render(state, null, "prerendered");
      return state;
    }
    const ready = prerendered(data, state);
    if (engine.state !== "ready") {
      render(state, ready, "prerendered");
      return state;
    }
    const fallback = setTimeout(() => {
      if (mine === sequence) render(state, ready, "prerendered");
    }, LIVE_FALLBACK_MS);
    callEngine("decide", { status: state.status, facts: state.facts }).then(
      (reply) => {
        clearTimeout(fallback);
        if (mine !== sequence) return;
        render(state, reply.ok || reply.error.kind === "ContradictoryInputError" ? reply : ready,
          reply.ok || reply.error.kind === "ContradictoryInputError" ? "pyodide" : "prerendered");
      },
      () => {
        clearTimeout(fallback);
        if (mine === sequence) render(state, ready, "prerendered");
      },
    );
    return state;
  }

  // A link made under a dated older (or unknown) version keeps it until the visitor changes the form.
  function writeUrl(state) {
    const kept = linked && (linked.kind === "old" || linked.kind === "unknown") ? linked.version : undefined;
    history.replaceState(history.state, "", urlFor(state, data, undefined, kept));
  }

  function showNotices(messages) {
    notices.replaceChildren(...messages.map((message) => {
      const p = document.createElement("p");
      p.textContent = message;
      return p;
    }), ...(linked ? [leadLine, thenLine] : []));
  }

  on(form, "change", () => {
    linked = null;
    showNotices([]);
    const state = update();
    writeUrl(state);
    updateCopyButton(state);
    scheduleTicketCheck();
    startEngine(config);
  });
  on(form, "submit", (event) => {
    event.preventDefault();
    writeUrl(update());
  });

  // -- the link to this answer --

  const copyLink = $("copy-link");
  const linkMsg = $("link-msg");
  const linkBox = $("link");
  copyLink.hidden = false;

  function updateCopyButton(state) {
    copyLink.disabled = state.status === null;
    linkMsg.textContent = "";
    linkBox.hidden = true;
  }

  on(copyLink, "click", async () => {
    const link = urlFor(readForm(), data, `#${ROOT_ID}`).href;
    if (await copyText(link, root)) {
      linkMsg.textContent = "Link copied. Paste it into a ticket or a message.";
    } else {
      linkBox.value = link;
      linkBox.hidden = false;
      linkBox.select();
      linkMsg.textContent = "Your browser did not allow copying: copy the link from the box below.";
    }
  });

  // -- the engine's state, shown --

  function showEngine() {
    root.dataset.engineState = engine.state;
    engineLine.classList.toggle("dd-engine--failed", engine.state === "failed" || engine.state === "slow");
    if (engine.state === "idle") {
      engineLine.textContent = "";
    } else if (engine.state === "loading") {
      engineLine.textContent = `Loading the live policy engine… ${engine.stage}`.trim();
    } else if (engine.state === "ready") {
      engineLine.textContent = `The live policy engine is ready (Pyodide ${engine.pyodideVersion}); ` +
        "answers now come from it.";
    } else if (engine.state === "slow") {
      engineLine.textContent = `The live policy engine is taking long: ${engine.message}. ` +
        "The answers here still work: they were prepared from the same policy when this site was built. " +
        "If the engine loads later, it takes over.";
    } else {
      engineLine.textContent = `The live policy engine could not load: ${engine.message}. ` +
        "The answers here still work: they were prepared from the same policy when this site was built.";
    }
  }

  let lastEngineState = engine.state;
  function onEngine() {
    showEngine();
    if (engine.state !== lastEngineState) {
      lastEngineState = engine.state;
      if (engine.state === "ready" || engine.state === "failed") {
        update();
        scheduleTicketCheck();
        askThen();
      }
    }
  }
  engine.listeners.add(onEngine);
  cleanups.push(() => engine.listeners.delete(onEngine));

  // -- the ticket drafter --

  const ticket = $("ticket");
  const ticketForm = $("ticket-form");
  const ticketMsg = $("ticket-msg");
  const draft = $("draft");
  const copyTicket = $("copy-ticket");
  const ticketCopied = $("ticket-copied");
  const touched = new Set();
  let ticketText = "";
  let ticketTimer = 0;
  let ticketSequence = 0;
  ticket.hidden = false;

  function showTicketFields(state, reply) {
    const needed = reply && reply.ok ? reply.value.ticket_fields : [];
    for (const wrapper of ticketForm.querySelectorAll("[data-payment]")) {
      const input = wrapper.querySelector("input, textarea");
      wrapper.hidden = !needed.includes(input.name);
    }
  }

  function fieldValue(name) {
    const input = ticketForm.elements.namedItem(name);
    return input && !input.closest("[hidden]") ? input.value : null;
  }

  function setFieldMessage(name, message) {
    const element = ticketForm.querySelector(`[data-field-msg="${name}"]`);
    const input = ticketForm.elements.namedItem(name);
    if (!element || !input) return;
    element.textContent = message || "";
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  function scheduleTicketCheck() {
    clearTimeout(ticketTimer);
    ticketTimer = setTimeout(checkTicket, TICKET_DEBOUNCE_MS);
  }

  function setDraft(text) {
    ticketText = text;
    draft.textContent = text;
    copyTicket.disabled = !text;
    ticketCopied.textContent = "";
  }

  async function checkTicket() {
    const mine = ++ticketSequence;
    const names = [...ticketForm.querySelectorAll("input, textarea")].map((input) => input.name);
    if (engine.state !== "ready") {
      setDraft("");
      ticketMsg.textContent = engine.state === "failed"
        ? "The ticket checker could not load, so the fields are not checked. Write your ticket by hand with the " +
          "fields listed in the answer above."
        : "The fields are checked once the policy engine has loaded. Nothing you type leaves your browser.";
      return;
    }
    const state = readForm();
    const params = { status: state.status, facts: state.facts };
    for (const name of names) params[name] = fieldValue(name);
    const link = fieldValue("telegram_link");
    try {
      const [draftReply, linkReply] = await Promise.all([
        callEngine("draft_ticket", params),
        link && link.trim() ? callEngine("check_link", { text: link }) : Promise.resolve(null),
      ]);
      if (mine !== ticketSequence) return;
      const problems = draftReply.ok ? {} : draftReply.error.problems || {};
      for (const name of names) {
        setFieldMessage(name, touched.has(name) ? problems[name] : "");
      }
      if (linkReply && linkReply.ok && linkReply.value.problems.length && !problems.telegram_link) {
        setFieldMessage("telegram_link", linkReply.value.problems.join(" "));
        if (linkReply.value.valid) ticketForm.elements.namedItem("telegram_link").removeAttribute("aria-invalid");
      }
      if (draftReply.ok) {
        setDraft(draftReply.value.text);
        const warnings = draftReply.value.warnings;
        ticketMsg.textContent = warnings.length
          ? `The ticket is ready, with a warning: ${warnings.join(" ")}`
          : "The ticket is ready. Copy it into your support ticket.";
      } else {
        setDraft("");
        const waiting = names.filter((name) => problems[name]).length;
        const status = problems.status ? ` ${problems.status}` : "";
        ticketMsg.textContent = draftReply.error.kind === "TicketFieldError"
          ? `The ticket is not ready yet: ${waiting} field${waiting === 1 ? "" : "s"} still need attention.${status}`
          : draftReply.error.message;
      }
    } catch {
      if (mine === ticketSequence) ticketMsg.textContent = "The ticket could not be checked just now; try again.";
    }
  }

  on(ticketForm, "submit", (event) => event.preventDefault());
  on(ticketForm, "input", (event) => {
    if (event.target.name) touched.add(event.target.name);
    startEngine(config);
    scheduleTicketCheck();
  });
  on(ticketForm, "focusout", (event) => {
    if (event.target.name && event.target.value) touched.add(event.target.name);
    scheduleTicketCheck();
  });
  on(copyTicket, "click", async () => {
    if (!ticketText) return;
    ticketCopied.textContent = (await copyText(ticketText, root))
      ? "Ticket text copied."
      : "Your browser did not allow copying: select the text above and copy it.";
  });
  cleanups.push(() => clearTimeout(ticketTimer));

  // -- start the live engine: at once for a link with a decision, else when idle or on intent --

  function start() {
    startEngine(config);
  }
  on(root, "focusin", start);
  on(root, "pointerenter", start);
  // Unasked, the engine never competes with the page's own loading: only after `load`, when the Desk is
  // in view or the main thread is idle.
  const afterLoad = () => {
    if ("IntersectionObserver" in window) {
      const observer = new IntersectionObserver((entries) => {
        if (entries.some((entry) => entry.isIntersecting)) start();
      });
      observer.observe(root);
      cleanups.push(() => observer.disconnect());
    }
    if ("requestIdleCallback" in window) {
      const handle = requestIdleCallback(start, { timeout: 4000 });
      cleanups.push(() => cancelIdleCallback(handle));
    } else {
      const handle = setTimeout(start, 2000);
      cleanups.push(() => clearTimeout(handle));
    }
  };
  if (document.readyState === "complete") afterLoad();
  else on(window, "load", afterLoad, { once: true });

  // -- first paint: restore from the URL --

  const link = readUrl(location.search, data);
  const kind = versionKind(link.version, config);
  if (kind) {
    const saved = kind === "old" && (config.snapshots || []).includes(link.version);
    linked = { version: link.version, kind, thenState: kind !== "old" ? "none" : saved ? "waiting" : "no-snapshot",
      then: null, asked: false };
  }
  writeForm(link.state);
  const state = update();
  showNotices(link.notices);
  if (link.ours) writeUrl(state);
  updateCopyButton(state);
  showEngine();
  checkTicket();
  askThen(); // the engine may already be live (instant navigation back to this page)
  if (link.decision) start();

  return {
    root,
    teardown() {
      for (const cleanup of cleanups.splice(0)) cleanup();
      sequence += 1;
      ticketSequence += 1;
    },
  };
}

// ---- Instant navigation: set up each Desk exactly once, tear down on leaving -------------------------

let active = null;

function mount() {
  const root = document.getElementById(ROOT_ID);
  if (active && active.root !== root) {
    active.teardown();
    active = null;
  }
  if (!root || root.dataset.deskSetup === "1") return;
  root.dataset.deskSetup = "1";
  try {
    active = setup(root);
    console.debug("Decision Desk: set up");
  } catch (error) {
    root.dataset.deskSetup = "failed";
    console.warn("Decision Desk: could not set up; the form still works without script.", error);
  }
}

if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(() => mount());
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", mount, { once: true });
} else {
  mount();
}
