"""The model: organizations, members, and the lookups of the organization tree."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lianxue_core.model import (
    Member,
    MemberFlag,
    MemberRole,
    Organization,
    OrganizationTree,
    OrgKind,
)
from strategies import organization_trees


def sample_tree() -> OrganizationTree:
    """德清县 → 新市镇 → 庄村, 东村; the development zone supervises an enterprise's branch in 新市."""
    return OrganizationTree(
        [
            Organization("deqing", "中共德清县委", kind="committee"),
            Organization("xinshi", "新市镇党委", kind="committee", track="town", parent="deqing", links=["zhuangcun"]),
            Organization("zhuangcun", "庄村党支部", track="village", parent="xinshi", members=62, households=420),
            Organization("dongcun", "东村党支部", track="village", parent="xinshi", members=1),
            Organization("kaifaqu", "开发区党工委", kind="working-committee", parent="deqing"),
            Organization("qiye", "某企业党支部", track="two-new", parent="xinshi", supervisor="kaifaqu"),
            Organization("qiye-g1", "一车间党小组", kind="group", parent="qiye"),
        ],
        [
            Member("m1", "张三", "xinshi", roles=["secretary"], links=["zhuangcun"]),
            Member("m2", "李四", "zhuangcun", roles=["secretary"]),
            Member("m3", "王五", "zhuangcun", flags=["elderly"]),
            Member("m4", "赵六", "zhuangcun", roles=["committee"]),
            Member("m5", "钱七", "dongcun", roles=["leader"]),
            Member("m6", "孙八", "dongcun", roles=["cadre"], links=["zhuangcun", "zhuangcun"]),
        ],
    )


# -- records -------------------------------------------------------------------------------------------


def test_organization_converts_its_fields() -> None:
    org = Organization("a", "甲", kind="general-branch", links=iter(["b", "c"]), options={"x": 1})
    assert org.kind is OrgKind.GENERAL_BRANCH
    assert org.links == ("b", "c")
    assert org.option("x") == 1
    assert org.option("y", "default") == "default"
    with pytest.raises(TypeError):
        org.options["x"] = 2  # type: ignore[index]


def test_organization_defaults() -> None:
    org = Organization("a", "甲")
    assert (org.kind, org.track, org.parent, org.supervisor, org.links) == (OrgKind.BRANCH, None, None, None, ())
    assert (org.members, org.households, dict(org.options)) == (None, None, {})


def test_organization_is_hashable_and_compares_options() -> None:
    a = Organization("a", "甲", options={"x": [1]})
    assert a == Organization("a", "甲", options={"x": [1]})
    assert a != Organization("a", "甲", options={"x": [2]})
    assert hash(a) == hash(Organization("a", "甲", options={"x": [2]}))


def test_unknown_kind_is_a_valueerror() -> None:
    with pytest.raises(ValueError, match="党委"):
        Organization("a", "甲", kind="党委")


def test_member_converts_its_fields() -> None:
    m = Member("m", "张三", "a", roles=["secretary", "leader"], flags=("elderly",), links=["b"])
    assert m.roles == frozenset({MemberRole.SECRETARY, MemberRole.LEADER})
    assert m.flags == frozenset({MemberFlag.ELDERLY})
    assert m.links == ("b",)
    hash(m)


def test_members_with_the_same_roles_and_flags_share_them() -> None:
    # a county's 300,000 members hold a handful of distinct sets: each is kept once (a frozenset is 216 bytes)
    a = Member("a", "张三", "x", roles=["secretary", "leader"], flags=["elderly"])
    b = Member("b", "李四", "y", roles=("leader", MemberRole.SECRETARY), flags=[MemberFlag.ELDERLY])
    assert a.roles is b.roles
    assert a.flags is b.flags
    c = Member("c", "王五", "x", roles=["committee"])
    assert c.roles == frozenset({MemberRole.COMMITTEE})
    assert c.roles is not a.roles


@pytest.mark.parametrize(
    ("roles", "committee"),
    [((), False), (("secretary",), True), (("deputy-secretary",), True), (("committee",), True), (("leader",), True)],
)
def test_member_is_committee(roles: tuple[str, ...], committee: bool) -> None:
    assert Member("m", "张三", "a", roles=roles).is_committee is committee
    assert Member("m", "张三", "a", roles=[*roles, "cadre"]).is_committee is committee


