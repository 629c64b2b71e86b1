"""The source documents the built-in plugins cite, and a helper to cite them."""

from __future__ import annotations

from importlib.resources import files

from lianxue_core import Source

__all__ = [
    "DOCUMENT",
    "PLAN_TITLES",
    "SECTION_MEASURES",
    "SECTION_REQUIREMENTS",
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


def plan_clause(plan: int, section: str, item: str, quote: str) -> Source:
    """Cite ``quote`` (verbatim) from ``item`` of ``section`` of plan ``plan`` of 德组通〔2016〕18号."""
    return Source(document=DOCUMENT, plan=plan, title=PLAN_TITLES[plan], section=section, item=item, quote=quote)


def source_text() -> str:
    """The full text of 德组通〔2016〕18号 as shipped with lianxue."""
    return files(__package__).joinpath("sources/dezutong-2016-18.txt").read_text(encoding="utf-8")
