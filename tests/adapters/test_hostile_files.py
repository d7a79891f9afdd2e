"""Malformed and hostile ``.xlsx`` files: each is read or refused with one SourceError, fast and small.

Every case is generated here (small, deterministic). The bounds a case must
stay within: 10 seconds and a tracemalloc peak of 200 MB, for both
``read_workbook`` and ``XlsxWorkbook``.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tpbis.adapters.xlsx import Limits, XlsxWorkbook, read_workbook
from tpbis.errors import SourceError

SECONDS = 10.0
PEAK_BYTES = 200 * 1024 * 1024

SHEET = "xl/worksheets/sheet1.xml"
MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def base_package() -> bytes:
    """A minimal valid workbook: one tab 'Data' with a header and one row."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0"?><workbook {MAIN} '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
            "</Relationships>"
        ),
        SHEET: sheet(
            '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>Ani</t></is></c></row>'
        ),
    }
    return package(parts)


def sheet(rows: str, head: str = "") -> str:
    """A worksheet part around ``rows``."""
    return f'<?xml version="1.0"?>{head}<worksheet {MAIN}>{{dim}}<sheetData>{rows}</sheetData></worksheet>'.replace(
        "{dim}", ""
    )


def package(parts: dict[str, str | bytes]) -> bytes:
    """Zip ``parts`` (deflated) into package bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def replaced(**changes: str | bytes | None) -> bytes:
    """The base package with parts replaced (``None`` removes one); names use ``__`` for ``/``."""
    with zipfile.ZipFile(io.BytesIO(base_package())) as archive:
        parts: dict[str, str | bytes] = {name: archive.read(name) for name in archive.namelist()}
    for key, data in changes.items():
        name = {"sheet": SHEET, "workbook": "xl/workbook.xml", "rels": "xl/_rels/workbook.xml.rels"}.get(key, key)
        if data is None:
            parts.pop(name, None)
        else:
            parts[name] = data
    return package(parts)


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + f"]><worksheet {MAIN}><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol9;</t></is></c>"
    "</row></sheetData></worksheet>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    f'<worksheet {MAIN}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&secret;</t></is></c></row>'
    "</sheetData></worksheet>"
)


def zip_bomb() -> bytes:
    """A sheet part of 60 MB of spaces (about 60 KB compressed): 1000:1."""
    return replaced(sheet=sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>') + " " * 60_000_000)


CASES: dict[str, Callable[[], bytes]] = {
    "truncated zip": lambda: base_package()[: len(base_package()) // 2],
    "corrupt XML": lambda: replaced(sheet="<worksheet><sheetData><row r='1'><c>"),
    "corrupt workbook XML": lambda: replaced(workbook="<workbook><sheets>"),
    "billion laughs": lambda: replaced(sheet=LAUGHS),
    "billion laughs in workbook.xml": lambda: replaced(workbook=LAUGHS.replace("worksheet", "workbook")),
    "external entity": lambda: replaced(sheet=XXE),
    "zip bomb": zip_bomb,
    "sparse dimension": lambda: replaced(sheet=sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
    ).replace("<sheetData>", '<dimension ref="A1:XFD1048576"/><sheetData>')),
    "one cell at XFD1048576": lambda: replaced(sheet=sheet('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')),
    "a value in the last row": lambda: replaced(sheet=sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row><row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    )),
    "50,000 empty styled cells": lambda: replaced(sheet=sheet("".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}" s="1"/>' for c in "ABCDEFGHIJ") + "</row>" for r in range(1, 5_001)
    ))),
    "row number beyond the limit": lambda: replaced(sheet=sheet('<row r="99999999"><c r="A99999999"><v>1</v></c></row>')),
    "huge cell": lambda: replaced(sheet=sheet(f'<row r="1"><c r="A1" t="inlineStr"><is><t>{"x" * 60_000}</t></is></c></row>')),
    "bad shared string index": lambda: replaced(sheet=sheet('<row r="1"><c r="A1" t="s"><v>7</v></c></row>')),
    "CSV renamed .xlsx": lambda: b"nama,kabupaten\nAni,Batam\n",
    "HTML page": lambda: b"<!DOCTYPE html><html><body>Sign in to continue</body></html>",
    "empty file": lambda: b"",
    "missing sheet part": lambda: replaced(sheet=None),
    "missing workbook part": lambda: replaced(workbook=None),
    "missing workbook rels": lambda: replaced(rels=None),
}


def _bounded(action: Callable[[], object]) -> tuple[str, float, int]:
    """Run ``action``: 'read' or 'refused' (SourceError), the seconds it took and the tracemalloc peak."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        action()
        outcome = "read"
    except SourceError:
        outcome = "refused"
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return outcome, elapsed, peak


