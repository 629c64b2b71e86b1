"""lianxue-devzone: the development zones' duties over the two-new organizations in their area.

Plan 4 of 德组通〔2016〕18号 names three zones — 开发区、临杭工业区、科技新城 — that guide and supervise the
two-new organizations in their area: they promote the 书记论坛, roll out the “4+X” creative organizational
life and daily micro-study (每日小故事、每日小测试、党章一句话), and assign a designated person (专人) to
supervise. This plugin turns those duties into obligations:

``devzone.forum``
    书记论坛, held by the zone for the secretaries of the organizations it supervises (quarterly).
``devzone.four-x``
    “4+X”创意组织生活, a month-end reminder for every two-new branch in the zone's area.
``devzone.micro-study``
    每日微学习, off by default: one all-day item a month for every two-new branch in the area.
``devzone.inspection``
    专人督查: one visit by the zone's inspector to every organization the zone supervises, each round
    (quarterly), planned so that the inspector is never in two places at once.

It also adds zone checks to ``lianxue check``: every supervised organization inspected at least once a
half-year, and the supervised secretaries at each forum. The options are in the README. The plugin uses
only the public API of :mod:`lianxue_core`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from lianxue_core import (
    Audience,
    Cadence,
    CadenceKind,
    Finding,
    FindingStatus,
    Obligation,
    OptionKind,
    OptionSpec,
    Organization,
    OrganizationTree,
    Record,
    Track,
    hookimpl,
)

from .catalogue import CATALOGUE, FORUM, FOUR_X, INSPECTION, MICRO_STUDY, TRACK
from .zones import (
    BRANCH_KINDS,
    CADENCES,
    area_zone,
    direct_zone,
    flag,
    inspector,
    is_zone,
    secretaries,
    text_choice,
    whole_number,
)

__version__ = "0.1.0"

__all__ = [
    "CATALOGUE",
    "OPTIONS",
    "TRACK",
    "lianxue_catalogue",
    "lianxue_findings",
    "lianxue_obligations",
    "lianxue_options",
    "lianxue_tracks",
]

_BY_ID = {ob.id: ob for ob in CATALOGUE}


def _label_or_flag(value: object) -> str | None:
    if isinstance(value, bool) or (isinstance(value, str) and value.strip()):
        return None
    return f'must be true, false or a label such as "开发区", not {value!r}'


#: The options this plugin reads (the README explains each); ``lianxue validate`` checks them.
OPTIONS = (
    OptionSpec(
        "devzone",
        OptionKind.BOOL,
        None,
        "开发区 true or a label makes the organization a zone, false never (default: by track or name)",
        expected='true, false or a label such as "开发区"',
        check=_label_or_flag,
    ),
    OptionSpec(
        "zone_tracks",
        OptionKind.STR_LIST,
        ("two-new",),
        "the tracks of the organizations a zone supervises",
        expected='a list of track keys such as ["two-new"]',
    ),
    OptionSpec(
        "zone_inspector", OptionKind.STR, None, "专人督查 member id of the zone's inspector (default: its secretary)"
    ),
    OptionSpec(
        "forum_cadence",
        OptionKind.CHOICE,
        _BY_ID[FORUM].options["forum_cadence"],
        "书记论坛 how often a zone holds the secretaries' forum",
        choices=CADENCES,
    ),
    OptionSpec(
        "forum_book_secretaries",
        OptionKind.BOOL,
        False,
        "书记论坛 book the supervised secretaries (their own meetings then avoid the forum)",
    ),
    OptionSpec(
        "inspection_cadence",
        OptionKind.CHOICE,
        _BY_ID[INSPECTION].options["inspection_cadence"],
        "专人督查 how often the inspector visits each supervised organization",
        choices=CADENCES,
    ),
    OptionSpec(
        "inspection_minutes",
        OptionKind.INT,
        _BY_ID[INSPECTION].minutes,
        "专人督查 the length of one visit",
        low=1,
        expected="a whole number of at least 1",
    ),
    OptionSpec("four_x", OptionKind.BOOL, True, "“4+X”创意组织生活 false switches the reminder off (zone or branch)"),
    OptionSpec(
        "four_x_cadence",
        OptionKind.CHOICE,
        _BY_ID[FOUR_X].options["four_x_cadence"],
        "“4+X” how often (zone default, a branch may set its own)",
        choices=("monthly", "quarterly"),
    ),
    OptionSpec("micro_study", OptionKind.BOOL, False, "每日微学习 true switches the monthly micro-study item on"),
)


def _with_cadence(ob: Obligation, key: str, value: str) -> Obligation:
    return attrs.evolve(ob, cadence=Cadence(CadenceKind(value)), options={**ob.options, key: value})


def _forum(zone: Organization, tree: OrganizationTree) -> Obligation:
    ob = _BY_ID[FORUM]
    cadence = text_choice(zone, "forum_cadence", CADENCES, ob.options["forum_cadence"])
    guests = secretaries(zone, tree)
    book = flag(zone, "forum_book_secretaries", False)
    description = ob.description
    if guests:
        description += "\n参加：" + "、".join(f"{m.name}（{tree[m.org].name}）" for m in guests)
    # The guests are named in the description; they are booked (and their own meetings then avoid the
    # forum) only with ``forum_book_secretaries = true``, so by default the forum moves nothing else.
    ob = attrs.evolve(
        ob,
        description=description,
        attends=Audience.ORGANIZATION,
        people=tuple(m.id for m in guests) if book else (),
        options={**ob.options, "forum_book_secretaries": book},
    )
    return _with_cadence(ob, "forum_cadence", cadence)


def _inspection(org: Organization, zone: Organization, tree: OrganizationTree) -> Obligation:
    ob = _BY_ID[INSPECTION]
    cadence = text_choice(zone, "inspection_cadence", CADENCES, ob.options["inspection_cadence"])
    minutes = whole_number(zone, "inspection_minutes", ob.minutes)
    person = inspector(zone, tree)
    who = f"督查人：{person.name}" if person is not None else "督查人：未指定（在园区设置 zone_inspector）"
    ob = attrs.evolve(
        ob,
        title=f"{zone.name}专人督查",
        description=f"{ob.description}\n{who}",
        minutes=minutes,
        people=(person.id,) if person is not None else (),
        options={**ob.options, "zone": zone.id},
    )
    return _with_cadence(ob, "inspection_cadence", cadence)


def _area_items(org: Organization, zone: Organization) -> list[Obligation]:
    out: list[Obligation] = []
    if flag(org, "four_x", flag(zone, "four_x", True)):
        ob = _BY_ID[FOUR_X]
        default = text_choice(zone, "four_x_cadence", ("monthly", "quarterly"), ob.options["four_x_cadence"])
        cadence = text_choice(org, "four_x_cadence", ("monthly", "quarterly"), default)
        out.append(_with_cadence(ob, "four_x_cadence", cadence))
    if flag(org, "micro_study", flag(zone, "micro_study", False)):
        ob = _BY_ID[MICRO_STUDY]
        out.append(attrs.evolve(ob, options={**ob.options, "micro_study": True}))
    return out


@hookimpl
def lianxue_options() -> Sequence[OptionSpec]:
    """The zone options, so that ``lianxue validate`` checks them with the organization file."""
    return OPTIONS


@hookimpl
def lianxue_tracks() -> Sequence[Track]:
    """The ``devzone`` track (an organization on it is a zone, whatever its name)."""
    return [TRACK]


# Planned last within each organization (catalogue order), so the zone's items never take a day or a
# person that another plugin's item of the same organization would have had.
@hookimpl(trylast=True)
def lianxue_catalogue() -> Sequence[Obligation]:
    """The zones' obligations, in the order of plan 4."""
    return CATALOGUE


