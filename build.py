#!/usr/bin/env python3
"""The site's single build entry point; mkdocs.yml lists this file under `hooks:`.

    python build.py [build] [--pyodide cdn|self-host]   build site/ (strict) and deploy/nginx.conf for it
    python build.py serve [--pyodide ...]               dev server on http://127.0.0.1:8000 with live reload
    python build.py snapshot | confirm-rules [--yes]    see README, "changing the policy"
    python build.py catalogs                            check and compile the translation catalogs (.po -> .mo)
    python build.py extract-messages                    refresh the .pot and each .po from the English text

Both build and serve print MkDocs' log as `mkdocs build` does: each warning with its file, and the address
the server listens on. A warning stops the build (strict mode), and the build names it on the way out.
`build` loads Pyodide from the pinned CDN by default; `serve` self-hosts it, so the Desk works offline.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

# The MkDocs hooks, for mkdocs.yml's `hooks: [build.py]`.
from buildlib.hooks import (  # noqa: E402,F401  (needs ROOT on sys.path first)
    on_config,
    on_page_content,
    on_page_context,
    on_page_markdown,
    on_post_build,
    on_post_page,
    on_post_template,
    on_template_context,
)
from buildlib.options import PYODIDE_MODES, BuildError, BuildOptions, extra_with  # noqa: E402

MKDOCS_YML = ROOT / "mkdocs.yml"
DEFAULT_SITE = ROOT / "site"
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
COMMANDS = ("build", "serve", "snapshot", "confirm-rules", "catalogs", "extract-messages")
DEFAULT_PYODIDE = {"build": "cdn", "serve": "self-host"}
log = logging.getLogger("mkdocs.build_py")


# --- MkDocs' log, as the `mkdocs` command sets it up ------------------------------------------------------------

class WarningRecord(logging.Handler):
    """Keeps each warning MkDocs logs, so a strict-mode stop can name what stopped it."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname} -  {record.getMessage()}")


def setup_logging() -> WarningRecord:
    """MkDocs' console log, configured as mkdocs.__main__ does (INFO, its formatter, duplicate warnings once)."""
    from mkdocs import utils
    from mkdocs.__main__ import ColorFormatter

    class Formatter(ColorFormatter):
        """MkDocs' own on a terminal; the same words without colours or wrapping into a pipe or a file."""

        def format(self, record):
            if sys.stderr.isatty():
                return super().format(record)
            return f"{record.levelname:<8}-  {logging.Formatter.format(self, record)}"

    logger = logging.getLogger("mkdocs")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    stream = logging.StreamHandler()
    stream.setFormatter(Formatter())
    stream.name = "MkDocsStreamHandler"
    record = WarningRecord()
    logger.handlers[:] = [stream, record]
    logging.getLogger("mkdocs.commands.build").addFilter(utils.DuplicateFilter())
    return record


# --- Commands ---------------------------------------------------------------------------------------------------

def _overrides(options: BuildOptions, **settings) -> dict:
    """load_config overrides: mkdocs.yml's `extra` plus this build's options, and `settings`."""
    from mkdocs.utils.yaml import yaml_load

    with MKDOCS_YML.open(encoding="utf-8") as source:
        extra = yaml_load(source).get("extra")
    return {"extra": extra_with(extra, options), "strict": True, **settings}


def build(options: BuildOptions, site_dir: Path, docs_dir: Path | None) -> None:
    """Build the site; for the default site/, also write deploy/nginx.conf for it."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from buildlib import headers

    settings = {"site_dir": str(site_dir), "docs_dir": str(docs_dir) if docs_dir else None}
    mkdocs_build(load_config(str(MKDOCS_YML), **_overrides(options, **settings)))
    if site_dir.resolve() == DEFAULT_SITE:
        headers.write_nginx(site_dir, NGINX_CONF, root="site")
        log.info(f"nginx configuration for site/ written to {NGINX_CONF.relative_to(ROOT)}")


def serve(options: BuildOptions, dev_addr: str) -> None:
    """MkDocs' live-reload server, on a dev build."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    # The Russian site is built by the English build's hook (buildlib/languages.py) into the served folder's ru/.
    watch = [str(ROOT / name) for name in ("widget", "overrides", "docs-ru", "mkdocs.ru.yml", "policy_engine/locale")]
    mkdocs_serve(str(MKDOCS_YML), livereload=True, watch=watch, **_overrides(options, dev_addr=dev_addr))


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python build.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="build", choices=COMMANDS, help="what to do (default: build)")
    parser.add_argument("--pyodide", choices=PYODIDE_MODES,
                        help="where the Decision Desk loads Pyodide from (default: cdn for build, self-host for serve)")
    parser.add_argument("--site-dir", type=Path, default=DEFAULT_SITE, help="output folder (default: site/)")
    parser.add_argument("--docs-dir", type=Path, help="the pages' Markdown (default: mkdocs.yml's, docs/)")
    parser.add_argument("--dev-addr", default="127.0.0.1:8000", help="address for serve")
    parser.add_argument("--yes", action="store_true", help="confirm-rules: accept without asking")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    from mkdocs.exceptions import Abort

    args = _parse(sys.argv[1:] if argv is None else argv)
    warnings = setup_logging()
    try:
        if args.command in ("snapshot", "confirm-rules"):
            from buildlib import drift

            return drift.run_command(args)
        from buildlib import catalogs

        if args.command == "extract-messages":
            for path in catalogs.extract():
                log.info(f"updated {path.relative_to(ROOT)}")
            return 0
        for path in catalogs.compile_all():  # build and serve too: the pages and the Desk read the .mo files
            log.info(f"compiled {path.relative_to(ROOT)}")
        if args.command == "catalogs":
            return 0
        options = BuildOptions(pyodide=args.pyodide or DEFAULT_PYODIDE[args.command], dev=args.command == "serve")
        if args.command == "serve":
            serve(options, args.dev_addr)
        else:
            build(options, args.site_dir, args.docs_dir)
        return 0
    except BuildError as error:
        print(f"build.py: {error}", file=sys.stderr)
        return 1
    except Abort as error:
        print(f"\n{error.format_message()}", file=sys.stderr)
        if warnings.messages:
            print("build.py: strict mode stopped the build because of:\n  " + "\n  ".join(warnings.messages),
                  file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
