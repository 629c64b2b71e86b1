"""The built-in track plugins: every clause of the four plans accounted for, quoted verbatim, and
expanded to the right counts for a year.

The plans are in ``plugins/lianxue_tracks/sources/dezutong-2016-18.txt``; the standing branch rules
quote ``sources/zhibu-tiaoli-2018-excerpt.txt``. Counts use :func:`lianxue_core.scheduling.periods`, a
plain expansion of a cadence into the periods of a year.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterable
from types import ModuleType

import pytest

from lianxue_core import (
    ActivityKind,
    Audience,
    CadenceKind,
    Obligation,
    OrganizationTree,
    OrgKind,
    PluginError,
    PluginHost,
)
from lianxue_core.cli import main
from lianxue_core.scheduling import periods
from lianxue_core.testing import TreeBuilder, check_plugin_contract
from lianxue_tracks import branch_rules, organs, town, two_new, village
from lianxue_tracks._common import DEFAULTS
from lianxue_tracks._source import (
    BRANCH_RULES_DOCUMENT,
    PLAN_TITLES,
    SECTION_MEASURES,
    SECTION_REQUIREMENTS,
    branch_rules_text,
    source_text,
)

YEAR = 2026

#: The built-in plugins by entry-point name (pyproject.toml), with the plan each implements.
BUILTINS: dict[str, ModuleType] = {
    "organs": organs,
    "town": town,
    "village": village,
    "two-new": two_new,
    "branch-rules": branch_rules,
}
PLAN_MODULES = {1: organs, 2: town, 3: village, 4: two_new}
PLAN_CATALOGUE = [ob for module in PLAN_MODULES.values() for ob in module.CATALOGUE]
ALL_CATALOGUE = [*PLAN_CATALOGUE, *branch_rules.CATALOGUE]


def builtin_host(*, blocked: Iterable[str] = ()) -> PluginHost:
    """A host with exactly the built-in plugins (no third-party plugin installed alongside)."""
    return PluginHost(
        autoload=False,
        plugins=[(name, module) for name, module in BUILTINS.items() if name not in set(blocked)],
        environ={},
    )


# -- the source text, split by plan, section and item ------------------------------------------------


def _plan_bodies(text: str) -> dict[int, str]:
    """The text of each plan, from its 二、主要举措 to the next plan (or the end)."""
    starts = [m.start() for m in re.finditer(re.escape(SECTION_MEASURES), text)]
    assert len(starts) == 4, "the source should hold four plans"
    ends = [*starts[1:], len(text)]
    bodies = {}
    for n, (start, end) in enumerate(zip(starts, ends, strict=True), start=1):
        body = text[start:end]
        # The next plan's title and 一、目标任务 come before its 二、主要举措: cut at the title.
        title_at = body.find("\n关于在")
        bodies[n] = body if title_at < 0 else body[:title_at]
    return bodies


def sections(plan: int) -> dict[tuple[str, str], str]:
    """The paragraphs of plan ``plan``'s 二 and 三 sections, keyed by (section, item heading)."""
    body = _plan_bodies(source_text())[plan]
    measures, requirements = body.split(SECTION_REQUIREMENTS)
    out: dict[tuple[str, str], str] = {}
    for line in measures.removeprefix(SECTION_MEASURES).splitlines():
        line = line.strip()
        if not line:
            continue
        heading, _, rest = line.partition("。")
        assert re.match(r"^\d．", heading), f"item paragraph without a heading: {line[:20]}"
        out[(SECTION_MEASURES, heading)] = rest
    out[(SECTION_REQUIREMENTS, "")] = "".join(line.strip() for line in requirements.splitlines())
    return out


def sentences(paragraph: str) -> list[str]:
    """The sentences of a paragraph, split on 。 and ；."""
    return [s.strip() for s in re.split("[。；]", paragraph) if s.strip()]


#: Sentences that are pure framing, with no requirement. Empty: every sentence of every plan's
#: 二、主要举措 and 三、有关要求 asks for something, and each is quoted by at least one obligation.
FRAMING: frozenset[str] = frozenset()


# -- quotes, locations and coverage ------------------------------------------------------------------


def test_sources_are_shipped() -> None:
    assert "德组通〔2016〕18号" in source_text()
    assert "第十一条" in branch_rules_text()


