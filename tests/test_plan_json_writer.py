"""``plan --format json`` writes each occurrence from its fields at once: the same text as the general JSON writer."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from hypothesis import given
from hypothesis import strategies as st

from lianxue_core import jsontext
from lianxue_core.scheduling import Occurrence
from lianxue_core.scheduling.render import occurrence_json

_ZONES = [zoneinfo.ZoneInfo(z) for z in ("Asia/Shanghai", "Asia/Urumqi", "America/New_York", "UTC")]
_TEXT = st.text(max_size=8) | st.sampled_from(["", "测试", '引号"与\\反斜杠', "换\n行", "\x00\x1f\u2028"])
_TIMES = st.datetimes(
    min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31), timezones=st.sampled_from(_ZONES)
) | st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31))
_SHARED: dict[object, str] = {}  # one cache across every example, as across a county's plan


@st.composite
def occurrences(draw: st.DrawFn) -> Occurrence:
    if draw(st.booleans()):
        start: dt.datetime | dt.date = draw(_TIMES)
        end: dt.datetime | dt.date = draw(_TIMES)
    else:
        start = draw(st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 31)))
        end = start + dt.timedelta(days=draw(st.integers(0, 30)))
    words = st.lists(_TEXT, max_size=3).map(tuple)
    return Occurrence(
        org=draw(_TEXT),
        obligation=draw(_TEXT),
        period=draw(_TEXT),
        start=start,
        end=end,
        title=draw(_TEXT),
        people=draw(st.lists(_TEXT, max_size=20).map(tuple)),  # past 16: not remembered
        location=draw(_TEXT),
        provisional=draw(st.booleans()),
        slot=draw(_TEXT),
        also_fulfils=draw(words),
        note=draw(_TEXT),
        at=draw(_TEXT),
        at_org=draw(_TEXT),
        agenda=draw(words),
        theme=draw(_TEXT),
    )


@given(occurrences())
def test_an_occurrence_is_written_as_the_general_writer_writes_it(occ: Occurrence) -> None:
    expected = jsontext.dumps(occ.to_json(), 2)
    assert occurrence_json(occ) == expected
    assert occurrence_json(occ, _SHARED) == expected


def test_the_same_instant_in_two_zones_is_written_in_each_zone() -> None:
    """Equal times (the same instant) of two offsets are written each with its own clock and offset, whatever was
    written before."""
    shanghai = dt.datetime(2026, 7, 1, 9, 0, tzinfo=_ZONES[0])
    utc = shanghai.astimezone(_ZONES[3])
    assert shanghai == utc
    cache: dict[object, str] = {}
    texts = [
        occurrence_json(Occurrence("b", "t.x", "2026", t, t + dt.timedelta(hours=1), "会"), cache)
        for t in (shanghai, utc)
    ]
    assert '"start": "2026-07-01T09:00:00+08:00"' in texts[0]
    assert '"start": "2026-07-01T01:00:00+00:00"' in texts[1]
