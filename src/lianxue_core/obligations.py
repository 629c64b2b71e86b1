"""Obligations: what an organization must do, how often, and where the rule comes from.

An :class:`Obligation` is one requirement of a guidance plan (or of a standing rule), with its
:class:`Cadence` and its :class:`Source` citation. Track plugins contribute obligations; the
scheduler turns them into dated occurrences. Requirements that cannot be dated (attitudes, styles
of work) are *guidance* obligations with :attr:`CadenceKind.NONE`, so nothing in a plan is dropped.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from .model import Organization, OrganizationTree, OrgKind, _frozen_mapping

__all__ = [
    "ActivityKind",
    "Audience",
    "Cadence",
    "CadenceKind",
    "Obligation",
    "Source",
    "Track",
    "applicable",
    "has_branches",
]

#: When a ``once`` obligation (set up a system, write a plan) is due unless it says: 31 March.
DEFAULT_ONCE_DUE = (3, 31)
#: How many households one leader visits in a week for a per-household obligation (走遍联系村所有农户)
#: unless the obligation says otherwise.
DEFAULT_LOAD_PER_WEEK = 30
OBLIGATION_ID = re.compile(r"^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9.-]*$")
TRACK_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class ActivityKind(enum.StrEnum):
    """What kind of activity an obligation asks for."""

    MEETING = "meeting"  #: 会议（党员大会、支委会、组织生活会）
    STUDY = "study"  #: 集中学习、研讨
    LECTURE = "lecture"  #: 党课
    REVIEW = "review"  #: 民主评议、民主生活会及其步骤
    TALK = "talk"  #: 谈心谈话
    VISIT = "visit"  #: 走访、送学上门、结对帮困
    DUTY = "duty"  #: 制度性工作（督查、指导、排查）
    DELIVERABLE = "deliverable"  #: 需交付的文件（方案、计划、规范）
    GUIDANCE = "guidance"  #: 无法排期的要求（态度、作风、竞赛精神）

    @property
    def label(self) -> str:
        """The Chinese name of the activity kind."""
        return _ACTIVITY_LABELS[self]


_ACTIVITY_LABELS = {
    ActivityKind.MEETING: "会议",
    ActivityKind.STUDY: "学习",
    ActivityKind.LECTURE: "党课",
    ActivityKind.REVIEW: "评议",
    ActivityKind.TALK: "谈心谈话",
    ActivityKind.VISIT: "走访",
    ActivityKind.DUTY: "工作职责",
    ActivityKind.DELIVERABLE: "交付材料",
    ActivityKind.GUIDANCE: "指导性要求",
}


class CadenceKind(enum.StrEnum):
    """How often an obligation recurs."""

    WEEKLY = "weekly"  #: 每周
    MONTHLY = "monthly"  #: 每月
    QUARTERLY = "quarterly"  #: 每季度
    YEARLY = "yearly"  #: 每年（年内）
    WINDOW = "window"  #: 围绕某日的时间窗（七一期间、七一前后）
    DEADLINE = "deadline"  #: 截止日前（年底前）
    ONCE = "once"  #: 一次性（建立制度、制定方案）
    PER_MEMBER = "per-member"  #: 每名党员一次
    PER_HOUSEHOLD = "per-household"  #: 每户一次
    NONE = "none"  #: 不排期（指导性要求）

    @property
    def label(self) -> str:
        """The Chinese name of the cadence."""
        return _CADENCE_LABELS[self]


_CADENCE_LABELS = {
    CadenceKind.WEEKLY: "每周",
    CadenceKind.MONTHLY: "每月",
    CadenceKind.QUARTERLY: "每季度",
    CadenceKind.YEARLY: "每年",
    CadenceKind.WINDOW: "时间窗",
    CadenceKind.DEADLINE: "截止日前",
    CadenceKind.ONCE: "一次",
    CadenceKind.PER_MEMBER: "每名党员",
    CadenceKind.PER_HOUSEHOLD: "每户",
    CadenceKind.NONE: "不排期",
}


def _month_day(value: tuple[int, int] | None) -> None:
    if value is not None:
        dt.date(2024, *value)  # raises ValueError for an impossible month-day (2024 is a leap year)


@attrs.frozen
class Cadence:
    """When an obligation falls due.

    Build one with the class methods: ``Cadence.monthly()``, ``Cadence.window((7, 1), before=15,
    after=15)``, ``Cadence.deadline((12, 31), lead=60)``...

    Args:
        kind: The :class:`CadenceKind`.
        anchor: For a window, the (month, day) it surrounds, e.g. ``(7, 1)`` for 七一.
        before: For a window, how many days before the anchor it opens.
        after: For a window, how many days after the anchor it closes.
        due: For a deadline, the (month, day) it must be done by, e.g. ``(12, 31)`` for 年底前.
        lead: For a deadline, how many days before ``due`` it may start.
        within: For per-member and per-household obligations, the cadence each member or household is
            covered in (``yearly``: once a year; ``monthly``: after each monthly study...).
    """

    kind: CadenceKind
    anchor: tuple[int, int] | None = attrs.field(default=None, validator=lambda _s, _a, v: _month_day(v))
    before: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    after: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    due: tuple[int, int] | None = attrs.field(default=None, validator=lambda _s, _a, v: _month_day(v))
    lead: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    within: CadenceKind | None = None

    @classmethod
    def weekly(cls) -> Cadence:
        """Once in every ISO week."""
        return cls(CadenceKind.WEEKLY)

    @classmethod
    def monthly(cls) -> Cadence:
        """Once in every month."""
        return cls(CadenceKind.MONTHLY)

    @classmethod
    def quarterly(cls) -> Cadence:
        """Once in every quarter."""
        return cls(CadenceKind.QUARTERLY)

    @classmethod
    def yearly(cls) -> Cadence:
        """Once in the year (年内)."""
        return cls(CadenceKind.YEARLY)

    @classmethod
    def window(cls, anchor: tuple[int, int], *, before: int, after: int) -> Cadence:
        """Once in a window of days around ``anchor`` (七一期间: ``window((7, 1), before=15, after=15)``)."""
        return cls(CadenceKind.WINDOW, anchor=anchor, before=before, after=after)

    @classmethod
    def deadline(cls, due: tuple[int, int] = (12, 31), *, lead: int = 0) -> Cadence:
        """Once, by ``due``, no earlier than ``lead`` days before it (年底前: ``deadline((12, 31), lead=60)``)."""
        return cls(CadenceKind.DEADLINE, due=due, lead=lead)

    @classmethod
    def once(cls) -> Cadence:
        """Once, as early as possible (set up a system, write a plan)."""
        return cls(CadenceKind.ONCE)

    @classmethod
    def per_member(cls, within: CadenceKind = CadenceKind.YEARLY) -> Cadence:
        """Once for each member in every ``within`` period (谈心谈话: once a year for every member)."""
        return cls(CadenceKind.PER_MEMBER, within=within)

    @classmethod
    def per_household(cls, within: CadenceKind = CadenceKind.YEARLY) -> Cadence:
        """Once for each household in every ``within`` period (走遍联系村所有农户)."""
        return cls(CadenceKind.PER_HOUSEHOLD, within=within)

    @classmethod
    def none(cls) -> Cadence:
        """No cadence: guidance that cannot be dated."""
        return cls(CadenceKind.NONE)

    def window_dates(self, year: int) -> tuple[dt.date, dt.date]:
        """The first and last day (inclusive) this cadence allows in ``year``, for windows and deadlines."""
        if self.kind is CadenceKind.WINDOW and self.anchor is not None:
            anchor = dt.date(year, *self.anchor)
            return anchor - dt.timedelta(days=self.before), anchor + dt.timedelta(days=self.after)
        if self.kind is CadenceKind.DEADLINE and self.due is not None:
            due = dt.date(year, *self.due)
            start = max(dt.date(year, 1, 1), due - dt.timedelta(days=self.lead)) if self.lead else dt.date(year, 1, 1)
            return start, due
        return dt.date(year, 1, 1), dt.date(year, 12, 31)

    def to_json(self) -> dict[str, Any]:
        """The cadence's parameters as a JSON-ready object (``kind`` and whichever fields are set)."""
        out: dict[str, Any] = {"kind": str(self.kind)}
        if self.anchor is not None:
            out.update(anchor=f"{self.anchor[0]:02d}-{self.anchor[1]:02d}", before=self.before, after=self.after)
        if self.due is not None:
            out.update(due=f"{self.due[0]:02d}-{self.due[1]:02d}", lead=self.lead)
        if self.within is not None:
            out["within"] = str(self.within)
        return out

    def describe(self) -> str:
        """A short Chinese description, e.g. ``每月`` or ``07-01 前15天至后15天``."""
        if self.kind is CadenceKind.WINDOW and self.anchor:
            return f"{self.anchor[0]}月{self.anchor[1]}日前{self.before}天至后{self.after}天"
        if self.kind is CadenceKind.DEADLINE and self.due:
            lead = f"（提前{self.lead}天内）" if self.lead else ""
            return f"{self.due[0]}月{self.due[1]}日前{lead}"
        if self.within is not None:
            return f"{self.kind.label}{_CADENCE_LABELS[self.within]}一次"
        return self.kind.label


