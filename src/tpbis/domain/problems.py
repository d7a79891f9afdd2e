"""Data problems found while reading submitted rows (SPEC §3.1)."""

from __future__ import annotations

import enum

import attrs

__all__ = ["Problem", "Severity"]


class Severity(enum.Enum):
    """An error rejects the row; a warning never does."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen(kw_only=True)
class Problem:
    """One problem of one row, with messages in Indonesian and English."""

    row: int
    column: str
    code: str
    severity: Severity
    message_id: str
    message_en: str
    value: str
    tab: str = ""
    #: the Forms API response id of the row, when it came from the Forms API
    response_id: str | None = None

    def message(self, lang: str = "id") -> str:
        """The message in ``lang`` (``id`` or ``en``)."""
        return self.message_en if lang == "en" else self.message_id
