"""The built site's security promises that can be read off its HTML: a strict CSP meta tag on every page, and
no field that asks for a password or a one-time code (issue 6 §1, §4). The browser proves the rest in
test_security_browser.py."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from buildlib import csp

CREDENTIAL_NAME = re.compile(
    r"(^|[^a-z])(pass(word|wd|code|phrase)?|pwd|otp|totp|hotp|2fa|mfa|one[-_ ]?time|login[-_ ]?code|auth[-_ ]?code"
    r"|verification[-_ ]?code|security[-_ ]?code|sms[-_ ]?code|session)([^a-z]|$)",
    re.IGNORECASE,
)
CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def looks_like_credential(name: str) -> bool:
    """True for field names such as password, user_pass, otp, 2fa-code, loginCode, userPassword."""
    return bool(CREDENTIAL_NAME.search(CAMEL_HUMP.sub("_", name)))


CREDENTIAL_AUTOCOMPLETE = {"current-password", "new-password", "one-time-code"}


class PageScan(HTMLParser):
    """Collects what the checks need from one page: CSP metas, head order, scripts, form fields."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_head = False
        self.head_order: list[str] = []
        self.policies: list[str] = []
        self.scripts: list[tuple[dict, str]] = []
        self.fields: list[dict] = []
        self.inline_handlers: list[str] = []
        self._script: dict | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        for name, value in attributes.items():
            if name.startswith("on") or value.strip().lower().startswith("javascript:"):
                self.inline_handlers.append(f"<{tag} {name}={value!r}>")
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        if self.in_head:
            is_csp = tag == "meta" and attributes.get("http-equiv", "").lower() == "content-security-policy"
            self.head_order.append("csp" if is_csp else tag)
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "content-security-policy":
            self.policies.append(attributes.get("content", ""))
        if tag in ("input", "textarea", "select"):
            self.fields.append({"tag": tag, **attributes})
        if tag == "script":
            self._script, self._text = attributes, []

    def handle_data(self, data):
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None


