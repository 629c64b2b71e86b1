"""The planner: obligations in, dated occurrences out, for every organization of a tree and one year.

The planner is greedy and deterministic, in two passes over the organizations in file order:

1. **Fixed days.** Every obligation held on the 党员固定活动日 (:attr:`Obligation.fixed_day`: 主题党日,
   the monthly study, the 固定活动日) is put on the organization's ``activity_day`` rule — a
   python-dateutil ``rrule`` — or, when that day is a holiday or a day it does not meet, on the next day
   it may meet in the same month (the occurrence says why: “原定每月10日，逢国庆节顺延”). An organization
   that sets no rule gets one of its own, chosen so that organizations under one supervisor (a town's
   villages) get different days.
2. **Everything else**, organization by organization, obligation by obligation in dependency order (an
   obligation after those it must follow; one that hosts another before it). Each obligation expands
   into requests — one per period, member, or round of household visits — and each request takes the
   first day in its preference order on which the day is allowed (never a statutory holiday; 调休
   working weekends last), it lies in its period and after its predecessors, and nobody in it is
   already booked (a person is anyone listed in the organization file; each organization is also a
   "person" for its own all-member activities).

Some obligations are not meetings of their own: a step of a meeting (:attr:`Obligation.part_of`) is in
that meeting's agenda; an obligation that another activity fulfils (``combines_with``) is recorded as
:class:`Combined`; an attendance duty (班子成员参加所在支部、联系村的专题组织生活会) puts the person into
the other organization's meeting; a leader's 党课 at a linked organization (``attend_links`` on a
lecture) is held inside one of that organization's fixed-day activities, which lists it in its agenda.
What cannot be placed is returned as an :class:`Unplaced` item with a reason a person can act on, never
dropped.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import heapq
import math
import operator
import zlib
import zoneinfo
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import TypeVar

import attrs

from ..collector import paused, settle
from ..i18n import _
from ..model import Member, MemberRole, Organization, OrganizationTree
from ..obligations import ActivityKind, Audience, Cadence, CadenceKind, Obligation
from ..orgoptions import ActivityDay, MeetingOptions, default_activity_day, meeting_options, parse_activity_day
from ..workdays import FIRST_OFFICIAL_YEAR, WorkdayCalendar, holiday_name
from .occurrence import HeldAt, Occurrence, Occurrences, _fields, _new, held_order, within_org
from .periods import Period, periods
from .pins import Key, Pins, key_of

__all__ = ["Combined", "Plan", "Unplaced", "make_plan", "merge_plans", "shards"]

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
        occurrences: Every placed occurrence, by organization (file order) then start. A tuple, or, as the
            planner makes it, an :class:`~lianxue_core.scheduling.occurrence.Occurrences` that makes the
            members' items held at their organization's activities when they are first read.
        unplaced: Every request that could not be placed, with its reason.
        combined: Periods of obligations fulfilled by another obligation's activity.
        warnings: Messages for the person running the plan.
    """

    year: int
    provisional: bool
    workdays_source: str
    occurrences: Sequence[Occurrence]
    unplaced: tuple[Unplaced, ...] = ()
    combined: tuple[Combined, ...] = ()
    warnings: tuple[str, ...] = ()

    def shown(self) -> list[Occurrence]:
        """The occurrences shown as events of their own in calendars and plan tables (:attr:`Occurrence.shown`),
        in plan order, without making the items held at them."""
        occurrences = self.occurrences
        if isinstance(occurrences, Occurrences):
            return occurrences.shown()
        return [o for o in occurrences if o.shown]

    def for_org(self, org_id: str) -> tuple[Occurrence, ...]:
        """The occurrences of one organization (only its members' held items are made)."""
        occurrences = self.occurrences
        if isinstance(occurrences, Occurrences):
            return occurrences.only({org_id}).made()
        return tuple(o for o in occurrences if o.org == org_id)

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
        self._midnights: dict[str, dict[dt.date, int]] = {}  # zone -> day -> _midnight(day, zone)
        self._clocks: dict[tuple[dt.time, ...], list[int]] = {}  # times -> minutes after midnight
        self._busy_tries: dict[tuple[str, Hashable], int] = {}  # see first_free

    def minute(self, day: dt.date, t: dt.time, tz: zoneinfo.ZoneInfo) -> int:
        """Minutes since the epoch (UTC) of ``t`` on ``day`` in ``tz``; the zone's offset is cached per day."""
        return self._midnight(day, tz) + t.hour * 60 + t.minute

    def _midnight(self, day: dt.date, tz: zoneinfo.ZoneInfo) -> int:
        """Minutes since the epoch (UTC) of 00:00 on ``day`` in ``tz``, at the zone's offset of that noon."""
        key = (tz.key, day)
        offset = self._offsets.get(key)
        if offset is None:
            utc = dt.datetime.combine(day, dt.time(12), tzinfo=tz).utcoffset()
            offset = self._offsets[key] = int(utc.total_seconds()) // 60 if utc is not None else 0
        return (day.toordinal() - _EPOCH) * 1440 - offset

    def first_free(
        self,
        people: Sequence[str],
        days: Sequence[dt.date],
        times: tuple[dt.time, ...],
        minutes: int,
        tz: zoneinfo.ZoneInfo,
        blockers: dict[str, None],
        tries: Hashable | None = None,
    ) -> tuple[dt.date, dt.time] | None:
        """The first of ``days`` and of ``times`` on it at which nobody in ``people`` is booked for ``minutes``,
        booked for them; ``None`` when there is none. Whoever is found busy at a time tried is added to
        ``blockers`` (the first such person in ``people``, as :meth:`clash` says).

        The same as :meth:`minute`, :meth:`clash` and :meth:`book` for each try in turn; written as one loop
        because a member's talk may try dozens of times (the leaders are busy): each person's bookings
        are looked up once, each day's midnight once.

        ``tries`` names ``days`` with ``times``, ``minutes`` and ``tz`` when other requests try the very same
        (a window's days, earliest first): the first tries at which the first person was busy are then
        remembered, and skipped by the next request of that person (a leader's talks each begin where the
        last left off). A booking is only ever taken back by :meth:`unbook`, which forgets them.
        """
        busy = self._busy
        # nobody is booked between two tries: the people's bookings can be looked up once
        booked = [(person, per) for person in people if (per := busy.get(person)) is not None]
        clock = self._clocks.get(times)
        if clock is None:
            clock = self._clocks[times] = [t.hour * 60 + t.minute for t in times]
        midnights = self._midnights.get(tz.key)
        if midnights is None:
            midnights = self._midnights[tz.key] = {}
        per_day = len(clock)
        if not per_day:
            return None
        lead = people[0] if people else ""
        skip = first_day = first_time = 0
        if not lead:
            tries = None  # nobody to remember
        elif tries is not None:
            skip = self._busy_tries.get((lead, tries), 0)
            if skip:
                blockers[lead] = None  # as the first of the tries skipped would say
                first_day, first_time = divmod(skip, per_day)
        run = skip  # tries [0, run) all found ``lead`` busy
        more = max(minutes - 1, 0)  # an item's last minute is ``a + more`` (``b - 1``, or ``a`` when it has none)
        for n in range(first_day, len(days)):
            day = days[n]
            midnight = midnights.get(day)
            if midnight is None:
                midnight = midnights[day] = self._midnight(day, tz)
            for k in range(first_time if n == first_day else 0, per_day):
                a = midnight + clock[k]
                b = a + minutes
                first, last = a // 1440, (a + more) // 1440
                who = None
                if first == last:  # most activities: one day
                    for person, per in booked:
                        iv = per.get(first)
                        if iv:
                            for i in range(0, len(iv), 2):
                                if iv[i] < b and a < iv[i + 1]:
                                    who = person
                                    break
                            if who is not None:
                                break
                else:
                    for person, per in booked:
                        for d in range(first, last + 1):
                            iv = per.get(d)
                            if iv:
                                for i in range(0, len(iv), 2):
                                    if iv[i] < b and a < iv[i + 1]:
                                        who = person
                                        break
                                if who is not None:
                                    break
                        if who is not None:
                            break
                if who is None:
                    if first == last and len(booked) == len(people):
                        # everyone has bookings already (most items): :meth:`book` with the lists looked up
                        for _, per in booked:
                            iv = per.get(first)
                            if iv is None:
                                per[first] = [a, b]
                            else:
                                iv += (a, b)
                    else:
                        self.book(people, a, b)
                    if tries is not None:  # ``lead`` is now busy at this try too when it was at all before it
                        self._busy_tries[(lead, tries)] = run + 1 if run == n * per_day + k else run
                    return day, times[k]
                blockers[who] = None
                if who == lead and run == n * per_day + k:
                    run += 1
        if tries is not None:
            self._busy_tries[(lead, tries)] = run
        return None

    @staticmethod
    def span(start: dt.datetime, end: dt.datetime) -> tuple[int, int]:
        """``start`` and ``end`` as minutes since the epoch."""
        return int(start.timestamp()) // 60, int(end.timestamp()) // 60

    def clash(self, people: Sequence[str], a: int, b: int) -> str | None:
        """The first person in ``people`` already booked in minutes ``[a, b)``, or ``None``."""
        busy = self._busy
        first, last = a // 1440, max(a, b - 1) // 1440
        days = (first,) if first == last else range(first, last + 1)  # most activities: one day
        for person in people:
            per = busy.get(person)
            if per is None:
                continue
            for day in days:
                iv = per.get(day)
                if iv:
                    for i in range(0, len(iv), 2):
                        if iv[i] < b and a < iv[i + 1]:
                            return person
        return None

    def book(self, people: Sequence[str], a: int, b: int) -> None:
        busy = self._busy
        first, last = a // 1440, max(a, b - 1) // 1440
        if first == last:  # most activities: one day, without a range per person (a meeting books dozens)
            for person in people:
                per = busy.get(person)
                if per is None:
                    busy[person] = {first: [a, b]}
                elif (iv := per.get(first)) is None:
                    per[first] = [a, b]
                else:
                    iv += (a, b)
            return
        for person in people:
            per = busy.get(person)
            if per is None:
                per = busy[person] = {}
            for day in range(first, last + 1):
                iv = per.get(day)
                if iv is None:
                    per[day] = [a, b]
                else:
                    iv += (a, b)

    def unbook(self, people: Sequence[str], a: int, b: int) -> None:
        """Undo one :meth:`book` of the same people and minutes (a re-plan moving a kept item)."""
        self._busy_tries.clear()  # who was busy may be free now
        first, last = a // 1440, max(a, b - 1) // 1440
        for person in people:
            per = self._busy.get(person, {})
            for day in range(first, last + 1):
                iv = per.get(day, [])
                for i in range(0, len(iv), 2):
                    if iv[i] == a and iv[i + 1] == b:
                        del iv[i : i + 2]
                        break


_EPOCH = dt.date(1970, 1, 1).toordinal()


#: Partners of an obligation, each with its periods by day (see _Planner._combos_of).
_ByDay = tuple[tuple[str, dict[dt.date, tuple[Period, ...]]], ...]
#: What _Planner._combos_of gives: steps, agenda, the obligations whose activities host, partners, slot partners.
_Combos = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], _ByDay, _ByDay]

#: A window of days a request may take: the organization's meeting weekdays, whether it meets at weekends,
#: the first and the last day.
_Window = tuple[frozenset[int], bool, dt.date, dt.date]


@functools.lru_cache(maxsize=1024)
def _periods(cadence: Cadence, year: int) -> tuple[Period, ...]:
    return tuple(periods(cadence, year))


@functools.lru_cache(maxsize=1024)
def _labels(cadence: Cadence, year: int) -> tuple[str, ...]:
    return tuple(p.label for p in _periods(cadence, year))


@functools.lru_cache(maxsize=1024)
def _periods_by_day(cadence: Cadence, year: int) -> dict[dt.date, tuple[Period, ...]]:
    """Each day in a period of ``cadence`` in ``year``, with the periods that contain it in the order of
    :func:`_periods` (a day's periods found without a test of every period). Not to be changed."""
    out: dict[dt.date, list[Period]] = {}
    for period in _periods(cadence, year):
        day = period.first
        while day <= period.last:
            out.setdefault(day, []).append(period)
            day += _ONE_DAY
    return {day: tuple(found) for day, found in out.items()}


_ONE_DAY = dt.timedelta(days=1)
_people_of = operator.itemgetter(2)  # of a member's (slot, title, people), see _member_rounds
#: Whether the fast paths are taken: a period's members' items that are all held at one host made in one go
#: (_members_at_hosts), a timed item made once with what it also fulfils (_plan_obligation). Tests turn them off to
#: compare with the straightforward steps.
_FAST = True
_OCCURRENCE_FIELDS = {name: n for n, name in enumerate(attrs.fields_dict(Occurrence))}


def _replace(occ: Occurrence, **changes: object) -> Occurrence:
    """``attrs.evolve(occ, **changes)``, about twice as fast: the fields in order (one C call), changed by
    position, and one call of the class (attrs.evolve looks up every field by name)."""
    values = list(_fields(occ))
    for name, value in changes.items():
        values[_OCCURRENCE_FIELDS[name]] = value
    return _new(*values)


# -- requests ------------------------------------------------------------------------------------------


@attrs.define
class _Request:
    """What one item asks for: its window, people, length and times. Not changed once made (``attrs.evolve``
    makes another); mutable only because a plain slotted class is made several times faster."""

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
    tokens: tuple[str, ...] = ()  # booked with the people, not shown: ``org:<id>`` of organizations attending whole
    rule: ActivityDay | None = None  # the fixed day's rule, for the note
    rule_default: bool = False  # the rule is the planner's choice, not the organization's
    theme: str = ""


