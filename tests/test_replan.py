"""Re-plan the rest of the year from what was held (issue 16).

The example county, 2026, planned on 1 January; records for January to May: most items held as planned, some
on another day, one late, some not at all; the secretary of 县委组织部机关第一党支部 replaced in April. The re-plan
from 1 June keeps every held item at its real day, places every open one again inside its window, lists every
missed one, moves nothing else, and the feeds update in place (same UIDs, higher SEQUENCE).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianxue_core import PluginHost, example_path
from lianxue_core.app import feeds, load_county, obligations_of, plan_year, replan_year, workday_calendar
from lianxue_core.calendar import write_feeds
from lianxue_core.calendar.feeds import uid_for
from lianxue_core.cli import main
from lianxue_core.obligations import CadenceKind
from lianxue_core.scheduling import Occurrence, Plan, make_plan, periods
from lianxue_core.scheduling.pins import Key, key_of
from lianxue_core.supervision import Record
from lianxue_core.supervision.replan import Replan, replan, summary_lines
from strategies_planning import Inputs, planning_inputs

YEAR = 2026
AS_OF = dt.date(YEAR, 6, 1)
BRANCH = "zuzhibu-1"  # 县委组织部机关第一党支部: its secretary m-0006 (沈思雨) leaves in April for m-0007 (陈芳)


def _day(moment: dt.datetime | dt.date) -> dt.date:
    return moment.date() if isinstance(moment, dt.datetime) else moment


def _record(occ: Occurrence, day: dt.date | None = None, period: str = "") -> Record:
    """A record of ``occ`` held on ``day`` (its planned day by default), at its planned time."""
    time = occ.start.time() if isinstance(occ.start, dt.datetime) else None
    return Record(
        org=occ.org,
        obligation=occ.obligation,
        date=day or _day(occ.start),
        time=time,
        attendees=occ.people,
        members=(occ.slot,) if occ.slot and "/" not in occ.slot else (),
        period=period,
        origin="records.csv",
    )


class Scenario:
    """The example's first plan, the changed file, the records and what each special item should become."""

    def __init__(self, tmp: Path) -> None:
        self.host = PluginHost()
        text = example_path().read_text(encoding="utf-8")
        self.old_path = tmp / "deqing-january.toml"
        self.old_path.write_text(text, encoding="utf-8")
        new = text.replace(
            'id = "m-0006"\nname = "沈思雨"\norg = "zuzhibu-1"\nroles = ["secretary"]',
            'id = "m-0006"\nname = "沈思雨"\norg = "zuzhibu-1"\nroles = []',
        ).replace(
            'id = "m-0007"\nname = "陈芳"\norg = "zuzhibu-1"\nroles = ["committee"]',
            'id = "m-0007"\nname = "陈芳"\norg = "zuzhibu-1"\nroles = ["secretary"]',
        )
        assert new.count('roles = ["secretary"]') == text.count('roles = ["secretary"]')
        assert "roles = []" in new
        self.new_path = tmp / "deqing.toml"
        self.new_path.write_text(new, encoding="utf-8")
        self.old_tree = load_county(self.old_path, self.host)
        self.tree = load_county(self.new_path, self.host)
        self.first = plan_year(self.old_tree, self.host, YEAR)
        shown = [o for o in self.first.occurrences if o.shown]
        obligations = {
            (org, o.id): o for org, obs in obligations_of(self.old_tree, self.host, YEAR).items() for o in obs
        }

        def monthly(occ: Occurrence) -> bool:
            ob = obligations[(occ.org, occ.obligation)]
            return ob.cadence.kind is CadenceKind.MONTHLY and not occ.slot and not occ.at

        def quarterly(occ: Occurrence) -> bool:
            ob = obligations[(occ.org, occ.obligation)]
            return ob.cadence.kind is CadenceKind.QUARTERLY and not occ.slot and not occ.at

        past = [o for o in shown if _day(o.start) < AS_OF]
        # another day in its month: a monthly item of March, held four days later (same month)
        self.other_day = next(o for o in past if monthly(o) and o.period == "2026-03" and _day(o.start).day <= 20)
        # late: a monthly item of April held on 20 May, the record naming its period
        self.late = next(o for o in past if monthly(o) and o.period == "2026-04" and o.org != self.other_day.org)
        # missed: a monthly item of February not held (its window closed)
        self.missed = next(o for o in past if monthly(o) and o.period == "2026-02" and o.org not in self.orgs_used)
        # open: a quarterly item of Q2 planned in April or May and not held: placed again in June
        self.open = next(o for o in past if quarterly(o) and o.period == "2026-Q2" and o.org not in self.orgs_used)
        special = {key_of(o) for o in (self.other_day, self.late, self.missed, self.open)}
        records: list[Record] = []
        for occ in past:
            if key_of(occ) in special:
                continue
            records.append(_record(occ))
        records.append(_record(self.other_day, _day(self.other_day.start) + dt.timedelta(days=4)))
        records.append(_record(self.late, dt.date(YEAR, 5, 20), period="2026-04"))
        self.records = records
        self.special = special

    @property
    def orgs_used(self) -> set[str]:
        return {o.org for o in (getattr(self, "other_day", None), getattr(self, "late", None)) if o is not None}

    def write_records(self, path: Path) -> Path:
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["org", "obligation", "date", "time", "period", "attendees", "members"])
            for r in self.records:
                w.writerow(
                    [
                        r.org,
                        r.obligation,
                        r.date.isoformat(),
                        r.time.strftime("%H:%M") if r.time else "",
                        r.period,
                        ";".join(r.attendees),
                        ";".join(r.members),
                    ]
                )
        return path

    def replan(self) -> Replan:
        return replan_year(self.tree, self.host, YEAR, self.records, AS_OF, previous_tree=self.old_tree)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return Scenario(tmp_path_factory.mktemp("replan"))


