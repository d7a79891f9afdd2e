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


def corrupted(data: bytes, member: str, garbage: bytes = b"\xff" * 16) -> bytes:
    """``data`` with the start of ``member``'s compressed bytes overwritten (the zip directory intact)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    return data[:start + 2] + garbage + data[start + 2 + len(garbage):]


def lzma_package() -> bytes:
    """The base package with every member LZMA-compressed."""
    with zipfile.ZipFile(io.BytesIO(base_package())) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_LZMA) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return buffer.getvalue()


def encrypted(data: bytes) -> bytes:
    """``data`` with every member flagged as encrypted (general purpose bit 0), as a password-protected zip is."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = out.find(signature)
        while position >= 0:
            out[position + offset] |= 1
            position = out.find(signature, position + 4)
    return bytes(out)


UTF16_ENTITY = (
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e "INJECTED-BY-DTD">]>'
    f'<worksheet {MAIN}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row>'
    "</sheetData></worksheet>"
)


class TestHostileFindings:
    """Regression tests for the hostile-file report (F3–F21): one SourceError, never a traceback."""

    def _refused(self, tmp_path: Path, data: bytes, match: str = "x\\.xlsx") -> SourceError:
        path = tmp_path / "x.xlsx"
        path.write_bytes(data)
        with pytest.raises(SourceError, match=match) as first:
            read_workbook(path)
        with pytest.raises(SourceError, match=match):
            _read_all(path)
        from tpbis.adapters.sources import detect_kind

        with pytest.raises(SourceError, match=match):
            detect_kind(path)
        return first.value

    def test_corrupt_deflate_in_workbook_part(self, tmp_path: Path) -> None:
        """F5: a corrupt deflate stream in xl/workbook.xml (zlib.error) is one SourceError."""
        assert 2 == self._refused(tmp_path, corrupted(base_package(), "xl/workbook.xml")).exit_code

    def test_corrupt_lzma_member(self, tmp_path: Path) -> None:
        """F6: a corrupt LZMA member (lzma.LZMAError) is one SourceError."""
        assert 2 == self._refused(tmp_path, corrupted(lzma_package(), "xl/workbook.xml", b"\x00" * 40)).exit_code

    def test_encrypted_members(self, tmp_path: Path) -> None:
        """F9: members flagged encrypted are one SourceError."""
        assert 2 == self._refused(tmp_path, encrypted(base_package())).exit_code

    @pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
    def test_utf16_without_bom_cannot_hide_a_dtd(self, codec: str, tmp_path: Path) -> None:
        """F10: a worksheet in UTF-16 without a byte-order mark is checked for a DTD like any other."""
        error = self._refused(tmp_path, replaced(sheet=UTF16_ENTITY.encode(codec)), "forbidden XML")
        assert "INJECTED" not in str(error)

    def test_empty_cells_and_merges_cost_no_memory(self, tmp_path: Path) -> None:
        """F11: 400,000 empty styled cells in one row and 100,000 merged ranges stay under 16 MB (tracemalloc peak)."""
        rows = (
            '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row><row r="2">'
            + '<c s="1"/>' * 400_000 + '</row><row r="3"><c r="A3" t="inlineStr"><is><t>Ani</t></is></c></row>'
        )
        merges = "<mergeCells>" + '<mergeCell ref="B5:C6"/>' * 100_000 + "</mergeCells>"
        path = tmp_path / "x.xlsx"
        path.write_bytes(replaced(sheet=sheet(rows).replace("</sheetData>", "</sheetData>" + merges)))
        outcome, _, peak = _bounded(lambda: read_workbook(path))
        table = read_workbook(path)["Data"]
        assert ("read", True, ("name",), [(), ("Ani",)]) == (
            outcome, peak < 16 * 1024 * 1024, table.header, [tuple(r) for r in table.rows]
        )

    def test_unused_shared_strings_are_not_parsed(self, tmp_path: Path) -> None:
        """F8: shared strings are read only as far as a cell uses them (found through the rels, no content type)."""
        strings = (
            f'<?xml version="1.0"?><sst {MAIN}><si><t>name</t></si><si><t>Ani</t></si>'
            + "<si><t>unused</t></si>" * 200_000 + "</sst>"
        )
        rels = (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
            '<Relationship Id="rId2" Target="sharedStrings.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
            "</Relationships>"
        )
        rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>'
        path = tmp_path / "x.xlsx"
        path.write_bytes(replaced(sheet=sheet(rows), rels=rels, **{"xl/sharedStrings.xml": strings}))
        outcome, _, peak = _bounded(lambda: read_workbook(path))
        table = read_workbook(path)["Data"]
        assert ("read", True, ("name",), [("Ani",)]) == (
            outcome, peak < 4 * 1024 * 1024, table.header, [tuple(r) for r in table.rows]
        )

    def test_part_name_case_differs_from_its_target(self, tmp_path: Path) -> None:
        """F17: a relationship to worksheets/Sheet1.xml finds xl/worksheets/sheet1.xml (OPC names ignore case)."""
        with zipfile.ZipFile(io.BytesIO(base_package())) as archive:
            rels = archive.read("xl/_rels/workbook.xml.rels").decode().replace("sheet1.xml", "Sheet1.XML")
        path = tmp_path / "x.xlsx"
        path.write_bytes(replaced(rels=rels))
        assert ("name",) == read_workbook(path)["Data"].header

    def test_wide_unrelated_tab_is_named_and_skippable(self, tmp_path: Path) -> None:
        """F19: the column limit names the tab, and reading only other tabs is not refused."""
        wide = sheet('<row r="1"><c r="ATF1"><v>1</v></c></row>')
        with zipfile.ZipFile(io.BytesIO(base_package())) as archive:
            parts: dict[str, str | bytes] = {n: archive.read(n) for n in archive.namelist()}
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(  # type: ignore[union-attr]
            b"</sheets>", b'<sheet name="Lebar" sheetId="2" r:id="rId2"/></sheets>'
        )
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(  # type: ignore[union-attr]
            b"</Relationships>",
            b'<Relationship Id="rId2" Target="worksheets/sheet2.xml" '
            b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>',
        )
        parts["xl/worksheets/sheet2.xml"] = wide
        path = tmp_path / "x.xlsx"
        path.write_bytes(package(parts))
        with pytest.raises(SourceError, match="'Lebar'"):
            read_workbook(path)
        assert ["Data"] == list(read_workbook(path, tabs=["Data"]))

    @pytest.mark.parametrize("content", [b"", b"<!DOCTYPE html><html><body>Sign in</body></html>"])
    def test_not_a_zip_named_xlsx_is_not_read_as_csv(self, content: bytes, tmp_path: Path) -> None:
        """F16: an empty file or a web page named .xlsx is 'not an XLSX file', not a CSV error."""
        from tpbis.adapters.sources import detect_kind

        path = tmp_path / "x.xlsx"
        path.write_bytes(content)
        with pytest.raises(SourceError, match="bukan berkas XLSX"):
            detect_kind(path)

    def test_detection_refuses_a_shared_strings_bomb_fast(self, tmp_path: Path) -> None:
        """F3: kind detection uses the bounded reader: a sharedStrings bomb is refused at once."""
        from tpbis.adapters.sources import detect_kind

        bomb = f'<?xml version="1.0"?><sst {MAIN}>' + "<si><t>x</t></si>" * 2_000_000 + "</sst>"
        path = tmp_path / "x.xlsx"
        path.write_bytes(replaced(**{"xl/sharedStrings.xml": bomb}))
        outcome, elapsed, _ = _bounded(lambda: detect_kind(path))
        assert ("refused", True) == (outcome, elapsed < SECONDS)


