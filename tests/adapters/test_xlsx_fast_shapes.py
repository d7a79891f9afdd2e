"""The fast worksheet reader is taken (does not decline) for what real writers produce, with the slow result.

openpyxl (normal and write-only) files are written here; Excel, Google Sheets
download and LibreOffice parts are written as those programs write them; and
the workbooks the other adapter tests use are read too.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from tests.adapters.test_hostile_files import CASES
from tests.adapters.test_xlsx import rich_workbook
from tests.adapters.xlsx_shapes import MAIN, REL, SHEET, assert_taken, package, read, read_strictly

from tpbis.adapters import _xlsx_fast
from tpbis.adapters._xlsx_fast import Decline
from tpbis.adapters._xlsx_read import Limits

ROWS = [
    ("Cap waktu", "Nama Perpustakaan", "Tanggal", "Laki-laki", "Perempuan", "Catatan"),
    (dt.datetime(2024, 1, 2, 7, 15, 16), "Perpustakaan Desa Alang", dt.date(2024, 1, 2), 12, 7, "a & b <c>"),
    (dt.datetime(2024, 1, 3, 8, 0), "TBM Pelita", dt.date(2024, 1, 3), 0, 3.5, "  spasi  "),
    (dt.datetime(2024, 2, 29, 23, 59, 59), "Perpustakaan Kelurahan Sei Jang", None, None, 5, "baris\nbaru\r\nlagi"),
    (None, "日本語 😀", dt.date(1900, 3, 1), -4, 1e-3, True),
    ("=1+1", "'kutip", "2024-01-02", "007", "", False),
]


def _openpyxl(write_only: bool, rows: int = 1) -> bytes:
    book = openpyxl.Workbook(write_only=write_only)
    sheet = book.create_sheet("Data") if write_only else book.active
    if not write_only:
        sheet.title = "Data"
    for _ in range(rows):
        for row in ROWS:
            sheet.append(list(row))
    if not write_only:
        sheet.merge_cells("H1:I2")
        sheet["K9"] = "=A1"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("write_only", [False, True], ids=["normal", "write_only"])
def test_openpyxl(write_only: bool) -> None:
    """openpyxl's normal (shared strings, styles for dates) and write-only (inline strings) files."""
    data = _openpyxl(write_only)
    assert_taken(data)
    (_, header), (_, (_, _, rows)) = read(data, True)
    assert (header[1], rows[0][:2], rows[0][3]) == ("Nama Perpustakaan", ROWS[1][:2], 12)


@pytest.mark.parametrize("write_only", [False, True], ids=["normal", "write_only"])
def test_parts_larger_than_a_chunk(write_only: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sheets and shared strings read over many chunks (small chunks here) give the slow reader's rows."""
    monkeypatch.setattr(_xlsx_fast, "SHEET_CHUNK", 1000)
    monkeypatch.setattr(_xlsx_fast, "STRINGS_CHUNK", 700)
    assert_taken(_openpyxl(write_only, rows=60))


EXCEL_STRINGS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    f'<sst xmlns="{MAIN}" count="6" uniqueCount="5"><si><t>nama</t></si><si><t xml:space="preserve"> Ani </t></si>'
    '<si><r><rPr><b/><sz val="11"/><color theme="1"/><rFont val="Calibri"/><family val="2"/><scheme val="minor"/>'
    '</rPr><t>teks</t></r><r><rPr><sz val="11"/><color rgb="FFFF0000"/><rFont val="Calibri"/></rPr>'
    '<t xml:space="preserve"> kaya</t></r></si><si><t>日本</t><rPh sb="0" eb="2"><t>ニホン</t></rPh>'
    '<phoneticPr fontId="1"/></si><si><t>a &amp; b &lt;c&gt; &quot;d&quot;</t></si></sst>'
)
EXCEL_SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac xr xr2 xr3" '
    'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
    'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
    'xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2" '
    'xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3" '
    'xr:uid="{00000000-0001-0000-0000-000000000000}"><dimension ref="A1:E4"/><sheetViews>'
    '<sheetView tabSelected="1" workbookViewId="0"><selection activeCell="B3" sqref="B3"/></sheetView></sheetViews>'
    '<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/><cols><col min="1" max="1" width="18.7109375" '
    'customWidth="1"/></cols><sheetData>'
    '<row r="1" spans="1:5" x14ac:dyDescent="0.25"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>'
    '<row r="2" spans="1:5" x14ac:dyDescent="0.25"><c r="A2" s="2"><v>45292.302083333336</v></c><c r="B2"><v>12</v>'
    '</c><c r="C2"><f>B2*2</f><v>24</v></c><c r="D2" t="b"><v>1</v></c><c r="E2" t="e"><v>#DIV/0!</v></c></row>'
    '<row r="4" spans="1:5" ht="30" customHeight="1" x14ac:dyDescent="0.25"><c r="A4" s="1"><v>45292</v></c>'
    '<c r="B4" t="str"><f>"x"&amp;"y"</f><v>xy</v></c><c r="C4" s="3"/><c r="E4" s="4"><v>1.5</v></c></row>'
    '</sheetData><mergeCells count="1"><mergeCell ref="C4:D4"/></mergeCells>'
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    '<pageSetup paperSize="9" orientation="portrait" r:id="rId1"/></worksheet>'
)


