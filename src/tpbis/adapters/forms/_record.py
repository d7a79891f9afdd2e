"""The record file: which question id asks which field (``tpbis-form.json``, next to ``tpbis.toml``)."""

from __future__ import annotations

import json
from pathlib import Path

import cattrs

from tpbis.adapters.forms._bodies import _key
from tpbis.errors import SourceError
from tpbis.forms.record import WIDGETS, FormRecord, LiveForm, RecordedQuestion
from tpbis.forms.schema import FORM_FIELDS, QuestionType, question_type
from tpbis.i18n import os_reason
from tpbis.parsing.mapping import default_titles
from tpbis.serialization import converter

__all__ = ["RECORD_FILE", "load_record", "record_by_titles", "save_record"]

#: Where ``tpbis form build`` records the question ids (next to ``tpbis.toml``).
RECORD_FILE = "tpbis-form.json"


def save_record(record: FormRecord, path: str | Path) -> None:
    """Write the record as JSON (UTF-8, stable key order)."""
    data = converter.unstructure(record)
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def load_record(path: str | Path) -> FormRecord:
    """Read a record written by :func:`save_record`.

    Raises:
        SourceError: the file is missing or damaged.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceError.from_catalogue("form.record_missing", path=str(path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError.from_catalogue("form.record_invalid", path=str(path), reason=os_reason(exc)) from None
    try:
        return converter.structure(data, FormRecord)
    except cattrs.BaseValidationError as exc:
        reason = "; ".join(cattrs.transform_error(exc, path=path.name))
        raise SourceError.from_catalogue("form.record_invalid", path=str(path), reason=reason) from None


def record_by_titles(live: LiveForm, lang: str = "id") -> FormRecord:
    """A record for a form tpbis did not build: questions found by their default titles (id or en)."""
    questions = []
    taken: set[str] = set()
    for field in FORM_FIELDS:
        titles = {_key(default_titles(field, "id")), _key(default_titles(field, "en"))}
        for live_q in live.questions:
            if live_q.question_id not in taken and _key(live_q.title) in titles:
                taken.add(live_q.question_id)
                qtype = question_type(field)
                # A hand-made form may ask with another text widget; record what it is if compatible.
                if WIDGETS[qtype] != live_q.widget and live_q.widget in ("SHORT_TEXT", "PARAGRAPH"):
                    qtype = QuestionType.PARAGRAPH if live_q.widget == "PARAGRAPH" else QuestionType.TEXT
                elif live_q.widget == "DROP_DOWN":
                    qtype = QuestionType.DROPDOWN
                elif live_q.widget == "RADIO":
                    qtype = QuestionType.CHOICE
                questions.append(RecordedQuestion(field=field, question_id=live_q.question_id,
                                                  item_id=live_q.item_id, title=live_q.title, type=qtype,
                                                  choices=live_q.choices))
                break
    return FormRecord(form_id=live.form_id, rubric="", lang=lang, responder_uri=live.responder_uri,
                      revision_id=live.revision_id, linked_sheet_id=live.linked_sheet_id,
                      questions=tuple(questions))
