"""The planner's fast paths give what the straightforward ones give: an occurrence made by
:func:`lianxue_core.scheduling.occurrence._new` is the one ``Occurrence(...)`` makes (class, fields, repr,
equality, hash, pickling); the members' items of a period made in one go are the item-by-item loop's."""

from __future__ import annotations

import datetime as dt
import pickle
import sys
import zoneinfo
from collections.abc import Callable
from pathlib import Path

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianxue_core import PluginHost
from lianxue_core.app import obligations_of
from lianxue_core.scheduling import Plan, make_plan, planner
from lianxue_core.scheduling.occurrence import Occurrence, _fields, _new
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


# -- plans: the batched members' items -------------------------------------------------


def _plans_alike(a: Plan, b: Plan) -> None:
    assert a == b
    assert repr(a) == repr(b)


def _unbatched(make: Callable[[], Plan]) -> Plan:
    saved = planner._BATCHED
    planner._BATCHED = False
    try:
        return make()
    finally:
        planner._BATCHED = saved


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planning_inputs())
def test_batched_members_items_are_the_loops(inputs: Inputs) -> None:
    def make() -> Plan:
        return make_plan(inputs.tree, dict(inputs.obligations), inputs.year, inputs.calendar)

    _plans_alike(make(), _unbatched(make))


def test_batched_members_items_are_the_loops_on_a_county() -> None:
    host = PluginHost()
    tree = synthetic_tree(60, 60 * 30, seed=7)
    obligations = obligations_of(tree, host, 2026)
    calendar = host.workdays(2026)

    def make() -> Plan:
        return make_plan(tree, obligations, 2026, calendar)

    plan = make()
    assert sum(1 for o in plan.occurrences if o.at and not o.at_org) > 1000  # the batch was used
    _plans_alike(plan, _unbatched(make))
