"""The columnar fast path (pyarrow, the ``fast`` extra) gives exactly what the row path gives.

Every comparison reads the same rows three ways: the columnar engine, the
row-wise fast path (``_ENGINE`` off) and the general reader alone (both off),
and asserts identical counts, problems, activities and scoring columns. In-memory
tables of text reach the engine through ``_ENGINE_IN_MEMORY``; CSV files reach
it the way users' files do (:meth:`CsvRows.record_batches`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tpbis.adapters.csvfile as csvfile
import tpbis.parsing._columns as columns_module
import tpbis.parsing.rows as rows_module
from strategies import activities
from tpbis.adapters.csvfile import read_csv_table
from tpbis.domain.activity import Activity
from tpbis.domain.kpi import score, tally
from tpbis.domain.period import Period
from tpbis.parsing import _columnar
from tpbis.parsing.mapping import Field
from tpbis.parsing.rows import ParseResult, parse_responses
from tpbis.parsing.table import Cell, Table
from tpbis.parsing.values import _NORMAL_URL, plain_url_identity
from tpbis.testing.builders import RESPONSE_FIELDS, make_library, make_registry, responses_table

pa = pytest.importorskip("pyarrow")

from tests.parsing.test_fast_path import REGISTRY, RUBRIC, ZONES, rows  # noqa: E402
from tests.test_fuzz import (  # noqa: E402  # noqa: E402
    CSV_FILES,
    HEADER,
    ROWS_PER_FILE,
    _corpus_rows,
    _text,
    check_accounting,
    files,
    fuzz_settings,
    generate_rows,
    write_csv,
)
from tests.test_fuzz import REGISTRY as FUZZ_REGISTRY  # noqa: E402


@pytest.fixture(autouse=True)
def _small_files_too() -> Iterator[None]:
    """The engine reads the tests' small files too (by default only files of 8 MB or more)."""
    with mock.patch.object(csvfile, "ENGINE_MIN_BYTES", 0):
        yield


COLUMNS = ("library", "kind", "day", "male", "female", "delay", "row", "url", "more_urls")


def _parse(table: Table, registry: object, *, engine: bool, fast: bool = True, zone: str = "Asia/Jakarta") -> ParseResult:
    with mock.patch.object(rows_module, "_ENGINE", engine), mock.patch.object(rows_module, "_FAST_PATH", fast), \
            mock.patch.object(rows_module, "_ENGINE_IN_MEMORY", engine):
        return parse_responses(table, registry, RUBRIC, sheet_timezone=zone)  # type: ignore[arg-type]


def _engine_batches(table: Table, registry: object, zone: str = "Asia/Jakarta") -> tuple[ParseResult, int]:
    """The engine's result and how many record batches it read (0: it was not used)."""
    seen: list[int] = []
    original = _columnar.clean_batch

    errors: list[Exception] = []

    def spy(batch, *args):  # type: ignore[no-untyped-def]
        seen.append(batch.num_rows)
        try:
            return original(batch, *args)
        except Exception as error:  # the driver's safety net would hide it
            errors.append(error)
            raise

    with mock.patch.object(_columnar, "clean_batch", spy):
        result = _parse(table, registry, engine=True, zone=zone)
    assert not errors, f"the engine raised on a batch: {errors[0]!r}"
    return result, len(seen)


def assert_same(a: ParseResult, b: ParseResult) -> None:
    assert (a.counts, a.problems) == (b.counts, b.problems)
    ca, cb = a.activities.columns, b.activities.columns  # type: ignore[attr-defined]
    for name in COLUMNS:
        assert getattr(ca, name) == getattr(cb, name), name
    assert tuple(a.activities) == tuple(b.activities)


def three_ways(table: Table, registry: object = REGISTRY, zone: str = "Asia/Jakarta") -> ParseResult:
    engine, batches = _engine_batches(table, registry, zone)
    if any(len(cells) for cells in table.rows):
        assert batches, "the engine was not used"
    assert_same(_parse(table, registry, engine=False, zone=zone), engine)
    assert_same(_parse(table, registry, engine=False, fast=False, zone=zone), engine)
    return engine


