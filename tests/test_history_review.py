"""Hostile review of tpbis.history: hand-typed cells of the Riwayat tab."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpbis.cli import main
from tpbis.history import HISTORY_COLUMNS, read_history, snapshot_dict
from tpbis.parsing.table import Table

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
numbers = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                    st.text(max_size=5))


def row(indicators: str) -> tuple[object, ...]:
    """One history row whose ``indicators`` cell is ``indicators``."""
    cells: dict[str, object] = {
        "format": "1.1", "run": "r1", "at": "2024-10-02T09:00:00Z", "period": "2024-09", "library_id": "L1",
        "composite": 70.0, "color": "kuning", "indicators": indicators, "counts": "{}", "event": "close",
    }
    return tuple(cells.get(c) for c in HISTORY_COLUMNS)


class TestHandTypedIndicators:
    """JSON accepts NaN and Infinity; a history value never is one."""

    @settings(max_examples=200)
    @given(st.dictionaries(st.text(min_size=1, max_size=8), numbers, max_size=6))
    def test_values_are_finite_and_export_as_strict_json(self, values: dict[str, object]) -> None:
        """Every indicator read is None or a finite number; the export is JSON without NaN."""
        snapshots = read_history(Table(name="Riwayat", header=HISTORY_COLUMNS, rows=[row(json.dumps(values))]))
        indicators = snapshots[0].indicators
        assert all(v is None or math.isfinite(v) for v in indicators.values())
        json.dumps(snapshot_dict(snapshots[0]), allow_nan=False)

    def test_nan_and_infinity_are_dropped(self) -> None:
        """The literal words a hand edit can leave."""
        text = '{"peserta": NaN, "publikasi": Infinity, "kegiatan": -Infinity, "mitra": 3}'
        snapshot = read_history(Table(name="Riwayat", header=HISTORY_COLUMNS, rows=[row(text)]))[0]
        assert {"mitra": 3} == dict(snapshot.indicators)


class TestExportSource:
    """``tpbis history export`` on a wrong SOURCE: one clear message, exit 2."""

    def test_missing_file_is_named(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A missing .xlsx or .csv is 'not found', not 'not a Google Sheets URL'."""
        for name in ("hasil.xlsx", "riwayat.csv"):
            assert 2 == main(["--lang", "en", "history", "export", str(tmp_path / name)])
            assert "not found" in capsys.readouterr().err

    def test_a_responses_csv_is_not_a_history(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A CSV without the history's columns is refused, not exported as an empty history."""
        assert 2 == main(["--lang", "en", "history", "export", str(EXAMPLES / "kepri-2024-responses.csv")])
        assert "Riwayat" in capsys.readouterr().err
