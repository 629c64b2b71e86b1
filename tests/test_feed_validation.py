"""The validation suite (issue 5, "Done when"): every feed of the example county for 2026, with
``--people``, a supervisor and ``--todo``, checked by :mod:`feedcheck`, and recurrence expansion
compared with the plan; and the validator itself, on a matrix of broken feeds.

Every feed gets the byte-level lint and the semantic checks; the three parsers (about 5 ms per event,
a quarter of an hour for the whole county) run on a sample: the smallest feed of each track, people,
the supervisor and to-dos. Run them on every feed with::

    LIANXUE_FULL_VALIDATION=1 .venv/bin/python -m pytest tests/test_feed_validation.py
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter, defaultdict

import attrs
import icalendar
import pytest
import recurring_ical_events

from feedcheck import check_parsers, validate_feed
from lianxue_core import PluginHost, example_path, load
from lianxue_core.app import plan_year
from lianxue_core.calendar import FeedOptions, FeedSet, build_feeds, to_calendar, uid_for
from lianxue_core.model import OrganizationTree
from lianxue_core.scheduling import Occurrence, Plan

BUILTIN_TRACKS = {"organs", "town", "village", "community", "two-new"}
STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SUPERVISOR = "jiguan-gongwei"
FULL = bool(os.environ.get("LIANXUE_FULL_VALIDATION"))
MONTH = (dt.date(2026, 3, 1), dt.date(2026, 4, 1))


def example_tree(host: PluginHost) -> OrganizationTree:
    """The example county; while a built-in track is not registered, only the organizations of known tracks."""
    tracks = host.tracks()
    if set(tracks) >= BUILTIN_TRACKS:
        return load(example_path(), tracks=tracks)
    full = load(example_path())
    keep = [o for o in full if o.track is None or o.track in tracks]
    ids = {o.id for o in keep}
    keep = [attrs.evolve(o, links=tuple(i for i in o.links if i in ids)) for o in keep]
    members = [attrs.evolve(m, links=tuple(i for i in m.links if i in ids)) for m in full.members if m.org in ids]
    return OrganizationTree(keep, members)


@attrs.frozen
class Checked:
    """What the suite found in one feed (the text is not kept: the county's feeds are 140 MB)."""

    path: str
    problems: tuple[str, ...]
    events: int
    parsed: bool
    month: tuple[tuple[str, str], ...] | None


def _month_expected(occurrences: list[Occurrence], prefix: str = "") -> set[tuple[str, str]]:
    first, end = MONTH
    out = set()
    for occ in occurrences:
        if occ.all_day:
            last = occ.end if isinstance(occ.end, dt.date) else occ.first_day
            hit = occ.first_day < end and last >= first
        else:
            assert isinstance(occ.start, dt.datetime)
            assert isinstance(occ.end, dt.datetime)
            hit = occ.start.date() < end and (occ.end.date() >= first)
        if hit:
            out.add((uid_for(occ, prefix), occ.start.isoformat()))
    return out


def _month_actual(text: str) -> set[tuple[str, str]]:
    cal = to_calendar(text)
    found = recurring_ical_events.of(cal).between(*MONTH)
    out = set()
    for event in found:
        start = event.decoded("DTSTART")
        out.add((str(event["UID"]), start.isoformat()))
    return out


@pytest.fixture(scope="module")
def county() -> tuple[OrganizationTree, Plan, dict[str, Checked], dict[str, set[tuple[str, str]]]]:
    host = PluginHost()
    tree = example_tree(host)
    plan = plan_year(tree, host, 2026)
    catalogue = {o.id: o for o in host.catalogue()}
    shown = [o for o in plan.occurrences if not o.at]  # items held during another activity are part of its event
    counts = Counter(o.org for o in shown)
    per_person = Counter(p for o in shown for p in o.people)
    sample: set[str] = set()
    for track in sorted({o.track for o in tree if o.track}):
        orgs = [o.id for o in tree if o.track == track and counts[o.id]]
        if orgs:
            smallest = min(orgs, key=lambda i: (counts[i], i))
            sample |= {f"{smallest}.ics", f"todo/{smallest}.ics"}
    sample |= {f"people/{p}.ics" for p, _ in sorted(per_person.items(), key=lambda kv: (kv[1], kv[0]))[:2]}
    sample.add(f"supervisors/{SUPERVISOR}.ics")
    by_org: dict[str, list[Occurrence]] = defaultdict(list)
    by_person: dict[str, list[Occurrence]] = defaultdict(list)
    for occ in shown:
        by_org[occ.org].append(occ)
        for person in occ.people:
            by_person[person].append(occ)
    overseen = {o.id for o in tree.overseen_by(SUPERVISOR)}
    expected: dict[str, set[tuple[str, str]]] = {}
    for path in sample:
        folder, _, name = path.rpartition("/")
        key = name.removesuffix(".ics")
        if folder == "":
            expected[path] = _month_expected(by_org[key])
        elif folder == "people":
            expected[path] = _month_expected(by_person[key])
        elif folder == "supervisors":
            watched = [o for o in shown if o.org in overseen and not o.slot]
            expected[path] = _month_expected(watched, f"watch.{SUPERVISOR}.")
    checked: dict[str, Checked] = {}
    which = FeedSet(people=True, supervisors=(SUPERVISOR,), todo=True)
    for feed in build_feeds(plan, tree, catalogue, options=FeedOptions(stamp=STAMP), which=which):
        deep = FULL or feed.path in sample
        problems = validate_feed(feed.text, parsers=deep)
        month = tuple(sorted(_month_actual(feed.text))) if feed.path in expected else None
        checked[feed.path] = Checked(feed.path, tuple(problems), feed.events, deep, month)
    return tree, plan, checked, expected


def test_the_whole_example_county_is_planned(
    county: tuple[OrganizationTree, Plan, dict[str, Checked], dict[str, set[tuple[str, str]]]],
) -> None:
    tree, plan, checked, _ = county
    assert {o.track for o in tree if o.track} >= BUILTIN_TRACKS, "a built-in track is not registered yet"
    shown = [o for o in plan.occurrences if o.shown]  # a leader's 党课 at a linked village is shown at home
    orgs_with_events = {o.org for o in shown}
    assert {p for p in checked if "/" not in p} == {f"{o}.ics" for o in orgs_with_events}
    assert sum(c.events for c in checked.values() if "/" not in c.path) == len(shown)
    assert any(p.startswith("people/") for p in checked)
    assert any(p.startswith("todo/") for p in checked)
    assert f"supervisors/{SUPERVISOR}.ics" in checked


def test_every_feed_of_the_example_county_is_valid(
    county: tuple[OrganizationTree, Plan, dict[str, Checked], dict[str, set[tuple[str, str]]]],
) -> None:
    _, _, checked, _ = county
    bad = {p: c.problems[:3] for p, c in checked.items() if c.problems}
    assert bad == {}
    assert sum(c.parsed for c in checked.values()) >= 10


def test_recurrence_expansion_matches_the_plan(
    county: tuple[OrganizationTree, Plan, dict[str, Checked], dict[str, set[tuple[str, str]]]],
) -> None:
    _, _, checked, expected = county
    assert len(expected) >= 6
    for path, want in sorted(expected.items()):
        got = checked[path].month
        assert got is not None
        assert set(got) == want, path
        assert len(got) == len(want)
    assert any(expected.values())


# -- the validator finds what it should ---------------------------------------------------------------

GOOD = (
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//lianxue//test//ZH\r\n"
    "REFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n"
    "BEGIN:VTIMEZONE\r\n"
    "TZID:Asia/Shanghai\r\n"
    "BEGIN:STANDARD\r\n"
    "DTSTART:20260101T000000\r\n"
    "TZOFFSETFROM:+0800\r\n"
    "TZOFFSETTO:+0800\r\n"
    "TZNAME:CST\r\n"
    "END:STANDARD\r\n"
    "END:VTIMEZONE\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:a@lianxue\r\n"
    "DTSTAMP:20260101T000000Z\r\n"
    "DTSTART;TZID=Asia/Shanghai:20260302T143000\r\n"
    "DTEND;TZID=Asia/Shanghai:20260302T163000\r\n"
    "RRULE:FREQ=WEEKLY;UNTIL=20260330T063000Z\r\n"
    "SUMMARY:学习\r\n"
    "BEGIN:VALARM\r\n"
    "ACTION:DISPLAY\r\n"
    "TRIGGER:-PT1H\r\n"
    "DESCRIPTION:提醒\r\n"
    "END:VALARM\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:b@lianxue\r\n"
    "DTSTAMP:20260101T000000Z\r\n"
    "DTSTART;VALUE=DATE:20260331\r\n"
    "DTEND;VALUE=DATE:20260401\r\n"
    "SUMMARY:截止\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def test_the_reference_feed_is_valid() -> None:
    assert validate_feed(GOOD) == []
    cal = icalendar.Calendar.from_ical(GOOD)
    assert len(recurring_ical_events.of(cal).between(*MONTH)) == 6  # 5 Mondays (UNTIL inclusive) + the deadline


def _break(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


BROKEN: dict[str, tuple[str | bytes, str]] = {
    "bare LF": (GOOD.replace("\r\n", "\n"), "bare LF"),
    "no final CRLF": (GOOD[:-2], "last line does not end with CRLF"),
    "BOM": ("\ufeff" + GOOD, "byte-order mark"),
    "long line": (_break("SUMMARY:学习", "SUMMARY:" + "学" * 30), "octets (at most 75)"),
    "split character": (
        GOOD.encode().replace(
            "SUMMARY:学习".encode(), b"SUMMARY:" + b"a" * 65 + "学".encode()[:2] + b"\r\n " + "学习".encode()[2:]
        ),
        "splits a UTF-8 sequence",
    ),
    "no VTIMEZONE": (_break("TZID:Asia/Shanghai\r\n", "TZID:Asia/Urumqi\r\n"), "no VTIMEZONE for it"),
    "floating time": (
        _break("DTEND;TZID=Asia/Shanghai:20260302T163000", "DTEND:20260302T163000"),
        "floating time",
    ),
    "local UNTIL": (_break("UNTIL=20260330T063000Z", "UNTIL=20260330T143000"), "UNTIL"),
    "DTEND before DTSTART": (
        _break("DTEND;TZID=Asia/Shanghai:20260302T163000", "DTEND;TZID=Asia/Shanghai:20260302T120000"),
        "is not after DTSTART",
    ),
    "inclusive all-day DTEND": (_break("DTEND;VALUE=DATE:20260401", "DTEND;VALUE=DATE:20260331"), "not after"),
    "all-day with TZID": (
        _break("DTSTART;VALUE=DATE:20260331", "DTSTART;VALUE=DATE;TZID=Asia/Shanghai:20260331"),
        "DATE with a TZID",
    ),
    "all-day DTEND as date-time": (
        _break("DTEND;VALUE=DATE:20260401", "DTEND;TZID=Asia/Shanghai:20260401T000000"),
        "not both dates",
    ),
    "date without VALUE=DATE": (_break("DTSTART;VALUE=DATE:20260331", "DTSTART:20260331"), "without VALUE=DATE"),
    "duplicate UID": (_break("UID:b@lianxue", "UID:a@lianxue"), "appears 2 times"),
    "no UID": (_break("UID:b@lianxue\r\n", ""), "0 UID properties"),
    "no DTSTAMP": (_break("DTSTAMP:20260101T000000Z\r\nDTSTART;VALUE", "DTSTART;VALUE"), "0 DTSTAMP"),
    "local DTSTAMP": (_break("DTSTAMP:20260101T000000Z", "DTSTAMP:20260101T000000"), "not a UTC date-time"),
    "no PRODID": (_break("PRODID:-//lianxue//test//ZH\r\n", ""), "0 PRODID"),
    "no VERSION": (_break("VERSION:2.0\r\n", ""), "0 VERSION"),
    "METHOD": (_break("VERSION:2.0\r\n", "VERSION:2.0\r\nMETHOD:PUBLISH\r\n"), "has METHOD"),
    "REFRESH-INTERVAL without VALUE": (
        _break("REFRESH-INTERVAL;VALUE=DURATION:PT12H", "REFRESH-INTERVAL:PT12H"),
        "without VALUE=DURATION",
    ),
    "alarm without trigger": (_break("TRIGGER:-PT1H\r\n", ""), "0 TRIGGER"),
    "bad date": (_break("DTSTART;VALUE=DATE:20260331", "DTSTART;VALUE=DATE:2026033"), "icalendar:"),
    "unclosed component": (_break("END:VEVENT\r\nEND:VCALENDAR", "END:VCALENDAR"), "structure"),
    "VTIMEZONE COMMENT": (_break("TZID:Asia/Shanghai\r\n", "TZID:Asia/Shanghai\r\nCOMMENT:x\r\n"), "COMMENT"),
    "bad STATUS": (_break("SUMMARY:截止", "SUMMARY:截止\r\nSTATUS:DONE"), "STATUS DONE"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_the_validator_finds_each_problem(case: str) -> None:
    text, expected = BROKEN[case]
    problems = validate_feed(text if isinstance(text, bytes) else text.encode("utf-8"))
    assert any(expected in p for p in problems), problems


def test_each_parser_is_consulted() -> None:
    """The strict parser and vobject each catch something of their own."""
    no_trigger = _break("TRIGGER:-PT1H\r\n", "")
    assert any(p.startswith("ical:") for p in check_parsers(no_trigger))
    no_uid = _break("UID:b@lianxue\r\n", "")
    assert any(p.startswith("vobject:") for p in check_parsers(no_uid))
    bad_date = _break("DTSTART;VALUE=DATE:20260331", "DTSTART;VALUE=DATE:2026033")
    assert any(p.startswith("icalendar:") for p in check_parsers(bad_date))
