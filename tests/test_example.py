"""The bundled example county (德清县): its structure, and that the generator reproduces it exactly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lianxue_core import example_path, load
from lianxue_core.model import MemberFlag, MemberRole, Organization, OrganizationTree, OrgKind

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "tools" / "make_example.py"
TRACKS = ("organs", "town", "village", "community", "two-new")
ZONES = ("kaifaqu", "linhang", "kejixincheng")


@pytest.fixture(scope="module")
def tree() -> OrganizationTree:
    return load(example_path(), tracks=TRACKS)


def _of(tree: OrganizationTree, track: str) -> list[Organization]:
    return [o for o in tree if o.track == track]


def test_size(tree: OrganizationTree) -> None:
    assert 80 <= len(tree) <= 150
    assert 300 <= len(tree.members) <= 500
    assert [o.id for o in tree.roots()] == ["deqing"]


def test_every_track_present(tree: OrganizationTree) -> None:
    for track in TRACKS:
        assert _of(tree, track), track


def test_every_org_with_a_track_lists_its_secretary(tree: OrganizationTree) -> None:
    missing = [o.id for o in tree if o.track is not None and tree.secretary_of(o.id) is None]
    assert missing == []


def test_counts_cover_listed_members(tree: OrganizationTree) -> None:
    for org in tree:
        if org.members is not None:
            assert org.members >= len(tree.members_of(org.id)), org.id


def test_organs_under_the_working_committee(tree: OrganizationTree) -> None:
    gongwei = tree["jiguan-gongwei"]
    assert gongwei.kind is OrgKind.WORKING_COMMITTEE
    assert gongwei.track is None
    overseen = {o.id for o in tree.overseen_by("jiguan-gongwei")}
    assert {o.id for o in _of(tree, "organs")} <= overseen
    assert tree["jiaoyuju"].kind is OrgKind.COMMITTEE
    assert tree["renminyiyuan"].kind is OrgKind.COMMITTEE
    assert len(tree.children("renminyiyuan")) == 2
    # Every organs branch is paired with a village or community (结对单位).
    for org in _of(tree, "organs"):
        if org.kind is OrgKind.BRANCH:
            assert org.links, org.id
            assert all(t.track in ("village", "community") for t in tree.linked(org.id)), org.id


def test_towns(tree: OrganizationTree) -> None:
    towns = [o for o in _of(tree, "town") if o.kind is OrgKind.COMMITTEE]
    assert len(towns) >= 5
    for town in towns:
        assert town.parent == "deqing"
        children = tree.children(town.id)
        jiguan = [c for c in children if c.track == "town" and c.kind is OrgKind.BRANCH]
        assert len(jiguan) == 1, town.id
        assert "机关党支部" in jiguan[0].name
        assert any(c.track == "village" for c in children), town.id
        assert any(c.track == "two-new" for c in children), town.id
        # The committee links to its 联系村（社区）, all of them its own.
        assert town.links
        assert all(t.parent == town.id for t in tree.linked(town.id))
    streets = [t for t in towns if "街道" in t.name]
    assert streets
    for street in streets:
        assert any(c.track == "community" for c in tree.children(street.id)), street.id


def test_villages(tree: OrganizationTree) -> None:
    tops = [o for o in _of(tree, "village") if tree[o.parent].track == "town"]
    assert all(o.households is not None and 300 <= o.households <= 1200 for o in tops)
    big = [o for o in tops if o.kind is OrgKind.GENERAL_BRANCH]
    assert big
    for gb in big:
        assert len(tree.children(gb.id)) >= 2
    assert any(o.option("evening") and o.option("meeting_time") == "19:00" for o in tops)
    assert any(o.option("allow_weekends") for o in tops)


def test_flagged_members_mostly_in_villages(tree: OrganizationTree) -> None:
    flagged = [m for m in tree.members if m.flags]
    for flag in MemberFlag:
        assert any(flag in m.flags for m in flagged), flag
    in_villages = [m for m in flagged if tree[m.org].track == "village"]
    assert len(in_villages) > len(flagged) / 2


def test_leaders_link_to_villages(tree: OrganizationTree) -> None:
    for town in (o for o in _of(tree, "town") if o.kind is OrgKind.COMMITTEE):
        leaders = [m for m in tree.members_of(town.id) if MemberRole.LEADER in m.roles]
        assert len(leaders) >= 5
        for m in leaders:
            assert any(tree[link].track in ("village", "community") for link in m.links), m.id
        # every village and community of the town has a linked leader
        for child in tree.children(town.id):
            if child.track in ("village", "community"):
                assert any(m in leaders for m in tree.linked_members(child.id)), child.id


@pytest.mark.parametrize("zone", ZONES)
def test_zones_supervise_two_new_branches(tree: OrganizationTree, zone: str) -> None:
    org = tree[zone]
    assert org.kind is OrgKind.WORKING_COMMITTEE
    assert org.track is None
    overseen = tree.overseen_by(zone)
    assert overseen
    assert all(o.track == "two-new" for o in overseen)
    # some are located in a town (parent) but supervised by the zone, some hang under the zone itself
    located = [o for o in overseen if o.supervisor == zone]
    assert located
    assert all(tree[o.parent].track == "town" for o in located)
    assert any(o.parent == zone for o in overseen)
    # ... and a zone-supervised branch is not also counted under its town
    town = located[0].parent
    assert located[0] not in tree.overseen_by(town)


def test_a_large_two_new_branch(tree: OrganizationTree) -> None:
    assert any(tree.member_count(o.id) >= 60 for o in _of(tree, "two-new"))
    assert any("联合党支部" in o.name for o in _of(tree, "two-new"))


def test_defaults(tree: OrganizationTree) -> None:
    for org in tree:
        assert org.option("timezone") == "Asia/Shanghai"
        assert org.option("meeting_minutes") is not None


def test_generator_reproduces_the_committed_file(tmp_path: Path) -> None:
    out = tmp_path / "deqing.toml"
    subprocess.run([sys.executable, str(GENERATOR), str(out)], check=True, cwd=tmp_path)
    assert out.read_bytes() == example_path().read_bytes(), "run: python tools/make_example.py"
