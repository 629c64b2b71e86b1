"""The check by shard: the same report as the whole tree at once, in memory that does not grow with the tree."""

from __future__ import annotations

import csv
import datetime as dt
import sys
import tracemalloc
from pathlib import Path

import pytest

from lianxue_core import PluginHost, check_records, example_path, load_county, plan_year
from lianxue_core.app import obligations_of
from lianxue_core.model import OrganizationTree

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
