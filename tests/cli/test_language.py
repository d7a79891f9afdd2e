"""Every command speaks one language: help, usage errors and configuration errors, in Indonesian and in English."""

from __future__ import annotations

import re
from pathlib import Path

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
#: ``CONFIG``) and programme terms such as the tab ``Skor KPI``.
ALLOWED = re.compile(r"--[a-z-]+|\b[A-Z][A-Z_.]+\b|\{[a-z,]+\}|'[^']*'|tpbis-form\.json|Skor KPI|tpbis [a-z ]+")

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
