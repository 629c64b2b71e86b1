"""Hypothesis strategies and checks for the planner.

``planning_inputs()`` draws a small organization tree, a set of obligations for each organization
and a year; :func:`plan_problems` says everything a plan does wrong against the planner's promises
(see ``docs/planning.md``). The obligations are the tests' own, not the track plugins', so the
properties do not move when a plugin's catalogue does.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from hypothesis import strategies as st

from lianxue_core.model import MemberRole, OrganizationTree
from lianxue_core.obligations import ActivityKind, Audience, Cadence, CadenceKind, Obligation, Source
from lianxue_core.orgoptions import meeting_options
from lianxue_core.scheduling import Occurrence, Plan, periods
from lianxue_core.scheduling.planner import TIMED_KINDS
from lianxue_core.testing import TreeBuilder
from lianxue_core.workdays import WorkdayCalendar, official_calendar, provisional_calendar

__all__ = [
    "YEARS",
    "Inputs",
    "calendar_for",
    "expected_count",
    "obligation",
    "plan_problems",
    "planning_inputs",
]

YEARS = (2025, 2026, 2027)
SOURCE = Source(document="测试〔2026〕1号", section="一、测试", quote="测试条款")
ACTIVITY_DAYS = ("每月第一个星期五", "每月15日", "每月最后一个周三", "每月第二个星期一", "每月31日")
_CN_NTH = {1: "第一个", 2: "第二个", 3: "第三个", 4: "第四个", 5: "第五个", -1: "最后一个"}
_CN_WEEKDAY = "一二三四五六日"
_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@st.composite
def activity_days(draw: st.DrawFn) -> str:
    """A fixed activity day as an organization file writes it: ``每月第三个星期四``, ``每月最后一个周日``,
    ``每月31日``, or an RFC 5545 monthly rule."""
    form = draw(st.integers(0, 3))
    if form == 0:
        nth = draw(st.sampled_from(list(_CN_NTH)))
        weekday = draw(st.integers(1, 7))
        word = draw(st.sampled_from(["星期", "周", "礼拜"]))
        return f"每月{_CN_NTH[nth]}{word}{_CN_WEEKDAY[weekday - 1]}"
    if form == 1:
        return f"每月{draw(st.integers(1, 31))}{draw(st.sampled_from(['日', '号']))}"
    if form == 2:
        nth = draw(st.sampled_from([1, 2, 3, 4, -1]))
        return f"FREQ=MONTHLY;BYDAY={nth}{draw(st.sampled_from(_RRULE_DAYS))}"
    return draw(st.sampled_from(ACTIVITY_DAYS))


_COMMITTEE = frozenset({MemberRole.SECRETARY, MemberRole.DEPUTY_SECRETARY, MemberRole.COMMITTEE})


def calendar_for(year: int) -> WorkdayCalendar:
    """The built-in working-day calendar of ``year`` (official up to 2026, provisional after)."""
    return official_calendar(year) or provisional_calendar(year)


def obligation(slug: str, cadence: Cadence, kind: ActivityKind = ActivityKind.MEETING, **kw: Any) -> Obligation:
    """A test obligation ``t.<slug>`` that applies to every kind of organization."""
    return Obligation(id=f"t.{slug}", track="t", title=f"测试{slug}", kind=kind, cadence=cadence, source=SOURCE, **kw)


@attrs.frozen
class Inputs:
    """One planning problem: a tree, each organization's obligations, and a year."""

    tree: OrganizationTree
    obligations: Mapping[str, tuple[Obligation, ...]]
    year: int

    @property
    def calendar(self) -> WorkdayCalendar:
        return calendar_for(self.year)


# -- obligations ---------------------------------------------------------------------------------------

