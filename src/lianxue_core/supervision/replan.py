"""Re-plan the rest of the year from what was actually held (``--records … --as-of DATE``).

The plan people subscribed to on 1 January (the *previous* plan) meets the records:

* an item a record shows as held stays, at the day (and time) it was held: its event moves there and keeps
  its UID;
* an item not held whose window is still open and whose day has passed is placed again in the rest of its
  window (from ``as_of``), by the rules of the first plan;
* an item whose window closed unheld is *missed*: listed with its clause and the day it was due, and left out
  of the plan, so its event is published once as CANCELLED (a calendar should not keep showing an activity
  that did not take place; the list says what is owed);
* an item planned from ``as_of`` on that no record touches stays where it is, unless a constraint forces a
  move (a re-placed predecessor now after it, a person of the changed organization file busy then);
* a changed organization file (a new secretary, a new branch, a member moved) counts from ``as_of`` on only:
  the past stays as the previous file planned it.

A member's part held during another activity (each member's 学习心得 at the monthly study) follows that
activity; whether each member took part is what ``lianxue check`` reports.

The feeds of the re-plan, written over the previous ones (or published), update the subscribers' events in
place: same UID, SEQUENCE one higher where anything changed (see :mod:`lianxue_core.calendar.feeds`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence

import attrs

from ..i18n import _
from ..model import OrganizationTree
from ..obligations import CadenceKind, Obligation
from ..scheduling.occurrence import Occurrence
from ..scheduling.pins import Key, Pins, key_of
from ..scheduling.planner import Plan, Unplaced, make_plan, merge_plans, plan_pinned
from ..workdays import WorkdayCalendar
from .checks import Unit, check
from .findings import Record

__all__ = ["Missed", "Move", "Replan", "replan"]


@attrs.frozen
class Move:
    """An item of the previous plan that the re-plan puts on another day.

    Args:
        org, obligation, period, slot: The item (its UID is made of them).
        title: Its title.
        was: Where the previous plan had it (start).
        now: Where it is now (start).
        why: ``held`` (the day a record shows it held), ``replaced`` (not held on its day, placed again in
            the rest of its window) or ``forced`` (kept, but a constraint moved it).
        reason: Why, in Chinese.
    """

    org: str
    obligation: str
    period: str
    slot: str
    title: str
    was: dt.datetime | dt.date
    now: dt.datetime | dt.date
    why: str
    reason: str

    def to_json(self) -> dict[str, str]:
        """The move as JSON: its fields, ``was`` and ``now`` as ``from`` and ``to``."""
        return _json(self, {"was": "from", "now": "to"})


@attrs.frozen
class Missed:
    """An item whose window closed before ``as_of`` without a record of it.

    Args:
        org, obligation, period, slot: The item.
        title: Its title.
        planned: The day the previous plan had it.
        due: The last day of its window.
        clause: The verbatim clause it comes from, with its citation.
        item: The item as the previous plan had it.
    """

    org: str
    obligation: str
    period: str
    slot: str
    title: str
    planned: dt.datetime | dt.date
    due: dt.date
    clause: str
    item: Occurrence = attrs.field(repr=False)

    def to_json(self) -> dict[str, str]:
        """The missed item as JSON: its fields, days and times in ISO 8601."""
        return _json(self)


def _json(item: Move | Missed, rename: Mapping[str, str] | None = None) -> dict[str, str]:
    names = rename or {}
    fields = attrs.asdict(item, recurse=False, filter=lambda a, _: a.name != "item")
    return {names.get(k, k): v.isoformat() if isinstance(v, dt.date) else v for k, v in fields.items()}


@attrs.frozen
class Replan:
    """The re-plan of a year from ``as_of``.

    Args:
        as_of: The first day of the rest of the year: nothing is placed before it.
        plan: The new plan (held items at their real days, missed items left out).
        held: The items of the previous plan the records show as held (shown ones).
        moved: The items now on another day, from where to where and why.
        missed: The items whose window closed unheld.
        not_replaced: Items to be placed again that found no day in the rest of their window (also in
            ``plan.unplaced``).
        added: Items the previous plan did not have (a changed organization file), placed from ``as_of``.
        withdrawn: Items of the previous plan from ``as_of`` on that the organization file no longer asks for.
        warnings: Records not used (dated on or after ``as_of``).
    """

    as_of: dt.date
    plan: Plan
    held: tuple[Key, ...]
    moved: tuple[Move, ...]
    missed: tuple[Missed, ...]
    not_replaced: tuple[Unplaced, ...]
    added: tuple[Key, ...] = ()
    withdrawn: tuple[Key, ...] = ()
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The re-plan's report, as ``--format json`` prints it under ``"replan"``."""
        return {
            "as_of": self.as_of.isoformat(),
            "held": len(self.held),
            "moved": [m.to_json() for m in self.moved],
            "missed": [m.to_json() for m in self.missed],
            "not_replaced": [u.to_json() for u in self.not_replaced],
            "added": ["/".join(p for p in k if p) for k in self.added],
            "withdrawn": ["/".join(p for p in k if p) for k in self.withdrawn],
            "warnings": list(self.warnings),
        }

    def only(self, orgs: Collection[str]) -> Replan:
        """The re-plan of these organizations only (``--org``)."""
        keep = set(orgs)
        plan = self.plan
        return attrs.evolve(
            self,
            plan=attrs.evolve(
                plan,
                occurrences=tuple(o for o in plan.occurrences if o.org in keep),
                unplaced=tuple(u for u in plan.unplaced if u.org in keep),
                combined=tuple(c for c in plan.combined if c.org in keep),
            ),
            held=tuple(k for k in self.held if k[0] in keep),
            moved=tuple(m for m in self.moved if m.org in keep),
            missed=tuple(m for m in self.missed if m.org in keep),
            not_replaced=tuple(u for u in self.not_replaced if u.org in keep),
            added=tuple(k for k in self.added if k[0] in keep),
            withdrawn=tuple(k for k in self.withdrawn if k[0] in keep),
        )

    def readable(self, tree: OrganizationTree) -> Plan:
        """The plan with each missed item back in its month, marked 未开展 (not held) and with the day it was
        due: the year as a secretary reads it (plan tables, Markdown, Word). Feeds and JSON take :attr:`plan`."""
        marked = tuple(
            attrs.evolve(
                m.item,
                title=f"【未开展】{m.item.title}",
                note=f"未开展，已错过（应于{m.due.isoformat()}前开展）",
                also_fulfils=(),
                agenda=(),
            )
            for m in self.missed
        )
        if not marked:
            return self.plan
        extra = attrs.evolve(self.plan, occurrences=marked, unplaced=(), combined=())
        return merge_plans([self.plan, extra], tree)

    def summary(self) -> str:
        """One line for the person running it."""
        return _(
            "Re-planned from the records before {as_of}: {held} held, {moved} moved, {missed} missed, "
            "{not_replaced} could not be placed again"
        ).format(
            as_of=self.as_of.isoformat(),
            held=len(self.held),
            moved=len(self.moved),
            missed=len(self.missed),
            not_replaced=len(self.not_replaced),
        )