def _text_table(data: list[dict[Field, object]]) -> Table:
    """The rows as a CSV file gives them: every cell text, a missing one empty."""
    return responses_table([
        {field: "" if row.get(field) is None else str(row[field]) for field in RESPONSE_FIELDS} for row in data])


def _no_cr(rows: list[list[Cell]]) -> list[list[Cell]]:
    """The rows with LF for every CR in a text cell: the engine refuses a file with a CR in a cell
    (``test_columnar_review.TestBlockBoundaries``), and these tests are about the files it reads."""
    return [[cell.replace("\r", "\n") if isinstance(cell, str) else cell for cell in row] for row in rows]


class TestSameAsRowPath:
    """In-memory text tables and CSV files: the engine, the row fast path and the general reader agree."""

    @settings(max_examples=150, deadline=None)
    @given(rows, st.sampled_from(ZONES))
    def test_hypothesis_tables(self, data: list[dict[Field, object]], zone: str) -> None:
        """Every odd value of every field (the fast-path strategies), as text."""
        three_ways(_text_table(data), zone=zone)

    def test_fuzz_corpus(self) -> None:
        """The committed corpus of hostile values, as CSV text, in every column."""
        body: list[list[Cell]] = [[_text(c) for c in row] for row in _corpus_rows()]
        three_ways(Table(name="Respons Formulir 1", header=HEADER, rows=body), FUZZ_REGISTRY)

    def test_fuzz_corpus_through_a_file(self, tmp_path: Path) -> None:
        """The corpus written to a CSV file and read back: pyarrow splits the records as csv does."""
        path = tmp_path / "corpus.csv"
        write_csv(path, _no_cr(_corpus_rows()))
        table = read_csv_table(path, encoding="utf-8", delimiter=",")
        check_accounting(table, three_ways(table, FUZZ_REGISTRY))

    @settings(fuzz_settings, max_examples=CSV_FILES // 3)
    @given(files)
    def test_fuzz_files(self, tmp_path: Path, drawn: tuple[int, list[Cell]]) -> None:
        """Generated files of hostile rows (a third of the fuzz test's): the same result both ways."""
        seed, pool = drawn
        path = tmp_path / f"fuzz-{seed}.csv"
        write_csv(path, _no_cr(generate_rows(seed, pool, ROWS_PER_FILE)))
        table = read_csv_table(path, encoding="utf-8", delimiter=",")
        three_ways(table, FUZZ_REGISTRY)
        path.unlink()


LIBRARIES = [make_library("a", kind="desa"), make_library("b", kind="kabupaten"), make_library("c", kind="provinsi")]


def _row_of(activity: Activity) -> dict[Field, Cell]:
    reported = activity.reported_at.in_timezone("Asia/Jakarta")
    return {
        Field.REPORTED_AT: reported.strftime("%d/%m/%Y %H:%M:%S"),
        Field.LIBRARY: activity.library_id,
        Field.DATE: activity.date.strftime("%d/%m/%Y"),
        Field.TITLE: activity.title,
        Field.KIND: activity.kind.value,
        Field.PARTICIPANTS_MALE: str(activity.participants_male),
        Field.PARTICIPANTS_FEMALE: str(activity.participants_female),
        Field.PUBLICATION_URLS: ", ".join(activity.publication_urls),
    }


class TestScoresAgree:
    """The SPEC cross-check's activities, written as responses: the same scores from both paths."""

    @settings(max_examples=60, deadline=None)
    @given(st.lists(activities(), max_size=60),
           st.sampled_from(["2024-09", "2024-Q1", "2024", "2024-02-10..2024-03-05"]))
    def test_scores(self, acts: list[Activity], period_text: str) -> None:
        registry = make_registry(LIBRARIES)
        table = _text_table([_row_of(a) for a in acts])  # type: ignore[misc]
        engine = three_ways(table, registry)
        general = _parse(table, registry, engine=False, fast=False)
        period = Period.parse(period_text)
        assert score(general.activities, registry, RUBRIC, period) == score(engine.activities, registry, RUBRIC, period)
        assert tally(tuple(general.activities), period) == tally(engine.activities, period)


def _groups(g: columns_module.GroupedColumns) -> dict[int, tuple[object, ...]]:
    """Each group's columns (the groups may come in any order; inside one, by day then row)."""
    more = {g.row[p] for p in g.more_at}
    names = ("day", "male", "female", "delay", "row", "url")
    return {key: (*(list(getattr(g, name)[start:end]) for name in names), sorted(more & set(g.row[start:end])))
            for key, start, end in zip(g.keys, g.starts, g.ends, strict=True)}


class TestGrouping:
    """Grouping the columns with pyarrow or in Python gives the same tallies."""

    @settings(max_examples=60, deadline=None)
    @given(rows, st.sampled_from(["2024", "2024-09", "2024-01-01..2024-09-25", "2018"]))
    def test_python_and_arrow(self, data: list[dict[Field, object]], text: str) -> None:
        period = Period.parse(text)
        parsed = parse_responses(responses_table(data), REGISTRY, RUBRIC)  # type: ignore[arg-type]
        cols = parsed.activities.columns  # type: ignore[attr-defined]
        assert _groups(columns_module._group_with_arrow(cols)) == _groups(columns_module._group_in_python(cols))
        built = tally(tuple(parsed.activities), period)
        with mock.patch.object(columns_module, "_arrow_available", return_value=False):
            cols._grouped = None
            assert built == columns_module.tally_columns(cols, period)
        cols._grouped = None
        assert built == columns_module.tally_columns(cols, period)
        assert tally(parsed.activities, period) is tally(parsed.activities, period)  # the last period is kept


link_parts = st.sampled_from([
    "https://", "http://", "HTTPS://", "hTtP://", "a", "B", "-", ".", "ig.com", "Ig.Com", "/", "//", "?", "#", "q=1",
    "%20", "@", "x", ":", ":80", "~", "!", "'", "(", "é", " ", "", "?#", "/#f", "..",
])


@settings(max_examples=500)
@given(st.lists(link_parts, max_size=8).map("".join))
def test_plain_identities_like_python(text: str) -> None:
    """The kernels' link identity is plain_url_identity's (itself when already normal), null otherwise."""
    expected = text if _NORMAL_URL.fullmatch(text) else plain_url_identity(text)
    assert [expected] == _columnar._plain_identities(pa.array([text], pa.string())).to_pylist()


class TestFallbacks:
    """Files the engine may read differently are read row by row, with the same result."""

    def _write(self, path: Path, text: str, encoding: str = "utf-8") -> Table:
        path.write_bytes(text.encode(encoding))
        return read_csv_table(path)

    def _clean_rows(self, count: int) -> list[list[str]]:
        rng = random.Random(3)
        day = dt.date(2024, 3, 1)
        data = [{Field.REPORTED_AT: f"{day:%d/%m/%Y} 10:{rng.randrange(60):02d}:00",
                 Field.LIBRARY: "Perpustakaan Desa Teluk Bakau", Field.DATE: f"{day:%d/%m/%Y}",
                 Field.TITLE: f"Kegiatan {n}", Field.KIND: "promosi", Field.PARTICIPANTS_MALE: "3",
                 Field.PARTICIPANTS_FEMALE: "4"} for n in range(count)]
        return [["" if cell is None else str(cell) for cell in row] for row in responses_table(data).rows]

    def _text(self, rows: list[list[str]], delimiter: str = ",") -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        writer.writerow(responses_table([]).header)
        writer.writerows(rows)
        return out.getvalue()

    def test_ragged_rows(self, tmp_path: Path) -> None:
        """A record shorter than the header makes pyarrow refuse: the row path reads the file from the start."""
        rows = self._clean_rows(30)
        text = self._text(rows).replace(self._text(rows[20:21]).split("\n", 1)[1], "short,row\n")
        table = self._write(tmp_path / "ragged.csv", text)
        engine, batches = _engine_batches(table, REGISTRY)
        assert batches == 0 or engine.counts.rows == 30
        assert_same(_parse(table, REGISTRY, engine=False), engine)

    def test_blank_lines_and_quotes(self, tmp_path: Path) -> None:
        """Blank lines, line breaks and doubled quotes inside quoted cells: the engine reads them as csv does."""
        rows = self._clean_rows(12)
        rows[3][4] = 'Kegiatan "satu"\nbaris dua'
        lines = self._text(rows).split("\n")
        lines.insert(8, "")  # after the fifth row (the fourth spans two lines)
        text = "\n".join(lines) + "\n"
        table = self._write(tmp_path / "quotes.csv", text)
        engine, batches = _engine_batches(table, REGISTRY)
        assert batches
        assert_same(_parse(table, REGISTRY, engine=False), engine)
        assert (engine.counts.blank, engine.counts.accepted) == (1, 12)
        assert 'Kegiatan "satu"\nbaris dua' in {a.title for a in engine.activities}

    def test_windows_encoding_is_read_row_by_row(self, tmp_path: Path) -> None:
        """A cp1252 file is not handed to the engine (it reads UTF-8 only)."""
        rows = self._clean_rows(5)
        rows[0][4] = "Kegiatan café"
        table = self._write(tmp_path / "excel.csv", self._text(rows), encoding="cp1252")
        assert table.rows.record_batches(len(table.header)) is None  # type: ignore[attr-defined]
        _, batches = _engine_batches(table, REGISTRY)
        assert batches == 0

    def test_semicolons_and_bom(self, tmp_path: Path) -> None:
        """KoBo's ';' and a UTF-8 byte-order mark: the engine gets the detected delimiter."""
        rows = self._clean_rows(8)
        text = "\ufeff" + self._text(rows, ";")
        table = self._write(tmp_path / "kobo.csv", text)
        engine, batches = _engine_batches(table, REGISTRY)
        assert batches
        assert engine.counts.accepted == 8
        assert_same(_parse(table, REGISTRY, engine=False), engine)

    def test_small_files_read_row_by_row(self, tmp_path: Path) -> None:
        """Below ENGINE_MIN_BYTES the row path reads the file (pyarrow is not even imported)."""
        table = self._write(tmp_path / "small.csv", self._text(self._clean_rows(6)))
        with mock.patch.object(csvfile, "ENGINE_MIN_BYTES", 1 << 20):
            assert table.rows.record_batches(len(table.header)) is None  # type: ignore[attr-defined]

    def test_without_pyarrow(self, tmp_path: Path) -> None:
        """The default install without the extra: the row path, the same result."""
        table = self._write(tmp_path / "plain.csv", self._text(self._clean_rows(6)))
        with mock.patch.object(_columnar, "available", return_value=False):
            _, batches = _engine_batches(table, REGISTRY)
        assert batches == 0


def test_csv_module_agrees_with_pyarrow_on_corpus_file(tmp_path: Path) -> None:
    """The corpus file's cells as pyarrow reads them are the cells csv reads."""
    path = tmp_path / "corpus.csv"
    write_csv(path, _no_cr(_corpus_rows()))
    table = read_csv_table(path, encoding="utf-8", delimiter=",")
    batches = table.rows.record_batches(len(table.header))  # type: ignore[attr-defined]
    assert batches is not None
    from_arrow = [list(r) for b in batches for r in zip(*(c.to_pylist() for c in b.columns), strict=True)]
    with path.open(encoding="utf-8", newline="") as handle:
        from_csv = list(csv.reader(handle))[1:]
    width = len(RESPONSE_FIELDS)
    assert from_arrow == [row + [""] * (width - len(row)) for row in from_csv]
