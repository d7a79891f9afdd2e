"""Sync 1k / 50k / 200k responses against the local Sheets emulator: requests and wall time.

For each size the same run measures, over real HTTP with gspread + google-auth:

* ``read floor``: one ``values.get`` of the responses tab through gspread (the
  least any sync must do), the baseline the ratios are quoted against;
* ``sync``: a full first sync (read, parse, score, awards, lock, write);
* ``rerun``: the same sync again on unchanged input (reads only).

Request budget checked for the first sync: 2 reads + 1 lock + the commit,
which is 1 request when the output fits :data:`~tpbis.adapters.sheets.PAYLOAD_LIMIT`
bytes and one more per further chunk (staged, then swapped in atomically);
``largest body`` is the biggest request body sent, as measured on the wire.

Usage: ``PYTHONPATH=src python benchmarks/sync_emulator.py [--sizes 1000,50000,200000]``.
Writes ``benchmarks/results/sync-emulator.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import time
from pathlib import Path
from typing import Any

import pendulum

from tpbis.adapters.sheets import PAYLOAD_LIMIT, open_spreadsheet
from tpbis.adapters.xlsx import read_workbook
from tpbis.domain.period import Period
from tpbis.rubrics import default_rubric
from tpbis.service.sync import SyncOptions, sync
from tpbis.testing import SheetsEmulator, google_tabs, gspread_client, repeat_responses

ROOT = Path(__file__).resolve().parents[1]


def tabs_with(rows: int) -> dict[str, list[list[Any]]]:
    """The example workbook with its responses repeated (titles numbered) to ``rows`` rows."""
    tabs = google_tabs(read_workbook(ROOT / "examples" / "kepri-2024.xlsx"))
    responses = tabs["Respons Formulir 1"]
    title = responses[0].index("Nama Kegiatan")
    return {**tabs, "Respons Formulir 1": repeat_responses(responses, rows, title_column=title)}


def measure(size: int, limit: int = PAYLOAD_LIMIT) -> dict[str, Any]:
    """One size: read floor, first sync, rerun (``limit``: the payload limit, to show staged chunks)."""
    with SheetsEmulator() as emu:
        key = emu.create_spreadsheet("Bench", sheets=tabs_with(size), time_zone="Asia/Jakarta")
        os.environ["TPBIS_SHEETS_EMULATOR_HOST"] = emu.host
        client = gspread_client(emu.base_url)
        start = time.perf_counter()
        client.open_by_key(key).worksheet("Respons Formulir 1").get_all_values()
        floor = time.perf_counter() - start
        client.http_client.session.close()
        options = SyncOptions(
            periods=(Period.parse("2024-09"), Period.parse("2024")), rubric=default_rubric(),
            owner="bench", now=pendulum.now("UTC"),
        )
        emu.clear_requests()
        start = time.perf_counter()
        book = open_spreadsheet(key)
        book.payload_limit = limit
        bodies: list[int] = []
        book.http.session.hooks["response"].append(
            lambda r, *_, **__: bodies.append(len(r.request.body or b"")) if r.request.method == "POST" else None
        )
        first = sync(book, options)
        first_s = time.perf_counter() - start
        first_requests = len(emu.requests)
        commit_requests = first_requests - 3
        emu.clear_requests()
        start = time.perf_counter()
        again = sync(open_spreadsheet(key), options)
        rerun_s = time.perf_counter() - start
        return {
            "limit": limit, "rows": size, "floor_s": floor, "sync_s": first_s, "sync_requests": first_requests,
            "status": first.status, "rerun_s": rerun_s, "rerun_requests": len(emu.requests),
            "rerun_status": again.status, "problems": len(first.report.parse.problems) if first.report else 0,
            "commit_requests": commit_requests, "largest_body": max(bodies, default=0),
            "written_bytes": sum(bodies),
        }


def main() -> None:
    """Run the sizes and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,50000,200000")
    parser.add_argument("--payload-limit", type=int, default=PAYLOAD_LIMIT,
                        help="bytes per batchUpdate body (lower it to see staged chunks at smaller sizes)")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "sync-emulator.md"))
    args = parser.parse_args()
    results = [measure(int(s), args.payload_limit) for s in args.sizes.split(",")]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        "# tpbis sync against the local Sheets emulator",
        "",
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · Python {platform.python_version()} · "
        f"{os.cpu_count()} CPUs · emulator and client in one process over 127.0.0.1 · peak RSS {peak:.0f} MB",
        "",
        "`read floor` = gspread `get_all_values()` of the responses tab alone. Ratios are against it;",
        "absolute seconds are informative only (shared machine, and the emulator's own work is included).",
        "",
        f"Budget: first sync ≤ 5 requests when the output fits one {args.payload_limit:,}-byte body, plus one per",
        "further chunk; unchanged rerun = 2 (GET + one values:batchGet).",
        "",
        "| responses | first sync: requests | of which commit | bytes written | largest body | first sync s "
        "| ÷ read floor | rerun (unchanged): requests | rerun s | ÷ read floor | read floor s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['rows']:,} | {r['sync_requests']} | {r['commit_requests']} | {r['written_bytes']:,} "
            f"| {r['largest_body']:,} | {r['sync_s']:.2f} | {r['sync_s'] / r['floor_s']:.1f}× "
            f"| {r['rerun_requests']} | {r['rerun_s']:.2f} | {r['rerun_s'] / r['floor_s']:.1f}× | {r['floor_s']:.2f} |"
        )
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
