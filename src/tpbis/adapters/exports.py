"""KoBoToolbox and ODK Central exports of tpbis's XLSForm, read with their semantics.

What the exports look like (the sources consulted are named; none is tpbis's own):

* KoBoToolbox downloads (XLS/XLSX or CSV). The export options, as the
  KoboconnectR reference documents the kpi export API
  (https://rdrr.io/cran/KoboconnectR/man/kobo_export_create.html and
  .../kobo_df_download.html): headers are the XML names (``lang = "_xml"``)
  or the labels of a form language; ``include_grp`` puts the group path in
  the header, joined by ``grp_sep`` (``/`` by default; other separators such
  as ``-`` or ``:`` can be chosen); the CSV field separator is ``;`` "in most
  of the cases". A user-measured XLSX export names its first sheet after
  the form (cut to Excel's 31 characters); repeat groups get further sheets.
  The metadata columns keep their names whatever the header language
  (``_id``, ``_uuid``, ``_submission_time``, ``_validation_status``,
  ``_notes``, ``_status``, ``_submitted_by``, ``_tags``, ``_index``).
  ``_submission_time`` is the server's receipt time in UTC written without
  an offset (``2024-09-03T03:00:00``; the same form the kpi API filters on).
  The validation status is ``validation_status_approved``,
  ``validation_status_not_approved`` or ``validation_status_on_hold``, shown
  as "Approved", "Not approved", "On hold" (kobotoolbox/kpi front end,
  ``VALIDATION_STATUSES``); either spelling is accepted.
* ODK Central downloads (https://docs.getodk.org/central-submissions/):
  ``submissions.csv`` or ``submissions.csv.zip``, comma-separated UTF-8.
  Central's own export tests (getodk/central-backend) give the header as
  ``SubmissionDate,meta-instanceID,<fields>,KEY,SubmitterID,SubmitterName,
  AttachmentsPresent,AttachmentsExpected,Status,ReviewState,DeviceID,Edits,
  FormVersion``; fields inside groups are ``group-field``; ``SubmissionDate``
  is UTC with a ``Z`` (``2018-01-01T00:00:00.000Z``). ``ReviewState`` is
  blank (received), ``hasIssues``, ``edited``, ``approved`` or ``rejected``
  (https://docs.getodk.org/central-api-submission-management; ruODK's
  ``submission_review``). The zip holds the main ``<formId>.csv``, one
  ``<formId>-<repeat>.csv`` per repeat group (with ``PARENT_KEY``, as in ODK
  Briefcase's documented export format) and a ``media/`` folder.

Semantics kept here, so the parser converts rather than guesses:

* the reporting time is the device's ``end`` (XLSForm metadata: when the
  librarian finished the report, written with the device's offset) when the
  export has it, else the server's submission time. ``end`` is preferred
  because timeliness (SPEC: reported by the deadline) is about when the
  report was made, and the receipt is later by however long the phone stayed
  offline; a row whose ``end`` is blank falls back to its submission time;
* submission times are UTC instants: they become aware ``datetime`` values
  (``start``/``end`` metadata keep the offset they were written with);
* the submission id (``_uuid``, ``KEY``, ``meta-instanceID``) is carried in
  the :data:`SUBMISSION_ID_COLUMN` column and as the table's ``row_ids``;
* the review status is carried in the :data:`REVIEW_STATE_COLUMN` column as
  the file wrote it, so a problem quotes the file (:func:`review_state` gives
  it in ODK Central's words: KoBo's "Not Approved" → ``rejected``, "On Hold" →
  ``hasIssues``, "Approved" → ``approved``). KoBo's API and some of its
  downloads write the status as an object, ``{"timestamp": …, "uid":
  "validation_status_not_approved", "by_whom": …, "label": "Not approved"}``
  (kobotoolbox/kpi ``kpi/constants.py`` and the ``validation_status`` of a
  submission in the kpi API docs); its ``label`` (else its ``uid``) is kept;
* headers (XML names, grouped or not, or labels in Indonesian or English)
  become tpbis's default Indonesian titles; the table's ``titles`` keep the
  file's own headers, which problems name. A field is read from its
  top-level column, else from one inside a (non-repeat) group; a column
  inside a repeat (``rpt[1]/date``) is never taken for the report's own
  field, and two equally good columns for one field stop the run naming both;
* submission times written without ``T`` (Excel rewrites
  ``2024-09-02T22:30:00`` as ``02/09/2024 22:30`` when it re-saves a CSV) are
  read with the parser's date and time rules (SPEC §3.1, day first unless
  told otherwise) and stay UTC.
"""