@pytest.mark.parametrize("ob", ALL_CATALOGUE, ids=lambda o: o.id)
def test_every_quote_is_verbatim(ob: Obligation) -> None:
    text = branch_rules_text() if ob.id.startswith("branch.") else source_text()
    assert ob.source.quote in text, f"{ob.id}: the quote is not in the source text"


@pytest.mark.parametrize("ob", PLAN_CATALOGUE, ids=lambda o: o.id)
def test_every_plan_quote_is_in_its_cited_item(ob: Obligation) -> None:
    src = ob.source
    assert src.plan in PLAN_TITLES
    assert src.title == PLAN_TITLES[src.plan]
    paragraphs = sections(src.plan)
    assert (src.section, src.item) in paragraphs, f"{ob.id}: no item {src.item!r} in {src.section}"
    assert src.quote.rstrip("。") in paragraphs[(src.section, src.item)], (
        f"{ob.id}: the quote is not in plan {src.plan} {src.section} {src.item}"
    )


@pytest.mark.parametrize("plan", [1, 2, 3, 4])
def test_every_requirement_sentence_is_covered(plan: int) -> None:
    quotes = [ob.source.quote.rstrip("。") for ob in PLAN_MODULES[plan].CATALOGUE]
    uncovered = [
        f"{section} {item}: {sentence}"
        for (section, item), paragraph in sections(plan).items()
        for sentence in sentences(paragraph)
        if sentence not in FRAMING and not any(q in sentence or sentence in q for q in quotes)
    ]
    assert not uncovered, f"plan {plan}: sentences no obligation quotes:\n" + "\n".join(uncovered)


def test_every_item_of_every_plan_has_obligations() -> None:
    for plan, module in PLAN_MODULES.items():
        cited = {(ob.source.section, ob.source.item) for ob in module.CATALOGUE}
        assert cited == set(sections(plan)), f"plan {plan}"


def test_branch_rules_cite_their_own_document() -> None:
    for ob in branch_rules.CATALOGUE:
        assert ob.source.document == BRANCH_RULES_DOCUMENT
        assert ob.source.plan is None
        assert ob.source.item.startswith("第")
        assert ob.source.item.endswith("条")
        assert ob.track == "*"
        assert ob.id.startswith("branch.")


# -- the shape of the catalogues ---------------------------------------------------------------------


@pytest.mark.parametrize(("name", "module"), BUILTINS.items())
def test_every_builtin_plugin_keeps_the_contract(name: str, module: ModuleType) -> None:
    check_plugin_contract(module, name)


def test_catalogues_are_tuples_and_ids_unique() -> None:
    for module in BUILTINS.values():
        assert isinstance(module.CATALOGUE, tuple)
    ids = [ob.id for ob in ALL_CATALOGUE]
    assert len(ids) == len(set(ids))


def test_guidance_iff_no_cadence() -> None:
    for ob in ALL_CATALOGUE:
        assert (ob.kind is ActivityKind.GUIDANCE) == (ob.cadence.kind is CadenceKind.NONE), ob.id
        assert ob.title.strip(), ob.id
        assert ob.description.strip(), ob.id


def test_after_and_combines_with_name_real_obligations() -> None:
    ids = {ob.id for ob in ALL_CATALOGUE}
    for ob in ALL_CATALOGUE:
        assert set(ob.after) <= ids, ob.id
        assert set(ob.combines_with) <= ids, ob.id
        assert ob.id not in ob.after
        assert ob.id not in ob.combines_with


def test_tracks_registered() -> None:
    host = builtin_host()
    assert sorted(host.tracks()) == ["community", "organs", "town", "two-new", "village"]
    assert {t.plan for t in host.tracks().values()} == {1, 2, 3, 4}


def test_village_and_community_differ_where_the_plan_does() -> None:
    slugs = {t: {ob.id.split(".", 1)[1] for ob in village.CATALOGUE if ob.track == t} for t in ("village", "community")}
    village_only = slugs["village"] - slugs["community"]
    community_only = slugs["community"] - slugs["village"]
    assert {"standard-line-discussion", "five-ten-rules", "review-decision"} <= village_only
    assert {"four-norms", "life-meeting", "demolition-lead"} <= community_only
    assert {"monthly-study", "july1-lecture", "quarterly-meeting", "member-talks", "home-study"} <= (
        slugs["village"] & slugs["community"]
    )


