"""The ``lianxue`` command line.

Exit codes: 0 success; 2 bad input or usage (every problem printed, one line each, no traceback);
3 a plugin failed (the message names the plugin and its distribution); 1 a CalDAV server was down or
refused a request (``publish``: one line naming the URL and the organization).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from . import __version__, app, catalogue, scaffold
from .app import check_year, load_county, obligations_of, plan_year
from .calendar import FeedOptions, FeedSet, WrittenFeed, stamp_from_environment, write_feeds
from .commands import check as check_command
from .commands import importing as import_command
from .errors import InputError, PluginConflictError, PluginError, Problem
from .examples import example_path
from .model import OrganizationTree
from .obligations import Obligation
from .plugins import PluginHost
from .scheduling import Plan
from .scheduling.render import render_plan_json, render_plan_markdown, render_plan_table
from .textable import render_table

__all__ = ["main"]

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_PLUGIN = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="lianxue",
        description="两学一做 study-education rules as schedules, calendars and supervision reports.",
    )
    parser.add_argument("--version", action="version", version=f"lianxue {__version__}")
    parser.add_argument(
        "--block",
        metavar="PLUGIN",
        action="append",
        default=[],
        help="do not load the plugin with this entry-point name (repeatable; see also LIANXUE_BLOCK_PLUGINS)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    run = sub.add_parser("run", help="the main job: check an organization file and plan the year")
    run.add_argument("orgfile", nargs="?", type=Path, help="organization file (default: the bundled example county)")
    _year_options(run)
    _calendar_options(run)

    cal = sub.add_parser("calendar", help="write the plan as iCalendar feeds (.ics), one per organization")
    cal.add_argument("orgfile", type=Path, help="organization file (TOML)")
    _year_options(cal)
    _calendar_options(cal)

    plan = sub.add_parser("plan", help="the annual plan per organization, month by month")
    plan.add_argument("orgfile", type=Path, help="organization file (TOML)")
    _year_options(plan)
    plan.add_argument("--org", metavar="ID", action="append", default=None, help="only this organization (repeatable)")
    plan.add_argument("--format", choices=["table", "json", "markdown"], default="table")

    validate = sub.add_parser("validate", help="check an organization file and print a summary")
    validate.add_argument("orgfile", type=Path, help="organization file (TOML)")
    validate.add_argument("--format", choices=["table", "json"], default="table")

    obligations = sub.add_parser("obligations", help="list the obligations every plugin defines, with their sources")
    obligations.add_argument("--track", metavar="KEY", help="only this track's obligations")
    obligations.add_argument(
        "--options",
        action="store_true",
        help="list the options an organization may set (core and plugins), with type, default and meaning",
    )
    obligations.add_argument("--format", choices=["table", "json", "markdown"], default="table")

    plugins = sub.add_parser("plugins", help="list the loaded plugins with their distributions, tracks and hooks")
    plugins.add_argument("--format", choices=["table", "json"], default="table")

    importing = sub.add_parser("import", help="write an organization file from roster spreadsheets (.xlsx, .xls, .csv)")
    import_command.add_arguments(importing)

    checking = sub.add_parser("check", help="check records of what was held against the plan; report findings")
    check_command.add_arguments(checking)
    _publish_serve_parsers(sub)
    scaffold.add_arguments(sub.add_parser("plugin", help="write plugins: `lianxue plugin new NAME` scaffolds one"))
    return parser


def _year_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, default=None, help="the year to plan (default: this year)")
    parser.add_argument(
        "--holidays",
        metavar="FILE",
        type=Path,
        help="override file with the official holiday arrangement of a year lianxue does not know yet (TOML)",
    )


def _calendar_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("lianxue-calendars"),
        help="directory for the feeds (default: lianxue-calendars)",
    )
    parser.add_argument(
        "--people", action="store_true", help="also write people/<member-id>.ics for every listed member"
    )
    parser.add_argument(
        "--supervisor",
        metavar="ID",
        action="append",
        default=[],
        help="also write supervisors/<ID>.ics: what that organization must watch (repeatable)",
    )
    parser.add_argument(
        "--todo", action="store_true", help="also write todo/<org-id>.ics: a VTODO for every deadline and duty"
    )
    alarm = parser.add_mutually_exclusive_group()
    alarm.add_argument(
        "--alarm", metavar="MINUTES", type=int, default=24 * 60, help="reminder lead time (default 1440)"
    )
    alarm.add_argument("--no-alarm", action="store_true", help="write no reminders")


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the command line with ``argv``; return the exit code."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(out)
        return EXIT_OK
    try:
        host = PluginHost(blocked=args.block)
        host.check()
        return int(_COMMANDS[args.command](args, host, out, err))
    except InputError as exc:
        for problem in exc.problems:
            print(f"lianxue: error: {problem}", file=err)
        return EXIT_INPUT
    except (PluginError, PluginConflictError) as exc:
        print(f"lianxue: plugin error: {exc}", file=err)
        return EXIT_PLUGIN
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        if out is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("lianxue: interrupted", file=err)
        return 130
    except OSError as exc:  # a file or directory the command must write cannot be written
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"lianxue: error: {where}{exc.strerror or exc}", file=err)
        return EXIT_INPUT


# -- commands -----------------------------------------------------------------------------------------


def _load(path: Path, host: PluginHost) -> OrganizationTree:
    return load_county(path, host)


def _summary(tree: OrganizationTree, host: PluginHost) -> dict[str, object]:
    tracks = host.tracks()
    per_track = Counter(o.track or "(container)" for o in tree)
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


def _print_summary(summary: dict[str, object], out: TextIO) -> None:
    print(
        f"{summary['organizations']} organizations, {summary['members']} members "
        f"({summary['listed_members']} listed by name), {summary['links']} links",
        file=out,
    )
    names = summary["track_names"]
    assert isinstance(names, dict)
    per_track = summary["per_track"]
    per_kind = summary["per_kind"]
    assert isinstance(per_track, dict)
    assert isinstance(per_kind, dict)
    rows = [[k, names.get(k, ""), str(v)] for k, v in per_track.items()]
    print(render_table(["track", "名称", "organizations"], rows), file=out, end="")
    rows = [[k, str(v)] for k, v in per_kind.items()]
    print(render_table(["kind", "organizations"], rows), file=out, end="")


def cmd_validate(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    try:
        tree = _load(args.orgfile, host)
    except InputError as exc:
        if args.format == "json":  # a machine reading stdout learns that the file is not valid, and why
            problems = [
                {"file": p.file, "subject": p.subject, "key": p.key, "message": p.message} for p in exc.problems
            ]
            doc = {"file": str(args.orgfile), "valid": False, "problems": problems}
            print(json.dumps(doc, ensure_ascii=False, indent=2), file=out)
        raise
    summary = _summary(tree, host)
    if args.format == "json":
        print(
            json.dumps({"file": str(args.orgfile), "valid": True, **summary}, ensure_ascii=False, indent=2),
            file=out,
        )
    else:
        print(f"{args.orgfile}: OK", file=out)
        _print_summary(summary, out)
    return EXIT_OK


def cmd_obligations(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    if args.options:
        specs = list(host.option_specs().values())
        if args.format == "json":
            out.write(catalogue.render_options_json(specs))
        elif args.format == "markdown":
            out.write(catalogue.render_options_markdown(specs))
        else:
            out.write(catalogue.render_options_table(specs))
        return EXIT_OK
    tracks = host.tracks()
    if args.track is not None and args.track not in tracks and args.track != "*":
        known = ", ".join(sorted(tracks)) or "(none)"
        print(f"lianxue: error: unknown track {args.track!r}; known tracks: {known}", file=err)
        return EXIT_INPUT
    items = host.catalogue(args.track)
    if args.format == "json":
        out.write(catalogue.render_json(items))
    elif args.format == "markdown":
        out.write(catalogue.render_markdown(items, tracks))
    else:
        out.write(catalogue.render_table_text(items))
    return EXIT_OK


def cmd_plugins(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    infos = host.plugins()
    if args.format == "json":
        print(json.dumps([i.to_json() for i in infos], ensure_ascii=False, indent=2), file=out)
        return EXIT_OK
    rows = [
        [
            i.name,
            f"{i.distribution} {i.version}" if i.distribution else "-",
            ", ".join(i.tracks) or "-",
            str(i.obligations),
            ", ".join(h.removeprefix("lianxue_") for h in i.hooks),
        ]
        for i in infos
    ]
    out.write(render_table(["plugin", "distribution", "tracks", "obligations", "hooks"], rows))
    return EXIT_OK


def _plan(
    args: argparse.Namespace,
    host: PluginHost,
    tree: OrganizationTree,
    err: TextIO,
    obligations: dict[str, tuple[Obligation, ...]] | None = None,
) -> Plan:
    year = dt.date.today().year if args.year is None else args.year
    check_year(year, "--year")
    orgs = getattr(args, "org", None)
    if orgs:
        unknown = [o for o in orgs if o not in tree]
        if unknown:
            raise InputError(Problem(str(args.orgfile), f"no organization with id {o!r}", key="--org") for o in unknown)
    plan = plan_year(tree, host, year, orgs=orgs, holidays=args.holidays, obligations=obligations)
    for warning in plan.warnings:
        print(f"lianxue: warning: {warning}", file=err)
    return plan


def _write_calendars(
    args: argparse.Namespace, host: PluginHost, tree: OrganizationTree, plan: Plan, out: TextIO
) -> list[WrittenFeed]:
    which = FeedSet(people=args.people, supervisors=tuple(args.supervisor), todo=args.todo)
    return write_feeds(_feeds(args, host, tree, plan, which, previous=args.out), args.out)


def _report_feeds(written: list[WrittenFeed], out_dir: Path, out: TextIO) -> None:
    events = sum(f.events for f in written)
    changed = sum(f.changed for f in written)
    cancelled = sum(f.cancelled for f in written)
    print(
        f"Wrote {len(written)} calendars ({events} events, {changed} new or changed, {cancelled} cancelled) "
        f"to {out_dir}/",
        file=out,
    )


def cmd_calendar(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    tree = _load(args.orgfile, host)
    plan = _plan(args, host, tree, err)
    written = _write_calendars(args, host, tree, plan, out)
    _report_feeds(written, args.out, out)
    return EXIT_OK


def cmd_plan(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    tree = _load(args.orgfile, host)
    plan = _plan(args, host, tree, err)
    titles = {o.id: o.title for o in host.catalogue()}
    if args.format == "json":
        out.write(render_plan_json(plan))
    elif args.format == "markdown":
        out.write(render_plan_markdown(plan, tree, titles))
    else:
        out.write(render_plan_table(plan, tree, titles))
    return EXIT_OK


def cmd_run(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    args.orgfile = args.orgfile or example_path()
    tree = _load(args.orgfile, host)
    year = dt.date.today().year if args.year is None else args.year
    check_year(year, "--year")
    obligations = obligations_of(tree, host, year)  # asked once, for the plan and the guidance counts
    plan = _plan(args, host, tree, err, obligations)
    written = _write_calendars(args, host, tree, plan, out)  # before printing: a closed pipe must not stop it
    print(f"{args.orgfile}: OK", file=out)
    _print_summary(_summary(tree, host), out)
    per_org = Counter(o.org for o in plan.occurrences if o.shown)
    parts = sum(1 for o in plan.occurrences if not o.shown)
    unplaced = Counter(u.org for u in plan.unplaced)
    rows = []
    total_guidance = 0
    for org in tree:
        guidance = sum(1 for o in obligations[org.id] if not o.schedulable)
        total_guidance += guidance
        rows.append([org.id, org.name, org.track or "-", str(per_org[org.id]), str(unplaced[org.id]), str(guidance)])
    print(f"\nPlan for {plan.year}" + ("（暂定 provisional）" if plan.provisional else "") + ":", file=out)
    out.write(render_table(["org", "名称", "track", "activities", "unplaced", "guidance"], rows))
    print(
        f"\n{len(tree)} organizations: {len(plan.occurrences) - parts} activities planned "
        f"(and {parts} members' parts held during them), {len(plan.unplaced)} unplaced, "
        f"{len(plan.combined)} combined with another activity, {total_guidance} guidance items.",
        file=out,
    )
    if plan.unplaced:
        reasons = Counter((u.obligation, u.reason) for u in plan.unplaced)
        print("Not placed (see `lianxue plan` for each item):", file=out)
        for (obligation, reason), n in reasons.most_common(10):
            print(f"  {n} × {obligation}: {reason}", file=out)
        if len(reasons) > 10:
            print(f"  ... and {len(reasons) - 10} more reasons", file=out)
    _report_feeds(written, args.out, out)
    return EXIT_OK


# -- publish and serve: CalDAV and subscription ----------------------------------------------------------

EXIT_SERVER = 1


def _publish_serve_parsers(sub: argparse._SubParsersAction[_Parser]) -> None:
    publish = sub.add_parser("publish", help="make each organization's collection on a CalDAV server match its feed")
    publish.add_argument("orgfile", type=Path, help="organization file (TOML)")
    _year_options(publish)
    publish.add_argument("--url", required=True, help="the CalDAV server (or principal) URL, http:// or https://")
    publish.add_argument("--user", help="user name on the CalDAV server")
    publish.add_argument(
        "--password-file",
        metavar="FILE",
        type=Path,
        help="file whose first line is the password (a password is never given on the command line)",
    )
    _alarm_options(publish)

    serve = sub.add_parser("serve", help="serve the feeds over HTTP for phones and programs that subscribe (webcal)")
    serve.add_argument("orgfile", type=Path, help="organization file (TOML)")
    _year_options(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 for all)")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080; 0 for any free port)")
    serve.add_argument(
        "--people", action="store_true", help="also serve people/<member-id>.ics for every listed member"
    )
    serve.add_argument(
        "--supervisor",
        metavar="ID",
        action="append",
        default=[],
        help="also serve supervisors/<ID>.ics: what that organization must watch (repeatable)",
    )
    _alarm_options(serve)


def _alarm_options(parser: argparse.ArgumentParser) -> None:
    alarm = parser.add_mutually_exclusive_group()
    alarm.add_argument(
        "--alarm", metavar="MINUTES", type=int, default=24 * 60, help="reminder lead time (default 1440)"
    )
    alarm.add_argument("--no-alarm", action="store_true", help="write no reminders")


def _feeds(
    args: argparse.Namespace,
    host: PluginHost,
    tree: OrganizationTree,
    plan: Plan,
    which: FeedSet,
    *,
    previous: Path | None = None,
) -> Iterable[WrittenFeed]:
    """The plan's feeds with their text, updated against the feeds in ``previous`` when given."""
    for sup in which.supervisors:
        if sup not in tree:
            raise InputError([Problem(str(args.orgfile), f"no organization with id {sup!r}", key="--supervisor")])
    if args.alarm is not None and args.alarm < 0:
        raise InputError([Problem("--alarm", f"must not be negative (got {args.alarm})")])
    options = FeedOptions(stamp=stamp_from_environment(), alarm_minutes=None if args.no_alarm else args.alarm)
    return app.feeds(tree, plan, host, options=options, which=which, previous=previous)


