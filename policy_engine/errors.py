"""Errors the engine raises for bad input; every message is safe to show a customer."""

from __future__ import annotations


class PolicyInputError(ValueError):
    """Base class: the input cannot be decided on. The message names the problem and what is valid."""


class UnknownStatusError(PolicyInputError):
    """The order status is not one the policy knows."""


class UnknownFactError(PolicyInputError):
    """A circumstance is not one the policy knows."""


class ContradictoryInputError(PolicyInputError):
    """The status and the circumstances cannot all be true at once."""


class TicketFieldError(PolicyInputError):
    """One or more ticket fields are invalid; `problems` maps each field to its message."""

    def __init__(self, problems: dict[str, str], secrets: tuple[str, ...] = ()) -> None:
        from .i18n import _  # i18n imports this module

        self.problems = dict(problems)
        self.secrets = tuple(secrets)  # the fields refused because they look like a password or code
        summary = "; ".join(f"{field}: {message}" for field, message in self.problems.items())
        super().__init__(_("The ticket has problems. {problems}").format(problems=summary))


class UnknownPolicyVersionError(PolicyInputError):
    """A policy version that is not a date, or that has no snapshot."""


class UnknownLanguageError(PolicyInputError):
    """A language the engine has no catalog for."""


class CatalogMissingError(RuntimeError):
    """A language's compiled catalog (.mo) is not there: the checkout was not built (a setup fault, not input)."""
