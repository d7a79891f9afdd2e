"""In-memory builders for tests and examples: libraries, activities, response tables.

Everything here is pure and deterministic; nothing touches the network or disk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

import pendulum

from tpbis.domain.activity import Activity, ActivityKind, SourceRef
from tpbis.domain.library import Library, LibraryKind, Registry
from tpbis.parsing.mapping import Field, default_titles
from tpbis.parsing.table import Cell, Table

__all__ = [
    "RESPONSE_FIELDS",
    "google_tabs",
    "make_activity",
    "make_library",
    "make_registry",
    "repeat_responses",
    "responses_table",
    "sheet_value",
]

_SERIAL_EPOCH = dt.datetime(1899, 12, 30)  # naive on purpose: serial numbers have no zone

#: The columns of a default Indonesian responses tab, in form order.
RESPONSE_FIELDS: tuple[Field, ...] = tuple(Field)


def make_library(
    library_id: str = "desa-a",
    *,
    kind: LibraryKind | str = LibraryKind.DESA,
    name: str | None = None,
    province: str = "Kepulauan Riau",
    regency: str | None = "Kabupaten Bintan",
    **fields: object,
) -> Library:
    """A valid library with sensible defaults; ``fields`` override any attribute."""
    kind = LibraryKind(kind)
    return Library(
        id=library_id,
        name=name or f"Perpustakaan {library_id}",
        kind=kind,
        province=province,
        regency=None if kind is LibraryKind.PROVINSI else regency,
        **fields,  # type: ignore[arg-type]  # attrs checks the names at run time
    )


def make_registry(libraries: Iterable[Library]) -> Registry:
    """A registry of these libraries."""
    return Registry.of(libraries)


def make_activity(
    library_id: str = "desa-a",
    day: pendulum.Date | str = "2024-09-10",
    kind: ActivityKind | str = ActivityKind.PELATIHAN,
    *,
    male: int = 0,
    female: int = 0,
    title: str = "Kegiatan",
    delay_days: int = 1,
    row: int = 2,
    publication_urls: Sequence[str] = (),
    partners: Sequence[str] = (),
    documentation_url: str | None = None,
    timezone: str = "Asia/Jakarta",
) -> Activity:
    """An accepted activity reported ``delay_days`` after it happened."""
    date = pendulum.Date.fromisoformat(day) if isinstance(day, str) else day
    reported_on = date.add(days=delay_days)
    reported_at = pendulum.datetime(reported_on.year, reported_on.month, reported_on.day, 12, tz=timezone)
    return Activity(
        library_id=library_id,
        date=date,
        title=title,
        kind=ActivityKind(kind),
        participants_male=male,
        participants_female=female,
        partners=tuple(partners),
        documentation_url=documentation_url,
        publication_urls=tuple(publication_urls),
        reported_at=reported_at,
        reported_on=reported_on,
        source=SourceRef(tab="test", row=row),
    )


def responses_table(
    rows: Iterable[Mapping[Field | str, Cell]],
    *,
    name: str = "Respons Formulir 1",
    lang: str = "id",
) -> Table:
    """A responses table with the default question titles; rows map fields to cells."""
    header = tuple(default_titles(f, lang) for f in RESPONSE_FIELDS)
    body: list[list[Cell]] = []
    for row in rows:
        by_field = {Field(k) if isinstance(k, str) else k: v for k, v in row.items()}
        body.append([by_field.get(f) for f in RESPONSE_FIELDS])
    return Table(name=name, header=header, rows=body)


def sheet_value(cell: Cell) -> Cell:
    """A cell as Google Sheets holds it: dates and date-times become serial numbers (days since 1899-12-30)."""
    if isinstance(cell, dt.datetime):
        return (cell.replace(tzinfo=None) - _SERIAL_EPOCH) / dt.timedelta(days=1)
    if isinstance(cell, dt.date):
        return (dt.datetime(cell.year, cell.month, cell.day) - _SERIAL_EPOCH).days
    return cell


def google_tabs(tables: Mapping[str, Table]) -> dict[str, list[list[Cell]]]:
    """Tables (e.g. read from an XLSX export) as rows for :meth:`SheetsEmulator.create_spreadsheet`."""
    return {
        name: [list(table.header), *([sheet_value(c) for c in row] for row in table.rows)]
        for name, table in tables.items()
    }


def repeat_responses(rows: Sequence[Sequence[Cell]], count: int, *, title_column: int) -> list[list[Cell]]:
    """A header and ``count`` data rows made by repeating ``rows`` (header first), titles numbered.

    Numbering the titles keeps the copies from being duplicates of each other,
    so a large responses tab can be built from a small realistic one.
    """
    header, *data = rows
    out: list[list[Cell]] = [list(header)]
    while data and len(out) <= count:
        for row in data:
            if len(out) > count:
                break
            copy = list(row)
            if title_column < len(copy) and isinstance(copy[title_column], str):
                copy[title_column] = f"{copy[title_column]} #{len(out)}"
            out.append(copy)
    return out