class TestZipExports:
    """F4/F9: an ODK .csv.zip is checked like an XLSX package."""

    def _export(self, tmp_path: Path, data: bytes) -> SourceError:
        from tpbis.adapters.exports import read_export

        path = tmp_path / "odk.csv.zip"
        path.write_bytes(data)
        with pytest.raises(SourceError) as caught:
            read_export(path)
        return caught.value

    @staticmethod
    def _zip(text: str, method: int = zipfile.ZIP_DEFLATED) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", method) as archive:
            archive.writestr("form.csv", text)
        return buffer.getvalue()

    def test_zip_bomb_is_refused_before_inflating(self, tmp_path: Path) -> None:
        """A 30 MB CSV of one repeated line (over 100:1) is refused, fast and small."""
        data = self._zip("SubmissionDate,KEY\n" + "2024-09-01,uuid:1\n" * 1_700_000)
        _, elapsed, peak = _bounded(lambda: self._export(tmp_path, data))
        assert (True, True) == (elapsed < SECONDS, peak < 16 * 1024 * 1024)

    def test_corrupt_and_encrypted_members(self, tmp_path: Path) -> None:
        """Corrupt deflate data and an encrypted member are each one SourceError (exit 2)."""
        good = self._zip("SubmissionDate,KEY\n2024-09-01,uuid:1\n" * 50)
        errors = [self._export(tmp_path, corrupted(good, "form.csv")), self._export(tmp_path, encrypted(good))]
        assert [2, 2] == [e.exit_code for e in errors]
