"""One retrying transport and one error mapper for every Google API tpbis calls (Sheets, Forms).

:class:`RetryingTransport` sends a request again on 408, 429 and 500/502/503/504
answers and on dropped connections and timeouts, with exponential backoff and
full jitter (:class:`RetryPolicy`), honouring ``Retry-After`` given in seconds,
bounded in attempts and in total waiting. :func:`google_error` turns what is
left (an HTTP error after the retries, or a connection that never came back)
into one tpbis exception, the same way for every API:

- 401/403 → :class:`~tpbis.errors.AuthError` naming the account to share with;
- 404 → :class:`~tpbis.errors.SourceError` naming the spreadsheet or form;
- 429/5xx after the retries, and dropped connections →
  :class:`~tpbis.errors.RemoteError` (``tpbis`` exits 3: run again later);
- any other 4xx → the API's rejection (Sheets: ``RemoteError``, as a
  rejected write is Google's refusal; Forms: ``SourceError``, as it means the
  form does not fit what tpbis asks of it; a revision conflict says so).

``requests`` is imported on first use only, so the policy can be built
without the ``sheets`` extra.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from tpbis.errors import AuthError, RemoteError, SourceError, TpbisError

if TYPE_CHECKING:
    import requests

__all__ = [
    "FORMS",
    "RETRY_STATUS",
    "SHEETS",
    "GoogleApi",
    "RetryPolicy",
    "RetryingTransport",
    "error_reason",
    "google_error",
    "retry_after",
    "unreachable_error",
]

#: HTTP statuses worth another try: request timeout, quota, and server-side failures.
RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})

#: Named when the credentials carry no account (anonymous, or a person's sign-in).
_SOME_ACCOUNT = "akun layanan / the service account"


@attrs.define
class RetryPolicy:
    """Exponential backoff with full jitter, honouring ``Retry-After``.

    The wait before retry *n* (1-based) is ``uniform(0, min(cap, base·2ⁿ⁻¹))``,
    raised to ``Retry-After`` when the server sends one; no more than
    ``attempts`` tries and ``budget`` seconds of waiting in all.
    """

    attempts: int = 6
    base: float = 1.0
    cap: float = 32.0
    budget: float = 120.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random
    #: called before each wait with (attempt, seconds, reason)
    on_retry: Callable[[int, float, str], None] | None = None

    def wait(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before the retry after failed ``attempt`` (1-based)."""
        ceiling: float = min(self.cap, self.base * 2.0 ** (attempt - 1))
        backoff: float = self.jitter() * ceiling
        return backoff if retry_after is None else max(backoff, retry_after)


def retry_after(response: requests.Response | None) -> float | None:
    """Seconds from a ``Retry-After`` header given in seconds (an HTTP date falls back to backoff)."""
    if response is None:
        return None
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to backoff


class RetryingTransport:
    """Sends one request with bounded retries; counts what it sent.

    Args:
        policy: the backoff; :class:`RetryPolicy` defaults when ``None``.
    """

    def __init__(self, policy: RetryPolicy | None = None) -> None:
        self.policy = policy or RetryPolicy()
        #: requests sent, retries included
        self.sent = 0
        #: retries made
        self.retried = 0

    def send(self, call: Callable[[], requests.Response]) -> tuple[requests.Response, int]:
        """``call()`` until it answers with a status not worth retrying, or the policy runs out.

        Returns:
            The last response (successful or not) and how many attempts it took.

        Raises:
            requests.ConnectionError, requests.Timeout: the last attempt never
                got an answer; the exception carries ``tpbis_attempts``.
        """
        import requests

        policy = self.policy
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            self.sent += 1
            try:
                response = call()
            except (requests.ConnectionError, requests.Timeout) as err:
                delay = policy.wait(attempt, None)
                reason = type(err).__name__
                if attempt >= policy.attempts or waited + delay > policy.budget:
                    err.tpbis_attempts = attempt  # type: ignore[union-attr]
                    raise
            else:
                if response.status_code not in RETRY_STATUS:
                    return response, attempt
                delay = policy.wait(attempt, retry_after(response))
                reason = f"HTTP {response.status_code}"
                if attempt >= policy.attempts or waited + delay > policy.budget:
                    return response, attempt
            if policy.on_retry is not None:
                policy.on_retry(attempt, delay, reason)
            self.retried += 1
            waited += delay
            policy.sleep(delay)


@attrs.frozen(kw_only=True)
class GoogleApi:
    """How one Google API's failures read: its catalogue keys and what names the resource."""

    #: the parameter naming the spreadsheet or form in the messages (``key``, ``form_id``)
    resource_param: str
    forbidden: str
    not_found: str
    quota: str
    unavailable: str
    rejected: str
    #: the exception for a 4xx that is neither auth nor not-found
    rejected_error: type[TpbisError]
    #: a 400 whose message mentions a revision: someone edited concurrently (``None``: no such case)
    revision_conflict: str | None = None


SHEETS = GoogleApi(
    resource_param="key",
    forbidden="google.forbidden",
    not_found="google.not_found",
    quota="google.quota",
    unavailable="google.unavailable",
    rejected="google.error",
    rejected_error=RemoteError,
)

FORMS = GoogleApi(
    resource_param="form_id",
    forbidden="form.forbidden_account",
    not_found="form.not_found",
    quota="form.quota",
    unavailable="form.unavailable",
    rejected="form.api_error",
    rejected_error=SourceError,
    revision_conflict="form.revision_conflict",
)


def error_reason(response: requests.Response) -> str:
    """Google's ``error.message`` from a JSON error body, else the HTTP reason phrase."""
    try:
        data: Any = response.json()
    except ValueError:
        return response.reason or ""
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        return str(error.get("message") or "")
    return response.reason or ""


def google_error(
    api: GoogleApi,
    step: str,
    status: int,
    reason: str,
    *,
    resource: str = "",
    account: str = "",
    attempts: int = 1,
) -> TpbisError:
    """The tpbis exception for an HTTP error ``status`` left after the retries.

    Args:
        api: which API answered (:data:`SHEETS`, :data:`FORMS`).
        step: the API method, named in the message (``values.batchGet``).
        status: the HTTP status.
        reason: Google's error message (trimmed in the message).
        resource: the spreadsheet key or form id.
        account: the credentials' account, to share the resource with.
        attempts: how many times the request was sent.
    """
    named = {api.resource_param: resource or "-"}
    if status in (401, 403):
        return AuthError.from_catalogue(api.forbidden, **named, account=account or _SOME_ACCOUNT)
    if status == 404 and resource:
        return SourceError.from_catalogue(api.not_found, **named)
    if status == 429:
        return RemoteError.from_catalogue(api.quota, attempts=attempts, step=step)
    if status >= 500 or status == 408:
        return RemoteError.from_catalogue(api.unavailable, attempts=attempts, step=step, reason=f"HTTP {status}")
    if api.revision_conflict and status == 400 and "revision" in reason.casefold():
        return SourceError.from_catalogue(api.revision_conflict, **named)
    return api.rejected_error.from_catalogue(api.rejected, step=step, status=status, reason=reason[:300])


def unreachable_error(api: GoogleApi, step: str, err: BaseException) -> RemoteError:
    """The tpbis exception for a connection that failed on every attempt."""
    attempts = int(getattr(err, "tpbis_attempts", 1))
    return RemoteError.from_catalogue(api.unavailable, attempts=attempts, step=step, reason=type(err).__name__)
