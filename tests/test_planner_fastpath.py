"""The planner's fast paths give what the straightforward ones give: an occurrence made by
:func:`lianxue_core.scheduling.occurrence._new` is the one ``Occurrence(...)`` makes (class, fields, repr,
equality, hash, pickling); the plans made with the fast paths (``planner._FAST``: the members' items of a period
made in one go, a timed item made once with what it also fulfils) are those of the straightforward steps; a
request tries the days ``_preference`` orders."""

from __future__ import annotations

import datetime as dt
import pickle
import sys
import zoneinfo
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianxue_core import PluginHost
from lianxue_core.app import obligations_of
from lianxue_core.model import Organization
from lianxue_core.orgoptions import MeetingOptions
from lianxue_core.scheduling import Plan, make_plan, planner
from lianxue_core.scheduling.occurrence import Occurrence, _fields, _new, _new_at
from strategies_planning import Inputs, planning_inputs

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from synthetic import synthetic_tree

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
texts = st.text(max_size=8)
ids = st.tuples(texts) | st.lists(texts, max_size=3).map(tuple)
moments = st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) | st.datetimes(
    dt.datetime(2026, 1, 1), dt.datetime(2026, 12, 31), timezones=st.just(TZ)
)
fields = st.tuples(
    texts, texts, texts, moments, moments, texts, ids, texts, st.booleans(), texts, ids, texts, texts, texts, ids, texts
)


def _same(made: Occurrence, expected: Occurrence) -> None:
    assert type(made) is Occurrence
    assert made == expected
    assert repr(made) == repr(expected)
    assert hash(made) == hash(expected)
    assert _fields(made) == _fields(expected)
    assert pickle.loads(pickle.dumps(made)) == expected


@settings(max_examples=200, deadline=None)
@given(fields)
def test_new_by_position_is_the_class_call(values: tuple[object, ...]) -> None:
    _same(_new(*values), Occurrence(*values))  # type: ignore[arg-type]


@settings(max_examples=100, deadline=None)
@given(fields, st.integers(6, 16))
def test_new_with_defaults_and_keywords_is_the_class_call(values: tuple[object, ...], given_: int) -> None:
    names = [a.name for a in attrs.fields(Occurrence)]
    head = values[:6]
    keywords = dict(zip(names[6:given_], values[6:given_], strict=True))
    _same(_new(*head, **keywords), Occurrence(*head, **keywords))  # type: ignore[arg-type]


def test_new_is_frozen_like_the_class() -> None:
    occ = _new("o", "ob", "2026", dt.date(2026, 1, 1), dt.date(2026, 1, 1), "t")
    try:
        occ.org = "x"  # type: ignore[misc]
    except attrs.exceptions.FrozenInstanceError:
        pass
    else:  # pragma: no cover
        raise AssertionError("an occurrence made by _new must be frozen")
    assert attrs.evolve(occ, org="x").org == "x"


# -- plans: the fast paths against the straightforward steps -------------------------------------------------


def _plans_alike(a: Plan, b: Plan) -> None:
    assert a == b
    # every field of every item, as written (the fast paths keep members' items as records: made here)
    assert repr(attrs.evolve(a, occurrences=tuple(a.occurrences))) == repr(
        attrs.evolve(b, occurrences=tuple(b.occurrences))
    )


def _straightforward(make: Callable[[], Plan]) -> Plan:
    saved = planner._FAST
    planner._FAST = False
    try:
        return make()
    finally:
        planner._FAST = saved


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planning_inputs())
def test_fast_paths_plan_what_the_straightforward_steps_plan(inputs: Inputs) -> None:
    def make() -> Plan:
        return make_plan(inputs.tree, dict(inputs.obligations), inputs.year, inputs.calendar)

    _plans_alike(make(), _straightforward(make))


def test_fast_paths_plan_what_the_straightforward_steps_plan_on_a_county() -> None:
    host = PluginHost()
    tree = synthetic_tree(60, 60 * 30, seed=7)
    obligations = obligations_of(tree, host, 2026)
    calendar = host.workdays(2026)

    def make() -> Plan:
        return make_plan(tree, obligations, 2026, calendar)

    plan = make()
    assert sum(1 for o in plan.occurrences if o.at and not o.at_org) > 1000  # members' items made in one go
    assert sum(1 for o in plan.occurrences if o.also_fulfils and o.slot) > 100  # a talk that serves another
    assert sum(1 for o in plan.occurrences if o.also_fulfils and not o.slot) > 100  # a meeting that serves another
    _plans_alike(plan, _straightforward(make))


