"""The compliance checks on a small tree of our own obligations: every status, exactly."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from lianxue_core import (
    ActivityKind,
    Audience,
    Cadence,
    CadenceKind,
    Finding,
    FindingStatus,
    Obligation,
    Record,
    Source,
    i18n,
)
from lianxue_core.plugins import PluginHost, hookimpl
from lianxue_core.scheduling import make_plan
from lianxue_core.supervision.checks import check, requirements
from lianxue_core.supervision.points import DefaultPointsRules, score
from lianxue_core.supervision.report import build_report, render_table
from lianxue_core.supervision.report_json import report_to_json
from lianxue_core.testing import TreeBuilder

YEAR = 2026
SOURCE = Source(document="测试文件", section="一、测试", quote="测试条款。")
S, F = FindingStatus, Finding


def ob(id: str, kind: ActivityKind, cadence: Cadence, **kw: object) -> Obligation:
    return Obligation(id=id, track="t", title=id.split(".")[1], kind=kind, cadence=cadence, source=SOURCE, **kw)  # type: ignore[arg-type]


OBLIGATIONS = (
    ob("t.seminar", ActivityKind.STUDY, Cadence.monthly(), record_requires=("topic", "comment")),
    ob("t.talks", ActivityKind.TALK, Cadence.per_member(), leads=Audience.COMMITTEE),
    ob(
        "t.home",
        ActivityKind.VISIT,
        Cadence.per_member(CadenceKind.MONTHLY),
        for_flags=("elderly",),
        leads=Audience.COMMITTEE,
        attends=Audience.FLAGGED_MEMBERS,
    ),
    ob("t.july1", ActivityKind.LECTURE, Cadence.window((7, 1), before=15, after=15)),
    ob("t.step-a", ActivityKind.REVIEW, Cadence.deadline(lead=60)),
    ob("t.step-b", ActivityKind.REVIEW, Cadence.deadline(lead=60), after=("t.step-a",)),
    ob(
        "t.life",
        ActivityKind.MEETING,
        Cadence.deadline(lead=60),
        leads=Audience.LEADERS,
        attends=Audience.LEADERS,
        record_attendance=True,
    ),
)

TREE = (
    TreeBuilder()
    .org("b1", "第一党支部", track="t")
    .member("m1", "张书记", "b1", roles=["secretary"])
    .member("m2", "李委员", "b1", roles=["committee", "leader"])
    .member("m3", "王党员", "b1")
    .member("m4", "赵老党员", "b1", flags=["elderly"])
    .build()
)


@pytest.fixture(scope="module")
def plan():  # type: ignore[no-untyped-def]
    calendar = PluginHost(autoload=False, environ={}).workdays(YEAR)
    return make_plan(TREE, {"b1": OBLIGATIONS}, YEAR, calendar)


def rec(obligation: str, day: str, **kw: object) -> Record:
    return Record(org="b1", obligation=obligation, date=dt.date.fromisoformat(day), **kw)  # type: ignore[arg-type]


def good_seminar(month: int, day: int = 10) -> Record:
    return rec("t.seminar", f"2026-{month:02d}-{day:02d}", topic="学党章", comment="点评", attendees=("m1", "m3"))


def outcome(findings: tuple[Finding, ...]) -> set[tuple[str, str, FindingStatus, tuple[str, ...]]]:
    return {(f.obligation, f.period, f.status, f.members) for f in findings}


def test_mid_year_statuses(plan) -> None:  # type: ignore[no-untyped-def]
    records = [
        good_seminar(1),
        rec("t.seminar", "2026-02-10", topic="学党章", attendees=("m1",)),  # no comment
        # March: nothing
        rec("t.seminar", "2026-05-03", period="2026-04", topic="讲话", comment="好"),  # April's, held late
        good_seminar(5),
        good_seminar(6),
        # July (running on 07-10): nothing yet -> due
        rec("t.talks", "2026-03-01", members=("m3",), attendees=("m1",)),
        *[rec("t.home", f"2026-{m:02d}-20", members=("m4",)) for m in range(1, 6)],  # June missed
        rec("t.july1", "2026-06-10", lecturer="m1"),  # before the window opens (06-16)
    ]
    result = check(TREE, plan, {"b1": OBLIGATIONS}, records, dt.date(2026, 7, 10))
    assert outcome(result.findings) == {
        ("t.seminar", "2026-02", S.INCOMPLETE, ()),
        ("t.seminar", "2026-03", S.MISSING, ()),
        ("t.seminar", "2026-04", S.LATE, ()),
        ("t.seminar", "2026-07", S.DUE, ()),
        ("t.talks", "2026", S.DUE, ("m1", "m2", "m4")),
        ("t.home", "2026-06", S.MISSING, ("m4",)),
        ("t.home", "2026-07", S.DUE, ("m4",)),
        ("t.july1", "2026", S.OUTSIDE_WINDOW, ()),
    }
    detail = {f.period: f.detail for f in result.findings if f.obligation == "t.seminar"}
    assert "2026-02-10 lacks secretary's comment" in detail["2026-02"]
    assert "held only on 2026-05-03" in detail["2026-04"]
    talks = next(f for f in result.findings if f.obligation == "t.talks")
    assert "1/4 members covered" in talks.detail
    # August and later had not started: not checked, only counted.
    assert result.not_started > 0
    assert {u.period for u in result.units if u.obligation == "t.seminar"} == {f"2026-{m:02d}" for m in range(1, 8)}
    assert sorted(f.status for f in result.problems()) == sorted(
        [S.INCOMPLETE, S.MISSING, S.LATE, S.MISSING, S.OUTSIDE_WINDOW]
    )


def test_details_and_points_in_chinese(plan) -> None:  # type: ignore[no-untyped-def]
    """What the check says and the points' reasons, in Chinese (the default language; the suite runs in English)."""
    records = [
        rec("t.seminar", "2026-02-10", topic="学党章", attendees=("m1",)),  # no comment
        rec("t.seminar", "2026-05-03", period="2026-04", topic="讲话", comment="好"),  # April's, held late
        rec("t.talks", "2026-03-01", members=("m3",), attendees=("m1",)),
        rec("t.july1", "2026-07-01", lecturer="m2", attendees=("m1",)),
    ]
    i18n.setup("zh_CN")  # the autouse fixture sets English again afterwards
    result = check(TREE, plan, {"b1": OBLIGATIONS}, records, dt.date(2026, 7, 10))
    detail = {(f.obligation, f.period): f.detail for f in result.findings}
    assert detail[("t.seminar", "2026-02")].startswith("2026-02-10缺书记点评（依据：")
    assert detail[("t.seminar", "2026-03")] == "应于2026-03-01至2026-03-31开展，未见记录"
    assert detail[("t.seminar", "2026-04")] == "应于2026-04-01至2026-04-30开展，2026-05-03才开展"
    assert detail[("t.talks", "2026")].startswith("进行中：已覆盖1/4名党员，尚未覆盖：")
    assert FindingStatus.LATE.label == "逾期开展"
    rules = DefaultPointsRules()
    assert rules.name == "lianxue 默认积分规则"
    points = score(records, TREE, {o.id: o for o in OBLIGATIONS}, lambda org: rules)
    items = {p.member: p.items for p in points}
    assert items["m2"] == {"讲授july1": 3.0}
    assert items["m1"]["谈心谈话"] == items["m1"]["参加july1"] == 1.0


