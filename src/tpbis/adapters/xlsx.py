"""XLSX workbooks (a Google Sheets or Forms export) read with openpyxl."""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tpbis.domain.rubric import Color
from tpbis.errors import SourceError
from tpbis.parsing.table import Cell, Table
from tpbis.service.workbook import OutputTab, WorkbookInfo

__all__ = ["XlsxWorkbook", "read_workbook"]


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
    try:
        return {sheet.title: _table(sheet) for sheet in workbook.worksheets}
    finally:
        workbook.close()


def _table(sheet: Any) -> Table:
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, ())
    data: list[tuple[Cell, ...]] = list(rows)
    return Table(name=sheet.title, header=tuple("" if h is None else str(h) for h in header), rows=data)


#: Traffic-light fills as ARGB (the same light colours the Sheets adapter uses).
_FILLS = {Color.HIJAU: "FFB7E1CD", Color.KUNING: "FFFCE8B2", Color.MERAH: "FFF4C7C3"}


class XlsxWorkbook:
    """An XLSX file behind the workbook port (``tpbis sync FILE.xlsx``).

    Output tabs are rewritten in memory and the file is saved to a temporary
    file beside the target, then renamed over it, so an interrupted write
    leaves the previous file whole.

    Args:
        path: the workbook to read.
        output: where to save (default: ``path`` itself).
    """

    def __init__(self, path: str | Path, output: str | Path | None = None) -> None:
        self.path = Path(path)
        self.output = Path(output) if output is not None else self.path
        if not self.path.exists():
            raise SourceError.from_catalogue("error.file_not_found", path=str(self.path))
        openpyxl = _openpyxl()
        try:
            self._book = openpyxl.load_workbook(self.path)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
            raise SourceError.from_catalogue("error.unreadable_xlsx", path=str(self.path), reason=str(exc)) from None

    def info(self) -> WorkbookInfo:
        """The name of the file written and the tab names (XLSX files carry no time zone)."""
        return WorkbookInfo(title=self.output.name, tabs=tuple(self._book.sheetnames))

    def read(self, tabs: Sequence[str]) -> dict[str, Table]:
        """The named tabs that exist."""
        return {name: _table(self._book[name]) for name in tabs if name in self._book.sheetnames}

    def write(self, tabs: Sequence[OutputTab]) -> int:
        """Replace each tab whole (same position), then save atomically."""
        from openpyxl.styles import Font, PatternFill

        book = self._book
        bold = Font(bold=True)
        fills = {color: PatternFill(fill_type="solid", start_color=argb, end_color=argb) for color, argb in _FILLS.items()}
        for tab in tabs:
            index = None
            if tab.name in book.sheetnames:
                index = book.sheetnames.index(tab.name)
                book.remove(book[tab.name])
            sheet = book.create_sheet(tab.name, index)
            for row in tab.grid():
                sheet.append(list(row))
            for cell in sheet[1]:
                cell.font = bold
            for r, c, color in tab.fills:
                sheet.cell(row=r + 2, column=c + 1).fill = fills[color]
            sheet.freeze_panes = "A2"
            sheet.sheet_state = "hidden" if tab.hidden else "visible"
        target = self.output
        handle, temp = tempfile.mkstemp(suffix=".xlsx", dir=target.parent, prefix=f".{target.stem}-")
        os.close(handle)
        try:
            book.save(temp)
            Path(temp).replace(target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return 1
