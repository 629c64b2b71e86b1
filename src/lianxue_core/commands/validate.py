"""``lianxue validate ORGFILE``: check an organization file and print a summary of it."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

from ..app import load_county
from ..errors import InputError
from ..i18n import N_, _
from ..model import OrganizationTree
from ..plugins import PluginHost
from ..textable import render_table
from ._options import EXIT_OK
from ._progress import timed

__all__ = ["HELP", "add_arguments", "print_summary", "run", "summary"]

HELP = N_("check an organization file and print a summary")
#: The "track" of organizations without one (containers), in the summary's counts (translated in its table).
CONTAINER = N_("(container)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``lianxue validate``'s arguments to ``parser``."""
    parser.add_argument("orgfile", type=Path, help=_("organization file (TOML)"))
    parser.add_argument(
        "--format", choices=["table", "json"], default="table", help=_("the problems as a table or as JSON")
    )


def summary(tree: OrganizationTree, host: PluginHost) -> dict[str, Any]:
    """Counts of organizations, members and links, per track (with the tracks' display names) and kind."""
    tracks = host.tracks()
    per_track = Counter(o.track or CONTAINER for o in tree)
    per_kind = Counter(str(o.kind) for o in tree)
    return {
        "organizations": len(tree),
        "members": sum(tree.member_count(o.id) for o in tree),
        "listed_members": len(tree.members),
        "links": sum(len(o.links) for o in tree),
        "per_track": {k: per_track[k] for k in sorted(per_track)},
        "per_kind": {k: per_kind[k] for k in sorted(per_kind)},
        "track_names": {k: tracks[k].name for k in sorted(per_track) if k in tracks},
    }


def print_summary(counts: dict[str, Any], out: TextIO) -> None:
    """The summary as a line and two tables."""
    print(
        _("{orgs} organizations, {members} members ({listed} listed by name), {links} links").format(
            orgs=counts["organizations"],
            members=counts["members"],
            listed=counts["listed_members"],
            links=counts["links"],
        ),
        file=out,
    )
    names = counts["track_names"]
    rows = [[_(k) if k == CONTAINER else k, names.get(k, ""), str(v)] for k, v in counts["per_track"].items()]
    print(render_table([_("track"), _("name"), _("organizations")], rows), file=out, end="")
    rows = [[k, str(v)] for k, v in counts["per_kind"].items()]
    print(render_table([_("kind"), _("organizations")], rows), file=out, end="")


def run(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    """Run ``lianxue validate``; with ``--format json`` an invalid file is a JSON document on stdout too."""
    try:
        with timed(_("reading the organization file")):
            tree = load_county(args.orgfile, host)
    except InputError as exc:
        if args.format == "json":  # a machine reading stdout learns that the file is not valid, and why
            problems = [
                {"file": p.file, "subject": p.subject, "key": p.key, "message": p.message} for p in exc.problems
            ]
            doc = {"file": str(args.orgfile), "valid": False, "problems": problems}
            print(json.dumps(doc, ensure_ascii=False, indent=2), file=out)
        raise
    with timed(_("counting")):
        counts = summary(tree, host)
    if args.format == "json":
        print(
            json.dumps({"file": str(args.orgfile), "valid": True, **counts}, ensure_ascii=False, indent=2),
            file=out,
        )
    else:
        print(_("{file}: OK").format(file=args.orgfile), file=out)
        print_summary(counts, out)
    return EXIT_OK
