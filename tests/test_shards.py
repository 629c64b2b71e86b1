"""Sharded planning (``--jobs``, an executor) gives the plan of the whole tree, byte for byte.

The tree is cut into the groups of organizations that share nobody (:func:`shards`); each shard is planned
alone with :func:`make_plan` (``shard=``) and the plans are merged. Random forests of small trees, linked
to each other or not, check the cut; the example counties check it on real plugins and processes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianxue_core import PluginHost, app, example_path, load_county, plan_year
from lianxue_core.app import MIN_SHARDED_ORGS, deal, obligations_of, workday_calendar
from lianxue_core.model import OrganizationTree
from lianxue_core.scheduling import Plan, fixed_days, make_plan, merge_plans, shards
from lianxue_core.scheduling.render import render_plan_json
from strategies_planning import calendar_for, obligation_pools, trees

ANXI = Path(__file__).parent / "data" / "good" / "anxi-county.toml"
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def forests(draw: st.DrawFn) -> tuple[OrganizationTree, dict[str, tuple], int]:  # type: ignore[type-arg]
    """Two to four small trees in one file; members of a later tree may link to an earlier one's
    organizations (a leader linked across), which couples them."""
    orgs, members, ids = [], [], []
    for n in range(draw(st.integers(2, 4))):
        link_to = ids if draw(st.booleans()) else []
        tree = draw(trees(prefix=f"t{n}-", max_orgs=4, link_to=link_to))
        orgs += list(tree)
        members += list(tree.members)
        ids += [o.id for o in tree]
    tree = OrganizationTree(orgs, members)
    pool = draw(obligation_pools())
    obligations = {org.id: tuple(o for o in pool if draw(st.integers(0, 3)) > 0) or (pool[0],) for org in tree}
    return tree, obligations, draw(st.sampled_from([2025, 2026, 2027]))


@SETTINGS
@given(forests(), st.integers(1, 4))
def test_sharded_plan_is_the_whole_plan(forest: tuple, jobs: int) -> None:  # type: ignore[type-arg]
    tree, obligations, year = forest
    calendar = calendar_for(year)
    whole = make_plan(tree, obligations, year, calendar)
    groups = shards(tree, obligations, year, calendar)
    assert sorted(o for g in groups for o in g) == sorted(o.id for o in tree)  # each organization once
    parts = [make_plan(tree, obligations, year, calendar, shard=p) for p in deal(groups, jobs)]
    merged = merge_plans(parts, tree)
    assert merged == whole
    assert render_plan_json(merged) == render_plan_json(whole)
    # the fixed days worked out once for the whole tree, as lianxue's shard runner gives them: a shard works out the
    # same for its organizations, and plans the same with them
    rules = fixed_days(tree, obligations)
    for part in deal(groups, jobs):
        found = fixed_days(tree, obligations, part)  # its organizations' groups of siblings
        assert {o: found[o] for o in part if o in found} == {o: rules[o] for o in part if o in rules}
        assert all(rules[o] == rule for o, rule in found.items())
    given_days = [make_plan(tree, obligations, year, calendar, shard=p, fixed_days=rules) for p in deal(groups, jobs)]
    assert render_plan_json(merge_plans(given_days, tree)) == render_plan_json(whole)


@SETTINGS
@given(forests(), st.data())
def test_some_organizations_plan_only_their_groups(forest: tuple, data: st.DataObject) -> None:  # type: ignore[type-arg]
    tree, obligations, year = forest
    calendar = calendar_for(year)
    chosen = data.draw(st.lists(st.sampled_from([o.id for o in tree]), min_size=1, max_size=3, unique=True))
    whole = make_plan(tree, obligations, year, calendar, orgs=chosen)
    wanted = set(chosen)
    needed = [o for g in shards(tree, obligations, year, calendar) if wanted.intersection(g) for o in g]
    assert make_plan(tree, obligations, year, calendar, orgs=chosen, shard=needed) == whole


def test_unrelated_trees_are_separate_groups_and_linked_ones_one() -> None:
    from lianxue_core.obligations import ActivityKind, Audience, Cadence
    from lianxue_core.testing import TreeBuilder
    from strategies_planning import obligation

    lecture = obligation("lecture", Cadence.quarterly(), ActivityKind.LECTURE, leads=Audience.SECRETARY)
    b = TreeBuilder().org("a", kind="committee").org("a1", parent="a").org("b", kind="committee")
    b.org("c", kind="committee", lecturer="l")  # a's member lectures at c: a and c are coupled
    b.member("l", "宣讲员", "a", roles=["secretary"])
    tree = b.build()
    obligations = {o.id: (lecture,) for o in tree}
    calendar = calendar_for(2026)
    groups = shards(tree, obligations, 2026, calendar)
    assert ("b",) in groups
    assert any({"a", "c"} <= set(g) for g in groups)


@pytest.mark.parametrize("path", [example_path(), ANXI], ids=["deqing", "anxi"])
def test_processes_give_the_same_plan_as_one(path: Path) -> None:
    """Real plugins, real worker processes: the example counties planned with two workers."""
    host = PluginHost()
    tree = load_county(path, host)
    obligations = obligations_of(tree, host, 2026)
    one = render_plan_json(plan_year(tree, host, 2026, obligations=obligations, jobs=1))
    with ProcessPoolExecutor(2) as pool:
        two = render_plan_json(plan_year(tree, host, 2026, obligations=obligations, executor=pool))
    assert hashlib.sha256(two.encode()).hexdigest() == hashlib.sha256(one.encode()).hexdigest()
    groups = shards(tree, obligations, 2026, workday_calendar(host, 2026))
    assert len(groups) > 1  # there is something to share out


def test_small_trees_are_planned_in_one_process() -> None:
    host = PluginHost()
    tree = load_county(ANXI, host)
    assert len(tree) < MIN_SHARDED_ORGS
    assert plan_year(tree, host, 2026, jobs=4) == plan_year(tree, host, 2026, jobs=1)


def _county(towns: int) -> str:
    """A county of ``towns`` towns with twelve villages and two enterprises each, leaders linked to their
    villages and a town lecturer: above the size at which ``--jobs`` starts processes."""
    from lianxue_core.orgfile import dumps
    from lianxue_core.testing import TreeBuilder

    b = TreeBuilder().org("county", "某县县委", kind="committee")
    for t in range(towns):
        town = f"t{t}"
        villages = [f"{town}-v{v}" for v in range(12)]
        b.org(town, f"第{t}镇党委", kind="committee", track="town", parent="county", members=30)
        b.org(f"{town}-jg", f"第{t}镇机关党支部", track="town", parent=town, members=20)
        b.member(f"{town}-s", f"镇书记{t}", town, roles=["secretary", "leader"], links=[f"{town}-jg", *villages[:6]])
        b.member(f"{town}-l", f"镇长{t}", town, roles=["leader"], links=[f"{town}-jg", *villages[6:]])
        b.member(f"{town}-x", f"宣讲员{t}", town, roles=["cadre"])
        for v, vid in enumerate(villages):
            b.org(
                vid,
                f"第{t}镇{v}村党支部",
                track="village",
                parent=town,
                members=25,
                households=60,
                lecturer=f"{town}-x",
            )
            b.member(f"{vid}-s", f"村书记{t}-{v}", vid, roles=["secretary"])
        for n in range(2):
            b.org(f"{town}-n{n}", f"第{t}镇企业{n}党支部", track="two-new", parent=town, members=6)
    return dumps(b.build())


def test_jobs_on_the_command_line_give_the_same_files(tmp_path: Path) -> None:
    """`lianxue plan --jobs 2` and `calendar --jobs 2 --no-fsync` in real processes: the same bytes as
    `--jobs 1`."""
    import subprocess
    import sys

    county = tmp_path / "county.toml"
    county.write_text(_county(14), encoding="utf-8")
    env = {"SOURCE_DATE_EPOCH": "1767225600", "PATH": "/usr/bin:/bin"}
    out: dict[int, bytes] = {}
    tables: dict[int, bytes] = {}
    for jobs in (1, 2):
        tables[jobs] = subprocess.run(
            [sys.executable, "-m", "lianxue_core", "plan", str(county), "--year", "2026", "-j", str(jobs)],
            capture_output=True,
            env=env,
            check=True,
        ).stdout
        plan = subprocess.run(
            [
                sys.executable,
                "-m",
                "lianxue_core",
                "plan",
                str(county),
                "--year",
                "2026",
                "--format",
                "json",
                "-j",
                str(jobs),
            ],
            capture_output=True,
            env=env,
            check=True,
        )
        out[jobs] = plan.stdout
        cal = tmp_path / f"cal{jobs}"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "lianxue_core",
                "calendar",
                str(county),
                "--year",
                "2026",
                "--out",
                str(cal),
                "-j",
                str(jobs),
                *(["--no-fsync"] if jobs == 2 else []),  # scratch run: the same files, not synced
            ],
            capture_output=True,
            env=env,
            check=True,
        )
    assert out[1] == out[2]
    assert tables[1] == tables[2]
    assert tables[1].count("第3镇企业1党支部".encode()) >= 1
    assert len(json.loads(out[1])["occurrences"]) > 10_000
    one, two = sorted((tmp_path / "cal1").rglob("*.ics")), sorted((tmp_path / "cal2").rglob("*.ics"))
    assert [p.name for p in one] == [p.name for p in two]
    assert len(one) > 200
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(one, two, strict=True))


def test_a_dask_cluster_plans_the_same(tmp_path: Path) -> None:
    """The shards planned by the worker processes of a Dask LocalCluster on 127.0.0.1 (the optional extra
    ``lianxue[distributed]``): the same plan and the same feeds as one process."""
    from distributed import Client, LocalCluster

    from lianxue_core import feeds
    from lianxue_core.app import feeds_stream
    from lianxue_core.calendar import FeedOptions

    host = PluginHost()
    tree = load_county(example_path(), host)
    one = plan_year(tree, host, 2026, jobs=1)
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        two = plan_year(tree, host, 2026, jobs=2, executor=client.get_executor())
        options = FeedOptions(stamp=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        # the workers also build the feeds of their shards (returned to the caller)
        built = {
            f.path: f.text
            for f in feeds_stream(tree, host, 2026, options=options, executor=client.get_executor(), size=20)
        }
    assert render_plan_json(two) == render_plan_json(one)
    expected = [(f.path, f.text) for f in feeds(tree, one, host, options=options)]
    assert [(f.path, f.text) for f in feeds(tree, two, host, options=options)] == expected
    assert built == dict(expected)


def test_feeds_shard_by_shard_are_the_feeds_of_the_whole_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`lianxue calendar` plans and writes shard by shard: the same feeds (organizations, people, supervisors,
    to-dos, and the cancellations of feeds no longer produced) as from the whole plan."""
    from lianxue_core import app
    from lianxue_core.app import feeds, feeds_by_shard, plan_stream
    from lianxue_core.calendar import FeedOptions, FeedSet, write_feeds

    host = PluginHost()
    tree = load_county(example_path(), host)
    which = FeedSet(people=True, supervisors=("deqing", "jiguan-gongwei"), todo=True)
    options = FeedOptions(stamp=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    previous = tmp_path / "previous"
    (previous / "people").mkdir(parents=True)
    gone = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{prodid}\r\nBEGIN:VEVENT\r\nUID:x.y.2026@lianxue\r\n"
    gone += "DTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260105\r\nSUMMARY:旧\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    (previous / "people" / "m-gone.ics").write_text(gone.format(prodid=options.prodid), encoding="utf-8")
    whole = {
        f.path: f.text
        for f in feeds(tree, plan_year(tree, host, 2026), host, options=options, which=which, previous=previous)
    }
    plans = list(plan_stream(tree, host, 2026, size=20))
    assert len(plans) == 3  # the county, the organs, a unit alone: the groups that share nobody
    assert merge_plans(plans, tree) == plan_year(tree, host, 2026)
    streamed = {
        f.path: f.text for f in feeds_by_shard(tree, iter(plans), host, options=options, which=which, previous=previous)
    }
    assert streamed == whole
    assert "people/m-gone.ics" in streamed  # cancelled once, as from the whole plan
    write_feeds(feeds_by_shard(tree, plan_stream(tree, host, 2026, size=20), host, options=options), tmp_path / "out")
    assert len(list((tmp_path / "out").glob("*.ics"))) == len(tree)
    # the workers build their shards' feeds (an executor of processes; then of threads): the same feeds, and
    # each shard's plan is seen as it comes, the warnings of the whole plan in the first
    from concurrent.futures import ThreadPoolExecutor

    from lianxue_core.app import feeds_stream

    for pool in (ProcessPoolExecutor(2), ThreadPoolExecutor(2)):
        seen: list[Plan] = []
        with pool:
            shared = {
                f.path: f.text
                for f in feeds_stream(
                    tree,
                    host,
                    2026,
                    options=options,
                    which=which,
                    previous=previous,
                    executor=pool,
                    size=20,
                    on_plan=seen.append,
                )
            }
        assert shared == whole  # the shards come as they are done: the order of the feeds may differ
        assert merge_plans(seen, tree) == plan_year(tree, host, 2026)
    # lianxue's own worker processes (--jobs 2) update the previous feeds as one process does: a run with other
    # alarms before this one, its events changed (SEQUENCE up), the feed no longer produced cancelled once
    older = tmp_path / "older"
    shutil.copytree(previous, older)
    before = attrs.evolve(options, alarm_minutes=30)
    write_feeds(feeds(tree, plan_year(tree, host, 2026), host, options=before, which=which, previous=older), older)
    updated = {
        f.path: f.text
        for f in feeds(tree, plan_year(tree, host, 2026), host, options=options, which=which, previous=older)
    }
    assert "SEQUENCE:1" in updated["jiguan-gongwei.ics"]
    monkeypatch.setattr(app, "MIN_SHARDED_ORGS", 0)  # the example county is smaller than the size for processes
    by_workers = feeds_stream(tree, host, 2026, options=options, which=which, previous=older, jobs=2, size=20)
    assert {f.path: f.text for f in by_workers} == updated
    # an executor given (its workers may be elsewhere) leaves a previous folder's feeds to the caller: the
    # shards come back as whole plans, though the caller would take them without their items
    kept: list[Plan] = []
    with ThreadPoolExecutor(2) as pool:
        given = feeds_stream(
            tree,
            host,
            2026,
            options=options,
            which=FeedSet(people=True, todo=True),
            previous=older,
            executor=pool,
            size=20,
            on_plan=kept.append,
            with_occurrences=False,
        )
        texts = {f.path: f.text for f in given}
    assert all(texts[path] == updated[path] for path in texts)
    assert len(kept) == 3
    assert all(p.occurrences for p in kept)
    # a caller that only summarizes the shards: they come without their occurrences, the feeds are the same
    plain = FeedSet(people=True, todo=True)
    alone = {
        f.path: f.text
        for f in feeds_by_shard(tree, plan_stream(tree, host, 2026, size=20), host, options=options, which=plain)
    }
    seen = []
    with ThreadPoolExecutor(2) as pool:
        bare = feeds_stream(
            tree,
            host,
            2026,
            options=options,
            which=plain,
            executor=pool,
            size=20,
            on_plan=seen.append,
            with_occurrences=False,
        )
        assert {f.path: f.text for f in bare} == alone
    whole_plan = plan_year(tree, host, 2026)
    assert [p.occurrences for p in seen] == [(), (), ()]
    assert sorted(map(repr, (u for p in seen for u in p.unplaced))) == sorted(map(repr, whole_plan.unplaced))
    assert seen[0].warnings == whole_plan.warnings


def test_memory_of_a_streamed_plan_is_a_shards(tmp_path: Path) -> None:
    """Planning and writing shard by shard holds a shard's plan, not the county's: the traced peak of streaming
    the 14-town county in shards of 30 organizations is well under that of holding its whole plan."""
    import tracemalloc

    from lianxue_core.app import feeds_by_shard, plan_stream

    county = tmp_path / "county.toml"
    county.write_text(_county(14), encoding="utf-8")
    host = PluginHost()
    tree = load_county(county, host)
    obligations = obligations_of(tree, host, 2026)

    tracemalloc.start()
    whole = plan_year(tree, host, 2026, obligations=obligations)
    held = tracemalloc.get_traced_memory()[1]
    del whole
    tracemalloc.stop()

    tracemalloc.start()
    for feed in feeds_by_shard(tree, plan_stream(tree, host, 2026, obligations=obligations, size=30), host):
        assert feed.text
    streamed = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert streamed < held / 3, (streamed, held)


def test_own_processes_are_at_most_one_per_core() -> None:
    """``--jobs`` past the cores starts one process per core (each would hold the tree); an executor's workers are
    its own, and ``jobs`` is then how many shards at least."""
    from concurrent.futures import ThreadPoolExecutor

    from lianxue_core.app import _workers
    from lianxue_core.testing import TreeBuilder

    small = load_county(example_path(), PluginHost())
    cores = app.cores()
    assert len(small) < MIN_SHARDED_ORGS
    assert _workers(small, 100_000, None) == 1  # small: one process whatever is asked
    with ThreadPoolExecutor(1) as pool:
        assert _workers(small, 100_000, pool) == 100_000
    b = TreeBuilder()
    for n in range(MIN_SHARDED_ORGS):
        b.org(f"b{n}", f"第{n}党支部")
    many = b.build()
    assert _workers(many, 100_000, None) == cores
    assert _workers(many, None, None) == cores
    assert _workers(many, 1, None) == 1


def test_jobs_defaults_to_the_cores_this_process_may_use() -> None:
    """``--jobs`` not given: one process per core the process may run on (its CPU affinity: a container or
    ``taskset`` with one core gets one process, not one per core of the machine)."""
    import subprocess
    import sys

    from lianxue_core.cli import _parser
    from lianxue_core.commands._options import jobs_of

    for command in (["plan"], ["calendar"], ["run"], ["check", "--records", "done.csv"]):
        args = _parser().parse_args([*command, "county.toml"])
        assert jobs_of(args) is None, command  # None: app._workers makes it one per core
        assert jobs_of(_parser().parse_args([*command, "county.toml", "--jobs", "1"])) == 1
    if not hasattr(os, "sched_setaffinity"):
        pytest.skip("no CPU affinity on this system")
    one_core = (
        "import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
        "from lianxue_core.app import cores; print(cores())"
    )
    out = subprocess.run([sys.executable, "-c", one_core], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "1"


@pytest.mark.parametrize("year", [2026, 2027])
def test_the_plan_written_shard_by_shard_is_the_plan(year: int) -> None:
    """``lianxue plan`` renders the plan as its shards come (a county of ten thousand organizations never held at
    once): the table (whole and narrowed to a terminal), the Markdown and the JSON are the whole plan's, byte for
    byte, however small the shards (the provisional year too: its notice and warnings)."""
    import io
    from concurrent.futures import ThreadPoolExecutor

    from lianxue_core.app import plan_stream, rendered_stream
    from lianxue_core.scheduling.render import (
        RenderedShard,
        render_plan_markdown,
        render_plan_table,
        render_shard,
        write_plan_by_shard,
    )

    host = PluginHost()
    tree = load_county(example_path(), host)
    obligations = obligations_of(tree, host, year)
    titles = {o.id: o.title for o in host.catalogue()}
    whole = plan_year(tree, host, year, obligations=obligations)
    expected = {
        ("table", None): render_plan_table(whole, tree, titles),
        ("table", 80): render_plan_table(whole, tree, titles, 80),
        ("markdown", None): render_plan_markdown(whole, tree, titles),
        ("json", None): render_plan_json(whole),
    }
    for (fmt, width), text in expected.items():
        out = io.StringIO()
        parts = list(plan_stream(tree, host, year, obligations=obligations, size=9))
        assert len(parts) >= 3  # the example county's groups: the county organs, towns with their villages
        head = write_plan_by_shard(iter(parts), tree, titles, fmt, out, width)
        assert out.getvalue() == text, (fmt, width)
        assert head is not None
        assert head.warnings == whole.warnings
        # the shards rendered where they are planned (threads here; processes with --jobs): the same text
        with ThreadPoolExecutor(2) as pool:
            items = list(rendered_stream(tree, host, year, fmt, width=width, executor=pool, size=9))
        # a table or Markdown is rendered by the workers; JSON, several times the plan's size, here
        assert all(isinstance(item, RenderedShard) is (fmt != "json") for item in items)
        out = io.StringIO()
        head = write_plan_by_shard(iter(items), tree, titles, fmt, out, width)
        assert out.getvalue() == text, (fmt, width, "rendered")
        assert head is not None
        assert head.warnings == whole.warnings
    with pytest.raises(ValueError, match="rendered as table"):
        write_plan_by_shard(iter([render_shard(whole, tree, titles, "table")]), tree, titles, "json", io.StringIO())
    assert json.loads(expected[("json", None)])["unplaced"]  # the lists that come by organization are all there


def test_lianxue_plan_streams_the_same_text_as_the_api(tmp_path: Path) -> None:
    """The command line's plan (streamed) is the API's plan rendered whole."""
    import io

    from lianxue_core.cli import main

    host = PluginHost()
    tree = load_county(example_path(), host)
    out, err = io.StringIO(), io.StringIO()
    assert main(["plan", str(example_path()), "--year", "2026", "--format", "json"], stdout=out, stderr=err) == 0
    assert out.getvalue() == render_plan_json(plan_year(tree, host, 2026))