from __future__ import annotations

import ast
import datetime as dt
import enum
import json
import lzma
import re
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from tpbis.adapters.csvfile import read_csv_bytes, read_csv_table
from tpbis.adapters.sources import SourceKind
from tpbis.adapters.xlsx import read_workbook
from tpbis.errors import SourceError
from tpbis.forms.schema import FORM_FIELDS
from tpbis.i18n import os_reason
from tpbis.parsing.mapping import Field, default_titles
from tpbis.parsing.table import Cell, Table
from tpbis.parsing.values import parse_timestamp

__all__ = [
    "REVIEW_STATE_COLUMN",
    "SUBMISSION_ID_COLUMN",
    "Export",
    "ExportSource",
    "export_table",
    "open_export",
    "read_export",
    "review_state",
]

#: The column of the output table that holds each submission's id.
SUBMISSION_ID_COLUMN = "Submission ID"
#: The column of the output table that holds each submission's review state (ODK Central's words).
REVIEW_STATE_COLUMN = "ReviewState"

#: Columns that hold the server's receipt time, always UTC.
_UTC_COLUMNS = ("_submission_time", "SubmissionDate")
#: Columns that hold the device's time the form was finished (XLSForm's ``end`` metadata).
_DEVICE_COLUMNS = ("end", "endtime")
#: Where the reporting time is read from, best first: the device's ``end`` (when the librarian
#: finished the report, with its offset) before the server's receipt (later by however long the
#: phone stayed offline); a row whose ``end`` is blank falls back to the receipt time.
_TIMESTAMP_COLUMNS = (*_DEVICE_COLUMNS, *_UTC_COLUMNS)
_ID_COLUMNS = ("_uuid", "KEY", "meta-instanceID", "meta/instanceID", "instanceID", "_id")
_REVIEW_COLUMNS = ("ReviewState", "_validation_status")
_KOBO_MARKERS = frozenset({"_uuid", "_submission_time", "_validation_status", "_submitted_by", "_index"})
_ODK_MARKERS = frozenset({"SubmissionDate", "KEY", "meta-instanceID", "ReviewState", "SubmitterID"})
_GROUP_SEPARATORS = ("/", ":", ".", "-")
#: A repeat group's instance in a flattened header (KoBo: ``rpt[1]/date``).
_REPEAT_INDEX = re.compile(r"\[\d+\]")

#: KoBo's validation statuses (ids and English labels) in ODK Central's review vocabulary.
_REVIEW_WORDS = {
    "validation_status_approved": "approved",
    "approved": "approved",
    "validation_status_not_approved": "rejected",
    "not approved": "rejected",
    "validation_status_on_hold": "hasIssues",
    "on hold": "hasIssues",
    "received": "received",
    "hasissues": "hasIssues",
    "edited": "edited",
    "rejected": "rejected",
}


class ExportSource(enum.Enum):
    """Which service wrote an export."""

    KOBO = "kobo"
    ODK_CENTRAL = "odk_central"


