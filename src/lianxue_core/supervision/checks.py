"""The compliance check: the plan says what was due, records say what was done, findings say the gap.

The check walks every *unit* — one organization, obligation and period of the plan — and gives it one
primary status (:attr:`~FindingStatus.HELD`, ``due``, ``missing``, ``late`` or ``outside-window``), then
looks for shortcomings of what was held: steps out of order, a missing topic or secretary's comment where
the source requires one, members not covered, required attendees absent. A unit whose period has not
started on the ``as_of`` day is not checked yet; one whose period has started but not ended is ``due``.

Which obligations need what is said by the obligations themselves (:attr:`Obligation.record_requires`,
:attr:`Obligation.record_attendance`, both citing the obligation's clause): the check knows no plugin's
obligation by its id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

import attrs

from ..i18n import N_, _
from ..model import OrganizationTree
from ..obligations import ActivityKind, CadenceKind, Obligation
from ..scheduling.occurrence import Occurrence
from ..scheduling.periods import Period, periods
from ..scheduling.planner import Plan
from ..workdays import WorkdayCalendar
from .findings import Finding, FindingStatus, Record
from .units import Unit, UnitTable

__all__ = ["CheckResult", "ShardCheck", "Unit", "UnitTable", "check", "check_shard", "merge_checks", "requirements"]

#: Record fields and their names in details (translated where used: 主题, 书记点评, 主讲人, 参加人员).
FIELD_LABELS = {
    "topic": N_("topic"),
    "comment": N_("secretary's comment"),
    "lecturer": N_("lecturer"),
    "attendees": N_("attendees"),
}
#: The id standing for members not listed in the organization file that a per-member obligation did not cover,
#: followed by their number (never a member's id: ``anon-`` ids are lianxue's own).
_UNLISTED = "anon-unlisted-"


def requirements(ob: Obligation) -> tuple[tuple[str, ...], bool, str]:
    """The fields ``ob``'s records must carry, whether attendance is checked, and the basis of both.

    They are the obligation's own: :attr:`Obligation.record_requires` and :attr:`Obligation.record_attendance`
    and a 党课 names its lecturer. The
    basis shown with a finding is the obligation's source clause.
    """
    requires = list(ob.record_requires)
    if ob.kind is ActivityKind.LECTURE and "lecturer" not in requires:
        requires.append("lecturer")
    attendance = ob.record_attendance
    basis = f"{ob.source.quote}（{ob.source.citation()}）" if requires or attendance else ""
    return tuple(requires), attendance, basis


@attrs.frozen
class CheckResult:
    """The outcome of a check.

    Args:
        year: The year checked.
        as_of: The day of the check.
        units: Every unit whose period had started, by organization (file order), then obligation: a
            :class:`UnitTable` from :func:`check` and :func:`merge_checks`.
        findings: Every finding: the units not held (due ones included) and every shortcoming, then the
            plugins' findings.
        not_started: How many units had not started on ``as_of`` (not checked yet).

    .. versionchanged:: 0.1.0 ``units`` is a sequence (a compact :class:`UnitTable`), not a tuple.
    """

    year: int
    as_of: dt.date
    units: Sequence[Unit]
    findings: tuple[Finding, ...]
    not_started: int = 0

    def problems(self) -> tuple[Finding, ...]:
        """The findings that are shortcomings (everything but ``due``)."""
        return tuple(f for f in self.findings if f.status.is_problem)


# -- periods ----------------------------------------------------------------------------------------


class _Periods:
    """Periods of each obligation by year, cached, and which one a day falls in."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], dict[str, Period]] = {}

    def of(self, ob: Obligation, year: int) -> dict[str, Period]:
        key = (ob.id, year)
        found = self._cache.get(key)
        if found is None:
            found = {p.label: p for p in periods(ob.cadence, year)}
            if ob.cadence.kind is CadenceKind.ONCE:
                due = ob.due
                found = {str(year): Period(str(year), dt.date(year, 1, 1), dt.date(year, *due))}
            self._cache[key] = found
        return found

    def window(self, ob: Obligation, label: str) -> tuple[dt.date, dt.date]:
        year = int(label[:4])
        p = self.of(ob, year).get(label)
        if p is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        return p.first, p.last

    def label_of(self, ob: Obligation, day: dt.date) -> str:
        """The period ``day`` counts for: the one containing it, or its year for a single-period cadence."""
        for year in (day.year, day.year + 1, day.year - 1):
            found = self.of(ob, year)
            if len(found) == 1 and year == day.year:
                return next(iter(found))
            for p in found.values():
                if day in p:
                    return p.label
        return str(day.year)


