"""Hostile-review regressions for ``tpbis nasional``: inputs never overwritten, never counted twice,
never silently stale."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from tests.national.conftest import province_tabs, write_xlsx

from tpbis.cli.main import main
from tpbis.cli.nasional import run_national
from tpbis.config import Settings
from tpbis.service.national import Status
from tpbis.testing import SheetsEmulator

PERIOD = "2024"
KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"


def _write(folder: Path, top: str, provinces: list[tuple[str, str]], extra: str = "") -> Path:
    lines = [top]
    for name, source in provinces:
        lines += ["[[provinsi]]", f'nama = "{name}"', f'spreadsheet = "{source}"', extra]
    path = folder / "nasional.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class TestInputsAreNeverOutputs:
    @pytest.mark.parametrize(("top", "provinces", "needle"), [
        ('output = "aceh.xlsx"', [("Aceh", "aceh.xlsx"), ("Bali", "bali.xlsx")], "output"),
        ('output = "./sub/../aceh.xlsx"', [("Aceh", "aceh.xlsx")], "output"),
        (f'output = "{KEY}"', [("Aceh", f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0")], "output"),
        ('report = "bali.xlsx"', [("Aceh", "aceh.xlsx"), ("Bali", "bali.xlsx")], "report"),
        ('report = "nasional.toml"', [("Aceh", "aceh.xlsx")], "report"),
        ('report = "nasional.state.json"', [("Aceh", "aceh.xlsx")], "report"),
        ('output = "hasil.xlsx"\nreport = "hasil.xlsx"', [("Aceh", "aceh.xlsx")], "report"),
    ])
    def test_an_output_over_an_input_is_refused_and_the_input_kept(
            self, tmp_path: Path, capsys: pytest.CaptureFixture[str], top: str,
            provinces: list[tuple[str, str]], needle: str) -> None:
        (tmp_path / "sub").mkdir()
        for name in ("aceh", "bali"):
            write_xlsx(tmp_path / f"{name}.xlsx", province_tabs(name[:2], name.title(), every=3))
        config = _write(tmp_path, top, provinces)
        before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
        code = main(["nasional", str(config), "--period", PERIOD, "--lang", "en"])
        err = capsys.readouterr().err
        assert code == 2
        assert f"{needle} = " in err
        assert "never writes over an input" in err
        assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before

    def test_a_registry_file_as_report_is_refused(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        config = _write(tmp_path, 'report = "daftar.csv"', [("Aceh", "aceh.xlsx")], 'registry = "daftar.csv"')
        assert main(["nasional", str(config), "--period", PERIOD, "--lang", "en"]) == 2
        assert "(Aceh)" in capsys.readouterr().err


class TestOneSpreadsheetTwice:
    @pytest.mark.parametrize(("first", "second"), [
        ("aceh.xlsx", "./aceh.xlsx"),
        ("aceh.xlsx", "sub/../aceh.xlsx"),
        (KEY, f"https://docs.google.com/spreadsheets/d/{KEY}/edit"),
        (f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=1", f"https://docs.google.com/spreadsheets/d/{KEY}"),
    ])
    def test_is_refused_naming_both_provinces(self, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              first: str, second: str) -> None:
        config = _write(tmp_path, "", [("Jambi", first), ("Sumatera Utara", second)])
        assert main(["nasional", str(config), "--period", PERIOD, "--lang", "en"]) == 2
        err = capsys.readouterr().err
        assert "Jambi" in err
        assert "Sumatera Utara" in err
        assert "counted twice" in err

    def test_two_different_spreadsheets_are_fine(self, tmp_path: Path) -> None:
        for name in ("aceh", "bali"):
            write_xlsx(tmp_path / f"{name}.xlsx", province_tabs(name[:2], name.title(), every=3))
        config = _write(tmp_path, 'output = "nasional.xlsx"', [("Aceh", "aceh.xlsx"), ("Bali", "bali.xlsx")])
        assert run_national(config, PERIOD, err=io.StringIO()).code == 0


class TestSeparateRegistry:
    def test_an_edited_registry_file_is_read_again_though_the_spreadsheet_did_not_change(
            self, tmp_path: Path) -> None:
        emu = SheetsEmulator()
        tabs = province_tabs("ac", "Aceh", every=2)
        registry = tabs.pop("Perpustakaan")
        write_xlsx(tmp_path / "daftar.xlsx", {"Perpustakaan": registry})
        key = emu.create_spreadsheet("TPBIS Aceh", sheets=tabs, time_zone="Asia/Jakarta")
        config = _write(tmp_path, 'output = "nasional.xlsx"', [("Aceh", key)], 'registry = "daftar.xlsx"')

        def run() -> tuple[Status, int]:
            runner = run_national(config, PERIOD, Settings(), session_factory=emu.session, err=io.StringIO())
            assert runner.code == 0
            return runner.results[0].status, len(runner.results[0].libraries)

        status, libraries = run()
        assert status is Status.READ
        assert run() == (Status.UNCHANGED, libraries)
        write_xlsx(tmp_path / "daftar.xlsx", {"Perpustakaan": registry[:6]})
        assert run() == (Status.READ, 5)


class TestTwoRunsAtOnce:
    def test_concurrent_state_saves_never_fail_and_leave_a_whole_file(self, tmp_path: Path) -> None:
        import json
        import threading

        from tpbis.service.national import ProvinceResult, load_state, save_state

        path = tmp_path / "nasional.state.json"
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def save(name: str) -> None:
            results = [ProvinceResult(name=name, source=f"{name}.xlsx", status=Status.READ,
                                      counts={"rows": n}) for n in range(50)]
            try:
                for result in results:
                    barrier.wait()
                    save_state(path, [result], {})
            except BaseException as exc:  # reported below
                errors.append(exc)
                barrier.abort()

        threads = [threading.Thread(target=save, args=(name,)) for name in ("Aceh", "Bali")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert json.loads(path.read_text(encoding="utf-8"))["format"] == 1
        assert set(load_state(path)) <= {"Aceh", "Bali"}
        assert [p.name for p in tmp_path.iterdir()] == ["nasional.state.json"]


class TestOneLibraryInTwoProvinces:
    def test_is_reported_on_stderr_and_in_the_quality_tab(self, tmp_path: Path) -> None:
        from tpbis.adapters.xlsx import read_workbook

        write_xlsx(tmp_path / "aceh.xlsx", province_tabs("ac", "Aceh", every=3))
        bali = province_tabs("ba", "Bali", every=4)
        registry = bali["Perpustakaan"]
        id_col = registry[0].index("id")
        shared = province_tabs("ac", "Aceh")["Perpustakaan"][1][id_col]
        registry[1][id_col] = shared  # Bali's registry lists one of Aceh's libraries
        write_xlsx(tmp_path / "bali.xlsx", bali)
        write_xlsx(tmp_path / "jambi.xlsx", province_tabs("ja", "Jambi", every=5))
        config = _write(tmp_path, 'output = "nasional.xlsx"',
                        [("Aceh", "aceh.xlsx"), ("Bali", "bali.xlsx"), ("Jambi", "jambi.xlsx")])
        err = io.StringIO()
        runner = run_national(config, PERIOD, Settings(lang="en"), err=err)
        assert runner.code == 0
        line = err.getvalue()
        assert line.count("\n") == 1
        assert shared in line
        assert "Aceh, Bali" in line
        quality = read_workbook(tmp_path / "nasional.xlsx")["Data Quality"]
        flagged = [(row[0], row[3]) for row in quality.rows if row[1] == "registry.other_province"]
        assert flagged == [("Aceh", 1), ("Bali", 1)]

    def test_none_shared_none_reported(self, tmp_path: Path) -> None:
        for name in ("aceh", "bali"):
            write_xlsx(tmp_path / f"{name}.xlsx", province_tabs(name[:2], name.title(), every=3))
        config = _write(tmp_path, 'output = "nasional.xlsx"', [("Aceh", "aceh.xlsx"), ("Bali", "bali.xlsx")])
        err = io.StringIO()
        assert run_national(config, PERIOD, err=err).code == 0
        assert err.getvalue() == ""


class TestUserTabsInTheOutput:
    @pytest.mark.parametrize("lang", ["id", "en"])
    def test_a_user_tab_named_like_the_other_languages_output_is_kept(self, tmp_path: Path, lang: str) -> None:
        import openpyxl

        from tpbis.adapters.xlsx import read_workbook

        write_xlsx(tmp_path / "aceh.xlsx", province_tabs("ac", "Aceh", every=3))
        config = _write(tmp_path, 'output = "nasional.xlsx"', [("Aceh", "aceh.xlsx")])
        assert run_national(config, PERIOD, Settings(lang=lang), err=io.StringIO()).code == 0
        other = "Province Recap" if lang == "id" else "Rekap Provinsi"
        book = openpyxl.load_workbook(tmp_path / "nasional.xlsx")
        book.create_sheet(other).append(["my notes", "keep me"])
        book.save(tmp_path / "nasional.xlsx")
        assert run_national(config, PERIOD, Settings(lang=lang), err=io.StringIO()).code == 0
        assert read_workbook(tmp_path / "nasional.xlsx")[other].header == ("my notes", "keep me")

    def test_a_language_switch_still_removes_the_tabs_tpbis_wrote(self, tmp_path: Path) -> None:
        import openpyxl

        write_xlsx(tmp_path / "aceh.xlsx", province_tabs("ac", "Aceh", every=3))
        config = _write(tmp_path, 'output = "nasional.xlsx"', [("Aceh", "aceh.xlsx")])
        for lang in ("id", "en", "id"):
            assert run_national(config, PERIOD, Settings(lang=lang), err=io.StringIO()).code == 0
        tabs = openpyxl.load_workbook(tmp_path / "nasional.xlsx").sheetnames
        assert "Rekap Provinsi" in tabs
        assert "Province Recap" not in tabs
        assert "Data Quality" not in tabs


class TestDamagedState:
    @staticmethod
    def _valid(tmp_path: Path) -> Path:
        write_xlsx(tmp_path / "aceh.xlsx", province_tabs("ac", "Aceh", every=3))
        config = _write(tmp_path, "", [("Aceh", "aceh.xlsx")])
        assert run_national(config, PERIOD, err=io.StringIO()).code == 0
        return tmp_path / "nasional.state.json"

    @pytest.mark.parametrize("text", [
        "[" * 100_000,
        '{"format":1,"provinces":{"Aceh":{"name":"Aceh","source":"a","status":"read","counts":{"rows":1e999}}}}',
        '{"format":1,"provinces":{"Aceh":{"name":"Bali","source":"a","status":"read"}}}',
        '{"format":1,"provinces":{"Aceh":{"name":7,"source":"a","status":"read"}}}',
        "",
        "\x00\xff",
    ])
    def test_a_damaged_state_costs_a_read_never_a_traceback(self, tmp_path: Path, text: str) -> None:
        from tpbis.service.national import load_state

        state = tmp_path / "nasional.state.json"
        state.write_text(text, encoding="utf-8", errors="surrogateescape")
        assert load_state(state) == {}

    def test_any_damage_to_a_real_state_file(self, tmp_path: Path) -> None:
        import json

        from hypothesis import HealthCheck, given, settings
        from hypothesis import strategies as st

        from tpbis.service.national import ProvinceResult, load_state

        state = self._valid(tmp_path)
        good = json.loads(state.read_text(encoding="utf-8"))
        leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5),
                           st.just(10**400), st.lists(st.integers(), max_size=3), st.just({}))

        def paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
            found = [prefix]
            if isinstance(value, dict):
                for key, item in value.items():
                    found += paths(item, (*prefix, key))
            elif isinstance(value, list):
                for index, item in enumerate(value[:3]):
                    found += paths(item, (*prefix, index))
            return found

        every = paths(good)

        @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(st.lists(st.tuples(st.sampled_from(every), leaves), min_size=1, max_size=4))
        def check(changes: list[tuple[tuple[object, ...], object]]) -> None:
            data = json.loads(json.dumps(good))
            for where, value in changes:
                if not where:
                    data = value
                    continue
                target = data
                try:
                    for step in where[:-1]:
                        target = target[step]  # type: ignore[index]
                    target[where[-1]] = value  # type: ignore[index]
                except (KeyError, IndexError, TypeError):
                    continue
            state.write_text(json.dumps(data), encoding="utf-8")
            loaded = load_state(state)
            assert all(isinstance(r, ProvinceResult) and r.name == name for name, r in loaded.items())

        check()


class TestWrongProvincesSpreadsheet:
    def test_a_spreadsheet_of_another_province_is_reported(self, tmp_path: Path) -> None:
        from tpbis.adapters.xlsx import read_workbook

        write_xlsx(tmp_path / "aceh.xlsx", province_tabs("ac", "Aceh", every=3))
        write_xlsx(tmp_path / "bali.xlsx", province_tabs("ba", "Bali", every=4))
        # a copy-paste slip: Jambi's entry points at Bali's spreadsheet (Bali itself is not listed)
        config = _write(tmp_path, 'output = "nasional.xlsx"', [("Aceh", "aceh.xlsx"), ("jambi", "bali.xlsx")])
        err = io.StringIO()
        runner = run_national(config, PERIOD, Settings(lang="en"), err=err)
        assert runner.code == 0
        libraries = len(runner.results[1].libraries)
        assert err.getvalue().count("\n") == 1
        assert "jambi" in err.getvalue()
        assert "Bali" in err.getvalue()
        assert f"{libraries} of {libraries}" in err.getvalue()
        quality = read_workbook(tmp_path / "nasional.xlsx")["Data Quality"]
        assert [(row[0], row[3]) for row in quality.rows if row[1] == "registry.province_mismatch"] == \
               [("jambi", libraries)]

    def test_a_name_tpbis_does_not_know_is_not_checked(self, tmp_path: Path) -> None:
        write_xlsx(tmp_path / "bali.xlsx", province_tabs("ba", "Bali", every=4))
        config = _write(tmp_path, 'output = "nasional.xlsx"', [("Bali (uji coba)", "bali.xlsx")])
        err = io.StringIO()
        assert run_national(config, PERIOD, err=err).code == 0
        assert err.getvalue() == ""


class TestOutputIsCheckedBeforeReading:
    @pytest.mark.parametrize("output", ["nasional.csv", "nasional.xls", "https://example.com/x", "hasil nasional"])
    def test_an_output_that_is_neither_a_spreadsheet_nor_xlsx_is_a_bad_config(
            self, tmp_path: Path, capsys: pytest.CaptureFixture[str], output: str) -> None:
        config = _write(tmp_path, f'output = "{output}"', [("Aceh", "aceh.xlsx")])
        assert main(["nasional", str(config), "--period", PERIOD, "--lang", "en"]) == 2
        err = capsys.readouterr().err
        assert "output" in err
        assert "credentials" not in err
        assert "aceh" not in err.lower()  # refused before any province was read

    def test_an_xlsx_output_in_a_new_folder_is_created(self, tmp_path: Path) -> None:
        write_xlsx(tmp_path / "aceh.xlsx", province_tabs("ac", "Aceh", every=3))
        config = _write(tmp_path, 'output = "hasil/2024/nasional.xlsx"', [("Aceh", "aceh.xlsx")])
        assert run_national(config, PERIOD, err=io.StringIO()).code == 0
        assert (tmp_path / "hasil" / "2024" / "nasional.xlsx").is_file()


def test_one_spreadsheet_with_each_provinces_own_registry_is_allowed(tmp_path: Path) -> None:
    from tpbis.service.national import load_national_config

    config = _write(tmp_path, "", [("Aceh", KEY), ("Bali", KEY)])
    text = config.read_text(encoding="utf-8").split("[[provinsi]]")
    text[1] += 'registry = "aceh.csv"\n'
    text[2] += 'registry = "bali.csv"\n'
    config.write_text("[[provinsi]]".join(text), encoding="utf-8")
    assert [p.name for p in load_national_config(config).provinces] == ["Aceh", "Bali"]


def test_any_config_is_loaded_or_refused_with_one_config_error(tmp_path: Path) -> None:
    import tomllib

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tpbis.errors import ConfigError
    from tpbis.service.national import load_national_config

    scalars = st.one_of(st.text(max_size=30), st.integers(min_value=-3, max_value=10**20), st.booleans(),
                        st.floats(allow_nan=False), st.sampled_from(["a.xlsx", KEY, "x.csv", "forms:abc", "~", "."]))
    values = st.one_of(scalars, st.lists(scalars, max_size=2), st.dictionaries(st.text(max_size=5), scalars, max_size=2))
    province = st.dictionaries(st.sampled_from(["nama", "spreadsheet", "registry", "rubric", "x"]), values, max_size=4)
    top = st.dictionaries(st.sampled_from(["output", "report", "export", "format", "workers", "reads_per_minute",
                                           "rubric"]), values, max_size=4)

    def toml(value: object) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return '"' + value.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
        if isinstance(value, list):
            return "[" + ", ".join(toml(v) for v in value) + "]"
        if isinstance(value, dict):
            return "{" + ", ".join(f"{toml(k)} = {toml(v)}" for k, v in value.items()) + "}"
        return repr(value)

    path = tmp_path / "nasional.toml"
    codes: list[int] = []

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(top, st.lists(province, max_size=3))
    def check(head: dict[str, object], entries: list[dict[str, object]]) -> None:
        lines = [f"{k} = {toml(v)}" for k, v in head.items()]
        for entry in entries:
            lines += ["[[provinsi]]", *(f"{k} = {toml(v)}" for k, v in entry.items())]
        text = "\n".join(lines) + "\n"
        try:
            tomllib.loads(text)
        except (tomllib.TOMLDecodeError, OverflowError):
            return
        path.write_text(text, encoding="utf-8")
        try:
            config = load_national_config(path)
        except ConfigError as err:
            codes.append(err.exit_code)
            return
        assert config.provinces
        assert config.workers >= 1

    check()
    assert set(codes) <= {2}


class TestInterruptedRun:
    def test_provinces_read_before_the_run_died_are_not_read_again(self, tmp_path: Path) -> None:
        emu = SheetsEmulator()
        names = ("Aceh", "Bali", "Jambi", "Riau")
        keys = {name: emu.create_spreadsheet(f"TPBIS {name}", sheets=province_tabs(f"p{i}", name, every=i + 2),
                                             time_zone="Asia/Jakarta") for i, name in enumerate(names)}
        config = _write(tmp_path, 'output = "nasional.xlsx"\nworkers = 1', list(keys.items()))
        opened = 0

        def dying_session() -> object:
            nonlocal opened
            opened += 1
            if opened >= 3:
                raise KeyboardInterrupt  # the run is stopped when the third province is being opened
            return emu.session()

        with pytest.raises(KeyboardInterrupt):
            run_national(config, PERIOD, Settings(), session_factory=dying_session, err=io.StringIO(),
                         save_every=0.0)
        emu.clear_requests()
        again = run_national(config, PERIOD, Settings(), session_factory=emu.session, err=io.StringIO())
        assert again.code == 0
        assert [r.status for r in again.results] == [Status.UNCHANGED, Status.UNCHANGED, Status.READ, Status.READ]
        read = {name for name, key in keys.items()
                if any(r.path.startswith(f"/v4/spreadsheets/{key}") for r in emu.requests)}
        assert read == {"Jambi", "Riau"}
