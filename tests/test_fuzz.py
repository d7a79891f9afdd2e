"""Fuzzing the row reader through real files: no cell value ends the run (issue #16).

100,000 generated rows in all go through the two file paths a user has:

* CSV: 12 files × 5,000 rows written with :mod:`csv`, read back with
  :func:`tpbis.adapters.csvfile.read_csv_table` (text cells, the fast path);
* XLSX: 8 files × 5,000 rows written with openpyxl (``write_only``), read back
  with :func:`tpbis.adapters.xlsx.read_workbook` (typed cells: numbers, dates,
  times, durations, booleans; the general reader).

Each file is one hypothesis example (derandomized, fixed example count, so CI
runs the same 100,000 rows every time): hypothesis draws a seed and a pool of
arbitrary cells (any text but lone surrogates, integers, floats with NaN and
infinities, date-times of any year, times, booleans, None); a seeded generator
then builds rows that are mostly clean, some with one to three cells replaced
by a pool value, a value of the committed corpus ``tests/fuzz/corpus.json``
(the nastiest values found so far) or junk, plus blank rows, repeats
(duplicates) and review verdicts (excluded rows).

On every file: no exception; ``rows = accepted + rejected + duplicates +
blank + excluded``; ``rows`` is the position of the last non-blank row; every
rejected row has an error problem and no accepted row has one; problems point
at rows that exist. On the corpus (every value in every column of a clean
row) the fast path and the general reader agree exactly, for typed cells and
for their text.

Run time: about 30 s of CPU (measured 28 s on the 2-core dev machine: XLSX
21 s, CSV 6 s, corpus 1 s); a busy shared machine stretches the wall time.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tpbis.parsing.rows as rows_module
from tpbis.adapters.csvfile import read_csv_table
from tpbis.adapters.xlsx import read_workbook
from tpbis.domain.problems import Severity
from tpbis.parsing.mapping import Field, default_titles
from tpbis.parsing.rows import ParseResult, parse_responses
from tpbis.parsing.table import Cell, Table, cell_text
from tpbis.parsing.values import is_blank
from tpbis.rubrics import default_rubric
from tpbis.testing.builders import RESPONSE_FIELDS, make_library, make_registry, responses_table

openpyxl = pytest.importorskip("openpyxl")
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: E402 - only once openpyxl is known to be there

CORPUS_FILE: Final = Path(__file__).parent / "fuzz" / "corpus.json"
ROWS_PER_FILE: Final = 5_000
CSV_FILES: Final = 12
XLSX_FILES: Final = 8
POOL: Final = 48
_NOT_XML: Final = re.compile("[\ufffe\uffff]")

REGISTRY = make_registry([
    make_library("desa-teluk-bakau", name="Perpustakaan Desa Teluk Bakau", aliases=("TBM Pelita",)),
    make_library("desa-busung", name="Perpustakaan Desa Busung"),
    make_library("kembar-1", name="Perpustakaan Desa Kembar"),
    make_library("kembar-2", name="Perpustakaan Desa Kembar", province="Bali", regency="Kota Denpasar"),
    make_library("desa-sanur", name="Perpustakaan Desa Sanur", province="Bali", regency="Kota Denpasar"),
    make_library("desa-harapan", name="Perpustakaan Desa Harapan", province="Papua", regency="Kabupaten Jayapura"),
    make_library("prov-papua", kind="provinsi", name="Perpustakaan Provinsi Papua", province="Papua"),
    make_library("kota-batam", kind="kota", name="Perpustakaan Kota Batam", regency="Kota Batam"),
])
RUBRIC = default_rubric()
HEADER: Final = tuple(default_titles(field, "id") for field in RESPONSE_FIELDS)
COLUMN: Final = {field: index for index, field in enumerate(RESPONSE_FIELDS)}

LIBRARIES = [
    "Perpustakaan Desa Teluk Bakau", "perpusdes teluk bakau", "TBM Pelita", "desa-busung", "Perpustakaan Desa Sanur",
    "Perpustakaan Desa Harapan", "prov-papua", "Perpustakaan Provinsi Papua", "Perpustakaan Kota Batam",
]
KINDS = ["Pelatihan keterampilan", "Pelatihan TIK", "promosi", "Publikasi", "Advokasi", "kemitraan", "Layanan digital"]
TITLES = ["Mendongeng", "Pelatihan menganyam rotan", "Kelas Canva", "Ulasan buku", "Audiensi bupati", "Lomba baca"]
LINKS = ["https://ig.com/p/1", "https://IG.com/p/2/", "http://desa.id/a?b=1", "https://ig.com/p/3 https://ig.com/p/4", ""]
REVIEWS = ["", "", "", "approved", "hasIssues", "rejected", "Not Approved"]


def _decode(spec: Any) -> Cell:
    """A corpus value (see the corpus file's ``about``) as the cell it stands for."""
    if spec is None or isinstance(spec, str):
        return spec  # type: ignore[no-any-return]
    ((kind, value), *rest) = spec.items()
    decoders: dict[str, Any] = {
        "repeat": lambda: value * dict(rest)["times"],
        "int": lambda: int(value),
        "pow10": lambda: 10**value + dict(rest)["plus"],
        "float": lambda: float(value),
        "datetime": lambda: dt.datetime.fromisoformat(value),
        "date": lambda: dt.date.fromisoformat(value),
        "time": lambda: dt.time.fromisoformat(value),
        "bool": lambda: bool(value),
    }
    return decoders[kind]()  # type: ignore[no-any-return]


def _load_corpus() -> dict[str, list[Cell]]:
    raw = json.loads(CORPUS_FILE.read_text(encoding="utf-8"))
    return {key: [_decode(spec) for spec in specs] for key, specs in raw.items() if key != "about"}


CORPUS: Final = _load_corpus()
#: The corpus values each field is fuzzed with: its own kind's and the generic ones.
FIELD_CORPUS: Final = {
    field: CORPUS["any"] + CORPUS.get(
        {Field.REPORTED_AT: "reported_at", Field.DATE: "date", Field.PARTICIPANTS_MALE: "count",
         Field.PARTICIPANTS_FEMALE: "count", Field.LIBRARY: "library", Field.DOCUMENTATION_URL: "url",
         Field.PUBLICATION_URLS: "url"}.get(field, "any"), [])
    for field in RESPONSE_FIELDS
}

#: Arbitrary cells for the pool of each file.
any_cells: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.integers(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(),
    st.booleans(),
    st.datetimes(),
    st.dates(),
    st.times(),
)


def _clean_row(rng: random.Random) -> list[Cell]:
    """A valid report, in text as a form export gives it."""
    moment = dt.datetime(2024, 1, 1) + dt.timedelta(minutes=rng.randrange(366 * 24 * 60))
    day = moment.date() - dt.timedelta(days=rng.randrange(0, 10))
    cells: dict[Field, Cell] = {
        Field.REPORTED_AT: moment.strftime("%d/%m/%Y %H:%M:%S"),
        Field.REPORTER_EMAIL: "pengelola@example.id",
        Field.LIBRARY: rng.choice(LIBRARIES),
        Field.DATE: day.strftime(rng.choice(["%d/%m/%Y", "%Y-%m-%d"])),
        Field.TITLE: f"{rng.choice(TITLES)} {rng.randrange(50)}",
        Field.KIND: rng.choice(KINDS),
        Field.PARTICIPANTS_MALE: str(rng.randrange(40)),
        Field.PARTICIPANTS_FEMALE: rng.choice(["", str(rng.randrange(40)), "1.250"]),
        Field.PARTNERS: rng.choice(["", "PKK Desa; Karang Taruna"]),
        Field.DOCUMENTATION_URL: rng.choice(["", "https://drive.google.com/x"]),
        Field.PUBLICATION_URLS: rng.choice(LINKS[:-1]),
        Field.REVIEW_STATUS: rng.choice(REVIEWS),
    }
    return [cells[field] for field in RESPONSE_FIELDS]


def generate_rows(seed: int, pool: Sequence[Cell], count: int) -> list[list[Cell]]:
    """``count`` rows: mostly clean, many with hostile cells, some blank, some repeated."""
    rng = random.Random(seed)
    out: list[list[Cell]] = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.02:
            out.append([rng.choice(["", " ", None]) for _ in RESPONSE_FIELDS])
            continue
        if roll < 0.05 and out:
            out.append(list(rng.choice(out)))
            continue
        row = _clean_row(rng)
        if roll < 0.6:
            for field in rng.sample(RESPONSE_FIELDS, rng.randint(1, 3)):
                source = rng.random()
                if source < 0.4:
                    value = rng.choice(FIELD_CORPUS[field])
                elif source < 0.8:
                    value = rng.choice(pool)
                else:
                    value = "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randrange(12)))
                row[COLUMN[field]] = value
        out.append(row)
    return out


def _text(cell: Cell) -> str:
    """A cell as a CSV file holds it."""
    return "" if cell is None else cell_text(cell)


def _xlsx_value(cell: Any) -> Any:
    """A cell an XLSX file can hold: no zone, no character XML refuses, at most 32,767 characters, no huge integer."""
    if isinstance(cell, dt.datetime | dt.time) and cell.tzinfo is not None:
        return cell.replace(tzinfo=None)
    if isinstance(cell, str):  # openpyxl drops only the C0 controls XML 1.0 refuses; U+FFFE and U+FFFF too
        return _NOT_XML.sub("", ILLEGAL_CHARACTERS_RE.sub("", cell))[:32_767]
    if isinstance(cell, int) and not isinstance(cell, bool) and cell.bit_length() > 1000:
        return cell_text(cell)
    return cell


def write_csv(path: Path, rows: list[list[Cell]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows([_text(cell) for cell in row] for row in rows)


def write_xlsx(path: Path, rows: list[list[Cell]]) -> None:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Respons Formulir 1")
    sheet.append(HEADER)
    for row in rows:
        sheet.append([_xlsx_value(cell) for cell in row])
    workbook.save(path)


def _last_filled(rows: Iterator[Sequence[Cell]] | Sequence[Sequence[Cell]]) -> int:
    """The 1-based position of the last row with a non-blank cell (0 if none)."""
    last = 0
    for position, row in enumerate(rows, start=1):
        if not all(is_blank(cell) for cell in row):
            last = position
    return last


def check_accounting(table: Table, result: ParseResult) -> None:
    """Every row accounted for once; errors reject, and only they do."""
    c = result.counts
    assert c.rows == c.accepted + c.rejected + c.duplicates + c.blank + c.excluded
    assert _last_filled(table.rows) == c.rows
    errors = {p.row for p in result.problems if p.severity is Severity.ERROR}
    accepted = {a.source.row for a in result.activities}
    assert (c.rejected, c.accepted, set()) == (len(errors), len(accepted), errors & accepted)
    excluded = {p.row for p in result.problems if p.code == "submission.excluded"}
    duplicates = {p.row for p in result.problems if p.code == "activity.duplicate"}
    assert (c.excluded, c.duplicates) == (len(excluded), len(duplicates))
    assert all(2 <= p.row <= c.rows + 1 for p in result.problems)
    # The safety net catches nothing here: every value is read by the readers themselves.
    assert [] == [(p.row, p.column, p.message_en) for p in result.problems if p.code == "row.unreadable"]


fuzz_settings = settings(
    derandomize=True, database=None, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
files = st.tuples(st.integers(0, 2**32 - 1), st.lists(any_cells, min_size=POOL, max_size=POOL))


class TestCsvFiles:
    """CSV files of hostile rows read through the adapter and the fast path."""

    @settings(fuzz_settings, max_examples=CSV_FILES)
    @given(files)
    def test_every_row_accounted_for(self, tmp_path: Path, drawn: tuple[int, list[Cell]]) -> None:
        """12 files × 5,000 rows: no crash, the accounting holds, rejected rows carry errors."""
        seed, pool = drawn
        path = tmp_path / f"fuzz-{seed}.csv"
        write_csv(path, generate_rows(seed, pool, ROWS_PER_FILE))
        table = read_csv_table(path, encoding="utf-8", delimiter=",")
        result = parse_responses(table, REGISTRY, RUBRIC)
        check_accounting(table, result)
        path.unlink()
        assert result.counts.accepted > ROWS_PER_FILE // 4  # the clean rows got through


class TestXlsxFiles:
    """XLSX files of hostile rows read through the adapter: typed cells, the general reader."""

    @settings(fuzz_settings, max_examples=XLSX_FILES)
    @given(files)
    def test_every_row_accounted_for(self, tmp_path: Path, drawn: tuple[int, list[Cell]]) -> None:
        """8 files × 5,000 rows: no crash, the accounting holds, rejected rows carry errors."""
        seed, pool = drawn
        path = tmp_path / f"fuzz-{seed}.xlsx"
        write_xlsx(path, generate_rows(seed, pool, ROWS_PER_FILE))
        (table,) = read_workbook(path).values()
        path.unlink()
        result = parse_responses(table, REGISTRY, RUBRIC)
        check_accounting(table, result)
        assert result.counts.accepted > ROWS_PER_FILE // 4


def _corpus_rows() -> list[list[Cell]]:
    """A clean row with one cell replaced, for every corpus value of every field."""
    rng = random.Random(16)
    return [
        [value if index == COLUMN[field] else cell for index, cell in enumerate(_clean_row(rng))]
        for field in RESPONSE_FIELDS
        for value in FIELD_CORPUS[field]
    ]


def _both(table: Table) -> tuple[ParseResult, ParseResult]:
    fast = parse_responses(table, REGISTRY, RUBRIC)
    with mock.patch.object(rows_module, "_FAST_PATH", False):
        general = parse_responses(table, REGISTRY, RUBRIC)
    return fast, general


class TestCorpus:
    """The committed corpus: every value in every column, through both gears and both files."""

    def test_corpus_is_hostile(self) -> None:
        """The corpus holds the values of issue #16 that crashed whole runs."""
        assert {"31/12/9999 23:30", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"} <= set(
            CORPUS["reported_at"])
        assert any(isinstance(v, str) and len(v) > 4300 and v.isdigit() for v in CORPUS["count"])

    @pytest.mark.parametrize("as_text", [False, True], ids=["typed", "text"])
    def test_fast_path_and_general_reader_agree(self, as_text: bool) -> None:
        """Typed cells and their CSV text: same counts, problems, activities and scoring columns."""
        rows = _corpus_rows()
        body: list[list[Cell]] = [[_text(c) for c in row] for row in rows] if as_text else rows
        table = Table(name="Respons Formulir 1", header=HEADER, rows=body)
        fast, general = _both(table)
        assert (general.counts, general.problems) == (fast.counts, fast.problems)
        assert tuple(general.activities) == tuple(fast.activities)
        a, b = general.activities.columns, fast.activities.columns  # type: ignore[attr-defined]
        for name in ("library", "kind", "day", "male", "female", "delay", "row", "url", "more_urls"):
            assert getattr(a, name) == getattr(b, name), name
        check_accounting(table, fast)

    def test_issue_values_are_problems(self) -> None:
        """The values that crashed runs are each one row's error now, with the expected code."""
        cases = [
            (Field.PARTICIPANTS_FEMALE, "9" * 5000, "participants.invalid"),
            (Field.REPORTED_AT, "31/12/9999 23:30", "timestamp.invalid"),
            (Field.REPORTED_AT, "0001-01-01T00:00:00+14:00", "timestamp.invalid"),
            (Field.REPORTED_AT, "9999-12-31T23:59:59-12:00", "timestamp.invalid"),
            (Field.DATE, "31/12/9999", "date.invalid"),
        ]
        base = {Field.LIBRARY: "Perpustakaan Desa Harapan", Field.REPORTED_AT: "21/09/2024 10:00:00",
                Field.DATE: "20/09/2024", Field.TITLE: "Mendongeng", Field.KIND: "promosi"}
        table = responses_table([{**base, field: value} for field, value, _ in cases] + [base])
        result = parse_responses(table, REGISTRY, RUBRIC)
        assert [(n, code) for n, (_, _, code) in enumerate(cases, start=2)] == [
            (p.row, p.code) for p in result.problems]
        assert (len(cases), 1) == (result.counts.rejected, result.counts.accepted)

    @pytest.mark.parametrize("kind", ["csv", "xlsx"])
    def test_through_files(self, tmp_path: Path, kind: str) -> None:
        """The corpus rows written to a file and read back by the adapter are all accounted for."""
        rows = _corpus_rows()
        path = tmp_path / f"corpus.{kind}"
        if kind == "csv":
            write_csv(path, rows)
            table = read_csv_table(path, encoding="utf-8", delimiter=",")
        else:
            write_xlsx(path, rows)
            (table,) = read_workbook(path).values()
        result = parse_responses(table, REGISTRY, RUBRIC)
        check_accounting(table, result)
        assert len(rows) == result.counts.rows