_cadences = st.one_of(
    st.just(Cadence.weekly()),
    st.just(Cadence.monthly()),
    st.just(Cadence.quarterly()),
    st.just(Cadence.yearly()),
    st.builds(
        lambda m, d, b, a: Cadence.window((m, d), before=b, after=a),
        st.integers(1, 12),
        st.integers(1, 28),
        st.integers(0, 20),
        st.integers(0, 20),
    ),
    st.builds(
        lambda m, d, lead: Cadence.deadline((m, d), lead=lead),
        st.integers(1, 12),
        st.integers(1, 28),
        st.integers(0, 90),
    ),
    st.just(Cadence.once()),
    st.builds(Cadence.per_member, st.sampled_from([CadenceKind.YEARLY, CadenceKind.QUARTERLY, CadenceKind.MONTHLY])),
    st.just(Cadence.per_household()),
)
_kinds = st.sampled_from([k for k in ActivityKind if k is not ActivityKind.GUIDANCE])
_leads = st.sampled_from([Audience.SECRETARY, Audience.COMMITTEE, Audience.LEADERS])
_attends = st.sampled_from(
    [Audience.ALL_MEMBERS, Audience.COMMITTEE, Audience.LEADERS, Audience.CADRES, Audience.ORGANIZATION]
)


@st.composite
def obligation_pools(draw: st.DrawFn, max_size: int = 6) -> list[Obligation]:
    """A list of obligations ``t.o0``, ``t.o1``...: each may follow or combine with the ones before it."""
    size = draw(st.integers(1, max_size))
    pool: list[Obligation] = []
    for n in range(size):
        cadence = draw(_cadences)
        kind = draw(_kinds)
        kw: dict[str, Any] = {"leads": draw(_leads), "attends": draw(_attends)}
        if cadence.kind is CadenceKind.MONTHLY and draw(st.booleans()):
            kw["fixed_day"] = True
        if cadence.kind is CadenceKind.ONCE and draw(st.booleans()):
            kw["due"] = (draw(st.integers(1, 12)), draw(st.integers(1, 28)))
        if cadence.kind is CadenceKind.PER_MEMBER:
            kw["leads"] = draw(st.sampled_from([Audience.SECRETARY, Audience.COMMITTEE]))
            kw["attends"] = draw(st.sampled_from([Audience.ALL_MEMBERS, Audience.COMMITTEE]))
            if draw(st.booleans()):
                kw["for_flags"] = ("elderly",)
                kw["attends"] = Audience.FLAGGED_MEMBERS
        if cadence.kind is CadenceKind.PER_HOUSEHOLD:
            kind = ActivityKind.VISIT
            kw["load_per_week"] = draw(st.integers(5, 40))
        earlier = [o.id for o in pool if o.cadence.kind is not CadenceKind.PER_HOUSEHOLD]
        if earlier and cadence.kind is not CadenceKind.PER_HOUSEHOLD and draw(st.integers(0, 3)) == 0:
            kw["after"] = (draw(st.sampled_from(earlier)),)
        if earlier and draw(st.integers(0, 4)) == 0:
            partner = draw(st.sampled_from(earlier))
            if partner not in kw.get("after", ()):
                kw["combines_with"] = (partner,)
        if cadence.kind is not CadenceKind.PER_HOUSEHOLD and draw(st.integers(0, 4)) == 0:
            kw["attend_links"] = True
        pool.append(obligation(f"o{n}", cadence, kind, **kw))
    return pool


# -- trees ---------------------------------------------------------------------------------------------


