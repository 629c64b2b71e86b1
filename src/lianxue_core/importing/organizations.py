"""Organization rows to organizations: kind, id, parent and track.

* **Kind** from 组织类别 (``631 党支部``: the code, else the label), or from the end of the name
  when the column is missing or empty (``…党总支`` is a general branch).
* **Id** from 党组织编码 (lower case, runs of other characters as ``-``), else ``org-`` and the
  first 8 hex digits of the SHA-256 of the full name: the same organization gets the same id on
  every import, whatever the row order, so calendar UIDs survive an updated roster.
* **Parent** from 上级党组织编码, else 上级党组织 by full name, short name or code. The first
  parent named that is not in the file is taken as the export's own superior (its organizations
  become top-level); any other unknown parent is a problem.
* **Track** from the unit category and level (:func:`category_track`), 与上级党组织相同, the common
  track of a 联合党支部's units, or an override; what cannot be decided is left without a track and
  reported as a :class:`~.problems.Decision`, with a suggestion from the name at most.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Mapping

import attrs

from ..i18n import _
from ..model import OrgKind
from ..orgfile import ID_RE, RESERVED_IDS
from .headings import Record, Table
from .problems import Decision, ProblemList
from .reading import Value
from .values import is_empty, parse_count, split_code, text

__all__ = [
    "NO_TRACK",
    "Lookup",
    "OrgRow",
    "assign_ids",
    "category_track",
    "find_org",
    "lookup",
    "read_organizations",
    "resolve",
    "suggest_track",
]

#: The override value that means "no track: a container that only groups others".
NO_TRACK = ("none", "-")

_KIND_CODES = {
    "611": OrgKind.COMMITTEE,
    "612": OrgKind.PARTY_GROUP,
    "621": OrgKind.GENERAL_BRANCH,
    "631": OrgKind.BRANCH,
    "632": OrgKind.BRANCH,
    "641": OrgKind.GROUP,
}
# Label fragments, most specific first ("党小组" before "党组", "党总支" before "支部").
_KIND_WORDS = (
    ("党工委", OrgKind.WORKING_COMMITTEE),
    ("工作委员会", OrgKind.WORKING_COMMITTEE),
    ("党小组", OrgKind.GROUP),
    ("党组", OrgKind.PARTY_GROUP),
    ("总支", OrgKind.GENERAL_BRANCH),
    ("支部", OrgKind.BRANCH),
    ("党委", OrgKind.COMMITTEE),
    ("委员会", OrgKind.COMMITTEE),
)
_JOINT = "联合"
_SAME_AS_PARENT = "与上级党组织相同"
_SEPARATORS = re.compile(r"[、，,；;/|\n]+")


@attrs.define
class OrgRow:
    """One organization row, as read and then resolved."""

    table: Table
    row: int
    name: str
    short_name: str | None = None
    code: str | None = None
    parent_ref: str | None = None
    parent_code: str | None = None
    kind: OrgKind | None = None
    joint: bool = False
    same_as_parent: bool = False
    categories: tuple[str, ...] = ()
    level: str | None = None
    members: int | None = None
    households: int | None = None
    # Resolved:
    id: str = ""
    parent: str | None = None
    track: str | None = None

    @property
    def where(self) -> str:
        return _("{where}: {what}").format(where=self.table.sheet.file, what=self.table.where(self.row))

    @property
    def subject(self) -> str:
        return _('org "{id}" {name}').format(id=self.id, name=self.name)


def _kind_of(words: str) -> OrgKind | None:
    for word, kind in _KIND_WORDS:
        if word in words:
            return kind
    return None


def _kind_from_name(name: str) -> OrgKind | None:
    tail = name[-8:]
    found = [(tail.rfind(word), -i, kind) for i, (word, kind) in enumerate(_KIND_WORDS) if word in tail]
    return max(found)[2] if found else None


def read_organizations(tables: Iterable[Table], problems: ProblemList) -> list[OrgRow]:
    """Read every organization row of ``tables``; problems go to ``problems``."""
    rows: list[OrgRow] = []
    for table in tables:
        for record in table.records():
            org = _read_row(table, record, problems)
            if org is not None:
                rows.append(org)
    return rows


def _read_row(table: Table, record: Record, problems: ProblemList) -> OrgRow | None:
    name = text(record.get("name"))
    if not name:
        problems.cell(table, record.row, "name", _("the organization's name is empty; fill it in or delete the row"))
        return None
    org = OrgRow(table, record.row, name)
    org.short_name = text(record.get("short_name")) or None
    org.code = text(record.get("code")) or None
    org.parent_ref = text(record.get("parent")) or None
    org.parent_code = text(record.get("parent_code")) or None
    org.kind = _read_kind(table, record, name, problems)
    situation = text(record.get("situation"))
    org.same_as_parent = _SAME_AS_PARENT in situation.replace(" ", "")
    org.joint = _JOINT in situation or _JOINT in text(record.get("kind")) or split_code(record.get("kind"))[0] == "632"
    raw = record.get("unit_category")
    # A joint branch lists its units' categories in one cell: "非公有制经济控制、社会组织".
    parts: list[Value] = [*_SEPARATORS.split(str(raw))] if org.joint else [raw]
    labels = [split_code(part) for part in parts if not is_empty(part)]
    org.categories = tuple(label or (code or "") for code, label in labels)
    level_code, level_label = split_code(record.get("unit_level"))
    org.level = level_label or level_code or None
    for key in ("members", "households"):
        try:
            setattr(org, key, parse_count(record.get(key)))
        except ValueError as exc:
            problems.cell(table, record.row, key, _("{error}; write a plain number such as 45").format(error=exc))
    return org


def _read_kind(table: Table, record: Record, name: str, problems: ProblemList) -> OrgKind | None:
    cell = text(record.get("kind"))
    if not cell:
        kind = _kind_from_name(name)
        if kind is None:
            problems.cell(
                table,
                record.row,
                "kind" if "kind" in table.columns else "name",
                _(
                    "组织类别 is empty and the name does not end in "
                    "党委, 党工委, 党组, 党总支, 党支部 or 党小组; give the 组织类别"
                )
                if "kind" in table.columns
                else _(
                    "there is no 组织类别 column and the name does not end in "
                    "党委, 党工委, 党组, 党总支, 党支部 or 党小组; give the 组织类别"
                ),
            )
        return kind
    code, label = split_code(cell)
    by_code = _KIND_CODES.get(code or "")
    by_label = _kind_of(label) if label else None
    if by_code is not None and by_label is not None and by_code != by_label:
        problems.cell(
            table,
            record.row,
            "kind",
            _("the code {code} and the label {label!r} name different kinds").format(code=code, label=label),
        )
        return None
    kind = by_code or by_label
    if kind is None:
        problems.cell(
            table,
            record.row,
            "kind",
            _(
                "unknown 组织类别 {kind!r}; expected 611 党委, 612 党组, 621 党总支部, 631 党支部, 632 联合党支部, "
                "641 党小组, or a label with 党委, 党工委, 党组, 党总支, 党支部 or 党小组"
            ).format(kind=cell),
        )
    return kind


# -- tracks -------------------------------------------------------------------------------------------


def _level(label: str | None) -> str | None:
    if not label:
        return None
    if any(w in label for w in ("乡", "镇", "街道", "社区", "村")):
        return "town"
    if any(w in label for w in ("中央", "省", "自治区", "市", "县", "区", "旗", "州", "盟")):
        return "county"
    return None


def category_track(category: str, level: str | None) -> tuple[str | None, str | None]:
    """The track of unit category ``category`` at unit level ``level`` (单位隶属关系).

    Returns:
        ``(track, None)``, or ``(None, reason)`` when a person has to decide.
    """
    c = category
    if "街道" in c or "乡镇" in c or c in ("乡", "镇"):
        return "town", None
    if "社区" in c:
        return "community", None
    if "建制村" in c or "行政村" in c or c in ("村", "村委会", "村民委员会"):
        return "village", None
    if any(w in c for w in ("非公", "社会组织", "社会团体", "民办非企业", "基金会")):
        return "two-new", None
    if "机关" in c or "事业" in c:
        where = _level(level)
        if where == "county":
            return "organs", None
        if where == "town":
            return None, _(
                "unit category {category} at {level} level: a town's 机关 may follow the town or the organs plan"
            ).format(category=c, level=level)
        if level:
            return None, _(
                "unit category {category}, but the level {level!r} (单位隶属关系) tells neither county nor town"
            ).format(category=c, level=level)
        return None, _("unit category {category} without 单位隶属关系: county level (organs) or town level?").format(
            category=c
        )
    if any(w in c for w in ("国有", "集体", "公有")):
        return None, _("unit category {category}: no plan names state-owned or collective enterprises").format(
            category=c
        )
    if "其他" in c:
        return None, _("unit category {category}").format(category=c)
    return None, _("unknown unit category {category!r}").format(category=c)


def suggest_track(name: str) -> str | None:
    """A track the name alone suggests (only ever shown as a suggestion)."""
    if "社区" in name:
        return "community"
    if re.search(r"(镇|乡|街道)(党委|党工委|委员会)$", name):
        return "town"
    if re.search(r"村(股份经济合作社)?(党总支|党支部|党委)", name):
        return "village"
    if any(w in name for w in ("公司", "有限", "企业", "厂", "协会", "商会", "学会", "联合会", "事务所", "民办")):
        return "two-new"
    if any(w in name for w in ("局", "机关", "委员会办公室", "办公室", "县委", "县政府", "医院", "学校", "中心")):
        return "organs"
    return None


def _own_track(org: OrgRow, known: Collection[str]) -> tuple[str | None, str | None]:
    """The track the row's own unit categories give: ``(track, None)``, ``(None, reason)``, or
    ``(None, None)`` when it has none."""
    if not org.categories:
        return None, None
    found = {category_track(c, org.level) for c in org.categories}
    reasons = sorted(r for t, r in found if r)
    if reasons:
        return None, _("; ").join(reasons)
    tracks = sorted({t for t, _reason in found if t})
    if len(tracks) > 1:
        return None, _("the units of this 联合党支部 follow different plans ({tracks})").format(
            tracks=_(", ").join(tracks)
        )
    track = tracks[0]
    if track not in known:
        return None, _("its unit category means the {track!r} track, but no installed plugin provides it").format(
            track=track
        )
    return track, None


# -- resolving ---------------------------------------------------------------------------------------


def _slug(code: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", code.lower()).strip("-")


def _hashed(name: str) -> str:
    return "org-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]


@attrs.frozen
class Resolution:
    """What :func:`resolve` found: decisions for a person, and notes for the summary."""

    decisions: tuple[Decision, ...]
    notes: tuple[str, ...]


def resolve(
    orgs: list[OrgRow],
    problems: ProblemList,
    *,
    tracks: Collection[str],
    overrides: Mapping[str, str | None],
) -> Resolution:
    """Give every row its parent and track, in place (after :func:`assign_ids`).

    Args:
        orgs: The rows from :func:`read_organizations`.
        problems: Where problems go.
        tracks: The installed track keys.
        overrides: Track by organization id (already checked), ``None`` for no track.
    """
    decisions: list[Decision] = []
    notes = _assign_parents(orgs, problems)
    if _check_cycles(orgs, problems):
        return Resolution(tuple(decisions), tuple(notes))
    by_id = {o.id: o for o in orgs}
    has_children = {o.parent for o in orgs if o.parent is not None}
    settled: dict[str, tuple[str | None, bool]] = {}  # id -> (track, decided)

    def settle(org: OrgRow) -> tuple[str | None, bool]:
        if org.id in settled:
            return settled[org.id]
        parent = by_id.get(org.parent) if org.parent else None
        result: tuple[str | None, bool]
        reason: str | None = None
        if org.id in overrides:
            result = (overrides[org.id], True)
        else:
            own, reason = _own_track(org, tracks)
            if reason is None and org.same_as_parent:
                if parent is None:
                    reason = _("与上级党组织相同, but its parent is not in the file")
                else:
                    parent_track, parent_decided = settle(parent)
                    if not parent_decided:
                        reason = _("与上级党组织相同, and the parent's track is undecided")
                    elif own is not None and own != parent_track:
                        reason = _(
                            "contradictory: its unit category means {own!r}, but it is 与上级党组织相同 "
                            "and the parent's track is {parent}"
                        ).format(own=own, parent=parent_track or _("none"))
                    else:
                        own = parent_track
            elif reason is None and own is None:
                if org.kind is OrgKind.GROUP and parent is not None and settle(parent)[1]:
                    own = settle(parent)[0]  # a 党小组 is part of its branch
                elif org.id not in has_children:
                    reason = _("no unit category (单位性质类别), and nothing below it")
            result = (own, True) if reason is None else (None, False)
        if reason is not None:
            suggestion = suggest_track(org.name)
            settle_it = _("settle it with --track {id}=TRACK (or =none)").format(id=org.id)
            if suggestion and suggestion in tracks:
                settle_it = _("the name suggests {track!r}; {hint}").format(track=suggestion, hint=settle_it)
            decisions.append(
                Decision(
                    org.where,
                    org.subject,
                    reason,
                    settle_it,
                    org=org.id,
                )
            )
        settled[org.id] = result
        return result

    for org in orgs:
        org.track = settle(org)[0]
    return Resolution(tuple(decisions), tuple(notes))


def assign_ids(orgs: list[OrgRow], problems: ProblemList) -> list[Decision]:
    """Give every row its id, in place; report repeated codes, and repeated names for a person."""
    decisions: list[Decision] = []
    by_code: dict[str, OrgRow] = {}
    by_name: dict[str, OrgRow] = {}
    used: set[str] = set()
    for org in orgs:
        if org.code:
            first = by_code.get(org.code)
            if first is not None:
                problems.cell(
                    org.table,
                    org.row,
                    "code",
                    _("党组织编码 {code} is also in {where}; each organization has its own").format(
                        code=org.code, where=first.table.where(first.row)
                    ),
                )
            by_code.setdefault(org.code, org)
        twin = by_name.get(org.name)
        base = (_slug(org.code) if org.code else "") or _hashed(org.name)
        if base in RESERVED_IDS:  # 党组织编码 "CON": a name Windows keeps for a device
            base = f"org-{base}"
        elif not ID_RE.fullmatch(base):  # a code too long for an id
            base = _hashed(org.code or org.name)
        org.id = base
        n = 2
        while org.id in used:
            org.id = f"{base}-{n}"
            n += 1
        used.add(org.id)
        if twin is not None:
            decisions.append(
                Decision(
                    org.where,
                    org.subject,
                    _("the same name as {org} in {where}").format(org=twin.subject, where=twin.table.where(twin.row)),
                    _("the same organization twice? delete one row; two organizations? give them different names"),
                )
            )
        by_name.setdefault(org.name, org)
    return decisions


Lookup = tuple[dict[str, list["OrgRow"]], dict[str, list["OrgRow"]], dict[str, list["OrgRow"]]]


def lookup(orgs: Iterable[OrgRow]) -> Lookup:
    """Indexes of ``orgs`` by code, full name and short name, for :func:`find_org`."""
    codes: dict[str, list[OrgRow]] = {}
    names: dict[str, list[OrgRow]] = {}
    shorts: dict[str, list[OrgRow]] = {}
    for org in orgs:
        if org.code:
            codes.setdefault(org.code, []).append(org)
        names.setdefault(org.name, []).append(org)
        if org.short_name:
            shorts.setdefault(org.short_name, []).append(org)
    return codes, names, shorts


def find_org(ref: str, index: Lookup) -> list[OrgRow]:
    """The rows whose code, full name or short name is ``ref`` (in that order of preference)."""
    codes, names, shorts = index
    key = " ".join(ref.split())
    return codes.get(key) or names.get(key) or shorts.get(key) or []


def _assign_parents(orgs: list[OrgRow], problems: ProblemList) -> list[str]:
    index = lookup(orgs)
    outside: str | None = None
    outside_rows: list[OrgRow] = []
    for org in orgs:
        key = "parent_code" if org.parent_code else "parent"
        ref = org.parent_code or org.parent_ref
        if ref is None:
            continue
        found = index[0].get(ref, []) if org.parent_code else find_org(ref, index)
        if len(found) > 1:
            places = _(", ").join(_("row {row}").format(row=f.row) for f in found)
            problems.cell(
                org.table,
                org.row,
                key,
                _("the parent {ref!r} matches several organizations ({places})").format(ref=ref, places=places),
            )
        elif found and found[0] is org:
            problems.cell(org.table, org.row, key, _("an organization cannot be its own parent"))
        elif found:
            org.parent = found[0].id
        elif outside is None or outside == ref:
            outside = ref
            outside_rows.append(org)
        else:
            first = outside_rows[0]
            problems.cell(
                org.table,
                org.row,
                key,
                _(
                    "the parent {ref!r} is not in the file (by code, full name or short name); only the file's own "
                    "superior may be outside it, and that is {outside!r} ({where})"
                ).format(ref=ref, outside=outside, where=first.table.where(first.row)),
            )
    if not outside_rows:
        return []
    return [
        _(
            "{n} organization(s) report to {outside!r}, which is not in the file: "
            "they are written as top-level organizations"
        ).format(n=len(outside_rows), outside=outside)
    ]


def _check_cycles(orgs: list[OrgRow], problems: ProblemList) -> bool:
    by_id = {o.id: o for o in orgs}
    reported: set[str] = set()
    found = False
    for org in orgs:
        path = [org.id]
        current = org
        while current.parent is not None and current.parent in by_id:
            if current.parent in path:
                cycle = path[path.index(current.parent) :]
                if not reported.intersection(cycle):
                    reported.update(cycle)
                    names = " -> ".join(by_id[i].name for i in [*cycle, current.parent])
                    problems.cell(
                        org.table, org.row, "parent", _("the parents form a cycle: {names}").format(names=names)
                    )
                found = True
                break
            path.append(current.parent)
            current = by_id[current.parent]
    return found
