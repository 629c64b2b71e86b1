"""The command line's sub-commands, a module each: argument parsing, output and exit codes over the
application layer (:mod:`lianxue_core.app`). Each module has ``HELP`` (its line in ``lianxue --help``),
``add_arguments(parser)`` and ``run(args, host, out, err) -> exit code``; :mod:`lianxue_core.cli` lists
them in :data:`COMMANDS` and dispatches."""

from __future__ import annotations

from types import ModuleType

from . import (
    calendar,
    check,
    example,
    importing,
    ledger,
    obligations,
    plan,
    plugin,
    plugins,
    publish,
    run,
    serve,
    validate,
)

__all__ = ["COMMANDS"]

#: The sub-commands, by name, in the order ``lianxue --help`` lists them.
COMMANDS: dict[str, ModuleType] = {
    "run": run,
    "example": example,
    "calendar": calendar,
    "plan": plan,
    "validate": validate,
    "obligations": obligations,
    "plugins": plugins,
    "import": importing,
    "check": check,
    "ledger": ledger,
    "publish": publish,
    "serve": serve,
    "plugin": plugin,
}
