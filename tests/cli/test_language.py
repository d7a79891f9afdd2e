"""Every command speaks one language: help, usage errors and configuration errors, in Indonesian and in English."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import pytest

from tpbis.cli import main

ROOT = Path(__file__).resolve().parents[2]
WORKBOOK = str(ROOT / "examples" / "kepri-2024.xlsx")

#: Words that betray English in Indonesian output (argparse's and tpbis's own texts).
ENGLISH = (
    "usage", "options", "positional arguments", "the following arguments", "required", "invalid choice",
    "unrecognized", "show this help", "error:", "expected", "not found", "activities", "points short",
    "cannot", "no such file", "does not exist", "command", "argument", "choose from", "help", "file",
)
#: Words that betray Indonesian in English output.
INDONESIAN = (
    "penggunaan", "pilihan", "wajib", "galat", "tidak", "kegiatan", "berkas", "bantuan", "perintah",
    "argumen", "opsi", "tampilkan", "keluar", "dikenali", "bahasa", "bawaan", "periksa", "rubrik",
    "lalu", "atau",
)
#: Names that stay as they are in both languages: options and metavars (``--help``, ``FILE``,
#: ``CONFIG``), rubric identifiers (``kegiatan_pelibatan``) and programme terms such as the tab ``Skor KPI``.
ALLOWED = re.compile(r"--[a-z-]+|\b[a-z]+(?:_[a-z]+)+\b|\b[A-Z][A-Z_.]+\b|\{[a-z,]+\}|'[^']*'|tpbis-form\.json|Skor KPI|tpbis [a-z ]+")

#: The nine commands, with the arguments of a run that gets as far as a configuration error.
COMMANDS = {
    "score": ["score", WORKBOOK, "--period", "2024-09", "--rubric", "missing.toml"],
    "awards": ["awards", WORKBOOK, "--period", "2024-09", "--rubric", "missing.toml"],
    "report": ["report", WORKBOOK, "--period", "2024-09", "--rubric", "missing.toml"],
    "sync": ["sync", "missing.xlsx", "--period", "2024-09", "--rubric", "missing.toml"],
    "rubric show": ["rubric", "show", "--config", "missing-config.toml"],
    "rubric check": ["rubric", "check", "missing.toml"],
    "form build": ["form", "build", "--registry", "missing.csv"],
    "form check": ["form", "check", "--record", "missing-record.json"],
    "form xlsform": ["form", "xlsform", "out.xlsx", "--registry", "missing.csv"],
}


def _words(text: str) -> str:
    """The output without what may legitimately appear in either language, lower-cased."""
    return ALLOWED.sub(" ", text).lower()


def _leaks(text: str, lang: str) -> list[str]:
    """Words of the other language found in ``text``."""
    words = _words(text)
    foreign = ENGLISH if lang == "id" else INDONESIAN
    return [w for w in foreign if re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", words)]


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str]:
    """Exit code and stdout + stderr of one run (argparse exits by SystemExit)."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run where no tpbis.toml or TPBIS_* variable chooses anything."""
    monkeypatch.chdir(tmp_path)
    for name in ("TPBIS_LANG", "TPBIS_CONFIG", "TPBIS_RUBRIC"):
        monkeypatch.delenv(name, raising=False)


LANGS = ["id", "en"]


class TestLeakDetector:
    """The word lists find what they are for (so the tests below can fail)."""

    def test_english_argparse_text_is_found_in_indonesian_output(self) -> None:
        """argparse's untranslated text counts as a leak."""
        assert ["usage", "the following arguments", "required", "error:"] == _leaks(
            "usage: tpbis score\ntpbis score: error: the following arguments are required: --period", "id"
        )

    def test_indonesian_text_is_found_in_english_output(self) -> None:
        """An Indonesian message counts as a leak in English."""
        assert ["tidak", "berkas"] == _leaks("tpbis: Error: Berkas 'x.csv' tidak ditemukan.", "en")

    def test_option_names_and_quoted_values_are_not_words(self) -> None:
        """--help, FILE and quoted user values are the same in both languages."""
        assert [] == _leaks("tpbis rubric check [-h] [--lang {id,en}] FILE 'help.toml'", "id")


class TestHelp:
    """``--help`` of every command is in one language."""

    @pytest.mark.parametrize("lang", LANGS)
    @pytest.mark.parametrize("command", list(COMMANDS))
    def test_help(self, capsys: pytest.CaptureFixture[str], command: str, lang: str) -> None:
        """Exit 0, the usage line in the language, and no word of the other language."""
        code, out = _run(capsys, [*command.split(), "--help", "--lang", lang])
        first = out.split(":", 1)[0]
        assert (0, "penggunaan" if lang == "id" else "usage", []) == (code, first, _leaks(out, lang))

    @pytest.mark.parametrize("lang", LANGS)
    def test_top_level_help_from_the_environment(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, lang: str
    ) -> None:
        """TPBIS_LANG chooses the language of argparse's own texts too."""
        monkeypatch.setenv("TPBIS_LANG", lang)
        code, out = _run(capsys, ["--help"])
        assert (0, []) == (code, _leaks(out, lang))

    def test_language_from_tpbis_toml(self, capsys: pytest.CaptureFixture[str]) -> None:
        """lang = "en" in ./tpbis.toml makes the help English."""
        Path("tpbis.toml").write_text('lang = "en"\n', encoding="utf-8")
        code, out = _run(capsys, ["score", "--help"])
        assert (0, "usage", []) == (code, out.split(":", 1)[0], _leaks(out, "en"))


