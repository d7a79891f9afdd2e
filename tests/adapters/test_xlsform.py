"""XLSForm export (checked with pyxform) and the KoBoToolbox / ODK Central export reader."""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpbis.adapters.xlsform import (
    META_FIELDS,
    SEARCH_THRESHOLD,
    URL_REGEX,
    URLS_REGEX,
    choice_names,
    read_export,
    write_xlsform,
    xlsform_sheets,
)
from tpbis.domain.library import Registry
from tpbis.domain.rubric import Rubric
from tpbis.errors import SourceError
from tpbis.forms.schema import Choice, build_schema, with_label_aliases
from tpbis.parsing.mapping import Field
from tpbis.parsing.rows import parse_responses
from tpbis.parsing.table import Cell
from tpbis.parsing.values import is_http_url, split_urls
from tpbis.testing import make_library, make_registry, responses_table


def _survey(sheets: dict[str, list[list[str]]]) -> dict[str, dict[str, str]]:
    """Survey rows by question name, each as column header → cell."""
    header, *rows = sheets["survey"]
    return {row[1]: dict(zip(header, row, strict=True)) for row in rows}


def _big_registry(count: int = 60) -> Registry:
    """More libraries than SEARCH_THRESHOLD, with awkward ids and names."""
    libraries = [make_library(f"desa-{i}", name=f"Perpustakaan Desa Nomor {i}", village=f"Nomor {i}")
                 for i in range(count)]
    libraries += [
        make_library("3206-sindangsari", name="Perpustakaan Desa Sindangsari", regency="Kabupaten Bandung",
                     village="Sindangsari"),
        make_library("3205-sindangsari", name="Perpustakaan Desa Sindangsari", regency="Kabupaten Garut",
                     village="Sindangsari"),
        make_library(".tbm", kind="tbm", name="=HYPERLINK(\"http://x.y\")"),
        make_library("-kel", kind="kelurahan", name="Perpustakaan Kelurahan Lénggang-Kangkung"),
    ]
    return make_registry(libraries)


def _is_xml_name(name: str) -> bool:
    """Whether expat, an XML 1.0 parser, takes ``name`` as an element name (pyxform's own check mis-ranges U+00C0-D6)."""
    try:
        ElementTree.fromstring(f"<{name}/>")
    except ElementTree.ParseError:
        return False
    return ":" not in name