def by_quote(fragment: str, catalogue: Iterable[Obligation] = ALL_CATALOGUE, track: str | None = None) -> Obligation:
    """The one obligation (of ``track``) whose quote contains ``fragment``."""
    found = [ob for ob in catalogue if fragment in ob.source.quote and (track is None or ob.track == track)]
    assert len(found) == 1, f"{fragment!r}: {[o.id for o in found]}"
    return found[0]


def counts(obs: Iterable[Obligation]) -> tuple[int, int]:
    obs = list(obs)
    sched = sum(1 for o in obs if o.schedulable)
    return sched, len(obs) - sched


# -- a county to plan for ----------------------------------------------------------------------------


@pytest.fixture
def tree() -> OrganizationTree:
    return (
        TreeBuilder()
        .org("jgdgw", "县直属机关党工委", kind="working-committee")
        .org("zzb", "县委组织部机关党支部", track="organs", parent="jgdgw", members=30)
        .org("jyj", "县教育局党委", kind="committee", track="organs", parent="jgdgw", members=80)
        .org("xinshi", "新市镇党委", kind="committee", track="town", members=60)
        .org("xinshi-jg", "新市镇机关党支部", track="town", parent="xinshi", members=45)
        .org("zhuangcun", "庄村党支部", track="village", parent="xinshi", members=30, households=200)
        .org("zhuangcun-1", "庄村第一党小组", kind="group", track="village", parent="zhuangcun", members=12)
        .org("dongcun", "东村党支部", track="village", parent="xinshi", members=20, households=120)
        .org("sq", "新市社区党支部", track="community", parent="xinshi", members=25)
        .org("kfq", "开发区党工委", kind="working-committee")
        .org("qiye", "某公司党支部", track="two-new", parent="kfq", members=12)
        .org("qiye-big", "某集团党支部", track="two-new", parent="kfq", members=40)
        .org("shetuan", "某协会党支部", track="two-new", supervisor="xinshi", members=5)
        .member("m1", "张三", "xinshi", roles=["secretary"])
        .member("m2", "李四", "xinshi", roles=["leader"], links=["dongcun"])
        .member("v1", "王五", "dongcun", roles=["secretary"])
        .member("v2", "赵六", "dongcun", flags=["elderly"])
        .member("v3", "钱七", "dongcun", flags=["mobility-impaired", "elderly"])
        .member("v4", "孙八", "dongcun")
        .build()
    )


def ids_for(host: PluginHost, tree: OrganizationTree, org: str) -> set[str]:
    return {ob.id for ob in host.obligations_for(tree[org], tree, YEAR)}


def ob_for(host: PluginHost, tree: OrganizationTree, org: str, ob_id: str) -> Obligation:
    found = [ob for ob in host.obligations_for(tree[org], tree, YEAR) if ob.id == ob_id]
    assert found, f"{org} has no {ob_id}"
    return found[0]


# -- plan 1: organs ----------------------------------------------------------------------------------


def test_organs_quarterly_meeting_combines_with_party_congress(tree: OrganizationTree) -> None:
    ob = by_quote("各机关党支部每季度要召开一次全体党员会议")
    assert ob.id == "organs.quarterly-meeting"
    assert len(periods(ob.cadence, YEAR)) == 4
    assert ob.combines_with == ("branch.party-congress",)
    host = builtin_host()
    assert {"organs.quarterly-meeting", "branch.party-congress"} <= ids_for(host, tree, "zzb")
    assert "organs.quarterly-meeting" not in ids_for(host, tree, "jyj")


def test_organs_year_end_and_attendance(tree: OrganizationTree) -> None:
    ob = by_quote("年底前，领导班子要开好专题民主生活会")
    assert ob.cadence.kind is CadenceKind.DEADLINE
    assert ob.cadence.window_dates(YEAR) == (dt.date(YEAR, 11, 1), dt.date(YEAR, 12, 31))
    assert set(ob.applies_to) == {OrgKind.COMMITTEE, OrgKind.PARTY_GROUP}
    leaders = by_quote("领导班子成员要参加所在支部的专题组织生活会")
    assert leaders.attends is Audience.LEADERS
    assert leaders.combines_with == ("organs.life-meeting",)


