"""The :class:`Occurrence`: one dated instance of an obligation for one organization."""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import operator
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import Any, overload

import attrs

from ..collector import paused, settle

__all__ = ["HeldAt", "HeldItem", "Occurrence", "Occurrences", "held_order", "within_org"]


@attrs.frozen
class Occurrence:
    """One dated instance of an obligation for one organization.

    Args:
        org: The organization id.
        obligation: The obligation id.
        period: The period it fulfils: ``2026-W07``, ``2026-03``, ``2026-Q2`` or ``2026``.
        start: When it starts: a zoned datetime, or a date for an all-day item.
        end: When it ends: a zoned datetime, or the last day (inclusive) of an all-day item.
        title: The Chinese title shown in calendars.
        people: Ids of the members it concerns (attendees, the member talked to...).
        location: Where it takes place.
        provisional: ``True`` when the year's official holiday arrangement is not known yet.
        slot: Distinguishes several occurrences of one obligation in one period (a talk per member).
        also_fulfils: Ids of other obligations this one activity also fulfils (a plan's quarterly
            all-member meeting held as the standing rule's 支部党员大会).
        note: Anything the reader should know about how it was placed.
        at: For an item held during another activity (each member speaking at the monthly study), the
            id of that activity's obligation. Calendars show the activity, not each such item.
        at_org: When that activity is another organization's (a town leader's 党课 held at a linked
            village's 主题党日), its id. Such an item is shown in its own organization's calendar; the
            person is among the people of the host's event.
        agenda: The steps of the meeting in order (个人自评、党员互评、民主测评; a visiting leader's 党课).
        theme: The month's theme (每月活动主题) from the organization's ``themes``, for monthly activities.
    """

    org: str
    obligation: str
    period: str
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date
    title: str
    people: tuple[str, ...] = ()
    location: str = ""
    provisional: bool = False
    slot: str = ""
    also_fulfils: tuple[str, ...] = ()
    note: str = ""
    at: str = ""
    at_org: str = ""
    agenda: tuple[str, ...] = ()
    theme: str = ""

    def __reduce__(self) -> tuple[Callable[..., Occurrence], tuple[object, ...]]:
        # Plans travel between processes when sharded (``--jobs``): the fields in order (one C call) pickle
        # several times faster than attrs' state dictionary, and :func:`_new` (``Occurrence(...)`` without the
        # generated ``__init__``'s per-field calls) makes them again about twice as fast as the class would.
        if type(self) is not Occurrence:  # a subclass is made by its own class
            return (type(self), _fields(self))
        return (_new, _fields(self))

    @property
    def all_day(self) -> bool:
        """Whether the occurrence is an all-day item (dates, no times)."""
        return not isinstance(self.start, dt.datetime)

    @property
    def shown(self) -> bool:
        """Whether it is an event of its own in calendars and plan tables: not a part of one of its own
        organization's other activities (a member's 学习心得 at the monthly study). A leader's 党课 held
        at another organization's activity is shown in the leader's organization."""
        return not self.at or bool(self.at_org)

    @property
    def first_day(self) -> dt.date:
        """The day it starts on."""
        return self.start.date() if isinstance(self.start, dt.datetime) else self.start

    @property
    def last_day(self) -> dt.date:
        """The day it ends on (an all-day item's end is its last day, inclusive)."""
        return self.end.date() if isinstance(self.end, dt.datetime) else self.end

    @property
    def key(self) -> str:
        """A stable key from organization, obligation, period and slot; calendar UIDs derive from it."""
        return "/".join(p for p in (self.org, self.obligation, self.period, self.slot) if p)

    def to_json(self) -> dict[str, object]:
        """The occurrence as the JSON object ``lianxue plan --format json`` prints."""
        return {
            "org": self.org,
            "obligation": self.obligation,
            "period": self.period,
            "slot": self.slot,
            "title": self.title,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "all_day": self.all_day,
            "people": list(self.people),
            "location": self.location,
            "provisional": self.provisional,
            "also_fulfils": list(self.also_fulfils),
            "note": self.note,
            "at": self.at,
            "at_org": self.at_org,
            "agenda": list(self.agenda),
            "theme": self.theme,
        }


_fields = operator.attrgetter(*(a.name for a in attrs.fields(Occurrence)))


# -- a faster constructor, for the planner -------------------------------------------------------------------
#
# attrs' ``__init__`` of a frozen class sets each field through ``object.__setattr__`` (a name looked up in the
# class per field); the planner makes hundreds of thousands of occurrences. ``_new`` sets each slot through its
# own descriptor instead: the same object (same class, fields, repr, equality and hash), about a fifth faster.
# It is only right while the class has no validators, converters or post-init hook (checked below); _new_at makes
# many at once the same way.


