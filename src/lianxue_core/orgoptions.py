"""The scheduling options an organization sets: meeting time and length, place, days, fixed activity day.

:func:`meeting_options` reads an organization's ``options`` table into a typed :class:`MeetingOptions`
and lists every problem (key and message) instead of stopping at the first. The organization file
reader reports those problems like any other; the scheduler uses the typed record.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Mapping
from typing import Any

import attrs
from dateutil import rrule as du_rrule

from .i18n import _

__all__ = ["ActivityDay", "MeetingOptions", "default_activity_day", "meeting_options", "parse_activity_day"]

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


_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_CN_WEEKDAY_NAMES = ("一", "二", "三", "四", "五", "六", "日")
_CN_ORDINALS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", -1: "最后一"}


@attrs.frozen
class ActivityDay:
    """A fixed monthly day (党员固定活动日, 条例 “每月相对固定1天”) as a recurrence rule.

    Written in an organization file as ``每月第一个星期五``, ``每月最后一个周三``, ``每月15日`` or as an
    RFC 5545 rule (``FREQ=MONTHLY;BYDAY=1FR``, ``RRULE:FREQ=MONTHLY;BYMONTHDAY=10``). Every form is a
    python-dateutil :class:`~dateutil.rrule.rrule` (:meth:`rule`), so the days of a year are the rule's
    occurrences, one per month.

    Args:
        text: The option as written, e.g. ``每月第一个星期五``.
        nth: For a weekday rule, which one: 1 to 5, or -1 for the last.
        weekday: For a weekday rule, the ISO weekday (1 Monday ... 7 Sunday).
        day: For a day-of-month rule, the day (1 to 31; a shorter month uses its last day).
        rrule: For a rule written in RFC 5545 form, the rule text (``FREQ=MONTHLY;...``).
    """

    text: str
    nth: int = 0
    weekday: int = 0
    day: int = 0
    rrule: str = ""

    def rule_text(self) -> str:
        """The rule in RFC 5545 form, e.g. ``FREQ=MONTHLY;BYDAY=1FR``."""
        if self.rrule:
            return self.rrule
        if self.day:
            # the day, or the month's last day when it is shorter: the first of {day, last day} in the month
            return (
                f"FREQ=MONTHLY;BYMONTHDAY={self.day},-1;BYSETPOS=1"
                if self.day > 28
                else (f"FREQ=MONTHLY;BYMONTHDAY={self.day}")
            )
        return f"FREQ=MONTHLY;BYDAY={self.nth}{_WEEKDAY_CODES[self.weekday - 1]}"

    @property
    def names_weekend(self) -> bool:
        """Whether the rule names a Saturday or Sunday (每月第一个星期六): the organization meets on that
        weekend day even without ``allow_weekends``."""
        if self.rrule:
            byday = next((p[6:] for p in self.rrule.split(";") if p.startswith("BYDAY=")), "")
            return "SA" in byday or "SU" in byday
        return self.weekday >= 6

    def rule(self, year: int) -> du_rrule.rrule:
        """The dateutil rule for ``year``: its occurrences are the activity days of that year."""
        rule = du_rrule.rrulestr(self.rule_text(), dtstart=dt.datetime(year, 1, 1), cache=False)
        assert isinstance(rule, du_rrule.rrule)  # one RRULE, never a set
        return rule.replace(until=dt.datetime(year, 12, 31, 23, 59))

    def days(self, year: int) -> tuple[dt.date, ...]:
        """Every activity day of ``year``, in order (at most one a month for the Chinese forms)."""
        return _days_of(self, year)

    def in_month(self, year: int, month: int) -> dt.date | None:
        """The activity day in ``month`` of ``year``, or ``None`` when the month has no such day."""
        for day in self.days(year):
            if day.month == month:
                return day
        return None

    def describe(self) -> str:
        """The rule in Chinese, e.g. ``每月第一个星期五`` (as written, for the Chinese forms)."""
        if not self.rrule:
            return self.text
        return f"按规则 {self.rrule}"


@functools.lru_cache(maxsize=4096)
def _days_of(day: ActivityDay, year: int) -> tuple[dt.date, ...]:
    return tuple(d.date() for d in day.rule(year))


def default_activity_day(index: int, weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})) -> ActivityDay:
    """The ``index``-th of the fixed days the planner gives organizations that set none.

    Consecutive indexes differ in both the week and the weekday (第二个星期二, 第三个星期四, 第一个星期三,
    第四个星期一...), so that neighbouring organizations — a town's villages — meet on different days and
    a holiday week (the first week of October) does not move them all to the same day. The first week
    comes third: it is the one holidays (元旦, 劳动节, 国庆节) fall in.
    """
    days = sorted(d for d in weekdays if d <= 5) or sorted(weekdays) or [2]
    # Tuesdays and Thursdays first: Mondays and Fridays are taken by the week's start and end.
    order = [d for d in (2, 4, 3, 1, 5, 6, 7) if d in days]
    weeks = (2, 3, 1, 4)
    nth = weeks[index % 4]
    # a weekday count coprime with 4 walks all combinations; otherwise step on every fourth index
    weekday = order[(index + (index // 4 if len(order) % 2 == 0 else 0)) % len(order)]
    text = f"每月第{_CN_ORDINALS[nth]}个星期{_CN_WEEKDAY_NAMES[weekday - 1]}"
    return ActivityDay(text=text, nth=nth, weekday=weekday)


_RRULE_TEXT = re.compile(r"^(?:RRULE:)?(FREQ=MONTHLY(?:;[A-Z]+=[A-Z0-9,+-]+)*)$")
_RRULE_PARTS = {"FREQ", "BYDAY", "BYMONTHDAY", "BYSETPOS", "INTERVAL", "WKST", "BYMONTH"}


def _parse_rrule(value: str) -> ActivityDay:
    m = _RRULE_TEXT.match(value.upper().replace(" ", ""))
    if not m:
        raise ValueError
    body = m.group(1)
    keys = {part.split("=", 1)[0] for part in body.split(";")}
    if not keys <= _RRULE_PARTS or not keys & {"BYDAY", "BYMONTHDAY"}:
        raise ValueError
    try:
        rule = du_rrule.rrulestr(body, dtstart=dt.datetime(2024, 1, 1))
        if not isinstance(rule, du_rrule.rrule) or rule.after(dt.datetime(2024, 1, 1), inc=True) is None:
            raise ValueError
        days = rule.between(dt.datetime(2024, 1, 1), dt.datetime(2026, 1, 1), inc=True)
        months = [(d.year, d.month) for d in days]
        if len(months) < 4 or len(set(months)) != len(months):
            raise ValueError  # never (BYMONTHDAY=31;BYMONTH=2), seldom, or more than one day a month
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValueError from exc
    return ActivityDay(text=value, rrule=body)


def parse_activity_day(text: str) -> ActivityDay:
    """Parse ``每月第一个星期五``, ``每月最后一个周三``, ``每月15日`` or a monthly RFC 5545 rule.

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
    if value.upper().startswith(("FREQ=", "RRULE:")) and len(value) <= 200:
        try:
            return _parse_rrule(value)
        except ValueError:
            pass
    raise ValueError(
        _(
            "{text!r} is not a monthly day such as '每月第一个星期五', '每月最后一个周三', '每月15日' "
            "or 'FREQ=MONTHLY;BYDAY=1FR'"
        ).format(text=text)
    )


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
            problems.append(
                ("timezone", _("{value!r} is not a known time zone (e.g. 'Asia/Shanghai')").format(value=tz))
            )
    evening = options.get("evening", False)
    if not isinstance(evening, bool):
        problems.append(("evening", _("must be true or false, not {value!r}").format(value=evening)))
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
            problems.append(
                ("meeting_time", _("{value!r} is not a time of day as 'HH:MM' (e.g. '14:30')").format(value=t))
            )
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
            problems.append(
                (
                    key,
                    _("{value!r} is not a whole number between {low} and {high}").format(
                        value=value, low=low, high=high
                    ),
                )
            )
    location = options.get("location")
    if location is not None:
        if isinstance(location, str):
            fields["location"] = location.strip()
        else:
            problems.append(("location", _("must be a string, not {value!r}").format(value=location)))
    allow = options.get("allow_weekends", False)
    if not isinstance(allow, bool):
        problems.append(("allow_weekends", _("must be true or false, not {value!r}").format(value=allow)))
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
            problems.append(
                (
                    "weekdays",
                    _("{value!r} is not a non-empty list of ISO weekdays 1 (Monday) to 7").format(value=weekdays),
                )
            )
    day = options.get("activity_day")
    if day is not None:
        if not isinstance(day, str):
            problems.append(
                ("activity_day", _("must be a string such as '每月第一个星期五', not {value!r}").format(value=day))
            )
        else:
            try:
                fields["activity_day"] = parse_activity_day(day)
            except ValueError as exc:
                problems.append(("activity_day", str(exc)))
    return MeetingOptions(**fields), problems
