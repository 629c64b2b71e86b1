"""Which organizations are development zones, whom they supervise, and who inspects for them.

Everything here reads the organization file only; the options are documented in the README. A zone is
recognised, in this order, by

1. its option ``devzone``: ``true`` or a label such as ``"开发区"`` makes it a zone, ``false`` never;
2. its track ``devzone`` (the track this plugin registers);
3. its name, for a ``committee`` or ``working-committee``: one containing 开发区, 临杭工业区 or 科技新城
   (the three zones plan 4 names), so the example county works without any option.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lianxue_core import Member, MemberRole, Organization, OrganizationTree, OrgKind

__all__ = [
    "BRANCH_KINDS",
    "CADENCES",
    "TRACK_KEY",
    "ZONE_KINDS",
    "ZONE_NAMES",
    "area_zone",
    "direct_zone",
    "flag",
    "inspector",
    "is_zone",
    "secretaries",
    "supervised",
    "text_choice",
    "whole_number",
    "zone_tracks",
]

#: The track this plugin registers; an organization on it is a zone.
TRACK_KEY = "devzone"
#: The zones plan 4 names (开发区、临杭工业区、科技新城), matched in organization names as a fallback.
ZONE_NAMES = ("开发区", "临杭工业区", "科技新城")
#: The kinds of organization a zone recognised by name can be: 党委、党工委.
ZONE_KINDS = (OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE)
#: The kinds of organization that hold organizational life (“4+X”, daily micro-study).
BRANCH_KINDS = (OrgKind.GENERAL_BRANCH, OrgKind.BRANCH)
#: The cadences an option such as ``forum_cadence`` may name.
CADENCES = ("monthly", "quarterly", "yearly")


def _bad(org: Organization, key: str, value: object, expected: str) -> ValueError:
    return ValueError(f"organization {org.id!r}: option {key!r} must be {expected}, not {value!r}")


def flag(org: Organization, key: str, default: bool) -> bool:
    """The organization's true/false option ``key``, or ``default``."""
    value = org.option(key, default)
    if not isinstance(value, bool):
        raise _bad(org, key, value, "true or false")
    return value


def text_choice(org: Organization, key: str, choices: Sequence[str], default: str) -> str:
    """The organization's option ``key``, one of ``choices``, or ``default``."""
    value = org.option(key, default)
    if value not in choices:
        raise _bad(org, key, value, "one of " + ", ".join(repr(c) for c in choices))
    return str(value)


def whole_number(org: Organization, key: str, default: int, lowest: int = 1) -> int:
    """The organization's whole-number option ``key`` (at least ``lowest``), or ``default``."""
    value: Any = org.option(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
        raise _bad(org, key, value, f"a whole number of at least {lowest}")
    return value


def is_zone(org: Organization) -> bool:
    """Whether ``org`` is a development zone (see the module docstring for the rules)."""
    value = org.option("devzone")
    if value is not None:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip():
            return True
        raise _bad(org, "devzone", value, 'true, false or a label such as "开发区"')
    if org.track == TRACK_KEY:
        return True
    return org.kind in ZONE_KINDS and any(name in org.name for name in ZONE_NAMES)


def zone_tracks(zone: Organization) -> tuple[str, ...]:
    """The tracks of the organizations ``zone`` supervises for this plugin (option ``zone_tracks``)."""
    value = zone.option("zone_tracks", ["two-new"])
    if isinstance(value, str) or not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise _bad(zone, "zone_tracks", value, 'a list of track keys such as ["two-new"]')
    return tuple(value)


def direct_zone(org: Organization, tree: OrganizationTree) -> Organization | None:
    """The zone that directly supervises ``org`` (its ``supervisor``, else its parent), if ``org`` is on one
    of that zone's tracks and is not a 党小组."""
    sup = tree.supervisor_of(org.id)
    if sup is None or not is_zone(sup) or org.kind is OrgKind.GROUP:
        return None
    return sup if org.track in zone_tracks(sup) else None


def area_zone(org: Organization, tree: OrganizationTree) -> Organization | None:
    """The zone whose area ``org`` is in: the first zone up its chain of supervisors, if ``org`` is on one
    of that zone's tracks."""
    seen = {org.id}
    sup = tree.supervisor_of(org.id)
    while sup is not None and sup.id not in seen:
        if is_zone(sup):
            return sup if org.track in zone_tracks(sup) else None
        seen.add(sup.id)
        sup = tree.supervisor_of(sup.id)
    return None


def supervised(zone: Organization, tree: OrganizationTree) -> tuple[Organization, ...]:
    """The organizations ``zone`` supervises directly on its tracks, in file order (the inspection list)."""
    out = []
    for org in tree:
        found = direct_zone(org, tree) if org.id != zone.id else None
        if found is not None and found.id == zone.id:
            out.append(org)
    return tuple(out)


def secretaries(zone: Organization, tree: OrganizationTree) -> tuple[Member, ...]:
    """The listed secretaries of the organizations ``zone`` supervises directly (the forum's guests)."""
    found = (tree.secretary_of(o.id) for o in supervised(zone, tree))
    return tuple(m for m in found if m is not None)


def inspector(zone: Organization, tree: OrganizationTree) -> Member | None:
    """The zone's designated inspector (专人): option ``zone_inspector`` (a member id), else the zone's
    secretary, else its first member with the role ``leader``; ``None`` when the file lists none of them.

    Raises:
        ValueError: ``zone_inspector`` names no listed member.
    """
    chosen = zone.option("zone_inspector")
    if chosen is not None:
        if not isinstance(chosen, str):
            raise _bad(zone, "zone_inspector", chosen, 'a member id such as "m-0123"')
        try:
            return tree.member(chosen)
        except KeyError:
            raise ValueError(
                f"organization {zone.id!r}: option 'zone_inspector' names {chosen!r}, which is not a listed "
                "member; add a [[member]] with that id or fix the id"
            ) from None
    secretary = tree.secretary_of(zone.id)
    if secretary is not None:
        return secretary
    return next((m for m in tree.members_of(zone.id) if MemberRole.LEADER in m.roles), None)
