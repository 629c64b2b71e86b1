"""The report of a check: per-organization completion, ranking, heatmap and points, in one value.

:func:`build_report` turns a :class:`~.checks.CheckResult` and the members' points into a
:class:`Report`; :mod:`.report_json`, :mod:`.report_html` and :func:`render_table` render it. Every
format shows the same numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence

import attrs

from ..i18n import N_, _
from ..model import Organization, OrganizationTree
from ..obligations import Obligation
from ..textable import render_table as _table
from ..textsafe import for_terminal
from .checks import CheckResult, Unit, UnitTable
from .findings import Finding, FindingStatus
from .points import MemberPoints

__all__ = ["Cell", "OrgRow", "Report", "build_report", "member_label", "render_table"]


@attrs.frozen
class OrgRow:
    """One organization's line in the report.

    Args:
        org: The organization.
        depth: Its depth below the report's top (0 for the organizations directly overseen).
        ended: Units whose period had ended (held, missing, late, outside its window).
        complete: Of those, units held in time with nothing wanting.
        due: Units whose period is still running.
        problems: Findings that are shortcomings.
        rate: ``complete / ended``, or ``None`` with nothing ended.
        rollup_ended: ``ended`` summed over the organization and everything below it in the report.
        rollup_complete: ``complete`` summed likewise.
        members: The member count.
        points: Its members' study points, or ``None`` where no points are kept.
        rank: Its place in the ranking (1 is best), or ``None`` with nothing ended.
        points_rules: The name of the points rules used, or ``""``.
    """

    org: Organization
    depth: int
    ended: int
    complete: int
    due: int
    problems: int
    rate: float | None
    rollup_ended: int
    rollup_complete: int
    members: int
    points: float | None = None
    rank: int | None = None
    points_rules: str = ""

    @property
    def rollup_rate(self) -> float | None:
        """The completion rate of the organization and everything below it."""
        return self.rollup_complete / self.rollup_ended if self.rollup_ended else None

    @property
    def points_per_member(self) -> float | None:
        """Points per member (of the member count)."""
        if self.points is None:
            return None
        return round(self.points / self.members, 2) if self.members else 0.0


@attrs.frozen
class Cell:
    """One heatmap cell: an organization, an obligation and a month.

    Args:
        expected: Units shown in the month (those whose period ends in it).
        complete: Units held in time with nothing wanting.
        due: Units still running.
        problems: Units missing, late, outside their window or with a shortcoming.
    """

    expected: int = 0
    complete: int = 0
    due: int = 0
    problems: int = 0

    @property
    def state(self) -> str:
        """``empty``, ``full``, ``part``, ``none`` (nothing done) or ``due``."""
        if not self.expected:
            return "empty"
        if self.complete == self.expected:
            return "full"
        if self.due == self.expected:
            return "due"
        if self.complete or self.due:
            return "part"
        return "none"


@attrs.frozen
class Report:
    """Everything a report shows.

    Args:
        year: The year checked.
        as_of: The day of the check.
        supervisor: The supervising organization the report is limited to, or ``None`` for the whole tree.
        tree: The organization tree.
        orgs: One row per organization checked, in tree order.
        findings: Every finding.
        units: Every unit checked (a compact :class:`~.units.UnitTable` from a check).
        points: Every member's points.
        obligations: Obligations by id (titles and sources).
        not_started: Units not started yet.
        warnings: Input warnings (duplicates, cancelled events, records outside the scope).
    """

    year: int
    as_of: dt.date
    supervisor: Organization | None
    tree: OrganizationTree
    orgs: tuple[OrgRow, ...]
    findings: tuple[Finding, ...]
    units: Sequence[Unit]
    points: tuple[MemberPoints, ...]
    obligations: Mapping[str, Obligation]
    not_started: int = 0
    warnings: tuple[str, ...] = ()

    @property
    def problems(self) -> tuple[Finding, ...]:
        """The findings that are shortcomings."""
        return tuple(f for f in self.findings if f.status.is_problem)

    @property
    def exit_code(self) -> int:
        """1 when there are shortcomings, else 0."""
        return 1 if self.problems else 0

    def title(self, obligation: str) -> str:
        """An obligation's title, as its source writes it (its id when unknown)."""
        ob = self.obligations.get(obligation)
        return ob.title if ob else obligation

    def org_name(self, org: str) -> str:
        """An organization's name."""
        found = self.tree.get(org)
        return found.name if found else org

    def member_name(self, member: str) -> str:
        """A member's name (the id or name as written when not listed)."""
        try:
            return self.tree.member(member).name
        except KeyError:
            return member

    def heatmap(self) -> dict[str, dict[str, list[Cell]]]:
        """org id → obligation id → twelve :class:`Cell` values (January to December)."""
        out: dict[str, dict[str, list[Cell]]] = {}
        for org, ob, months in self.heatmap_rows():
            out.setdefault(org, {})[ob] = [Cell(*c) for c in months]
        return out

    def heatmap_rows(self) -> Iterator[tuple[str, str, list[list[int]]]]:
        """The heatmap's rows in the order of :meth:`heatmap`: organization, obligation and twelve counts
        ``[expected, complete, due, problems]``. Units that come organization by organization (as a check
        gives them) are counted one organization at a time: a county's heatmap is never held whole."""
        units = self.units
        last, seen = None, set()
        for org in units.orgs() if isinstance(units, UnitTable) else (u.org for u in units):
            if org != last:
                if org in seen:  # not organization by organization: all at once
                    yield from _heat_rows(units)
                    return
                seen.add(org)
                last = org
        del seen
        block: list[Unit] = []
        for u in units:
            if block and u.org != block[0].org:
                yield from _heat_rows(block)
                block = []
            block.append(u)
        if block:
            yield from _heat_rows(block)

    def by_month(self) -> list[tuple[int, int]]:
        """Twelve ``(ended, complete)`` pairs, January to December: the units whose period ended in the
        month (as in the heatmap) and, of those, the ones complete."""
        months = [[0, 0] for _ in range(12)]
        for u in self.units:
            if u.ended:
                months[u.month - 1][0] += 1
                months[u.month - 1][1] += u.complete
        return [(ended, complete) for ended, complete in months]

    def groups(self) -> tuple[OrgRow, ...]:
        """The rows the summary chart compares: below a single top organization (a county: its towns and
        working committees), else the top rows themselves (a town's report: its villages)."""
        top = [r for r in self.orgs if r.depth == 0]
        if len(top) == 1 and any(r.depth == 1 for r in self.orgs):
            return tuple(r for r in self.orgs if r.depth == 1)
        return tuple(top)

    def summary(self) -> dict[str, object]:
        """The JSON report's ``summary`` object."""
        statuses = {str(s): 0 for s in FindingStatus}
        for u in self.units:
            statuses[str(u.status)] += 1
        findings = {str(s): 0 for s in FindingStatus if s is not FindingStatus.HELD}
        for f in self.findings:
            findings[str(f.status)] = findings.get(str(f.status), 0) + 1
        ended = sum(r.ended for r in self.orgs)
        complete = sum(r.complete for r in self.orgs)
        scored = [r for r in self.orgs if r.points is not None]
        return {
            "organizations": len(self.orgs),
            "units": len(self.units),
            "not_started": self.not_started,
            "ended": ended,
            "complete": complete,
            "completion_rate": round(complete / ended, 4) if ended else None,
            "statuses": statuses,
            "findings_by_status": findings,
            "problems": len(self.problems),
            "due": statuses[str(FindingStatus.DUE)],
            "points": {
                "organizations": len(scored),
                "members": len(self.points),
                "total": round(sum(p.points for p in self.points), 2),
            },
            "exit_code": self.exit_code,
        }


