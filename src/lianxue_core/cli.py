"""The ``lianxue`` command line: the parser, the dispatch to :mod:`lianxue_core.commands` and the exit codes.

Exit codes: 0 success; 2 bad input or usage (every problem printed, one line each, no traceback);
3 a plugin failed (the message names the plugin and its distribution); 1 a CalDAV server was down or
refused a request (``publish``: one line naming the URL and the organization), or ``check`` found
something wanting.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from . import __version__
from .commands import COMMANDS
from .commands._options import EXIT_INPUT, EXIT_OK, EXIT_PLUGIN
from .errors import InputError, PluginConflictError, PluginError
from .plugins import PluginHost
from .textsafe import for_terminal

__all__ = ["main"]


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
    talk = parser.add_mutually_exclusive_group()
    talk.add_argument("-q", "--quiet", action="store_true", help="no progress bars and no warnings, errors only")
    talk.add_argument(
        "-v", "--verbose", action="count", default=0, help="say what is done and how long it takes (-vv: more)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, command in COMMANDS.items():
        parser_of = sub.add_parser(name, help=command.HELP)
        command.add_arguments(parser_of)
        # -q / -v after the command too (`lianxue run -q`); not given there, the top level's values stand
        talk_here = parser_of.add_mutually_exclusive_group()
        talk_here.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        talk_here.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


class _Escaping(logging.Formatter):
    """Log lines with control characters shown escaped (names and paths come from files)."""

    def format(self, record: logging.LogRecord) -> str:
        return for_terminal(super().format(record))


def _logging(args: argparse.Namespace, err: TextIO) -> None:
    """The ``lianxue`` logger on ``err``: WARNING by default, INFO with ``-v``, DEBUG with ``-vv``, ERROR with
    ``-q``."""
    level = (
        logging.ERROR
        if args.quiet
        else (logging.INFO, logging.DEBUG)[min(args.verbose, 2) - 1]
        if args.verbose
        else logging.WARNING
    )
    log = logging.getLogger("lianxue")
    log.setLevel(level)
    for handler in list(log.handlers):
        log.removeHandler(handler)
    handler = logging.StreamHandler(err)
    handler.setFormatter(_Escaping("lianxue: %(message)s"))
    log.addHandler(handler)
    log.propagate = False


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
    _logging(args, err)
    try:
        host = PluginHost(blocked=args.block)
        host.check()
        return int(COMMANDS[args.command].run(args, host, out, err))
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
