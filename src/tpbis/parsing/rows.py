"""Reading submitted rows into activities and problems (SPEC §3.1).

Every row is accounted for: ``rows = accepted + rejected + duplicates + blank``.
Every problem of a row is reported, not only the first; a row with an error is
rejected and counts nowhere; warnings never reject.

A response file can hold a million rows, so reading is one streaming pass in
two gears:

* :func:`_read_row` is the general reader: any cell type, every problem, an
  :class:`Activity`. It is the definition of what a row means.
* :func:`_clean_chunk` is the fast path, over chunks of rows whose cells are
  text (as CSV gives them). It works column by column with C-level ``map``:
  each value is looked up in a per-run memo of *distinct* cell texts (library
  names, kinds, dates, counts, clock times repeat a great deal), timestamps
  and dates become day ordinals and seconds, the library's local day comes
  from a zone offset known to be steady around that day, and the reasons a
  row could be unclean are searched per column with ``list.index``. A clean
  row runs no Python bytecode of its own and goes straight into
  :class:`ActivityColumns`. Every other row (a problem of any kind, a non-text
  cell, an unusual link or timestamp, a day near a daylight-saving change) is
  handed to :func:`_read_row`, so problems are always built by the general reader.

Accepted :class:`Activity` objects are built only when someone iterates
:attr:`ParseResult.activities` (scoring reads the columns), by reading the
accepted rows again with :func:`_read_row`. ``tests/parsing/test_fast_path.py``
checks that both gears agree.
"""

from __future__ import annotations

import datetime as dt
import gc
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import compress, islice, repeat
from operator import add, and_, eq, floordiv, gt, itemgetter, lshift, lt, mul, ne, not_, or_, sub
from typing import Any, Final, cast

import attrs
import pendulum

from tpbis.domain.activity import Activity, ActivityKind, SourceRef
from tpbis.domain.library import Registry
from tpbis.domain.problems import Problem, Severity
from tpbis.domain.rubric import Rubric
from tpbis.i18n import both
from tpbis.parsing._columns import KIND_ORDER, Activities, ActivityColumns
from tpbis.parsing.mapping import Field, resolve_columns
from tpbis.parsing.matching import LibraryMatcher
from tpbis.parsing.table import Cell, Table, cell_text
from tpbis.parsing.values import (
    _NORMAL_URL,
    _NORMAL_URL_OR_EMPTY,
    _PLAIN_URL_SHAPE,
    _SLASHED_URL,
    _URL_SEPARATORS,
    _clock,
    _zone,
    is_blank,
    is_http_url,
    normalize_text,
    normalize_url,
    parse_date,
    parse_timestamp,
    parse_whole_number,
    plain_url_identity,
    split_partners,
    split_urls,
)

__all__ = ["PROGRAM_START", "Counts", "ParseResult", "parse_responses"]

PROGRAM_START = pendulum.date(2018, 1, 1)
DEFAULT_TIMEZONE = "Asia/Jakarta"

_PROGRAM_START_ORDINAL: Final = PROGRAM_START.toordinal()
_DAY: Final = 86_400
_UTC: Final = dt.UTC
_KIND_INDEX: Final = {kind: index for index, kind in enumerate(KIND_ORDER)}
#: ASCII letters and digits kept, every other ASCII byte to a space (what normalize_text does to ASCII).
_ASCII_WORDS_ONLY: Final = bytes(c if chr(c).isalnum() else 32 for c in range(128)) + bytes(range(128, 256))
_NOT_CLEAN: Final = object()  # "this needs the general reader"
_BAD: Final = -(1 << 50)  # the same, as a number memo value: stays negative through the fast path's sums
_ZONE_LIMIT: Final = 16  # distinct library zones the fast path packs next to a registry position
_MEMO_LIMIT: Final = 1 << 17  # per-run memo tables are cleared when this full
#: Tests switch the fast path off to check that both gears give the same result.
_FAST_PATH = True
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