@pytest.fixture(scope="module")
def replanned(scenario: Scenario) -> Replan:
    return scenario.replan()


def _by_key(plan: Plan) -> dict[Key, Occurrence]:
    return {key_of(o): o for o in plan.occurrences}


def test_every_held_item_is_at_the_day_it_was_held(scenario: Scenario, replanned: Replan) -> None:
    now = _by_key(replanned.plan)
    moved = {(m.org, m.obligation, m.period, m.slot): m for m in replanned.moved}
    other = now[key_of(scenario.other_day)]
    assert _day(other.start) == _day(scenario.other_day.start) + dt.timedelta(days=4)
    assert _day(now[key_of(scenario.late)].start) == dt.date(YEAR, 5, 20)
    assert moved[key_of(scenario.other_day)].why == "held"
    assert moved[key_of(scenario.late)].why == "held"
    assert "records.csv" in moved[key_of(scenario.late)].reason
    # the time of day is kept, the event is as long as planned
    assert other.start.time() == scenario.other_day.start.time()  # type: ignore[union-attr]
    assert other.end - other.start == scenario.other_day.end - scenario.other_day.start  # type: ignore[operator]
    # and every other record's item stays where it was held (its planned day)
    for r in scenario.records:
        match = [o for o in replanned.plan.occurrences if o.org == r.org and o.obligation == r.obligation and o.shown]
        assert any(_day(o.start) == r.date for o in match), r


def test_an_open_item_is_placed_again_inside_its_window_from_as_of(scenario: Scenario, replanned: Replan) -> None:
    occ = _by_key(replanned.plan)[key_of(scenario.open)]
    assert AS_OF <= _day(occ.start) <= dt.date(YEAR, 6, 30)  # the rest of Q2
    move = next(m for m in replanned.moved if (m.org, m.obligation, m.period, m.slot) == key_of(scenario.open))
    assert move.why == "replaced"
    assert move.was == scenario.open.start
    assert move.now == occ.start
    assert "未开展" in move.reason


def test_a_missed_item_is_listed_with_its_clause_and_due_day_and_left_out(
    scenario: Scenario, replanned: Replan
) -> None:
    assert key_of(scenario.missed) not in _by_key(replanned.plan)
    missed = {(m.org, m.obligation, m.period, m.slot): m for m in replanned.missed}
    item = missed[key_of(scenario.missed)]
    assert item.due == dt.date(YEAR, 2, 28)
    assert item.planned == scenario.missed.start
    ob = next(o for o in obligations_of(scenario.old_tree, scenario.host, YEAR)[item.org] if o.id == item.obligation)
    assert item.clause == f"{ob.source.quote}（{ob.source.citation()}）"
    # only what was not held and whose window closed is missed
    for m in replanned.missed:
        assert m.due < AS_OF
        assert not any(
            r.org == m.org and r.obligation == m.obligation for r in scenario.records if r.period == m.period
        )


