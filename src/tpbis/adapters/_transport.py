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

The network is hostile too. :class:`Limits` bounds every request (connect
10 s, read 60 s) and every session (a 300 s deadline, retries and waits
included; ``TPBIS_HTTP_TIMEOUT`` and ``TPBIS_DEADLINE`` change them): the
session's adapter (:mod:`tpbis.adapters._routing`) applies them and stamps
each response and failure with its :class:`Deadline`, which
:class:`RetryingTransport` reads so it never waits past it. A reply that is
not JSON (a captive portal's or a proxy's HTML page) and a failure that is
not a connection error are raised here as :class:`~tpbis.errors.RemoteError`;
:func:`network_error` names what happened (DNS, refused, TLS, proxy,
timeout, deadline) the same way for every API and for the sign-in.

``requests`` is imported on first use only, so the policy can be built
without the ``sheets`` extra.
"""

from __future__ import annotations

import os
import random
import socket
import ssl
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import attrs

from tpbis.adapters._hosts import DEADLINE_ENV, TIMEOUT_ENV
from tpbis.errors import AuthError, ConfigError, RemoteError, SourceError, TpbisError
from tpbis.message import Message

if TYPE_CHECKING:
    import requests

__all__ = [
    "FORMS",
    "RETRY_STATUS",
    "SHEETS",
    "Deadline",
    "GoogleApi",
    "Limits",
    "RetryPolicy",
    "RetryingTransport",
    "deadline_error",
    "error_reason",
    "google_error",
    "is_json_reply",
    "network_error",
    "network_kind",
    "not_json_error",
    "retry_after",
    "unreachable_error",
]

#: HTTP statuses worth another try: request timeout, quota, and server-side failures.
RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})

#: Named when the credentials carry no account (anonymous, or a person's sign-in).
_SOME_ACCOUNT = "akun layanan / the service account"


@attrs.frozen(kw_only=True)
class Limits:
    """How long tpbis waits for Google: per attempt (connect, read) and per session in all.

    Defaults: 10 s to connect, 60 s for each answer, 300 s for a session's
    requests with their retries and waits. ``TPBIS_HTTP_TIMEOUT`` (``60`` or
    ``10,60``) and ``TPBIS_DEADLINE`` (seconds) override them.
    """

    connect: float = 10.0
    read: float = 60.0
    deadline: float = 300.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The limits, with ``TPBIS_HTTP_TIMEOUT`` and ``TPBIS_DEADLINE`` applied.

        Raises:
            ConfigError: a variable is not a positive number of seconds.
        """
        env = os.environ if environ is None else environ
        limits = cls()
        timeout = env.get(TIMEOUT_ENV, "").strip()
        if timeout:
            parts = [_seconds(TIMEOUT_ENV, part) for part in timeout.split(",")]
            if len(parts) > 2:
                raise ConfigError.from_catalogue("error.network.bad_limit", variable=TIMEOUT_ENV, value=timeout)
            connect, read = (min(limits.connect, parts[0]), parts[0]) if len(parts) == 1 else parts
            limits = attrs.evolve(limits, connect=connect, read=read)
        deadline = env.get(DEADLINE_ENV, "").strip()
        if deadline:
            limits = attrs.evolve(limits, deadline=_seconds(DEADLINE_ENV, deadline))
        return limits


