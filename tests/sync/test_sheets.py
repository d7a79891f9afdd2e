"""`tpbis sync` over real gspread + google-auth code, against the local Sheets emulator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pendulum
import pytest

from tpbis.adapters.sheets import RetryPolicy, open_spreadsheet, spreadsheet_key
from tpbis.cli import main
from tpbis.domain.period import Period
from tpbis.errors import AuthError, LockError, RemoteError, SourceError
from tpbis.rubrics import default_rubric
from tpbis.service.state import LockRecord, lock_cells
from tpbis.service.sync import SyncOptions, SyncResult, sync
from tpbis.service.workbook import OutputTab
from tpbis.testing import FaultRule, SheetsEmulator

NOW = pendulum.datetime(2024, 10, 2, 9, 0, tz="UTC")
PERIODS = (Period.parse("2024-09"), Period.parse("2024"))
OUTPUTS = ("Skor KPI", "Rekap Wilayah", "Penghargaan", "Masalah Data")


def options(owner: str = "tester", **kwargs: Any) -> SyncOptions:
    """Sync options for the example's September and year."""
    return SyncOptions(periods=PERIODS, rubric=default_rubric(), owner=owner, now=NOW, **kwargs)


def no_sleep() -> RetryPolicy:
    """A retry policy that records its waits instead of sleeping."""
    waits: list[float] = []
    return RetryPolicy(sleep=waits.append, jitter=lambda: 1.0)


def run(emulator: SheetsEmulator, key: str, policy: RetryPolicy | None = None, **kwargs: Any) -> SyncResult:
    """One sync of ``key`` through gspread, counting only its own requests."""
    emulator.clear_requests()
    return sync(open_spreadsheet(key, policy=policy or no_sleep()), options(**kwargs))


def api_calls(emulator: SheetsEmulator) -> list[tuple[str, str]]:
    """(method, last path segment) of each request the emulator saw."""
    return [(r.method, r.path.rsplit("/", 1)[-1].split(":")[-1]) for r in emulator.requests]


@pytest.fixture
def key(emulator: SheetsEmulator, example_tabs: dict[str, list[list[Any]]]) -> str:
    """The example workbook as a Google spreadsheet in Jakarta time."""
    return emulator.create_spreadsheet("TPBIS Kepri 2024", sheets=example_tabs, time_zone="Asia/Jakarta")


class TestFullSync:
    """Read, score and write the output tabs in a fixed number of requests."""

    def test_writes_output_tabs_with_colours(self, emulator: SheetsEmulator, key: str) -> None:
        """The four output tabs and the hidden state appear; colour cells are filled."""
        result = run(emulator, key)
        assert "written" == result.status
        tabs = emulator.tabs(key)
        assert set(OUTPUTS) | {"_tpbis"} <= set(tabs)
        assert emulator.sheet_properties(key, "_tpbis").get("hidden") is True
        scores = emulator.values(key, "Skor KPI")
        color_column = scores[0].index("Warna")
        assert {"hijau", "kuning", "merah"} == {row[color_column] for row in scores[1:]}
        first_green = next(i for i, row in enumerate(scores) if row[color_column] == "hijau")
        fill = emulator.background_color(key, "Skor KPI", first_green, color_column)
        assert fill is not None
        assert fill["green"] > fill["red"]

    def test_same_numbers_as_the_score_command(self, emulator: SheetsEmulator, key: str) -> None:
        """September's colours match `tpbis score` on the same workbook (13/9/11)."""
        result = run(emulator, key)
        september = result.report.runs[0]
        counts = [sum(1 for r in september.results if r.color.value == c) for c in ("hijau", "kuning", "merah")]
        assert [13, 9, 11] == counts
        assert (1843, 1787, 48, 5, 3) == (
            result.report.parse.counts.rows, result.report.parse.counts.accepted,
            result.report.parse.counts.rejected, result.report.parse.counts.duplicates,
            result.report.parse.counts.blank,
        )

    def test_request_budget(self, emulator: SheetsEmulator, key: str) -> None:
        """GET + batchGet, the lock (one addSheet batch), one atomic write that also releases it."""
        run(emulator, key)
        assert [
            ("GET", key), ("GET", "batchGet"), ("POST", "batchUpdate"), ("POST", "batchUpdate"),
        ] == api_calls(emulator)
        assert "_tpbis_lock" not in emulator.tabs(key)

    def test_never_writes_inputs(self, emulator: SheetsEmulator, key: str, example_tabs: dict[str, Any]) -> None:
        """Responses and registry tabs are byte-for-byte what they were."""
        before = {tab: emulator.values(key, tab) for tab in ("Respons Formulir 1", "Perpustakaan")}
        run(emulator, key)
        assert before == {tab: emulator.values(key, tab) for tab in before}


