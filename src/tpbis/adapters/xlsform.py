"""XLSForm: the reporting form for KoBoToolbox and ODK Central, and a reader for their exports.

:func:`write_xlsform` writes the same :class:`~tpbis.forms.schema.FormSchema`
as an XLSForm workbook (``survey`` / ``choices`` / ``settings`` sheets,
Indonesian and English labels). Unlike the Google Forms API, XLSForm carries
answer constraints, and they refuse what the parser would reject (SPEC §3.1):

- the activity date lies in 2018-01-01 … today (``date.before_program``, ``date.future``);
- participants are integers 0…100000 (``participants.invalid``);
- each link is one :func:`~tpbis.parsing.values.is_http_url` accepts, scheme in
  any case (``url.invalid``); publication links are required for ``publikasi``.

The form records ``start``, ``end`` and ``today`` metadata (questions named
:data:`META_FIELDS`); ``end`` — when the respondent finished the form on the
device, with its offset — is the moment to judge timeliness by, rather than
the server's receipt time.

Library choices: the *label* is the schema's readable label (same-named
libraries carry their kabupaten/kota); the *name* (what exports hold) is the
library id when it is a valid XML name, else the label made XML-safe — every
character the parser's name normalisation turns into a space becomes ``_`` —
which the parser's name/alias matching resolves (see :func:`choice_names`).
Long lists get a searchable dropdown. The form ``version`` is derived from the
content, so a redrafted form always carries a new one.

:func:`read_export` reads a KoBoToolbox export ("XML values and headers", CSV
or XLSX; group paths ``group/name`` allowed) or an ODK Central CSV
(``SubmissionDate``, ``group-name``, ``KEY``) into a :class:`Table` with the
default titles, so the same parser and problems apply; labels as headers are
accepted too.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from xml.etree import ElementTree

from tpbis.adapters.exports import read_export
from tpbis.errors import SourceError
from tpbis.forms.schema import (
    MAX_PARTICIPANTS,
    Choice,
    FormSchema,
    Question,
    QuestionType,
)
from tpbis.i18n import both, os_reason
from tpbis.parsing.mapping import Field

__all__ = [
    "FORM_ID",
    "META_FIELDS",
    "SEARCH_THRESHOLD",
    "URLS_REGEX",
    "URL_REGEX",
    "choice_names",
    "read_export",
    "write_xlsform",
    "xlsform_sheets",
    "xlsform_version",
]

#: The XLSForm ``form_id`` (the XML root name KoBo and ODK key submissions on).
FORM_ID = "tpbis_laporan_kegiatan"

#: The metadata questions (XLSForm types of the same name): device time the form was opened
#: and finished (date-time with offset), and the device's date. Exports carry them as these columns.
META_FIELDS = ("start", "end", "today")

#: A choice list longer than this is shown as a searchable dropdown.
SEARCH_THRESHOLD = 50

#: The programme's first day (SPEC §3.1 ``date.before_program``).
PROGRAM_START = "2018-01-01"

_ID_LANG = "Indonesian (id)"
_EN_LANG = "English (en)"
_LISTS = {Field.LIBRARY: "perpustakaan", Field.KIND: "jenis_kegiatan"}
_SURVEY_HEADER = (
    "type", "name", f"label::{_ID_LANG}", f"label::{_EN_LANG}", f"hint::{_ID_LANG}", f"hint::{_EN_LANG}",
    "required", "appearance", "constraint", f"constraint_message::{_ID_LANG}", f"constraint_message::{_EN_LANG}",
)
# ODK docs, "Question types" (getodk/docs docs/form-question-types.rst, #select-minimal and
# #select-autocomplete): ``minimal`` shows a compact dropdown and "is often combined with the
# autocomplete appearance", which lets the respondent type to filter a long list. ODK Collect
# and Enketo (KoBoToolbox's and ODK Central's web forms) both honour it on select_one.
_SEARCH_APPEARANCE = "minimal autocomplete"


# --- link constraint ----------------------------------------------------------------
# The regex mirrors tpbis.parsing.values.is_http_url: no whitespace (Python's \s, spelled
# out, since Java's and JavaScript's \s differ from it and from each other); scheme http or
# https in any case; the netloc (up to / ? #) is [userinfo@]host[:port] as urlsplit reads it
# (host after the last "@", port after the first ":" of the rest); the host is "localhost"
# or has a dot between non-dot characters; the port is empty or a number 0…65535.
# Escapes are \xNN / \uNNNN, which Java (ODK Collect), JavaScript (Enketo) and Python read alike.
# Not mirrored: bracketed IPv6 hosts (refused here) and netlocs that NFKC-normalise to a
# delimiter (urlsplit's ValueError) — neither is a link a library publishes.
_SPACE = r"\x09-\x0d\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_PORT = r"0*(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"


def _url_pattern(extra: str = "") -> str:
    """One link; ``extra``: characters that end a link besides whitespace (list separators)."""
    any_ = f"[^{_SPACE}{extra}]"
    host = f"[^{_SPACE}{extra}/?#@:\\[\\]]"
    host_char = f"[^{_SPACE}{extra}/?#@:.\\[\\]]"
    netloc = f"[^{_SPACE}{extra}/?#]"
    localhost = "[lL][oO][cC][aA][lL][hH][oO][sS][tT]"
    dotted = f"{host}*{host_char}{host}*\\.{host}*{host_char}{host}*"
    return (
        f"[hH][tT][tT][pP][sS]?://(?:{netloc}*@)?(?:{localhost}|{dotted})"
        f"(?::(?:{_PORT})?)?(?:[/?#]{any_}*)?"
    )


#: The constraint regex of a single link (documentation) and of a list of links (publication).
URL_REGEX = f"^{_url_pattern()}$"
URLS_REGEX = f"^[{_SPACE},;]*{_url_pattern(',;')}(?:[{_SPACE},;]+{_url_pattern(',;')})*[{_SPACE},;]*$"


# --- choice names ------------------------------------------------------------------
# Which characters may stand in an XML name is asked of expat, the XML parser Python
# ships: it keeps the XML 1.0 (4th edition) tables, stricter than the 5th edition's
# ranges, so a name it takes is taken by every XML parser (pyxform's own check
# mis-ranges U+00C0-U+00D6 and is not used).


@functools.cache
def _name_char(char: str, *, first: bool) -> bool:
    if char == ":" or char.isspace():
        return False
    try:
        ElementTree.fromstring(f"<{char}b/>" if first else f"<a{char}b/>")
    except ElementTree.ParseError:
        return False
    return True


def _is_xml_name(text: str) -> bool:
    return bool(text) and _name_char(text[0], first=True) and all(_name_char(c, first=False) for c in text[1:])


def _xml_safe(text: str) -> str:
    """``text`` as an XML name: each character that is not alphanumeric (or not allowed) becomes ``_``."""
    safe = "".join(ch if ch.isalnum() and _name_char(ch, first=False) else "_" for ch in text)
    return safe if _is_xml_name(safe) else f"_{safe}"


def choice_names(choices: Sequence[Choice]) -> list[str]:
    """The XLSForm choice *names* for these library choices: unique XML names the parser resolves.

    A library id that is a valid XML name is kept (the parser matches ids exactly). Any
    other id (``3206-sindangsari``, ``.x``) is replaced by the choice label with every
    character that is not a letter or digit turned into ``_`` (``_`` prefixed when
    it starts with a digit): the parser turns ``_`` and punctuation alike into spaces,
    so the name matches the library's name or — for a disambiguated label — the alias
    :func:`tpbis.forms.schema.with_label_aliases` adds. Should that collide with
    another choice's name, ``_`` and the XML-safe id are used instead (unique, but
    only readable by a human).
    """
    names: list[str] = []
    used = {c.value for c in choices if _is_xml_name(c.value)}
    for choice in choices:
        if _is_xml_name(choice.value):
            names.append(choice.value)
            continue
        name = _xml_safe(choice.label)
        if name in used:
            base = name = "_" + _xml_safe(choice.value).lstrip("_")
            counter = 1
            while name in used:
                counter += 1
                name = f"{base}_{counter}"
        used.add(name)
        names.append(name)
    return names


# --- survey ------------------------------------------------------------------------


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
    appearance = constraint = message_id = message_en = ""
    if question.type is QuestionType.WHOLE_NUMBER:
        constraint = f". >= 0 and . <= {MAX_PARTICIPANTS}"
        message_id, message_en = both("form.constraint.whole_number", max=MAX_PARTICIPANTS)
    elif question.type is QuestionType.DATE:
        constraint = f". >= date('{PROGRAM_START}') and . <= today()"
        message_id, message_en = both("form.constraint.date", start=PROGRAM_START)
    elif question.type in (QuestionType.URL, QuestionType.URL_LIST):
        constraint = f"regex(., '{URL_REGEX if question.type is QuestionType.URL else URLS_REGEX}')"
        message_id, message_en = both("form.constraint.url")
    if question.field in _LISTS and len(question.choices) > SEARCH_THRESHOLD:
        appearance = _SEARCH_APPEARANCE
    if question.field is Field.PUBLICATION_URLS:
        required = "${" + Field.KIND.value + "} = 'publikasi'"
    return [
        _xls_type(question), question.field.value, question.title, question.title_en, question.help,
        question.help_en, required, appearance, constraint, message_id, message_en,
    ]


def _meta_rows() -> list[list[str]]:
    return [[name, name, *[""] * (len(_SURVEY_HEADER) - 2)] for name in META_FIELDS]


def xlsform_version(survey: Sequence[Sequence[str]], choices: Sequence[Sequence[str]], title: str) -> str:
    """A version string that changes whenever the survey, the choices or the title change.

    Twelve hex digits of a SHA-256 over the content: ODK Central refuses to publish a
    draft whose version was used before, and compares versions only for equality.
    """
    content = json.dumps([title, list(map(list, survey)), list(map(list, choices))], ensure_ascii=False)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:12]


def xlsform_sheets(schema: FormSchema, *, version: str | None = None) -> dict[str, list[list[str]]]:
    """The XLSForm as rows per sheet (``survey``, ``choices``, ``settings``), header first.

    Args:
        schema: the form.
        version: the form version; by default :func:`xlsform_version` of the content.
    """
    survey = [list(_SURVEY_HEADER), *_meta_rows(), *(_survey_row(q) for q in schema.questions)]
    choices = [["list_name", "name", f"label::{_ID_LANG}", f"label::{_EN_LANG}"]]
    for field, list_name in _LISTS.items():
        options = schema.question(field).choices
        names = choice_names(options) if field is Field.LIBRARY else [c.value for c in options]
        for name, choice in zip(names, options, strict=True):
            choices.append([list_name, name, choice.label, choice.label_en])
    if version is None:
        version = xlsform_version(survey, choices, schema.title)
    settings = [
        ["form_title", "form_id", "version", "default_language"],
        [schema.title, FORM_ID, version, _ID_LANG],
    ]
    return {"survey": survey, "choices": choices, "settings": settings}


def write_xlsform(schema: FormSchema, path: str | Path, *, version: str | None = None) -> None:
    """Write the XLSForm workbook (needs the ``xlsx`` extra).

    Every cell is written as text: a registry name such as ``=HYPERLINK(…)`` stays
    a name, never a spreadsheet formula.
    """
    from tpbis.adapters.xlsx import _openpyxl

    openpyxl = _openpyxl()
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in xlsform_sheets(schema, version=version).items():
        sheet = workbook.create_sheet(title)
        for row_number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                if value == "":
                    continue
                cell = sheet.cell(row=row_number, column=column)
                # Assigning a str starting with "=" makes openpyxl store a formula; set the
                # value, then force the type back to an inline string.
                cell.value = value
                cell.data_type = "s"
    try:
        workbook.save(Path(path))
    except OSError as exc:
        raise SourceError.from_catalogue("xlsx.cannot_write", path=str(path), reason=os_reason(exc)) from None
