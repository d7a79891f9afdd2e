"""``tpbis form build``: create the form, or bring an existing one in line, and record its question ids."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from tpbis.adapters.forms._bodies import (
    PlannedCall,
    _existing_form_requests,
    _find_items,
    _item_question,
    _publish_call,
    is_published,
    live_form,
    plan_form,
)
from tpbis.adapters.forms._client import FormsClient
from tpbis.errors import RemoteError, TpbisError
from tpbis.forms.record import FormRecord, record_from_live
from tpbis.forms.schema import FormSchema
from tpbis.parsing.mapping import Field

__all__ = ["BuildResult", "build_form"]


@attrs.frozen(kw_only=True)
class BuildResult:
    """What ``build_form`` did."""

    record: FormRecord
    created: bool
    #: requests in the batchUpdate sent (0: the form was already up to date)
    changes: int
    calls: tuple[PlannedCall, ...]
    #: the form is published and accepting responses after the build
    published: bool = False
    #: where respondents fill it in
    responder_uri: str | None = None


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
               record: FormRecord | None = None, folder: str | None = None, publish: bool = True) -> BuildResult:
    """Create the form, or update ``form_id`` in place, then publish it; returns the new record.

    A new form takes ``forms.create`` (or, with ``folder``, Drive
    ``files.create`` in that shared-drive folder) + one ``forms.batchUpdate`` +
    ``forms.setPublishSettings``; an existing one ``forms.get`` + at most one
    ``forms.batchUpdate``, and ``forms.setPublishSettings`` only if it was never
    published (a form closed to responses on purpose stays closed).

    Raises:
        SourceError, AuthError: the API refused (not found, no access, no Drive
            storage, a concurrent edit) or did not answer.
    """
    if form_id is None:
        return _build_new(client, schema, lang, folder, publish)
    form = client.get(form_id)
    requests, created = _existing_form_requests(schema, form, record, lang)
    found = _find_items(schema, form, record)
    items = list(form.get("items") or [])
    ids = {}
    for field, index in found.items():
        question = _item_question(items[index])
        if question is not None:
            ids[field] = str(question.get("questionId"))
    calls: list[PlannedCall] = []
    if requests:
        body: dict[str, Any] = {"includeFormInResponse": True, "requests": requests}
        if form.get("revisionId"):
            body["writeControl"] = {"requiredRevisionId": form["revisionId"]}
        answer = client.batch_update(form_id, body)
        ids.update(_ids_from_replies(answer.get("replies") or [], created, requests))
        form = {"publishSettings": form.get("publishSettings"), **(answer.get("form") or client.get(form_id))}
        if form["publishSettings"] is None:
            del form["publishSettings"]
        calls.append(PlannedCall(method="forms.batchUpdate", form_id=form_id, body=body))
    published = is_published(form)
    if publish and not published:
        published = _publish(client, form_id, calls)
    live = live_form(form)
    return BuildResult(record=record_from_live(live, schema, ids, lang), created=False, changes=len(requests),
                       calls=tuple(calls), published=published, responder_uri=live.responder_uri)


def _publish(client: FormsClient, form_id: str, calls: list[PlannedCall]) -> bool:
    call = _publish_call(form_id)
    answer = client.set_publish_settings(form_id, call.body)
    calls.append(call)
    return is_published({"publishSettings": answer.get("publishSettings") or {}})


def _build_new(client: FormsClient, schema: FormSchema, lang: str, folder: str | None,
               publish: bool) -> BuildResult:
    planned = plan_form(schema, lang=lang, publish=False)
    first = planned[1].body
    if folder is None:
        created_form = client.create(planned[0].body)
        new_id = str(created_form["formId"])
        calls = [planned[0]]
    else:
        title = str(planned[0].body["info"]["title"])
        created_form = {"formId": client.create_in_folder(title, folder)["id"]}
        new_id = str(created_form["formId"])
        # Drive names the file; the form's own title is set with the first batchUpdate.
        first = {**first, "requests": [{"updateFormInfo": {"info": {"title": title}, "updateMask": "title"}},
                                       *first["requests"]]}
        calls = [PlannedCall(method="drive.files.create", form_id=None,
                             body={"name": title, "mimeType": "application/vnd.google-apps.form",
                                   "parents": [folder]})]
    try:
        answer = client.batch_update(new_id, first)
        calls.append(PlannedCall(method="forms.batchUpdate", form_id=new_id, body=first))
        fields = [q.field for q in schema.questions]
        ids = _ids_from_replies(answer.get("replies") or [], fields, first["requests"])
        form = answer.get("form") or client.get(new_id)
        published = _publish(client, new_id, calls) if publish else is_published(form)
    except TpbisError as exc:
        # the form exists now: say which, so the rerun finishes it instead of creating another one
        unfinished = RemoteError.from_catalogue("form.build_unfinished", form_id=new_id,
                                                reason=exc.message_data or str(exc))
        unfinished.exit_code = exc.exit_code  # an expired sign-in still says so with its own code
        raise unfinished from exc
    live = live_form({**form, "responderUri": form.get("responderUri") or created_form.get("responderUri")})
    return BuildResult(record=record_from_live(live, schema, ids, lang), created=True,
                       changes=len(first["requests"]), calls=tuple(calls), published=published,
                       responder_uri=live.responder_uri)
