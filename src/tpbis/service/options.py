"""How to read a source: one frozen value every command passes down to parsing and sync."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from tpbis.parsing.registry import REGISTRY_TAB
from tpbis.parsing.rows import DEFAULT_TIMEZONE

__all__ = ["ReadOptions"]


def _frozen_columns(value: Mapping[str, str] | None) -> Mapping[str, str]:
    return dict(value or {})


@attrs.frozen(kw_only=True)
class ReadOptions:
    """What reading responses needs besides the tables themselves.

    Args:
        sheet_timezone: zone of timestamps without an offset; ``None`` when no
            flag, variable or ``tpbis.toml`` set it, so the spreadsheet's own
            zone (when the source has one) and then ``Asia/Jakarta`` apply.
        day_first: read an ambiguous ``1/2/2024`` as 1 February.
        columns: header title → field overrides (``tpbis.toml`` ``[columns]``).
        responses_tab: the responses tab (``None``: detected).
        registry_tab: the registry tab.
    """

    sheet_timezone: str | None = None
    day_first: bool = True
    columns: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_columns)
    responses_tab: str | None = None
    registry_tab: str = REGISTRY_TAB

    def timezone(self, spreadsheet: str | None = None) -> str:
        """The zone to read naive timestamps in: the setting, else the spreadsheet's, else the default."""
        return self.sheet_timezone or spreadsheet or DEFAULT_TIMEZONE
