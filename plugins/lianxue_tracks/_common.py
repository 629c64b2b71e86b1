"""What the built-in track plugins share: organization kinds, defaults, options and supervision.

The plans leave some numbers open (the width of the 七一 window, when a 年底前 obligation may start...).
Each such number has a documented default stored in :attr:`Obligation.options`; an organization
overrides it with an option of the same name (see ``docs/tracks.md``). :func:`select` is what every
plugin's ``lianxue_obligations`` calls: it picks the obligations that apply to an organization, gives
supervising organizations the duties the plans put on them, and applies the organization's options.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

import attrs

from lianxue_core import (
    ActivityKind,
    Audience,
    Cadence,
    CadenceKind,
    Obligation,
    OptionKind,
    OptionSpec,
    Organization,
    OrganizationTree,
    OrgKind,
)
from lianxue_core.i18n import N_, _

from ._source import plan_clause

__all__ = [
    "ALL_LEVELS",
    "BRANCH_LEVEL",
    "DEFAULTS",
    "JULY1_OPTIONS",
    "OPTIONS",
    "SUPERVISION_OPTIONS",
    "SUPERVISOR_LEVEL",
    "UNIT_LEVEL",
    "YEAR_END_OPTIONS",
    "apply_options",
    "is_top",
    "july1_window",
    "option",
    "option_specs",
    "plan_obligations",
    "select",
    "supervises",
    "supervision_cadence",
    "year_end",
]

# -- organization kinds ------------------------------------------------------------------------------

#: 党委、党工委: the level that leads a town, a unit with a party committee, a village committee.
SUPERVISOR_LEVEL = (OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE)
#: 单位党委（党组）: the leadership of a county organ or public institution.
UNIT_LEVEL = (OrgKind.COMMITTEE, OrgKind.PARTY_GROUP)
#: 党总支、党支部: where meetings of all members, studies and reviews are held.
BRANCH_LEVEL = (OrgKind.GENERAL_BRANCH, OrgKind.BRANCH)
#: Every kind that can own a system or a plan (everything but a 党小组).
ALL_LEVELS = (
    OrgKind.COMMITTEE,
    OrgKind.WORKING_COMMITTEE,
    OrgKind.PARTY_GROUP,
    OrgKind.GENERAL_BRANCH,
    OrgKind.BRANCH,
)

#: Kinds whose obligations are held per branch (以党支部为单位) by default.
_PER_BRANCH_KINDS = frozenset({OrgKind.GENERAL_BRANCH, OrgKind.BRANCH, OrgKind.GROUP})

# -- defaults for the numbers the plans leave open -----------------------------------------------------

#: Every option the built-in plugins read, with its default. ``docs/tracks.md`` explains each.
DEFAULTS: Mapping[str, Any] = {
    # 七一期间 / 七一前后: days before and after 1 July.
    "july1_before": 15,
    "july1_after": 15,
    # 年底前: how many days before 31 December such an obligation may start (60: from 1 November).
    "year_end_lead": 60,
    # 经常性督查 / 指导督查: how often a supervising organization checks each track it supervises.
    "supervision_cadence": "quarterly",
    # 党员人数较多的党支部: from this many members, 个人自评 and 党员互评 may run by 党小组 (plan 4).
    "large_branch_members": 30,
    # 评议等次 (plan 3, villages): the grades a branch gives after 组织评定.
    "review_grades": ("优秀", "合格", "基本合格", "不合格"),
    # 领导班子成员讲党课: one lecture in total (False) or one in each linked organization (True).
    "lecture_per_link": False,
    # 走遍联系村所有农户: how many households a leader plans to visit per week.
    "load_per_week": 30,
    # 结对联系1—2户: how many households each town cadre is paired with.
    "households_per_cadre": 2,
    # 党课 of the standing branch rules: the cadence of a branch's own 党课.
    "party_lecture_cadence": "quarterly",
    # 支部工作条例 standing rules: switch them off for an organization with ``branch_rules = false``.
    "branch_rules": True,
}

_CADENCES = (str(CadenceKind.MONTHLY), str(CadenceKind.QUARTERLY), str(CadenceKind.YEARLY))
_CADENCE_OPTIONS = ("supervision_cadence", "party_lecture_cadence")


def _fixed_day(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 31:
        return None
    if isinstance(value, str) and value.strip():
        return None
    return _("must be a day of the month from 1 to 31 or a day such as '每月15日', not {value!r}").format(value=value)


def _spec(name: str, kind: OptionKind, meaning: str, **fields: Any) -> OptionSpec:
    return OptionSpec(name, kind, DEFAULTS.get(name), meaning, **fields)


_DAYS: Mapping[str, Any] = {"low": 0, "high": 366, "unit": "days"}

#: The options of the built-in tracks, by name: the one place their types are declared and checked.
#: Each plugin declares those its obligations carry, and those it reads itself (:func:`option_specs`).
OPTIONS: Mapping[str, OptionSpec] = {
    spec.name: spec
    for spec in (
        _spec("july1_before", OptionKind.INT, N_("七一期间 days before 1 July the window opens"), **_DAYS),
        _spec("july1_after", OptionKind.INT, N_("七一前后 days after 1 July the window closes"), **_DAYS),
        _spec(
            "year_end_lead",
            OptionKind.INT,
            N_("年底前 how many days before 31 December such an obligation may start"),
            **_DAYS,
        ),
        _spec(
            "supervision_cadence",
            OptionKind.CHOICE,
            N_("经常性督查 / 指导督查 how often a supervising organization checks"),
            choices=_CADENCES,
        ),
        _spec(
            "large_branch_members",
            OptionKind.INT,
            N_("党员人数较多 from this many members a two-new branch's 个人自评 and 党员互评 run by 党小组"),
            low=1,
        ),
        _spec(
            "review_grades",
            OptionKind.STR_LIST,
            N_("评议等次 the grades a village branch gives after 组织评定"),
            min_items=2,
            expected=N_("a list of at least two grade names"),
        ),
        _spec(
            "lecture_per_link",
            OptionKind.BOOL,
            N_("领导班子成员讲党课 one lecture in total (false) or one in each linked organization (true)"),
        ),
        _spec(
            "households_per_cadre", OptionKind.INT, N_("结对联系1—2户 households each town cadre is paired with"), low=1
        ),
        _spec(
            "party_lecture_cadence", OptionKind.CHOICE, N_("党课 the cadence of a branch's own 党课"), choices=_CADENCES
        ),
        _spec("branch_rules", OptionKind.BOOL, N_("支部工作条例 false switches the standing branch rules off")),
        _spec(
            "branch_committee",
            OptionKind.BOOL,
            N_("支部委员会 whether the branch has one (default: by member count, none under 7 known members)"),
        ),
        _spec(
            "fixed_day",
            OptionKind.STR,
            N_("主题党日 the branch's fixed day, copied into branch.theme-day's options for the scheduler"),
            expected=N_("a day of the month from 1 to 31 or a day such as '每月15日'"),
            check=_fixed_day,
        ),
    )
}


def option_specs(catalogue: Iterable[Obligation], *names: str) -> list[OptionSpec]:
    """The specs of the options the obligations of ``catalogue`` carry, and of ``names`` (options the
    plugin reads itself), in :data:`OPTIONS` order: what a plugin's ``lianxue_options`` returns."""
    catalogue = tuple(catalogue)
    used = {k for ob in catalogue for k in ob.options} | set(names)
    if any(ob.kind is ActivityKind.LECTURE and ob.attend_links for ob in catalogue):
        used.add("lecture_per_link")  # read into Obligation.lecture_per_link by apply_options
    return [spec for name, spec in OPTIONS.items() if name in used]


