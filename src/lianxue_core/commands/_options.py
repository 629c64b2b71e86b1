"""What several commands share: the year and calendar arguments, planning the year for a command, building
its feeds, and the exit codes. The work itself is the application layer's (:mod:`lianxue_core.app`)."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from .. import app
from ..app import MIN_SHARDED_ORGS
from ..calendar import FeedOptions, FeedSet, WrittenFeed, stamp_from_environment
from ..errors import InputError, Problem
from ..i18n import _, ngettext
from ..model import OrganizationTree
from ..obligations import Obligation
from ..plugins import PluginHost
from ..scheduling import Plan
from ._progress import counting

__all__ = [
    "EXIT_INPUT",
    "EXIT_OK",
    "EXIT_PLUGIN",
    "EXIT_SERVER",
    "add_alarm_options",
    "add_calendar_options",
    "add_format_option",
    "add_jobs_option",
    "add_year_options",
    "check_out_dir",
    "feed_options",
    "feeds_for",
    "feeds_json",
    "jobs_of",
    "plan_for",
    "report_feeds",
    "unknown_org",
    "year_of",
]

log = logging.getLogger("lianxue")

EXIT_OK = 0
#: A CalDAV server was down or refused a request.
EXIT_SERVER = 1
#: Bad input or usage: every problem printed, one line each.
EXIT_INPUT = 2
#: A plugin failed: the message names the plugin and its distribution.
EXIT_PLUGIN = 3


def add_year_options(parser: argparse.ArgumentParser) -> None:
    """``--year``, ``--holidays`` and ``--jobs``."""
    parser.add_argument("--year", type=int, default=None, help=_("the year to plan (default: this year)"))
    parser.add_argument(
        "--holidays",
        metavar="FILE",
        type=Path,
        help=_("override file with the official holiday arrangement of a year lianxue does not know yet (TOML)"),
    )
    add_jobs_option(parser)


def add_alarm_options(parser: argparse.ArgumentParser) -> None:
    """``--alarm MINUTES`` or ``--no-alarm``."""
    alarm = parser.add_mutually_exclusive_group()
    alarm.add_argument(
        "--alarm", metavar="MINUTES", type=int, default=24 * 60, help=_("reminder lead time (default 1440)")
    )
    alarm.add_argument("--no-alarm", action="store_true", help=_("write no reminders"))


def add_calendar_options(parser: argparse.ArgumentParser) -> None:
    """Where the feeds go and which feeds besides the organizations' (``calendar`` and ``run``)."""
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("lianxue-calendars"),
        help=_("directory for the feeds (default: lianxue-calendars)"),
    )
    parser.add_argument(
        "--people", action="store_true", help=_("also write people/<member-id>.ics for every listed member")
    )
    parser.add_argument(
        "--supervisor",
        metavar="ID",
        action="append",
        default=[],
        help=_("also write supervisors/<ID>.ics: what that organization must watch (repeatable)"),
    )
    parser.add_argument(
        "--todo", action="store_true", help=_("also write todo/<org-id>.ics: a VTODO for every deadline and duty")
    )
    parser.add_argument(
        "--no-fsync",
        action="store_true",
        help=_(
            "do not sync the feeds to disk (scratch runs: faster; a power cut may lose them, a killed run "
            "still leaves every feed whole)"
        ),
    )
    add_alarm_options(parser)


def add_jobs_option(parser: argparse.ArgumentParser) -> None:
    """``--jobs N``: how many processes plan at once."""
    parser.add_argument(
        "--jobs",
        "-j",
        metavar="N",
        type=int,
        default=None,
        help=_(
            "plan with N processes at once (default: one per core, {cores} here; files under {n} organizations "
            "are planned in one). The result is the same whatever N is"
        ).format(cores=app.cores(), n=MIN_SHARDED_ORGS),
    )


def jobs_of(args: argparse.Namespace) -> int | None:
    """``--jobs``, checked: ``None`` (not given: one process per core), or N; 1 where the command has no such
    option."""
    jobs = getattr(args, "jobs", 1)
    if jobs is not None and jobs < 1:
        raise InputError([Problem("--jobs", _("must be at least 1 (got {jobs})").format(jobs=jobs))])
    cores = app.cores()
    if jobs is not None and jobs > cores:
        log.warning(
            _("warning: %s"),
            _("--jobs {jobs}: this machine has {cores} cores, and lianxue starts at most one process per core").format(
                jobs=jobs, cores=cores
            ),
        )
    return None if jobs is None else int(jobs)


def check_out_dir(args: argparse.Namespace) -> None:
    """``--out`` must be a folder (or not exist yet): said before any work is done."""
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise InputError(
            [Problem(str(out), _("is a file, not a folder: --out names the folder the feeds go into"), key="--out")]
        )