class _Row:
    """Collects the problems of one row."""

    __slots__ = ("errors", "problems", "response_id", "row", "tab")

    def __init__(self, tab: str, row: int, response_id: str | None = None) -> None:
        self.tab = tab
        self.row = row
        self.response_id = response_id
        self.problems: list[Problem] = []
        self.errors = 0

    def add(self, code: str, severity: Severity, column: str, value: Cell, **params: object) -> None:
        raw = cell_text(value)
        message_id, message_en = both(f"problem.{code}", value=raw, **params)
        self.problems.append(
            Problem(
                row=self.row, column=column, code=code, severity=severity,
                message_id=message_id, message_en=message_en, value=raw, tab=self.tab,
                response_id=self.response_id,
            )
        )
        if severity is Severity.ERROR:
            self.errors += 1


def _suggestion(names: Sequence[str]) -> tuple[str, str]:
    if not names:
        return "", ""
    return both("hint.suggestion", names=", ".join(f"'{n}'" for n in names))


class _Setup:
    """What every row of one table is read with."""

    def __init__(
        self,
        table: Table,
        registry: Registry,
        rubric: Rubric,
        columns: Mapping[str, str] | None,
        sheet_timezone: str,
        day_first: bool,
    ) -> None:
        col = resolve_columns(table.header, columns, tab=table.name)
        header = table.header
        self.table = table
        self.registry = registry
        self.rubric = rubric
        self.sheet_timezone = sheet_timezone
        self.day_first = day_first
        self.name_of = {field: str(header[index]) for field, index in col.items()}
        self.i_ts, self.i_lib, self.i_date = col[Field.REPORTED_AT], col[Field.LIBRARY], col[Field.DATE]
        self.i_title, self.i_kind = col[Field.TITLE], col[Field.KIND]
        self.i_male, self.i_female = col[Field.PARTICIPANTS_MALE], col[Field.PARTICIPANTS_FEMALE]
        self.i_pub = col[Field.PUBLICATION_URLS]
        self.i_partners = col.get(Field.PARTNERS)
        self.i_doc = col.get(Field.DOCUMENTATION_URL)
        self.width = len(header)
        self.matcher = LibraryMatcher(registry)
        self.kind_choices = ", ".join(info.label.split(" (", 1)[0] for info in rubric.kinds)
        self.library_index = {library.id: index for index, library in enumerate(registry)}
        #: the columns the fast path reads
        self.used = [i for i in (self.i_ts, self.i_lib, self.i_date, self.i_title, self.i_kind, self.i_male,
                                 self.i_female, self.i_pub, self.i_doc) if i is not None]

    def rows(self) -> Iterator[tuple[int, Sequence[Cell]]]:
        """(index, cells) of every row, padded to the header's width."""
        width = self.width
        for index, cells in enumerate(self.table.rows):
            if len(cells) < width:
                cells = [*cells, *([None] * (width - len(cells)))]
            yield index, cells


