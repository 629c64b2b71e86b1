"""A year a branch secretary recognises, on the example county and on a county written for the tests.

Each test reads one clause of 德组通〔2016〕18号 (or of the 支部工作条例) and asserts what the plan does with
it: the day, the room and the people in it. ``tests/data/good/anxi-county.toml`` is not the example: a town
(qingxi) with nine villages and two communities, four leaders linked to their own 机关党支部 and to two
villages each, a 党总支 (wjj) over two branches, a 党组 (zrzyj) whose leaders name their 所在支部, an evening
village (xikeng) under a county ``meeting_time``, and fixed days written five ways.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pytest

from lianxue_core import PluginHost, example_path, load
from lianxue_core.app import plan_year
from lianxue_core.model import OrganizationTree
from lianxue_core.obligations import Obligation
from lianxue_core.orgoptions import meeting_options
from lianxue_core.scheduling import Occurrence, Plan, make_plan
from lianxue_core.scheduling.render import render_plan_markdown
from lianxue_core.testing import TreeBuilder
from lianxue_core.workdays import official_calendar
from test_tracks import builtin_host

YEAR = 2026
ANXI = Path(__file__).parent / "data" / "good" / "anxi-county.toml"


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return builtin_host()


def _plan(path: Path, host: PluginHost) -> tuple[OrganizationTree, Plan, dict[str, tuple[Obligation, ...]]]:
    tree = load(path, tracks=host.tracks())
    obligations = {org.id: host.obligations_for(org, tree, YEAR) for org in tree}
    return tree, make_plan(tree, obligations, YEAR, host.workdays(YEAR)), obligations


@pytest.fixture(scope="module")
def anxi(host: PluginHost) -> tuple[OrganizationTree, Plan, dict[str, tuple[Obligation, ...]]]:
    return _plan(ANXI, host)


@pytest.fixture(scope="module")
def deqing(host: PluginHost) -> tuple[OrganizationTree, Plan, dict[str, tuple[Obligation, ...]]]:
    return _plan(example_path(), host)


def of(plan: Plan, org: str, obligation: str) -> list[Occurrence]:
    return [o for o in plan.occurrences if o.org == org and o.obligation == obligation]


def fixed_day_activities(plan: Plan, obligations: dict[str, tuple[Obligation, ...]]) -> list[Occurrence]:
    fixed = {(org, ob.id) for org, obs in obligations.items() for ob in obs if ob.fixed_day}
    return [o for o in plan.occurrences if (o.org, o.obligation) in fixed and not o.slot and not o.at]


def expected_fixed_day(tree: OrganizationTree, org_id: str, month: int) -> dt.date | None:
    """The rule's day, or the next working day of the month when the organization does not meet then."""
    opts, _ = meeting_options(tree[org_id].options)
    if opts.activity_day is None:
        return None
    day = opts.activity_day.in_month(YEAR, month)
    assert day is not None
    cal = official_calendar(YEAR)
    assert cal is not None

    def meets(d: dt.date) -> bool:
        if cal.is_holiday(d):
            return False
        if d in cal.workdays or (d.isoweekday() <= 5 and d.isoweekday() in opts.weekdays):
            return True
        return d.isoweekday() >= 6 and (opts.allow_weekends or (d == day and opts.activity_day.names_weekend))

    while not meets(day):
        day += dt.timedelta(days=1)
    return day


def busy_overlaps(plan: Plan) -> list[str]:
    """Every pair of timed activities one person is in at the same time."""
    busy: dict[str, list[Occurrence]] = {}
    for o in plan.occurrences:
        if o.all_day or (o.at and not o.at_org):
            continue
        for p in o.people:
            busy.setdefault(p, []).append(o)
    out = []
    for person, items in busy.items():
        items.sort(key=lambda o: o.start)
        for a, b in itertools.pairwise(items):
            assert isinstance(a.end, dt.datetime)
            assert isinstance(b.start, dt.datetime)
            if b.start < a.end:
                out.append(f"{person}: {a.key} and {b.key}")
    return out


# -- fixed days: 党员固定活动日 ----------------------------------------------------------------------------


