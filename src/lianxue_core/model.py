"""Organizations, members and the organization tree.

These are the records everything else in lianxue reads: an :class:`OrganizationTree` is what
:func:`lianxue_core.orgfile.load` returns, what plugins receive, and what the scheduler walks.
All records are frozen; the tree is immutable once built.
"""

from __future__ import annotations

import copyreg
import enum
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs

__all__ = [
    "Member",
    "MemberFlag",
    "MemberRole",
    "OrgKind",
    "Organization",
    "OrganizationTree",
]


class OrgKind(enum.StrEnum):
    """The kind of a party organization (党组织类别)."""

    COMMITTEE = "committee"  #: 党委
    WORKING_COMMITTEE = "working-committee"  #: 党工委
    PARTY_GROUP = "party-group"  #: 党组
    GENERAL_BRANCH = "general-branch"  #: 党总支
    BRANCH = "branch"  #: 党支部
    GROUP = "group"  #: 党小组

    @property
    def label(self) -> str:
        """The Chinese name of the kind."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    OrgKind.COMMITTEE: "党委",
    OrgKind.WORKING_COMMITTEE: "党工委",
    OrgKind.PARTY_GROUP: "党组",
    OrgKind.GENERAL_BRANCH: "党总支",
    OrgKind.BRANCH: "党支部",
    OrgKind.GROUP: "党小组",
}


class MemberRole(enum.StrEnum):
    """A role a member holds in their organization."""

    SECRETARY = "secretary"  #: 书记
    DEPUTY_SECRETARY = "deputy-secretary"  #: 副书记
    COMMITTEE = "committee"  #: 委员 (支部委员会 / 班子成员)
    LEADER = "leader"  #: 领导班子成员、党员领导干部
    CADRE = "cadre"  #: 机关干部 (e.g. 镇（街道）干部)

    @property
    def label(self) -> str:
        """The Chinese name of the role."""
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    MemberRole.SECRETARY: "书记",
    MemberRole.DEPUTY_SECRETARY: "副书记",
    MemberRole.COMMITTEE: "委员",
    MemberRole.LEADER: "领导班子成员",
    MemberRole.CADRE: "干部",
}

#: Roles that make a member part of the branch committee (支部班子成员).
COMMITTEE_ROLES = frozenset({MemberRole.SECRETARY, MemberRole.DEPUTY_SECRETARY, MemberRole.COMMITTEE})


class MemberFlag(enum.StrEnum):
    """Circumstances that change how a member is served (送学上门 and the like)."""

    ELDERLY = "elderly"  #: 老党员
    MOBILITY_IMPAIRED = "mobility-impaired"  #: 行动不便党员
    COGNITIVE_DIFFICULTY = "cognitive-difficulty"  #: 认知困难党员

    @property
    def label(self) -> str:
        """The Chinese name of the flag."""
        return _FLAG_LABELS[self]


_FLAG_LABELS = {
    MemberFlag.ELDERLY: "老党员",
    MemberFlag.MOBILITY_IMPAIRED: "行动不便党员",
    MemberFlag.COGNITIVE_DIFFICULTY: "认知困难党员",
}


def _frozen_mapping(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


def _reduce_mapping(value: MappingProxyType[str, Any]) -> tuple[Any, tuple[dict[str, Any]]]:
    return (_frozen_mapping, (dict(value),))


# Records travel to other processes when a plan is sharded (``--jobs``, a Dask cluster): their read-only
# options must pickle (as a call of ``_frozen_mapping``; unpickling needs nothing registered).
copyreg.pickle(MappingProxyType, _reduce_mapping)


def _id_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _kind(value: OrgKind | str) -> OrgKind:
    return OrgKind(value)


# Members' roles and flags, each distinct set held once: a county's 300,000 members have a handful of
# combinations, and a frozenset takes 216 bytes (about 40% of a listed member). Bounded: the sets are of enum
# values.
_ROLE_SETS: dict[frozenset[MemberRole], frozenset[MemberRole]] = {}
_FLAG_SETS: dict[frozenset[MemberFlag], frozenset[MemberFlag]] = {}


def _roles(value: Iterable[MemberRole | str]) -> frozenset[MemberRole]:
    roles = frozenset(MemberRole(v) for v in value)
    return _ROLE_SETS.setdefault(roles, roles)


def _flags(value: Iterable[MemberFlag | str]) -> frozenset[MemberFlag]:
    flags = frozenset(MemberFlag(v) for v in value)
    return _FLAG_SETS.setdefault(flags, flags)


@attrs.frozen
class Organization:
    """A party organization: a committee, a branch, a group...

    Args:
        id: Unique id: lower-case letters, digits and ``-``.
        name: The full Chinese name, e.g. ``新市镇党委``.
        kind: Its :class:`OrgKind`.
        track: The key of the track (kind of organization) whose plan applies to it, or ``None`` for a
            container that only groups others.
        parent: The id of the organization above it, or ``None`` at the top.
        supervisor: The id of the organization that supervises it when that is not its parent (a
            development zone over an enterprise's branch).
        links: Ids of paired or linked organizations (结对单位, 联系村).
        members: The total member count, or ``None`` when only the listed members are known.
        households: The number of households (villages).
        options: Free options passed to plugins (meeting time, location, fixed activity day...).

    ``kind`` also accepts its string value and ``links`` any iterable; both are converted.
    """

    id: str
    name: str
    kind: OrgKind = attrs.field(default=OrgKind.BRANCH, converter=_kind)
    track: str | None = None
    parent: str | None = None
    supervisor: str | None = None
    links: tuple[str, ...] = attrs.field(default=(), converter=_id_tuple)
    members: int | None = None
    households: int | None = None
    options: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_mapping, hash=False)

    def option(self, key: str, default: Any = None) -> Any:
        """Return the option ``key``, or ``default`` when it is not set."""
        return self.options.get(key, default)


@attrs.frozen
class Member:
    """A party member, listed in the organization file.

    Args:
        id: Unique id.
        name: The member's name.
        org: The id of the organization the member belongs to.
        roles: The member's roles in that organization.
        flags: Circumstances such as :attr:`MemberFlag.ELDERLY`.
        links: Ids of organizations this person is linked to or guides (联系村, 指导的两新组织).

    ``roles`` and ``flags`` also accept their string values, ``links`` any iterable; all are converted.
    """

    id: str
    name: str
    org: str
    roles: frozenset[MemberRole] = attrs.field(default=frozenset(), converter=_roles)
    flags: frozenset[MemberFlag] = attrs.field(default=frozenset(), converter=_flags)
    links: tuple[str, ...] = attrs.field(default=(), converter=_id_tuple)

    @property
    def is_committee(self) -> bool:
        """Whether the member sits on the organization's committee (班子成员)."""
        return bool(self.roles & COMMITTEE_ROLES) or MemberRole.LEADER in self.roles


class OrganizationTree:
    """An immutable tree of organizations and their members, with lookups.

    Organizations keep the order they were given in; children and members keep that order too, so
    everything derived from a tree is deterministic. Two trees are equal when they hold equal
    organizations and equal members in the same order.

    Raises:
        ValueError: Duplicate organization or member ids, an unknown parent or member organization,
            or parents that form a cycle. (:func:`lianxue_core.orgfile.load` reports these, and
            everything else wrong in a file, as an :class:`~lianxue_core.errors.InputError` first.)
    """

    __slots__ = (
        "_by_id",
        "_children",
        "_linked_members",
        "_members",
        "_members_by_id",
        "_order",
        "_overseen",
        "_position",
    )

    def __init__(self, organizations: Iterable[Organization], members: Iterable[Member] = ()) -> None:
        self._order: tuple[Organization, ...] = tuple(organizations)
        self._by_id: dict[str, Organization] = {o.id: o for o in self._order}
        if len(self._by_id) != len(self._order):
            raise ValueError("duplicate organization ids")
        self._position = {o.id: n for n, o in enumerate(self._order)}
        children: dict[str | None, list[Organization]] = {}
        for org in self._order:
            if org.parent is not None and org.parent not in self._by_id:
                raise ValueError(f"organization {org.id!r}: unknown parent {org.parent!r}")
            children.setdefault(org.parent, []).append(org)
        self._children = {k: tuple(v) for k, v in children.items()}
        member_list = tuple(members)
        self._members_by_id = {m.id: m for m in member_list}
        if len(self._members_by_id) != len(member_list):
            raise ValueError("duplicate member ids")
        by_org: dict[str, list[Member]] = {}
        for m in member_list:
            if m.org not in self._by_id:
                raise ValueError(f"member {m.id!r}: unknown organization {m.org!r}")
            by_org.setdefault(m.org, []).append(m)
        self._members = {k: tuple(v) for k, v in by_org.items()}
        linked: dict[str, list[Member]] = {}
        for m in member_list:
            for link in dict.fromkeys(m.links):
                linked.setdefault(link, []).append(m)
        self._linked_members = {k: tuple(v) for k, v in linked.items()}
        self._check_acyclic()
        overseen: dict[str, list[Organization]] = {}
        for org in self._order:
            sup = self.supervisor_of(org.id)
            if sup is not None:
                overseen.setdefault(sup.id, []).append(org)
        self._overseen = {k: tuple(v) for k, v in overseen.items()}

    def _check_acyclic(self) -> None:
        """Raise on parents that form a cycle: one pass, each organization walked once (a deep chain is linear)."""
        done: set[str] = set()
        for org in self._order:
            path: set[str] = set()
            current: Organization | None = org
            while current is not None and current.id not in done:
                if current.id in path:
                    raise ValueError(f"organization {org.id!r}: its parents form a cycle")
                path.add(current.id)
                current = None if current.parent is None else self._by_id[current.parent]
            done |= path

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, OrganizationTree):
            return NotImplemented
        return self._order == other._order and self.members == other.members

    __hash__ = None  # type: ignore[assignment]  # equal trees compare by content; the tree holds mappings

    def __repr__(self) -> str:
        return f"OrganizationTree({list(self._order)!r}, {list(self.members)!r})"

    # -- organizations -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._order)

    def __iter__(self) -> Iterator[Organization]:
        return iter(self._order)

    def __contains__(self, org_id: object) -> bool:
        return org_id in self._by_id

    def __getitem__(self, org_id: str) -> Organization:
        return self._by_id[org_id]

    def position(self, org_id: str) -> int:
        """The place of ``org_id`` in file order (0 for the first); ``KeyError`` when there is none: a lookup, for
        putting a few organizations in file order without a walk of the tree.

        .. versionadded:: 0.1.0
        """
        return self._position[org_id]

    def get(self, org_id: str) -> Organization | None:
        """Return the organization ``org_id``, or ``None``."""
        return self._by_id.get(org_id)

    @property
    def organizations(self) -> tuple[Organization, ...]:
        """All organizations, in file order."""
        return self._order

    def roots(self) -> tuple[Organization, ...]:
        """Organizations without a parent."""
        return self._children.get(None, ())

    def children(self, org_id: str) -> tuple[Organization, ...]:
        """The organizations whose parent is ``org_id``."""
        return self._children.get(org_id, ())

    def descendants(self, org_id: str) -> tuple[Organization, ...]:
        """Every organization below ``org_id``, depth first, in file order."""
        out: list[Organization] = []
        stack = list(reversed(self.children(org_id)))
        while stack:
            org = stack.pop()
            out.append(org)
            stack.extend(reversed(self.children(org.id)))
        return tuple(out)

    def ancestors(self, org_id: str) -> tuple[Organization, ...]:
        """The chain of parents of ``org_id``, nearest first."""
        out: list[Organization] = []
        current = self._by_id[org_id]
        while current.parent is not None:
            current = self._by_id[current.parent]
            out.append(current)
        return tuple(out)

    def supervisor_of(self, org_id: str) -> Organization | None:
        """The organization that supervises ``org_id``: its ``supervisor`` if set, else its parent."""
        org = self._by_id[org_id]
        sup = org.supervisor if org.supervisor is not None else org.parent
        return None if sup is None else self._by_id.get(sup)

    def supervised_by(self, org_id: str) -> tuple[Organization, ...]:
        """The organizations that ``org_id`` supervises directly (their ``supervisor``, else their parent, is
        ``org_id``), in file order: a lookup, not a walk of the tree.

        .. versionadded:: 0.1.0
        """
        return tuple(o for o in self._overseen.get(org_id, ()) if o.id != org_id)

    def overseen_by(self, org_id: str) -> tuple[Organization, ...]:
        """Every organization that ``org_id`` supervises, directly or through the organizations it
        supervises (rolled up through the tree), in file order."""
        seen: dict[str, Organization] = {}
        stack = [org_id]
        while stack:
            current = stack.pop()
            for org in self._overseen.get(current, ()):
                if org.id not in seen and org.id != org_id:
                    seen[org.id] = org
                    stack.append(org.id)
        return tuple(sorted(seen.values(), key=lambda o: self._position[o.id]))

    def linked(self, org_id: str) -> tuple[Organization, ...]:
        """The organizations that ``org_id`` links to (结对单位, 联系村)."""
        return tuple(self._by_id[i] for i in self._by_id[org_id].links if i in self._by_id)

    # -- members -------------------------------------------------------------------------------------

    @property
    def members(self) -> tuple[Member, ...]:
        """All listed members, in file order."""
        return tuple(self._members_by_id.values())

    def member(self, member_id: str) -> Member:
        """The member ``member_id``; raises :class:`KeyError` when unknown."""
        return self._members_by_id[member_id]

    def members_of(self, org_id: str) -> tuple[Member, ...]:
        """The listed members of ``org_id``."""
        return self._members.get(org_id, ())

    def leaders_of(self, org_id: str) -> tuple[Member, ...]:
        """The listed members of ``org_id`` who sit on its committee (书记、委员、领导班子成员)."""
        return tuple(m for m in self.members_of(org_id) if m.is_committee)

    def secretary_of(self, org_id: str) -> Member | None:
        """The secretary of ``org_id``, if listed."""
        for m in self.members_of(org_id):
            if MemberRole.SECRETARY in m.roles:
                return m
        return None

    def home_branch_of(self, member_id: str) -> Organization | None:
        """The branch a member takes part in as an ordinary member (所在支部), if the file says.

        A member of a 党支部 (or of a 党总支 or 党小组) belongs to it. A member of a 党委 or 党组 (a unit's
        leader) names the branch in ``links``: the first linked organization that is a 党支部 or 党总支
        under the member's own organization and on its track. ``None`` when neither holds.
        """
        member = self._members_by_id.get(member_id)
        if member is None:
            return None
        own = self._by_id.get(member.org)
        if own is not None and own.kind in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.GROUP):
            return own
        # the unit's own branches: below its organization and on its track (a town's 机关 branches, not its villages)
        track = own.track if own is not None else None
        if track is None:
            return None
        for link in member.links:
            org = self._by_id.get(link)
            if (
                org is not None
                and org.track == track
                and org.kind in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH)
                and any(up.id == member.org for up in self.ancestors(org.id))  # below it: its parents, not its tree
            ):
                return org
        return None

    def member_count(self, org_id: str) -> int:
        """The member total: the ``members`` count when given, else the number listed."""
        org = self._by_id[org_id]
        listed = len(self.members_of(org_id))
        return max(org.members, listed) if org.members is not None else listed

    def linked_members(self, org_id: str) -> tuple[Member, ...]:
        """Members anywhere in the tree whose ``links`` name ``org_id``."""
        return self._linked_members.get(org_id, ())
