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

from pathlib import Path

from tpbis.adapters.exports import read_export
from tpbis.forms.schema import MAX_PARTICIPANTS, FormSchema, Question, QuestionType
from tpbis.i18n import both
from tpbis.parsing.mapping import Field

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
