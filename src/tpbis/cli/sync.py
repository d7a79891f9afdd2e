"""``tpbis sync``: score a spreadsheet's responses and write the output tabs back into it."""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from collections import Counter
from typing import Any

import attrs
import pendulum

from tpbis.adapters.sources import detect_kind
from tpbis.cli._common import (
    read_options,
    source_kind_options,
    source_list,
    source_open_options,
    warn_drifts,
)
from tpbis.config import Settings
from tpbis.domain.period import Period
from tpbis.domain.rubric import Color
from tpbis.history import HISTORY_TAB
from tpbis.i18n import t
from tpbis.ports import Workbook
from tpbis.service.sync import SyncOptions, SyncResult, sync
from tpbis.sources import open_more_sources, open_sync_workbook

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add ``tpbis sync`` to the command parsers."""
    parser = commands.add_parser(
        "sync", help=t("cli.sync.help"), description=t("cli.sync.help"),
        parents=[read_options(), source_kind_options(credentials=False)],
    )
    parser.add_argument("source", metavar="SOURCE", nargs="*", help=t("cli.sync.sources"))
    parser.add_argument("--registry", help=t("cli.opt.registry_any"))
    parser.add_argument("--period", action="append", help=t("cli.sync.period"))
    parser.add_argument("--source", dest="forms_source", metavar="forms:FORM_ID", help=t("cli.sync.source_forms"))
    parser.add_argument("--output", help=t("cli.sync.output"))
    parser.add_argument("--credentials", help=t("cli.sync.credentials"))
    parser.add_argument("--dry-run", action="store_true", help=t("cli.sync.dry_run"))
    parser.add_argument("--force", action="store_true", help=t("cli.sync.force"))
    parser.add_argument("--break-lock", action="store_true", help=t("cli.sync.break_lock"))
    parser.add_argument("--format", choices=["table", "json"], default="table", help=t("cli.opt.format"))
    parser.set_defaults(run=run)


def owner_name() -> str:
    """This run's id in the lock: opaque and random (the spreadsheet is shared; no user or host name)."""
    return f"run-{uuid.uuid4().hex[:12]}"