def test_nothing_else_moves(scenario: Scenario, replanned: Replan) -> None:
    before = _by_key(scenario.first)
    now = _by_key(replanned.plan)
    moved = {(m.org, m.obligation, m.period, m.slot): m for m in replanned.moved}
    expected = {key_of(scenario.other_day), key_of(scenario.late), key_of(scenario.open)}
    assert expected <= set(moved)
    for key, m in moved.items():
        if key in expected:
            continue
        # the only other moves: kept items of the branch whose file changed, forced by its new leaders' diaries
        # (the talks are shared out again among the branch's leaders from as_of on)
        assert m.why == "forced", m
        assert m.org == BRANCH, m
        assert "已有其他安排" in m.reason or "前序" in m.reason, m
        assert _day(m.now) >= AS_OF
    for key, occ in before.items():
        if not occ.shown or key in moved or key in scenario.special:
            continue
        if key in now:
            assert now[key].start == occ.start, key


def test_the_new_secretary_counts_from_as_of_only(scenario: Scenario, replanned: Replan) -> None:
    """Items the secretary leads (listed first) are led by the new secretary from as_of on, by the old one
    before (沈思雨 stays a member of the branch)."""
    led = [o for o in scenario.first.occurrences if o.org == BRANCH and o.shown and o.people[:1] == ("m-0006",)]
    assert any(_day(o.start) < AS_OF for o in led)
    assert any(_day(o.start) >= AS_OF for o in led)
    now = _by_key(replanned.plan)
    for occ in led:
        new = now.get(key_of(occ))
        assert new is not None or key_of(occ) in {(m.org, m.obligation, m.period, m.slot) for m in replanned.missed}
        if new is None:
            continue
        if _day(new.start) < AS_OF:
            assert new.people[:1] == ("m-0006",)  # the past as it was
        elif occ.slot:  # a talk: led by one of the branch's leaders now, never by the old secretary
            assert new.people[:1] != ("m-0006",), new
        else:
            assert new.people[:1] == ("m-0007",), new


def test_replanning_again_with_the_same_input_changes_nothing(scenario: Scenario, replanned: Replan) -> None:
    again = replan(
        scenario.tree,
        obligations_of(scenario.tree, scenario.host, YEAR),
        YEAR,
        workday_calendar(scenario.host, YEAR),
        scenario.records,
        AS_OF,
        previous=replanned.plan,
    )
    assert again.plan.occurrences == replanned.plan.occurrences
    assert again.moved == ()


def _events(folder: Path) -> dict[str, icalendar.Event]:
    out: dict[str, icalendar.Event] = {}
    for path in folder.glob("*.ics"):
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        for ev in cal.walk("VEVENT"):
            out[str(ev["UID"])] = ev
    return out


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def feeds_before_and_after(
    scenario: Scenario, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[dict[str, icalendar.Event], dict[str, icalendar.Event], str]]:
    tmp = tmp_path_factory.mktemp("feeds")
    out = tmp / "cal"
    # the first plan's feeds, as `lianxue calendar` of the January file writes them (the plan is made already)
    write_feeds(feeds(scenario.old_tree, scenario.first, scenario.host), out, no_fsync=True)
    first = _events(out)
    records = scenario.write_records(tmp / "records.csv")
    code, text, err = _cli(
        "calendar",
        str(scenario.new_path),
        "--year",
        str(YEAR),
        "--out",
        str(out),
        "--no-fsync",
        "--records",
        str(records),
        "--as-of",
        AS_OF.isoformat(),
        "--previous",
        str(scenario.old_path),
    )
    assert code == 0, err
    return first, _events(out), text


