"""The devzone plugin on its own: contract, zone recognition, options, inspector and checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import lianxue_devzone
import pytest

from lianxue_core import CadenceKind, FindingStatus, OrganizationTree, PluginError, PluginHost, Record
from lianxue_core.testing import TreeBuilder, check_plugin_contract

FORUM, FOUR_X, MICRO, INSPECTION = (
    "devzone.forum",
    "devzone.four-x",
    "devzone.micro-study",
    "devzone.inspection",
)


def county(**zone_options: object) -> TreeBuilder:
    """A county with one zone (by name), a branch under it and an enterprise branch it supervises."""
    return (
        TreeBuilder()
        .org("county", "中共某县委", kind="committee")
        .org("town", "某镇党委", kind="committee", track="town", parent="county")
        .org("zone", "某县经济开发区党工委", kind="working-committee", parent="county", **zone_options)
        .member("z1", "丁书记", "zone", roles=["secretary", "leader"])
        .member("z2", "王委员", "zone", roles=["committee", "leader"])
        .org("own", "开发区联合党支部", track="two-new", parent="zone", members=12)
        .member("o1", "莫书记", "own", roles=["secretary"])
        .org("firm", "某公司党委", kind="committee", track="two-new", parent="town", supervisor="zone")
        .member("f1", "费书记", "firm", roles=["secretary"])
        .org("firm-1", "某公司第一党支部", track="two-new", parent="firm", members=20)
        .org("village", "某村党委", kind="committee", track="village", parent="town", households=100)
    )


@pytest.fixture
def host(lianxue_host_factory: Callable[..., PluginHost]) -> PluginHost:
    return lianxue_host_factory(("devzone", lianxue_devzone), autoload=True, blocked=["devzone"])


def ids(host: PluginHost, tree: OrganizationTree, org: str) -> list[str]:
    return [o.id for o in host.obligations_for(tree[org], tree, 2026) if o.id.startswith("devzone.")]


def test_contract() -> None:
    check_plugin_contract(lianxue_devzone, "devzone")


def test_catalogue_cites_plan_4() -> None:
    for ob in lianxue_devzone.CATALOGUE:
        assert ob.source.document == "德组通〔2016〕18号"
        assert ob.source.plan == 4
        assert ob.source.quote


def test_zone_by_name(host: PluginHost) -> None:
    tree = county().build()
    assert ids(host, tree, "zone") == [FORUM]
    assert ids(host, tree, "own") == [FOUR_X, INSPECTION]
    assert ids(host, tree, "firm") == [INSPECTION]  # supervised through ``supervisor``
    assert ids(host, tree, "firm-1") == [FOUR_X]  # in the zone's area, inspected with its committee
    assert ids(host, tree, "town") == []
    assert ids(host, tree, "village") == []


def test_zone_by_option_and_track(host: PluginHost) -> None:
    tree = (
        TreeBuilder()
        .org("park", "高新园区党工委", kind="working-committee", devzone="园区")
        .org("b", "某企业党支部", track="two-new", parent="park")
        .org("t", "新区党工委", kind="working-committee", track="devzone")
        .build()
    )
    assert ids(host, tree, "park") == [FORUM]
    assert ids(host, tree, "b") == [FOUR_X, INSPECTION]
    assert ids(host, tree, "t") == [FORUM]
    assert ids(host, county(devzone=False).build(), "own") == []


def test_inspector_defaults_to_the_secretary_then_a_leader(host: PluginHost) -> None:
    tree = county().build()
    (ob,) = [o for o in host.obligations_for(tree["firm"], tree, 2026) if o.id == INSPECTION]
    assert ob.people == ("z1",)
    assert ob.title == "某县经济开发区党工委专人督查"
    no_secretary = (
        TreeBuilder()
        .org("zone", "科技新城党工委", kind="working-committee")
        .member("z2", "王委员", "zone", roles=["committee", "leader"])
        .org("b", "某研究院党支部", track="two-new", parent="zone")
        .build()
    )
    (ob,) = [o for o in host.obligations_for(no_secretary["b"], no_secretary, 2026) if o.id == INSPECTION]
    assert ob.people == ("z2",)


def test_options(host: PluginHost) -> None:
    tree = county(
        zone_inspector="z2",
        inspection_cadence="monthly",
        inspection_minutes=45,
        forum_cadence="yearly",
        micro_study=True,
        four_x_cadence="quarterly",
    ).build()
    (inspection,) = [o for o in host.obligations_for(tree["own"], tree, 2026) if o.id == INSPECTION]
    assert inspection.people == ("z2",)
    assert inspection.cadence.kind is CadenceKind.MONTHLY
    assert inspection.minutes == 45
    (forum,) = [o for o in host.obligations_for(tree["zone"], tree, 2026) if o.id == FORUM]
    assert forum.cadence.kind is CadenceKind.YEARLY
    assert "people" not in forum.options
    assert "莫书记" in forum.description
    assert "费书记" in forum.description
    assert ids(host, tree, "own") == [FOUR_X, MICRO, INSPECTION]
    (four_x,) = [o for o in host.obligations_for(tree["own"], tree, 2026) if o.id == FOUR_X]
    assert four_x.cadence.kind is CadenceKind.QUARTERLY


def test_forum_books_the_secretaries_on_request(host: PluginHost) -> None:
    tree = county(forum_book_secretaries=True).build()
    (forum,) = [o for o in host.obligations_for(tree["zone"], tree, 2026) if o.id == FORUM]
    assert forum.people == ("o1", "f1")


def test_branch_can_switch_off_four_x(host: PluginHost) -> None:
    builder = county()
    builder.org("quiet", "另一党支部", track="two-new", parent="zone", four_x=False)
    tree = builder.build()
    assert ids(host, tree, "quiet") == [INSPECTION]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("zone_inspector", "m-9999", "'zone_inspector' names 'm-9999', which is not a listed member"),
        ("inspection_cadence", "weekly", "option 'inspection_cadence' must be one of"),
        ("micro_study", "yes", "option 'micro_study' must be true or false"),
        ("devzone", 3, "option 'devzone' must be"),
    ],
)
def test_bad_options_name_the_plugin(host: PluginHost, option: str, value: object, message: str) -> None:
    tree = county(**{option: value}).build()
    with pytest.raises(PluginError, match="devzone") as info:
        host.obligations_for(tree["own"], tree, 2026)  # every option is read for a branch in the zone
    assert message in str(info.value)


def test_inspection_checks_per_half_year(host: PluginHost) -> None:
    tree = county().build()
    records = [Record(org="firm", obligation=INSPECTION, date=dt.date(2026, 3, 10))]
    found = host.findings(tree["firm"], tree, 2026, dt.date(2026, 9, 1), [], records)
    assert [(f.period, f.status) for f in found] == [
        ("2026-H1", FindingStatus.HELD),
        ("2026-H2", FindingStatus.DUE),
    ]
    found = host.findings(tree["firm"], tree, 2026, dt.date(2027, 1, 5), [], [])
    assert [(f.period, f.status) for f in found] == [
        ("2026-H1", FindingStatus.MISSING),
        ("2026-H2", FindingStatus.MISSING),
    ]


def test_forum_guests_check(host: PluginHost) -> None:
    tree = county().build()
    records = [Record(org="zone", obligation=FORUM, date=dt.date(2026, 5, 12), attendees=("z1", "o1"))]
    (finding,) = host.findings(tree["zone"], tree, 2026, dt.date(2026, 6, 1), [], records)
    assert finding.status is FindingStatus.ABSENT
    assert finding.members == ("f1",)
    assert finding.period == "2026-Q2"