@pytest.mark.parametrize("county", ["anxi", "deqing"])
def test_every_fixed_day_activity_is_on_the_rule_or_the_next_working_day(
    county: str, request: pytest.FixtureRequest
) -> None:
    tree, plan, obligations = request.getfixturevalue(county)
    activities = fixed_day_activities(plan, obligations)
    ruled = [o for o in activities if expected_fixed_day(tree, o.org, o.first_day.month) is not None]
    assert len(ruled) > 100
    wrong = [
        (o.org, o.obligation, o.first_day, o.note)
        for o in ruled
        if o.first_day != expected_fixed_day(tree, o.org, o.first_day.month)
    ]
    assert wrong == []
    moved = [o for o in ruled if "原定" in o.note]
    assert moved, "some fixed days fall on holidays in 2026"
    assert all("顺延" in o.note for o in moved)


def test_a_first_friday_branch_moves_past_national_day(
    deqing: tuple[OrganizationTree, Plan, dict[str, tuple[Obligation, ...]]],
) -> None:
    _, plan, _ = deqing
    days = {o.first_day: o.note for o in of(plan, "wukang-jiguan", "town.monthly-seminar")}
    assert dt.date(2026, 2, 6) in days  # 每月第一个星期五
    assert dt.date(2026, 3, 6) in days
    assert days[dt.date(2026, 10, 8)] == "原定每月第一个星期五（10月2日），逢国庆节顺延至10月8日"
    assert days[dt.date(2026, 5, 6)].endswith("逢劳动节顺延至5月6日")
    assert len(days) == 12


def test_a_fixed_day_moved_to_a_swapped_working_sunday_says_so(
    deqing: tuple[OrganizationTree, Plan, dict[str, tuple[Obligation, ...]]],
) -> None:
    """2 January 2026 is 元旦's holiday and Sunday 4 January a 调休 working day: a branch secretary would not
    expect a Sunday meeting without being told why."""
    _, plan, _ = deqing
    (january,) = [o for o in of(plan, "jiaoyuju-1", "organs.fixed-day") if o.first_day.month == 1]
    assert january.first_day == dt.date(2026, 1, 4)
    assert january.note == "原定每月第一个星期五（1月2日），逢元旦顺延至1月4日（星期日，调休上班日）"
    # a weekday it moves to says nothing of the kind
    assert not [o for o in plan.occurrences if "调休上班日" in o.note and o.first_day.weekday() < 5]


def test_fixed_days_written_every_way(anxi: tuple[OrganizationTree, Plan, dict[str, tuple[Obligation, ...]]]) -> None:
    tree, plan, _ = anxi
    dongling = [o.first_day for o in of(plan, "dongling", "village.monthly-study")]  # 每月15日
    assert len(dongling) == 12
    assert dongling == [expected_fixed_day(tree, "dongling", m) for m in range(1, 13)]
    assert sum(1 for d in dongling if d.day == 15) >= 6
    xikeng = of(plan, "xikeng", "village.monthly-study")  # 每月最后一个周三, evening
    assert all(o.first_day.isoweekday() == 3 and (o.first_day + dt.timedelta(days=7)).month != o.first_day.month
               for o in xikeng)  # fmt: skip
    shangyang = of(plan, "shangyang", "village.monthly-study")  # 每月第一个星期六, allow_weekends
    # every month but the four whose first Saturday is a holiday (元旦, 清明, 劳动节, 国庆节)
    assert sum(1 for o in shangyang if o.first_day.isoweekday() == 6 and o.first_day.day <= 7) == 8


def test_an_evening_village_meets_in_the_evening_under_a_county_meeting_time(
    anxi: tuple[OrganizationTree, Plan, dict[str, tuple[Obligation, ...]]],
) -> None:
    tree, plan, _ = anxi
    assert tree.get("xikeng") is not None
    timed = [o for o in plan.for_org("xikeng") if isinstance(o.start, dt.datetime) and not o.slot]
    assert timed
    assert {o.start.time() for o in timed} == {dt.time(19, 0)}  # type: ignore[union-attr]
    other = [o for o in plan.for_org("dongling") if isinstance(o.start, dt.datetime) and not o.slot]
    assert {o.start.time() for o in other} == {dt.time(14, 30)}  # type: ignore[union-attr]


