"""XLSForm: the reporting form for KoBoToolbox and ODK Central, and a reader for their exports.

:func:`write_xlsform` writes the same :class:`~tpbis.forms.schema.FormSchema`
as an XLSForm workbook (``survey`` / ``choices`` / ``settings`` sheets,
Indonesian and English labels). Unlike the Google Forms API, XLSForm carries
answer constraints: participants are integers 0…100000, links must start with
``http(s)://``, and publication links are required when the kind is
``publikasi``. Choice *names* are the library ids and the kind slugs.

:func:`read_export` reads a KoBoToolbox export ("XML values and headers", CSV
or XLSX; group paths ``group/name`` allowed) or an ODK Central CSV
(``SubmissionDate``, ``group-name``, ``KEY``) into a :class:`Table` with the
default titles, so the same parser and problems apply; labels as headers are
accepted too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tpbis.adapters.csvfile import read_csv_table
from tpbis.adapters.xlsx import read_workbook
from tpbis.errors import SourceError
from tpbis.forms.schema import FORM_FIELDS, MAX_PARTICIPANTS, FormSchema, Question, QuestionType
from tpbis.i18n import both
from tpbis.parsing.mapping import Field, default_titles
from tpbis.parsing.table import Cell, Table

__all__ = ["FORM_ID", "read_export", "write_xlsform", "xlsform_sheets"]

#: The XLSForm ``form_id`` (the XML root name KoBo and ODK key submissions on).
FORM_ID = "tpbis_laporan_kegiatan"

_ID_LANG = "Indonesian (id)"
_EN_LANG = "English (en)"
_URL = r"^https?://\S+$"
_URLS = r"^\s*https?://\S+([\s,;]+https?://\S+)*[\s,;]*$"
_LISTS = {Field.LIBRARY: "perpustakaan", Field.KIND: "jenis_kegiatan"}
_SURVEY_HEADER = (
    "type", "name", f"label::{_ID_LANG}", f"label::{_EN_LANG}", f"hint::{_ID_LANG}", f"hint::{_EN_LANG}",
    "required", "constraint", f"constraint_message::{_ID_LANG}", f"constraint_message::{_EN_LANG}",
)
_TIMESTAMP_COLUMNS = ("_submission_time", "SubmissionDate", "end", "endtime")
_ID_COLUMNS = ("_uuid", "KEY", "meta-instanceID", "meta/instanceID", "instanceID", "_id")


def _xls_type(question: Question) -> str:
    if question.field in _LISTS:
        return f"select_one {_LISTS[question.field]}"
    if question.type is QuestionType.DATE:
        return "date"
    if question.type is QuestionType.WHOLE_NUMBER:
        return "integer"
    return "text"


def _survey_row(question: Question) -> list[str]:
    required = "yes" if question.required else ""
    constraint = message_id = message_en = ""
    if question.type is QuestionType.WHOLE_NUMBER:
        constraint = f". >= 0 and . <= {MAX_PARTICIPANTS}"
        message_id, message_en = both("form.constraint.whole_number", max=MAX_PARTICIPANTS)
    elif question.type in (QuestionType.URL, QuestionType.URL_LIST):
        constraint = f"regex(., '{_URL if question.type is QuestionType.URL else _URLS}')"
        message_id, message_en = both("form.constraint.url")
    if question.field is Field.PUBLICATION_URLS:
        required = "${" + Field.KIND.value + "} = 'publikasi'"
    return [
        _xls_type(question), question.field.value, question.title, question.title_en, question.help,
        question.help_en, required, constraint, message_id, message_en,
    ]


def xlsform_sheets(schema: FormSchema, *, version: str = "1") -> dict[str, list[list[str]]]:
    """The XLSForm as rows per sheet (``survey``, ``choices``, ``settings``), header first."""
    survey = [list(_SURVEY_HEADER)] + [_survey_row(q) for q in schema.questions]
    choices = [["list_name", "name", f"label::{_ID_LANG}", f"label::{_EN_LANG}"]]
    for field, list_name in _LISTS.items():
        for choice in schema.question(field).choices:
            choices.append([list_name, choice.value, choice.label, choice.label_en])
    settings = [
        ["form_title", "form_id", "version", "default_language"],
        [schema.title, FORM_ID, version, _ID_LANG],
    ]
    return {"survey": survey, "choices": choices, "settings": settings}


def write_xlsform(schema: FormSchema, path: str | Path, *, version: str = "1") -> None:
    """Write the XLSForm workbook (needs the ``xlsx`` extra)."""
    from tpbis.adapters.xlsx import _openpyxl

    openpyxl = _openpyxl()
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in xlsform_sheets(schema, version=version).items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(Path(path))


def _column_name(header: str) -> str:
    return header.rsplit("/", 1)[-1].strip()


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _instant(value: Cell, column: str) -> Cell:
    """Export timestamps as aware instants: KoBo's ``_submission_time`` is UTC without an offset."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None and column == "_submission_time" else value
    if not isinstance(value, str) or not value.strip():
        return value
    text = value.strip()
    body = text[:-1] + "+00:00" if text.endswith("Z") else text
    try:
        moment = dt.datetime.fromisoformat(body)
    except ValueError:
        return value
    if moment.tzinfo is None and column == "_submission_time":
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def _find(header: Sequence[str], names: Sequence[str]) -> int | None:
    for name in names:
        for index, title in enumerate(header):
            if title == name or _column_name(title) == name:
                return index
    return None