# -- the check --------------------------------------------------------------------------------------


def _covering_attendees(record: Record, tree: OrganizationTree, org: str) -> Record:
    """A record of the activity a per-member item is held at, read as covering its attendees, or every
    listed member when it does not list them (the activity was held; who spoke is not recorded)."""
    if record.members:
        return record
    listed = tuple(m.id for m in tree.members_of(org))
    unnamed = tuple(f"anon-{n:03d}" for n in range(len(listed) + 1, tree.member_count(org) + 1))
    covered = record.attendees or (listed + unnamed)
    return attrs.evolve(record, members=tuple(covered))


def _names(tree: OrganizationTree, ids: Iterable[str]) -> str:
    out = []
    for i in ids:
        if i.startswith(_UNLISTED):
            out.append(_("{n} unlisted members").format(n=i.removeprefix(_UNLISTED)))
            continue
        try:
            out.append(tree.member(i).name)
        except KeyError:
            out.append(i)
    shown = _(", ").join(out[:10])
    return _("{names} and others ({n} in all)").format(names=shown, n=len(out)) if len(out) > 10 else shown


def _dates(records: Iterable[Record]) -> str:
    return _(", ").join(sorted({r.date.isoformat() for r in records}))


def _basis(basis: str) -> str:
    """`` (basis: <the clause>)`` after a detail, or nothing without a clause."""
    return _(" (basis: {basis})").format(basis=basis) if basis else ""


