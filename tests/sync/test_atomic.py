"""The sync's guarantees on Google Sheets (emulator, real gspread): atomic at any size, a real lock, no silent lies."""

from __future__ import annotations

import contextlib
import getpass
import io
import math
import re
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pendulum
import pytest

from tpbis.adapters.sheets import PAYLOAD_LIMIT, RetryPolicy, SheetsWorkbook, open_spreadsheet
from tpbis.cli import main
from tpbis.domain.period import Period
from tpbis.errors import LockError, RemoteError, SourceError
from tpbis.rubrics import default_rubric
from tpbis.service.state import LockRecord, lock_cells
from tpbis.service.sync import SyncOptions, SyncResult, sync
from tpbis.service.workbook import OutputTab
from tpbis.testing import FaultRule, SheetsEmulator, repeat_responses

NOW = pendulum.datetime(2024, 10, 2, 9, 0, tz="UTC")
PERIODS = (Period.parse("2024-09"), Period.parse("2024"))
OUTPUTS = ("Skor KPI", "Rekap Wilayah", "Penghargaan", "Masalah Data")
ENGLISH = ("KPI Scores", "Regional Summary", "Awards", "Data Problems")
#: a payload limit that splits the example's output into several chunks
SMALL = 60_000
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kepri-2024.xlsx"


def options(owner: str = "run-a", **kwargs: Any) -> SyncOptions:
    """September 2024 and the year, under the default rubric, at a fixed instant."""
    kwargs.setdefault("periods", PERIODS)
    kwargs.setdefault("now", NOW)
    return SyncOptions(rubric=default_rubric(), owner=owner, **kwargs)


def workbook(emulator: SheetsEmulator, key: str, *, limit: int = PAYLOAD_LIMIT, attempts: int = 6) -> SheetsWorkbook:
    """The spreadsheet through gspread over the in-process transport, with a no-sleep retry policy."""
    book = open_spreadsheet(
        key, session=emulator.session(), policy=RetryPolicy(attempts=attempts, sleep=lambda _: None)
    )
    book.payload_limit = limit
    return book


def run(emulator: SheetsEmulator, key: str, *, limit: int = PAYLOAD_LIMIT, **kwargs: Any) -> SyncResult:
    """One sync, counting only its own requests."""
    emulator.clear_requests()
    return sync(workbook(emulator, key, limit=limit), options(**kwargs))


def outputs(emulator: SheetsEmulator, key: str, names: tuple[str, ...] = OUTPUTS) -> dict[str, Any]:
    """The visible output tabs' values and the state tab."""
    tabs = emulator.tabs(key)
    return {name: emulator.values(key, name) for name in (*names, "_tpbis") if name in tabs}


def posts(emulator: SheetsEmulator) -> int:
    """How many batchUpdates the emulator saw."""
    return emulator.count("POST", ":batchUpdate")


def lock_tab(run_id: str, heartbeat: pendulum.DateTime) -> OutputTab:
    """A lock tab as a sync that started 30 s before ``heartbeat`` leaves it."""
    record = LockRecord(run=run_id, since=heartbeat.subtract(seconds=30), heartbeat=heartbeat)
    return OutputTab(name="_tpbis_lock", header=("key", "value"), rows=lock_cells(record), hidden=True)


def seed_lock(emulator: SheetsEmulator, key: str, run_id: str, heartbeat: pendulum.DateTime) -> None:
    """Another sync's lock, taken the way tpbis takes it."""
    book = workbook(emulator, key)
    book.info()
    book.lock(lock_tab(run_id, heartbeat), replace=False)


def change_input(emulator: SheetsEmulator, key: str) -> None:
    """Edit one response so that the next sync has something new to write."""
    emulator.set_cell(key, "Respons Formulir 1", 5, 3, "Rapat warga")


@pytest.fixture
def key(emulator: SheetsEmulator, example_tabs: dict[str, list[list[Any]]]) -> str:
    """The example workbook as a Google spreadsheet in Jakarta time."""
    return emulator.create_spreadsheet("TPBIS Kepri 2024", sheets=example_tabs, time_zone="Asia/Jakarta")


