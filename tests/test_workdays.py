"""Working days: statutory holidays from the rules, the official calendar, provisional years, override files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import chinese_calendar
import pytest

from lianxue_core.errors import InputError
from lianxue_core.workdays import (
    WorkdayCalendar,
    load_overrides,
    official_calendar,
    provisional_calendar,
    statutory_holidays,
)

DATA = Path(__file__).parent / "data"
D = dt.date

NAMES = {
    "元旦": "New Year's Day",
    "春节": "Spring Festival",
    "清明节": "Tomb-sweeping Day",
    "劳动节": "Labour Day",
    "端午节": "Dragon Boat Festival",
    "中秋节": "Mid-autumn Festival",
    "国庆节": "National Day",
}


def test_the_2027_statutory_holidays_from_the_rules() -> None:
    assert statutory_holidays(2027) == {
        D(2027, 1, 1): "元旦",
        D(2027, 2, 5): "春节",  # 除夕
        D(2027, 2, 6): "春节",  # 正月初一
        D(2027, 2, 7): "春节",
        D(2027, 2, 8): "春节",
        D(2027, 4, 5): "清明节",
        D(2027, 5, 1): "劳动节",
        D(2027, 5, 2): "劳动节",
        D(2027, 6, 9): "端午节",
        D(2027, 9, 15): "中秋节",
        D(2027, 10, 1): "国庆节",
        D(2027, 10, 2): "国庆节",
        D(2027, 10, 3): "国庆节",
    }


@pytest.mark.parametrize("year", range(2008, 2027))
def test_every_computed_statutory_day_is_an_official_holiday(year: int) -> None:
    """Against chinese_calendar's official data: each rule-computed day is a holiday of that name.

    The rules follow the revision in force: 除夕 and 2 May are statutory from 2025; from 2014 to 2024
    春节 is 初一 to 初三 and 劳动节 1 May; from 2008 to 2013 春节 is 除夕 to 初二.
    """
    computed = statutory_holidays(year)
    # 13 days from 2025, 11 before; one fewer when two festivals fall on one day (1 October 2020).
    assert sum(len(n.split("、")) for n in computed.values()) == (13 if year >= 2025 else 11)
    for day, name in computed.items():
        is_holiday, detail = chinese_calendar.get_holiday_detail(day)
        assert is_holiday, (day, name)
        # chinese_calendar leaves some weekend holidays unnamed (端午 on Saturday 23 June 2012).
        names = {NAMES[n] for n in name.split("、")}  # 国庆节、中秋节 when both fall on one day
        assert detail in names or (detail is None and day.isoweekday() >= 6), (day, name, detail)


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_official_calendar_holds_the_statutory_days_and_tiaoxiu(year: int) -> None:
    cal = official_calendar(year)
    assert cal is not None
    assert not cal.provisional
    assert cal.year == year
    assert set(statutory_holidays(year)) <= cal.holidays
    assert all(d.year == year for d in cal.holidays | cal.workdays)
    assert all(d.isoweekday() >= 6 for d in cal.workdays)
    assert "chinese_calendar" in cal.source


def test_2026_in_detail() -> None:
    cal = official_calendar(2026)
    assert cal is not None
    assert cal.workdays == {
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    }
    week8 = [D(2026, 2, 16) + dt.timedelta(days=n) for n in range(7)]
    assert not any(cal.is_workday(d) for d in week8)  # the Spring Festival week has no working day
    assert cal.is_workday(D(2026, 2, 28))
    assert not cal.is_workday(D(2026, 3, 7))
    assert cal.is_holiday(D(2026, 10, 1))


def test_2027_has_no_official_arrangement_yet() -> None:
    assert official_calendar(2027) is None
    cal = provisional_calendar(2027)
    assert cal.provisional
    assert cal.holidays == frozenset(statutory_holidays(2027))
    assert cal.workdays == frozenset()
    assert "暂定" in cal.source
    assert not cal.is_workday(D(2027, 2, 8))
    assert cal.is_workday(D(2027, 2, 9))


def test_is_workday() -> None:
    cal = WorkdayCalendar(2030, holidays=frozenset({D(2030, 1, 1)}), workdays=frozenset({D(2030, 1, 5)}))
    assert not cal.is_workday(D(2030, 1, 1))  # a Tuesday holiday
    assert cal.is_workday(D(2030, 1, 2))
    assert cal.is_workday(D(2030, 1, 5))  # a 调休 Saturday
    assert not cal.is_workday(D(2030, 1, 6))


# -- the override file ---------------------------------------------------------------------------------


def test_the_override_file() -> None:
    (cal,) = load_overrides(DATA / "holidays-2027.toml").values()
    assert cal.year == 2027
    assert not cal.provisional
    assert cal.source == "测试用：假定的2027年节假日安排"
    assert D(2027, 2, 5) in cal.holidays
    assert D(2027, 2, 13) in cal.holidays
    assert len(cal.holidays) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert cal.workdays == {D(2027, 2, 20), D(2027, 5, 8), D(2027, 10, 9)}
    assert set(statutory_holidays(2027)) <= cal.holidays


def test_several_years_and_a_default_source(tmp_path: Path) -> None:
    path = tmp_path / "h.toml"
    path.write_text("[[year]]\nyear = 2027\nholidays = [2027-01-01]\n[[year]]\nyear = 2028\n", encoding="utf-8")
    out = load_overrides(path)
    assert sorted(out) == [2027, 2028]
    assert out[2027].source == f"override file {path}"
    assert out[2028].holidays == frozenset()


BAD = """\
title = "2027"
[[year]]
year = 2027
holidays = ["2027-02-05..2027-02-08", "2027-02-05..2027-02-01", "2027-13-01", 5, "2028-01-01"]
workdays = ["2027-02-09", "2027-02-20", "2027-02-05"]
source = 7
month = 2
[[year]]
year = 2027
[[year]]
year = "2028"
holidays = "2028-01-01"
[[year]]
holidays = []
"""


def test_every_problem_of_a_bad_override_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_overrides(path)
    lines = [str(p) for p in info.value.problems]
    f = str(path)
    assert lines == [
        f"{f}: key 'title': unknown top-level key; expected [[year]] tables",
        f"{f}: year 2027: key 'month': unknown key; expected one of year, holidays, workdays, source",
        f"{f}: year 2027: key 'holidays': range '2027-02-05..2027-02-01' ends before it starts",
        f"{f}: year 2027: key 'holidays': '2027-13-01' is not a date (YYYY-MM-DD) or range (A..B)",
        f"{f}: year 2027: key 'holidays': 5 is not a date (YYYY-MM-DD) or range (A..B)",
        f"{f}: year 2027: key 'holidays': 2028-01-01 is not in 2027",
        f"{f}: year 2027: key 'workdays': 2027-02-05 is both a holiday and a working day",
        f"{f}: year 2027: key 'workdays': 2027-02-05 is a weekday; list only weekend days worked (调休)",
        f"{f}: year 2027: key 'workdays': 2027-02-09 is a weekday; list only weekend days worked (调休)",
        f"{f}: year 2027: key 'source': must be a string, not 7",
        f"{f}: year 2027: key 'year': is given twice",
        f"{f}: year #3: key 'year': '2028' is not a year between 1900 and 2100",
        f"{f}: year #3: key 'holidays': must be a list of dates or 'YYYY-MM-DD..YYYY-MM-DD' ranges",
        f"{f}: year #4: key 'year': is required",
    ]
    assert all("\n" not in line for line in lines)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[[year]\n", "TOML syntax error"),
        (b"\xff\xfe[[year]]", "not UTF-8 text"),
        (b"# nothing\n", "the file defines no years"),
        (b"year = 2027\n", "must be an array of tables"),
    ],
)
def test_unreadable_override_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "h.toml"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        load_overrides(path)
    (problem,) = info.value.problems
    assert message in problem.message
    assert problem.file == str(path)


def test_a_missing_override_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the file"):
        load_overrides(tmp_path / "missing.toml")


def test_a_past_year_lianxue_does_not_hold_is_not_called_unpublished() -> None:
    """1999 is not "尚未正式公布": its arrangement was published, lianxue just does not have it."""
    from lianxue_core.scheduling import make_plan
    from lianxue_core.testing import TreeBuilder
    from lianxue_core.workdays import FIRST_OFFICIAL_YEAR, provisional_calendar

    tree = TreeBuilder().org("b").build()
    old = make_plan(tree, {"b": ()}, 1999, provisional_calendar(1999))
    assert old.provisional
    said = f"no official holiday and 调休 arrangement for 1999 (its data begin in {FIRST_OFFICIAL_YEAR})"
    assert said in old.warnings[0]
    assert "not been officially published" not in old.warnings[0]
    assert "未收录" in provisional_calendar(1999).source
    future = make_plan(tree, {"b": ()}, 2099, provisional_calendar(2099))
    assert "2099 has not been officially published yet" in future.warnings[0]
    assert "provisional" in future.warnings[0]
    # Chinese by default (the warning is the terminal's, in its language)
    from lianxue_core import i18n

    i18n.setup("zh_CN")
    try:
        chinese = make_plan(tree, {"b": ()}, 2099, provisional_calendar(2099))
        past = make_plan(tree, {"b": ()}, 1999, provisional_calendar(1999))
    finally:
        i18n.setup("en")
    assert "2099年的节假日和调休安排尚未正式公布：计划按法定节假日推算，为暂定" in chinese.warnings[0]
    assert f"lianxue 没有1999年的官方节假日和调休安排（内置数据自{FIRST_OFFICIAL_YEAR}年起）" in past.warnings[0]
