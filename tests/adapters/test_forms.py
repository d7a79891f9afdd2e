"""The Google Forms adapter over real HTTP against the emulator's Forms v1 subset."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from pathlib import Path

import attrs
import pytest
import requests

from tpbis.adapters import _transport
from tpbis.adapters.forms import (
    FormsClient,
    build_form,
    item_body,
    live_form,
    load_record,
    plan_form,
    read_form,
    save_record,
)
from tpbis.adapters.sheets import RetryPolicy, open_spreadsheet
from tpbis.cli.main import main
from tpbis.domain.library import Registry
from tpbis.domain.problems import Problem
from tpbis.domain.rubric import Rubric
from tpbis.errors import AuthError, RemoteError, SourceError
from tpbis.forms.record import FormRecord
from tpbis.forms.schema import FormSchema, build_schema
from tpbis.history import HISTORY_TAB, Event, closures, read_history
from tpbis.message import Message
from tpbis.parsing.mapping import Field
from tpbis.parsing.rows import ParseResult, parse_responses
from tpbis.parsing.table import Table
from tpbis.testing import EMULATOR_HOST_ENV, FaultRule, SheetsEmulator, emulator_session
from tpbis.testing._discovery import DiscoveryValidator
from tpbis.testing._forms import LINKED_TAB

UTC = dt.UTC


@pytest.fixture
def session(emulator: SheetsEmulator) -> Iterator[requests.Session]:
    """A plain session routed to the emulator."""
    with emulator_session(emulator.base_url) as s:
        yield s


@pytest.fixture
def client(session: requests.Session) -> FormsClient:
    """A Forms client that never really sleeps."""
    return FormsClient(session, sleep=lambda _: None)


@pytest.fixture
def schema(rubric: Rubric, registry: Registry) -> FormSchema:
    """The form for the test registry."""
    return build_schema(rubric, registry)


def _ids(record: FormRecord) -> dict[Field, str]:
    return {q.field: q.question_id for q in record.questions}


def _answers(record: FormRecord, **by_field: str) -> dict[str, str]:
    ids = _ids(record)
    return {ids[Field(name)]: value for name, value in by_field.items()}


def _at(day: int, hour: int = 3, minute: int = 0) -> dt.datetime:
    return dt.datetime(2024, 9, day, hour, minute, tzinfo=UTC)


#: Responses as respondents would submit them: good ones, and every kind of bad answer the form lets through.
SUBMISSIONS: list[tuple[dict[str, str], dt.datetime]] = [
    ({"library": "Perpustakaan Desa Alang", "date": "2024-09-02", "title": "Pelatihan menjahit",
      "kind": "Pelatihan keterampilan", "participants_male": "3", "participants_female": "12",
      "partners": "PKK; Karang Taruna", "documentation_url": "https://example.org/foto"}, _at(3)),
    ({"library": "Perpustakaan Desa Busung", "date": "2024-09-04", "title": "Kelas TIK",
      "kind": "Pelatihan TIK", "participants_male": "25 orang", "participants_female": "4"}, _at(5)),
    ({"library": "TBM Pelita", "date": "2024-09-20", "title": "Mendongeng",
      "kind": "Promosi layanan (literatour, bimbingan pemustaka/referensi, mendongeng)",
      "participants_male": "7", "participants_female": "0"}, _at(6)),
    ({"library": "Perpustakaan Kelurahan Sei Jang", "date": "2024-09-05", "title": "Berita kegiatan",
      "kind": "Publikasi", "participants_male": "0", "participants_female": "0",
      "publication_urls": "ftp://tidak-sah"}, _at(7)),
    ({"library": "Perpustakaan Desa Alang", "date": "2024-09-02", "title": "Pelatihan  Menjahit",
      "kind": "Pelatihan keterampilan", "participants_male": "2", "participants_female": "9",
      "documentation_url": "foto di grup WA"}, _at(8)),
    ({"library": "TBM Pelita", "date": "2024-09-06", "title": "Podcast buku",
      "kind": "Layanan digital (ulasan buku, podcast, studio pustaka, e-book)", "participants_male": "5",
      "participants_female": "6",
      "publication_urls": "https://youtu.be/abc https://instagram.com/p/xyz"}, _at(9, 23, 30)),
]


def _submit_all(emulator: SheetsEmulator, record: FormRecord) -> list[str]:
    return [
        emulator.submit_form_response(record.form_id, _answers(record, **answers), submitted_at=when)
        for answers, when in SUBMISSIONS
    ]


def _without_source(result: ParseResult) -> tuple[list[object], list[Problem]]:
    activities = [attrs.evolve(a, source=attrs.evolve(a.source, tab="", response_id=None)) for a in result.activities]
    # A sheet holds dates as serial numbers, the Forms API as text: the raw value of a date problem
    # differs (in the problem and in its message's parameters; the texts of date.* show the parsed date).
    problems = [attrs.evolve(p, tab="", response_id=None, value="", message=Message(p.message.key, p.message.params, value=""))
                if p.code.startswith("date.") else attrs.evolve(p, tab="", response_id=None)
                for p in result.problems]
    return activities, problems


class TestBuild:
    """forms.create + one batchUpdate + setPublishSettings; updates in place keep question ids."""

    def test_new_form_takes_create_and_one_batch_update(
        self, emulator: SheetsEmulator, client: FormsClient, schema: FormSchema
    ) -> None:
        """A new form costs forms.create, one forms.batchUpdate and the publish call; every question is recorded."""
        result = build_form(client, schema)
        assert ["forms.forms.create", "forms.forms.batchUpdate", "forms.forms.setPublishSettings"] == [
            r.api_method for r in emulator.requests]
        assert result.created
        assert [q.field for q in schema.questions] == [q.field for q in result.record.questions]
        live = live_form(emulator.forms.form_json(result.record.form_id))
        assert [q.question_id for q in live.questions] == [q.question_id for q in result.record.questions]

    def test_items_carry_titles_choices_and_help(
        self, emulator: SheetsEmulator, client: FormsClient, schema: FormSchema
    ) -> None:
        """The dropdown lists registered names, the kinds are the rubric labels, help texts are Indonesian."""
        record = build_form(client, schema).record
        items = emulator.forms.form_json(record.form_id)["items"]
        library = items[0]["questionItem"]["question"]["choiceQuestion"]
        assert "DROP_DOWN" == library["type"]
        assert ["Perpustakaan Desa Alang", "Perpustakaan Desa Busung", "Perpustakaan Kelurahan Sei Jang",
                "TBM Pelita"] == [o["value"] for o in library["options"]]
        kinds = items[3]["questionItem"]["question"]["choiceQuestion"]
        assert "RADIO" == kinds["type"]
        assert "Pelatihan keterampilan" == kinds["options"][0]["value"]
        assert {"includeYear": True, "includeTime": False} == items[1]["questionItem"]["question"]["dateQuestion"]
        assert items[4]["description"].startswith("Jumlah peserta laki-laki")

    def test_update_in_place_adds_new_library_and_keeps_ids(
        self, emulator: SheetsEmulator, client: FormsClient, rubric: Rubric, registry: Registry
    ) -> None:
        """A library added to the registry joins the dropdown through one updateItem; ids and sheet columns stay."""
        smaller = Registry.of(registry.libraries[:3])
        record = build_form(client, build_schema(rubric, smaller)).record
        sheet = emulator.forms.link_sheet(record.form_id)
        emulator.submit_form_response(record.form_id, _answers(record, **SUBMISSIONS[0][0]), submitted_at=_at(3))
        header_before = emulator.values(sheet, LINKED_TAB)[0]
        emulator.clear_requests()

        result = build_form(client, build_schema(rubric, registry), form_id=record.form_id, record=record)

        assert ["forms.forms.get", "forms.forms.batchUpdate"] == [r.api_method for r in emulator.requests]
        body = emulator.requests[1].body
        assert [{"updateItem"}] == [set(r) for r in body["requests"]]
        assert "questionItem.question.choiceQuestion.options" == body["requests"][0]["updateItem"]["updateMask"]
        assert {"requiredRevisionId": record.revision_id} == body["writeControl"]
        assert _ids(record) == _ids(result.record)
        assert "TBM Pelita" in result.record.for_field(Field.LIBRARY).choices  # type: ignore[union-attr]
        assert header_before == emulator.values(sheet, LINKED_TAB)[0]

    def test_unchanged_form_is_not_written(
        self, emulator: SheetsEmulator, client: FormsClient, schema: FormSchema
    ) -> None:
        """Building again with the same rubric and registry only reads the form."""
        record = build_form(client, schema).record
        emulator.clear_requests()
        result = build_form(client, schema, form_id=record.form_id, record=record)
        assert ["forms.forms.get"] == [r.api_method for r in emulator.requests]
        assert 0 == result.changes

    def test_renamed_title_is_restored_by_rebuild(
        self, emulator: SheetsEmulator, client: FormsClient, schema: FormSchema
    ) -> None:
        """A rebuild restores a renamed title with a title-only updateItem, keeping the question id."""
        record = build_form(client, schema).record
        _rename(client, record, 2, "Judul kegiatan (baru)")
        result = build_form(client, schema, form_id=record.form_id, record=record)
        assert 1 == result.changes
        assert "title" == result.calls[0].body["requests"][0]["updateItem"]["updateMask"]
        assert "Nama Kegiatan" == emulator.forms.form_json(record.form_id)["items"][2]["title"]
        assert _ids(record) == _ids(result.record)

    def test_plan_bodies_validate_against_discovery(self, schema: FormSchema, discovery: DiscoveryValidator) -> None:
        """The dry-run bodies are valid forms.create, forms.batchUpdate and forms.setPublishSettings requests."""
        create, update, publish = plan_form(schema)
        assert [] == discovery.validate_request("forms.forms.create", create.body)
        assert [] == discovery.validate_request("forms.forms.batchUpdate", update.body)
        assert [] == discovery.validate_request("forms.forms.setPublishSettings", publish.body)

    def test_create_with_items_is_refused(self, emulator: SheetsEmulator, session: requests.Session,
                                          schema: FormSchema) -> None:
        """Like Google, forms.create refuses anything but the title (items go through batchUpdate)."""
        body = {"info": {"title": "x"}, "items": [item_body(schema.questions[0])]}
        answer = session.post("https://forms.googleapis.com/v1/forms", json=body)
        assert 400 == answer.status_code
        assert "info.title" in answer.json()["error"]["message"]

    def test_stale_revision_is_a_clear_error(self, client: FormsClient, schema: FormSchema) -> None:
        """An update against an outdated revision stops with the revision-conflict message."""
        record = build_form(client, schema).record
        body = {"requests": [{"updateFormInfo": {"info": {"title": "t"}, "updateMask": "title"}}],
                "writeControl": {"requiredRevisionId": "00000001"}}
        with pytest.raises(SourceError, match="diubah di tempat lain"):
            client.batch_update(record.form_id, body)


def _rename(client: FormsClient, record: FormRecord, index: int, title: str) -> None:
    client.batch_update(record.form_id, {"requests": [{"updateItem": {
        "item": {"title": title}, "location": {"index": index}, "updateMask": "title"}}]})


class TestRead:
    """Responses read by question id give what the linked sheet gives."""

    def test_forms_and_linked_sheet_give_same_activities_and_problems(
        self, emulator: SheetsEmulator, client: FormsClient, schema: FormSchema, rubric: Rubric, registry: Registry
    ) -> None:
        """Build → submit → read back: the same activities and problems as the sheet rows Google writes."""
        record = build_form(client, schema).record
        sheet = emulator.forms.link_sheet(record.form_id, time_zone="Asia/Jakarta")
        response_ids = _submit_all(emulator, record)

        read = read_form(client, record.form_id, record=record, schema=schema, rubric=rubric, registry=registry)
        from_forms = parse_responses(read.table, registry, rubric)
        values = emulator.values(sheet, LINKED_TAB)
        sheet_table = Table(name=LINKED_TAB, header=tuple(values[0]), rows=values[1:])
        from_sheet = parse_responses(sheet_table, registry, rubric, sheet_timezone="Asia/Jakarta")

        assert () == read.drifts
        assert _without_source(from_sheet) == _without_source(from_forms)
        assert (6, 2, 3, 1) == (from_forms.counts.rows, from_forms.counts.accepted, from_forms.counts.rejected,
                                from_forms.counts.duplicates)
        codes = sorted(p.code for p in from_forms.problems)
        assert ["activity.duplicate", "date.future", "participants.invalid", "publication.missing",
                "url.invalid", "url.invalid"] == codes
        assert list(response_ids) == list(read.table.row_ids or [])
        assert {p.row: response_ids[p.row - 2] for p in from_forms.problems} == {
            p.row: p.response_id for p in from_forms.problems}
        assert [response_ids[0], response_ids[5]] == [a.source.response_id for a in from_forms.activities]

    def test_renamed_question_reads_the_same(
        self, emulator: SheetsEmulator, client: FormsClient, schema: FormSchema, rubric: Rubric, registry: Registry
    ) -> None:
        """Renaming question titles changes nothing in parsing; the drift check names the rename."""
        record = build_form(client, schema).record
        _submit_all(emulator, record)
        before = parse_responses(read_form(client, record.form_id, record=record).table, registry, rubric)
        _rename(client, record, 0, "Perpustakaan pelapor")
        _rename(client, record, 4, "Peserta pria")
        read = read_form(client, record.form_id, record=record, schema=schema, rubric=rubric, registry=registry)
        after = parse_responses(read.table, registry, rubric)
        assert before.activities == after.activities
        assert before.problems == after.problems
        assert ["question_renamed", "question_renamed"] == [d.code for d in read.drifts]
        assert not any(d.blocking for d in read.drifts)
        assert "Perpustakaan pelapor" in read.drifts[0].message_id

    def test_removed_required_question_stops_reading(
        self, client: FormsClient, schema: FormSchema
    ) -> None:
        """A deleted required question is blocking drift: the read stops and says how to fix it."""
        record = build_form(client, schema).record
        client.batch_update(record.form_id, {"requests": [{"deleteItem": {"location": {"index": 3}}}]})
        with pytest.raises(SourceError) as caught:
            read_form(client, record.form_id, record=record)
        assert "Jenis Kegiatan" in caught.value.message_id
        assert f"tpbis form build --form-id {record.form_id}" in caught.value.message_en

    def test_responses_are_paged(self, emulator: SheetsEmulator, client: FormsClient, schema: FormSchema) -> None:
        """Seven responses at three a page take three responses.list calls and all are read."""
        record = build_form(client, schema).record
        for day in range(1, 8):
            answers = {**SUBMISSIONS[0][0], "title": f"Kegiatan {day}"}
            emulator.submit_form_response(record.form_id, _answers(record, **answers), submitted_at=_at(10 + day))
        emulator.clear_requests()
        table = read_form(client, record.form_id, record=record, page_size=3).table
        assert 3 == emulator.count("GET", "/responses")
        assert [f"Kegiatan {d}" for d in range(1, 8)] == [row[4] for row in table.rows]

    def test_filter_returns_later_responses(
        self, emulator: SheetsEmulator, client: FormsClient, schema: FormSchema
    ) -> None:
        """``timestamp > T`` lists only responses submitted after T."""
        record = build_form(client, schema).record
        _submit_all(emulator, record)
        later = client.list_responses(record.form_id, since="2024-09-06T00:00:00Z")
        assert 4 == len(later)

    def test_quota_error_is_retried(self, emulator: SheetsEmulator, client: FormsClient, schema: FormSchema) -> None:
        """A 429 on responses.list is retried and the read completes."""
        record = build_form(client, schema).record
        _submit_all(emulator, record)
        emulator.inject(FaultRule(status=429, retry_after=1, times=2, path_contains="/responses"))
        table = read_form(client, record.form_id, record=record).table
        assert 6 == len(table.rows)
        assert 3 == emulator.count("GET", "/responses")

    def test_missing_form_is_a_clear_error(self, client: FormsClient) -> None:
        """An unknown form id stops with the not-found message naming it."""
        with pytest.raises(SourceError, match="tidak-ada"):
            read_form(client, "tidak-ada")

    def test_hand_made_form_is_read_by_titles(
        self, emulator: SheetsEmulator, client: FormsClient, schema: FormSchema, rubric: Rubric, registry: Registry
    ) -> None:
        """Without a record, questions are found by their default titles."""
        record = build_form(client, schema).record
        _submit_all(emulator, record)
        with_record = parse_responses(read_form(client, record.form_id, record=record).table, registry, rubric)
        without = parse_responses(read_form(client, record.form_id).table, registry, rubric)
        assert with_record.activities == without.activities


class TestRecordFile:
    """The question-id record survives a round trip through JSON."""

    def test_round_trip(self, client: FormsClient, schema: FormSchema, tmp_path: Path) -> None:
        """save_record then load_record gives the same record."""
        record = build_form(client, schema).record
        save_record(record, tmp_path / "tpbis-form.json")
        assert record == load_record(tmp_path / "tpbis-form.json")

    def test_damaged_file(self, tmp_path: Path) -> None:
        """A damaged record is a clear error naming the file."""
        path = tmp_path / "tpbis-form.json"
        path.write_text('{"form_id": 3}', encoding="utf-8")
        with pytest.raises(SourceError, match=r"tpbis-form\.json"):
            load_record(path)


def _answer_map(record: FormRecord, answers: Mapping[str, str]) -> dict[str, str]:
    return _answers(record, **answers)


class TestEmulatorForms:
    """The emulator behaves like the Forms API where tpbis depends on it."""

    def test_submit_refuses_what_the_form_refuses(
        self, emulator: SheetsEmulator, client: FormsClient, schema: FormSchema
    ) -> None:
        """A choice outside the options and a missing required answer are refused, like the Forms UI."""
        record = build_form(client, schema).record
        bad_choice = {**SUBMISSIONS[0][0], "library": "Perpustakaan Lain"}
        with pytest.raises(ValueError, match="not an option"):
            emulator.submit_form_response(record.form_id, _answer_map(record, bad_choice))
        missing = {k: v for k, v in SUBMISSIONS[0][0].items() if k != "title"}
        with pytest.raises(ValueError, match="required"):
            emulator.submit_form_response(record.form_id, _answer_map(record, missing))

    def test_failed_batch_changes_nothing(self, emulator: SheetsEmulator, client: FormsClient,
                                          schema: FormSchema) -> None:
        """A batch with one bad request is refused whole and the revision stays."""
        record = build_form(client, schema).record
        before = emulator.forms.form_json(record.form_id)
        body = {"requests": [
            {"updateFormInfo": {"info": {"title": "baru"}, "updateMask": "title"}},
            {"deleteItem": {"location": {"index": 99}}},
        ]}
        with pytest.raises(SourceError, match="out of range"):
            client.batch_update(record.form_id, body)
        assert before == emulator.forms.form_json(record.form_id)

    def test_response_get_matches_list(self, emulator: SheetsEmulator, client: FormsClient, schema: FormSchema,
                                       session: requests.Session) -> None:
        """responses.get returns the response that responses.list lists."""
        record = build_form(client, schema).record
        rid = _submit_all(emulator, record)[0]
        one = session.get(f"https://forms.googleapis.com/v1/forms/{record.form_id}/responses/{rid}").json()
        listed = next(r for r in client.list_responses(record.form_id) if r["responseId"] == rid)
        assert listed == one


class TestSyncFromForms:
    """The sync service scores Forms API responses and writes to the spreadsheet."""

    def test_sync_over_form_responses(
        self, emulator: SheetsEmulator, client: FormsClient, schema: FormSchema, rubric: Rubric, registry: Registry
    ) -> None:
        """A memory workbook with only the registry, plus the form's responses, syncs the form's activities."""
        import pendulum

        from tpbis.adapters.forms import FormResponsesWorkbook
        from tpbis.adapters.memory import MemoryWorkbook
        from tpbis.domain.period import Period
        from tpbis.service.options import ReadOptions
        from tpbis.service.sync import SyncOptions, sync

        record = build_form(client, schema).record
        _submit_all(emulator, record)
        table = read_form(client, record.form_id, record=record).table
        header = ["id", "nama", "jenis", "provinsi", "kabupaten_kota"]
        rows = [[lib.id, lib.name, lib.kind.value, lib.province, lib.regency] for lib in registry]
        inner = MemoryWorkbook.from_tables({"Perpustakaan": [header, *rows]})
        options = SyncOptions(periods=(Period.parse("2024-09"),), rubric=rubric, owner="test",
                              now=pendulum.datetime(2024, 10, 1, tz="UTC"), read=ReadOptions(responses_tab=table.name))
        result = sync(FormResponsesWorkbook(inner, table), options)
        assert 2 == result.report.parse.counts.accepted
        assert table.name == result.responses_tab

    def test_sync_command_with_forms_source(
        self, emulator: SheetsEmulator, client: FormsClient, schema: FormSchema, registry: Registry,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    ) -> None:
        """`tpbis sync SPREADSHEET --source forms:ID` scores the form's responses into the spreadsheet."""
        import json

        from tpbis.cli import main

        record, key = _form_fed_spreadsheet(emulator, client, schema, registry, monkeypatch)
        monkeypatch.chdir(tmp_path)  # no tpbis-form.json here: questions found by their default titles
        code = main(["sync", key, "--source", f"forms:{record.form_id}", "--period", "2024-09", "--format", "json"])
        document = json.loads(capsys.readouterr().out)
        assert (0, "written", 6) == (code, document["status"], document["counts"]["rows"])
        assert "Skor KPI" in emulator.tabs(key)
        assert "Perpustakaan Desa Alang" in {row[1] for row in emulator.values(key, "Skor KPI")}


