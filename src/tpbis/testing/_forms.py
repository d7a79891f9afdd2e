"""The Forms v1 subset tpbis uses, served by :class:`tpbis.testing.SheetsEmulator` under ``/v1/forms``.

It works on the emulator's shared state (:mod:`tpbis.testing._state`), never on
the emulator itself, so this module and :mod:`tpbis.testing.emulator` do not
import each other.

Methods: ``forms.create`` (only ``info.title`` / ``info.documentTitle`` are
accepted, as Google documents), ``forms.get``, ``forms.setPublishSettings``, ``forms.batchUpdate`` (createItem,
updateItem, deleteItem, moveItem, updateFormInfo, updateSettings; atomic;
``includeFormInResponse``; ``writeControl``), ``forms.responses.list``
(``pageSize``, opaque ``pageToken``, ``filter=timestamp > / >= RFC3339``) and
``forms.responses.get``. Responses are added by tests with
:meth:`FormsStore.submit` (the respondent's side has no public API), and a
form can be linked to a responses spreadsheet that fills like Google's.

Publishing: forms created through the API after 31 January 2026 start
unpublished and take no responses until ``forms.setPublishSettings``
publishes them ("API Changes to Google Forms",
https://developers.google.com/workspace/forms/api/guides/api-changes-to-google-forms).
The emulator models that: a new form is unpublished (``forms.create`` with
``unpublished=false`` publishes it at once), ``forms.get`` returns
``publishSettings.publishState``, and :meth:`FormsStore.submit` refuses a
response to a form that is not accepting responses. A form is also a Drive
file (``application/vnd.google-apps.form``); Drive ``files.create`` with that
type makes an empty form, and a service account acting as itself may create
one only in a shared drive (Drive's 403 ``storageQuotaExceeded`` otherwise).

Approximations (Google does not document these exactly): ids are random hex
(items, questions) or Drive-like (forms, responses); ``revisionId`` is a
counter; ``targetRevisionId`` is accepted for any earlier revision without
transforming changes; duplicate option values are rejected; responses are
listed in response-id order (Google promises no order); the linked sheet
stores answers as ``USER_ENTERED`` text would be parsed.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from tpbis.testing._a1 import quote_title
from tpbis.testing._errors import ApiError, bad_request, random_id, storage_quota_exceeded
from tpbis.testing._state import FORM_MIME, DriveFile, EmulatorState
from tpbis.testing._wire import Call, Reply, Route, route

__all__ = ["LINKED_TAB", "FormsStore"]

#: The tab Google fills in a linked responses spreadsheet.
LINKED_TAB = "Form Responses 1"

_FORM = r"/v1/forms/(?P<form>[^/:]+)"
_ITEM_KINDS = ("questionItem", "textItem", "pageBreakItem", "imageItem", "videoItem", "questionGroupItem")
_QUESTION_KINDS = ("choiceQuestion", "textQuestion", "dateQuestion", "scaleQuestion", "timeQuestion",
                   "fileUploadQuestion", "ratingQuestion", "rowQuestion")
_FILTER = re.compile(r"^\s*timestamp\s*(>=|>)\s*(\S+)\s*$")
_DATE_ANSWER = re.compile(r"^(\d{4}-)?\d{2}-\d{2}( \d{2}:\d{2})?$")
_SERIAL_EPOCH = dt.datetime(1899, 12, 30)
_MAX_PAGE = 5000


def _not_found(what: str) -> ApiError:
    return ApiError(404, f"Requested entity was not found. {what}".strip())


def _rfc3339(moment: dt.datetime) -> str:
    moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _parse_rfc3339(text: str) -> dt.datetime:
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z", text)
    if match is None:
        raise bad_request(f"Invalid filter: timestamp must be RFC3339 UTC \"Zulu\" format, got '{text}'")
    base = dt.datetime.fromisoformat(match.group(1)).replace(tzinfo=dt.UTC)
    frac = (match.group(2) or "").ljust(6, "0")[:6]
    return base + dt.timedelta(microseconds=int(frac))


def _mask_paths(mask: Any, where: str) -> list[str]:
    if not isinstance(mask, str) or not mask.strip():
        raise bad_request(f"{where}: updateMask is required")
    return [p.strip() for p in mask.split(",") if p.strip()]


def _get_path(data: Mapping[str, Any], path: str) -> tuple[bool, Any]:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _set_path(data: dict[str, Any], path: str, present: bool, value: Any) -> None:
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            if not present:
                return
            child = node[part] = {}
        node = child
    if present:
        node[parts[-1]] = copy.deepcopy(value)
    else:
        node.pop(parts[-1], None)


@dataclass
class _Form:
    form_id: str
    title: str
    document_title: str
    responder_key: str
    description: str = ""
    items: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=lambda: {"emailCollectionType": "DO_NOT_COLLECT"})
    revision: int = 1
    responses: dict[str, dict[str, Any]] = field(default_factory=dict)
    linked_sheet_id: str | None = None
    #: question id → zero-based column of the linked sheet (Google keeps a column once made)
    sheet_columns: dict[str, int] = field(default_factory=dict)
    published: bool = False
    accepting_responses: bool = False

    @property
    def revision_id(self) -> str:
        return f"{self.revision:08d}"

    def to_json(self) -> dict[str, Any]:
        info: dict[str, Any] = {"title": self.title, "documentTitle": self.document_title}
        if self.description:
            info["description"] = self.description
        result: dict[str, Any] = {
            "formId": self.form_id,
            "info": info,
            "settings": copy.deepcopy(self.settings),
            "revisionId": self.revision_id,
            "responderUri": f"https://docs.google.com/forms/d/e/{self.responder_key}/viewform",
            "publishSettings": self.publish_settings(),
        }
        if self.items:
            result["items"] = copy.deepcopy(self.items)
        if self.linked_sheet_id:
            result["linkedSheetId"] = self.linked_sheet_id
        return result

    def publish_settings(self) -> dict[str, Any]:
        return {"publishState": {"isPublished": self.published, "isAcceptingResponses": self.accepting_responses}}

    def questions(self) -> list[dict[str, Any]]:
        return [item["questionItem"]["question"] for item in self.items if "questionItem" in item]

    def question_titles(self) -> list[tuple[str, str]]:
        return [(item["questionItem"]["question"]["questionId"], str(item.get("title", "")))
                for item in self.items if "questionItem" in item]


class FormsStore:
    """Forms held by one emulator, and the HTTP handling of ``/v1/forms``."""

    def __init__(self, state: EmulatorState) -> None:
        self._state = state
        self._forms: dict[str, _Form] = {}
        state.creators[FORM_MIME] = self.create_drive_file

    @property
    def _rng(self) -> Any:
        return self._state.rng

    def _hex_id(self, used: set[str]) -> str:
        while True:
            candidate = f"{self._rng.getrandbits(32):08x}"
            if candidate not in used:
                return candidate

    def _form(self, form_id: str) -> _Form:
        form = self._forms.get(form_id)
        if form is None:
            raise _not_found("")
        return form

    # test-side helpers -------------------------------------------------------------

    def form_ids(self) -> list[str]:
        """Ids of all forms, in creation order."""
        return list(self._forms)

    def form_json(self, form_id: str) -> dict[str, Any]:
        """The form as ``forms.get`` returns it."""
        return self._form(form_id).to_json()

    def create(self, title: str, document_title: str | None = None, *, published: bool = False,
               parents: Sequence[str] = ()) -> str:
        """Create an empty form directly (no HTTP), unpublished unless ``published``; returns its id."""
        form_id = random_id(self._rng)
        self._forms[form_id] = _Form(form_id, title, document_title or title, random_id(self._rng, 56),
                                     published=published, accepting_responses=published)
        now = self._state.now()
        self._state.files[form_id] = DriveFile(form_id, document_title or title or "Untitled form", FORM_MIME,
                                               now, now, list(parents),
                                               drive_id=self._state.shared_drive_of(parents))
        return form_id

    def create_drive_file(self, name: str, parents: Sequence[str]) -> DriveFile:
        """Drive ``files.create`` with the form MIME type: an empty, untitled, unpublished form."""
        form_id = self.create(name, name, parents=parents)
        return self._state.files[form_id]

    def set_published(self, form_id: str, published: bool, accepting_responses: bool | None = None) -> None:
        """Publish or unpublish a form directly (no HTTP), as the Forms UI's Publish button does."""
        form = self._form(form_id)
        form.published = published
        form.accepting_responses = published if accepting_responses is None else accepting_responses and published

    def link_sheet(self, form_id: str, *, time_zone: str = "Asia/Jakarta") -> str:
        """Link a new responses spreadsheet, as 'Link to Sheets' in the Forms UI does; returns its id."""
        form = self._form(form_id)
        sid = self._state.seed_spreadsheet(f"{form.title} (Responses)", sheets={LINKED_TAB: []},
                                           time_zone=time_zone, locale="en_US", rows=1000, cols=26)
        form.linked_sheet_id = sid
        form.sheet_columns = {}
        self._sync_sheet_header(form)
        for response in sorted(form.responses.values(), key=lambda r: (r["createTime"], r["responseId"])):
            self._write_sheet_row(form, response, None)
        return sid

    def submit(self, form_id: str, answers: Mapping[str, str | Sequence[str]], *,
               submitted_at: dt.datetime | None = None, email: str | None = None,
               response_id: str | None = None) -> str:
        """Submit a response as a respondent would; returns its response id.

        ``answers`` maps question ids to the text (or texts) answered. Like the
        Forms UI, this refuses an unknown question, a choice that is not an
        option, a malformed date and a missing required answer (``ValueError``);
        text questions take any text (the API sets no answer validation).
        Submitting again with an existing ``response_id`` edits that response.
        """
        form = self._form(form_id)
        if not (form.published and form.accepting_responses):
            # What a respondent sees at the responder URL of an unpublished or closed form.
            raise ValueError(f"form {form_id} is not accepting responses (published={form.published}, "
                             f"accepting responses={form.accepting_responses})")
        questions = {q["questionId"]: q for q in form.questions()}
        stored: dict[str, Any] = {}
        for qid, given in answers.items():
            question = questions.get(qid)
            if question is None:
                raise ValueError(f"form {form_id} has no question {qid!r}")
            texts = [given] if isinstance(given, str) else list(given)
            texts = [t for t in texts if t != ""]
            if not texts:
                continue
            choice = question.get("choiceQuestion")
            if choice is not None:
                options = [o.get("value") for o in choice.get("options", [])]
                other = any(o.get("isOther") for o in choice.get("options", []))
                if choice.get("type") != "CHECKBOX" and len(texts) > 1:
                    raise ValueError(f"question {qid!r} takes one choice")
                bad = [t for t in texts if t not in options]
                if bad and not other:
                    raise ValueError(f"{bad[0]!r} is not an option of question {qid!r}")
            if "dateQuestion" in question and not all(_DATE_ANSWER.match(t) for t in texts):
                raise ValueError(f"{texts[0]!r} is not a date answer (YYYY-MM-DD)")
            stored[qid] = {"questionId": qid, "textAnswers": {"answers": [{"value": t} for t in texts]}}
        missing = [qid for qid, q in questions.items() if q.get("required") and qid not in stored]
        if missing:
            raise ValueError(f"required questions not answered: {', '.join(missing)}")
        when = submitted_at or self._state.clock + dt.timedelta(seconds=1)
        if when.tzinfo is None:
            raise ValueError("submitted_at must be an aware datetime")
        stamp = _rfc3339(when)
        previous = form.responses.get(response_id) if response_id else None
        rid = response_id or "ACYDBN" + random_id(self._rng, 60)[1:]
        response: dict[str, Any] = {
            "formId": form_id,
            "responseId": rid,
            "createTime": previous["createTime"] if previous else stamp,
            "lastSubmittedTime": stamp,
        }
        if email is not None and form.settings.get("emailCollectionType") not in (None, "DO_NOT_COLLECT"):
            response["respondentEmail"] = email
        if stored:
            response["answers"] = stored
        form.responses[rid] = response
        if form.linked_sheet_id:
            self._sync_sheet_header(form)
            self._write_sheet_row(form, response, previous)
        return rid

    # linked sheet -------------------------------------------------------------------

    def _sheet(self, form: _Form) -> Any:
        return self._state.spreadsheets.get(form.linked_sheet_id or "")

    def _sync_sheet_header(self, form: _Form) -> None:
        book = self._sheet(form)
        if book is None:
            return
        header: list[Any] = ["Timestamp"]
        if form.settings.get("emailCollectionType") not in (None, "DO_NOT_COLLECT"):
            header.append("Email Address")
        existing = book.read(f"{quote_title(LINKED_TAB)}!1:1", "ROWS", "UNFORMATTED_VALUE", "SERIAL_NUMBER")
        current = list((existing.get("values") or [[]])[0])
        header = current if len(current) >= len(header) else header + current[len(header):]
        for qid, title in form.question_titles():
            column = form.sheet_columns.get(qid)
            if column is None:
                column = form.sheet_columns[qid] = max([len(header) - 1, *form.sheet_columns.values()]) + 1
            while len(header) <= column:
                header.append("")
            header[column] = title
        book.write(f"{quote_title(LINKED_TAB)}!A1", [header], "RAW", "ROWS")

    def _write_sheet_row(self, form: _Form, response: dict[str, Any], previous: dict[str, Any] | None) -> None:
        book = self._sheet(form)
        if book is None:
            return
        rows = book.read(quote_title(LINKED_TAB), "ROWS", "UNFORMATTED_VALUE", "SERIAL_NUMBER").get("values", [])
        row_number = int(previous.get("_sheetRow", 0)) if previous else 0
        if not row_number:
            row_number = len(rows) + 1
        width = max([0, *form.sheet_columns.values()]) + 1
        cells: list[Any] = [None] * width
        local = _parse_rfc3339(response["lastSubmittedTime"]).astimezone(ZoneInfo(book.time_zone))
        cells[0] = (local.replace(tzinfo=None) - _SERIAL_EPOCH) / dt.timedelta(days=1)
        if "respondentEmail" in response:
            cells[1] = response["respondentEmail"]
        for qid, answer in (response.get("answers") or {}).items():
            texts = [a["value"] for a in answer["textAnswers"]["answers"]]
            cells[form.sheet_columns[qid]] = ", ".join(texts)
        book.write(f"{quote_title(LINKED_TAB)}!A{row_number}", [cells], "USER_ENTERED", "ROWS")
        response["_sheetRow"] = row_number

    # HTTP -----------------------------------------------------------------------------

    def routes(self) -> list[Route]:
        """The ``/v1/forms`` routes, then Google's 404 for anything else under it."""
        return [
            route("POST", r"/v1/forms/?", self._create_route, api="forms.forms.create"),
            route("GET", _FORM, lambda m, _call: (200, self._form_of(m).to_json(), {}, "forms.forms.get")),
            route("POST", _FORM + r":batchUpdate", self._batch_update_route, api="forms.forms.batchUpdate"),
            route("POST", _FORM + r":setPublishSettings", self._set_publish_settings, api="forms.forms.setPublishSettings"),
            route("GET", _FORM + r"/responses", lambda m, call: (
                200, self._list_responses(self._form_of(m), call.query), {}, "forms.forms.responses.list")),
            route("GET", _FORM + r"/responses/(?P<response>[^/]+)", self._get_response),
            route(None, r"/v1/forms(?P<rest>/.*)?", self._unknown),
        ]

    def _form_of(self, match: re.Match[str]) -> _Form:
        return self._form(unquote(match["form"]))

    def _unknown(self, _match: re.Match[str], _call: Call) -> Reply:
        raise _not_found("")

    def _create_route(self, _match: re.Match[str], call: Call) -> Reply:
        if self._state.is_service_account(call.headers):
            raise storage_quota_exceeded()  # a form is a Drive file in its creator's My Drive
        published = (call.one("unpublished", "") or "").lower() == "false"
        return 200, self._create(call.body, published=published), {}, "forms.forms.create"

    def _set_publish_settings(self, match: re.Match[str], call: Call) -> Reply:
        """``forms.setPublishSettings``: both flags required; accepting while unpublished is refused."""
        form = self._form_of(match)
        body = call.body if isinstance(call.body, dict) else {}
        mask = body.get("updateMask") or "*"
        if mask not in ("*", "publishState", "publish_state"):
            raise bad_request(f"Invalid update mask '{mask}': only 'publishState' and '*' are accepted.")
        state = (body.get("publishSettings") or {}).get("publishState")
        if not isinstance(state, dict) or "isPublished" not in state or "isAcceptingResponses" not in state:
            raise bad_request("publish_settings.publish_state: both is_published and is_accepting_responses "
                              "must be set.")
        published, accepting = bool(state["isPublished"]), bool(state["isAcceptingResponses"])
        if accepting and not published:
            raise bad_request("A form that is not published can't accept responses.")
        form.published, form.accepting_responses = published, accepting
        self._state.touch(form.form_id)
        return (200, {"formId": form.form_id, "publishSettings": form.publish_settings()}, {},
                "forms.forms.setPublishSettings")

    def _batch_update_route(self, match: re.Match[str], call: Call) -> Reply:
        form = self._form_of(match)
        body = call.body if isinstance(call.body, dict) else {}
        return 200, self._batch_update(form, body), {}, "forms.forms.batchUpdate"

    def _get_response(self, match: re.Match[str], _call: Call) -> Reply:
        found = self._form_of(match).responses.get(unquote(match["response"]))
        if found is None:
            raise _not_found("")
        return 200, _public(found), {}, "forms.forms.responses.get"

    def _create(self, body: Any, *, published: bool = False) -> dict[str, Any]:
        data = body if isinstance(body, dict) else {}
        extra = sorted(k for k in data if k not in ("info",) and data[k] not in (None, {}, []))
        info = data.get("info") or {}
        extra += sorted(f"info.{k}" for k in info if k not in ("title", "documentTitle"))
        if extra:
            raise bad_request(
                "Only info.title and info.document_title may be set when creating a form; "
                f"add items and settings with forms.batchUpdate (got {', '.join(extra)})."
            )
        title = str(info.get("title") or "")
        form_id = self.create(title, str(info.get("documentTitle") or title or "Untitled form"), published=published)
        return self._forms[form_id].to_json()

    # batchUpdate ----------------------------------------------------------------------

    def _batch_update(self, form: _Form, body: dict[str, Any]) -> dict[str, Any]:
        control = body.get("writeControl") or {}
        required = control.get("requiredRevisionId")
        target = control.get("targetRevisionId")
        if required is not None and required != form.revision_id:
            raise bad_request(
                f"The revision ID '{required}' in the request does not match the form's latest revision "
                f"'{form.revision_id}'. Get the form again and retry."
            )
        if target is not None and not (target.isdigit() and 1 <= int(target) <= form.revision):
            raise bad_request(f"Invalid target revision ID '{target}'.")
        requests = body.get("requests") or []
        snapshot = copy.deepcopy((form.items, form.title, form.description, form.settings))
        replies: list[dict[str, Any]] = []
        try:
            for index, request in enumerate(requests):
                replies.append(self._apply(form, request, f"requests[{index}]"))
        except ApiError:
            form.items, form.title, form.description, form.settings = snapshot
            raise
        if requests:
            form.revision += 1
            self._state.touch(form.form_id)
            if form.linked_sheet_id:
                self._sync_sheet_header(form)
        result: dict[str, Any] = {"writeControl": {"requiredRevisionId": form.revision_id}}
        if replies:
            result["replies"] = replies
        if body.get("includeFormInResponse"):
            result["form"] = form.to_json()
        return result

    def _apply(self, form: _Form, request: Any, where: str) -> dict[str, Any]:
        if not isinstance(request, dict) or len(request) != 1:
            raise bad_request(f"{where}: exactly one request kind must be set")
        (kind, data), = request.items()
        data = data if isinstance(data, dict) else {}
        if kind == "createItem":
            return self._create_item(form, data, f"{where}.createItem")
        if kind == "updateItem":
            self._update_item(form, data, f"{where}.updateItem")
        elif kind == "deleteItem":
            index = self._index(form, data.get("location"), f"{where}.deleteItem.location")
            del form.items[index]
        elif kind == "moveItem":
            old = self._index(form, data.get("originalLocation"), f"{where}.moveItem.originalLocation")
            new = self._index(form, data.get("newLocation"), f"{where}.moveItem.newLocation")
            form.items.insert(new, form.items.pop(old))
        elif kind == "updateFormInfo":
            info = data.get("info") or {}
            for path in _mask_paths(data.get("updateMask"), f"{where}.updateFormInfo"):
                if path == "*":
                    form.title, form.description = str(info.get("title", "")), str(info.get("description", ""))
                elif path in ("title", "description"):
                    setattr(form, path, str(info.get(path, "")))
                else:
                    raise bad_request(f"{where}.updateFormInfo: cannot update field '{path}'")
        elif kind == "updateSettings":
            settings = data.get("settings") or {}
            for path in _mask_paths(data.get("updateMask"), f"{where}.updateSettings"):
                if path not in ("emailCollectionType", "quizSettings.isQuiz", "quizSettings", "*"):
                    raise bad_request(f"{where}.updateSettings: cannot update field '{path}'")
                if path == "*":
                    form.settings = copy.deepcopy(settings)
                else:
                    present, value = _get_path(settings, path)
                    _set_path(form.settings, path, present, value)
        else:
            raise bad_request(f"{where}: unknown request '{kind}'")
        return {}

    def _index(self, form: _Form, location: Any, where: str, *, inclusive: bool = False) -> int:
        index = location.get("index") if isinstance(location, dict) else None
        if not isinstance(index, int) or isinstance(index, bool):
            raise bad_request(f"{where}.index is required")
        upper = len(form.items) + (1 if inclusive else 0)
        if not 0 <= index < upper:
            raise bad_request(f"{where}.index {index} is out of range [0, {upper})")
        return index

    def _used_ids(self, form: _Form, skip: dict[str, Any] | None = None) -> set[str]:
        used: set[str] = set()
        for item in form.items:
            if item is skip:
                continue
            used.add(str(item.get("itemId")))
            question = (item.get("questionItem") or {}).get("question")
            if question is not None:
                used.add(str(question.get("questionId")))
        return used

    def _check_item(self, item: dict[str, Any], where: str) -> None:
        kinds = [k for k in _ITEM_KINDS if k in item]
        if len(kinds) != 1:
            raise bad_request(f"{where}: an item must have exactly one kind, got {kinds or 'none'}")
        if kinds[0] != "questionItem":
            return
        question = (item["questionItem"] or {}).get("question")
        if not isinstance(question, dict):
            raise bad_request(f"{where}.questionItem.question is required")
        qkinds = [k for k in _QUESTION_KINDS if k in question]
        if len(qkinds) != 1:
            raise bad_request(f"{where}.questionItem.question must have exactly one kind, got {qkinds or 'none'}")
        choice = question.get("choiceQuestion")
        if choice is not None:
            kind = choice.get("type")
            if kind not in ("RADIO", "CHECKBOX", "DROP_DOWN"):
                raise bad_request(f"{where}: choiceQuestion.type must be RADIO, CHECKBOX or DROP_DOWN")
            options = choice.get("options") or []
            if not options:
                raise bad_request(f"{where}: choiceQuestion.options must not be empty")
            values = [str(o.get("value", "")) for o in options if not o.get("isOther")]
            if any(not v.strip() for v in values):
                raise bad_request(f"{where}: an option value must not be empty")
            if len(set(values)) != len(values):
                raise bad_request(f"{where}: duplicate option values are not allowed")
            if kind == "DROP_DOWN" and any(o.get("isOther") for o in options):
                raise bad_request(f"{where}: isOther is not allowed for DROP_DOWN")

    def _assign_ids(self, form: _Form, item: dict[str, Any], where: str, skip: dict[str, Any] | None = None) -> None:
        used = self._used_ids(form, skip)
        if item.get("itemId"):
            if item["itemId"] in used:
                raise bad_request(f"{where}: item ID '{item['itemId']}' is already used in the form")
        else:
            item["itemId"] = self._hex_id(used)
        used.add(item["itemId"])
        question = (item.get("questionItem") or {}).get("question")
        if isinstance(question, dict):
            if question.get("questionId"):
                if question["questionId"] in used:
                    raise bad_request(f"{where}: question ID '{question['questionId']}' is already used in the form")
            else:
                question["questionId"] = self._hex_id(used)

    def _create_item(self, form: _Form, data: dict[str, Any], where: str) -> dict[str, Any]:
        item = copy.deepcopy(data.get("item"))
        if not isinstance(item, dict):
            raise bad_request(f"{where}.item is required")
        index = self._index(form, data.get("location"), f"{where}.location", inclusive=True)
        self._check_item(item, f"{where}.item")
        self._assign_ids(form, item, f"{where}.item")
        form.items.insert(index, item)
        reply: dict[str, Any] = {"itemId": item["itemId"]}
        question = (item.get("questionItem") or {}).get("question")
        if isinstance(question, dict):
            reply["questionId"] = [question["questionId"]]
        return {"createItem": reply}

    def _update_item(self, form: _Form, data: dict[str, Any], where: str) -> None:
        index = self._index(form, data.get("location"), f"{where}.location")
        new = data.get("item")
        if not isinstance(new, dict):
            raise bad_request(f"{where}.item is required")
        old = form.items[index]
        updated = copy.deepcopy(old)
        for path in _mask_paths(data.get("updateMask"), where):
            if path == "*":
                updated = copy.deepcopy(new)
                updated.setdefault("itemId", old.get("itemId"))
                continue
            present, value = _get_path(new, path)
            _set_path(updated, path, present, value)
        old_question = (old.get("questionItem") or {}).get("question") or {}
        question = (updated.get("questionItem") or {}).get("question")
        if isinstance(question, dict) and not question.get("questionId") and old_question.get("questionId"):
            question["questionId"] = old_question["questionId"]
        if not updated.get("itemId"):
            updated["itemId"] = old.get("itemId")
        self._check_item(updated, f"{where}.item")
        used = self._used_ids(form, old)
        qid = (question or {}).get("questionId") if isinstance(question, dict) else None
        if updated["itemId"] in used or (qid and qid in used):
            raise bad_request(f"{where}: item or question ID already used in the form")
        if isinstance(question, dict) and not qid:
            question["questionId"] = self._hex_id(used)
        form.items[index] = updated

    # responses ---------------------------------------------------------------------

    def _list_responses(self, form: _Form, query: dict[str, list[str]]) -> dict[str, Any]:
        def one(name: str) -> str | None:
            values = query.get(name)
            return values[0] if values else None

        text = one("filter") or ""
        chosen = sorted(form.responses.values(), key=lambda r: r["responseId"])
        if text:
            match = _FILTER.match(text)
            if match is None:
                raise bad_request(f"Invalid filter: '{text}'. Supported: 'timestamp > T' and 'timestamp >= T'.")
            bound = _parse_rfc3339(match.group(2))
            strict = match.group(1) == ">"
            chosen = [r for r in chosen if (_parse_rfc3339(r["lastSubmittedTime"]) > bound if strict
                                            else _parse_rfc3339(r["lastSubmittedTime"]) >= bound)]
        size_text = one("pageSize") or "0"
        try:
            size = int(size_text)
        except ValueError:
            raise bad_request(f"Invalid value at 'page_size' (TYPE_INT32), \"{size_text}\"") from None
        if size < 0:
            raise bad_request("page_size must not be negative")
        size = _MAX_PAGE if size == 0 else min(size, _MAX_PAGE)
        start = 0
        token = one("pageToken")
        if token:
            try:
                state = json.loads(base64.urlsafe_b64decode(token.encode()).decode())
                start, token_filter = int(state["o"]), str(state["f"])
            except (ValueError, KeyError, TypeError):
                raise bad_request("Invalid page token.") from None
            if token_filter != text:
                raise bad_request("The filter must be the same as in the request that returned the page token.")
        page = chosen[start:start + size]
        result: dict[str, Any] = {}
        if page:
            result["responses"] = [_public(r) for r in page]
        if start + size < len(chosen):
            state_text = json.dumps({"o": start + size, "f": text})
            result["nextPageToken"] = base64.urlsafe_b64encode(state_text.encode()).decode()
        return result


def _public(response: Mapping[str, Any]) -> dict[str, Any]:
    return {k: copy.deepcopy(v) for k, v in response.items() if not k.startswith("_")}