def _read_row(setup: _Setup, index: int, cells: Sequence[Cell]) -> tuple[_Row, Activity | None, Cell]:
    """Read one non-blank row in full: its problems, its activity if accepted, and its title cell."""
    name_of = setup.name_of
    day_first = setup.day_first
    sheet_timezone = setup.sheet_timezone
    table = setup.table
    number = table.row_number(index)
    response_id = table.row_ids[index] if table.row_ids else None
    row = _Row(table.name, number, response_id)

    ts_value = cells[setup.i_ts]
    reported_at = parse_timestamp(ts_value, sheet_timezone, day_first=day_first)
    if reported_at is None:
        row.add("timestamp.invalid", Severity.ERROR, name_of[Field.REPORTED_AT], ts_value)

    lib_value = cells[setup.i_lib]
    library = None
    if is_blank(lib_value):
        row.add("library.unknown", Severity.ERROR, name_of[Field.LIBRARY], lib_value,
                suggestion_id="", suggestion_en="")
    else:
        match = setup.matcher.match(str(lib_value))
        library = match.library
        if match.ambiguous:
            row.add("library.ambiguous", Severity.ERROR, name_of[Field.LIBRARY], lib_value,
                    candidates=", ".join(lib.id for lib in match.ambiguous))
        elif library is None:
            sid, sen = _suggestion(match.suggestions)
            row.add("library.unknown", Severity.ERROR, name_of[Field.LIBRARY], lib_value,
                    suggestion_id=sid, suggestion_en=sen)

    tz = library.timezone if library is not None else sheet_timezone
    reported_on = None
    if reported_at is not None:
        reported_on = (
            reported_at.date() if reported_at.timezone_name == tz
            else reported_at.in_timezone(_zone(tz)).date()
        )

    date_value = cells[setup.i_date]
    day = parse_date(date_value, day_first=day_first)
    if day is None:
        row.add("date.invalid", Severity.ERROR, name_of[Field.DATE], date_value)
    elif day < PROGRAM_START:
        row.add("date.before_program", Severity.ERROR, name_of[Field.DATE], date_value,
                date=day.isoformat())
    elif reported_on is not None and day > reported_on:
        row.add("date.future", Severity.ERROR, name_of[Field.DATE], date_value,
                date=day.isoformat(), reported=reported_on.isoformat())

    title_value = cells[setup.i_title]
    title = "" if title_value is None else cell_text(title_value).strip()
    if not title:
        row.add("title.missing", Severity.ERROR, name_of[Field.TITLE], title_value)

    kind_value = cells[setup.i_kind]
    kind = None if is_blank(kind_value) else setup.rubric.kind_of(str(kind_value))
    if kind is None:
        row.add("kind.unknown", Severity.ERROR, name_of[Field.KIND], kind_value,
                choices=setup.kind_choices)

    male_value, female_value = cells[setup.i_male], cells[setup.i_female]
    male = parse_whole_number(male_value)
    if male is None:
        row.add("participants.invalid", Severity.ERROR, name_of[Field.PARTICIPANTS_MALE], male_value)
    female = parse_whole_number(female_value)
    if female is None:
        row.add("participants.invalid", Severity.ERROR, name_of[Field.PARTICIPANTS_FEMALE], female_value)

    partners: tuple[str, ...] = ()
    if setup.i_partners is not None:
        partners = tuple(split_partners(cells[setup.i_partners]))

    documentation_url = None
    if setup.i_doc is not None:
        doc_value = cells[setup.i_doc]
        if not is_blank(doc_value):
            text = str(doc_value).strip()
            if is_http_url(text):
                documentation_url = text
            else:
                row.add("url.invalid", Severity.WARNING, name_of[Field.DOCUMENTATION_URL], doc_value)

    pub_value = cells[setup.i_pub]
    publication_urls: list[str] = []
    for url in split_urls(pub_value):
        if is_http_url(url):
            publication_urls.append(url)
        else:
            row.add("url.invalid", Severity.WARNING, name_of[Field.PUBLICATION_URLS], url)
    if kind is ActivityKind.PUBLIKASI and not publication_urls:
        row.add("publication.missing", Severity.ERROR, name_of[Field.PUBLICATION_URLS], pub_value)

    # Each None below was reported as an error; listing them lets the type checker see it.
    if (
        row.errors or library is None or day is None or kind is None or reported_at is None
        or reported_on is None or male is None or female is None
    ):
        return row, None, title_value
    activity = Activity(
        library_id=library.id,
        date=day,
        title=title,
        kind=kind,
        participants_male=male,
        participants_female=female,
        partners=partners,
        documentation_url=documentation_url,
        publication_urls=tuple(publication_urls),
        reported_at=reported_at,
        reported_on=reported_on,
        source=SourceRef(tab=table.name, row=number, response_id=response_id),
    )
    return row, activity, title_value