def _member_request(
    ob: Obligation,
    opts: MeetingOptions,
    period: Period,
    first: dt.date,
    last: dt.date,
    title: str,
    people: tuple[str, ...],
    slot: str,
    earliest: bool,
    times: tuple[dt.time, ...],
) -> _Request:
    """One member's item of a per-member obligation (a talk: ``talk_minutes`` long, at one of ``times``)."""
    return _Request(
        obligation=ob,
        period=period,
        first=first,
        last=last,
        title=title,
        people=people,
        slot=slot,
        minutes=opts.talk_minutes,
        timed=ob.kind in TIMED_KINDS,
        location=opts.location,
        earliest=earliest,
        times=times,
    )


@functools.lru_cache(maxsize=256)
def _talk_times(first: dt.time, minutes: int, per_day: int) -> tuple[dt.time, ...]:
    """The times of a day's talks: ``per_day`` of them, ``minutes`` apart from ``first`` (the same for every
    organization with the same options)."""
    return tuple(
        (dt.datetime.combine(dt.date(2000, 1, 1), first) + dt.timedelta(minutes=minutes * k)).time()
        for k in range(per_day)
    )


@functools.lru_cache(maxsize=256)
def _minutes(n: int) -> dt.timedelta:
    """``n`` minutes (one object per length, not one per item)."""
    return dt.timedelta(minutes=n)


def _hash(*parts: str) -> int:
    return zlib.crc32("/".join(parts).encode("utf-8"))


@attrs.define
class _OrgState:
    """What the planner knows of one organization between its two passes."""

    obligations: list[Obligation]
    ordered: list[Obligation]
    by_id: dict[str, Obligation]
    chained: set[str]
    steps: dict[str, str]  # step id -> id of the meeting it is part of
    shape: int = -1  # organizations with the same obligations (the same objects) share it: see _combos
    placed: dict[str, list[Occurrence]] = attrs.Factory(dict)
    served: dict[tuple[str, str], str] = attrs.Factory(dict)
    served_slots: dict[tuple[str, str, str], str] = attrs.Factory(dict)
    served_periods: set[tuple[str, str]] = attrs.Factory(set)  # (obligation, period) of every key of served_slots
    claims: dict[tuple[str, str, str], int] = attrs.Factory(dict)
    finished: set[str] = attrs.Factory(set)
    requested: dict[str, int] = attrs.Factory(dict)
    closed: set[str] = attrs.Factory(set)  # a re-plan: obligations with a window closed before ``as_of``
    done: set[str] = attrs.Factory(set)