class _Checker:
    def __init__(
        self,
        tree: OrganizationTree,
        plan: Plan,
        obligations: Mapping[str, Sequence[Obligation]],
        records: Sequence[Record],
        as_of: dt.date,
        workdays: WorkdayCalendar | None = None,
        keep_records: bool = True,
        only: Collection[str] | None = None,
    ) -> None:
        self.tree = tree
        self.keep_records = keep_records
        self.only = only
        # records read as covering their attendees, by id: the records stay alive in ``assigned`` and ``by_ob``
        self._covered: dict[int, Record] = {}
        self.workdays = workdays
        self.reasons: dict[tuple[str, str, str], str] = {}
        self.plan = plan
        self.year = plan.year
        self.as_of = as_of
        self.obligations = {org: {o.id: o for o in obs} for org, obs in obligations.items()}
        self.periods = _Periods()
        # (org, obligation, period) -> records assigned to it; (org, obligation) -> all its records
        self.assigned: dict[tuple[str, str, str], list[Record]] = {}
        self.by_ob: dict[tuple[str, str], list[Record]] = {}
        for r in records:
            ob = self.obligations.get(r.org, {}).get(r.obligation)
            if ob is None:
                continue
            label = r.period or self.periods.label_of(ob, r.date)
            if not label.startswith(str(self.year)):
                continue
            self.assigned.setdefault((r.org, r.obligation, label), []).append(r)
            self.by_ob.setdefault((r.org, r.obligation), []).append(r)
        # partners: obligation id -> ids of obligations whose activity also fulfils it
        self.fulfilled_by: dict[tuple[str, str], list[str]] = {}
        for org, obs in self.obligations.items():
            for ob in obs.values():
                for target in ob.combines_with:
                    if target in obs:
                        self.fulfilled_by.setdefault((org, target), []).append(ob.id)
        # ... and what the plan's activities fulfil besides (the steps of a meeting, a visiting leader's
        # 党课 held at a 主题党日): a record of the activity is a record of those too
        for occ in plan.occurrences:
            for target in occ.also_fulfils:
                partners = self.fulfilled_by.setdefault((occ.org, target), [])
                if occ.obligation not in partners and occ.obligation != target:
                    partners.append(occ.obligation)

    def units(self) -> Iterable[tuple[Obligation, str, str, list[Occurrence], list[str]]]:
        """(obligation, org, period, occurrences, unplaced slots) for every unit of the plan, in order."""
        grouped: dict[tuple[str, str, str], tuple[list[Occurrence], list[str]]] = {}
        for occ in self.plan.occurrences:
            grouped.setdefault((occ.org, occ.obligation, occ.period), ([], []))[0].append(occ)
        for u in self.plan.unplaced:
            grouped.setdefault((u.org, u.obligation, u.period), ([], []))[1].append(u.slot)
            self.reasons.setdefault((u.org, u.obligation, u.period), u.reason)
        for c in self.plan.combined:
            grouped.setdefault((c.org, c.obligation, c.period), ([], []))
        order = {org.id: n for n, org in enumerate(self.tree)}
        if self.only is not None:
            grouped = {key: value for key, value in grouped.items() if key[0] in self.only}
        for (org, ob_id, period), (occs, unplaced) in sorted(
            grouped.items(), key=lambda kv: (order.get(kv[0][0], 0), kv[0][1], kv[0][2])
        ):
            ob = self.obligations.get(org, {}).get(ob_id)
            if ob is not None:
                yield ob, org, period, occs, unplaced

    def _covering(self, record: Record, org: str) -> Record:
        """:func:`_covering_attendees`, once per record (a monthly study's record counts for each per-member
        item held at it)."""
        found = self._covered.get(id(record))
        if found is None:
            found = self._covered[id(record)] = _covering_attendees(record, self.tree, org)
        return found

    def _records(
        self, org: str, ob: Obligation, period: str, first: dt.date, last: dt.date, both: bool
    ) -> list[Record]:
        own = list(self.assigned.get((org, ob.id, period), ()))
        partners = list(self.fulfilled_by.get((org, ob.id), ()))
        if both:
            partners += [p for p in ob.combines_with if p in self.obligations.get(org, {})]
        for p in partners:
            own += [r for r in self.by_ob.get((org, p), ()) if first <= r.date <= last]
        return own

    def run(self) -> tuple[list[Unit], list[Finding], int]:
        units: list[Unit] = []
        findings: list[Finding] = []
        not_started = 0
        for ob, org, period, occs, unplaced in self.units():
            first, last = self.periods.window(ob, period)
            if self.as_of < first:
                not_started += 1
                continue
            if not occs and self.workdays is not None and not self._has_workday(first, last):
                continue  # a period without a single working day (a holiday week) asks for nothing
            requires, attendance, basis = requirements(ob)
            linked = ob.attend_links and (ob.kind is ActivityKind.MEETING or attendance)
            held_at = any(o.at for o in occs)  # each member's part of another activity (谈一次学习心得)
            records = self._records(org, ob, period, first, last, attendance or linked or held_at)
            if held_at:
                records = [self._covering(r, org) for r in records]
            if linked:
                records += self._linked_records(org, ob, first, last)
            status, detail = self._status(records, first, last)
            extra: list[Finding] = []
            concerned: tuple[str, ...] | None = None
            expected, covered = 1, 1 if records else 0
            kind = ob.cadence.kind
            if kind is CadenceKind.PER_MEMBER:
                slots = [o.slot for o in occs if o.slot] + [s for s in unplaced if s]
                expected, covered, miss = self._coverage(org, slots, records)
                named = tuple(m for m in miss if not m.startswith("anon-"))
                if miss and records and self.as_of <= last:
                    status, concerned = FindingStatus.DUE, named
                    detail = _("running: {covered}/{expected} members covered, not yet covered: {names}").format(
                        covered=covered, expected=expected, names=_names(self.tree, miss)
                    )
                elif miss and records:
                    extra.append(
                        Finding(
                            org,
                            ob.id,
                            period,
                            FindingStatus.NOT_COVERED,
                            _("{covered}/{expected} members covered, not covered: {names}").format(
                                covered=covered, expected=expected, names=_names(self.tree, miss)
                            ),
                            named,
                        )
                    )
                if status is FindingStatus.MISSING:
                    detail = _("{detail}; {expected} members to cover").format(detail=detail, expected=expected)
            elif kind is CadenceKind.PER_HOUSEHOLD:
                slots = [o.slot for o in occs if o.slot] + [s for s in unplaced if s]
                expected, covered, short = self._households(slots, records)
                if short and records and self.as_of <= last:
                    status, concerned = FindingStatus.DUE, tuple(m for m, _t in short)
                    detail = _("running: {covered}/{expected} households visited").format(
                        covered=covered, expected=expected
                    )
                elif short and records:
                    extra.append(
                        Finding(
                            org,
                            ob.id,
                            period,
                            FindingStatus.NOT_COVERED,
                            _(
                                "{covered}/{expected} households visited; "
                                "not every household of the linked villages visited: {who}"
                            ).format(covered=covered, expected=expected, who=_("; ").join(t for _m, t in short)),
                            tuple(m for m, _t in short),
                        )
                    )
            if records and requires:
                lacking = [(r, [f for f in requires if not getattr(r, f)]) for r in records]
                lacking = [(r, fs) for r, fs in lacking if fs]
                if lacking:
                    parts = [
                        _("{date} lacks {fields}").format(
                            date=r.date.isoformat(),
                            fields=_(", ").join(_(FIELD_LABELS[f]) if f in FIELD_LABELS else f for f in fs),
                        )
                        for r, fs in lacking
                    ]
                    extra.append(
                        Finding(
                            org,
                            ob.id,
                            period,
                            FindingStatus.INCOMPLETE,
                            _("; ").join(parts) + _basis(basis),
                        )
                    )
            if records and attendance:
                extra += self._attendance(org, ob, period, occs, records, basis)
            if linked and status is not FindingStatus.DUE:
                extra += self._linked_attendance(org, ob, period, first, last)
            own = self.assigned.get((org, ob.id, period), [])
            if own and ob.after:
                extra += self._order(org, ob, period, own)
            units.append(
                Unit(
                    org,
                    ob.id,
                    period,
                    first,
                    last,
                    status,
                    tuple(f.status for f in extra),
                    tuple(records) if self.keep_records else (),
                    expected,
                    covered,
                )
            )
            if not occs and (org, ob.id, period) in self.reasons and status is not FindingStatus.HELD:
                detail += _(" (the plan could not place it: {reason})").format(
                    reason=self.reasons[(org, ob.id, period)]
                )
            if status is not FindingStatus.HELD:
                if concerned is None:
                    concerned = self._concerned(ob, occs)
                findings.append(Finding(org, ob.id, period, status, detail, concerned))
            findings.extend(extra)
        return units, findings, not_started

    def _has_workday(self, first: dt.date, last: dt.date) -> bool:
        assert self.workdays is not None
        day = first
        while day <= last:
            if self.workdays.is_workday(day):
                return True
            day += dt.timedelta(days=1)
        return False

    def _status(self, records: Sequence[Record], first: dt.date, last: dt.date) -> tuple[FindingStatus, str]:
        window = _("{first} to {last}").format(first=first.isoformat(), last=last.isoformat())
        if not records:
            if self.as_of <= last:
                return FindingStatus.DUE, _("to be held {window}; nothing recorded by {as_of}").format(
                    window=window, as_of=self.as_of.isoformat()
                )
            return FindingStatus.MISSING, _("to be held {window}; no record").format(window=window)
        if any(first <= r.date <= last for r in records):
            return FindingStatus.HELD, ""
        late = [r for r in records if r.date > last]
        if late:
            return FindingStatus.LATE, _("to be held {window}; held only on {dates}").format(
                window=window, dates=_dates(late)
            )
        return FindingStatus.OUTSIDE_WINDOW, _("to be held {window}; held on {dates}, before the window").format(
            window=window, dates=_dates(records)
        )

    def _concerned(self, ob: Obligation, occs: Sequence[Occurrence]) -> tuple[str, ...]:
        if ob.cadence.kind is CadenceKind.PER_MEMBER or ob.attend_links or requirements(ob)[1]:
            people = [o.slot for o in occs if o.slot] if ob.cadence.kind is CadenceKind.PER_MEMBER else []
            if not people:
                people = [p for o in occs for p in o.people]
            return tuple(dict.fromkeys(p for p in people if not p.startswith("anon-")))
        return ()

    def _coverage(self, org: str, slots: Sequence[str], records: Sequence[Record]) -> tuple[int, int, list[str]]:
        expected = list(dict.fromkeys(slots))
        covered_ids = {m for r in records for m in r.members}
        listed = {m.id for m in self.tree.members_of(org)}
        # members in file order, whatever order the plan placed their items in
        order = {m.id: n for n, m in enumerate(self.tree.members_of(org))}
        named = sorted((s for s in expected if not s.startswith("anon-")), key=lambda s: order.get(s, len(order)))
        anon = [s for s in expected if s.startswith("anon-")]
        miss = [s for s in named if s not in covered_ids]
        extra_covered = len([m for m in covered_ids if m not in listed and m not in named])
        anon_missing = max(0, len(anon) - extra_covered)
        covered = len(named) - len(miss) + min(len(anon), extra_covered)
        if anon_missing:
            miss.append(f"{_UNLISTED}{anon_missing}")
        return len(expected), covered, miss

    def _households(self, slots: Sequence[str], records: Sequence[Record]) -> tuple[int, int, list[tuple[str, str]]]:
        rounds: dict[str, dict[str, int]] = {}
        for slot in dict.fromkeys(slots):
            parts = slot.split("/")
            if len(parts) != 3:
                continue
            visitor, target, _slot = parts
            org = self.tree.get(target)
            if org is not None and org.households:
                rounds.setdefault(visitor, {})[target] = org.households
        expected = sum(sum(t.values()) for t in rounds.values())
        short: list[tuple[str, str]] = []
        total = 0
        for visitor, targets in rounds.items():
            need = sum(targets.values())
            done = sum(r.households or 0 for r in records if visitor in r.attendees or visitor in r.members)
            total += min(done, need)
            if done < need:
                villages = _(", ").join(self.tree[t].name for t in targets)
                shown = _("{name} ({villages}) {done}/{need} households").format(
                    name=_names(self.tree, [visitor]), villages=villages, done=done, need=need
                )
                short.append((visitor, shown))
        unattributed = sum(r.households or 0 for r in records if not r.attendees and not r.members)
        if unattributed and short:
            total = min(expected, total + unattributed)
            if total >= expected:
                short = []
        return expected, total, short

    def _attendance(
        self, org: str, ob: Obligation, period: str, occs: Sequence[Occurrence], records: Sequence[Record], basis: str
    ) -> list[Finding]:
        required = list(dict.fromkeys(p for o in occs for p in o.people))
        if not required:
            return []
        if not any(r.attendees for r in records):
            return [
                Finding(
                    org,
                    ob.id,
                    period,
                    FindingStatus.INCOMPLETE,
                    _("the records list no attendees: cannot check whether {names} attended").format(
                        names=_names(self.tree, required)
                    ),
                    tuple(required),
                )
            ]
        present = {a for r in records for a in r.attendees}
        absent = [p for p in required if p not in present]
        if not absent:
            return []
        return [
            Finding(
                org,
                ob.id,
                period,
                FindingStatus.ABSENT,
                _("{names} did not attend ({dates})").format(names=_names(self.tree, absent), dates=_dates(records))
                + _basis(basis),
                tuple(absent),
            )
        ]

    def _linked_targets(self, org: str, ob: Obligation) -> list[tuple[str, str, list[str]]]:
        """(leader, linked org, partner obligation ids there) for an ``attend_links`` obligation."""
        out = []
        slugs = {ob.slug}
        targets = set(ob.combines_with)
        for member in self.tree.leaders_of(org):
            for link in member.links:
                there = [i for i in self.obligations.get(link, {}) if i in targets or i.split(".", 1)[1] in slugs]
                there += [p for i in list(there) for p in self.fulfilled_by.get((link, i), ()) if p not in there]
                if there:
                    out.append((member.id, link, there))
        return out

    def _linked_records(self, org: str, ob: Obligation, first: dt.date, last: dt.date) -> list[Record]:
        out: list[Record] = []
        seen: set[tuple[str, str]] = set()
        for _leader, link, obs in self._linked_targets(org, ob):
            for o in obs:
                if (link, o) not in seen:
                    seen.add((link, o))
                    out += [r for r in self.by_ob.get((link, o), ()) if first <= r.date <= last]
        return out

    def _linked_attendance(self, org: str, ob: Obligation, period: str, first: dt.date, last: dt.date) -> list[Finding]:
        absent: list[str] = []
        parts: list[str] = []
        unknown: list[str] = []
        for leader, link, obs in self._linked_targets(org, ob):
            records = [r for o in obs for r in self.by_ob.get((link, o), ()) if first <= r.date <= last]
            name = self.tree[link].name
            if not records:
                absent.append(leader)
                parts.append(
                    _("{leader}: no record of a 专题组织生活会 at {org}").format(
                        leader=_names(self.tree, [leader]), org=name
                    )
                )
            elif not any(r.attendees for r in records):
                unknown.append(_("{org} ({dates})").format(org=name, dates=_dates(records)))
            elif not any(leader in r.attendees for r in records):
                absent.append(leader)
                parts.append(
                    _("{leader} did not attend the 专题组织生活会 at {org} ({dates})").format(
                        leader=_names(self.tree, [leader]), org=name, dates=_dates(records)
                    )
                )
        out = []
        if absent:
            out.append(
                Finding(org, ob.id, period, FindingStatus.ABSENT, _("; ").join(parts), tuple(dict.fromkeys(absent)))
            )
        if unknown:
            out.append(
                Finding(
                    org,
                    ob.id,
                    period,
                    FindingStatus.INCOMPLETE,
                    _(
                        "the meeting records of the linked villages (communities) list no attendees: "
                        "cannot check the leaders' attendance: {orgs}"
                    ).format(orgs=_(", ").join(unknown)),
                )
            )
        return out

    def _order(self, org: str, ob: Obligation, period: str, records: Sequence[Record]) -> list[Finding]:
        start = min(r.date for r in records)
        out = []
        obs = self.obligations.get(org, {})
        for before_id in ob.after:
            before = obs.get(before_id)
            if before is None:
                continue
            if period in self.periods.of(before, int(period[:4])):
                done = self.assigned.get((org, before_id, period), [])  # same period: a missing one is "missing"
            else:
                done = self.by_ob.get((org, before_id), [])  # a year-long step before a shorter one
            later = [r for r in done if r.date > start]
            if not later:
                continue
            members = tuple(dict.fromkeys(m for r in later for m in r.members))
            out.append(
                Finding(
                    org,
                    ob.id,
                    period,
                    FindingStatus.OUT_OF_ORDER,
                    _("{title} ({date}) is before the step it follows, {before} ({dates})").format(
                        title=ob.title, date=start.isoformat(), before=before.title, dates=_dates(later)
                    ),
                    members,
                )
            )
        return out