def _read_all(path: Path) -> object:
    with XlsxWorkbook(path, lock_timeout=1) as book:
        return book.read(list(book.info().tabs))


#: What each case must give: read (the file is usable) or refused (one SourceError).
EXPECTED = {
    "sparse dimension": "read",
    "a value in the last row": "read",
    "50,000 empty styled cells": "read",
    "missing sheet part": "read",
    "missing workbook rels": "read",
}


class TestHostileFiles:
    """Each hostile file is read or refused with one SourceError, within 10 s and 200 MB."""

    @pytest.mark.parametrize("case", sorted(CASES))
    def test_read_workbook(self, case: str, tmp_path: Path) -> None:
        """read_workbook reads or refuses it, within the time and memory bounds."""
        path = tmp_path / "x.xlsx"
        path.write_bytes(CASES[case]())
        outcome, elapsed, peak = _bounded(lambda: read_workbook(path))
        assert (EXPECTED.get(case, "refused"), True, True) == (outcome, elapsed < SECONDS, peak < PEAK_BYTES)

    @pytest.mark.parametrize("case", sorted(CASES))
    def test_xlsx_workbook(self, case: str, tmp_path: Path) -> None:
        """XlsxWorkbook (the sync adapter) reads or refuses it, within the time and memory bounds."""
        path = tmp_path / "x.xlsx"
        path.write_bytes(CASES[case]())
        outcome, elapsed, peak = _bounded(lambda: _read_all(path))
        assert (EXPECTED.get(case, "refused"), True, True) == (outcome, elapsed < SECONDS, peak < PEAK_BYTES)

    def test_directory_named_xlsx(self, tmp_path: Path) -> None:
        """A folder called x.xlsx is one SourceError for both readers."""
        path = tmp_path / "x.xlsx"
        path.mkdir()
        for action in (lambda: read_workbook(path), lambda: _read_all(path)):
            with pytest.raises(SourceError, match=r"x\.xlsx"):
                action()

    def test_sparse_dimension_reads_content_only(self, tmp_path: Path) -> None:
        """A declared A1:XFD1048576 gives the one header cell, no padding and no rows."""
        path = tmp_path / "x.xlsx"
        path.write_bytes(CASES["sparse dimension"]())
        table = read_workbook(path)["Data"]
        assert (("name",), []) == (table.header, list(table.rows))

    def test_empty_styled_cells_are_not_rows(self, tmp_path: Path) -> None:
        """Cells without a value (only a style) make no rows and no columns."""
        path = tmp_path / "x.xlsx"
        path.write_bytes(CASES["50,000 empty styled cells"]())
        table = read_workbook(path)["Data"]
        assert ((), []) == (table.header, list(table.rows))

    def test_last_row_keeps_its_number(self, tmp_path: Path) -> None:
        """A value in row 1,048,576 is rows[1048574]; the rows before it are empty."""
        path = tmp_path / "x.xlsx"
        path.write_bytes(CASES["a value in the last row"]())
        rows = read_workbook(path)["Data"].rows
        assert (1_048_575, (1,), ()) == (len(rows), tuple(rows[-1]), tuple(rows[0]))

    def test_entities_are_never_expanded(self, tmp_path: Path) -> None:
        """The XXE case names the forbidden construct and leaks nothing from /etc/passwd."""
        path = tmp_path / "x.xlsx"
        path.write_bytes(CASES["external entity"]())
        with pytest.raises(SourceError) as caught:
            read_workbook(path)
        assert ("forbidden XML" in str(caught.value), "root:" in str(caught.value)) == (True, False)

    def test_total_size_limit(self, tmp_path: Path) -> None:
        """A package inflating past the total limit is refused before inflating."""
        path = tmp_path / "x.xlsx"
        path.write_bytes(base_package())
        with pytest.raises(SourceError, match="MB"):
            read_workbook(path, limits=Limits(uncompressed_bytes=200))

    def test_column_limit_message(self, tmp_path: Path) -> None:
        """A value past column 1,000 is refused with a message naming the limit."""
        path = tmp_path / "x.xlsx"
        path.write_bytes(CASES["one cell at XFD1048576"]())
        with pytest.raises(SourceError, match="1000"):
            read_workbook(path)