def _instant(moment: dt.datetime) -> int:
    """An aware date-time as whole microseconds on one UTC time line (orders like the instants)."""
    utc = moment.astimezone(_UTC)
    seconds = utc.toordinal() * _DAY + utc.hour * 3600 + utc.minute * 60 + utc.second
    return seconds * 1_000_000 + utc.microsecond


def _is_blank_row(cells: Iterable[Cell]) -> bool:
    return all(is_blank(c) for c in cells)


class _Memo:
    """Per-run memo tables of distinct cell texts → small integers for the fast path.

    Every value is an ``int``; :data:`_BAD` (hugely negative) means "not clean,
    ask the general reader", and stays negative through the fast path's
    arithmetic. Only ``str`` keys are stored, so a number or date cell never hits
    a text's entry (``1 == True`` and ``"1" != 1``).
    """

    def __init__(self, setup: _Setup) -> None:
        self.setup = setup
        self.day_first = setup.day_first
        self.sheet_timezone = setup.sheet_timezone
        #: library cell → registry position × 16 + zone number
        self.libraries: dict[str, int] = {}
        #: date part of a timestamp → (day ordinal, UTC seconds of its local midnight on the ordinal line)
        self.stamps: dict[str, tuple[int, int]] = {}
        #: clock part of a timestamp → seconds into the day
        self.clocks: dict[str, int] = {}
        #: date cell → day ordinal
        self.dates: dict[str, int] = {}
        #: kind cell → index into KIND_ORDER
        self.kinds: dict[str, int] = {}
        #: participants cell → whole number
        self.counts: dict[str, int] = {}
        #: zone number << 22 | day ordinal → the zone's steady UTC offset in seconds around that day
        self.offsets: dict[int, int] = {}
        self.zones: list[str] = [setup.sheet_timezone]

    @staticmethod
    def _store(table: dict[Any, Any], key: Any, value: Any) -> Any:  # any memo table
        if len(table) >= _MEMO_LIMIT:
            table.clear()
        table[key] = value
        return value

    def library(self, value: object) -> int:
        if type(value) is not str:
            return _BAD
        found = self.setup.matcher.match(value).library
        if found is None:
            return self._store(self.libraries, value, _BAD)  # type: ignore[no-any-return]
        zone = found.timezone
        if zone not in self.zones:
            if len(self.zones) == _ZONE_LIMIT:
                return _BAD  # more zones than the packing holds: the general reader copes
            self.zones.append(zone)
        entry = self.setup.library_index[found.id] * _ZONE_LIMIT + self.zones.index(zone)
        return self._store(self.libraries, value, entry)  # type: ignore[no-any-return]

    def clock(self, text: str) -> int:
        clock = _clock(text)
        seconds = _BAD if clock is None or clock[3] else clock[0] * 3600 + clock[1] * 60 + clock[2]
        return self._store(self.clocks, text, seconds)  # type: ignore[no-any-return]

    def stamp(self, text: str) -> tuple[int, int]:
        day = parse_date(text, day_first=self.day_first)
        entry = (_BAD, _BAD)
        if day is not None:
            ordinal = day.toordinal()
            offset = _steady_offset(self.sheet_timezone, ordinal)
            if offset is not None:
                entry = (ordinal, ordinal * _DAY - offset)
        return self._store(self.stamps, text, entry)  # type: ignore[no-any-return]

    def offset(self, key: int) -> int:
        offset = None if key < 0 else _steady_offset(self.zones[key >> 22], key & ((1 << 22) - 1))
        return self._store(self.offsets, key, _BAD if offset is None else offset)  # type: ignore[no-any-return]

    def date(self, value: object) -> int:
        if type(value) is not str:
            return _BAD
        day = parse_date(value, day_first=self.day_first)
        return self._store(self.dates, value, _BAD if day is None else day.toordinal())  # type: ignore[no-any-return]

    def kind(self, value: object) -> int:
        if type(value) is not str:
            return _BAD
        kind = self.setup.rubric.kind_of(value)
        return self._store(self.kinds, value, _BAD if kind is None else _KIND_INDEX[kind])  # type: ignore[no-any-return]

    def count(self, value: object) -> int:
        if type(value) is not str:
            return 0 if value is None else _BAD
        number = parse_whole_number(value)
        return self._store(self.counts, value, _BAD if number is None else number)  # type: ignore[no-any-return]