def test_the_feeds_update_in_place(
    scenario: Scenario,
    replanned: Replan,
    feeds_before_and_after: tuple[dict[str, icalendar.Event], dict[str, icalendar.Event], str],
) -> None:
    first, after, text = feeds_before_and_after
    assert "moved" in text
    assert "missed" in text
    by_key = {key_of(o): o for o in scenario.first.occurrences if o.shown}
    # same UIDs: the re-plan adds no event for an item that already had one
    assert set(first) <= set(after)
    for m in replanned.moved:
        occ = by_key[(m.org, m.obligation, m.period, m.slot)]
        uid = uid_for(occ)
        assert first[uid].decoded("DTSTART") == m.was
        ev = after[uid]
        assert ev.decoded("DTSTART") == m.now
        assert int(ev["SEQUENCE"]) == int(first[uid]["SEQUENCE"]) + 1
    missed = scenario.missed
    uid = uid_for(missed)
    assert str(after[uid]["STATUS"]) == "CANCELLED"
    assert int(after[uid]["SEQUENCE"]) == int(first[uid]["SEQUENCE"]) + 1
    # an event nobody touched is as it was
    untouched = [u for u in first if u in after and first[u].to_ical() == after[u].to_ical()]
    assert len(untouched) > len(first) // 2


# -- the property --------------------------------------------------------------------------------------


def _random_records(data: st.DataObject, plan: Plan, year: int) -> tuple[list[Record], dt.date]:
    """A day to re-plan from and records against ``plan``: each item before it held as planned, on another
    day (sometimes outside its window) or not at all."""
    as_of = dt.date(year, 1, 1) + dt.timedelta(days=data.draw(st.integers(1, 360), label="as_of day"))
    past = [o for o in plan.occurrences if o.shown and _day(o.start) < as_of]
    fates = data.draw(
        st.lists(st.sampled_from(["planned", "other-day", "none"]), min_size=len(past), max_size=len(past))
    )
    shifts = data.draw(st.lists(st.integers(-5, 20), min_size=len(past), max_size=len(past)))
    records: list[Record] = []
    for occ, fate, shift in zip(past, fates, shifts, strict=True):
        if fate == "none":
            continue
        day = _day(occ.start)
        if fate == "other-day":
            day = max(dt.date(year, 1, 1), min(as_of - dt.timedelta(days=1), day + dt.timedelta(days=shift)))
        records.append(_record(occ, day, occ.period))
    return records, as_of


def _windows(inputs: Inputs, plan: Plan) -> dict[tuple[str, str, str], tuple[dt.date, dt.date]]:
    out = {}
    obs = {(org, o.id): o for org, items in inputs.obligations.items() for o in items}
    for occ in plan.occurrences:
        ob = obs[(occ.org, occ.obligation)]
        for p in periods(ob.cadence, plan.year):
            if p.label == occ.period:
                out[(occ.org, occ.obligation, occ.period)] = (p.first, p.last)
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(planning_inputs(), st.data())
def test_a_replan_never_double_books_stays_in_windows_and_moves_only_what_it_must(
    inputs: Inputs, data: st.DataObject
) -> None:
    tree, obligations, year, calendar = inputs.tree, dict(inputs.obligations), inputs.year, inputs.calendar
    first = make_plan(tree, obligations, year, calendar)
    records, as_of = _random_records(data, first, year)
    r = replan(tree, obligations, year, calendar, records, as_of, previous=first)
    before = _by_key(first)
    now = _by_key(r.plan)
    windows = _windows(inputs, first)
    moved = {(m.org, m.obligation, m.period, m.slot): m for m in r.moved}
    # nobody double-booked from as_of on (timed events of their own; an organization is booked by its own
    # all-member activities)
    busy: dict[str, list[tuple[dt.datetime, dt.datetime, Key]]] = {}
    for occ in r.plan.occurrences:
        if occ.all_day or _day(occ.start) < as_of or (occ.at and not occ.at_org):
            continue
        assert isinstance(occ.start, dt.datetime)
        assert isinstance(occ.end, dt.datetime)
        for person in (*occ.people, *(() if occ.slot else (f"org:{occ.org}",))):
            busy.setdefault(person, []).append((occ.start, occ.end, key_of(occ)))
    for person, spans in busy.items():
        spans.sort()
        for (_a0, a1, ka), (b0, _b1, kb) in itertools.pairwise(spans):
            assert b0 >= a1, (person, ka, kb)
    held_days = {(r_.org, r_.date) for r_ in records}
    for key, m in moved.items():
        window = windows.get(key[:3])
        if m.why == "replaced":
            assert window is not None
            assert as_of <= _day(m.now) <= window[1], m  # inside its window, from as_of
        if m.why == "held":
            assert (m.org, _day(m.now)) in held_days, m  # the day a record gives
            assert _day(m.now) < as_of, m
    for key, occ in before.items():
        if not occ.shown or key in moved:
            continue
        if key in now:
            assert now[key].start == occ.start, key  # not moved unless listed
    # held items never move: the record's day (the first of its unit) is where its item is
    for key, occ in now.items():
        if key in moved and moved[key].why == "held":
            assert _day(occ.start) < as_of
    # re-planning again from the re-plan, with the same records, changes nothing
    again = replan(tree, obligations, year, calendar, records, as_of, previous=r.plan)
    assert again.plan.occurrences == r.plan.occurrences
    assert again.moved == ()


