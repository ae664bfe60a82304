"""The README states versions and URLs the code defines; it must say the same as the code."""

from __future__ import annotations

import re
from pathlib import Path

import policy_engine
from buildlib import engine_bundle

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_names_the_pinned_pyodide_version_and_no_other():
    pinned = engine_bundle.pyodide_version()
    named = set(re.findall(r"(?:Pyodide[^.\n]*?\(|pinned \(|/v)(\d+\.\d+\.\d+)", README))
    assert named == {pinned}, f"README names Pyodide {sorted(named)}, package.json pins {pinned}"


def test_the_readme_gives_the_cdn_folder_the_build_uses():
    assert engine_bundle.CDN_INDEX_URL.format(version=engine_bundle.pyodide_version()) in README


def test_the_readme_answer_link_carries_the_current_policy_version():
    versions = set(re.findall(r"[?&]v=(\d{4}-\d{2}-\d{2})", README))
    assert versions == {policy_engine.POLICY_VERSION}


def test_the_readme_lists_every_status_and_circumstance_id():
    for status in policy_engine.Status:
        assert f"`{status.value}`" in README, status
    for fact in policy_engine.Fact:
        assert f"`{fact.value}`" in README, fact
