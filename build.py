#!/usr/bin/env python3
"""The site's single build entry point, and the MkDocs hook that renders pages from the engine.

    python build.py [build] [--pyodide cdn|self-host]   build site/ (strict)
    python build.py serve [--pyodide ...]               serve on http://127.0.0.1:8000 with live reload

mkdocs.yml lists this file under `hooks:`, so `mkdocs build` and `mkdocs serve` render the
pages through the same functions below.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from buildlib import hooks  # noqa: E402  (needs ROOT on sys.path first)

PYODIDE_MODE_ENV = hooks.PYODIDE_MODE_ENV


# --- MkDocs hook entry points: each delegates to buildlib.hooks ---------------------------------

def on_config(config):
    return hooks.on_config(config)


def on_page_markdown(markdown, page, config, files):
    return hooks.on_page_markdown(markdown, page, config, files)


def on_page_content(html, page, config, files):
    return hooks.on_page_content(html, page, config, files)


def on_post_page(output, page, config):
    return hooks.on_post_page(output, page, config)


def on_post_template(output_content, template_name, config):
    return hooks.on_post_template(output_content, template_name, config)


def on_post_build(config):
    return hooks.on_post_build(config)


# --- Command line -------------------------------------------------------------------------------

def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python build.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="build", choices=hooks.COMMANDS,
                        help="what to do (default: build)")
    parser.add_argument("--pyodide", choices=hooks.PYODIDE_MODES, default=os.environ.get(PYODIDE_MODE_ENV, "cdn"),
                        help="where the Decision Desk loads Pyodide from (default: cdn)")
    parser.add_argument("--site-dir", default=str(ROOT / "site"), help="output folder (default: site/)")
    parser.add_argument("--dev-addr", default="127.0.0.1:8000", help="address for serve")
    parser.add_argument("--yes", action="store_true", help="confirm-rules: accept without asking")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    os.environ[PYODIDE_MODE_ENV] = args.pyodide
    try:
        return hooks.run_command(args)
    except hooks.BuildError as error:
        print(f"build.py: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