class TestWriteXlsform:
    """The workbook is a valid XLSForm with the schema's constraints."""

    def test_pyxform_converts_without_warnings(self, tmp_path: Path, rubric: Rubric, registry: Registry) -> None:
        """pyxform, the reference converter, turns the file into an XForm with no errors or warnings."""
        xls2xform = pytest.importorskip("pyxform.xls2xform")
        path = tmp_path / "laporan.xlsx"
        write_xlsform(build_schema(rubric, registry), path)
        warnings: list[str] = []
        result = xls2xform.convert(xlsform=str(path), warnings=warnings)
        assert [] == warnings
        assert "tpbis_laporan_kegiatan" in result.xform
        assert 'constraint=". &gt;= 0 and . &lt;= 100000"' in result.xform
        assert "= 'publikasi'" in result.xform
        assert "constraint=\". &gt;= date('2018-01-01') and . &lt;= today()\"" in result.xform

    def test_pyxform_converts_a_long_awkward_registry(self, tmp_path: Path, rubric: Rubric) -> None:
        """Odd ids, a formula-like name and a long list still convert cleanly, with a searchable dropdown."""
        xls2xform = pytest.importorskip("pyxform.xls2xform")
        path = tmp_path / "laporan.xlsx"
        write_xlsform(build_schema(rubric, _big_registry()), path)
        warnings: list[str] = []
        result = xls2xform.convert(xlsform=str(path), warnings=warnings)
        assert [] == warnings
        assert 'appearance="minimal autocomplete"' in result.xform
        assert "Perpustakaan Desa Sindangsari — Kab. Bandung" in result.xform

    def test_sheets_carry_names_and_constraints(self, rubric: Rubric, registry: Registry) -> None:
        """Question names are the field names; choices are library ids and kind slugs."""
        survey = _survey(xlsform_sheets(build_schema(rubric, registry)))
        assert "integer" == survey["participants_male"]["type"]
        assert "select_one perpustakaan" == survey["library"]["type"]
        assert f"regex(., '{URL_REGEX}')" == survey["documentation_url"]["constraint"]
        assert f"regex(., '{URLS_REGEX}')" == survey["publication_urls"]["constraint"]
        choices = [(row[0], row[1]) for row in xlsform_sheets(build_schema(rubric, registry))["choices"][1:]]
        assert ("perpustakaan", "desa-a") in choices
        assert ("jenis_kegiatan", "publikasi") in choices

    def test_date_constraint_with_messages(self, rubric: Rubric, registry: Registry) -> None:
        """The activity date lies between the programme's start and today, said in Indonesian and English."""
        date = _survey(xlsform_sheets(build_schema(rubric, registry)))["date"]
        assert ". >= date('2018-01-01') and . <= today()" == date["constraint"]
        assert "Tanggal kegiatan harus antara 2018-01-01 dan hari ini." == date["constraint_message::Indonesian (id)"]
        assert "The activity date must be between 2018-01-01 and today." == date["constraint_message::English (en)"]

    def test_metadata_rows(self, tmp_path: Path, rubric: Rubric, registry: Registry) -> None:
        """start, end and today are recorded by the device under those names, before the questions."""
        sheets = xlsform_sheets(build_schema(rubric, registry))
        assert [("start", "start"), ("end", "end"), ("today", "today")] == [
            (row[0], row[1]) for row in sheets["survey"][1:4]]
        assert ("start", "end", "today") == META_FIELDS
        xls2xform = pytest.importorskip("pyxform.xls2xform")
        path = tmp_path / "laporan.xlsx"
        write_xlsform(build_schema(rubric, registry), path)
        xform = xls2xform.convert(xlsform=str(path), warnings=[]).xform
        assert 'jr:preloadParams="end"' in xform
        assert 'jr:preloadParams="today"' in xform

    def test_short_lists_have_no_search(self, rubric: Rubric, registry: Registry) -> None:
        """A list of at most SEARCH_THRESHOLD choices stays a plain list; a longer one is searchable."""
        assert "" == _survey(xlsform_sheets(build_schema(rubric, registry)))["library"]["appearance"]
        big = _survey(xlsform_sheets(build_schema(rubric, _big_registry(SEARCH_THRESHOLD))))
        assert "minimal autocomplete" == big["library"]["appearance"]
        assert "" == big["kind"]["appearance"]

    def test_regency_limits_the_choices(self, rubric: Rubric) -> None:
        """--regency limits the XLSForm's library list as it does the Google Form's."""
        sheets = xlsform_sheets(build_schema(rubric, _big_registry(), regency="Kab. Garut"))
        libraries = [row[1] for row in sheets["choices"][1:] if row[0] == "perpustakaan"]
        labels = [row[2] for row in sheets["choices"][1:] if row[0] == "perpustakaan"]
        assert ["Perpustakaan_Desa_Sindangsari___Kab__Garut"] == libraries
        assert ["Perpustakaan Desa Sindangsari — Kab. Garut"] == labels


class TestVersion:
    """The form version follows the content."""

    def test_stable_for_the_same_form(self, rubric: Rubric, registry: Registry) -> None:
        """Writing the same form twice gives the same version."""
        first = xlsform_sheets(build_schema(rubric, registry))["settings"][1][2]
        second = xlsform_sheets(build_schema(rubric, registry))["settings"][1][2]
        assert first == second
        assert 12 == len(first)

    def test_changes_with_the_registry(self, rubric: Rubric, registry: Registry) -> None:
        """A new library (a changed choice list) gives a new version."""
        before = xlsform_sheets(build_schema(rubric, registry))["settings"][1][2]
        grown = make_registry([*registry, make_library("desa-baru", name="Perpustakaan Desa Baru")])
        after = xlsform_sheets(build_schema(rubric, grown))["settings"][1][2]
        assert before != after

    def test_explicit_version_wins(self, rubric: Rubric, registry: Registry) -> None:
        """A version given by the caller is written as is."""
        assert "2024091201" == xlsform_sheets(build_schema(rubric, registry), version="2024091201")["settings"][1][2]


