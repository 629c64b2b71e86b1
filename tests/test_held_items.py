"""Members' items held at an activity are stored as one record each (:class:`HeldAt`) and made when read.

A county's plan is three quarters such items (each member's 学习心得 at the monthly study). The planner keeps
them as one record per activity and period; ``plan.occurrences`` makes them on first use, in the very order a sort
of every occurrence gives; calendars and plan tables, which show only the activity, never make them.
"""

from __future__ import annotations

import datetime as dt
import pickle
import zoneinfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianxue_core import PluginHost, example_path, load_county
from lianxue_core.app import obligations_of, workday_calendar
from lianxue_core.scheduling import HeldAt, Occurrence, Occurrences, Plan, make_plan, merge_plans, shards
from lianxue_core.scheduling.occurrence import within_org

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
YEAR = 2026


@pytest.fixture(scope="module")
def county() -> tuple[object, dict[str, tuple[object, ...]], object]:
    host = PluginHost()
    tree = load_county(example_path(), host)
    return tree, obligations_of(tree, host, YEAR), workday_calendar(host, YEAR)


@pytest.fixture(scope="module")
def plan(county: tuple[object, ...]) -> Plan:
    tree, obligations, calendar = county
    return make_plan(tree, obligations, YEAR, calendar)  # type: ignore[arg-type]


def test_the_example_plan_keeps_members_items_as_records(plan: Plan) -> None:
    occurrences = plan.occurrences
    assert isinstance(occurrences, Occurrences)
    held = occurrences.held
    assert held, "the villages' 学习心得 are held at the monthly study"
    assert {h.obligation for h in held} >= {"village.member-reflection"}
    # one record stands for every member of the village at that study
    study = held[0]
    assert len(study.items) > 1
    made = study.occurrences()
    assert [o.slot for o in made] == sorted(o.slot for o in made)
    assert all(o.start == study.start and o.at == study.at and o.period == study.period for o in made)
    assert all(o.title.startswith("每名党员谈学习心得：") and o.people for o in made)
    # the count does not need them made; the sequence holds them all
    assert len(occurrences) == len(occurrences.events) + sum(len(h.items) for h in held)
    assert len(tuple(occurrences)) == len(occurrences)


def test_made_items_sit_where_a_sort_of_every_occurrence_puts_them(plan: Plan) -> None:
    everything = list(plan.occurrences)
    order = {org: n for n, org in enumerate(dict.fromkeys(o.org for o in everything))}
    assert everything == sorted(everything, key=lambda o: (order[o.org], within_org(o)))
    # each held item is right after its activity's other parts, at the activity's start
    by_key = {o.key: o for o in everything}
    for h in plan.occurrences.held:  # type: ignore[attr-defined]
        for slot, title, people in h.items:
            occ = by_key[f"{h.org}/{h.obligation}/{h.period}/{slot}"]
            assert (occ.title, occ.people, occ.start, occ.end, occ.location) == (
                title,
                people,
                h.start,
                h.end,
                h.location,
            )


def test_shown_does_not_make_the_held_items(plan: Plan) -> None:
    fresh = pickle.loads(pickle.dumps(plan))
    shown = fresh.shown()
    assert fresh.occurrences._made is None  # calendars and tables read only what is shown
    assert shown == [o for o in plan.occurrences if o.shown]
    assert not any(o.at and not o.at_org for o in shown)


def test_a_plan_equals_its_plan_with_a_tuple_and_pickles_compactly(plan: Plan) -> None:
    as_tuple = attrs.evolve(plan, occurrences=tuple(plan.occurrences))
    assert as_tuple == plan
    assert plan == as_tuple
    assert hash(plan.occurrences) == hash(as_tuple.occurrences)
    assert plan.for_org(plan.occurrences[0].org) == as_tuple.for_org(plan.occurrences[0].org)
    fresh = pickle.loads(pickle.dumps(plan))
    assert fresh == plan
    assert len(pickle.dumps(plan)) * 2 < len(pickle.dumps(as_tuple))
    assert as_tuple.shown() == plan.shown()


def test_merged_shard_plans_keep_the_records(county: tuple[object, ...], plan: Plan) -> None:
    tree, obligations, calendar = county
    parts = [make_plan(tree, obligations, YEAR, calendar, shard=s) for s in shards(tree, obligations, YEAR, calendar)]  # type: ignore[arg-type]
    merged = merge_plans(parts, tree)  # type: ignore[arg-type]
    assert isinstance(merged.occurrences, Occurrences)
    assert merged == plan
    # a part given as a tuple: the merge makes everything, the same
    mixed = merge_plans([attrs.evolve(parts[0], occurrences=tuple(parts[0].occurrences)), *parts[1:]], tree)  # type: ignore[arg-type]
    assert isinstance(mixed.occurrences, tuple)
    assert mixed == plan


# -- the order, for any events and records ---------------------------------------------------------------

STARTS: list[dt.datetime | dt.date] = [
    dt.date(YEAR, 3, 2),
    dt.datetime(YEAR, 3, 2, 9, 0, tzinfo=TZ),
    dt.datetime(YEAR, 3, 2, 14, 30, tzinfo=TZ),
    dt.date(YEAR, 3, 3),
    dt.datetime(YEAR, 3, 3, 9, 0, tzinfo=TZ),
]


def _end(start: dt.datetime | dt.date) -> dt.datetime | dt.date:
    return start + dt.timedelta(hours=1) if isinstance(start, dt.datetime) else start


