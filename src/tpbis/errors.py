"""The exceptions tpbis raises for unusable configuration and input.

Bad *data* (a submitted row that fails) is never an exception: it becomes a
:class:`tpbis.domain.problems.Problem`. These exceptions are for things that
stop a run early with one clear message (exit code 2 in the CLI).
"""

from __future__ import annotations

from typing import Self

from tpbis.i18n import both


class TpbisError(Exception):
    """Base class: the message says what was wrong, where, and what to do.

    Messages come in Indonesian (``str(exc)``) and English (``exc.message("en")``).
    ``exit_code`` is what the ``tpbis`` command exits with (as click's exceptions carry theirs).
    """

    #: unusable input, configuration or credentials: fix something and rerun
    exit_code: int = 2

    def __init__(self, message: str, message_en: str | None = None) -> None:
        super().__init__(message)
        self.message_id = message
        self.message_en = message_en if message_en is not None else message

    @classmethod
    def from_catalogue(cls, key: str, /, **params: object) -> Self:
        """Build the error from a message catalogue entry (:mod:`tpbis.i18n`)."""
        return cls(*both(key, **params))

    def message(self, lang: str = "id") -> str:
        """The message in ``lang`` (``id`` or ``en``)."""
        return self.message_en if lang == "en" else self.message_id


class ConfigError(TpbisError):
    """A configuration file, option or value cannot be used."""

    exit_code = 2


class PeriodError(ConfigError):
    """A period text such as ``2024-Q3`` cannot be read."""

    exit_code = 2


class RubricError(ConfigError):
    """A rubric file is unreadable or invalid."""

    exit_code = 2


class SourceError(TpbisError):
    """An input (workbook, CSV, spreadsheet, form) cannot be read as needed."""

    exit_code = 2


class AuthError(TpbisError):
    """Credentials are missing, invalid, or lack access."""

    exit_code = 2


class LockError(TpbisError):
    """Another sync holds the spreadsheet's lock."""

    #: try again later
    exit_code = 3


class RemoteError(TpbisError):
    """A remote API failed after bounded retries (quota, outage, rejected request)."""

    #: try again later
    exit_code = 3