@attrs.frozen
class Source:
    """Where an obligation comes from.

    Args:
        document: The document number, e.g. ``德组通〔2016〕18号``.
        plan: The plan (attachment) number in the document, 1 to 4, or ``None`` for a single-rule document.
        section: The section heading, e.g. ``二、主要举措``.
        item: The item heading within the section, e.g. ``1．专题学习强党性``, or ``""``.
        quote: The verbatim clause of the source text.
        title: The title of the plan or document, e.g.
            ``关于在县机关部门、事业单位党员中开展“两学一做”学习教育的指导方案``.
    """

    document: str
    section: str
    quote: str
    plan: int | None = None
    item: str = ""
    title: str = ""

    def citation(self) -> str:
        """A one-line Chinese citation: document, plan, section and item."""
        parts = [self.document]
        if self.plan is not None:
            parts.append(f"附件{self.plan}" + (f"《{self.title}》" if self.title else ""))
        elif self.title:
            parts.append(f"《{self.title}》")
        parts.append(self.section)
        if self.item:
            parts.append(self.item)
        return " ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The citation as a JSON-ready object."""
        return {
            "document": self.document,
            "title": self.title,
            "plan": self.plan,
            "section": self.section,
            "item": self.item,
            "quote": self.quote,
        }


class Audience(enum.StrEnum):
    """Who leads or attends an activity."""

    ALL_MEMBERS = "all-members"  #: 全体党员
    COMMITTEE = "committee"  #: 支部班子成员（书记、副书记、委员）
    SECRETARY = "secretary"  #: 党组织书记
    LEADERS = "leaders"  #: 领导班子成员、党员领导干部
    CADRES = "cadres"  #: 机关干部
    SUBORDINATE_SECRETARIES = "subordinate-secretaries"  #: 所辖各领域党组织书记
    LINKED_MEMBERS = "linked-members"  #: 联系、结对单位的党员
    FLAGGED_MEMBERS = "flagged-members"  #: 老党员、行动不便党员、认知困难党员
    UNIT_MEMBERS = "unit-members"  #: 全体党员（本组织及所属党总支、党支部、党小组）
    SUPERVISOR = "supervisor"  #: 上级党组织、督查专人
    ORGANIZATION = "organization"  #: 党组织本身（制度、材料）

    @property
    def label(self) -> str:
        """The Chinese name of the audience."""
        return _AUDIENCE_LABELS[self]


