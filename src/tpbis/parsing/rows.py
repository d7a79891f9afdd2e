"""Reading submitted rows into activities and problems (SPEC §3.1).

Every row is accounted for: ``rows = accepted + rejected + duplicates + blank``.
Every problem of a row is reported, not only the first; a row with an error is
rejected and counts nowhere; warnings never reject.

A response file can hold a million rows, so reading is one streaming pass in
two gears:

* :func:`_read_row` is the general reader: any cell type, every problem, an
  :class:`Activity`. It is the definition of what a row means.
* the loop in :func:`parse_responses` first tries a fast path for the usual
  clean row of text cells: every value is looked up in a per-run memo of
  *distinct* cell texts (library names, kinds, dates, counts repeat a great
  deal), timestamps and dates become day ordinals and seconds, and the row
  goes straight into :class:`ActivityColumns` — no objects per row. Anything
  the fast path does not recognise as clean (a problem of any kind, a non-text
  cell, an unusual URL or timestamp, a zone changing offset that day) is handed
  to :func:`_read_row`, so problems are always built by the general reader.

Accepted :class:`Activity` objects are built only when someone iterates
:attr:`ParseResult.activities` (scoring reads the columns), by reading the
accepted rows again with :func:`_read_row`. ``tests/parsing/test_rows.py``
checks that both gears agree.
"""

from __future__ import annotations

import datetime as dt
import gc
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice, repeat
from typing import Any, Final

import attrs
import pendulum