class TestCellsAreText:
    """Registry text never becomes a spreadsheet formula."""

    def test_no_formula_for_a_name_starting_with_equals(self, tmp_path: Path, rubric: Rubric) -> None:
        """A library named '=HYPERLINK(…)' is stored as a string: no <f> element, the value reads back verbatim."""
        path = tmp_path / "laporan.xlsx"
        write_xlsform(build_schema(rubric, _big_registry()), path)
        with zipfile.ZipFile(path) as archive:
            sheet_xml = "".join(archive.read(name).decode("utf-8") for name in archive.namelist()
                                if name.startswith("xl/worksheets/"))
            strings = archive.read("xl/sharedStrings.xml").decode("utf-8") \
                if "xl/sharedStrings.xml" in archive.namelist() else ""
        assert "<f>" not in sheet_xml
        assert "<f " not in sheet_xml
        assert "=HYPERLINK(&quot;http://x.y&quot;)" in sheet_xml + strings or '=HYPERLINK("http://x.y")' in (
            sheet_xml + strings)
        openpyxl = pytest.importorskip("openpyxl")
        choices = openpyxl.load_workbook(path)["choices"]
        labels = [row[2] for row in choices.iter_rows(values_only=True)]
        assert '=HYPERLINK("http://x.y")' in labels


class TestChoiceNames:
    """Library choice names are unique XML names that resolve to the right library."""

    def test_valid_ids_are_kept(self) -> None:
        """An id that is an XML name is the choice name."""
        choices = [Choice(label="Perpustakaan A", label_en="Perpustakaan A", value="desa-a.1_x")]
        assert ["desa-a.1_x"] == choice_names(choices)

    def test_other_ids_become_the_label(self) -> None:
        """An id starting with a digit, dot or hyphen is replaced by the XML-safe label."""
        choices = [
            Choice(label="Perpustakaan Desa Sindangsari — Kab. Bandung", label_en="", value="3206-s"),
            Choice(label="TBM Lénggang (Ujung)", label_en="", value=".tbm"),
            Choice(label="17 Agustus", label_en="", value="-17"),
        ]
        assert ["Perpustakaan_Desa_Sindangsari___Kab__Bandung", "TBM_Lénggang__Ujung_", "_17_Agustus"] == \
            choice_names(choices)

    def test_collision_falls_back_to_the_id(self) -> None:
        """A derived name equal to another choice's id is replaced by '_' and the id, kept unique."""
        choices = [
            Choice(label="Lain", label_en="", value="TBM_Pelita"),
            Choice(label="TBM Pelita", label_en="", value="1x"),
            Choice(label="TBM Pelita", label_en="", value="1.x"),
        ]
        assert ["TBM_Pelita", "_1x", "_1_x"] == choice_names(choices)

    @given(st.lists(st.from_regex(r"[A-Za-z0-9._-]{1,12}", fullmatch=True), min_size=1, max_size=30, unique=True),
           st.lists(st.text(min_size=1, max_size=20), min_size=30, max_size=30))
    def test_names_are_unique_xml_names(self, ids: list[str], labels: list[str]) -> None:
        """Whatever the ids and labels, the names are unique, valid XML element names, deterministic."""
        choices = [Choice(label=label, label_en=label, value=i) for i, label in zip(ids, labels, strict=False)]
        names = choice_names(choices)
        assert len(choices) == len(set(names))
        assert [] == [name for name in names if not _is_xml_name(name)]
        assert names == choice_names(choices)

    def test_export_round_trip(self, tmp_path: Path, rubric: Rubric) -> None:
        """An export holding the choice names matches each submission to the library it names."""
        registry = _big_registry(3)
        schema = build_schema(rubric, registry)
        sheets = xlsform_sheets(schema)
        names = {row[2]: row[1] for row in sheets["choices"][1:] if row[0] == "perpustakaan"}
        labels = {c.value: c.label for c in schema.question(Field.LIBRARY).choices}
        expected = [library.id for library in registry]
        path = tmp_path / "kobo.csv"
        _write_csv(path, ["library", "date", "title", "kind", "participants_male", "participants_female",
                          "_submission_time"],
                   [[names[labels[i]], "2024-09-02", f"Kegiatan {i}", "pelatihan", "1", "2", "2024-09-03T03:00:00"]
                    for i in expected])
        result = parse_responses(read_export(path), with_label_aliases(registry, schema), rubric)
        assert [] == [p.code for p in result.problems]
        assert expected == [a.library_id for a in result.activities]


