"""``lianxue ledger ORGFILE --records FILE... --out DIR``: each organization's 三会一课 台账 (record book) as a Word
document, ``DIR/<org-id>.docx``, one table per record (see docs/documents.md).

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
from ..plugins import PluginHost
from ._options import EXIT_OK
from ._records import read_record_files

__all__ = ["HELP", "add_arguments", "run"]

# -- the command's words (one place, for the message catalogue to come) ------------------------------------
HELP = "三会一课台账（Word）：每个组织一份，按活动记录生成 / the record book per organization, as Word documents"
H_ORGFILE = "组织文件（TOML） / organization file"
H_RECORDS = "活动记录：.csv、.json 或 .ics（可重复） / records of what was held (repeatable)"
H_ORG = "只写这个组织（可重复） / only this organization (repeatable)"
H_YEAR = "年份（默认：记录中最近的年份） / the year (default: the latest year in the records)"
H_OUT = "台账写入的目录（默认 lianxue-ledgers） / directory for the documents"
E_NO_ORG = "组织文件中没有 id 为 {id!r} 的组织 / no organization with id {id!r}"
E_NO_RECORDS = "记录文件中没有任何记录 / the record files hold no record"
WARNING = "lianxue: 注意 warning: {text}"
WROTE = "已写入{n}份台账（{records}条记录，{year}年）到 {out}/"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``lianxue ledger``'s arguments to ``parser``."""
    parser.add_argument("orgfile", type=Path, help=H_ORGFILE)
    parser.add_argument(
        "--records", metavar="FILE", type=Path, nargs="+", action="extend", required=True, help=H_RECORDS
    )
    parser.add_argument("--org", metavar="ID", action="append", default=None, help=H_ORG)
    parser.add_argument("--year", type=int, default=None, help=H_YEAR)
    parser.add_argument("--out", metavar="DIR", type=Path, default=Path("lianxue-ledgers"), help=H_OUT)


def run(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    """Run ``lianxue ledger``; return the exit code.

    Raises:
        InputError: A bad organization file, record file or ``--org``.
    """
    tree = load_county(args.orgfile, host)
    unknown = [o for o in args.org or () if o not in tree]
    if unknown:
        raise InputError(Problem(str(args.orgfile), E_NO_ORG.format(id=o), key="--org") for o in unknown)
    if args.year is not None:
        check_year(args.year, "--year")
    catalogue = {o.id: o for o in host.catalogue()}
    # the records are checked against the obligations of the year given, or of this year
    year_asked = args.year if args.year is not None else dt.date.today().year
    records, warnings = read_record_files(tree, host, args.records, year_asked)
    for warning in warnings:
        print(WARNING.format(text=warning), file=err)
    if not records:
        raise InputError([Problem(", ".join(str(p) for p in args.records), E_NO_RECORDS)])
    year: int = args.year if args.year is not None else max(r.date.year for r in records)
    when = stamp(dt.datetime.combine(max(r.date for r in records), dt.time(0), tzinfo=dt.UTC))
    ids = args.org or [o.id for o in tree if ledger_records(records, o.id, year)]
    written = 0
    for org_id in ids:
        data = render_ledger_docx(records, tree, org_id, year, catalogue, when=when)
        write_bytes(args.out / f"{org_id}.docx", data)
        written += len(ledger_records(records, org_id, year))
    print(WROTE.format(n=len(ids), records=written, year=year, out=args.out), file=out)
    return EXIT_OK
