"""The planner on small, specific cases: 调休, the Spring Festival week, windows, deadlines, the fixed
activity day, per-member talks, households, linked leaders, lecturers, combined activities and 2027."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from lianxue_core.model import OrganizationTree
from lianxue_core.obligations import ActivityKind, Audience, Cadence, CadenceKind, Obligation
from lianxue_core.orgoptions import parse_activity_day
from lianxue_core.scheduling import Occurrence, Plan, make_plan, periods
from lianxue_core.testing import TreeBuilder
from lianxue_core.workdays import load_overrides, official_calendar, provisional_calendar
from strategies_planning import Inputs, calendar_for, obligation, plan_problems

DATA = Path(__file__).parent / "data"


def plan(tree: OrganizationTree, obligations: dict[str, tuple[Obligation, ...]], year: int = 2026) -> Plan:
    result = make_plan(tree, obligations, year, calendar_for(year))
    assert plan_problems(Inputs(tree, obligations, year), result) == []
    return result


def one_branch(members: int = 0, **options: object) -> OrganizationTree:
    b = TreeBuilder().org("b", "测试党支部", members=members or None, **options)
    b.member("sec", "书记", "b", roles=["secretary"])
    return b.build()


def days(occurrences: tuple[Occurrence, ...]) -> list[dt.date]:
    return [o.first_day for o in occurrences]


# -- working days --------------------------------------------------------------------------------------


def test_the_2026_tiaoxiu_days_are_working_weekends() -> None:
    cal = official_calendar(2026)
    assert cal is not None
    tiaoxiu = sorted(cal.workdays)
    assert dt.date(2026, 1, 4) in tiaoxiu
    assert dt.date(2026, 2, 28) in tiaoxiu
    assert all(d.isoweekday() >= 6 for d in tiaoxiu)
    assert all(cal.is_workday(d) for d in tiaoxiu)


def test_a_weekday_only_branch_meets_on_a_tiaoxiu_sunday() -> None:
    """2026-W01 in 2026 is 1-4 January: 1-3 are holidays, Sunday the 4th is a 调休 working day."""
    tree = one_branch(weekdays=[1, 2, 3, 4, 5])
    result = plan(tree, {"b": (obligation("weekly", Cadence.weekly()),)})
    w01 = [o for o in result.occurrences if o.period == "2026-W01"]
    assert days(tuple(w01)) == [dt.date(2026, 1, 4)]


def test_a_weekday_only_branch_meets_on_a_tiaoxiu_saturday() -> None:
    tree = one_branch(weekdays=[1, 2, 3, 4, 5])
    only_0228 = obligation("feb28", Cadence.window((2, 28), before=0, after=0))
    result = plan(tree, {"b": (only_0228,)})
    assert days(result.occurrences) == [dt.date(2026, 2, 28)]
    assert result.occurrences[0].start == dt.datetime(2026, 2, 28, 14, 30, tzinfo=result.occurrences[0].start.tzinfo)


def test_an_ordinary_saturday_needs_allow_weekends() -> None:
    saturday = obligation("mar7", Cadence.window((3, 7), before=0, after=0))
    assert plan(one_branch(), {"b": (saturday,)}).occurrences == ()
    unplaced = plan(one_branch(), {"b": (saturday,)}).unplaced
    assert len(unplaced) == 1
    assert "allow_weekends" in unplaced[0].reason
    assert days(plan(one_branch(allow_weekends=True), {"b": (saturday,)}).occurrences) == [dt.date(2026, 3, 7)]


def test_the_spring_festival_week_is_reported_not_skipped() -> None:
    """2026-W08 (16-22 February) has no working day at all, even for a branch that meets at weekends."""
    for options in ({}, {"allow_weekends": True}):
        result = plan(one_branch(**options), {"b": (obligation("weekly", Cadence.weekly()),)})
        assert "2026-W08" not in {o.period for o in result.occurrences}
        (missing,) = [u for u in result.unplaced if u.period == "2026-W08"]
        assert missing.obligation == "t.weekly"
        assert "2026-W08" in missing.reason
        assert "没有工作日" in missing.reason
        assert len(result.occurrences) + len(result.unplaced) == len(periods(Cadence.weekly(), 2026))


# -- windows, deadlines, order ----------------------------------------------------------------------


def test_the_july_first_lecture_lands_in_its_window() -> None:
    lecture = obligation("july1", Cadence.window((7, 1), before=15, after=15), ActivityKind.LECTURE)
    result = plan(one_branch(), {"b": (lecture,)})
    (occ,) = result.occurrences
    assert dt.date(2026, 6, 16) <= occ.first_day <= dt.date(2026, 7, 16)
    assert occ.period == "2026"


@pytest.mark.parametrize("year", [2025, 2026])
def test_a_members_item_is_not_held_at_a_host_that_ends_after_its_period(year: int) -> None:
    """A quarterly duty of each member that combines with a deliverable due in a window across 1 July (all day,
    30 June to 26 July): a member's item of the second quarter is not held at it when it starts on 30 June,
    since it would last into July (found by hypothesis: the item took the host's days, 30 June to 25 July)."""
    deliverable = obligation("report", Cadence.window((7, 14), before=14, after=12), ActivityKind.DELIVERABLE)
    duty = obligation("duty", Cadence.per_member(CadenceKind.QUARTERLY), ActivityKind.DUTY, combines_with=("t.report",))
    tree = TreeBuilder().org("b", "测试党支部", allow_weekends=True).member("sec", "书记", "b", roles=["secretary"])
    result = plan(tree.member("m1", "党员", "b").build(), {"b": (deliverable, duty)}, year)  # plan_problems: none
    (report,) = [o for o in result.occurrences if o.obligation == "t.report"]
    assert report.last_day.month == 7
    for occ in result.occurrences:
        if occ.obligation == "t.duty" and occ.period.endswith("Q2"):
            assert occ.last_day <= dt.date(year, 6, 30), occ
            assert occ.at != "t.report"


def test_a_year_end_deadline_with_lead() -> None:
    review = obligation("review", Cadence.deadline((12, 31), lead=60), ActivityKind.REVIEW)
    (occ,) = plan(one_branch(), {"b": (review,)}).occurrences
    assert dt.date(2026, 11, 1) <= occ.first_day <= dt.date(2026, 12, 31)


def test_an_all_day_deadline_is_due_on_its_last_working_day() -> None:
    report = obligation("report", Cadence.deadline((1, 31)), ActivityKind.DELIVERABLE)
    (occ,) = plan(one_branch(), {"b": (report,)}).occurrences
    assert occ.all_day
    assert occ.start == occ.end == dt.date(2026, 1, 30)  # the 31st is a Saturday


def test_talks_come_before_the_review_meeting_and_near_it() -> None:
    talks = obligation("talks", Cadence.per_member(), ActivityKind.TALK, leads=Audience.COMMITTEE)
    meeting = obligation("review", Cadence.deadline((12, 31), lead=60), after=("t.talks",))
    tree = committee_branch(members=12)
    result = plan(tree, {"b": (talks, meeting)})
    (review,) = [o for o in result.occurrences if o.obligation == "t.review"]
    talk_days = [o.first_day for o in result.occurrences if o.obligation == "t.talks"]
    assert len(talk_days) == 12
    assert all(dt.date(2026, 11, 1) <= d < review.first_day for d in talk_days)


def test_a_set_up_step_before_a_year_end_meeting_is_not_held_to_march() -> None:
    """A once-only step that a year-end meeting follows is tied to that meeting, not to 31 March."""
    system = obligation("system", Cadence.once(), ActivityKind.STUDY)
    meeting = obligation("meeting", Cadence.deadline((12, 31), lead=30), after=("t.system",))
    result = plan(one_branch(), {"b": (system, meeting)})
    assert result.unplaced == ()
    first, second = result.occurrences
    assert (first.obligation, second.obligation) == ("t.system", "t.meeting")
    assert dt.date(2026, 12, 1) <= first.first_day < second.first_day


def test_a_once_item_is_due_by_the_end_of_march() -> None:
    (occ,) = plan(one_branch(), {"b": (obligation("plan", Cadence.once(), ActivityKind.DELIVERABLE),)}).occurrences
    # the first working day of 2026 is the 调休 Sunday 01-04: a 调休 weekend is never a first choice
    assert occ.first_day == dt.date(2026, 1, 5)


# -- the fixed activity day -------------------------------------------------------------------------


def test_the_fixed_activity_day_or_the_next_allowed_day() -> None:
    rule = parse_activity_day("每月第一个星期五")
    fixed = obligation("fixed-day", Cadence.monthly(), fixed_day=True)
    result = plan(one_branch(activity_day="每月第一个星期五"), {"b": (fixed,)})
    cal = calendar_for(2026)
    assert len(result.occurrences) == 12
    for occ in result.occurrences:
        day = rule.in_month(2026, occ.first_day.month)
        assert day is not None
        while not cal.is_workday(day):
            day += dt.timedelta(days=1)
        assert occ.first_day == day, occ.period
    assert result.occurrences[0].first_day == dt.date(2026, 1, 4)  # Friday 2 January is a holiday
    assert result.occurrences[9].first_day == dt.date(2026, 10, 8)  # Friday 2 October too


def test_the_fifteenth_of_every_month() -> None:
    fixed = obligation("fixed-day", Cadence.monthly(), fixed_day=True)
    result = plan(one_branch(activity_day="每月15日", allow_weekends=True), {"b": (fixed,)})
    expected = [dt.date(2026, m, 15) for m in range(1, 13)]
    expected[1] = dt.date(2026, 2, 24)  # 15-23 February are the Spring Festival holidays
    assert days(result.occurrences) == expected


def test_the_activity_day_is_only_used_by_obligations_that_ask_for_it() -> None:
    other = obligation("monthly", Cadence.monthly())
    result = plan(one_branch(activity_day="每月第一个星期五"), {"b": (other,)})
    assert not all(o.first_day.isoweekday() == 5 and o.first_day.day <= 7 for o in result.occurrences)


# -- per-member and per-household ---------------------------------------------------------------------


def committee_branch(members: int, committee: int = 3, listed: int | None = None) -> OrganizationTree:
    b = TreeBuilder().org("b", "测试党支部", members=members)
    roles = [["secretary"], ["deputy-secretary"], *[["committee"]] * (committee - 2)]
    for n in range(listed if listed is not None else members):
        b.member(f"m{n:02d}", f"党员{n}", "b", roles=roles[n] if n < committee else [])
    return b.build()


@pytest.mark.parametrize(("members", "committee"), [(20, 3), (7, 3), (31, 5), (4, 2)])
def test_talks_are_shared_among_the_committee_and_balanced(members: int, committee: int) -> None:
    talks = obligation("talks", Cadence.per_member(), ActivityKind.TALK, leads=Audience.COMMITTEE)
    result = plan(committee_branch(members, committee), {"b": (talks,)})
    assert len(result.occurrences) == members
    leaders = {f"m{n:02d}" for n in range(committee)}
    load = Counter(p for o in result.occurrences for p in o.people if p in leaders and p != o.slot)
    assert set(load) == leaders
    assert max(load.values()) - min(load.values()) <= 1
    for occ in result.occurrences:
        assert occ.slot in occ.people
        assert len(occ.people) == 2  # one leader, one member: nobody talks to themselves


def test_an_org_with_only_a_member_count_gets_numbered_slots() -> None:
    talks = obligation("talks", Cadence.per_member(), ActivityKind.TALK, leads=Audience.SECRETARY)
    tree = TreeBuilder().org("b", "测试党支部", members=12).build()
    result = plan(tree, {"b": (talks,)})
    assert [o.slot for o in result.occurrences if True] != []
    assert sorted(o.slot for o in result.occurrences) == [f"anon-{n:03d}" for n in range(1, 13)]
    assert {o.title for o in result.occurrences} == {f"测试talks：第{n}名党员" for n in range(1, 13)}
    assert all(o.people == () for o in result.occurrences)


def test_listed_members_then_anonymous_slots() -> None:
    talks = obligation("talks", Cadence.per_member(), ActivityKind.TALK, leads=Audience.COMMITTEE)
    result = plan(committee_branch(members=10, listed=4), {"b": (talks,)})
    slots = sorted(o.slot for o in result.occurrences)
    assert slots == [*(f"anon-{n:03d}" for n in range(5, 11)), "m00", "m01", "m02", "m03"]


def test_home_delivery_after_each_monthly_study_for_flagged_members() -> None:
    study = obligation("study", Cadence.monthly(), ActivityKind.STUDY)
    home = obligation(
        "home",
        Cadence.per_member(CadenceKind.MONTHLY),
        ActivityKind.VISIT,
        leads=Audience.COMMITTEE,
        attends=Audience.FLAGGED_MEMBERS,
        for_flags=("elderly",),
        after=("t.study",),
    )
    b = TreeBuilder().org("b", members=10)
    b.member("sec", "书记", "b", roles=["secretary"]).member("cm", "委员", "b", roles=["committee"])
    b.member("old1", "老党员1", "b", flags=["elderly"]).member("old2", "老党员2", "b", flags=["elderly"])
    result = plan(b.build(), {"b": (study, home)})
    studies = {o.period: o for o in result.occurrences if o.obligation == "t.study"}
    visits = [o for o in result.occurrences if o.obligation == "t.home"]
    assert len(visits) == 24
    for v in visits:
        assert v.first_day > studies[v.period].first_day


def test_household_visits_are_spread_at_the_weekly_load() -> None:
    visits = obligation(
        "households",
        Cadence.per_household(),
        ActivityKind.VISIT,
        leads=Audience.LEADERS,
        load_per_week=20,
    )
    b = TreeBuilder().org("town", "镇党委", kind="committee")
    b.org("v1", "东村", parent="town", households=200).org("v2", "西村", parent="town", households=150)
    b.member("l1", "镇长", "town", roles=["leader"], links=["v1", "v2"])
    b.member("l2", "副镇长", "town", roles=["leader"], links=["v2"])
    result = plan(b.build(), {"town": (visits,)})
    assert result.unplaced == ()
    by_visitor: dict[str, list[Occurrence]] = {}
    for occ in result.occurrences:
        (visitor,) = occ.people
        by_visitor.setdefault(visitor, []).append(occ)
    assert len(by_visitor["l1"]) == 10 + 8
    assert len(by_visitor["l2"]) == 8
    for items in by_visitor.values():
        weeks = [o.first_day.isocalendar()[:2] for o in items]
        assert len(set(weeks)) == len(weeks)  # at most one round (20 households) a week per visitor
        gaps = [
            (b.first_day - a.first_day).days
            for a, b in zip(
                sorted(items, key=lambda o: o.start), sorted(items, key=lambda o: o.start)[1:], strict=False
            )
        ]
        assert min(gaps) >= 7
        assert max(o.first_day for o in items) - min(o.first_day for o in items) > dt.timedelta(days=250)
    titles = sorted(o.title for o in by_visitor["l2"])
    assert "测试households：西村第141–150户" in titles


def test_too_many_households_for_the_year_are_reported() -> None:
    visits = obligation(
        "households",
        Cadence.per_household(),
        ActivityKind.VISIT,
        leads=Audience.LEADERS,
        load_per_week=5,
    )
    b = TreeBuilder().org("town", kind="committee").org("v", parent="town", households=400)
    b.member("l", "镇长", "town", roles=["leader"], links=["v"])
    result = plan(b.build(), {"town": (visits,)})
    assert result.occurrences == ()
    assert len(result.unplaced) == 80
    assert "超出全年" in result.unplaced[0].reason


# -- nobody double-booked -------------------------------------------------------------------------------


def test_a_linked_leader_attends_both_villages_on_different_dates() -> None:
    at_linked = obligation(
        "at-linked",
        Cadence.deadline((12, 31), lead=60),
        leads=Audience.LEADERS,
        attends=Audience.LEADERS,
        attend_links=True,
        combines_with=("t.life",),
    )
    life = obligation("life", Cadence.window((12, 1), before=0, after=1))  # two days only
    b = TreeBuilder().org("town", "镇党委", kind="committee")
    b.org("v1", "东村党支部", parent="town").org("v2", "西村党支部", parent="town")
    b.member("lead", "镇班子成员", "town", roles=["leader"], links=["v1", "v2"])
    b.member("s1", "东村书记", "v1", roles=["secretary"]).member("s2", "西村书记", "v2", roles=["secretary"])
    result = plan(b.build(), {"town": (at_linked,), "v1": (life,), "v2": (life,)})
    v1, v2 = (o for o in result.occurrences if o.obligation == "t.life")
    assert "lead" in v1.people
    assert "lead" in v2.people
    assert {v1.first_day, v2.first_day} == {dt.date(2026, 12, 1), dt.date(2026, 12, 2)}


def test_when_the_linked_leader_cannot_attend_both_the_plan_says_who() -> None:
    at_linked = obligation(
        "at-linked",
        Cadence.yearly(),
        leads=Audience.LEADERS,
        attends=Audience.LEADERS,
        attend_links=True,
        combines_with=("t.life",),
    )
    life = obligation("life", Cadence.window((12, 1), before=0, after=0))
    b = TreeBuilder().org("town", kind="committee").org("v1", parent="town").org("v2", parent="town")
    b.member("lead", "王镇长", "town", roles=["leader"], links=["v1", "v2"])
    result = plan(b.build(), {"town": (at_linked,), "v1": (life,), "v2": (life,)})
    missing, duty = sorted(result.unplaced, key=lambda u: u.org != "v2")
    assert missing.org == "v2"
    assert "王镇长" in missing.reason
    assert "冲突" in missing.reason
    # ... and the leader's duty to attend it is reported as not met, naming the village
    assert (duty.org, duty.obligation, duty.slot) == ("town", "t.at-linked", "lead/v2")
    assert "v2" in duty.reason or "党组织" in duty.reason


def lecturer_county(n: int) -> OrganizationTree:
    b = TreeBuilder().org("town", "镇党委", kind="committee")
    b.member("lect", "宣讲员", "town", roles=["cadre"])
    for i in range(n):
        b.org(f"v{i}", f"村{i}", parent="town", lecturer="lect")
        b.member(f"s{i}", f"书记{i}", f"v{i}", roles=["secretary"])
    return b.build()


def test_a_lecturer_serving_several_villages_is_never_double_booked_and_spread() -> None:
    lecture = obligation("july1", Cadence.window((7, 1), before=15, after=15), ActivityKind.LECTURE)
    tree = lecturer_county(8)
    result = plan(tree, {f"v{i}": (lecture,) for i in range(8)})
    assert len(result.occurrences) == 8
    assert all("lect" in o.people for o in result.occurrences)
    starts = [o.start for o in result.occurrences]
    assert len(set(starts)) == 8
    assert len({o.first_day for o in result.occurrences}) >= 5  # spread, not one day after another


def test_a_lecturer_with_more_villages_than_days_is_reported() -> None:
    lecture = obligation("lecture", Cadence.window((7, 1), before=0, after=1), ActivityKind.LECTURE)
    tree = lecturer_county(3)
    result = plan(tree, {f"v{i}": (lecture,) for i in range(3)})
    assert len(result.occurrences) == 2  # 1 and 2 July
    (missing,) = result.unplaced
    assert "宣讲员" in missing.reason


def test_an_organization_holds_one_activity_at_a_time() -> None:
    a = obligation("a", Cadence.window((3, 3), before=0, after=1), attends=Audience.COMMITTEE)
    b = obligation("b", Cadence.window((3, 3), before=0, after=1), attends=Audience.ORGANIZATION)
    c = obligation("c", Cadence.window((3, 3), before=0, after=1))
    result = plan(TreeBuilder().org("b", members=5).build(), {"b": (a, b, c)})
    assert sorted(o.first_day.day for o in result.occurrences) == [3, 4]
    assert len(result.unplaced) == 1


# -- combined activities -------------------------------------------------------------------------------


def test_one_meeting_fulfils_two_rules() -> None:
    congress = obligation("congress", Cadence.quarterly())
    meeting = obligation("meeting", Cadence.quarterly(), combines_with=("t.congress",))
    result = plan(one_branch(), {"b": (congress, meeting)})
    assert [o.obligation for o in result.occurrences] == ["t.meeting"] * 4
    assert all(o.also_fulfils == ("t.congress",) for o in result.occurrences)
    assert [(c.obligation, c.period, c.by) for c in result.combined] == [
        ("t.congress", f"2026-Q{q}", "t.meeting") for q in range(1, 5)
    ]
    assert result.to_json()["combined"][0] == {
        "org": "b",
        "obligation": "t.congress",
        "period": "2026-Q1",
        "slot": "",
        "by": "t.meeting",
    }


def test_per_member_reflections_are_held_at_the_study_they_combine_with() -> None:
    study = obligation("study", Cadence.monthly(), ActivityKind.STUDY)
    reflect = obligation(
        "reflect", Cadence.per_member(CadenceKind.MONTHLY), ActivityKind.STUDY, combines_with=("t.study",)
    )
    result = plan(committee_branch(members=5), {"b": (reflect, study)})
    studies = {o.period: o for o in result.occurrences if o.obligation == "t.study"}
    reflections = [o for o in result.occurrences if o.obligation == "t.reflect"]
    assert len(studies) == 12
    assert len(reflections) == 60
    assert result.combined == ()
    for r in reflections:
        assert (r.start, r.end) == (studies[r.period].start, studies[r.period].end)
        assert r.note == "结合测试study进行"


# -- provisional years ---------------------------------------------------------------------------------


def test_2027_is_provisional_with_one_warning() -> None:
    result = plan(one_branch(), {"b": (obligation("monthly", Cadence.monthly()),)}, year=2027)
    assert result.provisional
    assert all(o.provisional for o in result.occurrences)
    assert len(result.occurrences) == 12
    (warning,) = result.warnings
    assert "2027" in warning
    assert "--holidays" in warning
    assert result.to_json()["provisional"] is True


def test_an_override_file_makes_2027_official() -> None:
    overrides = load_overrides(DATA / "holidays-2027.toml")
    cal = overrides[2027]
    assert not cal.provisional
    assert dt.date(2027, 2, 20) in cal.workdays
    only_0220 = obligation("feb20", Cadence.window((2, 20), before=0, after=0))
    week = obligation("weekly", Cadence.weekly())
    tree = one_branch()
    result = make_plan(tree, {"b": (only_0220, week)}, 2027, cal)
    assert not result.provisional
    assert result.warnings == ()
    assert not any(o.provisional for o in result.occurrences)
    assert dt.date(2027, 2, 20) in days(result.occurrences)  # a 调休 Saturday from the file
    assert not any(cal.is_holiday(d) for d in days(result.occurrences))
    assert not any(d == dt.date(2027, 2, 10) for d in days(result.occurrences))  # a holiday in the file only
    provisional = make_plan(tree, {"b": (only_0220,)}, 2027, provisional_calendar(2027))
    assert provisional.occurrences == ()  # an ordinary Saturday without the file


def test_plan_year_uses_the_override_for_its_year(lianxue_host_factory: object) -> None:
    from lianxue_core import PluginHost
    from lianxue_core.app import plan_year

    host = PluginHost(autoload=False, environ={})
    tree = one_branch()
    overrides = load_overrides(DATA / "holidays-2027.toml")
    assert plan_year(tree, host, 2027).provisional
    assert not plan_year(tree, host, 2027, overrides=overrides).provisional
    assert not plan_year(tree, host, 2026, overrides=overrides).provisional


# -- determinism and the time of day ----------------------------------------------------------------


def test_evening_meetings_and_meeting_options() -> None:
    tree = one_branch(evening=True, meeting_minutes=60, location="村文化礼堂")
    (occ,) = plan(tree, {"b": (obligation("y", Cadence.yearly()),)}).occurrences
    assert isinstance(occ.start, dt.datetime)
    assert isinstance(occ.end, dt.datetime)
    assert (occ.start.hour, occ.start.minute) == (19, 0)
    assert occ.end - occ.start == dt.timedelta(minutes=60)
    assert occ.location == "村文化礼堂"
    assert occ.start.utcoffset() == dt.timedelta(hours=8)
    tree = one_branch(meeting_time="09:00")
    (occ,) = plan(tree, {"b": (obligation("y", Cadence.yearly()),)}).occurrences
    assert isinstance(occ.start, dt.datetime)
    assert occ.start.hour == 9


def test_people_in_two_time_zones_are_compared_in_real_time() -> None:
    """A 14:30 meeting in Urumqi is 16:30 in Shanghai: a shared person cannot be in both."""
    window = obligation("w", Cadence.window((3, 3), before=0, after=0), attends=Audience.LEADERS)
    b = TreeBuilder().org("sh", meeting_time="16:30").org("ur", timezone="Asia/Urumqi", meeting_time="14:30")
    b.member("p", "两地兼职", "sh", roles=["leader"], links=["ur"])
    ur_leaders = obligation("w", Cadence.window((3, 3), before=0, after=0), attends=Audience.LEADERS)
    b.member("q", "乌市书记", "ur", roles=["leader"])
    tree = b.build()
    at = obligation("at", Cadence.yearly(), attends=Audience.LEADERS, attend_links=True, combines_with=("t.w",))
    result = plan(tree, {"sh": (window, at), "ur": (ur_leaders,)})
    assert len([o for o in result.occurrences if o.obligation == "t.w"]) == 1
    clash, duty = sorted(result.unplaced, key=lambda u: u.obligation != "t.w")
    assert "两地兼职" in clash.reason
    assert (duty.org, duty.obligation, duty.slot) == ("sh", "t.at", "p/ur")
