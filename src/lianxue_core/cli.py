"""The ``lianxue`` command line: the parser, the dispatch to :mod:`lianxue_core.commands` and the exit codes.

Exit codes: 0 success; 2 bad input or usage (every problem printed, one line each, no traceback);
3 a plugin failed (the message names the plugin and its distribution); 1 a CalDAV server was down or
refused a request (``publish``: one line naming the URL and the organization), or ``check`` found
something wanting.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from . import __version__, i18n
from .commands import COMMANDS
from .commands._options import EXIT_INPUT, EXIT_OK, EXIT_PLUGIN
from .errors import InputError, PluginConflictError, PluginError
from .i18n import N_, _, ngettext
from .plugins import PluginHost
from .textsafe import for_terminal

__all__ = ["main"]


#: argparse's own words (Python 3.11 and later), in lianxue's catalogue: argparse looks each up with the ``_`` of
#: its module, which :func:`_argparse_words` routes to :func:`lianxue_core.i18n._` while the command line parses.
#: Its programming errors (a conflicting option string...) are left out: no user sees them.
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unexpected option string: %s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
)


def _translated(message: str | None) -> str | None:
    return message if message is None else _(message)


@contextmanager
def _argparse_words() -> Iterator[None]:
    """argparse's own words ("usage:", "options", its error messages) in lianxue's language while the block runs.

    argparse marks them with ``gettext`` under the global domain and looks them up through its module's ``_`` and
    ``ngettext`` when it builds a parser, formats help and reports an error. The command line swaps those two
    names for :mod:`lianxue_core.i18n`'s around building and running its own parser, and puts them back after:
    nothing else in the process (a plugin's parser, the caller of :func:`main`) sees another language.
    """
    names: dict[str, Callable[..., str | None]] = {"_": _translated, "ngettext": ngettext}
    saved = {name: getattr(argparse, name) for name in names}
    for name, function in names.items():
        setattr(argparse, name, function)
    try:
        yield
    finally:
        for name, function in saved.items():
            setattr(argparse, name, function)


#: What a value of these argument types must be, when it is not: argparse would name the Python function
#: (``invalid int value: '20x6'``, ``invalid fromisoformat value``).
_TYPE_PROBLEMS: dict[Callable[[str], object], str] = {
    int: N_("invalid whole number: {value!r}"),
    float: N_("invalid number: {value!r}"),
    dt.date.fromisoformat: N_("invalid date: {value!r} (write YYYY-MM-DD)"),
}

_INNER_SPACES = re.compile(r"(?<=\S) {2,}(?=\S)")


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help with two things mended: a section heading ends in the language's colon (``选项：``, not
    ``选项:``: argparse writes the ASCII one itself), and the usage line has no double space where the options
    hidden after a command (``--lang``, ``-q``, ``-v``, whose group argparse still counts) would have been."""

    def __init__(self, prog: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(prog, *args, **kwargs)
        self._headings: set[str] = set()

    def start_section(self, heading: str | None) -> None:
        if heading:
            self._headings.add(heading)
        super().start_section(heading)

    def _format_usage(self, *args: Any, **kwargs: Any) -> str:
        text = super()._format_usage(*args, **kwargs)
        return "\n".join(_INNER_SPACES.sub(" ", line) for line in text.split("\n"))

    def format_help(self) -> str:
        lines = super().format_help().split("\n")
        for n, line in enumerate(lines):
            heading = line.strip().removesuffix(":")
            if line.endswith(":") and heading in self._headings:
                indent = line[: len(line) - len(line.lstrip())]
                lines[n] = indent + _("{heading}:").format(heading=heading)
        return "\n".join(lines)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, _("{prog}: error: {message}").format(prog=self.prog, message=message) + "\n")

    def _get_value(self, action: argparse.Action, arg_string: str) -> Any:
        kind = action.type
        problem = _TYPE_PROBLEMS.get(kind) if callable(kind) else None
        if problem is None or not callable(kind):
            return super()._get_value(action, arg_string)
        try:
            return kind(arg_string)
        except (TypeError, ValueError):
            raise argparse.ArgumentError(action, _(problem).format(value=arg_string)) from None


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="lianxue",
        description=_("两学一做 study-education rules as schedules, calendars and supervision reports."),
    )
    parser.add_argument(
        "--version", action="version", version=f"lianxue {__version__}", help=_("show the version and exit")
    )
    parser.add_argument(
        "--lang",
        metavar="LANG",
        help=_("language of messages: zh_CN (the default) or en; default: from the locale (LANG=en_US.UTF-8: English)"),
    )
    parser.add_argument(
        "--block",
        metavar="PLUGIN",
        action="append",
        default=[],
        help=_("do not load the plugin with this entry-point name (repeatable; see also LIANXUE_BLOCK_PLUGINS)"),
    )
    talk = parser.add_mutually_exclusive_group()
    talk.add_argument("-q", "--quiet", action="store_true", help=_("no progress bars and no warnings, errors only"))
    talk.add_argument(
        "-v", "--verbose", action="count", default=0, help=_("say what is done and how long it takes (-vv: more)")
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, command in COMMANDS.items():
        parser_of = sub.add_parser(name, help=_(command.HELP))
        command.add_arguments(parser_of)
        # -q / -v and --lang after the command too (`lianxue run -q`); not given there, the top level's values
        # stand (--lang is read from anywhere before the parser is built: :func:`_lang_of`)
        parser_of.add_argument("--lang", metavar="LANG", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
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
    handler.setFormatter(_Escaping(_("lianxue: {message}"), style="{"))  # 'lianxue：' in Chinese, as the errors
    log.addHandler(handler)
    log.propagate = False


def _unknown_blocked(blocked: Sequence[str], host: PluginHost) -> None:
    """A warning for each ``--block`` name no installed plugin has (a typing slip blocks nothing)."""
    for name in dict.fromkeys(blocked):
        if name in host.installed:
            continue
        close = difflib.get_close_matches(name, sorted(host.installed), n=1, cutoff=0.6)
        hint = _(" (did you mean {value!r}?)").format(value=close[0]) if close else ""
        warning = _("--block {name!r}: no installed plugin has that name{hint}; see `lianxue plugins`").format(
            name=name, hint=hint
        )
        logging.getLogger("lianxue").warning(_("warning: %s"), warning)


def _lang_of(argv: Sequence[str]) -> str | None:
    """``--lang`` from the arguments before the command's own (``None``: from the locale), read before the
    parser is built. A language lianxue does not speak is given back as it is: :func:`main` refuses it."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang")
    try:
        known, _rest = pre.parse_known_args(list(argv))
    except SystemExit:  # `--lang` without a value: the real parser says so
        return None
    return known.lang if isinstance(known.lang, str) else None


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the command line with ``argv``; return the exit code."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    lang = _lang_of(sys.argv[1:] if argv is None else argv)
    i18n.setup(lang if lang is None or i18n.speaks(lang) else None)  # before the parser: its help is translated
    if lang is not None and not i18n.speaks(lang):
        # an explicit --lang that is not zh or en is bad input (exit 2), in the locale's language; a locale in
        # another language is not an error: it gives Chinese
        bad = _("--lang {lang!r}: lianxue speaks zh_CN (Chinese) and en (English)").format(lang=lang)
        print(_("lianxue: error: {problem}").format(problem=for_terminal(bad)), file=err)
        return EXIT_INPUT
    with _argparse_words():
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
        _unknown_blocked(args.block, host)
        host.check()
        return int(COMMANDS[args.command].run(args, host, out, err))
    except InputError as exc:
        for problem in exc.problems:
            print(_("lianxue: error: {problem}").format(problem=problem), file=err)
        return EXIT_INPUT
    except (PluginError, PluginConflictError) as exc:
        print(_("lianxue: plugin error: {error}").format(error=exc), file=err)
        return EXIT_PLUGIN
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        if out is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print(_("lianxue: interrupted"), file=err)
        return 130
    except OSError as exc:  # a file or directory the command must write cannot be written
        reason = i18n.os_reason(exc)
        said = _("{where}: {what}").format(where=exc.filename, what=reason) if exc.filename else reason
        print(_("lianxue: error: {problem}").format(problem=said), file=err)
        return EXIT_INPUT
