"""The check by shard: the same report as the whole tree at once, in memory that does not grow with the tree."""

from __future__ import annotations

import csv
import datetime as dt
import sys
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianxue_core import PluginHost, check_records, example_path, load_county, plan_year
from lianxue_core.app import obligations_of
from lianxue_core.model import OrganizationTree
from lianxue_core.supervision.findings import Record

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from synthetic import synthetic_tree

YEAR = 2026
AS_OF = dt.date(2026, 10, 15)
COLUMNS = ["org", "obligation", "date", "time", "period", "topic", "lecturer", "comment", "attendees", "members"]


def write_records(tree: OrganizationTree, host: PluginHost, path: Path) -> Path:
    """A year of records of ``tree``'s plan: most held, some left out, some late, a few repeated."""
    plan = plan_year(tree, host, YEAR)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for n, occ in enumerate(plan.occurrences):
            if n % 13 == 0:
                continue
            day = occ.first_day + (dt.timedelta(days=31) if n % 23 == 0 else dt.timedelta())
            member = occ.slot if occ.slot and "/" not in occ.slot else ""
            people = list(occ.people)[:: -1 if n % 2 else 1]  # the same people in another order is the same
            row = [occ.org, occ.obligation, day.isoformat(), "", occ.period, "主题" if n % 5 else "", "", "点评",
                   "；".join(people), member]  # fmt: skip
            writer.writerow(row)
            if n % 97 == 0:
                writer.writerow(row)  # a duplicate, named in a warning
    return path


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[PluginHost, OrganizationTree, Path]:
    host = PluginHost()
    tree = load_county(example_path(), host)
    return host, tree, write_records(tree, host, tmp_path_factory.mktemp("records") / "records.csv")


@pytest.mark.parametrize("supervisor", [None, "xinshi"])
def test_the_report_by_shard_is_the_report_of_the_whole_tree(
    example: tuple[PluginHost, OrganizationTree, Path], supervisor: str | None
) -> None:
    host, tree, records = example
    whole = check_records(tree, host, [records], as_of=AS_OF, supervisor=supervisor, shard=None)
    assert whole.report.findings
    assert any("repeats" in w for w in whole.warnings)
    for shard in (40, 3):
        parts = check_records(tree, host, [records], as_of=AS_OF, supervisor=supervisor, shard=shard)
        assert parts.json() == whole.json()
        assert parts.table() == whole.table()
        assert parts.html() == whole.html()
        assert parts.warnings == whole.warnings
        assert parts.plan_warnings == whole.plan_warnings


def test_a_plan_given_whole_is_checked_a_few_organizations_at_a_time(
    example: tuple[PluginHost, OrganizationTree, Path],
) -> None:
    """A plan given whole (one shard: the tree) is checked a part of ``shard`` organizations at a time, each part
    reading the plan and records of the organizations its members are linked to: the same report as at once.
    The example county's town leaders are linked to villages, whose 专题组织生活会 records say whether they
    attended."""
    host, tree, records = example
    plan = plan_year(tree, host, YEAR)
    after = dt.date(YEAR + 1, 1, 31)  # the year's 专题组织生活会 ended: the leaders' attendance is checked
    whole = check_records(tree, host, [records], as_of=after, year=YEAR, plan=plan, shard=None)
    for shard in (1, 5):
        parts = check_records(tree, host, [records], as_of=after, year=YEAR, plan=plan, shard=shard)
        assert parts.json() == whole.json()
        assert parts.warnings == whole.warnings


def test_records_given_as_values_are_checked_the_same(example: tuple[PluginHost, OrganizationTree, Path]) -> None:
    from lianxue_core.supervision.records import read_records

    host, tree, records = example
    catalogue = {o.id: o for o in host.catalogue()}
    applies = {org: {o.id for o in obs} for org, obs in obligations_of(tree, host, YEAR).items()}
    read = read_records([records], tree, catalogue, applies)
    from_file = check_records(tree, host, [records], as_of=AS_OF, shard=3)
    from_values = check_records(tree, host, read.records, as_of=AS_OF, shard=None)
    assert from_values.report.findings == from_file.report.findings
    assert from_values.report.units == from_file.report.units


