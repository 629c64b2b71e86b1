"""Plan 3 (附件3): villages and communities (农村（社区）), tracks ``village`` and ``community``.

One plan, two tracks. Most measures apply to both and appear twice, once per track
(``village.monthly-study`` and ``community.monthly-study``), since an id is ``<track>.<slug>``. Some
are the village's alone: the 合格党员标准线 discussion, the village's own 五带头十不准, the review in four
steps with its 评议等次. Some are the community's alone: the four 规范, the 专题组织生活会, 带头拆违.

Read it beside 附件3 of 德组通〔2016〕18号: one block per item, in the order of the plan. A village's
party organization is a ``committee`` (村党委), ``general-branch`` or ``branch``, possibly with
``group`` (党小组) children; duties of the 村（社区）党组织 as a whole go to the top organization of
the track only. The town that supervises villages and communities gets the supervision duty.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lianxue_core import (
    ActivityKind,
    Audience,
    Cadence,
    CadenceKind,
    MemberFlag,
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
    JULY1_OPTIONS,
    SUPERVISION_OPTIONS,
    SUPERVISOR_LEVEL,
    YEAR_END_OPTIONS,
    july1_window,
    option_specs,
    plan_obligations,
    select,
    supervision_cadence,
    year_end,
)
from ._source import SECTION_MEASURES as M
from ._source import SECTION_REQUIREMENTS as R

VILLAGE = Track(
    key="village",
    name="农村",
    plan=3,
    description="村党组织（村党委、党总支、党支部、党小组）及其党员。",
    supervised_by="镇（街道）党（工）委",
)
COMMUNITY = Track(
    key="community",
    name="社区",
    plan=3,
    description="社区党组织（社区党委、党总支、党支部、党小组）及其党员。",
    supervised_by="镇（街道）党（工）委",
)
TRACKS = (VILLAGE, COMMUNITY)

ITEM1 = "1．组织专题学习"
ITEM2 = "2．规范组织生活"
ITEM3 = "3．开展先锋竞赛"
ITEM4 = "4．聚焦合格标准"
ITEM5 = "5．开展民主评议"

#: Where studies are held: 以党支部或党小组为单位.
STUDY_LEVEL = (*BRANCH_LEVEL, OrgKind.GROUP)
#: 老党员、行动不便党员、认知困难党员.
HOME_STUDY_FLAGS = (
    str(MemberFlag.ELDERLY),
    str(MemberFlag.MOBILITY_IMPAIRED),
    str(MemberFlag.COGNITIVE_DIFFICULTY),
)

#: The kinds of organization on these tracks (the default of guidance and whole-organization duties).
KINDS = (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH)

_v = plan_obligations(3, VILLAGE.key, KINDS)
_c = plan_obligations(3, COMMUNITY.key, KINDS)


def _ids(track: str, names: Sequence[str]) -> tuple[str, ...]:
    """Ids from names: a name with a dot is an id already (``branch.theme-day``), else a slug of ``track``."""
    return tuple(n if "." in n else f"{track}.{n}" for n in names)


def both(
    slug: str,
    section: str,
    item: str,
    quote: str,
    *,
    after: Sequence[str] = (),
    combines_with: Sequence[str] = (),
    **fields: Any,
) -> tuple[Obligation, Obligation]:
    """The same measure on both tracks: ``village.<slug>`` and ``community.<slug>``.

    ``after`` and ``combines_with`` take slugs of the same track or full ids (with a dot).
    """
    village, community = (
        p.ob(
            slug, section, item, quote, after=_ids(p.track, after), combines_with=_ids(p.track, combines_with), **fields
        )
        for p in (_v, _c)
    )
    return village, community


def both_guide(slug: str, section: str, item: str, quote: str, **fields: Any) -> tuple[Obligation, Obligation]:
    """The same guidance on both tracks."""
    return (_v.guide(slug, section, item, quote, **fields), _c.guide(slug, section, item, quote, **fields))


CATALOGUE: tuple[Obligation, ...] = (
    # -- 二、主要举措 1．组织专题学习 ---------------------------------------------------------------------
    *both(
        "monthly-study",
        M,
        ITEM1,
        "以党支部或党小组为单位，按照“三个一”要求，即每月组织一次集中学习，每次给出一个讨论方向，每名党员谈一次学习心得，扎实开展集中学习讨论。",
        title="“三个一”集中学习讨论",
        kind=ActivityKind.STUDY,
        cadence=Cadence.monthly(),
        applies_to=STUDY_LEVEL,
        description="以党支部或党小组为单位，每月组织一次集中学习，每次给出一个讨论方向，每名党员谈一次学习心得；"
        "在党员固定活动日（选项 activity_day）与当月主题党日一并进行。设党小组的党支部由各党小组分别组织。",
        combines_with=("branch.theme-day",),
        fixed_day=True,
    ),
    *both(
        "member-reflection",
        M,
        ITEM1,
        "每名党员谈一次学习心得",
        title="每名党员谈学习心得",
        kind=ActivityKind.STUDY,
        cadence=Cadence.per_member(CadenceKind.MONTHLY),
        applies_to=STUDY_LEVEL,
        leads=Audience.SECRETARY,
        attends=Audience.ALL_MEMBERS,
        description="每次“三个一”集中学习中，每名党员谈一次学习心得（在同一次学习中完成）。",
        combines_with=("monthly-study",),
    ),
    *both(
        "july1-lecture",
        M,
        ITEM1,
        "“七一”期间，由党组织书记或邀请县镇（街道）党员领导干部、镇（街道）党员联村干部、党校教师、优秀普通党员等，给村（社区）党员讲一堂党课。",
        title="“七一”党课",
        kind=ActivityKind.LECTURE,
        cadence=july1_window(),
        applies_to=KINDS,
        leads=Audience.SECRETARY,
        attends=Audience.ALL_MEMBERS,
        description="“七一”期间（默认6月16日至7月16日，选项 july1_before / july1_after），由党组织书记或邀请的"
        "领导干部、联村干部、党校教师、优秀普通党员给全体党员讲一堂党课；计入当季支部党课。",
        combines_with=("branch.party-lecture",),
        options=JULY1_OPTIONS,
    ),
    *both(
        "home-study",
        M,
        ITEM1,
        "对村（社区）老党员、行动不便党员、认知困难党员等群体开展送学上门、送讲上门服务，确保学习覆盖。",
        title="送学上门、送讲上门",
        kind=ActivityKind.VISIT,
        cadence=Cadence.per_member(CadenceKind.MONTHLY),
        applies_to=STUDY_LEVEL,
        leads=Audience.COMMITTEE,
        attends=Audience.FLAGGED_MEMBERS,
        for_flags=HOME_STUDY_FLAGS,
        description="每次“三个一”集中学习后，当月为每名老党员、行动不便党员、认知困难党员送学上门、送讲上门。",
        after=("monthly-study",),
    ),
    *both_guide(
        "online-study",
        M,
        ITEM1,
        "要结合农村（社区）实际，用好远程教育平台、微信公众号等载体，组织党员通过在线学习方式，及时学习新知识，掌握新要求。",
        title="远程教育、微信等在线学习",
        description="用好远程教育平台、微信公众号等载体组织党员在线学习。",
    ),
    # -- 二、主要举措 2．规范组织生活 ---------------------------------------------------------------------
    *both_guide(
        "standing-rules",
        M,
        ITEM2,
        "抓好“三会一课”、“党员固定活动日”等制度执行，坚持把“两学一做”学习教育作为主要内容",
        title="抓好“三会一课”、党员固定活动日制度执行",
        description="执行“三会一课”、党员固定活动日等制度（频次见支部工作条例 branch.*），以“两学一做”为主要内容。",
    ),
    *both(
        "annual-plan",
        M,
        ITEM2,
        "纳入年度组织生活计划，科学确定每月活动主题。",
        title="年度组织生活计划（每月主题）",
        kind=ActivityKind.DELIVERABLE,
        cadence=Cadence.deadline((1, 31)),
        applies_to=BRANCH_LEVEL,
        attends=Audience.ORGANIZATION,
        description="把“两学一做”纳入年度组织生活计划，为12个月各确定一个活动主题（选项 themes）；"
        "在计划所管的第一次月度活动之前完成（最迟1月31日）。",
        precedes=("village.monthly-study", "community.monthly-study", "branch.theme-day"),
    ),
    *both_guide(
        "timely-communication",
        M,
        ITEM2,
        "结合党内组织生活开展，及时传达学习中央方针政策、上级党组织决议指示和安排部署，及时通报本级党组织重点工作进展情况、"
        "党员和群众关心关注的重大事项，及时组织党员领办“微心愿”、参加社会公益活动等，帮助困难党员群众解决实际需求。",
        title="组织生活中及时传达、通报、组织服务",
        description="结合组织生活及时传达上级精神、通报重点工作和重大事项，组织党员领办“微心愿”、参加公益活动。",
    ),
    # -- 二、主要举措 3．开展先锋竞赛 ---------------------------------------------------------------------
    *both_guide(
        "pioneer-competition",
        M,
        ITEM3,
        "深化党员“双亮双争”、“党员一句话承诺”、党员“项目领办”、“党员河长制”等做法，开展“我是党员我承诺”、"
        "“我是党员我奉献”、“我是党员我示范”为主要内容的先锋竞赛活动，切实在竞赛中补齐短板、改进作风、树优形象。",
        title="先锋竞赛活动",
        description="深化“双亮双争”“党员一句话承诺”等做法，开展“我是党员我承诺、我奉献、我示范”先锋竞赛。",
    ),
    *both_guide(
        "central-work",
        M,
        ITEM3,
        "积极引导党员参与治水拆违等中心工作",
        title="引导党员参与治水拆违等中心工作",
        description="引导党员参与治水拆违等中心工作。",
    ),
    _c.guide(
        "demolition-lead",
        M,
        ITEM3,
        "特别是社区党员要做到带头拆违、带头劝违、带头阻违。",
        title="社区党员带头拆违、劝违、阻违",
        description="社区党员带头拆违、带头劝违、带头阻违。",
    ),
    *both(
        "service-posts",
        M,
        ITEM3,
        "设立公益服务岗、平安宣传岗、就业帮扶岗等各类党员服务岗位",
        title="设立党员服务岗位",
        kind=ActivityKind.DUTY,
        cadence=Cadence.once(),
        applies_to=KINDS,
        attends=Audience.ORGANIZATION,
        description="设立公益服务岗、平安宣传岗、就业帮扶岗等党员服务岗位，明确上岗党员。",
    ),
    *both_guide(
        "volunteer-service",
        M,
        ITEM3,
        "全面推行“党员固定活动日”、“党员义工进社区”、“微心愿、微公益”等活动，推动党员志愿者、在职党员服务常态化，"
        "引导党员参与纠纷调解，共同织就和谐邻里关系。",
        title="党员志愿服务常态化",
        description="推行“党员义工进社区”“微心愿、微公益”等活动，党员志愿服务常态化，参与纠纷调解。",
    ),
    # -- 二、主要举措 4．聚焦合格标准 ---------------------------------------------------------------------
    _v.ob(
        "standard-line-discussion",
        M,
        ITEM4,
        "村党组织要开展“合格党员标准线”大讨论，深入查摆全村党员在思想、组织、作风、纪律等方面存在的突出问题",
        title="“合格党员标准线”大讨论",
        kind=ActivityKind.STUDY,
        cadence=Cadence.once(),
        applies_to=KINDS,
        description="开展“合格党员标准线”大讨论，查摆全村党员在思想、组织、作风、纪律等方面的突出问题。",
    ),
    _v.ob(
        "five-ten-rules",
        M,
        ITEM4,
        "讨论制定本村党员日常行为“五带头十不准”并加强宣传引导",
        title="制定本村党员“五带头十不准”",
        kind=ActivityKind.DELIVERABLE,
        cadence=Cadence.once(),
        applies_to=KINDS,
        attends=Audience.ORGANIZATION,
        description="在大讨论基础上讨论制定本村党员日常行为“五带头十不准”，并加强宣传引导；年底民主评议以此为对照。",
        after=("village.standard-line-discussion",),
    ),
    _v.guide(
        "conduct-supervision",
        M,
        ITEM4,
        "强化农村党员日常行为监督",
        title="强化农村党员日常行为监督",
        description="对照“五带头十不准”强化党员日常行为监督。",
    ),
    _c.guide(
        "education-function",
        M,
        ITEM4,
        "社区党组织要突出党建教育职能",
        title="突出社区党组织党建教育职能",
        description="社区党组织突出党建教育职能。",
    ),
    _c.ob(
        "four-norms",
        M,
        ITEM4,
        "进一步规范支部党组织活动，在“党员大会、固定活动日、党性体检、组织生活会”四个方面做出规范。",
        title="党员大会、固定活动日、党性体检、组织生活会四项规范",
        kind=ActivityKind.DELIVERABLE,
        cadence=Cadence.once(),
        applies_to=KINDS,
        attends=Audience.ORGANIZATION,
        description="就党员大会、固定活动日、党性体检、组织生活会四个方面分别做出规范。",
        options={"norms": ("党员大会", "固定活动日", "党性体检", "组织生活会")},
    ),
    *both(
        "quarterly-meeting",
        M,
        ITEM4,
        "以党支部为单位，每季度召开一次全体党员会议，围绕一个学习教育主题组织讨论。",
        title="全体党员会议（学习教育主题讨论）",
        kind=ActivityKind.MEETING,
        cadence=Cadence.quarterly(),
        record_requires=("topic",),
        applies_to=BRANCH_LEVEL,
        description="每季度召开一次全体党员会议，围绕一个学习教育主题组织讨论；与当季支部党员大会合并召开。",
        combines_with=("branch.party-congress",),
    ),
    # -- 二、主要举措 5．开展民主评议 ---------------------------------------------------------------------
    # Village: 个人自评 → 全体党员会议（党员互评、民主测评）→ 组织评定（评议等次）, with talks first.
    _v.ob(
        "review-meeting",
        M,
        ITEM5,
        "年底前，村党组织要以党支部为单位，召开全体党员会议，组织党员对照“五带头十不准”",
        title="民主评议全体党员会议",
        kind=ActivityKind.MEETING,
        cadence=year_end(),
        applies_to=BRANCH_LEVEL,
        description="年底前以党支部为单位召开一次全体党员会议，对照“五带头十不准”，依次进行个人自评、党员互评、民主测评；"
        "会后由支部综合评定等次（组织评定）。即当年的民主评议党员和组织生活会。",
        combines_with=("branch.member-review", "branch.life-meeting"),
        options=YEAR_END_OPTIONS,
    ),
    _v.ob(
        "review-self",
        M,
        ITEM5,
        "按照个人自评、党员互评、民主测评、组织评定的程序，进行民主评议。",
        title="民主评议：个人自评",
        kind=ActivityKind.REVIEW,
        cadence=year_end(),
        applies_to=BRANCH_LEVEL,
        description="第一步：在全体党员会议上，每名党员对照“五带头十不准”进行个人自评。",
        part_of="village.review-meeting",
        options=YEAR_END_OPTIONS,
    ),
    _v.ob(
        "review-peer",
        M,
        ITEM5,
        "按照个人自评、党员互评、民主测评、组织评定的程序，进行民主评议。",
        title="民主评议：党员互评",
        kind=ActivityKind.REVIEW,
        cadence=year_end(),
        applies_to=BRANCH_LEVEL,
        description="第二步：在全体党员会议上党员互评。",
        part_of="village.review-meeting",
        options=YEAR_END_OPTIONS,
    ),
    _v.ob(
        "review-poll",
        M,
        ITEM5,
        "按照个人自评、党员互评、民主测评、组织评定的程序，进行民主评议。",
        title="民主评议：民主测评",
        kind=ActivityKind.REVIEW,
        cadence=year_end(),
        applies_to=BRANCH_LEVEL,
        description="第三步：在全体党员会议上民主测评。",
        part_of="village.review-meeting",
        options=YEAR_END_OPTIONS,
    ),
    *both(
        "member-talks",
        M,
        ITEM5,
        "结合民主评议，党支部班子成员要与每名党员谈心谈话。",
        title="班子成员与每名党员谈心谈话",
        kind=ActivityKind.TALK,
        cadence=Cadence.per_member(CadenceKind.YEARLY),
        applies_to=BRANCH_LEVEL,
        leads=Audience.COMMITTEE,
        attends=Audience.ALL_MEMBERS,
        description="结合民主评议，党支部班子成员与每名党员谈心谈话，在评定（社区：专题组织生活会）之前完成；"
        "即当年支部工作条例要求的谈心谈话。",
        combines_with=("branch.heart-talks",),
    ),
    _v.ob(
        "review-decision",
        M,
        ITEM5,
        "党支部综合民主评议情况和党员日常表现，确定评议等次。",
        title="民主评议：组织评定（评议等次）",
        kind=ActivityKind.REVIEW,
        cadence=year_end(),
        applies_to=BRANCH_LEVEL,
        leads=Audience.COMMITTEE,
        attends=Audience.ORGANIZATION,
        description="第四步：党支部综合民主评议情况和党员日常表现，为每名党员确定评议等次"
        "（默认：优秀、合格、基本合格、不合格，选项 review_grades）。",
        after=("village.review-meeting", "village.member-talks"),
        options={**YEAR_END_OPTIONS, "review_grades": DEFAULTS["review_grades"]},
    ),
    _c.ob(
        "life-meeting",
        M,
        ITEM5,
        "社区党支部也要召开专题组织生活会，对照党员标准，广泛征求意见，做好党员评议，严肃开展批评与自我批评，提出整改措施。",
        title="社区党支部专题组织生活会（党员评议）",
        kind=ActivityKind.MEETING,
        cadence=year_end(),
        applies_to=BRANCH_LEVEL,
        description="年底前召开专题组织生活会：对照党员标准，广泛征求意见，做好党员评议，开展批评与自我批评，提出整改措施；"
        "即当年的组织生活会和民主评议党员。",
        after=("community.member-talks",),
        combines_with=("branch.life-meeting", "branch.member-review"),
        options=YEAR_END_OPTIONS,
    ),
    # -- 三、有关要求 ------------------------------------------------------------------------------------
    *(
        p.ob(
            "town-supervision",
            R,
            "",
            "镇（街道）党（工）委要经常性督查农村（社区）“两学一做”学习教育开展情况和实际效果",
            title=f"镇（街道）党（工）委督查{t.name}学习教育",
            kind=ActivityKind.DUTY,
            cadence=supervision_cadence(),
            applies_to=SUPERVISOR_LEVEL,
            leads=Audience.SUPERVISOR,
            attends=Audience.SUBORDINATE_SECRETARIES,
            description=f"镇（街道）党（工）委经常性督查所辖{t.name}党组织学习教育开展情况和实际效果"
            "（默认每季度一次，选项 supervision_cadence）。",
            options=SUPERVISION_OPTIONS,
        )
        for p, t in ((_v, VILLAGE), (_c, COMMUNITY))
    ),
    _v.guide(
        "secretary-pipeline",
        R,
        "",
        "把学习教育作为发现、培育、选拔优秀村党组织书记的重要契机，把发展带头人、新风示范人、和谐引领人、群众贴心人选上来。",
        title="借学习教育发现、培育、选拔优秀村党组织书记",
        description="镇（街道）党（工）委把学习教育作为发现、培育、选拔优秀村党组织书记的契机。",
        applies_to=SUPERVISOR_LEVEL,
        leads=Audience.SUPERVISOR,
        attends=Audience.SUBORDINATE_SECRETARIES,
    ),
    *both_guide(
        "political-task",
        R,
        "",
        "各村（社区）党组织要把开展“两学一做”学习教育作为一项重大政治任务，充分认识其重要性",
        title="作为重大政治任务抓",
        description="把“两学一做”学习教育作为一项重大政治任务，充分认识其重要性。",
    ),
    *both(
        "work-arrangement",
        R,
        "",
        "对“两学一做”学习教育作出具体安排。",
        title="作出学习教育具体安排",
        kind=ActivityKind.DELIVERABLE,
        cadence=Cadence.once(),
        applies_to=KINDS,
        attends=Audience.ORGANIZATION,
        description="村（社区）党组织对“两学一做”学习教育作出具体安排（工作方案）。",
    ),
    *both_guide(
        "first-responsible",
        R,
        "",
        "村（社区）党组织书记要履行第一责任人职责，把抓党员队伍建设的意识树起来、责任扛起来。",
        title="书记履行第一责任人职责",
        description="村（社区）党组织书记履行第一责任人职责，抓党员队伍建设。",
    ),
    *both_guide(
        "full-coverage",
        R,
        "",
        "党组织班子成员要主动联系，确保学习教育全覆盖。",
        title="班子成员主动联系，确保全覆盖",
        description="党组织班子成员主动联系党员，确保学习教育全覆盖。",
        leads=Audience.COMMITTEE,
    ),
)

#: Duties of the supervising town, by id, and the track it must supervise for them to apply.
SUPERVISION = {
    "village.town-supervision": (VILLAGE.key,),
    "community.town-supervision": (COMMUNITY.key,),
    "village.secretary-pipeline": (VILLAGE.key,),
}

#: Duties of the 村（社区）党组织 as a whole: only the top organization of the track has them.
TOP_LEVEL = frozenset(
    f"{t.key}.{slug}"
    for t in TRACKS
    for slug in (
        "july1-lecture",
        "service-posts",
        "standard-line-discussion",
        "five-ten-rules",
        "four-norms",
        "work-arrangement",
    )
)

#: Held 以党支部或党小组为单位: a branch with 党小组 leaves them to its groups.
GROUP_STUDIES = frozenset(
    f"{t.key}.{slug}" for t in TRACKS for slug in ("monthly-study", "member-reflection", "home-study")
)


def _adjust(ob: Obligation, organization: Organization, tree: OrganizationTree) -> Obligation | None:
    if ob.id in GROUP_STUDIES and organization.kind is not OrgKind.GROUP:
        groups = [
            c for c in tree.children(organization.id) if c.kind is OrgKind.GROUP and c.track == organization.track
        ]
        if groups:
            return None
    return ob


@hookimpl
def lianxue_tracks() -> Sequence[Track]:
    """The ``village`` and ``community`` tracks."""
    return list(TRACKS)


@hookimpl
def lianxue_catalogue() -> Sequence[Obligation]:
    """Every obligation of plan 3 on both tracks, in the order of the plan."""
    return CATALOGUE


@hookimpl
def lianxue_obligations(organization: Organization, tree: OrganizationTree) -> Sequence[Obligation]:
    """Plan 3's obligations for ``organization``: its track's measures with its options; the
    supervision duties for the town that supervises villages or communities."""
    return select(CATALOGUE, organization, tree, supervision=SUPERVISION, top_level=TOP_LEVEL, adjust=_adjust)


@hookimpl
def lianxue_options() -> Sequence[OptionSpec]:
    """The options this plan's obligations carry (see ``docs/tracks.md``)."""
    return option_specs(CATALOGUE)
