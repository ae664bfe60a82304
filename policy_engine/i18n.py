"""The engine's words in the reader's language: standard gettext, one catalog per language.

English is the source language: every customer-facing string is written in English where it belongs
(a status record, a rule, a message) and marked with `N_` (kept for later) or `_` (translated now).
Ids, JSON keys, outlook ids and anchors are never translated; only the words change.

The language is a context value, not a parameter of every function: `with language("ru"):` around a
call makes every `_`/`ngettext` inside it speak Russian. The public entry points (`decide`, the CLI's
`--lang`) set it. Catalogs are `.mo` files compiled at build time from `locale/<lang>/LC_MESSAGES/*.po`;
in the browser the worker hands the page's one catalog over as bytes with `install`.
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .errors import CatalogMissingError, UnknownLanguageError

SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "ru")  # every language the engine speaks; the first is the source
LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}  # each language's name in itself
DOMAIN = "policy_engine"
LOCALE_DIR = os.path.join(os.path.dirname(__file__), "locale")

_catalogs: dict[str, gettext.NullTranslations] = {SOURCE_LANGUAGE: gettext.NullTranslations()}
_current: ContextVar[str] = ContextVar("policy_engine_language", default=SOURCE_LANGUAGE)


def N_(message: str) -> str:
    """Mark a string for the catalog without translating it here (it is translated where it is shown)."""
    return message


def check_language(lang: object) -> str:
    """The language code `lang` names; an UnknownLanguageError that lists the valid ones otherwise."""
    code = lang.strip().lower().replace("_", "-") if isinstance(lang, str) else None
    if code not in LANGUAGES:
        shown = repr(lang) if not isinstance(lang, str) else repr(lang[:40])
        raise UnknownLanguageError(f"Unknown language {shown}. Valid languages: {', '.join(LANGUAGES)}.")
    return code


def catalog_path(lang: str) -> str:
    return os.path.join(LOCALE_DIR, lang, "LC_MESSAGES", f"{DOMAIN}.mo")


def install(lang: str, data: bytes) -> None:
    """Use the compiled catalog `data` (the bytes of a .mo file) for `lang`: how the browser hands it over."""
    code = check_language(lang)
    if code != SOURCE_LANGUAGE:
        _catalogs[code] = gettext.GNUTranslations(io.BytesIO(data))


def catalog(lang: str) -> gettext.NullTranslations:
    """The translations for `lang`, loaded from its compiled .mo file on first use."""
    found = _catalogs.get(lang)
    if found is None:
        try:
            with open(catalog_path(lang), "rb") as mo:
                found = _catalogs[lang] = gettext.GNUTranslations(mo)
        except FileNotFoundError:
            raise CatalogMissingError(
                f"The {lang!r} catalog is not compiled ({catalog_path(lang)} is missing): "
                "run `python build.py catalogs` (make test and make serve do this)."
            ) from None
    return found


def current_language() -> str:
    return _current.get()


def chosen(lang: str | None) -> str:
    """The language a public function answers in: `lang` (checked), or the context language when None."""
    return _current.get() if lang is None else check_language(lang)


@contextmanager
def language(lang: str) -> Iterator[str]:
    """Within this block, the engine's words are in `lang` (checked, and its catalog loaded, first)."""
    code = check_language(lang)
    catalog(code)
    token = _current.set(code)
    try:
        yield code
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """`message` in the current language (itself in English, or where the catalog has no entry)."""
    if not message:  # gettext("") is the catalog's header, never a message
        return message
    return catalog(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the number `n` in the current language (Russian has three)."""
    return catalog(_current.get()).ngettext(singular, plural, n)


def has_entry(message: str) -> bool:
    """True when the current language's catalog translates `message` (always, for the source language)."""
    found = catalog(_current.get())
    return not isinstance(found, gettext.GNUTranslations) or message in found._catalog


def stored_words(text: str) -> str:
    """English text saved earlier (an old answer), in the current language: whole, else sentence by sentence.

    A saved sentence the catalog has no entry for stays as it was saved.
    """
    if not text or _current.get() == SOURCE_LANGUAGE or has_entry(text):
        return _(text)
    sentences = [s for s in text.replace(". ", ".\n").split("\n") if s]
    out, start = [], 0
    while start < len(sentences):
        for end in range(len(sentences), start, -1):  # the longest run of sentences that is one message
            piece = " ".join(sentences[start:end])
            if has_entry(piece) or end == start + 1:
                out.append(_(piece))
                start = end
                break
    return " ".join(out)
