"""Benchmark tpbis against a pandas script, the csv.reader floor and pyarrow's bare CSV read.

For each size, on the same generated files and in the same run, each program
runs in a fresh subprocess (so its CPU time and peak memory are its own),
interleaved across repeats so machine noise hits all of them alike:

* ``floor``  — a plain ``csv.reader`` pass over the responses file counting rows;
* ``arrow``  — pyarrow's CSV reader alone, every column as text (the columnar
  engine's bare read: the new floor);
* ``pandas`` — ``benchmarks/pandas_baseline.py`` (the same composite, vectorised);
* ``api``    — ``load_inputs`` + ``score_inputs`` for the period 2024 (parse + score);
* ``cli``    — ``tpbis score FILE --registry REG --period 2024 --format json``, the
  command users run, in-process from ``python -c`` (start-up and imports included,
  output to /dev/null).

The parent reads each child's CPU seconds (user + system, every thread) and
peak RSS from ``wait4`` — the whole process, start-up included; the child
reports the CPU of its work alone. Medians over the repeats. The composites of
pandas and the API are compared for every registered library, and the row
accounting too. A Markdown table goes to ``--out`` (and stdout), the raw
numbers to the same path with ``.json``.

``benchmarks/commands.py``, when present, adds its own section (national-scale
awards, report and sync): its ``markdown(seed=…, repeat=…)`` returns Markdown that
is appended to the results.

    python benchmarks/run.py --sizes 10000,100000,1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MODES = ("floor", "arrow", "pandas", "api", "cli")
TARGETS = {"throughput": 2.0, "floor": 4.0, "memory": 0.5}
DEFAULT_TIMEOUT = 600


# --------------------------------------------------------------------------- child side
def _child(mode: str, responses: str, registry: str, dump: str | None) -> None:
    t_import = time.process_time()
    if mode == "floor":
        import csv

        def work() -> tuple[int, dict[str, str], dict[str, int]]:
            with open(responses, encoding="utf-8-sig", newline="") as handle:  # noqa: PTH123
                reader = csv.reader(handle)
                next(reader)
                rows = sum(1 for _ in reader)
            return rows, {}, {"rows": rows}

    elif mode == "arrow":
        import pyarrow as pa
        from pyarrow import csv as pa_csv

        def work() -> tuple[int, dict[str, str], dict[str, int]]:
            with open(responses, encoding="utf-8-sig", newline="") as handle:  # noqa: PTH123
                width = len(next(__import__("csv").reader(handle)))
            names = [f"c{i}" for i in range(width)]
            table = pa_csv.read_csv(
                responses,
                read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1),
                parse_options=pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
                convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                      strings_can_be_null=False),
            )
            return table.num_rows, {}, {"rows": table.num_rows}

    elif mode == "pandas":
        sys.path.insert(0, str(HERE))
        import pandas_baseline

        def work() -> tuple[int, dict[str, str], dict[str, int]]:
            result = pandas_baseline.run(responses, registry, 2024)
            composites = {k: f"{v:.1f}" for k, v in result.composites.items()}
            return result.counts["rows"], composites, result.counts

    elif mode == "api":
        from tpbis.domain.period import Period
        from tpbis.rubrics import default_rubric
        from tpbis.service import score_inputs
        from tpbis.sources import load_inputs

        rubric = default_rubric()
        period = Period.parse("2024")

        def work() -> tuple[int, dict[str, str], dict[str, int]]:
            inputs = load_inputs(responses, registry=registry)
            report = score_inputs(inputs, rubric, [period])
            c = report.parse.counts
            counts = {"rows": c.rows, "accepted": c.accepted, "rejected": c.rejected,
                      "duplicates": c.duplicates, "blank": c.blank}
            composites = {r.library.id: str(r.composite) for r in report.runs[0].results}
            return c.rows, composites, counts

    else:  # cli
        from tpbis.cli import main

        def work() -> tuple[int, dict[str, str], dict[str, int]]:
            saved = sys.stdout
            with open(os.devnull, "w", encoding="utf-8") as sink:  # noqa: PTH123
                sys.stdout = sink
                try:
                    code = main(["score", responses, "--registry", registry, "--period", "2024",
                                 "--format", "json"])
                finally:
                    sys.stdout = saved
            if code:
                msg = f"tpbis score exited with {code}"
                raise RuntimeError(msg)
            return 0, {}, {}

    import_seconds = time.process_time() - t_import
    start, wall = time.process_time(), time.perf_counter()
    rows, composites, counts = work()
    seconds, wall = time.process_time() - start, time.perf_counter() - wall
    if dump:
        Path(dump).write_text(json.dumps({"composites": composites, "counts": counts}), encoding="utf-8")
    print(json.dumps({"mode": mode, "work_cpu": seconds, "work_wall": wall, "rows": rows,
                      "import_cpu": import_seconds}))


# --------------------------------------------------------------------------- parent side
def _env() -> dict[str, str]:
    env = dict(os.environ)
    if importlib.util.find_spec("tpbis") is None and (ROOT / "src" / "tpbis").is_dir():
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return env


def _spawn(mode: str, responses: Path, registry: Path, dump: Path | None, timeout: float) -> dict:
    """Run one child; its CPU seconds and peak RSS come from wait4 (the whole process)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode,
           "--responses", str(responses), "--registry", str(registry)]
    if dump is not None:
        cmd += ["--dump", str(dump)]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=_env())
        began = time.monotonic()
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - began > timeout:
                proc.kill()
                os.wait4(proc.pid, 0)
                return {"mode": mode, "cpu": timeout, "timed_out": True, "rows": 0, "peak_kb": 0,
                        "work_cpu": timeout, "import_cpu": 0.0}
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            sys.stderr.write(err.read().decode("utf-8", "replace"))
            msg = f"{mode} child failed with exit code {proc.returncode}"
            raise RuntimeError(msg)
        report = json.loads(out.read().decode("utf-8").strip().splitlines()[-1])
    return {**report, "cpu": usage.ru_utime + usage.ru_stime, "peak_kb": usage.ru_maxrss,
            "wall": time.monotonic() - began}


