"""Jury-contest rows: hostile scores and timestamps are problems, never a crash or a hang."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from tpbis.parsing.contests import _score, read_contest_entries
from tpbis.parsing.table import Cell, Table
from tpbis.testing.builders import make_library, make_registry

REGISTRY = make_registry([make_library("desa-a", name="Perpustakaan Desa A")])
HEADER = ("lomba", "perpustakaan", "judul", "tautan", "waktu_kirim", "juri 1")


def _read(*rows: tuple[Cell, ...]) -> list[tuple[int, str]]:
    """(row, code) of every problem, and the rows kept as entries."""
    parsed = read_contest_entries(Table(name="Lomba", header=HEADER, rows=list(rows)), REGISTRY, ["video"])
    return [(p.row, p.code) for p in parsed.problems] + [(e.row, "entry") for e in parsed.entries]


GOOD: tuple[Cell, ...] = ("video", "desa-a", "Film desa", "https://youtu.be/x", "21/09/2024 10:00", "85")


class TestScore:
    """A jury score is a number 0…100; anything else is None, quickly."""

    @pytest.mark.parametrize(("cell", "expected"), [
        ("85", Fraction(85)), ("72,5", Fraction(145, 2)), ("+85", Fraction(85)), (" 1e2 ", Fraction(100)),
        ("17/2", Fraction(17, 2)), (".5", Fraction(1, 2)), (90, Fraction(90)), (12.5, Fraction(25, 2)),
    ])
    def test_read(self, cell: Cell, expected: Fraction) -> None:
        """Decimals with either separator, exponents, ratios and number cells."""
        assert expected == _score(cell)

    @pytest.mark.parametrize("cell", [
        pytest.param("1e999999999", id="huge-exponent"), pytest.param("9" * 5000, id="5000-nines"),
        pytest.param(10**5000, id="int-1e5000"), float("inf"), float("nan"), "5/0", "1.5/2", "-5", "100.5", "abc",
        True, None, dt.date(2024, 1, 1),
    ])
    def test_refused(self, cell: Cell) -> None:
        """Out of range, not a number, or too big to compute at all."""
        assert _score(cell) is None


class TestHostileRows:
    """One bad contest row is that row's problem; the next row is read."""

    @pytest.mark.parametrize("stamp", ["31/12/9999 23:30", "0001-01-01T00:00:00+14:00", dt.datetime(9999, 12, 31)])
    def test_timestamp_outside_the_years(self, stamp: Cell) -> None:
        """A submission time outside 1900…2200 is timestamp_invalid."""
        assert [(2, "contest.timestamp_invalid"), (3, "entry")] == _read((*GOOD[:4], stamp, "85"), GOOD)

    def test_infinite_score(self) -> None:
        """An infinite score cell is score_invalid."""
        assert [(2, "contest.score_invalid"), (3, "entry")] == _read((*GOOD[:5], float("inf")), GOOD)
