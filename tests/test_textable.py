"""Tables that fit the terminal: wide (Chinese) characters count twice, long cells are cut with "…"."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st

from lianxue_core.textable import MIN_COLUMN, clip, render_table, terminal_width, width

cells = st.text(alphabet=st.sampled_from(list("abc 12党支部村镇委员会—")), max_size=30)


@given(
    st.lists(st.lists(cells, min_size=4, max_size=4), max_size=8),
    st.integers(0, 150),
)
def test_every_line_fits_the_terminal(rows: list[list[str]], extra: int) -> None:
    """Any terminal at least as wide as the headers (each column at least MIN_COLUMN) holds every line."""
    headers = ["org", "名称", "track", "activities"]
    columns = sum(max(width(h), MIN_COLUMN) for h in headers) + 2 * (len(headers) - 1) + extra
    text = render_table(headers, rows, columns)
    lines = text.splitlines()
    assert all(width(line) <= columns for line in lines)
    assert lines[0].split() == headers  # headers are never cut
    assert len(lines) == len(rows) + 2


@given(cells, st.integers(1, 40))
def test_clip_keeps_a_prefix(text: str, columns: int) -> None:
    cut = clip(text, columns)
    assert width(cut) <= max(columns, 1)
    assert cut == text or (cut.endswith("…") and text.startswith(cut[:-1]))


def test_a_table_is_whole_in_a_pipe() -> None:
    assert terminal_width(io.StringIO()) is None
    rows = [["zhuangcun", "庄村党支部第一党小组" * 5, "village", "12"]]
    assert "…" not in render_table(["org", "名称", "track", "activities"], rows, terminal_width(io.StringIO()))


def test_a_wide_name_is_cut_on_a_narrow_terminal() -> None:
    rows = [["zhuangcun", "庄村党支部第一党小组" * 5, "village", "12"]]
    text = render_table(["org", "名称", "track", "activities"], rows, 60)
    assert "庄村党支部" in text
    assert "…" in text
    assert max(width(line) for line in text.splitlines()) <= 60
