"""``lianxue check``: read records, check them against the year's plan, report.

Exit codes: 0 nothing wanting (due items allowed), 1 findings, 2 bad input (every bad row, one line
each). The command line wires :func:`add_arguments` and :func:`run` into its sub-commands.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TextIO

from .. import orgfile
from ..calendar.writer import atomic_write
from ..errors import InputError, Problem
from ..model import Organization
from ..obligations import Obligation
from ..plugins import PluginHost
from ..scheduling import plan_year
from ..workdays import load_overrides
from .checks import check
from .points import DefaultPointsRules, PointsRules, has_points_system, score
from .records import parse_date, read_records
from .report import build_report, render_table
from .report_html import render_html
from .report_json import render_json

__all__ = ["add_arguments", "run"]

#: Input warnings printed on stderr before "... and N more"; every one is in the report.
MAX_WARNINGS = 20


def _date(text: str) -> dt.date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``lianxue check``'s arguments to ``parser``."""
    parser.add_argument("orgfile", type=Path, help="organization file (TOML)")
    parser.add_argument(
        "--records",
        metavar="FILE",
        type=Path,
        action="append",
        required=True,
        help="records of what was held: .csv, .json or .ics (repeatable)",
    )
    parser.add_argument("--year", type=int, default=None, help="the year to check (default: the year of --as-of)")
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        type=_date,
        default=None,
        help="the day of the check; periods not ended by then are 'due' (default: today)",
    )
    parser.add_argument(
        "--supervisor", metavar="ID", help="only what this organization supervises, rolled up through the tree"
    )
    parser.add_argument("--format", choices=["table", "json", "html"], default="table")
    parser.add_argument("--out", metavar="FILE", type=Path, help="write the report here (atomically) instead of stdout")
    parser.add_argument(
        "--holidays",
        metavar="FILE",
        type=Path,
        help="override file with the official holiday arrangement of a year lianxue does not know yet (TOML)",
    )


def run(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    """Run ``lianxue check`` with parsed ``args``; return the exit code.

    Raises:
        InputError: A bad organization file, record file or option (the command line prints each problem).
    """
    tree = orgfile.load(args.orgfile, tracks=host.tracks(), options=host.option_schema())
    as_of: dt.date = args.as_of or dt.date.today()
    year: int = as_of.year if args.year is None else args.year
    for option, value in (("--as-of", as_of.year), ("--year", year)):
        if not 1901 <= value <= 2099:
            raise InputError([Problem(option, f"{value} is not a year between 1901 and 2099")])
    supervisor: Organization | None = None
    if args.supervisor is not None:
        supervisor = tree.get(args.supervisor)
        if supervisor is None:
            raise InputError(
                [Problem(str(args.orgfile), f"no organization with id {args.supervisor!r}", key="--supervisor")]
            )
        scope = tree.overseen_by(supervisor.id)
        if not scope:
            raise InputError(
                [
                    Problem(
                        str(args.orgfile),
                        f"organization {supervisor.id!r} supervises no organization",
                        key="--supervisor",
                    )
                ]
            )
    else:
        scope = tree.organizations
    overrides = load_overrides(args.holidays) if args.holidays else None
    obligations: dict[str, tuple[Obligation, ...]] = {o.id: host.obligations_for(o, tree, year) for o in tree}
    catalogue = {o.id: o for o in host.catalogue()}
    applies = {org: {o.id for o in obs} for org, obs in obligations.items()}
    read = read_records(args.records, tree, catalogue, applies)
    for warning in read.warnings[:MAX_WARNINGS]:
        print(f"lianxue: warning: {warning}", file=err)
    if len(read.warnings) > MAX_WARNINGS:
        print(f"lianxue: warning: ... and {len(read.warnings) - MAX_WARNINGS} more (all in the report)", file=err)
    if read.problems:
        raise InputError(read.problems)
    in_scope = {o.id for o in scope}
    records = [r for r in read.records if r.org in in_scope]
    warnings = list(read.warnings)
    outside = len(read.records) - len(records)
    if outside:
        note = f"{outside}条记录属于{supervisor.name if supervisor else ''}督查范围以外的党组织，未计入本报告"
        warnings.append(note)
        print(f"lianxue: warning: {note}", file=err)
    plan = plan_year(tree, host, year, orgs=in_scope, overrides=overrides)
    workdays = overrides[year] if overrides and year in overrides else host.workdays(year)
    for warning in plan.warnings:
        print(f"lianxue: warning: {warning}", file=err)
    result = check(
        tree,
        plan,
        obligations,
        records,
        as_of,
        orgs=in_scope,
        extra=lambda org, occs, recs: host.findings(tree[org], tree, year, as_of, occs, recs),
        workdays=workdays,
    )
    rules: dict[str, PointsRules] = {}
    for org in scope:
        found = host.points_rules(org, tree, year)
        if found is None and has_points_system(obligations[org.id]):
            found = DefaultPointsRules()
        if found is not None:
            rules[org.id] = found
    by_year = [r for r in records if r.date.year == year or r.period.startswith(str(year))]
    points = score(by_year, tree, catalogue, rules.get)
    report = build_report(
        result,
        tree,
        catalogue,
        scope=scope,
        points=points,
        points_rules={k: v.name for k, v in rules.items()},
        supervisor=supervisor,
        warnings=warnings,
    )
    text = (
        render_json(report)
        if args.format == "json"
        else render_html(report)
        if args.format == "html"
        else render_table(report)
    )
    if args.out is not None:
        atomic_write(args.out, text)
        print(
            f"Wrote {args.out}: {len(report.problems)} findings, {report.summary()['due']} due "
            f"({len(report.orgs)} organizations)",
            file=out,
        )
    else:
        out.write(text)
    return report.exit_code
