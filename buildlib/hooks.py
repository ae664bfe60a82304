"""MkDocs hook implementations and the build commands; build.py is the only caller.

Each concern lives in its own module; this file only wires them to MkDocs' events:
pages (Jinja from the engine), desk (Decision Desk assets), desk_html (the Desk's markup),
csp (Content-Security-Policy), drift (prose-rule drift and snapshots), compress (.gz/.br copies).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYODIDE_MODE_ENV = "POLICY_SITE_PYODIDE"
PYODIDE_MODES = ("cdn", "self-host")
COMMANDS = ("build", "serve", "snapshot", "confirm-rules")


class BuildError(Exception):
    """The build cannot go on; the message says what to do."""


def pyodide_mode() -> str:
    """The Pyodide mode this build uses, from build.py's --pyodide."""
    mode = os.environ.get(PYODIDE_MODE_ENV, "cdn")
    if mode not in PYODIDE_MODES:
        raise BuildError(f"unknown Pyodide mode {mode!r}; valid modes: {', '.join(PYODIDE_MODES)}")
    return mode


def on_config(config):
    from . import desk, drift

    pyodide_mode()
    drift.check(config)
    desk.on_config(config, pyodide_mode())
    return config


def on_page_markdown(markdown, page, config, files):
    from . import pages

    return pages.render_markdown(markdown, page, config)


def on_page_content(html, page, config, files):
    from . import desk_html

    return desk_html.on_page_content(html, page, config)


def on_post_page(output, page, config):
    from . import csp

    return csp.apply(output, page, config)


def on_post_template(output_content, template_name, config):
    from . import csp

    return csp.apply_template(output_content, template_name, config)


def on_post_build(config):
    from . import compress, desk

    desk.write_assets(config)
    compress.precompress(Path(config["site_dir"]))


def _load_config(args: argparse.Namespace, **overrides):
    from mkdocs.config import load_config

    return load_config(str(ROOT / "mkdocs.yml"), site_dir=args.site_dir, **overrides)


def run_command(args: argparse.Namespace) -> int:
    """Run a build.py command; return the exit code."""
    if args.command == "build":
        from mkdocs.commands.build import build

        build(_load_config(args, strict=True))
        return 0
    if args.command == "serve":
        from mkdocs.commands.serve import serve

        serve(str(ROOT / "mkdocs.yml"), dev_addr=args.dev_addr, strict=True, livereload=True)
        return 0
    if args.command in ("snapshot", "confirm-rules"):
        from . import drift

        return drift.run_command(args)
    raise BuildError(f"unknown command {args.command!r}")
