"""``lianxue plugin new NAME``: scaffold a plugin distribution (pyproject, module, test, README) that installs
and passes its own tests; the files are :func:`lianxue_core.scaffold.render`'s."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path
from typing import TextIO

from ..errors import InputError, Problem
from ..i18n import N_, _
from ..plugins import PluginHost
from ..scaffold import install_target, module_name, new_plugin

__all__ = ["HELP", "add_arguments", "run"]

HELP = N_("write plugins: `lianxue plugin new NAME` scaffolds one")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``lianxue plugin``'s sub-commands (``new``) to ``parser``."""
    sub = parser.add_subparsers(dest="plugin_command", metavar="SUBCOMMAND", required=True)
    new = sub.add_parser("new", help=_("scaffold a plugin distribution (pyproject, module, test, README)"))
    new.add_argument("name", metavar="NAME", help=_("plugin name, also its track key and entry-point name"))
    new.add_argument("--dir", type=Path, default=None, help=_("folder to create (default: ./lianxue-NAME)"))
    new.add_argument(
        "--title",
        default=None,
        help=_("the track's Chinese display name, e.g. 临杭工业区两新组织 (default: NAME)"),
    )


def run(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    """Run ``lianxue plugin new`` with parsed ``args``; return the exit code."""
    taken = set(host.tracks()) | {p.name for p in host.plugins()}
    if args.name in taken:
        raise InputError(
            [Problem(args.name, _("is already a track or plugin name here; choose another NAME"), subject="NAME")]
        )
    target = new_plugin(args.name, args.dir, args.title)
    module = module_name(args.name)
    print(
        _("Wrote plugin {name!r} to {dir}/ (package {module}).").format(name=args.name, dir=target, module=module),
        file=out,
    )
    print(
        _("Next: replace PLACEHOLDER_SOURCE in {file}, then").format(file=f"{target}/src/{module}/__init__.py"),
        file=out,
    )
    print(f"  pip install -e {install_target(target)} && python -m pytest {shlex.quote(str(target))}", file=out)
    return 0
