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
from ..plugins import PluginHost
from ..textable import render_table, terminal_width
from . import validate
from ._options import (
    EXIT_OK,
    add_calendar_options,
    add_format_option,
    add_year_options,
    check_out_dir,
    feeds_json,
    plan_for,
    report_feeds,
    year_of,
)
from .calendar import write_calendars

__all__ = ["HELP", "add_arguments", "run"]

HELP = "the main job: check an organization file and plan the year"

#: Reasons for unplaced items listed in the summary before "... and N more".
MAX_REASONS = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``lianxue run``'s arguments to ``parser``."""
    parser.add_argument("orgfile", nargs="?", type=Path, help="organization file (default: the bundled example county)")
    add_year_options(parser)
    add_calendar_options(parser)
    add_format_option(parser)


def run(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    """Run ``lianxue run``."""
    check_out_dir(args)
    args.orgfile = args.orgfile or example_path()
    tree = load_county(args.orgfile, host)
    obligations = obligations_of(tree, host, year_of(args))  # asked once, for the plan and the guidance counts
    plan = plan_for(args, host, tree, err, obligations)
    written = write_calendars(args, host, tree, plan, err)  # before printing: a closed pipe must not stop it
    per_org = Counter(o.org for o in plan.occurrences if o.shown)
    parts = sum(1 for o in plan.occurrences if not o.shown)
    unplaced = Counter(u.org for u in plan.unplaced)
    rows = []
    total_guidance = 0
    for org in tree:
        guidance = sum(1 for o in obligations[org.id] if not o.schedulable)
        total_guidance += guidance
        rows.append([org.id, org.name, org.track or "-", str(per_org[org.id]), str(unplaced[org.id]), str(guidance)])
    if args.format == "json":
        doc = {
            "file": str(args.orgfile),
            **validate.summary(tree, host),
            "year": plan.year,
            "provisional": plan.provisional,
            "activities": len(plan.occurrences) - parts,
            "parts": parts,
            "unplaced": len(plan.unplaced),
            "combined": len(plan.combined),
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
            "unplaced_reasons": [
                {"obligation": ob, "reason": why, "count": n}
                for (ob, why), n in Counter((u.obligation, u.reason) for u in plan.unplaced).most_common()
            ],
            "feeds": feeds_json(written, args.out),
        }
        print(json.dumps(doc, ensure_ascii=False, indent=2), file=out)
        return EXIT_OK
    print(f"{args.orgfile}: OK", file=out)
    validate.print_summary(validate.summary(tree, host), out)
    print(f"\nPlan for {plan.year}" + ("（暂定 provisional）" if plan.provisional else "") + ":", file=out)
    out.write(render_table(["org", "名称", "track", "activities", "unplaced", "guidance"], rows, terminal_width(out)))
    print(
        f"\n{len(tree)} organizations: {len(plan.occurrences) - parts} activities planned "
        f"(and {parts} members' parts held during them), {len(plan.unplaced)} unplaced, "
        f"{len(plan.combined)} combined with another activity, {total_guidance} guidance items.",
        file=out,
    )
    if plan.unplaced:
        reasons = Counter((u.obligation, u.reason) for u in plan.unplaced)
        print("Not placed (see `lianxue plan` for each item):", file=out)
        for (obligation, reason), n in reasons.most_common(MAX_REASONS):
            print(f"  {n} × {obligation}: {reason}", file=out)
        if len(reasons) > MAX_REASONS:
            print(f"  ... and {len(reasons) - MAX_REASONS} more reasons", file=out)
    report_feeds(written, args.out, out)
    return EXIT_OK
