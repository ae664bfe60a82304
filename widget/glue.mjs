// The Decision Desk's page glue (plain ES module, no framework). It renders the engine's answers; it decides nothing.
//
// 1. The answer at once: the build ships every answer the engine gives, exactly as `decide --json` prints it,
//    in one content-hashed file keyed by the query string the form makes. A selection shows its answer from it.
// 2. Then live: the engine runs in Pyodide in a module worker (widget/worker.mjs), started when the visitor shows
//    intent (a pointer over the Desk, focus, a choice), or at once for an answer link. Once ready it answers
//    every selection (data-engine="pyodide"). If it cannot load, the shipped answers keep working.
// 3. The state lives in the URL (?status=…&fact=…&v=…). Values the form does not know are ignored with one
//    fixed sentence; nothing from the URL is ever shown back or put into the page as HTML.
// 4. The ticket drafter checks fields with the engine in the worker. Nothing typed leaves the browser.
//
// Set up on Material's document$, so instant navigation sets the Desk up exactly once per visit.

const ROOT_ID = "decision-desk";
const MAX_URL_PARAMS = 50;
const LIVE_FALLBACK_MS = 50; // show the shipped answer if the live one takes longer than this
const CALL_TIMEOUT_MS = 5000;
const OUR_KEYS = ["status", "fact", "v"];
const FIELDS = 'input:not([name="ticket_lang"]), textarea'; // the ticket's fields, not its language switch

// ---- The engine in a worker: one per browsing session, shared across instant navigations ----------

const engine = {
  state: "idle", // idle | loading | slow (past the time limit, still trying) | ready | failed
  message: "",
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
    snapshotURL: absolute(config.snapshot),
    snapshotIntegrity: config.snapshotIntegrity,
    snapshotKey: config.snapshotKey,
    lang: config.lang,
    catalogURL: absolute(config.catalog),
  });
}

function onWorkerMessage(message, config) {
  if (!message || typeof message !== "object") return;
  const starting = engine.state === "loading" || engine.state === "slow";
  if (message.type === "ready" && starting) {
    clearTimeout(engine.timer);
    engine.state = "ready";
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
// `lang`: the answer's language (the worker's default, the page's, when absent).
function callEngine(method, params, lang) {
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
    engine.worker.postMessage({ type: "call", id, method, params, lang });
  });
}

// ---- Data from the page -----------------------------------------------------------------------------

function readJSON(root, id) {
  const element = root.querySelector(`#${id}`);
  return JSON.parse(element.content ? element.content.textContent : element.textContent);
}

const answersCache = new Map(); // URL -> Promise of the answers file, shared across instant navigations

function loadAnswers(url) {
  if (!answersCache.has(url)) {
    answersCache.set(url, fetch(url, { credentials: "same-origin" }).then((response) => {
      if (!response.ok) throw new Error(`answers: HTTP ${response.status}`);
      return response.json();
    }));
  }
  return answersCache.get(url);
}

function reducedMotion() {
  return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}

