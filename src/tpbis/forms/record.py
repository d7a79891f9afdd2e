"""What ``tpbis form build`` records about a form, and a form as read back.

The record (``tpbis-form.json`` next to ``tpbis.toml``, see
:func:`tpbis.adapters.forms.save_record`) maps each field to the question id
Google assigned, with the title and choices as built. Responses are read by
question id, so a renamed title does not change parsing; the drift check
(:mod:`tpbis.forms.drift`) compares the live form with this record. Pure: no I/O.
"""

from __future__ import annotations

import attrs

from tpbis.forms.schema import FormSchema, QuestionType
from tpbis.parsing.mapping import Field

__all__ = ["WIDGETS", "FormRecord", "LiveForm", "LiveQuestion", "RecordedQuestion", "record_from_live"]

#: The Google Forms widget each question type is built as. The Forms API has no
#: answer validation, so whole numbers and links are short text there; the
#: parser checks them (and XLSForm constrains them).
WIDGETS: dict[QuestionType, str] = {
    QuestionType.DROPDOWN: "DROP_DOWN",
    QuestionType.CHOICE: "RADIO",
    QuestionType.DATE: "DATE",
    QuestionType.TEXT: "SHORT_TEXT",
    QuestionType.WHOLE_NUMBER: "SHORT_TEXT",
    QuestionType.PARAGRAPH: "PARAGRAPH",
    QuestionType.URL: "SHORT_TEXT",
    QuestionType.URL_LIST: "PARAGRAPH",
}


@attrs.frozen(kw_only=True)
class RecordedQuestion:
    """One question as built: its field, ids, title, type and option texts."""

    field: Field
    question_id: str
    item_id: str
    title: str
    type: QuestionType
    choices: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class FormRecord:
    """The question-id → field mapping of one built form."""

    form_id: str
    #: the rubric ``name@version`` the kind choices came from
    rubric: str
    #: the language of the titles and choices (``id`` or ``en``)
    lang: str = "id"
    regency: str | None = None
    responder_uri: str | None = None
    revision_id: str | None = None
    #: the spreadsheet Google links for responses, when there is one
    linked_sheet_id: str | None = None
    questions: tuple[RecordedQuestion, ...] = ()

    def by_question_id(self) -> dict[str, RecordedQuestion]:
        """Recorded questions keyed by question id."""
        return {q.question_id: q for q in self.questions}

    def for_field(self, field: Field) -> RecordedQuestion | None:
        """The recorded question of ``field``, if any."""
        return next((q for q in self.questions if q.field is field), None)


@attrs.frozen(kw_only=True)
class LiveQuestion:
    """A question item of a form as the API returns it."""

    question_id: str
    item_id: str
    title: str
    #: the Google widget: ``DROP_DOWN``, ``RADIO``, ``CHECKBOX``, ``DATE``,
    #: ``SHORT_TEXT``, ``PARAGRAPH``, or ``OTHER`` (a scale, a grid, …)
    widget: str
    choices: tuple[str, ...] = ()
    required: bool = False
    description: str = ""


@attrs.frozen(kw_only=True)
class LiveForm:
    """A form as the API returns it, reduced to what drift and reading need."""

    form_id: str
    title: str
    revision_id: str | None = None
    responder_uri: str | None = None
    linked_sheet_id: str | None = None
    questions: tuple[LiveQuestion, ...] = ()

    def by_question_id(self) -> dict[str, LiveQuestion]:
        """Live questions keyed by question id."""
        return {q.question_id: q for q in self.questions}


def record_from_live(live: LiveForm, schema: FormSchema, ids: dict[Field, str], lang: str = "id") -> FormRecord:
    """The record of a form just built: ``ids`` maps each field to its question id."""
    by_id = live.by_question_id()
    questions = []
    for question in schema.questions:
        qid = ids.get(question.field)
        found = by_id.get(qid) if qid is not None else None
        if found is None:
            continue
        questions.append(
            RecordedQuestion(
                field=question.field,
                question_id=found.question_id,
                item_id=found.item_id,
                title=found.title,
                type=question.type,
                choices=found.choices,
            )
        )
    return FormRecord(
        form_id=live.form_id,
        rubric=schema.rubric,
        lang=lang,
        regency=schema.regency,
        responder_uri=live.responder_uri,
        revision_id=live.revision_id,
        linked_sheet_id=live.linked_sheet_id,
        questions=tuple(questions),
    )
