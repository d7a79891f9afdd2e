"""Profile tpbis load + parse + score on a generated file.

    PYTHONPATH=src python benchmarks/profiling.py --rows 100000            # pyinstrument if installed, else cProfile
    PYTHONPATH=src python benchmarks/profiling.py --rows 100000 --cprofile

Prints the phase timings without a profiler first (profilers inflate
per-call-heavy code such as generator expressions several times), then the
profile of one more run.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import ensure_data  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="profile tpbis on generated data")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cprofile", action="store_true", help="use cProfile even if pyinstrument is installed")
    args = parser.parse_args()

    from tpbis.domain.kpi import score
    from tpbis.domain.period import Period
    from tpbis.parsing.rows import parse_responses
    from tpbis.rubrics import default_rubric
    from tpbis.sources import load_inputs

    responses, registry = ensure_data(args.rows, args.seed)
    rubric, period = default_rubric(), Period.parse("2024")

    def work() -> None:
        t0 = time.perf_counter()
        inputs = load_inputs(responses, registry=registry)
        t1 = time.perf_counter()
        parsed = parse_responses(inputs.responses, inputs.registry, rubric)
        t2 = time.perf_counter()
        score(parsed.activities, inputs.registry, rubric, period)
        t3 = time.perf_counter()
        print(f"load_inputs {t1 - t0:.2f}s  parse_responses {t2 - t1:.2f}s  score {t3 - t2:.2f}s  "
              f"total {t3 - t0:.2f}s", flush=True)

    work()  # unprofiled timings
    try:
        if args.cprofile:
            raise ImportError
        from pyinstrument import Profiler
    except ImportError:
        profile = cProfile.Profile()
        profile.runcall(work)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        return
    profiler = Profiler(interval=0.001)
    profiler.start()
    work()
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False))


if __name__ == "__main__":
    main()
