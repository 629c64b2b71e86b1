"""``lianxue check``: read records, check them against the year's plan, report.

Exit codes: 0 nothing wanting (due items allowed), 1 findings, 2 bad input (every bad row, one line
each). The command line wires :func:`add_arguments` and :func:`run` into its sub-commands.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from ..app import CheckOutcome, check_records, check_year, load_county, obligations_of, plan_year
from ..errors import InputError, Problem
from ..files import atomic_write
from ..i18n import N_, _, ngettext
from ..model import OrganizationTree
from ..plugins import PluginHost
from ..supervision.records import parse_date
from ..textable import terminal_width
from ._options import add_jobs_option, jobs_of, unknown_org
from ._progress import Stages, timed
from ._records import read_record_files

__all__ = ["HELP", "add_arguments", "run"]

HELP = N_("check records of what was held against the plan; report findings")

#: Input warnings printed on stderr before "... and N more"; every one is in the report.
MAX_WARNINGS = 20


def _date(text: str) -> dt.date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``lianxue check``'s arguments to ``parser``."""
    parser.add_argument("orgfile", type=Path, help=_("organization file (TOML)"))
    parser.add_argument(
        "--records",
        metavar="FILE",
        type=Path,
        action="append",
        required=True,
        help=_("records of what was held: .csv, .json or .ics (repeatable)"),
    )
    parser.add_argument("--year", type=int, default=None, help=_("the year to check (default: the year of --as-of)"))
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        type=_date,
        default=None,
        help=_("the day of the check; periods not ended by then are 'due' (default: today)"),
    )
    parser.add_argument(
        "--supervisor", metavar="ID", help=_("only what this organization supervises, rolled up through the tree")
    )
    parser.add_argument(
        "--format",
        choices=["table", "json", "html"],
        default="table",
        help=_("the report as a table, JSON, or one HTML page that opens from disk"),
    )
    parser.add_argument(
        "--out", metavar="FILE", type=Path, help=_("write the report here (atomically) instead of stdout")
    )
    parser.add_argument("--split-by", choices=["supervisor"], default=None, help=_(SPLIT_HELP))
    parser.add_argument(
        "--holidays",
        metavar="FILE",
        type=Path,
        help=_("override file with the official holiday arrangement of a year lianxue does not know yet (TOML)"),
    )
    add_jobs_option(parser)


# --split-by's words (translated where they are used)
SPLIT_HELP = N_("one report per supervising organization (one that supervises others), written into the --out folder")
SPLIT_NEEDS_OUT = N_("--split-by needs --out DIR")
_SUFFIX = {"html": "html", "json": "json", "table": "txt"}


def _split(
    args: argparse.Namespace,
    host: PluginHost,
    tree: OrganizationTree,
    as_of: dt.date,
    year: int,
    stages: Stages,
) -> tuple[int, int, tuple[str, ...]]:
    """One report per organization that supervises others (within ``--supervisor`` when given), the records
    read once. Returns the exit code (1 when any report has findings), the number of reports and the warnings
    about the records."""
    with stages.stage(_("reading the records")):
        records, warnings = read_record_files(tree, host, args.records, year)
    top = args.supervisor
    if top is not None and top not in tree:
        raise InputError([unknown_org(args, tree, top, "--supervisor")])
    within = None if top is None else {top} | {o.id for o in tree.overseen_by(top)}
    supervisors = [o.id for o in tree if tree.overseen_by(o.id) and (within is None or o.id in within)]
    # the year planned once, every report checked against it
    with stages.stage(_("planning"), len(tree)) as advance:
        obligations = obligations_of(tree, host, year)
        plan = plan_year(
            tree, host, year, holidays=args.holidays, obligations=obligations, jobs=jobs_of(args), progress=advance
        )
    code = 0
    with stages.stage(_("checking and writing the reports"), len(supervisors)) as advance:
        for sup in supervisors:
            outcome = check_records(
                tree,
                host,
                records,
                as_of=as_of,
                year=year,
                supervisor=sup,
                holidays=args.holidays,
                obligations=obligations,
                plan=plan,
            )
            atomic_write(args.out / f"{sup}.{_SUFFIX[args.format]}", _text(outcome, args.format))
            code = max(code, outcome.exit_code)
            advance(1)
    return code, len(supervisors), warnings


