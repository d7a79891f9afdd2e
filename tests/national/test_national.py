"""``tpbis nasional`` end to end: real gspread over the in-process emulator, xlsx provinces, failures,
reruns that read only what changed, quotas the limiter and the retries absorb, a bad CONFIG."""

from __future__ import annotations

import csv
import io
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.national.conftest import ManualClock, province_tabs, write_xlsx

from tpbis.cli.main import main
from tpbis.cli.nasional import NationalRun, run_national
from tpbis.config import Settings
from tpbis.domain.period import Period
from tpbis.parsing.table import Table
from tpbis.rubrics import default_rubric
from tpbis.service.national import EXIT_PARTIAL, Status, shortlists
from tpbis.service.options import ReadOptions
from tpbis.service.score import awards_for, inputs_from_tables, score_inputs
from tpbis.testing import FaultRule, SheetsEmulator

NAMES = ("Aceh", "Bali", "Jambi", "Riau", "Papua")
PERIOD = "2024"


def _config(folder: Path, provinces: list[tuple[str, str]], *, output: str | None = None, extra: str = "") -> Path:
    lines = [extra]
    if output is not None:
        lines.append(f'output = "{output}"')
    lines.append('report = "nasional.html"')
    for name, source in provinces:
        lines += ["[[provinsi]]", f'nama = "{name}"', f'spreadsheet = "{source}"']
    path = folder / "nasional.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Country:
    """Five provinces in one emulator, each its own spreadsheet, and a national output spreadsheet."""

    def __init__(self, folder: Path) -> None:
        self.emu = SheetsEmulator()
        self.folder = folder
        self.tabs = {name: province_tabs(f"p{i}", name, every=i + 2) for i, name in enumerate(NAMES)}
        self.keys = {name: self.emu.create_spreadsheet(f"TPBIS {name}", sheets=tabs, time_zone="Asia/Jakarta")
                     for name, tabs in self.tabs.items()}
        self.output = self.emu.create_spreadsheet("Nasional")
        self.err = ""

    def config(self, extra: str = "", provinces: list[tuple[str, str]] | None = None) -> Path:
        return _config(self.folder, provinces or list(self.keys.items()), output=self.output, extra=extra)

    def run(self, config: Path, lang: str = "id", **options: Any) -> NationalRun:
        err = io.StringIO()
        runner = run_national(config, PERIOD, Settings(lang=lang), session_factory=self.emu.session, err=err,
                              **options)
        self.err = err.getvalue()
        return runner

    def sheets_reads(self, key: str) -> int:
        return sum(1 for r in self.emu.requests if r.path.startswith(f"/v4/spreadsheets/{key}") and r.method == "GET")


@pytest.fixture
def country(tmp_path: Path) -> Country:
    return Country(tmp_path)


def _expected(tabs: dict[str, list[list[Any]]]) -> tuple[Counter[str], int, list[tuple[str, int, str]]]:
    """Colours, accepted rows and the award shortlists of one province, by the single-source machinery."""
    tables = {name: Table(name=name, header=tuple(rows[0]), rows=[tuple(r) for r in rows[1:]])
              for name, rows in tabs.items()}
    read = ReadOptions()
    inputs = inputs_from_tables(tables, source="x", read=read, timezone="Asia/Jakarta")
    report = score_inputs(inputs, default_rubric(), [Period.parse(PERIOD)], read=read)
    awards = awards_for(report, inputs)
    colours = Counter(r.color.value for r in report.runs[0].results)
    listed = [(c.category.id, c.level, e.library.id) for c in awards.categories for e in c.shortlist]
    return colours, report.parse.counts.accepted, listed