def test_excel() -> None:
    """Excel's shape: spans and dyDescent on rows, s before t, formulas with cached values, rich shared strings."""
    assert_taken(package(EXCEL_SHEET, EXCEL_STRINGS))
    assert_taken(package(EXCEL_SHEET.replace("\r\n", "\n"), EXCEL_STRINGS), Limits(rows=3))


GOOGLE_SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<worksheet xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main" '
    'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
    'xmlns:mv="urn:schemas-microsoft-com:mac:vml" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:mx="http://schemas.microsoft.com/office/mac/excel/2008/main" '
    f'xmlns:r="{REL}" xmlns="{MAIN}"><sheetPr><outlinePr summaryBelow="0" summaryRight="0"/></sheetPr>'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1.0" topLeftCell="A2" activePane="bottomLeft" '
    'state="frozen"/><selection activeCell="B2" sqref="B2" pane="bottomLeft"/></sheetView></sheetViews>'
    '<sheetFormatPr customHeight="1" defaultColWidth="12.63" defaultRowHeight="15.75"/>'
    '<cols><col customWidth="1" min="1" max="6" width="18.88"/></cols><sheetData>'
    '<row r="1"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" s="1" t="s"><v>1</v></c></row>'
    '<row r="2"><c r="A2" s="2"><v>45292.30208333333</v></c><c r="B2" s="3" t="s"><v>2</v></c>'
    '<c r="C2" s="3"><v>7.0</v></c><c r="D2" s="4" t="inlineStr"><is><t>teks</t></is></c></row>'
    '<row r="3"><c r="A3" s="2"><v>45293.5</v></c><c r="B3" s="3" t="s"><v>3</v></c><c r="C3" s="3"/></row>'
    '</sheetData><drawing r:id="rId1"/></worksheet>'
)
GOOGLE_STRINGS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN}" count="4" uniqueCount="4">'
    "<si><t>Cap waktu</t></si><si><t>Nama</t></si><si><t>Perpustakaan Desa Alang</t></si>"
    '<si><t xml:space="preserve">TBM Pelita </t></si></sst>'
)


def test_google_download() -> None:
    """The .xlsx Google Sheets downloads: many namespaces on the root, shared strings, styled numbers."""
    assert_taken(package(GOOGLE_SHEET, GOOGLE_STRINGS))