def test_the_plan_of_one_organization_shows_its_missed_items_in_their_months(
    scenario: Scenario, tmp_path: Path
) -> None:
    """``plan --org X --format markdown``: a missed item stays in its month, marked 未开展 with its due day, and the
    summary on stderr speaks of X only."""
    records = scenario.write_records(tmp_path / "records.csv")
    missed = scenario.missed
    code, text, err = _cli(
        "plan",
        str(scenario.new_path),
        "--org",
        missed.org,
        "--format",
        "markdown",
        "--records",
        str(records),
        "--as-of",
        AS_OF.isoformat(),
        "--previous",
        str(scenario.old_path),
    )
    assert code == 0, err
    month = text.split(f"### {missed.first_day.month}月")[1].split("###")[0]
    row = next(line for line in month.splitlines() if f"【未开展】{missed.title}" in line)
    assert missed.first_day.isoformat() in row
    assert "应于2026-02-28前开展" in row
    names = {o.id: o.name for o in scenario.tree}
    assert names[missed.org] in err
    others = [n for i, n in names.items() if i != missed.org and n not in names[missed.org]]
    assert not any(f" {n} " in err for n in others)
    assert "## " + names[missed.org] in text
    assert text.count("\n## ") == 1  # that organization only


def test_the_json_lists_moves_and_missed_items(scenario: Scenario, tmp_path: Path) -> None:
    records = scenario.write_records(tmp_path / "records.csv")
    code, text, err = _cli(
        "plan",
        str(scenario.new_path),
        "--format",
        "json",
        "--records",
        str(records),
        "--as-of",
        AS_OF.isoformat(),
        "--previous",
        str(scenario.old_path),
    )
    assert code == 0, err
    doc = json.loads(text)
    report = doc["replan"]
    assert report["as_of"] == AS_OF.isoformat()
    late = next(m for m in report["moved"] if (m["org"], m["obligation"], m["period"]) == key_of(scenario.late)[:3])
    assert late["why"] == "held"
    assert late["from"] == scenario.late.start.isoformat()
    assert late["to"].startswith("2026-05-20")
    missed = next(
        m for m in report["missed"] if (m["org"], m["obligation"], m["period"]) == key_of(scenario.missed)[:3]
    )
    assert missed["due"] == "2026-02-28"
    # the JSON's plan is the plan the feeds are made from: the missed item is not in it
    keys = {(o["org"], o["obligation"], o["period"], o["slot"]) for o in doc["occurrences"]}
    assert key_of(scenario.missed) not in keys


def test_the_summary_shows_the_first_lines_of_each_kind_and_counts_the_rest(replanned: Replan) -> None:
    names = {m.org: m.org for m in replanned.moved}
    lines = summary_lines(replanned, names, limit=1)
    assert len(replanned.moved) > 1
    assert lines[1].startswith("  moved ")
    assert lines[2] == f"  ... and {len(replanned.moved) - 1} more (--format json or -v lists them all)"
    assert len(summary_lines(replanned, names)) == 1 + len(replanned.moved) + len(replanned.missed) + len(
        replanned.not_replaced
    )


SMALL = """\
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
{new_branch}
[[member]]
id = "m-0001"
name = "张三"
org = "zzb"
roles = ["secretary"]

[[member]]
id = "m-0002"
name = "李四"
org = "{li_si}"
roles = ["committee"]
"""
NEW_BRANCH = """
[[org]]
id = "xcb"
name = "县委宣传部机关党支部"
track = "organs"
parent = "jgdgw"
members = 20
"""


