"""Periods: the ISO weeks, months, quarters or year a cadence recurs in.

A period has a label (``2026-W07``, ``2026-03``, ``2026-Q2``, ``2026``) and its first and last day.
Weeks are the ISO weeks of the ISO year (``2026-W01`` starts on Monday 2025-12-29); see :func:`periods`.
"""

from __future__ import annotations

import datetime as dt

import attrs

from ..obligations import Cadence, CadenceKind

__all__ = ["Period", "periods"]


@attrs.frozen
class Period:
    """One period of a cadence: its label and its first and last day (inclusive)."""

    label: str
    first: dt.date
    last: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.first <= day <= self.last


def _weeks(year: int) -> list[Period]:
    out = []
    day = dt.date.fromisocalendar(year, 1, 1)
    while True:
        iso_year, week, _ = day.isocalendar()
        if iso_year != year:
            break
        out.append(Period(f"{year}-W{week:02d}", day, day + dt.timedelta(days=6)))
        day += dt.timedelta(days=7)
    return out


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def periods(cadence: Cadence, year: int) -> list[Period]:
    """The periods ``cadence`` recurs in during ``year``.

    - weekly: every ISO week of ISO year ``year`` (52 or 53; the first may start in December);
    - monthly: the 12 months; quarterly: the 4 quarters;
    - yearly, once, per-member and per-household: the year itself (or, with ``within``, the periods of
      that cadence);
    - window and deadline: one period, the window's or the deadline's days, labelled with the year;
    - none: no period.
    """
    kind = cadence.kind
    if kind is CadenceKind.WEEKLY:
        return _weeks(year)
    if kind is CadenceKind.MONTHLY:
        return [Period(f"{year}-{m:02d}", dt.date(year, m, 1), _month_end(year, m)) for m in range(1, 13)]
    if kind is CadenceKind.QUARTERLY:
        return [Period(f"{year}-Q{q}", dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q)) for q in range(1, 5)]
    if kind in (CadenceKind.WINDOW, CadenceKind.DEADLINE):
        first, last = cadence.window_dates(year)
        return [Period(str(year), first, last)]
    if kind in (CadenceKind.PER_MEMBER, CadenceKind.PER_HOUSEHOLD) and cadence.within not in (
        None,
        CadenceKind.YEARLY,
    ):
        assert cadence.within is not None
        return periods(Cadence(cadence.within), year)
    if kind is CadenceKind.NONE:
        return []
    return [Period(str(year), dt.date(year, 1, 1), dt.date(year, 12, 31))]
