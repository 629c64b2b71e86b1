"""``lianxue plan ORGFILE``: the annual plan per organization, month by month (table, JSON or Markdown)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ..app import load_county
from ..plugins import PluginHost
from ..scheduling.render import render_plan_json, render_plan_markdown, render_plan_table
from ._options import EXIT_OK, add_year_options, plan_for

__all__ = ["HELP", "add_arguments", "run"]

HELP = "the annual plan per organization, month by month"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``lianxue plan``'s arguments to ``parser``."""
    parser.add_argument("orgfile", type=Path, help="organization file (TOML)")
    add_year_options(parser)
    parser.add_argument(
        "--org", metavar="ID", action="append", default=None, help="only this organization (repeatable)"
    )
    parser.add_argument("--format", choices=["table", "json", "markdown"], default="table")


def run(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    """Run ``lianxue plan``."""
    tree = load_county(args.orgfile, host)
    plan = plan_for(args, host, tree, err)
    titles = {o.id: o.title for o in host.catalogue()}
    if args.format == "json":
        out.write(render_plan_json(plan))
    elif args.format == "markdown":
        out.write(render_plan_markdown(plan, tree, titles))
    else:
        out.write(render_plan_table(plan, tree, titles))
    return EXIT_OK
