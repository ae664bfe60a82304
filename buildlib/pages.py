"""Render each page's Markdown as a Jinja2 template whose data comes from policy_engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from jinja2 import Environment

import policy_engine as engine

from . import context, templating
from .options import BuildError
from .templating import human_date

REQUIRED_META = ("description", "reviewed")


def partials(env: Environment, names: dict) -> dict[str, Callable[..., str]]:
    """One function per template in buildlib/templates, e.g. rule_list(topic="balance")."""

    def renderer(template_name: str) -> Callable[..., str]:
        def render(**kwargs) -> str:
            return env.get_template(template_name).render(**names, **kwargs).strip("\n")

        return render

    return {name.removesuffix(".md"): renderer(name) for name in env.list_templates(extensions=["md"])}


def _iso(value: object, page, key: str) -> str:
    """A front-matter date as YYYY-MM-DD; a clear build error otherwise."""
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise BuildError(f"{page.file.src_uri}: front matter {key!r} must be a date like 2026-11-26, "
                         f"not {value!r}") from None


def apply_meta(page, words: dict | None = None) -> None:
    """Check a page's front matter and fill in its dates; `effective` defaults to the policy version.
    `words`: the build's extra.words, which name the dates in the page's language."""
    words = words or {}
    missing = [key for key in REQUIRED_META if not page.meta.get(key)]
    if missing:
        raise BuildError(f"{page.file.src_uri}: front matter needs {', '.join(missing)} "
                         f"(every page has {', '.join(REQUIRED_META)}; 'effective' defaults to the policy version)")
    effective = _iso(page.meta.get("effective", engine.POLICY_VERSION), page, "effective")
    reviewed = _iso(page.meta["reviewed"], page, "reviewed")
    page.meta["effective"], page.meta["reviewed"] = effective, reviewed
    page.meta["dates"] = [
        {"label": words.get("effective_from", "Effective from"), "iso": effective, "text": human_date(effective)},
        {"label": words.get("last_reviewed", "Last reviewed"), "iso": reviewed, "text": human_date(reviewed)},
    ]


def _front_matter(path: Path) -> dict:
    from mkdocs.utils.meta import get_data

    return get_data(path.read_text(encoding="utf-8"))[1] if path.is_file() else {}


def apply_translation_notes(page, config) -> None:
    """Say which text governs: an English page names the date each translation matches (the translation's
    `translated:` front matter, kept in that one place), a translated page says once that English governs."""
    from policy_engine.i18n import LANGUAGES, SOURCE_LANGUAGE

    from . import languages

    words = config["extra"].get("words") or {}
    lang = languages.language_of(config)
    links = {link["lang"]: link["href"] for link in languages.page_alternates(config, page.url)}
    if lang == SOURCE_LANGUAGE:
        page.meta["translations"] = []
        for other in LANGUAGES:
            if other == lang:
                continue
            translated = _front_matter(languages.docs_dir(other) / page.file.src_uri).get("translated")
            if translated is None:
                continue
            iso = _iso(translated, page, f"translated (in {languages.docs_dir(other).name}/{page.file.src_uri})")
            sentence = words["translated"][other].format(date=human_date(iso))
            page.meta["translations"].append({"lang": other, "text": sentence, "href": links[other]})
        return
    if not page.meta.get("translated"):
        raise BuildError(f"{page.file.src_uri}: front matter needs translated (the date of the English text "
                         "this translation matches)")
    iso = _iso(page.meta["translated"], page, "translated")
    page.meta["governs"] = {"text": words["governs"], "link": words["governs_link"],
                            "href": links[SOURCE_LANGUAGE], "lang": SOURCE_LANGUAGE,
                            "translated": words["translated_on"].format(date=human_date(iso))}


def render_markdown(markdown: str, page, config) -> str:
    """The page's Markdown with every {{ … }} and {% … %} filled from the engine."""
    apply_meta(page, config["extra"].get("words"))
    apply_translation_notes(page, config)
    env = templating.environment()
    names = context.page_context(page, config)
    names.update(partials(env, names))
    template = env.from_string(markdown)
    return template.render(**names)


def built_pages(site_dir: Path) -> list[str]:
    """Every page a build wrote, as URL paths below the site root, in every language ("", "cancellation/", …,
    "ru/", …); MkDocs' search folder and the assets are not pages. For the tests, the bench and screenshots."""
    pages = []
    for index in sorted(site_dir.rglob("index.html")):
        url = index.parent.relative_to(site_dir).as_posix()
        url = "" if url == "." else url + "/"
        if not {"search", "assets"} & set(url.split("/")):
            pages.append(url)
    return pages