def test_organs_supervised_by_the_organs_working_committee(tree: OrganizationTree) -> None:
    host = builtin_host()
    assert "organs.supervision" in ids_for(host, tree, "jgdgw")
    # The unit's own 党委 supervises its branches but is not the 机关党工委.
    assert "organs.supervision" not in ids_for(host, tree, "jyj")
    assert "organs.supervision" not in ids_for(host, tree, "kfq")
    sup = ob_for(host, tree, "jgdgw", "organs.supervision")
    assert sup.kind is ActivityKind.DUTY
    assert len(periods(sup.cadence, YEAR)) == 4


def test_organs_set_up_duties_are_once() -> None:
    for fragment in ("建立机关党员固定活动日制度", "探索建立党员学习教育积分管理制度"):
        ob = by_quote(fragment)
        assert ob.kind is ActivityKind.DELIVERABLE
        assert ob.cadence.kind is CadenceKind.ONCE


# -- plan 2: town ------------------------------------------------------------------------------------


def test_town_weekly_study_is_weekly_for_the_committee(tree: OrganizationTree) -> None:
    ob = by_quote("镇（街道）党（工）委每周组织1次集中学习")
    assert ob.cadence.kind is CadenceKind.WEEKLY
    assert set(ob.applies_to) == {OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE}
    assert len(periods(ob.cadence, YEAR)) == 53  # ISO 2026 has 53 weeks
    assert len(periods(ob.cadence, 2025)) == 52
    host = builtin_host()
    assert "town.weekly-study" in ids_for(host, tree, "xinshi")
    assert "town.weekly-study" not in ids_for(host, tree, "xinshi-jg")
    assert "town.monthly-seminar" in ids_for(host, tree, "xinshi-jg")


def test_town_monthly_seminar_for_branches() -> None:
    ob = by_quote("各党支部每月确定一个主题，开展1次集中研讨")
    assert len(periods(ob.cadence, YEAR)) == 12
    assert set(ob.applies_to) == {OrgKind.GENERAL_BRANCH, OrgKind.BRANCH}


