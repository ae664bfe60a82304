"""What a Telegram link is: `check_link` reads what a customer pastes as the order's target.

The policy asks customers to make sure the channel, group, post, bot or username is correct
and public. This module says which of those a text is, whether delivery can reach it, and
what is wrong with it, in sentences a customer can act on. It never raises on text input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs

MAX_LENGTH = 2048  # far longer than any real Telegram link; longer text is pasted by mistake

# The pieces, named after what they match. ASCII only: Telegram usernames are ASCII.
USERNAME_SHAPE = re.compile(r"[A-Za-z0-9_]+", re.ASCII)
VALID_USERNAME = re.compile(r"[A-Za-z](?:[A-Za-z0-9]|_(?!_)){3,30}[A-Za-z0-9]", re.ASCII)
AT_USERNAME = re.compile(r"@(?P<name>\S*)")
POST_NUMBER = re.compile(r"[1-9][0-9]{0,14}", re.ASCII)
INVITE_HASH = re.compile(r"[A-Za-z0-9_-]{5,64}", re.ASCII)
PHONE_NUMBER = re.compile(r"[0-9]{5,15}", re.ASCII)
CHANNEL_ID = re.compile(r"[0-9]{1,20}", re.ASCII)
TELEGRAM_WEB_LINK = re.compile(
    r"(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me)(?::443)?(?P<path>/[^?#]*)?(?:[?#].*)?",
    re.ASCII | re.IGNORECASE | re.DOTALL,
)
TELEGRAM_SUBDOMAIN_LINK = re.compile(
    r"(?:https?://)?(?P<name>[A-Za-z0-9_]+)\.t\.me/?", re.ASCII | re.IGNORECASE,
)
TG_APP_LINK = re.compile(r"tg://(?P<action>[A-Za-z]+)/?(?:\?(?P<query>.*))?", re.ASCII | re.IGNORECASE | re.DOTALL)

USERNAME_RULE = (
    "A Telegram username has 5 to 32 letters, digits or underscores, starts with a letter, "
    "and does not end with an underscore or contain two underscores in a row."
)
EXAMPLES = "Paste a link like https://t.me/yourchannel or a username like @yourchannel."
PRIVATE_INVITE = (
    "This is a private invite link. Delivery cannot reach a private target: make the channel or "
    "group public and send its public link, like https://t.me/yourchannel."
)
PRIVATE_POST = (
    "This is a post in a private channel. Delivery cannot reach a private target: make the channel "
    "public and send the post's public link, like https://t.me/yourchannel/123."
)
PHONE_LINK = (
    "This is a link to a phone number, not to a public channel, group, post or bot. "
    "Delivery cannot reach it: send the public link of the target instead."
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


def _invalid(kind: str, problem: str) -> LinkCheck:
    return LinkCheck(valid=False, kind=kind, public=False, normalized=None, problems=(problem,))


def _shown(text: str) -> str:
    """The customer's text, on one line and short, to quote in a problem."""
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:40] + "…"


def username_problem(name: str) -> str | None:
    """Why `name` is not a valid Telegram username, or None when it is."""
    if VALID_USERNAME.fullmatch(name):
        return None
    if not name:
        why = "the username is missing"
    elif not USERNAME_SHAPE.fullmatch(name):
        why = "it contains characters other than letters, digits and underscores"
    elif len(name) < 5:
        why = "it is shorter than 5 characters"
    elif len(name) > 32:
        why = "it is longer than 32 characters"
    elif not name[0].isalpha():
        why = "it does not start with a letter"
    elif name.endswith("_"):
        why = "it ends with an underscore"
    else:
        why = "it has two underscores in a row"
    return f"“{_shown(name)}” is not a valid Telegram username: {why}. {USERNAME_RULE}"


def _public(name: str, post: str | None = None, thread: str | None = None) -> LinkCheck:
    """A public username, channel, group or post, checked and normalized."""
    problem = username_problem(name)
    if problem:
        return _invalid("channel_or_group" if post is None else "post", problem)
    path = name.lower()
    if post is not None:
        if thread is not None and not POST_NUMBER.fullmatch(thread):
            return _invalid("post", f"“{_shown(thread)}” is not a topic number. {EXAMPLES}")
        if not POST_NUMBER.fullmatch(post):
            return _invalid(
                "post", f"“{_shown(post)}” is not a post number. A post link looks like https://t.me/yourchannel/123."
            )
        path += "".join(f"/{int(part)}" for part in (thread, post) if part is not None)
        return LinkCheck(True, "post", True, f"https://t.me/{path}", ())
    kind = "bot" if name.lower().endswith("bot") else "channel_or_group"
    return LinkCheck(True, kind, True, f"https://t.me/{path}", ())