@st.composite
def plans(draw: st.DrawFn) -> tuple[list[Occurrence], list[HeldAt], list[str]]:
    orgs = ["a", "b", "c"]
    events: list[Occurrence] = []
    held: list[HeldAt] = []
    for org in orgs:
        for _ in range(draw(st.integers(0, 6))):
            start = draw(st.sampled_from(STARTS))
            events.append(
                Occurrence(
                    org,
                    draw(st.sampled_from(["x", "y", "z"])),
                    "2026-03",
                    start,
                    _end(start),
                    "事",
                    slot=draw(st.sampled_from(["", "m1", "m2", "m3"])),
                    note=str(len(events)),  # tells equal keys apart
                )
            )
        for _ in range(draw(st.integers(0, 3))):
            start = draw(st.sampled_from(STARTS))
            slots = draw(st.lists(st.sampled_from(["m1", "m2", "m3", "m4"]), min_size=0, max_size=4))
            held.append(
                HeldAt(
                    org,
                    draw(st.sampled_from(["x", "y", "z"])),
                    "2026-03",
                    start,
                    _end(start),
                    draw(st.sampled_from(["", "村文化礼堂"])),
                    draw(st.booleans()),
                    f"held {len(held)}",
                    "host",
                    tuple(
                        (s, f"心得：{s}{n}", (s,) if n % 3 else tuple(f"p{k}" for k in range(20)))
                        for n, s in enumerate(slots)
                    ),
                )
            )
    return events, held, orgs


@settings(max_examples=300, deadline=None)
@given(plans())
def test_any_records_are_made_in_plan_order(drawn: tuple[list[Occurrence], list[HeldAt], list[str]]) -> None:
    events, held, orgs = drawn
    rank = {org: n for n, org in enumerate(orgs)}

    def order(o: Occurrence) -> tuple[object, ...]:
        return (rank[o.org], within_org(o))

    events = sorted(events, key=order)

    def held_order(h: HeldAt) -> tuple[object, ...]:  # within_org of its items, but the slot
        start = h.start
        if isinstance(start, dt.datetime):
            return (rank[h.org], start.date(), True, start.time(), h.obligation)
        return (rank[h.org], start, False, dt.time.min, h.obligation)

    held = sorted(held, key=held_order)
    # what one stable sort of every occurrence gives: events first among equal keys, then the records in order
    expected = tuple(sorted([*events, *(o for h in held for o in h.occurrences())], key=order))
    without_events = {h.org for h in held if h.items} - {o.org for o in events}
    occurrences = Occurrences(events, held)
    assert len(occurrences) == len(expected)
    if without_events:  # a record must sit among its organization's events
        with pytest.raises(ValueError, match="without an event"):
            occurrences.made()
        return
    assert occurrences == expected
    assert occurrences.shown() == [o for o in expected if o.shown]
    assert pickle.loads(pickle.dumps(occurrences)) == expected


def test_the_json_of_held_items_written_from_their_records_is_the_json_of_the_items(plan: Plan) -> None:
    from lianxue_core.scheduling.render import occurrence_json, occurrence_texts, render_plan_json

    fresh = pickle.loads(pickle.dumps(plan))
    texts = list(occurrence_texts(fresh.occurrences))
    assert fresh.occurrences._made is None  # written without making them
    made = [(o.org, occurrence_json(o)) for o in plan.occurrences]
    assert texts == made
    assert render_plan_json(fresh) == render_plan_json(attrs.evolve(plan, occurrences=tuple(plan.occurrences)))


@settings(max_examples=200, deadline=None)
@given(plans())
def test_any_records_are_written_as_their_items(drawn: tuple[list[Occurrence], list[HeldAt], list[str]]) -> None:
    from lianxue_core.scheduling.render import occurrence_json, occurrence_texts

    events, held, orgs = drawn
    rank = {org: n for n, org in enumerate(orgs)}
    events.sort(key=lambda o: (rank[o.org], within_org(o)))
    held.sort(key=lambda h: (rank[h.org], _held_place(h)))
    if {h.org for h in held if h.items} - {o.org for o in events}:
        return
    occurrences = Occurrences(events, held)
    texts = list(occurrence_texts(occurrences))
    assert texts == [(o.org, occurrence_json(o)) for o in occurrences.made()]


def _held_place(h: HeldAt) -> tuple[object, ...]:
    start = h.start
    if isinstance(start, dt.datetime):
        return (start.date(), True, start.time(), h.obligation)
    return (start, False, dt.time.min, h.obligation)


def test_one_organizations_occurrences_are_made_alone(plan: Plan) -> None:
    fresh = pickle.loads(pickle.dumps(plan))
    village = fresh.occurrences.held[0].org
    mine = fresh.for_org(village)
    assert fresh.occurrences._made is None  # the other organizations' items are not made
    assert mine == tuple(o for o in plan.occurrences if o.org == village)
    assert any(o.at and not o.at_org for o in mine)  # its members' items, made
    two = {village, plan.occurrences[0].org}
    assert fresh.occurrences.only(two) == tuple(o for o in plan.occurrences if o.org in two)
    assert as_made(plan).only(two) == tuple(o for o in plan.occurrences if o.org in two)


def as_made(plan: Plan) -> Occurrences:
    occurrences = pickle.loads(pickle.dumps(plan.occurrences))
    occurrences.made()
    return occurrences
