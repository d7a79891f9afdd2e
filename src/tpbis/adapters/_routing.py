"""Send a ``requests.Session``'s Google traffic to a local emulator (``TPBIS_SHEETS_EMULATOR_HOST``).

A :class:`EmulatorAdapter` mounted on a session rewrites
``https://sheets.googleapis.com``, ``https://www.googleapis.com``,
``https://oauth2.googleapis.com`` and ``https://forms.googleapis.com`` to the
emulator's base URL before sending, so library code keeps its hard-coded
Google URLs. The adapters use it when the environment names an emulator;
:mod:`tpbis.testing` re-exports it for tests.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

from tpbis.adapters._hosts import GOOGLE_HOSTS, emulator_base_url

__all__ = ["EmulatorAdapter", "emulator_session", "mount_emulator"]


class EmulatorAdapter(HTTPAdapter):
    """A transport adapter that sends requests for Google hosts to the emulator instead."""

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


def mount_emulator(session: requests.Session, base_url: str) -> requests.Session:
    """Route a session's Google traffic to the emulator; returns the same session."""
    adapter = EmulatorAdapter(base_url)
    for host in GOOGLE_HOSTS:
        session.mount(f"https://{host}", adapter)
    session.mount(emulator_base_url(base_url), adapter)
    return session


def emulator_session(base_url: str) -> requests.Session:
    """A ``requests.Session`` whose Google traffic goes to the emulator (``base_url`` or ``host:port``)."""
    return mount_emulator(requests.Session(), base_url)