_AUDIENCE_LABELS = {
    Audience.ALL_MEMBERS: "全体党员",
    Audience.COMMITTEE: "支部班子成员",
    Audience.SECRETARY: "党组织书记",
    Audience.LEADERS: "领导班子成员",
    Audience.CADRES: "干部",
    Audience.SUBORDINATE_SECRETARIES: "所辖党组织书记",
    Audience.LINKED_MEMBERS: "联系单位党员",
    Audience.FLAGGED_MEMBERS: "老党员、行动不便党员、认知困难党员",
    Audience.UNIT_MEMBERS: "全体党员（含所属党支部）",
    Audience.SUPERVISOR: "督查人员",
    Audience.ORGANIZATION: "党组织",
}

_ALL_KINDS = tuple(OrgKind)


def _kinds(value: Iterable[OrgKind | str]) -> tuple[OrgKind, ...]:
    kinds = {OrgKind(v) for v in value}
    return tuple(k for k in _ALL_KINDS if k in kinds)


def _positive(_self: object, attr: attrs.Attribute[Any], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"obligation field {attr.name!r} must be a whole number of at least 1, not {value!r}")


def _to_month_day(value: Iterable[int]) -> tuple[int, int]:
    month, day = (int(v) for v in value)
    _month_day((month, day))
    return (month, day)


def _check_id(_self: object, _attr: object, value: str) -> None:
    if not OBLIGATION_ID.match(value):
        raise ValueError(f"obligation id {value!r} is not of the form '<track>.<slug>' (lower-case, digits, '-')")


