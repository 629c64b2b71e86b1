"""A check's units held compactly (``UnitTable``) are the units that were put in: same values, same order."""

from __future__ import annotations

import datetime as dt
import pickle
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lianxue_core.supervision.checks import Unit, UnitTable
from lianxue_core.supervision.findings import FindingStatus, Record

_DAYS = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))
_TEXT = st.sampled_from(["town0", "town0-v1", "村", "2026-Q1", "2026-03", "2026", ""]) | st.text(max_size=6)


@st.composite
def units(draw: st.DrawFn) -> Unit:
    first = draw(_DAYS)
    return Unit(
        org=draw(_TEXT),
        obligation=draw(_TEXT),
        period=draw(_TEXT),
        first=first,
        last=first + dt.timedelta(days=draw(st.integers(0, 400))),
        status=draw(st.sampled_from(FindingStatus)),
        issues=tuple(draw(st.lists(st.sampled_from(FindingStatus), max_size=3))),
        records=tuple(
            Record(org="o", obligation="b", date=first, topic=t)
            for t in draw(st.lists(st.text(max_size=3), max_size=2))
        ),
        # counts are small in a county; any 64-bit count widens its column (a negative one too)
        expected=draw(st.integers(0, 300) | st.integers(-(2**63), 2**63 - 1)),
        covered=draw(st.integers(0, 300) | st.integers(-(2**63), 2**63 - 1)),
    )


@given(st.lists(units(), max_size=30), st.data())
def test_a_table_gives_back_the_units_put_in(given_units: list[Unit], data: st.DataObject) -> None:
    table = UnitTable(given_units)
    assert len(table) == len(given_units)
    assert list(table) == given_units
    assert table == given_units
    assert given_units == table
    assert table == tuple(given_units)
    assert list(table.orgs()) == [u.org for u in given_units]
    if given_units:
        n = data.draw(st.integers(-len(given_units), len(given_units) - 1))
        assert table[n] == given_units[n]
    start, stop = data.draw(st.integers(-35, 35)), data.draw(st.integers(-35, 35))
    step = data.draw(st.sampled_from([1, 2, -1, -3]))
    assert table[start:stop:step] == tuple(given_units[start:stop:step])
    assert pickle.loads(pickle.dumps(table)) == table


@given(st.lists(units(), max_size=30), st.data())
def test_blocks_of_a_table_are_those_units_in_that_order(given_units: list[Unit], data: st.DataObject) -> None:
    table = UnitTable(given_units)
    bounds = st.integers(0, len(given_units))
    ranges = data.draw(st.lists(st.tuples(bounds, bounds).map(sorted).map(tuple), max_size=6))
    picked = table.blocks(ranges)  # type: ignore[arg-type]
    assert list(picked) == [u for start, end in ranges for u in given_units[start:end]]
    assert table == given_units  # blocks leave the table as it was
    # merge_checks's way: each column given up once copied; the same units, the table left empty
    taken = table._blocks(ranges, take=True)  # type: ignore[arg-type]
    assert list(taken) == list(picked)
    assert len(table) == 0


def test_a_table_of_more_distinct_texts_than_its_narrowest_columns_hold() -> None:
    # 70,000 organizations: their indexes pass 65,535 and the column widens, the units are unchanged
    day = dt.date(2026, 1, 1)
    given_units = [Unit(f"org{n}", "b", "2026", day, day, FindingStatus.HELD, expected=n) for n in range(70_000)]
    table = UnitTable(given_units)
    assert table[65_535] == given_units[65_535]
    assert table[-1] == given_units[-1]
    assert list(table.orgs())[-3:] == ["org69997", "org69998", "org69999"]
    assert table.blocks([(69_990, 70_000), (0, 2)]) == given_units[69_990:] + given_units[:2]


def test_a_count_past_64_bits_is_an_overflow_and_leaves_the_table_as_it_was() -> None:
    day = dt.date(2026, 1, 1)
    kept = Unit("o", "b", "2026", day, day, FindingStatus.HELD, expected=3, covered=2)
    table = UnitTable([kept])
    with pytest.raises(OverflowError, match="expected"):
        table.append(Unit("p", "b", "2026", day, day, FindingStatus.HELD, expected=2**64))
    assert table == [kept]
    table.append(kept)
    assert table == [kept, kept]


def test_a_unit_outside_the_table_is_an_index_error() -> None:
    table = UnitTable([Unit("o", "b", "2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31), FindingStatus.HELD)])
    for n in (1, -2):
        try:
            table[n]
        except IndexError:
            continue
        raise AssertionError(f"table[{n}] gave a unit")


def test_a_table_takes_a_fraction_of_the_memory_of_the_units() -> None:
    """The reason the table exists: 10,000 units as objects against the table's columns."""
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in range(365)]
    given_units = [
        Unit(
            f"org{n // 70}",
            f"ob{n % 12}",
            f"2026-{n % 12 + 1:02d}",
            days[n % 300],
            days[n % 300 + 30],
            FindingStatus.HELD,
        )
        for n in range(10_000)
    ]
    as_objects = sum(sys.getsizeof(u) for u in given_units) + sys.getsizeof(given_units)
    table = UnitTable(given_units)
    columns = sum(sys.getsizeof(getattr(table, name)) for name in UnitTable.__slots__ if name.startswith("_"))
    assert columns < as_objects / 2
