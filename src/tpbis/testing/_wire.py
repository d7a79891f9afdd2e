"""What the emulator takes and gives: a request object in, a response object out, and its route table.

The emulator is a function from :class:`EmulatorRequest` to
:class:`EmulatorResponse` (httpx's ``MockTransport`` idea); the HTTP server
(:mod:`tpbis.testing._http`) and the in-process ``requests`` adapter
(:mod:`tpbis.testing._inprocess`) are thin shells that translate to and from
these. Each API (OAuth, Drive, Sheets, Forms) contributes :class:`Route`\\ s
to one :class:`RouteTable`: method + path pattern → handler.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

__all__ = ["Call", "EmulatorRequest", "EmulatorResponse", "Handler", "Reply", "Route", "RouteTable", "Serves", "route"]

#: ``(status, JSON body or None, extra headers, API method id)``
Reply = tuple[int, Any, dict[str, str], str | None]


@dataclass(frozen=True)
class EmulatorRequest:
    """One HTTP request as the emulator sees it.

    Args:
        method: ``GET``, ``POST``, …
        path: the path as sent (percent-encoded), e.g. ``/v4/spreadsheets/ID/values/A1%3AB2``.
        query: the query string, parsed (blank values kept).
        headers: header names in lower case.
        body: the raw body.
    """

    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @classmethod
    def from_url(cls, method: str, url: str, headers: Mapping[str, str] | None = None,
                 body: bytes | str | None = None) -> EmulatorRequest:
        """A request for a full URL or a path with a query string (the host is ignored)."""
        split = urlsplit(url)
        data = body.encode("utf-8") if isinstance(body, str) else (body or b"")
        return cls(method.upper(), split.path or "/", parse_qs(split.query, keep_blank_values=True),
                   {k.lower(): v for k, v in (headers or {}).items()}, data)

    def parsed_body(self) -> tuple[Any, bool]:
        """The body as JSON (or a form-encoded dict for ``/token``), and whether it was unreadable JSON."""
        if not self.body:
            return None, False
        ctype = self.headers.get("content-type", "").split(";")[0].strip()
        if ctype == "application/x-www-form-urlencoded":
            form = parse_qs(self.body.decode("utf-8"), keep_blank_values=True)
            return {k: v[0] for k, v in form.items()}, False
        try:
            return json.loads(self.body.decode("utf-8")), False
        except ValueError:
            return None, True


@dataclass
class EmulatorResponse:
    """The emulator's answer: a status, headers and a body, or a dropped connection (``drop``)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    drop: bool = False

    @classmethod
    def from_reply(cls, status: int, payload: Any, extra: Mapping[str, str]) -> EmulatorResponse:
        """A JSON response as Google formats it (pretty-printed, UTF-8)."""
        data = b"" if payload is None else json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=UTF-8"} if payload is not None else {}
        headers["Content-Length"] = str(len(data))
        headers.update(extra)
        return cls(status, headers, data)

    def json(self) -> Any:
        """The body parsed as JSON (``None`` when empty)."""
        return json.loads(self.body.decode("utf-8")) if self.body else None


class Serves(Protocol):
    """Anything that answers an :class:`EmulatorRequest` (the emulator; a test double)."""

    def serve(self, request: EmulatorRequest) -> EmulatorResponse:
        """Answer one request."""
        ...


@dataclass(frozen=True)
class Call:
    """A routed request: what a handler reads."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    body: Any

    def one(self, name: str, default: str | None = None) -> str | None:
        """The first value of query parameter ``name``."""
        values = self.query.get(name)
        return values[0] if values else default


#: A route's handler: the path match and the call in, a reply out (or an ``ApiError`` raised).
Handler = Callable[[re.Match[str], Call], Reply]


@dataclass(frozen=True)
class Route:
    """Method + path pattern → handler.

    Args:
        method: the HTTP method, or ``None`` for any (the handler decides).
        pattern: a regular expression matched in full against the percent-encoded path.
        handler: answers the call.
        auth: whether ``require_auth`` applies.
        api: the discovery method id (``sheets.spreadsheets.values.update``); its request body and
            enum query parameters are checked against Google's discovery document before the handler runs.
    """

    method: str | None
    pattern: re.Pattern[str]
    handler: Handler
    auth: bool = True
    api: str | None = None


def route(method: str | None, pattern: str, handler: Handler, *, auth: bool = True, api: str | None = None) -> Route:
    """A :class:`Route` from a pattern string."""
    return Route(method, re.compile(pattern), handler, auth, api)


class RouteTable:
    """Routes in order; the first whose method and pattern match answers."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes = list(routes)

    def find(self, method: str, path: str) -> tuple[Route, re.Match[str]] | None:
        """The first matching route and its match."""
        for candidate in self.routes:
            if candidate.method is not None and candidate.method != method:
                continue
            match = candidate.pattern.fullmatch(path)
            if match is not None:
                return candidate, match
        return None