class _Planner:
    def __init__(
        self,
        tree: OrganizationTree,
        obligations: dict[str, tuple[Obligation, ...]],
        year: int,
        calendar: WorkdayCalendar,
        pins: Pins | None = None,
        only: Collection[str] | None = None,
        fixed: Mapping[str, tuple[ActivityDay, bool]] | None = None,
    ) -> None:
        # ``only``: a shard (see :func:`shards`), the organizations this planner plans; what concerns the others
        # (their attendance duties, their fixed days) is not worked out
        self.tree = tree
        self.obligations = obligations
        self.year = year
        self.calendar = calendar
        self.bookings = _Bookings()
        self._audiences: dict[tuple[str, Audience], tuple[Member, ...]] = {}  # the tree does not change
        self._below: dict[str, tuple[Organization, ...]] = {}  # see _descendants
        self._audience_id_tuples: dict[tuple[str, Audience], tuple[str, ...]] = {}  # see _audience_ids
        self.occurrences: list[Occurrence] = []
        self.held: list[HeldAt] = []  # members' items held at an activity, as one record each (_members_at_hosts)
        self.unplaced: list[Unplaced] = []
        self.combined: list[Combined] = []
        self._allowed_cache: dict[tuple[frozenset[int], bool], list[dt.date]] = {}
        self._windows: dict[_Window, list[dt.date]] = {}  # see _window
        self._ends: dict[tuple[dt.date, dt.date], tuple[dt.date, dt.date, dt.date, dt.date] | None] = {}
        self._orders: dict[tuple[object, ...], list[int]] = {}  # see _ordered
        self._order_keys: dict[tuple[object, ...], tuple[object, ...]] = {}  # see _ordered
        self._spans: dict[tuple[dt.date, dt.time, zoneinfo.ZoneInfo, int], tuple[dt.datetime, dt.datetime]] = {}
        self._swapped_windows: dict[_Window, tuple[list[dt.date], int]] = {}  # see _preference
        self._window_orders: dict[_Window, tuple[list[dt.date], list[dt.date], int]] = {}  # see _window_order
        self._zones: dict[str, zoneinfo.ZoneInfo] = {}  # see _zone
        self._org_tokens: dict[str, tuple[str]] = {}  # see _org_token
        self._swapped_sorted = sorted(calendar.workdays)  # 调休 working weekends, for _swapped_last
        self._working_days = self._days(lambda d: calendar.is_workday(d))
        self.nobody: list[tuple[Organization, Obligation]] = []  # attendance duties with nobody to attend
        self.link_attendees, self.attendance = self._link_attendees(only)
        self.tied_start: dict[tuple[str, str], dt.date] = {}
        self.states: dict[str, _OrgState] = {}
        self.activity_days = fixed_days(tree, obligations, only) if fixed is None else fixed
        self.fixed_hosts: dict[str, list[int]] = {}  # org id -> indices of its fixed-day activities
        # a re-plan (``pins``): kept items booked first, so nothing placed again takes their time
        self.pins = pins
        self.forced: dict[Key, str] = {}  # kept items that had to move, and why
        self.reopened: set[Key] = set()  # missed items whose window is open after all: placed again
        self._prebooked: dict[Key, tuple[tuple[str, ...], int, int]] = {}
        self._lectures: dict[tuple[str, str, str], Occurrence] = {}  # (org, obligation, slot) -> pinned 党课
        self._why_not_said: dict[dt.date, str] = {}
        self._org_themes: dict[str, list[str]] = {}  # see _themes
        self._unlisted: list[tuple[str, str, None]] = []  # see _anonymous
        self._weeks_with_days: dict[tuple[frozenset[int], bool], list[Period]] = {}  # see _per_household
        self._meeting_options: dict[str, MeetingOptions] = {}  # see plan_org
        self._duty_targets: dict[str, list[str]] | None = None  # for ``coupled``
        self._shapes: dict[tuple[int, ...], int] = {}  # see _OrgState.shape
        self._combos: dict[
            tuple[int, str], tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], _ByDay, _ByDay]
        ] = {}
        self._links_by_org: dict[str, list[tuple[str, tuple[str, ...]]]] | None = None  # for ``coupled``
        self._couplings: dict[
            tuple[int, ...], tuple[tuple[Audience, ...], bool, tuple[Audience, ...], frozenset[str], frozenset[str]]
        ] = {}  # see _coupling
        if pins is not None:
            self._prebook(pins)

    def _prebook(self, pins: Pins) -> None:
        for key, occ in pins.kept.items():
            if occ.at_org:
                self._lectures[(occ.org, occ.obligation, occ.slot)] = occ
            if not isinstance(occ.start, dt.datetime) or not isinstance(occ.end, dt.datetime):
                continue
            if occ.at_org:  # a leader's 党课 at another organization's activity books the leader
                people: tuple[str, ...] = (occ.slot.split("/")[0],)
            elif occ.at:  # a part of another activity follows that activity
                continue
            else:
                people = occ.people + (() if occ.slot else (f"org:{occ.org}",))
            a, b = self.bookings.span(occ.start, occ.end)
            self.bookings.book(people, a, b)
            self._prebooked[key] = (people, a, b)
        for occ in (*pins.held.values(), *pins.missed.values()):
            if occ.at_org:
                self._lectures[(occ.org, occ.obligation, occ.slot)] = occ

    def _release(self, key: Key, why: str) -> None:
        """A kept item must move: its time is freed and the reason kept for the re-plan's report."""
        booked = self._prebooked.pop(key, None)
        if booked is not None:
            self.bookings.unbook(*booked)
        self.forced[key] = why

    def _keep(self, org: Organization, req: _Request, kept: Occurrence, key: Key, first: dt.date) -> Occurrence | None:
        """A kept item where it is, with what the organization file now says (its people, title, room), or
        ``None`` when a constraint forces it to move (it is then released)."""
        if kept.first_day < first:
            self._release(key, f"须在前序步骤之后（{first.isoformat()}起）")
            return None
        if not req.first <= kept.first_day <= req.last or req.timed != (not kept.all_day):
            self._release(key, "组织文件变更后原定日期不再适用")
            return None
        if isinstance(kept.start, dt.datetime) and isinstance(kept.end, dt.datetime):
            # booked again with the people the file now names (the first plan's people may include a visiting
            # leader whose 党课 is booked on its own, or a secretary who has left)
            booked = self._prebooked.pop(key, None)
            if booked is not None:
                self.bookings.unbook(*booked)
            a, b = self.bookings.span(kept.start, kept.end)
            own = () if req.slot else (f"org:{org.id}",)
            people = (*req.people, *own, *req.tokens)
            who = self.bookings.clash(people, a, b)
            if who is not None:
                self._release(key, f"{self._name(who)}在原定时间已有其他安排")
                return None
            self.bookings.book(people, a, b)
        return _new(
            org=org.id,
            obligation=req.obligation.id,
            period=req.period.label,
            start=kept.start,
            end=kept.end,
            title=req.title,
            people=req.people,
            location=req.location,
            provisional=self.calendar.provisional,
            slot=req.slot,
            note=kept.note,
            theme=req.theme,
        )

    def _pinned(self, key: Key, last: dt.date) -> Occurrence | None:
        """The held or missed item of ``key``, given back as it is; ``None`` for the others. An item the records
        count as missed whose window, as this plan draws it (``last``), is still open on ``as_of`` (a window
        tied to a later step) is placed again instead."""
        pins = self.pins
        if pins is None:
            return None
        held = pins.held.get(key)
        if held is not None:
            return held
        missed = pins.missed.get(key)
        if missed is not None and last >= pins.as_of:
            self.reopened.add(key)
            return None
        return missed

    def _kept_alone(self, key: Key) -> bool:
        """Whether ``key`` is a re-plan's kept item that stood on its own in the first plan: it stays where it
        is (:meth:`_keep`) rather than join an activity placed since (a missed meeting placed again in its
        period), which would take it off the subscribers' calendars without a word."""
        pins = self.pins
        if pins is None:
            return False
        kept = pins.kept.get(key)
        return kept is not None and not kept.at

    def _from_as_of(self, key: Key, first: dt.date) -> dt.date:
        """The first day an item may take in a re-plan: never before ``as_of`` unless held or missed."""
        pins = self.pins
        if pins is None or key in pins.held or (key in pins.missed and key not in self.reopened):
            return first
        return max(first, pins.as_of)

    def _is_missed(self, occ: Occurrence) -> bool:
        if self.pins is None:
            return False
        key = key_of(occ)
        return key in self.pins.missed and key not in self.reopened

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

    def _swapped_last(self, days: list[dt.date]) -> list[dt.date]:
        """``days`` with 调休 working weekends moved to the end: they are a last resort, never a first choice."""
        workdays = self.calendar.workdays
        if not workdays or not days:
            return days
        swapped = self._swapped_sorted
        i, j = bisect.bisect_left(swapped, days[0]), bisect.bisect_right(swapped, days[-1])
        if i == j:  # ``days`` is sorted: no 调休 day among them
            return days
        # the few 调休 days cut out of ``days`` by position (slices, not a test of every day)
        at = [k for k in (bisect.bisect_left(days, d) for d in swapped[i:j]) if k < len(days) and days[k] in workdays]
        if not at:
            return days
        out: list[dt.date] = []
        prev = 0
        for k in at:
            out += days[prev:k]
            prev = k + 1
        out += days[prev:]
        return out + [days[k] for k in at]

    def _in_file_order(self, only: Collection[str] | None) -> Iterable[Organization]:
        """The organizations of ``only`` (all when ``None``) in file order."""
        tree = self.tree
        if only is None:
            return tree
        return [tree[i] for i in sorted((i for i in only if i in tree), key=tree.position)]

    def _link_attendees(
        self, only: Collection[str] | None = None
    ) -> tuple[dict[tuple[str, str], tuple[str, ...]], list[tuple[Organization, Obligation, Member, list[str]]]]:
        """Who attends which activity of another organization, and the attendance duties behind it.

        Returns ``(org id, obligation id) -> member ids`` — the people to add to that organization's
        activity that fulfils the obligation — and, for each attendance duty, the organization, the
        obligation, the member and the ids of the organizations whose meeting the member must attend
        (empty when the file does not say: no 所在支部, no links).
        """
        out: dict[tuple[str, str], list[str]] = {}
        duties: list[tuple[Organization, Obligation, Member, list[str]]] = []
        tree = self.tree
        # a shard: where another shard's people go is in that shard (:func:`shards`)
        for org in self._in_file_order(only):
            for ob in self.obligations.get(org.id, ()):
                if not ob.attendance:
                    continue
                below = self._own_units(org)
                if not self._audience(org, ob.attends):
                    self.nobody.append((org, ob))
                for member in self._audience(org, ob.attends):
                    targets: list[str] = []
                    home = tree.home_branch_of(member.id)
                    if ob.attend_home and home is not None:
                        targets.append(home.id)
                    if ob.attend_links:
                        for link in member.links:
                            target = tree.get(link)
                            if target is None or target.id in below or (home is not None and target.id == home.id):
                                continue
                            # a linked 村党委 holds the meeting in its branches: attend each of them
                            # (a link to an enterprise is not a 村（社区）: it has no such meeting to attend)
                            holders = [target, *self._descendants(target.id)]
                            targets += [
                                h.id
                                for h in holders
                                if any(o.id in ob.combines_with for o in self.obligations.get(h.id, ()))
                            ]
                    targets = list(dict.fromkeys(targets))
                    duties.append((org, ob, member, targets))
                    for target_id in targets:
                        for wanted in ob.combines_with:
                            out.setdefault((target_id, wanted), []).append(member.id)
        return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}, duties

    def _descendants(self, org_id: str) -> tuple[Organization, ...]:
        """``tree.descendants(org_id)``, worked out once (an organization's units are asked for by many of its
        obligations, and a linked village's by every leader linked to it)."""
        found = self._below.get(org_id)
        if found is None:
            found = self._below[org_id] = self.tree.descendants(org_id)
        return found

    def _own_units(self, org: Organization) -> set[str]:
        """``org`` and the organizations below it on its own track (a town's 机关 branches, not its villages);
        just ``org`` when it has no track to tell them apart."""
        if org.track is None:
            return {org.id}
        return {org.id} | {o.id for o in self._descendants(org.id) if o.track == org.track}

    def _audience(self, org: Organization, audience: Audience) -> tuple[Member, ...]:
        key = (org.id, audience)
        found = self._audiences.get(key)
        if found is None:
            found = self._audiences[key] = self._find_audience(org, audience)
        return found

    def _audience_ids(self, org: Organization, audience: Audience) -> tuple[str, ...]:
        """The ids of :meth:`_audience` (cached: an organization's meetings ask for the same people)."""
        key = (org.id, audience)
        found = self._audience_id_tuples.get(key)
        if found is None:
            found = self._audience_id_tuples[key] = tuple(m.id for m in self._audience(org, audience))
        return found

    def _find_audience(self, org: Organization, audience: Audience) -> tuple[Member, ...]:
        tree = self.tree
        members = tree.members_of(org.id)
        if audience is Audience.ALL_MEMBERS:
            return members
        if audience is Audience.UNIT_MEMBERS:
            return members + tuple(
                m for o in self._descendants(org.id) if o.track == org.track for m in tree.members_of(o.id)
            )
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
        if audience is Audience.CADRES:  # the unit's cadres, wherever they take part in organization life
            return tuple(
                m
                for o in (org, *(o for o in self._descendants(org.id) if o.track == org.track))
                for m in tree.members_of(o.id)
                if MemberRole.CADRE in m.roles
            )
        if audience is Audience.FLAGGED_MEMBERS:
            return tuple(m for m in members if m.flags)
        if audience is Audience.SUBORDINATE_SECRETARIES:
            below = {o.id: o for o in self._descendants(org.id)}
            below.update((o.id, o) for o in tree.overseen_by(org.id))
            subs = [tree.secretary_of(i) for i in sorted(below, key=tree.position)]  # in file order
            return tuple(dict.fromkeys(m for m in subs if m is not None))
        if audience is Audience.LINKED_MEMBERS:
            return tuple(m for o in tree.linked(org.id) for m in tree.members_of(o.id))
        return ()

    def _tokens(self, org: Organization, ob: Obligation) -> tuple[str, ...]:
        """Organizations that attend an activity as a whole (全体党员 of a unit's branches), for booking."""
        if Audience.UNIT_MEMBERS in (ob.attends, *ob.also_attends):
            return tuple(f"org:{o.id}" for o in self._descendants(org.id) if o.track == org.track)
        return ()

    def _people(self, org: Organization, ob: Obligation) -> tuple[str, ...]:
        people = list(self._audience_ids(org, ob.leads))
        for audience in (ob.attends, *ob.also_attends):
            people += self._audience_ids(org, audience)
        for target in (ob.id, *ob.combines_with):  # also what this activity fulfils
            people += self.link_attendees.get((org.id, target), ())
        lecturer = org.option("lecturer")
        if ob.kind is ActivityKind.LECTURE and isinstance(lecturer, str) and lecturer:
            people.append(lecturer)
        people += ob.people  # member ids a plugin books (a development zone's inspector)
        return tuple(dict.fromkeys(people))

    def _themes(self, org: Organization) -> list[str]:
        """:meth:`_theme` of each month (by number; the first unused), once per organization."""
        found = self._org_themes.get(org.id)
        if found is None:
            found = self._org_themes[org.id] = ["", *(self._theme(org, month) for month in range(1, 13))]
        return found

    def _theme(self, org: Organization, month: int) -> str:
        themes = org.option("themes")
        if isinstance(themes, list | tuple) and 0 < month <= len(themes) and isinstance(themes[month - 1], str):
            return str(themes[month - 1]).strip()
        if isinstance(themes, Mapping):
            value = themes.get(str(month), themes.get(f"{month:02d}"))
            return value.strip() if isinstance(value, str) else ""
        return ""

    # -- expansion ---------------------------------------------------------------------------------

    def requests(self, org: Organization, ob: Obligation, opts: MeetingOptions, chained: bool) -> Iterator[_Request]:
        cadence = ob.cadence
        timed = ob.kind in TIMED_KINDS and not ob.all_day
        minutes = int(org.option(f"{ob.slug}.minutes", opts.minutes if ob.minutes is None else ob.minutes))
        location = opts.location
        year_first, year_last = dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        if cadence.kind is CadenceKind.PER_MEMBER:
            yield from self._per_member(org, ob, opts, chained)
            return
        if cadence.kind is CadenceKind.PER_HOUSEHOLD:
            yield from self._per_household(org, ob, opts)
            return
        people = self._people(org, ob)
        tokens = self._tokens(org, ob)
        rule, rule_default = self.activity_days.get(org.id, (None, False))
        # the same for every period
        monthly = cadence.kind is CadenceKind.MONTHLY
        fixed = ob.fixed_day and monthly and rule is not None
        earliest = chained or cadence.kind is CadenceKind.ONCE
        times = (opts.time,)
        tied = self.tied_start.get((org.id, ob.id))
        due = dt.date(self.year, *ob.due) if cadence.kind is CadenceKind.ONCE and tied is None else None
        in_month: dict[int, dt.date] = {}  # the rule's day in each month (as ActivityDay.in_month)
        if fixed and rule is not None:
            for day in rule.days(self.year):
                in_month.setdefault(day.month, day)
        themes = self._themes(org) if monthly else None
        title, fixed_rule = ob.title, rule if fixed else None
        for period in _periods(cadence, self.year):
            first, last = max(period.first, year_first), min(period.last, year_last)
            if tied is not None and period.first == year_first and period.last == year_last:
                first = max(first, tied)
            if due is not None:
                last = due
            month = period.first.month
            # positional (one per period of every obligation): obligation, period, first, last, title, people, slot,
            # minutes, timed, location, earliest, day_of_month, times, tokens, rule, rule_default, theme
            yield _Request(
                ob,
                period,
                first,
                last,
                title,
                people,
                "",
                minutes,
                timed,
                location,
                earliest,
                in_month.get(month),
                times,
                tokens,
                fixed_rule,
                rule_default,
                "" if themes is None else themes[month],
            )

    def _member_rounds(
        self, org: Organization, ob: Obligation, opts: MeetingOptions
    ) -> Iterator[tuple[Period, dt.date, dt.date, tuple[tuple[str, str, tuple[str, ...]], ...]]]:
        """A per-member obligation's periods, each with its first and last day and, for every member
        covered, ``(slot, title, people)``: the member and the leader who leads that member's item."""
        tree = self.tree
        if ob.for_flags:
            flags = set(ob.for_flags)
            covered: list[tuple[str, str, str | None]] = [
                (m.id, m.name, m.id) for m in tree.members_of(org.id) if {str(f) for f in m.flags} & flags
            ]
        else:
            covered = [(m.id, m.name, m.id) for m in self._audience(org, ob.attends)]
            if ob.attends is Audience.ALL_MEMBERS:
                covered += self._anonymous(len(covered) + 1, tree.member_count(org.id))
        same = ob.leads == ob.attends
        leaders = [] if same else [m.id for m in self._audience(org, ob.leads)]
        if not leaders and not same:
            sec = tree.secretary_of(org.id)
            leaders = [sec.id] if sec else []
        leaders = list(dict.fromkeys(leaders))
        title = ob.title
        # one (slot, title, people) per member, every period: the strings and tuples are shared
        alone: tuple[tuple[str, str, tuple[str, ...]], ...] = tuple(
            (slot, f"{title}：{name}", (member_id,) if member_id is not None else ())
            for slot, name, member_id in covered
        )
        # the leaders' own talks are assigned first, so the others even out
        is_leader = set(leaders)
        order = sorted(range(len(covered)), key=lambda i: covered[i][2] not in is_leader)
        # (talks so far, position): the least busy leader, the first listed among equals
        load = [(0, k) for k in range(len(leaders))]
        year_first, year_last = dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        tied = self.tied_start.get((org.id, ob.id))
        if len(leaders) == 1:
            # one leader leads every item but the leader's own, in every period (what the balancing below
            # comes to): the items are made once
            leader = leaders[0]
            led = tuple(
                (slot, text, people if member_id == leader else (leader, *people))
                for (slot, text, people), (_, _, member_id) in zip(alone, covered, strict=True)
            )
        previous: tuple[dict[int, str], tuple[tuple[str, str, tuple[str, ...]], ...]] | None = None
        for period in _periods(ob.cadence, self.year):
            first = max(period.first, year_first, period.first if tied is None else tied)
            last = min(period.last, year_last)
            if not leaders:
                yield period, first, last, alone
                continue
            if len(leaders) == 1:
                yield period, first, last, led
                continue
            # The talks are shared among the leaders, balanced: each goes to the least busy leader who is
            # not the member talked to.
            lead_of: dict[int, str] = {}
            for i in order:
                talks, k = heapq.heappop(load)
                if leaders[k] == covered[i][2]:  # not the member talked to: the next least busy
                    if not load:
                        load.append((talks, k))
                        continue
                    other = heapq.heapreplace(load, (talks, k))
                    talks, k = other
                lead_of[i] = leaders[k]
                heapq.heappush(load, (talks + 1, k))
            if previous is None or previous[0] != lead_of:  # the same shares as the period before: its items
                items = tuple(
                    (slot, text, (lead_of[i], *people) if i in lead_of else people)
                    for i, (slot, text, people) in enumerate(alone)
                )
                previous = (lead_of, items)
            yield period, first, last, previous[1]

    def _anonymous(self, first: int, last: int) -> list[tuple[str, str, None]]:
        """``(slot, name, None)`` of the unlisted members ``first`` to ``last`` of an organization: ``anon-004``,
        ``第4名党员`` (made once for all organizations)."""
        made = self._unlisted
        for n in range(len(made) + 1, last + 1):
            made.append((f"anon-{n:03d}", f"第{n}名党员", None))
        return made[first - 1 : last]

    def _talk_times(self, opts: MeetingOptions) -> tuple[dt.time, ...]:
        return _talk_times(opts.time, opts.talk_minutes, opts.talks_per_day)

    def _per_member(self, org: Organization, ob: Obligation, opts: MeetingOptions, chained: bool) -> Iterator[_Request]:
        times = self._talk_times(opts)
        # what _member_request makes of each, positionally: obligation, period, first, last, title, people, slot,
        # minutes, timed, location, earliest, day_of_month, times
        minutes, timed, location = opts.talk_minutes, ob.kind in TIMED_KINDS, opts.location
        for period, first, last, items in self._member_rounds(org, ob, opts):
            for slot, title, people in items:
                yield _Request(
                    ob, period, first, last, title, people, slot, minutes, timed, location, chained, None, times
                )

    def _per_household(self, org: Organization, ob: Obligation, opts: MeetingOptions) -> Iterator[_Request]:
        tree = self.tree
        per_week = int(org.option("load_per_week", ob.load_per_week))
        minutes = int(org.option(f"{ob.slug}.minutes", DEFAULT_VISIT_MINUTES if ob.minutes is None else ob.minutes))
        rounds: list[tuple[str, Organization]] = []
        for member in self._audience(org, ob.leads):
            for link in member.links:
                target = tree.get(link)
                if target is not None and target.households:
                    rounds.append((member.id, target))
        if not rounds and org.households:
            rounds = [(m.id, org) for m in self._audience(org, ob.leads)[:1]]
        # Each visitor's rounds are spread evenly over the weeks that have a day the organization may
        # meet on, at most ``load_per_week`` households a week for one visitor.
        allowed = self.allowed_days(opts)
        year_first, year_last = dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        weeks = self._weeks_with_days.get(allowed_key := (opts.weekdays, opts.allow_weekends))
        if weeks is None:  # the same for every organization that meets on the same days
            weeks = self._weeks_with_days[allowed_key] = [
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
        whole_year = Period(str(self.year), year_first, year_last)
        a_week, times = dt.timedelta(days=7), (opts.time,)
        for visitor, items in sessions.items():
            people = (visitor,)
            # a visitor with more rounds than weeks: every round unplaced, each saying the visitor's households
            too_many = len(items) > len(weeks)
            households = sum(t.households or 0 for t in dict.fromkeys(t for t, *_ in items)) if too_many else 0
            for k, (target, i, a, b) in enumerate(items):
                slot = f"{visitor}/{target.id}/{i + 1:02d}"
                if too_many:
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
                # positional: obligation, period, first, last, title, people, slot, minutes, timed, location,
                # earliest, day_of_month, times
                yield _Request(
                    ob,
                    whole_year,
                    max(week.first, year_first),
                    min(week.last + a_week, year_last),
                    f"{ob.title}：{target.name}第{a}–{b}户",
                    people,
                    slot,
                    minutes,
                    True,
                    target.name,
                    True,
                    None,
                    times,
                )

    # -- placing -----------------------------------------------------------------------------------

    def _window(self, opts: MeetingOptions, window: _Window) -> list[dt.date]:
        """The days the organization may meet on from ``window``'s first to its last day (cached: many
        requests share a window). Not to be changed."""
        days = self._windows.get(window)
        if days is None:
            days = self._windows[window] = self._between(self.allowed_days(opts), window[2], window[3])
        return days

    def _window_order(self, opts: MeetingOptions, window: _Window) -> tuple[list[dt.date], list[dt.date], int]:
        """:meth:`_window`'s days, and what :meth:`_preference` makes of them for a request without a fixed day:
        the days with 调休 days last, and how many come before those (one lookup for all three)."""
        known = self._window_orders.get(window)
        if known is None:
            days = self._window(opts, window)
            swapped, plain = (days, 0) if not days else self._swapped_order(days, window)
            known = self._window_orders[window] = (days, swapped, plain)
        return known

    def _swapped_order(self, days: list[dt.date], window: _Window | None) -> tuple[list[dt.date], int]:
        """``days`` with 调休 days last, and how many days come before them (cached by ``window``)."""
        known = None if window is None else self._swapped_windows.get(window)
        if known is None:
            swapped = self._swapped_last(days)
            known = (swapped, len(swapped) - sum(1 for d in swapped if d in self.calendar.workdays))
            if window is not None:
                self._swapped_windows[window] = known
        return known

    def _zone(self, name: str) -> zoneinfo.ZoneInfo:
        """``MeetingOptions.tz`` of an organization whose ``timezone`` is ``name`` (one lookup)."""
        tz = self._zones.get(name)
        if tz is None:
            tz = self._zones[name] = zoneinfo.ZoneInfo(name)
        return tz

    def _preference(
        self, org: Organization, req: _Request, days: list[dt.date], window: _Window | None = None
    ) -> list[dt.date]:
        """``days`` in the order the request tries them; ``window`` when ``days`` are that window's days
        (:meth:`_window`), for the order's cache. The list given back is not to be changed."""
        if not days:
            return days
        if req.day_of_month is not None:
            # the fixed day, else the next day it may meet in the month (a 调休 working weekend included:
            # it is the nearest working day), else the days before it
            i = bisect.bisect_left(days, req.day_of_month)
            return days[i:] + days[:i][::-1]
        # 调休 days last, and how many days come before them: the same for every request of one window
        days, plain = self._swapped_order(days, window)
        if req.earliest:
            return days
        start = _hash(org.id, req.obligation.id, req.period.label, req.slot) % max(plain, 1)
        return days[start:plain] + days[:start] + days[plain:]

    def _why_not(self, day: dt.date, opts: MeetingOptions) -> str:
        """Why an organization does not meet on ``day``: 逢国庆节, 逢周末..."""
        said = self._why_not_said.get(day)
        if said is None:
            if self.calendar.is_holiday(day):
                said = f"逢{holiday_name(self.calendar, day)}"
            elif day.isoweekday() >= 6 and day not in self.calendar.workdays:
                said = "逢周末"
            else:
                said = "非本组织开会日（weekdays）"
            self._why_not_said[day] = said
        return said

    def _fixed_note(
        self, req: _Request, day: dt.date, opts: MeetingOptions, clash: str = "", first: dt.date | None = None
    ) -> str:
        rule = req.rule
        if rule is None:
            return ""
        said = f"未设固定活动日（activity_day），按{rule.describe()}安排" if req.rule_default else ""
        wanted = req.day_of_month
        if wanted is None:
            return "；".join(p for p in (said, f"{rule.describe()}在本月没有对应日期") if p)
        if day == wanted:
            return said or f"党员固定活动日：{rule.describe()}"
        base = f"原定{rule.describe()}（{wanted.month}月{wanted.day}日）"
        if first is not None and wanted < first:  # it must follow a step that comes later in the month
            why = f"，须在前序步骤（{'、'.join(req.obligation.after)}）之后，改至{day.month}月{day.day}日"
        elif clash:
            why = f"，因{clash}已有安排改至{day.month}月{day.day}日"
        else:
            move = "顺延" if day > wanted else "提前"
            why = f"，{self._why_not(wanted, opts)}{move}至{day.month}月{day.day}日"
        if day.weekday() >= 5 and day in self.calendar.workdays:  # a weekend day worked in exchange for a holiday
            why += f"（{'星期六' if day.weekday() == 5 else '星期日'}，调休上班日）"
        return "；".join(p for p in (said, base + why) if p)

    def _with_named_weekend(self, req: _Request, days: list[dt.date], first: dt.date) -> list[dt.date]:
        """``days`` and the request's fixed day when the rule names a weekend day (每月第一个星期六): the
        organization meets on the day it named, unless it is a holiday."""
        wanted = req.day_of_month
        if (
            wanted is not None
            and req.rule is not None
            and req.rule.names_weekend
            and first <= wanted <= req.last
            and wanted.isoweekday() >= 6
            and not self.calendar.is_holiday(wanted)
            and wanted not in days
        ):
            return sorted([*days, wanted])
        return days

    def _all_day(
        self, org: Organization, opts: MeetingOptions, req: _Request, first: dt.date
    ) -> tuple[dt.date, dt.date, str] | None:
        """The first and last day, and the note, of an all-day item; ``None`` when no day is left."""
        if req.day_of_month is not None:  # a fixed-day item with no time of its own
            days = self._with_named_weekend(req, self._between(self.allowed_days(opts), first, req.last), first)
            if days:
                day = self._preference(org, req, days)[0]
                return day, day, self._fixed_note(req, day, opts, first=first)
            # no day it meets on is left in the month (it must follow a step that came late): the first
            # working day after that step, and the note says why it is not on the fixed day
            working = self._swapped_last(self._between(self._working_days, first, req.last))
            if working:
                return working[0], working[0], self._fixed_note(req, working[0], opts, first=first)
        ends = self._working_ends(first, req.last)
        if ends is None:
            return None
        if req.obligation.cadence.kind is CadenceKind.WINDOW:
            return ends[0], ends[1], ""  # the whole window
        if req.earliest:
            return ends[2], ends[2], ""  # set-up duties and steps others follow: as early as possible
        return ends[3], ends[3], ""  # due markers: the last working day of the period or deadline

    def _working_ends(self, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date, dt.date, dt.date] | None:
        """The first and last working day from ``first`` to ``last``, and the first and last of them that is not
        a 调休 working weekend (the first and last working day when every one is); ``None`` when there is no
        working day (cached: the items of a period share it)."""
        key = (first, last)
        if key in self._ends:
            return self._ends[key]
        days = self._swapped_last(self._between(self._working_days, first, last))
        ends = None
        if days:
            plain = [d for d in days if d not in self.calendar.workdays] or days
            ends = (min(days), max(days), plain[0], plain[-1])
        self._ends[key] = ends
        return ends

    def place(
        self, org: Organization, opts: MeetingOptions, req: _Request, not_before: dt.date | None
    ) -> Occurrence | None:
        """The occurrence of ``req``, or ``None`` when it cannot be placed (an :class:`Unplaced` says why)."""
        found = self._place(org, opts, req, not_before)
        if isinstance(found, tuple):
            return self._timed(org, req, found, (), ())
        return found

    def _place(
        self, org: Organization, opts: MeetingOptions, req: _Request, not_before: dt.date | None
    ) -> Occurrence | tuple[dt.datetime, dt.datetime, str] | None:
        """:meth:`place`, a timed item placed as its start, end and note (the occurrence :meth:`place` makes of
        them), so that a caller that gives it more fields makes it once."""
        ob = req.obligation
        first = req.first if not_before is None else max(req.first, not_before)
        provisional = self.calendar.provisional
        if self.pins is not None:
            key = (org.id, ob.id, req.period.label, req.slot)
            pinned = self._pinned(key, req.last)
            if pinned is not None:
                return pinned
            kept = self.pins.kept.get(key)
            if kept is not None:
                occ = self._keep(org, req, kept, key, first)
                if occ is not None:
                    return occ
            first = max(first, self.pins.as_of)
            if first > req.last:
                self.state(org).closed.add(ob.id)  # what follows it is not held up by it
                self.unplaced.append(
                    Unplaced(
                        org.id,
                        ob.id,
                        req.period.label,
                        f"{req.period.label}在重新计划的起始日（{self.pins.as_of.isoformat()}）之前已结束",
                        req.slot,
                    )
                )
                return None
        if not req.timed:
            span = self._all_day(org, opts, req, first)
            if span is None:
                self.unplaced.append(
                    Unplaced(org.id, ob.id, req.period.label, self._no_day_reason(req, first), req.slot)
                )
                return None
            start, end, note = span
            return _new(
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
                note=note,
                theme=req.theme,
            )
        window = (opts.weekdays, opts.allow_weekends, first, req.last)
        tz = self._zone(opts.timezone)
        times, minutes = req.times, req.minutes
        tries: tuple[object, ...] | None = None
        if req.day_of_month is None:
            # the window's days and their order (_preference), looked up once
            days, swapped, plain = self._window_order(opts, window)
            if not days:
                self.unplaced.append(
                    Unplaced(org.id, ob.id, req.period.label, self._no_day_reason(req, first), req.slot)
                )
                return None
            if req.earliest:
                # the tries of a window's days in their own order are the same for every such request (first_free)
                order = swapped
                tries = (window, times, minutes, tz.key)
            else:
                at = _hash(org.id, ob.id, req.period.label, req.slot) % max(plain, 1)
                order = swapped[at:plain] + swapped[:at] + swapped[plain:]
        else:
            days = self._with_named_weekend(req, self._window(opts, window), first)
            if not days:
                self.unplaced.append(
                    Unplaced(org.id, ob.id, req.period.label, self._no_day_reason(req, first), req.slot)
                )
                return None
            order = self._preference(org, req, days, window)
        people = req.people + (self._org_token(org.id) if not req.slot else ()) + req.tokens
        blockers: dict[str, None] = {}
        found = self.bookings.first_free(people, order, times, minutes, tz, blockers, tries)
        if found is not None:
            day, t = found
            start, end = self._span_at(day, t, tz, minutes)
            note = ""
            if req.rule is not None:
                clash = "、".join(self._name(p) for p in list(blockers)[:3])
                note = self._fixed_note(req, day, opts, clash, first)
            return start, end, note
        self.unplaced.append(self._all_taken(org.id, ob.id, req.period.label, first, req.last, blockers, req.slot))
        return None

    def _org_token(self, org_id: str) -> tuple[str]:
        """``("org:<id>",)``: what an organization's own activities book besides their people (one per
        organization, not one per item)."""
        token = self._org_tokens.get(org_id)
        if token is None:
            token = self._org_tokens[org_id] = (f"org:{org_id}",)
        return token

    def _span_at(
        self, day: dt.date, t: dt.time, tz: zoneinfo.ZoneInfo, minutes: int
    ) -> tuple[dt.datetime, dt.datetime]:
        """The start and end of an item at ``t`` on ``day`` for ``minutes``: one pair of objects for all the
        items at that time (organizations meet at the same hours; datetimes are immutable)."""
        key = (day, t, tz, minutes)
        span = self._spans.get(key)
        if span is None:
            start = dt.datetime.combine(day, t, tzinfo=tz)
            span = self._spans[key] = (start, start + _minutes(minutes))
        return span

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

    def _empty_reason(self, org: Organization, ob: Obligation) -> str:
        """Why an obligation gave no request at all: the people it needs are not in the file."""
        if ob.cadence.kind is CadenceKind.PER_HOUSEHOLD:
            return (
                f"{ob.leads.label}未在组织文件中列出，或其联系村（links）未填写户数（households），无法安排{ob.title}"
            )
        audience = ob.leads if ob.leads in (Audience.CADRES, Audience.LEADERS, Audience.COMMITTEE) else ob.attends
        if ob.for_flags:
            return f"组织文件中没有标注{'、'.join(ob.for_flags)}的党员（[[member]] flags），本年无需{ob.title}"
        role = _ROLE_HINT.get(audience, "")
        hint = f"（[[member]] roles 含 {role}）" if role else ""
        subject = "镇（街道）干部" if audience is Audience.CADRES and ob.track == "town" else audience.label
        what = "结对户" if ob.kind is ActivityKind.VISIT and audience is Audience.CADRES else ob.title
        return f"{subject}未在组织文件中列出{hint}，无法安排{what}"

    # -- one organization --------------------------------------------------------------------------

    def state(self, org: Organization) -> _OrgState:
        st = self.states.get(org.id)
        if st is not None:
            return st
        obligations = [o for o in self.obligations.get(org.id, ()) if o.schedulable]
        ids = {o.id for o in obligations}
        # a step whose meeting applies is held in it; a step of a meeting that does not apply stands alone
        steps = {o.id: o.part_of for o in obligations if o.part_of and o.part_of in ids and o.part_of != o.id}
        by_id = {o.id: o for o in obligations}
        chained = {o.id for o in obligations if any(a in ids for a in o.after)}
        chained |= {steps.get(a, a) for o in obligations for a in o.after if a in ids}
        st = self.states[org.id] = _OrgState(
            obligations=obligations,
            ordered=self._ordered([o for o in obligations if o.id not in steps], steps),
            by_id=by_id,
            chained=chained,
            steps=steps,
            shape=self._shapes.setdefault(tuple(map(id, obligations)), len(self._shapes)),
        )
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
        return st

    def _combos_of(self, st: _OrgState, ob: Obligation) -> _Combos:
        """What :meth:`_plan_obligation` reads of ``ob`` among an organization's obligations, the same for every
        organization of its shape: the steps held in its meetings and their agenda, the obligations whose
        activities may host its members' items, and its partners whose periods an activity of it may also
        fulfil, on their own or member by member (each with its periods by day; those already finished are left
        out when it is planned)."""
        by_id = st.by_id
        steps = tuple(s for s, host in st.steps.items() if host == ob.id)
        agenda = tuple(by_id[s].title.split("：", 1)[-1] for s in steps)
        combos = [by_id[i] for i in ob.combines_with if i in by_id]
        hosted_by = tuple(o.id for o in combos if not _slotted(o))
        partners = tuple(
            (o.id, _periods_by_day(o.cadence, self.year)) for o in combos if not _slotted(o) and _activity(o)
        )
        slot_partners = tuple(
            (o.id, _periods_by_day(o.cadence, self.year)) for o in combos if _slotted(o) and _activity(o)
        )
        return steps, agenda, hosted_by, partners, slot_partners

    def _ordered(self, obligations: Sequence[Obligation], steps: Mapping[str, str]) -> list[Obligation]:
        """:func:`_order`, worked out once for all organizations whose obligations have the same ids, order,
        predecessors and partners (the organizations of one track: a county's villages)."""
        # by the obligations' identity first (organizations of one track share the objects, which live on in
        # self.obligations meanwhile); then by what the order depends on
        same = (tuple(map(id, obligations)), tuple(steps.items()))
        key = self._order_keys.get(same)
        if key is None:
            key = self._order_keys[same] = (
                tuple((o.id, o.after, o.combines_with, _slotted(o)) for o in obligations),
                tuple(steps.items()),
            )
        positions = self._orders.get(key)
        if positions is None:
            at = {id(o): n for n, o in enumerate(obligations)}
            positions = self._orders[key] = [at[id(o)] for o in _order(obligations, steps)]
        return [obligations[n] for n in positions]

    def plan_org(self, org: Organization, *, fixed: bool) -> None:
        """Place ``org``'s fixed-day activities (``fixed``), or everything else."""
        st = self.state(org)
        if not st.obligations:
            return
        opts = self._meeting_options.get(org.id)
        if opts is None:  # the same in both passes
            opts = self._meeting_options[org.id] = meeting_options(org.options)[0]
        if fixed:
            # the fixed-day activities; what they also fulfil (another rule's 主题党日) follows in pass two
            # (one that must follow another obligation waits for it in pass two)
            first = {o.id for o in st.ordered if o.fixed_day and o.cadence.kind is CadenceKind.MONTHLY}
            first = {i for i in first if all(st.steps.get(a, a) not in st.by_id for a in st.by_id[i].after)}
            todo = [o for o in st.ordered if o.id in first]
        else:
            todo = [o for o in st.ordered if o.id not in st.done]
        for ob in todo:
            st.done.add(ob.id)
            self._plan_obligation(org, opts, st, ob)
        if not fixed:
            for (partner_id, _, _), index in st.claims.items():  # the partner never asked for that member
                occ = self.occurrences[index]
                self.occurrences[index] = _replace(
                    occ, also_fulfils=tuple(i for i in occ.also_fulfils if i != partner_id)
                )
            st.claims.clear()

    def _plan_obligation(self, org: Organization, opts: MeetingOptions, st: _OrgState, ob: Obligation) -> None:
        placed, served, served_slots = st.placed, st.served, st.served_slots
        done = placed.setdefault(ob.id, [])
        if ob.attendance:
            return  # met in the other organization's meeting: see ``attendances``
        if ob.attend_links and ob.kind is ActivityKind.LECTURE:
            self._lectures_at_links(org, ob)
            st.finished.add(ob.id)
            return
        combos = self._combos.get((st.shape, ob.id))
        if combos is None:
            combos = self._combos[(st.shape, ob.id)] = self._combos_of(st, ob)
        steps, agenda, hosted_by, partners_of, slot_partners_of = combos
        hosts = (
            sorted((o for i in hosted_by for o in placed.get(i, ())), key=lambda o: o.first_day) if hosted_by else []
        )
        if self.pins is not None:  # an activity that was missed hosts nothing: its window is closed
            hosts = [o for o in hosts if not self._is_missed(o)]
        host_days = [o.first_day for o in hosts]
        host_info: dict[int, tuple[tuple[int, int] | None, frozenset[str], str]] = {}
        # what one activity of ``ob`` may also fulfil: the same for every request (``finished`` changes after)
        finished = st.finished
        by_day = [p for p in partners_of if p[0] not in finished] if partners_of else []
        slot_partners = [p for p in slot_partners_of if p[0] not in finished] if slot_partners_of else []
        slotted = _slotted(ob)
        count, reported = 0, len(self.unplaced)
        if hosts and ob.cadence.kind is CadenceKind.PER_MEMBER and not (slot_partners or steps or ob.precedes):
            # every member's item held at the meeting it combines with (党员对照反思 at the monthly study):
            # the same steps as below, without a request per member unless one must be placed alone
            count = self._members_at_hosts(org, opts, st, ob, hosts, host_days, host_info)
        # looked up once for every request: the ids, each partner's periods by day, the lists appended to
        ob_id, year, pins = ob.id, self.year, self.pins
        slot_by_day = slot_partners if slotted else []
        if (
            _FAST
            and not count
            and not hosts
            and pins is None
            and ob.cadence.kind is CadenceKind.PER_MEMBER
            and ob.kind in TIMED_KINDS
            and not (steps or ob.precedes)
            and all(st.steps.get(a, a) != ob_id for a in ob.after)
        ):
            # every member's talk placed on its own (谈心谈话): the steps of the loop below, without a request each
            count = self._members_alone(org, opts, st, ob, slot_by_day)
        elif _FAST and not count and not slotted:
            # a request a period (requests): when another activity already serves every period (a yearly review
            # held in the 民主评议 meeting), each comes to a Combined
            labels = _labels(ob.cadence, year)
            if labels and all((ob_id, label) in served for label in labels):
                self.combined.extend(Combined(org.id, ob_id, label, served[(ob_id, label)]) for label in labels)
                count = len(labels)
                st.requested[ob_id] = st.requested.get(ob_id, 0) + count
            elif pins is None and ob.kind in TIMED_KINDS and not ob.all_day:
                # a timed activity a period (a 支委会 each month): the steps of the loop below, fewer of them
                count = self._periods_alone(org, opts, st, ob, steps, agenda, by_day)
        requested, combined, occurrences = st.requested, self.combined, self.occurrences
        fixed_host = ob.fixed_day
        for req in () if count else self.requests(org, ob, opts, ob_id in st.chained):
            count += 1
            requested[ob_id] = requested.get(ob_id, 0) + 1
            label, slot = req.period.label, req.slot
            if not slot:
                if (ob_id, label) in served:
                    combined.append(Combined(org.id, ob_id, label, served[(ob_id, label)]))
                    continue
            else:
                by = served_slots.get((ob_id, label, slot))
                if by is not None:  # the same member's talk already serves this obligation too
                    combined.append(Combined(org.id, ob_id, label, by, slot))
                    st.claims.pop((ob_id, label, slot), None)
                    continue
            not_before = self._not_before(ob, label, req.last, placed, st) if ob.after else None
            if not_before is False:
                self.unplaced.append(Unplaced(org.id, ob_id, label, self._blocked_reason(ob), slot))
                continue
            if ob.precedes and not req.timed:
                req = self._before_first(req, ob, placed)
            occ = None
            key = (org.id, ob_id, label, slot) if slot and hosts else None  # the pins' key
            if key is not None and self._pinned(key, req.last) is None and not self._kept_alone(key):
                # a per-member item held at the activity it combines with,
                # at a host in its days and after its predecessors (``after``)
                first = max(req.first, not_before) if isinstance(not_before, dt.date) else req.first
                first = self._from_as_of(key, first)
                occ = self._ride_along(
                    org,
                    ob,
                    label,
                    (first, req.last, req.timed),
                    req.title,
                    req.people,
                    slot,
                    hosts,
                    host_days,
                    host_info,
                )
            timed: tuple[dt.datetime, dt.datetime, str] | None = None
            if occ is None:
                found = self._place(org, opts, req, not_before if isinstance(not_before, dt.date) else None)
                if isinstance(found, tuple):
                    if pins is None and _FAST:
                        timed = found  # made below, once, with what else it fulfils
                    else:
                        occ = self._timed(org, req, found, (), ())
                else:
                    occ = found
            if timed is not None:
                # what the steps below would make of the occurrence place() makes, made at once
                day, also, shown = timed[0].date(), tuple(steps) if agenda else (), agenda
                if by_day and not slot:
                    fulfils = self._fulfils(by_day, day, served, ob_id)
                    if fulfils:
                        also = (*also, *fulfils)
                        occ = self._timed(org, req, timed, also, shown)
                        for partner_id in fulfils:
                            placed.setdefault(partner_id, []).append(occ)
                if slot and slot_by_day:
                    fulfils = self._slot_fulfils(st, slot_by_day, day, slot, ob_id, len(occurrences))
                    if fulfils:
                        occ = self._timed(org, req, timed, tuple(fulfils), shown)
                        for partner_id in fulfils:
                            placed.setdefault(partner_id, []).append(occ)
                if occ is None:
                    occ = self._timed(org, req, timed, also, shown)
            else:
                if occ is None:
                    continue
                if agenda:
                    occ = _replace(occ, agenda=agenda, also_fulfils=tuple(steps))
                missed = pins is not None and self._is_missed(occ)  # a re-plan's missed activity fulfils nothing
                if by_day and not slot and not missed:
                    fulfils = self._fulfils(by_day, occ.first_day, served, ob_id)
                    if fulfils:
                        occ = _replace(occ, also_fulfils=(*occ.also_fulfils, *fulfils))
                        for partner_id in fulfils:
                            placed.setdefault(partner_id, []).append(occ)
                if slot and slot_by_day and not missed:
                    fulfils = self._slot_fulfils(st, slot_by_day, occ.first_day, slot, ob_id, len(occurrences))
                    if fulfils:
                        occ = _replace(occ, also_fulfils=tuple(fulfils))
                        for partner_id in fulfils:
                            placed.setdefault(partner_id, []).append(occ)
            for step in steps:
                placed.setdefault(step, []).append(occ)
                combined.append(Combined(org.id, step, occ.period, ob_id))
            done.append(occ)
            if fixed_host and not slot:
                self.fixed_hosts.setdefault(org.id, []).append(len(occurrences))
            occurrences.append(occ)
        st.finished.add(ob.id)
        if count == 0 and len(self.unplaced) == reported:
            self.unplaced.append(Unplaced(org.id, ob.id, str(self.year), self._empty_reason(org, ob)))

    def _timed(
        self,
        org: Organization,
        req: _Request,
        found: tuple[dt.datetime, dt.datetime, str],
        also_fulfils: tuple[str, ...],
        agenda: tuple[str, ...],
    ) -> Occurrence:
        """The occurrence :meth:`place` makes of a timed item's start, end and note, with ``also_fulfils`` and
        ``agenda``."""
        start, end, note = found
        # positional (a call with keywords is slower, and there is one per item): org, obligation, period,
        # start, end, title, people, location, provisional, slot, also_fulfils, note, at, at_org, agenda, theme
        return _new(
            org.id,
            req.obligation.id,
            req.period.label,
            start,
            end,
            req.title,
            req.people,
            req.location,
            self.calendar.provisional,
            req.slot,
            also_fulfils,
            note,
            "",
            "",
            agenda,
            req.theme,
        )

    @staticmethod
    def _fulfils(
        by_day: list[tuple[str, dict[dt.date, tuple[Period, ...]]]],
        day: dt.date,
        served: dict[tuple[str, str], str],
        ob_id: str,
    ) -> list[str]:
        """The partners whose period of ``day`` an activity on ``day`` fulfils (none did yet), marked served."""
        fulfils = []
        for partner_id, periods_of in by_day:
            for p in periods_of.get(day, ()):
                if (partner_id, p.label) not in served:
                    served[(partner_id, p.label)] = ob_id
                    fulfils.append(partner_id)
        return fulfils

    @staticmethod
    def _slot_fulfils(
        st: _OrgState,
        by_day: list[tuple[str, dict[dt.date, tuple[Period, ...]]]],
        day: dt.date,
        slot: str,
        ob_id: str,
        index: int,
    ) -> list[str]:
        """The per-member partners whose item of ``slot`` in the period of ``day`` a member's item on ``day``
        fulfils (none did yet), marked served and claimed by the occurrence to come at ``index``."""
        fulfils = []
        for partner_id, periods_of in by_day:
            for p in periods_of.get(day, ()):
                slot_key = (partner_id, p.label, slot)
                if slot_key not in st.served_slots:
                    st.served_slots[slot_key] = ob_id
                    st.served_periods.add((partner_id, p.label))
                    st.claims[slot_key] = index
                    fulfils.append(partner_id)
        return fulfils

    def _members_at_hosts(
        self,
        org: Organization,
        opts: MeetingOptions,
        st: _OrgState,
        ob: Obligation,
        hosts: Sequence[Occurrence],
        host_days: Sequence[dt.date],
        info: dict[int, tuple[tuple[int, int] | None, frozenset[str], str]],
    ) -> int:
        """The members' items of a per-member ``ob`` held at ``hosts`` where they can be, else placed on
        their own, exactly as the general loop of :meth:`_plan_obligation` would; returns how many items
        were asked for."""
        done = st.placed.setdefault(ob.id, [])
        served_slots, claims = st.served_slots, st.claims
        timed = ob.kind in TIMED_KINDS
        chained = ob.id in st.chained
        times = self._talk_times(opts)
        org_id, ob_id, provisional = org.id, ob.id, self.calendar.provisional
        count = 0
        everyone: dict[tuple[int, int], tuple[bool, tuple[str, ...], tuple[tuple[str, str, tuple[str, ...]], ...]]]
        everyone = {}  # see _all_present
        for period, first, last, items in self._member_rounds(org, ob, opts):
            label = period.label
            not_before = self._not_before(ob, label, last, st.placed, st)  # the same for every member
            # at a host in the period's days and after the predecessors (``after``)
            earliest = max(first, not_before) if isinstance(not_before, dt.date) else first
            if self.pins is not None:  # a re-plan: what was not held is held again from ``as_of`` on
                earliest = max(earliest, self.pins.as_of)
            days = (earliest, last, timed)
            # the first host in those days, where each member whose people are all there already
            # (everyone listed, at a meeting of all members) is held without another look at the bookings
            lo, hi = bisect.bisect_left(host_days, earliest), bisect.bisect_right(host_days, last)
            # (a host that lasts days, such as a deliverable's window, must end in them too)
            usual = next(
                (n for n in range(lo, hi) if hosts[n].all_day == (not timed) and hosts[n].last_day <= last), None
            )
            at: Occurrence | None = None
            if usual is not None:
                at = hosts[usual]
                span, present, note = self._host_info(usual, at, info)
                start, end, location, at_ob = at.start, at.end, at.location, at.obligation
            count += len(items)
            pins, blocked = self.pins, not_before is False
            if (
                _FAST
                and at is not None
                and pins is None
                and not blocked
                and (ob_id, label) not in st.served_periods
                and (span is None or self._all_present(everyone, at.people, present, items))
            ):
                # every member's item at the host (a quarter of a million on 1,000 organizations): what the loop
                # below makes of each when no talk serves it, nothing is pinned and its people are all there
                if items:  # (an organization with no members has none)
                    held = HeldAt(org_id, ob_id, label, start, end, location, provisional, note, at_ob, items)
                    self.held.append(held)
                    done.append(held.first())  # what the steps after this obligation look at: its period and days
                continue
            add, add_done = self.occurrences.append, done.append
            for slot, title, people in items:
                by = served_slots.get((ob_id, label, slot))
                if by is not None:  # the same member's talk already serves this obligation too
                    self.combined.append(Combined(org_id, ob_id, label, by, slot))
                    claims.pop((ob_id, label, slot), None)
                    continue
                if pins is not None:
                    pinned = self._pinned((org_id, ob_id, label, slot), last)
                    if pinned is not None:  # held, or missed: as it was
                        add_done(pinned)
                        add(pinned)
                        continue
                if blocked:
                    self.unplaced.append(Unplaced(org_id, ob_id, label, self._blocked_reason(ob), slot))
                    continue
                occ: Occurrence | None = None
                if pins is not None and self._kept_alone((org_id, ob_id, label, slot)):
                    pass  # kept on its own where it was (place() below keeps it), not moved into a host since
                elif at is not None and (span is None or present.issuperset(people)):
                    # positional, in the order of Occurrence's fields: org, obligation, period, start, end, title,
                    # people, location, provisional, slot, also_fulfils, note, at
                    occ = _new(
                        org_id, ob_id, label, start, end, title, people, location, provisional, slot, (), note, at_ob
                    )
                else:
                    occ = self._ride_along(org, ob, label, days, title, people, slot, hosts, host_days, info)
                if occ is None:
                    req = _member_request(ob, opts, period, first, last, title, people, slot, chained, times)
                    occ = self.place(org, opts, req, not_before if isinstance(not_before, dt.date) else None)
                    if occ is None:
                        continue
                add_done(occ)
                add(occ)
        st.requested[ob.id] = st.requested.get(ob.id, 0) + count
        return count

    def _members_alone(
        self,
        org: Organization,
        opts: MeetingOptions,
        st: _OrgState,
        ob: Obligation,
        slot_by_day: list[tuple[str, dict[dt.date, tuple[Period, ...]]]],
    ) -> int:
        """The members' timed items of a per-member ``ob`` that no activity hosts (a talk with each member),
        placed one by one exactly as the general loop of :meth:`_plan_obligation` and :meth:`_place` would place
        their requests, when nothing is pinned, ``ob`` is no meeting's step and precedes nothing; returns how many
        items were asked for. What is the same for a period's items (the days, their order, the predecessors'
        last day) is worked out once a period."""
        done = st.placed.setdefault(ob.id, [])
        served_slots, claims, combined, unplaced = st.served_slots, st.claims, self.combined, self.unplaced
        occurrences = self.occurrences
        add, add_done = occurrences.append, done.append
        org_id, ob_id, provisional = org.id, ob.id, self.calendar.provisional
        chained = ob_id in st.chained
        times, minutes, location = self._talk_times(opts), opts.talk_minutes, opts.location
        tz = self._zone(opts.timezone)
        first_free, span_at = self.bookings.first_free, self._span_at
        weekdays, weekends = opts.weekdays, opts.allow_weekends
        count = 0
        for period, first, last, items in self._member_rounds(org, ob, opts):
            label = period.label
            count += len(items)
            not_before = self._not_before(ob, label, last, st.placed, st) if ob.after else None
            start_day = max(first, not_before) if isinstance(not_before, dt.date) else first
            window = (weekdays, weekends, start_day, last)
            days, swapped, plain = self._window_order(opts, window)
            tries = (window, times, minutes, tz.key) if chained else None
            for slot, title, people in items:
                by = served_slots.get((ob_id, label, slot))
                if by is not None:  # the same member's talk already serves this obligation too
                    combined.append(Combined(org_id, ob_id, label, by, slot))
                    claims.pop((ob_id, label, slot), None)
                    continue
                if not_before is False:
                    unplaced.append(Unplaced(org_id, ob_id, label, self._blocked_reason(ob), slot))
                    continue
                if not days:
                    req = _member_request(ob, opts, period, first, last, title, people, slot, chained, times)
                    unplaced.append(Unplaced(org_id, ob_id, label, self._no_day_reason(req, start_day), slot))
                    continue
                if chained:
                    order = swapped
                else:
                    at = _hash(org_id, ob_id, label, slot) % max(plain, 1)
                    order = swapped[at:plain] + swapped[:at] + swapped[plain:]
                blockers: dict[str, None] = {}
                found = first_free(people, order, times, minutes, tz, blockers, tries)
                if found is None:
                    unplaced.append(self._all_taken(org_id, ob_id, label, start_day, last, blockers, slot))
                    continue
                start, end = span_at(found[0], found[1], tz, minutes)
                fulfils = (
                    self._slot_fulfils(st, slot_by_day, found[0], slot, ob_id, len(occurrences)) if slot_by_day else ()
                )
                # positional: org, obligation, period, start, end, title, people, location, provisional, slot,
                # also_fulfils
                occ = _new(org_id, ob_id, label, start, end, title, people, location, provisional, slot, tuple(fulfils))
                for partner_id in fulfils:
                    st.placed.setdefault(partner_id, []).append(occ)
                add_done(occ)
                add(occ)
        st.requested[ob_id] = st.requested.get(ob_id, 0) + count
        return count

    def _periods_alone(
        self,
        org: Organization,
        opts: MeetingOptions,
        st: _OrgState,
        ob: Obligation,
        steps: tuple[str, ...],
        agenda: tuple[str, ...],
        by_day: list[tuple[str, dict[dt.date, tuple[Period, ...]]]],
    ) -> int:
        """The timed activities of ``ob``, one a period (:meth:`requests`), placed exactly as the general loop of
        :meth:`_plan_obligation` and :meth:`_place` would place them when nothing is pinned, each made once with
        what it also fulfils; returns how many were asked for. An activity on a fixed day (its note says why it is
        not on the day the rule names) is placed by :meth:`_place` itself."""
        placed, served, combined, unplaced = st.placed, st.served, self.combined, self.unplaced
        done = placed.setdefault(ob.id, [])
        occurrences = self.occurrences
        org_id, ob_id, provisional = org.id, ob.id, self.calendar.provisional
        tz = self._zone(opts.timezone)
        weekdays, weekends = opts.weekdays, opts.allow_weekends
        first_free, token = self.bookings.first_free, self._org_token(org_id)
        also_steps = steps if agenda else ()
        fixed_host = ob.fixed_day
        count = 0
        for req in self.requests(org, ob, opts, ob_id in st.chained):
            count += 1
            label = req.period.label
            by = served.get((ob_id, label))
            if by is not None:
                combined.append(Combined(org_id, ob_id, label, by))
                continue
            not_before = self._not_before(ob, label, req.last, placed, st) if ob.after else None
            if not_before is False:
                unplaced.append(Unplaced(org_id, ob_id, label, self._blocked_reason(ob)))
                continue
            first = max(req.first, not_before) if isinstance(not_before, dt.date) else req.first
            if req.rule is not None:  # a fixed day
                found = self._place(org, opts, req, first)
                if not isinstance(found, tuple):  # timed, nothing pinned: a time, or unplaced
                    continue
                start, end, note = found
            else:
                window = (weekdays, weekends, first, req.last)
                days, swapped, plain = self._window_order(opts, window)
                if not days:
                    unplaced.append(Unplaced(org_id, ob_id, label, self._no_day_reason(req, first)))
                    continue
                times, minutes = req.times, req.minutes
                if req.earliest:
                    order, tries = swapped, (window, times, minutes, tz.key)
                else:
                    at = _hash(org_id, ob_id, label, "") % max(plain, 1)
                    order, tries = swapped[at:plain] + swapped[:at] + swapped[plain:], None
                blockers: dict[str, None] = {}
                time = first_free(req.people + token + req.tokens, order, times, minutes, tz, blockers, tries)
                if time is None:
                    unplaced.append(self._all_taken(org_id, ob_id, label, first, req.last, blockers, ""))
                    continue
                (start, end), note = self._span_at(time[0], time[1], tz, minutes), ""
            also = also_steps
            fulfils = self._fulfils(by_day, start.date(), served, ob_id) if by_day else ()
            if fulfils:
                also = (*also, *fulfils)
            # positional: org, obligation, period, start, end, title, people, location, provisional, slot,
            # also_fulfils, note, at, at_org, agenda, theme
            occ = _new(
                org_id,
                ob_id,
                label,
                start,
                end,
                req.title,
                req.people,
                req.location,
                provisional,
                "",
                also,
                note,
                "",
                "",
                agenda,
                req.theme,
            )
            for partner_id in fulfils:
                placed.setdefault(partner_id, []).append(occ)
            for step in steps:
                placed.setdefault(step, []).append(occ)
                combined.append(Combined(org_id, step, label, ob_id))
            done.append(occ)
            if fixed_host:
                self.fixed_hosts.setdefault(org_id, []).append(len(occurrences))
            occurrences.append(occ)
        st.requested[ob_id] = st.requested.get(ob_id, 0) + count
        return count

    def _all_taken(
        self, org_id: str, ob_id: str, label: str, first: dt.date, last: dt.date, blockers: dict[str, None], slot: str
    ) -> Unplaced:
        """Why an item tried every day from ``first`` to ``last`` in vain: the first few people found busy."""
        names = "、".join(self._name(p) for p in list(blockers)[:5])
        return Unplaced(
            org_id,
            ob_id,
            label,
            f"{first.isoformat()}至{last.isoformat()}的可用日期均有冲突（{names}已有安排）",
            slot,
        )

    def _before_first(self, req: _Request, ob: Obligation, placed: dict[str, list[Occurrence]]) -> _Request:
        """``req`` due before the first activity of the obligations it precedes (年度计划 before January's study)."""
        firsts = [o.first_day for i in ob.precedes for o in placed.get(i, ())]
        if not firsts:
            return req
        first_activity = min(firsts)
        last = min(req.last, first_activity - dt.timedelta(days=1))
        if self._between(self._working_days, req.first, last):
            return attrs.evolve(req, last=last)
        return attrs.evolve(req, first=first_activity, last=first_activity)

    @staticmethod
    def _all_present(
        known: dict[tuple[int, int], tuple[bool, tuple[str, ...], tuple[tuple[str, str, tuple[str, ...]], ...]]],
        people: tuple[str, ...],
        present: frozenset[str],
        items: tuple[tuple[str, str, tuple[str, ...]], ...],
    ) -> bool:
        """Whether every item's people are among ``present`` (a host's ``people``): found once for each pair of
        the host's people and the items, which the periods share. ``known`` keeps both alive with the answer, so
        their ids name them (an id is not reused while its object lives)."""
        key = (id(people), id(items))
        found = known.get(key)
        if found is None:
            found = known[key] = (all(map(present.issuperset, map(_people_of, items))), people, items)
        return found[0]

    def _host_info(
        self, n: int, host: Occurrence, info: dict[int, tuple[tuple[int, int] | None, frozenset[str], str]]
    ) -> tuple[tuple[int, int] | None, frozenset[str], str]:
        """Host ``n``'s span in minutes (``None`` all day), its people and the note of the items held at it."""
        known = info.get(n)
        if known is None:
            span = None
            if isinstance(host.start, dt.datetime) and isinstance(host.end, dt.datetime):
                span = self.bookings.span(host.start, host.end)
            known = info[n] = (span, frozenset(host.people), f"结合{host.title}进行")
        return known

    def _ride_along(
        self,
        org: Organization,
        ob: Obligation,
        label: str,
        days: tuple[dt.date, dt.date, bool],
        title: str,
        people: tuple[str, ...],
        slot: str,
        hosts: Sequence[Occurrence],
        host_days: Sequence[dt.date],
        info: dict[int, tuple[tuple[int, int] | None, frozenset[str], str]],
    ) -> Occurrence | None:
        """A member's item of ``ob`` held at one of ``hosts`` (the meeting it combines with), or ``None``.

        ``days`` is the first and last day it may take and whether it is timed; ``hosts`` are sorted
        by their first day, ``host_days``. The host must lie in those days; people not already at the host
        must be free then. ``info`` caches, by position in ``hosts``, each host's span in minutes, its people
        and the note of the items held at it (shared by every member).
        """
        first, last, timed = days
        lo, hi = bisect.bisect_left(host_days, first), bisect.bisect_right(host_days, last)
        for n in range(lo, hi):
            host = hosts[n]
            if host.all_day != (not timed) or host.last_day > last:  # it must end in those days too
                continue
            span, present, note = self._host_info(n, host, info)
            if span is not None:
                extra = [p for p in people if p not in present]
                if extra:
                    if self.bookings.clash(extra, *span) is not None:
                        continue
                    self.bookings.book(extra, *span)
            return _new(
                org=org.id,
                obligation=ob.id,
                period=label,
                start=host.start,
                end=host.end,
                title=title,
                people=people,
                location=host.location,
                provisional=self.calendar.provisional,
                slot=slot,
                note=note,
                at=host.obligation,
            )
        return None

    # -- leaders in other organizations' rooms ------------------------------------------------------

    def _lectures_at_links(self, org: Organization, ob: Obligation) -> None:
        """Each leader's 党课 held inside a linked organization's fixed-day activity (结合“三会一课”、党员
        固定活动日): one in all (the first linked organization that has a free activity), or one in each
        linked organization with the option ``lecture_per_link``."""
        tree = self.tree
        per_link = ob.lecture_per_link
        below = self._own_units(org) - {org.id}
        leaders = self._audience(org, ob.leads)
        if not leaders:
            self.unplaced.append(Unplaced(org.id, ob.id, str(self.year), self._empty_reason(org, ob)))
            return
        for leader in leaders:
            outside = [link for link in leader.links if link in tree and link not in below]
            inside = [link for link in leader.links if link in below]
            targets = outside + inside  # 结对单位 first, then the unit's own branches
            if not targets:
                self.unplaced.append(
                    Unplaced(
                        org.id,
                        ob.id,
                        str(self.year),
                        f"{leader.name}未在组织文件中列出联系村（社区）、结对单位（[[member]] links），"
                        f"无法安排{ob.title}",
                        leader.id,
                    )
                )
                continue
            held = False
            tried: list[str] = []
            for target_id in targets:
                if held and not per_link:
                    break
                slot = f"{leader.id}/{target_id}" if per_link else leader.id
                target = tree[target_id]
                tried.append(target.name)
                if self._lecture_at(org, ob, leader, target, slot):
                    held = True
                elif per_link:
                    self.unplaced.append(
                        Unplaced(org.id, ob.id, str(self.year), self._no_host_reason(leader, [target.name]), slot)
                    )
            if not held and not per_link:
                self.unplaced.append(
                    Unplaced(org.id, ob.id, str(self.year), self._no_host_reason(leader, tried), leader.id)
                )

    def _no_host_reason(self, leader: Member, names: list[str]) -> str:
        return (
            f"{'、'.join(names)}全年没有{leader.name}能参加的党员固定活动日、主题党日或集中学习"
            "（均与其已有安排冲突，或这些组织未设此类活动）"
        )

    def _lecture_at(self, org: Organization, ob: Obligation, leader: Member, target: Organization, slot: str) -> bool:
        holders = [target.id, *(o.id for o in self._descendants(target.id))]
        spans = [(p.first, p.last) for p in _periods(ob.cadence, self.year)]
        if ob.cadence.kind is CadenceKind.ONCE:
            spans = [(dt.date(self.year, 1, 1), dt.date(self.year, *ob.due))]

        st = self.state(org)
        done = [o for before in ob.after for o in st.placed.get(st.steps.get(before, before), ())]

        def in_window(day: dt.date) -> bool:
            if not any(a <= day <= b for a, b in spans):
                return False
            # after the steps it follows in the same period (or, for a yearly one, before it at all)
            label = next((p.label for p in _periods(ob.cadence, self.year) if day in p), "")
            prior = [o for o in done if o.period == label] or [o for o in done if o.first_day <= day]
            return all(o.last_day < day for o in prior)

        pinned = None if self.pins is None else self._lectures.get((org.id, ob.id, slot))
        if pinned is not None and self.pins is not None:
            key = key_of(pinned)
            if self._pinned(key, max(b for _, b in spans)) is not None:  # held (or missed) where it was
                self.occurrences.append(pinned)
                st.placed.setdefault(ob.id, []).append(pinned)
                return True
        as_of = None if self.pins is None else self.pins.as_of
        indices = [
            i
            for h in holders
            for i in self.fixed_hosts.get(h, ())
            if in_window(self.occurrences[i].first_day) and (as_of is None or self.occurrences[i].first_day >= as_of)
        ]
        if pinned is not None:  # kept: at the same activity when it is still there, else it moves
            same = [
                i
                for i in indices
                if self.occurrences[i].org == pinned.at_org and self.occurrences[i].start == pinned.start
            ]
            if same:
                indices = same
            else:
                self._release(key_of(pinned), "所在的活动已改期")
        if not indices:
            return False
        # spread the leaders over the year: start in a month picked by a stable hash
        start = _hash(org.id, ob.id, leader.id, target.id) % len(indices)
        for i in indices[start:] + indices[:start]:
            host = self.occurrences[i]
            if not isinstance(host.start, dt.datetime) or not isinstance(host.end, dt.datetime):
                continue
            if leader.id in host.people:
                continue
            a, b = self.bookings.span(host.start, host.end)
            if pinned is not None and key_of(pinned) in self._prebooked:
                del self._prebooked[key_of(pinned)]  # its own booking, made first
            elif self.bookings.clash([leader.id], a, b) is not None:
                continue
            else:
                self.bookings.book([leader.id], a, b)
            where = _org_name(self.tree, org.id)
            served = self._mark_lecture_served(host, ob)
            self.occurrences[i] = attrs.evolve(
                host,
                people=(*host.people, leader.id),
                agenda=(*host.agenda, f"党课：{where}{leader.name}讲授"),
                also_fulfils=(*host.also_fulfils, *(s for s in served if s not in host.also_fulfils)),
            )
            period = next((p.label for p in _periods(ob.cadence, self.year) if host.first_day in p), str(self.year))
            self.occurrences.append(
                lecture := _new(
                    org=org.id,
                    obligation=ob.id,
                    period=period,
                    start=host.start,
                    end=host.end,
                    title=f"{ob.title}：{leader.name}到{self.tree[host.org].name}",
                    location=host.location,
                    provisional=self.calendar.provisional,
                    slot=slot,
                    note=f"结合{self.tree[host.org].name}{host.title}进行（{host.period}）",
                    at=host.obligation,
                    at_org=host.org,
                )
            )
            self.state(org).placed.setdefault(ob.id, []).append(lecture)  # for the steps that follow it
            return True
        return False

    def _mark_lecture_served(self, host: Occurrence, ob: Obligation) -> list[str]:
        """A visiting leader's 党课 counts as the host branch's 党课 of that quarter when it has none yet:
        the host activity fulfils it. Returns the ids it now fulfils."""
        target = self.tree[host.org]
        st = self.state(target)
        out = []
        for partner_id in ob.combines_with:
            partner = st.by_id.get(partner_id)
            # a per-member item (each member's own talk) or an attendance duty is not met by one meeting
            if partner is None or partner.id in st.done or _slotted(partner) or not _activity(partner):
                continue
            for p in _periods(partner.cadence, self.year):
                if self.pins is not None and (target.id, partner.id, p.label, "") in self.pins.kept:
                    continue  # a re-plan keeps the branch's own 党课 where it is
                if host.first_day in p and (partner.id, p.label) not in st.served:
                    st.served[(partner.id, p.label)] = host.obligation
                    out.append(partner.id)
        return out

    def coupled(self, org: Organization) -> set[str]:
        """The organizations whose plans may change ``org``'s or be changed by it: the home organizations of
        everybody its activities book (its audiences, lecturer, ``people``, visiting leaders), the units
        attending whole, where its leaders give their lectures, and where its attendance duties lead.

        Organizations that are not coupled, directly or through others, share no person and no room: they
        can be planned apart (:func:`lianxue_core.scheduling.shards`) with the same result.
        """
        tree = self.tree
        homes: set[str] = set()
        audiences, whole, lecturers, booked, targets = self._coupling(self.obligations.get(org.id, ()))
        people = set(booked)
        if self._links_by_org is None:  # who attends each organization's activities, indexed once
            self._links_by_org = {}
            for (at, target), ids in self.link_attendees.items():
                self._links_by_org.setdefault(at, []).append((target, ids))
        for target, ids in self._links_by_org.get(org.id, ()):
            if target in targets:
                people.update(ids)
        for audience in audiences:
            homes.update(m.org for m in self._audience(org, audience))
        if whole:  # the units attending whole (_tokens)
            homes.update(o.id for o in self._descendants(org.id) if o.track == org.track)
        for audience in lecturers:
            for leader in self._audience(org, audience):
                for link in leader.links:
                    if link in tree:
                        homes.add(link)
                        homes.update(o.id for o in self._descendants(link))
        lecturer = org.option("lecturer")
        if isinstance(lecturer, str):
            people.add(lecturer)
        if self._duty_targets is None:  # where each organization's attendance duties lead, indexed once
            self._duty_targets = {}
            for duty_org, _, _, where in self.attendance:
                self._duty_targets.setdefault(duty_org.id, []).extend(where)
        homes.update(self._duty_targets.get(org.id, ()))
        for person in people:
            try:
                homes.add(tree.member(person).org)
            except KeyError:
                continue
        homes.discard(org.id)
        return homes

    def _coupling(
        self, obligations: Sequence[Obligation]
    ) -> tuple[tuple[Audience, ...], bool, tuple[Audience, ...], frozenset[str], frozenset[str]]:
        """What :meth:`coupled` reads of an organization's obligations: the audiences they name, whether a unit
        attends whole, the audiences that lecture at linked organizations, the people they book by id, and the
        obligations whose activities others attend (their own and their partners'). Worked out once for the
        organizations with the same obligations (the objects of a track are shared; they live on in
        ``self.obligations``, so their ids name them)."""
        key = tuple(map(id, obligations))
        found = self._couplings.get(key)
        if found is None:
            audiences: dict[Audience, None] = {}  # each looked at once, however many obligations name it
            lecturers: dict[Audience, None] = {}
            whole = False
            people: set[str] = set()
            targets: set[str] = set()
            for ob in obligations:
                audiences.update(dict.fromkeys((ob.leads, ob.attends, *ob.also_attends)))
                whole = whole or Audience.UNIT_MEMBERS in (ob.attends, *ob.also_attends)
                people.update(ob.people)
                targets.update((ob.id, *ob.combines_with))
                if ob.attend_links and ob.kind is ActivityKind.LECTURE:
                    lecturers[ob.leads] = None
            found = self._couplings[key] = (
                tuple(audiences),
                whole,
                tuple(lecturers),
                frozenset(people),
                frozenset(targets),
            )
        return found

    def attendances(self, only: Collection[str] | None = None) -> None:
        """Record each attendance duty as met by the meeting the person is in, or unplaced with why (for the
        organizations in ``only``, or all)."""
        index: dict[str, list[Occurrence]] = {}
        for occ in self.occurrences:
            if not occ.slot and not occ.at:
                index.setdefault(occ.org, []).append(occ)
        for org, ob in self.nobody:
            if only is None or org.id in only:
                self.unplaced.append(Unplaced(org.id, ob.id, str(self.year), self._empty_reason(org, ob)))
        for org, ob, member, targets in self.attendance:
            if only is not None and org.id not in only:
                continue
            period = str(self.year)
            if not targets:
                where = "所在支部（links 中列出本单位的党支部）" if ob.attend_home else "联系村（社区）（links）"
                if ob.attend_home and ob.attend_links:
                    where = "所在支部和联系村（社区）（links）"
                self.unplaced.append(
                    Unplaced(
                        org.id,
                        ob.id,
                        period,
                        f"{member.name}未在组织文件中指明{where}，无法安排其参加{ob.title.split('参加', 1)[-1]}",
                        member.id,
                    )
                )
                continue
            for target_id in targets:
                wanted = set(ob.combines_with)
                found = next(
                    (
                        o
                        for o in index.get(target_id, ())
                        if member.id in o.people and (o.obligation in wanted or wanted & set(o.also_fulfils))
                    ),
                    None,
                )
                slot = f"{member.id}/{target_id}"
                if found is not None:
                    self.combined.append(Combined(org.id, ob.id, period, f"{target_id}:{found.obligation}", slot))
                else:
                    name = self.tree[target_id].name
                    self.unplaced.append(
                        Unplaced(
                            org.id,
                            ob.id,
                            period,
                            f"{name}没有可供{member.name}参加的{'、'.join(sorted(wanted))}（未排期或该组织不适用）",
                            slot,
                        )
                    )

    def _blocked_reason(self, ob: Obligation) -> str:
        names = "、".join(ob.after)
        return f"前序步骤（{names}）在本周期内未能排期或排在本周期之后"

    def _not_before(
        self, ob: Obligation, label: str, last: dt.date, placed: dict[str, list[Occurrence]], st: _OrgState
    ) -> dt.date | bool | None:
        """The first day an item of ``ob`` in period ``label`` may take after its predecessors; ``False``
        when one was not placed.

        A predecessor's occurrences of the same period count; where it has none of that period (a
        yearly round of talks before a quarterly step), every occurrence that starts by the item's ``last``
        day counts. A predecessor that is a step of a meeting counts as that meeting.
        """
        latest: dt.date | None = None
        for before in ob.after:
            before = st.steps.get(before, before)
            done = placed.get(before)
            if done is None:
                continue
            relevant = [o for o in done if o.period == label] or [o for o in done if o.first_day <= last]
            if not relevant:
                if st.requested.get(before) and before not in st.closed:
                    return False
                continue
            end = max(o.last_day for o in relevant)
            latest = end if latest is None or end > latest else latest
        return None if latest is None else latest + dt.timedelta(days=1)


_ROLE_HINT = {
    Audience.CADRES: "cadre",
    Audience.LEADERS: "leader",
    Audience.COMMITTEE: "committee",
    Audience.SECRETARY: "secretary",
}


def _org_name(tree: OrganizationTree, org_id: str) -> str:
    """The name of an organization, for agenda lines."""
    org = tree.get(org_id)
    return org.name if org is not None else org_id


_Placed = TypeVar("_Placed", Occurrence, HeldAt)


def _in_plan_order(
    items: Iterable[_Placed], tree: OrganizationTree, key: Callable[[_Placed], tuple[object, ...]]
) -> list[_Placed]:
    """By organization in file order (those not in ``tree`` left out), then by day (all-day items first), time,
    obligation and slot (:func:`within_org`; :func:`held_order` for records of held items); items equal in all of
    these keep the order they came in (a stable sort per organization)."""
    by_org: dict[str, list[_Placed]] = {}
    for item in items:
        by_org.setdefault(item.org, []).append(item)
    out: list[_Placed] = []
    for org_id in sorted((o for o in by_org if o in tree), key=tree.position):
        placed = by_org[org_id]
        placed.sort(key=key)
        out += placed
    return out


def _time_of_day(occ: Occurrence) -> dt.time:
    return occ.start.time() if isinstance(occ.start, dt.datetime) else dt.time.min


def _legacy_fixed_day(value: object) -> ActivityDay | None:
    """The branch-rules option ``fixed_day`` (``15`` or ``"每月第一个星期五"``) as an activity day."""
    text = f"每月{value}日" if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str):
        return None
    try:
        return parse_activity_day(text)
    except ValueError:
        return None


