"""Member rows to members: branch, roles, the ``elderly`` flag, and who is left out.

Only the name, the organization, roles and flags reach the organization file. The identity number
is read for two things only: telling namesakes apart (the same number twice is one person listed
twice) and the birth date when 出生日期 is empty. It is never written, hashed into an id, or put in
a message. Member ids are ``m-`` and the first 10 hex digits of the SHA-256 of the organization id
and the name, so they survive re-imports whatever the row order (namesakes in one organization get
``-2``, ``-3`` in row order).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Iterable

import attrs

from ..i18n import N_, _
from ..model import Member, MemberFlag, MemberRole
from .headings import Record, Table
from .organizations import Lookup, OrgRow, find_org, lookup
from .problems import Decision, ProblemList
from .values import is_empty, parse_bool, parse_date, split_code, text

__all__ = ["MemberRows", "read_members", "roles_of"]

_IDENTITY = re.compile(r"^(\d{17}[\dX]|\d{15})$")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
_STOPPED = ("停止党籍",)
_DUTY_SPLIT = re.compile(r"[、，,；;/\s]+")


@attrs.frozen
class MemberRows:
    """What :func:`read_members` found.

    Args:
        members: The members to write, in row order.
        left_out: How many rows were left out, by reason: ``失联`` (lost contact), ``流动`` (mobile),
            ``停止党籍`` (membership suspended).
        decisions: Namesakes and repeated rows for a person to look at.
    """

    members: tuple[Member, ...]
    left_out: Counter[str]
    decisions: tuple[Decision, ...]


def roles_of(duty: str) -> frozenset[MemberRole]:
    """Roles from 党内职务: ``书记`` → secretary, ``副书记`` → deputy-secretary, any ``…委员`` →
    committee; several duties may be separated by ``、``. 第一书记 (sent from outside) gives no role."""
    roles: set[MemberRole] = set()
    for part in _DUTY_SPLIT.split(duty):
        _code, label = split_code(part)
        if not label or "第一书记" in label:
            continue
        if "副书记" in label:
            roles.add(MemberRole.DEPUTY_SECRETARY)
        elif "书记" in label:
            roles.add(MemberRole.SECRETARY)
        elif "委员" in label:
            roles.add(MemberRole.COMMITTEE)
    return frozenset(roles)


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _birth_from_identity(identity: str) -> dt.date | None:
    digits = identity[6:14] if len(identity) == 18 else "19" + identity[6:12]
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


@attrs.define
class _Row:
    table: Table
    row: int
    name: str
    org: OrgRow
    identity: str | None = None
    member: Member | None = None


def read_members(
    tables: Iterable[Table],
    orgs: list[OrgRow],
    problems: ProblemList,
    *,
    as_of: dt.date,
    elderly_age: int = 70,
    include_away: bool = False,
) -> MemberRows:
    """Read every member row of ``tables``, matching each to one of ``orgs`` (already resolved).

    Args:
        tables: The members tables.
        orgs: The organizations, with their ids.
        problems: Where problems go.
        as_of: The day ages are counted on.
        elderly_age: From this age (on ``as_of``) a member is flagged ``elderly``.
        include_away: Also write 失联 and 流动 members (left out by default).
    """
    index = lookup(orgs)
    left_out: Counter[str] = Counter()
    kept: list[_Row] = []
    for table in tables:
        for record in table.records():
            row = _read_row(table, record, index, problems, as_of, elderly_age, include_away, left_out)
            if row is not None:
                kept.append(row)
    members, decisions = _identify(kept)
    return MemberRows(tuple(members), left_out, tuple(decisions))


def _read_row(
    table: Table,
    record: Record,
    index: Lookup,
    problems: ProblemList,
    as_of: dt.date,
    elderly_age: int,
    include_away: bool,
    left_out: Counter[str],
) -> _Row | None:
    before = problems.added
    name = text(record.get("name"))
    if not name:
        problems.cell(table, record.row, "name", _("the member's name is empty; fill it in or delete the row"))
    org = _find_branch(table, record, index, problems)
    identity = _identity(table, record, problems)
    birth = None
    try:
        birth = parse_date(record.get("birth"))
    except ValueError as exc:
        problems.cell(table, record.row, "birth", _("{error}; write the date as 1950-03-12").format(error=exc))
    if birth is None and identity is not None:
        birth = _birth_from_identity(identity)
    away: list[str] = []
    for key, label in (("lost", "失联"), ("mobile", "流动")):
        try:
            if parse_bool(record.get(key)):
                away.append(label)
        except ValueError as exc:
            problems.cell(table, record.row, key, _("{error}; write 是 or 否").format(error=exc))
    status = text(record.get("status"))
    if problems.added > before or org is None or not name:
        return None
    if any(s in status for s in _STOPPED):
        left_out["停止党籍"] += 1
        return None
    if away and not include_away:
        left_out[away[0]] += 1
        return None
    flags = set()
    if birth is not None and _age(birth, as_of) >= elderly_age:
        flags.add(MemberFlag.ELDERLY)
    roles = roles_of(text(record.get("duty")))
    row = _Row(table, record.row, name, org, identity)
    row.member = Member(id="", name=name, org=org.id, roles=roles, flags=flags)
    return row


def _find_branch(
    table: Table,
    record: Record,
    index: Lookup,
    problems: ProblemList,
) -> OrgRow | None:
    code = text(record.get("org_code"))
    ref = text(record.get("org"))
    if code:
        found = index[0].get(code, [])
        key = "org_code"
        shown = code
    elif ref:
        found = find_org(ref, index)
        key = "org"
        shown = ref
    else:
        problems.cell(table, record.row, "org", _("the member's organization (所在党支部) is empty"))
        return None
    if not found:
        problems.cell(
            table,
            record.row,
            key,
            _("the organization {org!r} is not in the organizations file (by code, full name or short name)").format(
                org=shown
            ),
        )
        return None
    if len(found) > 1:
        problems.cell(
            table, record.row, key, _("several organizations are named {org!r}; use 党组织编码").format(org=shown)
        )
        return None
    return found[0]


def _identity(table: Table, record: Record, problems: ProblemList) -> str | None:
    value = record.get("identity")
    if is_empty(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        problems.cell(table, record.row, "identity", _(_NUMBER_MESSAGE))
        return None
    s = text(value).upper().replace(" ", "")
    if _SCIENTIFIC.match(s):
        problems.cell(table, record.row, "identity", _(_NUMBER_MESSAGE))
        return None
    return s if _IDENTITY.match(s) else None


_NUMBER_MESSAGE = N_(
    "the identity number is stored as a number, so its last digits are lost; "
    "format the column as text (文本) and enter the numbers again"
)


def _identify(rows: list[_Row]) -> tuple[list[Member], list[Decision]]:
    """Give ids; drop a person listed twice in one organization; report namesakes."""
    members: list[Member] = []
    decisions: list[Decision] = []
    used: dict[str, _Row] = {}
    first_by_identity: dict[str, _Row] = {}
    by_name: dict[tuple[str, str], _Row] = {}
    for row in rows:
        assert row.member is not None
        where = _("{where}: {what}").format(where=row.table.sheet.file, what=row.table.where(row.row))
        subject = _("member {name} of {org}").format(name=row.name, org=row.org.name)
        twin = by_name.get((row.org.id, row.name))
        same_person = row.identity is not None and first_by_identity.get(row.identity)
        if twin is not None and same_person is twin:
            decisions.append(
                Decision(
                    where,
                    subject,
                    _("listed again (same identity number as {where}); this row is left out").format(
                        where=twin.table.where(twin.row)
                    ),
                    _("delete the repeated row"),
                )
            )
            continue
        if same_person:
            decisions.append(
                Decision(
                    where,
                    subject,
                    _("the same identity number as {where} ({org})").format(
                        where=same_person.table.where(same_person.row), org=same_person.org.name
                    ),
                    _("one person in two organizations? keep one row"),
                )
            )
        elif twin is not None and (row.identity is None or twin.identity is None):
            decisions.append(
                Decision(
                    where,
                    subject,
                    _("the same name as {where} in the same organization").format(where=twin.table.where(twin.row)),
                    _("the same person twice? delete one row; two people? nothing to do"),
                )
            )
        base = "m-" + hashlib.sha256(f"{row.org.id}\x1f{row.name}".encode()).hexdigest()[:10]
        member_id, n = base, 2
        while member_id in used:
            member_id, n = f"{base}-{n}", n + 1
        used[member_id] = row
        if row.identity is not None:
            first_by_identity.setdefault(row.identity, row)
        by_name.setdefault((row.org.id, row.name), row)
        members.append(attrs.evolve(row.member, id=member_id))
    return members, decisions
