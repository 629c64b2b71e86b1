"""``lianxue obligations``: every plugin's obligations with their sources, or (``--options``) every option an
organization may set."""

from __future__ import annotations

import argparse
from typing import TextIO

from .. import catalogue
from ..i18n import N_, _
from ..plugins import PluginHost
from ..textable import terminal_width
from ._options import EXIT_INPUT, EXIT_OK

__all__ = ["HELP", "add_arguments", "run"]

HELP = N_("list the obligations every plugin defines, with their sources")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``lianxue obligations``'s arguments to ``parser``."""
    parser.add_argument("--track", metavar="KEY", help=_("only this track's obligations"))
    parser.add_argument(
        "--options",
        action="store_true",
        help=_("list the options an organization may set (core and plugins), with type, default and meaning"),
    )
    parser.add_argument(
        "--format",
        choices=["table", "json", "markdown"],
        default="table",
        help=_(
            "table (the default, fitted to the terminal), json (docs/cli-json.md) or markdown (docs/obligations.md)"
        ),
    )


def run(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    """Run ``lianxue obligations``."""
    if args.options:
        specs = list(host.option_specs().values())
        if args.format == "json":
            out.write(catalogue.render_options_json(specs))
        elif args.format == "markdown":
            out.write(catalogue.render_options_markdown(specs))
        else:
            out.write(catalogue.render_options_table(specs, terminal_width(out)))
        return EXIT_OK
    tracks = host.tracks()
    if args.track is not None and args.track not in tracks and args.track != "*":
        known = ", ".join(sorted(tracks)) or _("(none)")
        problem = _("unknown track {key!r}; known tracks: {known}").format(key=args.track, known=known)
        print(_("lianxue: error: {problem}").format(problem=problem), file=err)
        return EXIT_INPUT
    items = host.catalogue(args.track)
    if args.format == "json":
        out.write(catalogue.render_json(items))
    elif args.format == "markdown":
        out.write(catalogue.render_markdown(items, tracks))
    else:
        out.write(catalogue.render_table_text(items, terminal_width(out)))
    return EXIT_OK
