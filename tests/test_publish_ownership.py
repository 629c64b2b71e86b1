"""``publish`` owns only what it made: hand-made events survive any sequence of publishes.

A property test against a real Radicale server (tests/radicale_server.py): hypothesis makes events a person
might add to an organization's collection by hand — any text (line separators U+2028/U+2029/NEL, form feeds,
lines that look like iCalendar properties), any extra properties (``X-LIANXUE-*`` among them), UIDs that end in
``@lianxue`` or are the very UIDs of the feed, resource names that are lianxue's — puts them into the
collection before and between publishes of changing feeds, and checks after every publish that each one is
still there, unchanged (same ETag, same text). The only events excluded are those that carry all of
lianxue's marks at once (its UID scheme, X-LIANXUE-OBLIGATION and a fingerprint): those are, by definition,
lianxue's.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import caldav
import icalendar
import pytest
from caldav.calendarobjectresource import Event as DAVEvent
from caldav.lib import error as caldav_error
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lianxue_core.calendar import WrittenFeed
from lianxue_core.calendar.publish import MANAGED_UID, publish
from radicale_server import running_radicale
from test_publish import ORGFILE as ORGFILE_TEMPLATE
from test_publish import USER, YEAR, feeds_of

settings.register_profile(
    "publish-ownership",
    max_examples=int(os.environ.get("LIANXUE_OWNERSHIP_EXAMPLES", "50")),
    deadline=None,  # every example talks to a real server
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
PROFILE = settings.get_profile("publish-ownership")


@pytest.fixture(scope="module")
def radicale() -> Iterator[str]:
    shm = Path("/dev/shm")
    base = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
    with (
        tempfile.TemporaryDirectory(prefix="lianxue-radicale-", dir=base) as folder,
        running_radicale(Path(folder) / "collections") as url,
    ):
        yield url


class Variants(list[str]):
    def __repr__(self) -> str:
        return f"<{len(self)} feed variants>"


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Three versions of one organization's feed: as planned, one event fewer, one event retitled."""
    path = tmp_path_factory.mktemp("orgs") / "orgs.toml"
    path.write_text(ORGFILE_TEMPLATE.format(xcb_options=""), encoding="utf-8")
    (feed,) = [f for f in feeds_of(path) if f.path == "jgdgw.ics"]
    uids = re.findall(r"^UID:(.*)\r$", feed.text, re.MULTILINE)
    assert len(uids) >= 3
    fewer = re.sub(rf"BEGIN:VEVENT\r\nUID:{re.escape(uids[0])}\r\n.*?END:VEVENT\r\n", "", feed.text, flags=re.DOTALL)
    retitled = re.sub(r"^SUMMARY:", "SUMMARY:（改）", feed.text, count=1, flags=re.MULTILINE)
    assert feed.text != fewer != retitled
    return Variants([feed.text, fewer, retitled])


def feed_uids(text: str) -> list[str]:
    return re.findall(r"^UID:(.*)\r$", text, re.MULTILINE)


# -- hand-made events ------------------------------------------------------------------------------------

_tricky = st.sampled_from(
    [
        "\u2028",
        "\u2029",
        "\x85",
        "\x0c",
        "\x0b",
        "\r",
        "\n",
        "\r\n ",
        "UID:x@lianxue",
        "X-LIANXUE-OBLIGATION:organs.x",
        "X-LIANXUE-FINGERPRINT:" + "0" * 64,
        "END:VEVENT",
        "BEGIN:VEVENT",
        ";",
        ",",
        "\\",
        ":",
        '"',
        "书记碰头会",
    ]
)
_text = st.lists(st.one_of(_tricky, st.text(st.characters(exclude_categories=("Cs",)), max_size=12)), max_size=6).map(
    "".join
)
_x_name = st.one_of(
    st.sampled_from(["X-LIANXUE-OBLIGATION", "X-LIANXUE-FINGERPRINT", "X-LIANXUE-ORG", "X-LIANXUE-PERIOD"]),
    st.from_regex(r"X-[A-Z0-9]{1,8}(-[A-Z0-9]{1,8})?", fullmatch=True),
)


@st.composite
def hand_made(draw: st.DrawFn, uids: list[str]) -> dict[str, object]:
    uid = draw(
        st.one_of(
            st.sampled_from(uids),  # the very UID of an event of the feed
            st.from_regex(r"[a-z0-9.\-]{1,20}@lianxue", fullmatch=True),
            st.from_regex(r"[a-z0-9\-]{1,20}@example\.cn", fullmatch=True),
            _text.filter(lambda t: t.strip() != "" and "\r" not in t and "\n" not in t),
        )
    )
    href = draw(st.one_of(st.none(), st.sampled_from(uids)))  # None: a name of its own; else one of lianxue's
    start = dt.datetime(YEAR, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=draw(st.integers(0, 365 * 24 - 2)))
    all_day = draw(st.booleans())
    props = draw(st.dictionaries(_x_name, _text, max_size=4))
    return {
        "uid": uid,
        "href": href,
        "start": start.date() if all_day else start,
        "summary": draw(_text),
        "description": draw(st.one_of(st.none(), _text)),
        "props": props,
    }


