"""The Forms API v1 REST calls tpbis makes, over the shared retrying transport."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from tpbis.adapters._transport import (
    FORMS,
    RetryingTransport,
    RetryPolicy,
    error_reason,
    google_error,
    unreachable_error,
)
from tpbis.adapters.forms._bodies import PUBLISH_BODY
from tpbis.errors import AuthError

if TYPE_CHECKING:
    import requests

__all__ = ["DRIVE_FILES_API", "FORMS_API", "FORM_MIME", "FormsClient"]

FORMS_API = "https://forms.googleapis.com/v1/forms"
#: Drive v3 ``files`` (the ``/drive/v3/`` base: ``/v3/`` alone is not Drive's path).
DRIVE_FILES_API = "https://www.googleapis.com/drive/v3/files"
#: A Google Form's Drive MIME type.
FORM_MIME = "application/vnd.google-apps.form"
#: Drive's reason when the creator owns no Drive storage (a service account acting as itself).
_NO_STORAGE = ("storageQuotaExceeded", "storage quota")


class FormsClient:
    """The Forms API calls tpbis makes, with the same retries and error mapping as the Sheets adapter.

    Args:
        session: an authorised ``requests.Session``
            (:func:`tpbis.adapters.google.google_session`).
        base_url: the ``forms`` collection URL.
        drive_url: Drive v3's ``files`` collection URL (for creating a form in a shared-drive folder).
        policy: the retry policy (:class:`~tpbis.adapters._transport.RetryPolicy` defaults).
        sleep: replaces the policy's sleep (tests pass a no-op).
        account: who the credentials are, named in a 403 message; by default
            the session's service-account email, if any.
    """

    def __init__(
        self,
        session: requests.Session,
        *,
        base_url: str = FORMS_API,
        drive_url: str = DRIVE_FILES_API,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
        account: str | None = None,
    ) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.drive_url = drive_url.rstrip("/")
        self.transport = RetryingTransport(policy)
        if sleep is not None:
            self.transport.policy.sleep = sleep
        if account is None:
            account = str(getattr(getattr(session, "credentials", None), "service_account_email", "") or "")
        self.account = account

    @property
    def policy(self) -> RetryPolicy:
        """The retry policy."""
        return self.transport.policy

    def _call(self, step: str, method: str, path: str, form_id: str, *,
              params: Mapping[str, Any] | None = None, body: Any = None, url: str | None = None) -> dict[str, Any]:
        import requests

        url = url or self.base_url + path
        try:
            response, attempts = self.transport.send(
                lambda: self.session.request(method, url, params=params, json=body, timeout=60))
        except (requests.ConnectionError, requests.Timeout) as err:
            raise unreachable_error(FORMS, step, err) from None
        if response.status_code == 403 and _no_storage(response):
            raise AuthError.from_catalogue("form.no_storage", account=self.account or "-")
        if response.status_code >= 300:
            raise google_error(FORMS, step, response.status_code, error_reason(response), resource=form_id,
                               account=self.account, attempts=attempts)
        data = response.json() if response.content else {}
        return data if isinstance(data, dict) else {}

    def create(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``forms.create``: an empty form with a title."""
        return self._call("forms.create", "POST", "", "", body=dict(body))

    def create_in_folder(self, title: str, folder_id: str) -> dict[str, Any]:
        """Drive ``files.create`` of an empty form in ``folder_id`` (a shared-drive folder: ``supportsAllDrives``).

        A service account owns no Drive storage, so it can create a form only
        where the organisation owns the file: in a shared drive.
        """
        body = {"name": title, "mimeType": FORM_MIME, "parents": [folder_id]}
        return self._call("drive.files.create", "POST", "", folder_id, url=self.drive_url,
                             params={"supportsAllDrives": "true", "fields": "id,name,mimeType,parents,driveId"},
                             body=body)

    def set_publish_settings(self, form_id: str, body: Mapping[str, Any] = PUBLISH_BODY) -> dict[str, Any]:
        """``forms.setPublishSettings`` (default: publish and accept responses)."""
        return self._call("forms.setPublishSettings", "POST", f"/{form_id}:setPublishSettings", form_id,
                          body=dict(body))

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


def _no_storage(response: requests.Response) -> bool:
    """Whether a 403 is Drive's "no storage quota" (reason ``storageQuotaExceeded``), not a missing share."""
    try:
        text = response.text
    except (UnicodeDecodeError, ValueError):
        return False
    return any(marker in text for marker in _NO_STORAGE)
