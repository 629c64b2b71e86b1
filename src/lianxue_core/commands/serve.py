"""``lianxue serve ORGFILE``: serve the feeds over HTTP for phones and programs that subscribe (webcal)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ..app import load_county
from ..calendar import FeedSet, stamp_from_environment
from ..errors import InputError, Problem
from ..i18n import N_, _, os_reason
from ..plugins import PluginHost
from ._options import EXIT_INPUT, EXIT_OK, add_alarm_options, add_year_options, feeds_for, plan_for

__all__ = ["HELP", "add_arguments", "run"]

HELP = N_("serve the feeds over HTTP for phones and programs that subscribe (webcal)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``lianxue serve``'s arguments to ``parser``."""
    parser.add_argument("orgfile", type=Path, help=_("organization file (TOML)"))
    add_year_options(parser)
    parser.add_argument(
        "--host", default="127.0.0.1", help=_("address to listen on (default 127.0.0.1; 0.0.0.0 for all)")
    )
    parser.add_argument(
        "--port", type=int, default=8080, help=_("port to listen on (default 8080; 0 for any free port)")
    )
    parser.add_argument(
        "--people", action="store_true", help=_("also serve people/<member-id>.ics for every listed member")
    )
    parser.add_argument(
        "--supervisor",
        metavar="ID",
        action="append",
        default=[],
        help=_("also serve supervisors/<ID>.ics: what that organization must watch (repeatable)"),
    )
    add_alarm_options(parser)


def run(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    """Run ``lianxue serve`` until interrupted: listen at once, build the feeds in the background (503 with
    Retry-After until they are ready), build them again when the organization or holidays file changes."""
    from ..calendar.serve import Subscriptions, serve

    if not 0 <= args.port <= 65535:
        raise InputError([Problem("--port", _("must be between 0 and 65535 (got {port})").format(port=args.port))])
    load_county(args.orgfile, host)  # a bad file: exit 2 before listening
    which = FeedSet(people=args.people, supervisors=tuple(args.supervisor))

    def build() -> Subscriptions:
        tree = load_county(args.orgfile, host)
        feeds = feeds_for(args, host, tree, plan_for(args, host, tree, err), which)
        return Subscriptions(tuple(feeds), tree.organizations)  # the subscription page follows the tree

    watch = [args.orgfile] + ([Path(args.holidays)] if args.holidays else [])
    try:
        serve(
            build,
            host=args.host,
            port=args.port,
            watch=watch,
            out=out,
            err=err,
            last_modified=stamp_from_environment(),
        )
    except OSError as exc:
        problem = _("cannot listen on {host}:{port}: {reason}").format(
            host=args.host, port=args.port, reason=os_reason(exc)
        )
        print(_("lianxue: error: {problem}").format(problem=problem), file=err)
        return EXIT_INPUT
    return EXIT_OK