def test_labels() -> None:
    assert [k.label for k in OrgKind] == ["党委", "党工委", "党组", "党总支", "党支部", "党小组"]
    assert [r.label for r in MemberRole] == ["书记", "副书记", "委员", "领导班子成员", "干部"]
    assert [f.label for f in MemberFlag] == ["老党员", "行动不便党员", "认知困难党员"]


# -- the tree ------------------------------------------------------------------------------------------


def ids(orgs: tuple[Organization, ...] | tuple[Member, ...]) -> list[str]:
    return [o.id for o in orgs]


def test_lookups() -> None:
    tree = sample_tree()
    assert len(tree) == 7
    assert "xinshi" in tree
    assert "nowhere" not in tree
    assert tree["xinshi"].name == "新市镇党委"
    assert tree.get("nowhere") is None
    with pytest.raises(KeyError):
        tree["nowhere"]
    assert ids(tuple(tree)) == ids(tree.organizations)
    assert ids(tree.roots()) == ["deqing"]
    assert ids(tree.children("xinshi")) == ["zhuangcun", "dongcun", "qiye"]
    assert ids(tree.children("zhuangcun")) == []
    assert ids(tree.descendants("xinshi")) == ["zhuangcun", "dongcun", "qiye", "qiye-g1"]
    assert ids(tree.ancestors("qiye-g1")) == ["qiye", "xinshi", "deqing"]
    assert tree.ancestors("deqing") == ()
    assert tree.linked("xinshi") == (tree["zhuangcun"],)
    assert [tree.position(o.id) for o in tree] == list(range(len(tree)))
    assert sorted(["qiye", "deqing", "dongcun"], key=tree.position) == ["deqing", "dongcun", "qiye"]
    with pytest.raises(KeyError):
        tree.position("nowhere")


def test_supervision() -> None:
    tree = sample_tree()
    assert tree.supervisor_of("qiye") == tree["kaifaqu"]
    assert tree.supervisor_of("zhuangcun") == tree["xinshi"]
    assert tree.supervisor_of("deqing") is None
    assert ids(tree.overseen_by("kaifaqu")) == ["qiye", "qiye-g1"]
    assert ids(tree.overseen_by("xinshi")) == ["zhuangcun", "dongcun"]
    assert ids(tree.overseen_by("deqing")) == ["xinshi", "zhuangcun", "dongcun", "kaifaqu", "qiye", "qiye-g1"]
    assert ids(tree.supervised_by("deqing")) == ["xinshi", "kaifaqu"]  # directly: not the villages
    assert ids(tree.supervised_by("kaifaqu")) == ["qiye"]
    assert tree.supervised_by("zhuangcun") == ()


def test_members() -> None:
    tree = sample_tree()
    assert ids(tree.members) == ["m1", "m2", "m3", "m4", "m5", "m6"]
    assert tree.member("m3").name == "王五"
    with pytest.raises(KeyError):
        tree.member("m9")
    assert ids(tree.members_of("zhuangcun")) == ["m2", "m3", "m4"]
    assert ids(tree.leaders_of("zhuangcun")) == ["m2", "m4"]
    assert ids(tree.leaders_of("dongcun")) == ["m5"]
    assert tree.secretary_of("zhuangcun") == tree.member("m2")
    assert tree.secretary_of("dongcun") is None
    assert ids(tree.linked_members("zhuangcun")) == ["m1", "m6"]


def test_member_count() -> None:
    tree = sample_tree()
    assert tree.member_count("zhuangcun") == 62  # the given total
    assert tree.member_count("xinshi") == 1  # no total: the listed members
    assert tree.member_count("dongcun") == 2  # a total below the listed members is never believed
    assert tree.member_count("deqing") == 0


def test_equality() -> None:
    assert sample_tree() == sample_tree()
    other = OrganizationTree(sample_tree().organizations, sample_tree().members[:-1])
    assert sample_tree() != other
    assert sample_tree() != "tree"
    with pytest.raises(TypeError):
        hash(sample_tree())
    assert repr(OrganizationTree([Organization("a", "甲")])).startswith("OrganizationTree([Organization(id='a'")