def replan(
    tree: OrganizationTree,
    obligations: dict[str, tuple[Obligation, ...]],
    year: int,
    calendar: WorkdayCalendar,
    records: Sequence[Record],
    as_of: dt.date,
    *,
    previous_tree: OrganizationTree | None = None,
    previous_obligations: dict[str, tuple[Obligation, ...]] | None = None,
    previous: Plan | None = None,
) -> Replan:
    """Plan the rest of ``year`` from ``as_of`` around what ``records`` show was held.

    Args:
        tree, obligations: The organization file as it is now, and its obligations.
        year: The year.
        calendar: Its working days.
        records: What was held (any year; records dated on or after ``as_of`` are not used and are named in
            the warnings).
        as_of: The first day of the rest of the year.
        previous_tree, previous_obligations: The organization file the year was first planned from, when it
            has changed since (default: ``tree``).
        previous: The plan people subscribed to, when already made (default: the plan of ``previous_tree``).
    """
    old_tree = previous_tree if previous_tree is not None else tree
    old_obligations = previous_obligations if previous_obligations is not None else obligations
    if previous is None:
        previous = make_plan(old_tree, old_obligations, year, calendar)
    past = [r for r in records if r.date < as_of]
    ignored = len(records) - len(past)
    warnings = [f"{ignored}条记录的日期不早于{as_of.isoformat()}，重新计划时未计入"] if ignored else []
    result = check(old_tree, previous, old_obligations, past, as_of, workdays=calendar)
    by_ob = {(org, o.id): o for org, obs in old_obligations.items() for o in obs}
    pins, held_reasons = _pins(previous, result.units, as_of, by_ob)
    first_kept = pins.kept
    released: dict[Key, str] = {}
    while True:
        new, forced, reopened = plan_pinned(tree, obligations, year, calendar, pins)
        new_keys = {key_of(o) for o in new.occurrences}
        # a kept item the plan asked for but could not keep (what it follows found no day: the kept items held
        # them all) gives its time back, and the year is planned again without it: re-planning the re-plan
        # then changes nothing
        unplaced = {(u.org, u.obligation, u.period, u.slot) for u in new.unplaced}
        lost = [k for k in pins.kept if k not in new_keys and k in unplaced]
        if not lost:
            break
        for k in lost:
            released[k] = "原定时间让给了须在它之前开展的事项，在周期内重新安排"
        pins = attrs.evolve(pins, kept={k: o for k, o in pins.kept.items() if k not in released})
    forced = {**released, **forced}
    # history stays: items held under the previous file that the new one no longer asks for
    history = [o for k, o in pins.held.items() if k not in new_keys and o.org in tree]
    if history:
        new = merge_plans([new, attrs.evolve(new, occurrences=tuple(history), unplaced=(), combined=())], tree)
        new_keys |= {key_of(o) for o in history}
    before = {key_of(o): o for o in previous.occurrences}
    moved: list[Move] = []
    for occ in new.occurrences:
        key = key_of(occ)
        was = before.get(key)
        # an item is its own event where it is shown; one that was, and is now held as a part of another
        # activity, leaves the calendars: it moved too
        if was is None or not (occ.shown or was.shown):
            continue
        if (was.start, was.end, was.shown) == (occ.start, occ.end, occ.shown):
            continue
        if key in pins.held:
            why, reason = "held", held_reasons.get(key, "按记录的实际开展日期")
        elif key in forced:
            why, reason = "forced", forced[key]
        else:
            why, reason = "replaced", f"原定{_day(was.start)}未开展，在周期内（{as_of.isoformat()}起）重新安排"
        moved.append(Move(*key, occ.title, was.start, occ.start, why, reason))
    windows = {(u.org, u.obligation, u.period): u.last for u in result.units}
    missed = [
        Missed(
            *k,
            o.title,
            o.start,
            windows.get(k[:3], o.last_day),
            _clause(by_ob.get((o.org, o.obligation))),
            o,
        )
        for k, o in pins.missed.items()
        if o.shown and k not in reopened
    ]
    to_place = {
        k for k, o in before.items() if o.shown and k not in pins.held and (k not in pins.missed or k in reopened)
    }
    to_place = {k for k in to_place if k not in first_kept or k in forced}
    not_replaced = tuple(u for u in new.unplaced if (u.org, u.obligation, u.period, u.slot) in to_place)
    added = tuple(key_of(o) for o in new.occurrences if o.shown and key_of(o) not in before)
    withdrawn = tuple(k for k, o in first_kept.items() if o.shown and k not in new_keys and k not in released)
    return Replan(
        as_of=as_of,
        plan=attrs.evolve(new, warnings=(*new.warnings, *warnings)),
        held=tuple(k for k, o in pins.held.items() if o.shown),
        moved=tuple(moved),
        missed=tuple(missed),
        not_replaced=not_replaced,
        added=added,
        withdrawn=withdrawn,
        warnings=tuple(warnings),
    )


