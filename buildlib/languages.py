"""The site in every language the engine speaks: one MkDocs build per language, joined in one site tree.

English, the source language, is built from mkdocs.yml into site/; every other language from
mkdocs.<lang>.yml (`INHERIT: mkdocs.yml`, its own docs_dir, theme.language and nav titles) into
site/<lang>/. Separate builds are Material's own way to a multilingual site: each language gets its own
search index (with its stemmer), its own sitemap, and instant navigation stays within one language.
The source build builds the others when it is done (`build_translations`, from its on_post_build), so
`build.py build`, `build.py serve` and a plain `mkdocs build` all make every language.

The Desk's shared files (Pyodide, the engine, the snapshot) are written once, at the site tree's root;
each language adds only its own answers and catalog there.
"""

from __future__ import annotations

import logging
import posixpath
from pathlib import Path
from urllib.parse import urlsplit

from policy_engine.i18n import LANGUAGE_NAMES, LANGUAGES, SOURCE_LANGUAGE, check_language

from .options import BuildError, options_of

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("mkdocs.hooks.languages")


def language_of(config) -> str:
    """The language a build is in: its theme.language."""
    try:
        return check_language(config["theme"]["language"])
    except Exception as error:  # noqa: BLE001 (an UnknownLanguageError, or no theme language at all)
        raise BuildError(f"theme.language must be one of {', '.join(LANGUAGES)}: {error}") from None


def prefix(lang: str) -> str:
    """Where a language lives in the site tree: "" for English, "ru/" for Russian."""
    return "" if lang == SOURCE_LANGUAGE else f"{lang}/"


def config_file(lang: str) -> Path:
    """The MkDocs configuration of a language: mkdocs.yml, mkdocs.ru.yml."""
    return ROOT / ("mkdocs.yml" if lang == SOURCE_LANGUAGE else f"mkdocs.{lang}.yml")


def docs_dir(lang: str) -> Path:
    """The pages of a language: docs/, docs-ru/."""
    return ROOT / ("docs" if lang == SOURCE_LANGUAGE else f"docs-{lang}")


def site_root(config) -> Path:
    """The folder of the whole site tree (every language), for a build of any one language."""
    site = Path(config["site_dir"])
    return site if language_of(config) == SOURCE_LANGUAGE else site.parent


def site_path(config, url: str) -> str:
    """A URL of this build ("cancellation/") as a path in the whole site tree ("ru/cancellation/")."""
    return prefix(language_of(config)) + url


def relative_to_root(config, target: str = "") -> str:
    """A site-tree path ("cancellation/", "ru/") as a link from this build's site root."""
    return "../" * prefix(language_of(config)).count("/") + target


def alternates(config) -> list[dict]:
    """extra.alternate for this build: every language's root, as Material's selector and head links read it."""
    return [{"name": LANGUAGE_NAMES[lang], "link": relative_to_root(config, prefix(lang)) or "./", "lang": lang}
            for lang in LANGUAGES]


def language_sites(config) -> list[dict]:
    """Every language's absolute root ("http://…/ru/"), from site_url, for the sitemap's hreflang alternates;
    empty without a site_url."""
    site_url = config["site_url"]
    if not site_url:
        return []
    base = site_url.rstrip("/") + "/"
    own = prefix(language_of(config))
    root = base[: len(base) - len(own)] if own and base.endswith(own) else base
    return [{"lang": lang, "root": root + prefix(lang)} for lang in LANGUAGES]


def page_alternates(config, url: str) -> list[dict]:
    """The page at `url` ("cancellation/") in every language, for the language selector: relative links, and
    absolute ones on 404.html, which is served at any path."""
    here = site_path(config, url)
    is_404 = url == "404.html"
    root = urlsplit(config["site_url"] or "/").path.rstrip("/") + "/" + relative_to_root(config)
    links = []
    for lang in LANGUAGES:
        home = posixpath.normpath(root + prefix(lang)).rstrip("/") + "/" if is_404 else _link(prefix(lang), here)
        href = home if is_404 else _link(prefix(lang) + url, here)  # 404: the other language's home
        links.append({"lang": lang, "name": LANGUAGE_NAMES[lang], "href": href, "root": home,
                      "current": lang == language_of(config)})
    return links


def _link(target: str, here: str) -> str:
    """A link from the site-tree path `here` to the site-tree path `target` (a folder keeps its slash)."""
    from mkdocs.utils import get_relative_url

    href = get_relative_url(target or ".", here or ".")
    return href + "/" if (not target or target.endswith("/")) and not href.endswith("/") else href


def build_translations(config) -> None:
    """After the source build: build every other language into <site_dir>/<lang>/ with the same options."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.utils.yaml import yaml_load

    from .options import extra_with

    if language_of(config) != SOURCE_LANGUAGE:
        return
    options = options_of(config)
    for lang in LANGUAGES:
        if lang == SOURCE_LANGUAGE:
            continue
        source = config_file(lang)
        with source.open(encoding="utf-8") as opened:
            extra = yaml_load(opened).get("extra")
        site_url = config["site_url"]
        settings = {
            "site_dir": str(Path(config["site_dir"]) / prefix(lang)),
            "site_url": (site_url.rstrip("/") + "/" + prefix(lang)) if site_url else None,
            "extra": extra_with(extra, options),
            "strict": config["strict"],
        }
        if config.get("dev_addr"):
            settings["dev_addr"] = str(config["dev_addr"])
        build(load_config(str(source), **settings), dirty=False)