class TestAtomicAtAnySize:
    """Readers see the old result or the new one, never a mix, however many requests the write takes."""

    def test_bodies_on_the_wire_stay_under_the_limit(self, emulator: SheetsEmulator, key: str) -> None:
        """Every body requests sends is at most the payload limit, and the chunks are nearly full."""
        book = workbook(emulator, key, limit=SMALL)
        sizes: list[int] = []
        book.http.session.hooks["response"].append(
            lambda r, *_, **__: sizes.append(len(r.request.body)) if r.request.method == "POST" else None
        )
        emulator.clear_requests()
        assert "written" == sync(book, options()).status
        commit = sizes[1:]  # the first POST is the lock
        assert (True, True) == (len(commit) > 3, max(sizes) <= SMALL)
        assert all(size > SMALL * 0.8 for size in commit[:-2])

    def test_chunked_write_equals_one_request(self, emulator: SheetsEmulator, key: str) -> None:
        """The same cells, colours and tab order whether the output is written in one request or staged in many."""
        run(emulator, key)
        whole = outputs(emulator, key)
        order = emulator.tabs(key)
        fill = emulator.background_color(key, "Skor KPI", 1, whole["Skor KPI"][0].index("Warna"))
        run(emulator, key, limit=SMALL, force=True)
        split = outputs(emulator, key)
        assert ({k: v for k, v in whole.items() if k != "_tpbis"}, order) == (
            {k: v for k, v in split.items() if k != "_tpbis"}, emulator.tabs(key)
        )
        assert fill == emulator.background_color(key, "Skor KPI", 1, split["Skor KPI"][0].index("Warna"))
        assert not any(emulator.sheet_properties(key, name).get("hidden") for name in OUTPUTS)

    def test_readers_never_see_a_mix(self, emulator: SheetsEmulator, key: str) -> None:
        """After every request of a chunked sync, the visible outputs are entirely old or entirely new."""
        run(emulator, key, periods=(Period.parse("2024-08"), Period.parse("2024")))
        old = outputs(emulator, key, OUTPUTS)
        seen: list[dict[str, Any]] = []
        book = workbook(emulator, key, limit=SMALL)
        book.http.session.hooks["response"].append(lambda *_, **__: seen.append(outputs(emulator, key)))
        sync(book, options())
        new = outputs(emulator, key)
        assert old != new
        assert [] == [i for i, snapshot in enumerate(seen) if snapshot not in (old, new)]
        assert posts(emulator) > 4

    def test_fault_between_any_two_requests(
        self, emulator: SheetsEmulator, example_tabs: dict[str, list[list[Any]]]
    ) -> None:
        """A request that fails for good at any index leaves the old result whole; the rerun converges."""
        index, expected = 0, None
        while True:
            key = emulator.create_spreadsheet(f"Kepri {index}", sheets=example_tabs, time_zone="Asia/Jakarta")
            run(emulator, key)
            change_input(emulator, key)
            before = outputs(emulator, key)
            emulator.clear_requests()
            emulator.inject(FaultRule(status=500, skip=index, times=1))
            try:
                sync(workbook(emulator, key, limit=SMALL, attempts=1), options(owner="run-b"))
            except RemoteError:
                assert (index, before) == (index, outputs(emulator, key))
                assert (index, ["_tpbis"]) == (index, [t for t in emulator.tabs(key) if t.startswith("_")])
            else:
                break
            emulator.clear_faults()
            assert "written" == run(emulator, key, limit=SMALL, owner="run-c").status
            expected = expected or outputs(emulator, key, OUTPUTS)
            assert (index, expected) == (index, outputs(emulator, key, OUTPUTS))
            index += 1
        assert index >= 5


