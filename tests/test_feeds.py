"""The feeds themselves: every property issue 5 asks for, time zones, alarms, provisional marking,
to-dos, plugins adjusting events, file modes, determinism (hash seed, install order) and golden files.

Refresh the golden feeds after a deliberate change of the output::

    LIANXUE_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_feeds.py -k golden

then review ``git diff tests/golden`` and commit it with the change.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import os
import stat
import subprocess
import sys
import zoneinfo
from pathlib import Path
from typing import Any

import attrs
import icalendar
import pytest

from feedcheck import validate_feed
from lianxue_core import PluginError, PluginHost, example_path, hookimpl, load
from lianxue_core.app import plan_year
from lianxue_core.calendar import (
    FeedOptions,
    FeedSet,
    PreviousFeed,
    WrittenFeed,
    atomic_write,
    build_events,
    build_feeds,
    render_feed,
    stamp_from_environment,
    to_calendar,
    uid_for,
    write_feeds,
)
from lianxue_core.model import OrganizationTree
from lianxue_core.obligations import Obligation
from lianxue_core.scheduling import Occurrence, Plan
from lianxue_core.testing import TreeBuilder

STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
EPOCH = str(int(STAMP.timestamp()))
GOLDEN = Path(__file__).parent / "golden"
#: Small feeds of the example county, one per kind: a county committee, an organs branch, a two-new
#: branch, a supervisor's feed and a to-do feed.
GOLDEN_FEEDS = (
    "deqing.ics",
    "weijianju.ics",
    "moganshan-huwai.ics",
    "supervisors/caizhengju.ics",
    "todo/weijianju.ics",
)


def small_tree() -> OrganizationTree:
    return (
        TreeBuilder()
        .org("xian", "某县委", kind="committee")
        .org(
            "zuzhibu",
            "组织部党支部",
            track="organs",
            parent="xian",
            supervisor="xian",
            members=5,
            location="三楼会议室",
        )
        .org(
            "yuanjiang",
            "援疆工作组党支部",
            track="organs",
            parent="xian",
            supervisor="xian",
            members=3,
            timezone="Asia/Urumqi",
        )
        .member("m1", "张三", "zuzhibu", roles=["secretary"])
        .member("m2", "李四", "zuzhibu")
        .member("m3", "王五", "yuanjiang", roles=["secretary"])
        .build()
    )


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return PluginHost()


@pytest.fixture(scope="module")
def catalogue(host: PluginHost) -> dict[str, Obligation]:
    return {o.id: o for o in host.catalogue()}


@pytest.fixture(scope="module")
def small(host: PluginHost) -> tuple[OrganizationTree, Plan]:
    tree = small_tree()
    return tree, plan_year(tree, host, 2026)


def feeds(
    small: tuple[OrganizationTree, Plan], catalogue: dict[str, Obligation], **kwargs: Any
) -> dict[str, WrittenFeed]:
    tree, plan = small
    options = kwargs.pop("options", FeedOptions(stamp=STAMP))
    which = kwargs.pop("which", FeedSet(people=True, supervisors=("xian",), todo=True))
    return {f.path: f for f in build_feeds(plan, tree, catalogue, options=options, which=which, **kwargs)}


def events(text: str, kind: str = "VEVENT") -> list[icalendar.cal.component.Component]:
    return list(to_calendar(text).walk(kind))


# -- the calendar -------------------------------------------------------------------------------------


def test_calendar_properties(small: tuple[OrganizationTree, Plan], catalogue: dict[str, Obligation]) -> None:
    text = feeds(small, catalogue)["zuzhibu.ics"].text
    cal = to_calendar(text)
    assert isinstance(cal, icalendar.Calendar)
    assert cal["VERSION"] == "2.0"
    assert cal["PRODID"] == "-//lianxue//lianxue 0.1.0//ZH"
    assert cal["NAME"] == cal["X-WR-CALNAME"] == "组织部党支部 2026"
    assert cal["X-WR-TIMEZONE"] == "Asia/Shanghai"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in text
    assert "X-PUBLISHED-TTL:PT12H\r\n" in text
    assert "METHOD" not in cal
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert "COMMENT" not in cal.walk("VTIMEZONE")[0]


def test_every_feed_is_valid(small: tuple[OrganizationTree, Plan], catalogue: dict[str, Obligation]) -> None:
    written = feeds(small, catalogue)
    assert sorted(written) == [
        "people/m1.ics",
        "people/m2.ics",
        "people/m3.ics",
        "supervisors/xian.ics",
        "todo/yuanjiang.ics",
        "todo/zuzhibu.ics",
        "xian.ics",
        "yuanjiang.ics",
        "zuzhibu.ics",
    ]
    for path, feed in written.items():
        assert validate_feed(feed.text) == [], path


def test_event_properties(small: tuple[OrganizationTree, Plan], catalogue: dict[str, Obligation]) -> None:
    _, plan = small
    text = feeds(small, catalogue)["zuzhibu.ics"].text
    by_uid = {str(e["UID"]): e for e in events(text)}
    occurrences = [o for o in plan.for_org("zuzhibu") if not o.at]  # at: part of another activity's event
    assert sorted(by_uid) == sorted(uid_for(o) for o in occurrences)
    for occ in occurrences:
        event = by_uid[uid_for(occ)]
        ob = catalogue[occ.obligation]
        assert event["X-LIANXUE-ORG"] == "zuzhibu"
        assert event["X-LIANXUE-OBLIGATION"] == occ.obligation
        assert event["X-LIANXUE-PERIOD"] == occ.period
        assert event["SUMMARY"] == occ.title
        assert event["LOCATION"] == "三楼会议室"
        assert event["SEQUENCE"] == 0
        assert event["STATUS"] == "CONFIRMED"
        assert event.decoded("DTSTAMP") == STAMP
        assert event["CATEGORIES"].cats == ["两学一做", ob.kind.label]
        description = str(event["DESCRIPTION"])
        assert ob.source.citation() in description
        assert f"原文：“{ob.source.quote}”" in description
        (alarm,) = event.walk("VALARM")
        assert alarm["ACTION"] == "DISPLAY"
        assert alarm.decoded("TRIGGER") == dt.timedelta(days=-1)
        if occ.all_day:
            assert event["TRANSP"] == "TRANSPARENT"
            assert event.decoded("DTSTART") == occ.start
            assert event.decoded("DTEND") == occ.end + dt.timedelta(days=1)  # exclusive
            assert "TZID" not in event["DTSTART"].params
        else:
            assert event["TRANSP"] == "OPAQUE"
            assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
            assert event.decoded("DTSTART") == occ.start
            assert event.decoded("DTEND") == occ.end


def test_uids_are_deterministic_and_carry_no_personal_data() -> None:
    start = dt.datetime(2026, 3, 2, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    talk = Occurrence("org", "organs.talks", "2026", start, start, "谈心谈话：张三", slot="m-0001")
    uid = uid_for(talk)
    assert uid == uid_for(talk)
    assert uid.startswith("org.organs.talks.2026.")
    assert uid.endswith("@lianxue")
    assert "m-0001" not in uid
    assert "张三" not in uid
    assert uid_for(talk, "watch.xian.") == "watch.xian." + uid


def test_organization_time_zone_gets_its_own_vtimezone(
    small: tuple[OrganizationTree, Plan], catalogue: dict[str, Obligation]
) -> None:
    written = feeds(small, catalogue)
    cal = to_calendar(written["yuanjiang.ics"].text)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Urumqi"]
    timed = [e for e in cal.walk("VEVENT") if "TZID" in e["DTSTART"].params]
    assert timed
    assert {e["DTSTART"].params["TZID"] for e in timed} == {"Asia/Urumqi"}
    supervisor = to_calendar(written["supervisors/xian.ics"].text)  # both zones, sorted
    assert [tz["TZID"] for tz in supervisor.walk("VTIMEZONE")] == ["Asia/Shanghai", "Asia/Urumqi"]


def test_alarm_lead_time_and_switching_alarms_off(
    small: tuple[OrganizationTree, Plan], catalogue: dict[str, Obligation]
) -> None:
    for minutes, trigger in ((90, "-PT90M"), (120, "-PT2H"), (0, "-PT0H")):
        text = feeds(small, catalogue, options=FeedOptions(stamp=STAMP, alarm_minutes=minutes))["zuzhibu.ics"].text
        assert f"TRIGGER:{trigger}\r\n" in text
        assert validate_feed(text) == []
    text = feeds(small, catalogue, options=FeedOptions(stamp=STAMP, alarm_minutes=None))["zuzhibu.ics"].text
    assert "VALARM" not in text


def test_provisional_occurrences_say_so(small: tuple[OrganizationTree, Plan], catalogue: dict[str, Obligation]) -> None:
    tree, plan = small
    provisional = Plan(
        year=plan.year,
        provisional=True,
        workdays_source="estimate",
        occurrences=tuple(attrs.evolve(o, provisional=True) for o in plan.occurrences),
    )
    text = feeds((tree, provisional), catalogue)["zuzhibu.ics"].text
    assert validate_feed(text) == []
    for event in events(text):
        assert str(event["SUMMARY"]).endswith("（暂定）")
        assert event["STATUS"] == "TENTATIVE"
        assert event["X-LIANXUE-PROVISIONAL"] == "TRUE"
        assert str(event["DESCRIPTION"]).startswith("【暂定】")


def test_people_and_supervisor_feeds(small: tuple[OrganizationTree, Plan], catalogue: dict[str, Obligation]) -> None:
    _, plan = small
    written = feeds(small, catalogue)
    mine = events(written["people/m2.ics"].text)
    shown = [o for o in plan.occurrences if not o.at]
    assert {str(e["UID"]) for e in mine} == {uid_for(o) for o in shown if "m2" in o.people}
    assert all(str(e["SUMMARY"]).startswith("【组织部党支部】") for e in mine)
    watched = events(written["supervisors/xian.ics"].text)
    overseen = {"zuzhibu", "yuanjiang"}
    expected = {uid_for(o, "watch.xian.") for o in shown if o.org in overseen and not o.slot}
    assert {str(e["UID"]) for e in watched} == expected
    assert "督查" in str(to_calendar(written["supervisors/xian.ics"].text)["X-WR-CALNAME"])


# -- to-dos -------------------------------------------------------------------------------------------


def test_todo_feed(small: tuple[OrganizationTree, Plan], catalogue: dict[str, Obligation]) -> None:
    _, plan = small
    text = feeds(small, catalogue)["todo/zuzhibu.ics"].text
    assert validate_feed(text) == []
    todos = events(text, "VTODO")
    assert not events(text)
    deadlines = [o for o in plan.for_org("zuzhibu") if o.all_day and not o.at]
    assert len(todos) == len(deadlines) > 0
    event_uids = {uid_for(o) for o in plan.for_org("zuzhibu") if not o.at}
    for todo, occ in zip(todos, deadlines, strict=True):
        assert str(todo["UID"]) == "todo." + uid_for(occ)
        assert str(todo["UID"]) not in event_uids
        assert "VALUE=DATE" in todo["DUE"].to_ical().decode() or todo["DUE"].params.get("VALUE") == "DATE"
        assert todo.decoded("DUE") == occ.end
        assert todo["STATUS"] == "NEEDS-ACTION"
        assert "TRANSP" not in todo
        (alarm,) = todo.walk("VALARM")
        assert alarm["TRIGGER"].params["RELATED"] == "END"


def test_no_todo_feed_unless_asked(small: tuple[OrganizationTree, Plan], catalogue: dict[str, Obligation]) -> None:
    assert not [p for p in feeds(small, catalogue, which=FeedSet()) if p.startswith("todo/")]


# -- plugins adjusting events -------------------------------------------------------------------------


class AddUrl:
    @hookimpl
    def lianxue_adjust_event(self, event: icalendar.Event, organization: Any) -> None:
        event["URL"] = f"https://dangjian.example.cn/org/{organization.id}"
        event["COMMENT"] = "C:\\New, 备注；"


class ChangeUid:
    @hookimpl
    def lianxue_adjust_event(self, event: icalendar.Event) -> None:
        event["UID"] = "mine@example.cn"


def _adjust(host: PluginHost, tree: OrganizationTree) -> Any:
    def adjust(event: icalendar.Event, occurrence: Occurrence) -> None:
        host.adjust_event(event, occurrence, tree[occurrence.org])

    return adjust


def test_plugin_adjusts_events_in_the_written_feed(
    small: tuple[OrganizationTree, Plan], catalogue: dict[str, Obligation], tmp_path: Path
) -> None:
    tree, plan = small
    host = PluginHost(plugins=[("add-url", AddUrl())])
    written = write_feeds(feeds(small, catalogue, adjust=_adjust(host, tree)).values(), tmp_path)
    assert written
    text = (tmp_path / "zuzhibu.ics").read_bytes().decode("utf-8")
    assert validate_feed(text) == []
    for event in events(text):
        assert event["URL"] == "https://dangjian.example.cn/org/zuzhibu"
        assert event["COMMENT"] == "C:\\New, 备注；"  # icalendar's writer would make \N a line break
        assert event["UID"].startswith("zuzhibu.")
    # regenerating with the same plugin changes nothing
    again = list(build_feeds(plan, tree, catalogue, options=FeedOptions(stamp=STAMP + dt.timedelta(days=9)),
                             out=tmp_path, adjust=_adjust(host, tree)))  # fmt: skip
    assert all(f.changed == 0 for f in again)
    assert all(f.text == (tmp_path / f.path).read_bytes().decode("utf-8") for f in again)


def test_plugin_changing_the_uid_is_refused(
    small: tuple[OrganizationTree, Plan], catalogue: dict[str, Obligation]
) -> None:
    tree, _ = small
    host = PluginHost(plugins=[("change-uid", ChangeUid())])
    with pytest.raises(PluginError, match=r"change-uid.*changed the event's UID"):
        feeds(small, catalogue, adjust=_adjust(host, tree))


def test_adjust_changing_the_uid_is_refused_without_a_host(
    small: tuple[OrganizationTree, Plan], catalogue: dict[str, Obligation]
) -> None:
    def adjust(event: icalendar.Event, occurrence: Occurrence) -> None:
        event["UID"] = "other"

    with pytest.raises(ValueError, match="changed its UID"):
        feeds(small, catalogue, adjust=adjust)


def test_plugin_adjusts_through_the_command_line(
    install_dist: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lianxue_core.cli import main

    install_dist(
        "lianxue-url",
        "1.0",
        {"url": "lianxue_url_plugin"},
        {
            "lianxue_url_plugin": (
                "from lianxue_core import hookimpl\n"
                "@hookimpl\n"
                "def lianxue_adjust_event(event, organization):\n"
                "    event['URL'] = 'https://dangjian.example.cn/org/' + organization.id\n"
            )
        },
    )
    orgfile = tmp_path / "org.toml"
    orgfile.write_text(
        '[[org]]\nid = "zuzhibu"\nname = "组织部党支部"\nkind = "branch"\ntrack = "organs"\nmembers = 5\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    code = main(["calendar", str(orgfile), "--year", "2026", "--out", str(tmp_path / "out")])
    assert code == 0
    text = (tmp_path / "out" / "zuzhibu.ics").read_bytes().decode("utf-8")
    assert validate_feed(text) == []
    assert all(e["URL"] == "https://dangjian.example.cn/org/zuzhibu" for e in events(text))


# -- writing ------------------------------------------------------------------------------------------


def test_written_feeds_are_readable_by_others(tmp_path: Path) -> None:
    """The temporary file's 0600 must not survive the rename: a web server serves these files."""
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "a.ics", "x")
        assert stat.S_IMODE((tmp_path / "a.ics").stat().st_mode) == 0o644
        (tmp_path / "a.ics").chmod(0o640)
        atomic_write(tmp_path / "a.ics", "y")  # an existing file keeps its mode
        assert stat.S_IMODE((tmp_path / "a.ics").stat().st_mode) == 0o640
    finally:
        os.umask(old)
    assert [p.name for p in tmp_path.iterdir()] == ["a.ics"]