def test_villages_without_a_rule_get_their_own_days(
    anxi: tuple[OrganizationTree, Plan, dict[str, tuple[Obligation, ...]]],
) -> None:
    _, plan, _ = anxi
    unruled = ["xiayang", "shimen", "zhukeng", "xitou"]
    notes = {org: of(plan, org, "village.monthly-study")[3].note for org in unruled}  # April: no holiday move
    assert all(n.startswith("未设固定活动日（activity_day），按每月第") for n in notes.values()), notes
    assert len(set(notes.values())) == len(unruled)  # each its own day
    for org in unruled:  # and the same day of every month
        weekdays = {o.first_day.isoweekday() for o in of(plan, org, "village.monthly-study") if "原定" not in o.note}
        assert len(weekdays) == 1


@pytest.mark.parametrize("county", ["anxi", "deqing"])
def test_no_day_holds_most_of_a_towns_villages(county: str, request: pytest.FixtureRequest) -> None:
    tree, plan, obligations = request.getfixturevalue(county)
    grassroots = {o.id for o in tree if o.track in ("village", "community")}
    per_town: dict[tuple[str, int], Counter[dt.date]] = {}
    holders: dict[str, set[str]] = {}
    for o in fixed_day_activities(plan, obligations):
        # the days the planner chose (an organization's own rule is its own choice)
        # (a holiday moves everyone whose day it falls on to the same next working day: the rule says so)
        if o.org not in grassroots or not o.note.startswith("未设固定活动日") or "原定" in o.note:
            continue
        town = next(a.id for a in tree.ancestors(o.org) if a.track == "town")
        per_town.setdefault((town, o.first_day.month), Counter())[o.first_day] += 1
        holders.setdefault(town, set()).add(o.org)
    for (town, month), days in per_town.items():
        # 20 days to go round (第一个 to 第四个, Monday to Friday) before a day is used twice
        assert max(days.values()) <= 1 + len(holders[town]) // 20, (town, month, days.most_common(2))


def test_tiaoxiu_weekends_are_never_a_first_choice(
    deqing: tuple[OrganizationTree, Plan, dict[str, tuple[Obligation, ...]]],
) -> None:
    _, plan, _ = deqing
    on_sunday = [o for o in plan.occurrences if o.first_day == dt.date(2026, 1, 4) and o.shown]
    # only activities whose own day was a New Year holiday (moved to the next working day), and the
    # weekly study of a week whose only working day it is; no set-up duty, no flexible meeting
    for o in on_sunday:
        # (and a plan or system due before such an activity: the same day)
        before = ("town.weekly-study", "village.annual-plan", "community.annual-plan", "organs.fixed-day-system")
        assert "元旦" in o.note or o.obligation in before, o
    assert len(on_sunday) < 60


# -- one meeting per agenda -------------------------------------------------------------------------------


@pytest.mark.parametrize("county", ["anxi", "deqing"])
def test_the_village_review_is_one_meeting_with_its_steps_in_order(county: str, request: pytest.FixtureRequest) -> None:
    _, plan, obligations = request.getfixturevalue(county)
    branches = [org for org, obs in obligations.items() if any(o.id == "village.review-meeting" for o in obs)]
    assert branches
    for org in branches:
        (meeting,) = of(plan, org, "village.review-meeting")
        assert meeting.agenda == ("个人自评", "党员互评", "民主测评")
        assert {"branch.member-review", "branch.life-meeting", "village.review-self"} <= set(meeting.also_fulfils)
        for step in ("village.review-self", "village.review-peer", "village.review-poll"):
            assert of(plan, org, step) == []
        assert of(plan, org, "branch.member-review") == []  # never held again (in May or anywhere)
        assert of(plan, org, "branch.life-meeting") == []
        (decision,) = of(plan, org, "village.review-decision")
        assert decision.first_day > meeting.first_day
        talks = of(plan, org, "village.member-talks")
        assert all(t.first_day < decision.first_day for t in talks)


