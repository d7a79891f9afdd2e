"""A new, empty ``.xlsx`` for a national output that does not exist yet (the roll-up's commit fills it)."""

from __future__ import annotations

from pathlib import Path

from tpbis.errors import SourceError
from tpbis.i18n import os_reason

__all__ = ["new_xlsx"]


def new_xlsx(path: Path, sheet: str) -> None:
    """Create ``path`` as a workbook with one empty tab named ``sheet``; an existing file is never replaced.

    Raises:
        SourceError: the file cannot be created (or appeared meanwhile).
    """
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    active = workbook.active
    assert active is not None
    active.title = sheet
    buffer = io.BytesIO()
    workbook.save(buffer)
    try:
        with path.open("xb") as handle:  # "x": never over a file that appeared meanwhile
            handle.write(buffer.getvalue())
    except OSError as exc:
        raise SourceError.from_catalogue("national.cannot_write", path=str(path), reason=os_reason(exc)) from None
