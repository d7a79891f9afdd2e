"""What every row of one responses table is read with (SPEC §3.1).

Column resolution, the library matcher, the kind choices, and the collector
of one row's problems; shared by the general reader (:mod:`._slow`) and the
fast path (:mod:`._fast`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import pendulum

from tpbis.domain.library import Registry
from tpbis.domain.problems import Problem, Severity
from tpbis.domain.rubric import Rubric
from tpbis.message import Message
from tpbis.parsing.mapping import Field, resolve_columns
from tpbis.parsing.matching import LibraryMatcher
from tpbis.parsing.table import Cell, Table, cell_text

__all__ = ["DEFAULT_TIMEZONE", "PROGRAM_START", "RowProblems", "Setup"]

PROGRAM_START = pendulum.date(2018, 1, 1)
DEFAULT_TIMEZONE = "Asia/Jakarta"


class RowProblems:
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
        self.problems.append(
            Problem(
                row=self.row, column=column, code=code, severity=severity,
                message=Message(f"problem.{code}", params, value=raw), value=raw, tab=self.tab,
                response_id=self.response_id,
            )
        )
        if severity is Severity.ERROR:
            self.errors += 1


class Setup:
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
        titles = table.titles or {}
        #: the column each problem names: the file's own header (an export's), else the table's
        self.name_of = {field: titles.get(str(header[index]), str(header[index])) for field, index in col.items()}
        self.i_ts, self.i_lib, self.i_date = col[Field.REPORTED_AT], col[Field.LIBRARY], col[Field.DATE]
        self.i_title, self.i_kind = col[Field.TITLE], col[Field.KIND]
        self.i_male, self.i_female = col[Field.PARTICIPANTS_MALE], col[Field.PARTICIPANTS_FEMALE]
        self.i_pub = col[Field.PUBLICATION_URLS]
        self.i_partners = col.get(Field.PARTNERS)
        self.i_doc = col.get(Field.DOCUMENTATION_URL)
        #: the collecting tool's review verdict, when the export has one (ODK, KoBo; never Google Forms)
        self.i_review = col.get(Field.REVIEW_STATUS)
        self.width = len(header)
        self.matcher = LibraryMatcher(registry)
        self.kind_choices = ", ".join(info.label.split(" (", 1)[0] for info in rubric.kinds)
        self.library_index = {library.id: index for index, library in enumerate(registry)}
        #: the columns the fast path reads
        self.used = [i for i in (self.i_ts, self.i_lib, self.i_date, self.i_title, self.i_kind, self.i_male,
                                 self.i_female, self.i_pub, self.i_doc, self.i_review) if i is not None]

    def rows(self) -> Iterator[tuple[int, Sequence[Cell]]]:
        """(index, cells) of every row, padded to the header's width."""
        width = self.width
        for index, cells in enumerate(self.table.rows):
            if len(cells) < width:
                cells = [*cells, *([None] * (width - len(cells)))]
            yield index, cells
