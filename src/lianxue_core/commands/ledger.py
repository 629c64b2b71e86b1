"""``lianxue ledger ORGFILE --records FILE... --out DIR``: each organization's 三会一课 台账 (record book) as a Word
document, ``DIR/<org-id>.docx``, one table per record (see docs/documents.md).

On a terminal a bar shows the stages and the record books written; ``-v`` logs the time of each stage.

Exit codes: 0 written; 2 bad input (the organization file, a record file: every bad row, one line each).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TextIO

from ..app import check_year, load_county
from ..documents import ledger_records, render_ledger_docx, stamp, write_bytes
from ..errors import InputError, Problem
from ..i18n import N_, _, ngettext
from ..plugins import PluginHost
from ..supervision.findings import Record
from ._options import EXIT_OK, unknown_org
from ._progress import Stages
from ._records import read_record_files

__all__ = ["HELP", "add_arguments", "run"]

HELP = N_("the 三会一课 record book (台账) per organization, as Word documents made from the records")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``lianxue ledger``'s arguments to ``parser``."""
    parser.add_argument("orgfile", type=Path, help=_("organization file (TOML)"))
    parser.add_argument(
        "--records",
        metavar="FILE",
        type=Path,
        nargs="+",
        action="extend",
        required=True,
        help=_("records of what was held: .csv, .json or .ics (repeatable)"),
    )
    parser.add_argument(
        "--org", metavar="ID", action="append", default=None, help=_("only this organization (repeatable)")
    )
    parser.add_argument("--year", type=int, default=None, help=_("the year (default: the latest year in the records)"))
    parser.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        default=Path("lianxue-ledgers"),
        help=_("directory for the documents (default: lianxue-ledgers)"),
    )


def run(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    """Run ``lianxue ledger``; return the exit code.

    Raises:
        InputError: A bad organization file, record file or ``--org``.
    """
    warnings: tuple[str, ...] = ()
    try:
        with Stages(args, err, _("record books"), 3) as stages:
            with stages.stage(_("reading the organization file")):
                tree = load_county(args.orgfile, host)
            unknown = [o for o in args.org or () if o not in tree]
            if unknown:
                raise InputError(unknown_org(args, tree, o) for o in unknown)
            if args.year is not None:
                check_year(args.year, "--year")
            catalogue = {o.id: o for o in host.catalogue()}
            # the records are checked against the obligations of the year given, or of this year
            year_asked = args.year if args.year is not None else dt.date.today().year
            with stages.stage(_("reading the records")):
                records, warnings = read_record_files(tree, host, args.records, year_asked)
            if not records:
                raise InputError(
                    [Problem(", ".join(str(p) for p in args.records), _("the record files hold no record"))]
                )
            year: int = args.year if args.year is not None else max(r.date.year for r in records)
            when = stamp(dt.datetime.combine(max(r.date for r in records), dt.time(0), tzinfo=dt.UTC))
            by_org: dict[str, list[Record]] = {}
            for record in records:
                by_org.setdefault(record.org, []).append(record)
            ids = args.org or [o.id for o in tree if ledger_records(by_org.get(o.id, ()), o.id, year)]
            written = 0
            with stages.stage(_("writing the record books"), len(ids)) as advance:
                for org_id in ids:
                    mine = by_org.get(org_id, [])
                    data = render_ledger_docx(mine, tree, org_id, year, catalogue, when=when)
                    write_bytes(args.out / f"{org_id}.docx", data)
                    written += len(ledger_records(mine, org_id, year))
                    advance(1)
    finally:  # after the bar is gone, and before a problem with the records is said
        for warning in warnings:
            print(_("lianxue: warning: {warning}").format(warning=warning), file=err)
    wrote = ngettext(
        "Wrote {n} record book ({records} records, {year}) to {out}/",
        "Wrote {n} record books ({records} records, {year}) to {out}/",
        len(ids),
    )
    print(wrote.format(n=len(ids), records=written, year=year, out=args.out), file=out)
    return EXIT_OK
