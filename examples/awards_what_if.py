"""What would an ineligible village library need to add to become eligible for an award?

Run from the repository root (offline)::

    python examples/awards_what_if.py [LIBRARY_ID]

Scores the programme year 2024 of the bundled workbook, evaluates the award
categories (SPEC §6) and, for one desa/kelurahan library (default
``desa-busung``), asks :func:`tpbis.domain.awards.what_if` for the smallest
additions: how many activities of a single kind would do it, and a small mix
of kinds found greedily. The CLI equivalent is
``tpbis awards examples/kepri-2024.xlsx --period 2024 --what-if desa-busung``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import tpbis
from tpbis.domain.awards import what_if
from tpbis.render import what_if_text
from tpbis.service import awards_for

WORKBOOK = Path(__file__).resolve().parent / "kepri-2024.xlsx"


# --8<-- [start:main]
def main(library_id: str = "desa-busung") -> None:
    inputs = tpbis.load_inputs(WORKBOOK)
    report = tpbis.score_inputs(inputs, tpbis.default_rubric(), [tpbis.Period.parse("2024")])
    awards = awards_for(report, inputs)
    run = awards.run
    result = run.result(library_id)
    print(f"{result.library.name} ({library_id}), {run.period.label_en}: "
          f"{result.composite} {result.color.value}, {result.activity_count} activities")

    for category in awards.categories:
        if category.level != result.library.level:
            continue
        entry = next(e for e in category.entries if e.library.id == library_id)
        print(f"\n{category.category.label_en} (level {category.level})")
        if entry.eligible:
            print(f"  already eligible, rank {entry.rank}")
            continue
        for unmet in entry.unmet:  # why not now
            print(f"  unmet: {unmet.message_en}")
        answer = what_if(category.category, library_id, run, report.parse.activities)
        print("  " + what_if_text(answer, run.rubric, "en").replace("\n", "\n  "))

# --8<-- [end:main]


if __name__ == "__main__":
    main(*sys.argv[1:2])
