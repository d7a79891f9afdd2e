"""CPU of the JSON document of ``tpbis score --format json``: ``kpi_document``, the history Δ and ``write_json``.

    PYTHONPATH=src python benchmarks/document.py                      # 10k and 100k rows, median of 3
    PYTHONPATH=src python benchmarks/document.py --rows 1000000 --repeat 1
    PYTHONPATH=src python benchmarks/document.py --data /path/to/benchmarks/data

Each repetition runs in a fresh interpreter (the render caches and the lazily
computed gaps start empty, as in one CLI run): it loads and scores the file and
makes the plans as ``tpbis score`` does (not timed), then times, in CPU seconds,
``_changes`` (the previous period and a year earlier), ``kpi_document`` and
``write_json`` (into memory). Run it with ``PYTHONPATH`` pointing at another
checkout's ``src`` to compare before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PHASES = ("changes", "document", "write", "total")


def _child(responses: str, registry: str, period: str) -> None:
    import io
    import time

    import pendulum

    from tpbis.cli import score as score_cli
    from tpbis.cli.main import _parser, settings_for
    from tpbis.domain.kpi import tally
    from tpbis.domain.plan import plans_for
    from tpbis.render import kpi_document
    from tpbis.serialization import write_json

    argv = ["score", responses, "--registry", registry, "--period", period, "--format", "json"]
    args = _parser(argv).parse_args(argv)
    settings = settings_for(args, os.environ)
    inputs, report, _, snapshots = score_cli.load_scored(args, settings)
    parsed = report.parse
    today = pendulum.now("UTC").in_timezone(settings.read.timezone()).date()
    run = report.runs[0]
    plans = plans_for(run, tally(parsed.activities, run.period), as_of=today)

    clock = time.process_time
    t0 = clock()
    found = score_cli._changes(run, report, inputs, settings, snapshots)
    t1 = clock()
    document = kpi_document(run, parsed.counts, parsed.problems, found, plans=plans)
    t2 = clock()
    out = io.StringIO()
    write_json(document, out)
    t3 = clock()
    print(json.dumps({"changes": t1 - t0, "document": t2 - t1, "write": t3 - t2, "total": t3 - t0,
                      "bytes": len(out.getvalue().encode())}))


def main() -> None:
    parser = argparse.ArgumentParser(description="CPU of the score JSON document")
    parser.add_argument("--rows", type=int, action="append", help="row counts (default 10000 and 100000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--period", default="2024")
    parser.add_argument("--data", type=Path, help="a folder with the generated CSVs (default: generate them here)")
    parser.add_argument("--child", nargs=2, metavar=("RESPONSES", "REGISTRY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child, args.period)
        return
    from generate import GENERATOR_VERSION, ensure_data

    print("| rows | " + " | ".join(PHASES) + " | bytes |")
    print("|---|" + "---|" * (len(PHASES) + 1))
    for rows in args.rows or [10_000, 100_000]:
        if args.data is not None:
            suffix = f"s{args.seed}-v{GENERATOR_VERSION}.csv"
            responses, registry = args.data / f"responses-{rows}-{suffix}", args.data / f"registry-{suffix}"
        else:
            responses, registry = ensure_data(rows, args.seed)
        samples = []
        for _ in range(args.repeat):
            completed = subprocess.run(
                [sys.executable, __file__, "--period", args.period, "--child", str(responses), str(registry)],
                capture_output=True, text=True, check=True,
            )
            samples.append(json.loads(completed.stdout.splitlines()[-1]))
        medians = [statistics.median(s[phase] for s in samples) for phase in PHASES]
        print(f"| {rows:,} | " + " | ".join(f"{m:.3f}" for m in medians) + f" | {samples[0]['bytes']:,} |",
              flush=True)


if __name__ == "__main__":
    main()
