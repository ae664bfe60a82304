"""What is safe to print: text and JSON with every control character escaped, never sent raw to a terminal."""

from __future__ import annotations

import json

_READABLE_JSON = json.JSONEncoder(ensure_ascii=False)  # one encoder: json.dumps would build one per call


def shown(text: str) -> str:
    """The text on one line, each non-printable character written as its escape: ESC becomes \\x1b."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def json_text(value: object) -> str:
    """Compact JSON that keeps readable text as it is and escapes every non-printable character."""
    text = _READABLE_JSON.encode(value)
    if text.isprintable():
        return text
    # Only string contents can hold such a character, and \\uXXXX is valid there.
    return "".join(char if char.isprintable() else json.dumps(char)[1:-1] for char in text)