@pytest.mark.parametrize(
    ("orgs", "members", "message"),
    [
        ([Organization("a", "甲"), Organization("a", "乙")], [], "duplicate organization ids"),
        ([Organization("a", "甲", parent="b")], [], "organization 'a': unknown parent 'b'"),
        ([Organization("a", "甲")], [Member("m", "张三", "a"), Member("m", "李四", "a")], "duplicate member ids"),
        ([Organization("a", "甲")], [Member("m", "张三", "b")], "member 'm': unknown organization 'b'"),
        (
            [Organization("a", "甲", parent="b"), Organization("b", "乙", parent="a")],
            [],
            "organization 'a': its parents form a cycle",
        ),
    ],
)
def test_bad_trees_are_valueerrors(orgs: list[Organization], members: list[Member], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        OrganizationTree(orgs, members)


# -- properties ----------------------------------------------------------------------------------------

TREES = organization_trees(options=st.just({}))


@given(TREES)
def test_ancestors_end_at_a_root(tree: OrganizationTree) -> None:
    roots = set(ids(tree.roots()))
    for org in tree:
        chain = tree.ancestors(org.id)
        top = chain[-1] if chain else org
        assert top.id in roots
        assert org.id not in ids(chain)
        assert ids(chain) == _parents(tree, org.id)


def _parents(tree: OrganizationTree, org_id: str) -> list[str]:
    out = []
    parent = tree[org_id].parent
    while parent is not None:
        out.append(parent)
        parent = tree[parent].parent
    return out


@given(TREES)
def test_children_and_descendants_agree(tree: OrganizationTree) -> None:
    for org in tree:
        children = tree.children(org.id)
        assert all(c.parent == org.id for c in children)
        assert set(ids(children)) == {o.id for o in tree if o.parent == org.id}
        below = set(ids(tree.descendants(org.id)))
        assert below == {o.id for o in tree if org.id in ids(tree.ancestors(o.id))}
        assert len(below) == len(tree.descendants(org.id))
    assert sum(len(tree.children(o.id)) for o in tree) + len(tree.roots()) == len(tree)


@given(TREES)
def test_overseen_by_follows_supervisors(tree: OrganizationTree) -> None:
    def overseers(org_id: str) -> set[str]:
        out = set()
        sup = tree.supervisor_of(org_id)
        while sup is not None:
            out.add(sup.id)
            sup = tree.supervisor_of(sup.id)
        return out

    for org in tree:
        assert ids(tree.overseen_by(org.id)) == [o.id for o in tree if org.id in overseers(o.id)]  # in file order
        direct = [o.id for o in tree if o.id != org.id and getattr(tree.supervisor_of(o.id), "id", None) == org.id]
        assert ids(tree.supervised_by(org.id)) == direct  # in file order
        if all(o.supervisor is None for o in tree):
            assert set(ids(tree.overseen_by(org.id))) == set(ids(tree.descendants(org.id)))


@given(TREES)
def test_members_and_counts_agree(tree: OrganizationTree) -> None:
    for org in tree:
        listed = tree.members_of(org.id)
        assert all(m.org == org.id for m in listed)
        assert tree.member_count(org.id) >= len(listed)
        assert set(ids(tree.leaders_of(org.id))) <= set(ids(listed))
        assert all(org.id in m.links for m in tree.linked_members(org.id))
    assert sum(len(tree.members_of(o.id)) for o in tree) == len(tree.members)


@given(TREES)
def test_home_branch_is_the_first_linked_branch_below_on_the_track(tree: OrganizationTree) -> None:
    # the definition: a member of a branch belongs to it; a member of a 党委 or 党组 names, among its links, a 党支部
    # or 党总支 below its own organization and on its track (the first such link); none when neither holds
    for member in tree.members:
        own = tree[member.org]
        expected = None
        if own.kind in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.GROUP):
            expected = own
        elif own.track is not None:
            below = {o.id for o in tree.descendants(own.id) if o.track == own.track}
            expected = next(
                (
                    tree[link]
                    for link in member.links
                    if link in below and tree[link].kind in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH)
                ),
                None,
            )
        assert tree.home_branch_of(member.id) == expected
    assert tree.home_branch_of("nobody") is None
