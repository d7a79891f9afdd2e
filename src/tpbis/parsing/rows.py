"""Reading submitted rows into activities and problems (SPEC §3.1): the driver.

Every row is accounted for: ``rows = accepted + rejected + duplicates + blank + excluded``
(``excluded``: a reviewer rejected the submission in the collecting tool).
Every problem of a row is reported, not only the first; a row with an error is
rejected and counts nowhere; warnings never reject.

A response file can hold a million rows, so reading is one streaming pass in
two gears, each in its own module:

* :mod:`tpbis.parsing._setup` resolves the columns and holds what every row is
  read with (the library matcher, the kind choices, the problem collector).
* :func:`tpbis.parsing._slow.read_row` is the general reader: any cell type,
  every problem, an :class:`Activity`. It is the definition of what a row means.
* :func:`tpbis.parsing._fast.clean_chunk` is the fast path over chunks of text
  rows (as CSV gives them), column by column with C-level ``map``. A clean row
  goes straight into :class:`~tpbis.parsing._columns.ActivityColumns`; every
  other row (a problem of any kind, a non-text cell, an unusual link or
  timestamp, a day near a daylight-saving change) is handed to the general
  reader, so problems are always built by it.

This module runs the pass: chunks, blank rows, duplicates and the counts.
Duplicates are found two ways. When rows carry submission ids (``Table.row_ids``:
an export's instance id, a Forms response id), a later row with the id of an
earlier accepted row is a duplicate of it, whatever its content: KoBo and ODK
send an edited or re-sent instance again under the same id. Then rows with the
same library, day, kind and title are duplicates; the earliest report is kept.
It is also the safety net: whatever a cell holds, one row never ends the run.
A chunk on which the fast path raises goes whole to the general reader, and a
row on which the general reader raises is rejected with a ``row.unreadable``
error (naming the cell that raised, when one does). Only configuration errors
(:class:`~tpbis.errors.TpbisError`: a bad zone name, a file that stops
reading) still stop the run.
Accepted :class:`Activity` objects are built only when someone iterates
:attr:`ParseResult.activities` (scoring reads the columns), by reading the
accepted rows again with the general reader. ``tests/parsing/test_fast_path.py``
checks that both gears agree.
"""

from __future__ import annotations

import gc
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from itertools import islice, repeat
from operator import add, lshift, ne
from typing import Any, Final, cast

import attrs

from tpbis.domain.activity import Activity
from tpbis.domain.library import Registry
from tpbis.domain.problems import Problem, Severity
from tpbis.domain.rubric import Rubric
from tpbis.errors import TpbisError
from tpbis.message import Message
from tpbis.parsing import _columnar
from tpbis.parsing._arrow import ints, scalar
from tpbis.parsing._columns import Activities, ActivityColumns
from tpbis.parsing._fast import NOT_CLEAN, Memo, clean_chunk, record
from tpbis.parsing._setup import DEFAULT_TIMEZONE, PROGRAM_START, RowProblems, Setup
from tpbis.parsing._slow import (
    award_cells,
    excluded_row,
    is_blank_row,
    read_row,
    rebuilder,
    title_cells,
    unreadable_row,
)
from tpbis.parsing.mapping import Field
from tpbis.parsing.table import Cell, ColumnarRows, Table
from tpbis.parsing.values import _zone

__all__ = ["DEFAULT_TIMEZONE", "PROGRAM_START", "Counts", "ParseResult", "parse_responses"]

#: Tests switch the fast path off to check that both gears give the same result.
_FAST_PATH = True
#: The columnar fast path (pyarrow, the ``fast`` extra) for sources that offer columns; tests switch it off.
_ENGINE = True
#: Tests switch this on to send in-memory tables of text cells through the columnar fast path too.
_ENGINE_IN_MEMORY = False
#: Rows read and checked per step of the fast path.
_CHUNK: Final = 2048


@attrs.frozen(kw_only=True)
class Counts:
    """How the rows read were accounted for."""

    rows: int
    accepted: int
    rejected: int
    duplicates: int
    blank: int
    #: rows a reviewer rejected in the collecting tool (ODK, KoBo); always 0 for Google Forms
    excluded: int = 0


@attrs.frozen(kw_only=True)
class ParseResult:
    """Accepted activities (sheet order), every problem, and the row accounting.

    ``activities`` is an :class:`~tpbis.parsing._columns.Activities` sequence when
    it comes from :func:`parse_responses`: its :class:`Activity` objects are built
    on first use, and scoring reads its compact columns instead.
    """

    activities: Sequence[Activity]
    problems: tuple[Problem, ...]
    counts: Counts


