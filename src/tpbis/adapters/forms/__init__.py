"""Google Forms API v1: build the reporting form, record its question ids, read responses.

Plain REST over an authorised ``requests.Session`` (:func:`tpbis.adapters.google.google_session`),
through the retrying transport and error mapper the Sheets adapter uses too
(:mod:`tpbis.adapters._transport`). The package is split by job: ``_client``
(the REST calls), ``_bodies`` (request bodies and plans, no HTTP), ``_build``,
``_record`` (the record file) and ``_read``; this module re-exports them.


- **build**: ``forms.create`` (Google copies only ``info.title`` and
  ``info.documentTitle``) then one ``forms.batchUpdate`` adding every question;
  or, for an existing form, one ``forms.get`` and one ``forms.batchUpdate``
  (guarded by ``writeControl.requiredRevisionId``) that updates questions in
  place — options, titles, help texts — keeping their item and question ids,
  so the linked responses sheet keeps its columns. Items are never deleted.
- **publish**: forms the API creates start unpublished (since 31 January 2026),
  so a build ends with ``forms.setPublishSettings`` (published, accepting
  responses); ``--no-publish`` leaves it to the Forms UI.
- **who**: a person signs in (OAuth client file); a service account only with
  a shared-drive ``--folder`` or a delegated ``--subject`` (:mod:`._auth`).
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

from tpbis.adapters.forms._auth import build_session
from tpbis.adapters.forms._bodies import (
    PUBLISH_BODY,
    PlannedCall,
    is_published,
    item_body,
    live_form,
    plan_form,
)
from tpbis.adapters.forms._build import BuildResult, build_form
from tpbis.adapters.forms._client import FORMS_API, FormsClient
from tpbis.adapters.forms._read import (
    FormRead,
    FormResponsesWorkbook,
    read_form,
    read_form_responses,
    responses_table,
)
from tpbis.adapters.forms._record import RECORD_FILE, load_record, record_by_titles, save_record

__all__ = [
    "FORMS_API",
    "PUBLISH_BODY",
    "RECORD_FILE",
    "BuildResult",
    "FormRead",
    "FormResponsesWorkbook",
    "FormsClient",
    "PlannedCall",
    "build_form",
    "build_session",
    "is_published",
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
