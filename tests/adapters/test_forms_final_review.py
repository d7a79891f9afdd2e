"""``tpbis close`` of a spreadsheet synced with ``--source forms:ID`` (hostile review of #13 with #14)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.adapters.test_forms import _submit_all

from tpbis.adapters.forms import FormsClient, build_form
from tpbis.cli import main
from tpbis.domain.library import Registry
from tpbis.domain.rubric import Rubric
from tpbis.forms.schema import FormSchema, build_schema
from tpbis.history import HISTORY_TAB, Event, closures, read_history
from tpbis.parsing.table import Table
from tpbis.testing import SheetsEmulator, emulator_session


@pytest.fixture
def client(emulator: SheetsEmulator) -> Iterator[FormsClient]:
    """A Forms client over the emulator that never really sleeps."""
    with emulator_session(emulator.base_url) as session:
        yield FormsClient(session, sleep=lambda _: None)


@pytest.fixture
def schema(rubric: Rubric, registry: Registry) -> FormSchema:
    """The form for the test registry."""
    return build_schema(rubric, registry)


def test_close_takes_the_forms_source_the_sync_read(
    emulator: SheetsEmulator, client: FormsClient, schema: FormSchema, registry: Registry,
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """A spreadsheet synced with ``--source forms:ID`` has no responses tab of its own: ``tpbis close`` takes the
    same ``--source`` (before: no such option, and without it the close stopped at the missing responses tab)
    and freezes what the sync published, award tallies included."""
    record = build_form(client, schema).record
    _submit_all(emulator, record)
    header = ["id", "nama", "jenis", "provinsi", "kabupaten_kota"]
    rows = [[lib.id, lib.name, lib.kind.value, lib.province, lib.regency] for lib in registry]
    key = emulator.create_spreadsheet("Kepri", sheets={"Perpustakaan": [header, *rows]})
    monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", emulator.host)
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
