"""Reading the library registry from a table (the ``Perpustakaan`` tab or a CSV).

Columns (DESIGN): ``id, nama, jenis, provinsi, kabupaten_kota, desa_kelurahan,
kode_wilayah, alias, tahun_mitra, dukungan, komputer, koleksi_digital,
koleksi_cetak``; English equivalents are accepted. The registry is
configuration: any bad row stops the run with one message listing every
problem found.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from tpbis.domain.library import Library, LibraryKind, Registry, Support, canonical_province
from tpbis.domain.problems import Problem, Severity
from tpbis.domain.text import normalize_label
from tpbis.errors import SourceError
from tpbis.message import Message
from tpbis.parsing.matching import normalize_library_name
from tpbis.parsing.table import Cell, Table
from tpbis.parsing.values import is_blank, normalize_text, parse_whole_number

__all__ = [
    "IDENTITY_FIELDS", "REGISTRY_TAB", "RegistryPart", "merge_registries", "read_registry", "regency_key",
    "registry_rows",
]

REGISTRY_TAB = "Perpustakaan"

_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "name": ("nama", "name"),
    "kind": ("jenis", "kind", "type"),
    "province": ("provinsi", "province"),
    "regency": ("kabupaten_kota", "regency", "kabupaten/kota"),
    "village": ("desa_kelurahan", "village", "desa/kelurahan"),
    "region_code": ("kode_wilayah", "region_code"),
    "aliases": ("alias", "aliases"),
    "cohort": ("tahun_mitra", "cohort"),
    "support": ("dukungan", "support"),
    "computers": ("komputer", "computers"),
    "digital_collection": ("koleksi_digital", "digital_collection"),
    "print_collection": ("koleksi_cetak", "print_collection"),
}
_REQUIRED = ("id", "name", "kind", "province")


def _key(text: object) -> str:
    """A header or field name as a snake_case key (``Koleksi Digital`` → ``koleksi_digital``)."""
    return normalize_label(str(text or "")).replace(" ", "_")


def _text(cell: Cell) -> str | None:
    if is_blank(cell):
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


class _RowError(Exception):
    """A registry row's reason, as a catalogue key and its parameters."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def _row_library(values: dict[str, Cell]) -> Library:
    """Build one library; raises _RowError naming what is wrong."""
    kind_text = normalize_label(_text(values.get("kind")) or "")
    try:
        kind = LibraryKind(kind_text)
    except ValueError:
        raise _RowError("registry.kind", value=kind_text, choices=", ".join(k.value for k in LibraryKind)) from None
    province_text = _text(values.get("province")) or ""
    province = canonical_province(province_text)
    if province is None:
        raise _RowError("registry.province", value=province_text)
    if kind is not LibraryKind.PROVINSI and not _text(values.get("regency")):
        raise _RowError("registry.regency", kind=kind.value)
    support_text = normalize_label(_text(values.get("support")) or "")
    try:
        support = Support(support_text) if support_text else None
    except ValueError:
        raise _RowError("registry.support", value=support_text) from None
    numbers: dict[str, int] = {}
    for field in ("computers", "digital_collection", "print_collection", "cohort"):
        cell = values.get(field)
        if is_blank(cell):
            continue
        number = parse_whole_number(cell)
        if number is None:
            raise _RowError("registry.number", column=_COLUMNS[field][0], value=cell)
        numbers[field] = number
    aliases = tuple(a.strip() for a in (_text(values.get("aliases")) or "").split(";") if a.strip())
    return Library(
        id=_text(values.get("id")) or "",
        name=_text(values.get("name")) or "",
        kind=kind,
        province=province,
        regency=_text(values.get("regency")),
        village=_text(values.get("village")),
        aliases=aliases,
        cohort=numbers.get("cohort"),
        region_code=_text(values.get("region_code")),
        support=support,
        computers=numbers.get("computers", 0),
        digital_collection=numbers.get("digital_collection", 0),
        print_collection=numbers.get("print_collection", 0),
    )


def read_registry(table: Table) -> Registry:
    """Read the registry table.

    Raises:
        SourceError: a required column is missing or any row is invalid; the
            message lists every bad row.
    """
    return Registry.of(library for _, library in registry_rows(table))


def registry_rows(table: Table) -> list[tuple[int, Library]]:
    """The registry table's libraries with their sheet row numbers (see :func:`read_registry`).

    Raises:
        SourceError: a required column is missing or any row is invalid; the
            message lists every bad row.
    """
    wanted = {_key(alias): field for field, aliases in _COLUMNS.items() for alias in aliases}
    columns: dict[str, int] = {}
    for index, title in enumerate(table.header):
        field = wanted.get(_key(title))
        if field is not None and field not in columns:
            columns[field] = index
    missing = [_COLUMNS[f][0] for f in _REQUIRED if f not in columns]
    if missing:
        found = ", ".join(f"'{h}'" for h in table.header if str(h or "").strip()) or "-"
        raise SourceError.from_catalogue(
            "error.missing_columns", tab=table.name, missing=", ".join(missing), found=found
        )
    libraries: list[tuple[int, Library]] = []
    errors: list[Message] = []
    seen: dict[str, int] = {}
    for index, cells in enumerate(table.rows):
        if all(is_blank(c) for c in cells):
            continue
        number = table.row_number(index)
        values = {field: _cell(cells, i) for field, i in columns.items()}
        try:
            library = _row_library(values)
            if library.id in seen:
                raise _RowError("registry.duplicate_id", id=library.id, row=seen[library.id])
        except _RowError as exc:
            errors.append(Message("error.registry_row", source=table.name, row=number,
                                  reason=Message(exc.key, exc.params)))
            continue
        except ValueError as exc:  # the Library's own checks (id pattern, cohort, ...)
            errors.append(Message("error.registry_row", source=table.name, row=number, reason=str(exc)))
            continue
        seen[library.id] = number
        libraries.append((number, library))
    if errors:
        raise SourceError(_lines(errors))
    return libraries


