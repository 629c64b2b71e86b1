"""Errors lianxue raises, and :class:`Problem`, one thing wrong in one input file.

Problems are values: loaders collect every problem in a file before failing, then raise one
:class:`InputError` that carries them all. The command line prints one line per problem and exits
with code 2.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from .i18n import N_, _
from .textsafe import for_terminal

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
        """One line for a terminal or a log: control characters in any part (a file name with ESC or a line
        break, an organization name with BEL) are shown escaped (:func:`lianxue_core.textsafe.for_terminal`)."""
        text = self.file
        for part in (self.subject, _("key {key!r}").format(key=self.key) if self.key else None, self.message):
            if part:
                text = _("{where}: {what}").format(where=text, what=part)
        return for_terminal(text)


class LianxueError(Exception):
    """Base class of every error lianxue raises on purpose."""


class InputError(LianxueError):
    """An input file has one or more problems; :attr:`problems` lists them all."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _one_line(text: str) -> str:
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())


def _where(plugin: str, distribution: str | None) -> str:
    if distribution:
        return _('plugin "{plugin}" (from {distribution})').format(plugin=plugin, distribution=distribution)
    return _('plugin "{plugin}"').format(plugin=plugin)


#: What two plugins can both provide (:class:`PluginConflictError`), as its messages name it.
_WHAT = {
    "track": N_("track"),
    "obligation": N_("obligation"),
    "option": N_("option"),
    "entry-point name": N_("entry-point name"),
}


class PluginError(LianxueError):
    """A plugin failed: it did not import, a hook raised, or it broke a contract.

    The message is one line that starts with the plugin and its distribution, e.g.
    ``plugin "zone" (from lianxue-devzone 1.2.0): hook lianxue_tracks raised KeyError: 'x'``.

    Args:
        plugin: The plugin's name (its entry-point name, or the name it was registered under).
        message: What went wrong (line breaks are folded into ``; ``).
        distribution: The distribution that provides it, with its version, when known
            (``"lianxue-devzone 1.2.0"``).
    """

    def __init__(self, plugin: str, message: str, distribution: str | None = None) -> None:
        self.plugin = plugin
        self.distribution = distribution
        self.reason = _one_line(message)
        super().__init__(_("{where}: {what}").format(where=_where(plugin, distribution), what=self.reason))


class PluginConflictError(PluginError):
    """Two plugins provide the same track key, obligation id or entry-point name, or declare one option
    with different types.

    The error is attributed to the second plugin in name order; the message names both, e.g.
    ``plugin "zone" (from b-dist 1.0): track 'zone' is also registered by plugin "devzone" (from a-dist 2.0)``.

    Args:
        what: What both provide: ``"track"``, ``"obligation"``, ``"option"`` or ``"entry-point name"``.
        key: The track key, obligation id or name they share.
        first: The plugin that provides it first, as ``(name, distribution)``.
        second: The plugin that provides it again, as ``(name, distribution)``.
        detail: How the second differs, added to the message (for options: the two types).
    """

    def __init__(
        self,
        what: str,
        key: str,
        first: tuple[str, str | None],
        second: tuple[str, str | None],
        *,
        detail: str = "",
    ) -> None:
        self.what = what
        self.key = key
        self.plugins = (first, second)
        message = (
            _("{what} {key!r} is also declared by {plugin}")
            if what == "option"
            else _("{what} {key!r} is also registered by {plugin}")
        ).format(what=_(_WHAT.get(what, what)), key=key, plugin=_where(*first))
        super().__init__(second[0], message + (f" {detail}" if detail else ""), second[1])