def july1_window() -> Cadence:
    """The default 七一期间 / 七一前后 window: 15 days either side of 1 July."""
    return Cadence.window((7, 1), before=DEFAULTS["july1_before"], after=DEFAULTS["july1_after"])


def year_end() -> Cadence:
    """The default 年底前 deadline: by 31 December, starting 60 days before (1 November)."""
    return Cadence.deadline((12, 31), lead=DEFAULTS["year_end_lead"])


#: The options an obligation with each kind of open number carries.
JULY1_OPTIONS: Mapping[str, Any] = {"july1_before": DEFAULTS["july1_before"], "july1_after": DEFAULTS["july1_after"]}
YEAR_END_OPTIONS: Mapping[str, Any] = {"year_end_lead": DEFAULTS["year_end_lead"]}
SUPERVISION_OPTIONS: Mapping[str, Any] = {"supervision_cadence": DEFAULTS["supervision_cadence"]}


def supervision_cadence() -> Cadence:
    """The default cadence of 经常性督查 and 指导督查: quarterly."""
    return Cadence(CadenceKind(DEFAULTS["supervision_cadence"]))


class PlanObligations:
    """Build the obligations of one track from one plan, so a catalogue reads like the plan.

    ``ob(slug, section, item, quote, title=..., kind=..., cadence=..., ...)`` makes a schedulable
    obligation ``<track>.<slug>`` citing ``quote`` from ``item`` of ``section`` of the plan;
    ``guide(slug, section, item, quote, title=..., description=...)`` makes a guidance obligation (no
    cadence) for a requirement that cannot be dated.
    """

    def __init__(self, plan: int, track: str, kinds: Iterable[OrgKind] = ALL_LEVELS) -> None:
        self.plan = plan
        self.track = track
        self.kinds = tuple(kinds)

    def ob(
        self,
        slug: str,
        section: str,
        item: str,
        quote: str,
        *,
        title: str,
        kind: ActivityKind,
        cadence: Cadence,
        **fields: Any,
    ) -> Obligation:
        """A schedulable obligation (or a dated deliverable) citing ``quote``.

        An obligation of 党总支、党支部 (and 党小组) only is held by each branch (``per_branch``) unless
        ``per_branch=False`` is given: a 党总支 with branches below it does not repeat it.
        """
        applies_to = fields.get("applies_to")
        if "per_branch" not in fields and applies_to is not None and set(applies_to) <= _PER_BRANCH_KINDS:
            fields["per_branch"] = True
        return Obligation(
            id=f"{self.track}.{slug}",
            track=self.track,
            title=title,
            kind=kind,
            cadence=cadence,
            source=plan_clause(self.plan, section, item, quote),
            **fields,
        )

    def guide(
        self,
        slug: str,
        section: str,
        item: str,
        quote: str,
        *,
        title: str,
        description: str,
        applies_to: Iterable[OrgKind] | None = None,
        leads: Audience = Audience.SECRETARY,
        attends: Audience = Audience.ALL_MEMBERS,
    ) -> Obligation:
        """A guidance obligation: a requirement with no date (attitudes, styles of work, competitions).

        By default it applies to every kind of organization the track has (``kinds``).
        """
        return self.ob(
            slug,
            section,
            item,
            quote,
            title=title,
            kind=ActivityKind.GUIDANCE,
            cadence=Cadence.none(),
            description=description,
            applies_to=self.kinds if applies_to is None else tuple(applies_to),
            leads=leads,
            attends=attends,
        )


