"""tpbis.history: reading the Riwayat rows, the earlier periods, and the comparison."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tpbis.domain.period import Period
from tpbis.history import (
    FORMAT,
    HISTORY_COLUMNS,
    Event,
    Transition,
    closures,
    latest_snapshots,
    previous_period,
    read_history,
    year_earlier,
)
from tpbis.parsing.table import Table


def row(run: str, period: str, library: str, composite: object = 70.0, **extra: object) -> tuple[object, ...]:
    """One history row in the documented column order."""
    cells: dict[str, object] = {
        "format": "1", "run": run, "at": "2024-10-02T09:00:00Z", "tpbis": "0.3", "period": period,
        "rubric": "tpbis-default@1", "digest": "abc", "fingerprint": "f", "library_id": library,
        "composite": composite, "color": "kuning", "indicators": '{"kegiatan":4}', "counts": '{"rows":10}',
    } | extra
    return tuple(cells.get(c) for c in HISTORY_COLUMNS)


class TestReadHistory:
    """Rows read by header name; unreadable cells empty; unknown formats skipped."""

    def test_reads_a_row(self) -> None:
        """Every column comes back typed."""
        snapshot = read_history(Table(name="Riwayat", header=HISTORY_COLUMNS, rows=[row("r1", "2024-09", "L1")]))[0]
        assert (Decimal("70.0"), "kuning", {"kegiatan": 4}, {"rows": 10}) == (
            snapshot.composite, snapshot.color.value if snapshot.color else None, snapshot.indicators, snapshot.counts)

    def test_columns_by_name_and_extra_columns(self) -> None:
        """A later tpbis's extra column and a different order do not matter."""
        header = ("later", *reversed(HISTORY_COLUMNS))
        rows = [("x", *reversed(row("r1", "2024-09", "L1", composite="62,5")))]
        assert [Decimal("62.5")] == [s.composite for s in read_history(Table(name="R", header=header, rows=rows))]

    def test_bad_cells_and_rows(self) -> None:
        """Bad JSON → empty; no library → skipped; format 2 → skipped."""
        rows = [row("r1", "2024-09", "L1", indicators="{oops"), row("r1", "2024-09", ""),
                row("r1", "2024-09", "L2", format="2")]
        found = read_history(Table(name="R", header=HISTORY_COLUMNS, rows=rows))
        assert [("L1", {})] == [(s.library_id, dict(s.indicators)) for s in found]

    def test_latest_run_wins(self) -> None:
        """The snapshot of a period comes from the latest run that published it."""
        rows = [row("r1", "2024-09", "L1", 50.0), row("r2", "2024-09", "L1", 60.0), row("r2", "2024-08", "L1")]
        found = latest_snapshots(read_history(Table(name="R", header=HISTORY_COLUMNS, rows=rows)), "2024-09")
        assert Decimal("60.0") == found["L1"].composite


#: the columns of history format 1, before ``event`` existed
FORMAT_1_COLUMNS = (
    "format", "run", "at", "tpbis", "period", "rubric", "digest", "fingerprint",
    "library_id", "composite", "color", "indicators", "counts",
)