def _working_set(tree: OrganizationTree, host: PluginHost, records: Path, shard: int | None) -> tuple[int, int]:
    """The peak of what a check allocates above what it keeps (its report), and what it keeps, in bytes."""
    obligations = obligations_of(tree, host, YEAR)
    tracemalloc.start()
    try:
        outcome = check_records(tree, host, [records], as_of=AS_OF, obligations=obligations, shard=shard)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert outcome.report.units
    return peak - kept, kept


def test_memory_per_shard_is_bounded(tmp_path: Path) -> None:
    """Checked shard by shard, the memory a check needs besides its report (the records read, one shard's plan)
    stays under a limit; the whole tree at once needs more, and more the larger the county: the shards' plans
    are not held together."""
    host = PluginHost()
    peaks = {}
    for size in (40, 120):
        tree = synthetic_tree(size, size * 30)
        records = write_records(tree, host, tmp_path / f"records-{size}.csv")
        peaks[size, "shards"] = _working_set(tree, host, records, 30)[0]
        peaks[size, None] = _working_set(tree, host, records, None)[0]
    print({k: round(v / 2**20, 1) for k, v in peaks.items()})
    limit = 32 * 2**20
    assert peaks[40, "shards"] < limit
    assert peaks[120, "shards"] < limit
    # what the whole plan costs above the shards' grows with the tree: the shards hold one shard's plan
    saved = peaks[40, None] - peaks[40, "shards"], peaks[120, None] - peaks[120, "shards"]
    assert saved[1] > 4 * 2**20
    assert saved[1] > 2 * max(saved[0], 0)


def test_the_json_report_in_pieces_is_the_json_report(example: tuple[PluginHost, OrganizationTree, Path]) -> None:
    """``lianxue check --format json`` writes the report finding by finding: the same text as ``json.dumps`` of the
    whole object, byte for byte (indentation of nested values, empty lists, Chinese kept as is)."""
    import json

    from lianxue_core.supervision.report_json import iter_json, report_to_json

    host, tree, records = example
    for as_of, supervisor in ((AS_OF, None), (dt.date(2026, 1, 2), "xinshi")):
        outcome = check_records(tree, host, [records], as_of=as_of, supervisor=supervisor)
        whole = json.dumps(report_to_json(outcome.report), ensure_ascii=False, indent=2) + "\n"
        pieces = list(iter_json(outcome.report))
        assert "".join(pieces) == whole
        assert len(pieces) > len(outcome.report.findings)  # one piece at least per finding, not one string
        assert json.loads(whole)["findings"] or as_of < AS_OF


# -- the records kept on disk past a number of rows ------------------------------------------------------------

_DAYS = st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
_RECORDS = st.lists(
    st.builds(
        Record,
        org=st.sampled_from(["a", "b", "c", "d"]),
        obligation=st.sampled_from(["x.study", "x.talk"]),
        date=_DAYS,
        time=st.none() | st.sampled_from([dt.time(9), dt.time(14, 30)]),
        topic=st.sampled_from(["", "主题", "学党章"]),
        attendees=st.lists(st.sampled_from(["m1", "m2", "m3"]), max_size=3, unique=True).map(tuple),
        origin=st.sampled_from(["r.csv:2", "r.csv:3", "s.json"]),
    ),
    max_size=60,
)


@settings(max_examples=200)
@given(records=_RECORDS, spill_rows=st.integers(1, 20), orgs=st.lists(st.sampled_from(["a", "b", "c", "d", "e"])))
def test_a_store_kept_on_disk_answers_as_one_in_memory(records: list[Record], spill_rows: int, orgs: list[str]) -> None:
    """Every answer of a store that moved its records to its file (every ``spill_rows`` records) is the answer of
    one that kept them all in memory: the records, their order, counts, repeats and the warnings about them."""
    from lianxue_core.supervision.records import RecordStore

    held = RecordStore.of_records(records, spill_rows=10**9)
    spilled = RecordStore.of_records(records, spill_rows=spill_rows)
    assert not held.spilled
    assert spilled.spilled == (len(records) >= spill_rows)
    assert len(spilled) == len(held) == len(records)
    assert spilled.records() == held.records() == tuple(records)
    assert spilled.count(set(orgs)) == held.count(set(orgs))
    assert spilled.dedupe() == held.dedupe()
    assert spilled.records() == held.records()
    assert spilled.by_organization(orgs) == held.by_organization(orgs) == list(spilled.stream(orgs))
    assert spilled.of(orgs) == held.of(orgs)
    spilled.close()
    assert len(spilled) == 0