@pytest.mark.parametrize("county", ["anxi", "deqing"])
def test_a_two_new_branch_holds_one_life_meeting_then_its_rectification(
    county: str, request: pytest.FixtureRequest
) -> None:
    _, plan, obligations = request.getfixturevalue(county)
    branches = [org for org, obs in obligations.items() if any(o.id == "two-new.life-meeting" for o in obs)]
    assert branches
    for org in branches:
        meetings = [o for o in plan.for_org(org) if o.obligation == "two-new.life-meeting" or (
            "branch.life-meeting" in o.also_fulfils)]  # fmt: skip
        assert len(meetings) == 1
        (meeting,) = meetings
        assert meeting.obligation == "two-new.life-meeting"
        assert meeting.agenda == ("个人自评", "党员互评", "民主测评")
        assert of(plan, org, "branch.life-meeting") == []
        (fix,) = of(plan, org, "two-new.rectification")
        assert fix.first_day > meeting.first_day  # 会后
        (decision,) = of(plan, org, "two-new.review-decision")
        assert decision.first_day > meeting.first_day


# -- people in the right rooms ---------------------------------------------------------------------------


def test_unit_leaders_attend_their_own_branchs_life_meeting_as_members(
    anxi: tuple[OrganizationTree, Plan, dict[str, tuple[Obligation, ...]]],
) -> None:
    tree, plan, _ = anxi
    assert of(plan, "zrzyj", "organs.leaders-at-life-meeting") == []  # no separate leaders' meeting
    for leader in tree.leaders_of("zrzyj"):
        home = tree.home_branch_of(leader.id)
        assert home is not None
        (meeting,) = of(plan, home.id, "organs.life-meeting")
        assert leader.id in meeting.people
        assert any(
            c.obligation == "organs.leaders-at-life-meeting" and c.by == f"{home.id}:organs.life-meeting"
            for c in plan.combined
            if c.slot.startswith(leader.id)
        )


def test_town_leaders_are_in_their_branch_and_in_each_linked_village(
    anxi: tuple[OrganizationTree, Plan, dict[str, tuple[Obligation, ...]]],
) -> None:
    tree, plan, _ = anxi
    assert of(plan, "qingxi", "town.leaders-at-life-meeting") == []
    assert of(plan, "qingxi", "town.leaders-at-linked-life-meetings") == []
    for leader in tree.leaders_of("qingxi"):
        home = tree.home_branch_of(leader.id)
        assert home is not None
        assert home.track == "town"
        (own,) = of(plan, home.id, "town.life-meeting")
        assert leader.id in own.people
        villages = [link for link in leader.links if tree[link].track == "village"]
        assert len(villages) == 2
        rooms = [own]
        for v in villages:
            held = [o for o in plan.occurrences if o.obligation == "village.review-meeting" and leader.id in o.people]
            mine = [o for o in held if o.org == v or o.org in {d.id for d in tree.descendants(v)}]
            assert mine, (leader.id, v)
            rooms += mine
        starts = [r.start for r in rooms]
        assert len(set(starts)) == len(starts)  # staggered: never two rooms at once


def test_leaders_lecture_inside_a_linked_villages_fixed_day(
    anxi: tuple[OrganizationTree, Plan, dict[str, tuple[Obligation, ...]]],
) -> None:
    tree, plan, _ = anxi
    lectures = of(plan, "qingxi", "town.leader-lecture-links")
    assert len(lectures) == len(tree.leaders_of("qingxi"))  # one each (lecture_per_link = false)
    for lecture in lectures:
        leader = lecture.slot
        linked = [o for link in tree.member(leader).links for o in (tree[link], *tree.descendants(link))]
        assert lecture.at_org in {o.id for o in linked}
        (host,) = [o for o in plan.occurrences if o.org == lecture.at_org and o.start == lecture.start and not o.slot]
        assert leader in host.people
        assert any(tree.member(leader).name in step for step in host.agenda)
        assert "branch.party-lecture" in host.also_fulfils  # the village's 党课 of that quarter
    # the town's own table counts the leader at each lecture (the village's activity counts the leader too)
    md = render_plan_markdown(plan, tree, {})
    for lecture in lectures:
        (row,) = [line for line in md.splitlines() if f"| {lecture.title} |" in line]
        assert row.split(" | ")[3] == "1", row


