"""Drift check: has the live form (or its sheet) moved away from what was built?

Before responses are parsed, the live form is compared with the recorded
question-id mapping and with the rubric and registry: questions renamed,
removed, added or changed in type, kind choices relabelled, libraries missing
from the dropdown. Each finding says exactly what drifted and how to fix it.
A *blocking* finding means answers cannot be read safely (a required question
is gone or no longer asks the same thing); readers refuse to parse then,
instead of silently mis-parsing. Pure: no I/O.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

import attrs

from tpbis.domain.library import Registry
from tpbis.domain.problems import Severity
from tpbis.domain.rubric import Rubric
from tpbis.forms.record import WIDGETS, FormRecord, LiveForm, LiveQuestion, RecordedQuestion
from tpbis.forms.schema import FORM_FIELDS, FormSchema
from tpbis.message import InBothLanguages, Message
from tpbis.parsing.mapping import REQUIRED_FIELDS, Field, default_titles
from tpbis.parsing.matching import LibraryMatcher

__all__ = ["Drift", "blocking", "check_form", "check_headers"]

_TEXT_WIDGETS = frozenset({"SHORT_TEXT", "PARAGRAPH"})


@attrs.frozen(kw_only=True)
class Drift(InBothLanguages):
    """One difference between the live form and what tpbis built."""

    code: str
    severity: Severity
    #: answers cannot be read safely while this stands
    blocking: bool
    field: Field | None
    question_id: str | None
    #: what drifted and how to fix it (``drift.message(lang)`` renders it)
    message: Message


def blocking(drifts: Sequence[Drift]) -> tuple[Drift, ...]:
    """The findings that stop a read."""
    return tuple(d for d in drifts if d.blocking)


def _drift(code: str, severity: Severity, *, field: Field | None, question_id: str | None,
           stop: bool = False, **params: object) -> Drift:
    return Drift(code=code, severity=severity, blocking=stop, field=field, question_id=question_id,
                 message=Message(f"drift.{code}", **params))


def _closest(text: str, options: Sequence[str]) -> str:
    found = difflib.get_close_matches(text, options, n=1, cutoff=0.5)
    return found[0] if found else ""


def _check_question(recorded: RecordedQuestion, live_by_id: Mapping[str, LiveQuestion], form_id: str) -> list[Drift]:
    field, qid = recorded.field, recorded.question_id
    live = live_by_id.get(qid)
    required = field in REQUIRED_FIELDS
    if live is None:
        return [_drift("question_removed", Severity.ERROR if required else Severity.WARNING, field=field,
                       question_id=qid, stop=required, title=recorded.title, field_name=field.value,
                       form_id=form_id)]
    found: list[Drift] = []
    if live.title.strip() != recorded.title.strip():
        found.append(_drift("question_renamed", Severity.WARNING, field=field, question_id=qid,
                            recorded=recorded.title, live=live.title, field_name=field.value, form_id=form_id))
    expected = WIDGETS[recorded.type]
    if live.widget != expected and not {live.widget, expected} <= _TEXT_WIDGETS:
        found.append(_drift("question_type", Severity.ERROR, field=field, question_id=qid, stop=True,
                            title=live.title, field_name=field.value, recorded=expected, live=live.widget,
                            form_id=form_id))
    return found


def _check_kinds(live_choices: Sequence[str], schema: FormSchema, rubric: Rubric | None, title: str,
                 qid: str, form_id: str) -> list[Drift]:
    expected = schema.question(Field.KIND).choice_labels("id") + schema.question(Field.KIND).choice_labels("en")
    found: list[Drift] = []
    offered = set()
    for option in live_choices:
        kind = rubric.kind_of(option) if rubric is not None else None
        if kind is not None:
            offered.add(kind.value)
        if option in expected:
            continue
        if kind is not None:
            found.append(_drift("kind_relabelled", Severity.WARNING, field=Field.KIND, question_id=qid,
                                choice=option, title=title, kind=kind.value, form_id=form_id))
        else:
            found.append(_drift("kind_unknown", Severity.ERROR, field=Field.KIND, question_id=qid, choice=option,
                                title=title, rubric=schema.rubric, closest=_closest(option, expected) or "-",
                                form_id=form_id))
    for choice in schema.question(Field.KIND).choices:
        present = choice.value in offered if rubric is not None else (
            choice.label in live_choices or choice.label_en in live_choices)
        if not present:
            found.append(_drift("kind_missing", Severity.WARNING, field=Field.KIND, question_id=qid,
                                label=choice.label, title=title, rubric=schema.rubric, form_id=form_id))
    return found


def _check_libraries(live_choices: Sequence[str], schema: FormSchema, registry: Registry | None, title: str,
                     qid: str, form_id: str) -> list[Drift]:
    found: list[Drift] = []
    matcher = LibraryMatcher(registry) if registry is not None else None
    listed: set[str] = set()
    expected = {c.label: c.value for c in schema.question(Field.LIBRARY).choices}
    for option in live_choices:
        if option in expected:
            listed.add(expected[option])
            continue
        match = matcher.match(option) if matcher is not None else None
        if match is not None and match.library is not None:
            listed.add(match.library.id)
            continue
        found.append(_drift("library_unknown", Severity.ERROR, field=Field.LIBRARY, question_id=qid,
                            choice=option, title=title, form_id=form_id))
    for choice in schema.question(Field.LIBRARY).choices:
        if choice.value not in listed:
            found.append(_drift("library_missing", Severity.WARNING, field=Field.LIBRARY, question_id=qid,
                                name=choice.label, library_id=choice.value, title=title, form_id=form_id))
    return found


def check_form(
    live: LiveForm,
    record: FormRecord,
    *,
    schema: FormSchema | None = None,
    rubric: Rubric | None = None,
    registry: Registry | None = None,
) -> tuple[Drift, ...]:
    """Every drift of ``live`` from ``record`` (and from ``schema``, when given).

    Args:
        live: the form as the API returns it now.
        record: what ``tpbis form build`` recorded.
        schema: the form the rubric and registry call for now; enables the
            checks of kind labels and of the library dropdown.
        rubric: recognises relabelled kind choices (a warning, not an error).
        registry: recognises dropdown entries by alias or id.
    """
    form_id = record.form_id
    found: list[Drift] = []
    if live.form_id != record.form_id:
        found.append(_drift("other_form", Severity.ERROR, field=None, question_id=None, stop=True,
                            live=live.form_id, recorded=record.form_id))
        return tuple(found)
    live_by_id = live.by_question_id()
    for recorded in record.questions:
        found += _check_question(recorded, live_by_id, form_id)
    recorded_fields = {q.field for q in record.questions}
    for field in FORM_FIELDS:
        if field not in recorded_fields:
            required = field in REQUIRED_FIELDS
            found.append(_drift("question_unrecorded", Severity.ERROR if required else Severity.WARNING,
                                field=field, question_id=None, stop=required, field_name=field.value,
                                title=default_titles(field, record.lang), form_id=form_id))
    recorded_ids = record.by_question_id()
    for question in live.questions:
        if question.question_id not in recorded_ids:
            found.append(_drift("question_added", Severity.WARNING, field=None, question_id=question.question_id,
                                title=question.title))
    if schema is not None:
        for field, check in ((Field.KIND, "kinds"), (Field.LIBRARY, "libraries")):
            recorded_q = record.for_field(field)
            live_q = live_by_id.get(recorded_q.question_id) if recorded_q is not None else None
            if live_q is None or live_q.widget not in ("DROP_DOWN", "RADIO", "CHECKBOX"):
                continue
            if check == "kinds":
                found += _check_kinds(live_q.choices, schema, rubric, live_q.title, live_q.question_id, form_id)
            else:
                found += _check_libraries(live_q.choices, schema, registry, live_q.title, live_q.question_id,
                                          form_id)
    return tuple(found)


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def check_headers(
    header: Sequence[str],
    record: FormRecord,
    *,
    columns: Mapping[str, str] | None = None,
    tab: str = "",
) -> tuple[Drift, ...]:
    """Drift of a linked responses sheet's header row from the recorded titles.

    Google renames a sheet column when its question is renamed, so a header
    that no longer shows the recorded title (nor a default title, nor a
    ``[columns]`` override for that field) means the question was renamed or
    removed; the finding names the columns found that no field claims.
    """
    keys = {_key(str(h or "")) for h in header}
    claimed: set[str] = set()
    overridden: set[Field] = set()
    for title, name in (columns or {}).items():
        claimed.add(_key(title))
        if _key(title) in keys:
            overridden.update(f for f in Field if f.value == name)
    for field in Field:
        claimed.update(_key(default_titles(field, lang)) for lang in ("id", "en"))
    claimed.update(_key(q.title) for q in record.questions)
    unclaimed = [str(h) for h in header if str(h or "").strip() and _key(str(h)) not in claimed]
    found: list[Drift] = []
    for recorded in record.questions:
        field = recorded.field
        titles = {_key(recorded.title), _key(default_titles(field, "id")), _key(default_titles(field, "en"))}
        if field in overridden or titles & keys:
            continue
        required = field in REQUIRED_FIELDS
        found.append(_drift("column_missing", Severity.ERROR if required else Severity.WARNING, field=field,
                            question_id=recorded.question_id, stop=required, title=recorded.title,
                            field_name=field.value, tab=tab,
                            unclaimed=", ".join(f"'{h}'" for h in unclaimed) or "-"))
    return tuple(found)
