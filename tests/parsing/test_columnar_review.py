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
from tpbis.parsing.rows import ParseResult, parse_responses
from tpbis.parsing.table import Table
from tpbis.parsing.mapping import Field
from tpbis.testing.builders import RESPONSE_FIELDS, responses_table

pa = pytest.importorskip("pyarrow")

from tests.parsing.test_columnar import assert_same  # noqa: E402
from tests.parsing.test_fast_path import REGISTRY, RUBRIC  # noqa: E402

#: Small record batches: every test file spans several (users' files span 4 MB ones).
BLOCK = 1 << 12


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


def _parse(table: Table, *, engine: bool) -> tuple[ParseResult, int]:
    """The parse, and how many record batches the engine checked (0: it was not used)."""
    seen: list[int] = []
    original = _columnar.clean_batch

    def spy(batch, *args):  # type: ignore[no-untyped-def]
        seen.append(batch.num_rows)
        return original(batch, *args)

    with mock.patch.object(rows_module, "_ENGINE", engine), mock.patch.object(_columnar, "clean_batch", spy):
        return parse_responses(table, REGISTRY, RUBRIC), len(seen)


def both_ways(path: Path, period: str = "2024") -> ParseResult:
    """The file read with and without the engine: the same result, down to the award and KPI tallies."""
    engine, _ = _parse(read_csv_table(path), engine=True)
    rows, batches = _parse(read_csv_table(path), engine=False)
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