def _activity(ob: Obligation) -> bool:
    """Whether ``ob`` is met by an activity of the organization's own, which another can stand in for
    (not an attendance duty, not a leader's 党课 held at linked organizations)."""
    return not ob.attendance and not (ob.attend_links and ob.kind is ActivityKind.LECTURE)


def _slotted(ob: Obligation) -> bool:
    """Whether ``ob`` expands into one item per member or household (each with a slot)."""
    return ob.cadence.kind in (CadenceKind.PER_MEMBER, CadenceKind.PER_HOUSEHOLD)


def _order(obligations: Sequence[Obligation], steps: Mapping[str, str] | None = None) -> list[Obligation]:
    """Dependency order: an obligation after those in its ``after`` (a step counts as its meeting); a
    combining one before its partners, except a per-member one, which comes after the activity it is
    held at. Where the rules form a cycle, catalogue order decides."""
    steps = steps or {}
    ids = {o.id: o for o in obligations}
    before: dict[str, set[str]] = {
        o.id: {steps.get(a, a) for a in o.after if steps.get(a, a) in ids and steps.get(a, a) != o.id}
        for o in obligations
    }
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


def fixed_days(
    tree: OrganizationTree, obligations: Mapping[str, Sequence[Obligation]], only: Collection[str] | None = None
) -> dict[str, tuple[ActivityDay, bool]]:
    """Each organization's fixed-day rule (党员固定活动日), and whether the planner chose it (the organization set
    none): the rules :func:`make_plan` plans by. Work them out once for the whole tree and give them to
    :func:`make_plan` (``fixed_days``) when it plans the tree shard by shard.

    Organizations without a rule get one of :func:`~lianxue_core.orgoptions.default_activity_day`'s in turn among
    the organizations under the same supervisor, skipping the rules their siblings chose themselves, so that a
    town's villages meet on different days. With ``only`` (a shard), just the groups of organizations under the
    supervisors of those: the same rules as for the whole tree.
    """
    position = tree.position
    chosen: dict[str, tuple[ActivityDay, bool] | None] = {}

    def own(org: Organization) -> tuple[ActivityDay, bool] | None:
        """The day the file sets for ``org``: its own, the older ``fixed_day``, or its parent's when the
        parent comes before it in the file on the same track (a 党小组, a branch of a 村党委 or 党组)."""
        if org.id in chosen:
            return chosen[org.id]
        opts, _ = meeting_options(org.options)
        found: tuple[ActivityDay, bool] | None = None
        if opts.activity_day is not None:
            found = (opts.activity_day, False)
        elif (legacy := _legacy_fixed_day(org.option("fixed_day"))) is not None:
            found = (legacy, False)  # the branch-rules plugin's older name for the same day
        elif org.parent is not None and org.track is not None and position(org.parent) < position(org.id):
            parent = tree[org.parent]
            if parent.track == org.track:
                found = own(parent)
        chosen[org.id] = found
        return found

    groups: dict[str, list[Organization]] = {}
    if only is None:
        for org in tree:
            sup = tree.supervisor_of(org.id)
            # a top organization is a group of its own: unrelated trees never move each other
            groups.setdefault(sup.id if sup is not None else f"top:{org.id}", []).append(org)
    else:  # the groups of the shard's organizations, looked up (a walk of the tree per shard is quadratic)
        for org_id in only:
            if org_id not in tree:
                continue
            sup = tree.supervisor_of(org_id)
            key = sup.id if sup is not None else f"top:{org_id}"
            if key not in groups:
                groups[key] = [tree[org_id]] if sup is None else _supervised_group(tree, sup)
    out: dict[str, tuple[ActivityDay, bool]] = {}
    for members in groups.values():
        for org in members:
            rule = own(org)
            if rule is not None:
                out[org.id] = rule
        taken = {out[o.id][0].rule_text() for o in members if o.id in out}
        k = 0
        for org in members:
            if org.id in out or not any(o.fixed_day and o.schedulable for o in obligations.get(org.id, ())):
                continue
            opts, _ = meeting_options(org.options)
            for _ in range(40):
                rule_ = default_activity_day(k, opts.weekdays)
                k += 1
                if rule_.rule_text() not in taken:
                    break
            taken.add(rule_.rule_text())
            if len(taken) >= 20:  # every day used once: start the round again
                taken = set()
            out[org.id] = (rule_, True)
    return out