def _steady_offset(zone_name: str, ordinal: int) -> int | None:
    """The zone's UTC offset in seconds if it is the same from two days before ``ordinal`` to three after.

    Inside such a window a wall time and an instant convert by adding or
    subtracting one number, whatever the sheet's and the library's zones
    (their offsets differ by less than 28 hours). None near a change of
    offset (daylight saving), where the general reader decides.
    """
    if not 3 <= ordinal <= dt.date.max.toordinal() - 3:
        return None
    zone = _zone(zone_name)
    first = dt.datetime.fromordinal(ordinal - 2)
    seen: set[int | None] = set()
    for half_days in range(11):  # every 12 hours over five days
        delta = (first + dt.timedelta(hours=12 * half_days)).replace(tzinfo=zone).utcoffset()
        seen.add(None if delta is None else int(delta.total_seconds()))
    steady = seen.pop()
    return steady if not seen else None


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
        return _parse(table, registry, rubric, columns, sheet_timezone, day_first)
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
) -> ParseResult:
    setup = _Setup(table, registry, rubric, columns, sheet_timezone, day_first)
    i_title = setup.i_title
    width = setup.width
    first_number = table.row_number(0)
    library_index = setup.library_index
    memo = _Memo(setup)
    out = ActivityColumns([library.id for library in registry])
    c_url, more_urls = out.url, out.more_urls
    numbers = out.row
    instants = array("q")  # per accepted position, µs on the UTC line, for ordering duplicates

    problems: list[Problem] = []
    best: dict[tuple[int, int, int, str], int] = {}  # duplicate key → position of the keeper
    losers: list[tuple[int, tuple[int, int, int, str], object]] = []  # (position, key, title cell or _NOT_CLEAN)
    blank = rejected = trailing_blank = 0
    sheet_zone_checked = False
    fast = _FAST_PATH
    rows_read = 0
    rows = iter(table.rows)

    while chunk := list(islice(rows, _CHUNK)):
        chunk_first = first_number + rows_read
        if fast:
            records, slow = _clean_chunk(chunk, setup, memo, chunk_first)
        else:
            records, slow = [], list(range(len(chunk)))
        last_filled = len(chunk) - 1  # the chunk's last non-blank row: its last clean one, for now
        taken = set(slow)
        while last_filled >= 0 and last_filled in taken:
            last_filled -= 1
        general: list[tuple[Any, ...]] = []
        for j in slow:  # rows for the general reader: blank ones, problem ones, unusual ones
            cells = chunk[j]
            if len(cells) < width:
                cells = [*cells, *([None] * (width - len(cells)))]
            if _is_blank_row(cells):
                blank += 1
                continue
            last_filled = max(last_filled, j)
            if not sheet_zone_checked:
                _zone(sheet_timezone)  # a bad zone name is a configuration error, raised once
                sheet_zone_checked = True
            row, activity, _ = _read_row(setup, rows_read + j, cells)
            if row.problems:
                problems.extend(row.problems)
            if activity is None:
                rejected += 1
                continue
            general.append(_record(activity, library_index))
        trailing_blank = len(chunk) - 1 - last_filled if last_filled >= 0 else trailing_blank + len(chunk)
        if general:  # back into sheet order
            records.extend(general)
            records.sort(key=itemgetter(10))
        chunk_records = records
        rows_read += len(chunk)
        if not chunk_records:
            continue

        # Append the chunk's accepted rows column by column (C-level extends).
        (libs, days, kinds, norms, males, females, delays, stamps, urls, mores, chunk_numbers) = zip(
            *chunk_records, strict=True
        )
        start = len(numbers)
        out.library.extend(libs)
        out.kind.extend(kinds)
        out.day.extend(days)
        out.male.extend(males)
        out.female.extend(females)
        out.delay.extend(delays)
        numbers.extend(chunk_numbers)
        instants.extend(stamps)
        c_url.extend(urls)
        if any(mores):
            for number, more in zip(chunk_numbers, mores, strict=True):
                if more:
                    more_urls[number] = more

        # Duplicates: setdefault keeps the first position per key; the few rows that met an
        # earlier key are settled in Python, in sheet order, against the current keeper.
        keys = list(zip(libs, days, kinds, norms, strict=True))
        positions = range(start, start + len(keys))
        kept = list(map(best.setdefault, keys, positions))
        if any(map(ne, kept, positions)):
            for offset, held in enumerate(kept):
                position = start + offset
                if held == position:
                    continue
                key = keys[offset]
                held = best[key]
                number = chunk_numbers[offset]
                if (stamps[offset], number) < (instants[held], numbers[held]):
                    best[key] = position
                    # Its title cell is gone (keeping every title would cost ~100 bytes a row): read again below.
                    losers.append((held, key, _NOT_CLEAN))
                else:
                    cells = chunk[number - chunk_first]
                    losers.append((position, key, cells[i_title] if i_title < len(cells) else None))

    last = rows_read - trailing_blank
    blank -= trailing_blank
    del instants

    dropped: set[int] = set()
    name_title = setup.name_of[Field.TITLE]
    pending = [(pos, key) for pos, key, title_cell in losers if title_cell is _NOT_CLEAN]
    titles = _title_cells(setup, {numbers[pos] for pos, _ in pending}) if pending else {}
    for pos, key, title_cell in losers:
        row_number = numbers[pos]
        dropped.add(pos)
        dup = _Row(table.name, row_number,
                   table.row_ids[row_number - table.header_row - 1] if table.row_ids else None)
        cell = titles[row_number] if title_cell is _NOT_CLEAN else cast("Cell", title_cell)
        dup.add("activity.duplicate", Severity.WARNING, name_title, cell, original=numbers[best[key]])
        problems.extend(dup.problems)
    del best
    problems.sort(key=lambda p: p.row)
    accepted = out.without(dropped)
    activities = Activities(accepted, _rebuilder(setup, accepted))
    return ParseResult(
        activities=activities,
        problems=tuple(problems),
        counts=Counts(
            rows=last,
            accepted=len(accepted),
            rejected=rejected,
            duplicates=len(losers),
            blank=blank,
        ),
    )


