"""The lianxue-devzone distribution installed beside lianxue, on the example county (德清县).

Install it with ``.venv/bin/pip install -e plugins/lianxue-devzone`` (``.ci/run`` does); without it these
tests are skipped. Its own unit tests are in ``plugins/lianxue-devzone/tests``.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import io
import itertools
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from lianxue_core import PluginHost, example_path, load
from lianxue_core.app import plan_year
from lianxue_core.cli import main
from lianxue_core.scheduling import Plan

if not any(ep.name == "devzone" for ep in importlib.metadata.entry_points(group="lianxue")):
    pytest.skip(
        "lianxue-devzone is not installed (run: .venv/bin/pip install -e plugins/lianxue-devzone)",
        allow_module_level=True,
    )

import lianxue_devzone  # only once we know it is installed

YEAR = 2026
SOURCE = Path(__file__).parents[1] / "plugins" / "lianxue_tracks" / "sources" / "dezutong-2016-18.txt"
#: The zones of the example county, the organizations each supervises directly, and its designated
#: inspector (专人, the example's ``zone_inspector`` option).
ZONES = {
    "kaifaqu": (("fuxi-hengrui", "fuxi-lvyuan", "kaifaqu-lianhe", "kaifaqu-rencai"), "m-0471"),
    "linhang": (("leidian-huatong", "leidian-jiacheng", "linhang-wuliu"), "m-0479"),
    "kejixincheng": (("wuyang-dixin", "wuyang-beidou", "kejixincheng-yanjiuyuan"), "m-0484"),
}
#: The secretary of 德清经济开发区党工委, who holds its 书记论坛.
KAIFAQU_SECRETARY = "m-0470"


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def plans() -> tuple[Plan, Plan]:
    """The example's plan with the plugin, and with the plugin blocked."""
    with_zone = PluginHost(environ={})
    without = PluginHost(environ={}, blocked=["devzone"])
    tree = load(example_path(), tracks=with_zone.tracks())
    return plan_year(tree, with_zone, YEAR), plan_year(tree, without, YEAR)


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("feeds")
    code, _, err = run_cli(
        "calendar", str(example_path()), "--year", str(YEAR), "--people", "--supervisor", "kaifaqu", "--out", str(out)
    )
    assert code == 0, err
    return out


def zone_items(plan: Plan) -> list[Any]:
    return [o for o in plan.occurrences if o.obligation.startswith("devzone.")]


def test_quotes_are_verbatim_from_plan_4() -> None:
    plan4 = SOURCE.read_text(encoding="utf-8").split("关于在两新组织党员中", 2)[-1]
    for ob in lianxue_devzone.CATALOGUE:
        assert ob.source.quote in plan4, ob.id
        assert ob.source.section in plan4
        assert not ob.source.item or ob.source.item in plan4


def test_listed_as_a_third_party_distribution() -> None:
    code, out, _ = run_cli("plugins", "--format", "json")
    assert code == 0
    (info,) = [p for p in json.loads(out) if p["name"] == "devzone"]
    assert info["distribution"] == "lianxue-devzone"
    assert info["version"] == "0.1.0"
    assert info["tracks"] == ["devzone"]
    code, out, _ = run_cli("obligations", "--track", "devzone")
    assert code == 0
    for ob_id in ("devzone.forum", "devzone.four-x", "devzone.micro-study", "devzone.inspection"):
        assert ob_id in out


def test_zones_carry_their_obligations(plans: tuple[Plan, Plan]) -> None:
    plan, _ = plans
    count = Counter((o.org, o.obligation) for o in zone_items(plan))
    for zone, (supervised, inspector) in ZONES.items():
        assert count[(zone, "devzone.forum")] == 4
        for org in supervised:
            assert count[(org, "devzone.inspection")] == 4, org
            assert count[(org, "devzone.four-x")] == 12, org
            inspections = [o for o in plan.for_org(org) if o.obligation == "devzone.inspection"]
            assert {o.people for o in inspections} == {(inspector,)}
            assert sorted(o.period for o in inspections) == [f"{YEAR}-Q{q}" for q in range(1, 5)]
    assert {o.org for o in zone_items(plan)} == set(ZONES) | {org for sup, _ in ZONES.values() for org in sup}
    assert not [u for u in plan.unplaced if u.obligation.startswith("devzone.")]
    assert not [o for o in zone_items(plan) if o.obligation == "devzone.micro-study"]  # off by default


def test_inspector_is_never_double_booked(plans: tuple[Plan, Plan]) -> None:
    plan, _ = plans
    for _, inspector in ZONES.values():
        timed = sorted(
            (o.start, o.end) for o in plan.occurrences if inspector in o.people and isinstance(o.start, dt.datetime)
        )
        for (_, end), (start, _) in itertools.pairwise(timed):
            assert end <= start, inspector


def test_blocked_changes_nothing_else(plans: tuple[Plan, Plan]) -> None:
    plan, blocked = plans
    assert zone_items(blocked) == []
    strip = plan.to_json()
    for key in ("occurrences", "unplaced", "combined"):
        strip[key] = [o for o in strip[key] if not o["obligation"].startswith("devzone.")]  # type: ignore[attr-defined]
    assert strip == blocked.to_json()


def test_cli_plan_with_and_without(tmp_path: Path) -> None:
    code, out, _ = run_cli("plan", str(example_path()), "--year", str(YEAR), "--org", "kaifaqu-lianhe")
    assert code == 0
    assert "专人督查" in out
    assert "“4+X”创意组织生活" in out
    code, out, _ = run_cli(
        "--block", "devzone", "plan", str(example_path()), "--year", str(YEAR), "--org", "kaifaqu-lianhe"
    )
    assert code == 0
    assert "专人督查" not in out


def events(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8").replace("\r\n ", "")
    return re.findall(r"BEGIN:VEVENT\r\n.*?END:VEVENT", text, re.DOTALL)


def test_feeds(feeds: Path) -> None:
    inspector = events(feeds / "people" / f"{ZONES['kaifaqu'][1]}.ics")
    rounds = [e for e in inspector if "devzone.inspection" in e]
    assert len(rounds) == 4 * 4  # four organizations, four rounds
    assert sum("devzone.forum" in e for e in events(feeds / "people" / f"{KAIFAQU_SECRETARY}.ics")) == 4
    branch = events(feeds / "kaifaqu-lianhe.ics")
    assert sum("devzone.four-x" in e for e in branch) == 12
    assert sum("devzone.inspection" in e for e in branch) == 4
    watched = events(feeds / "supervisors" / "kaifaqu.ics")
    assert sum("devzone.inspection" in e for e in watched) == 16
    assert any("落实专人负责" in e for e in rounds)  # the verbatim clause is cited
