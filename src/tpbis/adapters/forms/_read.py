"""Reading responses: a drift check against the live form, then every response by question id."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from tpbis.adapters.forms._bodies import live_form
from tpbis.adapters.forms._client import FormsClient
from tpbis.adapters.forms._record import RECORD_FILE, record_by_titles
from tpbis.adapters.overlay import OverlayWorkbook
from tpbis.domain.library import Registry
from tpbis.domain.rubric import Rubric
from tpbis.errors import SourceError
from tpbis.forms.drift import Drift, blocking, check_form
from tpbis.forms.record import FormRecord, LiveForm
from tpbis.forms.schema import FORM_FIELDS, FormSchema
from tpbis.i18n import t
from tpbis.parsing.mapping import Field, default_titles
from tpbis.parsing.table import Cell, Table

if TYPE_CHECKING:
    import requests

    from tpbis.ports import Workbook

__all__ = ["FormRead", "FormResponsesWorkbook", "read_form", "read_form_responses", "responses_table"]


def _instant(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    stamp = text[:-1] if text.endswith("Z") else text
    if "." in stamp:
        whole, frac = stamp.split(".", 1)
        stamp = f"{whole}.{frac[:6].ljust(6, '0')}"
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def _answer_text(answer: Mapping[str, Any] | None) -> str | None:
    if not answer:
        return None
    values = [str(a.get("value", "")) for a in (answer.get("textAnswers") or {}).get("answers") or []]
    return "\n".join(values) if values else None


def responses_table(responses: Iterable[Mapping[str, Any]], record: FormRecord, *, name: str | None = None) -> Table:
    """Responses as a table the Sheets parser reads, answers placed by question id.

    The header is the default titles (in the record's language) of the
    timestamp, email and the form's fields; rows are in first-submission order
    (as a linked sheet appends them), so row numbers match the linked sheet;
    ``row_ids`` are the response ids. The timestamp is ``lastSubmittedTime``
    (what a linked sheet shows after an edit), else ``createTime``.
    """
    fields = (Field.REPORTED_AT, Field.REPORTER_EMAIL, *FORM_FIELDS)
    header = tuple(default_titles(f, record.lang) for f in fields)
    question_of = {q.field: q.question_id for q in record.questions}
    ordered = sorted(responses, key=lambda r: (str(r.get("createTime", "")), str(r.get("responseId", ""))))
    rows: list[list[Cell]] = []
    ids: list[str] = []
    for response in ordered:
        answers = response.get("answers") or {}
        row: list[Cell] = [
            _instant(response.get("lastSubmittedTime") or response.get("createTime")),
            response.get("respondentEmail"),
        ]
        for field in FORM_FIELDS:
            qid = question_of.get(field)
            row.append(_answer_text(answers.get(qid)) if qid is not None else None)
        rows.append(row)
        ids.append(str(response.get("responseId", "")))
    return Table(name=name or f"forms:{record.form_id}", header=header, rows=rows, row_ids=ids)


@attrs.frozen(kw_only=True)
class FormRead:
    """Responses read from the Forms API, with the drift found before reading."""

    table: Table
    drifts: tuple[Drift, ...]
    live: LiveForm
    record: FormRecord


def read_form(
    client: FormsClient,
    form_id: str,
    *,
    record: FormRecord | None = None,
    schema: FormSchema | None = None,
    rubric: Rubric | None = None,
    registry: Registry | None = None,
    page_size: int | None = None,
) -> FormRead:
    """Check the live form for drift, then read every response by question id.

    Without a ``record`` (a form tpbis did not build) questions are found by
    their default titles. One ``forms.get`` plus one ``forms.responses.list``
    per page.

    Raises:
        SourceError: the form drifted so that answers cannot be read safely
            (every finding is listed), the record belongs to another form,
            or the API refused.
    """
    live = live_form(client.get(form_id))
    if record is None:
        record = record_by_titles(live)
    elif record.form_id != form_id:
        raise SourceError.from_catalogue("form.record_other", path=RECORD_FILE, recorded=record.form_id,
                                         form_id=form_id)
    drifts = check_form(live, record, schema=schema, rubric=rubric, registry=registry)
    stops = blocking(drifts)
    if stops:
        details = "\n".join(f"- {d.message_id}" for d in stops)
        details_en = "\n".join(f"- {d.message_en}" for d in stops)
        raise SourceError(t("form.drift_blocks", "id", form_id=form_id, details=details),
                          t("form.drift_blocks", "en", form_id=form_id, details=details_en))
    responses = client.list_responses(form_id, page_size=page_size)
    return FormRead(table=responses_table(responses, record), drifts=drifts, live=live, record=record)


def read_form_responses(
    form_id: str,
    session: requests.Session,
    *,
    record: FormRecord | None = None,
    page_size: int | None = None,
) -> Table:
    """The responses of ``form_id`` as a table for :func:`tpbis.parsing.rows.parse_responses`."""
    return read_form(FormsClient(session), form_id, record=record, page_size=page_size).table


class FormResponsesWorkbook(OverlayWorkbook):
    """A workbook whose responses tab is a Forms API read; registry and outputs stay in ``inner``.

    For ``tpbis sync SPREADSHEET --source forms:FORM_ID``: pass
    ``responses_tab=table.name`` to the sync options so the service picks this tab.
    """

    def __init__(self, inner: Workbook, table: Table) -> None:
        super().__init__(inner, {table.name: table})
        self.table = table