def test_write_feeds_keeps_no_text(
    small: tuple[OrganizationTree, Plan], catalogue: dict[str, Obligation], tmp_path: Path
) -> None:
    written = write_feeds(feeds(small, catalogue).values(), tmp_path)
    assert all(f.text == "" for f in written)
    assert all((tmp_path / f.path).is_file() for f in written)
    data = (tmp_path / "zuzhibu.ics").read_bytes()
    assert b"\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_stamp_from_environment() -> None:
    assert stamp_from_environment({"SOURCE_DATE_EPOCH": EPOCH}) == STAMP
    now = stamp_from_environment({})
    assert now.tzinfo is dt.UTC
    assert abs(now - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    assert stamp_from_environment({"SOURCE_DATE_EPOCH": "soon"}).tzinfo is dt.UTC


def test_previous_feed_reads_what_was_written(
    small: tuple[OrganizationTree, Plan], catalogue: dict[str, Obligation]
) -> None:
    text = feeds(small, catalogue)["zuzhibu.ics"].text
    previous = PreviousFeed.parse(text)
    assert previous.name == "组织部党支部 2026"
    assert len(previous.blocks) == len(events(text))
    block = next(iter(previous.blocks.values()))
    assert block.sequence == 0
    assert not block.cancelled
    assert PreviousFeed.read(Path("/nonexistent/feed.ics")).blocks == {}


# -- determinism --------------------------------------------------------------------------------------


def _run_calendar(out: Path, seed: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": EPOCH}
    cmd = [sys.executable, "-m", "lianxue_core", "calendar", str(example_path()), "--year", "2026",
           "--out", str(out), "--supervisor", "jiguan-gongwei", "--todo"]  # fmt: skip
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _same_tree(a: Path, b: Path) -> list[str]:
    diffs: list[str] = []
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    if files_a != files_b:
        diffs.append(f"different files: {sorted(set(files_a) ^ set(files_b))[:5]}")
    for rel in set(files_a) & set(files_b):
        if not filecmp.cmp(a / rel, b / rel, shallow=False):
            diffs.append(str(rel))
    return sorted(diffs)


def test_same_bytes_whatever_the_hash_seed(tmp_path: Path) -> None:
    runs = {seed: _run_calendar(tmp_path / seed, seed) for seed in ("1", "4242")}
    for seed, proc in runs.items():
        stdout, stderr = proc.communicate(timeout=600)
        assert proc.returncode == 0, stderr.decode()
        assert b"Wrote" in stdout, seed
    assert len(list((tmp_path / "1").glob("*.ics"))) > 100
    assert _same_tree(tmp_path / "1", tmp_path / "4242") == []


def _host(order: list[str], extra: list[tuple[str, object]]) -> PluginHost:
    import importlib

    modules = {
        "organs": "lianxue_tracks.organs",
        "town": "lianxue_tracks.town",
        "village": "lianxue_tracks.village",
        "two-new": "lianxue_tracks.two_new",
        "branch-rules": "lianxue_tracks.branch_rules",
    }
    plugins = [(name, importlib.import_module(modules[name])) for name in order]
    return PluginHost(autoload=False, plugins=[*plugins, *extra], environ={})


def test_same_bytes_whatever_the_install_order() -> None:
    class Second:
        @hookimpl
        def lianxue_adjust_event(self, event: icalendar.Event) -> None:
            event["X-SECOND"] = str(event.get("X-FIRST", "-"))

    class First:
        @hookimpl
        def lianxue_adjust_event(self, event: icalendar.Event) -> None:
            event["X-FIRST"] = "1"

    texts = []
    for order, extra in (
        (["organs", "town", "village", "two-new", "branch-rules"], [("a-first", First()), ("b-second", Second())]),
        (["branch-rules", "two-new", "village", "town", "organs"], [("b-second", Second()), ("a-first", First())]),
    ):
        host = _host(order, extra)
        tree = small_tree()
        plan = plan_year(tree, host, 2026)
        catalogue = {o.id: o for o in host.catalogue()}
        texts.append([f.text for f in build_feeds(plan, tree, catalogue, options=FeedOptions(stamp=STAMP),
                                                  which=FeedSet(people=True, supervisors=("xian",)),
                                                  adjust=_adjust(host, tree))])  # fmt: skip
    assert texts[0] == texts[1]
    assert "X-SECOND:1\r\n" in texts[0][1]


# -- golden feeds -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_feeds(host: PluginHost, catalogue: dict[str, Obligation]) -> dict[str, str]:
    tree = load(example_path(), tracks=host.tracks())
    orgs = {"deqing", "weijianju", "moganshan-huwai"} | {o.id for o in tree.overseen_by("caizhengju")}
    plan = plan_year(tree, host, 2026, orgs=orgs)  # the same occurrences as the whole county's plan
    which = FeedSet(supervisors=("caizhengju",), todo=True)
    wanted = set(GOLDEN_FEEDS)
    return {
        f.path: f.text
        for f in build_feeds(plan, tree, catalogue, options=FeedOptions(stamp=STAMP), which=which)
        if f.path in wanted
    }


@pytest.mark.parametrize("name", GOLDEN_FEEDS)
def test_golden_feeds(example_feeds: dict[str, str], name: str) -> None:
    """The example county's feeds, byte for byte (refresh: see this module's docstring)."""
    path = GOLDEN / name
    text = example_feeds[name]
    if os.environ.get("LIANXUE_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"no golden file {path}; create it with LIANXUE_UPDATE_GOLDEN=1 (see the module docstring)"
    golden = path.read_bytes().decode("utf-8")
    assert validate_feed(golden) == []
    if text != golden:
        new, old = text.split("\r\n"), golden.split("\r\n")
        first = next((i for i, (a, b) in enumerate(zip(new, old, strict=False)) if a != b), min(len(new), len(old)))
        pytest.fail(
            f"{name} differs from tests/golden/{name} at line {first + 1}:\n"
            f"  golden:    {old[first] if first < len(old) else '(end)'!r}\n"
            f"  generated: {new[first] if first < len(new) else '(end)'!r}\n"
            "If the change is deliberate, refresh with "
            "LIANXUE_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_feeds.py -k golden and review the diff."
        )


def test_every_block_has_its_fingerprint(
    small: tuple[OrganizationTree, Plan], catalogue: dict[str, Obligation]
) -> None:
    """publish compares fingerprints: new blocks and blocks read back carry the same, never an empty one."""
    _, plan = small
    options = FeedOptions(stamp=STAMP)
    new = build_events(plan.for_org("zuzhibu"), options=options, obligations=catalogue)
    read = PreviousFeed.parse(render_feed("x", new, options=options, year=2026)).blocks
    for block in new:
        assert len(block.fingerprint) == 64
        assert read[block.uid].fingerprint == block.fingerprint