def test_lecture_audiences_are_the_ones_the_clause_names(
    anxi: tuple[OrganizationTree, Plan, dict[str, tuple[Obligation, ...]]],
) -> None:
    tree, plan, _ = anxi
    # P1.1 为全体党员上一堂党课: the unit's members and its branches'
    (unit,) = of(plan, "zrzyj", "organs.secretary-lecture")
    expected = {m.id for o in ("zrzyj", "zrzyj-1", "zrzyj-2") for m in tree.members_of(o)}
    assert expected <= set(unit.people)
    # P2.3 为全体机关党员和所辖各领域党组织书记上一堂党课
    (town,) = of(plan, "qingxi", "town.secretary-lecture")
    jiguan = {m.id for o in ("qingxi", "qingxi-jg1", "qingxi-jg2") for m in tree.members_of(o)}
    secretaries = {
        s.id for o in tree.descendants("qingxi") if o.track != "town" and (s := tree.secretary_of(o.id)) is not None
    }
    assert jiguan <= set(town.people)
    assert secretaries <= set(town.people)
    assert len(secretaries) >= 12


# -- levels -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("county", "general"), [("anxi", "wjj"), ("deqing", "zuzhibu")])
def test_a_general_branch_leaves_per_branch_duties_to_its_branches(
    county: str, general: str, request: pytest.FixtureRequest
) -> None:
    tree, plan, _ = request.getfixturevalue(county)
    own = Counter(o.obligation for o in plan.for_org(general))
    for duty in ("organs.quarterly-meeting", "organs.fixed-day", "branch.theme-day", "branch.heart-talks",
                 "organs.life-meeting", "branch.party-congress"):  # fmt: skip
        assert own[duty] == 0, duty
        for branch in tree.children(general):
            assert of(plan, branch.id, duty) or any(
                c.org == branch.id and c.obligation == duty for c in plan.combined
            ), (branch.id, duty)
    assert own["branch.committee-meeting"] == 12  # the 总支委员会 is its own


# -- nothing silent --------------------------------------------------------------------------------------


@pytest.mark.parametrize("county", ["anxi", "deqing"])
def test_every_obligation_is_placed_combined_or_reported(county: str, request: pytest.FixtureRequest) -> None:
    _, plan, obligations = request.getfixturevalue(county)
    seen = {(o.org, o.obligation) for o in plan.occurrences}
    seen |= {(c.org, c.obligation) for c in plan.combined}
    seen |= {(u.org, u.obligation) for u in plan.unplaced}
    missing = [(org, ob.id) for org, obs in obligations.items() for ob in obs if ob.schedulable]
    assert [m for m in missing if m not in seen] == []
    assert all(u.reason for u in plan.unplaced)


def test_paired_households_for_each_cadre_or_a_reason(
    anxi: tuple[OrganizationTree, Plan, dict[str, tuple[Obligation, ...]]], host: PluginHost
) -> None:
    tree, plan, _ = anxi
    cadres = {m.id for o in ("qingxi", "qingxi-jg1", "qingxi-jg2") for m in tree.members_of(o) if "cadre" in m.roles}
    assert len(cadres) >= 4
    visits = of(plan, "qingxi", "town.paired-households")
    assert {o.slot for o in visits} == cadres
    # a town whose file lists no cadres is told so, instead of getting nothing
    b = TreeBuilder().org("town", "某镇党委", kind="committee", track="town")
    b.member("s", "书记", "town", roles=["secretary", "leader"])
    bare = b.build()
    result = make_plan(bare, {"town": host.obligations_for(bare["town"], bare, YEAR)}, YEAR, host.workdays(YEAR))
    (why,) = [u for u in result.unplaced if u.obligation == "town.paired-households"]
    assert "镇（街道）干部未在组织文件中列出" in why.reason


