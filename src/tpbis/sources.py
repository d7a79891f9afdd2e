"""Opening input files: the adapter for each kind of file, wired to the scoring service.

This is the composition root for files, shared by the ``tpbis`` command and
scripts (``tpbis.load_inputs``): it picks the XLSX or CSV adapter by suffix,
reads tables, and hands them to :mod:`tpbis.service`, which imports no adapter.
"""

from __future__ import annotations

from pathlib import Path

from tpbis.adapters.csvfile import read_csv_table
from tpbis.adapters.xlsx import read_workbook
from tpbis.domain.library import Registry
from tpbis.errors import SourceError
from tpbis.parsing.registry import REGISTRY_TAB, read_registry
from tpbis.parsing.rows import DEFAULT_TIMEZONE
from tpbis.service.options import ReadOptions
from tpbis.service.score import Inputs, inputs_from_tables, registry_from_tables, responses_tab_name

__all__ = ["load_inputs", "read_registry_file"]


def _unsupported(path: Path) -> SourceError:
    if not path.exists():
        return SourceError.from_catalogue("error.file_not_found", path=str(path))
    return SourceError.from_catalogue("error.unsupported_input", path=str(path))


def read_registry_file(path: str | Path, tab: str = REGISTRY_TAB) -> Registry:
    """The registry in a CSV file, or in the ``tab`` of an ``.xlsx`` workbook.

    Raises:
        SourceError: the file is missing, unreadable, of another kind, or lacks the tab.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return registry_from_tables(read_workbook(path), tab, str(path))
    if suffix == ".csv":
        return read_registry(read_csv_table(path))
    raise _unsupported(path)


def load_inputs(
    source: str | Path,
    *,
    registry: str | Path | None = None,
    read: ReadOptions | None = None,
    responses_tab: str | None = None,
    registry_tab: str = REGISTRY_TAB,
    sheet_timezone: str = DEFAULT_TIMEZONE,
) -> Inputs:
    """Open a workbook (``.xlsx``) or a responses CSV and its registry.

    A workbook carries its registry in the ``Perpustakaan`` tab unless
    ``registry`` names a file; a responses CSV needs ``registry`` (a CSV or
    a workbook with that tab).

    Args:
        source: the workbook or responses CSV.
        registry: a registry file instead of the workbook's tab.
        read: tab names and time zone, as the CLI resolves them; when given,
            ``responses_tab``, ``registry_tab`` and ``sheet_timezone`` are not used.
        responses_tab: the responses tab (default: detected).
        registry_tab: the registry tab.
        sheet_timezone: zone of timestamps without an offset.

    Raises:
        SourceError: a file is missing or unreadable, or a tab is missing.
    """
    if read is None:
        read = ReadOptions(sheet_timezone=sheet_timezone, responses_tab=responses_tab, registry_tab=registry_tab)
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        tables = read_workbook(path)
        responses_tab_name(list(tables), str(path), read.responses_tab)  # a missing tab is reported first
        other = read_registry_file(registry, read.registry_tab) if registry is not None else None
        return inputs_from_tables(tables, source=str(path), read=read, registry=other)
    if suffix == ".csv":
        responses = read_csv_table(path)
        if registry is None:
            raise SourceError.from_catalogue("error.no_registry", tab=read.registry_tab, path=str(path))
        return Inputs(
            responses=responses,
            registry=read_registry_file(registry, read.registry_tab),
            sheet_timezone=read.timezone(),
        )
    raise _unsupported(path)