class TestFormatEvolution:
    """Format 1.1 adds ``event``; rows written before it still read, and unknown events are skipped."""

    def test_format_1_rows_read_as_syncs(self) -> None:
        """A tab written by format 1 (no event column) reads every row as a sync."""
        assert ("1.2", FORMAT_1_COLUMNS) == (FORMAT, HISTORY_COLUMNS[: len(FORMAT_1_COLUMNS)])
        rows = [row("r1", "2024-09", "L1")[: len(FORMAT_1_COLUMNS)], row("r1", "2024-09", "L2")[:-1]]
        found = read_history(Table(name="R", header=FORMAT_1_COLUMNS, rows=rows))
        assert [("L1", Event.SYNC, "1"), ("L2", Event.SYNC, "1")] == [(s.library_id, s.event, s.format) for s in found]

    def test_mixed_rows_and_unknown_event(self) -> None:
        """Old rows under the new header, a blank event, and a later tpbis's event 'note' (skipped)."""
        rows = [row("r1", "2024-09", "L1"), row("r2", "2024-09", "L1", format="1.1", event=""),
                row("r3", "2024-09", "L1", format="1.2", event="note"),
                row("r4", "2024-09", "L1", format="1.1", event="CLOSE")]
        found = read_history(Table(name="R", header=HISTORY_COLUMNS, rows=rows))
        assert [("r1", Event.SYNC), ("r2", Event.SYNC), ("r4", Event.CLOSE)] == [(s.run, s.event) for s in found]

    def test_closures_follow_the_last_event(self) -> None:
        """close → closed at that run's values; reopen → open; a second close → closed again."""
        def table(*events: tuple[str, str, float]) -> Table:
            return Table(name="R", header=HISTORY_COLUMNS, rows=[
                row(run, "2024-09", "L1", value, format="1.1", event=event) for run, event, value in events])

        closed = closures(read_history(table(("r1", "sync", 50.0), ("c1", "close", 50.0))))
        assert ("c1", Decimal("50.0")) == (closed["2024-09"].run, closed["2024-09"].snapshots["L1"].composite)
        assert {} == closures(read_history(table(("c1", "close", 50.0), ("o1", "reopen", 50.0))))
        again = closures(read_history(table(("c1", "close", 50.0), ("o1", "reopen", 50.0), ("r2", "sync", 60.0),
                                            ("c2", "close", 60.0))))
        assert ("c2", Decimal("60.0")) == (again["2024-09"].run, again["2024-09"].snapshots["L1"].composite)


class TestEarlierPeriods:
    """The previous period of the same length and the same period a year earlier."""

    def test_previous(self) -> None:
        """Month, quarter, semester, year and a range each step back by their own length."""
        keys = [previous_period(Period.parse(k)).key for k in ("2024-01", "2024-Q1", "2024-S2", "2024",
                                                                "2024-03-01..2024-03-10")]
        assert ["2023-12", "2023-Q4", "2024-S1", "2023", "2024-02-20..2024-02-29"] == keys

    def test_year_earlier(self) -> None:
        """The same period one year back (29 February → 28 February)."""
        keys = [year_earlier(Period.parse(k)).key for k in ("2024-09", "2024-Q3", "2024-02-01..2024-02-29")]
        assert ["2023-09", "2023-Q3", "2023-02-01..2023-02-28"] == keys

    def test_transition_messages(self) -> None:
        """Each move renders in both languages."""
        assert [("naik", "up"), ("turun", "down"), ("tetap", "same")] == [
            (t.message.render("id"), t.message.render("en")) for t in Transition]


class TestHostileHistory:
    """A hand-edited Riwayat tab: any text in format, event, run or period never stops reading or closures."""

    @settings(max_examples=200, deadline=None)
    @given(cells=st.lists(st.tuples(st.sampled_from(["1", "1.1", "2", "", "format", "1.x"]),
                                    st.text(max_size=8), st.text(max_size=8),
                                    st.sampled_from(["sync", "close", "reopen", "", "CLOSE", "note"]),
                                    st.one_of(st.none(), st.floats(allow_nan=True), st.text(max_size=5))),
                          max_size=12))
    def test_any_cells(self, cells: list[tuple[str, str, str, str, object]]) -> None:
        """Rows read are of a known major format and event; every closure is of a period read."""
        rows = [row(run or "r", period or "2024-09", "L1", composite, format=fmt, event=event)
                for fmt, run, period, event, composite in cells]
        found = read_history(Table(name="R", header=HISTORY_COLUMNS, rows=rows))
        assert all(s.format.split(".")[0] == "1" for s in found)
        assert set(closures(found)) <= {s.period for s in found if s.event is Event.CLOSE}
