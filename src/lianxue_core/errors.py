"""Errors lianxue raises, and :class:`Problem`, one thing wrong in one input file.

Problems are values: loaders collect every problem in a file before failing, then raise one
:class:`InputError` that carries them all. The command line prints one line per problem and exits
with code 2.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

__all__ = [
    "InputError",
    "LianxueError",
    "PluginConflictError",
    "PluginError",
    "Problem",
]


@attrs.frozen
class Problem:
    """One thing wrong in an input file.

    Args:
        file: The file's path as the user gave it.
        message: What is wrong, in words a person can act on.
        subject: What the problem is about: ``org "xinshi"``, ``member "m-0001"``, ``line 3``...
        key: The key or column at fault, when there is one.
    """

    file: str
    message: str
    subject: str | None = None
    key: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.subject:
            parts.append(self.subject)
        if self.key:
            parts.append(f"key {self.key!r}")
        return ": ".join(parts) + f": {self.message}"


class LianxueError(Exception):
    """Base class of every error lianxue raises on purpose."""


class InputError(LianxueError):
    """An input file has one or more problems; :attr:`problems` lists them all."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class PluginError(LianxueError):
    """A plugin failed: it did not import, a hook raised, or it broke a contract.

    Args:
        plugin: The plugin's name (its entry-point name, or the name it was registered under).
        distribution: The distribution that provides it, with its version, when known.
        message: What went wrong.
    """

    def __init__(self, plugin: str, message: str, distribution: str | None = None) -> None:
        self.plugin = plugin
        self.distribution = distribution
        where = f'plugin "{plugin}"' + (f" (from {distribution})" if distribution else "")
        super().__init__(f"{where}: {message}")


class PluginConflictError(LianxueError):
    """Two plugins provide the same track key or obligation id."""

    def __init__(self, what: str, key: str, first: str, second: str) -> None:
        self.what = what
        self.key = key
        self.plugins = (first, second)
        super().__init__(f"conflicting plugins: {what} {key!r} is provided by {first} and by {second}")