class TestRequestBudget:
    """2 reads, 1 lock, 1 commit when it fits one body; one more per further chunk; 2 for an unchanged rerun."""

    def budget(
        self, emulator: SheetsEmulator, example_tabs: dict[str, list[list[Any]]], rows: int, limit: int = PAYLOAD_LIMIT
    ) -> None:
        """Sync ``rows`` responses, then rerun unchanged, and check both against the budget.

        After every request, readers see either no result tabs or all of them (with the state).
        """
        responses = example_tabs["Respons Formulir 1"]
        title = responses[0].index("Nama Kegiatan")
        tabs = {**example_tabs, "Respons Formulir 1": repeat_responses(responses, rows, title_column=title)}
        key = emulator.create_spreadsheet("Nasional", sheets=tabs, time_zone="Asia/Jakarta")
        book = workbook(emulator, key, limit=limit)
        sizes: list[int] = []
        visible: list[frozenset[str]] = []

        def hook(response: Any, *_: Any, **__: Any) -> None:
            if response.request.method == "POST":
                sizes.append(len(response.request.body))
                shown = {t for t in emulator.tabs(key) if not emulator.sheet_properties(key, t).get("hidden")}
                visible.append(frozenset(shown & {*OUTPUTS, "_tpbis"}) | (
                    {"_tpbis"} if "_tpbis" in emulator.tabs(key) else set()))

        book.http.session.hooks["response"].append(hook)
        emulator.clear_requests()
        result = sync(book, options())
        chunks = max(1, math.ceil(sum(sizes[1:]) / limit))
        assert (rows, True) == (result.report.parse.counts.rows, max(sizes) <= limit)
        assert {frozenset(), frozenset({*OUTPUTS, "_tpbis"})} >= set(visible)
        assert len(emulator.requests) <= 5 + (chunks - 1)
        assert len(emulator.requests) == 3 + len(sizes) - 1
        second = run(emulator, key)
        assert ("unchanged", ["GET", "GET"]) == (second.status, [r.method for r in emulator.requests])

    def test_one_thousand(self, emulator: SheetsEmulator, example_tabs: dict[str, list[list[Any]]]) -> None:
        """1,000 responses: 4 requests (2 reads, lock, one commit), then 2."""
        self.budget(emulator, example_tabs, 1_000)
        assert 2 == len(emulator.requests)

    @pytest.mark.slow
    def test_fifty_thousand(self, emulator: SheetsEmulator, example_tabs: dict[str, list[list[Any]]]) -> None:
        """50,000 responses: within the budget."""
        self.budget(emulator, example_tabs, 50_000)

    @pytest.mark.slow
    def test_two_hundred_thousand(self, emulator: SheetsEmulator, example_tabs: dict[str, list[list[Any]]]) -> None:
        """200,000 responses staged in 1 MB chunks: within the budget, and atomic for readers."""
        self.budget(emulator, example_tabs, 200_000, limit=1_000_000)
        assert posts(emulator) == 0


class _Gate:
    """A workbook whose lock() waits for the other thread: both syncs have read before either locks."""

    def __init__(self, inner: SheetsWorkbook, barrier: threading.Barrier) -> None:
        self.inner = inner
        self.barrier = barrier

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def lock(self, claim: OutputTab, *, replace: bool, epoch: str = "") -> int:
        self.barrier.wait(timeout=30)
        return self.inner.lock(claim, replace=replace, epoch=epoch)


