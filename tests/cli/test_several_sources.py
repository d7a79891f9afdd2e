"""Several SOURCEs in one run: counts, sources and channels, registry merge, cross-channel duplicates."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pendulum
import pytest

import tpbis
from tpbis.cli import main
from tpbis.domain.activity import Activity
from tpbis.rubrics import shipped_rubric
from tpbis.service import parse_inputs

ROOT = Path(__file__).resolve().parents[2]
WORKBOOK = ROOT / "examples" / "kepri-2024.xlsx"
RESPONSES = ROOT / "examples" / "kepri-2024-responses.csv"
REGISTRY = ROOT / "examples" / "kepri-2024-registry.csv"
EXPORTS = ROOT / "tests" / "adapters" / "exports"
EXPORT_REGISTRY = """id,nama,jenis,provinsi,kabupaten_kota
desa-a,Perpustakaan Desa Alang,desa,Kepulauan Riau,Kabupaten Bintan
desa-b,Perpustakaan Desa Busung,desa,Kepulauan Riau,Kabupaten Bintan
kel-c,Perpustakaan Kelurahan Sei Jang,kelurahan,Kepulauan Riau,Kota Tanjungpinang
tbm-d,TBM Pelita,tbm,Kepulauan Riau,Kota Tanjungpinang
"""
SHIFTS = (-2, -1, 1, 2, 0)


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def score(capsys: pytest.CaptureFixture[str], *argv: str | Path, period: str = "2024") -> Any:
    code, out, err = run(capsys, "score", *argv, "--period", period, "--format", "json")
    assert (0, "") == (code, err), err
    return json.loads(out)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("TPBIS_CONFIG", "TPBIS_REGISTRY", "TPBIS_RUBRIC", "TPBIS_LANG"):
        monkeypatch.delenv(name, raising=False)


def _accepted() -> dict[int, Activity]:
    """The example's activities kept by ``tpbis-default@2`` (accepted, no possible duplicate), by sheet row."""
    inputs = tpbis.load_inputs(RESPONSES, registry=REGISTRY)
    parsed = parse_inputs(inputs, shipped_rubric("tpbis-default@2"))
    return {a.source.row: a for a in parsed.activities}


def _edited(title: str) -> str:
    """Another respondent's typing of the same title: words in another order, other case, punctuation."""
    words = title.split()
    return (" ".join(words[1:] + words[:1]) + " .").lower()


