"""lianxue_core.jsontext: indented JSON as the standard library writes it, byte for byte."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from lianxue_core.jsontext import dumps

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        | st.dictionaries(st.integers() | st.booleans() | st.none(), inner, max_size=3)
    ),
    max_leaves=20,
)


@given(values, st.integers(0, 3))
def test_the_same_text_as_json_dumps(value: Any, depth: int) -> None:
    expected = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * depth)
    assert dumps(value, depth) == expected


def test_an_occurrence_and_chinese_as_is() -> None:
    item = {"title": "党员固定活动日：第1名党员", "people": ["m-1", "m-2"], "agenda": [], "all_day": False, "n": 1.5}
    assert dumps(item) == json.dumps(item, ensure_ascii=False, indent=2)
    assert "党员" in dumps(item)
