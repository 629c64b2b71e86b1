"""``lianxue plugins``: the loaded plugins with their distributions, tracks and hooks."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from ..i18n import N_, _
from ..plugins import PluginHost
from ..textable import render_table, terminal_width
from ._options import EXIT_OK

__all__ = ["HELP", "add_arguments", "run"]

HELP = N_("list the loaded plugins with their distributions, tracks and hooks")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``lianxue plugins``'s arguments to ``parser``."""
    parser.add_argument(
        "--format",
        choices=["table", "json"],
        default="table",
        help=_("table (the default, fitted to the terminal) or json (docs/cli-json.md)"),
    )


def run(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    """Run ``lianxue plugins``: a table, or JSON with each track's display name."""
    infos = host.plugins()
    tracks = host.tracks()
    if args.format == "json":
        doc = [{**i.to_json(), "track_names": {k: tracks[k].name for k in i.tracks if k in tracks}} for i in infos]
        print(json.dumps(doc, ensure_ascii=False, indent=2), file=out)
        return EXIT_OK

    def shown(key: str) -> str:
        name = tracks[key].name if key in tracks else key
        return key if name == key else f"{key}（{name}）"

    rows = [
        [
            i.name,
            f"{i.distribution} {i.version}" if i.distribution else "-",
            ", ".join(shown(k) for k in i.tracks) or "-",
            str(i.obligations),
            ", ".join(h.removeprefix("lianxue_") for h in i.hooks),
        ]
        for i in infos
    ]
    headers = [_("plugin"), _("distribution"), _("tracks"), _("obligations"), _("hooks")]
    out.write(render_table(headers, rows, terminal_width(out)))
    return EXIT_OK
