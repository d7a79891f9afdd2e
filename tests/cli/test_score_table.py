"""`tpbis score`'s table: ids and kabupaten/kota, fits the terminal, rows never alike, plans in plain words."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib.metadata import version
from pathlib import Path

import pytest

from tpbis.cli import main
from tpbis.domain.kpi import KpiRun
from tpbis.domain.period import Period
from tpbis.domain.plan import Plan, plans_for
from tpbis.render.text import kpi_table
from tpbis.rubrics import default_rubric
from tpbis.service import score_inputs
from tpbis.sources import load_inputs

ROOT = Path(__file__).resolve().parents[2]
WORKBOOK = str(ROOT / "examples" / "kepri-2024.xlsx")
DINAS = "Dinas Perpustakaan dan Kearsipan"


@cache
def september() -> tuple[KpiRun, dict[str, Plan]]:
    """The example workbook scored for September 2024, with its plans."""
    rubric = default_rubric()
    report = score_inputs(load_inputs(WORKBOOK, rubric=rubric), rubric, [Period.parse("2024-09")])
    run = report.runs[0]
    return run, plans_for(run, report.parse.activities)


def row_lines(table: str, run: KpiRun) -> dict[str, str]:
    """The table line of each library, by id."""
    lines = table.splitlines()
    return {r.library.id: next(line for line in lines if line.startswith(r.library.id + " ")) for r in run.results}


class TestTableRows:
    """Every row shows the id and the kabupaten/kota; no two rows look alike."""

    @pytest.mark.parametrize("width", [60, 80, 100, 120, 160, 240])
    def test_dinas_rows_are_distinct_at_every_width(self, width: int) -> None:
        """The seven Dinas Perpustakaan dan Kearsipan rows differ, and every line fits the width."""
        run, plans = september()
        table = kpi_table(run, "id", color=False, width=width, plans=plans)
        rows = row_lines(table, run)
        dinas = [rows[r.library.id] for r in run.results if r.library.name.startswith(DINAS)]
        assert 7 == len(dinas) == len(set(dinas))
        assert len(rows) == len(set(rows.values()))
        longest = max(len(line) for line in table.splitlines())
        assert longest <= max(width, len(max(rows, key=len)) + 40)
        if width >= 80:
            assert longest <= width

    def test_regency_and_name_shown_when_wide(self) -> None:
        """A wide terminal shows whole names and the kabupaten/kota ("Kabupaten" as "Kab.")."""
        run, _ = september()
        rows = row_lines(kpi_table(run, "id", color=False, width=240), run)
        assert re.match(r"kab-bintan +Dinas Perpustakaan dan Kearsipan Kabupaten Bintan +Kab\. Bintan +3/6 ",
                        rows["kab-bintan"])

    def test_names_are_cut_in_the_middle(self) -> None:
        """When space runs out, a name keeps its start and its distinguishing end around "…"."""
        run, _ = september()
        rows = row_lines(kpi_table(run, "id", color=False, width=120), run)
        assert "…" in rows["kab-bintan"]
        assert "Bintan" in rows["kab-bintan"].split("…", 1)[1]

    def test_narrow_terminal_drops_indicator_columns(self) -> None:
        """Too narrow for the indicators: composite and colour only, and a note saying how to see the rest."""
        run, _ = september()
        table = kpi_table(run, "en", color=False, width=70)
        assert re.search(r"^kab-bintan .* 50\.0  yellow$", table, re.MULTILINE)
        assert "3/6" not in table
        assert "The terminal is too narrow for the indicator details" in table

    def test_legend_names_indicators_in_words(self) -> None:
        """The legend explains the short column names with the rubric's labels, not ids."""
        run, _ = september()
        table = kpi_table(run, "en", color=False, width=200)
        assert "Eng = Community engagement activities" in table
        assert "kegiatan_pelibatan" not in table


class TestTablePlans:
    """Below each non-green library, its plan's first option in plain words."""

    def test_plan_under_each_non_green_row(self) -> None:
        """The line after a non-green row starts the plan; a green row is followed by the next row."""
        run, plans = september()
        lines = kpi_table(run, "id", color=False, width=200, plans=plans).splitlines()
        for result in run.results:
            at = next(n for n, line in enumerate(lines) if line.startswith(result.library.id + " "))
            follower = lines[at + 1]
            if result.color.value == "hijau":
                assert not follower.startswith("    →")
            else:
                assert follower.startswith("    → Adakan ")

    def test_first_option_text(self) -> None:
        """The words are the first option's, wrapped under the row."""
        run, plans = september()
        table = kpi_table(run, "en", color=False, width=400, plans=plans)
        expected = plans["desa-busung"].options[0].message.render("en")
        assert f"    → {expected}" in table.splitlines()


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one in-process run."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


class TestScoreCommand:
    """`tpbis score`: several periods honoured, JSON with plans, `--version`."""

    def test_repeated_period_gives_a_table_each(self, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
        """Two --period flags: two tables, in the order given, and colours per period."""
        monkeypatch.setenv("COLUMNS", "200")
        code, out, _ = run_cli(capsys, "score", WORKBOOK, "--period", "2024-09", "--period", "2024-Q3")
        titles = [line for line in out.splitlines() if line.startswith("tpbis-default@1 · ")]
        stamp = "tpbis-default@1 · sha256:85e0eae43372"
        assert (0, [f"{stamp} · September 2024", f"{stamp} · Triwulan III 2024"]) == (code, titles)
        assert "September 2024: Warna: 13 hijau, 9 kuning, 11 merah." in out

    def test_repeated_period_json_is_a_list(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Several periods: a list of SPEC §7 documents, one per period."""
        code, out, _ = run_cli(capsys, "score", WORKBOOK, "--period", "2024-09", "--period", "2024",
                               "--format", "json")
        documents = json.loads(out)
        assert (0, ["2024-09-30", "2024-12-31"]) == (code, [d["period"]["end"] for d in documents])

    def test_single_period_json_is_one_document_with_plans(self, capsys: pytest.CaptureFixture[str]) -> None:
        """One period: the single document as before, each result with its plan."""
        code, out, _ = run_cli(capsys, "score", WORKBOOK, "--period", "2024-09", "--format", "json")
        document = json.loads(out)
        statuses = {r["plan_status"] for r in document["results"]}
        assert (0, "2024-09-01") == (code, document["period"]["start"])
        assert statuses <= {"top", "period_ended", "ok"}
        assert all(r["plan"] for r in document["results"] if r["color"] != "hijau")

    def test_repeated_period_csv_has_rows_per_period(self, capsys: pytest.CaptureFixture[str]) -> None:
        """CSV: one header, a row per library and period."""
        code, out, _ = run_cli(capsys, "score", WORKBOOK, "--period", "2024-09", "--period", "2024-Q3",
                               "--format", "csv")
        lines = out.strip().splitlines()
        assert (0, 1 + 2 * 33) == (code, len(lines))

    def test_version_from_package_metadata(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`tpbis --version` prints the installed version and exits 0."""
        with pytest.raises(SystemExit) as exit_info:
            main(["--version"])
        assert (0, f"tpbis {version('tpbis')}\n") == (exit_info.value.code, capsys.readouterr().out)