def _heat_rows(units: Iterable[Unit]) -> Iterator[tuple[str, str, list[list[int]]]]:
    acc: dict[str, dict[str, list[list[int]]]] = {}
    for u in units:
        months = acc.setdefault(u.org, {}).setdefault(u.obligation, [[0, 0, 0, 0] for _ in range(12)])
        c = months[u.month - 1]
        c[0] += 1
        if u.complete:
            c[1] += 1
        elif u.status is FindingStatus.DUE:
            c[2] += 1
        else:
            c[3] += 1
    for org, obs in acc.items():
        for ob, months in obs.items():
            yield org, ob, months


def _rows(
    result: CheckResult,
    tree: OrganizationTree,
    scope: Sequence[Organization],
    points: Sequence[MemberPoints],
    rules: Mapping[str, str],
) -> tuple[OrgRow, ...]:
    in_scope = {o.id for o in scope}
    ended: dict[str, int] = {}
    complete: dict[str, int] = {}
    due: dict[str, int] = {}
    for u in result.units:
        if u.ended:
            ended[u.org] = ended.get(u.org, 0) + 1
            complete[u.org] = complete.get(u.org, 0) + u.complete
        else:
            due[u.org] = due.get(u.org, 0) + 1
    problems: dict[str, int] = {}
    for f in result.findings:
        if f.status.is_problem:
            problems[f.org] = problems.get(f.org, 0) + 1
    totals: dict[str, float] = {}
    for p in points:
        totals[p.org] = totals.get(p.org, 0.0) + p.points

    def depth(org: Organization) -> int:
        return sum(1 for a in tree.ancestors(org.id) if a.id in in_scope)

    def rollup(org: Organization, table: Mapping[str, int]) -> int:
        return table.get(org.id, 0) + sum(table.get(d.id, 0) for d in tree.descendants(org.id) if d.id in in_scope)

    rows = [
        OrgRow(
            org=o,
            depth=depth(o),
            ended=ended.get(o.id, 0),
            complete=complete.get(o.id, 0),
            due=due.get(o.id, 0),
            problems=problems.get(o.id, 0),
            rate=complete.get(o.id, 0) / ended[o.id] if ended.get(o.id) else None,
            rollup_ended=rollup(o, ended),
            rollup_complete=rollup(o, complete),
            members=tree.member_count(o.id),
            points=round(totals.get(o.id, 0.0), 2) if o.id in rules else None,
            points_rules=rules.get(o.id, ""),
        )
        for o in scope
    ]
    ranked = sorted(
        (r for r in rows if r.rate is not None),
        key=lambda r: (-(r.rate or 0.0), r.problems, -(r.points_per_member or 0.0)),
    )
    ranks = {r.org.id: n for n, r in enumerate(ranked, start=1)}
    return tuple(attrs.evolve(r, rank=ranks.get(r.org.id)) for r in rows)