class TestUsageErrors:
    """Mistakes on the command line are reported in the chosen language, with exit 2."""

    @pytest.mark.parametrize("lang", LANGS)
    @pytest.mark.parametrize("command", list(COMMANDS))
    def test_unknown_option(self, capsys: pytest.CaptureFixture[str], command: str, lang: str) -> None:
        """An unknown option: exit 2 and no word of the other language."""
        code, out = _run(capsys, [*COMMANDS[command], "--no-such-option", "--lang", lang])
        assert (2, []) == (code, _leaks(out, lang))
        assert ("argumen tidak dikenali" if lang == "id" else "unrecognized arguments") in out

    @pytest.mark.parametrize("lang", LANGS)
    @pytest.mark.parametrize("command", [c for c in COMMANDS if c not in ("rubric show", "form check")])
    def test_missing_required_argument(self, capsys: pytest.CaptureFixture[str], command: str, lang: str) -> None:
        """A command without its required arguments: exit 2, in the language."""
        code, out = _run(capsys, [*command.split(), "--lang", lang])
        assert (2, []) == (code, _leaks(out, lang))
        assert ("wajib diisi" if lang == "id" else "are required") in out

    @pytest.mark.parametrize("lang", LANGS)
    @pytest.mark.parametrize("command", ["score", "awards", "sync", "rubric show", "rubric check"])
    def test_invalid_choice(self, capsys: pytest.CaptureFixture[str], command: str, lang: str) -> None:
        """A --format value that is not offered: exit 2, in the language."""
        code, out = _run(capsys, [*COMMANDS[command], "--format", "xml", "--lang", lang])
        assert (2, []) == (code, _leaks(out, lang))
        assert ("pilihan tidak sah" if lang == "id" else "invalid choice") in out


class TestConfigErrors:
    """A run that cannot start says why in one message, in the chosen language, with exit 2."""

    @pytest.mark.parametrize("lang", LANGS)
    @pytest.mark.parametrize("command", list(COMMANDS))
    def test_config_error(self, capsys: pytest.CaptureFixture[str], command: str, lang: str) -> None:
        """One ``tpbis: Galat:``/``tpbis: Error:`` line and no word of the other language."""
        code, out = _run(capsys, [*COMMANDS[command], "--lang", lang])
        prefix = "tpbis: Galat: " if lang == "id" else "tpbis: Error: "
        assert (2, prefix, 1, []) == (code, out[: len(prefix)], out.count("\n"), _leaks(out, lang))


def _write(name: str, data: bytes) -> str:
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    Path(name).write_bytes(data)
    return name


RUBRIC_TEXT = (ROOT / "src" / "tpbis" / "rubrics" / "default.toml").read_text(encoding="utf-8")


