"""The source documents the built-in plugins cite, and a helper to cite them."""

from __future__ import annotations

from importlib.resources import files

from lianxue_core import Source

__all__ = [
    "BRANCH_RULES_DOCUMENT",
    "CHAPTER_MECHANISMS",
    "CHAPTER_ORGANIZATION_LIFE",
    "DOCUMENT",
    "PLAN_TITLES",
    "SECTION_MEASURES",
    "SECTION_REQUIREMENTS",
    "branch_rules_clause",
    "branch_rules_text",
    "plan_clause",
    "source_text",
]

#: The notice that issues the four guidance plans.
DOCUMENT = "德组通〔2016〕18号"

#: The titles of the four plans (附件1-4), as the source gives them.
PLAN_TITLES = {
    1: "关于在县机关部门、事业单位党员中开展“两学一做”学习教育的指导方案",
    2: "关于在镇（街道）机关党员中开展“两学一做”学习教育的指导方案",
    3: "关于在农村（社区）党员中开展“两学一做”学习教育的指导方案",
    4: "关于在两新组织党员中开展“两学一做”学习教育的指导方案",
}

SECTION_MEASURES = "二、主要举措"
SECTION_REQUIREMENTS = "三、有关要求"


#: The standing branch rules the plans assume (三会一课, 主题党日...), cited as their own source.
BRANCH_RULES_DOCUMENT = "中共中央印发《中国共产党支部工作条例（试行）》（2018年10月）"
CHAPTER_MECHANISMS = "第四章 工作机制"
CHAPTER_ORGANIZATION_LIFE = "第五章 组织生活"


def plan_clause(plan: int, section: str, item: str, quote: str) -> Source:
    """Cite ``quote`` (verbatim) from ``item`` of ``section`` of plan ``plan`` of 德组通〔2016〕18号."""
    return Source(document=DOCUMENT, plan=plan, title=PLAN_TITLES[plan], section=section, item=item, quote=quote)


def source_text() -> str:
    """The full text of 德组通〔2016〕18号 as shipped with lianxue."""
    return files(__package__).joinpath("sources/dezutong-2016-18.txt").read_text(encoding="utf-8")


def branch_rules_clause(chapter: str, article: str, quote: str) -> Source:
    """Cite ``quote`` (verbatim) from ``article`` (e.g. ``第十一条``) of 《中国共产党支部工作条例（试行）》."""
    return Source(document=BRANCH_RULES_DOCUMENT, plan=None, section=chapter, item=article, quote=quote)


def branch_rules_text() -> str:
    """The excerpt of 《中国共产党支部工作条例（试行）》 that the branch rules quote, as shipped with lianxue."""
    return files(__package__).joinpath("sources/zhibu-tiaoli-2018-excerpt.txt").read_text(encoding="utf-8")