class TestRerun:
    """A rerun on unchanged input converges and changes no cell."""

    def test_unchanged_input_reads_only(self, emulator: SheetsEmulator, key: str) -> None:
        """The second run sends two reads and writes nothing."""
        run(emulator, key)
        second = run(emulator, key, owner="another")
        assert ("unchanged", [("GET", key), ("GET", "batchGet")]) == (second.status, api_calls(emulator))

    def test_forced_rerun_writes_identical_cells(self, emulator: SheetsEmulator, key: str) -> None:
        """--force rewrites, and every output cell is the same as before."""
        run(emulator, key)
        before = {tab: emulator.values(key, tab) for tab in OUTPUTS}
        assert "written" == run(emulator, key, force=True).status
        assert before == {tab: emulator.values(key, tab) for tab in OUTPUTS}

    def test_new_row_is_picked_up(self, emulator: SheetsEmulator, key: str) -> None:
        """A response added after a sync changes the fingerprint and the next run writes."""
        first = run(emulator, key)
        rows = len(emulator.values(key, "Respons Formulir 1"))
        emulator.set_cell(key, "Respons Formulir 1", rows, 1, "x")
        second = run(emulator, key)
        assert ("written", 1) == (second.status, second.report.parse.counts.rows - first.report.parse.counts.rows)

    def test_dry_run_writes_nothing_and_lists_changes(self, emulator: SheetsEmulator, key: str) -> None:
        """--dry-run reads (outputs included) and reports per-tab changes."""
        result = run(emulator, key, dry_run=True)
        assert all(method == "GET" for method, _ in api_calls(emulator))
        assert {c.name: c.rows_before for c in result.changes} == dict.fromkeys(OUTPUTS)
        run(emulator, key)
        again = run(emulator, key, dry_run=True)
        assert {c.name: 0 for c in again.changes} == {c.name: c.rows_changed for c in again.changes}


class TestPayloadLimit:
    """Past the payload limit the write is split, in order, with the same cells as one request."""

    def test_chunked_write_gives_the_same_cells(self, emulator: SheetsEmulator, key: str) -> None:
        """A 20 kB limit splits the output into many batchUpdates; the cells equal an unsplit write."""
        run(emulator, key)
        whole = {tab: emulator.values(key, tab) for tab in (*OUTPUTS, "_tpbis")}
        workbook = open_spreadsheet(key, policy=no_sleep())
        workbook.payload_limit = 20_000
        emulator.clear_requests()
        result = sync(workbook, options(force=True))
        updates = [c for c in api_calls(emulator) if c == ("POST", "batchUpdate")]
        assert ("written", True) == (result.status, len(updates) > 10)
        split = {tab: emulator.values(key, tab) for tab in (*OUTPUTS, "_tpbis")}
        assert {t: v for t, v in whole.items() if t != "_tpbis"} == {t: v for t, v in split.items() if t != "_tpbis"}


class TestRawWrites:
    """Values land as typed values, never as formulas."""

    def test_formula_text_stays_text(self, emulator: SheetsEmulator, key: str) -> None:
        """A participant count typed as =HYPERLINK(…) shows in Masalah Data as text, not a formula."""
        header = emulator.values(key, "Respons Formulir 1")[0]
        row = len(emulator.values(key, "Respons Formulir 1"))
        column = header.index("Jumlah Peserta Laki-laki")
        template = emulator.values(key, "Respons Formulir 1")[1]
        for c, value in enumerate(template):
            emulator.set_cell(key, "Respons Formulir 1", row, c, value)
        formula = '=HYPERLINK("http://contoh.id","12")'
        emulator.set_cell(key, "Respons Formulir 1", row, column, formula)
        run(emulator, key)
        problems = emulator.values(key, "Masalah Data")
        hit = next(i for i, p in enumerate(problems) if p[-1] == formula)
        cell = emulator.cell(key, "Masalah Data", hit, len(problems[0]) - 1)
        assert {"stringValue": formula} == cell["userEnteredValue"]


