"""An organization's meeting options: parsing, defaults, every problem listed, the fixed activity day."""

from __future__ import annotations

import datetime as dt

import pytest

from lianxue_core.orgoptions import ActivityDay, MeetingOptions, meeting_options, parse_activity_day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("每月第一个星期五", ActivityDay("每月第一个星期五", nth=1, weekday=5)),
        ("每月第2个周三", ActivityDay("每月第2个周三", nth=2, weekday=3)),
        ("每月第两个礼拜一", ActivityDay("每月第两个礼拜一", nth=2, weekday=1)),
        ("每月最后一个周日", ActivityDay("每月最后一个周日", nth=-1, weekday=7)),
        ("每月最后一个星期天", ActivityDay("每月最后一个星期天", nth=-1, weekday=7)),
        (" 每月15日 ", ActivityDay("每月15日", day=15)),
        ("每月1号", ActivityDay("每月1号", day=1)),
    ],
)
def test_parse_activity_day(text: str, expected: ActivityDay) -> None:
    assert parse_activity_day(text) == expected


@pytest.mark.parametrize("text", ["每月32日", "每月0日", "每周五", "每月第六个星期五", "first Friday", ""])
def test_bad_activity_days(text: str) -> None:
    with pytest.raises(ValueError, match="is not a monthly day"):
        parse_activity_day(text)


def test_activity_day_in_month() -> None:
    first_friday = parse_activity_day("每月第一个星期五")
    assert first_friday.in_month(2026, 1) == dt.date(2026, 1, 2)
    assert first_friday.in_month(2026, 5) == dt.date(2026, 5, 1)
    last_wednesday = parse_activity_day("每月最后一个星期三")
    assert last_wednesday.in_month(2026, 12) == dt.date(2026, 12, 30)
    assert parse_activity_day("每月第五个星期一").in_month(2026, 2) is None  # February 2026 has four
    assert parse_activity_day("每月第五个星期一").in_month(2026, 3) == dt.date(2026, 3, 30)
    assert parse_activity_day("每月31日").in_month(2026, 2) == dt.date(2026, 2, 28)
    assert parse_activity_day("每月31日").in_month(2028, 2) == dt.date(2028, 2, 29)


def test_defaults() -> None:
    opts, problems = meeting_options({})
    assert problems == []
    assert opts == MeetingOptions()
    assert opts.time == dt.time(14, 30)
    assert opts.weekdays == {1, 2, 3, 4, 5}
    assert str(opts.tz) == "Asia/Shanghai"


def test_every_option() -> None:
    opts, problems = meeting_options(
        {
            "timezone": "Asia/Urumqi",
            "meeting_time": "09:15",
            "meeting_minutes": 120,
            "location": " 村文化礼堂 ",
            "weekdays": [2, 4, 6],
            "allow_weekends": True,
            "activity_day": "每月15日",
            "talk_minutes": 20,
            "talks_per_day": 8,
            "lecturer": "m-0001",  # read by the planner itself
        }
    )
    assert problems == []
    assert opts.timezone == "Asia/Urumqi"
    assert opts.time == dt.time(9, 15)
    assert opts.minutes == 120
    assert opts.location == "村文化礼堂"
    assert opts.weekdays == {2, 4, 6}
    assert opts.allow_weekends
    assert opts.activity_day == ActivityDay("每月15日", day=15)
    assert (opts.talk_minutes, opts.talks_per_day) == (20, 8)


def test_evening_moves_the_default_time_but_not_an_explicit_one() -> None:
    assert meeting_options({"evening": True})[0].time == dt.time(19, 0)
    assert meeting_options({"evening": True, "meeting_time": "18:30"})[0].time == dt.time(18, 30)
    assert meeting_options({"meeting_time": dt.time(8, 5, 30)})[0].time == dt.time(8, 5)


def test_every_bad_value_is_listed_with_its_key() -> None:
    opts, problems = meeting_options(
        {
            "timezone": "Mars/Olympus",
            "evening": "yes",
            "meeting_time": "25:00",
            "meeting_minutes": 0,
            "talk_minutes": True,
            "talks_per_day": 100,
            "location": 3,
            "allow_weekends": 1,
            "weekdays": [0, 8],
            "activity_day": "每周五",
        }
    )
    assert [key for key, _ in problems] == [
        "timezone",
        "evening",
        "meeting_time",
        "meeting_minutes",
        "talk_minutes",
        "talks_per_day",
        "location",
        "allow_weekends",
        "weekdays",
        "activity_day",
    ]
    assert opts == MeetingOptions()  # every bad value falls back to its default
    assert all(message and "\n" not in message for _, message in problems)


@pytest.mark.parametrize("weekdays", [[], "1-5", [1, True], None])
def test_bad_weekdays(weekdays: object) -> None:
    _, problems = meeting_options({"weekdays": weekdays} if weekdays is not None else {"weekdays": [1.5]})
    assert [k for k, _ in problems] == ["weekdays"]


def test_activity_day_must_be_text() -> None:
    _, problems = meeting_options({"activity_day": 15})
    assert problems == [("activity_day", "must be a string such as '每月第一个星期五', not 15")]


@pytest.mark.parametrize(
    ("text", "days_2026"),
    [("FREQ=MONTHLY;BYDAY=1FR", 12), ("RRULE:FREQ=MONTHLY;BYSETPOS=-1;BYDAY=FR", 12), ("FREQ=MONTHLY;BYDAY=5MO", 4)],
)
def test_rfc5545_rules_are_monthly_days(text: str, days_2026: int) -> None:
    day = parse_activity_day(text)
    assert len(day.days(2026)) == days_2026
    assert len({d.month for d in day.days(2026)}) == days_2026  # never two in one month


@pytest.mark.parametrize(
    "text",
    ["FREQ=WEEKLY;BYDAY=FR", "FREQ=MONTHLY;BYDAY=FR", "FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2", "FREQ=MONTHLY;COUNT=3"],
)
def test_rules_that_are_not_one_day_a_month_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a monthly day"):
        parse_activity_day(text)
