"""Benchmark (and check) the plan search: ``plans_for`` on generated data and on the example workbook.

    PYTHONPATH=src python benchmarks/plans.py                      # CPU s of plans_for at 10k and 100k rows
    PYTHONPATH=src python benchmarks/plans.py --sizes 10000 --repeat 3 --dump /tmp/plans.txt

Each size is loaded, parsed and scored for the period 2024 once; then only
``plans_for`` (as ``tpbis score`` calls it: the run's tallies, ``as_of`` after
the period) is timed, ``--repeat`` times, and the median CPU seconds printed.

``--dump FILE`` writes a canonical text of every plan (the ``repr`` of each
:class:`~tpbis.domain.plan.Plan` and its options' messages rendered in
Indonesian and English) for the generated sizes (periods 2024, 2024-Q3 and
2024-09) and for the example workbook (its 12 months, 4 quarters and the year).
Two versions of the planner must give byte-identical dumps.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import pendulum  # noqa: E402
from generate import ensure_data, paths  # noqa: E402

from tpbis.domain.activity import ActivityKind  # noqa: E402
from tpbis.domain.kpi import KindTally, KpiRun, tally  # noqa: E402
from tpbis.domain.period import Period  # noqa: E402
from tpbis.domain.plan import Plan, plans_for  # noqa: E402
from tpbis.rubrics import default_rubric  # noqa: E402
from tpbis.service import score_inputs  # noqa: E402
from tpbis.sources import load_inputs  # noqa: E402

WORKBOOK = ROOT / "examples" / "kepri-2024.xlsx"
EXAMPLE_PERIODS = (*(f"2024-{m:02d}" for m in range(1, 13)), *(f"2024-Q{q}" for q in range(1, 5)), "2024")
GENERATED_PERIODS = ("2024", "2024-Q3", "2024-09")


def _as_of(period: Period) -> pendulum.Date:
    """A fixed day after the period (as ``tpbis score`` run today would say)."""
    return period.end.add(days=1)


def _write_plans(out: IO[str], title: str, run: KpiRun, plans: dict[str, Plan]) -> None:
    out.write(f"## {title} {run.period}\n")
    for result in run.results:
        plan = plans[result.library.id]
        out.write(f"{result.library.id} {result.color.value} {result.composite_exact}\n{plan!r}\n")
        for lang in ("id", "en"):
            out.write(f"  {lang}: {plan.message.render(lang)}\n")
            for option in plan.options:
                out.write(f"  {lang} option: {option.message.render(lang)}\n")


Tallies = dict[str, dict[ActivityKind, KindTally]]


def _generated(size: int, seed: int, data_dir: Path | None, periods: Iterable[str]) -> list[tuple[KpiRun, Tallies]]:
    if data_dir is None:
        responses, registry = ensure_data(size, seed)
    else:
        default_responses, default_registry = paths(size, seed)
        responses, registry = data_dir / default_responses.name, data_dir / default_registry.name
    rubric = default_rubric()
    report = score_inputs(load_inputs(responses, registry=registry), rubric, [Period.parse(p) for p in periods])
    return [(run, tally(report.parse.activities, run.period)) for run in report.runs]


def _cpu(run: KpiRun, tallies: Tallies) -> tuple[float, dict[str, Plan]]:
    start = time.process_time()
    plans = plans_for(run, tallies, as_of=_as_of(run.period))
    return time.process_time() - start, plans


def main() -> None:
    parser = argparse.ArgumentParser(description="CPU time of plans_for; canonical dump of all plans")
    parser.add_argument("--sizes", default="10000,100000", help="response row counts (comma-separated)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per size; the median is printed (0: no timing)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="where the generated CSVs are (default: benchmarks/data, generated when missing)")
    parser.add_argument("--dump", type=Path, default=None, help="write the canonical text of all plans here")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]

    out = args.dump.open("w", encoding="utf-8") if args.dump else None
    try:
        for size in sizes:
            runs = _generated(size, args.seed, args.data_dir, GENERATED_PERIODS if out else GENERATED_PERIODS[:1])
            run, tallies = runs[0]
            times = [_cpu(run, tallies)[0] for _ in range(args.repeat)]
            if times:
                print(f"{size:>8,} rows, {len(run.results):,} libraries, period {run.period.key}: plans_for "
                      f"median {statistics.median(times):.2f} CPU s (runs: {', '.join(f'{t:.2f}' for t in times)})",
                      flush=True)
            if out:
                for other, other_tallies in runs:
                    _write_plans(out, f"generated {size}", other, _cpu(other, other_tallies)[1])
        if out:
            rubric = default_rubric()
            inputs = load_inputs(WORKBOOK, rubric=rubric)
            report = score_inputs(inputs, rubric, [Period.parse(p) for p in EXAMPLE_PERIODS])
            for run in report.runs:
                # the activities themselves (plans_for tallies them and checks each result)
                _write_plans(out, "example", run, plans_for(run, report.parse.activities, as_of=_as_of(run.period)))
    finally:
        if out:
            out.close()


if __name__ == "__main__":
    main()
