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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Final

import attrs
import pendulum

from tpbis.domain.activity import KIND_ORDER, Activities, Activity, ActivityColumns, ActivityKind, SourceRef
from tpbis.domain.library import Registry
from tpbis.domain.problems import Problem, Severity
from tpbis.domain.rubric import Rubric
from tpbis.i18n import both
from tpbis.parsing.mapping import Field, resolve_columns
from tpbis.parsing.matching import LibraryMatcher
from tpbis.parsing.table import Cell, Table, cell_text
from tpbis.parsing.values import (
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
_UTC: Final = dt.timezone.utc
_KIND_INDEX: Final = {kind: index for index, kind in enumerate(KIND_ORDER)}
_NOT_CLEAN: Final = object()  # memo value: "this text needs the general reader"
_MEMO_LIMIT: Final = 1 << 17  # per-run memo tables are cleared when this full


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

    def rows(self) -> Iterator[tuple[int, Sequence[Cell]]]:
        """(index, cells) of every row, padded to the header's width."""
        width = self.width
        for index, cells in enumerate(self.table.rows):
            if len(cells) < width:
                cells = [*cells, *([None] * (width - len(cells)))]  # noqa: PLW2901
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


class _Offsets:
    """UTC offsets of a zone in seconds, per local calendar day, when steady around it."""

    def __init__(self) -> None:
        self._memo: dict[tuple[str, int], int | None] = {}

    def steady(self, zone_name: str, ordinal: int) -> int | None:
        """The zone's offset if it is the same from two days before ``ordinal`` to three days after, else None.

        Inside such a window an instant and a wall time convert by adding or
        subtracting one number, whatever the sheet's and the library's zones.
        """
        key = (zone_name, ordinal)
        try:
            return self._memo[key]
        except KeyError:
            pass
        zone = _zone(zone_name)
        if not 3 <= ordinal <= dt.date.max.toordinal() - 3:
            self._memo[key] = None
            return None
        first = dt.datetime.fromordinal(ordinal - 2)
        seen = set()
        for half_days in range(11):  # every 12 hours over five days
            moment = (first + dt.timedelta(hours=12 * half_days)).replace(tzinfo=zone)
            offset = moment.utcoffset()
            seen.add(None if offset is None else int(offset.total_seconds()))
        result = seen.pop() if len(seen) == 1 else None
        self._memo[key] = result
        return result


def parse_responses(  # noqa: C901, PLR0912, PLR0915  # one loop, kept flat for speed
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
    setup = _Setup(table, registry, rubric, columns, sheet_timezone, day_first)
    i_ts, i_lib, i_date, i_title, i_kind = setup.i_ts, setup.i_lib, setup.i_date, setup.i_title, setup.i_kind
    i_male, i_female, i_pub, i_doc = setup.i_male, setup.i_female, setup.i_pub, setup.i_doc
    width = setup.width
    first_number = table.row_number(0)
    library_index = setup.library_index
    matcher = setup.matcher
    offsets = _Offsets()
    publikasi = ActivityKind.PUBLIKASI

    out = ActivityColumns([library.id for library in registry])
    c_library, c_kind, c_day, c_male, c_female = out.library, out.kind, out.day, out.male, out.female
    c_delay, c_row, c_urls, c_url_end = out.delay, out.row, out.urls, out.url_end
    instants: list[int] = []  # per accepted position, for ordering duplicates

    # Per-run memos of distinct cell texts → what the fast path needs, or _NOT_CLEAN.
    libraries: dict[str, object] = {}
    dates: dict[str, object] = {}
    clocks: dict[str, object] = {}
    kinds: dict[str, object] = {}
    counts: dict[str, object] = {}

    problems: list[Problem] = []
    best: dict[tuple[int, int, ActivityKind, str], int] = {}  # duplicate key → position of the keeper
    losers: list[tuple[int, tuple[int, int, ActivityKind, str], Cell]] = []  # (position, key, title cell)
    blank = rejected = trailing_blank = 0
    rows_read = 0
    sheet_zone_checked = False
    doc_urls: dict[str, bool] = {}

    for index, cells in enumerate(table.rows):
        rows_read = index + 1
        if len(cells) < width:
            cells = [*cells, *([None] * (width - len(cells)))]  # noqa: PLW2901
        lib_value = cells[i_lib]
        if (type(lib_value) is not str or not lib_value.strip()) and _is_blank_row(cells):
            blank += 1
            trailing_blank += 1
            continue
        trailing_blank = 0
        if not sheet_zone_checked:
            _zone(sheet_timezone)  # a bad zone name is a configuration error, raised once
            sheet_zone_checked = True

        # ---- fast path: every lookup must succeed, else the general reader takes the row
        record = None
        while True:  # a block to break out of
            lib = libraries.get(lib_value)  # type: ignore[arg-type]
            if lib is None:
                lib = _NOT_CLEAN
                if type(lib_value) is str:
                    found = matcher.match(lib_value).library
                    if found is not None:
                        lib = (library_index[found.id], found.timezone)
                    if len(libraries) >= _MEMO_LIMIT:
                        libraries.clear()
                    libraries[lib_value] = lib
            if lib is _NOT_CLEAN:
                break
            lib_pos, lib_zone = lib  # type: ignore[misc]

            ts = cells[i_ts]
            if type(ts) is not str:
                break
            ts = ts.strip()
            space = ts.rfind(" ")
            if space <= 0:
                break
            clock_text = ts[space + 1:]
            seconds = clocks.get(clock_text)
            if seconds is None:
                seconds = _NOT_CLEAN
                clock = _clock(clock_text)
                if clock is not None and not clock[3]:
                    seconds = clock[0] * 3600 + clock[1] * 60 + clock[2]
                if len(clocks) >= _MEMO_LIMIT:
                    clocks.clear()
                clocks[clock_text] = seconds
            if seconds is _NOT_CLEAN:
                break
            ts_day = dates.get(ts[:space])
            if ts_day is None:
                ts_day = _memo_date(dates, ts[:space], day_first)
            if ts_day is _NOT_CLEAN:
                break
            sheet_offset = offsets.steady(sheet_timezone, ts_day)  # type: ignore[arg-type]
            if sheet_offset is None:
                break
            utc = ts_day * _DAY + seconds - sheet_offset  # type: ignore[operator]
            if lib_zone == sheet_timezone:
                reported_on = ts_day
            else:
                lib_offset = offsets.steady(lib_zone, ts_day)  # type: ignore[arg-type]
                if lib_offset is None:
                    break
                reported_on = (utc + lib_offset) // _DAY

            day_value = cells[i_date]
            day = dates.get(day_value)  # type: ignore[arg-type]
            if day is None:
                if type(day_value) is not str:
                    break
                day = _memo_date(dates, day_value, day_first)
            if day is _NOT_CLEAN or day < _PROGRAM_START_ORDINAL or day > reported_on:  # type: ignore[operator]
                break

            title = cells[i_title]
            if type(title) is not str:
                break
            title = title.strip()
            if not title:
                break

            kind_value = cells[i_kind]
            kind = kinds.get(kind_value)  # type: ignore[arg-type]
            if kind is None:
                kind = _NOT_CLEAN
                if type(kind_value) is str:
                    kind = rubric.kind_of(kind_value) or _NOT_CLEAN
                    kinds[kind_value] = kind
            if kind is _NOT_CLEAN:
                break

            male_value = cells[i_male]
            male = counts.get(male_value)  # type: ignore[arg-type]
            if male is None:
                male = _memo_count(counts, male_value)
            female_value = cells[i_female]
            female = counts.get(female_value)  # type: ignore[arg-type]
            if female is None:
                female = _memo_count(counts, female_value)
            if male is _NOT_CLEAN or female is _NOT_CLEAN:
                break

            if i_doc is not None:
                doc = cells[i_doc]
                if doc is not None:
                    if type(doc) is not str:
                        break
                    doc = doc.strip()
                    if doc:
                        ok = doc_urls.get(doc)
                        if ok is None:
                            ok = plain_url_identity(doc) is not None or is_http_url(doc)
                            if len(doc_urls) >= _MEMO_LIMIT:
                                doc_urls.clear()
                            doc_urls[doc] = ok
                        if not ok:
                            break

            pub = cells[i_pub]
            identities: list[str] = []
            if pub is not None:
                if type(pub) is not str:
                    break
                clean = True
                for url in _URL_SEPARATORS.split(pub):
                    if url:
                        identity = plain_url_identity(url)
                        if identity is None:
                            if not is_http_url(url):
                                clean = False
                                break
                            identity = normalize_url(url)
                        identities.append(identity)
                if not clean:
                    break
            if kind is publikasi and not identities:
                break

            record = (lib_pos, day, kind, title, male, female, reported_on - day, utc * 1_000_000, identities)  # type: ignore[operator]
            break

        number = first_number + index
        if record is None:
            row, activity, title_cell = _read_row(setup, index, cells)
            if row.problems:
                problems.extend(row.problems)
            if activity is None:
                rejected += 1
                continue
            day_ordinal = activity.date.toordinal()
            record = (
                library_index[activity.library_id], day_ordinal, activity.kind, activity.title,
                activity.participants_male, activity.participants_female,
                activity.reported_on.toordinal() - day_ordinal, _instant(activity.reported_at),
                [normalize_url(url) for url in activity.publication_urls],
            )
        else:
            title_cell = cells[i_title]

        lib_pos, day, kind, title, male, female, delay, instant, identities = record
        position = len(c_row)
        c_library.append(lib_pos)
        c_kind.append(_KIND_INDEX[kind])
        c_day.append(day)
        c_male.append(male)
        c_female.append(female)
        c_delay.append(delay)
        c_row.append(number)
        if identities:
            c_urls.extend(identities)
        c_url_end.append(len(c_urls))
        instants.append(instant)

        key = (lib_pos, day, kind, normalize_text(title))
        held = best.get(key)
        if held is None:
            best[key] = position
        elif (instant, number) < (instants[held], c_row[held]):
            best[key] = position
            # Its title cell is gone (keeping every title would cost ~100 bytes a row): read again below.
            losers.append((held, key, _NOT_CLEAN))  # type: ignore[arg-type]
        else:
            losers.append((position, key, title_cell))

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


def _memo_date(memo: dict[str, object], text: str, day_first: bool) -> object:
    day = parse_date(text, day_first=day_first)
    result = _NOT_CLEAN if day is None else day.toordinal()
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[text] = result
    return result


def _memo_count(memo: dict[str, object], value: object) -> object:
    if type(value) is not str:
        return _NOT_CLEAN if value is not None else 0
    number = parse_whole_number(value)
    result = _NOT_CLEAN if number is None else number
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[value] = result
    return result


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
