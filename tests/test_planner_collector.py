"""The planner pauses the cyclic garbage collector while it plans (``lianxue_core.collector.paused``), and gives
it back as it found it: after a plan, after a plan that fails, and after plans made at the same time on several
threads."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from lianxue_core.collector import paused
from lianxue_core.obligations import Cadence
from lianxue_core.scheduling import make_plan
from lianxue_core.testing import TreeBuilder
from strategies_planning import calendar_for, obligation


@pytest.fixture
def collector_enabled() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def _plan() -> int:
    b = TreeBuilder().org("b", "测试党支部")
    b.member("sec", "书记", "b", roles=["secretary"])
    plan = make_plan(b.build(), {"b": (obligation("weekly", Cadence.weekly()),)}, 2026, calendar_for(2026))
    return len(plan.occurrences)


@pytest.mark.usefixtures("collector_enabled")
def test_the_collector_runs_again_after_a_plan() -> None:
    assert _plan() > 50
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        _plan()
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


def _fail_while_paused() -> None:
    with paused():
        assert not gc.isenabled()
        raise RuntimeError("planning failed")


@pytest.mark.usefixtures("collector_enabled")
def test_the_collector_runs_again_after_a_failure() -> None:
    with pytest.raises(RuntimeError, match="planning failed"):
        _fail_while_paused()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_enabled")
def test_plans_at_the_same_time_share_one_pause() -> None:
    inside = threading.Barrier(2)
    leave = threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with paused():
            inside.wait()
            leave.wait()

    thread = threading.Thread(target=first)
    thread.start()
    with paused():
        inside.wait()
    seen.append(gc.isenabled())  # the other is still planning: still paused
    leave.set()
    thread.join()
    assert seen == [False]
    assert gc.isenabled()
