"""Benchmark tpbis parsing + scoring against a csv floor and a pandas script.

For each size, on the same generated files and in the same run, three programs
each run in a fresh subprocess (so peak memory is clean):

* ``floor``  — a plain ``csv.reader`` pass over the responses file counting rows;
* ``pandas`` — ``benchmarks/pandas_baseline.py`` (the same composite, vectorised);
* ``tpbis``  — ``load_inputs`` + ``score_inputs`` for the period 2024.

Each reports its wall time (the work only, after imports), peak RSS
(``ru_maxrss``) and its RSS after imports. The composites of pandas and tpbis are
compared for every registered library. A Markdown table goes to ``--out`` (and
stdout), the raw numbers to the same path with ``.json``.

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
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MODES = ("floor", "pandas", "tpbis")
TARGETS = {"throughput": 2.0, "floor": 4.0, "memory": 0.5}
DEFAULT_TIMEOUT = 300


# --------------------------------------------------------------------------- child side
def _rss_kb() -> int:
    """Peak RSS of this process so far, KiB (Linux).

    ``ru_maxrss`` survives fork + exec, so a child starts at its parent's RSS:
    the parent therefore stays small (no pandas import, data generated in a
    subprocess). ``VmHWM`` (reset by exec) is recorded alongside as a check.
    """
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _hwm_kb() -> int:
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _child(mode: str, responses: str, registry: str, dump: str | None) -> None:
    t_import = time.perf_counter()
    if mode == "floor":
        import csv

        def work() -> tuple[int, dict[str, str], dict[str, int]]:
            with open(responses, encoding="utf-8-sig", newline="") as handle:  # noqa: PTH123
                reader = csv.reader(handle)
                next(reader)
                rows = sum(1 for _ in reader)
            return rows, {}, {"rows": rows}

    elif mode == "pandas":
        sys.path.insert(0, str(HERE))
        import pandas_baseline

        def work() -> tuple[int, dict[str, str], dict[str, int]]:
            result = pandas_baseline.run(responses, registry, 2024)
            composites = {k: f"{v:.1f}" for k, v in result.composites.items()}
            return result.counts["rows"], composites, result.counts

    else:
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

    import_seconds = time.perf_counter() - t_import
    baseline_kb, baseline_hwm = _rss_kb(), _hwm_kb()
    start = time.perf_counter()
    rows, composites, counts = work()
    seconds = time.perf_counter() - start
    peak_kb, peak_hwm = _rss_kb(), _hwm_kb()
    if dump:
        Path(dump).write_text(json.dumps({"composites": composites, "counts": counts}), encoding="utf-8")
    print(json.dumps({"mode": mode, "seconds": seconds, "rows": rows, "import_seconds": import_seconds,
                      "baseline_kb": baseline_kb, "peak_kb": peak_kb,
                      "baseline_hwm_kb": baseline_hwm, "peak_hwm_kb": peak_hwm}))


# --------------------------------------------------------------------------- parent side
def _env() -> dict[str, str]:
    env = dict(os.environ)
    if importlib.util.find_spec("tpbis") is None and (ROOT / "src" / "tpbis").is_dir():
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return env


def _spawn(mode: str, responses: Path, registry: Path, dump: Path | None, timeout: float) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode,
           "--responses", str(responses), "--registry", str(registry)]
    if dump is not None:
        cmd += ["--dump", str(dump)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=_env(), timeout=timeout, check=False)
    except subprocess.TimeoutExpired:  # subprocess.run kills the child it started
        return {"mode": mode, "seconds": timeout, "timed_out": True, "rows": 0, "import_seconds": 0.0,
                "baseline_kb": 0, "peak_kb": 0}
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        msg = f"{mode} child failed with exit code {proc.returncode}"
        raise RuntimeError(msg)
    return json.loads(proc.stdout.strip().splitlines()[-1])


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
        f"{meta['when']} · Python {meta['python']} · pandas {meta['pandas']} · "
        f"{meta['cpus']} CPUs · load avg at start {meta['load']} · seed {meta['seed']}",
        "",
        "Wall time is the work only (after imports), best of the repeats; memory is the child's "
        "peak RSS (`ru_maxrss`) and its RSS after imports, so *data* = peak − after-imports.",
        "",
        "| rows | program | repeats | best s | rows/s | imports s | RSS after imports MB | peak RSS MB | data MB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in results:
        for mode in MODES:
            m = size["modes"][mode]
            if m.get("timed_out"):
                lines.append(f"| {size['rows']:,} | {mode} | {m['repeats']} | > {m['seconds']:.0f} "
                             f"(timed out) | < {_fmt_rate(size['rows'] / m['seconds'])} | | | | |")
                continue
            lines.append(
                f"| {size['rows']:,} | {mode} | {m['repeats']} | {m['seconds']:.3f} | "
                f"{_fmt_rate(size['rows'] / m['seconds'])} | {m['import_seconds']:.2f} | "
                f"{_mb(m['baseline_kb']):.0f} | {_mb(m['peak_kb']):.0f} | "
                f"{_mb(m['peak_kb'] - m['baseline_kb']):.0f} |"
            )
    lines += [
        "",
        "## Targets (ratios; absolute seconds are informative only)",
        "",
        "| rows | tpbis ÷ pandas throughput (≥ 2×) | tpbis ÷ csv floor time (≤ 4×) | "
        "tpbis ÷ pandas peak RSS (≤ 0.5) | composites equal | row counts (pandas / tpbis) |",
        "|---:|---:|---:|---:|---|---|",
    ]
    for size in results:
        m = size["modes"]
        if any(m[k].get("timed_out") for k in MODES):
            lines.append(f"| {size['rows']:,} | timed out (> {m['tpbis']['seconds']:.0f} s); "
                         f"tpbis ÷ pandas < {m['pandas']['seconds'] / m['tpbis']['seconds']:.2f}× ❌ | "
                         f"> {m['tpbis']['seconds'] / m['floor']['seconds']:.0f}× ❌ | n/a | n/a | n/a |")
            continue
        speed = m["pandas"]["seconds"] / m["tpbis"]["seconds"]
        floor = m["tpbis"]["seconds"] / m["floor"]["seconds"]
        memory = m["tpbis"]["peak_kb"] / m["pandas"]["peak_kb"]
        cmp = size["compare"]
        equal = f"{cmp['libraries'] - cmp['mismatches']:,}/{cmp['libraries']:,}"
        cp, ct = cmp["counts_pandas"], cmp["counts_tpbis"]
        keys = ("accepted", "rejected", "duplicates", "blank")
        counts = ("same: " + " ".join(f"{k} {ct[k]:,}" for k in keys)
                  if all(cp.get(k) == ct.get(k) for k in keys)
                  else "differ: " + ", ".join(f"{k} {cp.get(k)}/{ct.get(k)}" for k in keys))
        lines.append(
            f"| {size['rows']:,} | {speed:.2f}× {_verdict(speed >= TARGETS['throughput'])} | "
            f"{floor:.2f}× {_verdict(floor <= TARGETS['floor'])} | "
            f"{memory:.2f} {_verdict(memory <= TARGETS['memory'])} | "
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
    return 3 if rows <= 100_000 else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="tpbis vs pandas vs csv floor")
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="comma-separated response row counts (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs per program and size, best time kept (default 3 up to 100k rows, 1 above)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default=str(HERE / "results" / "latest.md"))
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help="seconds one program may take on one size before it is stopped "
                        "and reported as timed out (default %(default)s), keeping the run bounded")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--responses", help=argparse.SUPPRESS)
    parser.add_argument("--registry", help=argparse.SUPPRESS)
    parser.add_argument("--dump", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.responses, args.registry, args.dump)
        return 0

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    try:  # not imported: the parent's RSS would leak into the children's ru_maxrss
        pandas_version = importlib.metadata.version("pandas")
    except importlib.metadata.PackageNotFoundError:
        pandas_version = "missing"
    meta = {
        "when": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "python": platform.python_version(), "pandas": pandas_version, "cpus": os.cpu_count(),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()), "seed": args.seed,
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
            runs: dict[str, list[dict]] = {m: [] for m in MODES}
            dumps = {m: Path(tmp) / f"{m}-{rows}.json" for m in ("pandas", "tpbis")}
            for rep in range(repeat):
                for mode in MODES:  # interleaved, so machine noise hits all three alike
                    if rep and any(r.get("timed_out") for r in runs[mode]):
                        continue  # no point timing out twice
                    dump = dumps.get(mode) if rep == 0 else None
                    r = _spawn(mode, responses, registry, dump, args.timeout)
                    runs[mode].append(r)
                    status = "TIMED OUT" if r.get("timed_out") else f"peak {_mb(r['peak_kb']):.0f} MB"
                    print(f"[{rows:,}] {mode:6} run {rep + 1}/{repeat}: {r['seconds']:.3f}s {status}",
                          file=sys.stderr, flush=True)
            modes = {}
            for mode, rs in runs.items():
                done = [r for r in rs if not r.get("timed_out")] or rs
                best = min(done, key=lambda r: r["seconds"])
                modes[mode] = {**best, "repeats": len(rs), "peak_kb": max(r["peak_kb"] for r in done),
                               "all_seconds": [r["seconds"] for r in rs]}
            if all(dumps[m].exists() for m in ("pandas", "tpbis")):
                compare = _compare(*(json.loads(dumps[m].read_text(encoding="utf-8"))
                                     for m in ("pandas", "tpbis")))
            else:
                compare = None
            results.append({"rows": rows, "modes": modes, "compare": compare})
            if compare and compare["mismatches"]:
                print(f"[{rows:,}] {compare['mismatches']} composite mismatches, e.g. "
                      f"{compare['examples'][:5]}", file=sys.stderr, flush=True)

    text = _markdown(results, meta)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps({"meta": meta, "results": results}, indent=2),
                                        encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