class TestLock:
    """Two syncs on one spreadsheet don't interleave; the lock is the _tpbis_lock tab."""

    def seed_lock(self, emulator: SheetsEmulator, key: str, run_id: str, heartbeat: pendulum.DateTime) -> None:
        """A lock tab as another sync would have left it."""
        run(emulator, key)
        emulator.set_cell(key, "Respons Formulir 1", 5, 3, "Rapat warga")  # a real change to write
        emulator.clear_requests()
        book = open_spreadsheet(key, policy=no_sleep())
        book.info()
        since = heartbeat.subtract(seconds=30)
        book.lock(lock_tab(run_id, since, heartbeat), replace=False)

    def test_held_lock_stops_with_run_named(self, emulator: SheetsEmulator, key: str) -> None:
        """A live lock of another run: LockError naming the run, since when and the expiry; nothing written."""
        self.seed_lock(emulator, key, "run-7f3a", NOW.subtract(seconds=5))
        with pytest.raises(LockError) as info:
            run(emulator, key)
        message = info.value.message("en")
        assert ("run-7f3a" in message, "2024-10-02T08:59:25Z" in message, "2024-10-02T09:00:55Z" in message) == (
            True, True, True
        )
        assert [] == [c for c in api_calls(emulator) if c[0] == "POST"]
        assert 3 == info.value.exit_code

    def test_stale_lock_is_taken_over(self, emulator: SheetsEmulator, key: str) -> None:
        """A lock whose last heartbeat is over a minute old is broken, and the result says whose it was."""
        self.seed_lock(emulator, key, "run-dead", NOW.subtract(seconds=61))
        result = run(emulator, key)
        assert ("written", "run-dead") == (result.status, result.broken_lock.run if result.broken_lock else None)
        assert "_tpbis_lock" not in emulator.tabs(key)

    def test_break_lock(self, emulator: SheetsEmulator, key: str) -> None:
        """--break-lock takes over a live lock."""
        self.seed_lock(emulator, key, "run-7f3a", NOW.subtract(seconds=5))
        assert "written" == run(emulator, key, break_lock=True).status
        state = dict(([*r, ""])[:2] for r in emulator.values(key, "_tpbis")[1:])
        assert ("complete", False) == (state["status"], "_tpbis_lock" in emulator.tabs(key))


def lock_tab(run_id: str, since: pendulum.DateTime, heartbeat: pendulum.DateTime) -> OutputTab:
    """The lock tab's cells for ``run_id``."""
    record = LockRecord(run=run_id, since=since, heartbeat=heartbeat)
    return OutputTab(name="_tpbis_lock", header=("key", "value"), rows=lock_cells(record), hidden=True)


