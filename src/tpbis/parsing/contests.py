"""Reading jury-contest entries from a workbook tab (default ``Lomba``).

Columns: ``lomba, perpustakaan, judul, tautan, waktu_kirim`` and one column per
judge whose title starts with ``juri`` (English: ``contest, library, title,
url, submitted_at, judge…``). Bad entries become problems, never exceptions:
an unknown contest or a jury score outside 0…100 rejects the row; an unknown
library or a missing URL keeps the entry but makes it ineligible.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from fractions import Fraction

import attrs

from tpbis.domain.awards import ContestEntry
from tpbis.domain.library import Registry
from tpbis.domain.problems import Problem, Severity
from tpbis.domain.text import normalize_label
from tpbis.errors import SourceError
from tpbis.message import Message
from tpbis.parsing.matching import LibraryMatcher
from tpbis.parsing.rows import DEFAULT_TIMEZONE
from tpbis.parsing.table import Cell, Table, cell_text
from tpbis.parsing.values import is_blank, is_http_url, is_plausible_year, parse_timestamp

__all__ = ["CONTEST_TAB", "ContestParse", "read_contest_entries"]

CONTEST_TAB = "Lomba"

_COLUMNS = {
    "contest": ("lomba", "contest"),
    "library": ("perpustakaan", "library"),
    "title": ("judul", "title", "nominee"),
    "url": ("tautan", "url", "link"),
    "submitted_at": ("waktu_kirim", "submitted_at"),
}
_JUDGE_PREFIXES = ("juri", "judge")


@attrs.frozen(kw_only=True)
class ContestParse:
    """Entries read and the problems of the rows."""

    entries: tuple[ContestEntry, ...]
    problems: tuple[Problem, ...]


def _key(text: object) -> str:
    """A header or field name as a snake_case key (``Koleksi Digital`` → ``koleksi_digital``)."""
    return normalize_label(str(text or "")).replace(" ", "_")


#: A jury score as text: a decimal (``85``, ``72,5``, ``8.5e1``) or a ratio (``17/2``). Checked before ``Fraction()``, which
#: would compute ``1e999999999`` in full and refuses 4300+ digits with an exception.
_SCORE_TEXT = re.compile(r"[+-]?(?:[0-9]{1,12}(?:[.,][0-9]{0,12})?|[.,][0-9]{1,12})(?:[eE][+-]?[0-9]{1,2}|/[0-9]{1,12})?")


def _score(cell: Cell) -> Fraction | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, str):
        text = cell.strip()
        if not _SCORE_TEXT.fullmatch(text):
            return None
        try:
            value = Fraction(text.replace(",", "."))
        except (ValueError, ZeroDivisionError):  # "1.5/2", "5/0"
            return None
    elif isinstance(cell, int) or (isinstance(cell, float) and math.isfinite(cell)):
        value = Fraction(cell)
    else:
        return None
    return value if 0 <= value <= 100 else None


def read_contest_entries(
    table: Table,
    registry: Registry,
    contest_ids: Iterable[str],
    *,
    sheet_timezone: str = DEFAULT_TIMEZONE,
) -> ContestParse:
    """Read contest entries; problems carry row, column, code and both messages.

    Raises:
        SourceError: a required column is missing.
    """
    wanted = {_key(a): field for field, aliases in _COLUMNS.items() for a in aliases}
    columns: dict[str, int] = {}
    judges: list[int] = []
    for index, title in enumerate(table.header):
        key = _key(title)
        if key.startswith(_JUDGE_PREFIXES):
            judges.append(index)
        elif key in wanted and wanted[key] not in columns:
            columns[wanted[key]] = index
    missing = [aliases[0] for field, aliases in _COLUMNS.items() if field not in columns]
    if missing:
        found = ", ".join(f"'{h}'" for h in table.header) or "-"
        raise SourceError.from_catalogue("error.missing_columns", tab=table.name, missing=", ".join(missing), found=found)
    known = set(contest_ids)
    matcher = LibraryMatcher(registry)
    entries: list[ContestEntry] = []
    problems: list[Problem] = []

    for index, cells in enumerate(table.rows):
        cells = [*cells, *([None] * (len(table.header) - len(cells)))]
        if all(is_blank(c) for c in cells):
            continue
        number = table.row_number(index)
        row_problems: list[Problem] = []

        def add(code: str, severity: Severity, column: int, value: Cell, /, **params: object) -> None:
            row_problems.append(Problem(  # noqa: B023 - called at once, inside this iteration
                row=number, column=str(table.header[column]), code=f"contest.{code}", severity=severity,  # noqa: B023
                message=Message(f"contest.problem.{code}", params, value=cell_text(value)),
                value=cell_text(value), tab=table.name,
            ))

        contest_cell = cells[columns["contest"]]
        contest = _key(contest_cell)
        if contest not in known:
            add("unknown", Severity.ERROR, columns["contest"], contest_cell, choices=", ".join(sorted(known)))
        scores: list[Fraction] = []
        for judge in judges:
            if is_blank(cells[judge]):
                continue
            score = _score(cells[judge])
            if score is None:
                add("score_invalid", Severity.ERROR, judge, cells[judge])
            else:
                scores.append(score)
        submitted = parse_timestamp(cells[columns["submitted_at"]], sheet_timezone)
        if submitted is not None and not is_plausible_year(submitted.year):
            submitted = None  # year 1 or 9999 would leave the calendar when compared across zones
        if submitted is None:
            add("timestamp_invalid", Severity.ERROR, columns["submitted_at"], cells[columns["submitted_at"]])
        library_cell = cells[columns["library"]]
        match = matcher.match(cell_text(library_cell))
        if match.library is None:
            add("library_unknown", Severity.WARNING, columns["library"], library_cell)
        url_cell = cells[columns["url"]]
        url = cell_text(url_cell).strip()
        if not is_http_url(url):
            add("url_missing", Severity.WARNING, columns["url"], url_cell)
        problems.extend(row_problems)
        if submitted is None or any(p.severity is Severity.ERROR for p in row_problems):
            continue
        entries.append(ContestEntry(
            contest=contest,
            library_id=match.library.id if match.library else cell_text(library_cell).strip(),
            title=cell_text(cells[columns["title"]]).strip(),
            url=url if is_http_url(url) else None,
            submitted_at=submitted,
            scores=tuple(scores),
            row=number,
        ))
    return ContestParse(entries=tuple(entries), problems=tuple(problems))