@attrs.frozen
class Obligation:
    """One requirement an organization must meet.

    Args:
        id: Stable id ``<track>.<slug>``, e.g. ``village.monthly-study``. Calendars derive UIDs from it:
            never change an id once released.
        track: The key of the track the obligation belongs to (``"*"`` for rules that apply to every
            track, such as the standing branch rules).
        title: A short Chinese title, used as the calendar SUMMARY.
        kind: The :class:`ActivityKind`.
        cadence: When it falls due.
        source: Where it comes from.
        applies_to: The organization kinds it applies to.
        leads: Who leads it.
        attends: Who attends it (or who is covered, for per-member obligations).
        description: What to do, in Chinese, for the calendar DESCRIPTION.
        after: Ids of obligations that must come before it in the same year (ordered procedures).
        for_flags: For per-member obligations, only members with one of these flags (送学上门).
        attend_links: Whether the ``attends`` audience must also attend the same activity in each linked
            organization (镇班子成员参加联系村专题组织生活会).
        combines_with: Ids of obligations that one activity can serve together with this one when both
            fall in the same period (a plan's quarterly all-member meeting is also the standing rule's
            支部党员大会). The scheduler holds one activity for both and says so, instead of doubling
            meetings silently.
        fixed_day: Held on the organization's fixed monthly day (党员固定活动日, option ``activity_day``):
            a monthly obligation the source ties to that day (主题党日, the monthly study). The planner
            puts it on the rule's day, or the next day the organization may meet when that is a holiday
            or rest day, and says why.
        part_of: The id of the meeting this obligation is a step of (个人自评、党员互评、民主测评 in the
            year-end 全体党员会议): it is held in that meeting and listed in its agenda, in catalogue order,
            instead of being a meeting of its own. Where that meeting does not apply, it is placed alone.
        per_branch: Held by each 党支部 (以党支部为单位): an organization with 党支部 or 党总支 below it (a
            党总支, a 村党委) leaves it to them and does not repeat it.
        attend_home: An attendance duty: the ``leads`` attend the activities named in ``combines_with``
            in their own branch (所在支部: the branch among their ``links`` under their organization), as
            ordinary members. It is met by being in that branch's meeting, not by a meeting of its own.
        also_attends: Further audiences invited besides ``attends`` (所辖各领域党组织书记).
        precedes: Ids of obligations whose first activity of the year this one must come before (the
            年度组织生活计划 before the first monthly activity it governs).
        record_requires: Record fields a check wants filled for it: ``topic`` (主题), ``comment`` (书记点评),
            ``lecturer`` (主讲人). A 党课 always wants its lecturer.
        record_attendance: Whether a check wants the planned people named among the attendees (班子成员参加
            所在支部的组织生活会).
        keeps_points: An organization with this obligation keeps study points (学习教育积分管理制度): its
            records are scored with the default rules unless a plugin's ``lianxue_points_rules`` answers.
        minutes: The length of each activity in minutes; ``None``: the organization's ``meeting_minutes``
            (``talk_minutes`` for talks, 180 for visits). An organization's ``<slug>.minutes`` option wins.
        all_day: Shown as an all-day (or multi-day) item even when the kind is a timed one (a 主题党日
            outing, a zone's 4+X reminder).
        people: Member ids booked into every activity besides the audiences (a zone's inspector, the
            secretaries a forum books).
        load_per_week: For a per-household obligation, how many households one leader visits in a week.
        lecture_per_link: For a leaders' 党课 at linked organizations (``attend_links``): one lecture in
            each linked organization instead of one in all.
        due: For a ``once`` obligation, the (month, day) it is due by (default 31 March).
        options: Plugin data the core does not read (a plugin's own settings, kept with the obligation so
            that its other hooks can see them).
    """

    id: str = attrs.field(validator=_check_id)
    track: str
    title: str
    kind: ActivityKind
    cadence: Cadence
    source: Source
    applies_to: tuple[OrgKind, ...] = attrs.field(default=_ALL_KINDS, converter=_kinds)
    leads: Audience = Audience.SECRETARY
    attends: Audience = Audience.ALL_MEMBERS
    description: str = ""
    after: tuple[str, ...] = ()
    for_flags: tuple[str, ...] = ()
    attend_links: bool = False
    combines_with: tuple[str, ...] = ()
    fixed_day: bool = False
    part_of: str = ""
    per_branch: bool = False
    attend_home: bool = False
    also_attends: tuple[Audience, ...] = ()
    precedes: tuple[str, ...] = ()
    record_requires: tuple[str, ...] = ()
    record_attendance: bool = False
    keeps_points: bool = False
    minutes: int | None = attrs.field(default=None, validator=attrs.validators.optional(_positive))
    all_day: bool = False
    people: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    load_per_week: int = attrs.field(default=DEFAULT_LOAD_PER_WEEK, validator=_positive)
    lecture_per_link: bool = False
    due: tuple[int, int] = attrs.field(default=DEFAULT_ONCE_DUE, converter=_to_month_day)
    options: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_mapping, hash=False)

    @property
    def slug(self) -> str:
        """The id without its track: ``monthly-study`` for ``village.monthly-study``."""
        return self.id.split(".", 1)[1]

    @property
    def attendance(self) -> bool:
        """Whether the obligation is met by attending other organizations' or branches' activities
        (``attend_home``, or ``attend_links`` on a meeting named in ``combines_with``)."""
        return (
            (self.attend_home or self.attend_links)
            and bool(self.combines_with)
            and self.kind
            in (
                ActivityKind.MEETING,
                ActivityKind.REVIEW,
            )
        )

    @property
    def schedulable(self) -> bool:
        """Whether the obligation can be put on a calendar (it has a cadence)."""
        return self.cadence.kind is not CadenceKind.NONE

    def applies(self, org: Organization) -> bool:
        """Whether the obligation applies to ``org``: same track (or ``"*"``) and a listed kind."""
        return (self.track == "*" or self.track == org.track) and org.kind in self.applies_to

    def settings(self) -> dict[str, Any]:
        """The planner settings that concern this obligation, by field name: ``minutes``, ``all_day`` and
        ``people`` when set, ``load_per_week`` for a per-household obligation, ``lecture_per_link`` for a
        lecture at linked organizations, ``due`` for a ``once`` obligation (for listings)."""
        out: dict[str, Any] = {}
        if self.minutes is not None:
            out["minutes"] = self.minutes
        if self.all_day:
            out["all_day"] = True
        if self.people:
            out["people"] = list(self.people)
        if self.cadence.kind is CadenceKind.PER_HOUSEHOLD:
            out["load_per_week"] = self.load_per_week
        if self.kind is ActivityKind.LECTURE and self.attend_links:
            out["lecture_per_link"] = self.lecture_per_link
        if self.cadence.kind is CadenceKind.ONCE:
            out["due"] = f"{self.due[0]:02d}-{self.due[1]:02d}"
        return out

    def to_json(self) -> dict[str, Any]:
        """The obligation as the JSON object ``lianxue obligations --format json`` prints."""
        return {
            "id": self.id,
            "track": self.track,
            "applies_to": [str(k) for k in self.applies_to],
            "title": self.title,
            "kind": str(self.kind),
            "cadence": str(self.cadence.kind),
            "timing": self.cadence.to_json(),
            "schedulable": self.schedulable,
            "leads": str(self.leads),
            "attends": str(self.attends),
            "attend_links": self.attend_links,
            "after": list(self.after),
            "for_flags": list(self.for_flags),
            "combines_with": list(self.combines_with),
            "fixed_day": self.fixed_day,
            "part_of": self.part_of,
            "per_branch": self.per_branch,
            "attend_home": self.attend_home,
            "also_attends": [str(a) for a in self.also_attends],
            "precedes": list(self.precedes),
            "record_requires": list(self.record_requires),
            "record_attendance": self.record_attendance,
            "keeps_points": self.keeps_points,
            "settings": self.settings(),
            "description": self.description,
            "source": self.source.to_json(),
        }