# --- the constraints refuse what the parser rejects ------------------------------------

_TODAY = dt.date(2024, 9, 12)
_COMPARISON = re.compile(r"^\. (>=|<=) (?:date\('(\d{4}-\d{2}-\d{2})'\)|(today\(\))|(-?\d+))$")
_REGEX = re.compile(r"^regex\(\., '(.*)'\)$")


def _accepts(constraint: str, value: object) -> bool:
    """Evaluate the subset of XPath the form's constraints use (Python re for regex(); ODK uses Java's)."""
    found = _REGEX.fullmatch(constraint)
    if found is not None:
        return re.search(found.group(1), str(value)) is not None
    for term in constraint.split(" and "):
        match = _COMPARISON.fullmatch(term)
        assert match is not None, term
        op, date_text, today, number = match.groups()
        bound: object = (dt.date.fromisoformat(date_text) if date_text else _TODAY if today else int(number))
        if not (value >= bound if op == ">=" else value <= bound):  # type: ignore[operator]
            return False
    return True


def _parse_codes(registry: Registry, rubric: Rubric, **cells: str) -> list[str]:
    row: dict[Field | str, Cell] = {
        Field.REPORTED_AT: f"{_TODAY.isoformat()}T10:00:00+07:00", Field.LIBRARY: "desa-a",
        Field.DATE: "2024-09-02", Field.TITLE: "Pelatihan", Field.KIND: "pelatihan",
        Field.PARTICIPANTS_MALE: "1", Field.PARTICIPANTS_FEMALE: "1", **cells,
    }
    return [p.code for p in parse_responses(responses_table([row]), registry, rubric).problems]


_INTEGER = re.compile(r"-?[0-9]+")

URL_EXAMPLES = [
    "http://ig.com", "https://www.instagram.com/p/abc/", "Https://desa.id/berita?id=1#atas", "HTTP://A.B",
    "http://localhost", "http://LOCALHOST:8080/x", "http://10.0.0.1", "https://a.b:443", "https://a.b:",
    "https://a.b:65535/", "https://a.b:65536", "https://a.b:0080", "https://a.b:8o", "https://a.b:80:90",
    "http://user:pw@a.b/", "http://u@v@a.b", "http://@a.b", "http://a.b@c", "http://a.", "http://.a",
    "http://a..", "http://..a.b", "http://a.b.", "https://", "http://", "https:/a.b", "ftp://a.b",
    "www.desa.id", "instagram.com/p/x", "http://a .b", "http://a.b/ x", "http://a.b/\u00a0", "http://a.b/\u3000",
    "http://a.b/\x85", "http://a.b/\u2028", "http://a.b/\ufeff", "http://a.b/ü", "http://bücher.de/ä",
    "http://a.b?x=1", "http://a.b#f", "http://a.b/,x", "http://a.b;c", "http://a,b.c", "httpss://a.b",
    "http://a.b\\c", "http://[::1]/", "http://a:b.c", "http://a.b/%20", "http://-.-", "javascript:alert(1)",
    "",
]


