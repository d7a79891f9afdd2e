"""Hostile CSV files through the columnar fast path: the engine's result is the row path's, or it steps aside.

Each test writes a file the way users' files come (Excel and Google Sheets
saves, hand edits, concatenated downloads), reads it with the engine
(pyarrow) and row by row, and asserts the same counts, problems, activities,
KPI and award tallies. Record batches are made small so that every file spans
many of them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tpbis.adapters.csvfile as csvfile
import tpbis.parsing.rows as rows_module
from tpbis.adapters.csvfile import read_csv_table
from tpbis.domain.awards import award_tally
from tpbis.domain.kpi import tally
from tpbis.domain.period import Period
from tpbis.parsing import _columnar
from tpbis.parsing.mapping import Field
from tpbis.parsing.rows import ParseResult, parse_responses
from tpbis.parsing.table import Table
from tpbis.testing.builders import RESPONSE_FIELDS, responses_table

pa = pytest.importorskip("pyarrow")

from tests.parsing.test_columnar import assert_same  # noqa: E402
from tests.parsing.test_fast_path import REGISTRY, RUBRIC  # noqa: E402

#: Small record batches: every test file spans several (users' files span 4 MB ones).
BLOCK = 1 << 11


@pytest.fixture(autouse=True)
def _small_files_and_batches() -> Iterator[None]:
    with mock.patch.object(csvfile, "ENGINE_MIN_BYTES", 0), mock.patch.object(csvfile, "_BLOCK_BYTES", BLOCK):
        yield


HEADER = list(responses_table([]).header)
AT = {field: i for i, field in enumerate(RESPONSE_FIELDS)}


def _row(n: int, **cells: str) -> list[str]:
    """A clean row (its fields chosen from ``n``), with any cell replaced by field name."""
    day = 1 + n % 27
    row = [""] * len(HEADER)
    values = {
        Field.REPORTED_AT: f"{day:02d}/03/2024 10:{n % 60:02d}:00", Field.LIBRARY: "Perpustakaan Desa Teluk Bakau",
        Field.DATE: f"{day:02d}/03/2024", Field.TITLE: f"Kegiatan {n}", Field.KIND: "promosi",
        Field.PARTICIPANTS_MALE: str(n % 9), Field.PARTICIPANTS_FEMALE: str(n % 7),
    }
    values.update({Field(name): value for name, value in cells.items()})
    for field, value in values.items():
        row[AT[field]] = value
    return row


def _csv_text(rows: list[list[str]], *, delimiter: str = ",", newline: str = "\r\n") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


def _parse(table: Table, *, engine: bool, **options: object) -> tuple[ParseResult, int]:
    """The parse, and how many record batches the engine checked (0: it was not used)."""
    seen: list[int] = []
    original = _columnar.clean_batch

    def spy(batch, *args):  # type: ignore[no-untyped-def]
        seen.append(batch.num_rows)
        return original(batch, *args)

    with mock.patch.object(rows_module, "_ENGINE", engine), mock.patch.object(_columnar, "clean_batch", spy):
        return parse_responses(table, REGISTRY, RUBRIC, **options), len(seen)  # type: ignore[arg-type]


def both_ways(path: Path, period: str = "2024", delimiter: str | None = None, **options: object) -> ParseResult:
    """The file read with and without the engine: the same result, down to the award and KPI tallies."""
    engine, _ = _parse(read_csv_table(path, delimiter=delimiter), engine=True, **options)
    rows, batches = _parse(read_csv_table(path, delimiter=delimiter), engine=False, **options)
    assert batches == 0
    assert_same(rows, engine)
    when = Period.parse(period)
    built = tuple(rows.activities)
    assert engine.activities.award_tally(when) == award_tally(built, when)  # type: ignore[attr-defined]
    assert engine.activities.award_tally(None) == award_tally(built, None)  # type: ignore[attr-defined]
    assert tally(engine.activities, when) == tally(built, when)
    return engine


def _arrow_rows(path: Path) -> list[list[str]] | None:
    """The file's data rows as the engine reads them, or None when it refuses the file."""
    table = read_csv_table(path)
    batches = table.rows.record_batches(len(table.header))  # type: ignore[attr-defined]
    assert batches is not None
    try:
        return [list(r) for b in batches for r in zip(*(c.to_pylist() for c in b.columns), strict=True)]
    except Exception:  # the parser then reads the file row by row
        return None


