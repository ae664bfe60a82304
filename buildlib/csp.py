"""Content-Security-Policy for every page, as a <meta http-equiv> tag computed from the page's final HTML.

The site is static, so the policy travels in the page itself. `apply()` runs in MkDocs' on_post_page, after
the theme and the Desk markup are in place, so it sees exactly the inline scripts the browser will see;
`apply_template()` does the same for theme pages such as 404.html (MkDocs' on_post_template).

Policy (build mode):
    default-src 'self'; script-src 'self' 'sha256-…'… [CDN]; worker-src 'self'; connect-src 'self' [CDN];
    img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'

Why each part is as it is:
- script-src: no 'unsafe-inline', no 'unsafe-eval'. Each executing inline script (Material's scope and palette
  scripts, its tabbed-anchor script) is allowed by the sha256 of its exact text. Non-executing blocks such as
  Material's `<script id="__config" type="application/json">` are data, not script, and are not hashed.
- No 'wasm-unsafe-eval' on any page, not even the Desk's: Pyodide runs in a *module worker* created from a
  same-origin URL, and such a worker takes its policy from its own HTTP response (CSP3 "initialize a global
  object's CSP list"; only blob:/data: workers inherit the page's). The page itself never compiles wasm, so
  the strictest policy that works is none. tests/test_security_browser.py proves it: the Desk goes live in
  Chromium with zero violations, and a wasm compile on the page's main thread is refused.
- The CDN path (CDN mode only) is the exact pinned folder (the Desk's index_url), never a host, as issue 6
  asks. Today's Desk does not need it on the page (its worker, outside this policy, does the fetching); it is
  on every page, not only the Desk's, because Material's instant navigation keeps the first page's policy in
  force (it appends the next page's meta too, so policies add up) while the visitor moves to the Desk.
- style-src 'self' without 'unsafe-inline': Material and the Desk set styles through the CSSOM
  (element.style.setProperty), which CSP does not govern, and the built HTML has no style attributes or
  <style> blocks (the tests would report a violation if one appeared).
- img-src data: for the theme's inline SVG icons in CSS.

Under `python build.py serve` (mkdocs serve with live reload) MkDocs injects an inline script whose text
changes on every request, so no hash can allow it. There the policy keeps every directive but script-src
becomes `'self' 'unsafe-inline'` (hashes would switch 'unsafe-inline' off). Only dev builds
(BuildOptions.dev) get this; built sites never do.

A host that can send headers also gets the policy as a header (`header_policy`, `worker_policy`, used by
buildlib/headers.py), derived from the pages' meta policies, with `frame-ancestors 'none'` added.
"""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlsplit

from .options import BuildError

DESK_MARKER = 'id="decision-desk"'

# Script types a browser executes (HTML "JavaScript MIME type essence match", plus module and the two JSON
# script kinds that CSP still governs as inline script). Anything else (application/json, text/template…)
# is a data block and needs no hash.
_JS_MIME = {
    "", "module", "importmap", "speculationrules",
    "text/javascript", "application/javascript", "application/ecmascript", "application/x-ecmascript",
    "application/x-javascript", "text/ecmascript", "text/javascript1.0", "text/javascript1.1",
    "text/javascript1.2", "text/javascript1.3", "text/javascript1.4", "text/javascript1.5", "text/jscript",
    "text/livescript", "text/x-ecmascript", "text/x-javascript",
}
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_ATTR = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
_CHARSET = re.compile(r"\s*<meta\s+charset=[^>]*>", re.IGNORECASE)


def _attributes(text: str) -> dict[str, str]:
    return {m.group(1).lower(): next((g for g in m.group(2, 3, 4) if g is not None), "") for m in _ATTR.finditer(text)}


def _executes(attrs: dict[str, str]) -> bool:
    return attrs.get("type", "").strip().lower() in _JS_MIME


def inline_script_hashes(html: str) -> list[str]:
    """CSP source expressions ('sha256-…') for each executing inline script in `html`, in page order.

    The hash is over the script's text as the browser sees it: the exact characters between the tags, with
    newlines normalised the way the HTML tokenizer does (CRLF and CR become LF), encoded as UTF-8.
    """
    sources: list[str] = []
    for match in _SCRIPT.finditer(html):
        attrs = _attributes(match.group(1))
        if "src" in attrs or not _executes(attrs):
            continue
        text = match.group(2).replace("\r\n", "\n").replace("\r", "\n")
        digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
        source = f"'sha256-{digest}'"
        if source not in sources:
            sources.append(source)
    return sources