class TestRollUp:
    def test_five_provinces_end_to_end(self, country: Country) -> None:
        runner = country.run(country.config())
        assert runner.code == 0
        assert [r.status for r in runner.results] == [Status.READ] * 5
        recap = country.emu.values(country.output, "Rekap Provinsi")
        header, rows = recap[0], {row[1]: row for row in recap[1:]}
        for name in NAMES:
            colours, accepted, listed = _expected(country.tabs[name])
            row = rows[name]
            assert row[header.index("hijau")] == colours["hijau"]
            assert row[header.index("merah")] == colours["merah"]
            assert row[header.index("Diterima")] == accepted
            result = next(r for r in runner.results if r.name == name)
            assert [(a.category, a.level, a.library_id) for a in result.awards] == listed
        total = rows["NASIONAL"]
        assert total[header.index("Jumlah perpustakaan")] == sum(rows[n][header.index("Jumlah perpustakaan")]
                                                                 for n in NAMES)

    def test_national_shortlists_rank_across_provinces_by_the_rubric_rules(self, country: Country) -> None:
        runner = country.run(country.config())
        plm = country.emu.values(country.output, "Undangan PLM Nasional")
        header, rows = plm[0], plm[1:]
        assert rows, "hijau level-3 libraries are invited"
        eligible = sum(1 for r in runner.results for a in r.awards if a.category == "plm_nasional")
        assert len(rows) == eligible
        keys = [(-Decimal(str(r[header.index("Skor penghargaan")])), -Decimal(str(r[header.index("Skor")])),
                 -r[header.index("Kegiatan")], r[header.index("ID")]) for r in rows]
        assert keys == sorted(keys)
        assert [r[header.index("Peringkat")] for r in rows] == list(range(1, len(rows) + 1))
        assert {r[header.index("Provinsi")] for r in rows} <= set(NAMES)
        ranked = shortlists(runner.results)
        assert all(len(v) == len({(e.province, e.entry.library_id) for e in v}) for v in ranked.values())

    def test_report_and_marker(self, country: Country) -> None:
        config = country.config()
        country.run(config)
        html = (config.parent / "nasional.html").read_text(encoding="utf-8")
        assert "Rekap Provinsi" in html
        assert "Papua" in html
        assert "<svg" not in html
        assert country.emu.sheet_properties(country.output, "_tpbis_nasional")["hidden"] is True

    def test_english_replaces_the_indonesian_tabs(self, country: Country) -> None:
        config = country.config()
        country.run(config)
        country.run(config, lang="en")
        tabs = country.emu.tabs(country.output)
        assert "Province Recap" in tabs
        assert "National PLM Invitations" in tabs
        assert "Rekap Provinsi" not in tabs
        assert "Sheet1" in tabs


class TestFailures:
    def test_broken_provinces_are_reported_and_the_others_complete(self, country: Country) -> None:
        keys = country.keys
        country.emu.inject(FaultRule(status=403, times=10**6, path_contains=keys["Aceh"]))
        country.emu.delete_spreadsheet(keys["Bali"])
        malformed = country.emu.create_spreadsheet("Rusak", sheets={"Sheet1": [["a"]]})
        provinces = [*keys.items(), ("Maluku", malformed)]
        runner = country.run(country.config(provinces=provinces))
        assert runner.code == EXIT_PARTIAL
        status = {r.name: r.status for r in runner.results}
        assert status == {"Aceh": Status.FAILED, "Bali": Status.FAILED, "Jambi": Status.READ,
                          "Riau": Status.READ, "Papua": Status.READ, "Maluku": Status.FAILED}
        err = country.err
        assert err.count("tpbis: ") == 3
        assert "Aceh" in err
        assert "Bali" in err
        assert "Maluku" in err
        assert "Traceback" not in err
        recap = {row[1]: row for row in country.emu.values(country.output, "Rekap Provinsi")[1:]}
        assert recap["Aceh"][2] == "gagal"
        assert keys["Bali"] in recap["Bali"][-1]
        assert "Respons Formulir 1" in recap["Maluku"][-1]
        assert recap["Jambi"][2] == "dibaca"

    def test_bad_registry_fails_only_that_province(self, country: Country) -> None:
        tabs = province_tabs("zz", "Maluku")
        tabs["Perpustakaan"] = [["id", "nama"], ["x", "Tanpa jenis"]]
        bad = country.emu.create_spreadsheet("Maluku", sheets=tabs)
        runner = country.run(country.config(provinces=[("Jambi", country.keys["Jambi"]), ("Maluku", bad)]))
        assert runner.code == EXIT_PARTIAL
        assert [r.status for r in runner.results] == [Status.READ, Status.FAILED]

    def test_all_failing_remotely_exits_3_and_writes_nothing(self, country: Country, clock: ManualClock) -> None:
        country.emu.inject(FaultRule(status=503, times=10**6, path_contains="/v4/spreadsheets/"))
        runner = country.run(_config(country.folder, list(country.keys.items())), clock=clock, sleep=clock.sleep)
        assert runner.code == 3
        assert not (country.folder / "nasional.html").exists()


