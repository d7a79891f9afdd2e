"""The `tpbis` command: score, awards, rubric, help and exit codes, in both languages."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tpbis.cli import main

ROOT = Path(__file__).resolve().parents[2]
WORKBOOK = str(ROOT / "examples" / "kepri-2024.xlsx")
RESPONSES_CSV = str(ROOT / "examples" / "kepri-2024-responses.csv")
REGISTRY_CSV = str(ROOT / "examples" / "kepri-2024-registry.csv")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one in-process run."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


class TestScore:
    """`tpbis score` on the example workbook and CSV files."""

    def test_json_is_the_spec_document(self, capsys: pytest.CaptureFixture[str]) -> None:
        """SPEC §7 keys, every registered library, problems included."""
        code, out, _ = run(capsys, "score", WORKBOOK, "--period", "2024-09", "--format", "json")
        document = json.loads(out)
        assert 0 == code
        assert {"rubric", "period", "counts", "results", "problems"} <= set(document)
        assert ("tpbis-default@1", 33) == (document["rubric"], len(document["results"]))
        assert {"row", "column", "code", "severity", "message_id", "message_en", "value"} <= set(document["problems"][0])
        assert {"hijau": 13, "kuning": 9, "merah": 11} == {
            c: sum(1 for r in document["results"] if r["color"] == c) for c in ("hijau", "kuning", "merah")
        }

    def test_csv_inputs_give_the_same_colours(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The responses CSV + registry CSV score like the workbook."""
        code, out, _ = run(capsys, "score", RESPONSES_CSV, "--registry", REGISTRY_CSV, "--period", "2024-09",
                           "--format", "csv")
        rows = list(csv.reader(io.StringIO(out)))
        colour = rows[0].index("Warna")
        assert (0, 33) == (code, len(rows) - 1)
        assert {"hijau": 13, "kuning": 9, "merah": 11} == {
            c: sum(1 for r in rows[1:] if r[colour] == c) for c in ("hijau", "kuning", "merah")
        }

    def test_table_summary_in_english(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--lang en after the command name still switches the language."""
        code, out, _ = run(capsys, "score", WORKBOOK, "--period", "2024-09", "--lang", "en")
        assert 0 == code
        assert "1843 rows read: 1787 accepted, 48 rejected, 5 duplicates, 3 blank." in out


class TestUnusableInput:
    """Exit 2 with one message saying what to do, never a traceback."""

    @pytest.mark.parametrize(
        ("argv", "needle"),
        [
            (["score", "tidak-ada.xlsx", "--period", "2024-09"], "tidak-ada.xlsx"),
            (["score", WORKBOOK, "--period", "2024-13"], "2024-13"),
            (["score", WORKBOOK, "--period", "2024-09", "--rubric", "tidak-ada.toml"], "tidak-ada.toml"),
            (["awards", WORKBOOK, "--period", "2024", "--category", "tidak_ada"], "tidak_ada"),
            (["score", REGISTRY_CSV, "--registry", REGISTRY_CSV, "--period", "2024-09"], "Nama Perpustakaan"),
        ],
    )
    def test_one_message_exit_two(self, capsys: pytest.CaptureFixture[str], argv: list[str], needle: str) -> None:
        """Missing file, bad period, missing rubric, unknown category, missing columns."""
        code, out, err = run(capsys, *argv)
        assert (2, "") == (code, out)
        assert needle in err
        assert "Traceback" not in err
        assert err.startswith("tpbis: ")

    def test_bad_config_file(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """A config with an unknown key stops with exit 2 naming the file."""
        config = tmp_path / "tpbis.toml"
        config.write_text('bahasa = "id"\n', encoding="utf-8")
        code, _, err = run(capsys, "--config", str(config), "score", WORKBOOK, "--period", "2024-09")
        assert 2 == code
        assert str(config) in err


class TestAwards:
    """`tpbis awards` JSON and the what-if helper."""

    def test_json_items(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Each item has category, level, library_id, eligible, rank, score, unmet; plus contests."""
        code, out, _ = run(capsys, "awards", WORKBOOK, "--period", "2024", "--format", "json")
        document = json.loads(out)
        assert 0 == code
        item = document["awards"][0]
        assert {"category", "level", "library_id", "eligible", "rank", "score", "unmet"} <= set(item)
        ineligible = next(i for i in document["awards"] if not i["eligible"])
        assert ineligible["rank"] is None
        assert {"criterion", "actual", "required"} <= set(ineligible["unmet"][0])
        assert "contests" in document

    def test_what_if_names_additions(self, capsys: pytest.CaptureFixture[str]) -> None:
        """For a library, each category of its level says what it lacks (or that it is eligible)."""
        code, out, _ = run(capsys, "awards", WORKBOOK, "--period", "2024", "--what-if", "desa-busung")
        assert 0 == code
        assert "Agar Perpustakaan Desa Busung memenuhi syarat Inovasi Layanan Digital Terbaik:" in out
        assert "atau hanya 6 kegiatan Pelatihan TIK" in out


class TestHelpAndRubric:
    """Help follows --lang; rubric show/check."""

    def test_help_in_indonesian_by_default(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`tpbis --help` is Indonesian."""
        with pytest.raises(SystemExit):
            main(["--help"])
        out = capsys.readouterr().out
        assert out.startswith("penggunaan: tpbis")
        assert "tampilkan bantuan ini" in out

    def test_command_help_in_english(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`tpbis sync --help --lang en` is English, option texts included."""
        with pytest.raises(SystemExit):
            main(["sync", "--help", "--lang", "en"])
        out = capsys.readouterr().out
        assert out.startswith("usage: tpbis sync")
        assert "show what would change, write nothing" in out

    def test_rubric_show_round_trips(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """The printed default rubric passes `rubric check`."""
        code, out, _ = run(capsys, "rubric", "show")
        path = tmp_path / "rubrik.toml"
        path.write_text(out, encoding="utf-8")
        code_check, out_check, _ = run(capsys, "rubric", "check", str(path), "--format", "json")
        assert (0, 0, True, "tpbis-default@1") == (code, code_check, json.loads(out_check)["ok"],
                                                   json.loads(out_check)["rubric"])

    def test_bad_rubric_names_key_path(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """A wrong type in a rubric: exit 2, message with the key path."""
        code, out, _ = run(capsys, "rubric", "show")
        path = tmp_path / "rubrik.toml"
        path.write_text(out.replace("weight = 25", 'weight = "dua puluh lima"', 1), encoding="utf-8")
        code, _, err = run(capsys, "rubric", "check", str(path))
        assert 2 == code
        assert "weight" in err


def _help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        main(argv)
    return capsys.readouterr().out


COMMANDS = [["score"], ["awards"], ["rubric", "show"], ["rubric", "check"], ["sync"], ["report"],
            ["form", "build"], ["form", "xlsform"], ["form", "check"]]


class TestHelpIsOneLanguage:
    """Every command's help comes from the catalogue: no Indonesian left in English help, and the reverse."""

    @pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
    def test_english_help_has_no_indonesian(self, command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
        """Words only Indonesian help uses do not appear with --lang en."""
        out = _help([*command, "--help", "--lang", "en"], capsys).casefold()
        assert [] == [w for w in ("berkas", "bawaan", "tampilkan", "periksa", "hanya ", "dengan", "penggunaan")
                      if w in out]

    @pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
    def test_indonesian_help_has_no_english(self, command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
        """Words only English help uses do not appear by default."""
        out = _help([*command, "--help"], capsys).casefold()
        assert [] == [w for w in (" file", "(default", "show this", "usage", " only", " the ") if w in out]


@pytest.mark.parametrize(("command", "paused"), [("score", True), ("awards", True), ("rubric", False)])
def test_one_shot_commands_run_with_the_collector_paused(command: str, paused: bool, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """score, awards, report and rapor run with the cyclic collector paused (they end with the process); it is
    running again afterwards, and other commands (sync, nasional: long or remote) keep it."""
    import gc

    from tpbis.cli import awards, rubric, score

    module = {"score": score, "awards": awards, "rubric": rubric}[command]
    seen: list[bool] = []

    def spy(*_: object) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(module, "register", _spying(module.register, spy))
    assert 0 == main([command, "check", "tpbis-default@1"] if command == "rubric" else [command, WORKBOOK, "--period", "2024"])
    assert ([not paused], True) == (seen, gc.isenabled())


def _spying(register: Any, spy: Any) -> Any:
    """A command's ``register`` that dispatches to ``spy`` instead of the command's handler."""
    def wrapped(commands: Any) -> None:
        register(commands)
        for parser in commands.choices.values():
            if parser.get_default("run") is not None:
                parser.set_defaults(run=spy)
    return wrapped


class TestLoneSurrogate:
    """A lone surrogate half in a name (a Sheets cell cut inside an emoji) is written as its escape, no traceback."""

    @pytest.fixture
    def cut_names(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Every 'Perpustakaan Desa Penuba' read from a CSV ends in a lone high surrogate."""
        reader = csv.reader

        def cutting(*args: Any, **kwargs: Any) -> Any:
            for row in reader(*args, **kwargs):
                yield [cell.replace("Desa Penuba", "Desa Penuba \ud83d") for cell in row]

        monkeypatch.setattr(csv, "reader", cutting)

    @pytest.mark.parametrize("form", ["json", "csv", "table"])
    def test_score(self, capsys: pytest.CaptureFixture[str], cut_names: None, form: str) -> None:
        code, out, _ = run(capsys, "score", RESPONSES_CSV, "--registry", REGISTRY_CSV, "--period", "2024-09",
                           "--format", form)
        assert 0 == code
        assert "Penuba \\ud83d" in out
        if form == "json":
            names = [r["library_name"] for r in json.loads(out)["results"]]
            assert "Perpustakaan Desa Penuba \ud83d" in names  # JSON's own escape of the character

    def test_c_locale_stream(self, monkeypatch: pytest.MonkeyPatch, cut_names: None) -> None:
        """The C locale's stdout (``surrogateescape``) escapes the half too, and is given back unchanged."""
        raw = io.BytesIO()
        stream = io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", write_through=True)
        monkeypatch.setattr("sys.stdout", stream)
        assert 0 == main(["score", RESPONSES_CSV, "--registry", REGISTRY_CSV, "--period", "2024-09",
                          "--format", "json"])
        stream.write("\udcff")  # an undecodable byte written back as it was
        assert "surrogateescape" == stream.errors
        assert raw.getvalue().endswith(b"\xff")
        names = [r["library_name"] for r in json.loads(raw.getvalue()[:-1])["results"]]
        assert "Perpustakaan Desa Penuba \ud83d" in names
