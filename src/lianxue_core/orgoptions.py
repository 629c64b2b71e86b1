"""The scheduling options an organization sets: meeting time and length, place, days, fixed activity day.

:func:`meeting_options` reads an organization's ``options`` table into a typed :class:`MeetingOptions`
and lists every problem (key and message) instead of stopping at the first. The organization file
reader reports those problems like any other; the scheduler uses the typed record.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Mapping
from typing import Any

import attrs

__all__ = ["ActivityDay", "MeetingOptions", "meeting_options", "parse_activity_day"]

DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_TIME = dt.time(14, 30)
DEFAULT_EVENING_TIME = dt.time(19, 0)
DEFAULT_MINUTES = 90
DEFAULT_TALK_MINUTES = 30
DEFAULT_TALKS_PER_DAY = 6
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

_CN_NUMBERS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
_CN_WEEKDAYS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
_NTH_WEEKDAY = re.compile(r"^每月(?:第([一二两三四五1-5])个|(最后一个))(?:星期|周|礼拜)([一二三四五六日天])$")
_DAY_OF_MONTH = re.compile(r"^每月(\d{1,2})(?:日|号)$")


@attrs.frozen
class ActivityDay:
    """A fixed monthly day (党员固定活动日): the n-th weekday of the month, or a day of the month.

    Args:
        text: The option as written, e.g. ``每月第一个星期五``.
        nth: For a weekday rule, which one: 1 to 5, or -1 for the last.
        weekday: For a weekday rule, the ISO weekday (1 Monday ... 7 Sunday).
        day: For a day-of-month rule, the day (1 to 31; a shorter month uses its last day).
    """

    text: str
    nth: int = 0
    weekday: int = 0
    day: int = 0

    def in_month(self, year: int, month: int) -> dt.date | None:
        """The activity day in ``month`` of ``year``, or ``None`` when the month has no such day."""
        first = dt.date(year, month, 1)
        last = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
        if self.day:
            return first.replace(day=min(self.day, last.day))
        if self.nth == -1:
            return last - dt.timedelta(days=(last.isoweekday() - self.weekday) % 7)
        candidate = first + dt.timedelta(days=(self.weekday - first.isoweekday()) % 7 + 7 * (self.nth - 1))
        return candidate if candidate.month == month else None


def parse_activity_day(text: str) -> ActivityDay:
    """Parse ``每月第一个星期五``, ``每月最后一个周三`` or ``每月15日``.

    Raises:
        ValueError: The text is not one of those forms.
    """
    value = text.strip()
    m = _NTH_WEEKDAY.match(value)
    if m:
        nth = -1 if m.group(2) else _CN_NUMBERS[m.group(1)]
        return ActivityDay(text=value, nth=nth, weekday=_CN_WEEKDAYS[m.group(3)])
    m = _DAY_OF_MONTH.match(value)
    if m and 1 <= int(m.group(1)) <= 31:
        return ActivityDay(text=value, day=int(m.group(1)))
    raise ValueError(f"{text!r} is not a monthly day such as '每月第一个星期五', '每月最后一个周三' or '每月15日'")


@attrs.frozen
class MeetingOptions:
    """When and where an organization meets.

    Args:
        timezone: The organization's time zone name.
        time: The usual start time of a meeting.
        minutes: The usual length of a meeting.
        location: Where it meets.
        weekdays: The ISO weekdays (1-7) it may meet on.
        allow_weekends: Whether it may meet on a weekend day that is not a 调休 working day.
        evening: Whether it meets in the evening (the default time becomes 19:00).
        activity_day: Its fixed monthly activity day, if it has one.
        talk_minutes: The length of one 谈心谈话.
        talks_per_day: How many talks one person leads in a day at most.
    """

    timezone: str = DEFAULT_TIMEZONE
    time: dt.time = DEFAULT_TIME
    minutes: int = DEFAULT_MINUTES
    location: str = ""
    weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    allow_weekends: bool = False
    evening: bool = False
    activity_day: ActivityDay | None = None
    talk_minutes: int = DEFAULT_TALK_MINUTES
    talks_per_day: int = DEFAULT_TALKS_PER_DAY

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        """The time zone as a :class:`zoneinfo.ZoneInfo`."""
        return zoneinfo.ZoneInfo(self.timezone)


def _minutes(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def meeting_options(options: Mapping[str, Any]) -> tuple[MeetingOptions, list[tuple[str, str]]]:
    """Read the scheduling options out of an organization's ``options``.

    Returns:
        The options (defaults where a value is missing or bad), and a list of ``(key, message)``
        problems, one for every bad value.
    """
    problems: list[tuple[str, str]] = []
    fields: dict[str, Any] = {}
    tz = options.get("timezone")
    if tz is not None:
        try:
            if not isinstance(tz, str):
                raise ValueError
            zoneinfo.ZoneInfo(tz)
            fields["timezone"] = tz
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            problems.append(("timezone", f"{tz!r} is not a known time zone (e.g. 'Asia/Shanghai')"))
    evening = options.get("evening", False)
    if not isinstance(evening, bool):
        problems.append(("evening", f"must be true or false, not {evening!r}"))
        evening = False
    fields["evening"] = evening
    if evening:
        fields["time"] = DEFAULT_EVENING_TIME
    t = options.get("meeting_time")
    if t is not None:
        if isinstance(t, dt.time):
            fields["time"] = t.replace(second=0, microsecond=0, tzinfo=None)
        elif isinstance(t, str) and TIME_RE.match(t):
            fields["time"] = dt.time(int(t[:2]), int(t[3:]))
        else:
            problems.append(("meeting_time", f"{t!r} is not a time of day as 'HH:MM' (e.g. '14:30')"))
    for key, name, low, high in (
        ("meeting_minutes", "minutes", 1, 24 * 60),
        ("talk_minutes", "talk_minutes", 5, 8 * 60),
        ("talks_per_day", "talks_per_day", 1, 48),
    ):
        value = options.get(key)
        if value is None:
            continue
        if _minutes(value, low, high):
            fields[name] = value
        else:
            problems.append((key, f"{value!r} is not a whole number between {low} and {high}"))
    location = options.get("location")
    if location is not None:
        if isinstance(location, str):
            fields["location"] = location.strip()
        else:
            problems.append(("location", f"must be a string, not {location!r}"))
    allow = options.get("allow_weekends", False)
    if not isinstance(allow, bool):
        problems.append(("allow_weekends", f"must be true or false, not {allow!r}"))
        allow = False
    fields["allow_weekends"] = allow
    weekdays = options.get("weekdays")
    if weekdays is not None:
        if (
            isinstance(weekdays, list)
            and weekdays
            and all(isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 7 for d in weekdays)
        ):
            fields["weekdays"] = frozenset(weekdays)
        else:
            problems.append(("weekdays", f"{weekdays!r} is not a non-empty list of ISO weekdays 1 (Monday) to 7"))
    day = options.get("activity_day")
    if day is not None:
        if not isinstance(day, str):
            problems.append(("activity_day", f"must be a string such as '每月第一个星期五', not {day!r}"))
        else:
            try:
                fields["activity_day"] = parse_activity_day(day)
            except ValueError as exc:
                problems.append(("activity_day", str(exc)))
    return MeetingOptions(**fields), problems