def plan_obligations(plan: int, track: str, kinds: Iterable[OrgKind] = ALL_LEVELS) -> PlanObligations:
    """A :class:`PlanObligations` builder for ``track`` citing plan ``plan``; ``kinds`` are the kinds of
    organization the track has (the default of guidance and of duties of the organization as a whole)."""
    return PlanObligations(plan, track, kinds)


def _checked(org: Organization, key: str, value: object) -> object:
    """``value`` of option ``key`` after checking it against its spec; raises ValueError with a message to
    act on (``lianxue validate`` reports the same problem before any plan is made)."""
    message = OPTIONS[key].problem(value)
    if message is not None:
        raise ValueError(f"organization {org.id!r}: option {key!r} {message}")
    if key == "review_grades":
        return tuple(value)  # type: ignore[arg-type]
    return value


def option(org: Organization, key: str) -> Any:
    """The organization's value for option ``key`` (checked), or the default from :data:`DEFAULTS`."""
    if key in org.options:
        return _checked(org, key, org.options[key])
    return DEFAULTS.get(key)


def _apply_fields(ob: Obligation, org: Organization) -> Obligation:
    """``ob`` with the organization's ``lecture_per_link`` in the obligation field the planner reads
    (领导班子成员到联系单位讲党课)."""
    if ob.kind is ActivityKind.LECTURE and ob.attend_links and "lecture_per_link" in org.options:
        ob = attrs.evolve(ob, lecture_per_link=bool(_checked(org, "lecture_per_link", org.options["lecture_per_link"])))
    return ob