LIBREOFFICE_SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}" '
    'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
    'xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><sheetPr filterMode="false">'
    '<pageSetUpPr fitToPage="false"/></sheetPr><dimension ref="A1:C3"/><sheetViews><sheetView showFormulas="false" '
    'showGridLines="true" tabSelected="true" zoomScale="100" workbookViewId="0"><selection pane="topLeft" '
    'activeCell="A1" activeCellId="0" sqref="A1"/></sheetView></sheetViews><sheetFormatPr defaultColWidth="11.53515625" '
    'defaultRowHeight="12.8" zeroHeight="false" outlineLevelRow="0" outlineLevelCol="0"></sheetFormatPr><cols>'
    '<col collapsed="false" customWidth="false" hidden="false" outlineLevel="0" max="1025" min="1" style="0" '
    'width="11.52"/></cols><sheetData>'
    '<row r="1" customFormat="false" ht="12.8" hidden="false" customHeight="false" outlineLevel="0" collapsed="false">'
    '<c r="A1" s="0" t="s"><v>0</v></c><c r="B1" s="0" t="s"><v>1</v></c><c r="C1" s="0" t="s"><v>2</v></c></row>'
    '<row r="2" customFormat="false" ht="12.8" hidden="false" customHeight="false" outlineLevel="0" collapsed="false">'
    '<c r="A2" s="1" t="n"><v>45292</v></c><c r="B2" s="0" t="n"><v>12</v></c><c r="C2" s="0" t="str">'
    '<f aca="false">B2*2</f><v>24</v></c></row>'
    '<row r="3" customFormat="false" ht="12.8" hidden="false" customHeight="false" outlineLevel="0" collapsed="false">'
    '<c r="A3" s="2" t="n"><v>45292.75</v></c><c r="B3" s="0" t="b"><v>0</v></c></row></sheetData>'
    '<printOptions headings="false" gridLines="false" gridLinesSet="true" horizontalCentered="false" '
    'verticalCentered="false"/><pageMargins left="0.7875" right="0.7875" top="1.05277777777778" '
    'bottom="1.05277777777778" header="0.7875" footer="0.7875"/><pageSetup paperSize="9" scale="100" '
    'orientation="portrait" r:id="rId1"/><headerFooter differentFirst="false" differentOddEven="false">'
    "<oddHeader>&amp;C&amp;&quot;Times New Roman,Regular&quot;&amp;12&amp;A</oddHeader></headerFooter></worksheet>"
)
LIBREOFFICE_STRINGS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN}" count="3" uniqueCount="3">'
    '<si><t xml:space="preserve">Tanggal</t></si><si><t xml:space="preserve">Jumlah</t></si>'
    '<si><t xml:space="preserve">Dua kali</t></si></sst>'
)


def test_libreoffice() -> None:
    """LibreOffice's shape: many row attributes, t="n" written out, formulas with aca, xml:space everywhere."""
    assert_taken(package(LIBREOFFICE_SHEET, LIBREOFFICE_STRINGS))


