"""Records of what an organization actually held, and findings of a compliance check."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

__all__ = ["Finding", "FindingStatus", "Record"]


@attrs.frozen
class Record:
    """One activity that was held, as read from a record file.

    Args:
        org: The organization id.
        obligation: The obligation id it fulfils.
        date: The day it was held.
        time: The time it started, when known.
        topic: The topic or theme (主题).
        lecturer: Who gave the lecture (党课主讲人).
        comment: The secretary's comment (书记点评).
        attendees: Ids of members who attended.
        attendance: The number who attended, when only a count is known.
        members: Ids of members covered (talks, 送学上门, visits, pairings).
        notes: Free notes.
        origin: Where the record was read from, e.g. ``records.csv:12``.
    """

    org: str
    obligation: str
    date: dt.date
    time: dt.time | None = None
    topic: str = ""
    lecturer: str = ""
    comment: str = ""
    attendees: tuple[str, ...] = ()
    attendance: int | None = None
    members: tuple[str, ...] = ()
    notes: str = ""
    origin: str = ""


class FindingStatus(enum.StrEnum):
    """The outcome of checking one obligation in one period."""

    HELD = "held"  #: 已开展
    DUE = "due"  #: 未到期
    MISSING = "missing"  #: 未开展
    LATE = "late"  #: 逾期开展
    OUTSIDE_WINDOW = "outside-window"  #: 不在规定时间窗内
    OUT_OF_ORDER = "out-of-order"  #: 程序顺序不符
    INCOMPLETE = "incomplete"  #: 缺少主题、点评等要素
    NOT_COVERED = "not-covered"  #: 有党员未覆盖
    ABSENT = "absent"  #: 应参加人员缺席


@attrs.frozen
class Finding:
    """What a check found for one organization, obligation and period.

    Args:
        org: The organization id.
        obligation: The obligation id.
        period: The period, as in :class:`~lianxue_core.scheduling.Occurrence`.
        status: The :class:`FindingStatus`.
        detail: What was found, in Chinese.
        members: Ids of the members concerned, where people are concerned.
    """

    org: str
    obligation: str
    period: str
    status: FindingStatus
    detail: str = ""
    members: tuple[str, ...] = ()
