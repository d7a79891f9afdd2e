"""Data problems found while reading submitted rows (SPEC §3.1)."""

from __future__ import annotations

import enum

import attrs

from tpbis.message import Message

__all__ = ["Problem", "Severity"]


class Severity(enum.Enum):
    """An error rejects the row; a warning never does."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen(kw_only=True, init=False)
class Problem:
    """One problem of one row; its :attr:`message` is data, rendered in a language at the edge.

    ``problem.message`` is a :class:`~tpbis.message.Message`; ``problem.message(lang)``,
    :attr:`message_id` and :attr:`message_en` render it.

    Transitional: the row parsers still build problems from ready texts with
    ``message_id=`` and ``message_en=``; those become a
    :meth:`Message.literal <tpbis.message.Message.literal>`. Pass ``message=`` instead.
    """

    row: int
    column: str
    code: str
    severity: Severity
    message: Message
    value: str
    tab: str = ""
    #: the Forms API response id of the row, when it came from the Forms API
    response_id: str | None = None

    def __init__(
        self,
        *,
        row: int,
        column: str,
        code: str,
        severity: Severity,
        value: str,
        message: Message | None = None,
        tab: str = "",
        response_id: str | None = None,
        message_id: str | None = None,
        message_en: str | None = None,
    ) -> None:
        if message is None:
            if message_id is None or message_en is None:
                msg = "Problem needs message= (or, transitionally, both message_id= and message_en=)"
                raise TypeError(msg)
            message = Message.literal(message_id, message_en)
        elif message_id is not None or message_en is not None:
            msg = "Problem takes message= or message_id=/message_en=, not both"
            raise TypeError(msg)
        self.__attrs_init__(row=row, column=column, code=code, severity=severity, message=message,
                            value=value, tab=tab, response_id=response_id)

    @property
    def message_id(self) -> str:
        """The message in Indonesian."""
        return self.message.render("id")

    @property
    def message_en(self) -> str:
        """The message in English."""
        return self.message.render("en")
