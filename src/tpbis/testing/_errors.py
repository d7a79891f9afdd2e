"""Google-shaped API errors and ids, shared by every API the emulator serves."""

from __future__ import annotations

import random
from typing import Any

__all__ = [
    "STATUS_BY_CODE",
    "ApiError",
    "bad_request",
    "not_found",
    "not_implemented",
    "random_id",
    "storage_quota_exceeded",
]

STATUS_BY_CODE = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
}

_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


class ApiError(Exception):
    """A Google-shaped error: ``{"error": {"code", "message", "status"}}``."""

    def __init__(self, code: int, message: str, status: str | None = None, body: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_BY_CODE.get(code, "UNKNOWN")
        self.body = body

    def to_json(self) -> dict[str, Any]:
        """The response body Google sends."""
        if self.body is not None:
            return self.body
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


def not_found() -> ApiError:
    """Google's 404 for a missing spreadsheet."""
    return ApiError(404, "Requested entity was not found.")


def bad_request(message: str) -> ApiError:
    """A 400 INVALID_ARGUMENT."""
    return ApiError(400, message)


def not_implemented(what: str) -> ApiError:
    """A 501 UNIMPLEMENTED naming the method or request kind Google has and the emulator does not perform.

    Not a 404: a 404 reads like a wrong id, and the caller would look for the mistake in the wrong place.
    """
    return ApiError(501, f"{what} is a Google API method the tpbis emulator does not implement.")


#: Drive's answer when a service account (no domain-wide delegation) creates a file outside a shared drive.
STORAGE_QUOTA_MESSAGE = (
    "Service Accounts do not have storage quota. Leverage shared drives "
    "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), "
    "or use OAuth delegation (http://support.google.com/a/answer/7281227) instead."
)


def storage_quota_exceeded() -> ApiError:
    """Drive's 403 ``storageQuotaExceeded`` (as reported by Drive API users since April 2025)."""
    return ApiError(403, STORAGE_QUOTA_MESSAGE, body={"error": {
        "code": 403,
        "message": STORAGE_QUOTA_MESSAGE,
        "errors": [{"message": STORAGE_QUOTA_MESSAGE, "domain": "usageLimits", "reason": "storageQuotaExceeded"}],
    }})


def random_id(rng: random.Random, length: int = 44) -> str:
    """A Drive-style file id."""
    return "1" + "".join(rng.choice(_ID_ALPHABET) for _ in range(length - 1))
