"""The planner: obligations in, dated occurrences out, for every organization of a tree and one year.

The planner is greedy and deterministic. It walks the organizations in file order and, within one
organization, its obligations in dependency order (an obligation after those it must follow; one that
combines with a standing rule before that rule). Each obligation expands into requests — one per
period, member, or round of household visits — and each request takes the first day in its preference
order on which

- the day is allowed: never a statutory holiday; a working day on one of the organization's weekdays,
  a 调休 working weekend, or any weekend day where the organization allows weekends;
- it lies inside its period, window or deadline, and after every step it must follow;
- nobody in it is already booked at that time (a person is anyone listed in the organization file;
  each organization is also a "person" for its own all-member activities).

The preference order spreads load without coordination: a fixed activity day first where the
obligation uses it; the earliest day for ordered procedures; otherwise a day picked by a stable hash
of organization, obligation and period, then the following days. Adding an organization therefore
moves nobody else's occurrences unless they share a person. What cannot be placed is returned as an
:class:`Unplaced` item with its reason, never dropped.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import math
import zlib
import zoneinfo
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from ..model import Member, MemberRole, Organization, OrganizationTree
from ..obligations import ActivityKind, Audience, Cadence, CadenceKind, Obligation
from ..orgoptions import MeetingOptions, meeting_options
from ..workdays import WorkdayCalendar
from .occurrence import Occurrence
from .periods import Period, periods

if TYPE_CHECKING:  # the host's module imports this package's records, so only for typing
    from ..plugins import PluginHost

__all__ = ["Combined", "Plan", "Unplaced", "make_plan", "plan_year"]

#: Activity kinds that are held at a time with people; the others are all-day markers.
TIMED_KINDS = frozenset(
    {
        ActivityKind.MEETING,
        ActivityKind.STUDY,
        ActivityKind.LECTURE,
        ActivityKind.REVIEW,
        ActivityKind.TALK,
        ActivityKind.VISIT,
    }
)
DEFAULT_ONCE_DUE = (3, 31)
DEFAULT_HOUSEHOLDS_PER_WEEK = 20
DEFAULT_VISIT_MINUTES = 180


@attrs.frozen
class Unplaced:
    """A request the planner could not place, with the reason."""

    org: str
    obligation: str
    period: str
    reason: str
    slot: str = ""

    def to_json(self) -> dict[str, str]:
        """The item as the JSON object ``lianxue plan --format json`` prints."""
        return {
            "org": self.org,
            "obligation": self.obligation,
            "period": self.period,
            "slot": self.slot,
            "reason": self.reason,
        }


@attrs.frozen
class Combined:
    """An obligation's period that is fulfilled by another obligation's activity (one meeting, two rules)."""

    org: str
    obligation: str
    period: str
    by: str
    slot: str = ""

    def to_json(self) -> dict[str, str]:
        """The item as a JSON object."""
        return {"org": self.org, "obligation": self.obligation, "period": self.period, "slot": self.slot, "by": self.by}


@attrs.frozen
class Plan:
    """The plan of a tree for one year.

    Args:
        year: The calendar year.
        provisional: ``True`` when the year's official holiday arrangement is not known.
        workdays_source: Where the holidays came from.
        occurrences: Every placed occurrence, by organization (file order) then start.
        unplaced: Every request that could not be placed, with its reason.
        combined: Periods of obligations fulfilled by another obligation's activity.
        warnings: Messages for the person running the plan.
    """

    year: int
    provisional: bool
    workdays_source: str
    occurrences: tuple[Occurrence, ...]
    unplaced: tuple[Unplaced, ...] = ()
    combined: tuple[Combined, ...] = ()
    warnings: tuple[str, ...] = ()

    def for_org(self, org_id: str) -> tuple[Occurrence, ...]:
        """The occurrences of one organization."""
        return tuple(o for o in self.occurrences if o.org == org_id)

    def to_json(self) -> dict[str, object]:
        """The plan as the JSON object ``lianxue plan --format json`` prints."""
        return {
            "year": self.year,
            "provisional": self.provisional,
            "workdays_source": self.workdays_source,
            "occurrences": [o.to_json() for o in self.occurrences],
            "unplaced": [u.to_json() for u in self.unplaced],
            "combined": [c.to_json() for c in self.combined],
            "warnings": list(self.warnings),
        }


# -- bookings ------------------------------------------------------------------------------------------


class _Bookings:
    """Who is busy when: person id -> UTC day number -> flat list of [start, end) minutes since the epoch.

    An interval is filed under every UTC day it touches, so meetings past midnight and organizations in
    different time zones compare correctly.
    """

    def __init__(self) -> None:
        self._busy: dict[str, dict[int, list[int]]] = {}
        self._offsets: dict[tuple[str, dt.date], int] = {}

    def minute(self, day: dt.date, t: dt.time, tz: zoneinfo.ZoneInfo) -> int:
        """Minutes since the epoch (UTC) of ``t`` on ``day`` in ``tz``; the zone's offset is cached per day."""
        key = (tz.key, day)
        offset = self._offsets.get(key)
        if offset is None:
            utc = dt.datetime.combine(day, dt.time(12), tzinfo=tz).utcoffset()
            offset = self._offsets[key] = int(utc.total_seconds()) // 60 if utc is not None else 0
        return (day.toordinal() - _EPOCH) * 1440 + t.hour * 60 + t.minute - offset

    @staticmethod
    def span(start: dt.datetime, end: dt.datetime) -> tuple[int, int]:
        """``start`` and ``end`` as minutes since the epoch."""
        return int(start.timestamp()) // 60, int(end.timestamp()) // 60

    def clash(self, people: Sequence[str], a: int, b: int) -> str | None:
        """The first person in ``people`` already booked in minutes ``[a, b)``, or ``None``."""
        busy = self._busy
        first, last = a // 1440, max(a, b - 1) // 1440
        for person in people:
            per = busy.get(person)
            if per is None:
                continue
            for day in range(first, last + 1):
                iv = per.get(day)
                if iv:
                    for i in range(0, len(iv), 2):
                        if iv[i] < b and a < iv[i + 1]:
                            return person
        return None

    def book(self, people: Sequence[str], a: int, b: int) -> None:
        first, last = a // 1440, max(a, b - 1) // 1440
        for person in people:
            per = self._busy.setdefault(person, {})
            for day in range(first, last + 1):
                per.setdefault(day, []).extend((a, b))


