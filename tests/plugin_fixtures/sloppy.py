"""A plugin that registers but breaks the contract in several ways (for ``contract_problems``)."""

from __future__ import annotations

from lianxue_core import ActivityKind, Cadence, Obligation, Source, Track, hookimpl

CATALOGUE = (
    Obligation(
        id="other.meeting",  # does not start with its track "sloppy."
        track="sloppy",
        title="会议",
        kind=ActivityKind.MEETING,
        cadence=Cadence.monthly(),
        source=Source(document="某文件", section="一、", quote=""),  # no verbatim quote
    ),
    Obligation(
        id="sloppy.study",
        track="sloppy",
        title="  ",  # empty title
        kind=ActivityKind.STUDY,
        cadence=Cadence.monthly(),
        source=Source(document="某文件", section="一、", quote="每月学习一次。"),
        after=("sloppy.missing",),  # no plugin defines it
        combines_with=("nowhere.meeting",),  # nor this
    ),
)


@hookimpl
def lianxue_tracks() -> list[Track]:
    return [Track(key="sloppy", name="马虎")]


@hookimpl
def lianxue_catalogue() -> tuple[Obligation, ...]:
    return CATALOGUE


@hookimpl
def lianxue_obligations() -> list[Obligation]:
    # An obligation that is not in the catalogue.
    return [
        Obligation(
            id="sloppy.extra",
            track="sloppy",
            title="额外",
            kind=ActivityKind.STUDY,
            cadence=Cadence.monthly(),
            source=CATALOGUE[1].source,
        )
    ]


def lianxue_findings() -> list[object]:  # forgot @hookimpl
    return []
