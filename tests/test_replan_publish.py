"""A re-plan published to a real CalDAV server (Radicale, started by the test on 127.0.0.1): only the changes go,
moved events keep their UID with a higher SEQUENCE, a missed one is removed, and publishing the same re-plan
again sends nothing (issue 16)."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import icalendar

from lianxue_core import orgfile
from lianxue_core.app import plan_year
from lianxue_core.calendar import uid_for
from lianxue_core.plugins import PluginHost
from lianxue_core.scheduling import Occurrence
from test_publish import (  # the Radicale fixtures and helpers of the publish tests
    YEAR,
    org_path,
    password_file,
    publish_cli,
    radicale,
    resources,
)

__all__ = ["org_path", "password_file", "radicale"]  # fixtures used by name

AS_OF = dt.date(YEAR, 6, 1)


def _day(moment: dt.datetime | dt.date) -> dt.date:
    return moment.date() if isinstance(moment, dt.datetime) else moment


def _totals(out: str) -> tuple[int, int, int, int]:
    m = re.search(r"(\d+) created, (\d+) updated, (\d+) deleted, (\d+) unchanged", out)
    assert m, out
    a, b, c, d = (int(x) for x in m.groups())
    return a, b, c, d


def test_a_replan_publishes_only_its_changes_and_a_second_publish_sends_nothing(
    radicale: str, org_path: Path, password_file: Path, tmp_path: Path
) -> None:
    code, out, err = publish_cli(org_path, radicale, password_file)
    assert code == 0, err
    host = PluginHost()
    plan = plan_year(orgfile.load(org_path, tracks=host.tracks()), host, YEAR)
    past = [o for o in plan.occurrences if o.shown and not o.slot and _day(o.start) < AS_OF and o.org == "zzb"]
    # zzb: March's monthly item held four days late in its month, February's not held (missed), the rest held
    march: Occurrence = next(o for o in past if o.period == f"{YEAR}-03" and _day(o.start).day <= 20)
    february: Occurrence = next(o for o in past if o.period == f"{YEAR}-02")
    records = tmp_path / "records.csv"
    with records.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["org", "obligation", "date", "period"])
        for o in past:
            if o is february:
                continue
            day = _day(o.start) + dt.timedelta(days=4) if o is march else _day(o.start)
            w.writerow([o.org, o.obligation, day.isoformat(), o.period])
    before = resources(radicale, "zzb")
    replan = ("--records", str(records), "--as-of", AS_OF.isoformat())

    code, out, err = publish_cli(org_path, radicale, password_file, *replan)
    assert code == 0, err
    _created, updated, deleted, unchanged = _totals(out)
    after = resources(radicale, "zzb")
    moved_uid = uid_for(march)
    missed_uid = uid_for(february)
    assert missed_uid in before
    assert missed_uid not in after  # its window closed unheld: taken off the subscribers' calendars
    assert deleted >= 1
    event = icalendar.Calendar.from_ical(after[moved_uid][1]).walk("VEVENT")[0]
    assert _day(event.decoded("DTSTART")) == _day(march.start) + dt.timedelta(days=4)
    old = icalendar.Calendar.from_ical(before[moved_uid][1]).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) > int(old["SEQUENCE"])
    assert updated >= 1
    # what the re-plan did not touch was not sent: the same ETags
    same = [uid for uid in after if uid in before and after[uid][0] == before[uid][0]]
    assert len(same) >= len(before) - updated - deleted
    assert unchanged > 0

    # the same re-plan published again sends nothing
    code, out, err = publish_cli(org_path, radicale, password_file, *replan)
    assert code == 0, err
    assert _totals(out)[:3] == (0, 0, 0)
    assert resources(radicale, "zzb") == after