@st.composite
def trees(draw: st.DrawFn, prefix: str = "", max_orgs: int = 4, link_to: Sequence[str] = ()) -> OrganizationTree:
    """A small tree whose ids start with ``prefix``: a few orgs with members, options and links."""
    n_orgs = draw(st.integers(1, max_orgs))
    org_ids = [f"{prefix}o{i}" for i in range(n_orgs)]
    members: list[tuple[str, str, dict[str, Any]]] = []
    for i, org_id in enumerate(org_ids):
        for j in range(draw(st.integers(0, 5))):
            roles = draw(
                st.sets(st.sampled_from(["secretary", "deputy-secretary", "committee", "leader", "cadre"]), max_size=2)
            )
            if j == 0 and draw(st.booleans()):
                roles.add("secretary")
            elif j > 0:
                roles.discard("secretary")
            flags = ["elderly"] if draw(st.integers(0, 3)) == 0 else []
            links = draw(st.lists(st.sampled_from([*org_ids, *link_to]), max_size=2, unique=True))
            members.append((f"{prefix}m{i}-{j}", org_id, {"roles": sorted(roles), "flags": flags, "links": links}))
    member_ids = [m[0] for m in members]
    b = TreeBuilder()
    for i, org_id in enumerate(org_ids):
        listed = sum(1 for m in members if m[1] == org_id)
        options: dict[str, Any] = {}
        weekdays = draw(st.one_of(st.none(), st.lists(st.integers(1, 7), min_size=1, max_size=7, unique=True)))
        if weekdays is not None:
            options["weekdays"] = weekdays
        if draw(st.booleans()):
            options["allow_weekends"] = True
        if draw(st.booleans()):
            options["evening"] = True
        if draw(st.booleans()):
            options["activity_day"] = draw(activity_days())
        if draw(st.booleans()):
            options["meeting_minutes"] = draw(st.integers(30, 180))
        if draw(st.integers(0, 3)) == 0:
            options["talks_per_day"] = draw(st.integers(1, 4))
        if member_ids and draw(st.integers(0, 3)) == 0:
            options["lecturer"] = draw(st.sampled_from(member_ids))
        b.org(
            org_id,
            kind="committee" if i == 0 else "branch",
            parent=None if i == 0 else draw(st.sampled_from(org_ids[:i])),
            links=draw(st.lists(st.sampled_from(org_ids), max_size=2, unique=True)),
            members=draw(st.one_of(st.none(), st.integers(listed, listed + 6))),
            households=draw(st.one_of(st.none(), st.integers(1, 400))),
            **options,
        )
    for member_id, org_id, kw in members:
        b.member(member_id, f"党员{member_id}", org_id, **kw)
    return b.build()


@st.composite
def planning_inputs(draw: st.DrawFn, prefix: str = "", years: Sequence[int] = YEARS) -> Inputs:
    """A tree, each organization's obligations (a subset of one pool, in pool order) and a year."""
    tree = draw(trees(prefix))
    pool = draw(obligation_pools())
    obligations = {org.id: tuple(o for o in pool if draw(st.integers(0, 3)) > 0) or (pool[0],) for org in tree}
    return Inputs(tree, obligations, draw(st.sampled_from(list(years))))


# -- checks --------------------------------------------------------------------------------------------


def _last_day(occ: Occurrence) -> dt.date:
    end = occ.end
    return end.date() if isinstance(end, dt.datetime) else end


def covered_slots(tree: OrganizationTree, org_id: str, ob: Obligation) -> int:
    """How many members a per-member obligation covers in ``org_id`` (listed, plus anonymous slots)."""
    members = tree.members_of(org_id)
    if ob.for_flags:
        return sum(1 for m in members if {str(f) for f in m.flags} & set(ob.for_flags))
    if ob.attends is Audience.COMMITTEE:
        return sum(1 for m in members if m.roles & _COMMITTEE)
    return tree.member_count(org_id)


def expected_count(inputs: Inputs, org_id: str, ob: Obligation) -> int | None:
    """How many requests ``ob`` makes in ``org_id``: one per period (per member); ``None`` when unknown."""
    n = len(periods(ob.cadence, inputs.year))
    if ob.attendance or (ob.attend_links and ob.kind is ActivityKind.LECTURE):
        return None  # one per person and organization attended: checked below
    if ob.cadence.kind is CadenceKind.PER_MEMBER:
        return n * covered_slots(inputs.tree, org_id, ob)
    if ob.cadence.kind is CadenceKind.PER_HOUSEHOLD:
        return None  # depends on who visits which village; checked in the example tests
    return n