def test_year_end_order_coverage_and_attendance(plan) -> None:  # type: ignore[no-untyped-def]
    records = [
        *[good_seminar(m) for m in range(1, 13)],
        rec("t.talks", "2026-11-02", members=("m1", "m2", "m3"), attendees=("m2",)),  # m4 not talked with
        *[rec("t.home", f"2026-{m:02d}-20", members=("m4",)) for m in range(1, 13)],
        rec("t.july1", "2026-07-01", lecturer="m1"),
        rec("t.step-a", "2026-12-10"),
        rec("t.step-b", "2026-12-01"),  # before the step it follows
        rec("t.life", "2026-12-20", attendees=("m1", "m3")),  # m2 (班子成员) absent
    ]
    result = check(TREE, plan, {"b1": OBLIGATIONS}, records, dt.date(2027, 1, 5))
    assert outcome(result.findings) == {
        ("t.talks", "2026", S.NOT_COVERED, ("m4",)),
        ("t.step-b", "2026", S.OUT_OF_ORDER, ()),
        ("t.life", "2026", S.ABSENT, ("m2",)),
    }
    assert all(u.status is S.HELD for u in result.units)
    order = next(f for f in result.findings if f.status is S.OUT_OF_ORDER)
    assert "is before the step it follows, step-a (2026-12-10)" in order.detail


def test_attendance_without_names_is_incomplete(plan) -> None:  # type: ignore[no-untyped-def]
    result = check(TREE, plan, {"b1": OBLIGATIONS}, [rec("t.life", "2026-12-20", attendance=4)], dt.date(2027, 1, 5))
    life = [f for f in result.findings if f.obligation == "t.life"]
    assert [(f.status, f.members) for f in life] == [(S.INCOMPLETE, ("m1", "m2"))]