def test_a_store_holds_at_most_its_spill_rows_in_memory() -> None:
    """Records past ``spill_rows`` go to the store's file: what the store holds in memory stays about that of
    ``spill_rows`` records however many are added, and each comes back as it went in."""
    from lianxue_core.supervision.records import RecordStore

    def record(n: int) -> Record:
        return Record(f"org{n % 50}", "x.study", dt.date(2026, 1, 1) + dt.timedelta(days=n % 365),
                      topic=f"第{n}次学习", attendees=(f"m{n}", f"m{n + 1}"), origin="r.json")  # fmt: skip

    def held(total: int, spill_rows: int) -> int:
        """What a store of ``total`` records holds in memory, in bytes."""
        tracemalloc.start()
        try:
            store = RecordStore(spill_rows=spill_rows)
            for n in range(total):
                store.add_record(record(n))
            kept = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
        assert store.spilled == (spill_rows <= total)
        assert store.by_organization(["org7"]) == [record(n) for n in range(7, total, 50)]
        store.close()
        return kept

    held(2_500, 1_000)  # once first: what the first use sets up (the temporary file's modules) is not counted
    sizes = {(t, s): held(t, s) for t, s in ((2_500, 1_000), (20_500, 1_000), (20_500, 10**9))}
    print({k: round(v / 2**20, 2) for k, v in sizes.items()})
    # 18,000 more records: a few bytes more per organization and chunk (the file's index), not the records ...
    assert sizes[20_500, 1_000] - sizes[2_500, 1_000] < (sizes[20_500, 10**9] - sizes[2_500, 1_000]) / 10
    # ... which take megabytes in memory
    assert sizes[20_500, 10**9] > 4 * 2**20