def test_a_new_branch_and_a_member_moved_count_from_as_of_only(tmp_path: Path) -> None:
    """In April a branch is set up and 李四 moves to it: nothing of theirs is asked for before as-of, what the
    file now asks for after it is placed and listed as added, and the branch they left is untouched."""
    host = PluginHost()
    old = tmp_path / "january.toml"
    old.write_text(SMALL.format(new_branch="", li_si="zzb"), encoding="utf-8")
    new = tmp_path / "june.toml"
    new.write_text(SMALL.format(new_branch=NEW_BRANCH, li_si="xcb"), encoding="utf-8")
    old_tree, tree = load_county(old, host), load_county(new, host)
    first = plan_year(old_tree, host, YEAR)
    records = [_record(o) for o in first.occurrences if o.shown and _day(o.start) < AS_OF]  # all held
    r = replan_year(tree, host, YEAR, records, AS_OF, previous_tree=old_tree)
    xcb = [o for o in r.plan.occurrences if o.org == "xcb"]
    assert xcb
    assert all(_day(o.start) >= AS_OF for o in xcb)  # nothing of the new branch before it existed
    assert {key_of(o) for o in xcb if o.shown} <= set(r.added)
    assert not [m for m in r.missed if m.org == "xcb"]  # not missed: it was not asked for then
    # 李四: in the old branch's past, in the new branch's future
    assert any("m-0002" in o.people and o.org == "zzb" for o in r.plan.occurrences if _day(o.start) < AS_OF)
    assert not any("m-0002" in o.people and o.org == "zzb" for o in r.plan.occurrences if _day(o.start) >= AS_OF)
    assert any("m-0002" in o.people and o.org == "xcb" for o in xcb)
    # the branch 李四 left: every item held where it was, the rest where the first plan had it (or forced, said why)
    before = _by_key(first)
    forced = {(m.org, m.obligation, m.period, m.slot): m for m in r.moved if m.why == "forced"}
    for occ in r.plan.occurrences:
        if occ.org == "zzb" and occ.shown and key_of(occ) in before and key_of(occ) not in forced:
            assert occ.start == before[key_of(occ)].start, occ
    assert r.missed == ()


def test_a_kept_item_gives_its_time_to_what_it_follows() -> None:
    """A branch that meets on Mondays only, with two weekly meetings, one of which follows the quarterly
    meeting. The quarterly meeting was planned for 6 January and not held; re-planned on 7 January, it needs a
    Monday, and the weekly meetings kept from the first plan hold every one. The meeting that follows it gives
    way: the quarterly meeting is held on 13 January and the weekly meeting that follows it is planned after
    it, as re-planning the re-plan plans it (it changes nothing). The week's meeting that gave way is listed
    as not re-placed, not as withdrawn: the organization file still asks for it."""
    from lianxue_core.model import Member, Organization, OrganizationTree, OrgKind
    from lianxue_core.obligations import Audience, Cadence
    from strategies_planning import calendar_for, obligation

    tree = OrganizationTree(
        [
            Organization("o0", "o0党组织", OrgKind.COMMITTEE, options={"lecturer": "m0-0"}),
            Organization("o1", "o1党组织", OrgKind.BRANCH, parent="o0", options={"lecturer": "m0-0"}),
            Organization("o2", "o2党组织", OrgKind.BRANCH, parent="o0", options={"weekdays": [1], "lecturer": "m0-0"}),
        ],
        [Member("m0-0", "党员m0-0", "o0")],
    )
    quarterly = obligation("o0", Cadence.quarterly(), attends=Audience.ALL_MEMBERS, attend_links=True)
    follows = obligation("o2", Cadence.weekly(), attends=Audience.ALL_MEMBERS, attend_links=True, after=("t.o0",))
    weekly = obligation("o4", Cadence.weekly(), attends=Audience.ALL_MEMBERS, attend_links=True)
    obligations = {"o0": (quarterly,), "o1": (quarterly,), "o2": (quarterly, follows, weekly)}
    year, calendar, as_of = 2025, calendar_for(2025), dt.date(2025, 1, 7)
    first = make_plan(tree, obligations, year, calendar)
    (was,) = [o for o in first.occurrences if (o.org, o.obligation, o.period) == ("o2", "t.o0", "2025-Q1")]
    assert _day(was.start) == dt.date(2025, 1, 6)
    r = replan(tree, obligations, year, calendar, [], as_of, previous=first)
    now = {(o.org, o.obligation, o.period): o for o in r.plan.occurrences}
    assert _day(now["o2", "t.o0", "2025-Q1"].start) == dt.date(2025, 1, 13)  # the first Monday it can have
    assert ("o2", "t.o0", "2025-Q1") not in {(u.org, u.obligation, u.period) for u in r.plan.unplaced}
    # the weekly meeting that follows it is held again every week after it
    assert all(("o2", "t.o2", f"2025-W{w:02d}") in now for w in (4, 5, 6, 10, 14))
    assert all(_day(now["o2", "t.o2", f"2025-W{w:02d}"].start) > dt.date(2025, 1, 13) for w in (4, 5, 6))
    moved = {(m.org, m.obligation, m.period): m for m in r.moved}
    assert moved["o2", "t.o0", "2025-Q1"].why == "replaced"
    assert [m.why for m in r.moved] == ["replaced"]
    # the week's meeting that follows it, kept on 13 January, gave way: no day of that week is left after it
    assert [(u.org, u.obligation, u.period) for u in r.not_replaced] == [("o2", "t.o2", "2025-W03")]
    assert r.withdrawn == ()
    again = replan(tree, obligations, year, calendar, [], as_of, previous=r.plan)
    assert again.plan.occurrences == r.plan.occurrences
    assert again.moved == ()