def parse_responses(  # one loop, kept flat for speed
    table: Table,
    registry: Registry,
    rubric: Rubric,
    *,
    columns: Mapping[str, str] | None = None,
    sheet_timezone: str = DEFAULT_TIMEZONE,
    day_first: bool = True,
) -> ParseResult:
    """Read a responses table into activities and problems.

    Args:
        table: the responses header and rows.
        registry: the registered libraries to match names against.
        rubric: supplies the recognised activity-kind labels.
        columns: header title → field overrides (``tpbis.toml`` ``[columns]``).
        sheet_timezone: the zone of timestamps without an offset.
        day_first: read ``D/M/YYYY`` (True) or ``M/D/YYYY`` (False).

    Raises:
        SourceError: a required column is missing.
        ConfigError: ``sheet_timezone`` is not a known zone (when there is a row to read).
    """
    # The read allocates millions of small objects and frees almost all of them; none
    # form cycles, so the cyclic collector would only re-scan the growing tables (~15 %).
    collecting = gc.isenabled()
    gc.disable()
    try:
        engine = _ENGINE and _FAST_PATH and (isinstance(table.rows, ColumnarRows) or _ENGINE_IN_MEMORY)
        if engine and _columnar.available():
            try:
                return _parse(table, registry, rubric, columns, sheet_timezone, day_first, engine=True)
            except _EngineRefused:
                pass  # the source turned out not to be what the engine reads alike: row by row, from the start
        return _parse(table, registry, rubric, columns, sheet_timezone, day_first, engine=False)
    finally:
        if collecting:
            gc.enable()


def _parse(
    table: Table,
    registry: Registry,
    rubric: Rubric,
    columns: Mapping[str, str] | None,
    sheet_timezone: str,
    day_first: bool,
    *,
    engine: bool,
) -> ParseResult:
    setup = Setup(table, registry, rubric, columns, sheet_timezone, day_first)
    i_title = setup.i_title
    width = setup.width
    first_number = table.row_number(0)
    library_index = setup.library_index
    memo = Memo(setup)
    out = ActivityColumns([library.id for library in registry])
    c_url, more_urls = out.url, out.more_urls
    numbers = out.row
    instants = array("q")  # per accepted position, µs on the UTC line, for ordering duplicates

    problems: list[Problem] = []
    first_at: dict[int, int] = {}  # (library, day, kind) as one number (see _dup_keys) → its first position
    title_at: list[str] = []  # per position, the normalised title
    best: dict[tuple[int, str], int] = {}  # for numbers met again: (number, title) → position of the keeper
    losers: list[tuple[int, tuple[int, str], object]] = []  # (position, key, title cell or NOT_CLEAN)
    row_ids = table.row_ids
    seen_ids: dict[str, int] = {}  # submission id → sheet row of the first accepted row with it
    same_id: list[Problem] = []  # the duplicates by submission id
    blank = rejected = excluded = trailing_blank = 0
    sheet_zone_checked = False
    rows_read = 0

    for chunk, records, slow in _chunks(setup, memo, first_number, engine):
        chunk_first = first_number + rows_read
        last_filled = len(chunk) - 1  # the chunk's last non-blank row: its last clean one, for now
        taken = set(slow)
        while last_filled >= 0 and last_filled in taken:
            last_filled -= 1
        general: list[tuple[Any, ...]] = []
        for j in slow:  # rows for the general reader: blank ones, problem ones, unusual ones
            cells = chunk[j]
            try:
                if len(cells) < width:
                    cells = [*cells, *([None] * (width - len(cells)))]
                if is_blank_row(cells):
                    blank += 1
                    continue
                last_filled = max(last_filled, j)
                if not sheet_zone_checked:
                    _zone(sheet_timezone)  # a bad zone name is a configuration error, raised once
                    sheet_zone_checked = True
                reviewed = excluded_row(setup, rows_read + j, cells)
                if reviewed is not None:
                    problems.extend(reviewed.problems)
                    excluded += 1
                    continue
                row, activity, _ = read_row(setup, rows_read + j, cells)
                found = None if activity is None else record(activity, library_index)
            except TpbisError:  # bad configuration stops the run
                raise
            except Exception as error:  # one row's surprise must not end the run
                last_filled = max(last_filled, j)
                problems.extend(unreadable_row(setup, rows_read + j, cells, error).problems)
                rejected += 1
                continue
            if row.problems:
                problems.extend(row.problems)
            if found is None:
                rejected += 1
                continue
            general.append(found)
        trailing_blank = len(chunk) - 1 - last_filled if last_filled >= 0 else trailing_blank + len(chunk)
        if general:  # into sheet order (both are in it already)
            records = _with_general(records, general)
        if row_ids and len(records[10]):
            records = _as_lists(records)
            firsts = _first_of_each_id(list(zip(*records, strict=True)), chunk, chunk_first, setup, seen_ids, same_id)
            records = _transposed(firsts)
        rows_read += len(chunk)
        if not len(records[10]):
            continue

        # Append the chunk's accepted rows column by column (C-level extends or buffer copies).
        (libs, days, kinds, norms, males, females, delays, stamps, urls, mores, chunk_numbers) = records
        start = len(numbers)
        _extend(out.library, libs)
        _extend(out.kind, kinds)
        _extend(out.day, days)
        _extend(out.male, males)
        _extend(out.female, females)
        _extend(out.delay, delays)
        _extend(numbers, chunk_numbers)
        _extend(instants, stamps)
        c_url.extend(urls)
        if not isinstance(chunk_numbers, list):
            chunk_numbers = chunk_numbers.to_pylist()
        if any(mores):
            for number, more in zip(chunk_numbers, mores, strict=True):
                if more:
                    more_urls[number] = more

        # Duplicates: setdefault keeps the first position per (library, day, kind); the few rows
        # that met an earlier one are settled in Python, in sheet order: their full key (with the
        # normalised title) against its current keeper.
        numbered = _dup_keys(libs, days, kinds)
        positions = range(start, start + len(numbered))
        title_at.extend(norms)
        kept = list(map(first_at.setdefault, numbered, positions))
        if any(map(ne, kept, positions)):
            if not isinstance(stamps, list):
                stamps = stamps.to_pylist()
            for offset, first in enumerate(kept):
                position = start + offset
                if first == position:
                    continue
                same = numbered[offset]
                best.setdefault((same, title_at[first]), first)  # the first row's key, from when it first matters
                key = (same, title_at[position])
                held = best.setdefault(key, position)
                if held == position:
                    continue
                number = chunk_numbers[offset]
                if (stamps[offset], number) < (instants[held], numbers[held]):
                    best[key] = position
                    # Its title cell is gone (keeping every title would cost ~100 bytes a row): read again below.
                    losers.append((held, key, NOT_CLEAN))
                else:
                    cells = chunk[number - chunk_first]
                    losers.append((position, key, cells[i_title] if i_title < len(cells) else None))

    last = rows_read - trailing_blank
    blank -= trailing_blank
    del instants

    dropped: set[int] = set()
    name_title = setup.name_of[Field.TITLE]
    pending = [(pos, key) for pos, key, title_cell in losers if title_cell is NOT_CLEAN]
    titles = title_cells(setup, {numbers[pos] for pos, _ in pending}) if pending else {}
    for pos, key, title_cell in losers:
        row_number = numbers[pos]
        dropped.add(pos)
        dup = RowProblems(table.name, row_number,
                   table.row_ids[row_number - table.header_row - 1] if table.row_ids else None)
        cell = titles[row_number] if title_cell is NOT_CLEAN else cast("Cell", title_cell)
        dup.add("activity.duplicate", Severity.WARNING, name_title, cell, original=numbers[best[key]])
        problems.extend(dup.problems)
    del best, first_at, title_at
    problems.extend(same_id)
    problems.sort(key=lambda p: p.row)
    accepted = out.without(dropped)
    activities = Activities(accepted, rebuilder(setup, accepted), award_cells(setup, accepted))
    return ParseResult(
        activities=activities,
        problems=tuple(problems),
        counts=Counts(
            rows=last,
            accepted=len(accepted),
            rejected=rejected,
            duplicates=len(losers) + len(same_id),
            blank=blank,
            excluded=excluded,
        ),
    )


