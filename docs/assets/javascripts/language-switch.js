// The language selector keeps the reader's place: the same page, the same section (#hash) and, on the
// Cancellation page, the same Desk answer (?status=…&fact=…&v=…). URL plumbing only: no policy here.
//
// The build links each selector entry to the same page in its language, but instant navigation keeps the
// header (and so the selector) of the first page, and the Desk writes its answer into the query string as
// the visitor chooses. So the link is recomputed when it is used: the current page's path below its
// language's root, under the other language's root, with the current query string and hash. Material's own
// alternate-language handler would send a page with a query string to the other language's home page, so a
// selector click stops there (capture phase), after its link is set.
(() => {
  const SELECTOR = "a.md-select__link[data-language-root]";
  const roots = new Map(); // language -> absolute URL of its root, read once from the first page's selector

  function readRoots() {
    for (const link of document.querySelectorAll(SELECTOR)) {
      if (!roots.has(link.hreflang)) roots.set(link.hreflang, new URL(link.dataset.languageRoot, location.href));
    }
  }

  function currentRoot() {
    // The longest root the current page lies under: "/ru/" before "/".
    return [...roots.values()]
      .filter((root) => root.origin === location.origin && location.pathname.startsWith(root.pathname))
      .sort((a, b) => b.pathname.length - a.pathname.length)[0];
  }

  function samePlace(link) {
    const target = roots.get(link.hreflang);
    const here = currentRoot();
    if (!target || !here) return;
    const url = new URL(location.pathname.slice(here.pathname.length), target);
    url.search = location.search;
    url.hash = location.hash;
    link.href = url.href;
  }

  function onUse(event) {
    const link = event.target instanceof Element ? event.target.closest(SELECTOR) : null;
    if (!link) return;
    samePlace(link);
    if (event.type === "click") event.stopPropagation();
  }

  readRoots();
  for (const type of ["click", "auxclick", "contextmenu", "focusin", "pointerover"]) {
    document.addEventListener(type, onUse, true);
  }
})();