function fullyVisible(element) {
  const box = element.getBoundingClientRect();
  const header = document.querySelector(".md-header");
  const top = header ? header.getBoundingClientRect().bottom : 0;
  return box.top >= top && box.bottom <= window.innerHeight;
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
  const $ = (name) => root.querySelector(`[data-dd="${name}"]`);
  const form = root.querySelector("form.dd-form");
  const result = root.querySelector("#decision-result");
  const words = Object.fromEntries(
    [...$("tpl-words").content.querySelectorAll("[data-w]")].map((el) => [el.dataset.w, el.textContent]),
  );
  const cleanups = [];
  const on = (target, type, handler, options) => {
    target.addEventListener(type, handler, options);
    cleanups.push(() => target.removeEventListener(type, handler, options));
  };
  let data = null; // the shipped answers, once fetched
  let sequence = 0;
  let answer = null; // the answer dict on show, or null
  let linkNotice = null; // the engine's notice for an answer link, while the form still shows that link's choice
  let linkQuery = null;

  // -- reading the form (disabled circumstances are not part of it, as in a real form submission) --

  function formQuery() {
    const params = new URLSearchParams(new FormData(form));
    return params.get("status") === null ? "" : params.toString();
  }

  function formChoice() {
    const params = new FormData(form);
    return { status: params.get("status"), facts: params.getAll("fact") };
  }

  // Circumstances the engine does not offer for the chosen status are disabled, with its reason beside them.
  function applyOffers() {
    const status = new FormData(form).get("status");
    const off = (data && status && data.not_offered[status]) || {};
    for (const box of form.querySelectorAll('input[name="fact"]')) {
      const reason = off[box.value] || "";
      box.disabled = Boolean(reason);
      box.closest(".dd-opt").classList.toggle("dd-opt--off", Boolean(reason));
      form.querySelector(`[data-off="${box.value}"]`).textContent = reason;
    }
  }

  // -- rendering one answer dict --

  function render(value, engineKind) {
    if (!value) {
      result.replaceChildren($("tpl-none").content.cloneNode(true));
    } else {
      const view = $("tpl-answer").content.cloneNode(true);
      const slot = (name) => view.querySelector(`[data-slot="${name}"]`);
      view.querySelector("#decision-verdict").dataset.outlook = value.cancellation.outlook;
      slot("word").textContent = value.cancellation.word;
      slot("headline").textContent = value.headline;
      slot("refund-word").textContent = value.refund.word;
      slot("refund-summary").textContent = value.refund.summary;
      slot("next").textContent = value.next_step;
      if (value.would_change) slot("change").textContent = value.would_change.text;
      else slot("change-row").remove();
      for (const field of value.ticket_fields) {
        const item = document.createElement("li");
        item.textContent = (data && data.ticket_fields[field]) || field;
        slot("fields").append(item);
      }
      for (const reason of value.reasons) {
        const item = $("tpl-reason").content.firstElementChild.cloneNode(true);
        item.dataset.rule = reason.rule;
        item.dataset.role = reason.role;
        item.querySelector(".dd-role").textContent = `${words[`role-${reason.role}`] || ""}:`;
        const link = item.querySelector("a");
        link.href = new URL(reason.link, new URL(config.root, location.href)).href;
        link.textContent = reason.title;
        item.querySelector(".dd-reason-text span").textContent = reason.text;
        slot("reasons").append(item);
      }
      result.replaceChildren(view);
    }
    answer = value;
    Object.assign(result.dataset, {
      status: value ? value.status : "",
      facts: value ? value.facts.join(" ") : "",
      outlook: value ? value.cancellation.outlook : "",
      refund: value ? value.refund.outlook : "",
      rules: value ? value.reasons.map((r) => r.rule).join(" ") : "",
      engine: engineKind,
    });
    const live = $("live");
    const headline = value ? value.headline : "";
    if (live.textContent !== headline) live.textContent = headline; // announced once per change
    $("bar").hidden = !value;
    $("print-link").textContent = value ? answerLink() : "";
    ticketFields(value);
  }

  function show() {
    applyOffers();
    const query = formQuery();
    if (query !== linkQuery) linkNotice = null;
    showNotices();
    const mine = ++sequence;
    const shipped = data && query ? data.answers[query] || null : null;
    if (!query || engine.state !== "ready") {
      render(shipped, "prerendered");
      return;
    }
    const fallback = setTimeout(() => {
      if (mine === sequence) render(shipped, "prerendered");
    }, LIVE_FALLBACK_MS);
    callEngine("decide", formChoice()).then(
      (reply) => {
        clearTimeout(fallback);
        if (mine !== sequence) return;
        if (reply.ok) render(reply.value, "pyodide");
        else render(shipped, "prerendered");
      },
      () => {
        clearTimeout(fallback);
        if (mine === sequence) render(shipped, "prerendered");
      },
    );
  }

  function bringIntoView(element) {
    if (!element || fullyVisible(element)) return;
    element.scrollIntoView({ block: "nearest", behavior: reducedMotion() ? "auto" : "smooth" });
  }
  const bringVerdictIntoView = () => bringIntoView(root.querySelector("#decision-verdict"));

  // -- notices: the fixed sentence for unknown link parts, and the engine's notice for an older answer link --

  const notices = $("notices");
  let unrecognised = false;
  function showNotices() {
    const lines = [];
    if (unrecognised && data) lines.push(data.unrecognised);
    if (linkNotice) lines.push(linkNotice);
    notices.replaceChildren(...lines.map((text) => {
      const p = document.createElement("p");
      p.textContent = text;
      return p;
    }));
  }

  // -- the URL --

  function readUrl() {
    const params = new URLSearchParams(location.search);
    let count = 0;
    let version = null;
    let status = null;
    const facts = [];
    let bad = false;
    let ours = false;
    for (const [key, value] of params) {
      count += 1;
      if (count > MAX_URL_PARAMS) {
        bad = true;
        break;
      }
      const radio = [...form.elements].find((el) => el.name === key && el.value === value);
      if (key === "status" || key === "fact") {
        ours = true;
        if (!radio || (key === "status" && status !== null)) bad = true;
        else if (key === "status") status = radio;
        else facts.push(radio);
      } else if (key === "v") {
        ours = true;
        if (version === null) version = value;
        else bad = true;
      } else if (OUR_KEYS.includes(key.trim().toLowerCase())) {
        ours = true;
        bad = true;
      }
      // Any other key (e.g. Material's search highlight, ?h=…) is not the Desk's: left alone.
    }
    if (status === null && facts.length) bad = true;
    return { status, facts, version, bad, ours };
  }

  function answerLink() {
    const url = new URL(location.href);
    const kept = [...url.searchParams].filter(([key]) => !OUR_KEYS.includes(key.trim().toLowerCase()));
    const params = new URLSearchParams(formQuery());
    if (params.has("status") && data) params.append("v", data.version);
    for (const [key, value] of kept) params.append(key, value);
    url.search = params.toString();
    url.hash = ROOT_ID;
    return url.href;
  }

  function writeUrl() {
    const url = new URL(answerLink());
    url.hash = location.hash;
    history.replaceState(history.state, "", url);
  }

  // -- the visitor's choices --

  on(form, "change", () => {
    unrecognised = false;
    show();
    writeUrl();
    bringVerdictIntoView();
    startEngine(config);
  });
  on(form, "submit", (event) => {
    event.preventDefault();
    show();
  });

  const linkMsg = $("link-msg");
  const linkBox = $("link");
  on($("copy-link"), "click", async () => {
    const link = answerLink();
    linkBox.hidden = true;
    if (await copyText(link, root)) {
      linkMsg.textContent = words["link-copied"];
    } else {
      linkBox.value = link;
      linkBox.hidden = false;
      linkBox.select();
      linkMsg.textContent = words["link-manual"];
    }
  });
  on($("print"), "click", () => {
    const page = document.documentElement;
    page.classList.add("dd-print-answer"); // widget/desk.css prints only the answer
    on(window, "afterprint", () => page.classList.remove("dd-print-answer"), { once: true });
    window.print();
  });
  on($("reset"), "click", () => {
    form.reset();
    unrecognised = false;
    linkNotice = null;
    linkMsg.textContent = "";
    show();
    writeUrl();
    root.querySelector('input[name="status"]').focus();
  });

  // -- the engine's state, in customer words, only when it matters --

  const engineLine = $("engine");
  function showEngine() {
    root.dataset.engineState = engine.state;
    const text = engine.state === "failed" ? words["engine-failed"] : engine.state === "slow" ? words["engine-slow"] : "";
    engineLine.textContent = text;
    engineLine.hidden = !text;
  }

  let lastEngineState = engine.state;
  function onEngine() {
    showEngine();
    if (engine.state !== lastEngineState) {
      lastEngineState = engine.state;
      if (engine.state === "ready" || engine.state === "failed") show();
      ticketMessage();
    }
  }
  engine.listeners.add(onEngine);
  cleanups.push(() => engine.listeners.delete(onEngine));

  // -- the ticket drafter: checked when a field is left, or on copy; never as soon as a status is picked --

  const ticket = $("ticket");
  const ticketForm = $("ticket-form");
  const ticketMsg = $("ticket-msg");
  const draft = $("draft");
  const ticketCopied = $("ticket-copied");
  const touched = new Set();
  let ticketText = "";
  let ticketSequence = 0;

  function ticketFields(value) {
    ticket.hidden = !value;
    const needed = value ? value.ticket_fields : [];
    for (const wrapper of ticketForm.querySelectorAll("[data-cond]")) wrapper.hidden = !needed.includes(wrapper.dataset.cond);
  }

  function fieldValue(name) {
    const input = ticketForm.elements.namedItem(name);
    return input && !input.closest("[hidden]") ? input.value : null;
  }

  function setFieldMessage(name, message, secret) {
    const element = ticketForm.querySelector(`[data-field-msg="${name}"]`);
    const input = ticketForm.elements.namedItem(name);
    if (!element || !input) return;
    element.textContent = message || "";
    if (message && secret) element.append(" ", $("tpl-no-password").content.cloneNode(true));
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  function ticketMessage() {
    if (engine.state === "failed") ticketMsg.textContent = words["engine-failed"];
    else if (engine.state !== "ready") ticketMsg.textContent = words["ticket-waiting"];
  }

  async function checkTicket() {
    const mine = ++ticketSequence;
    if (engine.state !== "ready" || !answer) {
      ticketMessage();
      return null;
    }
    const names = [...ticketForm.querySelectorAll(FIELDS)].map((input) => input.name);
    const params = { ...formChoice(), answer_link: answerLink() };
    for (const name of names) params[name] = fieldValue(name);
    try {
      const reply = await callEngine("draft_ticket", params, ticketLanguage());
      if (mine !== ticketSequence) return null;
      const problems = reply.ok ? {} : reply.error.problems || {};
      const secrets = reply.ok ? [] : reply.error.secrets || [];
      for (const name of names) setFieldMessage(name, touched.has(name) ? problems[name] : "", secrets.includes(name));
      ticketText = reply.ok ? reply.value.text : "";
      draft.textContent = ticketText;
      const shown = names.some((name) => touched.has(name) && problems[name]);
      ticketMsg.textContent = reply.ok
        ? reply.value.warnings.join(" ") || words["ticket-ready"]
        : shown ? words["ticket-fix"] : "";
      return reply.ok;
    } catch {
      if (mine === ticketSequence) ticketMsg.textContent = words["ticket-retry"];
      return null;
    }
  }

  // The ticket's language: the page's, or the one the reader picks (on a translated page: English too).
  function ticketLanguage() {
    const chosen = ticketForm.querySelector('input[name="ticket_lang"]:checked');
    return chosen ? chosen.value : config.lang;
  }

  on(ticketForm, "submit", (event) => event.preventDefault());
  on(ticketForm, "change", (event) => {
    if (event.target.name === "ticket_lang") checkTicket();
  });
  on(ticketForm, "focusin", () => startEngine(config));
  on(ticketForm, "focusout", (event) => {
    if (!event.target.name) return;
    if (event.target.value) touched.add(event.target.name); // passing through an empty field marks nothing
    checkTicket();
  });
  on($("copy-ticket"), "click", async () => {
    for (const input of ticketForm.querySelectorAll(FIELDS)) {
      if (!input.closest("[hidden]")) touched.add(input.name);
    }
    ticketCopied.textContent = "";
    if (!(await checkTicket()) || !ticketText) {
      const first = ticketForm.querySelector('[aria-invalid="true"]');
      if (first) first.focus();
      return;
    }
    ticketCopied.textContent = (await copyText(ticketText, root)) ? words["ticket-copied"] : words["ticket-manual"];
  });

  // -- start the live engine: at once for an answer link or a choice already made, else on intent --
  // Not merely because the Desk is in view or the page is idle: on a phone the Desk is in view as the page
  // loads, and a boot then competes with the page's own work for the CPU (Lighthouse's TBT counted it).
  // Until the engine is live every choice is answered from the shipped answers, and a restore from the
  // memory snapshot makes the wait short. A visitor who never comes near the Desk downloads no Pyodide.

  const start = () => startEngine(config);
  on(root, "focusin", start);
  on(root, "pointerenter", start);
  on(root, "pointerdown", start);

  // -- first paint: restore the choice from the URL, then show its answer --

  const link = readUrl();
  if (link.status) link.status.checked = true;
  for (const box of link.facts) box.checked = true;
  unrecognised = link.bad;
  showEngine();
  ticketMessage();
  // A status already chosen is intent too: an answer link, or a choice the visitor made before this setup
  // (the page still loading on a slow phone, the browser restoring the form) which fired no listener here.
  if (formChoice().status) start();
  const ready = loadAnswers(new URL(config.answers, location.href).href).then((loaded) => {
    data = loaded;
    const known = link.version !== null && Object.hasOwn(data.links, link.version); // not "constructor" & co.
    if (link.version !== null && !known) unrecognised = true;
    const query = formQuery();
    const notices = known && data.links[link.version];
    if (notices && query) {
      linkNotice = notices[query] || null;
      linkQuery = query;
    }
    show();
    if (link.bad || unrecognised) writeUrl(); // drop what was not recognised; a known older `v` stays until the choice changes
    if (link.status) requestAnimationFrame(bringVerdictIntoView);
    else if (unrecognised) requestAnimationFrame(() => bringIntoView($("notices"))); // say why there is no answer
  });
  ready.catch((error) => console.warn("Decision Desk: the answers could not load.", error));

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