def _slot_setter(name: str) -> Callable[[Occurrence, object], None]:
    setter: Callable[[Occurrence, object], None] = vars(Occurrence)[name].__set__
    return setter


_NEW_FIELDS = (
    "org",
    "obligation",
    "period",
    "start",
    "end",
    "title",
    "people",
    "location",
    "provisional",
    "slot",
    "also_fulfils",
    "note",
    "at",
    "at_org",
    "agenda",
    "theme",
)
if (
    tuple(a.name for a in attrs.fields(Occurrence)) != _NEW_FIELDS
    or any(a.validator is not None or a.converter is not None for a in attrs.fields(Occurrence))
    or hasattr(Occurrence, "__attrs_post_init__")
    or hasattr(Occurrence, "__attrs_pre_init__")
):  # pragma: no cover - a change to Occurrence must be made in _new too
    raise RuntimeError("Occurrence changed: _new and _new_at must set every field, as attrs' __init__ does")

_object_new = object.__new__
_set_org = _slot_setter("org")
_set_obligation = _slot_setter("obligation")
_set_period = _slot_setter("period")
_set_start = _slot_setter("start")
_set_end = _slot_setter("end")
_set_title = _slot_setter("title")
_set_people = _slot_setter("people")
_set_location = _slot_setter("location")
_set_provisional = _slot_setter("provisional")
_set_slot = _slot_setter("slot")
_set_also_fulfils = _slot_setter("also_fulfils")
_set_note = _slot_setter("note")
_set_at = _slot_setter("at")
_set_at_org = _slot_setter("at_org")
_set_agenda = _slot_setter("agenda")
_set_theme = _slot_setter("theme")


def _new(
    org: str,
    obligation: str,
    period: str,
    start: dt.datetime | dt.date,
    end: dt.datetime | dt.date,
    title: str,
    people: tuple[str, ...] = (),
    location: str = "",
    provisional: bool = False,
    slot: str = "",
    also_fulfils: tuple[str, ...] = (),
    note: str = "",
    at: str = "",
    at_org: str = "",
    agenda: tuple[str, ...] = (),
    theme: str = "",
) -> Occurrence:
    """``Occurrence(...)`` with the same arguments, by position or name, and the same defaults; faster."""
    self: Occurrence = _object_new(Occurrence)
    _set_org(self, org)
    _set_obligation(self, obligation)
    _set_period(self, period)
    _set_start(self, start)
    _set_end(self, end)
    _set_title(self, title)
    _set_people(self, people)
    _set_location(self, location)
    _set_provisional(self, provisional)
    _set_slot(self, slot)
    _set_also_fulfils(self, also_fulfils)
    _set_note(self, note)
    _set_at(self, at)
    _set_at_org(self, at_org)
    _set_agenda(self, agenda)
    _set_theme(self, theme)
    return self


def _new_at(
    items: Iterable[tuple[str, str, tuple[str, ...]]],
    org: str,
    obligation: str,
    period: str,
    start: dt.datetime | dt.date,
    end: dt.datetime | dt.date,
    location: str,
    provisional: bool,
    note: str,
    at: str,
) -> list[Occurrence]:
    """``[_new(org, obligation, period, start, end, title, people, location, provisional, slot, (), note, at) for
    slot, title, people in items]``: the members' items held at one activity, without a call each."""
    out: list[Occurrence] = []
    add = out.append
    new, cls = _object_new, Occurrence
    set_org, set_obligation, set_period, set_start, set_end = (
        _set_org,
        _set_obligation,
        _set_period,
        _set_start,
        _set_end,
    )
    set_title, set_people, set_location, set_provisional, set_slot = (
        _set_title,
        _set_people,
        _set_location,
        _set_provisional,
        _set_slot,
    )
    set_also_fulfils, set_note, set_at, set_at_org, set_agenda, set_theme = (
        _set_also_fulfils,
        _set_note,
        _set_at,
        _set_at_org,
        _set_agenda,
        _set_theme,
    )
    for slot, title, people in items:
        self: Occurrence = new(cls)
        set_org(self, org)
        set_obligation(self, obligation)
        set_period(self, period)
        set_start(self, start)
        set_end(self, end)
        set_title(self, title)
        set_people(self, people)
        set_location(self, location)
        set_provisional(self, provisional)
        set_slot(self, slot)
        set_also_fulfils(self, ())
        set_note(self, note)
        set_at(self, at)
        set_at_org(self, "")
        set_agenda(self, ())
        set_theme(self, "")
        add(self)
    return out


