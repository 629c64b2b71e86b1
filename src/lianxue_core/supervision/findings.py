"""Records of what an organization actually held, and findings of a compliance check."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from ..i18n import N_, _

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
        period: The period it fulfils (``2026-03``, ``2026-Q2``, ``2026``), when the record says so; otherwise
            the period containing ``date``. Give it for an activity held late (March's study in April).
        households: The number of households visited (走访农户), for per-household obligations.

    .. versionchanged:: 0.1.0 ``period`` and ``households``.
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
    period: str = ""
    households: int | None = None


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

    @property
    def label(self) -> str:
        """The name of the status as reports show it, in the chosen language (已开展, 逾期开展... in Chinese;
        ``str(status)`` is the machine value, the same in every language)."""
        return _(_STATUS_LABELS[self])

    @property
    def is_problem(self) -> bool:
        """Whether the status is a shortcoming (everything but held and due)."""
        return self not in (FindingStatus.HELD, FindingStatus.DUE)


_STATUS_LABELS = {
    FindingStatus.HELD: N_("held"),  # 已开展
    FindingStatus.DUE: N_("due"),  # 未到期
    FindingStatus.MISSING: N_("not held"),  # 未开展
    FindingStatus.LATE: N_("held late"),  # 逾期开展
    FindingStatus.OUTSIDE_WINDOW: N_("outside the window"),  # 不在规定时间窗内
    FindingStatus.OUT_OF_ORDER: N_("out of order"),  # 程序顺序不符
    FindingStatus.INCOMPLETE: N_("incomplete"),  # 要素不全
    FindingStatus.NOT_COVERED: N_("members not covered"),  # 党员未覆盖
    FindingStatus.ABSENT: N_("required attendees absent"),  # 应参加人员缺席
}


@attrs.frozen
class Finding:
    """What a check found for one organization, obligation and period.

    Args:
        org: The organization id.
        obligation: The obligation id.
        period: The period, as in :class:`~lianxue_core.scheduling.Occurrence`.
        status: The :class:`FindingStatus`.
        detail: What was found, in the language chosen when the check ran (clauses quoted stay Chinese).
        members: Ids of the members concerned, where people are concerned.
    """

    org: str
    obligation: str
    period: str
    status: FindingStatus
    detail: str = ""
    members: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The finding's own fields as a JSON-ready object (reports add names and sources)."""
        return {
            "org": self.org,
            "obligation": self.obligation,
            "period": self.period,
            "status": str(self.status),
            "detail": self.detail,
            "members": list(self.members),
        }
