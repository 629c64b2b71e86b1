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


@pytest.mark.usefixtures("collector_enabled")
def test_plans_received_from_workers_are_unpickled_with_the_collector_paused_then_it_runs_again() -> None:
    # shards planned by an executor come back pickled (hundreds of thousands of objects in a county): the
    # collector is paused while they are taken, and runs again once the last is taken or the stream is closed
    from concurrent.futures import ThreadPoolExecutor

    from lianxue_core import PluginHost
    from lianxue_core.app import plan_stream

    b = TreeBuilder()
    for n in range(3):
        b.org(f"b{n}", f"测试第{n}党支部")
        b.member(f"sec{n}", "书记", f"b{n}", roles=["secretary"])
    tree = b.build()
    obligations = {f"b{n}": (obligation("weekly", Cadence.weekly()),) for n in range(3)}
    with ThreadPoolExecutor(2) as pool:
        stream = plan_stream(tree, PluginHost(), 2026, obligations=obligations, executor=pool, size=1)
        first = next(stream)
        assert first.occurrences
        assert not gc.isenabled()
        assert len([first, *stream]) == 3
        assert gc.isenabled()
        stream = plan_stream(tree, PluginHost(), 2026, obligations=obligations, executor=pool, size=1)
        next(stream)
        assert not gc.isenabled()
        stream.close()
        # a shard a worker thread is still planning keeps its own pause until it is done (the pause is shared by
        # the threads of the process): once the pool is idle, the collector runs
        pool.shutdown(wait=True)
        assert gc.isenabled()
