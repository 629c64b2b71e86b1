"""The :class:`Occurrence`: one dated instance of an obligation for one organization."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable

import attrs

__all__ = ["Occurrence"]


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
