"""Replay Google's recorded Sheets/Drive traffic (gspread cassettes) against the emulator.

Each cassette is a list of real requests and Google's real responses. We send
every request, in order, to the emulator (over HTTP, through the same URL
rewriting adapter the integration tests use) and compare status and JSON body
after normalising what is random or time-based: spreadsheet ids and sheet ids
are mapped from recorded to emulator values as they appear, and Drive
timestamps only need to be well-formed. A new episode starts at each Drive
``POST /drive/v3/files``.
"""

# The project convention is `assert expected == actual` (CONVENTIONS.md), which SIM300 calls Yoda.

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from discovery_tally import assert_valid
from tpbis.testing import SheetsEmulator, emulator_session
from tpbis.testing._discovery import DiscoveryValidator


def _find_cassette_dir() -> Path | None:
    # A copy ships in tests/testing/conformance/ (so CI replays them wherever the
    # repository is checked out); ../shared/conformance is the upstream.
    for parent in Path(__file__).resolve().parents:
        for candidate in (parent / "shared" / "conformance" / "gspread-cassettes",
                          parent / "conformance" / "gspread-cassettes"):
            if candidate.is_dir():
                return candidate
    return None


CASSETTE_DIR = _find_cassette_dir()
CASSETTES = sorted(CASSETTE_DIR.glob("*.json")) if CASSETTE_DIR else []

#: Interactions that cannot match, as (cassette stem, interaction index) → reason. Keep it empty if possible.
ALLOWED_MISMATCHES: dict[tuple[str, int], str] = {}

_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
_IGNORED_TIME_KEYS = {"createdTime", "modifiedTime"}


@dataclass
class Episode:
    """Id mappings learnt while replaying one recording episode."""

    spreadsheet_ids: dict[str, str] = field(default_factory=dict)
    sheet_ids: dict[int, int] = field(default_factory=lambda: {0: 0})

    def to_emulator(self, text: str) -> str:
        """Replace recorded spreadsheet ids in a URL or body."""
        for recorded, ours in self.spreadsheet_ids.items():
            text = text.replace(recorded, ours)
        return text

    def map_body(self, value: Any) -> Any:
        """Replace recorded sheet ids in a request body."""
        if isinstance(value, dict):
            return {k: (self.sheet_ids.get(v, v) if k == "sheetId" and isinstance(v, int) else self.map_body(v))
                    for k, v in value.items()}
        if isinstance(value, list):
            return [self.map_body(v) for v in value]
        if isinstance(value, str):
            return self.to_emulator(value)
        return value


def compare(expected: Any, actual: Any, episode: Episode, path: str = "$") -> list[str]:
    """Differences between Google's body and ours, learning sheet-id mappings on the way."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        diffs: list[str] = []
        for key in sorted(set(expected) | set(actual)):
            where = f"{path}.{key}"
            if key not in actual:
                diffs.append(f"{where}: missing (Google: {json.dumps(expected[key])[:80]})")
            elif key not in expected:
                diffs.append(f"{where}: unexpected {json.dumps(actual[key])[:80]}")
            elif key in _IGNORED_TIME_KEYS:
                if not (isinstance(actual[key], str) and _TIMESTAMP.match(actual[key])):
                    diffs.append(f"{where}: not an RFC 3339 timestamp: {actual[key]!r}")
            elif key == "sheetId" and isinstance(expected[key], int) and isinstance(actual[key], int):
                bound = episode.sheet_ids.setdefault(expected[key], actual[key])
                if bound != actual[key]:
                    diffs.append(f"{where}: {actual[key]} but recorded {expected[key]} maps to {bound}")
            else:
                diffs += compare(expected[key], actual[key], episode, where)
        return diffs
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: length {len(actual)} != Google's {len(expected)}: {json.dumps(actual)[:120]}"]
        return [d for i, (e, a) in enumerate(zip(expected, actual, strict=True)) for d in compare(e, a, episode, f"{path}[{i}]")]
    if isinstance(expected, str):
        expected = episode.to_emulator(expected)
    if type(expected) is not type(actual) and not (isinstance(expected, int | float) and isinstance(actual, int | float)
                                                   and not isinstance(expected, bool) and not isinstance(actual, bool)):
        return [f"{path}: {actual!r} ({type(actual).__name__}) != Google's {expected!r} ({type(expected).__name__})"]
    return [] if expected == actual else [f"{path}: {actual!r} != Google's {expected!r}"]


@dataclass
class Outcome:
    """The result of replaying one interaction."""

    index: int
    request: str
    diffs: list[str]


def replay(cassette: Path, emu: SheetsEmulator) -> list[Outcome]:
    """Replay a cassette in order; one outcome per interaction."""
    interactions = json.loads(cassette.read_text(encoding="utf-8"))["interactions"]
    outcomes: list[Outcome] = []
    episode = Episode()
    with emulator_session(emu.base_url) as session:
        for index, interaction in enumerate(interactions):
            req, res = interaction["request"], interaction["response"]
            method, uri = req["method"], req["uri"]
            is_create = method == "POST" and urlsplit(uri).path == "/drive/v3/files"
            if is_create:
                episode = Episode()
            body = req.get("body")
            data = None
            if body:
                text = body if isinstance(body, str) else body.decode("utf-8")
                data = json.dumps(episode.map_body(json.loads(text))).encode("utf-8")
            response = session.request(method, episode.to_emulator(uri), data=data,
                                       headers={"Content-Type": "application/json"} if data else {})
            expected_text = res["body"]["string"]
            expected = json.loads(expected_text) if expected_text.strip() else None
            actual = response.json() if response.content else None
            diffs: list[str] = []
            if response.status_code != res["status"]["code"]:
                diffs.append(f"status {response.status_code} != Google's {res['status']['code']}")
            if is_create and isinstance(expected, dict) and isinstance(actual, dict) and "id" in actual:
                episode.spreadsheet_ids[expected["id"]] = actual["id"]
            diffs += compare(expected, actual, episode)
            outcomes.append(Outcome(index, f"{method} {urlsplit(uri).path}", diffs))
    return outcomes


@pytest.mark.skipif(CASSETTE_DIR is None, reason="shared/conformance/gspread-cassettes not found above tests/")
class TestConformance:
    """The emulator answers like Google did in every recorded interaction."""

    @pytest.mark.parametrize("cassette", CASSETTES, ids=lambda p: p.stem)
    def test_cassette_replays(self, cassette: Path, conformance_stats: dict[str, tuple[int, int]],
                              discovery: DiscoveryValidator) -> None:
        """Every interaction matches Google's status and body (or is allow-listed with a reason)."""
        with SheetsEmulator() as emu:
            outcomes = replay(cassette, emu)
        passed = sum(1 for o in outcomes if not o.diffs)
        conformance_stats[cassette.stem] = (passed, len(outcomes))
        failures = [f"#{o.index} {o.request}: {d}" for o in outcomes if o.diffs
                    and (cassette.stem, o.index) not in ALLOWED_MISMATCHES for d in o.diffs]
        assert [] == failures
        assert_valid(discovery, emu.requests)

    def test_allow_list_is_current(self) -> None:
        """Every allow-listed mismatch names an existing cassette interaction and a reason."""
        stems = {p.stem for p in CASSETTES}
        assert [] == [key for key, reason in ALLOWED_MISMATCHES.items() if key[0] not in stems or not reason]

    def test_all_cassettes_found(self) -> None:
        """The replay covers the whole recorded corpus, not a silently empty directory."""
        assert len(CASSETTES) >= 20
