"""Regenerating into a directory that holds the previous feeds (docs/calendars.md, "Updates").

Unchanged events stay byte-identical with their UIDs; SEQUENCE, LAST-MODIFIED and DTSTAMP move only
on events whose time, status or text changed; a removed event is published once as CANCELLED with
SEQUENCE + 1 and dropped on the next run; a feed nobody produces any more is cancelled once and then
left alone; an interrupted write leaves every old feed whole.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import attrs
import icalendar
import pytest

from feedcheck import validate_feed
from lianxue_core import PluginHost, hookimpl
from lianxue_core.app import plan_year
from lianxue_core.calendar import FeedOptions, FeedSet, PreviousFeed, WrittenFeed, build_feeds, to_calendar, write_feeds
from lianxue_core.model import Organization, OrganizationTree
from lianxue_core.obligations import Obligation
from lianxue_core.scheduling import Occurrence, Plan
from lianxue_core.testing import TreeBuilder

FIRST = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SECOND = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
THIRD = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
WHICH = FeedSet(people=True, supervisors=("xian",), todo=True)


def tree(zuzhibu_time: str | None = None) -> OrganizationTree:
    options = {"meeting_time": zuzhibu_time} if zuzhibu_time else {}
    return (
        TreeBuilder()
        .org("xian", "某县委", kind="committee")
        .org("zuzhibu", "组织部党支部", track="organs", parent="xian", supervisor="xian", members=5, **options)
        .org("xuanchuanbu", "宣传部党支部", track="organs", parent="xian", supervisor="xian", members=4)
        .member("m1", "张三", "zuzhibu", roles=["secretary"])
        .member("m2", "李四", "xuanchuanbu", roles=["secretary"])
        .build()
    )


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return PluginHost()


@pytest.fixture(scope="module")
def catalogue(host: PluginHost) -> dict[str, Obligation]:
    return {o.id: o for o in host.catalogue()}


def generate(
    out: Path, t: OrganizationTree, plan: Plan, catalogue: dict[str, Obligation], stamp: dt.datetime
) -> list[WrittenFeed]:
    feeds = build_feeds(plan, t, catalogue, options=FeedOptions(stamp=stamp), which=WHICH, out=out)
    return write_feeds(feeds, out)


def snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def blocks(data: bytes) -> dict[str, tuple[str, icalendar.cal.component.Component]]:
    """Each component by UID: its exact text and its parsed form."""
    text = data.decode("utf-8")
    raw = PreviousFeed.parse(text).blocks
    parsed = {str(c["UID"]): c for c in to_calendar(text).walk() if c.name in ("VEVENT", "VTODO")}
    assert sorted(raw) == sorted(parsed)
    return {uid: (raw[uid].text, parsed[uid]) for uid in raw}


_SEEN = ("DTSTART", "DTEND", "DUE", "SUMMARY", "DESCRIPTION", "LOCATION", "STATUS", "CATEGORIES")


def visible(component: icalendar.cal.component.Component) -> tuple[bytes, ...]:
    return tuple(component[k].to_ical() if k in component else b"" for k in _SEEN)


def check_update(before: dict[str, bytes], after: dict[str, bytes], stamp: dt.datetime) -> set[str]:
    """Every event of every feed is either byte-identical or visibly changed with SEQUENCE + 1; return the changed."""
    changed: set[str] = set()
    for path, data in after.items():
        assert validate_feed(data) == [], path
        if path not in before:
            continue
        old, new = blocks(before[path]), blocks(data)
        assert set(old) <= set(new), f"{path}: an event vanished without being cancelled"
        for uid, (text, event) in new.items():
            if uid not in old:
                assert event["SEQUENCE"] == 0
                continue
            old_text, old_event = old[uid]
            if visible(event) == visible(old_event) and text == old_text:
                continue
            assert visible(event) != visible(old_event), f"{path} {uid}: rewritten though nothing visible changed"
            assert event["SEQUENCE"] == old_event["SEQUENCE"] + 1, f"{path} {uid}"
            assert event.decoded("LAST-MODIFIED") == stamp
            assert event.decoded("DTSTAMP") == stamp
            changed.add(f"{path} {uid}")
    return changed


def test_regenerating_the_same_plan_changes_no_byte(
    host: PluginHost, catalogue: dict[str, Obligation], tmp_path: Path
) -> None:
    t = tree()
    plan = plan_year(t, host, 2026)
    generate(tmp_path, t, plan, catalogue, FIRST)
    before = snapshot(tmp_path)
    written = generate(tmp_path, t, plan, catalogue, SECOND)
    assert snapshot(tmp_path) == before
    assert sum(f.changed for f in written) == 0
    assert b"LAST-MODIFIED" not in b"".join(before.values())


def test_changing_the_meeting_time_raises_sequence_only_where_it_shows(
    host: PluginHost, catalogue: dict[str, Obligation], tmp_path: Path
) -> None:
    generate(tmp_path, tree(), plan_year(tree(), host, 2026), catalogue, FIRST)
    before = snapshot(tmp_path)

    moved = tree("09:00")
    generate(tmp_path, moved, plan_year(moved, host, 2026), catalogue, SECOND)
    after = snapshot(tmp_path)
    changed = check_update(before, after, SECOND)
    assert changed
    assert all(" zuzhibu." in c or " watch.xian.zuzhibu." in c for c in changed), sorted(changed)[:5]
    assert after["xuanchuanbu.ics"] == before["xuanchuanbu.ics"]
    assert after["todo/zuzhibu.ics"] == before["todo/zuzhibu.ics"]  # deadlines have no time
    moved_events = [e for _, e in blocks(after["zuzhibu.ics"]).values() if "TZID" in e["DTSTART"].params]
    assert moved_events
    assert any(e.decoded("DTSTART").time() == dt.time(9, 0) for e in moved_events)

    # the same input again: nothing moves, SEQUENCE stays (it is read back from the file)
    generate(tmp_path, moved, plan_year(moved, host, 2026), catalogue, THIRD)
    assert snapshot(tmp_path) == after

    # another change: SEQUENCE goes on from where it was
    again = tree("10:00")
    generate(tmp_path, again, plan_year(again, host, 2026), catalogue, THIRD)
    final = snapshot(tmp_path)
    assert check_update(after, final, THIRD)
    sequences = {int(e["SEQUENCE"]) for _, e in blocks(final["zuzhibu.ics"]).values() if "TZID" in e["DTSTART"].params}
    assert sequences == {2}


def test_changing_a_title_changes_that_event_only(
    host: PluginHost, catalogue: dict[str, Obligation], tmp_path: Path
) -> None:
    t = tree()
    plan = plan_year(t, host, 2026)
    generate(tmp_path, t, plan, catalogue, FIRST)
    before = snapshot(tmp_path)
    target = next(o for o in plan.occurrences if o.org == "xuanchuanbu" and not o.all_day)
    renamed = attrs.evolve(
        plan, occurrences=tuple(attrs.evolve(o, title="新的标题") if o == target else o for o in plan.occurrences)
    )
    generate(tmp_path, t, renamed, catalogue, SECOND)
    after = snapshot(tmp_path)
    changed = check_update(before, after, SECOND)
    uid = f"xuanchuanbu.{target.obligation}.{target.period}"
    assert {c.split(" ")[0] for c in changed} == {"xuanchuanbu.ics", "supervisors/xian.ics", "people/m2.ics"}
    assert all(uid in c for c in changed)
    assert blocks(after["xuanchuanbu.ics"])[f"{uid}@lianxue"][1]["SUMMARY"] == "新的标题"


def test_status_change_raises_sequence(host: PluginHost, catalogue: dict[str, Obligation], tmp_path: Path) -> None:
    t = tree()
    plan = plan_year(t, host, 2026)
    provisional = attrs.evolve(plan, occurrences=tuple(attrs.evolve(o, provisional=True) for o in plan.occurrences))
    generate(tmp_path, t, provisional, catalogue, FIRST)
    before = snapshot(tmp_path)
    generate(tmp_path, t, plan, catalogue, SECOND)  # the official holidays are out: confirmed
    after = snapshot(tmp_path)
    changed = check_update(before, after, SECOND)
    events = blocks(after["zuzhibu.ics"])
    assert all(f"zuzhibu.ics {uid}" in changed for uid in events)
    assert {str(e["STATUS"]) for _, e in events.values()} == {"CONFIRMED"}


def test_a_removed_event_is_cancelled_once_then_dropped(
    host: PluginHost, catalogue: dict[str, Obligation], tmp_path: Path
) -> None:
    t = tree()
    plan = plan_year(t, host, 2026)
    generate(tmp_path, t, plan, catalogue, FIRST)
    before = snapshot(tmp_path)
    gone = next(o for o in plan.occurrences if o.org == "zuzhibu" and not o.all_day)
    uid = f"zuzhibu.{gone.obligation}.{gone.period}" + (".x" if gone.slot else "")
    uid = next(u for u in blocks(before["zuzhibu.ics"]) if u.startswith(uid.removesuffix(".x")))
    without = attrs.evolve(plan, occurrences=tuple(o for o in plan.occurrences if o != gone))

    generate(tmp_path, t, without, catalogue, SECOND)
    after = snapshot(tmp_path)
    _, event = blocks(after["zuzhibu.ics"])[uid]
    _, old_event = blocks(before["zuzhibu.ics"])[uid]
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == old_event["SEQUENCE"] + 1
    assert event.decoded("LAST-MODIFIED") == SECOND
    assert event.decoded("DTSTART") == old_event.decoded("DTSTART")
    assert event["SUMMARY"] == old_event["SUMMARY"]
    assert not event.walk("VALARM")
    assert validate_feed(after["zuzhibu.ics"]) == []
    others = {u: b for u, b in blocks(after["zuzhibu.ics"]).items() if u != uid}
    assert all(b[0] == blocks(before["zuzhibu.ics"])[u][0] for u, b in others.items())

    generate(tmp_path, t, without, catalogue, THIRD)
    final = snapshot(tmp_path)
    assert uid not in blocks(final["zuzhibu.ics"])
    assert set(blocks(final["zuzhibu.ics"])) == set(blocks(before["zuzhibu.ics"])) - {uid}

    generate(tmp_path, t, without, catalogue, THIRD)
    assert snapshot(tmp_path) == final


def test_a_reinstated_event_comes_back_with_a_higher_sequence(
    host: PluginHost, catalogue: dict[str, Obligation], tmp_path: Path
) -> None:
    t = tree()
    plan = plan_year(t, host, 2026)
    gone = next(o for o in plan.occurrences if o.org == "zuzhibu" and not o.all_day)
    without = attrs.evolve(plan, occurrences=tuple(o for o in plan.occurrences if o != gone))
    generate(tmp_path, t, plan, catalogue, FIRST)
    generate(tmp_path, t, without, catalogue, SECOND)
    generate(tmp_path, t, plan, catalogue, THIRD)
    events = blocks(snapshot(tmp_path)["zuzhibu.ics"])
    back = [e for _, e in events.values() if e["X-LIANXUE-OBLIGATION"] == gone.obligation and e["SEQUENCE"] > 0]
    assert len(back) == 1
    assert back[0]["SEQUENCE"] == 2
    assert back[0]["STATUS"] == "CONFIRMED"


def test_a_feed_nobody_produces_is_cancelled_once_then_left_alone(
    host: PluginHost, catalogue: dict[str, Obligation], tmp_path: Path
) -> None:
    t = tree()
    plan = plan_year(t, host, 2026)
    generate(tmp_path, t, plan, catalogue, FIRST)
    foreign = tmp_path / "mine.ics"
    foreign.write_bytes(b"BEGIN:VCALENDAR\r\nPRODID:-//someone else//EN\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    before = snapshot(tmp_path)
    without = attrs.evolve(plan, occurrences=tuple(o for o in plan.occurrences if o.org != "xuanchuanbu"))

    written = generate(tmp_path, t, without, catalogue, SECOND)
    after = snapshot(tmp_path)
    assert "xuanchuanbu.ics" in {f.path for f in written}
    cal = to_calendar(after["xuanchuanbu.ics"].decode("utf-8"))
    assert cal["X-WR-CALNAME"] == "宣传部党支部 2026"
    events = list(cal.walk("VEVENT"))
    assert events
    assert {str(e["STATUS"]) for e in events} == {"CANCELLED"}
    assert validate_feed(after["xuanchuanbu.ics"]) == []
    assert after["mine.ics"] == before["mine.ics"]
    assert {str(e["STATUS"]) for e in to_calendar(after["todo/xuanchuanbu.ics"].decode()).walk("VTODO")} == {
        "CANCELLED"
    }

    generate(tmp_path, t, without, catalogue, THIRD)
    final = snapshot(tmp_path)
    for path in ("xuanchuanbu.ics", "todo/xuanchuanbu.ics", "people/m2.ics", "mine.ics"):
        assert final[path] == after[path], path  # left alone
    assert "xuanchuanbu" not in final["supervisors/xian.ics"].decode()  # an ordinary feed drops them


# -- interrupted writes -------------------------------------------------------------------------------


def _no_temporary_files(out: Path) -> None:
    assert [p for p in out.rglob("*") if p.name.startswith(".")] == []


@pytest.fixture
def written(host: PluginHost, catalogue: dict[str, Obligation], tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    t = tree()
    generate(tmp_path, t, plan_year(t, host, 2026), catalogue, FIRST)
    return tmp_path, snapshot(tmp_path)


def _changed_feeds(host: PluginHost, catalogue: dict[str, Obligation], out: Path) -> Iterator[WrittenFeed]:
    moved = tree("09:00")
    return build_feeds(plan_year(moved, host, 2026), moved, catalogue, options=FeedOptions(stamp=SECOND), out=out)


def test_a_failing_rename_leaves_the_old_feed_whole(
    host: PluginHost,
    catalogue: dict[str, Obligation],
    written: tuple[Path, dict[str, bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out, before = written

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="No space left"):
        write_feeds(_changed_feeds(host, catalogue, out), out)
    monkeypatch.undo()
    assert snapshot(out) == before
    assert validate_feed(before["zuzhibu.ics"]) == []
    _no_temporary_files(out)


def test_a_failure_while_writing_leaves_the_old_feed_whole(
    host: PluginHost,
    catalogue: dict[str, Obligation],
    written: tuple[Path, dict[str, bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out, before = written

    def broken(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken)  # after the text is in the temporary file, before the rename
    with pytest.raises(OSError, match="Input/output"):
        write_feeds(_changed_feeds(host, catalogue, out), out)
    monkeypatch.undo()
    assert snapshot(out) == before
    _no_temporary_files(out)


def test_an_interrupted_run_leaves_every_feed_whole(
    host: PluginHost, catalogue: dict[str, Obligation], written: tuple[Path, dict[str, bytes]]
) -> None:
    out, before = written

    def interrupted() -> Iterator[WrittenFeed]:
        for n, feed in enumerate(_changed_feeds(host, catalogue, out)):
            if n == 2:
                raise KeyboardInterrupt
            yield feed

    with pytest.raises(KeyboardInterrupt):
        write_feeds(interrupted(), out)
    after = snapshot(out)
    assert set(after) == set(before)
    assert after["xian.ics"] == before["xian.ics"]  # first feed: rewritten whole (nothing changed in it)
    assert after["zuzhibu.ics"] != before["zuzhibu.ics"]  # second feed: the new one, whole
    assert after["xuanchuanbu.ics"] == before["xuanchuanbu.ics"]  # never reached: the old one
    for path, data in after.items():
        assert validate_feed(data, parsers=False) == [], path
    _no_temporary_files(out)


def test_an_unwritable_directory_leaves_the_old_feed_whole(
    host: PluginHost, catalogue: dict[str, Obligation], written: tuple[Path, dict[str, bytes]]
) -> None:
    out, before = written
    if os.geteuid() == 0:
        pytest.skip("root ignores directory permissions")
    out.chmod(0o555)
    try:
        with pytest.raises(PermissionError):
            write_feeds(_changed_feeds(host, catalogue, out), out)
    finally:
        out.chmod(0o755)
    assert snapshot(out) == before
    _no_temporary_files(out)


def test_updates_of_events_a_plugin_adjusted(catalogue: dict[str, Obligation], tmp_path: Path) -> None:
    """A plugin's change goes through updates too: unchanged events keep their bytes, changed ones get SEQUENCE 1."""

    class AddUrl:
        calls = 0

        @hookimpl
        def lianxue_adjust_event(self, event: icalendar.Event, organization: Organization) -> None:
            AddUrl.calls += 1
            event["URL"] = f"https://dangjian.example.cn/org/{organization.id}"

    host = PluginHost(plugins=[("add-url", AddUrl())])

    def run(t: OrganizationTree, stamp: dt.datetime) -> None:
        def adjust(event: icalendar.Event, occurrence: Occurrence) -> None:
            host.adjust_event(event, occurrence, t[occurrence.org])

        plan = plan_year(t, host, 2026)
        options = FeedOptions(stamp=stamp)
        write_feeds(build_feeds(plan, t, catalogue, options=options, out=tmp_path, adjust=adjust), tmp_path)

    run(tree(), FIRST)
    before = snapshot(tmp_path)
    calls = AddUrl.calls
    run(tree("09:00"), SECOND)
    after = snapshot(tmp_path)
    assert AddUrl.calls - calls == sum(len(blocks(d)) for p, d in after.items() if "/" not in p)  # once per event
    changed = check_update(before, after, SECOND)
    assert changed
    assert after["xuanchuanbu.ics"] == before["xuanchuanbu.ics"]
    for _, event in blocks(after["zuzhibu.ics"]).values():
        assert event["URL"] == "https://dangjian.example.cn/org/zuzhibu"