def test_a_missed_meeting_placed_again_takes_in_only_what_must_move() -> None:
    """Found by the property above: a meeting not held by its last days (its deadline 4 September) is placed
    again on 2 September, where each member's September item could be held too. The item that was missed on
    1 September joins it, and the re-plan lists it as moved (its own event leaves the calendars). The others were
    planned on their own days and nothing was wrong with them: they stay where they were, on the subscribers'
    calendars, instead of vanishing into the meeting without a word."""
    from lianxue_core.obligations import ActivityKind, Cadence, CadenceKind
    from lianxue_core.testing import TreeBuilder
    from strategies_planning import calendar_for, obligation

    tree = TreeBuilder().org("b", members=6, talks_per_day=1, allow_weekends=True).build()
    duty = obligation("duty", Cadence(CadenceKind.YEARLY), ActivityKind.DUTY, attend_links=True)
    meeting = obligation("meeting", Cadence.deadline((9, 4)), combines_with=("t.duty",))
    weekly = obligation("weekly", Cadence(CadenceKind.WEEKLY), attend_links=True)
    items = obligation("items", Cadence.per_member(CadenceKind.MONTHLY), combines_with=("t.duty",))
    obligations = {"b": (duty, meeting, weekly, items)}
    calendar = calendar_for(YEAR)
    first = make_plan(tree, obligations, YEAR, calendar)
    as_of = dt.date(YEAR, 9, 2)
    september = {key_of(o): o for o in first.occurrences if o.obligation == "t.items" and o.period == "2026-09"}
    assert all(o.shown and not o.at for o in september.values())  # on their own days
    (missed,) = [k for k, o in september.items() if _day(o.start) < as_of]  # 1 September
    not_held = {missed, *(key_of(o) for o in first.occurrences if o.obligation == "t.meeting")}
    records = [_record(o) for o in first.occurrences if _day(o.start) < as_of and key_of(o) not in not_held]
    r = replan(tree, obligations, YEAR, calendar, records, as_of, previous=first)
    (again,) = [o for o in r.plan.occurrences if o.obligation == "t.meeting"]
    assert _day(again.start) == as_of  # placed again in the days left before its deadline
    now = _by_key(r.plan)
    assert now[missed].at == "t.meeting"
    assert (now[missed].start, now[missed].end) == (again.start, again.end)
    moved = {(m.org, m.obligation, m.period, m.slot): m for m in r.moved}
    assert moved[missed].why == "replaced"
    assert moved[missed].now == again.start
    for key, was in september.items():
        if key != missed:
            assert now[key].shown, key
            assert (now[key].start, now[key].end) == (was.start, was.end), key
            assert key not in moved
