"""The national roll-up at scale: 38 provincial spreadsheets, 1M responses in all, a per-minute read quota.

The emulator runs in a child process (seeded in memory, served over HTTP on
127.0.0.1, enforcing Google's 60 reads per minute per user and 300 per
project on its real clock), so the numbers measured here (wall time, peak RSS
of this process, ``ru_maxrss``) are the roll-up's own. One province is
deliberately broken (not shared: every request for it answers 403). Then:

* first run: every province read (Drive ``files.get`` + spreadsheet GET + one
  ``values:batchGet`` each), scored and reduced; the national spreadsheet,
  HTML report and Parquet export written;
* rerun with one province changed (a cell edited): only that province is read.

Usage: ``PYTHONPATH=src python benchmarks/national.py [--responses 1000000] [--provinces 38]``.
Writes ``benchmarks/results/national.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import multiprocessing
import os
import platform
import resource
import sys
import tempfile
import time
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PERIOD = "2024"
RESPONSES = "Respons Formulir 1"


def _province_tabs(base: dict[str, list[list[Any]]], code: str, name: str, rows: int) -> dict[str, list[list[Any]]]:
    from tpbis.testing import repeat_responses

    registry = [list(r) for r in base["Perpustakaan"]]
    header = registry[0]
    for row in registry[1:]:
        row[header.index("id")] = f"{code}-{row[header.index('id')]}"
        row[header.index("provinsi")] = name
    responses = base[RESPONSES]
    title = responses[0].index("Nama Kegiatan")
    return {RESPONSES: repeat_responses(responses, rows, title_column=title), "Perpustakaan": registry}


def _serve(conn: Connection, total: int, provinces: int, quota: int) -> None:
    """The child: seed the emulator, serve it over HTTP, answer commands on ``conn``."""
    from tpbis.adapters.xlsx import read_workbook
    from tpbis.domain.library import PROVINCE_TIMEZONES
    from tpbis.testing import FaultRule, SheetsEmulator, google_tabs

    base = google_tabs(read_workbook(ROOT / "examples" / "kepri-2024.xlsx"))
    names = sorted(PROVINCE_TIMEZONES)
    emu = SheetsEmulator(validate=False)
    keys: list[tuple[str, str]] = []
    start = time.perf_counter()
    for n in range(provinces):
        rows = total // provinces + (1 if n < total % provinces else 0)
        name = names[n % len(names)]
        keys.append((name, emu.create_spreadsheet(f"TPBIS {name}", sheets=_province_tabs(base, f"p{n:02d}", name, rows),
                                                  time_zone="Asia/Jakarta")))
    output = emu.create_spreadsheet("TPBIS Nasional")
    broken = keys[-1][1]
    emu.inject(FaultRule(status=403, times=10**9, path_contains=broken))  # not shared with the account
    emu.enforce_quota(reads_per_user=quota, reads_per_project=300)
    emu.start()
    conn.send({"host": emu.host, "keys": keys, "output": output, "seed_s": time.perf_counter() - start,
               "child_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})
    while True:
        command, *args = conn.recv()
        if command == "log":
            log = emu.requests
            emu.clear_requests()
            conn.send([(r.method, r.path, r.status, r.fault) for r in log])
        elif command == "edit":
            emu.set_cell(args[0], RESPONSES, 1, 6, 999)
            conn.send(True)
        else:
            emu.stop()
            conn.send(True)
            return


def _tally(log: list[tuple[str, str, int, str | None]], keys: list[tuple[str, str]], output: str) -> dict[str, Any]:
    province_keys = {k for _, k in keys}
    sheets_reads = Counter(path.split("/")[3].split(":")[0] for method, path, status, _ in log
                           if path.startswith("/v4/spreadsheets/") and method == "GET" and status == 200)
    return {
        "requests": len(log),
        "sheets_reads": sum(n for k, n in sheets_reads.items() if k in province_keys),
        "provinces_read": sum(1 for k in province_keys if sheets_reads.get(k)),
        "drive_gets": sum(1 for method, path, _, _ in log if path.startswith("/drive/v3/files/") and method == "GET"),
        "output_requests": sum(1 for _, path, _, _ in log if output in path),
        "quota_429": sum(1 for *_, fault in log if fault == "quota"),
        "denied_403": sum(1 for _, _, status, _ in log if status == 403),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--provinces", type=int, default=38)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--quota", type=int, default=60,
                        help="the emulator's reads per minute per user (below 60: the limiter alone is not enough "
                             "and the retries absorb the 429s)")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "national.md"))
    args = parser.parse_args()

    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    child = context.Process(target=_serve, args=(theirs, args.responses, args.provinces, args.quota), daemon=True)
    child.start()
    ready = ours.recv()
    os.environ["TPBIS_SHEETS_EMULATOR_HOST"] = ready["host"]
    os.environ.setdefault("TPBIS_DEADLINE", "3600")

    from tpbis.cli.nasional import run_national
    from tpbis.config import Settings

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    folder = Path(tempfile.mkdtemp(prefix="tpbis-national-"))
    config = folder / "nasional.toml"
    lines = [f'output = "{ready["output"]}"', 'report = "nasional.html"', 'export = "ekspor"', 'format = "parquet"',
             f"workers = {args.workers}"]
    for name, key in ready["keys"]:
        lines += ["[[provinsi]]", f'nama = "{name}"', f'spreadsheet = "{key}"']
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")

    runs = []
    for label in ("first run", "rerun, one province changed"):
        if runs:
            ours.send(("edit", ready["keys"][0][1]))
            ours.recv()
        err = io.StringIO()
        start = time.perf_counter()
        runner = run_national(config, PERIOD, Settings(), err=err)
        wall = time.perf_counter() - start
        ours.send(("log",))
        tally = _tally(ours.recv(), ready["keys"], ready["output"])
        statuses = Counter(r.status.value for r in runner.results)
        runs.append({"label": label, "wall_s": wall, "code": runner.code, "statuses": statuses,
                     "waited_s": runner.bucket.waited, "stderr": err.getvalue().strip(),
                     "slowed": runner.bucket.slowed,
                     "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **tally})
        print(label, runs[-1], file=sys.stderr, flush=True)
    ours.send(("stop",))
    ours.recv()
    accepted = sum(r.counts.get("rows", 0) for r in runner.results)

    lines = [
        f"# tpbis nasional: {args.provinces} provinces, {args.responses:,} responses, a per-minute read quota",
        "",
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · Python {platform.python_version()} · {os.cpu_count()} CPUs · "
        f"emulator in a child process over 127.0.0.1 (seeded in {ready['seed_s']:.0f} s, "
        f"its RSS {ready['child_rss_mb']:.0f} MB) · quota {args.quota} reads/min/user, 300/project on the real clock",
        "",
        f"{args.provinces} spreadsheets, {args.responses:,} responses in all ({accepted:,} rows in the provinces read), "
        f"{args.workers} workers, limiter at 60 reads/min; one province not shared (403).",
        "Peak RSS is this process's (`ru_maxrss`, the roll-up alone; "
        f"{rss_before:.0f} MB after imports).",
        "",
        "| run | exit | read / unchanged / failed | wall s | limiter wait s (all workers) | requests | Sheets reads of provinces "
        "(200) | provinces read | Drive files.get | 403 (broken province) | output requests | 429 from the emulator "
        "| peak RSS MB |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        s = r["statuses"]
        lines.append(
            f"| {r['label']} | {r['code']} | {s.get('read', 0)} / {s.get('unchanged', 0)} / {s.get('failed', 0)} "
            f"| {r['wall_s']:.1f} | {r['waited_s']:.1f} | {r['requests']} | {r['sheets_reads']} | {r['provinces_read']} "
            f"| {r['drive_gets']} | {r['denied_403']} | {r['output_requests']} | {r['quota_429']} "
            f"| {r['peak_rss_mb']:.0f} |"
        )
    broken = ready["keys"][-1][0]
    others = [line for r in runs for line in r["stderr"].splitlines() if broken not in line]
    lines += ["", "Limiter slowed down by 429s: " + ", ".join(f"{r['label']} {r['slowed']}×" for r in runs) + ".",
              "No quota error reached the user: stderr holds only the broken province:" if not others
              else "Errors other than the broken province's reached the user:", "", "```",
              *sorted({line for r in runs for line in r["stderr"].splitlines()}), "```"]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