class TestConstraintsMatchTheParser:
    """Every value the parser rejects (date.*, participants.invalid, url.invalid) the form refuses."""

    def _constraints(self, rubric: Rubric, registry: Registry) -> dict[str, dict[str, str]]:
        return _survey(xlsform_sheets(build_schema(rubric, registry)))

    @pytest.mark.parametrize(("date", "code"), [
        (dt.date(2017, 12, 31), "date.before_program"), (dt.date(2010, 1, 1), "date.before_program"),
        (dt.date(2024, 9, 13), "date.future"), (dt.date(2025, 1, 1), "date.future"),
        (dt.date(2018, 1, 1), None), (_TODAY, None), (dt.date(2024, 9, 2), None),
    ])
    def test_dates(self, rubric: Rubric, registry: Registry, date: dt.date, code: str | None) -> None:
        """A date the parser rejects as before the programme or in the future fails the constraint; others pass."""
        constraint = self._constraints(rubric, registry)["date"]["constraint"]
        codes = _parse_codes(registry, rubric, **{Field.DATE.value: date.isoformat()})
        assert ([code] if code else []) == codes
        assert (code is None) == _accepts(constraint, date)

    def test_unreadable_dates_cannot_be_entered(self, rubric: Rubric, registry: Registry) -> None:
        """date.invalid cannot arise: the question is a date widget, which stores ISO dates only."""
        assert "date" == self._constraints(rubric, registry)["date"]["type"]

    @pytest.mark.parametrize("value", ["0", "3", "100000", "100001", "-3", "25 orang", "2,5", "1.250", "1e3"])
    def test_participants(self, rubric: Rubric, registry: Registry, value: str) -> None:
        """A count the parser rejects is not an integer (the widget refuses it) or fails the constraint."""
        row = self._constraints(rubric, registry)["participants_male"]
        rejected = "participants.invalid" in _parse_codes(registry, rubric, **{Field.PARTICIPANTS_MALE.value: value})
        entered = "integer" == row["type"] and _INTEGER.fullmatch(value) is not None
        refused = not entered or not _accepts(row["constraint"], int(value))
        if rejected:
            assert refused
        # 1.250 (Indonesian thousands) is 1250 to the parser but not typeable in an integer widget; fine.

    @pytest.mark.parametrize("url", URL_EXAMPLES)
    def test_one_link_as_the_parser(self, rubric: Rubric, registry: Registry, url: str) -> None:
        """The documentation-link constraint accepts exactly the links is_http_url accepts."""
        constraint = self._constraints(rubric, registry)["documentation_url"]["constraint"]
        assert is_http_url(url) == _accepts(constraint, url)

    @pytest.mark.parametrize("url", URL_EXAMPLES)
    def test_links_as_the_parser(self, rubric: Rubric, registry: Registry, url: str) -> None:
        """The publication-links constraint accepts a list exactly when every part is a link the parser keeps."""
        constraint = self._constraints(rubric, registry)["publication_urls"]["constraint"]
        for cell in (url, f"https://ok.id/a, {url}", f"{url};\nhttp://b.c "):
            parts = split_urls(cell)
            expected = bool(parts) and all(is_http_url(part) for part in parts)
            assert expected == _accepts(constraint, cell), cell

    @given(st.text(alphabet=st.sampled_from("hHtTpPsS:/.@[]#?,; \u00a0aé0-%8"), max_size=24))
    def test_one_link_as_the_parser_generated(self, text: str) -> None:
        """On generated link-like text the constraint and is_http_url agree."""
        assert is_http_url(text) == _accepts(f"regex(., '{URL_REGEX}')", text)

    @given(st.text(alphabet=st.sampled_from("hHtTpPsS:/.@#?aé0-5"), max_size=20))
    def test_prefixed_links_generated(self, text: str) -> None:
        """Text after a valid scheme is judged alike by the constraint and is_http_url."""
        for candidate in (f"http://{text}", f"HTTPS://{text}"):
            if "[" not in candidate:
                assert is_http_url(candidate) == _accepts(f"regex(., '{URL_REGEX}')", candidate), candidate


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


