"""Forms API request bodies: the item for a question, the calls that build or update a form, and the
reduction of a ``forms.get`` body to what drift checks and reading need. Pure: no HTTP.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import attrs

from tpbis.forms.record import FormRecord, LiveForm, LiveQuestion
from tpbis.forms.schema import FormSchema, Question, QuestionType
from tpbis.parsing.mapping import Field

__all__ = ["PUBLISH_BODY", "PlannedCall", "is_published", "item_body", "live_form", "plan_form"]

_CHOICE_TYPES = {QuestionType.DROPDOWN: "DROP_DOWN", QuestionType.CHOICE: "RADIO"}
_PARAGRAPH = frozenset({QuestionType.PARAGRAPH, QuestionType.URL_LIST})


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


def is_published(form: Mapping[str, Any]) -> bool:
    """Whether a ``forms.get`` body says the form is published (a legacy form without ``publishSettings`` is)."""
    state = (form.get("publishSettings") or {}).get("publishState")
    if not isinstance(state, Mapping):
        return "publishSettings" not in form
    return bool(state.get("isPublished")) and bool(state.get("isAcceptingResponses"))


#: ``forms.setPublishSettings``: published and accepting responses. Forms created through the API after
#: 31 January 2026 start unpublished and take no responses until this is sent
#: (https://developers.google.com/workspace/forms/api/guides/api-changes-to-google-forms).
PUBLISH_BODY: Mapping[str, Any] = {
    "publishSettings": {"publishState": {"isPublished": True, "isAcceptingResponses": True}},
    "updateMask": "publishState",
}


def _publish_call(form_id: str | None) -> PlannedCall:
    return PlannedCall(method="forms.setPublishSettings", form_id=form_id, body=copy.deepcopy(dict(PUBLISH_BODY)))


def plan_form(schema: FormSchema, *, lang: str = "id", form: Mapping[str, Any] | None = None,
              record: FormRecord | None = None, publish: bool = True) -> list[PlannedCall]:
    """The calls that build a new form (``form`` None) or bring ``form`` (a ``forms.get`` body) in line.

    With ``publish`` a new form, or an existing one never published, is then
    published with ``forms.setPublishSettings``: forms the API creates start
    unpublished and take no responses until then.
    """
    if form is None:
        title = _title(schema, lang)
        calls = [
            PlannedCall(method="forms.create", form_id=None,
                        body={"info": {"title": title, "documentTitle": title}}),
            PlannedCall(method="forms.batchUpdate", form_id=None,
                        body={"includeFormInResponse": True, "requests": _new_form_requests(schema, lang)}),
        ]
        return [*calls, _publish_call(None)] if publish else calls
    form_id = str(form.get("formId"))
    requests, _ = _existing_form_requests(schema, form, record, lang)
    calls = []
    if requests:
        body: dict[str, Any] = {"includeFormInResponse": True, "requests": requests}
        if form.get("revisionId"):
            body["writeControl"] = {"requiredRevisionId": form["revisionId"]}
        calls.append(PlannedCall(method="forms.batchUpdate", form_id=form_id, body=body))
    if publish and not is_published(form):
        calls.append(_publish_call(form_id))
    return calls
