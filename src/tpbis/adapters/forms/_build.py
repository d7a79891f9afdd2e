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
    live_form,
    plan_form,
)
from tpbis.adapters.forms._client import FormsClient
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