def parse_policy(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def pages(site_dir: Path) -> list[Path]:
    found = sorted(site_dir.rglob("*.html"))
    assert len(found) >= 2, f"expected the built site's pages in {site_dir}, found {found}"
    return found


def scan(path: Path) -> PageScan:
    scanner = PageScan()
    scanner.feed(path.read_text(encoding="utf-8"))
    return scanner


def page_policy(site_dir: Path, path: Path) -> dict[str, list[str]]:
    policies = scan(path).policies
    assert len(policies) == 1, f"{path.relative_to(site_dir)}: {len(policies)} CSP meta tags, expected 1"
    return parse_policy(policies[0])


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def test_every_page_has_one_csp_meta_before_any_script_style_or_link(site_dir):
    for path in pages(site_dir):
        page = scan(path)
        assert len(page.policies) == 1, f"{path.relative_to(site_dir)}: {len(page.policies)} CSP meta tags"
        first_loader = next((i for i, tag in enumerate(page.head_order) if tag in ("script", "link", "style")), None)
        assert first_loader is None or page.head_order.index("csp") < first_loader, (
            f"{path.relative_to(site_dir)}: CSP meta comes after a script/style/link: {page.head_order}")


def test_scripts_on_every_page_are_limited_to_self_and_hashes(site_dir):
    for path in pages(site_dir):
        policy = page_policy(site_dir, path)
        name = path.relative_to(site_dir)
        scripts = policy["script-src"]
        assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, f"{name}: {scripts}"
        assert [s for s in scripts if not s.startswith("'sha256-")] == ["'self'"], f"{name}: {scripts}"
        # self-host mode: the site needs nothing from any other origin
        for directive in ("default-src", "worker-src", "connect-src"):
            assert policy[directive] == ["'self'"], f"{name}: {directive} {policy[directive]}"
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"], name
        assert policy["form-action"] == ["'self'"], name
        assert "'unsafe-inline'" not in policy.get("style-src", []), f"{name}: {policy.get('style-src')}"


def test_each_executing_inline_script_is_allowed_by_exactly_its_hash(site_dir):
    for path in pages(site_dir):
        page = scan(path)
        allowed = set(page_policy(site_dir, path)["script-src"])
        executing = [(attrs, text) for attrs, text in page.scripts
                     if "src" not in attrs and attrs.get("type", "").lower() in ("", "module", "text/javascript")]
        assert executing, f"{path.relative_to(site_dir)}: expected Material's inline scripts"
        needed = {sha256_source(text) for _, text in executing}
        assert needed == {s for s in allowed if s.startswith("'sha256-")}, path.relative_to(site_dir)
        data_blocks = [text for attrs, text in page.scripts if attrs.get("type") == "application/json"]
        assert all(sha256_source(text) not in allowed for text in data_blocks), "JSON data blocks need no hash"


def test_the_desk_ships_no_inline_data_script_for_instant_navigation_to_run(site_dir):
    """Material re-creates inline scripts without their type; the Desk's config is a <template> instead."""
    desk_pages = [path for path in pages(site_dir) if csp.DESK_MARKER in path.read_text(encoding="utf-8")]
    assert desk_pages
    for path in desk_pages:
        html = path.read_text(encoding="utf-8")
        assert '<template id="decision-desk-config">' in html
        data_scripts = [attrs for attrs, _ in scan(path).scripts if attrs.get("type") == "application/json"]
        assert [attrs for attrs in data_scripts if "desk" in attrs.get("id", "")] == []  # Material's __config stays


def test_no_page_uses_inline_event_handlers_or_javascript_urls(site_dir):
    for path in pages(site_dir):
        assert scan(path).inline_handlers == [], path.relative_to(site_dir)


def test_wasm_unsafe_eval_is_never_granted_outside_the_desk(site_dir):
    for path in pages(site_dir):
        html = path.read_text(encoding="utf-8")
        if any("'wasm-unsafe-eval'" in sources for sources in page_policy(site_dir, path).values()):
            assert csp.DESK_MARKER in html, f"{path.relative_to(site_dir)} allows wasm but has no Desk"


def test_no_page_has_a_password_or_one_time_code_field(site_dir):
    for path in pages(site_dir):
        for field in scan(path).fields:
            where = f"{path.relative_to(site_dir)}: {field}"
            assert field.get("type", "").lower() != "password", where
            tokens = set(field.get("autocomplete", "").lower().split())
            assert not tokens & CREDENTIAL_AUTOCOMPLETE, where
            for attribute in ("name", "id"):
                assert not looks_like_credential(field.get(attribute, "")), where


@pytest.mark.parametrize("name", ["password", "user_pass", "otp", "2fa-code", "one-time-code", "passcode",
                                  "loginCode", "userPassword", "session_string", "TOTP"])
def test_credential_field_pattern_catches_credential_names(name):
    assert looks_like_credential(name)


@pytest.mark.parametrize("name", ["status", "fact", "order_id", "telegram_link", "service", "reason",
                                  "transaction_reference", "amount", "__drawer", "__search", "passage"])
def test_credential_field_pattern_leaves_desk_and_theme_fields_alone(name):
    assert not looks_like_credential(name)


def test_policy_builder_hashes_crlf_scripts_as_the_browser_does_and_skips_data_blocks():
    html = ('<html><head><meta charset="utf-8"><script>a()\r\nb()</script>'
            '<script type="application/json">{"x": 1}</script><script src="x.js"></script>'
            '<script type="module">c()</script></head><body></body></html>')
    assert csp.inline_script_hashes(html) == [sha256_source("a()\nb()"), sha256_source("c()")]
    out = csp.insert_meta(html, csp.build_policy(html))
    assert out.index('<meta charset="utf-8">') < out.index("Content-Security-Policy") < out.index("<script")


def test_serve_mode_allows_the_live_reload_script_but_keeps_the_rest_strict():
    policy = parse_policy(csp.build_policy("<script>x()</script>", serving=True))
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["connect-src"] == ["'self'"] and policy["object-src"] == ["'none'"]


def test_cdn_mode_adds_only_the_pinned_folder():
    url = "https://cdn.jsdelivr.net/pyodide/v0.0.0/full/"
    policy = parse_policy(csp.build_policy("", cdn_url=url))
    assert policy["script-src"] == ["'self'", url] and policy["connect-src"] == ["'self'", url]
    assert policy["worker-src"] == ["'self'"] and policy["default-src"] == ["'self'"]
