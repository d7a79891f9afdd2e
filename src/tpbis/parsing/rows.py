"""Reading submitted rows into activities and problems (SPEC §3.1).

Every row is accounted for: ``rows = accepted + rejected + duplicates + blank``.
Every problem of a row is reported, not only the first; a row with an error is
rejected and counts nowhere; warnings never reject.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
import pendulum

from tpbis.domain.activity import Activity, ActivityKind, SourceRef
from tpbis.domain.library import Registry
from tpbis.domain.problems import Problem, Severity
from tpbis.domain.rubric import Rubric
from tpbis.i18n import both
from tpbis.parsing.mapping import Field, resolve_columns
from tpbis.parsing.matching import LibraryMatcher
from tpbis.parsing.table import Cell, Table, cell_text
from tpbis.parsing.values import (
    is_blank,
    is_http_url,
    normalize_text,
    parse_date,
    parse_timestamp,
    parse_whole_number,
    split_partners,
    split_urls,
)

__all__ = ["PROGRAM_START", "Counts", "ParseResult", "parse_responses"]

PROGRAM_START = pendulum.date(2018, 1, 1)
DEFAULT_TIMEZONE = "Asia/Jakarta"


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
    """Accepted activities (sheet order), every problem, and the row accounting."""

    activities: tuple[Activity, ...]
    problems: tuple[Problem, ...]
    counts: Counts


class _Row:
    """Collects the problems of one row."""

    __slots__ = ("errors", "problems", "row", "tab")

    def __init__(self, tab: str, row: int) -> None:
        self.tab = tab
        self.row = row
        self.problems: list[Problem] = []
        self.errors = 0

    def add(self, code: str, severity: Severity, column: str, value: Cell, **params: object) -> None:
        raw = cell_text(value)
        message_id, message_en = both(f"problem.{code}", value=raw, **params)
        self.problems.append(
            Problem(
                row=self.row, column=column, code=code, severity=severity,
                message_id=message_id, message_en=message_en, value=raw, tab=self.tab,
            )
        )
        if severity is Severity.ERROR:
            self.errors += 1


@attrs.frozen
class _Candidate:
    activity: Activity
    key: tuple[str, pendulum.Date, ActivityKind, str]
    title_value: Cell


def _suggestion(names: Sequence[str]) -> tuple[str, str]:
    if not names:
        return "", ""
    return both("hint.suggestion", names=", ".join(f"'{n}'" for n in names))


def parse_responses(
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
    """
    col = resolve_columns(table.header, columns, tab=table.name)
    header = table.header
    name_of = {field: str(header[index]) for field, index in col.items()}
    i_ts, i_lib, i_date = col[Field.REPORTED_AT], col[Field.LIBRARY], col[Field.DATE]
    i_title, i_kind = col[Field.TITLE], col[Field.KIND]
    i_male, i_female = col[Field.PARTICIPANTS_MALE], col[Field.PARTICIPANTS_FEMALE]
    i_pub = col[Field.PUBLICATION_URLS]
    i_partners = col.get(Field.PARTNERS)
    i_doc = col.get(Field.DOCUMENTATION_URL)
    width = len(header)
    matcher = LibraryMatcher(registry)
    kind_choices = ", ".join(info.label.split(" (", 1)[0] for info in rubric.kinds)
    tab = table.name
    row_ids = table.row_ids

    # Rows end at the last row with any non-blank cell.
    rows = table.rows
    last = len(rows)
    while last and all(is_blank(c) for c in rows[last - 1]):
        last -= 1

    problems: list[Problem] = []
    candidates: list[_Candidate] = []
    best: dict[tuple[str, pendulum.Date, ActivityKind, str], _Candidate] = {}
    losers: list[_Candidate] = []
    blank = rejected = 0

    for index in range(last):
        cells = rows[index]
        if len(cells) < width:
            cells = [*cells, *([None] * (width - len(cells)))]
        if all(is_blank(c) for c in cells):
            blank += 1
            continue
        number = table.row_number(index)
        row = _Row(tab, number)

        ts_value = cells[i_ts]
        reported_at = parse_timestamp(ts_value, sheet_timezone, day_first=day_first)
        if reported_at is None:
            row.add("timestamp.invalid", Severity.ERROR, name_of[Field.REPORTED_AT], ts_value)

        lib_value = cells[i_lib]
        library = None
        if is_blank(lib_value):
            row.add("library.unknown", Severity.ERROR, name_of[Field.LIBRARY], lib_value,
                    suggestion_id="", suggestion_en="")
        else:
            match = matcher.match(str(lib_value))
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
                else reported_at.in_timezone(tz).date()
            )

        date_value = cells[i_date]
        day = parse_date(date_value, day_first=day_first)
        if day is None:
            row.add("date.invalid", Severity.ERROR, name_of[Field.DATE], date_value)
        elif day < PROGRAM_START:
            row.add("date.before_program", Severity.ERROR, name_of[Field.DATE], date_value,
                    date=day.isoformat())
        elif reported_on is not None and day > reported_on:
            row.add("date.future", Severity.ERROR, name_of[Field.DATE], date_value,
                    date=day.isoformat(), reported=reported_on.isoformat())

        title_value = cells[i_title]
        title = "" if title_value is None else cell_text(title_value).strip()
        if not title:
            row.add("title.missing", Severity.ERROR, name_of[Field.TITLE], title_value)

        kind_value = cells[i_kind]
        kind = None if is_blank(kind_value) else rubric.kind_of(str(kind_value))
        if kind is None:
            row.add("kind.unknown", Severity.ERROR, name_of[Field.KIND], kind_value,
                    choices=kind_choices)

        male_value, female_value = cells[i_male], cells[i_female]
        male = parse_whole_number(male_value)
        if male is None:
            row.add("participants.invalid", Severity.ERROR, name_of[Field.PARTICIPANTS_MALE], male_value)
        female = parse_whole_number(female_value)
        if female is None:
            row.add("participants.invalid", Severity.ERROR, name_of[Field.PARTICIPANTS_FEMALE], female_value)

        partners: tuple[str, ...] = ()
        if i_partners is not None:
            partners = tuple(split_partners(cells[i_partners]))

        documentation_url = None
        if i_doc is not None:
            doc_value = cells[i_doc]
            if not is_blank(doc_value):
                text = str(doc_value).strip()
                if is_http_url(text):
                    documentation_url = text
                else:
                    row.add("url.invalid", Severity.WARNING, name_of[Field.DOCUMENTATION_URL], doc_value)

        pub_value = cells[i_pub]
        publication_urls: list[str] = []
        for url in split_urls(pub_value):
            if is_http_url(url):
                publication_urls.append(url)
            else:
                row.add("url.invalid", Severity.WARNING, name_of[Field.PUBLICATION_URLS], url)
        if kind is ActivityKind.PUBLIKASI and not publication_urls:
            row.add("publication.missing", Severity.ERROR, name_of[Field.PUBLICATION_URLS], pub_value)

        if row.problems:
            problems.extend(row.problems)
        # Each None below was reported as an error; listing them lets the type checker see it.
        if (
            row.errors or library is None or day is None or kind is None or reported_at is None
            or reported_on is None or male is None or female is None
        ):
            rejected += 1
            continue
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
            source=SourceRef(tab=tab, row=number, response_id=row_ids[index] if row_ids else None),
        )
        candidate = _Candidate(activity, (library.id, day, kind, normalize_text(title)), title_value)
        candidates.append(candidate)
        held = best.get(candidate.key)
        if held is None:
            best[candidate.key] = candidate
        elif (reported_at, number) < (held.activity.reported_at, held.activity.source.row):
            best[candidate.key] = candidate
            losers.append(held)
        else:
            losers.append(candidate)

    duplicate_rows = set()
    for loser in losers:
        original = best[loser.key].activity.source.row
        duplicate_rows.add(loser.activity.source.row)
        dup = _Row(tab, loser.activity.source.row)
        dup.add("activity.duplicate", Severity.WARNING, name_of[Field.TITLE], loser.title_value,
                original=original)
        problems.extend(dup.problems)
    problems.sort(key=lambda p: p.row)
    activities = tuple(c.activity for c in candidates if c.activity.source.row not in duplicate_rows)
    return ParseResult(
        activities=activities,
        problems=tuple(problems),
        counts=Counts(
            rows=last,
            accepted=len(activities),
            rejected=rejected,
            duplicates=len(losers),
            blank=blank,
        ),
    )
