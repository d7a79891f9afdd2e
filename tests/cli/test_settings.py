"""One Settings, resolved once: flag > TPBIS_* variable > tpbis.toml > spreadsheet > default."""

from __future__ import annotations

import argparse
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tpbis.cli import main
from tpbis.cli.main import settings_for
from tpbis.config import Config, config_from_env, load_config, resolve_settings
from tpbis.errors import (
    AuthError,
    ConfigError,
    LockError,
    PeriodError,
    RemoteError,
    RubricError,
    SourceError,
    TpbisError,
)
from tpbis.parsing.rows import ParseResult
from tpbis.service import score as score_service
from tpbis.service.options import ReadOptions

ROOT = Path(__file__).resolve().parents[2]
WORKBOOK = ROOT / "examples" / "kepri-2024.xlsx"


@pytest.fixture(autouse=True)
def _clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty folder and no TPBIS_* variables, so only what a test sets applies."""
    monkeypatch.chdir(tmp_path)
    for name in ("TPBIS_CONFIG", "TPBIS_LANG", "TPBIS_SHEET_TIMEZONE", "TPBIS_DAY_FIRST", "TPBIS_RESPONSES_TAB",
                 "TPBIS_REGISTRY_TAB", "TPBIS_RUBRIC"):
        monkeypatch.delenv(name, raising=False)


def write_config(folder: Path, text: str) -> Path:
    """A tpbis.toml in ``folder``."""
    path = folder / "tpbis.toml"
    path.write_text(text, encoding="utf-8")
    return path


class TestLayers:
    """Each layer may leave a setting unset; the first layer that sets it wins."""

    def test_empty_file_layer_is_all_unset(self, tmp_path: Path) -> None:
        """A tpbis.toml naming nothing sets nothing (so precedence below it is real)."""
        layer = load_config(write_config(tmp_path, ""))
        assert (None, None, None, None) == (layer.lang, layer.sheet_timezone, layer.day_first, layer.registry_tab)

    def test_defaults_when_nothing_is_set(self) -> None:
        """No layer: Indonesian, day first, the Perpustakaan tab, zone left to the spreadsheet."""
        settings = resolve_settings(Config(), Config(), Config())
        assert ("id", ReadOptions(), None) == (settings.lang, settings.read, settings.rubric)

    def test_flag_beats_env_beats_file(self) -> None:
        """The same setting in three layers: the flag's value is used."""
        flag = Config(sheet_timezone="Asia/Jayapura")
        env = Config(sheet_timezone="Asia/Makassar", lang="en")
        file = Config(sheet_timezone="Asia/Jakarta", lang="id", day_first=False)
        settings = resolve_settings(flag, env, file)
        assert ("Asia/Jayapura", "en", False) == (settings.read.sheet_timezone, settings.lang, settings.read.day_first)

    def test_env_beats_file(self) -> None:
        """Without a flag, the environment's value is used."""
        settings = resolve_settings(Config(), Config(registry_tab="Daftar"), Config(registry_tab="Perpus"))
        assert "Daftar" == settings.read.registry_tab

    def test_file_beats_default(self) -> None:
        """Without flag or variable, tpbis.toml's value is used."""
        settings = resolve_settings(Config(), Config(), Config(day_first=False, columns={"Nama": "library"}))
        assert (False, {"Nama": "library"}) == (settings.read.day_first, dict(settings.read.columns))

    def test_rubric_path_is_relative_to_its_layer(self, tmp_path: Path) -> None:
        """A rubric named in tpbis.toml is read next to that file; a flag's from the current folder."""
        (tmp_path / "conf").mkdir()
        file = load_config(write_config(tmp_path / "conf", 'rubric = "lokal.toml"\n'))
        from_file = resolve_settings(Config(), Config(), file).rubric
        from_flag = resolve_settings(Config(rubric="saya.toml"), Config(), file).rubric
        assert (tmp_path / "conf" / "lokal.toml", Path("saya.toml")) == (from_file, from_flag)

    def test_spreadsheet_zone_only_when_unset(self) -> None:
        """The spreadsheet's zone fills an unset setting and never overrides a set one."""
        assert ("Asia/Makassar", "Asia/Jayapura", "Asia/Jakarta") == (
            ReadOptions().timezone("Asia/Makassar"),
            ReadOptions(sheet_timezone="Asia/Jayapura").timezone("Asia/Makassar"),
            ReadOptions().timezone(None),
        )


