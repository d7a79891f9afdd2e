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

if TYPE_CHECKING:
    import requests

__all__ = ["FORMS_API", "FormsClient"]

FORMS_API = "https://forms.googleapis.com/v1/forms"


class FormsClient:
    """The Forms API calls tpbis makes, with the same retries and error mapping as the Sheets adapter.

    Args:
        session: an authorised ``requests.Session``
            (:func:`tpbis.adapters.google.google_session`).
        base_url: the ``forms`` collection URL.
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
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
        account: str | None = None,
    ) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
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
              params: Mapping[str, Any] | None = None, body: Any = None) -> dict[str, Any]:
        import requests

        url = self.base_url + path
        try:
            response, attempts = self.transport.send(
                lambda: self.session.request(method, url, params=params, json=body, timeout=60))
        except (requests.ConnectionError, requests.Timeout) as err:
            raise unreachable_error(FORMS, step, err) from None
        if response.status_code >= 300:
            raise google_error(FORMS, step, response.status_code, error_reason(response), resource=form_id,
                               account=self.account, attempts=attempts)
        data = response.json() if response.content else {}
        return data if isinstance(data, dict) else {}

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
