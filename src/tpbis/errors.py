"""The exceptions tpbis raises for unusable configuration and input.

Bad *data* (a submitted row that fails) is never an exception: it becomes a
:class:`tpbis.domain.problems.Problem`. These exceptions are for things that
stop a run early with one clear message (exit code 2 in the CLI).

A leaf module: it imports only :mod:`tpbis.message`. An exception holds its
message as data (a :class:`~tpbis.message.Message`) and renders it on demand.
"""

from __future__ import annotations

from typing import Self

from tpbis.message import Message, render


class TpbisError(Exception):
    """Base class: the message says what was wrong, where, and what to do.

    The message is a :class:`~tpbis.message.Message` (or, from older call
    sites, ready text in Indonesian and English). ``str(exc)`` is Indonesian;
    ``exc.message("en")`` is English. ``exit_code`` is what the ``tpbis`` command
    exits with (as click's exceptions carry theirs).
    """

    #: unusable input, configuration or credentials: fix something and rerun
    exit_code: int = 2

    def __init__(self, message: Message | str, message_en: str | None = None) -> None:
        self._message = message
        self._text_en = message_en
        # args hold what __init__ took, so the error pickles (multiprocessing) and copies whole
        super().__init__(*((message,) if message_en is None else (message, message_en)))

    @property
    def message_data(self) -> Message | None:
        """The message as data, or ``None`` when the error was raised with ready text."""
        return self._message if isinstance(self._message, Message) else None

    @classmethod
    def from_catalogue(cls, key: str, /, **params: object) -> Self:
        """Build the error from a message catalogue entry (see :mod:`tpbis.message`)."""
        return cls(Message(key, params))

    def message(self, lang: str = "id") -> str:
        """The message in ``lang`` (``id`` or ``en``)."""
        if isinstance(self._message, Message):
            return render(self._message, lang)
        if lang == "en" and self._text_en is not None:
            return self._text_en
        return self._message

    @property
    def message_id(self) -> str:
        """The message in Indonesian."""
        return self.message("id")

    @property
    def message_en(self) -> str:
        """The message in English."""
        return self.message("en")

    def __str__(self) -> str:
        return self.message("id")


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
