"""A province's own rubric: validate it, score with it, compare with the default.

Run from the repository root (offline)::

    python examples/custom_rubric.py

``examples/rubrics/kepri-lokal.toml`` was started from ``tpbis rubric show`` and
changes weights, targets, the green band and two award thresholds. This script
lists those differences, scores September 2024 with both rubrics and prints the
libraries whose colour changed.
"""

from __future__ import annotations

from pathlib import Path

import tpbis
from tpbis.domain.awards import Metric
from tpbis.service import awards_for

HERE = Path(__file__).resolve().parent
WORKBOOK = HERE / "kepri-2024.xlsx"
LOCAL_RUBRIC = HERE / "rubrics" / "kepri-lokal.toml"


def rubric_differences(default: tpbis.Rubric, local: tpbis.Rubric) -> list[str]:
    """Plain lines naming every weight, target, band and award minimum that differs."""
    lines: list[str] = []
    for mine in local.indicators:
        base = default.indicator(mine.id)
        if mine.weight != base.weight:
            lines.append(f"weight {mine.id}: {base.weight} -> {mine.weight}")
        for level, target in mine.targets.items():
            if target != base.targets[level]:
                lines.append(f"target {mine.id} level {level}: {base.targets[level]} -> {target}")
        for kind, target in mine.kind_targets.items():
            if target != base.kind_targets.get(kind):
                lines.append(f"target {mine.id} for {kind.value}: level target -> {target}")
    for mine_band, base_band in zip(local.bands, default.bands, strict=True):
        if mine_band.minimum != base_band.minimum:
            lines.append(f"band {mine_band.color.value}: from {base_band.minimum} -> from {mine_band.minimum}")
    for category in local.awards:
        base_category = default.award(category.id)
        for mine_c, base_c in zip(category.criteria, base_category.criteria, strict=True):
            if mine_c.metric is not Metric.COLOR and mine_c.minimum != base_c.minimum:
                lines.append(f"award {category.id} {mine_c.name}: at least {base_c.minimum} -> {mine_c.minimum}")
    return lines


def main() -> None:
    default = tpbis.default_rubric()
    local = tpbis.load_rubric(LOCAL_RUBRIC)  # raises RubricError naming every bad key
    print(f"valid rubric: {local.ref} ({len(local.indicators)} indicators)")
    print(f"differences from {default.ref}:")
    for line in rubric_differences(default, local):
        print(f"  {line}")

    inputs = tpbis.load_inputs(WORKBOOK)
    period = tpbis.Period.parse("2024-09")
    before = tpbis.score_inputs(inputs, default, [period])
    after = tpbis.score_inputs(inputs, local, [period])
    for report in (before, after):
        run = report.runs[0]
        colours = ", ".join(
            f"{sum(1 for r in run.results if r.color is c)} {c.value}" for c in tpbis.Color
        )
        eligible = sum(len(c.shortlist) for c in awards_for(report, inputs).categories)
        print(f"{run.rubric.ref:>16}: {colours}; {eligible} award places eligible")

    print(f"\ncolour changes, {period.label_en}:")
    for old, new in zip(before.runs[0].results, after.runs[0].results, strict=True):
        if old.color is not new.color:
            print(f"  {new.library.id}: {old.composite} {old.color.value} -> {new.composite} {new.color.value}")


if __name__ == "__main__":
    main()
