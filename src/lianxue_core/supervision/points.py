"""Study points (学习教育积分): what each record earns each member, totalled per member and organization.

Plans 1 and 4 ask for a points system (“探索建立党员学习教育积分管理制度，将党员参加学习情况与年终考核挂钩”;
“推行……党员学习积分制”). lianxue scores every organization that has such an obligation (one with
:attr:`~lianxue_core.Obligation.keeps_points`) with :class:`DefaultPointsRules`, unless a plugin's
``lianxue_points_rules`` hook returns other rules for it; a plugin can also switch points on for any
organization that way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol, runtime_checkable

import attrs

from ..i18n import _
from ..model import OrganizationTree
from ..obligations import ActivityKind, Obligation
from .findings import Record

__all__ = ["Award", "DefaultPointsRules", "MemberPoints", "PointsRules", "has_points_system", "score"]


@attrs.frozen
class Award:
    """Points one member earns from one record.

    Args:
        member: The member id (or the name as written, for a member not listed in the organization file).
        points: The points.
        reason: Why, as reports show it (the default rules' in the language chosen: ``参加支部党员大会``,
            ``讲授支部党课``... in Chinese).
    """

    member: str
    points: float
    reason: str


@runtime_checkable
class PointsRules(Protocol):
    """What a points rule set provides: a name and the awards of one record."""

    @property
    def name(self) -> str:
        """The rule set's name, shown in reports."""
        ...

    def awards(self, record: Record, obligation: Obligation, tree: OrganizationTree) -> Sequence[Award]:
        """The points ``record`` (of ``obligation``) earns, member by member."""
        ...


#: Activity kinds whose attendees earn attendance points.
ATTENDED_KINDS = frozenset({ActivityKind.MEETING, ActivityKind.STUDY, ActivityKind.LECTURE, ActivityKind.REVIEW})


@attrs.frozen
class DefaultPointsRules:
    """lianxue's default rules.

    - attendance: every attendee named in a meeting, study, lecture or review record earns ``attendance``;
    - lectures given: the lecturer of a lecture (党课) earns ``lecture``;
    - talks: in a 谈心谈话 record, every member talked with (``members``) and every attendee conducting the
      talk earns ``talk``;
    - visits: every member covered by a visit record (送学上门, pairings) earns ``visit``.

    A member earns attendance or talk points once per record, however often named. The default ``name`` and the
    awards' reasons are in the language chosen when the rules are made and applied (lianxue 默认积分规则 in Chinese).
    """

    name: str = attrs.field(factory=lambda: _("lianxue default points rules"))
    attendance: float = 1.0
    lecture: float = 3.0
    talk: float = 1.0
    visit: float = 1.0

    def awards(self, record: Record, obligation: Obligation, tree: OrganizationTree) -> Sequence[Award]:
        """The points ``record`` earns under these rules."""
        out: list[Award] = []
        kind = obligation.kind
        if kind in ATTENDED_KINDS:
            attended = _("attended {title}").format(title=obligation.title)
            out += [Award(m, self.attendance, attended) for m in record.attendees]
        if kind is ActivityKind.LECTURE and record.lecturer:
            out.append(Award(record.lecturer, self.lecture, _("gave {title}").format(title=obligation.title)))
        if kind is ActivityKind.TALK:
            people = dict.fromkeys([*record.members, *record.attendees])
            talk = _("heart-to-heart talk")
            out += [Award(m, self.talk, talk) for m in people]
        if kind is ActivityKind.VISIT:
            out += [Award(m, self.visit, obligation.title) for m in record.members]
        return out


def has_points_system(obligations: Iterable[Obligation]) -> bool:
    """Whether an organization with ``obligations`` must keep study points (:attr:`Obligation.keeps_points`)."""
    return any(o.keeps_points for o in obligations)


@attrs.frozen
class MemberPoints:
    """One member's points for the year.

    Args:
        member: The member id (or name as written, when not listed).
        name: The member's name.
        org: The organization the points count for (the member's own organization when listed).
        points: The total.
        items: How many awards, by reason.
    """

    member: str
    name: str
    org: str
    points: float
    items: Mapping[str, float] = attrs.field(factory=dict)

    def to_json(self) -> dict[str, object]:
        """The member's points as a JSON-ready object."""
        return {
            "member": self.member,
            "name": self.name,
            "org": self.org,
            "points": self.points,
            "items": dict(self.items),
        }


def score(
    records: Iterable[Record],
    tree: OrganizationTree,
    obligations: Mapping[str, Obligation],
    rules_for: Callable[[str], PointsRules | None],
) -> tuple[MemberPoints, ...]:
    """Every member's points from ``records``, sorted by organization (file order), then points, then id.

    Args:
        records: The records of the year.
        tree: The organization tree.
        obligations: Obligations by id.
        rules_for: The rules for an organization id, or ``None`` where it keeps no points.
    """
    totals: dict[tuple[str, str], dict[str, float]] = {}
    cache: dict[str, PointsRules | None] = {}
    for record in records:
        if record.org not in cache:
            cache[record.org] = rules_for(record.org)
        rules = cache[record.org]
        ob = obligations.get(record.obligation)
        if rules is None or ob is None:
            continue
        seen: set[tuple[str, str]] = set()
        for award in rules.awards(record, ob, tree):
            if (award.member, award.reason) in seen:
                continue
            seen.add((award.member, award.reason))
            try:
                org = tree.member(award.member).org
            except KeyError:
                org = record.org
            if org not in cache:
                cache[org] = rules_for(org)
            if cache[org] is None:
                continue
            items = totals.setdefault((org, award.member), {})
            items[award.reason] = items.get(award.reason, 0.0) + award.points
    order = {o.id: n for n, o in enumerate(tree)}
    out = []
    for (org, member), items in totals.items():
        try:
            name = tree.member(member).name
        except KeyError:
            name = member
        out.append(MemberPoints(member, name, org, round(sum(items.values()), 2), dict(sorted(items.items()))))
    return tuple(sorted(out, key=lambda m: (order.get(m.org, 0), -m.points, m.member)))
