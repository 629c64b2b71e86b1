"""Plan 4 (附件4): non-public enterprises and social organizations (两新组织), track ``two-new``.

Read it beside 附件4 of 德组通〔2016〕18号: one block per item of 二、主要举措, then 三、有关要求. A
two-new organization's party organization is a ``committee``, ``general-branch`` or ``branch``
(possibly with ``group`` children). It is guided and supervised by its town or by a development zone
(开发区、临杭工业区、科技新城, usually a ``working-committee``), named as its ``parent`` or
``supervisor``: that organization gets the supervising duties here, whatever its own track.
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
    OptionKind,
    OptionSpec,
    Organization,
    OrganizationTree,
    OrgKind,
    Track,
    hookimpl,
)
from lianxue_core.i18n import N_, _

from ._common import (
    BRANCH_LEVEL,
    DEFAULTS,
    JULY1_OPTIONS,
    SUPERVISION_OPTIONS,
    SUPERVISOR_LEVEL,
    YEAR_END_OPTIONS,
    july1_window,
    option,
    option_specs,
    plan_obligations,
    select,
    supervision_cadence,
    year_end,
)
from ._source import SECTION_MEASURES as M
from ._source import SECTION_REQUIREMENTS as R

TRACK = Track(
    key="two-new",
    name="两新组织",
    plan=4,
    description="非公有制企业和社会组织（两新组织）的党组织及其党员。",
    supervised_by="镇（街道）党（工）委，或开发区、临杭工业区、科技新城（落实专人负责）",
)

ITEM1 = "1．健全机制常态学"
ITEM2 = "2．创新方式敞开学"
ITEM3 = "3．立足岗位作表率"
ITEM4 = "4．培育人才助发展"
ITEM5 = "5．民主评议找短板"

#: The options of the first two review steps: from ``large_branch_members`` members they may run by 党小组.
BY_GROUP_OPTIONS = {**YEAR_END_OPTIONS, "large_branch_members": DEFAULTS["large_branch_members"], "by_group": False}

#: The kinds of organization on this track (the default of guidance and whole-organization duties).
KINDS = (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH)

_p = plan_obligations(4, TRACK.key, KINDS)

CATALOGUE: tuple[Obligation, ...] = (
    # -- 二、主要举措 1．健全机制常态学 -------------------------------------------------------------------
    _p.ob(
        "quarterly-meeting",
        M,
        ITEM1,
        "各两新组织党组织在落实“三会一课”、“三联三会”、党员固定活动日等制度的基础上，以支部为单位，"
        "每季度确定一个主题召开全体党员会议，组织开展专题讨论。",
        title="全体党员会议（季度主题专题讨论）",
        kind=ActivityKind.MEETING,
        cadence=Cadence.quarterly(),
        record_requires=("topic",),
        applies_to=BRANCH_LEVEL,
        description="在落实“三会一课”“三联三会”、党员固定活动日的基础上，以支部为单位每季度确定一个主题召开全体党员会议、"
        "开展专题讨论；与当季支部党员大会合并召开。",
        combines_with=("branch.party-congress",),
    ),
    _p.ob(
        "supervisor-guide-systems",
        M,
        ITEM1,
        "各镇（街道）、开发区、临杭工业区、科技新城要指导所辖两新组织党组织建立健全党员学习教育各项制度",
        title="指导所辖两新组织建立健全学习教育制度",
        kind=ActivityKind.DUTY,
        cadence=Cadence.once(),
        applies_to=SUPERVISOR_LEVEL,
        leads=Audience.SUPERVISOR,
        attends=Audience.SUBORDINATE_SECRETARIES,
        description="镇（街道）、开发区等指导所辖两新组织党组织建立健全党员学习教育各项制度。",
    ),
    _p.ob(
        "points-system",
        M,
        ITEM1,
        "推行“书记论坛”、党员学习积分制等做法，推动两新组织党员学习教育常态化。",
        title="推行“书记论坛”、党员学习积分制",
        kind=ActivityKind.DELIVERABLE,
        keeps_points=True,
        cadence=Cadence.once(),
        applies_to=KINDS,
        attends=Audience.ORGANIZATION,
        description="建立党员学习积分制（积分管理），推行“书记论坛”，推动学习教育常态化。",
    ),
    _p.ob(
        "july1-lecture",
        M,
        ITEM1,
        "“七一”前后，各两新组织党组织还要集中安排一次党课。",
        title="“七一”党课",
        kind=ActivityKind.LECTURE,
        cadence=july1_window(),
        applies_to=KINDS,
        description="“七一”前后（默认6月16日至7月16日，选项 july1_before / july1_after）集中安排一次党课；"
        "计入当季支部党课。",
        combines_with=("branch.party-lecture",),
        options=JULY1_OPTIONS,
    ),
    # -- 二、主要举措 2．创新方式敞开学 -------------------------------------------------------------------
    _p.guide(
        "online-offline",
        M,
        ITEM2,
        "各两新组织党组织要运用好ERP、远程教育、QQ、微信等新媒介，探索实行“网上+网下”教育管理模式，破解工作与学习的矛盾。",
        title="“网上+网下”教育管理",
        description="运用ERP、远程教育、QQ、微信等新媒介，实行“网上+网下”教育管理，破解工学矛盾。",
    ),
    _p.guide(
        "supervisor-promote-4x",
        M,
        ITEM2,
        "各镇（街道）、开发区、临杭工业区、科技新城要全面推广“4+X”创意组织生活，引导两新组织党组织与时俱进创新教育管理方式，"
        "通过开展“每日小故事”、“每日小测试”、“党章一句话”等方式，提升组织生活对党员的吸引力和感染力。",
        title="推广“4+X”创意组织生活",
        description="镇（街道）、开发区等推广“4+X”创意组织生活，引导两新组织创新教育管理方式。",
        applies_to=SUPERVISOR_LEVEL,
        leads=Audience.SUPERVISOR,
        attends=Audience.SUBORDINATE_SECRETARIES,
    ),
    # -- 二、主要举措 3．立足岗位作表率 -------------------------------------------------------------------
    _p.guide(
        "five-shows",
        M,
        ITEM3,
        "要全面开展党员“亮身份、亮承诺、亮职责、亮技能、亮绩效”五亮活动。",
        title="党员“五亮”活动",
        description="开展亮身份、亮承诺、亮职责、亮技能、亮绩效“五亮”活动。",
    ),
    _p.guide(
        "party-badge",
        M,
        ITEM3,
        "每位党员佩戴党徽上岗",
        title="党员佩戴党徽上岗",
        description="每位党员佩戴党徽上岗。",
    ),
    _p.ob(
        "member-display",
        M,
        ITEM3,
        "在宣传栏、党建阵地、车间班组集中展示党员身份信息、领办项目和“一句话承诺”",
        title="集中展示党员身份信息、领办项目和承诺",
        kind=ActivityKind.DELIVERABLE,
        cadence=Cadence.once(),
        applies_to=KINDS,
        attends=Audience.ORGANIZATION,
        description="在宣传栏、党建阵地、车间班组集中展示每名党员的身份信息、领办项目和“一句话承诺”。",
    ),
    _p.guide(
        "model-posts",
        M,
        ITEM3,
        "深化党员“创新示范岗”、“党员责任区”创建，提升党员责任感和荣誉感。",
        title="“创新示范岗”“党员责任区”创建",
        description="深化党员“创新示范岗”“党员责任区”创建。",
    ),
    _p.guide(
        "competitions",
        M,
        ITEM3,
        "要深入开展岗位劳动竞赛、结对帮带竞赛、“金点子”竞赛、节能降耗竞赛和业务技能大比拼等活动，推动党员职工立足岗位攻坚克难，"
        "充分发挥模范带头作用。",
        title="岗位劳动竞赛等竞赛活动",
        description="开展岗位劳动竞赛、结对帮带竞赛、“金点子”竞赛、节能降耗竞赛和业务技能大比拼。",
    ),
    # -- 二、主要举措 4．培育人才助发展 -------------------------------------------------------------------
    _p.guide(
        "talent-project",
        M,
        ITEM4,
        "深入推进“党员人才工程”三年行动计划，积极开展红领学院建设，有条件的两新组织要建立党员专家工作室。",
        title="“党员人才工程”、红领学院、党员专家工作室",
        description="推进“党员人才工程”三年行动计划、红领学院建设；有条件的建立党员专家工作室。",
    ),
    _p.ob(
        "talent-plans",
        M,
        ITEM4,
        "推进党员人才“三培养”工作，制定党员骨干、红领工匠、青年人才培养计划，实施党员人才成长成才全程记实。",
        title="制定党员骨干、红领工匠、青年人才培养计划",
        kind=ActivityKind.DELIVERABLE,
        cadence=Cadence.once(),
        applies_to=KINDS,
        attends=Audience.ORGANIZATION,
        description="制定党员骨干、红领工匠、青年人才培养计划，对党员人才成长成才全程记实。",
    ),
    _p.guide(
        "talent-channels",
        M,
        ITEM4,
        "通过导师帮带、技能竞赛、党组织参与经营管理人选推荐等途径，不断提高党员素质、优化党员结构、推动党员创新，"
        "发挥两新组织党组织和党员在助推创新驱动、转型升级中的示范引领作用。",
        title="导师帮带、技能竞赛等培育党员人才",
        description="通过导师帮带、技能竞赛、参与经营管理人选推荐等途径提高党员素质。",
    ),
    # -- 二、主要举措 5．民主评议找短板 -------------------------------------------------------------------
    _p.ob(
        "solicit-opinions",
        M,
        ITEM5,
        "要面向党员和广大职工广泛征求意见",
        title="面向党员和职工广泛征求意见",
        kind=ActivityKind.DUTY,
        cadence=year_end(),
        applies_to=BRANCH_LEVEL,
        leads=Audience.COMMITTEE,
        attends=Audience.ALL_MEMBERS,
        description="专题组织生活会前，面向党员和广大职工广泛征求意见。",
        options=YEAR_END_OPTIONS,
    ),
    _p.ob(
        "life-meeting",
        M,
        ITEM5,
        "年底前，以各党支部为单位召开专题组织生活会，查摆存在的问题。",
        title="专题组织生活会",
        kind=ActivityKind.MEETING,
        cadence=year_end(),
        applies_to=BRANCH_LEVEL,
        description="年底前以党支部为单位召开一次专题组织生活会：查摆问题，严肃认真开展批评和自我批评，并按个人自评、"
        "党员互评、民主测评的程序评议党员；会后支部作出组织评定、提出整改措施。即当年的组织生活会和民主评议党员。",
        after=("two-new.solicit-opinions", "two-new.member-talks"),
        combines_with=("branch.life-meeting", "branch.member-review"),
        options=YEAR_END_OPTIONS,
    ),
    _p.ob(
        "rectification",
        M,
        ITEM5,
        "严肃认真开展批评和自我批评，针对突出问题和薄弱环节提出整改措施。",
        title="针对突出问题提出整改措施",
        kind=ActivityKind.DELIVERABLE,
        cadence=year_end(),
        applies_to=BRANCH_LEVEL,
        leads=Audience.COMMITTEE,
        attends=Audience.ORGANIZATION,
        description="专题组织生活会后，针对突出问题和薄弱环节提出整改措施。",
        after=("two-new.life-meeting",),
        options=YEAR_END_OPTIONS,
    ),
    # Review: 个人自评 → 党员互评 → 民主测评 → 组织评定, the first two by 党小组 in a large branch.
    _p.ob(
        "review-self",
        M,
        ITEM5,
        "要对照党员标准，按照个人自评、党员互评、民主测评、组织评定的程序，对党员进行评议。",
        title="民主评议：个人自评",
        kind=ActivityKind.REVIEW,
        cadence=year_end(),
        applies_to=BRANCH_LEVEL,
        description="第一步：每名党员对照党员标准个人自评（党员人数较多的党支部可分党小组进行）。",
        part_of="two-new.life-meeting",
        options=BY_GROUP_OPTIONS,
    ),
    _p.ob(
        "review-peer",
        M,
        ITEM5,
        "要对照党员标准，按照个人自评、党员互评、民主测评、组织评定的程序，对党员进行评议。",
        title="民主评议：党员互评",
        kind=ActivityKind.REVIEW,
        cadence=year_end(),
        applies_to=BRANCH_LEVEL,
        description="第二步：党员互评（党员人数较多的党支部可分党小组进行）。",
        part_of="two-new.life-meeting",
        options=BY_GROUP_OPTIONS,
    ),
    _p.ob(
        "review-poll",
        M,
        ITEM5,
        "要对照党员标准，按照个人自评、党员互评、民主测评、组织评定的程序，对党员进行评议。",
        title="民主评议：民主测评",
        kind=ActivityKind.REVIEW,
        cadence=year_end(),
        applies_to=BRANCH_LEVEL,
        description="第三步：在专题组织生活会上全体党员民主测评。",
        part_of="two-new.life-meeting",
        options=YEAR_END_OPTIONS,
    ),
    _p.ob(
        "review-decision",
        M,
        ITEM5,
        "要对照党员标准，按照个人自评、党员互评、民主测评、组织评定的程序，对党员进行评议。",
        title="民主评议：组织评定",
        kind=ActivityKind.REVIEW,
        cadence=year_end(),
        applies_to=BRANCH_LEVEL,
        leads=Audience.COMMITTEE,
        attends=Audience.ORGANIZATION,
        description="第四步：党支部综合评议情况和日常表现作出组织评定。",
        after=("two-new.life-meeting", "two-new.member-talks"),
        options=YEAR_END_OPTIONS,
    ),
    _p.guide(
        "review-by-group",
        M,
        ITEM5,
        "党员人数较多的党支部，个人自评和党员互评可分党小组进行。",
        title="党员较多的党支部分党小组自评互评",
        description="党员人数达到 large_branch_members（默认30人）的党支部，个人自评和党员互评可分党小组进行："
        "two-new.review-self 和 two-new.review-peer 的选项 by_group 为 true。",
        applies_to=BRANCH_LEVEL,
    ),
    _p.ob(
        "member-talks",
        M,
        ITEM5,
        "结合民主评议，支部班子成员要与每名党员谈心谈话。",
        title="支部班子成员与每名党员谈心谈话",
        kind=ActivityKind.TALK,
        cadence=Cadence.per_member(CadenceKind.YEARLY),
        applies_to=BRANCH_LEVEL,
        leads=Audience.COMMITTEE,
        attends=Audience.ALL_MEMBERS,
        description="结合民主评议，支部班子成员与每名党员谈心谈话，在组织评定和专题组织生活会之前完成；即当年支部工作条例要求的谈心谈话。",
        combines_with=("branch.heart-talks",),
    ),
    # -- 三、有关要求 ------------------------------------------------------------------------------------
    _p.guide(
        "main-responsibility",
        R,
        "",
        "各两新组织党组织要把开展“两学一做”学习教育作为一项重大政治任务，党组织书记要承担起主体责任，尽好责、抓到位",
        title="作为重大政治任务，书记承担主体责任",
        description="把学习教育作为重大政治任务，党组织书记承担主体责任。",
    ),
    _p.ob(
        "membership-audit",
        R,
        "",
        "认真开展党员组织关系集中排查，摸清党员具体情况，理顺党员组织关系，努力使每名党员都纳入党组织有效管理",
        title="党员组织关系集中排查",
        kind=ActivityKind.DUTY,
        cadence=Cadence.once(),
        applies_to=KINDS,
        leads=Audience.SECRETARY,
        attends=Audience.ALL_MEMBERS,
        description="开展党员组织关系集中排查，摸清党员情况，理顺组织关系，使每名党员都纳入党组织有效管理。",
    ),
    _p.guide(
        "time-and-energy",
        R,
        "",
        "确保学习教育时间到位、精力到位。",
        title="确保时间到位、精力到位",
        description="确保学习教育时间到位、精力到位。",
    ),
    _p.ob(
        "designated-person",
        R,
        "",
        "各镇（街道）、开发区、临杭工业区、科技新城要落实专人负责",
        title="落实专人负责两新组织学习教育",
        kind=ActivityKind.DUTY,
        cadence=Cadence.once(),
        applies_to=SUPERVISOR_LEVEL,
        leads=Audience.SECRETARY,
        attends=Audience.SUPERVISOR,
        description="镇（街道）、开发区、临杭工业区、科技新城指定专人负责所辖两新组织学习教育。",
    ),
    _p.ob(
        "supervision",
        R,
        "",
        "加强对所辖两新组织党组织学习教育的指导督查，确保两新组织学习教育有人抓、有人管、有成效。",
        title="指导督查所辖两新组织学习教育",
        kind=ActivityKind.DUTY,
        cadence=supervision_cadence(),
        applies_to=SUPERVISOR_LEVEL,
        leads=Audience.SUPERVISOR,
        attends=Audience.SUBORDINATE_SECRETARIES,
        description="由专人对所辖两新组织党组织学习教育进行指导督查（默认每季度一次，选项 supervision_cadence）。",
        after=("two-new.designated-person",),
        options=SUPERVISION_OPTIONS,
    ),
)

#: Duties of the supervising town or development zone, by id, and the track it must supervise.
SUPERVISION = {
    "two-new.supervisor-guide-systems": (TRACK.key,),
    "two-new.supervisor-promote-4x": (TRACK.key,),
    "two-new.designated-person": (TRACK.key,),
    "two-new.supervision": (TRACK.key,),
}

#: Duties of the two-new organization's party organization as a whole.
TOP_LEVEL = frozenset(
    {
        "two-new.points-system",
        "two-new.july1-lecture",
        "two-new.member-display",
        "two-new.talent-plans",
        "two-new.membership-audit",
    }
)

#: The review steps a large branch may run by 党小组.
BY_GROUP_STEPS = frozenset({"two-new.review-self", "two-new.review-peer"})


def _adjust(ob: Obligation, organization: Organization, tree: OrganizationTree) -> Obligation | None:
    if ob.id in BY_GROUP_STEPS:
        threshold = option(organization, "large_branch_members")
        large = tree.member_count(organization.id) >= threshold
        return attrs.evolve(ob, options={**ob.options, "large_branch_members": threshold, "by_group": large})
    return ob


@hookimpl
def lianxue_tracks() -> Sequence[Track]:
    """The ``two-new`` track."""
    return [TRACK]


@hookimpl
def lianxue_catalogue() -> Sequence[Obligation]:
    """Every obligation of plan 4, in the order of the plan."""
    return CATALOGUE


@hookimpl
def lianxue_obligations(organization: Organization, tree: OrganizationTree) -> Sequence[Obligation]:
    """Plan 4's obligations for ``organization`` with its options (a large branch reviews by 党小组);
    the supervising duties for the town or development zone that supervises two-new organizations."""
    return select(CATALOGUE, organization, tree, supervision=SUPERVISION, top_level=TOP_LEVEL, adjust=_adjust)


def _label_or_flag(value: object) -> str | None:
    if isinstance(value, bool) or (isinstance(value, str) and value.strip()):
        return None
    return _('must be true, false or a label such as "开发区", not {value!r}').format(value=value)


#: The zones plan 4 names (开发区、临杭工业区、科技新城) and their 专人 (“落实专人负责”): declared here so that a
#: county file describing its zones is valid with the built-in tracks alone; a development-zone plugin
#: (lianxue-devzone) reads them and declares them the same way.
ZONE_OPTIONS = (
    OptionSpec(
        "devzone",
        OptionKind.BOOL,
        None,
        N_("开发区 true or a label makes the organization a zone, false never (read by development-zone plugins)"),
        expected=N_('true, false or a label such as "开发区"'),
        check=_label_or_flag,
    ),
    OptionSpec(
        "zone_inspector",
        OptionKind.STR,
        None,
        N_("落实专人负责 member id of the person designated to guide and supervise a zone's two-new organizations"),
    ),
)


@hookimpl
def lianxue_options() -> Sequence[OptionSpec]:
    """The options this plan's obligations carry and those it reads itself (see ``docs/tracks.md``), and the
    zones' options (:data:`ZONE_OPTIONS`)."""
    return [*option_specs(CATALOGUE, "large_branch_members"), *ZONE_OPTIONS]