def test_combined_activity_fulfils_its_partner() -> None:
    meeting = ob("t.meeting", ActivityKind.MEETING, Cadence.quarterly())
    congress = ob("t.study", ActivityKind.STUDY, Cadence.quarterly(), combines_with=("t.meeting",))
    calendar = PluginHost(autoload=False, environ={}).workdays(YEAR)
    plan = make_plan(TREE, {"b1": (meeting, congress)}, YEAR, calendar)
    records = [rec("t.study", f"2026-{3 * q - 1:02d}-10") for q in range(1, 5)]
    result = check(TREE, plan, {"b1": (meeting, congress)}, records, dt.date(2027, 1, 5))
    assert result.findings == ()


def test_rules_mark_sources_that_require_a_comment() -> None:
    """What a record must carry is the obligation's own: the built-in tracks' and any plugin's alike."""
    from lianxue_tracks.town import CATALOGUE

    seminar = next(o for o in CATALOGUE if o.id == "town.monthly-seminar")
    assert requirements(seminar)[:2] == (("topic", "comment"), False)
    assert "党支部书记对每次研讨情况进行点评" in requirements(seminar)[2]
    # a third party's obligation of any id gets the same by the same fields
    mine = ob("zone.forum", ActivityKind.MEETING, Cadence.quarterly())
    assert requirements(mine)[:2] == ((), False)
    mine = attrs.evolve(mine, record_requires=("topic", "comment"), record_attendance=True)
    assert requirements(mine)[:2] == (("topic", "comment"), True)
    lecture = ob("x.anything", ActivityKind.LECTURE, Cadence.yearly())  # every 党课 names its lecturer
    assert requirements(lecture)[0] == ("lecturer",)
    # the core reads nothing from ``options``: a plugin's own data there changes no requirement
    plain = ob("x.plain", ActivityKind.MEETING, Cadence.yearly(), options={"record_requires": ["topic"]})
    assert requirements(plain)[0] == ()


def test_plugin_findings_are_added(plan) -> None:  # type: ignore[no-untyped-def]
    class Forum:
        @hookimpl
        def lianxue_findings(self, organization, records):  # type: ignore[no-untyped-def]
            return [Finding(organization.id, "t.forum", "2026", S.MISSING, f"{len(records)}条记录，未见书记论坛")]

    host = PluginHost(autoload=False, environ={}, plugins=[("forum", Forum())])
    result = check(
        TREE,
        plan,
        {"b1": OBLIGATIONS},
        [good_seminar(1)],
        dt.date(2026, 2, 1),
        extra=lambda org, occs, recs: host.findings(TREE[org], TREE, YEAR, dt.date(2026, 2, 1), occs, recs),
    )
    assert result.findings[-1] == Finding("b1", "t.forum", "2026", S.MISSING, "1条记录，未见书记论坛")


def test_points_default_rules_and_report(plan) -> None:  # type: ignore[no-untyped-def]
    records = [
        rec("t.seminar", "2026-01-10", attendees=("m1", "m3", "m3")),
        rec("t.july1", "2026-07-01", lecturer="m2", attendees=("m1",)),
        rec("t.talks", "2026-11-02", members=("m3",), attendees=("m2",)),
        rec("t.home", "2026-01-20", members=("m4",)),
    ]
    by_id = {o.id: o for o in OBLIGATIONS}
    points = score(records, TREE, by_id, lambda org: DefaultPointsRules())
    assert {p.member: p.points for p in points} == {"m1": 2.0, "m2": 4.0, "m3": 2.0, "m4": 1.0}
    result = check(TREE, plan, {"b1": OBLIGATIONS}, records, dt.date(2026, 1, 31))
    report = build_report(result, TREE, by_id, scope=TREE.organizations, points=points, points_rules={"b1": "默认"})
    data = report_to_json(report)
    assert data["organizations"][0]["points"] == 9.0
    assert data["organizations"][0]["points_per_member"] == 2.25
    assert set(data) >= {"year", "as_of", "findings", "summary"}
    assert data["points"][0] == {
        "member": "m2",
        "name": "李委员",
        "org": "b1",
        "points": 4.0,
        "items": {"heart-to-heart talk": 1.0, "gave july1": 3.0},
    }
    assert "李委员" in render_table(report)


def test_points_rules_hook_replaces_the_defaults() -> None:
    class County:
        @hookimpl
        def lianxue_points_rules(self, organization):  # type: ignore[no-untyped-def]
            return DefaultPointsRules(name="县积分办法", lecture=5.0) if organization.id == "b1" else None

    host = PluginHost(autoload=False, environ={}, plugins=[("county", County())])
    rules = host.points_rules(TREE["b1"], TREE, YEAR)
    assert rules is not None
    assert rules.name == "县积分办法"
    assert PluginHost(autoload=False, environ={}).points_rules(TREE["b1"], TREE, YEAR) is None