def test_prefixed_and_bom() -> None:
    """A part with the spreadsheetml elements under a prefix, and a part with a byte-order mark."""
    prefixed = (
        f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>h</x:t>'
        '</x:is></x:c><x:c r="B1"><x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    assert_taken(package(prefixed))
    assert_taken(package(b"\xef\xbb\xbf" + EXCEL_SHEET.encode(), EXCEL_STRINGS))


@pytest.mark.parametrize("case", [
    "sparse dimension", "one cell at XFD1048576", "a value in the last row", "50,000 empty styled cells",
    "row number beyond the limit", "huge cell", "bad shared string index",
])
def test_hostile_files_cases(case: str) -> None:
    """The workbooks of test_hostile_files that are well-formed: read (or refused) by the fast reader itself."""
    assert_taken(CASES[case]())


def test_rich_workbook(tmp_path: Path) -> None:
    """test_xlsx's workbook with a chart, an image, data validation and formulas with cached values."""
    path = tmp_path / "rich.xlsx"
    rich_workbook(path)
    assert_taken(path.read_bytes())


def test_kobo_export() -> None:
    """The KoboToolbox export used by the export tests."""
    assert_taken((Path(__file__).parent / "exports" / "kobo_labels.xlsx").read_bytes())


@pytest.mark.parametrize("snippet", [
    "<!-- c -->", "<?pi x?>", "<![CDATA[1]]>", "<extra/>", "&bogus;", "\x01", '<c xmlns="urn:x"/>',
])
def test_declines_what_it_does_not_understand(snippet: str) -> None:
    """A comment, PI, CDATA, unknown element, unknown entity, control character or namespace in the data declines."""
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></c>{snippet}</row></sheetData></worksheet>'
    data = package(sheet)
    with pytest.raises(Decline):
        read_strictly(data)
    assert read(data, True) == read(data, False)


def test_dtd_is_still_refused() -> None:
    """A part with a DTD is declined by the fast reader and refused by the slow one, as before."""
    sheet = f'<?xml version="1.0"?><!DOCTYPE x><worksheet xmlns="{MAIN}"><sheetData/></worksheet>'
    data = package(sheet)
    with pytest.raises(Decline):
        read_strictly(data)
    outcome = read(data, True)
    assert (outcome[0][0], "forbidden XML construct" in outcome[0][2]) == ("refused", True)


def test_members_unchanged_by_reading() -> None:
    """Sanity: the package helper writes what it is given (the sheet part read back byte for byte)."""
    with zipfile.ZipFile(io.BytesIO(package(EXCEL_SHEET, EXCEL_STRINGS))) as archive:
        assert archive.read(SHEET).decode() == EXCEL_SHEET


def test_long_unusual_cell_is_not_read_one_character_at_a_time() -> None:
    """A cell the usual pattern does not take, holding a long text the slow reader ignores (here a 1 MB formula),
    is read in memory about its own size (found by the hostile review: one regex match per character, ~1 GB
    and 6 s for 9 MB where the slow reader took 0.1 s)."""
    import tracemalloc

    text = "a" * (1024 * 1024)
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1"><f>{text}</f><v>1</v></c></row>' \
            "</sheetData></worksheet>"
    data = package(sheet)
    tracemalloc.start()
    try:
        assert read_strictly(data) == (None, [("read", [(1, (1,))])])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 30 * len(text)
    assert read(data, True) == read(data, False)


@pytest.mark.parametrize("prefix", ["", "x", "p" * 100, "q" * 101])
def test_sheet_data_tag_across_a_read(prefix: str) -> None:
    """``<sheetData>`` found wherever it falls against the 64 KB reads (the search resumes near the end of what it
    read); a prefix longer than 100 characters declines."""
    colon = f"{prefix}:" if prefix else ""
    declaration = f' xmlns:{prefix}="{MAIN}"' if prefix else ""
    for shift in (*range(0, 140, 7), 250, 300):
        head = f'<{colon}worksheet{declaration}><{colon}sheetPr codeName="'
        padding = 64 * 1024 - shift - len(head) - len('"/>')
        sheet = (f'{head}{"a" * padding}"/><{colon}sheetData><{colon}row r="1"><{colon}c><{colon}v>1</{colon}v>'
                 f"</{colon}c></{colon}row></{colon}sheetData></{colon}worksheet>")
        data = package(sheet)
        if len(prefix) > 100:
            with pytest.raises(Decline):
                read_strictly(data)
        else:
            assert read_strictly(data) == (None, [("read", [(1, (1,))])])
        assert read(data, True) == read(data, False)


@pytest.mark.parametrize(("formulas", "plain", "declined"), [(1100, 100, True), (1100, 9000, False), (900, 0, False)])
def test_a_part_mostly_read_one_element_at_a_time_declines(formulas: int, plain: int, declined: bool) -> None:
    """Cells outside the usual shapes (here formulas) are read one element at a time, 2.5 times slower than
    ElementTree (found by the hostile review): past 1,000 of them, a part where they are more than a quarter of the
    cells declines."""
    cells = [f"<c><v>{i}</v></c>" for i in range(plain)] + [f"<c><f>A1*2</f><v>{i}</v></c>" for i in range(formulas)]
    rows = "".join(f'<row r="{n + 1}">{"".join(cells[n * 10: n * 10 + 10])}</row>' for n in range(len(cells) // 10))
    data = package(f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>')
    if declined:
        with pytest.raises(Decline):
            read_strictly(data)
    else:
        read_strictly(data)
    assert read(data, True) == read(data, False)


@pytest.mark.parametrize("part", ["sheet", "strings"])
def test_a_row_or_string_longer_than_item_chars_declines(part: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A row (or shared string) is held whole while it is read: one longer than ``ITEM_CHARS`` declines, so memory
    stays bounded (found by the hostile review: a valid row of 150 MB was held whole)."""
    monkeypatch.setattr(_xlsx_fast, "ITEM_CHARS", 50_000)
    monkeypatch.setattr(_xlsx_fast, "SHEET_CHUNK", 10_000)
    monkeypatch.setattr(_xlsx_fast, "STRINGS_CHUNK", 10_000)
    long_row = "".join(f"<c><v>{i}</v></c>" for i in range(8000)) if part == "sheet" else "<c><v>1</v></c>"
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{long_row}</row><row r="2"><c t="s"><v>0</v></c></row>' \
            "</sheetData></worksheet>"
    strings = f'<sst xmlns="{MAIN}"><si><t>{"é" * (60_000 if part == "strings" else 10)}</t></si></sst>'
    data = package(sheet, strings)
    with pytest.raises(Decline):
        read_strictly(data)
    assert read(data, True) == read(data, False)