def apply_options(ob: Obligation, org: Organization) -> Obligation:
    """``ob`` with the organization's own values for the options it carries (windows, leads, cadences...)."""
    ob = _apply_fields(ob, org)
    overrides = {k: _checked(org, k, org.options[k]) for k in ob.options if k in org.options and k in OPTIONS}
    if not overrides:
        return ob
    opts = {**ob.options, **overrides}
    cadence = ob.cadence
    if cadence.kind is CadenceKind.WINDOW:
        cadence = attrs.evolve(
            cadence,
            before=opts.get("july1_before", cadence.before),
            after=opts.get("july1_after", cadence.after),
        )
    elif cadence.kind is CadenceKind.DEADLINE and "year_end_lead" in opts:
        cadence = attrs.evolve(cadence, lead=opts["year_end_lead"])
    for key in _CADENCE_OPTIONS:
        if key in overrides:
            cadence = Cadence(CadenceKind(opts[key]))
    return attrs.evolve(ob, options=opts, cadence=cadence)


def supervises(org: Organization, tree: OrganizationTree, tracks: Iterable[str]) -> bool:
    """Whether ``org`` directly supervises an organization on one of ``tracks`` (its ``supervisor``,
    else its parent, is ``org``)."""
    keys = set(tracks)
    return any(other.track in keys for other in tree.supervised_by(org.id))


def is_top(org: Organization, tree: OrganizationTree) -> bool:
    """Whether ``org`` is the top organization of its track: its parent is not on the same track."""
    parent = tree.get(org.parent) if org.parent is not None else None
    return parent is None or parent.track != org.track


def select(
    catalogue: Iterable[Obligation],
    organization: Organization,
    tree: OrganizationTree,
    *,
    supervision: Mapping[str, Sequence[str]] | None = None,
    top_level: Collection[str] = (),
    adjust: Callable[[Obligation, Organization, OrganizationTree], Obligation | None] | None = None,
) -> list[Obligation]:
    """The obligations of ``catalogue`` that ``organization`` has, with its options applied.

    Args:
        catalogue: A plugin's obligations.
        organization: The organization being planned.
        tree: The organization tree (for supervision, members, links).
        supervision: For each id of a supervising duty, the tracks it supervises: the duty applies to
            an organization of a listed kind, not itself on those tracks, that supervises an
            organization on one of them (机关党工委 over organs, a town over its villages).
        top_level: Ids of duties of the organization as a whole (村党组织、两新组织党组织): they apply
            only to the top organization of the track, not to branches under a committee of the same
            track.
        adjust: A last per-obligation step: return a changed obligation, or ``None`` to drop it.
    """
    supervision = supervision or {}
    out: list[Obligation] = []
    for ob in catalogue:
        if ob.id in supervision:
            tracks = supervision[ob.id]
            applies = (
                organization.kind in ob.applies_to
                and organization.track not in tracks
                and supervises(organization, tree, tracks)
            )
        else:
            applies = ob.applies(organization)
            if applies and ob.id in top_level:
                applies = is_top(organization, tree)
        if not applies:
            continue
        result: Obligation | None = apply_options(ob, organization)
        if adjust is not None and result is not None:
            result = adjust(result, organization, tree)
        if result is not None:
            out.append(result)
    return out
