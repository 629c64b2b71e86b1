"""Content lines written by hand (:mod:`lianxue_core.calendar.ics`): escaping, folding, dates, and
hypothesis round trips of arbitrary text through SUMMARY, DESCRIPTION and LOCATION."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import icalendar
import pytest
import vobject
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream

from feedcheck import lint_bytes, validate_feed
from lianxue_core.calendar import FeedOptions, build_events, render_feed
from lianxue_core.calendar.ics import (
    escape_text,
    fold,
    format_date,
    format_local,
    format_utc,
    line,
    text_list,
    unescape_text,
    unfold,
)
from lianxue_core.obligations import ActivityKind, Cadence, Obligation, Source
from lianxue_core.scheduling import Occurrence

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

#: Text that tends to break writers: TEXT specials, line breaks of every kind, a literal backslash-N,
#: Chinese with full-width punctuation, emoji (4-octet UTF-8) and characters that some splitters take
#: for line breaks.
_PIECES = [
    "，",
    "；",
    ",",
    ";",
    ":",
    "\\",
    "\\N",
    "\\n",
    "\\,",
    "\n",
    "\r\n",
    "\r",
    "\t",
    '"',
    " ",
    "中共德清县委",
    "“两学一做”",
    "😀",
    "👨‍👩‍👧",
    "\u2028",
    "\x85",
    "\x00",
    "\x1f",
    "\x7f",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "SEQUENCE:9",
    "é",
]
texts = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=5)), max_size=40).map("".join),
    st.text(alphabet=st.sampled_from(["中", "😀", "a", ",", "\\", "é"]), min_size=70, max_size=400),
)


def expected(text: str) -> str:
    r"""What a TEXT value reads back as: ``\r\n`` and ``\r`` become ``\n``; other control characters go."""
    return re.sub("[\x00-\x08\x0b-\x1f\x7f]", "", text.replace("\r\n", "\n").replace("\r", "\n"))


# -- escaping -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("plain", "plain"),
        ("a,b;c", "a\\,b\\;c"),
        ("back\\slash", "back\\\\slash"),
        ("a\\Nb", "a\\\\Nb"),
        ("line\nbreak", "line\\nbreak"),
        ("crlf\r\nbreak", "crlf\\nbreak"),
        ("lone\rcr", "lone\\ncr"),
        ("tab\tkept", "tab\tkept"),
        ("nul\x00bell\x07del\x7f", "nulbelldel"),
        ("中文，；", "中文，；"),
        ("colon: kept", "colon: kept"),
    ],
)
def test_escape_text(raw: str, escaped: str) -> None:
    assert escape_text(raw) == escaped


def test_text_list_escapes_each_value() -> None:
    assert text_list(["两学一做", "a,b"]) == "两学一做,a\\,b"


@given(texts)
def test_unescape_undoes_escape(text: str) -> None:
    assert unescape_text(escape_text(text)) == expected(text)


def test_literal_backslash_n_survives_icalendar_parsing() -> None:
    """icalendar's *writer* turns a literal ``\\N`` into a line break; its parser reads ours correctly."""
    summary = line("SUMMARY", escape_text("C:\\New"))
    event = icalendar.Event.from_ical("BEGIN:VEVENT\r\n" + summary + "END:VEVENT\r\n")
    assert str(event["SUMMARY"]) == "C:\\New"
    with_icalendar = icalendar.Event()
    with_icalendar.add("SUMMARY", "C:\\New")
    assert b"C:\\new" in with_icalendar.to_ical()  # the quirk we avoid by writing text ourselves


# -- folding ------------------------------------------------------------------------------------------


def test_short_lines_are_not_folded() -> None:
    assert fold("SUMMARY:短") == "SUMMARY:短\r\n"
    assert fold("X:" + "a" * 73) == "X:" + "a" * 73 + "\r\n"


def test_fold_at_75_octets() -> None:
    folded = fold("X:" + "a" * 74)
    assert folded == "X:" + "a" * 73 + "\r\n a\r\n"