def _ensure_data(rows: int, seed: int) -> tuple[Path, Path]:
    """Generate (once, in a subprocess to keep this process small) and return the CSV paths."""
    out = subprocess.run([sys.executable, str(HERE / "generate.py"), "--rows", str(rows), "--seed", str(seed)],
                         capture_output=True, text=True, check=True)
    responses, registry = out.stdout.strip().splitlines()[-2:]
    return Path(responses), Path(registry)


def _compare(pandas_dump: dict, tpbis_dump: dict) -> dict[str, object]:
    a, b = pandas_dump["composites"], tpbis_dump["composites"]
    ids = sorted(set(a) | set(b))
    mismatches = [(i, a.get(i), b.get(i)) for i in ids if a.get(i) != b.get(i)]
    return {
        "libraries": len(ids),
        "mismatches": len(mismatches),
        "examples": mismatches[:8],
        "counts_pandas": pandas_dump["counts"],
        "counts_tpbis": tpbis_dump["counts"],
    }


def _mb(kb: float) -> float:
    return kb / 1024


def _fmt_rate(rows_per_s: float) -> str:
    return f"{rows_per_s / 1000:,.0f}k" if rows_per_s < 1e6 else f"{rows_per_s / 1e6:,.2f}M"


def _verdict(ok: bool) -> str:
    return "✅" if ok else "❌"


