"""tpbis.history: reading the Riwayat rows, the earlier periods, and the comparison."""

from __future__ import annotations

from decimal import Decimal

from tpbis.domain.period import Period
from tpbis.history import (
    HISTORY_COLUMNS,
    Transition,
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
    return tuple(cells[c] for c in HISTORY_COLUMNS)


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
