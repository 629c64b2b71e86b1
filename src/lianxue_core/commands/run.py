"""``lianxue run [ORGFILE]``: the main job. Check the organization file (default: the bundled example county),
plan the year, write the feeds and print a summary."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import TextIO

from ..app import load_county, obligations_of
from ..examples import example_path
from ..i18n import N_, _, ngettext
from ..plugins import PluginHost
from ..scheduling import Plan
from ..textable import render_table, terminal_width
from . import validate
from ._options import (
    EXIT_OK,
    add_calendar_options,
    add_format_option,
    add_year_options,
    check_out_dir,
    feeds_json,
    report_feeds,
    year_of,
)
from ._replan import add_replan_options, replan_for, replan_json, report_replan, wants_replan
from .calendar import summary_of, write_calendars

__all__ = ["HELP", "add_arguments", "run"]

HELP = N_("the main job: check an organization file and plan the year")

#: Reasons for unplaced items listed in the summary before "... and N more".
MAX_REASONS = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``lianxue run``'s arguments to ``parser``."""
    parser.add_argument(
        "orgfile", nargs="?", type=Path, help=_("organization file (default: the bundled example county)")
    )
    add_year_options(parser)
    add_calendar_options(parser)
    add_replan_options(parser)
    add_format_option(parser)


def run(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    """Run ``lianxue run``: the plan is made and written shard by shard, and counted as it goes."""
    check_out_dir(args)
    args.orgfile = args.orgfile or example_path()
    tree = load_county(args.orgfile, host)
    obligations = obligations_of(tree, host, year_of(args))  # asked once, for the plan and the guidance counts
    count = _Counts()
    # written before anything is printed: a closed pipe must not stop it
    replanned = replan_for(args, host, tree, year_of(args), err) if wants_replan(args) else None
    written = write_calendars(args, host, tree, err, obligations, on_plan=count.add, replanned=replanned)
    plan = count.first
    parts, activities = count.parts, sum(count.per_org.values())
    unplaced_total = sum(count.unplaced.values())
    reasons = sorted(count.reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    rows = []
    total_guidance = 0
    for org in tree:
        guidance = sum(1 for o in obligations[org.id] if not o.schedulable)
        total_guidance += guidance
        rows.append(
            [org.id, org.name, org.track or "-", str(count.per_org[org.id]), str(count.unplaced[org.id]), str(guidance)]
        )
    if args.format == "json":
        doc = {
            "file": str(args.orgfile),
            **validate.summary(tree, host),
            "year": plan.year,
            "provisional": plan.provisional,
            "activities": activities,
            "parts": parts,
            "unplaced": unplaced_total,
            "combined": count.combined,
            "guidance": total_guidance,
            "per_org": [
                {
                    "org": r[0],
                    "name": r[1],
                    "track": org.track,
                    "activities": int(r[3]),
                    "unplaced": int(r[4]),
                    "guidance": int(r[5]),
                }
                for r, org in zip(rows, tree, strict=True)
            ],
            "unplaced_reasons": [{"obligation": ob, "reason": why, "count": n} for (ob, why), n in reasons],
            "feeds": feeds_json(written, args.out),
            **replan_json(replanned),
        }
        print(json.dumps(doc, ensure_ascii=False, indent=2), file=out)
        return EXIT_OK
    print(_("{file}: OK").format(file=args.orgfile), file=out)
    validate.print_summary(validate.summary(tree, host), out)
    title = (_("Plan for {year} (provisional):") if plan.provisional else _("Plan for {year}:")).format(year=plan.year)
    print("\n" + title, file=out)
    headers = [_("org"), _("name"), _("track"), _("activities"), _("unplaced"), _("guidance")]
    out.write(render_table(headers, rows, terminal_width(out)))
    print(
        "\n"
        + ngettext(
            "{n} organization: {activities} activities planned (and {parts} members' parts held during them), "
            "{unplaced} unplaced, {combined} combined with another activity, {guidance} guidance items.",
            "{n} organizations: {activities} activities planned (and {parts} members' parts held during them), "
            "{unplaced} unplaced, {combined} combined with another activity, {guidance} guidance items.",
            len(tree),
        ).format(
            n=len(tree),
            activities=activities,
            parts=parts,
            unplaced=unplaced_total,
            combined=count.combined,
            guidance=total_guidance,
        ),
        file=out,
    )
    if reasons:
        print(_("Not placed (see `lianxue plan` for each item):"), file=out)
        for (obligation, reason), n in reasons[:MAX_REASONS]:
            print(f"  {n} × {obligation}: {reason}", file=out)
        if len(reasons) > MAX_REASONS:
            more = len(reasons) - MAX_REASONS
            print("  " + ngettext("... and {n} more reason", "... and {n} more reasons", more).format(n=more), file=out)
    if replanned is not None:
        report_replan(replanned, tree, out, args)
    report_feeds(written, args.out, out)
    return EXIT_OK


class _Counts:
    """What the summary says of the plan, counted shard by shard (the plan itself is not kept)."""

    def __init__(self) -> None:
        self.per_org: Counter[str] = Counter()
        self.unplaced: Counter[str] = Counter()
        self.reasons: Counter[tuple[str, str]] = Counter()
        self.parts = 0
        self.combined = 0
        self.shards: list[Plan] = []

    def add(self, plan: Plan) -> None:
        self.shards.append(summary_of(plan))
        shown = plan.shown()  # the items held at them counted, not made
        for occ in shown:
            self.per_org[occ.org] += 1
        self.parts += len(plan.occurrences) - len(shown)
        for item in plan.unplaced:
            self.unplaced[item.org] += 1
            self.reasons[(item.obligation, item.reason)] += 1
        self.combined += len(plan.combined)

    @property
    def first(self) -> Plan:
        return self.shards[0]
