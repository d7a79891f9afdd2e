"""Worksheet packages for the fast-reader tests: a package around given parts, and reading it both ways."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

from tpbis.adapters import _xlsx_fast as fast
from tpbis.adapters import _xlsx_read as reader
from tpbis.adapters._xlsx_read import Limits, Package, guarded, open_package
from tpbis.errors import SourceError

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"

#: cellXfs: 0 general, 1 a built-in date (14), 2 a date-time (22), 3 a custom date format, 4 a number format
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="0.00"/>'
    "</numFmts><cellXfs count=\"5\">"
    '<xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="22"/><xf numFmtId="164"/>'
    '<xf numFmtId="165"/></cellXfs></styleSheet>'
)


def package(sheet: bytes | str, strings: bytes | str | None = None, date1904: bool = False) -> bytes:
    """A package with one worksheet ``Data`` (``sheet``), styles with date formats and optional shared strings."""
    pr = '<workbookPr date1904="1"/>' if date1904 else ""
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Target="xl/workbook.xml" Type="{REL}/officeDocument"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">{pr}'
            '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{REL}/worksheet"/>'
            f'<Relationship Id="rId2" Target="styles.xml" Type="{REL}/styles"/>'
            f'<Relationship Id="rId3" Target="sharedStrings.xml" Type="{REL}/sharedStrings"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": STYLES,
        SHEET: sheet,
    }
    if strings is not None:
        parts[STRINGS] = strings
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _outcome(action: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        return ("read", guarded("x.xlsx", action))
    except SourceError as exc:
        return ("refused", type(exc).__name__, str(exc))


def read(data: bytes, use_fast: bool, limits: Limits = reader.DEFAULT_LIMITS) -> tuple[Any, ...]:
    """(header outcome, table outcome) of every worksheet, read with the fast reader on or off."""
    saved = reader.FAST
    reader.FAST = use_fast
    try:
        out: list[Any] = []
        for what in ("header", "table"):
            try:
                book = open_package(io.BytesIO(data), "x.xlsx", limits)
            except SourceError as exc:
                return ("refused at open", str(exc))
            for sheet in book.sheets:

                def action(book: Package = book, sheet: Any = sheet, what: str = what) -> Any:
                    if what == "header":
                        return book.header(sheet)
                    table = book.table(sheet)
                    return (table.name, table.header, [tuple(row) for row in table.rows])

                out.append(_outcome(action))
        return tuple(out)
    finally:
        reader.FAST = saved


def _strict(book: Package, part: str, read_part: Callable[[Package, Any], Iterator[Any]]) -> list[Any]:
    with book.archive.open(part) as stream:
        return list(read_part(book, stream))


def read_strictly(data: bytes, limits: Limits = reader.DEFAULT_LIMITS) -> tuple[Any, ...]:
    """The fast readers alone over every worksheet and the shared strings (``Decline`` propagates)."""
    book = open_package(io.BytesIO(data), "x.xlsx", limits)
    saved = reader.FAST
    reader.FAST = True
    try:
        strings = None
        if book._strings_part and book._strings_part in book.names:
            strings = _outcome(lambda: _strict(book, book._strings_part or "", fast.fast_strings))
        rows = [
            _outcome(lambda sheet=sheet: _strict(book, sheet.part or "", fast.fast_rows))
            for sheet in book.sheets if sheet.part in book.names
        ]
        return strings, rows
    finally:
        reader.FAST = saved


def assert_taken(data: bytes, limits: Limits = reader.DEFAULT_LIMITS) -> None:
    """The fast readers read every part without declining, and the result is the slow reader's."""
    read_strictly(data, limits)  # raises Decline when a part is declined
    assert read(data, True, limits) == read(data, False, limits)
