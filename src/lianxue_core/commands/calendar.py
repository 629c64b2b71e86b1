"""``lianxue calendar ORGFILE``: the year's plan as iCalendar feeds, one per organization (and per person,
supervisor and to-do list when asked), written atomically into ``--out``."""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from .. import app
from ..app import load_county
from ..calendar import FeedSet, WrittenFeed, write_feeds
from ..errors import InputError
from ..i18n import N_, _
from ..model import OrganizationTree
from ..obligations import Obligation
from ..plugins import PluginHost
from ..scheduling import Plan
from ..supervision.replan import Replan
from ._options import (
    EXIT_OK,
    add_calendar_options,
    add_format_option,
    add_year_options,
    check_out_dir,
    feed_options,
    feeds_json,
    jobs_of,
    report_feeds,
    unknown_org,
    year_of,
)
from ._progress import counting, each
from ._replan import add_replan_options, replan_for, replan_json, report_replan, wants_replan

__all__ = ["HELP", "add_arguments", "run", "summary_of", "write_calendars"]

log = logging.getLogger("lianxue")

HELP = N_("write the plan as iCalendar feeds (.ics), one per organization")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``lianxue calendar``'s arguments to ``parser``."""
    parser.add_argument("orgfile", type=Path, help=_("organization file (TOML)"))
    add_year_options(parser)
    add_calendar_options(parser)
    add_replan_options(parser)
    add_format_option(parser)


def write_calendars(
    args: argparse.Namespace,
    host: PluginHost,
    tree: OrganizationTree,
    err: TextIO,
    obligations: dict[str, tuple[Obligation, ...]] | None = None,
    on_plan: Callable[[Plan], object] | None = None,
    replanned: Replan | None = None,
    with_occurrences: bool = True,
) -> list[WrittenFeed]:
    """Plan the year shard by shard and write the feeds the arguments ask for into ``args.out``, updated against
    the ones already there; only a few shards' plans are held at a time (:func:`lianxue_core.app.plan_stream`).
    ``on_plan`` sees each shard's plan (the run's summary counts them). Progress bars on ``err`` when it is a
    terminal. Returns what was written, in the order of the file (organizations, people, supervisors, to-dos).
    With ``replanned`` (``--records … --as-of``), its plan is written instead. ``with_occurrences=False``:
    ``on_plan`` may see a shard's plan without its occurrences (see :func:`lianxue_core.app.feeds_stream`).
    """
    which = FeedSet(people=args.people, supervisors=tuple(args.supervisor), todo=args.todo)
    for sup in which.supervisors:
        if sup not in tree:
            raise InputError([unknown_org(args, tree, sup, "--supervisor")])
    options = feed_options(args)
    year = year_of(args)
    started = time.perf_counter()

    def seen(plan: Plan) -> None:
        for warning in plan.warnings:
            log.warning(_("warning: %s"), warning)
        if on_plan is not None:
            on_plan(plan)

    with counting(args, err, _("planning"), len(tree), _("orgs")) as advance:
        feeds: Iterable[WrittenFeed]
        if replanned is not None:
            seen(replanned.plan)
            feeds = app.feeds_by_shard(tree, [replanned.plan], host, options=options, which=which, previous=args.out)
        else:
            # with --jobs, the workers plan and build their shards' feeds; this process writes them
            feeds = app.feeds_stream(
                tree,
                host,
                year,
                options=options,
                which=which,
                previous=args.out,
                holidays=args.holidays,
                obligations=obligations,
                jobs=jobs_of(args),
                progress=advance,
                on_plan=seen,
                with_occurrences=with_occurrences,
            )
        written = write_feeds(each(args, err, feeds, _("writing feeds"), _("feeds")), args.out, no_fsync=args.no_fsync)
    log.info(
        _("planned %d organizations and wrote %d feeds in %.1f s"),
        len(tree),
        len(written),
        time.perf_counter() - started,
    )
    return sorted(written, key=_file_order(tree, which))


def summary_of(plan: Plan) -> Plan:
    """A shard's plan without its items: what a summary keeps (year, provisional, warnings)."""
    return Plan(plan.year, plan.provisional, plan.workdays_source, (), warnings=plan.warnings)


def _file_order(tree: OrganizationTree, which: FeedSet) -> Callable[[WrittenFeed], tuple[int, int, str]]:
    """Feeds in the order of the file: organizations, people, supervisors, to-dos (feeds no longer produced
    after the others of their folder)."""
    orgs = {org.id: n for n, org in enumerate(tree)}
    members = {m.id: n for n, m in enumerate(tree.members)}
    sups = {s: n for n, s in enumerate(which.supervisors)}
    folders = {"": (0, orgs), "people": (1, members), "supervisors": (2, sups), "todo": (3, orgs)}

    def key(feed: WrittenFeed) -> tuple[int, int, str]:
        folder, _, name = feed.path.rpartition("/")
        rank, index = folders.get(folder, (4, {}))
        return (rank, index.get(name.removesuffix(".ics"), len(index)), feed.path)

    return key


def run(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    """Run ``lianxue calendar``."""
    check_out_dir(args)
    tree = load_county(args.orgfile, host)
    shards: list[Plan] = []
    replanned = replan_for(args, host, tree, year_of(args), err) if wants_replan(args) else None
    written = write_calendars(
        args,
        host,
        tree,
        err,
        on_plan=lambda p: shards.append(summary_of(p)),
        replanned=replanned,
        with_occurrences=False,  # a summary of each shard is kept: not its items
    )
    if args.format == "json":
        plan = shards[0]
        doc = {"file": str(args.orgfile), "year": plan.year, "provisional": plan.provisional}
        doc.update(feeds_json(written, args.out))
        doc.update(replan_json(replanned))
        print(json.dumps(doc, ensure_ascii=False, indent=2), file=out)
    else:
        if replanned is not None:
            report_replan(replanned, tree, out, args)
        report_feeds(written, args.out, out)
    return EXIT_OK
