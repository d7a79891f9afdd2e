"""Hostile-review regressions of several SOURCEs in one run (issue #14 item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tpbis.cli import main


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("TPBIS_CONFIG", "TPBIS_REGISTRY", "TPBIS_RUBRIC", "TPBIS_LANG"):
        monkeypatch.delenv(name, raising=False)


class TestSourcesEntries:
    """A ``[[sources]]`` written another way is one clear message naming the entry (exit 2), not the
    converter's reading of a text character by character, nor a folder taken as the source."""

    @pytest.mark.parametrize(("toml", "index"), [
        ('sources = ["kepri.xlsx", "kobo.csv"]\n', 1),
        ('sources = "kepri.xlsx"\n', 1),
        ('[sources]\npath = "kepri.xlsx"\n', 1),
        ('[[sources]]\npath = ""\n', 1),
        ('[[sources]]\npath = "kepri.xlsx"\n\n[[sources]]\nurl = "  "\n', 2),
    ])
    def test_clear_message(self, capsys: pytest.CaptureFixture[str], tmp_path: Path, toml: str, index: int) -> None:
        (tmp_path / "tpbis.toml").write_text(toml, encoding="utf-8")
        code = main(["--lang", "en", "score", "--period", "2024"])
        err = capsys.readouterr().err
        assert 2 == code
        assert f"[[sources]] entry {index} needs exactly one of path" in err
        assert "Traceback" not in err
        assert "sources[1]" not in err