@attrs.frozen(kw_only=True)
class Export:
    """An export read as a responses table, with what was learnt about it."""

    #: the responses with tpbis's default titles (plus the id and review columns when present)
    table: Table
    source: ExportSource
    #: the export column the reporting time came from
    timestamp_column: str
    #: :data:`SUBMISSION_ID_COLUMN` when the export carries submission ids
    submission_id_column: str | None
    #: :data:`REVIEW_STATE_COLUMN` when the export carries review states
    review_column: str | None
    #: the export header each form field was read from
    columns: Mapping[Field, str]


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _status_text(value: Cell) -> Cell:
    """A validation status cell as a word: KoBo's status object (JSON or a Python dict's text) becomes
    its ``label``, else its ``uid``; any other cell is kept as written."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return value
    found: object = None
    try:
        found = json.loads(text)
    except ValueError:
        try:
            found = ast.literal_eval(text)  # KoBo's XLS/CSV downloads write the dict as Python prints it
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return value
    if not isinstance(found, dict):
        return value
    for name in ("label", "uid"):
        word = found.get(name)
        if isinstance(word, str) and word.strip():
            return word.strip()
    return ""  # an empty status object: no status


def review_state(value: Cell) -> str:
    """A review status in ODK Central's words (blank stays blank; an unknown word is kept as written).

    KoBo's status object (``{"uid": "validation_status_not_approved", "label": "Not approved", …}``)
    is read by its label, else its uid.
    """
    value = _status_text(value)
    if value is None:
        return ""
    text = str(value).strip()
    return _REVIEW_WORDS.get(_key(text), text)


def _tails(title: str) -> list[str]:
    """``title`` and what is left of it without group prefixes (``grp/x``, ``grp:x``, ``grp-x``)."""
    tails = [title.strip()]
    for separator in _GROUP_SEPARATORS:
        if separator == "-" and " " in title.strip():
            continue  # a label such as "Jumlah Peserta Laki-laki", not a group path
        tail = tails[0].rsplit(separator, 1)[-1].strip()
        if tail and tail not in tails:
            tails.append(tail)
    return tails


def _names() -> tuple[dict[str, Field], dict[str, Field]]:
    by_name = {field.value: field for field in FORM_FIELDS}
    by_label = {_key(default_titles(f, lang)): f for f in FORM_FIELDS for lang in ("id", "en")}
    return by_name, by_label


def _match(header: Sequence[str], path: str) -> dict[Field, int]:
    """Which column feeds each field: a top-level column (the bare name or label) before one inside
    a group; never one inside a repeat (``rpt[1]/date``: a repeat's field, not the report's).

    Raises:
        SourceError: two columns are equally good for one field (the message names both).
    """
    by_name, by_label = _names()
    found: dict[Field, list[tuple[int, int]]] = {}  # field → (rank, index): 0 top level, 1 in a group
    for index, title in enumerate(header):
        if _REPEAT_INDEX.search(title):
            continue
        tails = _tails(title)
        field = next((by_name[t] for t in tails if t in by_name), None)
        if field is None:
            field = next((by_label[_key(t)] for t in tails if _key(t) in by_label), None)
        if field is None:
            continue
        bare = tails[0] in by_name or _key(tails[0]) in by_label
        found.setdefault(field, []).append((0 if bare else 1, index))
    chosen: dict[Field, int] = {}
    for field, candidates in found.items():
        best = min(rank for rank, _ in candidates)
        tied = [index for rank, index in candidates if rank == best]
        if len(tied) > 1:
            raise SourceError.from_catalogue(
                "form.export_ambiguous", path=path, field=field.value,
                columns=", ".join(f"'{header[i]}'" for i in tied),
            )
        chosen[field] = tied[0]
    return chosen


def _find(header: Sequence[str], names: Sequence[str]) -> int | None:
    """The first of ``names`` (best first) in the header, bare or after a group path."""
    for name in names:
        for index, title in enumerate(header):
            if title == name or title.endswith(tuple(sep + name for sep in _GROUP_SEPARATORS)):
                return index
    return None


def _instant(value: Cell, utc: bool, day_first: bool = True) -> Cell:
    """A timestamp cell as an aware ``datetime`` when it says (or, for ``utc`` columns, means) one.

    A ``utc`` column's text that is not ISO (an Excel re-save: ``02/09/2024 22:30``) is read with the
    parser's rules (:func:`~tpbis.parsing.values.parse_timestamp`) in UTC; text neither reads is kept
    for the parser to report.
    """
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC) if utc and value.tzinfo is None else value
    if not isinstance(value, str) or not value.strip():
        return value
    text = value.strip()
    body = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        moment = dt.datetime.fromisoformat(body)
    except ValueError:
        if utc:
            parsed = parse_timestamp(text, "UTC", day_first=day_first)
            if parsed is not None:
                return parsed
        return value  # the parser reports it as timestamp.invalid (or zones a device's wall time), naming the text
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC) if utc else value  # a device's wall time: the parser zones it
    return moment


def _source_of(header: Sequence[str]) -> ExportSource:
    names = {_tails(h)[-1] for h in header} | set(header)
    return ExportSource.ODK_CENTRAL if names & _ODK_MARKERS and not names & _KOBO_MARKERS else ExportSource.KOBO


def export_table(source: Table, *, path: str = "", day_first: bool = True) -> Export:
    """Turn a table as exported (header as written) into an :class:`Export`.

    Args:
        source: the export's table, header as written.
        path: the file, for messages.
        day_first: how a submission time that is not ISO reads (``D/M/YYYY`` when True), as the parser.

    Raises:
        SourceError: a column the parser requires is missing, or two columns fit one field
            (``path`` names the file).
    """
    header = [str(h or "") for h in source.header]
    index_of = _match(header, path or source.name)
    stamp = _find(header, _TIMESTAMP_COLUMNS)
    missing = [f.value for f in (Field.LIBRARY, Field.DATE, Field.TITLE, Field.KIND) if f not in index_of]
    if stamp is None:
        missing.insert(0, "/".join(_UTC_COLUMNS))
    if missing:
        raise SourceError.from_catalogue(
            "form.export_columns", path=path or source.name, missing=", ".join(missing),
            found=", ".join(f"'{h}'" for h in header if h) or "-",
        )
    assert stamp is not None  # missing would have raised
    utc = header[stamp] in _UTC_COLUMNS
    receipt = None if utc else _find(header, _UTC_COLUMNS)
    ids_at = _find(header, _ID_COLUMNS)
    review_at = _find(header, _REVIEW_COLUMNS)
    out_header = [default_titles(f, "id") for f in (Field.REPORTED_AT, *FORM_FIELDS)]
    # what the file calls each column, so that problems name the file's own header
    titles = {default_titles(Field.REPORTED_AT, "id"): header[stamp]}
    titles |= {default_titles(f, "id"): header[i] for f, i in index_of.items()}
    if ids_at is not None:
        out_header.append(SUBMISSION_ID_COLUMN)
        titles[SUBMISSION_ID_COLUMN] = header[ids_at]
    if review_at is not None:
        out_header.append(REVIEW_STATE_COLUMN)
        titles[REVIEW_STATE_COLUMN] = header[review_at]
    width = len(header)
    rows: list[list[Cell]] = []
    ids: list[str] = []
    for cells in source.rows:
        padded: list[Cell] = [*cells, *([None] * (width - len(cells)))]
        moment = padded[stamp]
        if receipt is not None and (moment is None or (isinstance(moment, str) and not moment.strip())):
            row: list[Cell] = [_instant(padded[receipt], True, day_first)]
        else:
            row = [_instant(moment, utc, day_first)]
        row += [padded[index_of[f]] if f in index_of else None for f in FORM_FIELDS]
        if ids_at is not None:
            ident = padded[ids_at]
            ids.append("" if ident is None else str(ident).strip())
            row.append(ids[-1])
        if review_at is not None:
            row.append(_status_text(padded[review_at]))  # as written, so a problem quotes the file
        rows.append(row)
    table = Table(name=source.name, header=tuple(out_header), rows=rows, row_ids=ids if ids_at is not None else None,
                  titles=titles)
    return Export(
        table=table,
        source=_source_of(header),
        timestamp_column=header[stamp],
        submission_id_column=SUBMISSION_ID_COLUMN if ids_at is not None else None,
        review_column=REVIEW_STATE_COLUMN if review_at is not None else None,
        columns={f: header[i] for f, i in index_of.items()},
    )


def _is_zip(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"PK\x03\x04"
    except FileNotFoundError:
        raise SourceError.from_catalogue("error.file_not_found", path=str(path)) from None
    except OSError:
        return False


def _xlsx_sheet(path: Path) -> Table:
    """The submissions sheet of a KoBo XLSX export: it is named after the form, so take the first
    sheet that carries KoBo's metadata columns (repeat-group sheets follow it), else the first sheet.

    Read with the bounded reader of :mod:`tpbis.adapters.xlsx` (safe XML, size limits)."""
    sheets = list(read_workbook(path).values())
    if not sheets:
        raise SourceError.from_catalogue("form.export_columns", path=str(path), missing="-", found="-")
    for sheet in sheets:
        if set(sheet.header) & {"_submission_time", "_uuid", "SubmissionDate"}:
            return sheet
    return sheets[0]


def _zip_main_csv(path: Path, encoding: str | None, delimiter: str | None) -> Table:
    """The main CSV of an ODK Central ``.csv.zip``: not under ``media/``, with ``SubmissionDate``,
    without ``PARENT_KEY`` (the repeat-group files have it).

    The zip is untrusted: it is checked as an XLSX package is (member count,
    total uncompressed size, ratio of a large member) before anything is
    inflated, each member is read as a stream that stops at the size limit,
    and a corrupt, truncated or encrypted member is one SourceError.
    """
    from tpbis.adapters._xlsx_read import DEFAULT_LIMITS, check_zip

    members: list[str] = []
    try:
        with zipfile.ZipFile(path) as archive:
            check_zip(archive, str(path), DEFAULT_LIMITS)
            members = [
                m for m in archive.namelist()
                if m.lower().endswith(".csv") and not m.startswith(("media/", "__MACOSX/")) and not m.endswith("/")
            ]
            members.sort(key=lambda m: (m.count("/"), len(m)))  # the main file sits at the root, shortest name
            for member in members:
                data = _zip_member(archive, member, str(path), DEFAULT_LIMITS.uncompressed_bytes)
                table = read_csv_bytes(data, member, encoding=encoding, delimiter=delimiter)
                header = set(table.header)
                if "SubmissionDate" in header and "PARENT_KEY" not in header:
                    return table
    except OSError as exc:
        raise SourceError.from_catalogue("error.unreadable_csv", path=str(path), reason=os_reason(exc)) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, lzma.LZMAError, EOFError, ValueError,
            NotImplementedError, RuntimeError) as exc:
        # corrupt deflate/LZMA data, a member past the end of the file, an encrypted member
        # (RuntimeError) or an unknown compression method (NotImplementedError)
        reason = str(exc) or type(exc).__name__  # no OS reason to translate: the archive's own words
        raise SourceError.from_catalogue("error.unreadable_csv", path=str(path), reason=reason) from None
    raise SourceError.from_catalogue(
        "error.export_no_main_csv", path=str(path), found=", ".join(f"'{m}'" for m in members) or "-"
    )


def _zip_member(archive: zipfile.ZipFile, member: str, path: str, limit: int) -> bytes:
    """A member's bytes, read in chunks that stop past ``limit`` (whatever its header claims)."""
    from tpbis.adapters._xlsx_read import limit_error

    chunks: list[bytes] = []
    size = 0
    with archive.open(member) as stream:
        while chunk := stream.read(1024 * 1024):
            size += len(chunk)
            if size > limit:
                raise limit_error(path, "size", limit=limit // (1024 * 1024))
            chunks.append(chunk)
    return b"".join(chunks)


def _is_xlsx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def open_export(
    path: str | Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    day_first: bool = True,
    kind: SourceKind | None = None,
) -> Export:
    """Read a KoBoToolbox or ODK Central export: ``.xlsx``, ``.csv`` (any delimiter and encoding
    :func:`~tpbis.adapters.csvfile.read_csv_table` detects) or an ODK Central ``.csv.zip``.

    The format is told from the content, not the file name, unless ``kind`` (one of the export
    kinds, as ``--source-kind`` forces it) says it. ``day_first`` is how a submission time
    re-saved by Excel (``02/09/2024 22:30``) reads, as the parser's setting.

    Raises:
        SourceError: the file is missing or unreadable (or not of the forced kind), or lacks a
            column the parser requires.
    """
    path = Path(path)
    if kind is None or not kind.is_export:
        zipped = _is_zip(path)
        kind = (SourceKind.KOBO_XLSX if _is_xlsx(path) else SourceKind.ODK_ZIP) if zipped else SourceKind.KOBO_CSV
    if kind is SourceKind.KOBO_XLSX:
        source = _xlsx_sheet(path)
    elif kind is SourceKind.ODK_ZIP:
        source = _zip_main_csv(path, encoding, delimiter)
    else:
        source = read_csv_table(path, encoding=encoding, delimiter=delimiter)
    return export_table(source, path=str(path), day_first=day_first)


def read_export(path: str | Path, *, encoding: str | None = None, delimiter: str | None = None) -> Table:
    """Read a KoBoToolbox or ODK Central export as a responses table (see :func:`open_export`).

    Raises:
        SourceError: the file is unreadable, or lacks a column the parser requires.
    """
    return open_export(path, encoding=encoding, delimiter=delimiter).table