def _supervised_group(tree: OrganizationTree, sup: Organization) -> list[Organization]:
    """Every organization whose supervisor is ``sup``, in file order (``sup`` itself when it is its own)."""
    group = list(tree.supervised_by(sup.id))
    own = tree.supervisor_of(sup.id)
    if own is not None and own.id == sup.id:
        group.append(sup)
        group.sort(key=lambda o: tree.position(o.id))
    return group


def make_plan(
    tree: OrganizationTree,
    obligations: dict[str, tuple[Obligation, ...]],
    year: int,
    calendar: WorkdayCalendar,
    *,
    orgs: Collection[str] | None = None,
    shard: Collection[str] | None = None,
    progress: Callable[[int], object] | None = None,
    fixed_days: Mapping[str, tuple[ActivityDay, bool]] | None = None,
) -> Plan:
    """Plan ``year`` for the organizations of ``tree``.

    Args:
        tree: The organization tree.
        obligations: Each organization's obligations (from :meth:`PluginHost.obligations_for`).
        year: The year to plan.
        calendar: The year's working days (from :meth:`PluginHost.workdays` or an override file).
        orgs: Keep only these organization ids in the plan (all when ``None``).
        shard: Plan only these organizations: a union of the groups :func:`shards` gives (what nobody
            outside them can change). The result for them is the same as in the plan of the whole tree.
        progress: Called with 1 each time an organization is planned (a progress display).
        fixed_days: The fixed-day rules of the whole tree (:func:`fixed_days`), worked out once when the tree is
            planned shard by shard; worked out here when ``None``.
    """
    only = None if shard is None else set(shard)
    with paused():
        planner = _Planner(tree, obligations, year, calendar, only=only, fixed=fixed_days)
        wanted = None if orgs is None else set(orgs)
        # Organizations share people (a town leader in the villages linked to them): the organizations that do
        # are planned together, in file order, so the result for each is the same however the tree is sharded.
        planned = list(planner._in_file_order(only))
        for org in planned:
            planner.plan_org(org, fixed=True)
        for org in planned:
            planner.plan_org(org, fixed=False)
            if progress is not None:
                progress(1)
        planner.attendances(only)
        plan = _assemble(planner, tree, year, calendar, wanted)
        settle()
        return plan