def _markdown(results: list[dict], meta: dict[str, object]) -> str:
    lines = [
        "# tpbis benchmark",
        "",
        f"{meta['when']} · Python {meta['python']} · pandas {meta['pandas']} · pyarrow {meta['pyarrow']} · "
        f"{meta['cpus']} CPUs · load avg at start {meta['load']} · seed {meta['seed']}",
        "",
        "CPU seconds (user + system, all threads) of the whole process, start-up and imports included, "
        "median of the interleaved runs; *work* is the CPU of the work alone (the child's own count); "
        "peak RSS is the process's (`wait4`), largest of the runs.",
        "",
        "| rows | program | runs | CPU s | work CPU s | wall s | rows/s (CPU) | peak RSS MB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for size in results:
        for mode in MODES:
            m = size["modes"].get(mode)
            if m is None:
                continue
            if m.get("timed_out"):
                lines.append(f"| {size['rows']:,} | {mode} | {m['runs']} | > {m['cpu']:.0f} (timed out) | | | | |")
                continue
            lines.append(
                f"| {size['rows']:,} | {mode} | {m['runs']} | {m['cpu']:.2f} | {m['work_cpu']:.2f} | "
                f"{m['wall']:.2f} | {_fmt_rate(size['rows'] / m['cpu'])} | {_mb(m['peak_kb']):.0f} |"
            )
    lines += [
        "",
        "## Targets (ratios of CPU seconds and peak RSS measured in this run)",
        "",
        "| rows | pandas ÷ `score --format json` (≥ 2×) | pandas ÷ API | `score` ÷ csv floor (≤ 4×) | "
        "`score` ÷ arrow read | API ÷ arrow read | `score` RSS ÷ pandas (≤ 0.5) | API RSS ÷ pandas | "
        "composites equal | row counts (pandas / tpbis) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for size in results:
        m = size["modes"]
        if size["compare"] is None or any(k not in m for k in MODES):
            continue
        if any(m[k].get("timed_out") for k in m):
            lines.append(f"| {size['rows']:,} | a program timed out | | | | | | | | |")
            continue
        cpu = {k: v["cpu"] for k, v in m.items()}
        rss = {k: v["peak_kb"] for k, v in m.items()}
        speed, speed_api = cpu["pandas"] / cpu["cli"], cpu["pandas"] / cpu["api"]
        floor = cpu["cli"] / cpu["floor"]
        memory, memory_api = rss["cli"] / rss["pandas"], rss["api"] / rss["pandas"]
        cmp = size["compare"]
        equal = f"{cmp['libraries'] - cmp['mismatches']:,}/{cmp['libraries']:,}"
        cp, ct = cmp["counts_pandas"], cmp["counts_tpbis"]
        keys = ("accepted", "rejected", "duplicates", "blank")
        counts = ("same: " + " ".join(f"{k} {ct[k]:,}" for k in keys)
                  if all(cp.get(k) == ct.get(k) for k in keys)
                  else "differ: " + ", ".join(f"{k} {cp.get(k)}/{ct.get(k)}" for k in keys))
        lines.append(
            f"| {size['rows']:,} | {speed:.2f}× {_verdict(speed >= TARGETS['throughput'])} | {speed_api:.2f}× | "
            f"{floor:.2f}× {_verdict(floor <= TARGETS['floor'])} | {cpu['cli'] / cpu['arrow']:.2f}× | "
            f"{cpu['api'] / cpu['arrow']:.2f}× | "
            f"{memory:.2f} {_verdict(memory <= TARGETS['memory'])} | {memory_api:.2f} | "
            f"{equal} {_verdict(cmp['mismatches'] == 0)} | {counts} |"
        )
    mism = [s for s in results if s["compare"] and s["compare"]["mismatches"]]
    if mism:
        lines += ["", "## Composite mismatches (library: pandas vs tpbis)", ""]
        for size in mism:
            ex = ", ".join(f"`{i}` {p} vs {t}" for i, p, t in size["compare"]["examples"])
            lines.append(f"- {size['rows']:,} rows: {size['compare']['mismatches']} mismatches, e.g. {ex}")
    return "\n".join(lines) + "\n"


def _default_repeat(rows: int) -> int:
    return 5 if rows <= 100_000 else 3


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "missing"


def _commands_section(seed: int, repeat: int | None) -> str:
    """The national-scale section of ``benchmarks/commands.py`` (awards, report, sync), when it exists."""
    if not (HERE / "commands.py").exists():
        return ""
    sys.path.insert(0, str(HERE))
    import commands

    section = getattr(commands, "markdown", None)
    return "" if section is None else "\n" + str(section(seed=seed, repeat=repeat))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="tpbis vs pandas vs the csv and arrow floors")
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="comma-separated response row counts (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="interleaved runs per program and size, medians kept (default 5 up to 100k rows, 3 above)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--modes", default=",".join(MODES), help="programs to run (default: %(default)s)")
    parser.add_argument("--out", default=str(HERE / "results" / "latest.md"))
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help="seconds one program may take on one size before it is stopped "
                        "and reported as timed out (default %(default)s), keeping the run bounded")
    parser.add_argument("--no-commands", action="store_true", help="skip benchmarks/commands.py's section")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--responses", help=argparse.SUPPRESS)
    parser.add_argument("--registry", help=argparse.SUPPRESS)
    parser.add_argument("--dump", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.responses, args.registry, args.dump)
        return 0

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    modes = [m for m in MODES if m in args.modes.split(",")]
    meta = {  # versions read without importing: the parent's RSS would leak into the children's ru_maxrss
        "when": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "python": platform.python_version(), "pandas": _version("pandas"), "pyarrow": _version("pyarrow"),
        "cpus": os.cpu_count(), "load": " ".join(f"{x:.2f}" for x in os.getloadavg()), "seed": args.seed,
    }
    results: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            t0 = time.perf_counter()
            responses, registry = _ensure_data(rows, args.seed)
            gen = time.perf_counter() - t0
            if gen > 1:
                print(f"[{rows:,}] data ready in {gen:.1f}s", file=sys.stderr, flush=True)
            repeat = args.repeat or _default_repeat(rows)
            runs: dict[str, list[dict]] = {m: [] for m in modes}
            dumps = {m: Path(tmp) / f"{m}-{rows}.json" for m in ("pandas", "api")}
            for rep in range(repeat):
                for mode in modes:  # interleaved, so machine noise hits every program alike
                    if rep and any(r.get("timed_out") for r in runs[mode]):
                        continue  # no point timing out twice
                    dump = dumps.get(mode) if rep == 0 else None
                    r = _spawn(mode, responses, registry, dump, args.timeout)
                    runs[mode].append(r)
                    status = "TIMED OUT" if r.get("timed_out") else f"peak {_mb(r['peak_kb']):.0f} MB"
                    print(f"[{rows:,}] {mode:6} run {rep + 1}/{repeat}: {r['cpu']:.2f} CPU s {status}",
                          file=sys.stderr, flush=True)
            summary = {}
            for mode, rs in runs.items():
                done = [r for r in rs if not r.get("timed_out")] or rs
                summary[mode] = {
                    "runs": len(rs), "timed_out": any(r.get("timed_out") for r in rs),
                    "cpu": statistics.median(r["cpu"] for r in done),
                    "work_cpu": statistics.median(r["work_cpu"] for r in done),
                    "wall": statistics.median(r.get("wall", 0.0) for r in done),
                    "peak_kb": max(r["peak_kb"] for r in done),
                    "all_cpu": [r["cpu"] for r in rs],
                }
            if all(dumps[m].exists() for m in ("pandas", "api")):
                compare = _compare(*(json.loads(dumps[m].read_text(encoding="utf-8")) for m in ("pandas", "api")))
            else:
                compare = None
            results.append({"rows": rows, "modes": summary, "compare": compare})
            if compare and compare["mismatches"]:
                print(f"[{rows:,}] {compare['mismatches']} composite mismatches, e.g. "
                      f"{compare['examples'][:5]}", file=sys.stderr, flush=True)

    complete = set(modes) == set(MODES) and all(r["compare"] for r in results)
    text = _markdown(results, meta) if complete else _partial(results, meta)
    if not args.no_commands:
        text += _commands_section(args.seed, args.repeat)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps({"meta": meta, "results": results}, indent=2),
                                        encoding="utf-8")
    print(text)
    return 0


def _partial(results: list[dict], meta: dict[str, object]) -> str:
    """The first table only (some programs were left out with ``--modes``)."""
    full = _markdown([{**r, "compare": None} for r in results], meta)
    return full.split("\n## Targets", 1)[0]


if __name__ == "__main__":
    raise SystemExit(main())
