"""``lianxue publish`` and :func:`lianxue_core.calendar.publish.publish` against a real Radicale server.

Each test starts Radicale on 127.0.0.1 (free port, temporary storage: on /dev/shm when there is one,
since Radicale fsyncs every PUT) and talks to it with the real ``caldav`` client — no mocks.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import caldav
import icalendar
import pytest

from lianxue_core import orgfile
from lianxue_core.app import plan_year
from lianxue_core.calendar import FeedOptions, FeedSet, WrittenFeed, build_feeds, uid_for
from lianxue_core.calendar.publish import PublishError, PublishReport, publish
from lianxue_core.calendar.serve import make_server
from lianxue_core.cli import main
from lianxue_core.errors import InputError
from lianxue_core.plugins import PluginHost
from lianxue_core.scheduling import Plan
from lianxue_core.scheduling.occurrence import Occurrence
from radicale_server import closed_port, running_radicale

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = 2026
USER = "lianxue"

ORGFILE = """\
[defaults]
timezone = "Asia/Shanghai"
meeting_time = "14:30"

[[org]]
id = "jgdgw"
name = "德清县直属机关党工委"
kind = "working-committee"

[[org]]
id = "zzb"
name = "县委组织部机关党支部"
track = "organs"
parent = "jgdgw"
members = 30

[[org]]
id = "xcb"
name = "县委宣传部机关党支部"
track = "organs"
parent = "jgdgw"
members = 20
{xcb_options}