class TestSameErrorsAsSheets:
    """Forms and Sheets share one retrying transport and one error mapper."""

    def test_outage_is_the_same_remote_error(self, emulator: SheetsEmulator, session: requests.Session) -> None:
        """A 503 storm ends in RemoteError for Forms exactly as for Sheets, after the same number of tries."""
        form_id = emulator.forms.create("Laporan")
        key = emulator.create_spreadsheet("Laporan")
        emulator.inject(FaultRule(status=503, times=100))
        policy = RetryPolicy(attempts=4, sleep=lambda _: None)
        with pytest.raises(RemoteError) as forms_caught:
            FormsClient(session, policy=attrs.evolve(policy)).get(form_id)
        book = open_spreadsheet(key, session=session, policy=attrs.evolve(policy))
        with pytest.raises(RemoteError) as sheets_caught:
            book.info()
        assert RemoteError is type(forms_caught.value) is type(sheets_caught.value)
        assert "4" in forms_caught.value.message_en
        assert "HTTP 503" in forms_caught.value.message_en
        assert 8 == emulator.count("GET")

    def test_outage_exits_3(self, emulator: SheetsEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
        """``tpbis form check`` during a Forms outage exits 3 (run again later), as a Sheets outage does."""
        form_id = emulator.forms.create("Laporan")
        monkeypatch.setenv(EMULATOR_HOST_ENV, emulator.host)
        monkeypatch.setattr(_transport.RetryPolicy, "__init__", _no_wait_policy_init(_transport.RetryPolicy.__init__))
        emulator.inject(FaultRule(status=503, times=100))
        code = main(["--lang", "en", "form", "check", "--form-id", form_id, "--record", str(tmp_path / "none.json")])
        assert RemoteError.exit_code == code
        assert "did not answer after 6 attempts" in capsys.readouterr().err

    def test_forbidden_names_the_account(self, emulator: SheetsEmulator, session: requests.Session) -> None:
        """A 403 from Forms is an AuthError naming the form and the account to share it with."""
        form_id = emulator.forms.create("Laporan")
        emulator.inject(FaultRule(status=403))
        with pytest.raises(AuthError) as caught:
            FormsClient(session, account="tpbis@proyek.iam.gserviceaccount.com").get(form_id)
        assert form_id in caught.value.message_en
        assert "tpbis@proyek.iam.gserviceaccount.com" in caught.value.message_en

    def test_dropped_connections_are_retried(self, emulator: SheetsEmulator, client: FormsClient) -> None:
        """Two dropped connections are retried and the third answer is used."""
        form_id = emulator.forms.create("Laporan")
        emulator.inject(FaultRule(drop=True, times=2))
        assert form_id == client.get(form_id)["formId"]
        assert 2 == client.transport.retried


def _form_fed_spreadsheet(emulator: SheetsEmulator, client: FormsClient, schema: FormSchema, registry: Registry,
                          monkeypatch: pytest.MonkeyPatch) -> tuple[FormRecord, str]:
    """A built form with every example response submitted, and a spreadsheet holding only the registry
    (``Perpustakaan``), with the CLI pointed at the emulator: the form's record and the spreadsheet's key."""
    record = build_form(client, schema).record
    _submit_all(emulator, record)
    header = ["id", "nama", "jenis", "provinsi", "kabupaten_kota"]
    rows = [[lib.id, lib.name, lib.kind.value, lib.province, lib.regency] for lib in registry]
    key = emulator.create_spreadsheet("Kepri", sheets={"Perpustakaan": [header, *rows]})
    monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", emulator.host)
    return record, key


def _no_wait_policy_init(original: object) -> object:
    """RetryPolicy.__init__ with a sleep that does not wait (the CLI builds its own policy)."""
    def init(self: RetryPolicy, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[operator]
        self.sleep = lambda _: None
    return init


def test_close_takes_the_forms_source_the_sync_read(
    emulator: SheetsEmulator, client: FormsClient, schema: FormSchema, registry: Registry,
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """A spreadsheet synced with ``--source forms:ID`` has no responses tab of its own: ``tpbis close`` takes the
    same ``--source`` (before: no such option, and without it the close stopped at the missing responses tab)
    and freezes what the sync published, award tallies included."""
    record, key = _form_fed_spreadsheet(emulator, client, schema, registry, monkeypatch)
    monkeypatch.chdir(tmp_path)
    source = ["--source", f"forms:{record.form_id}"]
    assert 0 == main(["sync", key, *source, "--period", "2024-09"])
    capsys.readouterr()
    assert 0 == main(["close", key, *source, "--period", "2024-09", "--format", "json"])
    assert "written" == json.loads(capsys.readouterr().out)["status"]
    grid = emulator.values(key, HISTORY_TAB)
    frozen = closures(read_history(Table(name=HISTORY_TAB, header=tuple(grid[0]), rows=grid[1:])))["2024-09"]
    assert (len(frozen.snapshots) > 0, {(s.awards is not None, s.event) for s in frozen.snapshots.values()}) == (
        True, {(True, Event.CLOSE)})