@attrs.frozen
class ShardCheck:
    """The check of one shard of organizations (:func:`check_shard`), to be put together with the others by
    :func:`merge_checks`.

    Args:
        year: The year checked.
        as_of: The day of the check.
        units: Each organization's units, in order.
        findings: Each organization's findings of the core checks, in order.
        extra: Each organization's findings from ``extra`` (the plugins).
        not_started: How many units had not started on ``as_of``.
    """

    year: int
    as_of: dt.date
    units: Mapping[str, Sequence[Unit]]
    findings: Mapping[str, Sequence[Finding]]
    extra: Mapping[str, Sequence[Finding]]
    not_started: int = 0


def check_shard(
    tree: OrganizationTree,
    plan: Plan,
    obligations: Mapping[str, Sequence[Obligation]],
    records: Sequence[Record],
    as_of: dt.date,
    *,
    orgs: Iterable[str] | None = None,
    extra: Callable[[str, Sequence[Occurrence], Sequence[Record]], Sequence[Finding]] | None = None,
    workdays: WorkdayCalendar | None = None,
    keep_records: bool = True,
    only: Iterable[str] | None = None,
) -> ShardCheck:
    """:func:`check` of a plan and the records of some organizations only: a shard of the tree that nobody
    outside it touches (:func:`lianxue_core.scheduling.shards`), so that a large tree is checked a shard at a
    time. :func:`merge_checks` of the shards' checks is :func:`check` of the whole.

    With ``keep_records=False`` the units do not keep the records counted for them (:attr:`Unit.records` is
    empty; their statuses and counts are the same): a county's year of records is then not held until the
    report is made.

    With ``only``, the units and findings of those organizations alone (of those in ``orgs``): ``plan`` and
    ``records`` may hold others, read but not checked: the organizations theirs depend on (those their members
    are linked to: a town leader's attendance at the villages' meetings), so that a large shard is checked a
    part at a time."""
    scope = set(orgs) if orgs is not None else None
    chosen = set(only) if only is not None else None
    if scope is not None:
        plan = attrs.evolve(
            plan,
            occurrences=tuple(o for o in plan.occurrences if o.org in scope),
            unplaced=tuple(u for u in plan.unplaced if u.org in scope),
            combined=tuple(c for c in plan.combined if c.org in scope),
        )
    checker = _Checker(tree, plan, obligations, records, as_of, workdays, keep_records, chosen)
    units, findings, not_started = checker.run()
    by_unit: dict[str, list[Unit]] = {}
    for u in units:
        by_unit.setdefault(u.org, []).append(u)
    by_finding: dict[str, list[Finding]] = {}
    for f in findings:
        by_finding.setdefault(f.org, []).append(f)
    by_extra: dict[str, list[Finding]] = {}
    if extra is not None:
        by_org_occ: dict[str, list[Occurrence]] = {}
        for occ in plan.occurrences:
            by_org_occ.setdefault(occ.org, []).append(occ)
        by_org_rec: dict[str, list[Record]] = {}
        for r in records:
            by_org_rec.setdefault(r.org, []).append(r)
        for org in tree:
            if (scope is not None and org.id not in scope) or (chosen is not None and org.id not in chosen):
                continue
            if org.id in by_org_occ or org.id in by_org_rec:
                found = extra(org.id, by_org_occ.get(org.id, ()), by_org_rec.get(org.id, ()))
                if found:
                    by_extra[org.id] = list(found)
    return ShardCheck(plan.year, as_of, by_unit, by_finding, by_extra, not_started)