def year_of(args: argparse.Namespace) -> int:
    """``--year``, checked, or the year of ``--as-of`` (a re-plan), or this year."""
    as_of = getattr(args, "as_of", None)
    default = as_of.year if isinstance(as_of, dt.date) else dt.date.today().year
    year = default if args.year is None else int(args.year)
    app.check_year(year, "--year")
    return year


def unknown_org(args: argparse.Namespace, tree: OrganizationTree, org_id: str, option: str = "--org") -> Problem:
    """The problem of an ``option`` (``--org``, ``--supervisor``) naming no organization of the file
    (:func:`lianxue_core.app.unknown_org`: with the nearest id when one is close)."""
    return app.unknown_org(str(args.orgfile), tree, org_id, option)


def checked_orgs(args: argparse.Namespace, tree: OrganizationTree) -> list[str] | None:
    """``--org``, every id checked against ``tree``."""
    orgs: list[str] | None = getattr(args, "org", None)
    unknown = [o for o in orgs or () if o not in tree]
    if unknown:
        raise InputError(unknown_org(args, tree, o) for o in unknown)
    return orgs


def plan_for(
    args: argparse.Namespace,
    host: PluginHost,
    tree: OrganizationTree,
    err: TextIO,
    obligations: dict[str, tuple[Obligation, ...]] | None = None,
) -> Plan:
    """The year's plan for the command's ``--year``, ``--holidays`` and ``--org``; its warnings on ``err``."""
    year = year_of(args)
    orgs = checked_orgs(args, tree)
    started = time.perf_counter()
    with counting(args, err, _("planning"), None if orgs else len(tree), _("orgs")) as advance:
        plan = app.plan_year(
            tree,
            host,
            year,
            orgs=orgs,
            holidays=args.holidays,
            obligations=obligations,
            jobs=jobs_of(args),
            progress=advance,
        )
    planned = len(orgs or tree)
    log.info(
        ngettext("planned %d organization in %.1f s", "planned %d organizations in %.1f s", planned),
        planned,
        time.perf_counter() - started,
    )
    for warning in plan.warnings:
        log.warning(_("warning: %s"), warning)  # "lianxue: warning: ..." on err; -q leaves it out
    return plan


def feeds_for(
    args: argparse.Namespace,
    host: PluginHost,
    tree: OrganizationTree,
    plan: Plan,
    which: FeedSet,
    *,
    previous: Path | None = None,
) -> Iterable[WrittenFeed]:
    """The plan's feeds for the command's ``--alarm`` and ``--supervisor``, updated against the feeds in
    ``previous`` when given."""
    for sup in which.supervisors:
        if sup not in tree:
            raise InputError([unknown_org(args, tree, sup, "--supervisor")])
    return app.feeds(tree, plan, host, options=feed_options(args), which=which, previous=previous)


def feed_options(args: argparse.Namespace) -> FeedOptions:
    """The feeds' options from ``--alarm`` / ``--no-alarm`` and ``SOURCE_DATE_EPOCH``."""
    if args.alarm is not None and args.alarm < 0:
        raise InputError([Problem("--alarm", _("must not be negative (got {minutes})").format(minutes=args.alarm))])
    return FeedOptions(stamp=stamp_from_environment(), alarm_minutes=None if args.no_alarm else args.alarm)


def feeds_json(written: list[WrittenFeed], out_dir: Path) -> dict[str, object]:
    """What was written, for ``--format json``: the folder, the totals and each feed."""
    return {
        "out": str(out_dir),
        "calendars": len(written),
        "events": sum(f.events for f in written),
        "changed": sum(f.changed for f in written),
        "cancelled": sum(f.cancelled for f in written),
        "feeds": [
            {"path": f.path, "name": f.name, "events": f.events, "changed": f.changed, "cancelled": f.cancelled}
            for f in written
        ],
    }


def add_format_option(parser: argparse.ArgumentParser) -> None:
    """``--format table|json`` for a command that prints a summary."""
    parser.add_argument(
        "--format",
        choices=["table", "json"],
        default="table",
        help=_("json: one JSON document on standard output (schemas in docs/cli-json.md)"),
    )


def report_feeds(written: list[WrittenFeed], out_dir: Path, out: TextIO) -> None:
    """One line: how many calendars and events were written, and how many changed."""
    events = sum(f.events for f in written)
    changed = sum(f.changed for f in written)
    cancelled = sum(f.cancelled for f in written)
    print(
        ngettext(
            "Wrote {n} calendar ({events} events, {changed} new or changed, {cancelled} cancelled) to {dir}/",
            "Wrote {n} calendars ({events} events, {changed} new or changed, {cancelled} cancelled) to {dir}/",
            len(written),
        ).format(n=len(written), events=events, changed=changed, cancelled=cancelled, dir=out_dir),
        file=out,
    )
