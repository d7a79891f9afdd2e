"""Point real ``requests`` / gspread / google-auth code at the emulator.

A :class:`EmulatorAdapter` mounted on a ``requests.Session`` rewrites
``https://sheets.googleapis.com``, ``https://www.googleapis.com`` and
``https://oauth2.googleapis.com`` to the emulator's base URL before sending,
so library code keeps its hard-coded Google URLs.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

if TYPE_CHECKING:
    import gspread

__all__ = [
    "EMULATOR_HOST_ENV",
    "GOOGLE_HOSTS",
    "EmulatorAdapter",
    "emulator_host_from_env",
    "emulator_session",
    "gspread_client",
]

#: Environment variable naming a running emulator, e.g. ``127.0.0.1:8765``.
EMULATOR_HOST_ENV = "TPBIS_SHEETS_EMULATOR_HOST"

#: Google hosts whose traffic goes to the emulator.
GOOGLE_HOSTS = ("sheets.googleapis.com", "www.googleapis.com", "oauth2.googleapis.com", "forms.googleapis.com")


def emulator_host_from_env() -> str | None:
    """``host:port`` from ``TPBIS_SHEETS_EMULATOR_HOST``, or ``None`` when unset or empty."""
    value = os.environ.get(EMULATOR_HOST_ENV, "").strip()
    if not value:
        return None
    if "://" in value:
        value = urlsplit(value).netloc
    return value.rstrip("/")


def _base_url(target: str) -> str:
    return target.rstrip("/") if "://" in target else f"http://{target.rstrip('/')}"


class EmulatorAdapter(HTTPAdapter):
    """A transport adapter that sends requests for Google hosts to the emulator instead."""

    def __init__(self, base_url: str, hosts: tuple[str, ...] = GOOGLE_HOSTS, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        split = urlsplit(_base_url(base_url))
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


def mount_emulator(session: requests.Session, base_url: str) -> requests.Session:
    """Route a session's Google traffic to the emulator; returns the same session."""
    adapter = EmulatorAdapter(base_url)
    for host in GOOGLE_HOSTS:
        session.mount(f"https://{host}", adapter)
    session.mount(_base_url(base_url), adapter)
    return session


def emulator_session(base_url: str) -> requests.Session:
    """A ``requests.Session`` whose Google traffic goes to the emulator (``base_url`` or ``host:port``)."""
    return mount_emulator(requests.Session(), base_url)


def gspread_client(base_url: str, *, credentials: Any = None, http_client: Any = None) -> gspread.Client:
    """A real ``gspread.Client`` talking to the emulator.

    Without ``credentials`` it sends no ``Authorization`` header (fine unless the
    emulator runs with ``require_auth=True``). With google-auth credentials it
    uses an ``AuthorizedSession`` whose token refreshes also go to the emulator.
    Close it with ``client.http_client.session.close()``.
    """
    import gspread
    from gspread.http_client import HTTPClient

    if credentials is None:
        session: requests.Session = emulator_session(base_url)
    else:
        from google.auth.transport.requests import AuthorizedSession, Request

        refresh_session = emulator_session(base_url)
        session = AuthorizedSession(credentials, auth_request=Request(session=refresh_session))  # type: ignore[no-untyped-call]
        mount_emulator(session, base_url)
        original_close = session.close

        def close() -> None:
            original_close()  # type: ignore[no-untyped-call]
            refresh_session.close()

        session.close = close  # type: ignore[method-assign]
    return gspread.Client(auth=credentials, session=session, http_client=http_client or HTTPClient)
