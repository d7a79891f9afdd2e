"""``tpbis sync`` end to end against the local Google Sheets emulator (no Google account).

Run from the repository root (offline; needs the ``sheets`` and ``xlsx`` extras)::

    python examples/sync_emulator.py

Starts :class:`tpbis.testing.SheetsEmulator` on 127.0.0.1, creates a
spreadsheet in it from the bundled workbook (a responses tab and the
``Perpustakaan`` tab, dates as serial numbers like Google stores them), points
tpbis at it with ``TPBIS_SHEETS_EMULATOR_HOST`` and runs the sync service
twice: the first run writes the output tabs, the second finds the input
unchanged and writes nothing. Real gspread and google-auth code talks HTTP to
the emulator, exactly as it would to Google.
"""

from __future__ import annotations

import os
from pathlib import Path

import pendulum

import tpbis
from tpbis.adapters.sheets import open_spreadsheet
from tpbis.adapters.xlsx import read_workbook
from tpbis.service.sync import SyncOptions, sync
from tpbis.testing import EMULATOR_HOST_ENV, SheetsEmulator, google_tabs

WORKBOOK = Path(__file__).resolve().parent / "kepri-2024.xlsx"


# --8<-- [start:main]
def main() -> None:
    sheets = google_tabs(read_workbook(WORKBOOK))  # dates become serial numbers, as Google stores them
    with SheetsEmulator() as emulator:
        spreadsheet_id = emulator.create_spreadsheet(
            "Laporan TPBIS Kepri 2024", sheets=sheets, time_zone="Asia/Jakarta", locale="id_ID"
        )
        os.environ[EMULATOR_HOST_ENV] = emulator.host  # what `export TPBIS_SHEETS_EMULATOR_HOST=…` does
        print(f"emulator at {emulator.host}, spreadsheet {spreadsheet_id}: {emulator.tabs(spreadsheet_id)}")

        options = SyncOptions(
            periods=(tpbis.Period.parse("2024-09"), tpbis.Period.parse("2024")),
            rubric=tpbis.default_rubric(),
            owner="examples/sync_emulator.py",
            now=pendulum.datetime(2024, 10, 1, 8, tz="Asia/Jakarta"),
            lang="en",
        )
        emulator.clear_requests()
        first = sync(open_spreadsheet(spreadsheet_id), options)
        print(f"first sync: {first.status}, {emulator.count()} requests ({first.write_requests} writes)")
        assert first.report is not None  # a sync that writes has scored
        counts = first.report.parse.counts
        print(f"rows: {counts.rows} = {counts.accepted} accepted + {counts.rejected} rejected"
              f" + {counts.duplicates} duplicates + {counts.blank} blank")
        print(f"tabs now: {emulator.tabs(spreadsheet_id)}")

        emulator.clear_requests()
        second = sync(open_spreadsheet(spreadsheet_id), options)  # same input: reads, compares, stops
        print(f"second sync: {second.status}, {emulator.count()} requests ({second.write_requests} writes)")

        scores = first.tabs[0]
        print(f"'{scores.name}' has {len(scores.rows)} rows; first row as written:")
        header, first = emulator.values(spreadsheet_id, scores.name)[:2]
        for title, value in list(zip(header, first, strict=False))[:5] + list(zip(header, first, strict=False))[-3:]:
            print(f"  {title}: {value}")

# --8<-- [end:main]


if __name__ == "__main__":
    main()