def build_policy(html: str, cdn_url: str | None = None, serving: bool = False) -> str:
    """The policy for one page's final HTML. `cdn_url` is the pinned Pyodide folder in CDN mode, else None."""
    cdn = [cdn_url] if cdn_url else []
    scripts = ["'unsafe-inline'"] if serving else inline_script_hashes(html)
    directives = [
        ("default-src", ["'self'"]),
        ("script-src", ["'self'", *scripts, *cdn]),
        ("worker-src", ["'self'"]),
        ("connect-src", ["'self'", *cdn]),
        ("img-src", ["'self'", "data:"]),
        ("style-src", ["'self'"]),
        ("object-src", ["'none'"]),
        ("base-uri", ["'self'"]),
        ("form-action", ["'self'"]),
    ]
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives)


def insert_meta(html: str, policy: str) -> str:
    """`html` with the policy's meta tag at the top of <head>, before any script, style or link.

    It goes first, or right after `<meta charset>` when that opens the head, so the charset stays within the
    first 1024 bytes the browser prescans.
    """
    head = _HEAD.search(html)
    if head is None:
        raise ValueError("page has no <head>; cannot place the Content-Security-Policy meta tag")
    at = head.end()
    charset = _CHARSET.match(html, at)
    if charset:
        at = charset.end()
    policy_attr = policy.replace("&", "&amp;").replace('"', "&quot;")
    tag = f'\n    <meta http-equiv="Content-Security-Policy" content="{policy_attr}">'
    return html[:at] + tag + html[at:]


def cdn_source(index_url: str, mode: str) -> str | None:
    """The pinned Pyodide folder the pages allow in CDN mode (an https URL ending in '/'), else None."""
    if mode != "cdn":
        return None
    parts = urlsplit(index_url)
    if parts.scheme != "https" or not parts.path.endswith("/"):
        raise BuildError(f"the Desk's CDN index_url must be an https folder URL ending in '/', got {index_url!r}")
    return index_url


def apply(output: str, cdn_url: str | None, serving: bool) -> str:
    """The page's HTML with its CSP meta tag. `serving`: a dev build for MkDocs' live-reload server."""
    return insert_meta(output, build_policy(output, cdn_url=cdn_url, serving=serving))


# --- The policy as a response header (buildlib/headers.py) ----------------------------------------------------

_META = re.compile(r'<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"', re.IGNORECASE)


def parse(policy: str) -> dict[str, list[str]]:
    """A policy's directives: {"script-src": ["'self'", …], …}, in order."""
    return {part.split()[0].lower(): part.split()[1:] for part in policy.split(";") if part.split()}


def render(directives: dict[str, list[str]]) -> str:
    """The policy text of `directives`."""
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def meta_policy(html: str) -> str | None:
    """The policy of a built page's CSP meta tag, or None when it has none."""
    found = _META.search(html)
    return None if found is None else found.group(1).replace("&quot;", '"').replace("&amp;", "&")


def header_policy(page_policies: list[str]) -> str:
    """One policy for the response header of every page: the union of the pages' own (meta) policies, plus
    `frame-ancestors 'none'`, which only a header can carry.

    A union, not one header per page: Material's instant navigation keeps the first document (and so its
    header) while the visitor moves from page to page, and 404.html is served at any path. The pages differ
    only in the hashes of Material's inline scripts. A page's meta policy still applies next to the header,
    and a browser enforces both, so on each page only that page's own scripts run.
    """
    union: dict[str, list[str]] = {}
    for policy in page_policies:
        for name, sources in parse(policy).items():
            merged = union.setdefault(name, [])
            merged += [source for source in sources if source not in merged]
    for sources in union.values():
        if len(sources) > 1 and "'none'" in sources:
            sources.remove("'none'")
    union["frame-ancestors"] = ["'none'"]
    return render(union)


def worker_policy(page_policy: str) -> str:
    """The Desk worker's policy, from the pages' own: a module worker takes its policy from its own response.

    It may load scripts and fetch from where the pages may (this site, and the pinned CDN folder in CDN mode),
    runs no inline script (so no hashes), imports pyodide.mjs from a blob: URL of the text it checked against
    its pinned hash (widget/worker.mjs: import() takes no integrity), and compiles Pyodide's wasm
    ('wasm-unsafe-eval', which no page has).
    """
    page = parse(page_policy)
    scripts = [s for s in page.get("script-src", ["'self'"]) if not s.startswith(("'sha", "'unsafe-inline'"))]
    return render({
        "default-src": ["'none'"],
        "script-src": [*scripts, "blob:", "'wasm-unsafe-eval'"],
        "connect-src": page.get("connect-src", ["'self'"]),
    })