# -- members' items held at an activity, made when read ------------------------------------------------------


@attrs.frozen
class HeldAt:
    """The members' items of one per-member obligation held at one activity of their organization (each member's
    学习心得 at the monthly study): the occurrences :meth:`occurrences` makes, stored as one record. A plan
    keeps them so (about three quarters of a county's occurrences) and makes each when it is read.

    Args:
        org: The organization id.
        obligation: The per-member obligation's id.
        period: The period the items fulfil.
        start: The activity's start (a zoned datetime, or a date).
        end: The activity's end.
        location: The activity's location.
        provisional: As :attr:`Occurrence.provisional`.
        note: As :attr:`Occurrence.note`, the same for every item.
        at: The activity's obligation id.
        items: ``(slot, title, people)`` of each member's item, in the order they were planned.
    """

    org: str
    obligation: str
    period: str
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date
    location: str
    provisional: bool
    note: str
    at: str
    items: tuple[tuple[str, str, tuple[str, ...]], ...]

    def occurrences(self) -> list[Occurrence]:
        """The items as occurrences, by slot (items of equal slot in the order they were planned)."""
        return self._made(sorted(self.items, key=_first))

    def first(self) -> Occurrence:
        """The first item as planned (all have the same period and times); ``IndexError`` when there is none."""
        slot, title, people = self.items[0]
        # positional, as _new_at makes each: org, obligation, period, start, end, title, people, location,
        # provisional, slot, also_fulfils, note, at
        return _new(
            self.org, self.obligation, self.period, self.start, self.end, title, people, self.location,
            self.provisional, slot, (), self.note, self.at,
        )  # fmt: skip

    def _made(self, items: Iterable[tuple[str, str, tuple[str, ...]]]) -> list[Occurrence]:
        return _new_at(
            items, self.org, self.obligation, self.period, self.start, self.end, self.location, self.provisional,
            self.note, self.at,
        )  # fmt: skip


_first = operator.itemgetter(0)


def within_org(occ: Occurrence) -> tuple[object, ...]:
    """An occurrence's place among its organization's: by day, all-day items first, time, obligation, slot."""
    start = occ.start
    if isinstance(start, dt.datetime):
        return (start.date(), True, start.time(), occ.obligation, occ.slot)
    return (start, False, dt.time.min, occ.obligation, occ.slot)


def held_order(held: HeldAt) -> tuple[object, ...]:
    """:func:`within_org` of ``held``'s items, but the slot: the order of records among an organization's."""
    start = held.start
    if isinstance(start, dt.datetime):
        return (start.date(), True, start.time(), held.obligation)
    return (start, False, dt.time.min, held.obligation)


