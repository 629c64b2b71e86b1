"""The zones' obligations, each citing its clause of plan 4 (附件4) of 德组通〔2016〕18号 verbatim."""

from __future__ import annotations

from lianxue_core import ActivityKind, Audience, Cadence, Obligation, OrgKind, Source, Track

from .zones import TRACK_KEY

__all__ = ["CATALOGUE", "FORUM", "FOUR_X", "INSPECTION", "MICRO_STUDY", "TRACK"]

DOCUMENT = "德组通〔2016〕18号"
PLAN_TITLE = "关于在两新组织党员中开展“两学一做”学习教育的指导方案"
MEASURES = "二、主要举措"
REQUIREMENTS = "三、有关要求"
ITEM1 = "1．健全机制常态学"
ITEM2 = "2．创新方式敞开学"


def _clause(section: str, item: str, quote: str) -> Source:
    return Source(document=DOCUMENT, plan=4, title=PLAN_TITLE, section=section, item=item, quote=quote)


TRACK = Track(
    key=TRACK_KEY,
    name="开发区（园区）",
    plan=4,
    description="开发区、临杭工业区、科技新城等园区党（工）委，指导督查所辖两新组织党组织。",
    supervised_by="县委",
)

FORUM = "devzone.forum"
FOUR_X = "devzone.four-x"
MICRO_STUDY = "devzone.micro-study"
INSPECTION = "devzone.inspection"

ZONE_LEVEL = (OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE)
BRANCH_LEVEL = (OrgKind.GENERAL_BRANCH, OrgKind.BRANCH)
SUPERVISED_LEVEL = (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH)

CATALOGUE: tuple[Obligation, ...] = (
    Obligation(
        id=FORUM,
        track=TRACK_KEY,
        title="书记论坛",
        kind=ActivityKind.STUDY,
        cadence=Cadence.quarterly(),
        applies_to=ZONE_LEVEL,
        leads=Audience.SECRETARY,
        attends=Audience.SUBORDINATE_SECRETARIES,
        description="园区党（工）委召集所辖两新组织党组织书记举办“书记论坛”，交流学习教育做法"
        "（默认每季度一次，选项 forum_cadence）。",
        source=_clause(
            MEASURES,
            ITEM1,
            "各镇（街道）、开发区、临杭工业区、科技新城要指导所辖两新组织党组织建立健全党员学习教育各项制度，"
            "推行“书记论坛”、党员学习积分制等做法，推动两新组织党员学习教育常态化。",
        ),
        options={"forum_cadence": "quarterly", "forum_book_secretaries": False},
    ),
    Obligation(
        id=FOUR_X,
        track=TRACK_KEY,
        title="“4+X”创意组织生活",
        kind=ActivityKind.MEETING,
        cadence=Cadence.monthly(),
        applies_to=BRANCH_LEVEL,
        leads=Audience.SECRETARY,
        attends=Audience.ALL_MEMBERS,
        description="本月组织生活按园区推广的“4+X”创意组织生活开展：规定动作之外，结合企业实际自选创意内容"
        "（月末提醒，可与本月主题党日一并开展；选项 four_x、four_x_cadence）。",
        source=_clause(
            MEASURES,
            ITEM2,
            "各镇（街道）、开发区、临杭工业区、科技新城要全面推广“4+X”创意组织生活，"
            "引导两新组织党组织与时俱进创新教育管理方式",
        ),
        # A month-end reminder, not a second meeting: it books nobody, so it moves nothing else.
        all_day=True,
        options={"four_x": True, "four_x_cadence": "monthly"},
    ),
    Obligation(
        id=MICRO_STUDY,
        track=TRACK_KEY,
        title="每日微学习（每日小故事、每日小测试、党章一句话）",
        kind=ActivityKind.STUDY,
        cadence=Cadence.monthly(),
        applies_to=BRANCH_LEVEL,
        leads=Audience.SECRETARY,
        attends=Audience.ALL_MEMBERS,
        description="本月每天通过微信群等推送“每日小故事”“每日小测试”“党章一句话”，月末汇总党员参与情况"
        "（每月一条全天事项代替每天一条，选项 micro_study，默认关闭）。",
        source=_clause(
            MEASURES,
            ITEM2,
            "通过开展“每日小故事”、“每日小测试”、“党章一句话”等方式，提升组织生活对党员的吸引力和感染力。",
        ),
        all_day=True,
        options={"micro_study": False},
    ),
    Obligation(
        id=INSPECTION,
        track=TRACK_KEY,
        title="园区专人督查",
        kind=ActivityKind.VISIT,
        cadence=Cadence.quarterly(),
        applies_to=SUPERVISED_LEVEL,
        leads=Audience.SUPERVISOR,
        attends=Audience.ORGANIZATION,
        description="园区落实的专人到所辖两新组织党组织指导督查学习教育开展情况"
        "（默认每季度一轮，每轮每个党组织一次；选项 zone_inspector、inspection_cadence、inspection_minutes）。",
        source=_clause(
            REQUIREMENTS,
            "",
            "各镇（街道）、开发区、临杭工业区、科技新城要落实专人负责，加强对所辖两新组织党组织学习教育的指导督查，"
            "确保两新组织学习教育有人抓、有人管、有成效。",
        ),
        minutes=60,
        options={"inspection_cadence": "quarterly"},
    ),
)