# -- a request's tries: the window's days in _preference's order ------------------------------------------


def _tries_checked(make: Callable[[], Plan]) -> int:
    """How many requests tried days while ``make`` planned, each checked: ``place`` looks a window's days and
    their order up at once (``_window_order``); they must be those of ``_window`` (with a named weekend day) in
    the order ``_preference`` gives, with the same ``tries``. Planned the straightforward way, so that every item
    is a request ``place`` places (the fast paths place the same, as the tests above show)."""
    current: list[tuple[planner._Planner, Organization, MeetingOptions, planner._Request, dt.date | None]] = []
    tried = 0
    place, first_free = planner._Planner._place, planner._Bookings.first_free

    def spied_place(
        self: planner._Planner,
        org: Organization,
        opts: MeetingOptions,
        req: planner._Request,
        not_before: dt.date | None,
    ) -> Occurrence | tuple[dt.datetime, dt.datetime, str] | None:
        current.append((self, org, opts, req, not_before))
        try:
            return place(self, org, opts, req, not_before)
        finally:
            current.pop()

    def spied_first_free(
        bookings: planner._Bookings,
        people: Sequence[str],
        days: Sequence[dt.date],
        times: tuple[dt.time, ...],
        minutes: int,
        tz: zoneinfo.ZoneInfo,
        blockers: dict[str, None],
        tries: Hashable | None = None,
    ) -> tuple[dt.date, dt.time] | None:
        nonlocal tried
        self, org, opts, req, not_before = current[-1]
        first = req.first if not_before is None else max(req.first, not_before)
        window = (opts.weekdays, opts.allow_weekends, first, req.last)
        expected = self._window(opts, window)
        if req.day_of_month is not None:
            expected = self._with_named_weekend(req, expected, first)
        assert list(days) == self._preference(org, req, expected, window)
        same = req.day_of_month is None and req.earliest
        assert tries == ((window, req.times, req.minutes, opts.tz.key) if same else None)
        assert tz is opts.tz
        assert (times, minutes) == (req.times, req.minutes)
        tried += 1
        return first_free(bookings, people, days, times, minutes, tz, blockers, tries)

    planner._Planner._place = spied_place  # type: ignore[method-assign]
    planner._Bookings.first_free = spied_first_free  # type: ignore[method-assign]
    try:
        _straightforward(make)
    finally:
        planner._Planner._place = place  # type: ignore[method-assign]
        planner._Bookings.first_free = first_free  # type: ignore[method-assign]
    return tried


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planning_inputs())
def test_a_request_tries_the_days_preference_gives(inputs: Inputs) -> None:
    _tries_checked(lambda: make_plan(inputs.tree, dict(inputs.obligations), inputs.year, inputs.calendar))


def test_a_request_tries_the_days_preference_gives_on_a_county() -> None:
    host = PluginHost()
    tree = synthetic_tree(30, 30 * 30, seed=11)
    obligations = obligations_of(tree, host, 2026)
    assert _tries_checked(lambda: make_plan(tree, obligations, 2026, host.workdays(2026))) > 1000


members = st.lists(st.tuples(texts, texts, ids), max_size=12)


@settings(max_examples=200, deadline=None)
@given(members, fields)
def test_new_at_is_new_for_each(items: list[tuple[str, str, tuple[str, ...]]], values: tuple[object, ...]) -> None:
    org, ob, period, start, end, _, _, location, provisional, _, _, note, at, *_ = values
    made = _new_at(items, org, ob, period, start, end, location, provisional, note, at)  # type: ignore[arg-type]
    expected = [
        Occurrence(org, ob, period, start, end, title, people, location, provisional, slot, (), note, at)  # type: ignore[arg-type]
        for slot, title, people in items
    ]
    assert len(made) == len(expected)
    for one, other in zip(made, expected, strict=True):
        _same(one, other)