class TestReadExport:
    """KoBoToolbox and ODK Central exports read like the equivalent sheet rows."""

    def _sheet_result(self, registry: Registry, rubric: Rubric) -> object:
        table = responses_table([
            {Field.REPORTED_AT: "2024-09-03T10:00:00+07:00", Field.LIBRARY: "Perpustakaan Desa Alang",
             Field.DATE: "2024-09-02", Field.TITLE: "Pelatihan menjahit", Field.KIND: "Pelatihan keterampilan",
             Field.PARTICIPANTS_MALE: "3", Field.PARTICIPANTS_FEMALE: "12"},
            {Field.REPORTED_AT: "2024-09-05T10:00:00+07:00", Field.LIBRARY: "TBM Pelita",
             Field.DATE: "2024-09-04", Field.TITLE: "Berita", Field.KIND: "Publikasi",
             Field.PARTICIPANTS_MALE: "0", Field.PARTICIPANTS_FEMALE: "0"},
        ])
        return parse_responses(table, registry, rubric)

    def test_kobo_csv(self, tmp_path: Path, rubric: Rubric, registry: Registry) -> None:
        """A KoBo 'XML values and headers' export (group paths, UTC _submission_time) reads by name."""
        path = tmp_path / "kobo.csv"
        _write_csv(path, ["start", "laporan/library", "laporan/date", "laporan/title", "laporan/kind",
                          "laporan/participants_male", "laporan/participants_female", "_id", "_uuid",
                          "_submission_time"], [
            ["x", "desa-a", "2024-09-02", "Pelatihan menjahit", "pelatihan", "3", "12", "1", "u-1",
             "2024-09-03T03:00:00"],
            ["x", "tbm-d", "2024-09-04", "Berita", "publikasi", "0", "0", "2", "u-2", "2024-09-05T03:00:00"],
        ])
        table = read_export(path)
        result = parse_responses(table, registry, rubric)
        expected = self._sheet_result(registry, rubric)
        assert [(a.library_id, a.date, a.kind, a.reported_at) for a in expected.activities] == [  # type: ignore[attr-defined]
            (a.library_id, a.date, a.kind, a.reported_at) for a in result.activities]
        assert [p.code for p in expected.problems] == [p.code for p in result.problems]  # type: ignore[attr-defined]
        assert ["u-1", "u-2"] == list(table.row_ids or [])
        assert "u-2" == result.problems[0].response_id

    def test_odk_central_csv(self, tmp_path: Path, rubric: Rubric, registry: Registry) -> None:
        """An ODK Central CSV (SubmissionDate with Z, KEY) reads the same."""
        path = tmp_path / "odk.csv"
        _write_csv(path, ["SubmissionDate", "library", "date", "title", "kind", "participants_male",
                          "participants_female", "meta-instanceID", "KEY"], [
            ["2024-09-03T03:00:00.000Z", "desa-a", "2024-09-02", "Pelatihan menjahit", "pelatihan", "3", "12",
             "uuid:1", "uuid:1"],
        ])
        result = parse_responses(read_export(path), registry, rubric)
        assert ["desa-a"] == [a.library_id for a in result.activities]
        assert "2024-09-03T10:00:00+07:00" == result.activities[0].reported_at.in_timezone("Asia/Jakarta").isoformat()

    def test_missing_columns(self, tmp_path: Path) -> None:
        """An export without the form's columns names what is missing."""
        path = tmp_path / "lain.csv"
        _write_csv(path, ["a", "b"], [["1", "2"]])
        with pytest.raises(SourceError, match="_submission_time"):
            read_export(path)