def _allowed(calendar: WorkdayCalendar, options: Mapping[str, Any], day: dt.date) -> bool:
    opts, _ = meeting_options(options)
    if calendar.is_holiday(day):
        return False
    if day in calendar.workdays:
        return True
    wd = day.isoweekday()
    if wd >= 6 and opts.allow_weekends:
        return True
    return wd in opts.weekdays


def plan_problems(inputs: Inputs, plan: Plan) -> list[str]:
    """Everything ``plan`` does wrong for ``inputs``, as sentences; empty when it keeps every promise."""
    tree, year, cal = inputs.tree, inputs.year, inputs.calendar
    problems: list[str] = []
    by_id = {o.id: o for obs in inputs.obligations.values() for o in obs}
    year_first, year_last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    # 1. every occurrence in its period, window or deadline, and in the year; never on a holiday;
    #    a timed one on an allowed day, provisional exactly when the year is.
    for occ in plan.occurrences:
        ob = by_id[occ.obligation]
        day, last = occ.first_day, _last_day(occ)
        where = f"{occ.key} on {day}"
        if not (year_first <= day <= last <= year_last) and not (isinstance(occ.end, dt.datetime) and day <= year_last):
            problems.append(f"{where}: outside {year}")
        if ob.cadence.kind is CadenceKind.PER_HOUSEHOLD:
            pass
        else:
            spans = {p.label: p for p in periods(ob.cadence, year)}
            period = spans.get(occ.period)
            if period is None:
                problems.append(f"{where}: unknown period {occ.period}")
            elif not period.first <= day <= period.last or (occ.all_day and last > period.last):
                problems.append(f"{where}: outside its period {period.first}..{period.last}")
        due = dt.date(year, *ob.due)
        tied = any(ob.id in o.after for o in by_id.values())  # a set-up step tied to a later one
        if ob.cadence.kind is CadenceKind.ONCE and occ.first_day > due and not tied:
            problems.append(f"{where}: after its due date")
        if cal.is_holiday(day) or cal.is_holiday(last):
            problems.append(f"{where}: on a statutory holiday")
        fixed = meeting_options(tree[occ.org].options)[0].activity_day
        named = ob.fixed_day and fixed is not None and fixed.names_weekend and day == fixed.in_month(year, day.month)
        visiting = bool(occ.at_org)  # held at another organization's activity, on that one's day
        if not occ.all_day and not _allowed(cal, tree[occ.org].options, day) and not named and not visiting:
            problems.append(f"{where}: not a day {occ.org} may meet on")
        if occ.provisional != cal.provisional:
            problems.append(f"{where}: provisional is {occ.provisional}, the year's is {cal.provisional}")
        if not occ.all_day and ob.kind not in TIMED_KINDS:
            problems.append(f"{where}: a {ob.kind} should be an all-day item")
    # 2. nobody double-booked; no organization in two of its own activities at once.
    #    A per-member item held at the activity it combines with is part of that activity: only the
    #    people it adds are checked.
    busy: dict[str, list[Occurrence]] = {}
    for occ in plan.occurrences:
        if occ.all_day:
            continue
        holders = list(occ.people) + ([] if occ.slot else [f"org:{occ.org}"])
        if occ.at_org:  # a leader's 党课 at another organization: the leader is among the host's people
            hosts = [
                o
                for o in plan.occurrences
                if o.org == occ.at_org and o.obligation == occ.at and (o.start, o.end) == (occ.start, occ.end)
            ]
            if len(hosts) != 1:
                problems.append(f"{occ.key}: held at {len(hosts)} activities of {occ.at_org}")
            continue
        if occ.note.startswith("结合"):
            hosts = [
                o
                for o in plan.occurrences
                if o.org == occ.org
                and (  # the activity it combines with, or the one that fulfils that activity
                    o.obligation in by_id[occ.obligation].combines_with
                    or any(c in o.also_fulfils for c in by_id[occ.obligation].combines_with)
                )
                and o.obligation == occ.at
                and (o.start, o.end) == (occ.start, occ.end)
                and not o.slot
            ]
            if len(hosts) != 1:
                problems.append(f"{occ.key}: held at {len(hosts)} activities")
                continue
            holders = [p for p in occ.people if p not in hosts[0].people]
        for person in holders:
            busy.setdefault(person, []).append(occ)
    for person, items in busy.items():
        items.sort(key=lambda o: o.start)
        for a, b in itertools.pairwise(items):
            assert isinstance(a.end, dt.datetime)
            assert isinstance(b.start, dt.datetime)
            if b.start < a.end:
                problems.append(f"{person} double-booked: {a.key} {a.start} and {b.key} {b.start}")
    # 3. counts: placed + unplaced + combined == one per period (per member); nothing dropped.
    placed = Counter((o.org, o.obligation) for o in plan.occurrences)
    unplaced = Counter((u.org, u.obligation) for u in plan.unplaced)
    combined = Counter((c.org, c.obligation) for c in plan.combined)
    for org_id, obs in inputs.obligations.items():
        for ob in obs:
            key = (org_id, ob.id)
            expected = expected_count(inputs, org_id, ob)
            got = placed[key] + unplaced[key] + combined[key]
            if expected == 0 and got == unplaced[key] == 1:
                continue  # nobody to cover: said once, with the reason (nothing silent)
            if expected is not None and got != expected:
                problems.append(
                    f"{org_id} {ob.id} ({ob.cadence.kind}): {placed[key]} placed + {unplaced[key]} unplaced"
                    f" + {combined[key]} combined != {expected}"
                )
    # 3b. each attendance duty: every person it names is in the meeting attended, or the plan says why.
    for org_id, obs in inputs.obligations.items():
        for ob in obs:
            if not ob.attendance:
                continue
            answered = sum(1 for c in plan.combined if (c.org, c.obligation) == (org_id, ob.id))
            answered += sum(1 for u in plan.unplaced if (u.org, u.obligation) == (org_id, ob.id))
            if _audience_size(tree, org_id, ob.attends) and not answered:
                problems.append(f"{org_id} {ob.id}: attendance duty neither met nor reported")
            for c in plan.combined:
                if (c.org, c.obligation) != (org_id, ob.id):
                    continue
                target, _, host = c.by.partition(":")
                member = c.slot.split("/", 1)[0]
                if not any(o.org == target and o.obligation == host and member in o.people for o in plan.occurrences):
                    problems.append(f"{org_id} {ob.id}: {member} is not in {target}'s {host}")
    # 3c. nothing both fulfilled by another activity and held again.
    held = {(o.org, o.obligation, o.period, o.slot) for o in plan.occurrences}
    for c in plan.combined:
        if (c.org, c.obligation, c.period, c.slot) in held:
            problems.append(f"{c.org} {c.obligation} {c.period}: fulfilled by {c.by} and held again")
    for u in plan.unplaced:
        if not u.reason.strip():
            problems.append(f"unplaced {u.org} {u.obligation} {u.period}: no reason")
    # 4. ordered steps in order: a step starts after every same-period occurrence of what it follows.
    occs: dict[tuple[str, str], list[Occurrence]] = {}
    for occ in plan.occurrences:
        occs.setdefault((occ.org, occ.obligation), []).append(occ)
    for (org_id, ob_id), items in occs.items():
        for before in by_id[ob_id].after:
            for occ in items:
                prior = [p for p in occs.get((org_id, before), []) if p.period == occ.period]
                if prior and max(_last_day(p) for p in prior) >= occ.first_day:
                    problems.append(f"{occ.key} on {occ.first_day} is not after {before}")
    # 5. every combined period is fulfilled by one activity of the organization in that period, which
    #    says so; a per-member item (a talk with one member) never stands in for a whole meeting, only
    #    for another per-member item with the same member (one talk serving two rules).
    for c in plan.combined:
        if ":" in c.by:  # an attendance duty, checked in 3b
            continue
        spans = {p.label: p for p in periods(by_id[c.obligation].cadence, year)}
        hosts = [
            o
            for o in occs.get((c.org, c.by), [])
            if c.obligation in o.also_fulfils
            and c.period in spans
            and o.first_day in spans[c.period]
            and o.slot == c.slot
        ]
        if len(hosts) != 1:
            problems.append(f"combined {c.org} {c.obligation} {c.period}: {len(hosts)} activities of {c.by} fulfil it")
        elif hosts[0].slot and not c.slot:
            problems.append(
                f"combined {c.org} {c.obligation} {c.period}: fulfilled by the per-member item {hosts[0].key}"
            )
    for occ in plan.occurrences:
        for other in occ.also_fulfils:
            if other not in by_id:  # a step or rule of another plugin's catalogue
                continue
            if not any(c.by == occ.obligation and c.org == occ.org and c.obligation == other for c in plan.combined):
                problems.append(f"{occ.key} says it also fulfils {other}, but no period of it is combined")
    # 6. fixed days: every activity held on the 党员固定活动日 is on its rule's day, or on the next day the
    #    organization may meet when that day is a holiday or rest day (or, at the month's end, the day
    #    before), unless a person in it is busy then, which the occurrence says.
    for occ in plan.occurrences:
        ob = by_id[occ.obligation]
        if not ob.fixed_day or ob.cadence.kind is not CadenceKind.MONTHLY or occ.slot or occ.at:
            continue
        problems += _fixed_day_problems(inputs, occ)
    # 7. slots unique, keys unique.
    keys = Counter(o.key for o in plan.occurrences)
    problems += [f"{k} placed {n} times" for k, n in keys.items() if n > 1]
    return problems


