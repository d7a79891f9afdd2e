"""Per-minute request quotas, as Google enforces them on the Sheets API.

Google allows 300 read requests per minute per project and 60 per minute per
user per project (the same for writes), and answers a request over either
limit with HTTP 429 ``RESOURCE_EXHAUSTED`` (developers.google.com/sheets/api/limits).
:class:`Quota` counts admitted requests in a sliding one-minute window per
user (the bearer token; requests without one are one anonymous user) and for
the project, on a clock the test injects, so a test never waits a real
minute. Drive and OAuth requests are not counted (they have quotas of their own).
"""

from __future__ import annotations

import collections
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Quota", "quota_error"]

#: How Google names each limit in its 429 (metric label, limit label, ``quota_limit``).
_NAMES = {
    ("read", "user"): ("Read requests", "Read requests per minute per user", "ReadRequestsPerMinutePerUser"),
    ("read", "project"): ("Read requests", "Read requests per minute", "ReadRequestsPerMinutePerProject"),
    ("write", "user"): ("Write requests", "Write requests per minute per user", "WriteRequestsPerMinutePerUser"),
    ("write", "project"): ("Write requests", "Write requests per minute", "WriteRequestsPerMinutePerProject"),
}

#: The emulator's project number (named in quota errors as Google names the consumer).
PROJECT_NUMBER = "0"

_WINDOW = 60.0


def quota_error(kind: str, scope: str, limit: int) -> dict[str, Any]:
    """Google's 429 body for a Sheets per-minute quota (``kind``: read/write; ``scope``: user/project)."""
    metric, label, quota_limit = _NAMES[(kind, scope)]
    return {"error": {
        "code": 429,
        "message": f"Quota exceeded for quota metric '{metric}' and limit '{label}' of service "
                   f"'sheets.googleapis.com' for consumer 'project_number:{PROJECT_NUMBER}'.",
        "status": "RESOURCE_EXHAUSTED",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "RATE_LIMIT_EXCEEDED",
                "domain": "googleapis.com",
                "metadata": {
                    "quota_location": "global",
                    "quota_limit": quota_limit,
                    "quota_metric": f"sheets.googleapis.com/{kind}_requests",
                    "service": "sheets.googleapis.com",
                    "consumer": f"projects/{PROJECT_NUMBER}",
                    "quota_limit_value": str(limit),
                },
            },
            {
                "@type": "type.googleapis.com/google.rpc.Help",
                "links": [{"description": "Request a higher quota limit.",
                           "url": "https://cloud.google.com/docs/quotas/help/request_increase"}],
            },
        ],
    }}


@dataclass
class Quota:
    """Per-minute limits on Sheets requests (``None``: that limit is not enforced).

    Reads are ``GET`` requests under ``/v4/spreadsheets``; writes are the others there.
    """

    reads_per_user: int | None = 60
    reads_per_project: int | None = 300
    writes_per_user: int | None = None
    writes_per_project: int | None = None
    clock: Callable[[], float] = time.monotonic
    #: admitted request times by (kind, scope key)
    _seen: dict[tuple[str, str], collections.deque[float]] = field(default_factory=dict)
    #: requests refused with 429, by (kind, scope)
    refused: collections.Counter[tuple[str, str]] = field(default_factory=collections.Counter)

    def limits(self, kind: str) -> tuple[int | None, int | None]:
        """(per user, per project) for ``read`` or ``write``."""
        if kind == "read":
            return self.reads_per_user, self.reads_per_project
        return self.writes_per_user, self.writes_per_project

    def admit(self, method: str, path: str, headers: Mapping[str, str]) -> dict[str, Any] | None:
        """Count the request, or return Google's 429 body when it is over a limit (then it is not counted).

        The caller holds the emulator's lock.
        """
        if not path.startswith("/v4/spreadsheets"):
            return None
        kind = "read" if method.upper() == "GET" else "write"
        per_user, per_project = self.limits(kind)
        if per_user is None and per_project is None:
            return None
        auth = headers.get("authorization", "")
        user = auth[7:] if auth.lower().startswith("bearer ") else "anonymous"
        now = self.clock()
        checks = [("user", f"user:{user}", per_user), ("project", "project", per_project)]
        windows = []
        for scope, key, limit in checks:
            if limit is None:
                continue
            seen = self._seen.setdefault((kind, key), collections.deque())
            while seen and seen[0] <= now - _WINDOW:
                seen.popleft()
            if len(seen) >= limit:
                self.refused[(kind, scope)] += 1
                return quota_error(kind, scope, limit)
            windows.append(seen)
        for seen in windows:
            seen.append(now)
        return None
