"""The general reader: any cell type, every problem, an :class:`Activity`.

:func:`read_row` is the definition of what a row means (SPEC §3.1); the fast
path (:mod:`._fast`) hands it every row it is not sure of, so problems are
always built here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Final

from tpbis.domain.activity import Activity, ActivityKind, SourceRef
from tpbis.domain.problems import Severity
from tpbis.message import Message
from tpbis.parsing._columns import ActivityColumns
from tpbis.parsing._setup import PROGRAM_START, RowProblems, Setup
from tpbis.parsing.mapping import Field
from tpbis.parsing.table import Cell, cell_text
from tpbis.parsing.values import (
    _zone,
    is_blank,
    is_http_url,
    is_plausible_year,
    parse_date,
    parse_timestamp,
    parse_whole_number,
    review_rejected,
    split_partners,
    split_urls,
)

__all__ = ["award_cells", "excluded_row", "is_blank_row", "read_row", "rebuilder", "title_cells", "unreadable_row"]


#: a hint that says nothing (no suggestion, no culprit cell)
_NO_HINT: Final = Message.literal("")


def _suggestion(names: Sequence[str]) -> Message:
    if not names:
        return _NO_HINT
    return Message("hint.suggestion", names=", ".join(f"'{n}'" for n in names))


def excluded_row(setup: Setup, index: int, cells: Sequence[Cell]) -> RowProblems | None:
    """The warning of a row a reviewer rejected in the collecting tool, or None when it was not.

    An excluded row is read no further: it counts as ``excluded`` (SPEC §3.1),
    never as accepted, rejected or a duplicate.
    """
    if setup.i_review is None or not review_rejected(status := cells[setup.i_review]):
        return None
    table = setup.table
    row = RowProblems(table.name, table.row_number(index), table.row_ids[index] if table.row_ids else None)
    row.add("submission.excluded", Severity.WARNING, setup.name_of[Field.REVIEW_STATUS], status)
    return row


def read_row(setup: Setup, index: int, cells: Sequence[Cell]) -> tuple[RowProblems, Activity | None, Cell]:
    """Read one non-blank row in full: its problems, its activity if accepted, and its title cell."""
    name_of = setup.name_of
    day_first = setup.day_first
    sheet_timezone = setup.sheet_timezone
    table = setup.table
    number = table.row_number(index)
    response_id = table.row_ids[index] if table.row_ids else None
    row = RowProblems(table.name, number, response_id)

    ts_value = cells[setup.i_ts]
    reported_at = parse_timestamp(ts_value, sheet_timezone, day_first=day_first)
    if reported_at is not None and not is_plausible_year(reported_at.year):
        reported_at = None  # checked before any zone conversion, which could leave the calendar
    if reported_at is None:
        row.add("timestamp.invalid", Severity.ERROR, name_of[Field.REPORTED_AT], ts_value)

    lib_value = cells[setup.i_lib]
    library = None
    if is_blank(lib_value):
        row.add("library.unknown", Severity.ERROR, name_of[Field.LIBRARY], lib_value, suggestion=_NO_HINT)
    else:
        match = setup.matcher.match(str(lib_value))
        library = match.library
        if match.ambiguous:
            row.add("library.ambiguous", Severity.ERROR, name_of[Field.LIBRARY], lib_value,
                    candidates=", ".join(lib.id for lib in match.ambiguous))
        elif library is None:
            row.add("library.unknown", Severity.ERROR, name_of[Field.LIBRARY], lib_value,
                    suggestion=_suggestion(match.suggestions))

    tz = library.timezone if library is not None else sheet_timezone
    reported_on = None
    if reported_at is not None:
        reported_on = (
            reported_at.date() if reported_at.timezone_name == tz
            else reported_at.in_timezone(_zone(tz)).date()
        )

    date_value = cells[setup.i_date]
    day = parse_date(date_value, day_first=day_first)
    if day is not None and not is_plausible_year(day.year):
        day = None
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


#: How much of an odd cell the ``row.unreadable`` message quotes.
_QUOTED: Final = 60


def _shown(value: object) -> str:
    """A cell as a problem shows it, whatever it holds (even a value whose ``str`` raises)."""
    try:
        return cell_text(value)  # type: ignore[arg-type]  # any object an adapter may hand over
    except Exception:  # junk must still be reportable
        return f"<{type(value).__name__}>"


def _culprit(setup: Setup, cells: Sequence[Cell]) -> tuple[str, Cell] | None:
    """The first cell whose own reader raises on it, as (column title, value); None when no one cell does."""
    tz, day_first, rubric, matcher = setup.sheet_timezone, setup.day_first, setup.rubric, setup.matcher
    checks: list[tuple[int | None, Callable[[Cell], object]]] = [
        (setup.i_ts, lambda c: parse_timestamp(c, tz, day_first=day_first)),
        (setup.i_lib, lambda c: None if is_blank(c) else matcher.match(str(c))),
        (setup.i_date, lambda c: parse_date(c, day_first=day_first)),
        (setup.i_title, cell_text),
        (setup.i_kind, lambda c: None if is_blank(c) else rubric.kind_of(str(c))),
        (setup.i_male, parse_whole_number),
        (setup.i_female, parse_whole_number),
        (setup.i_partners, split_partners),
        (setup.i_doc, lambda c: None if is_blank(c) else is_http_url(str(c).strip())),
        (setup.i_pub, lambda c: [is_http_url(url) for url in split_urls(c)]),
        (setup.i_review, review_rejected),
    ]
    for index, check in checks:
        if index is None:
            continue
        try:
            cell = cells[index]
        except Exception:  # the row itself is junk
            return None
        try:
            check(cell)
        except Exception:  # finding which cell a reader chokes on
            return str(setup.table.header[index]), cell
    return None


def unreadable_row(setup: Setup, index: int, cells: Sequence[Cell], error: Exception) -> RowProblems:
    """The ``row.unreadable`` error of a row whose reading raised ``error``.

    A safety net, not a reader: every cell reader is total, so this only
    catches a bug or a cell of a kind no adapter should give. It names the
    cell whose own reader raises, when one does, so the row can be fixed; the
    run goes on.
    """
    table = setup.table
    row = RowProblems(table.name, table.row_number(index), table.row_ids[index] if table.row_ids else None)
    found = _culprit(setup, cells)
    if found is None:
        column, value, where = "", "", _NO_HINT
    else:
        column, cell = found
        value = _shown(cell)
        quoted = value if len(value) <= _QUOTED else value[:_QUOTED] + "…"
        where = Message("hint.unreadable_cell", value=quoted, column=column)
    row.add("row.unreadable", Severity.ERROR, column, value, reason=type(error).__name__, where=where)
    return row


def is_blank_row(cells: Iterable[Cell]) -> bool:
    return all(is_blank(c) for c in cells)


def title_cells(setup: Setup, numbers: set[int]) -> dict[int, Cell]:
    """The title cells of these sheet rows, read again from the table."""
    first = setup.table.row_number(0)
    return {first + index: cells[setup.i_title] for index, cells in setup.rows() if first + index in numbers}


def rebuilder(setup: Setup, accepted: ActivityColumns) -> Callable[[], Sequence[Activity]]:
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
            _, activity, _ = read_row(setup, index, cells)
            if activity is None:  # the table changed under us
                msg = f"row {next_row} no longer reads as an activity"
                raise RuntimeError(msg)
            found.append(activity)
            if len(found) == total:
                break
            next_row = wanted[len(found)]
        return found

    return build


def award_cells(setup: Setup, accepted: ActivityColumns) -> Callable[[], tuple[bytearray, list[tuple[str, ...]]]]:
    """Per accepted activity, whether it has a documentation link and its partners, as :func:`read_row` reads them.

    What the award metrics need beyond the columns, from only those two cells of
    each accepted row (rebuilding every :class:`Activity` costs ~50 times more).
    """
    wanted = accepted.row  # ascending sheet row numbers
    i_doc, i_partners = setup.i_doc, setup.i_partners

    def read() -> tuple[bytearray, list[tuple[str, ...]]]:
        documented = bytearray()
        partners: list[tuple[str, ...]] = []
        total = len(wanted)
        if not total:
            return documented, partners
        first = setup.table.row_number(0)
        known: dict[object, tuple[str, ...]] = {}  # partner cell → its names, read once
        next_row = wanted[0]
        for index, cells in setup.rows():
            if first + index != next_row:
                continue
            doc = False
            if i_doc is not None and not is_blank(doc_value := cells[i_doc]):
                doc = is_http_url(str(doc_value).strip())
            documented.append(doc)
            names: tuple[str, ...] = ()
            if i_partners is not None:
                cell = cells[i_partners]
                found = known.get(cell) if isinstance(cell, str) else None
                if found is None:
                    found = tuple(split_partners(cell))
                    if isinstance(cell, str):
                        known[cell] = found
                names = found
            partners.append(names)
            if len(partners) == total:
                break
            next_row = wanted[len(partners)]
        if len(partners) != total:  # the table changed under us
            msg = f"read {len(partners)} activities again, expected {total}"
            raise RuntimeError(msg)
        return documented, partners

    return read