class _EngineRefused(Exception):
    """The columnar source could not be read as the row path reads it: start again row by row."""


#: the fields of a record (:func:`tpbis.parsing._fast.record`)
_FIELDS: Final = 11
_Chunk = tuple[Sequence[Sequence[Cell]], list[Any], list[int]]


def _with_general(records: list[Any], general: list[tuple[Any, ...]]) -> list[Any]:
    """The chunk's clean records (columns: lists, or pyarrow arrays from the engine) with the general reader's
    accepted records (tuples) merged in, in sheet order (both are in it already)."""
    if isinstance(records[10], list):
        for found in general:  # a few inserts per chunk
            at = bisect_left(records[10], found[10])
            for column, value in zip(records, found, strict=True):
                column.insert(at, value)
        return records
    import pyarrow as pa
    import pyarrow.compute as pc

    order = pc.sort_indices(pa.concat_arrays([records[10], ints([found[10] for found in general])]))
    picked: list[int] | None = None
    merged: list[Any] = []
    for k, column in enumerate(records):
        extra = [found[k] for found in general]
        if isinstance(column, list):
            if picked is None:
                picked = order.to_pylist()
            both = column + extra
            merged.append([both[j] for j in picked])
        else:
            merged.append(pa.concat_arrays([column, ints(extra)]).take(order))
    return merged


def _as_lists(records: list[Any]) -> list[list[Any]]:
    """The record columns as lists."""
    return [column if isinstance(column, list) else column.to_pylist() for column in records]