def _pins(
    previous: Plan, units: Iterable[Unit], as_of: dt.date, by_ob: Mapping[tuple[str, str], Obligation]
) -> tuple[Pins, dict[Key, str]]:
    """Every item of ``previous`` sorted by the checked ``units``: held (moved to the day held), missed, kept;
    the rest (not held, day passed, window open) is placed again. Also the reason of each held item's move."""
    grouped: dict[tuple[str, str, str], list[Occurrence]] = {}
    for occ in previous.occurrences:
        grouped.setdefault((occ.org, occ.obligation, occ.period), []).append(occ)
    held: dict[Key, Occurrence] = {}
    missed: dict[Key, Occurrence] = {}
    reasons: dict[Key, str] = {}
    for unit in units:
        unit_key = (unit.org, unit.obligation, unit.period)
        occs = sorted(grouped.get(unit_key, ()), key=lambda o: (o.first_day, o.slot))
        records = sorted(unit.records, key=lambda r: (r.date, r.time or dt.time()))
        ob = by_ob.get((unit.org, unit.obligation))
        per_member = ob is not None and ob.cadence.kind is CadenceKind.PER_MEMBER
        # a record of the item's own obligation (or of the activity it is part of) moves it to its day; a
        # record of another activity that the check counts for it (a 主题党日 with a 党课) leaves it where it is
        hosts = {unit.obligation, *(o.at for o in occs if o.at)}
        own = [r for r in records if r.obligation in hosts and r.org == unit.org]
        free = list(own)
        for occ in occs:
            key = key_of(occ)
            record = _record_for(occ, records, free, per_member)
            if record is not None:
                held[key] = _held_at(occ, record)
                reasons[key] = f"记录显示于{record.date.isoformat()}开展" + (
                    f"（{record.origin}）" if record.origin else ""
                )
            elif records and not own and occ.first_day < as_of:
                held[key] = occ  # fulfilled by another activity's record only: as it was
            elif unit.last < as_of and occ.last_day < as_of:  # (the plan may tie a window to a later one)
                missed[key] = occ
    kept: dict[Key, Occurrence] = {}
    for occ in previous.occurrences:
        key = key_of(occ)
        if key in held or key in missed:
            continue
        if occ.first_day >= as_of:
            kept[key] = occ
    # what an activity also fulfils and its agenda are the planner's to add again, as in the first plan
    held = {k: attrs.evolve(o, also_fulfils=(), agenda=()) for k, o in held.items()}
    missed = {k: attrs.evolve(o, also_fulfils=(), agenda=()) for k, o in missed.items()}
    return Pins(as_of=as_of, held=held, missed=missed, kept=kept), reasons


