"""A deterministic synthetic county or province for the planner benchmarks.

The structure follows a real county: a county party committee; towns, each with its party committee,
the town's 机关 branch and about twenty villages (with households) and a few two-new branches; county
organs with their branches. Each organization lists its committee (secretary, deputy, members) and
gives the rest of its members as a count; town leaders are linked to villages (联系村) and one town
cadre lectures in all the town's villages. The same arguments always give the same tree.
"""

from __future__ import annotations

import random

from lianxue_core.model import Member, Organization, OrganizationTree, OrgKind

__all__ = ["synthetic_tree"]

VILLAGES_PER_TOWN = 20
TWO_NEW_PER_TOWN = 4
ORGANS_SHARE = 0.15  # of all organizations, county organs branches


def synthetic_tree(organizations: int, members: int, seed: int = 2026) -> OrganizationTree:
    """About ``organizations`` organizations with ``members`` members in all (listed or counted)."""
    rng = random.Random(seed)
    per_org = members / organizations
    orgs: list[Organization] = [Organization("county", "县委", OrgKind.COMMITTEE)]
    people: list[Member] = []

    def staff(org_id: str, size: int, *, leaders: int = 0, links: list[str] | None = None) -> None:
        roles = [["secretary"], ["deputy-secretary"], ["committee"], ["committee"], ["committee"]]
        committee = min(size, 3 + rng.randrange(3))
        for n in range(committee):
            people.append(Member(f"{org_id}-m{n}", f"{org_id}委员{n}", org_id, roles=roles[n]))
        for n in range(leaders):
            linked = (links or [])[n :: max(leaders, 1)]
            people.append(Member(f"{org_id}-l{n}", f"{org_id}班子{n}", org_id, roles=["leader"], links=linked))
        for n in range(rng.randrange(3)):  # a few elderly members listed by name for 送学上门
            people.append(Member(f"{org_id}-e{n}", f"{org_id}老党员{n}", org_id, flags=["elderly"]))

    organs = int(organizations * ORGANS_SHARE)
    orgs.append(Organization("organs", "县直属机关党工委", OrgKind.WORKING_COMMITTEE, parent="county"))
    for i in range(organs):
        oid = f"organ{i}"
        size = max(5, int(rng.gauss(per_org * 1.15, per_org / 3)))
        orgs.append(Organization(oid, f"县直单位{i}党支部", track="organs", parent="organs", members=size))
        staff(oid, size)
    per_town = 2 + VILLAGES_PER_TOWN + TWO_NEW_PER_TOWN
    towns = max(1, (organizations - len(orgs)) // per_town)
    for t in range(towns):
        town = f"town{t}"
        villages = [f"{town}-v{v}" for v in range(VILLAGES_PER_TOWN)]
        orgs.append(Organization(town, f"第{t}镇党委", OrgKind.COMMITTEE, track="town", parent="county", members=40))
        staff(town, 40, leaders=8, links=villages)
        people.append(Member(f"{town}-lect", f"第{t}镇宣讲员", town, roles=["cadre"]))
        orgs.append(Organization(f"{town}-jg", f"第{t}镇机关党支部", track="town", parent=town, members=30))
        staff(f"{town}-jg", 30)
        for v, vid in enumerate(villages):
            size = max(8, int(rng.gauss(per_org * 1.15, per_org / 3)))
            orgs.append(
                Organization(
                    vid,
                    f"第{t}镇{v}村党支部",
                    track="village",
                    parent=town,
                    members=size,
                    households=rng.randrange(150, 900),
                    options={"lecturer": f"{town}-lect", "evening": v % 3 == 0, "activity_day": "每月第一个星期五"},
                )
            )
            staff(vid, size)
        for n in range(TWO_NEW_PER_TOWN):
            nid = f"{town}-n{n}"
            orgs.append(Organization(nid, f"第{t}镇两新{n}党支部", track="two-new", parent=town, members=5))
            staff(nid, 5)
    return OrganizationTree(orgs, people)
