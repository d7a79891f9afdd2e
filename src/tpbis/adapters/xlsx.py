"""XLSX workbooks (a Google Sheets or Forms export) read with openpyxl."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from tpbis.errors import SourceError
from tpbis.parsing.table import Cell, Table

__all__ = ["read_workbook"]


def _openpyxl() -> Any:  # openpyxl has no type hints
    try:
        import openpyxl
    except ImportError:
        raise SourceError.from_catalogue("error.missing_extra", extra="xlsx") from None
    return openpyxl


def read_workbook(path: str | Path) -> dict[str, Table]:
    """Read every tab of a workbook as a table (first row = header), in tab order.

    Raises:
        SourceError: the file is missing or is not a readable XLSX workbook.
    """
    path = Path(path)
    if not path.exists():
        raise SourceError.from_catalogue("error.file_not_found", path=str(path))
    openpyxl = _openpyxl()
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise SourceError.from_catalogue("error.unreadable_xlsx", path=str(path), reason=str(exc)) from None
    tables: dict[str, Table] = {}
    try:
        for sheet in workbook.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = next(rows, ())
            data: list[tuple[Cell, ...]] = list(rows)
            tables[sheet.title] = Table(
                name=sheet.title,
                header=tuple("" if h is None else str(h) for h in header),
                rows=data,
            )
    finally:
        workbook.close()
    return tables