def read_export(path: str | Path) -> Table:
    """Read a KoBoToolbox or ODK Central export (``.csv`` or ``.xlsx``, first sheet) as a responses table.

    Raises:
        SourceError: the file is unreadable, or lacks a column the parser requires.
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        tables = read_workbook(path)
        if not tables:
            raise SourceError.from_catalogue("form.export_columns", path=str(path), missing="-", found="-")
        source = next(iter(tables.values()))
    else:
        source = read_csv_table(path)
    header = [str(h or "") for h in source.header]
    by_label = {}
    for field in FORM_FIELDS:
        for lang in ("id", "en"):
            by_label[_key(default_titles(field, lang))] = field
    by_name = {field.value: field for field in FORM_FIELDS}
    index_of: dict[Field, int] = {}
    for index, title in enumerate(header):
        name = _column_name(title)
        if "-" in name and name not in by_name:
            name = name.rsplit("-", 1)[-1]
        found = by_name.get(name) or by_label.get(_key(title))
        if found is not None and found not in index_of:
            index_of[found] = index
    stamp = _find(header, _TIMESTAMP_COLUMNS)
    missing = [f.value for f in (Field.LIBRARY, Field.DATE, Field.TITLE, Field.KIND) if f not in index_of]
    if stamp is None:
        missing.insert(0, "/".join(_TIMESTAMP_COLUMNS[:2]))
    if missing:
        raise SourceError.from_catalogue(
            "form.export_columns", path=str(path), missing=", ".join(missing),
            found=", ".join(f"'{h}'" for h in header if h) or "-",
        )
    assert stamp is not None  # missing would have raised
    stamp_column = _column_name(header[stamp])
    ids_at = _find(header, _ID_COLUMNS)
    out_header = tuple(default_titles(f, "id") for f in (Field.REPORTED_AT, *FORM_FIELDS))
    rows: list[list[Cell]] = []
    ids: list[str] = []
    for cells in source.rows:
        padded: list[Any] = [*cells, *([None] * (len(header) - len(cells)))]
        row: list[Cell] = [_instant(padded[stamp], stamp_column)]
        row += [padded[index_of[f]] if f in index_of else None for f in FORM_FIELDS]
        rows.append(row)
        ids.append("" if ids_at is None or padded[ids_at] is None else str(padded[ids_at]))
    return Table(name=source.name, header=out_header, rows=rows, row_ids=ids if ids_at is not None else None)