class TestResilience:
    """Retries with backoff; faults mid-write leave the last result marked; the rerun converges."""

    def test_retry_after_is_honoured(self, emulator: SheetsEmulator, key: str) -> None:
        """A 429 with Retry-After: 7 on the batchGet waits at least 7 s (simulated) and succeeds."""
        emulator.inject(FaultRule(status=429, retry_after=7, times=1, path_contains="values:batchGet"))
        waits: list[float] = []
        policy = RetryPolicy(sleep=waits.append, jitter=lambda: 0.0)
        assert "written" == run(emulator, key, policy=policy).status
        assert [7.0] == waits

    def test_backoff_is_exponential_and_bounded(self, emulator: SheetsEmulator, key: str) -> None:
        """503 forever: waits double (1, 2, 4, …) and the sync stops with a clear error after 6 attempts."""
        emulator.inject(FaultRule(status=503, times=100, method="GET"))
        waits: list[float] = []
        policy = RetryPolicy(sleep=waits.append, jitter=lambda: 1.0)
        with pytest.raises(RemoteError) as info:
            run(emulator, key, policy=policy)
        assert [1.0, 2.0, 4.0, 8.0, 16.0] == waits
        assert "6" in info.value.message("en")
        assert "spreadsheets.get" in info.value.message("en")

    def test_dropped_connection_is_retried(self, emulator: SheetsEmulator, key: str) -> None:
        """A connection dropped on the final write is retried and the write lands once."""
        emulator.inject(FaultRule(drop=True, times=1, skip=2, path_contains=":batchUpdate"))
        assert "written" == run(emulator, key).status
        assert "Skor KPI" in emulator.tabs(key)

    def test_fault_mid_write_then_rerun_converges(self, emulator: SheetsEmulator, key: str) -> None:
        """The final write fails for good: previous outputs and state stay; the lock is released; the rerun fixes it."""
        run(emulator, key)
        before = {tab: emulator.values(key, tab) for tab in OUTPUTS}
        emulator.set_cell(key, "Respons Formulir 1", 5, 3, "Rapat warga")  # a real change
        emulator.inject(FaultRule(status=500, times=6, skip=1, path_contains=":batchUpdate"))
        with pytest.raises(RemoteError):
            run(emulator, key, policy=RetryPolicy(attempts=3, sleep=lambda _: None))
        assert before == {tab: emulator.values(key, tab) for tab in OUTPUTS}
        state_before = emulator.values(key, "_tpbis")
        emulator.clear_faults()
        emulator.clear_requests()
        assert "_tpbis_lock" not in emulator.tabs(key)
        assert "written" == run(emulator, key, owner="tester").status
        state = dict(([*r, ""])[:2] for r in emulator.values(key, "_tpbis")[1:])
        assert ("complete", True) == (state["status"], state_before != emulator.values(key, "_tpbis"))


class TestErrors:
    """Auth and addressing problems give one message that says what to do."""

    def test_unknown_spreadsheet_is_404_message(self, emulator: SheetsEmulator) -> None:
        """A key the account cannot find: SourceError with the key."""
        with pytest.raises(SourceError, match="404"):
            run(emulator, "1" * 44)

    def test_forbidden_names_the_account(self, emulator: SheetsEmulator, key: str) -> None:
        """A 403 says to share the spreadsheet with the account."""
        emulator.inject(FaultRule(status=403, times=1))
        with pytest.raises(AuthError, match="403"):
            run(emulator, key)

    def test_not_a_spreadsheet(self) -> None:
        """Neither a URL nor a key."""
        with pytest.raises(SourceError):
            spreadsheet_key("laporan bulan ini")

    def test_url_is_accepted(self) -> None:
        """A browser URL gives the key."""
        url = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit#gid=0"
        assert "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789" == spreadsheet_key(url)

    def test_missing_credentials_file(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A --credentials path that does not exist: exit 2 and a message naming it, no traceback."""
        monkeypatch.delenv("TPBIS_SHEETS_EMULATOR_HOST", raising=False)
        missing = tmp_path / "kunci.json"
        code, err = cli(["sync", "1" * 44, "--credentials", str(missing)], capture=True)
        assert 2 == code
        assert str(missing) in err
        assert "Traceback" not in err


def cli(argv: list[str], *, capture: bool = False) -> tuple[int, str]:
    """Run the CLI in-process; returns (exit code, stderr)."""
    import contextlib
    import io

    err = io.StringIO()
    out = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(argv)
    return code, err.getvalue() + (out.getvalue() if capture else "")


class TestCommand:
    """`tpbis sync URL` against the emulator through TPBIS_SHEETS_EMULATOR_HOST."""

    def test_json_summary(self, emulator: SheetsEmulator, key: str, capsys: pytest.CaptureFixture[str]) -> None:
        """--format json reports status, counts and colours per period."""
        assert 0 == main(["sync", key, "--period", "2024-09", "--format", "json"])
        document = json.loads(capsys.readouterr().out)
        assert ("written", 1843, {"hijau": 13, "kuning": 9, "merah": 11}) == (
            document["status"], document["counts"]["rows"], document["periods"][0]["colors"],
        )

    def test_english_tabs(self, emulator: SheetsEmulator, key: str, capsys: pytest.CaptureFixture[str]) -> None:
        """--lang en writes English tab names and headers."""
        assert 0 == main(["--lang", "en", "sync", key, "--period", "2024-09"])
        assert "Sync complete" in capsys.readouterr().out
        assert {"KPI Scores", "Data Problems"} <= set(emulator.tabs(key))
        assert "Colour" in emulator.values(key, "KPI Scores")[0]
