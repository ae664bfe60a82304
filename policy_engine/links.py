"""What a Telegram link is: `check_link` reads what a customer pastes as the order's target.

The policy asks customers to make sure the channel, group, post, bot or username is correct
and public. This module says which of those a text is, whether delivery can reach it, and
what is wrong with it, in sentences a customer can act on. It never raises on text input.

It reads links the way Telegram apps do: the deep-link page (core.telegram.org/api/links)
and tdlib's parser (td/telegram/LinkManager.cpp). Where they open something that is not a
chat (a story, a boost page, a folder, a Mini App, a sticker set …), the answer says what
the link is and what to send instead. A few places are stricter than Telegram, on purpose:
a post or topic number must be a whole number (Telegram quietly opens the channel when it
is not); a username needs 5 characters, or 4 for a collectible one (Telegram parses shorter
names, but no such username can be bought or set); the words of Telegram's own links
(joinchat, share, boost …) are never a chat name, in any letter case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, unquote_plus

from .i18n import N_, _, chosen, language, ngettext

MAX_LENGTH = 2048  # far longer than any real Telegram link; longer text is pasted by mistake

# The hosts whose links Telegram opens itself (core.telegram.org/api/links, introduction).
TELEGRAM_HOSTS = frozenset({"t.me", "telegram.me", "telegram.dog"})
# <name>.t.me means t.me/<name>, except for these names (tdlib LinkManager.cpp, get_link_info).
RESERVED_SUBDOMAINS = frozenset({
    "addemoji", "addlist", "addstickers", "addstyle", "addtheme", "auction", "auth", "boost", "call",
    "confirmphone", "contact", "giftcode", "invoice", "joinchat", "login", "m", "nft", "proxy",
    "setlanguage", "share", "socks", "web", "a", "k", "z",
})
# First path segments that open a Telegram feature, never a chat (tdlib, parse_t_me_link_query).
# `joinchat`, `c`, `boost` and `addlist` have their own answers below.
SERVICE_LINKS = {
    "addemoji": N_("a link to an emoji pack"),
    "addstickers": N_("a link to a sticker pack"),
    "addstyle": N_("a link to a text style"),
    "addtheme": N_("a link to a chat theme"),
    "auction": N_("a link to a gift auction"),
    "bg": N_("a link to a chat background"),
    "call": N_("a link to a group call"),
    "confirmphone": N_("a link to confirm a phone number"),
    "contact": N_("a link to a person's contact card"),
    "giftcode": N_("a link to a gift code"),
    "invoice": N_("a payment link"),
    "iv": N_("a link to an Instant View page"),
    "login": N_("a link with a login code"),
    "m": N_("a link to a business chat"),
    "msg": N_("a link to share a message"),
    "nft": N_("a link to a collectible gift"),
    "proxy": N_("a proxy link"),
    "setlanguage": N_("a link to change the app language"),
    "share": N_("a link to share a message"),
    "socks": N_("a proxy link"),
}
# Query arguments after a username that still open the same chat or bot (a video chat, a bot
# start …). tdlib reads arguments in order, so `?start=x&startapp` opens the bot, not a Mini App.
CHAT_ARGUMENTS = frozenset({
    "voicechat", "videochat", "livestream", "ref", "start", "startgroup", "startchannel", "game",
    "attach", "startattach", "direct",
})

# The pieces, named after what they match. ASCII only: Telegram usernames are ASCII.
USERNAME_SHAPE = re.compile(r"[A-Za-z0-9_]+", re.ASCII)
# tdlib's is_valid_username: a letter, then letters, digits and single underscores, at most 32.
TELEGRAM_NAME = re.compile(r"[A-Za-z](?:_?[A-Za-z0-9])*", re.ASCII)
NUMBER = re.compile(r"[0-9]{1,15}", re.ASCII)
HASH = re.compile(r"[A-Za-z0-9_-]+", re.ASCII)  # base64url, as tdlib checks invite hashes and slugs
PHONE_NUMBER = re.compile(r"[0-9]{1,32}", re.ASCII)
SCHEME = re.compile(r"(?:https?://)?", re.ASCII | re.IGNORECASE)
PORT = re.compile(r"(?P<host>.*):(?P<port>80|443)", re.ASCII | re.DOTALL)
MIN_USERNAME, COLLECTIBLE_USERNAME, MAX_USERNAME = 5, 4, 32
MAX_STORY_ID, MAX_INT32 = 1_999_999_999, 2**31 - 1  # tdlib's StoryId::is_server and int32 ids
INVITE_LENGTH = range(5, 65)  # real invite hashes have 16 to 22 characters; shorter is a partial paste

USERNAME_RULE = N_(
    "A Telegram username has 5 to 32 letters, digits or underscores (collectible usernames can have 4), "
    "starts with a letter, and does not end with an underscore or contain two underscores in a row."
)
EXAMPLES = N_("Paste a link like https://t.me/yourchannel or a username like @yourchannel.")
POST_EXAMPLE = N_("A post link looks like https://t.me/yourchannel/123.")
PRIVATE_INVITE = N_(
    "This is a private invite link. Delivery cannot reach a private target: make the channel or "
    "group public and send its public link, like https://t.me/yourchannel."
)
PRIVATE_POST = N_(
    "This is a post in a private channel. Delivery cannot reach a private target: make the channel "
    "public and send the post's public link, like https://t.me/yourchannel/123."
)
PHONE_LINK = N_(
    "This is a link to a phone number, not to a public channel, group, post or bot. "
    "Delivery cannot reach it: send the public link of the target instead."
)
DIGITS_INVITE = N_(
    "This is not a working invite link: the code of an invite link is never only digits. "
    "Send the public link of the channel or group instead, like https://t.me/yourchannel."
)
FOLDER_LINK = N_(
    "This is a chat folder link: it adds a list of several chats. "
    "Send the link of one channel or group instead, like https://t.me/yourchannel."
)
TG_ELSEWHERE = N_("This tg:// link does not point to a channel, group, post or bot.")
PRIVATE_BOOST = N_(
    "This is a boost link for a private channel. Delivery cannot reach a private target: make the "
    "channel public and send its public link, like https://t.me/yourchannel."
)


@dataclass(frozen=True)
class LinkCheck:
    """What a pasted Telegram target is, whether delivery can reach it, and what is wrong with it."""

    valid: bool
    kind: str
    public: bool
    normalized: str | None
    problems: tuple[str, ...]

    def to_dict(self) -> dict:
        """The check as plain data: the JSON contract of `check-link --json`."""
        return {
            "valid": self.valid,
            "kind": self.kind,
            "public": self.public,
            "normalized": self.normalized,
            "problems": list(self.problems),
        }


@dataclass(frozen=True)
class _Link:
    """A link's path segments and query arguments, decoded the way tdlib's parse_url_query does."""

    path: tuple[str, ...]
    args: tuple[tuple[str, str], ...]

    def arg(self, key: str) -> str | None:
        """The first value of argument `key`, or None when it is absent."""
        return next((value for name, value in self.args if name == key), None)


def _invalid(kind: str, problem: str) -> LinkCheck:
    return LinkCheck(valid=False, kind=kind, public=False, normalized=None, problems=(problem,))


def _with_examples(problem: str) -> str:
    """A problem (already in the reader's language) followed by what a good link looks like."""
    return f"{problem} {_(EXAMPLES)}"


def _shown(text: str) -> str:
    """The customer's text, printable, on one line and short, to quote in a problem."""
    text = " ".join("".join(c if c.isprintable() else " " for c in text[:200]).split())
    return text if len(text) <= 40 else text[:40] + "…"


def _is_telegram_name(name: str) -> bool:
    """Whether Telegram reads `name` as a username at all (tdlib's is_valid_username)."""
    return len(name) <= MAX_USERNAME and TELEGRAM_NAME.fullmatch(name) is not None


def username_problem(name: str) -> str | None:
    """Why `name` is not a valid Telegram username, or None when it is."""
    if _is_telegram_name(name) and len(name) >= COLLECTIBLE_USERNAME:
        return None
    if not name:
        why = N_("the username is missing")
    elif not USERNAME_SHAPE.fullmatch(name):
        why = N_("it contains characters other than letters, digits and underscores")
    elif len(name) < COLLECTIBLE_USERNAME:
        why = N_("it is too short")
    elif len(name) > MAX_USERNAME:
        why = N_("it is longer than 32 characters")
    elif not name[0].isalpha():
        why = N_("it does not start with a letter")
    elif name.endswith("_"):
        why = N_("it ends with an underscore")
    else:
        why = N_("it has two underscores in a row")
    return _("“{name}” is not a valid Telegram username: {why}. {rule}").format(
        name=_shown(name), why=_(why), rule=_(USERNAME_RULE))


def _notes(name: str) -> tuple[str, ...]:
    """Notes for a valid username: a 4-character one exists only as a collectible username."""
    if len(name) >= MIN_USERNAME:
        return ()
    return (
        _("“{name}” has only 4 characters. Usernames this short are collectible usernames, bought on "
          "Fragment. Please check that it is spelled correctly.").format(name=name),
    )


def _positive(number: str | None, limit: int = 10**15) -> bool:
    """Whether `number` is a whole number from 1 up to `limit`, written in digits only."""
    return number is not None and NUMBER.fullmatch(number) is not None and 0 < int(number) <= limit


def _is_app_name(name: str) -> bool:
    """Whether `name` can name a Mini App (tdlib's is_valid_web_app_name)."""
    return len(name) >= 3 and _is_telegram_name(name)


def _is_start_parameter(value: str) -> bool:
    """Whether a bot or Mini App accepts `value` as its start parameter (tdlib: base64url, may be empty)."""
    return not value or HASH.fullmatch(value) is not None


def _chat_kind(name: str) -> str:
    return "bot" if name.lower().endswith("bot") else "channel_or_group"


def _example(name: str) -> str:
    """The public link to suggest: the customer's own name when it is a valid username."""
    return f"https://t.me/{name.lower() if username_problem(name) is None else 'yourchannel'}"


def _reserved_word(name: str) -> bool:
    """t.me/<word> opens a Telegram feature, so no channel can be reached under that name."""
    return name in SERVICE_LINKS or name in ("joinchat", "c", "s", "boost", "addlist")


def _reserved_message(name: str) -> str:
    return _with_examples(
        _("“{name}” is a word Telegram uses for its own links, not a channel's username.").format(name=_shown(name)))


def _public(name: str, post: str | None = None, thread: str | None = None) -> LinkCheck:
    """A public username, channel, group or post, checked and normalized."""
    problem = username_problem(name)
    if problem:
        return _invalid("channel_or_group" if post is None else "post", problem)
    path = name.lower()
    if _reserved_word(path):
        return _invalid("channel_or_group", _reserved_message(name))
    if post is not None:
        for number in (thread, post):
            if number is not None and not _positive(number):
                problem = (_("“{part}” is not a post number.").format(part=_shown(number)) if number
                           else _("An empty part is not a post number."))
                return _invalid("post", f"{problem} {_(POST_EXAMPLE)}")
        path += "".join(f"/{int(part)}" for part in (thread, post) if part is not None)
        return LinkCheck(True, "post", True, f"https://t.me/{path}", _notes(name))
    return LinkCheck(True, _chat_kind(name), True, f"https://t.me/{path}", _notes(name))


def _private_invite(invite: str) -> LinkCheck:
    if not invite:
        return _invalid("private_invite", _with_examples(_("This invite link is incomplete.")))
    if invite.isascii() and invite.isdigit():
        return _invalid("private_invite", _(DIGITS_INVITE))
    if not HASH.fullmatch(invite) or len(invite) not in INVITE_LENGTH:
        return _invalid("private_invite", _with_examples(
            _("“{code}” is not a complete invite link.").format(code=_shown(invite))))
    return LinkCheck(True, "private_invite", False, f"https://t.me/+{invite}", (_(PRIVATE_INVITE),))


def _private_post(channel: str | None, post: str | None, thread: str | None = None) -> LinkCheck:
    numbers = [channel, post] + ([thread] if thread is not None else [])
    if not all(_positive(number) for number in numbers):
        return _invalid("private_post", f"{_('This private post link is incomplete.')} {_(PRIVATE_POST)}")
    return LinkCheck(True, "private_post", False, f"https://t.me/c/{int(channel)}/{int(post)}", (_(PRIVATE_POST),))


def _phone_or_invite(code: str) -> LinkCheck:
    """t.me/+<code>: a phone number when it is only digits, otherwise an invite (tdlib's order)."""
    if PHONE_NUMBER.fullmatch(code):
        return LinkCheck(True, "phone_number", False, f"https://t.me/+{code}", (_(PHONE_LINK),))
    return _private_invite(code)


def _story(name: str, album: bool = False) -> LinkCheck:
    if album:
        problem = _("This is a link to a story album. Send the channel's link, like {example}, "
                    "or a post's link, like {example}/123.")
    else:
        problem = _("This is a story link. Send the channel's link, like {example}, "
                    "or a post's link, like {example}/123.")
    return _invalid("story", problem.format(example=_example(name)))


def _boost(name: str | None) -> LinkCheck:
    if name is None:
        return _invalid("boost", _(
            "This is a boost link, and it does not name a channel. "
            "Send the channel's own link instead, like https://t.me/yourchannel."
        ))
    return _invalid("boost", _(
        "This is a boost link: it asks people to boost a channel. "
        "Send the channel's own link instead, like {example}."
    ).format(example=_example(name)))


def _mini_app(bot: str) -> LinkCheck:
    return _invalid("mini_app", _(
        "This is a Mini App link: it opens an app inside a bot. "
        "Send the link of the channel, group, post or bot itself, like {example}."
    ).format(example=_example(bot)))


def _other(what: str, **values: str) -> LinkCheck:
    """A Telegram link to something that is not a target; `what` is an N_ message, filled with `values`."""
    problem = _("This is {what}, not a link to a channel, group, post or bot.").format(what=_(what).format(**values))
    return _invalid("other_telegram_link", _with_examples(problem))


def _split(query: str) -> _Link:
    """Path segments and arguments of `path?args`, decoded like tdlib's parse_url_query."""
    path, _mark, args = query.removeprefix("/").partition("?")
    segments = [unquote(segment, errors="replace") for segment in path.split("/")]
    while segments and not segments[-1]:
        segments.pop()
    pairs = []
    for pair in args.split("&"):
        key, _, value = pair.partition("=")
        key = unquote_plus(key, errors="replace")
        if key:
            pairs.append((key, unquote_plus(value, errors="replace")))
    return _Link(tuple(segments), tuple(pairs))


def _username_link(name: str, rest: tuple[str, ...], link: _Link) -> LinkCheck:
    """t.me/<name>[/…][?…]: a chat, a post, or one of the things tdlib opens from a username."""
    if not _is_telegram_name(name):
        return _invalid("channel_or_group", username_problem(name) or _(USERNAME_RULE))
    marker = rest[0].lower() if rest else ""
    if len(rest) == 2 and marker == "s":  # <name>/s/<story id>
        return _story(name)
    if len(rest) == 2 and marker == "a":  # <name>/a/<album id>
        return _story(name, album=True)
    if len(rest) == 2 and marker == "c":  # <name>/c/<collection id>
        return _other(N_("a link to a gift collection"))
    if len(rest) == 1 and _is_app_name(rest[0]):  # <bot>/<app name>
        return _mini_app(name)
    if len(rest) == 1 and marker in ("s", "a", "c"):  # tdlib opens the chat when the id is missing
        return _public(name)
    if rest:
        if len(rest) > 2:
            return _invalid("post", _with_examples(
                _("This link has too many parts to be a channel, group or post link.")))
        return _public(name, rest[-1], thread=rest[0] if len(rest) == 2 else None)
    for key, value in link.args:
        if key == "boost":
            return _boost(name)
        if key == "startapp" and _is_start_parameter(value):
            return _mini_app(name)
        if key in CHAT_ARGUMENTS:
            break
    return _public(name)


def _t_me(link: _Link) -> LinkCheck:
    """The part of a t.me link after the host, e.g. "name/123", "+hash", "c/1/2", "addlist/slug"."""
    if not link.path or not link.path[0]:
        return _invalid("channel_or_group", _with_examples(
            _("The link has no channel, group or username after t.me/.")))
    head, rest = link.path[0], link.path[1:]
    word = head.lower()  # Telegram matches these words exactly; any spelling is still not a chat
    if head[0] in "+ ":  # a "+" decoded from the query string arrives as a space
        return _phone_or_invite(head[1:])
    if word == "joinchat":
        return _private_invite(rest[0] if rest else "")
    if word == "c":
        if len(rest) == 1 and link.arg("boost") is not None and NUMBER.fullmatch(rest[0]):
            return _invalid("boost", _(PRIVATE_BOOST))
        if len(rest) == 3:  # c/<channel>/<topic>/<post>
            return _private_post(rest[0], rest[2], thread=rest[1])
        return _private_post(rest[0] if rest else None, rest[1] if len(rest) == 2 else None)
    if word == "addlist":
        return _invalid("folder", _(FOLDER_LINK))
    if word == "boost":
        if len(rest) == 1 and _is_telegram_name(rest[0]):
            return _boost(rest[0])
        if not rest and NUMBER.fullmatch(link.arg("c") or ""):
            return _invalid("boost", _(PRIVATE_BOOST))
        return _boost(None)
    if word in SERVICE_LINKS:
        return _other(SERVICE_LINKS[word])
    if head.startswith("$"):
        return _other(SERVICE_LINKS["invoice"])
    if word == "newbot" and rest:
        return _other(N_("a link to create a bot"))
    return _username_link(head, rest, link)


def _resolve(link: _Link) -> LinkCheck:
    """tg://resolve?domain=… (a chat, a post or a username feature) or tg://resolve?phone=…"""
    name = link.arg("domain")
    if name is not None and _is_telegram_name(name):
        if link.arg("post"):
            return _public(name, link.arg("post"))
        for key, value in link.args:
            if key == "appname" and _is_app_name(value):
                return _mini_app(name)
            if key == "startapp" and _is_start_parameter(value) and link.arg("appname") is None:
                return _mini_app(name)
            if key == "story" and (value == "live" or _positive(value, MAX_STORY_ID)):
                return _story(name)
            if key == "album" and _positive(value, MAX_INT32):
                return _story(name, album=True)
            if key == "collection" and _positive(value, MAX_INT32):
                return _other(N_("a link to a gift collection"))
            if key in CHAT_ARGUMENTS:
                break
        return _public(name)
    phone = link.arg("phone")
    if phone is not None and PHONE_NUMBER.fullmatch(phone.removeprefix(" ")):
        return _phone_or_invite(phone.removeprefix(" "))
    if name is not None:
        return _invalid("channel_or_group", username_problem(name) or _(USERNAME_RULE))
    return _invalid("other_telegram_link", _with_examples(_(TG_ELSEWHERE)))


def _tg(link: _Link) -> LinkCheck:
    """A tg: link, as Telegram apps open them."""
    action = link.path[0].lower() if len(link.path) == 1 else ""
    if action == "resolve":
        return _resolve(link)
    if action == "join":
        return _private_invite(link.arg("invite") or "")
    if action == "privatepost":
        return _private_post(link.arg("channel"), link.arg("post"))
    if action == "boost":
        if link.arg("domain") is not None:
            return _boost(link.arg("domain"))
        if link.arg("channel") is not None:
            return _invalid("boost", _(PRIVATE_BOOST))
    if action == "addlist":
        return _invalid("folder", _(FOLDER_LINK))
    return _invalid("other_telegram_link", _with_examples(_(TG_ELSEWHERE)))


def _telegram_link(text: str) -> LinkCheck | None:
    """Read `text` as a tg: or t.me link, as tdlib's get_link_info does; None when it is neither."""
    if text[:3].lower() == "tg:":
        rest = text[3:].removeprefix("//")
        where = rest.split("/", 1)[0].split("?", 1)[0]
        if "@" in where or ":" in where:  # tdlib refuses tg: links with a user, a port or http://
            return None
        return _tg(_split(rest))
    rest = text[SCHEME.match(text).end():]
    cut = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    if port := PORT.fullmatch(authority):
        authority = port["host"]
    if "@" in authority or ":" in authority:
        return None
    host = unquote(authority, errors="replace").lower()
    if host.endswith(".t.me") and host.find(".") == len(host) - 5 and host != "www.t.me":  # <name>.t.me
        name = host[:-5]
        if name in RESERVED_SUBDOMAINS:
            return _other(N_("a Telegram service address ({host})"), host=_shown(host))
        if problem := username_problem(name):
            return _invalid("channel_or_group", problem)
        return _t_me(_split(f"/{name}{tail}"))
    host = host.removeprefix("www.")
    if host in TELEGRAM_HOSTS:
        while tail[:3].lower() == "/s/" or tail[:5].lower() == "/%73/":  # t.me/s/<name>: the web preview
            tail = tail[2:] if tail[:3].lower() == "/s/" else tail[4:]
        return _t_me(_split(tail))
    if host.endswith(".t.me"):
        return _other(N_("a Telegram service address ({host})"), host=_shown(host))
    return None


def check_link(text: object, lang: str | None = None) -> LinkCheck:
    """Check a Telegram link or @username a customer pasted; problems are sentences to show them, in `lang`."""
    with language(chosen(lang)):
        return _check(text)


def _check(text: object) -> LinkCheck:
    if not isinstance(text, str):
        return _invalid("not_telegram", _("A link must be text."))
    text = text.strip()
    if not text:
        return _invalid("empty", _with_examples(
            _("Please enter the Telegram link of your channel, group, post or bot.")))
    if len(text) > MAX_LENGTH:
        return _invalid("not_telegram", _with_examples(ngettext(
            "This is too long to be a Telegram link ({count} character). Paste only the link.",
            "This is too long to be a Telegram link ({count} characters). Paste only the link.",
            len(text)).format(count=len(text))))
    if text.startswith("@"):
        name = text[1:]
        problem = username_problem(name) or (_reserved_message(name) if _reserved_word(name.lower()) else None)
        if problem:
            return _invalid("username", problem)
        kind = "bot" if name.lower().endswith("bot") else "username"
        return LinkCheck(True, kind, True, f"https://t.me/{name.lower()}", _notes(name))
    link = text.split("#", 1)[0].strip()  # the #fragment is always ignored (core.telegram.org/api/links)
    return _telegram_link(link) or _invalid("not_telegram", _with_examples(_("This is not a Telegram link.")))