def _lines(messages: Sequence[Message]) -> Message:
    """One message of ``messages`` on lines of their own.

    Halved rather than chained, so a registry with thousands of bad rows nests
    only as deep as the logarithm of their number when it is rendered.
    """
    if len(messages) == 1:
        return messages[0]
    half = len(messages) // 2
    return Message("error.lines", first=_lines(messages[:half]), rest=_lines(messages[half:]))


def _cell(cells: Sequence[Cell], index: int) -> Cell:
    return cells[index] if index < len(cells) else None


#: The fields that say which library a row is: two registries that disagree on one of them
#: contradict each other (``Library`` field → registry column, as messages name it).
IDENTITY_FIELDS: dict[str, str] = {"name": "nama", "kind": "jenis", "province": "provinsi", "regency": "kabupaten_kota"}
#: The other fields: filled from the other registry when one leaves them unset (``None``, ``0``).
_OPTIONAL_FIELDS: dict[str, str] = {
    "village": "desa_kelurahan", "region_code": "kode_wilayah", "cohort": "tahun_mitra", "support": "dukungan",
    "computers": "komputer", "digital_collection": "koleksi_digital", "print_collection": "koleksi_cetak",
}


@attrs.frozen(kw_only=True)
class RegistryPart:
    """One registry of a run over several sources: where it came from and its table."""

    #: what messages call the SOURCE (its path, its spreadsheet's title)
    source: str
    table: Table


def regency_key(regency: str) -> str:
    """A ``kabupaten_kota`` as regions are compared: case, punctuation and spacing aside, and
    ``Kab``/``Kab.`` read as ``Kabupaten`` (``Kab. Bintan`` is ``Kabupaten Bintan``)."""
    words = normalize_text(regency).split()
    if words and words[0] == "kab":
        words[0] = "kabupaten"
    return " ".join(words)


def _identity(library: Library, field: str) -> object:
    """An identity field as two registries are compared: names as reports are matched to them
    (case, punctuation, ``Perpus``), the kabupaten/kota by :func:`regency_key`."""
    value = getattr(library, field)
    if field == "name":
        return normalize_library_name(value)
    if field == "regency":
        return regency_key(value or "")
    return value


def _place(part: RegistryPart, row: int) -> Message:
    return Message("hint.registry_place", source=part.source, tab=part.table.name, row=row)


def merge_registries(parts: Sequence[RegistryPart]) -> tuple[Registry, tuple[Problem, ...]]:
    """One registry from several (each workbook's ``Perpustakaan`` tab), and the warnings of merging.

    The first definition of an id (in the order of ``parts``) is the base. A later
    definition that is identical merges silently; one with another alias list
    adds its aliases silently. One that differs in an identity field
    (:data:`IDENTITY_FIELDS`: ``nama``, ``jenis``, ``provinsi``, ``kabupaten_kota``,
    compared case-, punctuation- and space-insensitively, ``Kab.`` as ``Kabupaten``), as when two provinces list one
    library, contradicts it: scoring under either definition would put the
    library at a level, in a region or under a name the other registry denies.
    Any other difference (a field one leaves unset, a different count of
    computers) is mergeable: an unset field is filled from the other, a set one
    keeps the first value, and a ``registry.merged`` warning names both places.
    Ids are compared case-insensitively (``DESA-A`` and ``desa-a`` are one library,
    not a second one with no reports): the first spelling is the id, the other an
    alias, with a ``registry.merged`` warning.

    Raises:
        SourceError: a registry is invalid, or two registries contradict each other;
            one message lists every contradiction, each naming both places.
    """
    merged: dict[str, Library] = {}  # by the id casefolded: ``DESA-A`` in one registry is ``desa-a`` of another
    first_place: dict[str, Message] = {}
    conflicts: list[Message] = []
    problems: list[Problem] = []
    for part in parts:
        for row, library in registry_rows(part.table):
            key = library.id.casefold()
            base = merged.get(key)
            place = _place(part, row)
            if base is None:
                merged[key] = library
                first_place[key] = place
                continue
            if base == library:
                continue
            differing = [column for field, column in IDENTITY_FIELDS.items()
                         if _identity(base, field) != _identity(library, field)]
            if differing:
                conflicts.append(Message("error.registry_conflict", id=library.id, first=first_place[key],
                                         second=place, fields=", ".join(differing)))
                continue
            # the id as the other registry spells it stays usable in responses, as an alias
            spelt = (library.id,) if library.id != base.id else ()
            aliases = tuple(dict.fromkeys((*base.aliases, *library.aliases, *spelt)))
            filled: dict[str, object] = {}
            changed: list[str] = ["id"] if spelt else []
            for field, column in _OPTIONAL_FIELDS.items():
                mine, theirs = getattr(base, field), getattr(library, field)
                if mine == theirs or theirs in (None, 0):
                    continue
                changed.append(column)
                if mine in (None, 0):
                    filled[field] = theirs
            merged[key] = attrs.evolve(base, aliases=aliases, **filled)  # type: ignore[arg-type]
            if changed:
                problems.append(Problem(
                    row=row, column=", ".join(changed), code="registry.merged", severity=Severity.WARNING,
                    message=Message("problem.registry.merged", id=library.id, first=first_place[key],
                                    fields=", ".join(changed)),
                    value=library.id, tab=part.table.name, source=part.source,
                ))
    if conflicts:
        raise SourceError(_lines(conflicts))
    return Registry.of(merged.values()), tuple(problems)