class Occurrences(Sequence[Occurrence]):
    """A plan's occurrences in plan order (by organization, then :func:`within_org`), kept as the plan's events
    and the members' items held at them (:class:`HeldAt`). The held items are made on first use of the sequence
    as a whole (iteration, indexing, comparison) and kept; :meth:`shown` and ``len`` do not make them. Compares
    equal to a tuple of the same occurrences.

    Args:
        events: Every occurrence not in ``held``, in plan order.
        held: Members' items held at activities, by organization in the order of ``events``, then by
            :func:`within_org` of their items; each organization's among its events. Records without items
            are left out.
    """

    __slots__ = ("_events", "_held", "_len", "_made")

    def __init__(self, events: Sequence[Occurrence] = (), held: Sequence[HeldAt] = ()) -> None:
        self._events = tuple(events)
        self._held = tuple(h for h in held if h.items)
        self._made: tuple[Occurrence, ...] | None = None if self._held else self._events
        self._len = len(self._events) + sum(len(h.items) for h in self._held)

    @property
    def events(self) -> tuple[Occurrence, ...]:
        """Every occurrence but the held items, in plan order."""
        return self._events

    @property
    def held(self) -> tuple[HeldAt, ...]:
        """The members' items held at activities, as stored."""
        return self._held

    def only(self, orgs: Collection[str]) -> Occurrences:
        """The occurrences of the organizations in ``orgs``, in the same order, nothing made."""
        if self._made is not None and not self._held:
            return Occurrences([o for o in self._made if o.org in orgs])
        return Occurrences([o for o in self._events if o.org in orgs], [h for h in self._held if h.org in orgs])

    def shown(self) -> list[Occurrence]:
        """The occurrences shown as events of their own (:attr:`Occurrence.shown`), in plan order."""
        return [o for o in self._events if not o.at or o.at_org]

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, index: int) -> Occurrence: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Occurrence, ...]: ...

    def __getitem__(self, index: int | slice) -> Occurrence | tuple[Occurrence, ...]:
        return self.made()[index]

    def __iter__(self) -> Iterator[Occurrence]:
        return iter(self.made())

    def __contains__(self, value: object) -> bool:
        return value in self.made()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Occurrences):
            return self._len == other._len and self.made() == other.made()
        if isinstance(other, tuple):
            return self._len == len(other) and self.made() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.made())

    def __repr__(self) -> str:
        return f"Occurrences({len(self._events)} events, {len(self._held)} held, {self._len} in all)"

    def __reduce__(self) -> tuple[type[Occurrences], tuple[tuple[Occurrence, ...], tuple[HeldAt, ...]]]:
        return (Occurrences, (self._events, self._held))  # as stored: a quarter of the size

    def pieces(self) -> Iterator[Occurrence | HeldItem]:
        """Every occurrence in plan order, a held item not made but as its record and its ``(slot, title,
        people)``: for a writer that writes each item once (the plan's JSON). Once the sequence is made, its
        occurrences."""
        if self._made is not None:
            return iter(self._made)
        pieces: Iterator[Occurrence | HeldItem] = _merged(self._events, self._held, _held_items, _piece_slot)
        return pieces

    def made(self) -> tuple[Occurrence, ...]:
        """Every occurrence, the held items made (once), in plan order."""
        if self._made is None:
            with paused():  # a county's quarter of a million items, no cycles among them (see collector)
                self._made = tuple(_merged(self._events, self._held))
            settle()
        return self._made


#: A held item not made: its record and its ``(slot, title, people)``.
HeldItem = tuple[HeldAt, tuple[str, str, tuple[str, ...]]]


def _made_items(group: list[HeldAt]) -> list[Occurrence]:
    """The items of records with one key made, by slot (equal slots in the order of the records, then planned)."""
    if len(group) == 1:
        return group[0].occurrences()
    return sorted((o for g in group for o in g.occurrences()), key=_slot)


def _held_items(group: list[HeldAt]) -> list[HeldItem]:
    """:func:`_made_items`, the items not made."""
    return sorted(((g, item) for g in group for item in g.items), key=_item_slot)


def _item_slot(piece: HeldItem) -> str:
    return piece[1][0]


def _piece_slot(piece: Occurrence | HeldItem) -> str:
    return piece.slot if isinstance(piece, Occurrence) else piece[1][0]


def _merged(
    events: tuple[Occurrence, ...],
    held: tuple[HeldAt, ...],
    expand: Callable[[list[HeldAt]], Sequence[Any]] = _made_items,
    slot_of: Callable[[Any], str] = operator.attrgetter("slot"),
) -> Iterator[Any]:
    """``events`` with the items of ``held`` put in their places: made (``expand``), or as ``slot_of`` reads
    them."""
    n, h = len(events), 0
    i = 0
    while i < n:
        org = events[i].org
        k = i + 1
        while k < n and events[k].org == org:
            k += 1
        if h == len(held) or held[h].org != org:
            yield from events[i:k]
            i = k
            continue
        run = events[i:k]
        keys = [within_org(o) for o in run]
        pos = 0
        while h < len(held) and held[h].org == org:
            key = held_order(held[h])
            group = [held[h]]
            h += 1
            while h < len(held) and held[h].org == org and held_order(held[h]) == key:
                group.append(held[h])  # one obligation's items at one time in two records: merged by slot
                h += 1
            items = expand(group)
            if not items:
                continue
            first = (*key, slot_of(items[0]))
            if pos and keys[pos - 1] > first:
                raise ValueError(f"held items of {org} out of plan order")
            lo = bisect.bisect_left(keys, first, pos)
            yield from run[pos:lo]
            hi = bisect.bisect_right(keys, (*key, slot_of(items[-1])), lo)
            if hi == lo:
                yield from items
            else:  # events of the same obligation at the same time: by slot
                yield from heapq.merge(run[lo:hi], items, key=_piece_slot)
            pos = hi
        yield from run[pos:]
        i = k
    if h != len(held):
        raise ValueError(f"held items of {held[h].org} without an event of that organization in plan order")


def _slot(occ: Occurrence) -> str:
    return occ.slot
