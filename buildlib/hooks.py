"""MkDocs hook implementations; build.py re-exports them, and mkdocs.yml lists build.py under `hooks:`.

Each concern lives in its own module; this file only wires them to MkDocs' events:
languages (one build per language, joined in one site tree), pages (Jinja from the engine),
engine_bundle (the engine and Pyodide packaged for the browser), desk_markup (the Desk's markup),
desk_data (the answers as data), csp (Content-Security-Policy), drift (prose-rule drift and snapshots),
palette (a quiet start for Material's colour palette), compress (.gz/.br copies), headers (the response
headers a web server sends: site/_headers).
Every hook reads this build's options from the config it is given (options.options_of), and renders in
the build's language (theme.language): the engine's words come out in it.
"""

from __future__ import annotations

from policy_engine.i18n import SOURCE_LANGUAGE, language

from . import compress, csp, desk_markup, drift, engine_bundle, headers, languages, pages, palette
from .options import options_of


def on_config(config):
    lang = languages.language_of(config)
    drift.check(config)
    config["extra"]["alternate"] = languages.alternates(config)
    config["extra"]["language_sites"] = languages.language_sites(config)
    with language(lang):
        config["extra"][engine_bundle.CONFIG_KEY] = engine_bundle.prepare(options_of(config), lang)
    return config


def on_page_markdown(markdown, page, config, files):
    with language(languages.language_of(config)):
        return pages.render_markdown(markdown, page, config)


def on_page_content(html, page, config, files):
    with language(languages.language_of(config)), engine_bundle.rendering(engine_bundle.desk_of(config).assets):
        return desk_markup.on_page_content(html, page, config)


def on_page_context(context, page, config, nav):
    context["page_languages"] = languages.page_alternates(config, page.url)
    return context


def on_template_context(context, template_name, config):
    """Theme pages such as 404.html link to the same page in every language too."""
    context["page_languages"] = languages.page_alternates(config, template_name)
    return context


def _with_policy(output: str, config) -> str:
    assets = engine_bundle.desk_of(config).assets
    return csp.apply(output, cdn_url=csp.cdn_source(assets.index_url, assets.mode), serving=options_of(config).dev)


def on_post_page(output, page, config):
    return _with_policy(output, config)


def on_post_template(output_content, template_name, config):
    """Static theme pages such as 404.html get the same policy; sitemap.xml and the like pass."""
    return _with_policy(output_content, config) if template_name.endswith(".html") else output_content


def on_post_build(config):
    palette.quiet_palette_switch(config["site_dir"])
    site = languages.site_root(config)
    engine_bundle.write(engine_bundle.desk_of(config), site)
    if languages.language_of(config) != SOURCE_LANGUAGE:
        return
    languages.build_translations(config)
    if not options_of(config).dev:
        headers.write_netlify(site)
        compress.precompress(site)