from tpbis.domain.activity import (
    KIND_ORDER,
    Activities,
    Activity,
    ActivityColumns,
    ActivityKind,
    SourceRef,
)
from tpbis.domain.library import Registry
from tpbis.domain.problems import Problem, Severity
from tpbis.domain.rubric import Rubric
from tpbis.i18n import both
from tpbis.parsing.mapping import Field, resolve_columns
from tpbis.parsing.matching import LibraryMatcher
from tpbis.parsing.table import Cell, Table, cell_text
from tpbis.parsing.values import (
    _ASCII_NOT_WORD,
    _NORMAL_URL,
    _PLAIN_URL,
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
_NOT_CLEAN: Final = object()  # memo value: "this text needs the general reader"
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

    ``activities`` is an :class:`~tpbis.domain.activity.Activities` sequence when
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
    """Per-run memo tables of distinct cell texts → what the fast path needs, or ``_NOT_CLEAN``.

    Only ``str`` keys are stored, so a number or date cell never hits a text's entry
    (``1 == True`` and ``"1" != 1``): non-text cells always take the general reader.
    """

    def __init__(self, setup: _Setup) -> None:
        self.setup = setup
        self.day_first = setup.day_first
        self.sheet_timezone = setup.sheet_timezone
        #: library cell → (registry position, zone name, {day ordinal: offset}) or None for the sheet's zone
        self.libraries: dict[str, object] = {}
        #: date part of a timestamp → (day ordinal, UTC seconds of its local midnight on the ordinal line)
        self.stamps: dict[str, object] = {}
        #: clock part of a timestamp → seconds into the day
        self.clocks: dict[str, object] = {}
        #: date cell → day ordinal
        self.dates: dict[str, object] = {}
        #: kind cell → index into KIND_ORDER
        self.kinds: dict[str, object] = {}
        #: participants cell → whole number
        self.counts: dict[str, object] = {}
        self._zone_days: dict[str, dict[int, object]] = {}

    @staticmethod
    def _store(table: dict[str, object], key: str, value: object) -> object:
        if len(table) >= _MEMO_LIMIT:
            table.clear()
        table[key] = value
        return value

    def library(self, value: object) -> object:
        if type(value) is not str:
            return _NOT_CLEAN
        found = self.setup.matcher.match(value).library
        if found is None:
            return self._store(self.libraries, value, _NOT_CLEAN)
        zone = found.timezone
        days = None if zone == self.sheet_timezone else self._zone_days.setdefault(zone, {})
        entry = (self.setup.library_index[found.id], zone, days)
        return self._store(self.libraries, value, entry)

    def clock(self, text: str) -> object:
        clock = _clock(text)
        seconds = _NOT_CLEAN if clock is None or clock[3] else clock[0] * 3600 + clock[1] * 60 + clock[2]
        return self._store(self.clocks, text, seconds)

    def stamp(self, text: str) -> object:
        day = parse_date(text, day_first=self.day_first)
        entry: object = _NOT_CLEAN
        if day is not None:
            ordinal = day.toordinal()
            offset = _steady_offset(self.sheet_timezone, ordinal)
            if offset is not None:
                entry = (ordinal, ordinal * _DAY - offset)
        return self._store(self.stamps, text, entry)

    def offset(self, zone: str, days: dict[int, object], ordinal: int) -> object:
        offset = _steady_offset(zone, ordinal)
        days[ordinal] = _NOT_CLEAN if offset is None else offset
        return days[ordinal]

    def date(self, value: object) -> object:
        if type(value) is not str:
            return _NOT_CLEAN
        day = parse_date(value, day_first=self.day_first)
        return self._store(self.dates, value, _NOT_CLEAN if day is None else day.toordinal())

    def kind(self, value: object) -> object:
        if type(value) is not str:
            return _NOT_CLEAN
        kind = self.setup.rubric.kind_of(value)
        return self._store(self.kinds, value, _NOT_CLEAN if kind is None else _KIND_INDEX[kind])

    def count(self, value: object) -> object:
        if type(value) is not str:
            return 0 if value is None else _NOT_CLEAN
        number = parse_whole_number(value)
        return self._store(self.counts, value, _NOT_CLEAN if number is None else number)


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
    seen = set()
    for half_days in range(11):  # every 12 hours over five days
        offset = (first + dt.timedelta(hours=12 * half_days)).replace(tzinfo=zone).utcoffset()
        seen.add(None if offset is None else int(offset.total_seconds()))
    offset = seen.pop()
    return offset if not seen else None


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
    c_library, c_kind, c_day, c_male, c_female = out.library, out.kind, out.day, out.male, out.female
    c_delay, c_row, c_urls, c_url_end = out.delay, out.row, out.urls, out.url_end
    instants = array("q")  # per accepted position, µs on the UTC line, for ordering duplicates

    problems: list[Problem] = []
    best: dict[tuple[int, int, int, str], int] = {}  # duplicate key → position of the keeper
    losers: list[tuple[int, tuple[int, int, int, str], Cell]] = []  # (position, key, title cell)
    blank = rejected = trailing_blank = 0
    sheet_zone_checked = False
    fast = _FAST_PATH
    index = -1
    rows = iter(table.rows)

    while chunk := list(islice(rows, _CHUNK)):
        records = _clean_records(chunk, setup, memo) if fast else [None] * len(chunk)
        for cells, record in zip(chunk, records, strict=True):
            index += 1
            number = first_number + index
            if record is not None:
                trailing_blank = 0
                lib_pos, day, kind, norm, male, female, delay, instant, identities = record
                title_cell: Cell = cells[i_title]
            else:
                if len(cells) < width:
                    cells = [*cells, *([None] * (width - len(cells)))]
                if _is_blank_row(cells):
                    blank += 1
                    trailing_blank += 1
                    continue
                trailing_blank = 0
                if not sheet_zone_checked:
                    _zone(sheet_timezone)  # a bad zone name is a configuration error, raised once
                    sheet_zone_checked = True
                row, activity, title_cell = _read_row(setup, index, cells)
                if row.problems:
                    problems.extend(row.problems)
                if activity is None:
                    rejected += 1
                    continue
                lib_pos = library_index[activity.library_id]
                day = activity.date.toordinal()
                kind = _KIND_INDEX[activity.kind]
                male, female = activity.participants_male, activity.participants_female
                delay = activity.reported_on.toordinal() - day
                instant = _instant(activity.reported_at)
                identities = [normalize_url(url) for url in activity.publication_urls]
                norm = normalize_text(activity.title)

            position = len(c_row)
            c_library.append(lib_pos)
            c_kind.append(kind)
            c_day.append(day)
            c_male.append(male)
            c_female.append(female)
            c_delay.append(delay)
            c_row.append(number)
            if type(identities) is str:
                if identities:
                    c_urls.append(identities)
            elif identities:
                c_urls.extend(identities)
            c_url_end.append(len(c_urls))
            instants.append(instant)

            key = (lib_pos, day, kind, norm)
            held = best.get(key)
            if held is None:
                best[key] = position
            elif (instant, number) < (instants[held], c_row[held]):
                best[key] = position
                # Its title cell is gone (keeping every title would cost ~100 bytes a row): read again below.
                losers.append((held, key, _NOT_CLEAN))  # type: ignore[arg-type]
            else:
                losers.append((position, key, title_cell))

    rows_read = index + 1
    last = rows_read - trailing_blank
    blank -= trailing_blank
    del instants

    dropped: set[int] = set()
    name_title = setup.name_of[Field.TITLE]
    pending = [(pos, key) for pos, key, title_cell in losers if title_cell is _NOT_CLEAN]
    titles = _title_cells(setup, {c_row[pos] for pos, _ in pending}) if pending else {}
    for pos, key, title_cell in losers:
        row_number = c_row[pos]
        dropped.add(pos)
        dup = _Row(table.name, row_number,
                   table.row_ids[row_number - table.header_row - 1] if table.row_ids else None)
        cell = titles[row_number] if title_cell is _NOT_CLEAN else title_cell
        dup.add("activity.duplicate", Severity.WARNING, name_title, cell, original=c_row[best[key]])
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


def _is_text(column: Sequence[Cell]) -> bool:
    """Whether every cell of a column is ``str`` (one C-level pass; CSV columns always are)."""
    try:
        "".join(column)  # type: ignore[arg-type]
    except TypeError:
        return False
    return True


def _fill(
    memo: dict[str, object], keys: Sequence[Any], compute: Callable[[Any], object]
) -> list[object]:
    """``memo[key]`` for every key, computing (and memoising) the misses with ``compute(key)``."""
    values = list(map(memo.get, keys))
    if None in values:
        for j, value in enumerate(values):
            if value is None:
                key = keys[j]
                found = memo.get(key)  # an earlier miss in this chunk may have filled it
                values[j] = compute(key) if found is None else found
    return values


def _clean_records(  # the fast path, kept flat
    chunk: Sequence[Sequence[Cell]], setup: _Setup, memo: _Memo
) -> list[tuple[Any, ...] | None]:
    """The fast path over a chunk of rows: per row, the accepted record, or None for "ask the general reader".

    Works column by column with C-level ``map`` over memo tables of distinct cell
    texts; only the columns' misses and the final per-row checks run as Python.
    A record is ``(library position, day ordinal, kind index, normalised title,
    male, female, delay days, instant µs, publication identities)``.
    """
    size = len(chunk)
    width = setup.width
    short: list[int] = []
    if min(map(len, chunk)) < width:  # blank lines come as [] from csv: the general reader takes them
        short = [j for j, cells in enumerate(chunk) if len(cells) < width]
        chunk = [[*cells, *([""] * (width - len(cells)))] if len(cells) < width else cells for cells in chunk]
    columns = list(zip(*chunk, strict=False))
    if not all(_is_text(columns[i]) for i in setup.used):
        return [None] * size
    ts_col, lib_col, date_col = columns[setup.i_ts], columns[setup.i_lib], columns[setup.i_date]
    title_col, kind_col, pub_col = columns[setup.i_title], columns[setup.i_kind], columns[setup.i_pub]
    male_col, female_col = columns[setup.i_male], columns[setup.i_female]

    libs = _fill(memo.libraries, lib_col, memo.library)
    ts_dates, _, ts_clocks = zip(*map(str.rpartition, map(str.strip, ts_col), repeat(" ")), strict=True)
    stamps = _fill(memo.stamps, ts_dates, memo.stamp)
    clocks = _fill(memo.clocks, ts_clocks, memo.clock)
    days = _fill(memo.dates, date_col, memo.date)
    kinds = _fill(memo.kinds, kind_col, memo.kind)
    males = _fill(memo.counts, male_col, memo.count)
    females = _fill(memo.counts, female_col, memo.count)
    titles = list(map(str.strip, title_col))
    folded = list(map(str.casefold, titles))
    norms = list(map(" ".join, map(str.split, map(str.translate, folded, repeat(_ASCII_NOT_WORD)))))
    if not all(map(str.isascii, folded)):
        for j, text in enumerate(folded):
            if not text.isascii():
                norms[j] = normalize_text(titles[j])

    if setup.i_doc is None:
        docs_ok: list[object] = [True] * size
    else:
        docs = list(map(str.strip, columns[setup.i_doc]))
        docs_ok = list(map(_PLAIN_URL.fullmatch, docs))
        if None in docs_ok:
            for j, doc in enumerate(docs):
                if docs_ok[j] is None:
                    docs_ok[j] = True if not doc or is_http_url(doc) else _NOT_CLEAN

    pubs = list(map(str.strip, pub_col))
    # A single link already in its normal form is its own identity: no work per row.
    normal = list(map(_NORMAL_URL.fullmatch, pubs))

    not_clean = _NOT_CLEAN
    start = _PROGRAM_START_ORDINAL
    publikasi = _KIND_INDEX[ActivityKind.PUBLIKASI]
    records: list[tuple[Any, ...] | None] = [None] * size
    for j, (lib, stamp, seconds, day, kind, male, female, doc_ok, is_normal) in enumerate(zip(
        libs, stamps, clocks, days, kinds, males, females, docs_ok, normal, strict=True,
    )):
        if (
            lib is not_clean or stamp is not_clean or seconds is not_clean or day is not_clean
            or kind is not_clean or male is not_clean or female is not_clean or doc_ok is not_clean
            or not titles[j]
        ):
            continue
        ids = pubs[j] if is_normal is not None else _identities(pubs[j])
        if ids is not_clean:
            continue
        lib_pos, lib_zone, lib_days = lib  # type: ignore[misc]
        ts_day, base = stamp  # type: ignore[misc]
        utc = base + seconds
        if lib_days is None:  # the library keeps the sheet's zone
            reported_on = ts_day
        else:
            offset = lib_days.get(ts_day)
            if offset is None:
                offset = memo.offset(lib_zone, lib_days, ts_day)
            if offset is not_clean:
                continue
            reported_on = (utc + offset) // _DAY
        if day < start or day > reported_on or (kind == publikasi and not ids):  # type: ignore[operator]
            continue
        records[j] = (lib_pos, day, kind, norms[j], male, female, reported_on - day, utc * 1_000_000, ids)  # type: ignore[operator]
    for j in short:
        records[j] = None
    return records


def _identities(text: str) -> object:
    """Publication link identities of a stripped cell text: ``""`` for none, one ``str``, a list, or ``_NOT_CLEAN``."""
    found: list[str] = []
    for url in _URL_SEPARATORS.split(text):
        if url:
            identity = plain_url_identity(url)
            if identity is None:
                if not is_http_url(url):
                    return _NOT_CLEAN  # a url.invalid warning: the general reader reports it
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
