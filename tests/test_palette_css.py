"""Material's all-elements rule for a switch of colour scheme is blanked in the built site (buildlib/palette.py)."""

from __future__ import annotations

import logging
from pathlib import Path

import material

from buildlib.palette import PALETTE_CSS, blank_switching_rules, quiet_palette_switch

MATERIAL_ASSETS = Path(material.__file__).parent / "templates"


def test_each_switching_rule_becomes_as_many_spaces_and_the_other_rules_stay():
    css = ("a{color:red}@media screen{[data-md-color-switching] *,[data-md-color-switching] :after{transition:0s}}"
           "[data-md-color-switching]{x:y}b{color:blue}")
    blanked, count = blank_switching_rules(css)
    assert count == 2
    assert len(blanked) == len(css)
    assert "data-md-color-switching" not in blanked
    assert blanked.replace(" ", "") == "a{color:red}@mediascreen{}b{color:blue}"


def test_a_rule_in_an_unknown_form_is_kept_and_named_in_a_warning(tmp_path, caplog):
    folder = tmp_path / "assets" / "stylesheets"
    folder.mkdir(parents=True)
    odd = "a{x:y}body:is([data-md-color-switching]) *{transition:0s}"  # blanking from the attribute would break it
    (folder / "palette.abc.min.css").write_text(odd, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.palette"):
        quiet_palette_switch(tmp_path)
    assert "Material's palette CSS changed" in caplog.text
    assert (folder / "palette.abc.min.css").read_text(encoding="utf-8") == odd


def test_the_built_site_carries_materials_palette_css_without_the_switching_rule(site_dir):
    sources = {path.name: path for path in MATERIAL_ASSETS.glob(PALETTE_CSS)}
    assert sources, "Material ships no palette CSS where buildlib/palette.py looks for it"
    for name, source in sources.items():
        assert "[data-md-color-switching] *" in source.read_text(encoding="utf-8"), (
            f"Material's {name} no longer has the all-elements switching rule: buildlib/palette.py can go")
    built = sorted(site_dir.glob(PALETTE_CSS)) + sorted(site_dir.glob("*/" + PALETTE_CSS))
    assert len(built) >= 2, built  # English and Russian
    for path in built:
        css = path.read_text(encoding="utf-8")
        assert "data-md-color-switching" not in css, path
        assert len(css) == len(sources[path.name].read_text(encoding="utf-8")), path
        assert "[data-md-color-scheme=slate]" in css, path  # the schemes themselves are kept
