"""Plan 2 (附件2): town and subdistrict organs (镇（街道）机关), track ``town``.

Read it beside 附件2 of 德组通〔2016〕18号: one block per item of 二、主要举措, then 三、有关要求. The
镇（街道）党（工）委 is kind ``committee`` or ``working-committee``; its 机关党支部 ``branch`` (or
``general-branch``). Its 班子成员 are members with the ``leader`` role (or committee roles), its
镇（街道）干部 members with the ``cadre`` role; their ``links`` name the villages, communities and
two-new organizations they are linked to.
"""

from __future__ import annotations

from collections.abc import Sequence

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
    Track,
    hookimpl,
)

from ._common import (
    BRANCH_LEVEL,
    DEFAULTS,
    SUPERVISION_OPTIONS,
    SUPERVISOR_LEVEL,
    YEAR_END_OPTIONS,
    option_specs,
    plan_obligations,
    select,
    supervision_cadence,
    year_end,
)
from ._source import SECTION_MEASURES as M
from ._source import SECTION_REQUIREMENTS as R

TRACK = Track(
    key="town",
    name="镇（街道）机关",
    plan=2,
    description="镇（街道）党（工）委、镇（街道）机关党支部及其班子成员、干部。",
    supervised_by="县委",
)

ITEM1 = "1．全面深入抓学习"
ITEM2 = "2．攻坚克难敢担当"
ITEM3 = "3．密切联系优服务"
ITEM4 = "4．全面体检查短板"
ITEM5 = "5．健全机制聚合力"

#: The kinds of organization on this track (the default of guidance and whole-organization duties).
KINDS = (OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH)

_p = plan_obligations(2, TRACK.key, KINDS)

