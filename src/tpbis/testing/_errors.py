"""Google-shaped API errors and ids, shared by every API the emulator serves."""

from __future__ import annotations

import random
from typing import Any

__all__ = ["STATUS_BY_CODE", "ApiError", "bad_request", "not_found", "random_id"]

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


def random_id(rng: random.Random, length: int = 44) -> str:
    """A Drive-style file id."""
    return "1" + "".join(rng.choice(_ID_ALPHABET) for _ in range(length - 1))
