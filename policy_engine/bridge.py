"""One JSON-in, JSON-out entry point for the Decision Desk's worker (and any other caller).

    call("decide", '{"status": "processing", "facts": ["wrong_link"]}')
    -> '{"ok": true, "value": {...Decision.to_dict()...}}'
    call("link_answer", '{"v": "2026-11-26", "status": "processing", "facts": []}')
    -> '{"ok": true, "value": {"current": ..., "then": ..., "version": "old", "notice": ..., "link_version": ...}}'

Every outcome is a JSON object: `{"ok": true, "value": ...}` or
`{"ok": false, "error": {"kind": "<ExceptionClass>", "message": "...", "problems": {...}}}`.
`call` never raises: bad input, an unknown method or a bug all come back as `ok: false`.
Every method takes an optional `lang` ("en", "ru"; default: the context language, English unless set):
the words of its answer, and of its errors, are in that language; ids and keys never change.
Standard library only, so it runs unchanged in CPython and in Pyodide.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable

from .changes import POLICY_VERSION
from .errors import PolicyInputError, TicketFieldError

MAX_PARAMS_LENGTH = 100_000  # far more than any real call; longer input is refused, not parsed


class BadCallError(PolicyInputError):
    """The call itself is malformed: an unknown method, or parameters that do not fit it."""


class UnknownMethodError(BadCallError):
    """The method is not one the bridge offers."""


class BadParamsError(BadCallError):
    """The parameters are not a JSON object, or do not fit the method."""


def _decide(status: object, facts: object = (), lang: object = None) -> dict:
    from .decision import decide

    if isinstance(facts, str):  # one id, as a URL with a single fact carries it
        facts = [facts]
    if not isinstance(facts, list | tuple):
        raise BadParamsError("'facts' must be a list of circumstance ids, like [\"wrong_link\"].")
    return decide(status, facts, lang).to_dict()


def _check_link(text: object, lang: object = None) -> dict:
    from .links import check_link

    return check_link(text, lang).to_dict()


def _draft_ticket(**fields: object) -> dict:
    from .tickets import draft_ticket

    return draft_ticket(**fields).to_dict()


def _link_answer(v: object, status: object, facts: object = (), lang: object = None) -> dict:
    """What the Desk shows for a link ?status=…&fact=…&v=…: the current answer, the one given then, a notice."""
    from .snapshots import link_answer

    if v is not None and not isinstance(v, str):
        raise BadParamsError(f"'v' must be a policy version as text, like \"{POLICY_VERSION}\", or null.")
    if isinstance(facts, str):
        facts = [facts]
    if not isinstance(facts, list | tuple):
        raise BadParamsError("'facts' must be a list of circumstance ids, like [\"wrong_link\"].")
    return link_answer(v, status, facts, lang=lang)


def _table(lang: object = None) -> list[dict]:
    from .table import decision_table

    return [decision.to_dict() for decision in decision_table(lang)]


def _signature_of(method: str) -> inspect.Signature:
    """The parameters a method takes: draft_ticket's are the engine function's own."""
    if method == "draft_ticket":
        from .tickets import draft_ticket

        return inspect.signature(draft_ticket)
    return inspect.signature(METHODS[method])


METHODS: dict[str, Callable[..., object]] = {
    "decide": _decide,
    "check_link": _check_link,
    "draft_ticket": _draft_ticket,
    "table": _table,
    "link_answer": _link_answer,
}


def policy_version() -> str:
    """The version of the policy this engine encodes."""
    return POLICY_VERSION


def _parameter_list(signature: inspect.Signature) -> str:
    names = [
        name if parameter.default is inspect.Parameter.empty else f"{name} (optional)"
        for name, parameter in signature.parameters.items()
        if parameter.kind not in (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
    ]
    return ", ".join(names) or "none"


def _params(method: object, params_json: object) -> tuple[Callable[..., object], dict]:
    """The function and keyword arguments for a call; raise BadCallError when they do not fit."""
    valid = ", ".join(METHODS)
    if not isinstance(method, str) or method not in METHODS:
        shown = repr(method) if not isinstance(method, str) or len(method) <= 40 else repr(method[:40] + "…")
        raise UnknownMethodError(f"Unknown method {shown}. Valid methods: {valid}.")
    signature = _signature_of(method)
    expected = f"{method} takes: {_parameter_list(signature)}."
    if params_json is None or params_json == "":
        params: object = {}
    elif not isinstance(params_json, str):
        raise BadParamsError(f"The parameters must be JSON text. {expected}")
    elif len(params_json) > MAX_PARAMS_LENGTH:
        raise BadParamsError(f"The parameters are too long ({len(params_json)} characters). {expected}")
    else:
        try:
            params = json.loads(params_json)
        except ValueError:
            raise BadParamsError(f"The parameters are not valid JSON. {expected}") from None
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise BadParamsError(f"The parameters must be a JSON object. {expected}")
    try:
        signature.bind(**params)
    except TypeError as error:
        raise BadParamsError(f"Wrong parameters for {method}: {error}. {expected}") from None
    return METHODS[method], params


def _error(error: BaseException) -> dict:
    if isinstance(error, PolicyInputError):
        message = str(error)
    else:  # a bug, not bad input: say so without a traceback
        from .i18n import _

        message = _("Something went wrong while working out this answer. Please use the answers on the page.")
    problems = dict(error.problems) if isinstance(error, TicketFieldError) else {}
    secrets = list(error.secrets) if isinstance(error, TicketFieldError) else []
    return {"kind": type(error).__name__, "message": message, "problems": problems, "secrets": secrets}


def call(method: str, params_json: str = "{}") -> str:
    """Run one engine method with JSON parameters; return the JSON envelope. Never raises."""
    try:
        function, params = _params(method, params_json)
        value = function(**params)
        result: dict = {"ok": True, "value": value}
    except Exception as error:  # noqa: BLE001  every failure becomes a reply, never a traceback
        result = {"ok": False, "error": _error(error)}
    return json.dumps(result, ensure_ascii=False)
