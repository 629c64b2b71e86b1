"""The standing branch rules of 《中国共产党支部工作条例（试行）》 (2018), for every track.

The four plans of 德组通〔2016〕18号 invoke 三会一课 and the 党员固定活动日 without saying how often;
this plugin supplies the frequencies of the 2018 条例. Its obligations have track ``"*"``: they apply
to every 党支部 (and 党总支, and for 党小组会 every 党小组) whatever its track. Plan obligations that
fall in the same period name these ids in ``combines_with`` (one meeting serves both).

Switch it off for every organization with ``lianxue --block branch-rules`` (or
``LIANXUE_BLOCK_PLUGINS=branch-rules``), or for one organization with the option
``branch_rules = false``. Options read here (defaults in ``docs/tracks.md``):

``party_lecture_cadence``
    ``"monthly"``, ``"quarterly"`` (default) or ``"yearly"``: the cadence of the branch's own 党课,
    which the 条例 leaves to 按期.
``branch_committee``
    ``true``/``false``: whether the branch has a 支部委员会. By default a branch with a known member
    count under 7 has none (条例: 有正式党员7人以上的党支部，应当设立党支部委员会) and gets no
    支部委员会会议.
``fixed_day``
    The branch's fixed 主题党日 (e.g. ``15`` or ``"每月第一个星期五"``), copied into the 主题党日
    obligation's options for the scheduler.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from lianxue_core import (
    ActivityKind,
    Audience,
    Cadence,
    CadenceKind,
    Obligation,
    OptionSpec,
    Organization,
    OrganizationTree,
    OrgKind,
    hookimpl,
)

from ._common import BRANCH_LEVEL, DEFAULTS, UNIT_LEVEL, option, option_specs, select
from ._source import CHAPTER_MECHANISMS, CHAPTER_ORGANIZATION_LIFE, branch_rules_clause

#: The track key of rules that apply to every track.
EVERY_TRACK = "*"

#: 条例: 有正式党员7人以上的党支部，应当设立党支部委员会.
COMMITTEE_FROM_MEMBERS = 7

CATALOGUE: tuple[Obligation, ...] = (
    # -- 第四章 工作机制 ----------------------------------------------------------------------------------
    # 第十一条 党员大会
    Obligation(
        id="branch.party-congress",
        track=EVERY_TRACK,
        title="支部党员大会",
        kind=ActivityKind.MEETING,
        cadence=Cadence.quarterly(),
        applies_to=BRANCH_LEVEL,
        leads=Audience.SECRETARY,
        attends=Audience.ALL_MEMBERS,
        description="党支部书记召集并主持，全体党员参加；半数以上有表决权的党员到会方可表决。",
        per_branch=True,
        source=branch_rules_clause(
            CHAPTER_MECHANISMS,
            "第十一条",
            "党支部党员大会是党支部的议事决策机构，由全体党员参加，一般每季度召开1次。",
        ),
    ),
    # 第十二条 支部委员会
    Obligation(
        id="branch.committee-meeting",
        track=EVERY_TRACK,
        title="支部委员会会议",
        kind=ActivityKind.MEETING,
        cadence=Cadence.monthly(),
        applies_to=BRANCH_LEVEL,
        leads=Audience.SECRETARY,
        attends=Audience.COMMITTEE,
        description="讨论党支部重要工作、作出决定；须有半数以上委员到会。未设支部委员会的党支部（正式党员不足7人）不召开。",
        source=branch_rules_clause(
            CHAPTER_MECHANISMS,
            "第十二条",
            "党支部委员会会议一般每月召开1次，根据需要可以随时召开，对党支部重要工作进行讨论、作出决定等。",
        ),
    ),
    # 第十三条 党小组会
    Obligation(
        id="branch.group-meeting",
        track=EVERY_TRACK,
        title="党小组会",
        kind=ActivityKind.MEETING,
        cadence=Cadence.monthly(),
        applies_to=[OrgKind.GROUP],
        leads=Audience.SECRETARY,
        attends=Audience.ALL_MEMBERS,
        description="党小组组长召集并主持，组织党员参加政治学习、谈心谈话、开展批评和自我批评。",
        source=branch_rules_clause(
            CHAPTER_MECHANISMS,
            "第十三条",
            "党小组会一般每月召开1次，组织党员参加政治学习、谈心谈话、开展批评和自我批评等。",
        ),
    ),
    # -- 第五章 组织生活 ----------------------------------------------------------------------------------
    # 第十五条 三会一课：党课
    Obligation(
        id="branch.party-lecture",
        track=EVERY_TRACK,
        title="支部党课",
        kind=ActivityKind.LECTURE,
        cadence=Cadence.quarterly(),
        applies_to=BRANCH_LEVEL,
        leads=Audience.SECRETARY,
        attends=Audience.ALL_MEMBERS,
        per_branch=True,
        description="组织党员按期上党课，突出政治学习和教育、突出党性锻炼。"
        "条例未规定次数，默认每季度1次（选项 party_lecture_cadence）。",
        source=branch_rules_clause(
            CHAPTER_ORGANIZATION_LIFE,
            "第十五条",
            "党支部应当组织党员按期参加党员大会、党小组会和上党课，定期召开党支部委员会会议。",
        ),
        options={"party_lecture_cadence": DEFAULTS["party_lecture_cadence"]},
    ),
    # 第十五条 党委（党组）书记讲党课
    Obligation(
        id="branch.secretary-lecture",
        track=EVERY_TRACK,
        title="党委（党组）书记讲党课",
        kind=ActivityKind.LECTURE,
        cadence=Cadence.yearly(),
        applies_to=[*UNIT_LEVEL, OrgKind.WORKING_COMMITTEE],
        leads=Audience.SECRETARY,
        attends=Audience.ALL_MEMBERS,
        description="党委（党组）书记每年至少为基层党员讲1次党课。",
        source=branch_rules_clause(
            CHAPTER_ORGANIZATION_LIFE,
            "第十五条",
            "党员领导干部应当定期为基层党员讲党课，党委（党组）书记每年至少讲1次党课。",
        ),
    ),
    # 第十六条 主题党日
    Obligation(
        id="branch.theme-day",
        track=EVERY_TRACK,
        title="主题党日",
        kind=ActivityKind.MEETING,
        cadence=Cadence.monthly(),
        applies_to=BRANCH_LEVEL,
        leads=Audience.SECRETARY,
        attends=Audience.ALL_MEMBERS,
        description="在党支部每月相对固定的一天（选项 activity_day），"
        "组织党员集中学习、过组织生活、进行民主议事和志愿服务。",
        fixed_day=True,
        per_branch=True,
        source=branch_rules_clause(
            CHAPTER_ORGANIZATION_LIFE,
            "第十六条",
            "党支部每月相对固定1天开展主题党日，组织党员集中学习、过组织生活、进行民主议事和志愿服务等。",
        ),
        options={"fixed_day": None},
    ),
    # 第十七条 组织生活会
    Obligation(
        id="branch.life-meeting",
        track=EVERY_TRACK,
        title="组织生活会",
        kind=ActivityKind.MEETING,
        cadence=Cadence.deadline((12, 31), lead=91),
        applies_to=BRANCH_LEVEL,
        leads=Audience.SECRETARY,
        attends=Audience.ALL_MEMBERS,
        description="每年至少1次，一般在第四季度（10月1日至12月31日）；会前学习、谈心谈话、听取意见，会上查摆问题、开展批评和自我批评，会后整改落实。",
        after=("branch.heart-talks",),
        per_branch=True,
        source=branch_rules_clause(
            CHAPTER_ORGANIZATION_LIFE,
            "第十七条",
            "党支部每年至少召开1次组织生活会，一般安排在第四季度，也可以根据工作需要随时召开。",
        ),
    ),
    # 第十八条 民主评议党员
    Obligation(
        id="branch.member-review",
        track=EVERY_TRACK,
        title="民主评议党员",
        kind=ActivityKind.REVIEW,
        cadence=Cadence.yearly(),
        applies_to=BRANCH_LEVEL,
        leads=Audience.SECRETARY,
        attends=Audience.ALL_MEMBERS,
        description="对照合格党员标准、入党誓词进行党性分析；个人自评、党员互评、民主测评后提出评定意见；可结合组织生活会一并进行。",
        combines_with=("branch.life-meeting",),
        per_branch=True,
        source=branch_rules_clause(
            CHAPTER_ORGANIZATION_LIFE,
            "第十八条",
            "党支部一般每年开展1次民主评议党员，组织党员对照合格党员标准、对照入党誓词，联系个人实际进行党性分析。",
        ),
    ),
    # 第十九条 谈心谈话
    Obligation(
        id="branch.heart-talks",
        track=EVERY_TRACK,
        title="谈心谈话",
        kind=ActivityKind.TALK,
        cadence=Cadence.per_member(CadenceKind.YEARLY),
        applies_to=BRANCH_LEVEL,
        leads=Audience.COMMITTEE,
        attends=Audience.ALL_MEMBERS,
        description="支部委员之间、支部委员和党员之间、党员和党员之间，每年谈心谈话一般不少于1次：每名党员每年至少1次。",
        per_branch=True,
        source=branch_rules_clause(
            CHAPTER_ORGANIZATION_LIFE,
            "第十九条",
            "党支部委员之间、党支部委员和党员之间、党员和党员之间，每年谈心谈话一般不少于1次。",
        ),
    ),
)


def _adjust(ob: Obligation, organization: Organization, tree: OrganizationTree) -> Obligation | None:
    if ob.id == "branch.committee-meeting":
        has_committee = option(organization, "branch_committee")
        if has_committee is None:
            has_committee = organization.members is None or tree.member_count(organization.id) >= COMMITTEE_FROM_MEMBERS
        return ob if has_committee else None
    if ob.id == "branch.theme-day" and organization.option("fixed_day") is not None:
        return attrs.evolve(ob, options={**ob.options, "fixed_day": option(organization, "fixed_day")})
    return ob


@hookimpl
def lianxue_catalogue() -> Sequence[Obligation]:
    """The standing branch rules, in the order of the 条例."""
    return CATALOGUE


@hookimpl
def lianxue_obligations(organization: Organization, tree: OrganizationTree) -> Sequence[Obligation]:
    """The standing rules for ``organization``, or none when its option ``branch_rules`` is false."""
    if not option(organization, "branch_rules"):
        return []
    return select(CATALOGUE, organization, tree, adjust=_adjust)


@hookimpl
def lianxue_options() -> Sequence[OptionSpec]:
    """The options the standing rules carry and read (see ``docs/tracks.md``)."""
    return option_specs(CATALOGUE, "branch_rules", "branch_committee", "fixed_day")