def test_fold_never_splits_a_chinese_character() -> None:
    folded = fold("SUMMARY:" + "党" * 40)
    physical = folded.encode("utf-8").split(b"\r\n")[:-1]
    assert all(len(p) <= 75 for p in physical)
    for p in physical:
        p.decode("utf-8")  # raises on a split sequence
    assert unfold(folded) == "SUMMARY:" + "党" * 40 + "\r\n"


content_lines = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\r\n"), max_size=600
).map(lambda s: "X-TEST:" + s)


@given(content_lines)
@example("X-TEST:" + "😀" * 40)
@example("X-TEST:" + "a" * 67 + "😀")
@example("X-TEST:" + "é" * 100)
def test_fold_properties(content: str) -> None:
    folded = fold(content)
    data = folded.encode("utf-8")
    assert data.endswith(b"\r\n")
    physical = data.split(b"\r\n")[:-1]
    for n, p in enumerate(physical):
        assert len(p) <= 75
        p.decode("utf-8")
        assert (n > 0) == p.startswith(b" ") or (n == 0 and content.startswith(" "))
    assert unfold(folded) == content + "\r\n"
    assert lint_bytes(data) == ["the first line is not BEGIN:VCALENDAR", "the last line is not END:VCALENDAR"]


# -- dates --------------------------------------------------------------------------------------------


def test_date_formats() -> None:
    moment = dt.datetime(2026, 7, 1, 14, 30, tzinfo=SHANGHAI)
    assert format_date(dt.date(2026, 7, 1)) == "20260701"
    assert format_local(moment) == "20260701T143000"
    assert format_utc(moment) == "20260701T063000Z"
    assert format_utc(dt.datetime(2026, 7, 1, 6, 30)) == "20260701T063000Z"  # naive means UTC


# -- round trips through a whole feed -------------------------------------------------------------------


def _feed(title: str, location: str, description: str, *, all_day: bool = False) -> str:
    ob = Obligation(
        id="test.round-trip",
        track="test",
        title="往返",
        kind=ActivityKind.STUDY,
        cadence=Cadence.monthly(),
        source=Source(document="德组通〔2016〕18号", section="二、主要举措", quote="原文"),
        description=description,
    )
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime
    if all_day:
        start = end = dt.date(2026, 3, 2)
    else:
        start = dt.datetime(2026, 3, 2, 14, 30, tzinfo=SHANGHAI)
        end = start + dt.timedelta(hours=2)
    occ = Occurrence(
        org="org-1",
        obligation=ob.id,
        period="2026-03",
        start=start,
        end=end,
        title=title,
        location=location,
    )
    options = FeedOptions(stamp=STAMP)
    events = build_events([occ], options=options, obligations={ob.id: ob})
    return render_feed("往返", events, options=options, year=2026)


def _description(text: str) -> str:
    """The DESCRIPTION lianxue writes: the obligation's text, then the citation; normalised as a whole
    (a trailing ``\r`` of the text and the paragraph break after it read back as one ``\n``)."""
    parts = [text] if text else []
    parts.append("出处：德组通〔2016〕18号 二、主要举措\n原文：“原文”")
    return expected("\n\n".join(parts))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=texts, location=texts, description=texts, all_day=st.booleans())
@example(title="C:\\New\\n", location="a\\,b;c", description="x\r\ny\rz\\N", all_day=False)
@example(title="END:VEVENT", location="BEGIN:VEVENT\r\n", description="SEQUENCE:3\nSTATUS:CANCELLED", all_day=True)
def test_text_round_trips_through_every_parser(title: str, location: str, description: str, all_day: bool) -> None:
    text = _feed(title, location, description, all_day=all_day)
    assert validate_feed(text, parsers=False) == []

    cal = icalendar.Calendar.from_ical(text)
    assert all(not c.errors for c in cal.walk())
    (event,) = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == expected(title)
    assert str(event.get("LOCATION", "")) == expected(location)
    assert str(event["DESCRIPTION"]) == _description(description)

    (strict,) = IcsCalendarStream.calendar_from_ics(text).events
    assert strict.summary == expected(title)
    assert (strict.location or "") == expected(location)
    assert strict.description == _description(description)

    vevent = vobject.readOne(text, validate=True).vevent
    assert vevent.summary.value == expected(title)
    assert (vevent.location.value if hasattr(vevent, "location") else "") == expected(location)
    assert vevent.description.value == _description(description)
