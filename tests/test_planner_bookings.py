"""The planner's bookings: a request that names its tries (``first_free(..., tries=)``) skips those at
which its first person was found busy before, and finds the same time, with the same blockers, as one that
tries them all."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from hypothesis import given, settings
from hypothesis import strategies as st

from lianxue_core.scheduling.planner import _Bookings

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
DAYS = [dt.date(2026, 3, 2) + dt.timedelta(days=n) for n in range(6)]
TIMES = (dt.time(9), dt.time(10), dt.time(11))
PEOPLE = ["lead-a", "lead-b", "m1", "m2", "m3"]

requests = st.lists(
    st.tuples(
        st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=3, unique=True),
        st.sampled_from([30, 60, 90]),
        st.booleans(),  # booked beforehand, outside the tries (a meeting)
        st.integers(0, len(DAYS) - 1),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(requests)
def test_remembered_tries_find_what_trying_all_finds(items: list[tuple[list[str], int, bool, int]]) -> None:
    remembered, plain = _Bookings(), _Bookings()
    for people, minutes, meeting, day in items:
        if meeting:  # a booking of its own, at 10:30 for an hour
            a = remembered.minute(DAYS[day], dt.time(10, 30), TZ)
            remembered.book(people, a, a + 60)
            plain.book(people, a, a + 60)
            continue
        said: dict[str, None] = {}
        found = remembered.first_free(people, DAYS, TIMES, minutes, TZ, said, tries=("week", minutes))
        expected: dict[str, None] = {}
        assert found == plain.first_free(people, DAYS, TIMES, minutes, TZ, expected)
        assert list(said) == list(expected)


def test_taking_a_booking_back_forgets_the_tries() -> None:
    bookings = _Bookings()
    tries = ("week", 60)
    for _ in range(3):
        assert bookings.first_free(["lead-a"], DAYS, TIMES, 60, TZ, {}, tries) is not None
    a = bookings.minute(DAYS[0], TIMES[0], TZ)
    bookings.unbook(["lead-a"], a, a + 60)
    assert bookings.first_free(["lead-a"], DAYS, TIMES, 60, TZ, {}, tries) == (DAYS[0], TIMES[0])