class _Progress:
    """A one-line progress bar on stderr (only on a terminal)."""

    def __init__(self, lang: str, enabled: bool) -> None:
        self.lang = lang
        self.enabled = enabled

    def __call__(self, key: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        width = 20
        filled = width * (done - 1) // total
        bar = "█" * filled + "░" * (width - filled)
        sys.stderr.write(f"\r{bar} {done}/{total} {t(key, self.lang)}…".ljust(60))
        sys.stderr.flush()

    def finish(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()


def open_for_sync(args: argparse.Namespace, settings: Settings, *,
                  responses: str | None = None) -> tuple[Workbook, SyncOptions]:
    """The workbook a sync (or close) writes — the first SOURCE (``[[sources]]`` of ``tpbis.toml``
    without one) — and the sync options that read the other SOURCEs with it; drift warnings go to
    stderr. The caller sets the periods and what the run does."""
    rubric = settings.load_rubric()
    (first, channel), *rest = source_list(args.source, settings)  # the first is written; the others are read
    open_options = source_open_options(args, settings)
    workbook, read, drifts = open_sync_workbook(
        first, output=args.output, registry=settings.registry, responses=responses, read=settings.read,
        rubric=rubric, options=open_options,
    )
    more, registries, more_drifts = open_more_sources(
        rest, registry=settings.registry, read=settings.read, rubric=rubric, options=open_options)
    warn_drifts((*drifts, *more_drifts), settings.lang)
    return workbook, SyncOptions(
        periods=(),
        rubric=settings.load_rubrics(),
        owner=owner_name(),
        now=pendulum.now("UTC"),
        lang=settings.lang,
        read=read,
        break_lock=args.break_lock,
        clock=lambda: pendulum.now("UTC"),
        sleep=time.sleep,
        more_sources=more,
        more_registries=registries,
        channel=(channel or detect_kind(first, kind=open_options.kind).value) if more else None,
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run one sync and print its summary."""
    lang = settings.lang
    workbook, options = open_for_sync(args, settings, responses=args.forms_source)
    options = attrs.evolve(
        options, dry_run=args.dry_run, force=args.force,
        periods=tuple(Period.parse(p) for p in args.period) if args.period else (),  # (): the data's periods
    )
    progress = _Progress(lang, enabled=sys.stderr.isatty() and args.format == "table")
    try:
        result = sync(workbook, options, progress)
    finally:
        progress.finish()
    if args.format == "json":
        json.dump(summary_document(result), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(summary_text(result, lang))
    return 0


def summary_document(result: SyncResult) -> dict[str, Any]:
    """The sync summary as JSON-ready data."""
    document: dict[str, Any] = {
        "status": result.status,
        "spreadsheet": result.info.title,
        "responses_tab": result.responses_tab,
        "fingerprint": result.fingerprint,
        "write_requests": result.write_requests,
    }
    if result.status == "written":
        document["periods_from_data"] = result.periods_from_data
        document["edited_tabs"] = list(result.edited_tabs)
        document["removed_tabs"] = list(result.removed_tabs)
        document["history"] = {"added": result.history_added, "edited": result.history_edited}
        document["closed"] = list(result.closed)
        document["broken_lock"] = None if result.broken_lock is None else {
            "run": result.broken_lock.run,
            "since": result.broken_lock.since.to_iso8601_string() if result.broken_lock.since else "",
            "heartbeat": result.broken_lock.heartbeat.to_iso8601_string() if result.broken_lock.heartbeat else "",
        }
    if result.report is None:
        at = result.state.last_complete_at
        document["last_complete_at"] = at.to_iso8601_string() if at is not None else ""
        return document
    counts = result.report.parse.counts
    return {
        **document,
        "counts": {
            "rows": counts.rows, "accepted": counts.accepted, "rejected": counts.rejected,
            "duplicates": counts.duplicates, "blank": counts.blank,
        },
        "periods": [
            {
                "key": run.period.key,
                "label": run.period.label,
                "colors": {c.value: sum(1 for r in run.results if r.color is c) for c in Color},
            }
            for run in result.report.runs
        ],
        "tabs": [{"name": tab.name, "rows": len(tab.rows)} for tab in result.tabs],
        "changes": [
            {"tab": c.name, "rows_before": c.rows_before, "rows_after": c.rows_after, "rows_changed": c.rows_changed}
            for c in result.changes
        ],
        "problems": len(result.awards.problems if result.awards is not None else result.report.parse.problems),
    }


def _notes(result: SyncResult, lang: str) -> list[str]:
    """What the sync did besides writing: a dead sync's lock broken, hand edits and old tabs replaced."""
    notes = []
    if result.broken_lock is not None:
        lock = result.broken_lock
        notes.append(t("sync.lock_broken", lang, run=lock.run or "?",
                       since=lock.since.to_iso8601_string() if lock.since else "?",
                       heartbeat=lock.heartbeat.to_iso8601_string() if lock.heartbeat else "?"))
    if result.edited_tabs:
        notes.append(t("sync.edited_tabs", lang, tabs=", ".join(f"'{n}'" for n in result.edited_tabs)))
    if result.removed_tabs:
        notes.append(t("sync.removed_tabs", lang, tabs=", ".join(f"'{n}'" for n in result.removed_tabs)))
    if result.history_edited:
        notes.append(t("history.edited", lang, tab=f"'{HISTORY_TAB}'"))
    if result.closed:
        notes.append(t("sync.closed", lang, periods=", ".join(result.closed)))
    return notes


def summary_text(result: SyncResult, lang: str, *, top: int = 3) -> str:
    """A one-screen summary: what was written, rows, colours, award candidates, problem hotspots."""
    lines: list[str] = []
    tabs = ", ".join(f"'{tab.name}'" for tab in result.tabs)
    if result.status == "written":
        lines.append(t("sync.done", lang, title=result.info.title, tabs=tabs, requests=result.write_requests))
        lines.extend(_notes(result, lang))
    elif result.status == "unchanged":
        at = result.state.last_complete_at
        lines.append(t("sync.unchanged", lang, title=result.info.title,
                       at=at.to_iso8601_string() if at is not None else "?"))
        return "\n".join(lines) + "\n"
    else:
        lines.append(t("sync.dry_run", lang, title=result.info.title))
        for change in result.changes:
            before = "-" if change.rows_before is None else change.rows_before
            lines.append(t("sync.change", lang, tab=change.name, before=before, after=change.rows_after,
                           changed=change.rows_changed))
    assert result.report is not None  # only 'unchanged' skips scoring
    if result.periods_from_data and len(result.report.runs) == 2:
        month, year = result.report.runs
        lines.append(t("sync.periods_from_data", lang, month=month.period.key, year=year.period.key))
    counts = result.report.parse.counts
    lines.append(t("cli.summary", lang, rows=counts.rows, accepted=counts.accepted, rejected=counts.rejected,
                   duplicates=counts.duplicates, blank=counts.blank))
    for run in result.report.runs:
        per_color = {c.value: sum(1 for r in run.results if r.color is c) for c in Color}
        label = run.period.label_en if lang == "en" else run.period.label
        lines.append(t("sync.period_colors", lang, period=label, **per_color))
    if result.awards is not None:
        picks = []
        for category in result.awards.categories:
            first = [e for e in category.entries if e.rank == 1]
            if first:
                name = category.category.label_en if lang == "en" else category.category.label
                picks.append(f"{name} L{category.level}: {first[0].library.name} ({first[0].score})")
        if picks:
            lines.append(t("sync.top_awards", lang))
        lines.extend(f"  {pick}" for pick in picks[:8])
    problems = result.awards.problems if result.awards is not None else result.report.parse.problems
    if problems:
        by_code = Counter(p.code for p in problems)
        rows: dict[str, list[int]] = {}
        for p in problems:
            rows.setdefault(p.code, []).append(p.row)
        hotspots = "; ".join(
            f"{code} ×{n} ({t('sync.row' if n == 1 else 'sync.rows', lang, rows=', '.join(map(str, rows[code][:top])))}"
            + (", …)" if n > top else ")")
            for code, n in by_code.most_common(top)
        )
        lines.append(t("sync.problems", lang, count=len(problems), hotspots=hotspots, tab=t("tab.problems", lang)))
    return "\n".join(lines) + "\n"
