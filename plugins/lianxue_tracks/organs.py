"""Plan 1 (附件1): county organs and public institutions (县机关部门、事业单位), track ``organs``.

Read it beside 附件1 of 德组通〔2016〕18号: one block per item of 二、主要举措, then 三、有关要求, each
obligation quoting its clause. The unit's 党委（党组） is kind ``committee`` or ``party-group``; its
机关党支部 ``branch`` (or ``general-branch``). The 机关党工委 that supervises the organs (kind
``working-committee``, usually with no track) gets the supervision duty through
``lianxue_obligations``.
"""

from __future__ import annotations

from collections.abc import Sequence

from lianxue_core import (
    ActivityKind,
    Audience,
    Cadence,
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
    UNIT_LEVEL,
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
    key="organs",
    name="县机关部门、事业单位",
    plan=1,
    description="县级机关部门、事业单位的党委（党组）、机关党支部及其党员。",
    supervised_by="县直机关党工委",
)

ITEM1 = "1．专题学习强党性"
ITEM2 = "2．结对送学促提升"
ITEM3 = "3．模范履职争先锋"
ITEM4 = "4．对照检查补短板"
ITEM5 = "5．完善机制强管理"

#: The kinds of organization on this track (the default of guidance and whole-organization duties).
KINDS = (OrgKind.COMMITTEE, OrgKind.PARTY_GROUP, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH)

_p = plan_obligations(1, TRACK.key, KINDS)

