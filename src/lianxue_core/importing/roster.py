"""Spreadsheets to an organization tree: :func:`import_roster`, the whole import from Python.

Reads the organizations file (every sheet whose header names organizations) and the members file
(every sheet whose header names members; without one, member sheets in the organizations workbook
are used), resolves kinds, ids, parents and tracks, and returns the tree with what a person still
has to decide. Every problem in the input is collected before one
:class:`~lianxue_core.errors.InputError` is raised.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

import attrs

from ..errors import InputError, Problem
from ..i18n import N_, _
from ..limits import read_toml
from ..model import Organization, OrganizationTree
from ..textsafe import for_terminal
from .headings import MEMBER_COLUMNS, ORG_COLUMNS, Table, find_table
from .members import read_members
from .organizations import NO_TRACK, OrgRow, assign_ids, find_org, lookup, read_organizations, resolve
from .problems import Decision, ProblemList
from .reading import Sheet, read_sheets

__all__ = ["ImportOptions", "ImportResult", "Override", "import_roster", "read_mapping"]

_ORG_REQUIRED: tuple[str | tuple[str, ...], ...] = ("name",)
_MEMBER_REQUIRED: tuple[str | tuple[str, ...], ...] = ("name", ("org", "org_code"))


@attrs.frozen
class Override:
    """A track chosen by a person: ``--track ID=KEY`` or a line of the mapping file.

    Args:
        source: Where it was given: ``--track`` or the mapping file's name.
        org: The organization's id, 党组织编码, full name or short name.
        track: A track key, or ``none`` / ``-`` for no track.
    """

    source: str
    org: str
    track: str


@attrs.frozen
class ImportOptions:
    """How to import.

    Args:
        as_of: The day ages are counted on (default: today).
        elderly_age: From this age a member is flagged ``elderly`` (老党员).
        include_away: Also write 失联 and 流动 members (left out of meetings by default).
        overrides: Tracks chosen by a person; they win over everything read from the files.
    """

    as_of: dt.date = attrs.field(factory=dt.date.today)
    elderly_age: int = 70
    include_away: bool = False
    overrides: tuple[Override, ...] = ()


@attrs.frozen
class ImportResult:
    """The imported tree and what a person still has to look at.

    Args:
        tree: The organizations and members; undecided organizations have no track.
        decisions: What the import could not settle, one each.
        notes: Things worth knowing that need no decision.
        left_out: Member rows not written, by reason (``失联``, ``流动``, ``停止党籍``).
        has_members: Whether a members sheet was read.
    """

    tree: OrganizationTree
    decisions: tuple[Decision, ...]
    notes: tuple[str, ...]
    left_out: Counter[str]
    has_members: bool


def read_mapping(path: Path) -> list[Override]:
    """Read a mapping file: a TOML ``[track]`` table from organization (id, code or name) to track.

    Raises:
        InputError: The file cannot be read or is not such a table.
    """
    name = for_terminal(str(path))
    doc = read_toml(path, what=N_("the mapping file"), field="mapping_bytes", display=name)
    problems = [
        Problem(name, _("unknown top-level key; the mapping file has one table, [track]"), key=k)
        for k in doc
        if k != "track"
    ]
    table = doc.get("track", {})
    if not isinstance(table, dict):
        problems.append(
            Problem(name, _('must be a table: [track] with lines such as "org-1a2b3c4d" = "organs"'), key="track")
        )
        table = {}
    out = []
    for org, track in table.items():
        if not isinstance(track, str):
            problems.append(Problem(name, _('must be a track key as a string, e.g. "organs"'), key=f"track.{org}"))
        else:
            out.append(Override(name, org, track))
    if problems:
        raise InputError(problems)
    return out


def _tables(sheets: Iterable[Sheet], kind: str) -> list[Table]:
    """The sheets of ``kind`` (``orgs`` or ``members``). A sheet whose header fits both (an
    organizations sheet with 党组织书记 over 姓名 and a 党组织编码) is the kind whose header
    recognises more columns; a tie goes to organizations."""
    out = []
    for sheet in sheets:
        orgs = find_table(sheet, ORG_COLUMNS, _ORG_REQUIRED)
        members = find_table(sheet, MEMBER_COLUMNS, _MEMBER_REQUIRED)
        if orgs is not None and members is not None:
            if len(members.columns) > len(orgs.columns):
                orgs = None
            else:
                members = None
        table = orgs if kind == "orgs" else members
        if table is not None:
            out.append(table)
    return out


def import_roster(
    orgs_file: Path,
    members_file: Path | None = None,
    *,
    tracks: Collection[str],
    options: ImportOptions | None = None,
) -> ImportResult:
    """Import organizations (and members) from spreadsheets.

    Args:
        orgs_file: The organizations spreadsheet (.xlsx, .xls, .ods or .csv).
        members_file: The members spreadsheet; ``None`` looks for member sheets in ``orgs_file``.
        tracks: The installed track keys (:meth:`PluginHost.tracks`).
        options: How to import.

    Raises:
        InputError: Every problem in the input, each with its file, sheet, row and column.
    """
    options = options or ImportOptions()
    problems = ProblemList()
    org_sheets = _read(orgs_file, problems)
    member_sheets = _read(members_file, problems) if members_file is not None else org_sheets
    if problems:
        raise InputError(problems.problems())
    org_tables = _tables(org_sheets, "orgs")
    member_tables = _tables(member_sheets, "members")
    if not org_tables:
        problems.add(
            Problem(
                str(orgs_file),
                _("no sheet has a header row naming the organizations (党组织全称 or 党组织名称) in its first 30 rows"),
            )
        )
    if members_file is not None and not member_tables:
        problems.add(
            Problem(
                str(members_file),
                _(
                    "no sheet has a header row with 姓名 and the member's organization (所在党支部 or 所在党组织) "
                    "in its first 30 rows"
                ),
            )
        )
    rows = read_organizations(org_tables, problems)
    id_decisions = assign_ids(rows, problems)
    overrides = _overrides(options.overrides, rows, tracks, problems)
    resolution = resolve(rows, problems, tracks=tracks, overrides=overrides)
    found = read_members(
        member_tables,
        rows,
        problems,
        as_of=options.as_of,
        elderly_age=options.elderly_age,
        include_away=options.include_away,
    )
    if problems:
        raise InputError(problems.problems())
    has_members = bool(member_tables)
    organizations = [
        Organization(
            id=r.id,
            name=r.name,
            kind=r.kind,  # type: ignore[arg-type]  # rows without a kind were reported above
            track=r.track,
            parent=r.parent,
            members=None if has_members else r.members,
            households=r.households,
        )
        for r in rows
    ]
    tree = OrganizationTree(organizations, found.members)
    return ImportResult(
        tree,
        (*id_decisions, *resolution.decisions, *found.decisions),
        resolution.notes,
        found.left_out,
        has_members,
    )


def _read(path: Path, problems: ProblemList) -> list[Sheet]:
    try:
        return read_sheets(path)
    except InputError as exc:
        for p in exc.problems:
            problems.add(p)
        return []


def _overrides(
    given: Sequence[Override], rows: list[OrgRow], tracks: Collection[str], problems: ProblemList
) -> dict[str, str | None]:
    by_id = {r.id: r for r in rows}
    index = lookup(rows)
    out: dict[str, str | None] = {}
    for o in given:
        found = [by_id[o.org]] if o.org in by_id else find_org(o.org, index)
        key = f"track.{o.org}" if o.source != "--track" else None
        subject = f"{o.org}={o.track}" if o.source == "--track" else None
        if o.track not in tracks and o.track not in NO_TRACK:
            known = _(", ").join(sorted(tracks)) or _("(none)")
            problems.add(
                Problem(
                    o.source,
                    _("unknown track {track!r}; known tracks: {known}, or none").format(track=o.track, known=known),
                    subject,
                    key,
                )
            )
        elif not found:
            problems.add(
                Problem(o.source, _("no organization has the id, code or name {org!r}").format(org=o.org), subject, key)
            )
        elif len(found) > 1:
            problems.add(
                Problem(o.source, _("several organizations match {org!r}; use the id").format(org=o.org), subject, key)
            )
        else:
            out[found[0].id] = None if o.track in NO_TRACK else o.track
    return out
