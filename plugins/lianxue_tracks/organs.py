"""Plan 1 (附件1): county organs and public institutions (县机关部门、事业单位), track ``organs``."""

from __future__ import annotations

from collections.abc import Sequence

from lianxue_core import ActivityKind, Audience, Cadence, Obligation, OrgKind, Track, hookimpl

from ._source import SECTION_MEASURES, plan_clause

TRACK = Track(
    key="organs",
    name="县机关部门、事业单位",
    plan=1,
    description="县级机关部门、事业单位的党委（党组）、机关党支部及其党员。",
    supervised_by="县直机关党工委",
)

ITEM1 = "1．专题学习强党性"

CATALOGUE: tuple[Obligation, ...] = (
    Obligation(
        id="organs.secretary-lecture",
        track="organs",
        title="党委（党组）书记为全体党员上党课",
        kind=ActivityKind.LECTURE,
        cadence=Cadence.yearly(),
        applies_to=[OrgKind.COMMITTEE, OrgKind.PARTY_GROUP],
        leads=Audience.SECRETARY,
        attends=Audience.ALL_MEMBERS,
        source=plan_clause(
            1, SECTION_MEASURES, ITEM1, "单位党委（党组）书记要结合学习教育集中部署，为全体党员上一堂党课。"
        ),
    ),
    Obligation(
        id="organs.quarterly-meeting",
        track="organs",
        title="机关党支部全体党员会议（专题研讨）",
        kind=ActivityKind.MEETING,
        cadence=Cadence.quarterly(),
        applies_to=[OrgKind.BRANCH],
        source=plan_clause(
            1, SECTION_MEASURES, ITEM1, "各机关党支部每季度要召开一次全体党员会议，每次围绕一个专题组织研讨。"
        ),
    ),
)


@hookimpl
def lianxue_tracks() -> Sequence[Track]:
    return [TRACK]


@hookimpl
def lianxue_catalogue() -> Sequence[Obligation]:
    return CATALOGUE
