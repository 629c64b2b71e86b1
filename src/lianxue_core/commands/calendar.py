"""``lianxue calendar ORGFILE``: the year's plan as iCalendar feeds, one per organization (and per person,
supervisor and to-do list when asked), written atomically into ``--out``."""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path
from typing import TextIO

from ..app import load_county
from ..calendar import FeedSet, WrittenFeed, write_feeds
from ..model import OrganizationTree
from ..plugins import PluginHost
from ..scheduling import Plan
from ._options import (
    EXIT_OK,
    add_calendar_options,
    add_format_option,
    add_year_options,
    check_out_dir,
    feeds_for,
    feeds_json,
    plan_for,
    report_feeds,
)
from ._progress import each

__all__ = ["HELP", "add_arguments", "run", "write_calendars"]

log = logging.getLogger("lianxue")

HELP = "write the plan as iCalendar feeds (.ics), one per organization"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``lianxue calendar``'s arguments to ``parser``."""
    parser.add_argument("orgfile", type=Path, help="organization file (TOML)")
    add_year_options(parser)
    add_calendar_options(parser)
    add_format_option(parser)


def write_calendars(
    args: argparse.Namespace, host: PluginHost, tree: OrganizationTree, plan: Plan, err: TextIO
) -> list[WrittenFeed]:
    """Write the feeds the arguments ask for into ``args.out``, updated against the ones already there (a
    progress bar on ``err`` when it is a terminal)."""
    which = FeedSet(people=args.people, supervisors=tuple(args.supervisor), todo=args.todo)
    started = time.perf_counter()
    feeds = each(args, err, feeds_for(args, host, tree, plan, which, previous=args.out), "日历 feeds", "个")
    written = write_feeds(feeds, args.out, no_fsync=args.no_fsync)
    log.info("wrote %d feeds in %.1f s", len(written), time.perf_counter() - started)
    return written


def run(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    """Run ``lianxue calendar``."""
    check_out_dir(args)
    tree = load_county(args.orgfile, host)
    plan = plan_for(args, host, tree, err)
    written = write_calendars(args, host, tree, plan, err)
    if args.format == "json":
        doc = {"file": str(args.orgfile), "year": plan.year, "provisional": plan.provisional}
        print(json.dumps({**doc, **feeds_json(written, args.out)}, ensure_ascii=False, indent=2), file=out)
    else:
        report_feeds(written, args.out, out)
    return EXIT_OK