class TestRerun:
    def test_a_rerun_reads_only_the_changed_province(self, country: Country) -> None:
        config = country.config()
        first = country.run(config)
        before = {row[1]: row for row in country.emu.values(country.output, "Rekap Provinsi")[1:]}
        changed = country.keys["Riau"]
        country.emu.set_cell(changed, "Respons Formulir 1", 1, 6, 999)  # a participant count, edited by hand
        country.emu.clear_requests()
        again = country.run(config)
        assert again.code == 0
        for name, key in country.keys.items():
            assert country.sheets_reads(key) == (2 if key == changed else 0), name
        assert {r.name: r.status for r in again.results} == {
            n: (Status.READ if n == "Riau" else Status.UNCHANGED) for n in NAMES}
        after = {row[1]: row for row in country.emu.values(country.output, "Rekap Provinsi")[1:]}
        for name in NAMES:
            if name != "Riau":
                assert after[name][4:14] == before[name][4:14], "stored results are used, not dropped"
        assert [r.libraries for r in again.results if r.name != "Riau"] == \
               [r.libraries for r in first.results if r.name != "Riau"]

    def test_without_drive_the_fingerprint_skips_the_scoring(self, country: Country) -> None:
        config = country.config()
        country.run(config)
        country.emu.inject(FaultRule(status=403, times=10**6, path_contains="/drive/v3/files"))
        country.emu.clear_requests()
        again = country.run(config)
        assert again.code == 0
        assert {r.status for r in again.results} == {Status.UNCHANGED}
        assert all(country.sheets_reads(k) == 2 for k in country.keys.values())

    def test_xlsx_provinces(self, tmp_path: Path) -> None:
        files = [(name, str(write_xlsx(tmp_path / f"{name}.xlsx", province_tabs(f"x{i}", name, every=i + 2))))
                 for i, name in enumerate(NAMES[:3])]
        config = _config(tmp_path, [(name, Path(path).name) for name, path in files], output="nasional.xlsx",
                         extra='export = "ekspor"\nformat = "csv"')
        first = run_national(config, PERIOD, err=io.StringIO())
        assert first.code == 0
        assert [r.status for r in first.results] == [Status.READ] * 3
        write_xlsx(tmp_path / "Bali.xlsx", province_tabs("x1", "Bali", every=5))
        again = run_national(config, PERIOD, err=io.StringIO())
        assert [r.status for r in again.results] == [Status.UNCHANGED, Status.READ, Status.UNCHANGED]
        from tpbis.adapters.xlsx import read_workbook

        recap = read_workbook(tmp_path / "nasional.xlsx")["Rekap Provinsi"]
        assert [row[1] for row in recap.rows] == [*NAMES[:3], "NASIONAL"]
        rows = list(csv.DictReader(io.StringIO((tmp_path / "ekspor" / "tpbis-nasional-2024.csv").read_text("utf-8"))))
        assert len(rows) == sum(len(r.libraries) for r in again.results)
        assert rows[0]["period_start"] == "2024-01-01"
        assert rows[0]["period_end"] == "2024-12-31"
        assert {r["province"] for r in rows} == set(NAMES[:3])