def test_a_check_reading_past_the_spill_rows_reports_the_same(
    example: tuple[PluginHost, OrganizationTree, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``lianxue check`` of a record file larger than a store keeps in memory: the same report and warnings
    (repeats found across what went to the file and what stayed) as when every record stays in memory."""
    from lianxue_core.supervision import records as reading

    host, tree, records = example
    whole = check_records(tree, host, [records], as_of=AS_OF)
    monkeypatch.setattr(reading, "SPILL_ROWS", 37)
    spilled = []
    real = reading.RecordStore.spill

    def spill(self: reading.RecordStore) -> None:
        spilled.append(len(self.by_org))
        real(self)

    monkeypatch.setattr(reading.RecordStore, "spill", spill)
    parts = check_records(tree, host, [records], as_of=AS_OF)
    assert len(spilled) > 10
    assert parts.json() == whole.json()
    assert parts.warnings == whole.warnings
    assert any("repeats" in w for w in parts.warnings)


def test_a_store_that_spilled_holds_nothing_once_read(
    example: tuple[PluginHost, OrganizationTree, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once a record file larger than a store keeps in memory is read, every record is in the store's file (the
    last ones read too), and each organization's come back in reading order."""
    from lianxue_core.supervision import records as reading

    host, tree, records = example
    obligations = obligations_of(tree, host, 2026)
    catalogue = {o.id: o for o in host.catalogue()}
    applies = {org: {o.id for o in obs} for org, obs in obligations.items()}
    held, _problems, _warnings = reading.read_store([records], tree, catalogue, applies)
    monkeypatch.setattr(reading, "SPILL_ROWS", 1_000)
    spilled, _problems, _warnings = reading.read_store([records], tree, catalogue, applies)
    assert len(held) > 5_000
    assert (held.spilled, spilled.spilled) == (False, True)
    assert spilled.by_org == {}
    orgs = [o.id for o in tree]
    assert spilled.by_organization(orgs) == held.by_organization(orgs)
    spilled.close()


@pytest.mark.parametrize("bad", [False, True])
def test_a_large_record_file_is_read_from_disk_and_a_bad_byte_named_by_its_line(
    example: tuple[PluginHost, OrganizationTree, Path], tmp_path: Path, bad: bool
) -> None:
    """A record file of several megabytes is checked for UTF-8 a megabyte at a time: a Chinese character cut by
    the first megabyte's end is whole, and a byte that is not UTF-8 is named by its line, however far in."""
    import io

    from lianxue_core.errors import InputError
    from lianxue_core.supervision.records import read_store

    host, tree, records = example
    head, *rows = list(csv.reader(io.StringIO(records.read_text(encoding="utf-8"))))
    text, line, size = [], 1, 0

    def put(row: list[str]) -> None:
        nonlocal line, size
        out = io.StringIO()
        csv.writer(out).writerow(row)
        text.append(out.getvalue().encode())
        line, size = line + 1, size + len(text[-1])

    put(head)
    n = 0
    while size < 3 * 2**20:
        row = rows[n % len(rows)]
        if size < 2**20 < size + 20_000:  # the row across the first megabyte's end: a long topic, cut inside
            prefix = len(",".join(row[:5]).encode()) + 1 + 1  # the cells before the topic, and its quote
            pad = (3 - (2**20 - (size + prefix)) % 3 + 1) % 3  # spaces before the topic's characters
            row = [*row[:5], " " * pad + "学" * 6000, *row[6:]]
            put(row)
            assert (2**20 - (size - len(text[-1]) + prefix + pad)) % 3 != 0  # the end falls inside a character
        else:
            put(row)
        n += 1
    wanted = line
    if bad:
        text.append(text[-1].replace("点评".encode(), "点评".encode("gbk")))
    text += text[1:50]
    path = tmp_path / "big.csv"
    path.write_bytes(b"".join(text))
    catalogue = {o.id: o for o in host.catalogue()}
    applies = {org: {o.id for o in obs} for org, obs in obligations_of(tree, host, YEAR).items()}
    store, problems, _ = read_store([path], tree, catalogue, applies)
    if bad:
        assert [(p.file, p.subject) for p in problems] == [(str(path), f"line {wanted}")]
        assert "UTF-8" in problems[0].message
        with pytest.raises(InputError):
            check_records(tree, host, [path], as_of=AS_OF)
    else:
        assert problems == ()
        assert len(store) > 20_000
        assert any(r.topic.startswith("学" * 6000) for r in store.records())


def test_the_collector_is_given_back_after_a_check(
    example: tuple[PluginHost, OrganizationTree, Path], tmp_path: Path
) -> None:
    """``check_records`` pauses the cyclic garbage collector while it reads and checks (``lianxue_core.collector``)
    and sets it back as it was: after a report, and after a record file it refuses."""
    import gc

    from lianxue_core.errors import InputError

    host, tree, records = example
    bad = tmp_path / "bad.csv"
    bad.write_text("org,obligation,date\nnosuch,x,2026-01-01\n", encoding="utf-8")
    was = gc.isenabled()
    try:
        gc.enable()
        assert check_records(tree, host, [records], as_of=AS_OF).report.units
        assert gc.isenabled()
        with pytest.raises(InputError):
            check_records(tree, host, [bad], as_of=AS_OF)
        assert gc.isenabled()
        gc.disable()
        check_records(tree, host, [records], as_of=AS_OF)
        assert not gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()


@settings(max_examples=200)
@given(
    org=st.text(max_size=12),
    ob=st.text(max_size=12),
    months=st.lists(st.lists(st.integers(0, 10**6), min_size=4, max_size=4), min_size=12, max_size=12),
)
def test_a_heatmap_row_is_written_as_json_writes_it(org: str, ob: str, months: list[list[int]]) -> None:
    """The JSON report's heatmap rows are written from their counts without an object each: the same text as the
    object written by ``json.dumps(..., indent=2)``, two levels deep, whatever the ids and counts."""
    import json

    from lianxue_core.supervision.report_json import _heat_text

    row = {
        "org": org,
        "obligation": ob,
        "months": [{"expected": e, "complete": c, "due": d, "problems": p} for e, c, d, p in months],
    }
    assert _heat_text(org, ob, months) == json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n    ")


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="named pipes are POSIX")
def test_a_record_file_that_is_a_pipe_is_read_once(
    example: tuple[PluginHost, OrganizationTree, Path], tmp_path: Path
) -> None:
    """A record file given as a named pipe (``--records <(…)`` in a shell) can be opened only once: it is read
    into memory within the limit and checked for UTF-8 and read from there, not opened again (which would wait
    for a writer forever)."""
    import os
    import threading

    import attrs

    from lianxue_core.supervision.records import read_store

    host, tree, records = example
    pipe = tmp_path / "records.csv"
    os.mkfifo(pipe)
    text = records.read_bytes()
    writer = threading.Thread(target=pipe.write_bytes, args=(text,), daemon=True)
    writer.start()
    catalogue = {o.id: o for o in host.catalogue()}
    applies = {org: {o.id for o in obs} for org, obs in obligations_of(tree, host, YEAR).items()}
    store, problems, warnings = read_store([pipe], tree, catalogue, applies)
    writer.join(timeout=10)
    assert problems == ()
    from_file, _, file_warnings = read_store([records], tree, catalogue, applies)
    same = [attrs.evolve(r, origin=r.origin.replace(str(records), str(pipe))) for r in from_file.records()]
    assert list(store.records()) == same
    assert warnings == tuple(w.replace(str(records), str(pipe)) for w in file_warnings)
    assert warnings
    assert len(store) > 40_000


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_repeats_found_while_reading_are_the_repeats_of_a_pass_over_every_row(
    example: tuple[PluginHost, OrganizationTree, Path], tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """The CSV reader leaves out a repeated record as it reads (an organization's rows one run at a time; one met
    again later is looked at whole at the end): the records, warnings and problems are those of the general path,
    which stores every row and looks for repeats among all of an organization's rows afterwards. Rows in any
    order (organizations interleaved, repeats near and far, the same people in another order), across the
    store's spills and two files."""
    from lianxue_core.supervision import records as reading

    host, tree, records = example
    with records.open(encoding="utf-8", newline="") as f:
        header, *body = list(csv.reader(f))
    picks = data.draw(st.lists(st.integers(0, len(body) - 1), min_size=1, max_size=80), label="rows")
    if data.draw(st.booleans(), label="grouped"):  # as files usually come: an organization's rows together
        picks.sort(key=lambda i: body[i][0])
    rows = [list(body[i]) for i in picks]
    for row in rows:
        if data.draw(st.booleans(), label="people reversed"):
            row[8] = "；".join(reversed(row[8].split("；")))
    cut = data.draw(st.integers(0, len(rows)), label="second file from")
    spill_rows = data.draw(st.integers(1, 40), label="spill rows")
    obligations = obligations_of(tree, host, YEAR)
    catalogue = {o.id: o for o in host.catalogue()}
    applies = {org: {o.id for o in obs} for org, obs in obligations.items()}
    base = tmp_path_factory.mktemp("repeats")
    read = {}
    for way, extra in (("fast", []), ("general", ["uid"])):  # a uid column sends every row the general way
        folder = base / way
        folder.mkdir()
        paths = []
        for name, part in (("a.csv", rows[:cut]), ("b.csv", rows[cut:])):
            path = folder / name
            with path.open("w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f)
                writer.writerow([*header, *extra])
                writer.writerows([*row, *([""] * len(extra))] for row in part)
            paths.append(path)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(reading, "SPILL_ROWS", spill_rows)
            store, problems, warnings = reading.read_store(paths, tree, catalogue, applies)
        orgs = [o.id for o in tree]
        found = [(r.org, r.obligation, r.date, r.members, r.attendees, r.origin) for r in store.of(orgs)]
        read[way] = (
            [tuple(str(x).replace(str(folder), "DIR") for x in item) for item in found],
            [p.message for p in problems],
            [w.replace(str(folder), "DIR") for w in warnings],
        )
        store.close()
    assert read["fast"] == read["general"]
    assert read["fast"][1] == []
    repeated = len(picks) - len(
        {(body[i][0], *body[i][1:4], frozenset(body[i][8].split("；")), *body[i][4:8], *body[i][9:]) for i in picks}
    )
    assert sum("repeats" in w for w in read["fast"][2]) == repeated