def build_report(
    result: CheckResult,
    tree: OrganizationTree,
    obligations: Mapping[str, Obligation],
    *,
    scope: Sequence[Organization],
    points: Sequence[MemberPoints] = (),
    points_rules: Mapping[str, str] | None = None,
    supervisor: Organization | None = None,
    warnings: Sequence[str] = (),
) -> Report:
    """The report of ``result``.

    Args:
        result: The check.
        tree: The organization tree.
        obligations: Obligations by id.
        scope: The organizations reported on, in tree order.
        points: Every member's points.
        points_rules: For each organization that keeps points, the name of its rules.
        supervisor: The supervising organization the report is limited to.
        warnings: Input warnings to show.
    """
    rules = dict(points_rules or {})
    return Report(
        year=result.year,
        as_of=result.as_of,
        supervisor=supervisor,
        tree=tree,
        orgs=_rows(result, tree, scope, points, rules),
        findings=result.findings,
        units=result.units,
        points=tuple(points),
        obligations=obligations,
        not_started=result.not_started,
        warnings=tuple(warnings),
    )


def percent(rate: float | None) -> str:
    """``87.5%``, or ``—`` for no rate."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}"


#: The table's column headings (名次, 党组织, id, 完成, 完成率, 含下级, 问题, 进行中, 积分, 人均积分).
TABLE_HEAD = (
    N_("rank"),
    N_("organization"),
    N_("id"),
    N_("complete"),
    N_("rate"),
    N_("with lower"),
    N_("problems"),
    N_("running"),
    N_("points"),
    N_("per member"),
)
#: The findings' headings (党组织, 事项, 周期, 状态, 说明).
FINDINGS_HEAD = (N_("organization"), N_("item"), N_("period"), N_("status"), N_("detail"))
#: The members' points headings (党组织, 党员, 姓名, 积分).
POINTS_HEAD = (N_("organization"), N_("member"), N_("full name"), N_("points"))


#: lianxue's own ids for members the organization file counts but does not list (``anon-004``; a per-member
#: obligation's ``anon-unlisted-2``).
_UNLISTED_MEMBER = re.compile(r"anon-(?:unlisted-)?0*(\d+)")


def member_label(member: str, name: str) -> str:
    """A member's name for people: ``name``, or for a member the organization file counts but does not list
    (whose name is lianxue's id, ``anon-004``) ``member 4 (not listed)``, in the language chosen."""
    unlisted = _UNLISTED_MEMBER.fullmatch(member) if name == member else None
    return _("member {n} (not listed)").format(n=int(unlisted[1])) if unlisted else name


def render_table(report: Report, max_width: int | None = None) -> str:
    """The report as plain-text tables for a terminal, in the language chosen; each table narrowed to
    ``max_width`` columns when given (a terminal's width: long names and details are cut with "…")."""
    s = report.summary()
    rate = s["completion_rate"]
    assert rate is None or isinstance(rate, float)
    who = _("supervised by {name}").format(name=report.supervisor.name) if report.supervisor else _("all organizations")
    lines = [
        _("Study-education check {year} (as of {as_of}; {who})").format(
            year=report.year, as_of=report.as_of.isoformat(), who=who
        ),
        _(
            "Organizations: {orgs}; items ended: {ended}, complete: {complete}, completion rate: {rate} (held in "
            "time with nothing wanting); problems: {problems}, running: {due}, not started: {not_started}."
        ).format(
            orgs=s["organizations"],
            ended=s["ended"],
            complete=s["complete"],
            rate=percent(rate),
            problems=s["problems"],
            due=s["due"],
            not_started=s["not_started"],
        ),
        "",
    ]
    out = "\n".join(lines)
    rows = [
        [
            str(r.rank or "—"),
            "  " * r.depth + r.org.name,
            r.org.id,
            f"{r.complete}/{r.ended}",
            percent(r.rate),
            percent(r.rollup_rate),
            str(r.problems),
            str(r.due),
            _num(r.points),
            _num(r.points_per_member),
        ]
        for r in report.orgs
    ]
    out += _table([_(h) for h in TABLE_HEAD], rows, max_width)
    if report.findings:
        out += "\n" + _("Problems and items running:") + "\n"
        frows = [
            [
                f.org,
                report.title(f.obligation),
                f.period,
                f.status.label,
                f.detail
                + (
                    _(" (concerning: {names})").format(
                        names=_(", ").join(report.member_name(m) for m in f.members[:10])
                    )
                    if f.members
                    else ""
                ),
            ]
            for f in report.findings
        ]
        out += _table([_(h) for h in FINDINGS_HEAD], frows, max_width)
    if report.points:
        out += "\n" + _("Members' study points:") + "\n"
        prow = [[p.org, p.member, member_label(p.member, p.name), _num(p.points)] for p in report.points]
        out += _table([_(h) for h in POINTS_HEAD], prow, max_width)
    for w in report.warnings:
        out += "\n" + _("Note: {warning}").format(warning=w)
    out += "\n" if report.warnings else ""
    # names and texts come from files: control characters are shown, never obeyed by the terminal
    return "\n".join(for_terminal(line) for line in out.split("\n"))