def _record_for(occ: Occurrence, records: Sequence[Record], free: list[Record], per_member: bool) -> Record | None:
    """The record that shows ``occ`` held: for a member's item the record covering that member; for the others
    the next record not yet paired (the first held activity of the period for its first item...)."""
    if per_member and occ.slot:
        return next((r for r in records if occ.slot in r.members and r.org == occ.org), None)
    if not free:
        return None
    return free.pop(0)


def _held_at(occ: Occurrence, record: Record) -> Occurrence:
    """``occ`` moved to the day (and time, when the record gives one) it was held."""
    start, end = occ.start, occ.end
    new_start: dt.datetime | dt.date
    new_end: dt.datetime | dt.date
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
        moment = dt.datetime.combine(record.date, record.time or start.time(), start.tzinfo)
        new_start, new_end = moment, moment + (end - start)
    else:
        new_start, new_end = record.date, record.date + (end - start)
    if (new_start, new_end) == (start, end):
        return occ
    note = f"实际于{record.date.isoformat()}开展（原定{_day(start)}）"
    return attrs.evolve(occ, start=new_start, end=new_end, note=note)


def _day(moment: dt.datetime | dt.date) -> str:
    return (moment.date() if isinstance(moment, dt.datetime) else moment).isoformat()


def _clause(ob: Obligation | None) -> str:
    if ob is None:
        return ""
    return f"{ob.source.quote}（{ob.source.citation()}）"


def summary_lines(replanned: Replan, names: Mapping[str, str], limit: int | None = None) -> list[str]:
    """The re-plan for a person: what moved, from where to where and why; what was missed; what could not be
    placed again; at most ``limit`` lines of each (the JSON has them all)."""
    moved = [
        _("moved {org} {title}: {was} -> {now} ({reason})").format(
            org=names.get(m.org, m.org), title=m.title, was=_day(m.was), now=_day(m.now), reason=m.reason
        )
        for m in replanned.moved
    ]
    missed = [
        _("missed {org} {title}: due by {due}; clause: {clause}").format(
            org=names.get(x.org, x.org), title=x.title, due=x.due.isoformat(), clause=x.clause
        )
        for x in replanned.missed
    ]
    not_replaced = [
        _("not placed again {org} {obligation} {period}: {reason}").format(
            org=names.get(u.org, u.org), obligation=u.obligation, period=u.period, reason=u.reason
        )
        for u in replanned.not_replaced
    ]
    lines = [replanned.summary()]
    for section in (moved, missed, not_replaced):
        shown = section if limit is None else section[:limit]
        lines += ["  " + line for line in shown]
        if len(section) > len(shown):
            more = len(section) - len(shown)
            lines.append("  " + _("... and {n} more (--format json or -v lists them all)").format(n=more))
    return lines