CATALOGUE: tuple[Obligation, ...] = (
    # -- 二、主要举措 1．专题学习强党性 -------------------------------------------------------------------
    _p.ob(
        "secretary-lecture",
        M,
        ITEM1,
        "单位党委（党组）书记要结合学习教育集中部署，为全体党员上一堂党课。",
        title="党委（党组）书记为全体党员上党课",
        kind=ActivityKind.LECTURE,
        cadence=Cadence.yearly(),
        applies_to=UNIT_LEVEL,
        leads=Audience.SECRETARY,
        attends=Audience.UNIT_MEMBERS,
        description="结合学习教育集中部署，单位党委（党组）书记为本单位全体党员（含所属各党支部）上一堂党课。",
        combines_with=("branch.secretary-lecture",),
    ),
    _p.ob(
        "quarterly-meeting",
        M,
        ITEM1,
        "各机关党支部每季度要召开一次全体党员会议，每次围绕一个专题组织研讨。",
        title="机关党支部全体党员会议（专题研讨）",
        kind=ActivityKind.MEETING,
        cadence=Cadence.quarterly(),
        record_requires=("topic",),
        applies_to=BRANCH_LEVEL,
        description="每季度召开一次全体党员会议，每次围绕一个专题组织研讨；可与当季支部党员大会合并召开。",
        combines_with=("branch.party-congress",),
    ),
    _p.guide(
        "study-methods",
        M,
        ITEM1,
        "结合各单位实际，积极创新学习方式，采取夜学夜议、交流讨论、播放教育片等进行集中学习，"
        "通过开展学党章、写感悟、讲党课等活动推动自主学习。",
        title="创新集中学习方式，推动自主学习",
        description="采取夜学夜议、交流讨论、播放教育片等集中学习；开展学党章、写感悟、讲党课等推动自主学习。",
    ),
    # -- 二、主要举措 2．结对送学促提升 -------------------------------------------------------------------
    _p.ob(
        "paired-study-visit",
        M,
        ITEM2,
        "各机关党支部要结合“党员义工进社区”、“流动党校”送学等活动，到结对单位开展上门送学，"
        "通过座谈交流、政策宣讲、谈心谈话、为民办事等方式，与基层党员共同学习、共同提升。",
        title="到结对单位上门送学",
        kind=ActivityKind.VISIT,
        cadence=Cadence.yearly(),
        applies_to=BRANCH_LEVEL,
        leads=Audience.SECRETARY,
        attends=Audience.LINKED_MEMBERS,
        attend_links=True,
        description="结合“党员义工进社区”“流动党校”，到每个结对单位上门送学（默认每年至少一次），"
        "通过座谈交流、政策宣讲、谈心谈话、为民办事与基层党员共同学习。",
    ),
    _p.ob(
        "leader-lecture-links",
        M,
        ITEM2,
        "机关党员领导干部要运用“乡音党课”、“微党课”等形式，到下属单位党支部、基层结对单位讲党课，"
        "实现党课宣讲进农村、进社区、进企业、进学校。",
        title="党员领导干部到下属单位、结对单位讲党课",
        kind=ActivityKind.LECTURE,
        cadence=Cadence.yearly(),
        applies_to=UNIT_LEVEL,
        leads=Audience.LEADERS,
        attends=Audience.LINKED_MEMBERS,
        attend_links=True,
        description="每名党员领导干部运用“乡音党课”“微党课”等形式，结合联系的基层结对单位、下属单位党支部的党员固定活动日，"
        "在其会上讲党课，计入该组织当季党课；默认每人每年一堂（选项 lecture_per_link=true：每个联系单位各一堂）。",
        combines_with=("branch.party-lecture",),
        lecture_per_link=DEFAULTS["lecture_per_link"],
    ),
    # -- 二、主要举措 3．模范履职争先锋 -------------------------------------------------------------------
    _p.guide(
        "duty-competition",
        M,
        ITEM3,
        "全面开展机关党员履职竞赛活动，通过亮身份、亮岗位、亮承诺、亮绩效，推动党员干部模范履职。",
        title="机关党员履职竞赛（四亮）",
        description="开展履职竞赛，亮身份、亮岗位、亮承诺、亮绩效，推动党员干部模范履职。",
    ),
    _p.guide(
        "role-models",
        M,
        ITEM3,
        "开展“学典型当先锋”等活动，选树敬业奉献、群众认可、敢于担当的“身边最美党员”，组织机关党员向先锋学习，向先锋看齐。",
        title="选树“身边最美党员”，向先锋看齐",
        description="开展“学典型当先锋”活动，选树“身边最美党员”，组织机关党员向先锋学习。",
    ),
    _p.guide(
        "serve-grassroots",
        M,
        ITEM3,
        "深化完善“双千万结对帮扶”、返乡走亲等做法，推动机关党员主动到基层联系群众、开展服务。",
        title="结对帮扶、返乡走亲，到基层联系服务群众",
        description="深化“双千万结对帮扶”、返乡走亲等做法，推动机关党员到基层联系群众、开展服务。",
    ),
    # -- 二、主要举措 4．对照检查补短板 -------------------------------------------------------------------
    _p.ob(
        "member-review",
        M,
        ITEM4,
        "全面开展“党性体检、民主评议”，查摆党员理想信念、政治规矩、宗旨意识、敢于担当等方面问题，提出改进措施和办法",
        title="党性体检、民主评议",
        kind=ActivityKind.REVIEW,
        cadence=year_end(),
        applies_to=BRANCH_LEVEL,
        description="查摆党员理想信念、政治规矩、宗旨意识、敢于担当等方面问题，提出改进措施；与年度民主评议党员合并进行。",
        combines_with=("branch.member-review",),
        options=YEAR_END_OPTIONS,
    ),
    _p.guide(
        "unqualified-members",
        M,
        ITEM4,
        "对有不合格表现的党员，根据实际情况稳妥慎重进行组织处置。",
        title="稳妥慎重处置不合格党员",
        description="对有不合格表现的党员，根据实际情况稳妥慎重进行组织处置。",
        applies_to=BRANCH_LEVEL,
    ),
    _p.ob(
        "democratic-life-meeting",
        M,
        ITEM4,
        "年底前，领导班子要开好专题民主生活会。",
        title="领导班子专题民主生活会",
        kind=ActivityKind.MEETING,
        cadence=year_end(),
        applies_to=UNIT_LEVEL,
        leads=Audience.SECRETARY,
        attends=Audience.LEADERS,
        description="年底前，单位领导班子召开专题民主生活会。",
        options=YEAR_END_OPTIONS,
    ),
    _p.ob(
        "life-meeting",
        M,
        ITEM4,
        "党支部要召开专题组织生活会，针对党员存在的突出问题和薄弱环节提出整改措施",
        title="党支部专题组织生活会",
        kind=ActivityKind.MEETING,
        cadence=year_end(),
        applies_to=BRANCH_LEVEL,
        description="年底前召开专题组织生活会，针对党员存在的突出问题和薄弱环节提出整改措施；即当年的组织生活会。",
        after=("organs.member-review",),
        combines_with=("branch.life-meeting",),
        options=YEAR_END_OPTIONS,
    ),
    _p.ob(
        "leaders-at-life-meeting",
        M,
        ITEM4,
        "领导班子成员要参加所在支部的专题组织生活会。",
        title="领导班子成员参加所在支部专题组织生活会",
        kind=ActivityKind.MEETING,
        cadence=year_end(),
        record_attendance=True,
        applies_to=UNIT_LEVEL,
        leads=Audience.LEADERS,
        attends=Audience.LEADERS,
        description="每名领导班子成员以普通党员身份参加所在党支部（其 links 中的本单位党支部）的"
        "专题组织生活会：不另行开会。",
        combines_with=("organs.life-meeting",),
        attend_home=True,
        options=YEAR_END_OPTIONS,
    ),
    # -- 二、主要举措 5．完善机制强管理 -------------------------------------------------------------------
    _p.guide(
        "study-mechanism",
        M,
        ITEM5,
        "建立健全机关党员常态化学习机制",
        title="建立健全常态化学习机制",
        description="建立健全机关党员常态化学习机制。",
    ),
    _p.ob(
        "fixed-day-system",
        M,
        ITEM5,
        "建立机关党员固定活动日制度",
        title="建立机关党员固定活动日制度",
        kind=ActivityKind.DELIVERABLE,
        cadence=Cadence.once(),
        applies_to=KINDS,
        leads=Audience.SECRETARY,
        attends=Audience.ORGANIZATION,
        description="建立机关党员固定活动日制度：确定每月固定的活动日（选项 activity_day）及活动内容；"
        "在第一次固定活动日之前完成。",
        precedes=("organs.fixed-day",),
    ),
    _p.ob(
        "fixed-day",
        M,
        ITEM5,
        "以支部为单位，开展“专题学习日”、“党员志愿服务日”、“党员奉献日”、“党员议事日”等内容丰富、形式新颖、成效明显的活动。",
        title="党员固定活动日",
        kind=ActivityKind.MEETING,
        cadence=Cadence.monthly(),
        applies_to=BRANCH_LEVEL,
        description="以支部为单位，在每月固定活动日（选项 activity_day）开展“专题学习日”“党员志愿服务日”“党员奉献日”"
        "“党员议事日”等活动；即当月主题党日。",
        combines_with=("branch.theme-day",),
        fixed_day=True,
    ),
    _p.ob(
        "points-system",
        M,
        ITEM5,
        "探索建立党员学习教育积分管理制度，将党员参加学习情况与年终考核挂钩，实现以考促学、学以致用。",
        title="建立党员学习教育积分管理制度",
        kind=ActivityKind.DELIVERABLE,
        keeps_points=True,
        cadence=Cadence.once(),
        applies_to=KINDS,
        attends=Audience.ORGANIZATION,
        description="探索建立党员学习教育积分管理制度，将党员参加学习情况与年终考核挂钩。",
    ),
    # -- 三、有关要求 ------------------------------------------------------------------------------------
    _p.guide(
        "main-responsibility",
        R,
        "",
        "各单位党委（党组）要切实担起主体责任，坚持标准，确保质量。",
        title="党委（党组）担起主体责任",
        description="单位党委（党组）切实担起主体责任，坚持标准，确保质量。",
        applies_to=UNIT_LEVEL,
    ),
    _p.guide(
        "first-responsible",
        R,
        "",
        "党委（党组）书记要承担起第一责任人职责",
        title="书记履行第一责任人职责",
        description="党委（党组）书记承担起学习教育第一责任人职责。",
        applies_to=UNIT_LEVEL,
    ),
    _p.guide(
        "dual-organization-life",
        R,
        "",
        "班子成员要自觉走在前头，严格执行双重组织生活制度，认真履行“一岗双责”",
        title="班子成员走在前头，执行双重组织生活制度",
        description="班子成员既参加党委（党组）的民主生活会，也以普通党员身份参加所在支部的组织生活，履行“一岗双责”。",
        applies_to=UNIT_LEVEL,
        leads=Audience.LEADERS,
        attends=Audience.LEADERS,
    ),
    _p.guide(
        "guide-subordinates",
        R,
        "",
        "联系指导下属单位开展活动",
        title="班子成员联系指导下属单位",
        description="班子成员联系指导下属单位开展学习教育活动。",
        applies_to=UNIT_LEVEL,
        leads=Audience.LEADERS,
        attends=Audience.LINKED_MEMBERS,
    ),
    _p.ob(
        "supervision",
        R,
        "",
        "机关党工委要加强对各单位学习教育的指导和督查，把督查结果作为党建目标责任制考核的重要依据。",
        title="机关党工委指导督查各单位学习教育",
        kind=ActivityKind.DUTY,
        cadence=supervision_cadence(),
        applies_to=[OrgKind.WORKING_COMMITTEE],
        leads=Audience.SUPERVISOR,
        attends=Audience.SUBORDINATE_SECRETARIES,
        description="机关党工委对所辖机关部门、事业单位的学习教育进行指导和督查"
        "（默认每季度一次，选项 supervision_cadence），"
        "督查结果作为党建目标责任制考核的重要依据。",
        options=SUPERVISION_OPTIONS,
    ),
    _p.guide(
        "combine-with-work",
        R,
        "",
        "要把开展学习教育与当前改革发展稳定各项工作紧密结合起来，立足岗位“比成效、比水平、比作风、比执行”，"
        "做到学用结合、知行合一，确保两手抓、两不误、两促进。",
        title="学习教育与改革发展稳定工作相结合",
        description="立足岗位“比成效、比水平、比作风、比执行”，学用结合、知行合一，两手抓、两不误、两促进。",
    ),
)

#: Duties of a supervising organization, by id, and the tracks it must supervise for them to apply.
SUPERVISION = {"organs.supervision": (TRACK.key,)}


@hookimpl
def lianxue_tracks() -> Sequence[Track]:
    """The ``organs`` track."""
    return [TRACK]


@hookimpl
def lianxue_catalogue() -> Sequence[Obligation]:
    """Every obligation of plan 1, in the order of the plan."""
    return CATALOGUE


@hookimpl
def lianxue_obligations(organization: Organization, tree: OrganizationTree) -> Sequence[Obligation]:
    """Plan 1's obligations for ``organization`` with its options; the supervision duty for the
    机关党工委 that supervises organs."""
    return select(CATALOGUE, organization, tree, supervision=SUPERVISION)


@hookimpl
def lianxue_options() -> Sequence[OptionSpec]:
    """The options this plan's obligations carry (see ``docs/tracks.md``)."""
    return option_specs(CATALOGUE)