def merge_checks(parts: Iterable[ShardCheck], tree: OrganizationTree) -> CheckResult:
    """One :class:`CheckResult` from the checks of disjoint shards, ordered as :func:`check` orders it: units
    and the core's findings by organization in file order, then the plugins' findings likewise.

    ``parts`` is consumed one shard at a time and each shard's units go into one :class:`UnitTable` at once:
    give a generator, and a county's units are never all held as objects."""
    table = UnitTable()
    blocks: dict[str, tuple[int, int]] = {}  # each organization's units in ``table``
    findings: dict[str, Sequence[Finding]] = {}
    extra: dict[str, Sequence[Finding]] = {}
    not_started = 0
    year, as_of = None, None
    texts: dict[str, str] = {}  # details repeat across shards (应于…开展，截至…尚未记录): each kept once
    for part in parts:
        year, as_of = part.year, part.as_of
        for org, units in part.units.items():
            start = len(table)
            table.extend(units)
            blocks[org] = (start, len(table))
        findings.update((org, _shared(found, texts)) for org, found in part.findings.items())
        extra.update(part.extra)
        not_started += part.not_started
        del part
    if year is None or as_of is None:
        raise ValueError("no checks to merge")
    order = [org.id for org in tree]
    return CheckResult(
        year,
        as_of,
        table._blocks([blocks[org] for org in order if org in blocks], take=True),  # table is not used again
        tuple(f for org in order for f in findings.get(org, ()))
        + tuple(f for org in order for f in extra.get(org, ())),
        not_started,
    )


