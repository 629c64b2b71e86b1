"""A well-behaved plugin, registered directly in tests: the development-zone track ``devzone``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import icalendar

from lianxue_core import (
    ActivityKind,
    Cadence,
    Finding,
    FindingStatus,
    Obligation,
    Organization,
    OrgKind,
    Record,
    Source,
    Track,
    applicable,
    hookimpl,
)

_SOURCE = Source(document="开发区党工委〔2026〕3号", section="二、主要举措", quote="每季度召开一次书记论坛。")

CATALOGUE = (
    Obligation(
        id="devzone.forum",
        track="devzone",
        title="书记论坛",
        kind=ActivityKind.MEETING,
        cadence=Cadence.quarterly(),
        source=_SOURCE,
        applies_to=(OrgKind.WORKING_COMMITTEE,),
    ),
    Obligation(
        id="devzone.study",
        track="devzone",
        title="集中学习",
        kind=ActivityKind.STUDY,
        cadence=Cadence.monthly(),
        source=_SOURCE,
        after=("devzone.forum",),
    ),
)


@hookimpl
def lianxue_tracks() -> list[Track]:
    return [Track(key="devzone", name="开发区", description="开发区党工委及其所辖党组织")]


@hookimpl
def lianxue_catalogue() -> Sequence[Obligation]:
    return CATALOGUE


@hookimpl
def lianxue_obligations(organization: Organization) -> list[Obligation]:
    return applicable(CATALOGUE, organization)


@hookimpl
def lianxue_adjust_event(event: icalendar.Event, organization: Organization) -> None:
    event["URL"] = f"https://dangjian.example.cn/org/{organization.id}"


@hookimpl
def lianxue_findings(organization: Organization, year: int, records: Sequence[Record]) -> list[Finding]:
    if organization.track == "devzone" and not any(r.obligation == "devzone.forum" for r in records):
        return [Finding(organization.id, "devzone.forum", str(year), FindingStatus.MISSING, "未召开书记论坛")]
    return []


def describe(day: dt.date) -> str:
    """A helper that is not a hook (its name does not start with ``lianxue_``)."""
    return day.isoformat()
