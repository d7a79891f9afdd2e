"""Every script in ``examples/`` runs offline, exits 0 and prints what it promises."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def run_example(name: str, *args: str) -> str:
    """Run ``examples/<name>`` from the repository root and return its stdout."""
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert (0, "") == (completed.returncode, completed.stderr)
    return completed.stdout


def lines_of(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines()]


class TestApiScoring:
    def test_prints_colours_gaps_and_shortlist(self) -> None:
        """September 2024 has the colour counts of examples/README.md, gaps and a shortlist."""
        lines = lines_of(run_example("api_scoring.py"))
        assert "colours: 13 hijau, 9 kuning, 11 merah" in lines
        assert "Perpustakaan Desa Cemaga (desa-cemaga): 0.0 merah" in lines
        assert "50.0 points short of yellow." in lines
        assert "plm_nasional level 3: Perpustakaan Desa Teluk Bakau (100.0)" in lines
        assert "layanan_digital level 3: Perpustakaan Kelurahan Penyengat (88.1)" in lines


class TestCustomRubric:
    def test_lists_differences_and_colour_changes(self) -> None:
        """The local rubric validates, its changes are listed and colours move."""
        lines = lines_of(run_example("custom_rubric.py"))
        assert "valid rubric: kepri-lokal@1 (7 indicators)" in lines
        assert "band hijau: from 80 -> from 75" in lines
        assert "tbm-hang-nadim: 78.7 kuning -> 85.3 hijau" in lines

    def test_rubric_file_passes_the_cli_check(self) -> None:
        """``tpbis rubric check`` accepts the example rubric."""
        completed = subprocess.run(
            [sys.executable, "-m", "tpbis.cli", "rubric", "check", "examples/rubrics/kepri-lokal.toml"],
            cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
        )
        assert (0, "OK: kepri-lokal@1 (7 indikator, 4 kategori penghargaan, 4 lomba)\n") == (completed.returncode, completed.stdout)


class TestAwardsWhatIf:
    def test_names_the_additions(self) -> None:
        """An ineligible village library gets the activities that would make it eligible."""
        lines = lines_of(run_example("awards_what_if.py"))
        assert "Perpustakaan Desa Busung (desa-busung), Year 2024: 65.2 kuning, 35 activities" in lines
        assert "unmet: needs 2 more digital activities" in lines
        assert "or only 6 ICT training activities" in lines


class TestEmbedJson:
    def test_prints_the_spec_document(self) -> None:
        """The sample request comes back as a SPEC §7 document with its bad row as problems."""
        document = json.loads(run_example("embed_json.py"))
        assert {"rows": 4, "accepted": 3, "rejected": 1, "duplicates": 0, "blank": 0, "excluded": 0} == document["counts"]
        assert ["desa-sukamaju", "tbm-cahaya"] == [r["library_id"] for r in document["results"]]
        assert [(4, "date.invalid"), (4, "participants.invalid")] == [
            (p["row"], p["code"]) for p in document["problems"]
        ]

    def test_reads_a_request_file(self, tmp_path: Path) -> None:
        """A request file replaces the sample; an empty month scores every library 0."""
        request = {
            "period": "2024-10",
            "registry": [{"id": "kab-x", "name": "Perpustakaan Kab X", "kind": "kabupaten",
                          "province": "Bali", "regency": "Kabupaten X"}],
            "activities": [],
        }
        path = tmp_path / "request.json"
        path.write_text(json.dumps(request), encoding="utf-8")
        document = json.loads(run_example("embed_json.py", str(path)))
        assert [("kab-x", 0.0, "merah")] == [
            (r["library_id"], r["composite"], r["color"]) for r in document["results"]
        ]


class TestSyncEmulator:
    def test_writes_then_finds_the_input_unchanged(self) -> None:
        """The first sync writes the output tabs, the second reads twice and writes nothing."""
        lines = lines_of(run_example("sync_emulator.py"))
        assert "second sync: unchanged, 2 requests (0 writes)" in lines
        assert "rows: 1843 = 1787 accepted + 48 rejected + 5 duplicates + 3 blank" in lines
        tabs = ast.literal_eval(next(line for line in lines if line.startswith("tabs now: "))[10:])
        outputs = ["_tpbis", "KPI Scores", "Regional Summary", "Awards", "Data Problems"]
        assert outputs == [tab for tab in tabs if tab in outputs]


SCRIPTS = sorted(p.name for p in EXAMPLES.glob("*.py") if p.name != "make_example_data.py")


def code_lines(text: str) -> list[str]:
    """Stripped code lines without trailing comments, the README's path spelled as in the script."""
    lines = []
    for line in text.splitlines():
        code = line.split("  #", 1)[0].strip().replace('"examples/kepri-2024.xlsx"', "WORKBOOK")
        if code and not code.startswith("#"):
            lines.append(code)
    return lines


class TestReadme:
    def test_python_excerpt_is_from_api_scoring(self) -> None:
        """Every line of the README's Python example is a line of examples/api_scoring.py."""
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        excerpt = readme.split("## The library", 1)[1].split("```python", 1)[1].split("```", 1)[0]
        script = set(code_lines((EXAMPLES / "api_scoring.py").read_text(encoding="utf-8")))
        lines = code_lines(excerpt)
        assert ([], True) == ([line for line in lines if line not in script], len(lines) > 10)


class TestExamplesFolder:
    @pytest.mark.parametrize("script", SCRIPTS)
    def test_every_example_is_tested(self, script: str) -> None:
        """Each example script has a test class in this module, so none can rot unnoticed."""
        wanted = "Test" + "".join(part.title() for part in script.removesuffix(".py").split("_"))
        assert wanted in globals()