def _record(activity: Activity, library_index: Mapping[str, int]) -> tuple[Any, ...]:
    """The fast path's record of an activity the general reader accepted."""
    day = activity.date.toordinal()
    identities = [normalize_url(url) for url in activity.publication_urls]
    return (
        library_index[activity.library_id], day, _KIND_INDEX[activity.kind], normalize_text(activity.title),
        activity.participants_male, activity.participants_female, activity.reported_on.toordinal() - day,
        _instant(activity.reported_at), identities[0] if identities else "",
        tuple(identities[1:]) if len(identities) > 1 else None, activity.source.row,
    )


def _is_text(column: Sequence[Cell]) -> bool:
    """Whether every cell of a column is ``str`` (one C-level pass; CSV columns always are)."""
    try:
        "".join(column)  # type: ignore[arg-type]
    except TypeError:
        return False
    return True


def _fill(memo: dict[Any, Any], keys: Sequence[Any], compute: Callable[[Any], Any]) -> list[Any]:
    """``memo[key]`` for every key, computing (and memoising) the misses with ``compute(key)``."""
    values = list(map(memo.get, keys))
    j = -1
    try:
        while True:
            j = values.index(None, j + 1)  # finds the misses in C
            key = keys[j]
            found = memo.get(key)  # an earlier miss in this chunk may have filled it
            values[j] = compute(key) if found is None else found
    except ValueError:
        return values


