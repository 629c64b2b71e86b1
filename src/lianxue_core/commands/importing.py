"""``lianxue import ORGS [MEMBERS] --out FILE``: spreadsheets to an organization file.

The file is checked with :func:`lianxue_core.orgfile.loads` before it is written, and written
through a temporary file and a rename, so an existing file is replaced whole or not at all.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import TextIO

from ..errors import InputError, Problem
from ..files import atomic_write
from ..i18n import N_, _, os_reason
from ..importing.roster import ImportOptions, ImportResult, Override, import_roster, read_mapping
from ..orgfile import dumps, loads
from ..plugins import PluginHost
from ..textable import render_table
from ..textsafe import for_terminal

__all__ = ["HELP", "add_arguments", "run"]

HELP = N_("write an organization file from roster spreadsheets (.xlsx, .xls, .csv)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``import`` command's arguments to ``parser``."""
    parser.add_argument("orgs", type=Path, help=_("organizations spreadsheet (.xlsx, .xls, .ods or .csv)"))
    parser.add_argument(
        "members", nargs="?", type=Path, help=_("members spreadsheet (default: member sheets in ORGS, if any)")
    )
    parser.add_argument("--out", type=Path, required=True, help=_("the organization file to write (TOML)"))
    parser.add_argument(
        "--format",
        choices=["table", "json"],
        default="table",
        help=_("json: the summary as one JSON document on standard output (docs/cli-json.md)"),
    )
    parser.add_argument(
        "--track",
        metavar="ID=KEY",
        action="append",
        default=[],
        help=_("the track of one organization (id, 党组织编码 or name); KEY 'none' for no track (repeatable)"),
    )
    parser.add_argument(
        "--mapping", metavar="FILE", type=Path, help=_("a TOML file whose [track] table settles tracks like --track")
    )
    parser.add_argument(
        "--elderly-age", metavar="YEARS", type=int, default=70, help=_("flag members this old as elderly (default 70)")
    )
    parser.add_argument(
        "--as-of", metavar="DATE", type=dt.date.fromisoformat, help=_("count ages on this day (default: today)")
    )
    parser.add_argument(
        "--include-away", action="store_true", help=_("also write 失联 and 流动 members (left out by default)")
    )


def run(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    """Run ``lianxue import``; raises :class:`InputError` for bad input (the CLI prints it, exit 2)."""
    overrides: list[Override] = []
    problems: list[Problem] = []
    if args.mapping is not None:
        overrides.extend(read_mapping(args.mapping))
    for item in args.track:
        org, sep, key = item.partition("=")
        if not sep or not org.strip() or not key.strip():
            problems.append(Problem("--track", _("write ID=KEY, e.g. --track org-1a2b3c4d=organs"), item))
        else:
            overrides.append(Override("--track", org.strip(), key.strip()))
    if args.elderly_age < 1:
        problems.append(
            Problem(
                "--elderly-age",
                _("must be a whole number of years, 1 or more (got {years})").format(years=args.elderly_age),
            )
        )
    if problems:
        raise InputError(problems)
    options = ImportOptions(
        as_of=args.as_of or dt.date.today(),
        elderly_age=args.elderly_age,
        include_away=args.include_away,
        overrides=tuple(overrides),
    )
    tracks = host.tracks()
    result = import_roster(args.orgs, args.members, tracks=tracks, options=options)
    text = _file_text(result, args)
    # never write a file `lianxue validate` refuses
    loads(text, filename=str(args.out), tracks=tracks, options=host.option_schema())
    _atomic_write(args.out, text)
    if args.format == "json":
        print(json.dumps(_summary_json(result, args, host), ensure_ascii=False, indent=2), file=out)
    else:
        _print_summary(result, args, host, out)
    return 0


def _summary_json(result: ImportResult, args: argparse.Namespace, host: PluginHost) -> dict[str, object]:
    tree = result.tree
    names = host.tracks()
    per: Counter[tuple[str, str]] = Counter((o.track or "", str(o.kind)) for o in tree)
    return {
        "out": str(args.out),
        "organizations": len(tree),
        "members": sum(tree.member_count(o.id) for o in tree),
        "listed_members": len(tree.members),
        "elderly": sum(1 for m in tree.members if "elderly" in m.flags),
        "left_out": dict(sorted(result.left_out.items())),
        "per_track": [
            {
                "track": track or None,
                "name": names[track].name if track in names else None,
                "kind": kind,
                "organizations": n,
            }
            for (track, kind), n in sorted(per.items())
        ],
        "notes": list(result.notes),
        "decisions": [
            {"where": d.where, "subject": d.subject, "reason": d.reason, "hint": d.hint, "org": d.org}
            for d in result.decisions
        ],
    }


def _file_text(result: ImportResult, args: argparse.Namespace) -> str:
    # a file name is user text: a line break in it must not start a line of the file (an [[org]] of its own)
    sources = " ".join(for_terminal(str(p)) for p in (args.orgs, args.members) if p is not None)
    header = [
        "# " + _("Written by `lianxue import` from {sources}.").format(sources=sources),
        "# " + _("Identity numbers, phone numbers, birth dates and other personal details are not imported."),
        "# "
        + _("Re-importing an updated roster keeps the ids: from 党组织编码, else from the name (see docs/import.md)."),
    ]
    undecided = [d for d in result.decisions if d.org is not None]
    if undecided:
        header.append("#")
        header.append(
            "# "
            + _("Without a track until a person decides ({n}): use --track ID=KEY or --mapping.").format(
                n=len(undecided)
            )
        )
        header.extend("#   " + _("{where}: {what}").format(where=d.org, what=d.reason) for d in undecided)
    return "\n".join(header) + "\n\n" + dumps(result.tree)


def _atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (see :func:`lianxue_core.calendar.atomic_write`); one problem line
    naming ``--out`` when it cannot be written."""
    try:
        atomic_write(path, text)
    except OSError as exc:
        raise InputError(
            [Problem(str(path), _("cannot write the file: {reason}").format(reason=os_reason(exc)), key="--out")]
        ) from None


def _print_summary(result: ImportResult, args: argparse.Namespace, host: PluginHost, out: TextIO) -> None:
    tree = result.tree
    members = sum(tree.member_count(o.id) for o in tree)
    elderly = sum(1 for m in tree.members if "elderly" in m.flags)
    print(
        _("Wrote {file}: {orgs} organizations, {members} members").format(
            file=args.out, orgs=len(tree), members=members
        ),
        file=out,
    )
    if result.has_members:
        away = _(", ").join(f"{n} {why}" for why, n in sorted(result.left_out.items())) or _("none")
        hint = "" if args.include_away or not result.left_out else _(" (--include-away writes 失联 and 流动 members)")
        print("  " + _("members left out: {away}").format(away=away) + hint, file=out)
        print("  " + _("elderly (aged {age} or more): {n}").format(age=args.elderly_age, n=elderly), file=out)
    names = host.tracks()
    per: Counter[tuple[str, str]] = Counter((o.track or "-", str(o.kind)) for o in tree)
    rows = [
        [track, names[track].name if track in names else _("(no track)"), kind, str(n)]
        for (track, kind), n in sorted(per.items())
    ]
    out.write(render_table([_("track"), _("name"), _("kind"), _("organizations")], rows))
    for note in result.notes:
        print(_("Note: {note}").format(note=note), file=out)
    if result.decisions:
        print("\n" + _("Needs a person's decision ({n}):").format(n=len(result.decisions)), file=out)
        for d in result.decisions:
            print(f"  - {d}", file=out)
    else:
        print("\n" + _("Nothing needs a person's decision."), file=out)
