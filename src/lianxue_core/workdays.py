"""Working days: China's statutory holidays and 调休 working weekends.

A :class:`WorkdayCalendar` says, for one year, which days are statutory holidays and which weekend
days are working days (调休). The calendar comes from the ``lianxue_workdays`` hook, so a county can
replace or extend the built-in provider (:func:`official_calendar`, backed by ``chinese_calendar``).
A year whose official arrangement is not yet published is marked :attr:`WorkdayCalendar.provisional`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs

from .errors import InputError, Problem
from .i18n import _
from .limits import read_toml
from .textsafe import for_terminal

__all__ = [
    "WorkdayCalendar",
    "holiday_name",
    "load_overrides",
    "official_calendar",
    "provisional_calendar",
    "statutory_holidays",
]


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


def holiday_name(calendar: WorkdayCalendar, day: dt.date) -> str:
    """The name of the holiday ``day`` belongs to (国庆节, 春节...), or ``"节假日"`` when it is not known.

    Official years ask ``chinese_calendar``; otherwise (and for the bridging days around a holiday) the
    nearest statutory holiday within a week gives the name.
    """
    if not calendar.provisional:
        try:
            import chinese_calendar

            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            if on_holiday and name:
                return str(_HOLIDAY_NAMES.get(name, name))
        except (NotImplementedError, ValueError):
            pass
    named = statutory_holidays(day.year)
    near = sorted((abs((d - day).days), n) for d, n in named.items() if abs((d - day).days) <= 7)
    return near[0][1] if near else "节假日"


#: chinese_calendar's English holiday names (its ``Holiday`` values).
_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


#: The first year whose official arrangement the built-in provider (chinese_calendar) holds.
FIRST_OFFICIAL_YEAR = 2004


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


def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The statutory holidays of ``year`` computed from the calendar rules, with their names.

    《全国年节及纪念日放假办法》, as revised in force for ``year``:

    - from 2025: 元旦 1 day (1 January); 春节 4 days (除夕 and 正月初一 to 初三); 清明节 1 day (the
      清明 solar term); 劳动节 2 days (1-2 May); 端午节 1 day (五月初五); 中秋节 1 day (八月十五); 国庆节
      3 days (1-3 October);
    - 2014 to 2024: the same, but 春节 is 初一 to 初三 and 劳动节 1 May only;
    - 2008 to 2013 (and, as an approximation, earlier years): 春节 is 除夕, 初一 and 初二; 劳动节 1 May only.

    These are the days off by law only: the official arrangement each year adds bridging days and
    调休 working weekends, which cannot be computed.
    """
    import chinese_calendar
    from lunardate import LunarDate

    days: dict[dt.date, str] = {}

    def add(day: dt.date, name: str) -> None:  # two festivals on one day: 国庆节、中秋节 (2020)
        days[day] = f"{days[day]}、{name}" if day in days else name

    add(dt.date(year, 1, 1), "元旦")
    new_year = LunarDate(year, 1, 1).to_solar_date()
    spring = range(-1, 3) if year >= 2025 else range(3) if year >= 2014 else range(-1, 2)
    for offset in spring:
        add(new_year + dt.timedelta(days=offset), "春节")
    terms = chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10))
    add(next((d for d, name in terms if name == "清明"), dt.date(year, 4, 5)), "清明节")
    add(dt.date(year, 5, 1), "劳动节")
    if year >= 2025:
        add(dt.date(year, 5, 2), "劳动节")
    add(LunarDate(year, 5, 5).to_solar_date(), "端午节")
    add(LunarDate(year, 8, 15).to_solar_date(), "中秋节")
    for d in (1, 2, 3):
        add(dt.date(year, 10, d), "国庆节")
    return dict(sorted(days.items()))


def provisional_calendar(year: int) -> WorkdayCalendar:
    """A provisional calendar for a year whose official arrangement is not published yet.

    It holds the statutory holidays computed from the rules (:func:`statutory_holidays`) and no 调休
    working days. Every occurrence planned in such a year is marked provisional. Give the official
    arrangement in an override file (:func:`load_overrides`), or through a plugin, to make it official.
    """
    missing = "lianxue 未收录官方调休安排" if year < FIRST_OFFICIAL_YEAR else "官方调休安排未发布"
    return WorkdayCalendar(
        year=year,
        holidays=frozenset(statutory_holidays(year)),
        provisional=True,
        source=f"{year}年法定节假日按《全国年节及纪念日放假办法》推算（{missing}，暂定）",
    )


# -- the override file ---------------------------------------------------------------------------------

_OVERRIDE_KEYS = ("year", "holidays", "workdays", "source")