def _audience_size(tree: OrganizationTree, org_id: str, audience: Audience) -> int:
    members = tree.members_of(org_id)
    if audience is Audience.LEADERS:
        return sum(1 for m in members if m.is_committee)
    if audience is Audience.SECRETARY:
        return sum(1 for m in members if "secretary" in m.roles)
    return len(members)


def fixed_day_expected(inputs: Inputs, org_id: str, month: int) -> dt.date | None:
    """Where an organization's fixed-day activity of ``month`` belongs: its rule's day if it may meet
    then, else the next day it may meet in the month, else the last one before; ``None`` when the
    organization sets no rule (the planner then chooses one)."""
    options = inputs.tree[org_id].options
    opts, _ = meeting_options(options)
    if opts.activity_day is None:
        return None
    day = opts.activity_day.in_month(inputs.year, month)
    if day is None:
        return None
    cal = inputs.calendar

    def ok(d: dt.date) -> bool:
        weekend_rule = opts.activity_day is not None and opts.activity_day.names_weekend
        return _allowed(cal, options, d) or (weekend_rule and d == day and not cal.is_holiday(d))

    d = day
    while d.month == month:
        if ok(d):
            return d
        d += dt.timedelta(days=1)
    d = day - dt.timedelta(days=1)
    while d.month == month:
        if ok(d):
            return d
        d -= dt.timedelta(days=1)
    return None


def _fixed_day_problems(inputs: Inputs, occ: Occurrence) -> list[str]:
    expected = fixed_day_expected(inputs, occ.org, occ.first_day.month)
    if expected is None or occ.first_day == expected:
        return []
    if "已有安排" in occ.note or "前序步骤" in occ.note:  # a person is busy, or a step comes first: it says so
        return []
    return [f"{occ.key} on {occ.first_day}: its fixed day is {expected} ({occ.note or 'no note'})"]