def plan_pinned(
    tree: OrganizationTree,
    obligations: dict[str, tuple[Obligation, ...]],
    year: int,
    calendar: WorkdayCalendar,
    pins: Pins,
) -> tuple[Plan, dict[Key, str], set[Key]]:
    """Plan ``year`` again around ``pins`` (see :func:`lianxue_core.scheduling.replan`): the held and kept items
    where they are, everything else from ``pins.as_of`` on by the rules of :func:`make_plan`. Returns the plan
    (the missed items left out), the kept items a constraint forced to move, with why, and the missed items
    placed again because their window is still open as the plan draws it."""
    with paused():
        planner = _Planner(tree, obligations, year, calendar, pins)
        for org in tree:
            planner.plan_org(org, fixed=True)
        for org in tree:
            planner.plan_org(org, fixed=False)
        planner.attendances()
        plan = _assemble(planner, tree, year, calendar, None)
        settle()
        return plan, dict(planner.forced), set(planner.reopened)


def _assemble(
    planner: _Planner, tree: OrganizationTree, year: int, calendar: WorkdayCalendar, wanted: set[str] | None
) -> Plan:
    """The plan from what the planner placed: by organization in file order, then by start; the unplaced
    and combined items by organization in file order, each organization's in the order they arose."""
    order = tree.position
    placed: Iterable[Occurrence] = planner.occurrences
    if planner.pins is not None:  # a re-plan's missed items order what follows them but are not in the plan
        placed = [o for o in placed if not planner._is_missed(o)]
    occurrences = Occurrences(
        _in_plan_order((o for o in placed if wanted is None or o.org in wanted), tree, within_org),
        _in_plan_order((h for h in planner.held if wanted is None or h.org in wanted), tree, held_order),
    )
    warnings = []
    if calendar.provisional:
        why = (
            _("lianxue has no official holiday and 调休 arrangement for {year} (its data begin in {first})")
            if year < FIRST_OFFICIAL_YEAR
            else _("the holiday and 调休 arrangement for {year} has not been officially published yet")
        ).format(year=year, first=FIRST_OFFICIAL_YEAR)
        warnings.append(
            _(
                "{why}: the plan reckons with the statutory holidays and is provisional; "
                "plan again once an override file (--holidays) gives the official arrangement."
            ).format(why=why)
        )
    return Plan(
        year=year,
        provisional=calendar.provisional,
        workdays_source=calendar.source,
        occurrences=occurrences,
        unplaced=tuple(
            sorted((u for u in planner.unplaced if wanted is None or u.org in wanted), key=lambda u: order(u.org))
        ),
        combined=tuple(
            sorted((c for c in planner.combined if wanted is None or c.org in wanted), key=lambda c: order(c.org))
        ),
        warnings=tuple(warnings),
    )


