"""Every command at national scale: ``score`` against ``awards``, ``report`` and an ``.xlsx`` ``sync``.

Generates (once, cached) a national registry of ~10,000 libraries (the
generator's 12 provinces with ``--regencies`` kabupaten/kota each, 30
libraries per kabupaten/kota) and ``--rows`` form responses of 2024, plus the
same rows as an ``.xlsx`` workbook (tabs ``Form Responses 1`` and
``Perpustakaan``). Then it runs, each in its own process and start-up
included, interleaved over ``--repeat`` rounds:

* ``score``: ``tpbis score RESPONSES.csv --registry REGISTRY.csv --period 2024 --format json``
* ``awards``: ``tpbis awards … --format json`` on the same files
* ``report``: ``tpbis report … -o report.html`` (12 trend months; the HTML size is shown)
* ``score-xlsx``: ``tpbis score WORKBOOK.xlsx --period 2024 --format json`` (the rows as a workbook)
* ``sync-xlsx``: ``tpbis sync WORKBOOK.xlsx --period 2024 --output copy.xlsx`` (reads the
  workbook, scores, writes the output tabs into a copy; the input stays untouched)

and prints a Markdown table: median CPU seconds (user + system of the child),
median wall seconds, peak RSS, and the ratio of CPU time to ``score``'s
(the issue's target: awards, report and the sync within 1.5×).

    PYTHONPATH=src python benchmarks/commands.py --rows 100000 --repeat 3

1M rows take ~10 minutes per round on a 2-core machine; 100k rows is the
default. The data goes to ``benchmarks/data/national-r<regencies>/`` (gitignored).
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (the benchmarks' own generator, next to this file)

PERIOD = "2024"


def national_data(rows: int, regencies: int, seed: int) -> tuple[Path, Path, Path]:
    """(responses CSV, registry CSV, workbook .xlsx), generated once per size."""
    generate.REGENCIES_PER_PROVINCE = regencies
    generate.DATA_DIR = HERE / "data" / f"national-r{regencies}"
    generate.DATA_DIR.mkdir(parents=True, exist_ok=True)
    responses, registry = generate.ensure_data(rows, seed)
    workbook = responses.with_suffix(".xlsx")
    if not workbook.exists():
        _write_workbook(workbook, responses, registry)
    return responses, registry, workbook


def _write_workbook(path: Path, responses: Path, registry: Path) -> None:
    """The CSVs as a workbook, as a Google Forms spreadsheet downloads (text cells, two tabs)."""
    import openpyxl

    print(f"writing {path.name} …", file=sys.stderr)
    book = openpyxl.Workbook(write_only=True)
    for title, source in (("Form Responses 1", responses), ("Perpustakaan", registry)):
        sheet = book.create_sheet(title)
        with source.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                sheet.append(row)
    partial = path.with_suffix(".partial")
    book.save(partial)
    partial.replace(path)


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(CPU seconds, wall seconds, peak RSS MB) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if child.returncode != 0:
        msg = f"{' '.join(argv[3:6])} … exited {child.returncode}:\n{errors[-2000:]}"
        raise RuntimeError(msg)
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024


def measure(rows: int = 100_000, regencies: int = 28, repeat: int = 3, seed: int = 7,
            only: str | None = None) -> str:
    """Run the commands interleaved over ``repeat`` rounds; the Markdown table (progress on stderr)."""
    responses, registry, workbook = national_data(rows, regencies, seed)
    with registry.open(encoding="utf-8") as handle:
        libraries = sum(1 for _ in handle) - 1
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(HERE.parent / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])}
    tpbis = [sys.executable, "-m", "tpbis"]
    common = ["--registry", str(registry), "--period", PERIOD]
    with tempfile.TemporaryDirectory(prefix="tpbis-commands-") as tmp:
        html = Path(tmp) / "report.html"
        copy = Path(tmp) / "copy.xlsx"
        commands = {
            "score": [*tpbis, "score", str(responses), *common, "--format", "json"],
            "awards": [*tpbis, "awards", str(responses), *common, "--format", "json"],
            "report": [*tpbis, "report", str(responses), *common, "-o", str(html)],
            "score-xlsx": [*tpbis, "score", str(workbook), "--period", PERIOD, "--format", "json"],
            "sync-xlsx": [*tpbis, "sync", str(workbook), "--period", PERIOD, "--output", str(copy)],
        }
        if only:
            wanted = {"score", *only.split(",")}
            commands = {name: command for name, command in commands.items() if name in wanted}
        found: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
        for round_ in range(repeat):
            for name, command in commands.items():
                copy.unlink(missing_ok=True)
                found[name].append(_run(command, env))
                cpu, wall, rss = found[name][-1]
                print(f"round {round_ + 1}: {name:<10} {cpu:7.2f} s CPU {wall:7.2f} s wall {rss:6.0f} MB",
                      file=sys.stderr)
        html_mb = html.stat().st_size / 1e6 if html.exists() else None

    base = statistics.median(cpu for cpu, _, _ in found["score"])
    lines = [
        f"{rows:,} rows, {libraries:,} libraries, period {PERIOD}; medians of {repeat} interleaved runs,"
        " each command in its own process (start-up included)",
        "",
        "| command | CPU s | wall s | peak RSS MB | CPU × score |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, runs in found.items():
        cpu = statistics.median(r[0] for r in runs)
        wall = statistics.median(r[1] for r in runs)
        rss = max(r[2] for r in runs)
        lines.append(f"| {name} | {cpu:.2f} | {wall:.2f} | {rss:.0f} | {cpu / base:.2f} |")
    if html_mb is not None:
        lines += ["", f"report HTML: {html_mb:.2f} MB"]
    return "\n".join(lines)


def markdown(seed: int = 7, repeat: int | None = None) -> str:
    """The section ``benchmarks/run.py`` appends to its results: every command at national scale."""
    return "## Every command at national scale (`benchmarks/commands.py`)\n\n" + measure(
        seed=seed, repeat=repeat or 3)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--regencies", type=int, default=28, help="kabupaten/kota per province (28: ~10,000 libraries)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", help="comma-separated commands to run (default: all)")
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    args = parser.parse_args(argv)
    text = measure(args.rows, args.regencies, args.repeat, args.seed, args.only)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
