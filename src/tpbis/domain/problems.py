"""Data problems found while reading submitted rows (SPEC §3.1)."""

from __future__ import annotations

import enum

import attrs

from tpbis.message import InBothLanguages, Message

__all__ = ["Problem", "Severity"]


class Severity(enum.Enum):
    """An error rejects the row; a warning never does."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen(kw_only=True)
class Problem(InBothLanguages):
    """One problem of one row; its :attr:`message` is data, rendered in a language at the edge.

    ``problem.message`` is a :class:`~tpbis.message.Message`; ``problem.message(lang)``,
    :attr:`message_id` and :attr:`message_en` render it (the JSON writers use the last two).
    """

    row: int
    column: str
    code: str
    severity: Severity
    message: Message = attrs.field(validator=attrs.validators.instance_of(Message))
    value: str
    tab: str = ""
    #: the Forms API response id of the row, when it came from the Forms API
    response_id: str | None = None
    #: the SOURCE the row came from, when a run reads several (else ``None``)
    source: str | None = None
    #: the channel of that SOURCE (``tpbis.toml`` ``[[sources]] channel``, else its kind), when a run reads several
    channel: str | None = None

    @property
    def where(self) -> tuple[str | None, str, int]:
        """The row the problem is on: (SOURCE in a run over several, tab, sheet row)."""
        return (self.source, self.tab, self.row)