def _password(args: argparse.Namespace) -> str | None:
    """The first line of ``--password-file``; one problem line when it cannot be used."""
    if args.password_file is None:
        if args.user is not None:
            raise InputError(
                [Problem("--user", "needs --password-file (the password is never taken on the command line)")]
            )
        return None
    path = str(args.password_file)
    if args.user is None:
        raise InputError([Problem(path, "a password file needs --user", key="--password-file")])
    try:
        text = args.password_file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError([Problem(path, f"cannot read the password file ({reason})", key="--password-file")]) from None
    first = text.splitlines()[0] if text else ""
    if not first:
        raise InputError([Problem(path, "the first line is empty: write the password on it", key="--password-file")])
    return first


def cmd_publish(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    from .calendar.publish import PublishError, PublishReport, check_url, publish  # caldav loads slowly

    problem = check_url(args.url)
    if problem is not None:
        raise InputError([Problem(args.url, problem, key="--url")])
    password = _password(args)
    tree = _load(args.orgfile, host)
    plan = _plan(args, host, tree, err)
    feeds = _feeds(args, host, tree, plan, FeedSet())
    names = {o.id: o.name for o in tree}

    def show(report: PublishReport) -> None:
        rows = [
            [c.org, c.name, str(c.created), str(c.updated), str(c.deleted), str(c.unchanged)]
            for c in report.collections
        ]
        if rows:
            out.write(render_table(["org", "名称", "created", "updated", "deleted", "unchanged"], rows))
        totals = ", ".join(f"{report.total(k)} {k}" for k in ("created", "updated", "deleted", "unchanged"))
        print(f"Published {len(report.collections)} calendars to {report.url}: {totals}", file=out)

    try:
        report = publish(feeds, args.url, user=args.user, password=password, names=names)
    except PublishError as exc:
        if exc.report.collections:
            show(exc.report)
        print(f"lianxue: error: {exc}", file=err)
        return EXIT_SERVER
    show(report)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    from .calendar.serve import make_server

    if not 0 <= args.port <= 65535:
        raise InputError([Problem("--port", f"must be between 0 and 65535 (got {args.port})")])
    tree = _load(args.orgfile, host)
    plan = _plan(args, host, tree, err)
    which = FeedSet(people=args.people, supervisors=tuple(args.supervisor))
    feeds = {f.path: f for f in _feeds(args, host, tree, plan, which)}
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


_COMMANDS = {
    "run": cmd_run,
    "plan": cmd_plan,
    "calendar": cmd_calendar,
    "validate": cmd_validate,
    "obligations": cmd_obligations,
    "plugins": cmd_plugins,
    "import": import_command.run,
    "check": check_command.run,
    "publish": cmd_publish,
    "serve": cmd_serve,
    "plugin": scaffold.run,
}
