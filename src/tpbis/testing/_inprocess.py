"""An in-process ``requests`` transport: the emulator answers without a socket or a thread.

Like httpx's ``MockTransport`` (one method: request in, response out), a
:class:`InProcessAdapter` mounted on a ``requests.Session`` hands each
prepared request to :meth:`tpbis.testing.SheetsEmulator.serve` and turns the
answer into a ``requests.Response``. gspread (whose ``HTTPClient`` takes a
session), google-auth's ``AuthorizedSession`` and the Forms client all run
unchanged over it, retries and fault injection included: a dropped
connection raises ``requests.ConnectionError`` as a real one would.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from tpbis.adapters._hosts import GOOGLE_HOSTS
from tpbis.testing._wire import EmulatorRequest, Serves

__all__ = ["InProcessAdapter", "mount_in_process"]

_REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
            404: "Not Found", 405: "Method Not Allowed", 408: "Request Timeout", 409: "Conflict",
            429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Unavailable", 504: "Gateway Timeout"}


class InProcessAdapter(BaseAdapter):
    """A ``requests`` transport adapter whose answers come from an emulator object in this process."""

    def __init__(self, emulator: Serves) -> None:
        super().__init__()
        self.emulator = emulator

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: Any = None, verify: Any = True, cert: Any = None,
             proxies: Mapping[str, str] | None = None) -> requests.Response:
        """Answer ``request`` from the emulator; a dropped connection raises ``requests.ConnectionError``."""
        body = request.body
        if body is not None and not isinstance(body, bytes | str):
            body = b"".join(body)  # an iterable body: read it whole
        asked = EmulatorRequest.from_url(request.method or "GET", request.url or "/",
                                         dict(request.headers.items()), body)
        answer = self.emulator.serve(asked)
        if answer.drop:
            raise requests.ConnectionError("Connection aborted: the emulator dropped the connection (fault)",
                                           request=request)
        response = requests.Response()
        response.status_code = answer.status
        response.headers = CaseInsensitiveDict(answer.headers)
        response._content = answer.body  # as requests' own HTTPAdapter fills it
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        response.reason = _REASONS.get(answer.status, "")
        response.url = request.url or ""
        response.request = request
        response.connection = self  # type: ignore[assignment]  # requests types it as HTTPAdapter
        return response

    def close(self) -> None:
        """Nothing to close: no socket was opened."""


def mount_in_process(session: requests.Session, emulator: Serves) -> requests.Session:
    """Send ``session``'s Google traffic to ``emulator`` in process; returns the same session."""
    adapter = InProcessAdapter(emulator)
    for host in GOOGLE_HOSTS:
        session.mount(f"https://{host}", adapter)
    return session