@hookimpl
def lianxue_obligations(organization: Organization, tree: OrganizationTree) -> Sequence[Obligation]:
    """The forum for a zone; the inspection for each organization a zone supervises; “4+X” (and, when
    switched on, the daily micro-study) for each two-new branch in a zone's area."""
    out: list[Obligation] = []
    if is_zone(organization):
        out.append(_forum(organization, tree))
    zone = direct_zone(organization, tree)
    if zone is not None:
        out.append(_inspection(organization, zone, tree))
    if organization.kind in BRANCH_KINDS:
        area = area_zone(organization, tree)
        if area is not None:
            out += _area_items(organization, area)
    order = {ob.id: n for n, ob in enumerate(CATALOGUE)}
    return sorted(out, key=lambda ob: order[ob.id])


def _halves(year: int, cadence: str) -> list[tuple[str, dt.date, dt.date]]:
    if cadence == "yearly":
        return [(str(year), dt.date(year, 1, 1), dt.date(year, 12, 31))]
    return [
        (f"{year}-H1", dt.date(year, 1, 1), dt.date(year, 6, 30)),
        (f"{year}-H2", dt.date(year, 7, 1), dt.date(year, 12, 31)),
    ]


def _inspected(
    org: Organization, zone: Organization, year: int, as_of: dt.date, records: Sequence[Record]
) -> list[Finding]:
    cadence = text_choice(zone, "inspection_cadence", CADENCES, _BY_ID[INSPECTION].options["inspection_cadence"])
    dates = sorted(r.date for r in records if r.obligation == INSPECTION and r.date.year == year)
    out: list[Finding] = []
    for label, first, last in _halves(year, cadence):
        if first > as_of:
            continue
        held = [d for d in dates if first <= d <= last]
        if held:
            out.append(Finding(org.id, INSPECTION, label, FindingStatus.HELD, f"园区督查{len(held)}次"))
        elif as_of <= last:
            out.append(Finding(org.id, INSPECTION, label, FindingStatus.DUE, f"{zone.name}本半年尚未督查"))
        else:
            out.append(Finding(org.id, INSPECTION, label, FindingStatus.MISSING, f"{zone.name}本半年未对该组织督查"))
    return out


def _forum_guests(zone: Organization, tree: OrganizationTree, records: Sequence[Record]) -> list[Finding]:
    guests = secretaries(zone, tree)
    out: list[Finding] = []
    for record in records:
        if record.obligation != FORUM or not record.attendees:
            continue
        absent = tuple(m.id for m in guests if m.id not in record.attendees)
        if absent:
            quarter = f"{record.date.year}-Q{(record.date.month - 1) // 3 + 1}"
            names = "、".join(tree.member(m).name for m in absent)
            out.append(
                Finding(
                    zone.id,
                    FORUM,
                    record.period or quarter,
                    FindingStatus.ABSENT,
                    f"{record.date.isoformat()}书记论坛缺少所辖党组织书记：{names}",
                    members=absent,
                )
            )
    return out


@hookimpl
def lianxue_findings(
    organization: Organization, tree: OrganizationTree, year: int, as_of: dt.date, records: Sequence[Record]
) -> Sequence[Finding]:
    """Zone checks: each organization a zone supervises inspected at least once a half-year (once a year
    with ``inspection_cadence = "yearly"``); every supervised secretary at each forum whose record lists
    its attendees."""
    out: list[Finding] = []
    zone = direct_zone(organization, tree)
    if zone is not None:
        out += _inspected(organization, zone, year, as_of, records)
    if is_zone(organization):
        out += _forum_guests(organization, tree, records)
    return out
