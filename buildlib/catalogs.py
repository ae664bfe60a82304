"""The engine's translation catalogs: extract the English words, check every language's .po, compile .mo files.

    python build.py extract-messages   pybabel extract + update: the .pot and each .po follow the English text
    python build.py catalogs           check and compile every language (build and serve do this first)

A catalog with a gap does not compile: an untranslated or fuzzy entry, or a translation whose placeholders
({name}, %(name)s, %s) differ from the English, fails the build and names the string. The glossary
(policy_engine/locale/<lang>/glossary.toml) fixes the panel's own words: its terms are the translations
of their English text, and every status label must be there.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from pathlib import Path

from .options import BuildError

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "policy_engine" / "locale"
DOMAIN = "policy_engine"
TEMPLATE = LOCALE / f"{DOMAIN}.pot"
BABEL_CFG = ROOT / "babel.cfg"
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|%\([A-Za-z_][A-Za-z0-9_]*\)[sd]|%[sd]")


def po_path(lang: str, locale_dir: Path = LOCALE) -> Path:
    return locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def glossary_path(lang: str, locale_dir: Path = LOCALE) -> Path:
    return locale_dir / lang / "glossary.toml"


def extract() -> list[Path]:
    """Refresh the template from the source (pybabel extract) and every .po from it (pybabel update)."""
    from babel.messages.frontend import CommandLineInterface

    from policy_engine.i18n import LANGUAGES, SOURCE_LANGUAGE

    cli = CommandLineInterface()
    here = os.getcwd()
    os.chdir(ROOT)  # babel.cfg's patterns are relative to the repository
    try:
        cli.run(["pybabel", "-q", "extract", "-F", str(BABEL_CFG), "-k", "N_", "--no-location", "--sort-output",
                 "--no-wrap", "--project", DOMAIN, "-o", str(TEMPLATE), "."])
    finally:
        os.chdir(here)
    paths = [TEMPLATE]
    for lang in LANGUAGES:
        if lang == SOURCE_LANGUAGE:
            continue
        command = "update" if po_path(lang).exists() else "init"
        cli.run(["pybabel", "-q", command, "-i", str(TEMPLATE), "-d", str(LOCALE), "-D", DOMAIN, "-l", lang,
                 *(["--no-wrap"] if command == "update" else [])])
        paths.append(po_path(lang))
    return paths


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def _glossary(lang: str, locale_dir: Path) -> dict[str, str]:
    """English text -> the fixed translation, from the glossary; every status label must be in it."""
    from policy_engine.statuses import STATUSES

    path = glossary_path(lang, locale_dir)
    data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    statuses = data.get("statuses", {})
    missing = [status.value for status in STATUSES if not statuses.get(status.value)]
    if missing:
        raise BuildError(f"{path}: the glossary has no label for the status(es) {', '.join(missing)}; "
                         "add each under [statuses] as the panel shows it")
    terms = {STATUSES[status].label: statuses[status.value] for status in STATUSES}
    return terms | dict(data.get("terms", {}))


def problems(lang: str, locale_dir: Path = LOCALE, template: Path = TEMPLATE) -> tuple[list[str], object]:
    """What keeps `lang`'s catalog from compiling (each naming the string), and the catalog with glossary terms."""
    from babel.messages.pofile import read_po

    path = po_path(lang, locale_dir)
    if not path.exists():
        return [f"{path} is missing: run `python build.py extract-messages` and translate it"], None
    with path.open("rb") as source:
        catalog = read_po(source, locale=lang)
    found: list[str] = []
    glossary = _glossary(lang, locale_dir)
    if template.exists():
        with template.open("rb") as source:
            wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(source) if m.id}
        have = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
        found += [f"not in the catalog: {msgid!r} (run `python build.py extract-messages`)"
                  for msgid in sorted(wanted - have)]
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string or ())
        name = repr(ids[0])
        if message.fuzzy:
            found.append(f"fuzzy (check it, then remove the fuzzy flag): {name}")
            continue
        term = glossary.get(ids[0]) if len(ids) == 1 else None
        if term is not None:
            if strings[0] and strings[0] != term:
                found.append(f"differs from the glossary ({term!r}): {name} is translated {strings[0]!r}")
                continue
            message.string = strings[0] = term
        if not strings or not all(strings):
            found.append(f"untranslated: {name}")
            continue
        expected = _placeholders(ids[0]) if len(ids) == 1 else _placeholders(ids[-1])
        for text in strings:
            if _placeholders(text) != expected:
                found.append(f"placeholders differ: {name} has {expected}, its translation {text!r} has "
                             f"{_placeholders(text)}")
                break
    return found, catalog


def compile_language(lang: str, locale_dir: Path = LOCALE, template: Path = TEMPLATE) -> Path:
    """Check `lang`'s .po and write its .mo beside it; BuildError naming every bad string otherwise."""
    from babel.messages.mofile import write_mo

    found, catalog = problems(lang, locale_dir, template)
    if found:
        path = po_path(lang, locale_dir)
        raise BuildError(f"the {lang!r} catalog ({path}) cannot be compiled:\n  " + "\n  ".join(found))
    target = po_path(lang, locale_dir).with_suffix(".mo")
    with tempfile.NamedTemporaryFile("wb", dir=target.parent, delete=False) as out:  # parallel test workers
        write_mo(out, catalog)
    os.replace(out.name, target)
    return target


def compile_all(locale_dir: Path = LOCALE) -> list[Path]:
    """Check and compile every language's catalog; the .mo files written."""
    from policy_engine.i18n import LANGUAGES, SOURCE_LANGUAGE

    return [compile_language(lang, locale_dir) for lang in LANGUAGES if lang != SOURCE_LANGUAGE]
