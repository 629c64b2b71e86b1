"""``--records FILE… --as-of DATE [--previous ORGFILE]``: plan, calendar, run and publish re-plan the rest of the
year around what was held (:func:`lianxue_core.app.replan_year`)."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
from pathlib import Path
from typing import TextIO

from .. import app
from ..errors import InputError, Problem
from ..i18n import _
from ..model import OrganizationTree
from ..plugins import PluginHost
from ..supervision.replan import Replan, summary_lines
from ._records import read_record_files

__all__ = ["add_replan_options", "replan_for", "replan_json", "report_replan", "wants_replan"]

log = logging.getLogger("lianxue")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("{text!r} is not a date such as 2026-06-01").format(text=text)) from None


def add_replan_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(_("re-plan from what was held"))
    group.add_argument(
        "--records",
        nargs="+",
        type=Path,
        metavar="FILE",
        help=_("record files (CSV, JSON, iCalendar): re-plan the rest of the year around what they show held"),
    )
    group.add_argument(
        "--as-of",
        type=_date,
        metavar="DATE",
        help=_("the first day of the rest of the year (default: today); records before it count"),
    )
    group.add_argument(
        "--previous",
        type=Path,
        metavar="ORGFILE",
        help=_("the organization file the year was first planned from, when it has changed since"),
    )


def wants_replan(args: argparse.Namespace) -> bool:
    """Whether the command re-plans (``--records`` given); ``--as-of``/``--previous`` alone are an error."""
    records = getattr(args, "records", None)
    if not records and (getattr(args, "as_of", None) or getattr(args, "previous", None)):
        raise InputError([Problem("--as-of", _("--as-of and --previous need --records FILE…"))])
    return bool(records)


def replan_for(args: argparse.Namespace, host: PluginHost, tree: OrganizationTree, year: int, err: TextIO) -> Replan:
    """The re-plan the arguments ask for; what moved and what was missed logged on ``err``."""
    as_of: dt.date = args.as_of or dt.date.today()
    if as_of.year != year:
        raise InputError(
            [Problem("--as-of", _("{day} is not in {year}, the year planned").format(day=as_of.isoformat(), year=year))]
        )
    previous = app.load_county(args.previous, host) if args.previous else None
    records, warnings = read_record_files(previous or tree, host, list(args.records), year)
    for warning in warnings:
        log.warning(_("warning: %s"), warning)
    replanned = app.replan_year(
        tree, host, year, records, as_of, previous_tree=previous, holidays=getattr(args, "holidays", None)
    )
    for warning in replanned.plan.warnings:
        log.warning(_("warning: %s"), warning)
    return replanned


#: How many lines of each kind (moved, missed, not placed again) the summary shows without ``-v``.
MAX_LINES = 20


def report_replan(replanned: Replan, tree: OrganizationTree, out: TextIO, args: argparse.Namespace) -> None:
    """What moved, from where to where and why; what was missed; what could not be placed again: the first
    :data:`MAX_LINES` of each, all of them with ``-v``."""
    names = {org.id: org.name for org in tree}
    for line in summary_lines(replanned, names, None if getattr(args, "verbose", 0) else MAX_LINES):
        print(line, file=out)


def replan_json(replanned: Replan | None) -> dict[str, object]:
    """``{"replan": …}`` for a command's JSON, or nothing when it did not re-plan."""
    return {} if replanned is None else {"replan": replanned.to_json()}
