"""The emulator's per-minute Sheets quotas (Google: 60 reads per minute per user, 300 per project) and
Drive ``modifiedTime`` moving when a spreadsheet's values change."""

from __future__ import annotations

import time

from tpbis.testing import SheetsEmulator


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _get(session, sid: str, token: str | None = None):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return session.get(f"https://sheets.googleapis.com/v4/spreadsheets/{sid}", headers=headers)


def test_reads_over_the_per_user_limit_get_googles_429() -> None:
    clock = Clock()
    emu = SheetsEmulator()
    sid = emu.create_spreadsheet("A")
    quota = emu.enforce_quota(reads_per_user=3, reads_per_project=300, clock=clock)
    session = emu.session()
    statuses = [_get(session, sid).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    body = _get(session, sid).json()["error"]
    assert body["code"] == 429
    assert body["status"] == "RESOURCE_EXHAUSTED"
    assert "Read requests per minute per user" in body["message"]
    info = body["details"][0]
    assert info["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
    assert info["reason"] == "RATE_LIMIT_EXCEEDED"
    assert info["metadata"]["quota_limit"] == "ReadRequestsPerMinutePerUser"
    assert info["metadata"]["quota_limit_value"] == "3"
    assert quota.refused[("read", "user")] == 3
    assert [r.fault for r in emu.requests].count("quota") == 3


def test_the_window_slides_with_the_injected_clock() -> None:
    clock = Clock()
    emu = SheetsEmulator()
    sid = emu.create_spreadsheet("A")
    emu.enforce_quota(reads_per_user=2, clock=clock)
    session = emu.session()
    assert _get(session, sid).status_code == 200
    clock.now = 30
    assert _get(session, sid).status_code == 200
    assert _get(session, sid).status_code == 429
    clock.now = 60.5  # the first read left the window, the second has not
    assert _get(session, sid).status_code == 200
    assert _get(session, sid).status_code == 429
    clock.now = 91
    assert _get(session, sid).status_code == 200


def test_users_have_their_own_limit_and_share_the_project_one() -> None:
    clock = Clock()
    emu = SheetsEmulator()
    sid = emu.create_spreadsheet("A")
    emu.enforce_quota(reads_per_user=2, reads_per_project=3, clock=clock)
    session = emu.session()
    assert [_get(session, sid, "a").status_code for _ in range(3)] == [200, 200, 429]
    assert _get(session, sid, "b").status_code == 200
    over = _get(session, sid, "c")
    assert over.status_code == 429
    assert "Read requests per minute'" in over.json()["error"]["message"]


def test_writes_drive_and_unlimited_kinds_are_not_counted() -> None:
    clock = Clock()
    emu = SheetsEmulator()
    sid = emu.create_spreadsheet("A")
    emu.enforce_quota(reads_per_user=1, clock=clock)
    session = emu.session()
    assert _get(session, sid).status_code == 200
    drive = session.get(f"https://www.googleapis.com/drive/v3/files/{sid}", params={"fields": "modifiedTime"})
    assert drive.status_code == 200
    write = session.put(f"https://sheets.googleapis.com/v4/spreadsheets/{sid}/values/Sheet1!A1",
                        params={"valueInputOption": "RAW"}, json={"values": [["x"]]})
    assert write.status_code == 200
    assert _get(session, sid).status_code == 429


def test_modified_time_moves_when_values_change() -> None:
    emu = SheetsEmulator()
    sid = emu.create_spreadsheet("A", sheets={"T": [["a"]]})
    other = emu.create_spreadsheet("B", sheets={"T": [["a"]]})
    session = emu.session()

    def modified(key: str) -> str:
        reply = session.get(f"https://www.googleapis.com/drive/v3/files/{key}", params={"fields": "modifiedTime"})
        assert set(reply.json()) == {"modifiedTime"}
        return str(reply.json()["modifiedTime"])

    first, untouched = modified(sid), modified(other)
    assert modified(sid) == first  # reading changes nothing
    _get(session, sid)
    assert modified(sid) == first
    time.sleep(0.002)
    session.put(f"https://sheets.googleapis.com/v4/spreadsheets/{sid}/values/T!A1",
                params={"valueInputOption": "RAW"}, json={"values": [["b"]]})
    second = modified(sid)
    assert second > first
    emu.set_cell(sid, "T", 0, 0, "c")
    assert modified(sid) > second
    assert modified(other) == untouched
