"""The sign-in (token) requests and the authorised session, with tpbis's retries and messages.

google-auth fetches tokens through a :class:`google.auth.transport.requests.Request`
and wraps every ``requests`` failure as ``TransportError``; a refusal is a
``RefreshError``. Left alone, a dropped connection while signing in reads as
"Google refused the credentials", and a captive portal's HTML page breaks
google-auth's parsing. Here:

- :class:`SignInRequest` retries a sign-in that cannot reach Google with the
  same :class:`~tpbis.adapters._transport.RetryPolicy` as any API request
  (google-auth retries 5xx statuses itself), then raises
  :class:`~tpbis.errors.RemoteError` "could not reach Google to sign in"
  (exit 3); a reply that is not JSON is the same error, naming the portal or proxy;
- :class:`GoogleSession` turns a ``RefreshError`` into
  :class:`~tpbis.errors.AuthError` (exit 2: Google refused the credentials),
  unless google-auth marks it retryable (Google's sign-in is down: exit 3).
"""

from __future__ import annotations

from typing import Any

import requests
from google.auth.exceptions import RefreshError, TransportError
from google.auth.transport.requests import AuthorizedSession, Request

from tpbis.adapters._transport import (
    RetryingTransport,
    RetryPolicy,
    is_json_reply,
    network_error,
    not_json_error,
)
from tpbis.errors import AuthError, RemoteError
from tpbis.message import Message

__all__ = ["GoogleSession", "SignInRequest"]

_STEP = "oauth2 token"


class SignInRequest(Request):
    """google-auth's request callable over a guarded session, with tpbis's retries.

    Args:
        session: the session token requests go through (a guarded one).
        policy: the retries of failed connections (:class:`RetryPolicy` defaults).
    """

    def __init__(self, session: requests.Session, *, policy: RetryPolicy | None = None) -> None:
        super().__init__(session)
        self.transport = RetryingTransport(policy, statuses=frozenset())

    def __call__(
        self, url: str, method: str = "GET", body: Any = None, headers: Any = None, timeout: Any = None, **kwargs: Any
    ) -> Any:
        """Send a token request; raises ``RemoteError`` when Google cannot be reached or answers HTML."""
        from google.auth.transport.requests import _Response

        def call() -> requests.Response:
            return self.session.request(method, url, data=body, headers=headers, timeout=timeout, **kwargs)

        try:
            response, _ = self.transport.send(call)
        except (requests.ConnectionError, requests.Timeout) as err:
            raise network_error(err, step=_STEP, attempts=int(getattr(err, "tpbis_attempts", 1)),
                                signin=True) from None
        except RemoteError as err:
            data = err.message_data
            if data is not None and data.key.startswith("error.network."):
                raise RemoteError(Message("auth.unreachable", problem=data)) from None
            raise
        if not is_json_reply(response):
            raise not_json_error(response, step=_STEP, signin=True)
        return _Response(response)  # type: ignore[no-untyped-call]


class GoogleSession(AuthorizedSession):
    """An ``AuthorizedSession`` whose sign-in failures are tpbis errors."""

    def request(  # type: ignore[override]  # AuthorizedSession's own signature (untyped)
        self, method: str, url: str, *args: Any, **kwargs: Any
    ) -> requests.Response:
        """Send as ``AuthorizedSession`` does; a refused sign-in is ``AuthError``, an unreachable one ``RemoteError``."""
        try:
            response: requests.Response = super().request(method, url, *args, **kwargs)  # type: ignore[no-untyped-call]
        except RefreshError as err:
            if getattr(err, "retryable", False):
                problem = Message("error.network.signin_unavailable", reason=_reason(err))
                raise RemoteError(Message("auth.unreachable", problem=problem)) from None
            raise AuthError.from_catalogue("auth.refresh_failed", reason=_reason(err)) from None
        except TransportError as err:
            problem = Message("error.network.connection", host="-", step=_STEP, attempts=1, reason=_reason(err))
            raise RemoteError(Message("auth.unreachable", problem=problem)) from None
        return response


def _reason(err: BaseException) -> str:
    """google-auth's first argument, trimmed (never a token: google-auth puts the error and its description there)."""
    return (str(err.args[0]) if err.args else type(err).__name__)[:200]