def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [row + [""] * (len(HEADER) - len(row)) for row in list(csv.reader(handle))[1:]]


class TestBlockBoundaries:
    """pyarrow reads a file a block at a time; a record may span two blocks."""

    @pytest.mark.parametrize("inside", ["\r\n", "\r\n\n", "\r\r\n"])
    def test_line_break_in_a_cell_across_blocks(self, tmp_path: Path, inside: str) -> None:
        """A CRLF inside a quoted cell, split by a block boundary: pyarrow drops the LF; the engine must step aside."""
        title = f"Lomba mewarnai{inside}dan mendongeng"
        rows = [_row(n) for n in range(60)] + [_row(60, title=title), _row(60, title=title)]  # a duplicate
        text = _csv_text(rows)
        cut = text.index("\r", text.rindex("Lomba")) + 1  # just after the first CR of the duplicate's title
        pad = BLOCK * (cut // BLOCK + 1) - cut  # move that CR to the end of a block
        rows[0][AT[Field.TITLE]] += "x" * pad
        path = tmp_path / "multiline.csv"
        path.write_bytes(_csv_text(rows).encode())
        assert path.read_bytes()[BLOCK * (cut // BLOCK + 1) - 1:][:2] == b"\r" + inside[1:2].encode()
        found = _arrow_rows(path)
        assert found is None or found == _csv_rows(path)
        engine = both_ways(path)
        assert [p.value for p in engine.problems if p.code == "activity.duplicate"] == [title]


ANY = ["", " ", '"', '"dikutip"', "a,b", "a;b", "baris\nbaru", "baris\r\nbaru", "tab\tdi sini", "\x00", "é", "=SUM(A1:A2)",
       '=HYPERLINK("https://a.id")', "+62812", "@warga", "#N/A", "-", "x" * 300, "\ufeff", "\u00a0"]
HOSTILE = {
    Field.REPORTED_AT: ["2024-03-06 10:00:00", "2024-03-06T10:00:00+07:00", "6/3/2024 10:00", "06/03/2024 9:00:00",
                        "06/03/2024 24:00:00", " 06/03/2024 10:00:00", "06/03/2024  10:00:00", "06/03/2024 10:00:00.5"],
    Field.LIBRARY: ["TBM Pelita", "perpustakaan desa TELUK-bakau ", "Perpustakaan Desa Kembar", "Perpus Entah",
                    "Perpustakaan Desa Harapan", "desa-bali"],
    Field.DATE: ["2024-03-05", "5/3/2024", "05-03-2024", "5 Maret 2024", "5 Mar 2024", "45356", "31/02/2024",
                 "01/01/2017", "06/03/2025"],
    Field.TITLE: ["Lomba Mewarnai", "LOMBA mewarnai!", "Ulasan bukú", "Kelas_Canva"],
    Field.KIND: ["Publikasi", "Senam", "PELATIHAN TIK", "kemitraan", "Layanan digital"],
    Field.PARTICIPANTS_MALE: ["1.234", "12,5", "1.000", " 7 ", "-3", "1,000", "0", "25 orang", "١٢"],
    Field.PARTNERS: ["BUMDes Daik; PKK", "  ", "Karang Taruna\nRT 03", "Karang Taruna, karang  taruna", "SD 1,SD 2"],
    Field.DOCUMENTATION_URL: ["https://drive.google.com/x", "drive.google.com/x", " http://ok.id ", "bukan tautan"],
    Field.PUBLICATION_URLS: ["https://ig.com/p/1", "https://IG.com/p/1/", "ig.com/p/1", "https://a.id/x/, https://b.id",
                             "https://a.id/x#f;HTTP://B.ID/y/", "https://a.id/é"],
    Field.REVIEW_STATUS: ["rejected", "Ditolak", "approved", "on hold"],
}
HOSTILE[Field.PARTICIPANTS_FEMALE] = HOSTILE[Field.PARTICIPANTS_MALE]

edits = st.lists(st.tuples(st.sampled_from(list(HOSTILE)), st.booleans(), st.integers(0, 1000)), max_size=3)


@st.composite
def hostile_rows(draw: st.DrawFn) -> list[list[str]]:
    """Clean rows, many with hostile cells, some blank, some repeated far from their first copy."""
    out: list[list[str]] = []
    for n in range(draw(st.integers(1, 90))):
        roll = draw(st.integers(0, 19))
        if roll == 0:
            out.append([""] * len(HEADER))
            continue
        if roll == 1 and out:
            out.append(list(out[draw(st.integers(0, len(out) - 1))]))
            continue
        row = _row(n % 40)
        for field, anything, pick in draw(edits):
            pool = ANY if anything else HOSTILE[field]
            row[AT[field]] = pool[pick % len(pool)]
        out.append(row)
    return out


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hostile_rows(), st.sampled_from([",", ";"]), st.sampled_from(["\r\n", "\n", "\r"]), st.booleans(),
       st.integers(0, 30), st.booleans(), st.sampled_from(["Asia/Jakarta", "Asia/Jayapura", "Europe/Berlin"]))
def test_hostile_files(tmp_path: Path, rows: list[list[str]], delimiter: str, newline: str, bom: bool,
                       filler: int, day_first: bool, zone: str) -> None:
    """Generated files (Excel's ';', three line ends, a byte-order mark): the engine gives the row path's result."""
    text = _csv_text([_row(n, title=f"Pengisi {n}") for n in range(filler)] + rows, delimiter=delimiter,
                     newline=newline)
    path = tmp_path / "hostile.csv"
    path.write_bytes((("\ufeff" if bom else "") + text).encode())
    both_ways(path, delimiter=delimiter, day_first=day_first, sheet_timezone=zone)


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _cli(args: list[str], capsys: pytest.CaptureFixture[str], *, engine: bool, award_cells: bool = True) -> str:
    from tpbis.cli.main import main

    cells = rows_module.award_cells if award_cells else (lambda setup, accepted: None)
    with mock.patch.object(rows_module, "_ENGINE", engine), mock.patch.object(rows_module, "award_cells", cells):
        assert main(args) == 0
    return capsys.readouterr().out


def test_awards_json_of_a_large_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``tpbis awards --format json`` on a 1 MB+ export (the engine's size): the same document with and without
    the engine, and with the awards tallied from rebuilt activities instead of the parser's columns."""
    with (EXAMPLES / "kepri-2024-responses.csv").open(encoding="utf-8", newline="") as handle:
        header, *body = list(csv.reader(handle))
    partners = ["BUMDes Daik; PKK", "  ", "Karang Taruna\nRT 03", "Dinas Pendidikan, Puskesmas", "bumdes  DAIK", ""]
    docs = ["", "https://drive.google.com/x", "drive.google.com/x", "  https://a.id/b  ", "bukan tautan"]
    rows = []
    for copy in range(4):  # copies spread over batches: duplicates, and new activities (another title)
        for n, row in enumerate(body):
            row = [*row, *([""] * (len(header) - len(row)))]
            row[8], row[9] = partners[(n + copy) % len(partners)], docs[(n * copy) % len(docs)]
            if (n + copy) % 3 == 0:
                row[4] += f" {copy}"
            rows.append(row)
    path = tmp_path / "besar.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    assert path.stat().st_size >= (1 << 20)
    args = ["awards", str(path), "--registry", str(EXAMPLES / "kepri-2024-registry.csv"), "--period", "2024",
            "--format", "json"]
    seen: list[int] = []
    original = _columnar.clean_batch

    def spy(batch, *rest):  # type: ignore[no-untyped-def]
        seen.append(batch.num_rows)
        return original(batch, *rest)

    with mock.patch.object(csvfile, "ENGINE_MIN_BYTES", 1 << 20), mock.patch.object(_columnar, "clean_batch", spy):
        fast = _cli(args, capsys, engine=True)
        assert seen, "the engine was not used"
        assert fast == _cli(args, capsys, engine=False)
        assert fast == _cli(args, capsys, engine=False, award_cells=False)
    assert '"eligible": true' in fast


@pytest.mark.parametrize("encoding", ["UTF-8", "utf8", "U8", "utf_8_sig"])
def test_utf8_by_another_name(tmp_path: Path, encoding: str) -> None:
    """``--encoding UTF8`` (any spelling of UTF-8) still gets the engine."""
    path = tmp_path / "nama.csv"
    path.write_bytes(_csv_text([_row(n) for n in range(30)]).encode())
    table = read_csv_table(path, encoding=encoding)
    assert table.rows.record_batches(len(HEADER)) is not None  # type: ignore[attr-defined]
