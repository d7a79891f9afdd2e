"""Score September 2024 of the bundled Kepulauan Riau workbook with the Python API.

Run from the repository root (no Google account, no network)::

    python examples/api_scoring.py

Prints the colour counts, the three weakest libraries with what each lacks for
the next colour, and the award shortlist (the first eligible library per
category and level, over the programme year 2024).
"""

from __future__ import annotations

from pathlib import Path

import tpbis
from tpbis.render import gap_text
from tpbis.service import awards_for

WORKBOOK = Path(__file__).resolve().parent / "kepri-2024.xlsx"


def main() -> None:
    inputs = tpbis.load_inputs(WORKBOOK)
    periods = [tpbis.Period.parse("2024-09"), tpbis.Period.parse("2024")]  # the month, and the programme year
    report = tpbis.score_inputs(inputs, tpbis.default_rubric(), periods)
    run = report.runs[0]
    counts = report.parse.counts
    print(f"{run.rubric.ref} · {run.period.label_en}")
    print(f"rows: {counts.rows} = {counts.accepted} accepted + {counts.rejected} rejected"
          f" + {counts.duplicates} duplicates + {counts.blank} blank")

    # Colour counts, best colour first.
    colours = {colour: sum(1 for r in run.results if r.color is colour) for colour in tpbis.Color}
    print("colours:", ", ".join(f"{n} {colour.value}" for colour, n in colours.items()))

    # The three weakest libraries and the cheapest ways to their next colour.
    print("\nweakest libraries:")
    weakest = sorted(run.results, key=lambda r: (r.composite_exact, r.library.id))[:3]
    for result in weakest:
        print(f"  {result.library.name} ({result.library.id}): {result.composite} {result.color.value}")
        print(f"    {gap_text(result.gap, 'en')}")
        if result.gap:  # options that close the gap alone come first, then the biggest helpers
            for option in result.gap.options[:2]:
                if option.extra is None:
                    print(f"    - {option.indicator.id}: adds at most {float(option.max_points):.1f} points")
                else:
                    print(f"    - {option.indicator.id}: {option.extra} more {option.indicator.unit_en}")

    # Award shortlist over the programme year: the first eligible library per category and level.
    print("\naward shortlist (2024):")
    awards = awards_for(report, inputs, run=report.runs[1])
    for category in awards.categories:
        top = category.shortlist[0] if category.shortlist else None
        first = f"{top.library.name} ({top.score})" if top else "(nobody eligible yet)"
        print(f"  {category.category.id} level {category.level}: {first}")


if __name__ == "__main__":
    main()
