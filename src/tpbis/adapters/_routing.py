"""The ``requests`` transport adapters every Google session of tpbis sends through.

:class:`GuardedAdapter` applies the network :class:`~tpbis.adapters._transport.Limits`
to every request (connect and read timeouts, capped by the session's
:class:`~tpbis.adapters._transport.Deadline`), stamps each response and
failure with the deadline (so :class:`~tpbis.adapters._transport.RetryingTransport`
never waits past it), and, for sessions that carry real credentials, refuses
to send anything over plain HTTP (the Compute Engine metadata server excepted).

:class:`EmulatorAdapter` is a guarded adapter that also rewrites
``https://sheets.googleapis.com``, ``https://www.googleapis.com``,
``https://oauth2.googleapis.com`` and ``https://forms.googleapis.com`` to a
local emulator's base URL (``TPBIS_SHEETS_EMULATOR_HOST``), so library code
keeps its hard-coded Google URLs. :mod:`tpbis.testing` re-exports it for tests.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

from tpbis.adapters._hosts import GOOGLE_HOSTS, emulator_base_url, safe_for_credentials
from tpbis.adapters._transport import Deadline, Limits, deadline_error
from tpbis.errors import AuthError

__all__ = ["EmulatorAdapter", "GuardedAdapter", "emulator_session", "guarded_session", "mount_emulator"]


class GuardedAdapter(HTTPAdapter):
    """Timeouts and a deadline on every request; no plain HTTP unless allowed.

    Args:
        limits: the timeouts and the deadline (:meth:`Limits.from_env` when ``None``).
        deadline: the session's deadline, shared by its adapters (a new one when ``None``).
        plain_http: whether plain ``http://`` may be used (only without real credentials).
    """

    def __init__(
        self,
        *,
        limits: Limits | None = None,
        deadline: Deadline | None = None,
        plain_http: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.limits = limits or Limits.from_env()
        self.deadline = deadline or Deadline(self.limits.deadline)
        self.plain_http = plain_http

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        """Send with the limits in force; raises ``RemoteError`` once the deadline has passed."""
        url = request.url or ""
        host = urlsplit(url).netloc or "-"
        if not self.plain_http and not safe_for_credentials(url):
            raise AuthError.from_catalogue("auth.plain_http", url=_without_query(url))
        remaining = self.deadline.remaining()
        if remaining <= 0:
            raise deadline_error(self.deadline, host)
        # the limits are authoritative: callers' own timeouts (gspread's 120 s) do not stretch them
        kwargs["timeout"] = (min(self.limits.connect, remaining), min(self.limits.read, remaining))
        try:
            response = super().send(request, *args, **kwargs)
        except (requests.ConnectionError, requests.Timeout) as err:
            if self.deadline.remaining() <= 0:
                raise deadline_error(self.deadline, host) from None
            err.tpbis_deadline = self.deadline  # type: ignore[union-attr]
            err.tpbis_limits = self.limits  # type: ignore[union-attr]
            raise
        response.tpbis_deadline = self.deadline  # type: ignore[attr-defined]
        return response


def _without_query(url: str) -> str:
    split = urlsplit(url)
    return urlunsplit((split.scheme, split.netloc, split.path, "", ""))


class EmulatorAdapter(GuardedAdapter):
    """A guarded adapter that sends requests for Google hosts to the emulator instead."""

    def __init__(self, base_url: str, hosts: tuple[str, ...] = GOOGLE_HOSTS, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        split = urlsplit(emulator_base_url(base_url))
        self._scheme, self._netloc = split.scheme, split.netloc
        self._hosts = hosts

    def rewrite(self, url: str) -> str:
        """The emulator URL for a Google URL (other URLs unchanged)."""
        split = urlsplit(url)
        if split.hostname in self._hosts:
            return urlunsplit((self._scheme, self._netloc, split.path, split.query, split.fragment))
        return url

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        """Rewrite the URL, then send as usual."""
        if request.url:
            request.url = self.rewrite(request.url)
        return super().send(request, *args, **kwargs)


def guarded_session(
    session: requests.Session | None = None,
    *,
    limits: Limits | None = None,
    deadline: Deadline | None = None,
    plain_http: bool = True,
) -> requests.Session:
    """``session`` (a new one when ``None``) with a :class:`GuardedAdapter` for every URL."""
    session = session if session is not None else requests.Session()
    adapter = GuardedAdapter(limits=limits, deadline=deadline, plain_http=plain_http)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def mount_emulator(session: requests.Session, base_url: str, **guard: Any) -> requests.Session:
    """Route a session's Google traffic to the emulator; returns the same session.

    Args:
        session: the session.
        base_url: the emulator's base URL or ``host:port``.
        guard: :class:`GuardedAdapter` options (``limits``, ``deadline``, ``plain_http``).
    """
    adapter = EmulatorAdapter(base_url, **guard)
    for host in GOOGLE_HOSTS:
        session.mount(f"https://{host}", adapter)
    session.mount(emulator_base_url(base_url), adapter)
    return session


def emulator_session(base_url: str, **guard: Any) -> requests.Session:
    """A ``requests.Session`` whose Google traffic goes to the emulator (``base_url`` or ``host:port``)."""
    return mount_emulator(requests.Session(), base_url, **guard)
