"""What kind of source a command-line argument names, told from its content rather than its name.

A path is opened and looked at: a zip signature with ``xl/workbook.xml`` is
an XLSX workbook (a KoBoToolbox export when a sheet carries KoBo's metadata
columns ``_uuid`` / ``_submission_time``), another zip holding CSV files is
an ODK Central ``.csv.zip`` download, and anything else is read as CSV (an
ODK Central export when its header has ``SubmissionDate`` with ``KEY`` or
``meta-instanceID``, a KoBoToolbox export when it has ``_uuid`` or
``_submission_time``). Text that is not a file may be a Google Sheets URL
or key, or ``forms:FORM_ID``. The caller can force a kind.
"""

from __future__ import annotations

import enum
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from tpbis.adapters.csvfile import read_csv_table
from tpbis.errors import SourceError
from tpbis.i18n import os_reason

__all__ = ["SourceKind", "detect_kind", "sheets_key", "source_kind"]


class SourceKind(enum.Enum):
    """The kinds of source tpbis reads."""

    XLSX = "xlsx"
    CSV = "csv"
    KOBO_XLSX = "kobo_xlsx"
    KOBO_CSV = "kobo_csv"
    ODK_CSV = "odk_csv"
    ODK_ZIP = "odk_zip"
    SHEETS = "sheets"
    FORMS = "forms"

    @property
    def is_export(self) -> bool:
        """Whether the source is a KoBoToolbox or ODK Central export (read with ``read_export``)."""
        return self in (SourceKind.KOBO_XLSX, SourceKind.KOBO_CSV, SourceKind.ODK_CSV, SourceKind.ODK_ZIP)


_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, which openpyxl cannot read
_KEY = re.compile(r"[A-Za-z0-9_-]{20,}")
_SHEETS_URL = re.compile(r"^https?://docs\.google\.com/spreadsheets/(?:u/\d+/)?d/([A-Za-z0-9_-]{20,})")
_KOBO_MARKERS = frozenset({"_uuid", "_submission_time"})
_ODK_IDS = frozenset({"KEY", "meta-instanceID"})


def source_kind(value: str | SourceKind) -> SourceKind:
    """A forced kind given by name (``kobo_csv``, ``odk-zip``, …).

    Raises:
        SourceError: no kind has that name (the message lists them).
    """
    if isinstance(value, SourceKind):
        return value
    try:
        return SourceKind(value.strip().lower().replace("-", "_"))
    except ValueError:
        choices = ", ".join(k.value for k in SourceKind)
        raise SourceError.from_catalogue("error.unknown_source_kind", value=value, choices=choices) from None


def sheets_key(text: str) -> str | None:
    """The spreadsheet key of a Google Sheets URL or of a bare key, else ``None``."""
    text = text.strip()
    match = _SHEETS_URL.match(text)
    if match:
        return match[1]
    return text if _KEY.fullmatch(text) else None


def _names(header: Sequence[object]) -> set[str]:
    return {str(h).strip() for h in header if h is not None}


def _csv_kind(header: Sequence[object]) -> SourceKind:
    names = _names(header)
    if "SubmissionDate" in names and names & _ODK_IDS:
        return SourceKind.ODK_CSV
    if names & _KOBO_MARKERS:
        return SourceKind.KOBO_CSV
    return SourceKind.CSV


def _xlsx_kind(path: Path) -> SourceKind:
    """XLSX, or a KoBo XLSX export, told from the header row of each worksheet.

    Read with the bounded reader (:mod:`tpbis.adapters._xlsx_read`): the zip
    is checked before anything is inflated and only each sheet's first row is
    parsed, so a hostile file is refused here as it would be when read.
    """
    import io

    from tpbis.adapters._xlsx_read import DEFAULT_LIMITS, guarded, open_package
    from tpbis.adapters.xlsx import _read_bytes

    data, _ = _read_bytes(path, DEFAULT_LIMITS)
    package = open_package(io.BytesIO(data), str(path), DEFAULT_LIMITS)
    try:
        headers = guarded(str(path), lambda: [package.header(s) for s in package.sheets if s.is_worksheet])
        if any(_names(header) & _KOBO_MARKERS for header in headers):
            return SourceKind.KOBO_XLSX
    finally:
        package.archive.close()
    return SourceKind.XLSX


