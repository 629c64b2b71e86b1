"""``lianxue plan ORGFILE``: the annual plan per organization, month by month (table, JSON or Markdown; Word
documents with ``--format docx --out DIR``)."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from .. import app
from ..app import load_county, obligations_of
from ..documents import render_plan_docx, stamp, write_bytes
from ..errors import InputError, Problem
from ..i18n import N_, _, ngettext
from ..model import OrganizationTree
from ..obligations import Obligation
from ..plugins import PluginHost
from ..scheduling import Plan
from ..scheduling.render import (
    RenderedShard,
    render_plan_markdown,
    render_plan_table,
    write_plan_by_shard,
    write_plan_json,
)
from ..textable import terminal_width
from ._options import EXIT_OK, add_year_options, checked_orgs, jobs_of, plan_for, year_of
from ._progress import counting, each, timed
from ._replan import add_replan_options, replan_for, replan_json, report_replan, wants_replan

__all__ = ["HELP", "add_arguments", "run"]

HELP = N_("the annual plan per organization, month by month")

log = logging.getLogger("lianxue")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``lianxue plan``'s arguments to ``parser``."""
    parser.add_argument("orgfile", type=Path, help=_("organization file (TOML)"))
    add_year_options(parser)
    add_replan_options(parser)
    parser.add_argument(
        "--org", metavar="ID", action="append", default=None, help=_("only this organization (repeatable)")
    )
    parser.add_argument(
        "--format",
        choices=["table", "json", "markdown", "docx"],
        default="table",
        help=_("what to print: a table per organization, JSON, Markdown, or Word documents (with --out DIR)"),
    )
    parser.add_argument("--out", metavar="DIR", type=Path, help=_(DOCX_HELP))


# the docx format's words (translated where they are used)
DOCX_HELP = N_("directory for the Word plans (--format docx): one <id>.docx per organization")
DOCX_NEEDS_OUT = N_("--format docx needs --out DIR")
OUT_NEEDS_DOCX = N_("--out is only for --format docx")


def _write_docx(
    args: argparse.Namespace,
    host: PluginHost,
    tree: OrganizationTree,
    plan: Plan,
    obligations: dict[str, tuple[Obligation, ...]],
    out: TextIO,
    err: TextIO,
) -> None:
    """Each organization's 年度组织生活计划 as ``DIR/<id>.docx``: those ``--org`` names, else every
    organization with something planned, unplaced or asked of it; counted on a bar as they are written."""
    catalogue = {o.id: o for o in host.catalogue()}
    when = stamp(dt.datetime(plan.year, 1, 1, tzinfo=dt.UTC))
    busy = {o.org for o in plan.occurrences} | {u.org for u in plan.unplaced}
    ids = args.org or [o.id for o in tree if o.id in busy or obligations[o.id]]
    with timed(_("writing the Word plans")):
        for org_id in each(args, err, ids, _("writing documents"), _("documents")):
            data = render_plan_docx(plan, tree, org_id, obligations[org_id], catalogue, when=when)
            write_bytes(args.out / f"{org_id}.docx", data)
    print(
        ngettext("Wrote {n} annual plan (Word) to {out}/", "Wrote {n} annual plans (Word) to {out}/", len(ids)).format(
            n=len(ids), out=args.out
        ),
        file=out,
    )


def _write_by_shard(
    args: argparse.Namespace,
    host: PluginHost,
    tree: OrganizationTree,
    titles: dict[str, str],
    out: TextIO,
    err: TextIO,
) -> None:
    """The plan of the whole file in ``args.format``, planned and rendered shard by shard
    (:func:`lianxue_core.scheduling.render.write_plan_by_shard`): the same text as from the whole plan."""
    started = time.perf_counter()

    width = terminal_width(out)

    def planned() -> Iterator[Plan | RenderedShard]:
        # the bar is closed once the last shard is taken, before the plan is written on the same terminal
        with counting(args, err, _("planning"), len(tree), _("orgs")) as advance:
            # with --jobs, the workers plan and render their shards; this process puts the texts in order
            for item in app.rendered_stream(
                tree,
                host,
                year_of(args),
                args.format,
                width=width,
                holidays=args.holidays,
                jobs=jobs_of(args),
                progress=advance,
            ):
                for warning in (item if isinstance(item, Plan) else item.plan).warnings:
                    log.warning(_("warning: %s"), warning)  # "lianxue: warning: ..." on err; -q leaves it out
                yield item

    write_plan_by_shard(planned(), tree, titles, args.format, out, width)
    log.info(
        ngettext("planned %d organization in %.1f s", "planned %d organizations in %.1f s", len(tree)),
        len(tree),
        time.perf_counter() - started,
    )


def run(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    """Run ``lianxue plan``."""
    if (args.format == "docx") != (args.out is not None):
        raise InputError([Problem("--out", _(DOCX_NEEDS_OUT if args.out is None else OUT_NEEDS_DOCX))])
    tree = load_county(args.orgfile, host)
    obligations = obligations_of(tree, host, year_of(args)) if args.format == "docx" else None
    orgs = checked_orgs(args, tree)
    replanned = replan_for(args, host, tree, year_of(args), err) if wants_replan(args) else None
    titles = {o.id: o.title for o in host.catalogue()}
    if replanned is None and not orgs and obligations is None:
        # the whole file, shard by shard: the plan of ten thousand organizations is never held at once
        _write_by_shard(args, host, tree, titles, out, err)
        return EXIT_OK
    if replanned is not None:
        if orgs:
            replanned = replanned.only(orgs)
        # the year as people read it: missed items in their months, marked 未开展 (the JSON keeps the plan)
        plan = replanned.plan if args.format == "json" else replanned.readable(tree)
        if args.format in ("table", "markdown"):
            report_replan(replanned, tree, err, args)
    else:
        plan = plan_for(args, host, tree, err, obligations)
    if obligations is not None:
        _write_docx(args, host, tree, plan, obligations, out, err)
    elif args.format == "json":
        write_plan_json(plan, out, replan_json(replanned))  # item by item
    elif args.format == "markdown":
        out.write(render_plan_markdown(plan, tree, titles))
    else:
        out.write(render_plan_table(plan, tree, titles, terminal_width(out)))
    return EXIT_OK