_EPOCH = dt.date(1970, 1, 1).toordinal()


@functools.lru_cache(maxsize=1024)
def _periods(cadence: Cadence, year: int) -> tuple[Period, ...]:
    return tuple(periods(cadence, year))


# -- requests ------------------------------------------------------------------------------------------


@attrs.frozen
class _Request:
    obligation: Obligation
    period: Period
    first: dt.date
    last: dt.date
    title: str
    people: tuple[str, ...]
    slot: str = ""
    minutes: int = 0
    timed: bool = True
    location: str = ""
    earliest: bool = False
    day_of_month: dt.date | None = None
    times: tuple[dt.time, ...] = ()


def _hash(*parts: str) -> int:
    return zlib.crc32("/".join(parts).encode("utf-8"))


def _slug(obligation_id: str) -> str:
    return obligation_id.split(".", 1)[1]


class _Planner:
    def __init__(
        self,
        tree: OrganizationTree,
        obligations: dict[str, tuple[Obligation, ...]],
        year: int,
        calendar: WorkdayCalendar,
    ) -> None:
        self.tree = tree
        self.obligations = obligations
        self.year = year
        self.calendar = calendar
        self.bookings = _Bookings()
        self.occurrences: list[Occurrence] = []
        self.unplaced: list[Unplaced] = []
        self.combined: list[Combined] = []
        self._allowed_cache: dict[tuple[frozenset[int], bool], list[dt.date]] = {}
        self._working_days = self._days(lambda d: calendar.is_workday(d))
        self.link_attendees = self._link_attendees()
        self.tied_start: dict[tuple[str, str], dt.date] = {}
        self.requested: dict[str, int] = {}

    # -- days --------------------------------------------------------------------------------------

    def _days(self, ok: object) -> list[dt.date]:
        assert callable(ok)
        day = dt.date(self.year, 1, 1)
        out = []
        while day.year == self.year:
            if ok(day):
                out.append(day)
            day += dt.timedelta(days=1)
        return out

    def allowed_days(self, opts: MeetingOptions) -> list[dt.date]:
        key = (opts.weekdays, opts.allow_weekends)
        days = self._allowed_cache.get(key)
        if days is None:
            cal = self.calendar

            def ok(day: dt.date) -> bool:
                if cal.is_holiday(day):
                    return False
                if day in cal.workdays:
                    return True
                wd = day.isoweekday()
                if wd <= 5:
                    return wd in opts.weekdays
                return opts.allow_weekends or wd in opts.weekdays

            days = self._allowed_cache[key] = self._days(ok)
        return days

    @staticmethod
    def _between(days: list[dt.date], first: dt.date, last: dt.date) -> list[dt.date]:
        return days[bisect.bisect_left(days, first) : bisect.bisect_right(days, last)]

    # -- people ------------------------------------------------------------------------------------

    def _link_attendees(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """(linked org id, obligation id or slug) -> ids of members who must attend it there.

        An ``attend_links`` obligation names what its people attend in each organization they are
        linked to: the obligations in its ``combines_with`` or ``linked_obligations`` option (by id or
        by slug), or else the obligation of the same slug.
        """
        out: dict[tuple[str, str], list[str]] = {}
        for org in self.tree:
            for ob in self.obligations.get(org.id, ()):
                if not ob.attend_links:
                    continue
                targets = [*ob.options.get("linked_obligations", ()), *ob.combines_with] or [_slug(ob.id)]
                for member in self._audience(org, ob.attends):
                    for link in member.links:
                        for target in targets:
                            out.setdefault((link, target), []).append(member.id)
        return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}

    def _attends_elsewhere(self, org: Organization, ob: Obligation) -> bool:
        """Whether ``ob`` is met by attending linked organizations' activities, not by one of its own."""
        if not ob.attend_links or not ob.combines_with:
            return False
        own = {o.id for o in self.obligations.get(org.id, ())}
        return not any(c in own for c in ob.combines_with)

    def _audience(self, org: Organization, audience: Audience) -> tuple[Member, ...]:
        tree = self.tree
        members = tree.members_of(org.id)
        if audience is Audience.ALL_MEMBERS:
            return members
        if audience is Audience.COMMITTEE:
            return tuple(
                m
                for m in members
                if m.roles & {MemberRole.SECRETARY, MemberRole.DEPUTY_SECRETARY, MemberRole.COMMITTEE}
            )
        if audience is Audience.SECRETARY:
            sec = tree.secretary_of(org.id)
            return (sec,) if sec else ()
        if audience is Audience.LEADERS:
            return tree.leaders_of(org.id)
        if audience is Audience.CADRES:
            return tuple(m for m in members if MemberRole.CADRE in m.roles)
        if audience is Audience.FLAGGED_MEMBERS:
            return tuple(m for m in members if m.flags)
        if audience is Audience.SUBORDINATE_SECRETARIES:
            subs = [tree.secretary_of(o.id) for o in tree.descendants(org.id)]
            return tuple(m for m in subs if m is not None)
        if audience is Audience.LINKED_MEMBERS:
            return tuple(m for o in tree.linked(org.id) for m in tree.members_of(o.id))
        return ()

    def _people(self, org: Organization, ob: Obligation) -> tuple[str, ...]:
        people = [m.id for m in self._audience(org, ob.leads)]
        people += [m.id for m in self._audience(org, ob.attends)]
        for target in (ob.id, _slug(ob.id), *ob.combines_with):  # also what this activity fulfils
            people += self.link_attendees.get((org.id, target), ())
        lecturer = org.option("lecturer")
        if ob.kind is ActivityKind.LECTURE and isinstance(lecturer, str) and lecturer:
            people.append(lecturer)
        # The obligation's ``people`` option: member ids a plugin adds (a development zone's inspector).
        people += [p for p in ob.options.get("people", ()) if isinstance(p, str)]
        return tuple(dict.fromkeys(people))

    # -- expansion ---------------------------------------------------------------------------------

    def requests(self, org: Organization, ob: Obligation, opts: MeetingOptions, chained: bool) -> Iterator[_Request]:
        cadence = ob.cadence
        # An obligation met by attending linked organizations' activities (班子成员参加联系村专题组织生活会)
        # is a reminder on its own calendar; the attendance itself is in the linked activities' people.
        timed = ob.kind in TIMED_KINDS and not ob.options.get("all_day", False) and not self._attends_elsewhere(org, ob)
        minutes = int(org.option(f"{_slug(ob.id)}.minutes", ob.options.get("minutes", opts.minutes)))
        location = opts.location
        year_first, year_last = dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        if cadence.kind is CadenceKind.PER_MEMBER:
            yield from self._per_member(org, ob, opts, chained)
            return
        if cadence.kind is CadenceKind.PER_HOUSEHOLD:
            yield from self._per_household(org, ob, opts)
            return
        people = self._people(org, ob)
        for period in _periods(cadence, self.year):
            first, last = max(period.first, year_first), min(period.last, year_last)
            if period.first == year_first and period.last == year_last:
                first = max(first, self.tied_start.get((org.id, ob.id), first))
            if cadence.kind is CadenceKind.ONCE and (org.id, ob.id) not in self.tied_start:
                due = ob.options.get("due", DEFAULT_ONCE_DUE)
                last = dt.date(self.year, *due)
            day_of_month = None
            if ob.options.get("activity_day") and opts.activity_day is not None and cadence.kind is CadenceKind.MONTHLY:
                day_of_month = opts.activity_day.in_month(self.year, period.first.month)
            yield _Request(
                obligation=ob,
                period=period,
                first=first,
                last=last,
                title=ob.title,
                people=people,
                minutes=minutes,
                timed=timed,
                location=location,
                earliest=chained or cadence.kind is CadenceKind.ONCE,
                day_of_month=day_of_month,
                times=(opts.time,),
            )

    def _per_member(self, org: Organization, ob: Obligation, opts: MeetingOptions, chained: bool) -> Iterator[_Request]:
        tree = self.tree
        if ob.for_flags:
            flags = set(ob.for_flags)
            covered: list[tuple[str, str, str | None]] = [
                (m.id, m.name, m.id) for m in tree.members_of(org.id) if {str(f) for f in m.flags} & flags
            ]
        else:
            covered = [(m.id, m.name, m.id) for m in self._audience(org, ob.attends)]
            if ob.attends is Audience.ALL_MEMBERS:
                listed = len(covered)
                for n in range(listed + 1, tree.member_count(org.id) + 1):
                    covered.append((f"anon-{n:03d}", f"第{n}名党员", None))
        same = ob.leads == ob.attends
        leaders = [] if same else [m.id for m in self._audience(org, ob.leads)]
        if not leaders and not same:
            sec = tree.secretary_of(org.id)
            leaders = [sec.id] if sec else []
        times = tuple(
            (dt.datetime.combine(dt.date(2000, 1, 1), opts.time) + dt.timedelta(minutes=opts.talk_minutes * k)).time()
            for k in range(opts.talks_per_day)
        )
        timed = ob.kind in TIMED_KINDS
        load = dict.fromkeys(leaders, 0)
        for period in _periods(ob.cadence, self.year):
            first = max(period.first, dt.date(self.year, 1, 1), self.tied_start.get((org.id, ob.id), period.first))
            last = min(period.last, dt.date(self.year, 12, 31))
            # The talks are shared among the leaders, balanced: each goes to the least busy leader who is
            # not the member talked to; the leaders' own talks are assigned first, so the others even out.
            lead_of: dict[str, str] = {}
            for slot, _, member_id in sorted(covered, key=lambda c: c[2] not in load):
                candidates = [x for x in leaders if x != member_id]
                if candidates:
                    lead = min(candidates, key=lambda x: load[x])
                    load[lead] += 1
                    lead_of[slot] = lead
            for slot, name, member_id in covered:
                people: list[str] = [lead_of[slot]] if slot in lead_of else []
                if member_id is not None:
                    people.append(member_id)
                yield _Request(
                    obligation=ob,
                    period=period,
                    first=first,
                    last=last,
                    title=f"{ob.title}：{name}",
                    people=tuple(people),
                    slot=slot,
                    minutes=opts.talk_minutes,
                    timed=timed,
                    location=opts.location,
                    earliest=chained,
                    times=times,
                )

    def _per_household(self, org: Organization, ob: Obligation, opts: MeetingOptions) -> Iterator[_Request]:
        tree = self.tree
        per_week = _positive_int(
            ob.options.get("load_per_week")
            or ob.options.get("households_per_week")
            or org.option("load_per_week")
            or org.option("households_per_week")  # the name used before 0.1.0
            or DEFAULT_HOUSEHOLDS_PER_WEEK
        )
        minutes = int(ob.options.get("minutes", DEFAULT_VISIT_MINUTES))
        rounds: list[tuple[str, Organization]] = []
        for member in self._audience(org, ob.leads):
            for link in member.links:
                target = tree.get(link)
                if target is not None and target.households:
                    rounds.append((member.id, target))
        if not rounds and org.households:
            rounds = [(m.id, org) for m in self._audience(org, ob.leads)[:1]]
        # Each visitor's rounds are spread evenly over the weeks that have a day the organization may
        # meet on, at most ``households_per_week`` households a week for one visitor.
        allowed = self.allowed_days(opts)
        year_first, year_last = dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        weeks = [
            p
            for p in _periods(Cadence.weekly(), self.year)
            if self._between(allowed, max(p.first, year_first), min(p.last, year_last))
        ]
        sessions: dict[str, list[tuple[Organization, int, int, int]]] = {}
        for visitor, target in rounds:
            households = target.households or 0
            for i in range(math.ceil(households / per_week)):
                a, b = i * per_week + 1, min(households, (i + 1) * per_week)
                sessions.setdefault(visitor, []).append((target, i, a, b))
        for visitor, items in sessions.items():
            for k, (target, i, a, b) in enumerate(items):
                slot = f"{visitor}/{target.id}/{i + 1:02d}"
                if len(items) > len(weeks):
                    households = sum(t.households or 0 for t in dict.fromkeys(t for t, *_ in items))
                    self.unplaced.append(
                        Unplaced(
                            org.id,
                            ob.id,
                            str(self.year),
                            f"{households}户按每周{per_week}户需{len(items)}周，超出全年可走访的{len(weeks)}周",
                            slot,
                        )
                    )
                    continue
                # centred in its share of the year, so few rounds do not crowd the first week; when the
                # week is full the round may move into the next one
                week = weeks[min(len(weeks) - 1, (2 * k + 1) * len(weeks) // (2 * len(items)))]
                yield _Request(
                    obligation=ob,
                    period=Period(str(self.year), year_first, year_last),
                    first=max(week.first, year_first),
                    last=min(week.last + dt.timedelta(days=7), year_last),
                    earliest=True,
                    title=f"{ob.title}：{target.name}第{a}–{b}户",
                    people=(visitor,),
                    slot=slot,
                    minutes=minutes,
                    timed=True,
                    location=target.name,
                    times=(opts.time,),
                )

    # -- placing -----------------------------------------------------------------------------------

    def _preference(self, org: Organization, req: _Request, days: list[dt.date]) -> list[dt.date]:
        if not days:
            return days
        if req.day_of_month is not None:
            i = bisect.bisect_left(days, req.day_of_month)
            return days[i:] + days[:i][::-1]
        if req.earliest:
            return days
        start = _hash(org.id, req.obligation.id, req.period.label, req.slot) % len(days)
        return days[start:] + days[:start]

    def place(
        self, org: Organization, opts: MeetingOptions, req: _Request, not_before: dt.date | None
    ) -> Occurrence | None:
        ob = req.obligation
        first = req.first if not_before is None else max(req.first, not_before)
        provisional = self.calendar.provisional
        if not req.timed:
            days = self._between(self._working_days, first, req.last)
            if not days:
                self.unplaced.append(
                    Unplaced(org.id, ob.id, req.period.label, self._no_day_reason(req, first), req.slot)
                )
                return None
            if ob.cadence.kind is CadenceKind.WINDOW:
                start, end = days[0], days[-1]  # the whole window
            elif req.earliest:
                start = end = days[0]  # set-up duties and steps others follow: as early as possible
            else:
                start = end = days[-1]  # due markers: the last working day of the period or deadline
            return Occurrence(
                org=org.id,
                obligation=ob.id,
                period=req.period.label,
                start=start,
                end=end,
                title=req.title,
                people=req.people,
                location=req.location,
                provisional=provisional,
                slot=req.slot,
            )
        days = self._between(self.allowed_days(opts), first, req.last)
        if not days:
            self.unplaced.append(Unplaced(org.id, ob.id, req.period.label, self._no_day_reason(req, first), req.slot))
            return None
        tz = opts.tz
        own = () if req.slot else (f"org:{org.id}",)
        people = req.people + own
        blockers: dict[str, None] = {}
        bookings = self.bookings
        for day in self._preference(org, req, days):
            for t in req.times:
                a = bookings.minute(day, t, tz)
                b = a + req.minutes
                who = bookings.clash(people, a, b)
                if who is None:
                    bookings.book(people, a, b)
                    start = dt.datetime.combine(day, t, tzinfo=tz)
                    end = start + dt.timedelta(minutes=req.minutes)
                    return Occurrence(
                        org=org.id,
                        obligation=ob.id,
                        period=req.period.label,
                        start=start,
                        end=end,
                        title=req.title,
                        people=req.people,
                        location=req.location,
                        provisional=provisional,
                        slot=req.slot,
                    )
                blockers[who] = None
        names = "、".join(self._name(p) for p in list(blockers)[:5])
        self.unplaced.append(
            Unplaced(
                org.id,
                ob.id,
                req.period.label,
                f"{first.isoformat()}至{req.last.isoformat()}的可用日期均有冲突（{names}已有安排）",
                req.slot,
            )
        )
        return None

    def _no_day_reason(self, req: _Request, first: dt.date) -> str:
        if first > req.first:
            return f"前序步骤完成后（{first.isoformat()}起），{req.period.label}内已无可用日期"
        span = f"{req.period.label}（{first.isoformat()}至{req.last.isoformat()}）"
        n = (req.last - first).days + 1
        all_days = [first + dt.timedelta(days=k) for k in range(max(n, 0))]
        if all(self.calendar.is_holiday(d) for d in all_days):
            return f"{span}全部是法定节假日，没有工作日"
        if not self._between(self._working_days, first, req.last):
            return f"{span}没有工作日（法定节假日、周末），本组织不在周末开会（见 allow_weekends）"
        return f"{span}没有本组织可开会的日子（见 weekdays、allow_weekends）"

    def _name(self, person: str) -> str:
        if person.startswith("org:"):
            org = self.tree.get(person[4:])
            return org.name if org else person
        try:
            return self.tree.member(person).name
        except KeyError:
            return person

    # -- one organization --------------------------------------------------------------------------

    def plan_org(self, org: Organization) -> None:
        obligations = [o for o in self.obligations.get(org.id, ()) if o.schedulable]
        if not obligations:
            return
        opts, _ = meeting_options(org.options)
        ids = {o.id for o in obligations}
        ordered = _order(obligations)
        chained = {o.id for o in obligations if any(a in ids for a in o.after)}
        chained |= {a for o in obligations for a in o.after if a in ids}
        placed: dict[str, list[Occurrence]] = {}
        served: dict[tuple[str, str], str] = {}
        served_slots: dict[tuple[str, str, str], str] = {}
        claims: dict[tuple[str, str, str], int] = {}  # per-member partners claimed, not yet met
        finished: set[str] = set()  # obligations whose requests are all handled: too late to combine with
        by_id = {o.id: o for o in obligations}
        self.requested = {}
        # A year-long predecessor of a step with a window (talks before the year-end review) is tied to
        # that window, so it happens "结合民主评议" rather than in January.
        for ob in obligations:
            for before in ob.after:
                pred = by_id.get(before)
                if pred is None or ob.cadence.kind not in (CadenceKind.DEADLINE, CadenceKind.WINDOW):
                    continue
                if pred.cadence.kind in (CadenceKind.YEARLY, CadenceKind.ONCE, CadenceKind.PER_MEMBER) and (
                    pred.cadence.within in (None, CadenceKind.YEARLY)
                ):
                    start = ob.cadence.window_dates(self.year)[0]
                    key = (org.id, pred.id)
                    self.tied_start[key] = min(self.tied_start.get(key, start), start)
        for ob in ordered:
            done = placed.setdefault(ob.id, [])
            hosts = sorted(
                (o for i in ob.combines_with if i in by_id and not _slotted(by_id[i]) for o in placed.get(i, ())),
                key=lambda o: o.first_day,
            )
            host_days = [o.first_day for o in hosts]
            for req in self.requests(org, ob, opts, ob.id in chained):
                self.requested[ob.id] = self.requested.get(ob.id, 0) + 1
                if (ob.id, req.period.label) in served and not req.slot:
                    self.combined.append(Combined(org.id, ob.id, req.period.label, served[(ob.id, req.period.label)]))
                    continue
                by = served_slots.get((ob.id, req.period.label, req.slot)) if req.slot else None
                if by is not None:  # the same member's talk already serves this obligation too
                    self.combined.append(Combined(org.id, ob.id, req.period.label, by, req.slot))
                    claims.pop((ob.id, req.period.label, req.slot), None)
                    continue
                not_before = self._not_before(ob, req, placed)
                if not_before is False:
                    self.unplaced.append(Unplaced(org.id, ob.id, req.period.label, self._blocked_reason(ob), req.slot))
                    continue
                occ = None
                if req.slot and hosts:  # a per-member item held at the activity it combines with
                    occ = self._ride_along(org, req, hosts, host_days)
                if occ is None:
                    occ = self.place(org, opts, req, not_before if isinstance(not_before, dt.date) else None)
                if occ is None:
                    continue
                partners = [
                    by_id[i] for i in ob.combines_with if i in by_id and not _slotted(by_id[i]) and i not in finished
                ]
                if partners and not req.slot:
                    fulfils = []
                    for partner in partners:
                        for p in _periods(partner.cadence, self.year):
                            if occ.first_day in p and (partner.id, p.label) not in served:
                                served[(partner.id, p.label)] = ob.id
                                fulfils.append(partner.id)
                    if fulfils:
                        occ = attrs.evolve(occ, also_fulfils=tuple(fulfils))
                        for partner_id in fulfils:
                            placed.setdefault(partner_id, []).append(occ)
                slot_partners = [
                    by_id[i] for i in ob.combines_with if i in by_id and _slotted(by_id[i]) and i not in finished
                ]
                if req.slot and slot_partners and _slotted(ob):
                    fulfils = []
                    for partner in slot_partners:
                        for p in _periods(partner.cadence, self.year):
                            slot_key = (partner.id, p.label, req.slot)
                            if occ.first_day in p and slot_key not in served_slots:
                                served_slots[slot_key] = ob.id
                                claims[slot_key] = len(self.occurrences)
                                fulfils.append(partner.id)
                    if fulfils:
                        occ = attrs.evolve(occ, also_fulfils=tuple(fulfils))
                        for partner_id in fulfils:
                            placed.setdefault(partner_id, []).append(occ)
                done.append(occ)
                self.occurrences.append(occ)
            finished.add(ob.id)
        for (partner_id, _, _), index in claims.items():  # the partner never asked for that member
            occ = self.occurrences[index]
            self.occurrences[index] = attrs.evolve(
                occ, also_fulfils=tuple(i for i in occ.also_fulfils if i != partner_id)
            )

    def _ride_along(
        self, org: Organization, req: _Request, hosts: Sequence[Occurrence], host_days: Sequence[dt.date]
    ) -> Occurrence | None:
        """``req`` held at one of ``hosts`` (a per-member item at the meeting it combines with), or ``None``.

        ``hosts`` are sorted by their first day, ``host_days``. The host must lie in the request's days;
        people not already at the host must be free then.
        """
        lo, hi = bisect.bisect_left(host_days, req.first), bisect.bisect_right(host_days, req.last)
        for host in hosts[lo:hi]:
            if host.all_day != (not req.timed):
                continue
            extra = [p for p in req.people if p not in host.people]
            if isinstance(host.start, dt.datetime) and isinstance(host.end, dt.datetime):
                a, b = self.bookings.span(host.start, host.end)
                if self.bookings.clash(extra, a, b) is not None:
                    continue
                self.bookings.book(extra, a, b)
            return Occurrence(
                org=org.id,
                obligation=req.obligation.id,
                period=req.period.label,
                start=host.start,
                end=host.end,
                title=req.title,
                people=req.people,
                location=host.location,
                provisional=self.calendar.provisional,
                slot=req.slot,
                note=f"结合{host.title}进行",
                at=host.obligation,
            )
        return None

    def _blocked_reason(self, ob: Obligation) -> str:
        names = "、".join(ob.after)
        return f"前序步骤（{names}）在本周期内未能排期或排在本周期之后"

    def _not_before(self, ob: Obligation, req: _Request, placed: dict[str, list[Occurrence]]) -> dt.date | bool | None:
        """The first day ``req`` may take after its predecessors; ``False`` when one was not placed.

        A predecessor's occurrences of the same period count; where it has none of that period (a
        yearly round of talks before a quarterly step), every occurrence that starts by ``req``'s last
        day counts.
        """
        latest: dt.date | None = None
        for before in ob.after:
            done = placed.get(before)
            if done is None:
                continue
            relevant = [o for o in done if o.period == req.period.label] or [o for o in done if o.first_day <= req.last]
            if not relevant:
                if self.requested.get(before):
                    return False
                continue
            end = max(_last_day(o) for o in relevant)
            latest = end if latest is None or end > latest else latest
        return None if latest is None else latest + dt.timedelta(days=1)


def _time_of_day(occ: Occurrence) -> dt.time:
    return occ.start.time() if isinstance(occ.start, dt.datetime) else dt.time.min


def _slotted(ob: Obligation) -> bool:
    """Whether ``ob`` expands into one item per member or household (each with a slot)."""
    return ob.cadence.kind in (CadenceKind.PER_MEMBER, CadenceKind.PER_HOUSEHOLD)


def _positive_int(value: object) -> int:
    return (
        value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else DEFAULT_HOUSEHOLDS_PER_WEEK
    )


def _last_day(occ: Occurrence) -> dt.date:
    end = occ.end
    return end.date() if isinstance(end, dt.datetime) else end


def _order(obligations: Sequence[Obligation]) -> list[Obligation]:
    """Dependency order: an obligation after those in its ``after``; a combining one before its partners,
    except a per-member one, which comes after the activity it is held at."""
    ids = {o.id: o for o in obligations}
    before: dict[str, set[str]] = {o.id: {a for a in o.after if a in ids} for o in obligations}
    for o in obligations:
        for partner in o.combines_with:
            if partner not in ids or o.id in before[partner] or partner in before[o.id]:
                continue
            if _slotted(o) and not _slotted(ids[partner]):
                before[o.id].add(partner)
            else:
                before[partner].add(o.id)
    out: list[Obligation] = []
    done: set[str] = set()
    pending = list(obligations)
    while pending:
        ready = [o for o in pending if before[o.id] <= done]
        if not ready:  # a cycle: keep catalogue order for the rest
            ready = [pending[0]]
        nxt = ready[0]
        out.append(nxt)
        done.add(nxt.id)
        pending.remove(nxt)
    return out


def make_plan(
    tree: OrganizationTree,
    obligations: dict[str, tuple[Obligation, ...]],
    year: int,
    calendar: WorkdayCalendar,
    *,
    orgs: Collection[str] | None = None,
) -> Plan:
    """Plan ``year`` for the organizations of ``tree``.

    Args:
        tree: The organization tree.
        obligations: Each organization's obligations (from :meth:`PluginHost.obligations_for`).
        year: The year to plan.
        calendar: The year's working days (from :meth:`PluginHost.workdays` or an override file).
        orgs: Plan only these organization ids (all when ``None``).
    """
    planner = _Planner(tree, obligations, year, calendar)
    wanted = None if orgs is None else set(orgs)
    # Organizations are placed greedily in file order, so the ones before a wanted organization may
    # book its people first: plan up to the last wanted one, then keep only the wanted ones.
    last = max((n for n, org in enumerate(tree) if wanted is None or org.id in wanted), default=-1)
    for org in tree.organizations[: last + 1]:
        planner.plan_org(org)
    order = {org.id: n for n, org in enumerate(tree)}
    occurrences = sorted(
        (o for o in planner.occurrences if wanted is None or o.org in wanted),
        key=lambda o: (order[o.org], o.first_day, not o.all_day, _time_of_day(o), o.obligation, o.slot),
    )
    warnings = []
    if calendar.provisional:
        warnings.append(
            f"{year}年的节假日和调休安排尚未正式公布：计划按法定节假日推算，为暂定（provisional）；"
            "用 --holidays 覆盖文件给出正式安排后重新生成。"
        )
    return Plan(
        year=year,
        provisional=calendar.provisional,
        workdays_source=calendar.source,
        occurrences=tuple(occurrences),
        unplaced=tuple(u for u in planner.unplaced if wanted is None or u.org in wanted),
        combined=tuple(c for c in planner.combined if wanted is None or c.org in wanted),
        warnings=tuple(warnings),
    )


def plan_year(
    tree: OrganizationTree,
    host: PluginHost,
    year: int,
    *,
    orgs: Collection[str] | None = None,
    overrides: Mapping[int, WorkdayCalendar] | None = None,
) -> Plan:
    """Plan ``year`` for ``tree`` with the obligations and working days ``host``'s plugins provide.

    Args:
        tree: The organization tree (from :func:`lianxue_core.load`).
        host: The plugin host.
        year: The year to plan.
        orgs: Plan only these organization ids (all when ``None``); people shared with other
            organizations are still known, so the result matches the full plan for these.
        overrides: Official working-day calendars by year (from
            :func:`lianxue_core.workdays.load_overrides`), which take precedence over the plugins.

    Example::

        >>> from lianxue_core import PluginHost, example_path, load, plan_year
        >>> host = PluginHost()
        >>> tree = load(example_path(), tracks=host.tracks())
        >>> plan = plan_year(tree, host, 2026)
        >>> plan.provisional
        False
    """
    calendar = overrides[year] if overrides and year in overrides else host.workdays(year)
    obligations = {org.id: host.obligations_for(org, tree, year) for org in tree}
    return make_plan(tree, obligations, year, calendar, orgs=orgs)