def _private_invite(invite: str) -> LinkCheck:
    if not INVITE_HASH.fullmatch(invite):
        return _invalid("private_invite", f"“{_shown(invite)}” is not a complete invite link. {EXAMPLES}")
    return LinkCheck(True, "private_invite", False, f"https://t.me/+{invite}", (PRIVATE_INVITE,))


def _private_post(channel: str, post: str | None) -> LinkCheck:
    if not CHANNEL_ID.fullmatch(channel) or post is None or not POST_NUMBER.fullmatch(post):
        return _invalid("private_post", f"This private post link is incomplete. {PRIVATE_POST}")
    return LinkCheck(True, "private_post", False, f"https://t.me/c/{int(channel)}/{int(post)}", (PRIVATE_POST,))


def _web_path(path: str) -> LinkCheck:
    """The part of a t.me link after the host, e.g. "name/123", "+hash", "c/1/2", "s/name"."""
    parts = [part for part in path.split("/") if part]
    if not parts:
        return _invalid("channel_or_group", f"The link has no channel, group or username after t.me/. {EXAMPLES}")
    head, rest = parts[0], parts[1:]
    if head.startswith("+"):
        if len(rest) == 0 and PHONE_NUMBER.fullmatch(head[1:]):
            return LinkCheck(True, "phone_number", False, f"https://t.me/{head}", (PHONE_LINK,))
        if rest:
            return _invalid("private_invite", f"This invite link has extra parts. {EXAMPLES}")
        return _private_invite(head[1:])
    if head.lower() == "joinchat":
        if len(rest) != 1:
            return _invalid("private_invite", f"This invite link is incomplete. {EXAMPLES}")
        return _private_invite(rest[0])
    if head.lower() == "c":
        if len(rest) == 3:  # c/<channel>/<topic>/<post>
            rest = [rest[0], rest[2]]
        if len(rest) not in (1, 2):
            return _invalid("private_post", f"This private post link is incomplete. {PRIVATE_POST}")
        return _private_post(rest[0], rest[1] if len(rest) == 2 else None)
    if head.lower() == "s" and rest:  # the web preview form, t.me/s/name[/post]
        head, rest = rest[0], rest[1:]
    if not rest:
        return _public(head)
    if len(rest) == 1:
        return _public(head, rest[0])
    if len(rest) == 2:
        return _public(head, rest[1], thread=rest[0])
    return _invalid("post", f"This link has too many parts to be a channel, group or post link. {EXAMPLES}")


def _app_link(action: str, query: str) -> LinkCheck:
    """A tg:// link, as Telegram apps open them."""
    params = {key.lower(): values[0] for key, values in parse_qs(query, keep_blank_values=True).items()}
    action = action.lower()
    if action == "resolve" and "domain" in params:
        return _public(params["domain"], params.get("post"))
    if action == "join" and "invite" in params:
        return _private_invite(params["invite"])
    if action == "privatepost" and "channel" in params:
        return _private_post(params["channel"], params.get("post"))
    return _invalid(
        "not_telegram", f"This tg:// link does not point to a channel, group, post or bot. {EXAMPLES}"
    )


def check_link(text: object) -> LinkCheck:
    """Check a Telegram link or @username a customer pasted; problems are sentences to show them."""
    if not isinstance(text, str):
        return _invalid("not_telegram", "A link must be text.")
    text = text.strip()
    if not text:
        return _invalid("empty", f"Please enter the Telegram link of your channel, group, post or bot. {EXAMPLES}")
    if len(text) > MAX_LENGTH:
        return _invalid(
            "not_telegram",
            f"This is too long to be a Telegram link ({len(text)} characters). Paste only the link. {EXAMPLES}",
        )
    if at := AT_USERNAME.fullmatch(text):
        name = at["name"]
        problem = username_problem(name)
        if problem:
            return _invalid("username", problem)
        kind = "bot" if name.lower().endswith("bot") else "username"
        return LinkCheck(True, kind, True, f"https://t.me/{name.lower()}", ())
    if web := TELEGRAM_WEB_LINK.fullmatch(text):
        return _web_path(web["path"] or "")
    if (sub := TELEGRAM_SUBDOMAIN_LINK.fullmatch(text)) and sub["name"].lower() != "www":
        return _public(sub["name"])
    if app := TG_APP_LINK.fullmatch(text):
        return _app_link(app["action"], app["query"] or "")
    return _invalid("not_telegram", f"This is not a Telegram link. {EXAMPLES}")