def _positions(values: list[Any], wanted: object, into: set[int]) -> None:
    """Add to ``into`` every index where ``values`` holds ``wanted`` (searched in C)."""
    j = -1
    try:
        while True:
            j = values.index(wanted, j + 1)
            into.add(j)
    except ValueError:
        return


def _clean_chunk(  # the fast path, kept flat
    chunk: Sequence[Sequence[Cell]], setup: _Setup, memo: _Memo, first_number: int
) -> tuple[list[tuple[Any, ...]], list[int]]:
    """The fast path over a chunk of rows, column by column, with no Python code per clean row.

    Returns the records of the clean rows (see :func:`_record`) and the
    indexes, in the chunk, of the rows the general reader must take. Every
    step is a C-level ``map`` over a column (memo lookups, arithmetic,
    comparisons); Python runs only for memo misses and the rows found unclean.
    """
    size = len(chunk)
    width = setup.width
    slow: set[int] = set()
    if min(map(len, chunk)) < width:  # blank lines come as [] from csv: the general reader takes them
        slow.update(j for j, cells in enumerate(chunk) if len(cells) < width)
        chunk = [[*cells, *([""] * (width - len(cells)))] if len(cells) < width else cells for cells in chunk]
    columns = list(zip(*chunk, strict=False))
    if not all(_is_text(columns[i]) for i in setup.used):
        return [], list(range(size))

    libs = _fill(memo.libraries, columns[setup.i_lib], memo.library)
    ts_dates, _, ts_clocks = zip(*map(str.rpartition, map(str.strip, columns[setup.i_ts]), repeat(" ")), strict=True)
    stamps = _fill(memo.stamps, ts_dates, memo.stamp)
    ts_days = list(map(itemgetter(0), stamps))
    utc = list(map(add, map(itemgetter(1), stamps), _fill(memo.clocks, ts_clocks, memo.clock)))
    zones = map(and_, libs, repeat(_ZONE_LIMIT - 1))
    offsets = _fill(memo.offsets, list(map(or_, map(lshift, zones, repeat(22)), ts_days)), memo.offset)
    reported_on = list(map(floordiv, map(add, utc, offsets), repeat(_DAY)))  # local day in the library's zone
    days = _fill(memo.dates, columns[setup.i_date], memo.date)
    kinds = _fill(memo.kinds, columns[setup.i_kind], memo.kind)
    males = _fill(memo.counts, columns[setup.i_male], memo.count)
    females = _fill(memo.counts, columns[setup.i_female], memo.count)
    positions = list(map(floordiv, libs, repeat(_ZONE_LIMIT)))
    titles = list(map(str.strip, columns[setup.i_title]))

    # Publication links: one already in normal form is its own identity (the usual case, in C).
    pubs = list(map(str.strip, columns[setup.i_pub]))
    urls: list[Any] = list(pubs)
    more: dict[int, tuple[str, ...]] = {}
    normal = list(map(_NORMAL_URL_OR_EMPTY.fullmatch, pubs))  # a blank cell is its own (empty) identity too
    j = -1
    try:
        while True:
            j = normal.index(None, j + 1)  # the others, found in C
            text = pubs[j]
            if _SLASHED_URL.fullmatch(text):
                urls[j] = text[:-1]
            elif (plain := plain_url_identity(text)) is not None:  # one link, not yet in normal form
                urls[j] = plain
            else:
                ids = _identities(text)
                if type(ids) is list:
                    urls[j] = ids[0]
                    more[first_number + j] = tuple(ids[1:])
                else:
                    urls[j] = ids  # "" or one identity, or None: a url.invalid warning
    except ValueError:
        pass

    # Every reason a row is not clean, found per column in C.
    _positions(list(map(lt, map(min, positions, ts_days, utc, days, kinds, males, females), repeat(0))),
               True, slow)
    _positions(list(map(gt, days, reported_on)), True, slow)  # date.future (or a bad zone offset)
    _positions(list(map(lt, days, repeat(_PROGRAM_START_ORDINAL))), True, slow)
    _positions(titles, "", slow)
    _positions(urls, None, slow)
    publikasi = _KIND_INDEX[ActivityKind.PUBLIKASI]
    _positions(list(map(and_, map(eq, kinds, repeat(publikasi)), map(not_, urls))), True, slow)
    if setup.i_doc is not None:
        docs = list(map(str.strip, columns[setup.i_doc]))
        checked = list(map(_PLAIN_URL_SHAPE.fullmatch, docs))
        j = -1
        try:
            while True:
                j = checked.index(None, j + 1)
                if docs[j] and not is_http_url(docs[j]):
                    slow.add(j)
        except ValueError:
            pass

    numbers = range(first_number, first_number + size)
    instants = map(mul, utc, repeat(1_000_000))
    delays = map(sub, reported_on, days)
    records = list(zip(
        positions, days, kinds, _normalize_titles(titles), males, females, delays, instants, urls,
        map(more.get, numbers), numbers, strict=True,
    ))
    if slow:
        keep = bytearray(b"\x01") * size
        for j in slow:
            keep[j] = 0
        records = list(compress(records, keep))
    return records, sorted(slow)