def together(jobs: list[Callable[[], SyncResult]]) -> list[SyncResult | Exception]:
    """Run the jobs in threads; their results or exceptions, in order."""
    out: list[SyncResult | Exception] = [RuntimeError("not run")] * len(jobs)

    def work(i: int) -> None:
        try:
            out[i] = jobs[i]()
        except Exception as exc:
            out[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return out


class TestLock:
    """A lock with compare-and-swap: titles are unique, and a batchUpdate applies whole or not at all."""

    def test_two_syncs_started_together(self, emulator: SheetsEmulator, key: str) -> None:
        """Both read, both try to lock: exactly one writes; the other stops with exit 3 naming the winner."""
        barrier = threading.Barrier(2)
        results = together([
            lambda run_id=run_id: sync(_Gate(workbook(emulator, key), barrier), options(owner=run_id))  # type: ignore[misc]
            for run_id in ("run-a", "run-b")
        ])
        written = [r for r in results if isinstance(r, SyncResult) and r.status == "written"]
        errors = [r for r in results if isinstance(r, LockError)]
        assert (1, 1) == (len(written), len(errors))
        winner = "run-a" if results[0] is written[0] else "run-b"
        assert (3, True) == (errors[0].exit_code, winner in errors[0].message("en"))
        assert "_tpbis_lock" not in emulator.tabs(key)

    def test_two_breakers_of_one_stale_lock(self, emulator: SheetsEmulator, key: str) -> None:
        """Two syncs break the same dead lock at once: one delete+add applies, the other applies nothing."""
        seed_lock(emulator, key, "run-dead", NOW.subtract(seconds=90))
        barrier = threading.Barrier(2)
        results = together([
            lambda run_id=run_id: sync(_Gate(workbook(emulator, key), barrier), options(owner=run_id))  # type: ignore[misc]
            for run_id in ("run-a", "run-b")
        ])
        assert (1, 1) == (
            sum(isinstance(r, SyncResult) and r.status == "written" for r in results),
            sum(isinstance(r, LockError) for r in results),
        )

    def test_dead_holder_detected_within_a_minute(self, emulator: SheetsEmulator, key: str) -> None:
        """kill -9 30 s ago: the rerun watches the silent lock, breaks it at expiry, and says so."""
        seed_lock(emulator, key, "run-dead", NOW.subtract(seconds=30))
        clock = [NOW]
        waited: list[float] = []

        def sleep(seconds: float) -> None:
            waited.append(seconds)
            clock[0] = clock[0].add(microseconds=int(seconds * 1_000_000))

        emulator.clear_requests()
        result = sync(workbook(emulator, key), options(clock=lambda: clock[0], sleep=sleep))
        assert ("written", "run-dead") == (result.status, result.broken_lock.run if result.broken_lock else "")
        assert 30 <= sum(waited) <= 31

    def test_live_holder_is_not_broken(self, emulator: SheetsEmulator, key: str) -> None:
        """A quiet lock whose heartbeat moves while we watch belongs to a live sync: exit 3, nothing written."""
        seed_lock(emulator, key, "run-live", NOW.subtract(seconds=25))
        clock = [NOW]

        def sleep(seconds: float) -> None:
            clock[0] = clock[0].add(seconds=seconds)
            rows = emulator.values(key, "_tpbis_lock")
            emulator.set_cell(key, "_tpbis_lock", [r[0] for r in rows].index("heartbeat"), 1,
                              clock[0].to_iso8601_string())

        before = outputs(emulator, key)
        with pytest.raises(LockError, match="run-live"):
            sync(workbook(emulator, key), options(clock=lambda: clock[0], sleep=sleep))
        assert before == outputs(emulator, key)

    def test_lock_holds_no_user_or_host(self, emulator: SheetsEmulator, key: str) -> None:
        """The CLI's lock cells say only an opaque run id and instants: no user or host name."""
        emulator.clear_requests()
        code, _ = cli(["sync", key, "--period", "2024-09"])
        texts: list[str] = []
        for entry in emulator.requests:
            for request in (entry.body or {}).get("requests", []) if entry.method == "POST" else []:
                added = request.get("addSheet", {}).get("properties", {})
                if added.get("title") != "_tpbis_lock":
                    continue
                lock_id = added["sheetId"]
                for other in entry.body["requests"]:
                    cells = other.get("updateCells", {})
                    if cells.get("range", {}).get("sheetId") == lock_id:
                        texts += [v["userEnteredValue"]["stringValue"] for row in cells["rows"]
                                  for v in row.get("values", []) if "userEnteredValue" in v]
        keys = {"key", "value", "format", "tpbis-lock/1", "run", "since", "heartbeat"}
        opaque = re.compile(r"run-[0-9a-f]{12}|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
        assert (0, 10) == (code, len(texts))  # header + the format, run, since and heartbeat rows
        assert [] == [text for text in texts if text not in keys and not opaque.fullmatch(text)]
        assert (False, False) == (getpass.getuser() in texts, socket.gethostname() in texts)


class TestCannotMislead:
    """No silent wrong results: periods from the data, no empty overwrite, no stale tabs, hand edits caught."""

    def test_periods_from_the_data(self, emulator: SheetsEmulator, key: str) -> None:
        """Without periods the latest month with reports (none after today) and its year are scored."""
        result = run(emulator, key, periods=())
        assert (True, ["2024-10", "2024"]) == (result.periods_from_data, [r.period.key for r in result.report.runs])
        later = run(emulator, key, periods=(), now=NOW.add(years=2), force=True)
        assert ["2024-12", "2024"] == [r.period.key for r in later.report.runs]

    def test_empty_result_does_not_overwrite(self, emulator: SheetsEmulator, key: str) -> None:
        """A period without activities would turn every library red: refused (exit 2) unless --force."""
        run(emulator, key)
        before = outputs(emulator, key)
        with pytest.raises(SourceError) as info:
            run(emulator, key, periods=(Period.parse("2020"),))
        assert (2, before, 0) == (info.value.exit_code, outputs(emulator, key), posts(emulator))
        assert "written" == run(emulator, key, periods=(Period.parse("2020"),), force=True).status

    def test_language_switch_replaces_the_tabs(self, emulator: SheetsEmulator, key: str) -> None:
        """Indonesian then English: the Indonesian result tabs are removed in the same write."""
        run(emulator, key)
        result = run(emulator, key, lang="en")
        tabs = emulator.tabs(key)
        assert (OUTPUTS, [], True) == (
            result.removed_tabs, [t for t in OUTPUTS if t in tabs], set(ENGLISH) <= set(tabs)
        )
        assert 2 == posts(emulator)

    def test_hand_edit_is_rewritten(self, emulator: SheetsEmulator, key: str) -> None:
        """A cell typed into a result tab: the rerun notices, rewrites it and says which tab; then it is quiet."""
        run(emulator, key)
        before = emulator.values(key, "Skor KPI")
        emulator.set_cell(key, "Skor KPI", 3, 2, "hijau sekali")
        result = run(emulator, key)
        assert ("written", ("Skor KPI",), before) == (result.status, result.edited_tabs, emulator.values(key, "Skor KPI"))
        again = run(emulator, key)
        assert ("unchanged", 2) == (again.status, len(emulator.requests))

    def test_summary_says_what_happened(self, emulator: SheetsEmulator, key: str) -> None:
        """The English summary names the periods chosen, the edited tab and the removed tabs."""
        cli(["sync", key])
        emulator.set_cell(key, "Skor KPI", 3, 2, "x")
        code, out = cli(["--lang", "en", "sync", key])
        assert 0 == code
        assert ("latest month with reports (2024-12)" in out, "'Skor KPI'" in out, "were removed" in out) == (
            True, True, True
        )

    @pytest.mark.parametrize("argv", [
        ["sync", "/nonexistent/kepri.xlsx"],
        ["sync", "EXAMPLE", "--output", "/nonexistent/folder/out.xlsx"],
    ])
    def test_file_and_folder_errors_are_one_message(self, argv: list[str]) -> None:
        """A missing file or output folder: exit 2, one line, no traceback."""
        code, out = cli([str(EXAMPLE) if a == "EXAMPLE" else a for a in argv])
        assert (2, 1, False) == (code, len(out.strip().splitlines()), "Traceback" in out)


def cli(argv: list[str]) -> tuple[int, str]:
    """Run the CLI in-process (the emulator fixture points it at the emulator); (exit code, stdout + stderr)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(argv)
    return code, out.getvalue()


class TestHostileReview:
    """Found by a hostile review of the sync: each was a way to lose a user's tab or a newer result."""

    def test_broken_holder_cannot_delete_a_later_lock(self, emulator: SheetsEmulator, key: str) -> None:
        """A holds the lock, B breaks it and dies, C breaks B's: A's late unlock leaves C's lock alone."""
        books = {run_id: workbook(emulator, key) for run_id in ("run-a", "run-b", "run-c")}
        for n, run_id in enumerate(books):
            books[run_id].info()
            books[run_id].lock(lock_tab(run_id, NOW), replace=n > 0, epoch="same result read")
        books["run-a"].unlock()  # the late, broken holder cleans up what it believes is its lock
        values = emulator.values(key, "_tpbis_lock")
        assert ("_tpbis_lock" in emulator.tabs(key), "run-c") == (True, dict(map(tuple, values[1:]))["run"])

    def test_user_tab_named_like_staging_is_kept(self, emulator: SheetsEmulator, key: str) -> None:
        """A user's '_tpbis_staging_notes' is not a staging tab tpbis made: it survives the sync."""
        book = workbook(emulator, key)
        book.write([OutputTab(name="_tpbis_staging_notes", header=("catatan",), rows=(("jangan hapus",),))])
        assert "written" == run(emulator, key).status
        assert "_tpbis_staging_notes" in emulator.tabs(key)

    def test_state_list_cannot_point_at_a_user_tab(self, emulator: SheetsEmulator, key: str) -> None:
        """A user tab written into _tpbis's 'tabs' row is not removed: only tpbis's own output names are."""
        workbook(emulator, key).write([OutputTab(name="Catatan", header=("catatan",), rows=(("penting",),))])
        assert "written" == run(emulator, key).status
        state = emulator.values(key, "_tpbis")
        row = next(n for n, cells in enumerate(state) if cells and cells[0] == "tabs")
        emulator.set_cell(key, "_tpbis", row + 1, 2, f"{state[row][1]}, Catatan")
        change_input(emulator, key)
        assert "written" == run(emulator, key).status
        assert "Catatan" in emulator.tabs(key)

    def test_heartbeat_far_in_the_future_is_stale(self, emulator: SheetsEmulator, key: str) -> None:
        """A lock whose heartbeat is a day ahead (clock skew, a hand edit) does not block for a day."""
        seed_lock(emulator, key, "run-future", NOW.add(days=1))
        assert "written" == run(emulator, key).status
