"""Errors the core raises. The CLI maps each class to an exit code in one place (cli.main).

Every message says what is wrong, where, and (when it can) how to fix it.
"""

from __future__ import annotations


class PcdipError(Exception):
    """Base class of every error pcdip reports to a user (exit code 1 unless a subclass says otherwise)."""

    exit_code = 1

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class StoreError(PcdipError):
    """The store cannot be found, read or parsed."""


class ValidationError(PcdipError):
    """The store (or a batch of events) breaks the schema; `details` lists every problem."""


class NotFoundError(PcdipError):
    """A country, theme, region or event id that the user named does not exist."""


class UsageError(PcdipError):
    """A malformed option value (a bad date, an unknown field or format). Exit code 2, like Typer's own."""

    exit_code = 2


class OutputError(PcdipError):
    """An export cannot be written where asked (the store itself, no space, no rights); nothing was changed."""
