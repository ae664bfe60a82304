"""The response headers the site needs, written once here; a static host's `_headers` and nginx's config
are both derived from them.

`for_site(site_dir)` gives the rules for a built site: COMMON headers on every response, then the first
Rule whose pattern matches the request path adds its own. `netlify(rules, site_dir)` renders them as
site/_headers (Netlify and Cloudflare Pages); `nginx(rules, ...)` as a complete nginx configuration
(Debian's nginx with libnginx-mod-http-brotli-static) that serves the site with its pre-compressed
.br/.gz copies. The build writes site/_headers on every production build, and deploy/nginx.conf when it
builds site/ itself; the tests and the bench serve their own site folders with the same `nginx()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import csp, engine_bundle

# Every response.
COMMON = {
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Every feature the site never uses that Chromium knows (an unknown one is a console warning). The Desk's
    # "copy" button needs clipboard-write, so that one stays allowed.
    "Permissions-Policy": ", ".join(f"{feature}=()" for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen", "geolocation",
        "gyroscope", "hid", "idle-detection", "local-fonts", "magnetometer", "microphone", "midi", "payment",
        "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial", "usb",
        "xr-spatial-tracking",
    )),
}
IMMUTABLE = "public, max-age=31536000, immutable"  # the name changes whenever the content does
REVALIDATE = "no-cache"  # may be stored, but asked about (ETag/Last-Modified) before each use

# Content types by extension: a browser runs .mjs only as JavaScript, and compiles wasm in streaming only
# as application/wasm.
TYPES = {
    "text/html": ("html", "htm"),
    "text/css": ("css",),
    "text/javascript": ("js", "mjs"),
    "application/json": ("json", "map"),
    "application/manifest+json": ("webmanifest",),
    "application/wasm": ("wasm",),
    "application/zip": ("zip",),
    "application/x-tar": ("tar",),
    "application/xml": ("xml",),
    "text/plain": ("txt",),
    "image/svg+xml": ("svg", "svgz"),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "image/x-icon": ("ico",),
    "font/woff2": ("woff2",),
    "font/woff": ("woff",),
    "font/ttf": ("ttf",),
}
TEXT_TYPES = ("text/css", "text/javascript", "text/plain", "application/json",
              "application/manifest+json", "application/xml", "image/svg+xml")



def content_type(name: str) -> str:
    """The content type nginx sends for a file name."""
    extension = name.rsplit(".", 1)[-1].lower()
    return next((kind for kind, extensions in TYPES.items() if extension in extensions), "application/octet-stream")


_HASH = f"[0-9a-f]{{{engine_bundle.HASH_LENGTH}}}"
WORKER = rf"^/{re.escape(engine_bundle.ASSET_DIR)}/worker\.{_HASH}\.mjs$"
HASHED = "|".join((
    rf"^/{re.escape(engine_bundle.ASSET_DIR)}/[^/]+\.{_HASH}\.[a-z]+$",  # glue.<hash>.mjs, engine.<hash>.zip…
    r"^/([a-z]{2}/)?assets/(javascripts|stylesheets)/([^/]+/)?[^/]+\.[0-9a-f]{8}\.min\.(js|css)(\.map)?$",  # Material's
))
PYODIDE = "^/" + re.escape(engine_bundle.SELF_HOST_DIR.split("{")[0]) + r"[0-9][0-9.]*/"  # assets/pyodide/v<version>/
PAGE = r"\.html$"


@dataclass(frozen=True)
class Rule:
    """Headers, on top of COMMON, for the request paths that `pattern` (a regular expression) matches."""

    what: str
    pattern: str
    headers: dict[str, str]


def rules(page_policy: str | None) -> tuple[Rule, ...]:
    """The rules, first match wins. `page_policy`: the pages' Content-Security-Policy, or None to send none."""
    page = {"Cache-Control": REVALIDATE}
    worker = {"Cache-Control": IMMUTABLE}
    if page_policy:
        page["Content-Security-Policy"] = page_policy
        worker["Content-Security-Policy"] = csp.worker_policy(page_policy)
    return (
        Rule("the Desk's Pyodide worker: its own policy (a module worker's comes from its response)", WORKER, worker),
        Rule("content-hashed files: the Desk's and Material's", HASHED, {"Cache-Control": IMMUTABLE}),
        Rule("the self-hosted Pyodide core, in a folder named by its version", PYODIDE, {"Cache-Control": IMMUTABLE}),
        Rule("pages (a folder's index.html too)", PAGE, page),
        Rule("everything else", "^/", {"Cache-Control": REVALIDATE}),
    )


def _pages(site_dir: Path) -> list[Path]:
    return sorted(Path(site_dir).rglob("*.html"))


def for_site(site_dir: Path) -> tuple[Rule, ...]:
    """The rules for a built site: its pages' header policy is the union of their meta policies (see csp)."""
    policies = [p for p in (csp.meta_policy(path.read_text(encoding="utf-8")) for path in _pages(site_dir)) if p]
    return rules(csp.header_policy(policies) if policies else None)


def rule_for(path: str, rules: tuple[Rule, ...]) -> Rule:
    """The rule that adds its headers to a request for `path` ("/assets/…")."""
    return next(rule for rule in rules if re.search(rule.pattern, path))


# --- site/_headers (Netlify, Cloudflare Pages) ------------------------------------------------------------------

NETLIFY_FILE = "_headers"
GENERATED = "Generated by build.py from buildlib/headers.py; do not edit."


