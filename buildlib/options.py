"""What every build module shares: the build's options and its error type. Imports nothing from buildlib.

build.py makes one BuildOptions from its command line and hands it to MkDocs in the config's `extra`
(under OPTIONS_KEY), so every hook reads the same value from the config it is given. A plain `mkdocs build`
has none there and gets the defaults: Pyodide from the pinned CDN, a production build.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

PYODIDE_MODES = ("cdn", "self-host")
OPTIONS_KEY = "policy_site_options"  # config.extra[OPTIONS_KEY]: the BuildOptions of this build


class BuildError(Exception):
    """The build cannot go on; the message says what to do."""


@dataclass(frozen=True)
class BuildOptions:
    """How this build is made.

    pyodide: where the Decision Desk loads Pyodide's core from ("cdn" or "self-host").
    dev: a build for MkDocs' live-reload server. Its pages allow the server's inline reload script, the Desk
         ships Pyodide's own full standard library instead of the trimmed one (no Node run, so a first
         `make serve` is quick), and nothing is pre-compressed or written for a web server.
    """

    pyodide: str = "cdn"
    dev: bool = False

    def __post_init__(self) -> None:
        if self.pyodide not in PYODIDE_MODES:
            raise BuildError(f"unknown Pyodide mode {self.pyodide!r}; valid modes: {', '.join(PYODIDE_MODES)}")


def options_of(config) -> BuildOptions:
    """This build's options, as build.py put them in the MkDocs config; the defaults without build.py.

    Without build.py, only `mkdocs serve` loads MkDocs' live-reload module, which makes it a dev build.
    """
    found = config["extra"].get(OPTIONS_KEY)
    if isinstance(found, BuildOptions):
        return found
    return BuildOptions(dev="mkdocs.livereload" in sys.modules)


def extra_with(extra: dict | None, options: BuildOptions) -> dict:
    """mkdocs.yml's `extra` with this build's options added, to pass to MkDocs as the `extra` override."""
    return {**(extra or {}), OPTIONS_KEY: options}