_ARROW_TYPES: Final = {"b": "int8", "i": "int32", "q": "int64"}


def _extend(into: array[int], column: Any) -> None:
    """Append a record column (a list, or a pyarrow integer array: its buffer is copied as it is)."""
    if isinstance(column, list):
        into.extend(column)
        return
    import pyarrow as pa

    typed = column.cast(getattr(pa, _ARROW_TYPES[into.typecode])())  # raises where a value would not fit
    size = into.itemsize
    into.frombytes(memoryview(typed.buffers()[1])[typed.offset * size:(typed.offset + len(typed)) * size])


def _dup_keys(libs: Any, days: Any, kinds: Any) -> list[int]:
    """(registry position, day ordinal, kind) of each record as one number: ``(lib << 23 | day) << 4 | kind``.

    A kind index is below 16 and an accepted day ordinal below 2**22 (a plausible year), so
    two records have the same number exactly when they have the same three values.
    """
    if isinstance(libs, list):
        return list(map(add, map(lshift, map(add, map(lshift, libs, repeat(23)), days), repeat(4)), kinds))
    import pyarrow.compute as pc

    by_day = pc.add(pc.shift_left(libs, scalar(23)), days)
    return pc.add(pc.shift_left(by_day, scalar(4)), kinds).to_pylist()  # type: ignore[no-any-return]


def _transposed(records: list[tuple[Any, ...]]) -> list[list[Any]]:
    """Records (tuples) as columns (lists), one per field."""
    return [list(column) for column in zip(*records, strict=True)] if records else [[] for _ in range(_FIELDS)]


def _chunks(setup: Setup, memo: Memo, first_number: int, engine: bool) -> Iterator[_Chunk]:
    """(rows, the clean rows' records as columns, indexes of the rows for the general reader) per chunk, in order.

    With ``engine``, the rows come as record batches (the columnar fast path) when the
    source offers them; a batch on which the engine raises goes whole to the general reader.
    """
    table = setup.table
    rows_read = 0
    batches = None
    if engine:
        if isinstance(table.rows, ColumnarRows):
            try:
                batches = table.rows.record_batches(setup.width)
            except Exception:  # unsure: row by row
                batches = None
        elif _ENGINE_IN_MEMORY:
            batches = _columnar.text_batches(table.rows, setup.width)
    if batches is not None:
        while True:
            try:
                batch = next(batches, None)
            except Exception as error:
                raise _EngineRefused from error
            if batch is None:
                return
            rows = _columnar.BatchRows(batch)
            try:
                records, slow = _columnar.clean_batch(batch, setup, memo, first_number + rows_read)
            except TpbisError:
                raise
            except Exception:  # a safety net: the general reader takes the whole batch
                records, slow = _transposed([]), list(range(len(rows)))
            rows.take(slow)
            rows_read += len(rows)
            yield rows, records, slow
        return
    fast = _FAST_PATH
    source = iter(table.rows)
    while chunk := list(islice(source, _CHUNK)):
        found: list[tuple[Any, ...]] = []
        if fast:
            try:
                found, slow = clean_chunk(chunk, setup, memo, first_number + rows_read)
            except TpbisError:
                raise
            except Exception:  # a safety net: the general reader takes the whole chunk
                found, slow = [], list(range(len(chunk)))
        else:
            slow = list(range(len(chunk)))
        rows_read += len(chunk)
        yield chunk, _transposed(found), slow


def _first_of_each_id(
    records: list[tuple[Any, ...]],
    chunk: Sequence[Sequence[Cell]],
    chunk_first: int,
    setup: Setup,
    seen: dict[str, int],
    duplicates: list[Problem],
) -> list[tuple[Any, ...]]:
    """The accepted records (sheet order) whose submission id no earlier accepted row had.

    A later row with an id already seen is an ``activity.duplicate`` of the first (its message names
    the id) and goes no further, so it never meets the content duplicates. Blank ids never match.
    """
    table = setup.table
    row_ids = table.row_ids
    assert row_ids is not None  # only called for tables with ids
    offset = table.header_row + 1
    i_title = setup.i_title
    name_title = setup.name_of[Field.TITLE]
    kept: list[tuple[Any, ...]] = []
    for found in records:
        number = found[10]
        ident = row_ids[number - offset]
        if not ident:
            kept.append(found)
            continue
        first = seen.setdefault(ident, number)
        if first == number:
            kept.append(found)
            continue
        cells = chunk[number - chunk_first]
        dup = RowProblems(table.name, number, ident)
        dup.add("activity.duplicate", Severity.WARNING, name_title, cells[i_title] if i_title < len(cells) else None,
                original=Message("hint.same_submission", row=first, id=ident))
        duplicates.extend(dup.problems)
    return kept