def netlify(rules: tuple[Rule, ...], site_dir: Path) -> str:
    """`_headers` for the built site: COMMON for every path (`/*`), then each file's own headers by its path.

    Both hosts apply every block that matches and join a header set twice, so no path is in two blocks that set
    the same header: COMMON goes on `/*` only, and each file is listed once, under its first matching rule
    (a page also under its folder's URL). "Everything else" is left to the host, which revalidates by default.
    """
    site = Path(site_dir)
    lines = [f"# {GENERATED}", "/*", *(f"  {name}: {value}" for name, value in COMMON.items())]
    skip = {NETLIFY_FILE, *(f".{s}" for s in ("br", "gz"))}
    for file in sorted(p for p in site.rglob("*") if p.is_file()):
        relative = "/" + file.relative_to(site).as_posix()
        if file.name in skip or file.suffix in skip:
            continue
        rule = rule_for(relative, rules)
        if rule is rules[-1]:
            continue
        paths = [relative]
        if file.name == "index.html":
            paths.insert(0, relative.removesuffix("index.html"))
        for path in paths:
            lines += [path, *(f"  {name}: {value}" for name, value in rule.headers.items())]
    return "\n".join(lines) + "\n"


def write_netlify(site_dir: Path) -> Path:
    """Write site/_headers for the built site; return its path."""
    target = Path(site_dir) / NETLIFY_FILE
    target.write_text(netlify(for_site(site_dir), site_dir), encoding="utf-8")
    return target


# --- nginx ------------------------------------------------------------------------------------------------------

BROTLI_MODULE = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"  # libnginx-mod-http-brotli-static
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def _quoted(value: str, pattern: bool = False) -> str:
    """`value` in double quotes for nginx, where a header value must not hold `$` (a variable) and a pattern
    must not hold an escape that nginx itself would read (\\", \\\\, \\n…)."""
    bad = re.search(r'"|\n|\\["\'\\trn]' if pattern else r'["\\$\n]', value)
    if bad:
        raise ValueError(f"{value!r} needs escaping for nginx")
    return f'"{value}"'


def _location(rule: Rule) -> list[str]:
    # nginx drops the server's add_header lines in any location that has its own, so each location repeats
    # COMMON. `always`: also on 404 and other error responses.
    match = "/" if rule.pattern == "^/" else f"~ {_quoted(rule.pattern, pattern=True)}"
    headers = {**COMMON, **rule.headers}
    return [
        f"        # {rule.what}",
        f"        location {match} {{",
        *(f"            add_header {name} {_quoted(value)} always;" for name, value in headers.items()),
        "        }",
    ]


def nginx(rules: tuple[Rule, ...], *, root: str, listen: str, runtime: str, single_process: bool = False,
          access_log: bool = True) -> str:
    """A complete nginx configuration that serves `root` on `listen` in the foreground.

    root: the site folder (relative paths are under nginx's prefix, `-p`). runtime: a path prefix for the pid
    file and temp folders, each one level below an existing folder, e.g. /tmp/policy-site-nginx-8080.
    single_process: no worker processes (`master_process off`): for tests, which run as whoever they are.
    """
    types = [f"        {name} {' '.join(exts)};" for name, exts in TYPES.items()]
    return "\n".join([
        f"# {GENERATED}",
        "# Serve the site in the foreground:  nginx -p <this repository> -c deploy/nginx.conf",
        "# Needs Debian's nginx and libnginx-mod-http-brotli-static.",
        f"load_module {BROTLI_MODULE};",
        "daemon off;",
        "master_process off;" if single_process else "worker_processes auto;",
        f"pid {runtime}.pid;",
        "error_log stderr;",
        "",
        "events {",
        "    worker_connections 512;",
        "}",
        "",
        "http {",
        "    types {",
        *types,
        "    }",
        "    default_type application/octet-stream;",
        "    charset utf-8;",
        f"    charset_types {' '.join(TEXT_TYPES)};  # and text/html, always",
        f"    access_log {'/dev/stdout' if access_log else 'off'};",
        *(f"    {name}_temp_path {runtime}.{name};" for name in TEMP_PATHS),
        "    sendfile on;",
        "    server_tokens off;",
        "    absolute_redirect off;",
        "    # A pasted answer link may carry a long query (the Desk ignores what it does not know, with a",
        "    # message); nginx's default 8k request line would answer 414 instead.",
        "    large_client_header_buffers 4 32k;",
        "    # The build's .br and .gz copies, to clients that accept them (with Vary: Accept-Encoding).",
        "    brotli_static on;",
        "    gzip_static on;",
        "    gzip_vary on;",
        "",
        "    # Each language's own 404 page (buildlib/languages.py: English at /, the others under /<lang>/).",
        "    map $uri $not_found_page {",
        *(f"        ~^/{lang}/ /{lang}/404.html;" for lang in _translated()),
        "        default /404.html;",
        "    }",
        "",
        "    server {",
        f"        listen {listen};",
        f"        root {root};",
        "        index index.html;",
        "        error_page 404 $not_found_page;",
        f"        location = /{NETLIFY_FILE} {{",
        "            return 404;",
        "        }",
        *[line for rule in rules for line in _location(rule)],
        "    }",
        "}",
        "",
    ])


def _translated() -> list[str]:
    from policy_engine.i18n import LANGUAGES, SOURCE_LANGUAGE

    return [lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE]


def write_nginx(site_dir: Path, target: Path, *, root: str, listen: str = "127.0.0.1:8080") -> Path:
    """Write the nginx configuration for the built site at `site_dir` to `target`; return `target`."""
    runtime = f"/tmp/policy-site-nginx-{listen.rsplit(':', 1)[-1]}"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(nginx(for_site(site_dir), root=root, listen=listen, runtime=runtime), encoding="utf-8")
    return target
