"""The planner's fast paths give what the straightforward ones give: an occurrence made by
:func:`lianxue_core.scheduling.occurrence._new` is the one ``Occurrence(...)`` makes (class, fields, repr,
equality, hash, pickling)."""

from __future__ import annotations

import datetime as dt
import pickle
import zoneinfo

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from lianxue_core.scheduling.occurrence import Occurrence, _fields, _new

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