class TestHostileInputs:
    """The hostile tester's commands: one message, exit 2, no word of the other language."""

    CASES: ClassVar[dict[str, Callable[[], list[str]]]] = {
        "rubric utf-16": lambda: ["rubric", "check", _write("u16.toml", RUBRIC_TEXT.encode("utf-16"))],
        "rubric zero weight": lambda: ["rubric", "check", _write(
            "zero.toml", RUBRIC_TEXT.replace("weight = 25", "weight = 0").encode())],
        "rubric bad measure": lambda: ["rubric", "check", _write(
            "measure.toml", RUBRIC_TEXT.replace('measure = "count"', 'measure = "hitung"', 1).encode())],
        "rubric missing fields": lambda: ["rubric", "check", _write("min.toml", b'name = "x"\nversion = 1\n')],
        "rubric bad toml": lambda: ["rubric", "check", _write("bad.toml", b"name = [\n")],
        "config not utf-8": lambda: ["score", WORKBOOK, "--period", "2024-09", "--config",
                                     _write("bin.toml", b"\xff\xfe\x00lang")],
        "config lang fr": lambda: ["score", WORKBOOK, "--period", "2024-09", "--config", _write("fr.toml", b'lang = "fr"\n')],
        "config timezone": lambda: ["score", WORKBOOK, "--period", "2024-09", "--config",
                                    _write("tz.toml", b'sheet_timezone = "Mars/Olympus"\n')],
        "config unknown key": lambda: ["score", WORKBOOK, "--period", "2024-09", "--config",
                                       _write("key.toml", b'colour = "red"\n')],
        "config day_first text": lambda: ["score", WORKBOOK, "--period", "2024-09", "--config",
                                          _write("df.toml", b'day_first = "false"\n')],
        "config is a folder": lambda: ["score", WORKBOOK, "--period", "2024-09", "--config", "."],
        "source is a folder": lambda: ["score", ".", "--period", "2024"],
        "source wrong encoding": lambda: ["score", _write("u16.csv", "a,b\n1,2\n".encode("utf-16")), "--period", "2024",
                                          "--encoding", "utf-8"],
        "source not a zip": lambda: ["score", _write("x.csv", b"a,b\n1,2\n"), "--period", "2024",
                                     "--source-kind", "xlsx"],
        "record not json": lambda: ["form", "check", "--registry", "reg.csv", "--record", _write("rec.json", b"a,b\n")],
        "report output a folder": lambda: ["report", WORKBOOK, "--period", "2024", "-o", _write("d/x", b"") and "d"],
        "xlsform output a folder": lambda: ["form", "xlsform", _write("o/x", b"") and "o", "--registry", str(
            ROOT / "examples" / "kepri-2024-registry.csv")],
    }

    @pytest.mark.parametrize("lang", LANGS)
    @pytest.mark.parametrize("case", list(CASES))
    def test_one_message(self, capsys: pytest.CaptureFixture[str], case: str, lang: str) -> None:
        """Exit 2, a ``tpbis:`` error, no traceback, and no word (or Python text) of the other language."""
        argv = self.CASES[case]()
        code, out = _run(capsys, [*argv, "--lang", lang])
        python_english = ("errno", "codec", "zip file", "expecting value", "is a directory", "invalid value",
                          "extra fields", "unknown error", "required field", "illegal character")
        found = [w for w in python_english if w in out.lower()] if lang == "id" else []
        prefix = "tpbis: Galat: " if lang == "id" else "tpbis: Error: "
        assert (2, prefix, [], []) == (code, out[: len(prefix)], _leaks(out, lang), found)

    def test_bom_config_is_read(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A tpbis.toml saved by Notepad with a BOM is read (lang = "en" takes effect)."""
        Path("tpbis.toml").write_bytes('\ufefflang = "en"\n'.encode())
        code, out = _run(capsys, ["score", "--help"])
        assert (0, "usage") == (code, out.split(":", 1)[0])

    def test_bom_rubric_is_read(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A rubric with a BOM passes rubric check."""
        path = _write("bom.toml", ("\ufeff" + RUBRIC_TEXT).encode())
        code, _ = _run(capsys, ["rubric", "check", path, "--lang", "en"])
        assert 0 == code


class TestFormLanguage:
    """``tpbis form`` speaks the chosen language (its metavar and the dry run)."""

    def test_action_metavar_in_english(self, capsys: pytest.CaptureFixture[str]) -> None:
        """``--lang en form`` names ACTION, not AKSI."""
        code, out = _run(capsys, ["--lang", "en", "form"])
        assert (2, True, False) == (code, "ACTION" in out, "AKSI" in out)

    def test_dry_run_in_indonesian(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The dry run says (baru) and permintaan, not (new) and requests."""
        registry = str(ROOT / "examples" / "kepri-2024-registry.csv")
        code, out = _run(capsys, ["form", "build", "--registry", registry, "--dry-run"])
        assert (0, True, True, []) == (code, "(baru)" in out, "permintaan)" in out,
                                       [w for w in ("(new)", "requests") if w in out])


class TestAbbreviatedLang:
    """``--lan en`` (an abbreviation argparse accepts) also sets the language of parse errors."""

    def test_parse_error_in_english(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A missing argument with ``--lan en`` is reported in English."""
        code, out = _run(capsys, ["score", "--lan", "en"])
        assert (2, True, []) == (code, "are required" in out, _leaks(out, "en"))


class TestPluralsAndAbbreviations:
    """English output inflects counts and uses English column abbreviations."""

    def test_score_table_in_english(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        """No 'Keg'/'Tpt%' columns and no '1 warnings' in an English table."""
        monkeypatch.setenv("COLUMNS", "200")  # wide enough for the indicator columns
        code, out = _run(capsys, ["score", WORKBOOK, "--period", "2024", "--lang", "en"])
        header = next(line for line in out.splitlines() if line.startswith("ID "))
        assert (0, True, False, False) == (code, "Eng" in header, "Keg" in header, "Tpt%" in out)
        assert re.search(r"\b1 warnings\b|\b1 data errors\b", out) is None


class TestOnePeriod:
    """awards, report and rapor take one --period: a second is refused, never silently dropped."""

    @pytest.mark.parametrize("command", ["awards", "report", "rapor"])
    @pytest.mark.parametrize(("lang", "words"), [("id", "hanya satu --period"), ("en", "only one --period")])
    def test_second_period_refused(
        self, command: str, lang: str, words: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """Exit 2 with one message in the run's language, and nothing written."""
        extra = ["--output", str(tmp_path / "out")] if command != "awards" else []
        with pytest.raises(SystemExit) as exit_info:
            main(["--lang", lang, command, WORKBOOK, "--period", "2024-09", "--period", "2024-08", *extra])
        assert (2, True) == (exit_info.value.code, words in capsys.readouterr().err)
        assert not (tmp_path / "out").exists()