def render(event: dict[str, object]) -> bytes:
    cal = icalendar.Calendar()
    cal.add("VERSION", "2.0")
    cal.add("PRODID", "-//hand//made//ZH")
    vevent = icalendar.Event()
    vevent.add("UID", event["uid"])
    vevent.add("DTSTAMP", dt.datetime(YEAR, 1, 1, tzinfo=dt.UTC))
    vevent.add("DTSTART", event["start"])
    vevent.add("SUMMARY", event["summary"])
    if event["description"] is not None:
        vevent.add("DESCRIPTION", event["description"])
    for name, value in dict(event["props"]).items():  # type: ignore[call-overload]
        vevent.add(name, icalendar.vText(value))
    cal.add_component(vevent)
    return cal.to_ical()


def provably_lianxues(event: dict[str, object]) -> bool:
    props = dict(event["props"])  # type: ignore[call-overload]
    fingerprint = props.get("X-LIANXUE-FINGERPRINT", "")
    return (
        MANAGED_UID.fullmatch(str(event["uid"])) is not None
        and "X-LIANXUE-OBLIGATION" in props
        and re.fullmatch(r"[0-9a-f]{64}", fingerprint) is not None
    )


def put(cal: caldav.Calendar, event: dict[str, object], n: int) -> str | None:
    """PUT the event as a person's client would; its URL, or ``None`` when the server refuses it."""
    name = event["href"] if event["href"] is not None else f"hand-{n}"
    url = cal.url.join(urllib.parse.quote(str(name).replace("/", "%2F"), safe="@") + ".ics")
    resource = DAVEvent(cal.client, url=url, parent=cal)
    try:
        resource.save(raw_data=render(event), no_overwrite=True)
    except (caldav_error.DAVError, ValueError):
        return None  # refused (a UID or a name the collection already has, text the server rejects)
    return where(resource.url)


def where(url: object) -> str:
    return urllib.parse.unquote(urllib.parse.urlsplit(str(url)).path)


def listing(cal: caldav.Calendar) -> dict[str, tuple[str, str]]:
    """Path -> (ETag, text) of every event resource in the collection."""
    out = {}
    for resource in cal.search(event=True):
        raw = resource.raw_data
        out[where(resource.url)] = (str(resource.etag), raw.decode("utf-8", "replace") if raw else "")
    return out


_counter = itertools.count()


@PROFILE
@given(data=st.data())
def test_hand_made_events_survive_any_sequence_of_publishes(
    radicale: str, variants: list[str], data: st.DataObject
) -> None:
    uids = feed_uids(variants[0])
    before = data.draw(st.lists(hand_made(uids), max_size=4), label="added before the first publish")
    between = data.draw(st.lists(hand_made(uids), max_size=3), label="added after the first publish")
    sequence = data.draw(st.lists(st.sampled_from(range(len(variants))), min_size=1, max_size=4), label="publishes")

    org = f"own{next(_counter)}"
    with caldav.DAVClient(url=radicale, username=USER, password="x", auth_type="basic", enable_rfc6764=False) as c:
        cal = c.get_principal().make_calendar(name=org, cal_id=org)
        kept: dict[str, tuple[str, str]] = {}

        def add(events: list[dict[str, object]]) -> None:
            for event in events:
                if provably_lianxues(event):
                    continue  # carries every mark of lianxue's own events: lianxue's by definition
                url = put(cal, event, len(kept) + 1000 * len(events))
                if url is not None:
                    kept[url] = listing(cal)[url]  # as the server stores it

        add(before)
        event(f"hand-made events kept before the first publish: {min(len(kept), 3)}+")
        for step, which in enumerate(sequence):
            feed = WrittenFeed(f"{org}.ics", org, variants[which], 0, 0, 0)
            report = publish([feed], radicale, user=USER, password="x")  # never fails over a foreign event
            assert len(report.collections) == 1
            now = listing(cal)
            for url, (etag, text) in kept.items():
                assert url in now, f"hand-made event deleted by publish {step}: {text!r}"
                assert now[url] == (etag, text), f"hand-made event changed by publish {step}: {text!r}"
            # and every event of the feed is there, or was left out because a hand-made one holds its name
            on_server = {str(icalendar.Calendar.from_ical(t).walk("VEVENT")[0]["UID"]) for _, t in now.values()}
            missing = set(feed_uids(variants[which])) - on_server
            assert len(missing) <= report.collections[0].foreign
            if step == 0:
                add(between)
