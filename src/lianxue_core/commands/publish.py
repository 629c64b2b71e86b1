"""``lianxue publish ORGFILE --url URL``: make each organization's collection on a CalDAV server match its
feed. Needs the optional extra ``lianxue[caldav]``. Exit code 1 when the server is down or refuses."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

from ..app import load_county
from ..calendar import FeedSet
from ..errors import InputError, Problem
from ..i18n import N_, _, ngettext, os_reason
from ..plugins import PluginHost
from ..textable import render_table, terminal_width
from ._options import (
    EXIT_OK,
    EXIT_SERVER,
    add_alarm_options,
    add_format_option,
    add_year_options,
    feeds_for,
    plan_for,
    year_of,
)
from ._progress import nested, timed
from ._replan import add_replan_options, replan_for, replan_json, report_replan, wants_replan

__all__ = ["HELP", "add_arguments", "run"]

HELP = N_("make each organization's collection on a CalDAV server match its feed")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``lianxue publish``'s arguments to ``parser``."""
    parser.add_argument("orgfile", type=Path, help=_("organization file (TOML)"))
    add_year_options(parser)
    add_replan_options(parser)
    parser.add_argument("--url", required=True, help=_("the CalDAV server (or principal) URL, http:// or https://"))
    parser.add_argument("--user", help=_("user name on the CalDAV server"))
    parser.add_argument(
        "--password-file",
        metavar="FILE",
        type=Path,
        help=_("file whose first line is the password (a password is never given on the command line)"),
    )
    add_alarm_options(parser)
    add_format_option(parser)


def _password(args: argparse.Namespace) -> str | None:
    """The first line of ``--password-file``; one problem line when it cannot be used."""
    if args.password_file is None:
        if args.user is not None:
            raise InputError(
                [Problem("--user", _("needs --password-file (the password is never taken on the command line)"))]
            )
        return None
    path = str(args.password_file)
    if args.user is None:
        raise InputError([Problem(path, _("a password file needs --user"), key="--password-file")])
    try:
        text = args.password_file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = os_reason(exc) if isinstance(exc, OSError) else str(exc)
        raise InputError(
            [Problem(path, _("cannot read the password file ({reason})").format(reason=reason), key="--password-file")]
        ) from None
    first = text.splitlines()[0] if text else ""
    if not first:
        raise InputError([Problem(path, _("the first line is empty: write the password on it"), key="--password-file")])
    return first


def run(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    """Run ``lianxue publish``."""
    from ..calendar.publish import (  # caldav loads slowly
        PublishError,
        PublishReport,
        check_url,
        publish,
        redact_url,
    )

    problem = check_url(args.url)
    if problem is not None:
        raise InputError([Problem(redact_url(args.url), problem, key="--url")])
    password = _password(args)
    tree = load_county(args.orgfile, host)
    replanned = replan_for(args, host, tree, year_of(args), err) if wants_replan(args) else None
    plan = replanned.plan if replanned is not None else plan_for(args, host, tree, err)
    feeds = feeds_for(args, host, tree, plan, FeedSet())
    names = {o.id: o.name for o in tree}

    def show(report: PublishReport) -> None:
        if args.format == "json":
            doc = {
                "url": report.url,
                **{k: report.total(k) for k in ("created", "updated", "deleted", "unchanged")},
                "collections": [
                    {
                        "org": c.org,
                        "name": c.name,
                        "created": c.created,
                        "updated": c.updated,
                        "deleted": c.deleted,
                        "unchanged": c.unchanged,
                    }
                    for c in report.collections
                ],
                **replan_json(replanned),
            }
            print(json.dumps(doc, ensure_ascii=False, indent=2), file=out)
            return
        if replanned is not None:
            report_replan(replanned, tree, out, args)
        rows = [
            [c.org, c.name, str(c.created), str(c.updated), str(c.deleted), str(c.unchanged)]
            for c in report.collections
        ]
        if rows:
            headers = [_("org"), _("name"), _("created"), _("updated"), _("deleted"), _("unchanged")]
            out.write(render_table(headers, rows, terminal_width(out)))
        totals = _("{created} created, {updated} updated, {deleted} deleted, {unchanged} unchanged").format(
            **{k: report.total(k) for k in ("created", "updated", "deleted", "unchanged")}
        )
        n = len(report.collections)
        published = ngettext(
            "Published {n} calendar to {url}: {totals}", "Published {n} calendars to {url}: {totals}", n
        )
        print(published.format(n=n, url=report.url, totals=totals), file=out)

    try:
        with (
            timed(_("publishing")),
            nested(args, err, _("publishing"), len(tree), _("calendars"), _("events")) as step,
        ):
            report = publish(feeds, args.url, user=args.user, password=password, names=names, progress=step)
    except PublishError as exc:
        if exc.report.collections:
            show(exc.report)
        print(_("lianxue: error: {problem}").format(problem=exc), file=err)
        return EXIT_SERVER
    show(report)
    return EXIT_OK