def _normalize_titles(titles: list[str]) -> list[str]:
    """:func:`normalize_text` of every title, the ASCII ones in C-level passes (no memo: titles rarely repeat)."""
    folded = list(map(str.casefold, titles))
    if not all(map(str.isascii, folded)):  # bytes.translate is 3× faster than str.translate; ASCII only
        ascii_only = [text if text.isascii() else "" for text in folded]
    else:
        ascii_only = folded
    norms = list(map(bytes.decode, map(b" ".join, map(bytes.split, map(
        bytes.translate, map(str.encode, ascii_only), repeat(_ASCII_WORDS_ONLY))))))
    if ascii_only is not folded:
        for j, text in enumerate(folded):
            if not text.isascii():
                norms[j] = normalize_text(titles[j])
    return norms


def _identities(text: str) -> str | list[str] | None:
    """Publication link identities of a stripped cell text: ``""`` for none, one ``str``, a list, or None if one is invalid."""
    parts = [part for part in _URL_SEPARATORS.split(text) if part]
    if all(map(_NORMAL_URL.fullmatch, parts)):  # the usual list: each link its own identity
        return (parts[0] if len(parts) == 1 else parts) if parts else ""
    found: list[str] = []
    for url in parts:
        if url:
            identity = plain_url_identity(url)
            if identity is None:
                if not is_http_url(url):
                    return None  # a url.invalid warning: the general reader reports it
                identity = normalize_url(url)
            found.append(identity)
    if not found:
        return ""
    return found[0] if len(found) == 1 else found


def _title_cells(setup: _Setup, numbers: set[int]) -> dict[int, Cell]:
    """The title cells of these sheet rows, read again from the table."""
    first = setup.table.row_number(0)
    return {first + index: cells[setup.i_title] for index, cells in setup.rows() if first + index in numbers}


def _rebuilder(setup: _Setup, accepted: ActivityColumns) -> Callable[[], Sequence[Activity]]:
    """Build the accepted :class:`Activity` values by reading their rows again."""
    wanted = accepted.row  # ascending sheet row numbers

    def build() -> Sequence[Activity]:
        first = setup.table.row_number(0)
        found: list[Activity] = []
        total = len(wanted)
        if not total:
            return found
        next_row = wanted[0]
        for index, cells in setup.rows():
            if first + index != next_row:
                continue
            _, activity, _ = _read_row(setup, index, cells)
            if activity is None:  # the table changed under us
                msg = f"row {next_row} no longer reads as an activity"
                raise RuntimeError(msg)
            found.append(activity)
            if len(found) == total:
                break
            next_row = wanted[len(found)]
        return found

    return build