CATALOGUE: tuple[Obligation, ...] = (
    # -- 二、主要举措 1．全面深入抓学习 -------------------------------------------------------------------
    _p.ob(
        "weekly-study",
        M,
        ITEM1,
        "镇（街道）党（工）委每周组织1次集中学习。",
        title="镇（街道）党（工）委集中学习",
        kind=ActivityKind.STUDY,
        cadence=Cadence.weekly(),
        applies_to=SUPERVISOR_LEVEL,
        leads=Audience.SECRETARY,
        attends=Audience.ALL_MEMBERS,
        description="镇（街道）党（工）委每周组织1次集中学习。",
    ),
    _p.ob(
        "monthly-seminar",
        M,
        ITEM1,
        "各党支部每月确定一个主题，开展1次集中研讨，党支部书记对每次研讨情况进行点评。",
        title="党支部主题集中研讨",
        kind=ActivityKind.STUDY,
        cadence=Cadence.monthly(),
        applies_to=BRANCH_LEVEL,
        record_requires=("topic", "comment"),
        description="每月确定一个主题（选项 themes）开展1次集中研讨，党支部书记对每次研讨进行点评；"
        "在党员固定活动日（选项 activity_day）与当月主题党日一并进行。",
        combines_with=("branch.theme-day",),
        fixed_day=True,
    ),
    _p.ob(
        "secretary-lecture",
        M,
        ITEM1,
        "镇（街道）党（工）委书记要为全体机关党员和所辖各领域党组织书记上一堂党课",
        title="党（工）委书记为机关党员和所辖党组织书记上党课",
        kind=ActivityKind.LECTURE,
        cadence=Cadence.yearly(),
        applies_to=SUPERVISOR_LEVEL,
        leads=Audience.SECRETARY,
        attends=Audience.UNIT_MEMBERS,
        also_attends=(Audience.SUBORDINATE_SECRETARIES,),
        description="党（工）委书记为全体机关党员（党委成员和机关各党支部党员）和所辖各领域党组织书记上一堂党课。",
        combines_with=("branch.secretary-lecture",),
    ),
    _p.ob(
        "leader-lecture-links",
        M,
        ITEM1,
        "领导班子成员结合“三会一课”、党员固定活动日等为联系村（社区）、两新组织党员讲一堂党课",
        title="班子成员为联系村（社区）、两新组织党员讲党课",
        kind=ActivityKind.LECTURE,
        cadence=Cadence.yearly(),
        applies_to=SUPERVISOR_LEVEL,
        leads=Audience.LEADERS,
        attends=Audience.LINKED_MEMBERS,
        attend_links=True,
        description="每名领导班子成员结合联系村（社区）、两新组织的党员固定活动日（主题党日、集中学习），在其会上为该组织党员"
        "讲一堂党课，计入该组织当季党课；默认每人每年一堂，在第一个有空的联系组织"
        "（选项 lecture_per_link=true：每个联系组织各一堂）。",
        combines_with=("branch.party-lecture",),
        lecture_per_link=DEFAULTS["lecture_per_link"],
    ),
    _p.guide(
        "role-models",
        M,
        ITEM1,
        "要通过先进事迹展播、典型经验介绍等形式，选树一批优秀镇（街道）党员干部，用身边的人和事增强学习教育的感染力和针对性。",
        title="选树优秀镇（街道）党员干部",
        description="通过先进事迹展播、典型经验介绍，选树优秀党员干部，用身边的人和事增强学习教育感染力。",
    ),
    # -- 二、主要举措 2．攻坚克难敢担当 -------------------------------------------------------------------
    _p.ob(
        "performance-records",
        M,
        ITEM2,
        "全面推行领导干部实绩记实和公示公议制度",
        title="推行领导干部实绩记实和公示公议制度",
        kind=ActivityKind.DUTY,
        cadence=Cadence.once(),
        applies_to=SUPERVISOR_LEVEL,
        leads=Audience.SECRETARY,
        attends=Audience.LEADERS,
        description="建立并推行领导干部实绩记实和公示公议制度。",
    ),
    _p.guide(
        "lead-at-front-line",
        M,
        ITEM2,
        "党员领导干部要带头深入基层一线，带领基层党员、群众主动参与中心工作，引导党员面对急难险重任务冲锋在前勇担当。",
        title="党员领导干部带头深入基层一线",
        description="党员领导干部带头深入基层一线，带领党员群众参与中心工作，面对急难险重任务冲锋在前。",
        leads=Audience.LEADERS,
        attends=Audience.LEADERS,
    ),
    _p.guide(
        "model-posts",
        M,
        ITEM2,
        "要通过设立党员护水治水示范岗、党员保洁责任区等载体，组织党员开展形式多样争创活动，营造比学赶超的良好氛围。",
        title="设岗定责，开展争创活动",
        description="设立党员护水治水示范岗、党员保洁责任区等载体，开展争创活动，营造比学赶超氛围。",
    ),
    _p.guide(
        "mentoring",
        M,
        ITEM2,
        "深化“导师帮带制”，推行“退二线”领导干部联系重点项目做法，充分发挥“导师”的“传、帮、带”作用，帮助年轻干部提升工作能力。",
        title="导师帮带年轻干部",
        description="深化“导师帮带制”，“退二线”领导干部联系重点项目，传帮带年轻干部。",
    ),
    # -- 二、主要举措 3．密切联系优服务 -------------------------------------------------------------------
    _p.guide(
        "night-duty",
        M,
        ITEM3,
        "全面落实住夜值班要求，常态化开展“走村不漏户、户户见干部”活动，发放便民联系卡，加强与群众的联系沟通",
        title="住夜值班，走村不漏户、户户见干部",
        description="落实住夜值班要求，常态化开展“走村不漏户、户户见干部”，发放便民联系卡。",
        leads=Audience.LEADERS,
        attends=Audience.CADRES,
    ),
    _p.ob(
        "household-visits",
        M,
        ITEM3,
        "每名领导干部年内要走遍联系村所有农户，做好走访记录。",
        title="领导干部走遍联系村所有农户",
        kind=ActivityKind.VISIT,
        cadence=Cadence.per_household(CadenceKind.YEARLY),
        applies_to=SUPERVISOR_LEVEL,
        leads=Audience.LEADERS,
        attends=Audience.LINKED_MEMBERS,
        attend_links=True,
        description="每名领导干部年内走遍联系村的每一户农户，每次走访做好记录"
        "（默认每周安排30户，选项 load_per_week）。",
        load_per_week=DEFAULTS["load_per_week"],
        options={"record_each_visit": True},
    ),
    _p.ob(
        "paired-households",
        M,
        ITEM3,
        "全面开展结对帮困活动，每名镇（街道）干部结对联系1—2户困难党员群众，力所能及帮助解决生产、生活中的实际困难。",
        title="干部结对联系困难党员群众",
        kind=ActivityKind.VISIT,
        cadence=Cadence.per_member(CadenceKind.YEARLY),
        applies_to=SUPERVISOR_LEVEL,
        leads=Audience.CADRES,
        attends=Audience.CADRES,
        description="每名镇（街道）干部结对联系1—2户困难党员群众（默认2户，选项 households_per_cadre），"
        "每年至少走访帮扶一次，帮助解决生产、生活中的实际困难。",
        options={"households_per_cadre": DEFAULTS["households_per_cadre"], "households_min": 1, "households_max": 2},
    ),
    _p.guide(
        "collective-economy",
        M,
        ITEM3,
        "大力推行“党建+”多元发展模式，鼓励镇（街道）干部指导村（社区）创新发展集体经济，扩大收益，带动低收入群体创业增收。",
        title="“党建+”指导发展集体经济",
        description="推行“党建+”多元发展模式，指导村（社区）发展集体经济，带动低收入群体增收。",
        attends=Audience.CADRES,
    ),
    # -- 二、主要举措 4．全面体检查短板 -------------------------------------------------------------------
    _p.ob(
        "life-meeting",
        M,
        ITEM4,
        "年底前，镇（街道）各党支部召开学习教育专题组织生活会，开展好“党性体检、民主评议”",
        title="党支部专题组织生活会（党性体检、民主评议）",
        kind=ActivityKind.MEETING,
        cadence=year_end(),
        applies_to=BRANCH_LEVEL,
        description="年底前召开学习教育专题组织生活会，开展“党性体检、民主评议”；即当年的组织生活会和民主评议党员。",
        combines_with=("branch.life-meeting", "branch.member-review"),
        options=YEAR_END_OPTIONS,
    ),
    _p.ob(
        "leaders-at-life-meeting",
        M,
        ITEM4,
        "班子成员以普通党员身份参加所在支部的组织生活会",
        title="班子成员以普通党员身份参加所在支部组织生活会",
        kind=ActivityKind.MEETING,
        cadence=year_end(),
        record_attendance=True,
        applies_to=SUPERVISOR_LEVEL,
        leads=Audience.LEADERS,
        attends=Audience.LEADERS,
        description="每名班子成员以普通党员身份参加所在党支部（其 links 中的本机关党支部）的"
        "专题组织生活会：不另行开会。",
        combines_with=("town.life-meeting",),
        attend_home=True,
        options=YEAR_END_OPTIONS,
    ),
    _p.ob(
        "leaders-at-linked-life-meetings",
        M,
        ITEM4,
        "并参加指导联系村（社区）专题组织生活会",
        title="班子成员参加指导联系村（社区）专题组织生活会",
        kind=ActivityKind.MEETING,
        cadence=year_end(),
        applies_to=SUPERVISOR_LEVEL,
        leads=Audience.LEADERS,
        attends=Audience.LEADERS,
        attend_links=True,
        description="每名班子成员参加并指导每个联系村（社区）的专题组织生活会（列入该村、社区会议的参会人员）；"
        "各联系村（社区）和所在支部的会议错开安排。",
        combines_with=("village.review-meeting", "community.life-meeting"),
        options=YEAR_END_OPTIONS,
    ),
    _p.ob(
        "democratic-life-meeting",
        M,
        ITEM4,
        "镇（街道）党委年度民主生活会，要以“两学一做”为主题，结合“三严三实”专题教育中整改落实完成情况，加强对照检查。",
        title="党委年度民主生活会（“两学一做”主题）",
        kind=ActivityKind.MEETING,
        cadence=year_end(),
        record_requires=("topic",),
        applies_to=SUPERVISOR_LEVEL,
        leads=Audience.SECRETARY,
        attends=Audience.LEADERS,
        description="以“两学一做”为主题召开年度民主生活会，结合“三严三实”整改落实情况对照检查。",
        options=YEAR_END_OPTIONS,
    ),
    _p.guide(
        "self-examination",
        M,
        ITEM4,
        "要把自己摆进去，查找存在问题，提出改进措施。",
        title="把自己摆进去，查找问题",
        description="对照检查时把自己摆进去，查找存在问题，提出改进措施。",
        applies_to=SUPERVISOR_LEVEL,
        leads=Audience.LEADERS,
        attends=Audience.LEADERS,
    ),
    # -- 二、主要举措 5．健全机制聚合力 -------------------------------------------------------------------
    _p.ob(
        "decision-rules",
        M,
        ITEM5,
        "健全完善镇（街道）党委议事规则和决策程序，规范镇（街道）干部履职行为，落实岗位目标责任制。",
        title="健全议事规则和决策程序",
        kind=ActivityKind.DELIVERABLE,
        cadence=Cadence.once(),
        applies_to=SUPERVISOR_LEVEL,
        attends=Audience.ORGANIZATION,
        description="健全完善党委议事规则和决策程序，规范干部履职行为，落实岗位目标责任制。",
    ),
    _p.ob(
        "monthly-task-list",
        M,
        ITEM5,
        "镇（街道）党委每月制定联村联企具体工作事项清单",
        title="联村联企工作事项清单",
        kind=ActivityKind.DELIVERABLE,
        cadence=Cadence.monthly(),
        applies_to=SUPERVISOR_LEVEL,
        attends=Audience.ORGANIZATION,
        description="每月制定联村联企具体工作事项清单。",
    ),
    _p.ob(
        "linked-guidance-visits",
        M,
        ITEM5,
        "督促班子成员和镇（街道）干部定期到村（社区）、两新组织指导开展工作，凝聚抓工作的合力。",
        title="班子成员和干部到联系村（社区）、两新组织指导工作",
        kind=ActivityKind.VISIT,
        cadence=Cadence.monthly(),
        applies_to=SUPERVISOR_LEVEL,
        leads=Audience.LEADERS,
        attends=Audience.CADRES,
        attend_links=True,
        description="按当月工作事项清单，班子成员和干部定期（默认每月）到联系村（社区）、两新组织指导开展工作。",
        after=("town.monthly-task-list",),
    ),
    _p.guide(
        "five-good-town",
        M,
        ITEM5,
        "扎实开展“五好”服务型镇（街道）建设，引导每名镇（街道）党员干部，围绕基层党建工作和中心工作两个“整乡提升”的目标，"
        "细化任务职责，持续推动各项工作顺利开展。",
        title="“五好”服务型镇（街道）建设",
        description="开展“五好”服务型镇（街道）建设，围绕两个“整乡提升”目标细化任务职责。",
    ),
    # -- 三、有关要求 ------------------------------------------------------------------------------------
    _p.ob(
        "work-plan",
        R,
        "",
        "各镇（街道）党（工）委要结合实际制定细化工作方案",
        title="制定细化工作方案",
        kind=ActivityKind.DELIVERABLE,
        cadence=Cadence.once(),
        applies_to=SUPERVISOR_LEVEL,
        attends=Audience.ORGANIZATION,
        description="结合实际制定学习教育细化工作方案。",
    ),
    _p.ob(
        "supervision",
        R,
        "",
        "在抓好镇（街道）本级学习教育的同时，加强对所辖村（社区）、事业单位、两新组织学习教育的领导和指导，做到上下联动、协同开展。",
        title="领导和指导所辖村（社区）、事业单位、两新组织学习教育",
        kind=ActivityKind.DUTY,
        cadence=supervision_cadence(),
        applies_to=SUPERVISOR_LEVEL,
        leads=Audience.SUPERVISOR,
        attends=Audience.SUBORDINATE_SECRETARIES,
        description="对所辖村（社区）、事业单位、两新组织的学习教育进行领导和指导"
        "（默认每季度一次，选项 supervision_cadence）。",
        options=SUPERVISION_OPTIONS,
    ),
    _p.guide(
        "first-responsible",
        R,
        "",
        "各镇（街道）党（工）委书记作为学习教育的第一责任人，要带头抓、亲自抓，引领带动镇（街道）机关党员自觉加强党性修养。",
        title="党（工）委书记第一责任人带头抓",
        description="党（工）委书记作为第一责任人，带头抓、亲自抓学习教育。",
        applies_to=SUPERVISOR_LEVEL,
    ),
    _p.guide(
        "combine-with-work",
        R,
        "",
        "要注重统筹兼顾，把开展学习教育与项目双进、服务G20、“五水共治”、“三改一拆”等中心工作结合起来，做到两促进、两提高。",
        title="学习教育与中心工作相结合",
        description="把学习教育与项目双进、服务G20、“五水共治”、“三改一拆”等中心工作结合起来。",
    ),
)


@hookimpl
def lianxue_tracks() -> Sequence[Track]:
    """The ``town`` track."""
    return [TRACK]


@hookimpl
def lianxue_catalogue() -> Sequence[Obligation]:
    """Every obligation of plan 2, in the order of the plan."""
    return CATALOGUE


@hookimpl
def lianxue_obligations(organization: Organization, tree: OrganizationTree) -> Sequence[Obligation]:
    """Plan 2's obligations for ``organization``, with its options applied."""
    return select(CATALOGUE, organization, tree)


@hookimpl
def lianxue_options() -> Sequence[OptionSpec]:
    """The options this plan's obligations carry (see ``docs/tracks.md``)."""
    return option_specs(CATALOGUE)
