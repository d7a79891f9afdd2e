"""Validate an emulator's traffic against Google's discovery documents, and count what was checked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from tpbis.testing import RecordedRequest
from tpbis.testing._discovery import DiscoveryValidator, validate_log

#: API (``sheets``, ``drive``, ``forms``) → request and response bodies validated in this run.
TALLY: Counter[str] = Counter()


def assert_valid(validator: DiscoveryValidator, log: Sequence[RecordedRequest]) -> None:
    """Every request and response body in ``log`` validates; the bodies are counted per API."""
    assert validate_log(validator, log) == []
    for entry in log:
        if entry.fault is None and entry.api_method and not entry.api_method.startswith("oauth2."):
            TALLY[entry.api_method.split(".")[0]] += (entry.body is not None) + (entry.response is not None)