def _zip_kind(path: Path) -> SourceKind:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        if path.suffix.lower() in _XLSX_SUFFIXES:
            raise SourceError.from_catalogue("error.not_xlsx", path=str(path)) from None
        raise SourceError.from_catalogue("error.unsupported_source", source=str(path)) from None
    folded = {m.casefold() for m in members}
    if "xl/workbook.xml" in folded or path.suffix.lower() in _XLSX_SUFFIXES:
        return _xlsx_kind(path)
    if any(m.lower().endswith(".csv") and not m.startswith("media/") for m in members):
        return SourceKind.ODK_ZIP
    raise SourceError.from_catalogue("error.unsupported_source", source=str(path))


#: Names of workbook files: one that is not a zip is reported as an unreadable workbook, not read as CSV.
_XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm"})


def _file_kind(path: Path, encoding: str | None, delimiter: str | None) -> SourceKind:
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except FileNotFoundError:
        raise SourceError.from_catalogue("error.file_not_found", path=str(path)) from None
    except IsADirectoryError:
        raise SourceError.from_catalogue("error.unsupported_source", source=str(path)) from None
    except OSError as exc:
        raise SourceError.from_catalogue("error.unreadable_csv", path=str(path), reason=os_reason(exc)) from None
    if head.startswith(_ZIP):
        return _zip_kind(path)
    if head.startswith(_OLE2):
        raise SourceError.from_catalogue("error.unsupported_source", source=str(path))
    if path.suffix.lower() not in _XLSX_SUFFIXES:
        return _csv_kind(read_csv_table(path, encoding=encoding, delimiter=delimiter).header)
    # named like a workbook but not a zip: a CSV export given the wrong name is read as CSV;
    # an empty file, a web page or anything else is reported as what it is not
    if not head.strip() or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise SourceError.from_catalogue("error.not_xlsx", path=str(path))
    try:
        header = read_csv_table(path, encoding=encoding, delimiter=delimiter).header
    except SourceError:
        raise SourceError.from_catalogue("error.not_xlsx", path=str(path)) from None
    if not any(str(h).strip() for h in header):
        raise SourceError.from_catalogue("error.not_xlsx", path=str(path))
    return _csv_kind(header)


def detect_kind(
    source: str | Path,
    *,
    kind: str | SourceKind | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> SourceKind:
    """The kind of ``source``: a file (looked at, see the module docs), a Google Sheets URL or key, or ``forms:ID``.

    Args:
        source: a path, or the text given on the command line.
        kind: force this kind (a :class:`SourceKind` or its name); nothing is opened.
        encoding: force a CSV's encoding while its header is read.
        delimiter: force a CSV's delimiter while its header is read.

    Raises:
        SourceError: the file is missing or of no kind tpbis reads, the text
            is neither a URL nor a key tpbis knows, or ``kind`` is unknown.
    """
    if kind is not None:
        return source_kind(kind)
    if isinstance(source, Path):
        return _file_kind(source, encoding, delimiter)
    text = source.strip()
    if text.startswith("forms:"):
        if not text.removeprefix("forms:").strip():
            raise SourceError.from_catalogue("error.unsupported_source", source=source)
        return SourceKind.FORMS
    if "://" in text:
        if _SHEETS_URL.match(text):
            return SourceKind.SHEETS
        raise SourceError.from_catalogue("error.unsupported_source", source=source)
    path = Path(text)
    if path.exists() or sheets_key(text) is None:
        return _file_kind(path, encoding, delimiter)
    return SourceKind.SHEETS