class TestEnvironment:
    """TPBIS_* variables form the layer between flags and tpbis.toml."""

    def test_variables_are_read(self) -> None:
        """Every documented variable lands in its setting."""
        layer = config_from_env({
            "TPBIS_LANG": "en", "TPBIS_SHEET_TIMEZONE": "Asia/Makassar", "TPBIS_DAY_FIRST": "false",
            "TPBIS_RESPONSES_TAB": "Jawaban", "TPBIS_REGISTRY_TAB": "Daftar", "TPBIS_RUBRIC": "r.toml",
        })
        expected = Config(lang="en", sheet_timezone="Asia/Makassar", day_first=False, responses_tab="Jawaban",
                          registry_tab="Daftar", rubric="r.toml")
        assert expected == layer

    @pytest.mark.parametrize(("name", "value"), [
        ("TPBIS_DAY_FIRST", "kadang"), ("TPBIS_LANG", "fr"), ("TPBIS_SHEET_TIMEZONE", "Asia/Atlantis"),
    ])
    def test_bad_value_is_a_config_error(self, name: str, value: str) -> None:
        """A value the setting cannot take names the variable (or the zone)."""
        with pytest.raises(ConfigError, match=value):
            config_from_env({name: value})

    def test_cli_resolution_order(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """settings_for: --sheet-timezone beats TPBIS_SHEET_TIMEZONE beats tpbis.toml; TPBIS_CONFIG finds the file."""
        config = write_config(tmp_path, 'sheet_timezone = "Asia/Jakarta"\nregistry_tab = "Daftar"\nday_first = false\n')
        monkeypatch.setenv("TPBIS_CONFIG", str(config))
        monkeypatch.setenv("TPBIS_SHEET_TIMEZONE", "Asia/Makassar")
        monkeypatch.setenv("TPBIS_DAY_FIRST", "1")
        plain = settings_for(argparse.Namespace(), os.environ)
        flagged = settings_for(argparse.Namespace(sheet_timezone="Asia/Jayapura"), os.environ)
        assert ("Asia/Makassar", "Daftar", True, "Asia/Jayapura") == (
            plain.read.sheet_timezone, plain.read.registry_tab, plain.read.day_first, flagged.read.sheet_timezone,
        )

    def test_bad_variable_exits_two(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        """A bad TPBIS_DAY_FIRST stops the run with one message and exit 2."""
        monkeypatch.setenv("TPBIS_DAY_FIRST", "kadang")
        code = main(["score", str(WORKBOOK), "--period", "2024-09"])
        err = capsys.readouterr().err
        assert (2, True) == (code, "TPBIS_DAY_FIRST" in err)

    def test_lang_variable_switches_output(self, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
        """TPBIS_LANG=en gives the English summary; --lang id on the command line wins over it."""
        monkeypatch.setenv("TPBIS_LANG", "en")
        main(["score", str(WORKBOOK), "--period", "2024-09"])
        english = capsys.readouterr().out
        main(["score", str(WORKBOOK), "--period", "2024-09", "--lang", "id"])
        indonesian = capsys.readouterr().out
        assert ("1843 rows read" in english, "1843 baris dibaca" in indonesian) == (True, True)


class TestOneZoneForEveryCommand:
    """The same tpbis.toml gives score and sync the same zone (the sync once ignored it)."""

    def test_score_and_sync_parse_naive_timestamps_alike(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """tpbis.toml says Asia/Jayapura: both commands read the workbook's naive timestamps in WIT."""
        write_config(tmp_path, 'sheet_timezone = "Asia/Jayapura"\n')
        book = tmp_path / "kepri.xlsx"
        shutil.copy(WORKBOOK, book)
        seen: list[tuple[str, str]] = []
        parse = score_service.parse_responses

        def recording(*args: Any, **kwargs: Any) -> ParseResult:
            result = parse(*args, **kwargs)
            first = result.activities[0].reported_at
            seen.append((kwargs["sheet_timezone"], first.isoformat()))
            return result

        monkeypatch.setattr(score_service, "parse_responses", recording)
        assert 0 == main(["score", str(book), "--period", "2024-09", "--format", "json"])
        assert 0 == main(["sync", str(book), "--period", "2024-09", "--dry-run"])
        capsys.readouterr()
        assert 2 == len(seen)
        assert seen[0] == seen[1]
        assert ("Asia/Jayapura", "+09:00") == (seen[0][0], seen[0][1][-6:])

    def test_score_json_unchanged_by_resolution(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Without settings the SPEC document is what it was: 33 results, Jakarta time."""
        assert 0 == main(["score", str(WORKBOOK), "--period", "2024-09", "--format", "json"])
        document = json.loads(capsys.readouterr().out)
        assert 33 == len(document["results"])


class TestExitCodes:
    """Each error class carries its exit code; the CLI uses it as is."""

    def test_classes(self) -> None:
        """Usage-type errors exit 2, try-again-later errors exit 3."""
        classes = (ConfigError, SourceError, AuthError, RubricError, PeriodError, LockError, RemoteError)
        assert (2, 2, 2, 2, 2, 3, 3) == tuple(c.exit_code for c in classes)

    def test_main_returns_the_error_exit_code(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A handler raising an error with its own code: main returns that code and prints the message."""

        class Busy(TpbisError):
            exit_code = 75

        def failing(*_: object) -> int:
            raise Busy("sibuk", "busy")

        monkeypatch.setattr("tpbis.cli.rubric.run", failing)
        code = main(["rubric", "show", "--lang", "en"])
        assert (75, "tpbis: Error: busy\n") == (code, capsys.readouterr().err)


class TestStrictConfigValues:
    """tpbis.toml values are taken as written, never coerced (``day_first = "false"`` is not True)."""

    @pytest.mark.parametrize("value", ['"false"', '"tidak"', '"ya"', "1"])
    def test_day_first_must_be_a_boolean(self, tmp_path: Path, value: str) -> None:
        """Text or a number for day_first is one config error naming the key and the value."""
        path = tmp_path / "tpbis.toml"
        path.write_text(f"day_first = {value}\n", encoding="utf-8")
        with pytest.raises(ConfigError) as info:
            load_config(path)
        assert f"day_first = {value.replace(chr(34), chr(39))}: expected true or false" in info.value.message("en")

    def test_boolean_is_kept(self, tmp_path: Path) -> None:
        """day_first = false stays False."""
        path = tmp_path / "tpbis.toml"
        path.write_text("day_first = false\n", encoding="utf-8")
        assert load_config(path).day_first is False

    def test_bom_is_accepted(self, tmp_path: Path) -> None:
        """A byte order mark before the first key is not a TOML error."""
        path = tmp_path / "tpbis.toml"
        path.write_bytes('\ufefflang = "en"\n'.encode())
        assert "en" == load_config(path).lang

    def test_wrong_language_names_key_and_choices(self, tmp_path: Path) -> None:
        """lang = "fr" says which key, what value and what is accepted, in each language."""
        path = tmp_path / "tpbis.toml"
        path.write_text('lang = "fr"\n', encoding="utf-8")
        with pytest.raises(ConfigError) as info:
            load_config(path)
        assert ("lang = 'fr': expected one of 'id', 'en'", "lang = 'fr': seharusnya salah satu dari 'id', 'en'") == (
            info.value.message("en").split(": ", 1)[1], info.value.message("id").split(": ", 1)[1]
        )

    def test_env_day_first_words(self) -> None:
        """TPBIS_DAY_FIRST accepts ya/tidak and names the accepted words otherwise."""
        assert (True, False) == (config_from_env({"TPBIS_DAY_FIRST": "Ya"}).day_first,
                                 config_from_env({"TPBIS_DAY_FIRST": "tidak"}).day_first)
        with pytest.raises(ConfigError, match="ya/tidak"):
            config_from_env({"TPBIS_DAY_FIRST": "maybe"})