def shards(
    tree: OrganizationTree,
    obligations: Mapping[str, tuple[Obligation, ...]],
    year: int,
    calendar: WorkdayCalendar,
) -> list[tuple[str, ...]]:
    """The groups of organizations that can be planned apart with the same result.

    Two organizations are in one group when their plans may touch (:meth:`_Planner.coupled`: a person
    booked by both, a room, a leader's lecture or attendance duty), directly or through others. A town with
    its villages and enterprises is typically one group; unrelated county organs are groups of their own.
    Each group lists its organizations in file order; the groups come in the file order of their first.
    """
    planner = _Planner(tree, dict(obligations), year, calendar, fixed={})  # coupled needs no fixed days
    parent = {org.id: org.id for org in tree}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for org in tree:
        for other in planner.coupled(org):
            if other in parent:
                a, b = find(org.id), find(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for org in tree:
        groups.setdefault(find(org.id), []).append(org.id)
    return [tuple(group) for group in groups.values()]


def merge_plans(parts: Sequence[Plan], tree: OrganizationTree) -> Plan:
    """One plan from the plans of disjoint shards of ``tree`` (see :func:`shards`), ordered exactly as
    :func:`make_plan` orders the plan of the whole tree."""
    if not parts:
        raise ValueError("no plans to merge")
    order = tree.position
    first = parts[0]
    lazy = [p.occurrences for p in parts if isinstance(p.occurrences, Occurrences)]
    occurrences: Sequence[Occurrence]
    if len(lazy) == len(parts):  # the events merged, the held items left to be made when read
        occurrences = Occurrences(
            _in_plan_order((o for p in lazy for o in p.events), tree, within_org),
            _in_plan_order((h for p in lazy for h in p.held), tree, held_order),
        )
    else:
        occurrences = tuple(_in_plan_order((o for p in parts for o in p.occurrences), tree, within_org))
    return Plan(
        year=first.year,
        provisional=first.provisional,
        workdays_source=first.workdays_source,
        occurrences=occurrences,
        unplaced=tuple(sorted((u for p in parts for u in p.unplaced), key=lambda u: order(u.org))),
        combined=tuple(sorted((c for p in parts for c in p.combined), key=lambda c: order(c.org))),
        warnings=first.warnings,
    )
