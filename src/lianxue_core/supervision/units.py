"""The units of a check (one organization, obligation and period each) and a compact table of them.

A county's check has hundreds of thousands of units (720,000 for 10,000 organizations): as :class:`Unit` objects
they take about 130 bytes each. :class:`UnitTable` keeps them as columns of small numbers (about 21 bytes a unit:
each column as narrow as its values allow, widened when one does not fit) and makes a :class:`Unit` when one is
asked for, so a report can hold a province's county without holding its units as objects.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import Literal, cast, overload

import attrs

from .findings import FindingStatus, Record

__all__ = ["Unit", "UnitTable"]


@attrs.frozen
class Unit:
    """One organization, obligation and period, as checked.

    Args:
        org: The organization id.
        obligation: The obligation id.
        period: The period label.
        first: The first day the activity may be held.
        last: The last day it may be held.
        status: The primary status: held, due, missing, late or outside-window.
        issues: The statuses of the further findings about it (incomplete, not-covered...).
        records: The records counted for it (empty in the reports of :func:`lianxue_core.check_records`,
            which does not keep a county's records: see :func:`~lianxue_core.supervision.checks.check_shard`).
        expected: How many people or rounds it covers (per-member and per-household), else 1.
        covered: How many of those the records cover.
    """

    org: str
    obligation: str
    period: str
    first: dt.date
    last: dt.date
    status: FindingStatus
    issues: tuple[FindingStatus, ...] = ()
    records: tuple[Record, ...] = ()
    expected: int = 1
    covered: int = 0

    @property
    def complete(self) -> bool:
        """Held in time with nothing wanting."""
        return self.status is FindingStatus.HELD and not self.issues

    @property
    def ended(self) -> bool:
        """Whether its period had ended on the day of the check (it is not ``due``)."""
        return self.status is not FindingStatus.DUE

    @property
    def month(self) -> int:
        """The month (1–12) it is shown under in the heatmap: the month its period ends."""
        return self.last.month if self.last.year == self.first.year else 12


_STATUSES = tuple(FindingStatus)
_STATUS_INDEX = {s: n for n, s in enumerate(_STATUSES)}
_Code = Literal["B", "H", "I", "q"]
_COLUMNS = ("_org", "_obligation", "_period", "_first", "_last", "_status", "_issue", "_expected", "_covered")
_WIDER: dict[str, _Code] = {"B": "H", "H": "I", "I": "q"}


def _fits(code: str, value: int) -> bool:
    try:
        array(cast("_Code", code), (value,))
    except OverflowError:
        return False
    return True


class _Values:
    """Distinct values of one column, each stored once and named by its index."""

    __slots__ = ("index", "values")

    def __init__(self) -> None:
        self.values: list[object] = []
        self.index: dict[object, int] = {}

    def of(self, value: object) -> int:
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.values)
            self.values.append(value)
        return found


class UnitTable(Sequence[Unit]):
    """Units in order, held as columns: organization, obligation, period and the issues as indexes of their
    distinct values, the days as ordinals, the counts as machine integers. Indexing, slicing and iterating
    give :class:`Unit` values equal to those stored; a slice is a tuple. Records (rare: only
    :func:`~lianxue_core.supervision.checks.check` keeps them) are held by position.

    A table compares equal to any sequence of the same units, and to another table of the same units.

    .. versionadded:: 0.1.0
    """

    __slots__ = (
        "_covered",
        "_days",
        "_expected",
        "_first",
        "_issue",
        "_issues",
        "_last",
        "_obligation",
        "_org",
        "_period",
        "_records",
        "_status",
        "_strings",
    )

    def __init__(self, units: Iterable[Unit] = ()) -> None:
        self._strings = _Values()  # organization, obligation and period texts share one table
        self._issues = _Values()
        self._days: dict[int, dt.date] = {}
        # each column starts with the smallest machine integers and widens when a value does not fit
        # (:meth:`_widen`): a county's indexes and counts are small, a province's or a hostile file's need not be
        self._org = array("H")
        self._obligation = array("H")
        self._period = array("H")
        self._first = array("I")
        self._last = array("I")
        self._status = array("B")
        self._issue = array("H")
        self._expected = array("H")
        self._covered = array("H")
        self._records: dict[int, tuple[Record, ...]] = {}
        self.extend(units)

    # -- adding ----------------------------------------------------------------------------------------------

    def append(self, unit: Unit) -> None:
        """Add ``unit`` at the end."""
        strings = self._strings.of
        n = len(self._org)
        org, obligation, period = strings(unit.org), strings(unit.obligation), strings(unit.period)
        first, last, issue = self._day(unit.first), self._day(unit.last), self._issues.of(unit.issues)
        status = _STATUS_INDEX[unit.status]
        try:
            self._org.append(org)
            self._obligation.append(obligation)
            self._period.append(period)
            self._first.append(first)
            self._last.append(last)
            self._status.append(status)
            self._issue.append(issue)
            self._expected.append(unit.expected)
            self._covered.append(unit.covered)
        except OverflowError:
            self._widen(n, (org, obligation, period, first, last, status, issue, unit.expected, unit.covered))
        if unit.records:
            self._records[n] = unit.records

    def _widen(self, n: int, values: tuple[int, ...]) -> None:
        """Add unit ``n``'s ``values`` (one per column) after a value did not fit its column: the columns already
        added to are set back, those too narrow widened (to 64-bit integers at most, which hold negative values:
        a count out of their range is an :class:`OverflowError` and the table is left as it was), and the
        values added again."""
        columns: list[array[int]] = [getattr(self, name) for name in _COLUMNS]
        for column in columns:
            if len(column) > n:
                column.pop()
        codes: list[str] = []
        for name, column, value in zip(_COLUMNS, columns, values, strict=True):
            code: str = column.typecode
            while not _fits(code, value):
                if code == "q":
                    raise OverflowError(f"{name[1:]} {value} is out of range")
                code = _WIDER[code]
            codes.append(code)
        for name, column, code, value in zip(_COLUMNS, columns, codes, values, strict=True):
            if code != column.typecode:
                column = array(cast("_Code", code), column)
                setattr(self, name, column)
            column.append(value)

    def extend(self, units: Iterable[Unit]) -> None:
        """Add ``units`` at the end, in order."""
        for unit in units:
            self.append(unit)

    def _day(self, day: dt.date) -> int:
        n = day.toordinal()
        self._days.setdefault(n, day)
        return n

    # -- reading ---------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._org)

    def _unit(self, n: int) -> Unit:
        strings, days = self._strings.values, self._days
        return Unit(
            strings[self._org[n]],  # type: ignore[arg-type]
            strings[self._obligation[n]],  # type: ignore[arg-type]
            strings[self._period[n]],  # type: ignore[arg-type]
            days[self._first[n]],
            days[self._last[n]],
            _STATUSES[self._status[n]],
            self._issues.values[self._issue[n]],  # type: ignore[arg-type]
            self._records.get(n, ()),
            self._expected[n],
            self._covered[n],
        )

    @overload
    def __getitem__(self, index: int) -> Unit: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Unit, ...]: ...

    def __getitem__(self, index: int | slice) -> Unit | tuple[Unit, ...]:
        if isinstance(index, slice):
            return tuple(self._unit(n) for n in range(*index.indices(len(self))))
        n = index.__index__()
        if n < 0:
            n += len(self)
        if not 0 <= n < len(self):
            raise IndexError("unit index out of range")
        return self._unit(n)

    def __iter__(self) -> Iterator[Unit]:
        return (self._unit(n) for n in range(len(self)))

    def orgs(self) -> Iterator[str]:
        """Each unit's organization id, in order (without making the units)."""
        strings = self._strings.values
        return (strings[i] for i in self._org)  # type: ignore[misc]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"UnitTable({list(self)!r})"

    def __reduce__(self) -> tuple[type[UnitTable], tuple[tuple[Unit, ...]]]:
        return UnitTable, (tuple(self),)

    # -- putting tables together -----------------------------------------------------------------------------

    def blocks(self, ranges: Iterable[tuple[int, int]]) -> UnitTable:
        """A new table of the units in ``ranges`` (``start``, ``end``: positions in this table), in that order."""
        return self._blocks(list(ranges), take=False)

    def _blocks(self, ranges: Sequence[tuple[int, int]], *, take: bool) -> UnitTable:
        """:meth:`blocks`, a column at a time; with ``take``, each column of this table is emptied once copied, so
        that putting a county's units in order holds one column twice at most, not the whole table (this table is
        left empty: for a caller that drops it)."""
        out = UnitTable()
        out._strings, out._issues, out._days = self._strings, self._issues, self._days  # shared, only added to
        for name in _COLUMNS:
            column: array[int] = getattr(self, name)
            into: array[int] = array(column.typecode)
            setattr(out, name, into)
            for start, end in ranges:
                into.extend(column[start:end])
            if take:
                setattr(self, name, array(column.typecode))
                del column
        if self._records:
            shift = 0
            for start, end in ranges:
                for n in range(start, end):
                    if n in self._records:
                        out._records[n - start + shift] = self._records[n]
                shift += end - start
            if take:
                self._records = {}
        return out