def _load(args: argparse.Namespace, host: PluginHost, stages: Stages) -> OrganizationTree:
    with stages.stage(_("reading the organization file")):
        return load_county(args.orgfile, host)


def run(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    """Run ``lianxue check`` with parsed ``args``; return the exit code.

    On a terminal a bar shows the stages (reading, planning and checking, writing); ``-v`` logs the time of each.

    Raises:
        InputError: A bad organization file, record file or option (the command line prints each problem).
    """
    if args.split_by is not None and args.out is None:
        raise InputError([Problem("--split-by", _(SPLIT_NEEDS_OUT))])
    if args.split_by is not None:
        with Stages(args, err, _("checking"), 4) as stages:
            tree = _load(args, host, stages)
            as_of, year = _when(args)
            code, count, warnings = _split(args, host, tree, as_of, year, stages)
        for warning in warnings[:MAX_WARNINGS]:
            print(_("lianxue: warning: {warning}").format(warning=warning), file=err)
        wrote = ngettext(
            "Wrote {n} supervision report to {out}/ (one per supervising organization: <id>.{ext})",
            "Wrote {n} supervision reports to {out}/ (one per supervising organization: <id>.{ext})",
            count,
        )
        print(wrote.format(n=count, out=args.out, ext=_SUFFIX[args.format]), file=out)
        return code
    with Stages(args, err, _("checking"), 3 if args.out is not None else 2) as stages:
        tree = _load(args, host, stages)
        as_of, year = _when(args)
        # the records read, the year planned and checked shard by shard, in one pass (memory stays flat)
        with stages.stage(_("reading the records, planning and checking")):
            outcome = check_records(
                tree,
                host,
                args.records,
                as_of=as_of,
                year=year,
                supervisor=args.supervisor,
                holidays=args.holidays,
                source=str(args.orgfile),
                key="--supervisor",
                jobs=jobs_of(args),
            )
        if args.out is not None:
            with stages.stage(_("writing the report")):
                atomic_write(args.out, _text(outcome, args.format))
    for warning in outcome.warnings[:MAX_WARNINGS]:
        print(_("lianxue: warning: {warning}").format(warning=warning), file=err)
    if len(outcome.warnings) > MAX_WARNINGS:
        more = len(outcome.warnings) - MAX_WARNINGS
        print(_("lianxue: warning: ... and {n} more (all in the report)").format(n=more), file=err)
    for warning in outcome.plan_warnings:
        print(_("lianxue: warning: {warning}").format(warning=warning), file=err)
    report = outcome.report
    if args.out is not None:
        print(
            _("Wrote {file}: {findings} findings, {due} due ({orgs} organizations)").format(
                file=args.out, findings=len(report.problems), due=report.summary()["due"], orgs=len(report.orgs)
            ),
            file=out,
        )
    else:
        with timed(_("writing the report")):
            text = _text(outcome, args.format, terminal_width(out) if args.out is None else None)
            for piece in [text] if isinstance(text, str) else text:
                out.write(piece)
    return outcome.exit_code


def _when(args: argparse.Namespace) -> tuple[dt.date, int]:
    """The day of the check (``--as-of``, default today) and the year checked, both checked."""
    as_of: dt.date = args.as_of or dt.date.today()
    year: int = as_of.year if args.year is None else args.year
    check_year(as_of.year, "--as-of")
    check_year(year, "--year")
    return as_of, year


def _text(outcome: CheckOutcome, fmt: str, max_width: int | None = None) -> str | Iterator[str]:
    """The report in ``fmt``: the JSON in pieces, written as they come; tables narrowed to ``max_width``."""
    if fmt == "json":
        return outcome.json_pieces()
    return outcome.html() if fmt == "html" else outcome.table(max_width)