@attrs.frozen
class Track:
    """A kind of organization with its own guidance plan.

    Args:
        key: The track key used in organization files, e.g. ``village``.
        name: Its Chinese name, e.g. ``农村``.
        plan: The plan number in the source document, or ``None``.
        description: One sentence on which organizations belong to it.
        supervised_by: Who supervises organizations of this track, in Chinese.
    """

    key: str = attrs.field(validator=attrs.validators.matches_re(TRACK_KEY))
    name: str
    plan: int | None = None
    description: str = ""
    supervised_by: str = ""


#: Kinds that hold per-branch activities themselves (以党支部为单位).
_BRANCH_KINDS = frozenset({OrgKind.BRANCH, OrgKind.GENERAL_BRANCH})


def has_branches(org: Organization, tree: OrganizationTree) -> bool:
    """Whether ``org`` has a 党支部 or 党总支 directly below it, which then holds the per-branch duties
    (:attr:`Obligation.per_branch`) in its place."""
    return any(child.kind in _BRANCH_KINDS for child in tree.children(org.id))


def applicable(obligations: Iterable[Obligation], org: Organization) -> list[Obligation]:
    """The obligations among ``obligations`` that apply to ``org`` (see :meth:`Obligation.applies`).

    A track plugin's ``lianxue_obligations`` is often just ``return applicable(CATALOGUE, organization)``.
    """
    return [o for o in obligations if o.applies(org)]