def _seconds(variable: str, text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        value = -1.0
    if not 0 < value < 86_400:
        raise ConfigError.from_catalogue("error.network.bad_limit", variable=variable, value=text.strip())
    return value


class Deadline:
    """The time a session may spend on Google in all; it starts with the first request.

    Args:
        seconds: the allowance.
        clock: a monotonic clock (tests pass their own).
    """

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._start: float | None = None

    def start(self) -> None:
        """Start counting (once; later calls do nothing)."""
        if self._start is None:
            self._start = self.clock()

    def remaining(self) -> float:
        """Seconds left (negative when past); starts the count if it has not started."""
        self.start()
        assert self._start is not None
        return self._start + self.seconds - self.clock()

    @property
    def expired(self) -> bool:
        """Whether no time is left."""
        return self.remaining() <= 0


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
        statuses: the HTTP statuses worth another try (none: only failed
            connections are retried, as for the sign-in, which google-auth
            retries by status itself).
    """

    def __init__(self, policy: RetryPolicy | None = None, statuses: frozenset[int] = RETRY_STATUS) -> None:
        self.policy = policy or RetryPolicy()
        self.statuses = statuses
        #: requests sent, retries included
        self.sent = 0
        #: retries made
        self.retried = 0

    def send(self, call: Callable[[], requests.Response]) -> tuple[requests.Response, int]:
        """``call()`` until it answers with a status not worth retrying, or the policy runs out.

        A retry never waits past the session's :class:`Deadline` (stamped on
        what ``call()`` returns or raises by the session's adapter).

        Returns:
            The last response (successful or not) and how many attempts it took.

        Raises:
            requests.ConnectionError, requests.Timeout: the last attempt never
                got an answer; the exception carries ``tpbis_attempts``.
            RemoteError: the answer is not JSON (a captive portal, a proxy),
                the deadline ran out, or the reply broke off.
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
                deadline: Deadline | None = getattr(err, "tpbis_deadline", None)
                if deadline is not None and delay >= deadline.remaining():
                    raise deadline_error(deadline, _host(err)) from None
                if attempt >= policy.attempts or waited + delay > policy.budget:
                    err.tpbis_attempts = attempt  # type: ignore[union-attr]
                    raise
            except requests.RequestException as err:
                # a reply that broke off or could not be decoded; callers expect only the two above
                raise network_error(err, step=_step(err), attempts=attempt) from None
            else:
                if response.status_code not in self.statuses:
                    return _checked(response), attempt
                delay = policy.wait(attempt, retry_after(response))
                reason = f"HTTP {response.status_code}"
                deadline = getattr(response, "tpbis_deadline", None)
                if (attempt >= policy.attempts or waited + delay > policy.budget
                        or (deadline is not None and delay >= deadline.remaining())):
                    return _checked(response), attempt
            if policy.on_retry is not None:
                policy.on_retry(attempt, delay, reason)
            self.retried += 1
            waited += delay
            policy.sleep(delay)


def is_json_reply(response: requests.Response) -> bool:
    """Whether a reply is empty or JSON (Google's APIs answer nothing else; HTML is someone in between)."""
    body = response.content
    if not body or not body.strip():
        return True
    ctype = response.headers.get("Content-Type", "").lower()
    if "json" in ctype:
        return True
    return not ctype and body.lstrip()[:1] in (b"{", b"[")


def _checked(response: requests.Response) -> requests.Response:
    """``response``, unless it is not JSON: then a :class:`RemoteError` (captive portal, proxy)."""
    if is_json_reply(response):
        return response
    raise not_json_error(response, step=_step_of(response.request))


def _step_of(request: Any) -> str:
    """``METHOD path`` of a request, for messages (no query: it may hold ids)."""
    url = str(getattr(request, "url", "") or "")
    method = str(getattr(request, "method", "") or "")
    path = urlsplit(url).path
    return f"{method} {path}".strip() or "-"


def _step(err: BaseException) -> str:
    return _step_of(getattr(err, "request", None))


def _host(err: BaseException) -> str:
    url = str(getattr(getattr(err, "request", None), "url", "") or "")
    return urlsplit(url).netloc or "-"


def not_json_error(response: requests.Response, *, step: str, signin: bool = False) -> RemoteError:
    """The error for a reply that is not Google's JSON: an HTML page from a captive portal or a proxy."""
    ctype = response.headers.get("Content-Type", "").split(";")[0].strip() or "?"
    host = urlsplit(str(response.url or "")).netloc or "-"
    problem = Message("error.network.not_json", host=host, step=step, status=response.status_code, kind=ctype)
    return RemoteError(Message("auth.unreachable", problem=problem) if signin else problem)


def deadline_error(deadline: Deadline, host: str) -> RemoteError:
    """The error when a session's deadline runs out."""
    return RemoteError.from_catalogue(
        "error.network.deadline", host=host, seconds=_round(deadline.seconds), variable=DEADLINE_ENV
    )


def _round(seconds: float) -> str:
    return f"{seconds:g}"


def _causes(err: BaseException) -> list[BaseException]:
    """``err`` and everything it wraps (causes, contexts, exceptions in args, urllib3's ``reason``)."""
    seen: list[BaseException] = []
    todo: list[object] = [err]
    while todo and len(seen) < 32:
        item = todo.pop()
        if not isinstance(item, BaseException) or any(item is s for s in seen):
            continue
        seen.append(item)
        todo.extend([item.__cause__, item.__context__, getattr(item, "reason", None), *item.args])
    return seen


def network_kind(err: BaseException) -> str:
    """What went wrong on the wire: ``dns``, ``refused``, ``tls``, ``proxy``, ``timeout`` or ``connection``."""
    import requests

    chain = _causes(err)
    names = {type(e).__name__ for e in chain}
    if any(isinstance(e, socket.gaierror) for e in chain) or "NameResolutionError" in names:
        return "dns"
    if any(isinstance(e, requests.exceptions.ProxyError) for e in chain) or "ProxyError" in names:
        return "proxy"
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "refused"
    if any(isinstance(e, ssl.SSLError | requests.exceptions.SSLError) for e in chain):
        return "tls"
    if any(isinstance(e, requests.Timeout | TimeoutError) for e in chain):
        return "timeout"
    return "connection"


def network_error(err: BaseException, *, step: str, attempts: int = 1, signin: bool = False,
                  limits: Limits | None = None) -> RemoteError:
    """One :class:`RemoteError` (exit 3: try again later) naming what happened on the wire.

    Args:
        err: the ``requests`` (or socket) exception of the last attempt.
        step: the API method or request, named in the message.
        attempts: how many times the request was sent.
        signin: the request was the sign-in (the token endpoint).
        limits: the timeouts in force (named when the answer timed out).
    """
    kind = network_kind(err)
    host = _host(err)
    params: dict[str, object] = {"host": host, "step": step, "attempts": attempts}
    if kind == "timeout":
        limits = limits or getattr(err, "tpbis_limits", None) or Limits()
        params.update(seconds=_round(limits.read), variable=TIMEOUT_ENV)
    if kind == "connection":
        params["reason"] = type(err).__name__
    problem = Message(f"error.network.{kind}", params)
    return RemoteError(Message("auth.unreachable", problem=problem) if signin else problem)


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
    """The tpbis exception for a connection that failed on every attempt (what failed: DNS, TLS, …)."""
    del api  # the wire fails the same way for every API
    attempts = int(getattr(err, "tpbis_attempts", 1))
    return network_error(err, step=step, attempts=attempts)
