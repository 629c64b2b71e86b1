"""Working days: China's statutory holidays and 调休 working weekends.

A :class:`WorkdayCalendar` says, for one year, which days are statutory holidays and which weekend
days are working days (调休). The calendar comes from the ``lianxue_workdays`` hook, so a county can
replace or extend the built-in provider (:func:`official_calendar`, backed by ``chinese_calendar``).
A year whose official arrangement is not yet published is marked :attr:`WorkdayCalendar.provisional`.
"""

from __future__ import annotations

import datetime as dt

import attrs

__all__ = ["WorkdayCalendar", "official_calendar", "provisional_calendar"]


@attrs.frozen
class WorkdayCalendar:
    """Which days of one year are working days.

    Args:
        year: The calendar year.
        holidays: Statutory holidays (法定节假日 and the days off around them).
        workdays: Weekend days that are working days (调休上班).
        provisional: ``True`` when the official arrangement for the year is not known yet and the
            holidays are computed from the calendar rules.
        source: Where the arrangement comes from, for messages and calendar text.
    """

    year: int
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    provisional: bool = False
    source: str = ""

    def is_holiday(self, day: dt.date) -> bool:
        """Whether ``day`` is a statutory holiday."""
        return day in self.holidays

    def is_workday(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day: a weekday that is not a holiday, or a 调休 weekend day."""
        if day in self.holidays:
            return False
        return day.weekday() < 5 or day in self.workdays


def official_calendar(year: int) -> WorkdayCalendar | None:
    """The official arrangement for ``year`` from ``chinese_calendar``, or ``None`` when it has none."""
    import chinese_calendar

    try:
        chinese_calendar.is_holiday(dt.date(year, 6, 1))
    except NotImplementedError:
        return None
    holidays = frozenset(d for d in chinese_calendar.holidays if d.year == year)
    workdays = frozenset(d for d in chinese_calendar.workdays if d.year == year)
    return WorkdayCalendar(
        year=year,
        holidays=holidays,
        workdays=workdays,
        provisional=False,
        source=f"chinese_calendar {getattr(chinese_calendar, '__version__', '')}".strip(),
    )


#: Statutory holidays on fixed Gregorian dates (《全国年节及纪念日放假办法》, 2025 revision):
#: 元旦 1 day, 劳动节 2 days, 国庆节 3 days.
FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))


def provisional_calendar(year: int) -> WorkdayCalendar:
    """A provisional calendar for a year whose official arrangement is not published yet.

    It holds the statutory holidays on fixed dates only; the scheduler marks every occurrence in
    such a year as provisional. Give the official arrangement in an override file, or a plugin, to
    make the year official.
    """
    return WorkdayCalendar(
        year=year,
        holidays=frozenset(dt.date(year, m, d) for m, d in FIXED_HOLIDAYS),
        provisional=True,
        source="provisional: statutory fixed-date holidays only",
    )