def _parse_days(
    value: Any, key: str, year: int | None, file: str, subject: str, problems: list[Problem]
) -> set[dt.date]:
    out: set[dt.date] = set()
    if not isinstance(value, list):
        problems.append(Problem(file, _("must be a list of dates or 'YYYY-MM-DD..YYYY-MM-DD' ranges"), subject, key))
        return out
    for item in value:
        if isinstance(item, dt.date) and not isinstance(item, dt.datetime):
            days = [item]
        elif isinstance(item, str):
            first, _dots, last = item.partition("..")
            try:
                a = dt.date.fromisoformat(first.strip())
                b = dt.date.fromisoformat(last.strip()) if last else a
            except ValueError:
                problems.append(
                    Problem(
                        file, _("{item!r} is not a date (YYYY-MM-DD) or range (A..B)").format(item=item), subject, key
                    )
                )
                continue
            if b < a:
                problems.append(
                    Problem(file, _("range {item!r} ends before it starts").format(item=item), subject, key)
                )
                continue
            if last and year is not None and (a.year != year or b.year != year):
                problems.append(
                    Problem(file, _("{item!r} is not within {year}").format(item=item, year=year), subject, key)
                )
                continue
            days = [a + dt.timedelta(days=n) for n in range((b - a).days + 1)]
        else:
            problems.append(
                Problem(file, _("{item!r} is not a date (YYYY-MM-DD) or range (A..B)").format(item=item), subject, key)
            )
            continue
        for day in days:
            if year is not None and day.year != year:
                problems.append(
                    Problem(file, _("{day} is not in {year}").format(day=day.isoformat(), year=year), subject, key)
                )
            else:
                out.add(day)
    return out


def load_overrides(path: str | Path) -> dict[int, WorkdayCalendar]:
    """Read an override file: the official holiday arrangement of years lianxue does not know yet.

    The file is TOML with one ``[[year]]`` table per year::

        [[year]]
        year = 2027
        source = "国务院办公厅关于2027年部分节假日安排的通知"
        holidays = ["2027-01-01", "2027-02-05..2027-02-13"]
        workdays = ["2027-02-14", "2027-02-20"]   # 调休上班的周末

    Raises:
        InputError: The file cannot be read or has problems; every problem is listed.
    """
    file = for_terminal(str(path))
    doc = read_toml(path, what="the holiday file", field="holidays_bytes", display=file)
    problems: list[Problem] = []
    for key in doc:
        if key != "year":
            problems.append(Problem(file, _("unknown top-level key; expected [[year]] tables"), key=key))
    tables = doc.get("year", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        problems.append(Problem(file, _("must be an array of tables ([[year]])"), key="year"))
        tables = []
    if not tables and not problems:
        problems.append(Problem(file, _("the file defines no years; add a [[year]] table")))
    out: dict[int, WorkdayCalendar] = {}
    for n, table in enumerate(tables):
        year = table.get("year")
        subject = _("year #{n}").format(n=n + 1) if not isinstance(year, int) else _("year {year}").format(year=year)
        for key in table:
            if key not in _OVERRIDE_KEYS:
                problems.append(
                    Problem(
                        file,
                        _("unknown key; expected one of {keys}").format(keys=_(", ").join(_OVERRIDE_KEYS)),
                        subject,
                        key,
                    )
                )
        if "year" not in table:
            problems.append(Problem(file, _("is required"), subject, "year"))
            year = None
        elif isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100:
            problems.append(
                Problem(file, _("{year!r} is not a year between 1900 and 2100").format(year=year), subject, "year")
            )
            year = None
        elif year in out:
            problems.append(Problem(file, _("is given twice"), subject, "year"))
        holidays = _parse_days(table.get("holidays", []), "holidays", year, file, subject, problems)
        workdays = _parse_days(table.get("workdays", []), "workdays", year, file, subject, problems)
        for day in sorted(holidays & workdays):
            problems.append(
                Problem(
                    file,
                    _("{day} is both a holiday and a working day").format(day=day.isoformat()),
                    subject,
                    "workdays",
                )
            )
        for day in sorted(workdays):
            if day.weekday() < 5:
                problems.append(
                    Problem(
                        file,
                        _("{day} is a weekday; list only weekend days worked (调休)").format(day=day.isoformat()),
                        subject,
                        "workdays",
                    )
                )
        source = table.get("source", "")
        if not isinstance(source, str):
            problems.append(Problem(file, _("must be a string, not {value!r}").format(value=source), subject, "source"))
            source = ""
        if year is not None:
            out[year] = WorkdayCalendar(
                year=year,
                holidays=frozenset(holidays),
                workdays=frozenset(workdays),
                provisional=False,
                source=source or _("override file {file}").format(file=file),
            )
    if problems:
        raise InputError(problems)
    return out