def copies(path: Path, *, every: int = 9, library: dict[str, str] | None = None) -> tuple[Path, int]:
    """Accepted rows of the example copied into a CSV sent through another channel: titles edited, dates
    shifted within 2 days, participants +/- 10 %, reported 3 days later. ``library`` renames the reporter."""
    accepted = _accepted()
    lines = list(csv.reader(io.StringIO(RESPONSES.read_text(encoding="utf-8"))))
    header, body = lines[0], lines[1:]
    out = [header]
    for index, row in enumerate(body):
        number = index + 2
        if number not in accepted or number % every:
            continue
        activity = accepted[number]
        stamp, day = activity.reported_at, activity.date
        if not pendulum.date(2024, 1, 10) <= day <= pendulum.date(2024, 12, 20):
            continue
        shifted = day.add(days=SHIFTS[len(out) % len(SHIFTS)])
        sign = 1 if len(out) % 2 else -1
        # +/- 10 % of the participants at most (rounded towards the original), on the male count
        change = sign * (activity.participants // 10)
        male, female = max(0, activity.participants_male + change), activity.participants_female
        row = [*row]
        row[0] = stamp.add(days=3).format("DD/MM/YYYY HH:mm:ss")
        row[3] = shifted.format("DD/MM/YYYY")
        row[4] = _edited(row[4])
        row[6], row[7] = str(male), str(female)
        if library is not None:
            row[2] = library.get(row[2], row[2])
        out.append(row)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(out)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path, len(out) - 1


def _results(document: dict[str, Any]) -> dict[str, tuple[object, ...]]:
    return {r["library_id"]: (r["composite"], r["color"], r["activities"], r["indicators"])
            for r in document["results"]}


class TestCrossChannelCopies:
    """The issue's "done when": copies with edited titles, shifted dates and +/- 10 % participants count once."""

    def test_copies_are_flagged_and_counted_once(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        copy, copied = copies(tmp_path / "kobo.csv")
        assert copied > 100
        alone = score(capsys, WORKBOOK, "--rubric", "tpbis-default@2")
        both = score(capsys, WORKBOOK, copy, "--rubric", "tpbis-default@2")
        assert _results(alone) == _results(both)
        counts, single = both["counts"], alone["counts"]
        assert (counts["rows"], counts["accepted"], counts["duplicates"]) == (
            single["rows"] + copied, single["accepted"], single["duplicates"] + copied)
        flagged = [p for p in both["problems"] if p["code"] == "activity.possible_duplicate"]
        assert copied == sum(1 for p in flagged if p["source"] == str(copy))
        assert {"csv"} == {p["channel"] for p in flagged if p["source"] == str(copy)}
        first = flagged[0]
        assert str(WORKBOOK) in first["message_en"]
        assert "title similarity" in first["message_en"]

    def test_without_the_rule_the_edited_copies_count_twice(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """tpbis-default@1 (the SPEC) has no [duplicates] table: exact duplicates only."""
        copy, copied = copies(tmp_path / "kobo.csv")
        both = score(capsys, WORKBOOK, copy)
        alone = score(capsys, WORKBOOK)
        assert both["counts"]["accepted"] == alone["counts"]["accepted"] + copied
        assert not any(p["code"] == "activity.possible_duplicate" for p in both["problems"])

    def test_exact_copy_in_another_source_is_a_duplicate(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """The same CSV again (the SPEC key matches): every accepted row is counted once."""
        alone = score(capsys, RESPONSES, "--registry", REGISTRY)
        twice = score(capsys, RESPONSES, tmp_path / "again.csv" if shutil.copy(RESPONSES, tmp_path / "again.csv")
                      else "", "--registry", REGISTRY)
        assert _results(alone) == _results(twice)
        assert twice["counts"]["duplicates"] == 2 * alone["counts"]["duplicates"] + alone["counts"]["accepted"]
        counts = twice["counts"]
        assert counts["rows"] == sum(counts[k] for k in ("accepted", "rejected", "duplicates", "blank", "excluded"))

    def test_village_and_regency_double_reporting(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """The kabupaten library reports its villages' activities again: caught (tpbis-default@2)."""
        registry = {r["id"]: r for r in csv.DictReader(io.StringIO(REGISTRY.read_text(encoding="utf-8")))}
        regency_library = {r["kabupaten_kota"]: r["nama"] for r in registry.values() if r["jenis"] == "kabupaten"}
        by_village = {r["nama"]: regency_library[r["kabupaten_kota"]] for r in registry.values()
                      if r["jenis"] == "desa" and r["kabupaten_kota"] in regency_library}
        copy, _ = copies(tmp_path / "kabupaten.csv", every=3, library=by_village)
        document = score(capsys, WORKBOOK, copy, "--rubric", "tpbis-default@2")
        flagged = [p for p in document["problems"]
                   if p["code"] == "activity.possible_duplicate" and p["source"] == str(copy)]
        names = set(by_village.values())
        lines = list(csv.reader(io.StringIO(copy.read_text(encoding="utf-8"))))[1:]
        assert sum(1 for row in lines if row[2] in names) > 20
        assert {int(p["row"]) for p in flagged} >= {
            index + 2 for index, row in enumerate(lines) if row[2] in names
        }


class TestSeveralSources:
    def test_one_source_adds_no_keys(self, capsys: pytest.CaptureFixture[str]) -> None:
        document = score(capsys, WORKBOOK, period="2024-09")
        assert all("source" not in p and "channel" not in p for p in document["problems"])

    def test_two_exports_sum_and_name_their_channel(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """A KoBo export and an ODK export, one registry: counts add up, problems name source and channel."""
        registry = tmp_path / "perpustakaan.csv"
        registry.write_text(EXPORT_REGISTRY, encoding="utf-8")
        kobo, odk = EXPORTS / "kobo_labels.xlsx", EXPORTS / "odk_central.csv"
        one = score(capsys, kobo, "--registry", registry, period="2024-09")
        two = score(capsys, odk, "--registry", registry, period="2024-09")
        both = score(capsys, kobo, odk, "--registry", registry, period="2024-09")
        for key in ("rows", "rejected", "blank", "excluded"):
            assert both["counts"][key] == one["counts"][key] + two["counts"][key], key
        accepted = both["counts"]["accepted"] + both["counts"]["duplicates"]
        assert accepted == sum(d["counts"]["accepted"] + d["counts"]["duplicates"] for d in (one, two))
        assert {("kobo_xlsx", str(kobo)), ("odk_csv", str(odk))} >= {(p["channel"], p["source"])
                                                                     for p in both["problems"]}

    def test_sources_from_the_config_file(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """[[sources]] in tpbis.toml, each with a channel; a SOURCE on the command line replaces the list."""
        _, copied = copies(tmp_path / "kobo.csv")
        shutil.copy(WORKBOOK, tmp_path / "kepri.xlsx")
        (tmp_path / "tpbis.toml").write_text(
            '[[sources]]\npath = "kepri.xlsx"\nchannel = "google-form"\n\n'
            '[[sources]]\npath = "kobo.csv"\nchannel = "kobo"\n', encoding="utf-8")
        both = score(capsys, "--rubric", "tpbis-default@2")
        assert both["counts"]["rows"] == score(capsys, WORKBOOK)["counts"]["rows"] + copied
        assert {"google-form", "kobo"} == {p["channel"] for p in both["problems"]}
        alone = score(capsys, WORKBOOK)
        assert all("channel" not in p for p in alone["problems"])

    def test_bad_sources_entry(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        (tmp_path / "tpbis.toml").write_text('[[sources]]\nchannel = "kobo"\n', encoding="utf-8")
        code, _, err = run(capsys, "--lang", "en", "score", "--period", "2024")
        assert 2 == code
        assert "[[sources]] entry 1 needs exactly one of path" in err

    def test_no_source_at_all(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, _, err = run(capsys, "--lang", "en", "score", "--period", "2024")
        assert 2 == code
        assert "the following arguments are required: SOURCE" in err
        assert "Traceback" not in err

    def test_report_and_awards_take_several(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        copy, _ = copies(tmp_path / "kobo.csv")
        code, _, err = run(capsys, "report", WORKBOOK, copy, "--period", "2024", "-o", tmp_path / "r.html",
                           "--rubric", "tpbis-default@2")
        assert (0, "") == (code, err)
        code, out, err = run(capsys, "awards", WORKBOOK, copy, "--period", "2024", "--format", "json",
                             "--rubric", "tpbis-default@2")
        assert (0, "") == (code, err)
        alone = run(capsys, "awards", WORKBOOK, "--period", "2024", "--format", "json",
                    "--rubric", "tpbis-default@2")[1]
        assert json.loads(out)["awards"] == json.loads(alone)["awards"]


def _second_workbook(tmp_path: Path, edit: dict[str, object], library: str = "desa-busung") -> Path:
    """A copy of the example workbook whose registry row of ``library`` has ``edit`` (column → value)."""
    path = tmp_path / "kedua.xlsx"
    book = openpyxl.load_workbook(WORKBOOK)
    sheet = book["Perpustakaan"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == library:
            for column, value in edit.items():
                row[header.index(column)].value = value
    book.save(path)
    return path


def _registry_row(library: str) -> int:
    lines = REGISTRY.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(library + ","))


class TestRegistryMerge:
    def test_identical_registries_merge_silently(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        second = _second_workbook(tmp_path, {})
        document = score(capsys, WORKBOOK, second, period="2024-09")
        assert not any(p["code"].startswith("registry.") for p in document["problems"])

    @pytest.mark.parametrize(("column", "value"), [
        ("provinsi", "Riau"), ("nama", "Perpustakaan Desa Lain"), ("jenis", "kelurahan"),
        ("kabupaten_kota", "Kota Batam"),
    ])
    def test_contradiction_names_both_places(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, column: str, value: str
    ) -> None:
        """One library listed by two provinces (or named, typed, placed differently): exit 2, both places."""
        second = _second_workbook(tmp_path, {column: value})
        code, out, err = run(capsys, "--lang", "en", "score", WORKBOOK, second, "--period", "2024")
        row = _registry_row("desa-busung")
        assert (2, "") == (code, out)
        assert "id 'desa-busung' is defined differently" in err
        assert f"'{WORKBOOK}', tab 'Perpustakaan', row {row}" in err
        assert f"'{second}', tab 'Perpustakaan', row {row}" in err
        assert f"(columns {column})" in err
        assert "Traceback" not in err

    def test_mergeable_difference_is_a_warning(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """Another number of computers: the first value is kept, a registry.merged warning names both."""
        second = _second_workbook(tmp_path, {"komputer": 99, "alias": "Pustaka Busung Baru"})
        document = score(capsys, WORKBOOK, second, period="2024-09")
        (warning,) = [p for p in document["problems"] if p["code"] == "registry.merged"]
        assert ("komputer", "warning", str(second), _registry_row("desa-busung")) == (
            warning["column"], warning["severity"], warning["source"], warning["row"])
        assert str(WORKBOOK) in warning["message_en"]


class TestSync:
    def test_sync_reads_further_sources(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """The first SOURCE is the workbook written; the others are read too, and their change is a change."""
        book = tmp_path / "kepri.xlsx"
        shutil.copy(WORKBOOK, book)
        copy, copied = copies(tmp_path / "kobo.csv")
        argv = ("sync", book, copy, "--period", "2024", "--format", "json", "--rubric", "tpbis-default@2")
        code, out, err = run(capsys, *argv)
        assert (0, "") == (code, err)
        summary = json.loads(out)
        alone = score(capsys, WORKBOOK, "--rubric", "tpbis-default@2")
        assert "written" == summary["status"]
        assert (summary["counts"]["rows"], summary["counts"]["accepted"]) == (
            alone["counts"]["rows"] + copied, alone["counts"]["accepted"])
        assert "unchanged" == json.loads(run(capsys, *argv)[1])["status"]
        copy.write_text(copy.read_text(encoding="utf-8").replace(".", ",", 1), encoding="utf-8")
        assert "written" == json.loads(run(capsys, *argv)[1])["status"]

    def test_problems_tab_names_the_source(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        book = tmp_path / "kepri.xlsx"
        shutil.copy(WORKBOOK, book)
        copy, _ = copies(tmp_path / "kobo.csv")
        assert 0 == run(capsys, "sync", book, copy, "--period", "2024", "--rubric", "tpbis-default@2")[0]
        workbook = openpyxl.load_workbook(book, read_only=True)
        try:  # a read-only workbook keeps its file open until closed (a ResourceWarning in a later test)
            rows = list(workbook["Masalah Data"].iter_rows(values_only=True))
        finally:
            workbook.close()
        assert "Sumber" == rows[0][0]
        assert {"kepri.xlsx", str(copy)} == {row[0] for row in rows[1:] if any(row)}
