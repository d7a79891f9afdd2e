"""Google Forms API v1: build the reporting form, record its question ids, read responses.

Plain REST over an authorised ``requests.Session`` (:func:`tpbis.adapters.google.google_session`):

- **build**: ``forms.create`` (Google copies only ``info.title`` and
  ``info.documentTitle``) then one ``forms.batchUpdate`` adding every question;
  or, for an existing form, one ``forms.get`` and one ``forms.batchUpdate``
  (guarded by ``writeControl.requiredRevisionId``) that updates questions in
  place — options, titles, help texts — keeping their item and question ids,
  so the linked responses sheet keeps its columns. Items are never deleted.
- **record**: the question-id → field mapping goes to ``tpbis-form.json``
  (:data:`RECORD_FILE`, next to ``tpbis.toml``).
- **read**: ``forms.get`` (for the drift check), then ``forms.responses.list``
  page by page; answers are mapped by question id into a :class:`Table` with
  the default titles as header, so the Sheets parser and its problems apply
  unchanged, with each response id as the row reference.

The Forms API sets no answer validation (whole numbers, links): those
questions are short text with the rule in their help text, and the parser
checks them. XLSForm (:mod:`tpbis.adapters.xlsform`) carries the constraints.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import cattrs

from tpbis.adapters.google import RetryPolicy, retry_after
from tpbis.domain.library import Registry
from tpbis.domain.rubric import Rubric
from tpbis.errors import AuthError, SourceError
from tpbis.forms.drift import Drift, blocking, check_form
from tpbis.forms.record import (
    WIDGETS,
    FormRecord,
    LiveForm,
    LiveQuestion,
    RecordedQuestion,
    record_from_live,
)
from tpbis.forms.schema import FORM_FIELDS, FormSchema, Question, QuestionType, question_type
from tpbis.i18n import t
from tpbis.parsing.mapping import Field, default_titles
from tpbis.parsing.table import Cell, Table
from tpbis.serialization import converter

if TYPE_CHECKING:
    import requests

    from tpbis.service.workbook import OutputTab, Workbook, WorkbookInfo

__all__ = [
    "FORMS_API",
    "RECORD_FILE",
    "BuildResult",
    "FormRead",
    "FormResponsesWorkbook",
    "FormsClient",
    "PlannedCall",
    "build_form",
    "item_body",
    "live_form",
    "load_record",
    "plan_form",
    "read_form",
    "read_form_responses",
    "record_by_titles",
    "responses_table",
    "save_record",
]

FORMS_API = "https://forms.googleapis.com/v1/forms"
#: Where ``tpbis form build`` records the question ids (next to ``tpbis.toml``).
RECORD_FILE = "tpbis-form.json"

_RETRIED = frozenset({429, 500, 502, 503, 504})
_CHOICE_TYPES = {QuestionType.DROPDOWN: "DROP_DOWN", QuestionType.CHOICE: "RADIO"}
_PARAGRAPH = frozenset({QuestionType.PARAGRAPH, QuestionType.URL_LIST})


# --- the REST client -----------------------------------------------------------------


class FormsClient:
    """The Forms API calls tpbis makes, with bounded retries on 429/5xx and dropped connections."""

    def __init__(
        self,
        session: requests.Session,
        *,
        base_url: str = FORMS_API,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.policy = policy or RetryPolicy(attempts=5, base=0.5, cap=16.0)
        if sleep is not None:
            self.policy.sleep = sleep

    def _call(self, step: str, method: str, path: str, form_id: str, *,
              params: Mapping[str, Any] | None = None, body: Any = None) -> dict[str, Any]:
        import requests

        url = self.base_url + path
        reason = ""
        policy = self.policy
        waited = 0.0
        for attempt in range(1, policy.attempts + 1):
            try:
                response = self.session.request(method, url, params=params, json=body, timeout=60)
            except (requests.ConnectionError, requests.Timeout) as exc:
                reason = type(exc).__name__
                wait_at_least = None
            else:
                if response.status_code < 300:
                    data = response.json() if response.content else {}
                    return data if isinstance(data, dict) else {}
                reason = _error_message(response)
                if response.status_code not in _RETRIED:
                    raise _api_error(step, response.status_code, reason, form_id)
                wait_at_least = retry_after(response)
            delay = policy.wait(attempt, wait_at_least)
            if attempt == policy.attempts or waited + delay > policy.budget:
                break
            waited += delay
            policy.sleep(delay)
        raise SourceError.from_catalogue("form.unavailable", attempts=attempt, step=step, reason=reason)

    def create(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``forms.create``: an empty form with a title."""
        return self._call("forms.create", "POST", "", "", body=dict(body))

    def get(self, form_id: str) -> dict[str, Any]:
        """``forms.get``."""
        return self._call("forms.get", "GET", f"/{form_id}", form_id)

    def batch_update(self, form_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """``forms.batchUpdate``."""
        return self._call("forms.batchUpdate", "POST", f"/{form_id}:batchUpdate", form_id, body=dict(body))

    def list_responses(self, form_id: str, *, page_size: int | None = None,
                       since: str | None = None) -> list[dict[str, Any]]:
        """Every response of ``forms.responses.list``, following ``nextPageToken``.

        Args:
            form_id: the form.
            page_size: responses per page (Google's default and maximum: 5000).
            since: only responses submitted after this RFC 3339 UTC instant.
        """
        params: dict[str, Any] = {}
        if page_size:
            params["pageSize"] = page_size
        if since:
            params["filter"] = f"timestamp > {since}"
        responses: list[dict[str, Any]] = []
        while True:
            page = self._call("forms.responses.list", "GET", f"/{form_id}/responses", form_id, params=params)
            responses.extend(page.get("responses") or [])
            token = page.get("nextPageToken")
            if not token:
                return responses
            params = {**params, "pageToken": token}


def _error_message(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.reason or ""
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        return str(error.get("message") or "")
    return response.reason or ""


def _api_error(step: str, status: int, reason: str, form_id: str) -> Exception:
    if status == 404 and form_id:
        return SourceError.from_catalogue("form.not_found", form_id=form_id)
    if status in (401, 403):
        return AuthError.from_catalogue("form.forbidden", form_id=form_id or "-")
    if status == 400 and step == "forms.batchUpdate" and "revision" in reason.casefold():
        return SourceError.from_catalogue("form.revision_conflict", form_id=form_id)
    return SourceError.from_catalogue("form.api_error", step=step, status=status, reason=reason)


# --- request bodies ---------------------------------------------------------------------


def item_body(question: Question, lang: str = "id") -> dict[str, Any]:
    """The Forms ``Item`` for one question (no ids: Google assigns them)."""
    kind: dict[str, Any]
    if question.type in _CHOICE_TYPES:
        options = [{"value": label} for label in question.choice_labels(lang)]
        kind = {"choiceQuestion": {"type": _CHOICE_TYPES[question.type], "options": options}}
    elif question.type is QuestionType.DATE:
        kind = {"dateQuestion": {"includeYear": True, "includeTime": False}}
    else:
        kind = {"textQuestion": {"paragraph": question.type in _PARAGRAPH}}
    return {
        "title": question.title_in(lang),
        "description": question.help_in(lang),
        "questionItem": {"question": {"required": question.required, **kind}},
    }


def _create_item(question: Question, lang: str, index: int) -> dict[str, Any]:
    return {"createItem": {"item": item_body(question, lang), "location": {"index": index}}}


def _title(schema: FormSchema, lang: str) -> str:
    return schema.title_en if lang == "en" else schema.title


def _description(schema: FormSchema, lang: str) -> str:
    return schema.description_en if lang == "en" else schema.description


def _new_form_requests(schema: FormSchema, lang: str) -> list[dict[str, Any]]:
    requests: list[dict[str, Any]] = [
        {"updateFormInfo": {"info": {"description": _description(schema, lang)}, "updateMask": "description"}}
    ]
    requests += [_create_item(q, lang, i) for i, q in enumerate(schema.questions)]
    return requests


def _item_question(item: Mapping[str, Any]) -> Mapping[str, Any] | None:
    question = (item.get("questionItem") or {}).get("question")
    return question if isinstance(question, Mapping) else None


def _widget(question: Mapping[str, Any]) -> str:
    if "choiceQuestion" in question:
        return str(question["choiceQuestion"].get("type", "OTHER"))
    if "dateQuestion" in question:
        return "DATE"
    if "textQuestion" in question:
        return "PARAGRAPH" if question["textQuestion"].get("paragraph") else "SHORT_TEXT"
    return "OTHER"


def live_form(form: Mapping[str, Any]) -> LiveForm:
    """A ``forms.get`` body reduced to what drift checks and reading need."""
    questions = []
    for item in form.get("items") or []:
        question = _item_question(item)
        if question is None:
            continue
        options = (question.get("choiceQuestion") or {}).get("options") or []
        questions.append(
            LiveQuestion(
                question_id=str(question.get("questionId", "")),
                item_id=str(item.get("itemId", "")),
                title=str(item.get("title", "")),
                widget=_widget(question),
                choices=tuple(str(o.get("value", "")) for o in options if not o.get("isOther")),
                required=bool(question.get("required", False)),
                description=str(item.get("description", "")),
            )
        )
    info = form.get("info") or {}
    return LiveForm(
        form_id=str(form.get("formId", "")),
        title=str(info.get("title", "")),
        revision_id=form.get("revisionId"),
        responder_uri=form.get("responderUri"),
        linked_sheet_id=form.get("linkedSheetId"),
        questions=tuple(questions),
    )


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _find_items(schema: FormSchema, form: Mapping[str, Any], record: FormRecord | None) -> dict[Field, int]:
    """Which live item (by index) asks each schema question: by recorded id, else by default title."""
    items = list(form.get("items") or [])
    by_qid = {}
    by_title: dict[str, int] = {}
    for position, item in enumerate(items):
        live_question = _item_question(item)
        if live_question is None:
            continue
        by_qid[str(live_question.get("questionId"))] = position
        by_title.setdefault(_key(str(item.get("title", ""))), position)
    found: dict[Field, int] = {}
    for question in schema.questions:
        recorded = record.for_field(question.field) if record is not None else None
        if recorded is not None and recorded.question_id in by_qid:
            found[question.field] = by_qid[recorded.question_id]
            continue
        for title in (question.title, question.title_en):
            index = by_title.get(_key(title))
            if index is not None and index not in found.values():
                found[question.field] = index
                break
    return found


def _update_item(question: Question, item: Mapping[str, Any], index: int, lang: str) -> dict[str, Any] | None:
    wanted = item_body(question, lang)
    live_question = _item_question(item) or {}
    wanted_question = wanted["questionItem"]["question"]
    paths: list[str] = []
    if str(item.get("title", "")) != wanted["title"]:
        paths.append("title")
    if str(item.get("description", "")) != wanted["description"]:
        paths.append("description")
    if _widget(live_question) != _widget(wanted_question):
        paths.append("questionItem.question")
    else:
        if bool(live_question.get("required", False)) != wanted_question["required"]:
            paths.append("questionItem.question.required")
        if "choiceQuestion" in wanted_question:
            live_options = [o.get("value") for o in live_question["choiceQuestion"].get("options") or []]
            if live_options != [o["value"] for o in wanted_question["choiceQuestion"]["options"]]:
                paths.append("questionItem.question.choiceQuestion.options")
        if "dateQuestion" in wanted_question and live_question.get("dateQuestion") != wanted_question["dateQuestion"]:
            paths.append("questionItem.question.dateQuestion")
    if not paths:
        return None
    # Keep the ids: the linked sheet's column belongs to the question id.
    wanted_question["questionId"] = live_question.get("questionId")
    wanted["itemId"] = item.get("itemId")
    return {"updateItem": {"item": wanted, "location": {"index": index}, "updateMask": ",".join(paths)}}


def _existing_form_requests(schema: FormSchema, form: Mapping[str, Any], record: FormRecord | None,
                            lang: str) -> tuple[list[dict[str, Any]], list[Field]]:
    """Requests bringing ``form`` in line with ``schema``, and the fields whose items get created (in order)."""
    items = list(form.get("items") or [])
    found = _find_items(schema, form, record)
    requests: list[dict[str, Any]] = []
    info = form.get("info") or {}
    info_paths = []
    if str(info.get("title", "")) != _title(schema, lang):
        info_paths.append("title")
    if str(info.get("description", "")) != _description(schema, lang):
        info_paths.append("description")
    if info_paths:
        requests.append({"updateFormInfo": {
            "info": {"title": _title(schema, lang), "description": _description(schema, lang)},
            "updateMask": ",".join(info_paths)}})
    created: list[Field] = []
    for question in schema.questions:
        index = found.get(question.field)
        if index is None:
            continue
        update = _update_item(question, items[index], index, lang)
        if update is not None:
            requests.append(update)
    for question in schema.questions:
        if question.field not in found:
            requests.append(_create_item(question, lang, len(items) + len(created)))
            created.append(question.field)
    return requests, created


@attrs.frozen(kw_only=True)
class PlannedCall:
    """One Forms API call ``tpbis form build`` makes (``--dry-run`` prints these)."""

    method: str
    form_id: str | None
    body: dict[str, Any]


def plan_form(schema: FormSchema, *, lang: str = "id", form: Mapping[str, Any] | None = None,
              record: FormRecord | None = None) -> list[PlannedCall]:
    """The calls that build a new form (``form`` None) or bring ``form`` (a ``forms.get`` body) in line."""
    if form is None:
        title = _title(schema, lang)
        return [
            PlannedCall(method="forms.create", form_id=None,
                        body={"info": {"title": title, "documentTitle": title}}),
            PlannedCall(method="forms.batchUpdate", form_id=None,
                        body={"includeFormInResponse": True, "requests": _new_form_requests(schema, lang)}),
        ]
    requests, _ = _existing_form_requests(schema, form, record, lang)
    if not requests:
        return []
    body: dict[str, Any] = {"includeFormInResponse": True, "requests": requests}
    if form.get("revisionId"):
        body["writeControl"] = {"requiredRevisionId": form["revisionId"]}
    return [PlannedCall(method="forms.batchUpdate", form_id=str(form.get("formId")), body=body)]


# --- building ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class BuildResult:
    """What ``build_form`` did."""

    record: FormRecord
    created: bool
    #: requests in the batchUpdate sent (0: the form was already up to date)
    changes: int
    calls: tuple[PlannedCall, ...]


def _ids_from_replies(replies: Sequence[Mapping[str, Any]], fields: Iterable[Field],
                      requests: Sequence[Mapping[str, Any]]) -> dict[Field, str]:
    ids: dict[Field, str] = {}
    pending = iter(fields)
    for request, reply in zip(requests, replies, strict=False):
        if "createItem" not in request:
            continue
        field = next(pending)
        question_ids = (reply.get("createItem") or {}).get("questionId") or []
        if question_ids:
            ids[field] = str(question_ids[0])
    return ids


def build_form(client: FormsClient, schema: FormSchema, *, lang: str = "id", form_id: str | None = None,
               record: FormRecord | None = None) -> BuildResult:
    """Create the form, or update ``form_id`` in place; returns the new record.

    A new form takes ``forms.create`` + one ``forms.batchUpdate``; an existing
    one ``forms.get`` + at most one ``forms.batchUpdate``.

    Raises:
        SourceError, AuthError: the API refused (not found, no access, a
            concurrent edit) or did not answer.
    """
    if form_id is None:
        calls = plan_form(schema, lang=lang)
        created_form = client.create(calls[0].body)
        new_id = str(created_form["formId"])
        first = calls[1].body
        answer = client.batch_update(new_id, first)
        calls = [calls[0], attrs.evolve(calls[1], form_id=new_id)]
        fields = [q.field for q in schema.questions]
        ids = _ids_from_replies(answer.get("replies") or [], fields, first["requests"])
        form = answer.get("form") or client.get(new_id)
        live = live_form({**form, "responderUri": form.get("responderUri") or created_form.get("responderUri")})
        return BuildResult(record=record_from_live(live, schema, ids, lang), created=True,
                           changes=len(first["requests"]), calls=tuple(calls))
    form = client.get(form_id)
    requests, created = _existing_form_requests(schema, form, record, lang)
    found = _find_items(schema, form, record)
    items = list(form.get("items") or [])
    ids = {}
    for field, index in found.items():
        question = _item_question(items[index])
        if question is not None:
            ids[field] = str(question.get("questionId"))
    if not requests:
        live = live_form(form)
        return BuildResult(record=record_from_live(live, schema, ids, lang), created=False, changes=0, calls=())
    body: dict[str, Any] = {"includeFormInResponse": True, "requests": requests}
    if form.get("revisionId"):
        body["writeControl"] = {"requiredRevisionId": form["revisionId"]}
    answer = client.batch_update(form_id, body)
    ids.update(_ids_from_replies(answer.get("replies") or [], created, requests))
    updated = answer.get("form") or client.get(form_id)
    live = live_form(updated)
    return BuildResult(record=record_from_live(live, schema, ids, lang), created=False, changes=len(requests),
                       calls=(PlannedCall(method="forms.batchUpdate", form_id=form_id, body=body),))


# --- the record file ---------------------------------------------------------------------


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
        raise SourceError.from_catalogue("form.record_invalid", path=str(path), reason=str(exc)) from None
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


# --- reading -----------------------------------------------------------------------------


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


class FormResponsesWorkbook:
    """A workbook whose responses tab is a Forms API read; registry and outputs stay in ``inner``.

    For ``tpbis sync SPREADSHEET --source forms:FORM_ID``: pass
    ``responses_tab=table.name`` to the sync options so the service picks this tab.
    """

    def __init__(self, inner: Workbook, table: Table) -> None:
        self.inner = inner
        self.table = table

    def info(self) -> WorkbookInfo:
        """The inner workbook's info, with the form's responses as one more tab."""
        info = self.inner.info()
        if self.table.name in info.tabs:
            return info
        return attrs.evolve(info, tabs=(*info.tabs, self.table.name))

    def read(self, tabs: Sequence[str]) -> dict[str, Table]:
        """The named tabs: the form's responses from the API, the rest from ``inner``."""
        tables = self.inner.read([t for t in tabs if t != self.table.name])
        if self.table.name in tabs:
            tables[self.table.name] = self.table
        return tables

    def write(self, tabs: Sequence[OutputTab]) -> int:
        """Output tabs go to the inner workbook."""
        return self.inner.write(tabs)