class TestQuota:
    def test_the_limiter_keeps_under_the_quota(self, country: Country, clock: ManualClock) -> None:
        quota = country.emu.enforce_quota(reads_per_user=6, reads_per_project=300, clock=clock)
        # one worker: a manual clock moved by one thread's sleep would skew the others' request times
        runner = country.run(country.config(extra="reads_per_minute = 6\nworkers = 1"), clock=clock, sleep=clock.sleep)
        assert runner.code == 0
        assert not quota.refused
        assert not any(r.fault for r in country.emu.requests)
        assert clock.slept >= 60  # 10+ reads at 6 a minute took more than a minute, on the manual clock

    def test_quota_errors_are_absorbed_and_never_shown(self, country: Country, clock: ManualClock) -> None:
        quota = country.emu.enforce_quota(reads_per_user=4, reads_per_project=300, clock=clock)
        runner = country.run(country.config(extra="reads_per_minute = 30"), clock=clock, sleep=clock.sleep,
                             jitter=lambda: 1.0)
        assert sum(quota.refused.values()) > 0, "the emulator refused some reads"
        assert runner.bucket.slowed > 0, "each 429 slowed the shared limiter down"
        assert runner.code == 0
        assert {r.status for r in runner.results} == {Status.READ}
        assert country.err == ""
        refused = [r for r in country.emu.requests if r.fault == "quota"]
        assert refused[0].status == 429
        assert refused[0].response["error"]["status"] == "RESOURCE_EXHAUSTED"


class TestConfig:
    @pytest.mark.parametrize(("text", "needle"), [
        ("[[provinsi]]\nnama = 'A'\n", "spreadsheet"),
        ("output = 'x.xlsx'\n", "[[provinsi]]"),
        ("[[provinsi]]\nnama = 'A'\nspreadsheet = 'a.xlsx'\nwarna = 1\n", "warna"),
        ("[[provinsi]]\nnama = 'A'\nspreadsheet = 'a.xlsx'\n[[provinsi]]\nnama = 'a'\nspreadsheet = 'b.xlsx'\n", "A"),
        ("format = 'xls'\n[[provinsi]]\nnama = 'A'\nspreadsheet = 'a.xlsx'\n", "format"),
        ("workers = 0\n[[provinsi]]\nnama = 'A'\nspreadsheet = 'a.xlsx'\n", "workers"),
        ("not toml [", "TOML"),
    ])
    def test_a_bad_config_exits_2_with_one_message(self, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   text: str, needle: str) -> None:
        path = tmp_path / "nasional.toml"
        path.write_text(text, encoding="utf-8")
        code = main(["nasional", str(path), "--period", PERIOD])
        err = capsys.readouterr().err
        assert code == 2
        assert err.count("\n") == 1
        assert needle in err
        assert "Traceback" not in err

    def test_a_missing_config_exits_2(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["nasional", str(tmp_path / "tidak-ada.toml"), "--period", PERIOD, "--lang", "en"]) == 2
        assert "not found" in capsys.readouterr().err

    def test_an_output_tab_that_is_not_ours_is_never_replaced(self, country: Country) -> None:
        taken = country.emu.create_spreadsheet("Milik orang", sheets={"Rekap Provinsi": [["catatan", "penting"]]})
        country.output = taken
        with pytest.raises(Exception, match="Rekap Provinsi"):
            country.run(country.config())
        assert country.emu.values(taken, "Rekap Provinsi") == [["catatan", "penting"]]


class TestCommand:
    def test_the_command_exits_4_when_a_province_fails(self, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
        write_xlsx(tmp_path / "aceh.xlsx", province_tabs("ac", "Aceh", every=3))
        config = _config(tmp_path, [("Aceh", "aceh.xlsx"), ("Bali", "hilang.xlsx")], output="nasional.xlsx")
        code = main(["nasional", str(config), "--period", PERIOD, "--lang", "en", "--workers", "2"])
        captured = capsys.readouterr()
        assert code == EXIT_PARTIAL
        assert captured.err.count("\n") == 1
        assert "Bali" in captured.err
        assert "hilang.xlsx" in captured.err
        assert "1 provinces read" in captured.out
        assert (tmp_path / "nasional.state.json").exists()
        assert (tmp_path / "nasional.html").exists()

    def test_a_bad_flag_value_exits_2(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        config = _config(tmp_path, [("Aceh", "aceh.xlsx")])
        assert main(["nasional", str(config), "--period", PERIOD, "--reads-per-minute", "1"]) == 2
        assert "--reads-per-minute" in capsys.readouterr().err
