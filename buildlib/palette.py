"""A quiet start for Material's colour palette: its all-elements rule for a switch of scheme is blanked.

Material's palette CSS holds `[data-md-color-switching] *, … {transition-duration: 0s !important}`, and its
bundle sets `data-md-color-switching` on <body> at every page start (it applies the saved palette) and
removes it a task later. A rule on "every descendant of <body> with this attribute" makes the browser
restyle every element of the page twice at its start: on the Cancellation page Lighthouse's mobile
style-and-layout time fell from 308–359 ms to 254–284 ms without it (bench/RESULTS.md, issue 13, fourth
pass). Without the rule a switch of scheme fades link colours in Material's own 125–250 ms transitions
instead of swapping them at once.

`quiet_palette_switch(site_dir)` runs from on_post_build on every language's build. It overwrites each such
rule with as many spaces, so the file keeps its length and its source map stays exact.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

# A whole rule whose selector starts with the attribute: at the file's start or after a rule, block or declaration.
SWITCHING_RULE = re.compile(r"(?:^|(?<=[{};]))\[data-md-color-switching\][^{}]*\{[^{}]*\}")
PALETTE_CSS = "assets/stylesheets/palette.*.min.css"

log = logging.getLogger("mkdocs.hooks.palette")


def blank_switching_rules(css: str) -> tuple[str, int]:
    """css with every rule selecting `[data-md-color-switching]` overwritten by spaces, and how many there were."""
    return SWITCHING_RULE.subn(lambda rule: " " * len(rule.group()), css)


def quiet_palette_switch(site_dir: Path) -> None:
    """Blank the colour-switching rule in the palette CSS this build copied from Material."""
    for path in sorted(Path(site_dir).glob(PALETTE_CSS)):
        css, count = blank_switching_rules(path.read_text(encoding="utf-8"))
        if count:
            path.write_text(css, encoding="utf-8")
        elif "data-md-color-switching" in css:
            log.warning("%s names data-md-color-switching in a rule this build does not recognise: "
                        "Material's palette CSS changed; see buildlib/palette.py", path.name)
