"""``lianxue serve ORGFILE``: serve the feeds over HTTP for phones and programs that subscribe (webcal)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ..app import load_county
from ..calendar import FeedSet, stamp_from_environment
from ..errors import InputError, Problem
from ..plugins import PluginHost
from ._options import EXIT_INPUT, EXIT_OK, add_alarm_options, add_year_options, feeds_for, plan_for

__all__ = ["HELP", "add_arguments", "run"]

HELP = "serve the feeds over HTTP for phones and programs that subscribe (webcal)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``lianxue serve``'s arguments to ``parser``."""
    parser.add_argument("orgfile", type=Path, help="organization file (TOML)")
    add_year_options(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 for all)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080; 0 for any free port)")
    parser.add_argument(
        "--people", action="store_true", help="also serve people/<member-id>.ics for every listed member"
    )
    parser.add_argument(
        "--supervisor",
        metavar="ID",
        action="append",
        default=[],
        help="also serve supervisors/<ID>.ics: what that organization must watch (repeatable)",
    )
    add_alarm_options(parser)


def run(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    """Run ``lianxue serve`` until interrupted."""
    from ..calendar.serve import make_server

    if not 0 <= args.port <= 65535:
        raise InputError([Problem("--port", f"must be between 0 and 65535 (got {args.port})")])
    tree = load_county(args.orgfile, host)
    plan = plan_for(args, host, tree, err)
    which = FeedSet(people=args.people, supervisors=tuple(args.supervisor))
    feeds = {f.path: f for f in feeds_for(args, host, tree, plan, which)}
    try:
        server = make_server(
            {path: f.text.encode("utf-8") for path, f in feeds.items()},
            args.host,
            args.port,
            names={path: f.name for path, f in feeds.items()},
            last_modified=stamp_from_environment(),
            log=err,
        )
    except OSError as exc:
        print(f"lianxue: error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=err)
        return EXIT_INPUT
    print(f"Serving {len(feeds)} calendars at {server.url} (Ctrl-C to stop)", file=out, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("Stopped.", file=out, flush=True)
    finally:
        server.server_close()
    return EXIT_OK