@pytest.mark.parametrize("county", ["anxi", "deqing"])
def test_nobody_is_in_two_rooms_at_once(county: str, request: pytest.FixtureRequest) -> None:
    _, plan, _ = request.getfixturevalue(county)
    assert busy_overlaps(plan) == []


# -- themes and the annual plan ---------------------------------------------------------------------------


def test_monthly_themes_reach_the_events_and_the_markdown_plan(host: PluginHost) -> None:
    themes = ["学党章", "学条例", "学讲话", "", "做合格党员"]
    b = TreeBuilder().org("v", "某村党支部", track="village", activity_day="每月第二个星期三", themes=themes)
    b.member("s", "书记", "v", roles=["secretary"])
    tree = b.build()
    plan = plan_year(tree, host, YEAR)
    monthly = of(plan, "v", "village.monthly-study")
    assert [o.theme for o in monthly[:6]] == [*themes, ""]
    (annual,) = of(plan, "v", "village.annual-plan")
    assert annual.first_day < monthly[0].first_day  # the plan before the first activity it governs
    md = render_plan_markdown(plan, tree, {})
    assert "本月主题：学党章" in md
    assert "本月主题：做合格党员" in md


def _ids(items: Iterable[Occurrence]) -> set[str]:
    return {o.key for o in items}


def test_an_activity_that_only_moves_keeps_its_key(host: PluginHost) -> None:
    """UIDs derive from the key (org, obligation, period, slot): changing the fixed day moves the events
    and subscribers' calendars update them in place."""
    b1 = TreeBuilder().org("v", "某村党支部", track="village", activity_day="每月10日")
    b2 = TreeBuilder().org("v", "某村党支部", track="village", activity_day="每月第三个星期四")
    first, second = (plan_year(b.build(), host, YEAR).for_org("v") for b in (b1, b2))
    assert _ids(first) == _ids(second)
    moved = {o.key: o.first_day for o in first} != {o.key: o.first_day for o in second}
    assert moved


@pytest.mark.parametrize("path", [example_path(), ANXI], ids=["deqing", "anxi"])
def test_the_counties_are_valid_with_the_built_in_plugins_alone(host: PluginHost, path: Path) -> None:
    """The README's main job runs on a machine without lianxue-devzone: the zones' options (开发区, its 专人)
    are plan 4's and valid without it."""
    tree = load(path, tracks=host.tracks(), options=host.option_schema())
    assert any(org.option("devzone") for org in tree)


def test_two_plugins_scheduling_one_clause_are_named(host: PluginHost) -> None:
    """A local plugin that schedules 附件3's monthly study again (instead of combining with it) gives each
    village two events a month: the plan warns, naming both plugins and the clause."""
    import types

    from lianxue_core import Obligation, hookimpl
    from lianxue_tracks import village
    from test_tracks import BUILTINS

    ours = next(o for o in village.CATALOGUE if o.id == "village.monthly-study")
    again = Obligation(
        id="local.monthly-study",
        track="village",
        title="本地月度学习",
        kind=ours.kind,
        cadence=ours.cadence,
        source=ours.source,
        applies_to=ours.applies_to,
    )
    plugin = types.ModuleType("local")
    plugin.lianxue_catalogue = hookimpl(lambda: [again])  # type: ignore[attr-defined]
    both = PluginHost(autoload=False, environ={}, plugins=[*BUILTINS.items(), ("local", plugin)])
    b = TreeBuilder().org("v", "某村党支部", track="village")
    b.member("s", "书记", "v", roles=["secretary"])
    plan = plan_year(b.build(), both, YEAR)
    (warning,) = [w for w in plan.warnings if "same clause" in w]
    assert "village.monthly-study" in warning
    assert "local.monthly-study" in warning
    assert "plugin local" in warning
    assert "plugin village" in warning
    assert ours.source.quote[:20] in warning
    # the built-in plugins alone never warn
    alone = plan_year(b.build(), host, YEAR)
    assert not [w for w in alone.warnings if "same clause" in w]
