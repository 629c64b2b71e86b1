"""Problems and decisions found while importing, each tied to a file, sheet, row and column.

The same problem in many rows of one column (an identity-number column typed as numbers) is one
line naming the rows, not a thousand lines. Text from a spreadsheet is shown with its control characters escaped
(:func:`lianxue_core.textsafe.for_terminal`), in problems and decisions alike. Messages never repeat a cell's
value when the column may hold personal data; they name the row and column instead.
"""

from __future__ import annotations

import attrs

from ..errors import Problem
from ..i18n import _
from ..textsafe import for_terminal
from .headings import Table

__all__ = ["Decision", "ProblemList"]


@attrs.frozen
class Decision:
    """Something the import could not settle and left for a person.

    Args:
        where: ``FILE: sheet "...", row N``.
        subject: What it is about: ``org "org-3fa2b1c9" 某公司党支部`` or ``member "m-..." 张三``.
        reason: Why it could not be settled.
        hint: How to settle it, or a suggestion (``the name suggests two-new``).
        org: The organization's id, when the decision is about an organization's track.
    """

    where: str = attrs.field(converter=for_terminal)
    subject: str = attrs.field(converter=for_terminal)
    reason: str = attrs.field(converter=for_terminal)
    hint: str | None = attrs.field(default=None, converter=attrs.converters.optional(for_terminal))
    org: str | None = None

    def __str__(self) -> str:
        text = _("{subject} ({where}): {reason}").format(subject=self.subject, where=self.where, reason=self.reason)
        return _("{reason}; {hint}").format(reason=text, hint=self.hint) if self.hint else text


@attrs.define
class ProblemList:
    """Collects problems; :meth:`problems` folds the same message in one column over many rows."""

    _cells: dict[tuple[int, str | None, str], list[int]] = attrs.field(factory=dict)
    _tables: dict[int, Table] = attrs.field(factory=dict)
    _order: list[tuple[str, object]] = attrs.field(factory=list)
    #: How many problems were added (before folding): compare before and after reading a row.
    added: int = 0

    def cell(self, table: Table, row: int, key: str | None, message: str) -> None:
        """A problem with the cell of column ``key`` (or the whole row when ``None``) in ``row``."""
        self._tables[id(table)] = table
        group = (id(table), key, message)
        if group not in self._cells:
            self._cells[group] = []
            self._order.append(("cell", group))
        self._cells[group].append(row)
        self.added += 1

    def add(self, problem: Problem) -> None:
        """A problem that is not about one cell (a file, an option, the mapping file)."""
        self._order.append(("plain", problem))
        self.added += 1

    def __bool__(self) -> bool:
        return bool(self._order)

    def problems(self) -> list[Problem]:
        out: list[Problem] = []
        for kind, item in self._order:
            if kind == "plain":
                assert isinstance(item, Problem)
                out.append(_safe(item))
                continue
            assert isinstance(item, tuple)
            table_id, key, message = item
            table = self._tables[table_id]
            rows = self._cells[item]
            col = table.columns.get(key) if key else None
            where = table.sheet.where(rows, col.index if col else None, col.heading if col else None)
            out.append(_safe(Problem(table.sheet.file, message, where)))
        return out


def _safe(problem: Problem) -> Problem:
    """``problem`` with the text that came from a spreadsheet (sheet names, headings, cells) made one safe line."""
    return Problem(
        for_terminal(problem.file),
        for_terminal(problem.message),
        None if problem.subject is None else for_terminal(problem.subject),
        None if problem.key is None else for_terminal(problem.key),
    )