def test_town_leaders_visit_every_household_of_linked_villages(tree: OrganizationTree) -> None:
    ob = by_quote("每名领导干部年内要走遍联系村所有农户")
    assert ob.cadence.kind is CadenceKind.PER_HOUSEHOLD
    assert ob.cadence.within is CadenceKind.YEARLY
    assert ob.leads is Audience.LEADERS
    assert ob.attend_links
    assert ob.options["record_each_visit"] is True
    assert ob.load_per_week == 30
    # The leader m2 is linked to dongcun: 120 households, one visit each within the year.
    leader = tree.member("m2")
    households = sum(tree[link].households or 0 for link in leader.links)
    assert len(periods(ob.cadence, YEAR)) * households == 120
    weeks = -(-households // ob.load_per_week)
    assert weeks == 4


def test_town_cadres_pair_with_one_or_two_households() -> None:
    ob = by_quote("每名镇（街道）干部结对联系1—2户困难党员群众")
    assert ob.cadence.kind is CadenceKind.PER_MEMBER
    assert ob.attends is Audience.CADRES
    assert ob.options["households_min"] == 1
    assert ob.options["households_max"] == 2
    assert ob.options["households_per_cadre"] == 2


def test_town_leaders_attend_linked_villages_life_meetings() -> None:
    ob = by_quote("并参加指导联系村（社区）专题组织生活会")
    assert ob.attends is Audience.LEADERS
    assert ob.attend_links
    assert set(ob.combines_with) == {"village.review-meeting", "community.life-meeting"}
    own = by_quote("班子成员以普通党员身份参加所在支部的组织生活会")
    assert own.attends is Audience.LEADERS
    assert not own.attend_links


def test_town_supervises_its_villages_communities_and_two_new(tree: OrganizationTree) -> None:
    host = builtin_host()
    got = ids_for(host, tree, "xinshi")
    assert {"town.supervision", "village.town-supervision", "community.town-supervision"} <= got
    # xinshi supervises 某协会党支部 (supervisor = xinshi): the two-new duties apply.
    assert {"two-new.supervision", "two-new.designated-person"} <= got
    # A village branch is not a supervisor of villages.
    assert "village.town-supervision" not in ids_for(host, tree, "dongcun")


def test_town_work_plan_once() -> None:
    ob = by_quote("各镇（街道）党（工）委要结合实际制定细化工作方案")
    assert ob.kind is ActivityKind.DELIVERABLE
    assert ob.cadence.kind is CadenceKind.ONCE


# -- plan 3: village and community -------------------------------------------------------------------


def test_village_year_counts(tree: OrganizationTree) -> None:
    host = builtin_host()
    obs = {ob.id: ob for ob in host.obligations_for(tree["dongcun"], tree, YEAR)}
    # 12 monthly "三个一" studies
    assert len(periods(obs["village.monthly-study"].cadence, YEAR)) == 12
    # 4 quarterly all-member meetings, one activity with the 支部党员大会 of each quarter
    assert len(periods(obs["village.quarterly-meeting"].cadence, YEAR)) == 4
    assert obs["village.quarterly-meeting"].combines_with == ("branch.party-congress",)
    assert len(periods(obs["branch.party-congress"].cadence, YEAR)) == 4
    # one 七一 lecture in its window
    lecture = periods(obs["village.july1-lecture"].cadence, YEAR)
    assert len(lecture) == 1
    assert (lecture[0].first, lecture[0].last) == (dt.date(YEAR, 6, 16), dt.date(YEAR, 7, 16))
    assert dt.date(YEAR, 7, 1) in lecture[0]
    # a talk with every member
    talks = obs["village.member-talks"]
    assert talks.cadence.kind is CadenceKind.PER_MEMBER
    assert talks.attends is Audience.ALL_MEMBERS
    assert len(periods(talks.cadence, YEAR)) * tree.member_count("dongcun") == 20


def test_village_review_in_four_ordered_steps(tree: OrganizationTree) -> None:
    """个人自评、党员互评、民主测评 are the agenda of one 全体党员会议, in that order; 组织评定 follows it."""
    host = builtin_host()
    obs = {ob.id: ob for ob in host.obligations_for(tree["dongcun"], tree, YEAR)}
    steps = ["village.review-self", "village.review-peer", "village.review-poll", "village.review-decision"]
    assert set(steps) <= set(obs)
    in_meeting = [o.id for o in obs.values() if o.part_of == "village.review-meeting"]
    assert in_meeting == steps[:3]  # catalogue order is the agenda's order
    assert "village.review-meeting" in obs["village.review-decision"].after
    assert "village.member-talks" in obs["village.review-decision"].after
    assert topological(obs.values()).index("village.review-self") < topological(obs.values()).index(
        "village.review-decision"
    )
    for step in steps:
        assert periods(obs[step].cadence, YEAR)[0].last == dt.date(YEAR, 12, 31)
    grades = obs["village.review-decision"].options["review_grades"]
    assert grades == ("优秀", "合格", "基本合格", "不合格")


def topological(obs: Iterable[Obligation]) -> list[str]:
    """Ids ordered so every obligation comes after those in its ``after`` (a check the chains are acyclic)."""
    pending = {ob.id: set(ob.after) for ob in obs}
    order: list[str] = []
    while pending:
        ready = sorted(k for k, deps in pending.items() if not deps - set(order) or not deps & set(pending))
        assert ready, f"cycle among {sorted(pending)}"
        order += ready
        for k in ready:
            del pending[k]
    return order


def test_village_monthly_study_has_every_member_speak(tree: OrganizationTree) -> None:
    ob = next(o for o in village.CATALOGUE if o.id == "village.member-reflection")
    assert ob.source.quote == "每名党员谈一次学习心得"
    assert ob.cadence.kind is CadenceKind.PER_MEMBER
    assert ob.cadence.within is CadenceKind.MONTHLY
    assert ob.combines_with == ("village.monthly-study",)
    assert len(periods(ob.cadence, YEAR)) * tree.member_count("dongcun") == 12 * 20


def test_village_home_study_for_flagged_members(tree: OrganizationTree) -> None:
    ob = by_quote("开展送学上门、送讲上门服务", track="village")
    assert set(ob.for_flags) == {"elderly", "mobility-impaired", "cognitive-difficulty"}
    assert ob.cadence.kind is CadenceKind.PER_MEMBER
    assert ob.cadence.within is CadenceKind.MONTHLY
    assert ob.after == ("village.monthly-study",)
    flagged = [m for m in tree.members_of("dongcun") if {str(f) for f in m.flags} & set(ob.for_flags)]
    assert len(periods(ob.cadence, YEAR)) * len(flagged) == 24


def test_village_set_up_duties(tree: OrganizationTree) -> None:
    rules = by_quote("讨论制定本村党员日常行为“五带头十不准”")
    assert rules.id == "village.five-ten-rules"
    assert rules.kind is ActivityKind.DELIVERABLE
    assert rules.cadence.kind is CadenceKind.ONCE
    assert rules.after == ("village.standard-line-discussion",)
    plan = by_quote("纳入年度组织生活计划，科学确定每月活动主题", track="village")
    assert plan.kind is ActivityKind.DELIVERABLE
    assert "village.monthly-study" in plan.precedes  # due before the first monthly activity it governs
    assert plan.cadence.window_dates(YEAR)[1] == dt.date(YEAR, 1, 31)


def test_village_branch_with_groups_leaves_studies_to_groups(tree: OrganizationTree) -> None:
    host = builtin_host()
    assert "village.monthly-study" not in ids_for(host, tree, "zhuangcun")
    assert "village.monthly-study" in ids_for(host, tree, "zhuangcun-1")
    assert "branch.group-meeting" in ids_for(host, tree, "zhuangcun-1")
    assert "village.quarterly-meeting" in ids_for(host, tree, "zhuangcun")


def test_community_rules(tree: OrganizationTree) -> None:
    host = builtin_host()
    got = ids_for(host, tree, "sq")
    assert {"community.four-norms", "community.life-meeting", "community.monthly-study"} <= got
    assert not any(i.startswith("village.") for i in got)
    assert "community.review-decision" not in {ob.id for ob in village.CATALOGUE}
    meeting = ob_for(host, tree, "sq", "community.life-meeting")
    assert set(meeting.combines_with) == {"branch.life-meeting", "branch.member-review"}


# -- plan 4: two-new ---------------------------------------------------------------------------------


def test_two_new_july1_lecture_and_quarterly_meeting() -> None:
    lecture = by_quote("“七一”前后，各两新组织党组织还要集中安排一次党课")
    assert lecture.cadence.kind is CadenceKind.WINDOW
    assert lecture.cadence.anchor == (7, 1)
    assert lecture.options == {"july1_before": 15, "july1_after": 15}
    meeting = by_quote("每季度确定一个主题召开全体党员会议")
    assert len(periods(meeting.cadence, YEAR)) == 4


def test_two_new_review_steps_and_large_branches(tree: OrganizationTree) -> None:
    host = builtin_host()
    small = {ob.id: ob for ob in host.obligations_for(tree["qiye"], tree, YEAR)}
    big = {ob.id: ob for ob in host.obligations_for(tree["qiye-big"], tree, YEAR)}
    steps = ["two-new.review-self", "two-new.review-peer", "two-new.review-poll"]
    # the three steps are held in the one 专题组织生活会, in order; 组织评定 and 整改 come after it
    assert [o.id for o in small.values() if o.part_of == "two-new.life-meeting"] == steps
    assert "two-new.life-meeting" in small["two-new.review-decision"].after
    assert "two-new.life-meeting" in small["two-new.rectification"].after
    assert "two-new.member-talks" in small["two-new.review-decision"].after
    assert small["two-new.review-self"].options["by_group"] is False
    assert big["two-new.review-self"].options["by_group"] is True
    assert big["two-new.review-peer"].options["by_group"] is True
    assert "by_group" not in big["two-new.review-poll"].options
    topological(big.values())


def test_two_new_supervised_by_the_development_zone(tree: OrganizationTree) -> None:
    host = builtin_host()
    got = ids_for(host, tree, "kfq")
    assert {"two-new.supervision", "two-new.designated-person", "two-new.supervisor-guide-systems"} <= got
    assert "organs.supervision" not in got
    assert "two-new.supervision" not in ids_for(host, tree, "qiye")
    assert "two-new.membership-audit" in ids_for(host, tree, "qiye")


# -- the standing branch rules -----------------------------------------------------------------------


def test_branch_rules_frequencies() -> None:
    expected = {
        "branch.party-congress": 4,
        "branch.committee-meeting": 12,
        "branch.group-meeting": 12,
        "branch.party-lecture": 4,
        "branch.theme-day": 12,
        "branch.life-meeting": 1,
        "branch.member-review": 1,
        "branch.heart-talks": 1,
    }
    catalogue = {ob.id: ob for ob in branch_rules.CATALOGUE}
    for ob_id, n in expected.items():
        assert len(periods(catalogue[ob_id].cadence, YEAR)) == n, ob_id
    assert catalogue["branch.group-meeting"].applies_to == (OrgKind.GROUP,)
    life = periods(catalogue["branch.life-meeting"].cadence, YEAR)[0]
    assert (life.first, life.last) == (dt.date(YEAR, 10, 1), dt.date(YEAR, 12, 31))


def test_branch_rules_apply_to_every_track(tree: OrganizationTree) -> None:
    host = builtin_host()
    for org in ("zzb", "xinshi-jg", "dongcun", "sq", "qiye"):
        assert "branch.party-congress" in ids_for(host, tree, org), org
    assert "branch.party-congress" not in ids_for(host, tree, "xinshi")


def test_small_branch_has_no_committee_meeting(tree: OrganizationTree) -> None:
    host = builtin_host()
    assert "branch.committee-meeting" not in ids_for(host, tree, "shetuan")  # 5 members
    assert "branch.committee-meeting" in ids_for(host, tree, "qiye")
    forced = TreeBuilder().org("x", track="two-new", members=5, branch_committee=True).build()
    assert "branch.committee-meeting" in ids_for(host, forced, "x")


def test_blocking_branch_rules_removes_them(tree: OrganizationTree) -> None:
    host = builtin_host(blocked=["branch-rules"])
    got = ids_for(host, tree, "dongcun")
    assert got
    assert not any(i.startswith("branch.") for i in got)
    assert not any(ob.id.startswith("branch.") for ob in host.catalogue())
    blocked = PluginHost(autoload=True, environ={"LIANXUE_BLOCK_PLUGINS": "branch-rules"})
    assert not any(ob.track == "*" and ob.id.startswith("branch.") for ob in blocked.catalogue())


def test_branch_rules_option_switches_them_off() -> None:
    host = builtin_host()
    t = TreeBuilder().org("v", track="village", members=10, branch_rules=False).build()
    got = ids_for(host, t, "v")
    assert "village.monthly-study" in got
    assert not any(i.startswith("branch.") for i in got)


def test_plan_obligations_that_share_a_period_name_the_standing_rule() -> None:
    pairs = {
        "village.quarterly-meeting": "branch.party-congress",
        "community.quarterly-meeting": "branch.party-congress",
        "organs.quarterly-meeting": "branch.party-congress",
        "two-new.quarterly-meeting": "branch.party-congress",
        "village.july1-lecture": "branch.party-lecture",
        "two-new.july1-lecture": "branch.party-lecture",
        "village.member-talks": "branch.heart-talks",
        "two-new.member-talks": "branch.heart-talks",
        "organs.life-meeting": "branch.life-meeting",
        "two-new.life-meeting": "branch.life-meeting",
        "village.review-meeting": "branch.member-review",
        "organs.fixed-day": "branch.theme-day",
    }
    catalogue = {ob.id: ob for ob in ALL_CATALOGUE}
    for plan_id, rule_id in pairs.items():
        assert rule_id in catalogue[plan_id].combines_with, plan_id
        # Some period of the plan obligation overlaps some period of the standing rule.
        assert any(
            p.first <= r.last and r.first <= p.last
            for p in periods(catalogue[plan_id].cadence, YEAR)
            for r in periods(catalogue[rule_id].cadence, YEAR)
        ), plan_id


# -- options -----------------------------------------------------------------------------------------


def test_july1_window_option(tree: OrganizationTree) -> None:
    host = builtin_host()
    t = TreeBuilder().org("v", track="village", members=10, july1_before=30, july1_after=0).build()
    ob = ob_for(host, t, "v", "village.july1-lecture")
    assert ob.cadence.window_dates(YEAR) == (dt.date(YEAR, 6, 1), dt.date(YEAR, 7, 1))
    assert ob.options == {"july1_before": 30, "july1_after": 0}
    default = ob_for(host, tree, "dongcun", "village.july1-lecture")
    assert default.cadence.window_dates(YEAR) == (dt.date(YEAR, 6, 16), dt.date(YEAR, 7, 16))


def test_year_end_lead_option() -> None:
    host = builtin_host()
    t = TreeBuilder().org("q", track="two-new", members=10, year_end_lead=30).build()
    ob = ob_for(host, t, "q", "two-new.life-meeting")
    assert ob.cadence.window_dates(YEAR) == (dt.date(YEAR, 12, 1), dt.date(YEAR, 12, 31))


def test_large_branch_threshold_option() -> None:
    host = builtin_host()
    t = TreeBuilder().org("q", track="two-new", members=12, large_branch_members=10).build()
    assert ob_for(host, t, "q", "two-new.review-self").options["by_group"] is True


def test_review_grades_option() -> None:
    host = builtin_host()
    t = TreeBuilder().org("v", track="village", members=10, review_grades=["好", "较好", "一般", "差"]).build()
    assert ob_for(host, t, "v", "village.review-decision").options["review_grades"] == ("好", "较好", "一般", "差")


def test_lecture_per_link_option() -> None:
    host = builtin_host()
    t = TreeBuilder().org("z", kind="committee", track="town", lecture_per_link=True).build()
    assert ob_for(host, t, "z", "town.leader-lecture-links").lecture_per_link is True
    assert town.CATALOGUE[3].lecture_per_link is False


def test_party_lecture_and_supervision_cadence_options(tree: OrganizationTree) -> None:
    host = builtin_host()
    t = TreeBuilder().org("b", track="organs", members=10, party_lecture_cadence="monthly").build()
    assert len(periods(ob_for(host, t, "b", "branch.party-lecture").cadence, YEAR)) == 12
    assert len(periods(ob_for(host, tree, "dongcun", "branch.party-lecture").cadence, YEAR)) == 4
    t = (
        TreeBuilder()
        .org("z", kind="committee", track="town", supervision_cadence="monthly")
        .org("v", track="village", parent="z")
        .build()
    )
    assert len(periods(ob_for(host, t, "z", "village.town-supervision").cadence, YEAR)) == 12


def test_fixed_day_option_reaches_the_theme_day() -> None:
    host = builtin_host()
    t = TreeBuilder().org("b", track="village", members=10, fixed_day=15).build()
    assert ob_for(host, t, "b", "branch.theme-day").options["fixed_day"] == 15


@pytest.mark.parametrize(
    ("key", "value", "track", "kind"),
    [
        ("july1_before", -1, "village", "branch"),
        ("july1_after", "15", "two-new", "branch"),
        ("year_end_lead", True, "organs", "branch"),
        ("large_branch_members", 0, "two-new", "branch"),
        ("review_grades", "优秀", "village", "branch"),
        ("lecture_per_link", "yes", "town", "committee"),
        ("party_lecture_cadence", "weekly", "community", "branch"),
        ("supervision_cadence", 4, "organs", "working-committee"),
        ("branch_rules", "no", "village", "branch"),
        ("branch_committee", "yes", "village", "branch"),
    ],
)
def test_bad_option_is_an_error_naming_organization_and_option(key: str, value: object, track: str, kind: str) -> None:
    host = builtin_host()
    t = (
        TreeBuilder()
        .org("bad", kind=kind, track=None if kind == "working-committee" else track, members=10, **{key: value})
        .org("child", track=track, parent="bad")
        .build()
    )
    with pytest.raises(PluginError, match=rf"organization 'bad': option '{key}' must be"):
        host.obligations_for(t["bad"], t, YEAR)


def test_defaults_are_documented() -> None:
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "tracks.md").read_text(encoding="utf-8")
    for key in [*DEFAULTS, "fixed_day", "branch_committee"]:
        assert f"`{key}`" in doc, f"docs/tracks.md does not document the option {key!r}"


# -- the command line --------------------------------------------------------------------------------


def test_cli_obligations_track_village_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIANXUE_BLOCK_PLUGINS", raising=False)
    monkeypatch.delenv("LIANXUE_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    out, err = io.StringIO(), io.StringIO()
    assert main(["obligations", "--track", "village", "--format", "json"], stdout=out, stderr=err) == 0, err.getvalue()
    data = json.loads(out.getvalue())
    assert [d["id"] for d in data] == [ob.id for ob in village.CATALOGUE if ob.track == "village"]
    study = next(d for d in data if d["id"] == "village.monthly-study")
    assert study["cadence"] == "monthly"
    assert study["source"]["plan"] == 3
    assert study["source"]["quote"] in source_text()
    assert any(not d["schedulable"] for d in data)


@pytest.mark.parametrize("track", ["organs", "town", "village", "community", "two-new"])
def test_each_track_has_schedulable_and_guidance_obligations(track: str) -> None:
    sched, guidance = counts(builtin_host().catalogue(track))
    assert sched >= 5
    assert guidance >= 3
