"""``tpbis report``: writes one HTML file and says where."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tpbis.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kepri-2024.xlsx"


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in an empty folder so no tpbis.toml is picked up."""
    monkeypatch.chdir(tmp_path)


class TestReportCommand:
    """The command line."""

    def test_writes_the_file_and_one_line(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Exit 0, the file exists (folders created), and the last line names it."""
        output = tmp_path / "build" / "laporan.html"
        code = main(["report", str(EXAMPLE), "--period", "2024-09", "--output", str(output)])
        out = capsys.readouterr().out
        assert (0, f"Laporan ditulis ke {output}\n") == (code, out)
        assert output.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    def test_default_name_from_period(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Without --output the file is laporan-<period>.html in the current folder."""
        assert 0 == main(["report", str(EXAMPLE), "--period", "2024-Q3"])
        assert "Laporan ditulis ke laporan-2024-Q3.html\n" == capsys.readouterr().out
        assert (tmp_path / "laporan-2024-Q3.html").is_file()

    @pytest.mark.parametrize("argv", [
        ["report", "SRC", "--period", "2024-09", "--lang", "en"],
        ["--lang", "en", "report", "SRC", "--period", "2024-09"],
    ])
    def test_english(self, argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--lang en, before or after the command, gives an English report and message."""
        argv = [str(EXAMPLE) if a == "SRC" else a for a in argv] + ["-o", "r.html"]
        assert 0 == main(argv)
        assert "Report written to r.html\n" == capsys.readouterr().out
        assert '<html lang="en">' in (tmp_path / "r.html").read_text(encoding="utf-8")

    def test_bad_period_exits_2(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An unknown period is one message and exit code 2, no file."""
        assert 2 == main(["report", str(EXAMPLE), "--period", "2024-13", "-o", "r.html"])
        assert "Periode '2024-13' tidak dikenali" in capsys.readouterr().err
        assert not Path("r.html").exists()

    def test_unwritable_output_exits_2(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """An output under a plain file is one message naming the path, exit code 2."""
        (tmp_path / "berkas").write_text("x", encoding="utf-8")
        target = tmp_path / "berkas" / "r.html"
        assert 2 == main(["--lang", "en", "report", str(EXAMPLE), "--period", "2024-09", "-o", str(target)])
        err = capsys.readouterr().err
        assert f"Cannot write the report to '{target}'" in err


@pytest.mark.parametrize(("cards", "planned"), [(False, False), (True, True)])
def test_plans_are_made_only_for_what_shows_them(cards: bool, planned: bool, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The default overview shows no plans, so none is searched (seconds at national scale); the cards show
    each library's plan."""
    from tpbis.domain.plan import Planner

    calls: list[str] = []
    plan = Planner.plan

    def counting(self: Planner, result: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(result.library.id)
        return plan(self, result, *args, **kwargs)

    monkeypatch.setattr(Planner, "plan", counting)
    output = tmp_path / "laporan.html"
    assert 0 == main(["report", str(EXAMPLE), "--period", "2024-09", "--output", str(output),
                      *(["--cards"] if cards else [])])
    assert planned == bool(calls)
    assert ("Adakan " in output.read_text(encoding="utf-8")) == planned


def test_a_period_asked_for_twice_is_scored_once() -> None:
    """The report asks for its period and the year to date, the same period for a yearly report: one run."""
    from tpbis.domain.period import Period
    from tpbis.rubrics import default_rubric
    from tpbis.service import score_inputs
    from tpbis.sources import load_inputs

    year = Period.parse("2024")
    report = score_inputs(load_inputs(str(EXAMPLE)), default_rubric(), [year, Period.parse("2024-09"), year])
    assert report.runs[0] is report.runs[2]
    assert report.runs[0] is not report.runs[1]


def test_a_lone_surrogate_half_is_written_as_its_escape(tmp_path: Path) -> None:
    """A Sheets cell cut inside an emoji gives a name no UTF-8 file can hold: the rapor writes its escape."""
    from tpbis.cli.rapor import _write

    path = tmp_path / "rapor.txt"
    _write(path, "Perpustakaan Desa \ud83d")
    assert "Perpustakaan Desa \\ud83d" == path.read_text(encoding="utf-8")