def _shared(findings: Sequence[Finding], texts: dict[str, str]) -> list[Finding]:
    """``findings`` with their details shared with the equal details of findings seen before."""
    out = []
    for f in findings:
        detail = texts.setdefault(f.detail, f.detail)
        out.append(f if detail is f.detail else attrs.evolve(f, detail=detail))
    if len(texts) > 100_000:  # bounded: a county with no repeated details shares nothing
        texts.clear()
    return out


def check(
    tree: OrganizationTree,
    plan: Plan,
    obligations: Mapping[str, Sequence[Obligation]],
    records: Sequence[Record],
    as_of: dt.date,
    *,
    orgs: Iterable[str] | None = None,
    extra: Callable[[str, Sequence[Occurrence], Sequence[Record]], Sequence[Finding]] | None = None,
    workdays: WorkdayCalendar | None = None,
) -> CheckResult:
    """Check ``records`` against ``plan``.

    Args:
        tree: The organization tree.
        plan: The plan of the year checked (from :func:`~lianxue_core.scheduling.plan_year`).
        obligations: Each organization's obligations that year.
        records: The records read (any year; only the plan's year counts).
        as_of: The day of the check: periods not started are not checked, periods not ended are ``due``.
        orgs: Check only these organizations (all planned ones when ``None``).
        extra: Called once per organization checked with its occurrences and records; returns more
            findings (the command passes the plugins' :meth:`~lianxue_core.PluginHost.findings`).
        workdays: The year's working days; a period without any (a week of 春节) is then not expected
            when the plan could not place it.
    """
    part = check_shard(tree, plan, obligations, records, as_of, orgs=orgs, extra=extra, workdays=workdays)
    return merge_checks([part], tree)
