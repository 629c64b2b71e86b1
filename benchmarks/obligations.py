"""The benchmark's own obligations, for tracks whose built-in plugin is not registered.

They mirror the plans of 德组通〔2016〕18号 closely enough to load the planner the same way: weekly
and monthly studies, the fixed activity day, quarterly meetings, the 七一 lecture, year-end reviews
after the talks with every member, home delivery for elderly members, household visits.
"""

from __future__ import annotations

from lianxue_core.obligations import ActivityKind, Audience, Cadence, CadenceKind, Obligation, Source

__all__ = ["OWN"]

_S = Source(document="基准〔2026〕1号", section="一、基准", quote="基准测试用。")


def _ob(track: str, slug: str, cadence: Cadence, kind: ActivityKind = ActivityKind.MEETING, **kw: object) -> Obligation:
    return Obligation(id=f"{track}.{slug}", track=track, title=slug, kind=kind, cadence=cadence, source=_S, **kw)  # type: ignore[arg-type]


def _branch(track: str) -> list[Obligation]:
    return [
        _ob(track, "monthly-study", Cadence.monthly(), ActivityKind.STUDY, options={"activity_day": True}),
        _ob(
            track,
            "home-study",
            Cadence.per_member(CadenceKind.MONTHLY),
            ActivityKind.VISIT,
            leads=Audience.COMMITTEE,
            attends=Audience.FLAGGED_MEMBERS,
            for_flags=("elderly",),
            after=(f"{track}.monthly-study",),
        ),
        _ob(track, "quarterly-meeting", Cadence.quarterly()),
        _ob(track, "july1-lecture", Cadence.window((7, 1), before=15, after=15), ActivityKind.LECTURE),
        _ob(track, "annual-plan", Cadence.deadline((1, 31)), ActivityKind.DELIVERABLE, attends=Audience.ORGANIZATION),
        _ob(track, "member-talks", Cadence.per_member(), ActivityKind.TALK, leads=Audience.COMMITTEE),
        _ob(
            track,
            "review-meeting",
            Cadence.deadline((12, 31), lead=60),
            ActivityKind.REVIEW,
            after=(f"{track}.member-talks",),
        ),
    ]


OWN: dict[str, list[Obligation]] = {
    "village": _branch("village"),
    "two-new": _branch("two-new"),
    "organs": _branch("organs"),
    "town": [
        _ob("town", "weekly-study", Cadence.weekly(), ActivityKind.STUDY),
        _ob(
            "town",
            "household-visits",
            Cadence.per_household(),
            ActivityKind.VISIT,
            leads=Audience.LEADERS,
            attends=Audience.LINKED_MEMBERS,
        ),
        _ob(
            "town",
            "leaders-at-linked",
            Cadence.deadline((12, 31), lead=60),
            leads=Audience.LEADERS,
            attends=Audience.LEADERS,
            attend_links=True,
            options={"linked_obligations": ("village.review-meeting",)},
        ),
        *_branch("town"),
    ],
}