[[member]]
id = "m-0001"
name = "张三"
org = "zzb"
roles = ["secretary"]
"""


# -- fixtures and helpers ------------------------------------------------------------------------------


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[str]:
    """The base URL of a Radicale server that runs for this test only."""
    shm = Path("/dev/shm")
    base = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else str(tmp_path)
    with (
        tempfile.TemporaryDirectory(prefix="lianxue-radicale-", dir=base) as folder,
        running_radicale(Path(folder) / "collections") as url,
    ):
        yield url


@pytest.fixture
def org_path(tmp_path: Path) -> Path:
    path = tmp_path / "orgs.toml"
    path.write_text(ORGFILE.format(xcb_options=""), encoding="utf-8")
    return path


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "password"
    path.write_text("any password\n", encoding="utf-8")
    return path


def plan_of(path: Path) -> tuple[Plan, dict[str, str]]:
    host = PluginHost()
    tree = orgfile.load(path, tracks=host.tracks())
    return plan_year(tree, host, YEAR), {o.id: o.name for o in tree}


def feeds_of(path: Path) -> list[WrittenFeed]:
    host = PluginHost()
    tree = orgfile.load(path, tracks=host.tracks())
    plan = plan_year(tree, host, YEAR)
    obligations = {o.id: o for o in host.catalogue()}
    options = FeedOptions(stamp=dt.datetime(YEAR, 1, 1, tzinfo=dt.UTC))
    return list(build_feeds(plan, tree, obligations, options=options, which=FeedSet()))


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def publish_cli(org_path: Path, url: str, password_file: Path, *extra: str) -> tuple[int, str, str]:
    return run(
        "publish",
        str(org_path),
        "--year",
        str(YEAR),
        "--url",
        url,
        "--user",
        USER,
        "--password-file",
        str(password_file),
        *extra,
    )


def client(url: str) -> caldav.DAVClient:
    return caldav.DAVClient(url=url, username=USER, password="x", auth_type="basic", enable_rfc6764=False)


def collection(url: str, org: str) -> caldav.Calendar:
    with client(url) as c:
        for cal in c.get_principal().get_calendars():
            if str(cal.url).rstrip("/").endswith("/" + org):
                return cal
    raise AssertionError(f"no collection {org!r} on {url}")


def resources(url: str, org: str) -> dict[str, tuple[str, str]]:
    """UID -> (ETag, data) of every event resource in a collection, checked to be whole and valid."""
    found: dict[str, tuple[str, str]] = {}
    for resource in collection(url, org).search(event=True):
        data = resource.raw_data.decode("utf-8")
        cal = icalendar.Calendar.from_ical(data)
        events = list(cal.walk("VEVENT"))
        assert len(events) == 1, data
        assert "METHOD" not in cal
        for component in cal.walk():
            assert not component.errors, (component.name, component.errors)
        uid = str(events[0]["UID"])
        if "TZID=" in data.replace("\r\n ", ""):
            assert cal.walk("VTIMEZONE"), f"{uid}: TZID without VTIMEZONE"
        found[uid] = (str(resource.etag), data)
    return found


def counts(report: PublishReport, org: str) -> tuple[int, int, int, int]:
    (c,) = [c for c in report.collections if c.org == org]
    return c.created, c.updated, c.deleted, c.unchanged


def _bounds(occ: Occurrence) -> tuple[dt.datetime, dt.datetime]:
    if isinstance(occ.start, dt.datetime) and isinstance(occ.end, dt.datetime):
        return occ.start, occ.end
    end = occ.end if isinstance(occ.end, dt.date) else occ.start
    first = dt.datetime.combine(occ.start, dt.time(), SHANGHAI)
    return first, dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), SHANGHAI)


# -- publish --------------------------------------------------------------------------------------------


def test_publish_creates_collections_then_a_second_publish_changes_nothing(
    radicale: str, org_path: Path, password_file: Path
) -> None:
    code, out, err = publish_cli(org_path, radicale, password_file)
    assert code == 0, err
    feeds = {f.path.removesuffix(".ics"): f for f in feeds_of(org_path)}
    for org, feed in feeds.items():
        on_server = resources(radicale, org)
        assert set(on_server) == {m.group(1) for m in re.finditer(r"^UID:(.*)\r$", feed.text, re.MULTILINE)}
        assert all(uid.endswith("@lianxue") for uid in on_server)
    assert collection(radicale, "zzb").get_display_name() == "县委组织部机关党支部"
    assert re.search(r"zzb\s+县委组织部机关党支部\s+67\s+0\s+0\s+0", out), out
    assert "Published 3 calendars to " + radicale in out

    before = {org: resources(radicale, org) for org in feeds}
    code, out, err = publish_cli(org_path, radicale, password_file)
    assert code == 0, err
    assert "0 created, 0 updated, 0 deleted, 129 unchanged" in out
    assert {org: resources(radicale, org) for org in feeds} == before  # same ETags: nothing was PUT


def test_resources_are_one_event_each_with_sequence_and_fingerprint(radicale: str, org_path: Path) -> None:
    report = publish(feeds_of(org_path), radicale, user=USER, password="x")
    assert report.total("created") == 129
    _, data = resources(radicale, "zzb")["zzb.organs.fixed-day.2026-03@lianxue"]
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert event["SEQUENCE"] == 0
    assert event["X-LIANXUE-OBLIGATION"] == "organs.fixed-day"
    assert re.fullmatch(r"[0-9a-f]{64}", str(event["X-LIANXUE-FINGERPRINT"]))
    assert event["DTSTART"].dt.tzinfo is not None


def test_changing_one_organization_changes_only_its_events(radicale: str, org_path: Path, password_file: Path) -> None:
    assert publish_cli(org_path, radicale, password_file)[0] == 0
    zzb_before = resources(radicale, "zzb")
    org_path.write_text(ORGFILE.format(xcb_options='options = { meeting_time = "09:00" }'), encoding="utf-8")

    report = publish(feeds_of(org_path), radicale, user=USER, password="x")
    created, updated, deleted, _ = counts(report, "xcb")
    assert (created, deleted) == (0, 0)
    assert updated > 0
    assert counts(report, "zzb") == (0, 0, 0, 67)
    assert counts(report, "jgdgw") == (0, 0, 0, 5)
    assert resources(radicale, "zzb") == zzb_before

    moved = 0
    for _, data in resources(radicale, "xcb").values():
        event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
        start = event["DTSTART"].dt
        if isinstance(start, dt.datetime):
            assert (start.hour, start.minute) == (9, 0)
            assert event["SEQUENCE"] == 1  # raised above the server's 0
            moved += 1
    assert moved == updated

    report = publish(feeds_of(org_path), radicale, user=USER, password="x")
    assert report.total("unchanged") == 129
    assert report.total("created") + report.total("updated") + report.total("deleted") == 0


def test_events_added_by_hand_survive_and_removed_events_are_deleted(radicale: str, org_path: Path) -> None:
    feeds = feeds_of(org_path)
    publish(feeds, radicale, user=USER, password="x")
    cal = collection(radicale, "zzb")
    cal.add_event(
        dtstart=dt.datetime(YEAR, 3, 10, 9, tzinfo=SHANGHAI),
        dtend=dt.datetime(YEAR, 3, 10, 10, tzinfo=SHANGHAI),
        summary="手工添加：支部书记碰头会",
        uid="hand-made-1@example.cn",
    )
    # A managed event someone moved by hand is put back by the next publish.
    uid = "zzb.organs.fixed-day.2026-03@lianxue"
    moved = cal.get_event_by_uid(uid)
    with moved.edit_icalendar_component() as component:
        component["DTSTART"].dt = component["DTSTART"].dt + dt.timedelta(hours=2)
        component["DTEND"].dt = component["DTEND"].dt + dt.timedelta(hours=2)
    moved.save(increase_seqno=False)

    # The feed no longer has one event: it is deleted; the hand-made one stays.
    zzb = next(f for f in feeds if f.path == "zzb.ics")
    gone = "zzb.organs.fixed-day.2026-04@lianxue"
    text = re.sub(rf"BEGIN:VEVENT\r\nUID:{re.escape(gone)}\r\n.*?END:VEVENT\r\n", "", zzb.text, flags=re.DOTALL)
    assert text != zzb.text
    changed = [WrittenFeed(f.path, f.name, text, 0, 0, 0) if f is zzb else f for f in feeds]

    report = publish(changed, radicale, user=USER, password="x")
    assert counts(report, "zzb") == (0, 1, 1, 65)
    on_server = resources(radicale, "zzb")
    assert "hand-made-1@example.cn" in on_server
    assert "手工添加" in on_server["hand-made-1@example.cn"][1]
    assert gone not in on_server
    restored = icalendar.Calendar.from_ical(on_server[uid][1]).walk("VEVENT")[0]
    assert restored["DTSTART"].dt.hour == 14

    report = publish(feeds, radicale, user=USER, password="x")  # the event comes back
    assert counts(report, "zzb") == (1, 0, 0, 66)
    assert "hand-made-1@example.cn" in resources(radicale, "zzb")


def test_events_of_another_year_are_left_alone(radicale: str, org_path: Path) -> None:
    feeds = feeds_of(org_path)
    publish(feeds, radicale, user=USER, password="x")
    cal = collection(radicale, "xcb")
    cal.add_event(
        dtstart=dt.date(YEAR - 1, 12, 1),
        dtend=dt.date(YEAR - 1, 12, 2),
        summary="去年的学习安排",
        uid=f"xcb.organs.old.{YEAR - 1}@lianxue",
    )
    report = publish(feeds, radicale, user=USER, password="x")
    assert counts(report, "xcb") == (0, 0, 0, 57)
    assert f"xcb.organs.old.{YEAR - 1}@lianxue" in resources(radicale, "xcb")


def test_the_servers_own_expansion_returns_the_planned_occurrences_of_a_month(radicale: str, org_path: Path) -> None:
    publish(feeds_of(org_path), radicale, user=USER, password="x")
    plan, _ = plan_of(org_path)
    start = dt.datetime(YEAR, 3, 1, tzinfo=SHANGHAI)
    end = dt.datetime(YEAR, 4, 1, tzinfo=SHANGHAI)
    planned = {}
    for occ in plan.for_org("zzb"):
        first, last = _bounds(occ)
        if first < end and last > start:
            planned[uid_for(occ)] = first
    assert len(planned) >= 2  # the 固定活动日 (which is also the 主题党日) and the committee meeting at least

    found = collection(radicale, "zzb").search(start=start, end=end, event=True, expand=True)
    got = {}
    for resource in found:
        event = resource.icalendar_component
        moment = event["DTSTART"].dt
        if not isinstance(moment, dt.datetime):
            moment = dt.datetime.combine(moment, dt.time(), SHANGHAI)
        got[str(event["UID"])] = moment
    assert got == planned


# -- errors ---------------------------------------------------------------------------------------------


def test_a_server_that_is_down_gives_one_line_and_exit_code_1(org_path: Path, password_file: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/"
    started = time.monotonic()
    code, out, err = publish_cli(org_path, url, password_file)
    assert code == 1
    assert err.count("\n") == 1, err
    assert err.startswith(f"lianxue: error: cannot publish organization 'jgdgw' (德清县直属机关党工委) to {url}: ")
    assert "Connection refused" in err
    assert "Traceback" not in err + out
    assert time.monotonic() - started < 30


def test_the_api_raises_publish_error_with_what_was_done(org_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/"
    with pytest.raises(PublishError, match=r"cannot connect") as info:
        publish(feeds_of(org_path), url)
    assert info.value.report.collections == ()
    with pytest.raises(ValueError, match="http"):
        publish(feeds_of(org_path), "ftp://example.cn/")


def test_a_server_that_refuses_gives_one_line(tmp_path: Path, org_path: Path) -> None:
    # lianxue serve answers PROPFIND with 405: a server that is up but is no CalDAV server.
    server = make_server({}, "127.0.0.1", 0).start()
    try:
        password = tmp_path / "pw"
        password.write_text("x\n", encoding="utf-8")
        code, _, err = publish_cli(org_path, server.url, password)
    finally:
        server.shutdown()
        server.server_close()
    assert code == 1
    assert err.count("\n") == 1, err
    assert err.startswith(
        f"lianxue: error: cannot publish organization 'jgdgw' (德清县直属机关党工委) to {server.url}: "
    )
    assert "HTTP 405" in err
    assert "CalDAV server?" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "ftp://example.cn/"], "ftp://example.cn/: key '--url': must start with http:// or https://"),
        (["--url", "http://"], "http://: key '--url': has no host name"),
        (["--url", "http://127.0.0.1:1/", "--user", "u", "--password-file", "missing"], "cannot read the password"),
        (["--url", "http://127.0.0.1:1/", "--password-file", "PW"], "a password file needs --user"),
        (["--url", "http://127.0.0.1:1/", "--user", "u", "--password-file", "EMPTY"], "the first line is empty"),
    ],
)
def test_bad_url_or_password_file_exit_2(org_path: Path, tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "PW").write_text("secret\n", encoding="utf-8")
    (tmp_path / "EMPTY").write_text("\nsecret\n", encoding="utf-8")
    args = [str(tmp_path / a) if a in ("PW", "EMPTY", "missing") else a for a in args]
    code, _, err = run("publish", str(org_path), "--year", str(YEAR), *args)
    assert code == 2
    assert err.startswith("lianxue: error: ")
    assert message in err
    assert err.count("\n") == 1


def test_the_password_is_read_from_the_first_line_and_sent(tmp_path: Path, org_path: Path) -> None:
    users = tmp_path / "users"
    users.write_text("dangjian:right-password\n", encoding="utf-8")
    shm = Path("/dev/shm")
    base = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else str(tmp_path)
    password = tmp_path / "pw"
    with tempfile.TemporaryDirectory(dir=base) as folder:
        extra = ("--auth-type", "htpasswd", "--auth-htpasswd-filename", str(users))
        extra += ("--auth-htpasswd-encryption", "plain", "--auth-delay", "0")
        with running_radicale(Path(folder) / "c", extra=extra) as url:
            common = ["publish", str(org_path), "--year", str(YEAR), "--url", url, "--user", "dangjian"]
            password.write_text("wrong-password\n", encoding="utf-8")
            code, _, err = run(*common, "--password-file", str(password))
            assert code == 1
            assert "refused the credentials" in err
            assert err.count("\n") == 1

            password.write_text("right-password\nsecond line is ignored\n", encoding="utf-8")
            code, out, err = run(*common, "--password-file", str(password))
            assert code == 0, err
            assert "129 created" in out


def test_unchanged_events_compare_equal_however_the_server_writes_them() -> None:
    from lianxue_core.calendar.publish import _read_resource, _visible

    def visible(text: str) -> tuple[str, ...]:
        read = _read_resource("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n" + text + "END:VCALENDAR\r\n")
        assert read is not None
        return _visible(read[2])

    ours = visible(
        "BEGIN:VEVENT\r\nUID:a@lianxue\r\nDTSTART;TZID=Asia/Shanghai;X-A=1:20260305T143000\r\n"
        "SUMMARY:学习\\, 讨论\r\nBEGIN:VALARM\r\nSUMMARY:not this one\r\nEND:VALARM\r\nEND:VEVENT\r\n"
    )
    reordered = visible(
        'BEGIN:VEVENT\nsummary:学习\\, 讨\n 论\nDTSTART;X-A=1;TZID="Asia/Shanghai":20260305T143000\n'
        "UID:a@lianxue\nEND:VEVENT\n"
    )
    summary = "SUMMARY:学习\\, 讨论\r\n"
    in_utc = visible(f"BEGIN:VEVENT\r\nUID:a@lianxue\r\nDTSTART:20260305T063000Z\r\n{summary}END:VEVENT\r\n")
    moved = visible(f"BEGIN:VEVENT\r\nUID:a@lianxue\r\nDTSTART:20260305T073000Z\r\n{summary}END:VEVENT\r\n")
    assert ours[2] == "学习, 讨论"  # the VALARM's SUMMARY is not the event's
    assert ours == reordered
    assert ours == in_utc
    assert ours != moved


def test_only_events_lianxue_provably_wrote_are_managed() -> None:
    from lianxue_core.calendar.publish import _read_resource

    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
    marks = "X-LIANXUE-OBLIGATION:organs.x\r\nX-LIANXUE-FINGERPRINT:" + "ab" * 32 + "\r\n"

    def managed(event: str) -> bool | None:
        read = _read_resource(head + event + "END:VCALENDAR\r\n")
        return None if read is None else read[1]

    ours = "BEGIN:VEVENT\r\nUID:zzb.organs.x.2026-03@lianxue\r\nDTSTART:20260305T063000Z\r\n" + marks + "END:VEVENT\r\n"
    assert managed(ours) is True
    # a line separator (U+2028, NEL, FF) in a hand-made text is no line break for the parser
    smuggled = "\u2028UID:zzb.organs.x.2026-03@lianxue\u2028" + marks.replace("\r\n", "\u2028")
    hand = "BEGIN:VEVENT\r\nUID:hand@example.cn\r\nDTSTART:20260305T063000Z\r\n"
    hand += f"SUMMARY:会{smuggled}\x85\x0c\r\nEND:VEVENT\r\n"
    assert managed(hand) is False
    assert managed(ours.replace("@lianxue", "@lianxue.example.cn")) is False
    assert managed(ours.replace("X-LIANXUE-OBLIGATION", "X-OTHER")) is False
    assert managed(ours.replace("X-LIANXUE-FINGERPRINT", "X-OTHER")) is False
    assert managed(ours.replace("ab" * 32, "not a digest")) is False
    assert managed(ours.replace("END:VEVENT", "RRULE:FREQ=DAILY\r\nEND:VEVENT")) is False
    assert managed(ours + ours.replace("zzb.", "xcb.")) is False  # two events in one resource
    assert managed("BEGIN:VTODO\r\nUID:x@lianxue\r\nEND:VTODO\r\n") is None
    assert managed("BEGIN:VEVENT\r\nno colon here\r\nEND:VEVENT\r\n") in (None, False)


# -- without the optional extra lianxue[caldav] -----------------------------------------------------------


def block_caldav(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``caldav`` (and every submodule) unimportable, as in an install without ``lianxue[caldav]``."""
    for name in [m for m in sys.modules if m == "caldav" or m.startswith("caldav.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "caldav", None)
    monkeypatch.delitem(sys.modules, "lianxue_core.calendar.publish", raising=False)


def test_publish_without_the_caldav_extra_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, org_path: Path, password_file: Path
) -> None:
    block_caldav(monkeypatch)
    code, out, err = publish_cli(org_path, f"http://127.0.0.1:{closed_port()}/", password_file)
    assert code == 2
    assert err == "lianxue: error: lianxue publish: needs the CalDAV client: pip install 'lianxue[caldav]'\n"
    assert "Traceback" not in out + err
    with pytest.raises(InputError, match=r"lianxue\[caldav\]"):
        importlib.import_module("lianxue_core.calendar.publish")


def test_everything_else_works_without_caldav(tmp_path: Path, org_path: Path) -> None:
    # A fresh interpreter that cannot import caldav imports every other module and runs the main job.
    script = f"""
import pkgutil, sys
sys.modules["caldav"] = None
import lianxue_core
for info in pkgutil.walk_packages(lianxue_core.__path__, "lianxue_core."):
    if info.name not in ("lianxue_core.calendar.publish", "lianxue_core.__main__"):
        __import__(info.name)
from lianxue_core.cli import main
sys.exit(main(["run", {str(org_path)!r}, "--year", "2026", "--out", {str(tmp_path / "feeds")!r}]))
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIANXUE_", "PYTEST_"))}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "feeds" / "zzb.ics").exists()


# -- credentials in the URL are never printed ---------------------------------------------------------------


def test_redact_url() -> None:
    from lianxue_core.calendar.publish import redact_url

    assert redact_url("http://user:secret@host/dav/") == "http://user:***@host/dav/"
    assert redact_url("https://u:p@ss:w@host:8443/x?y=a@b") == "https://u:***@host:8443/x?y=a@b"
    assert redact_url("to http://a:b@h/ and https://c:d@e/") == "to http://a:***@h/ and https://c:***@e/"
    assert redact_url("https://host/a@b") == "https://host/a@b"
    assert redact_url("http://user@host/") == "http://user@host/"


def test_a_password_in_the_url_is_masked_in_the_success_line(radicale: str, org_path: Path) -> None:
    url = radicale.replace("http://", f"http://{USER}:top-secret-9@")
    code, out, err = run("publish", str(org_path), "--year", str(YEAR), "--url", url)
    assert code == 0, err
    assert f"Published 3 calendars to http://{USER}:***@127.0.0.1:" in out
    assert "top-secret-9" not in out + err
    report = publish(feeds_of(org_path), url)
    assert "top-secret-9" not in report.url + "".join(c.url for c in report.collections)


def test_a_password_in_the_url_is_masked_in_the_error_line(org_path: Path) -> None:
    url = f"http://dangjian:top-secret-9@127.0.0.1:{closed_port()}/dav/"
    code, out, err = run("publish", str(org_path), "--year", str(YEAR), "--url", url)
    assert code == 1
    assert f"to http://dangjian:***@127.0.0.1:{url.rsplit(':', 1)[1]}" in err, err
    assert "top-secret-9" not in out + err
    with pytest.raises(PublishError) as info:
        publish(feeds_of(org_path), url)
    assert "top-secret-9" not in str(info.value) + info.value.report.url


def test_publish_summary_as_json(radicale: str, org_path: Path, password_file: Path) -> None:
    code, out, err = publish_cli(org_path, radicale, password_file, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["url"] == radicale
    assert doc["created"] + doc["unchanged"] + doc["updated"] == 129
    assert {c["org"] for c in doc["collections"]} == {f.path.removesuffix(".ics") for f in feeds_of(org_path)}
    code, out, _ = publish_cli(org_path, radicale, password_file, "--format", "json")
    assert (code, json.loads(out)["unchanged"], json.loads(out)["created"]) == (0, 129, 0)
