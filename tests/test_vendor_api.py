"""The vendor's path through the public API gives what the command line gives, byte for byte and finding for
finding: the API and the CLI are one pipeline (``lianxue_core.app``).

Run with the plugins installed in the environment (lianxue-devzone too, in CI) and with the built-in ones
alone (``LIANXUE_BLOCK_PLUGINS=devzone``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
from pathlib import Path

import pytest

import lianxue_core
from lianxue_core import PluginHost, check_records, example_path, feed, load_county, plan_year
from lianxue_core.cli import main
from lianxue_core.orgfile import load
from test_check import held_rows, write_csv

YEAR = 2026
AS_OF = dt.date(2026, 7, 10)
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
API_DOC = Path(__file__).parents[1] / "docs" / "api.md"


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(args), stdout=out, stderr=err), out.getvalue(), err.getvalue()


@pytest.fixture(params=["installed", "built-in only"])
def blocked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    if request.param == "built-in only":
        monkeypatch.setenv("LIANXUE_BLOCK_PLUGINS", "devzone")
    else:
        monkeypatch.delenv("LIANXUE_BLOCK_PLUGINS", raising=False)
    return str(request.param)


def test_feeds_are_the_clis_byte_for_byte(blocked: str, tmp_path: Path) -> None:
    out = tmp_path / "cal"
    code, _, err = cli(
        "calendar", str(example_path()), "--year", str(YEAR), "--out", str(out), "--people", "--supervisor", "wukang"
    )
    assert code == 0, err
    host = PluginHost(environ=dict(os.environ))
    tree = load_county(example_path(), host)
    plan = plan_year(tree, host, YEAR)
    for org in ("shangbai", "wukang-jiguan", "kaifaqu-lianhe", "zuzhibu"):
        assert feed(tree, plan, host, org) == (out / f"{org}.ics").read_bytes(), org
    assert feed(tree, plan, host, "m-0004", person=True) == (out / "people" / "m-0004.ics").read_bytes()
    assert feed(tree, plan, host, "wukang", supervisor=True) == (out / "supervisors" / "wukang.ics").read_bytes()


def test_the_check_is_the_clis_finding_for_finding(blocked: str, tmp_path: Path) -> None:
    host = PluginHost(environ=dict(os.environ))
    tree = load_county(example_path(), host)
    plan = plan_year(tree, host, YEAR)
    rows = [r for r in held_rows(plan) if dt.date.fromisoformat(r["date"]) <= AS_OF]
    rows = [r for r in rows if not (r["org"] == "shangbai" and r["period"] == "2026-03")]  # one month missed
    records = write_csv(tmp_path / "records.csv", rows)
    code, text, err = cli(
        "check", str(example_path()), "--records", str(records), "--as-of", AS_OF.isoformat(),
        "--supervisor", "wukang", "--format", "json",
    )  # fmt: skip
    outcome = check_records(tree, host, [records], as_of=AS_OF, supervisor="wukang")
    assert code == outcome.exit_code == 1, err
    assert json.loads(outcome.json()) == json.loads(text)
    findings = json.loads(text)["findings"]
    assert any(f["org"] == "shangbai" and f["period"] == "2026-03" and f["status"] == "missing" for f in findings)
    # from Python objects: the records the file holds give the same report
    from lianxue_core.supervision.records import read_records

    catalogue = {o.id: o for o in host.catalogue()}
    applies = {org.id: {o.id for o in host.obligations_for(org, tree, YEAR)} for org in tree}
    read = read_records([records], tree, catalogue, applies)
    again = check_records(tree, host, read.records, as_of=AS_OF, supervisor="wukang")
    assert [f.to_json() for f in again.report.problems] == [f.to_json() for f in outcome.report.problems]


def test_the_plan_is_the_clis(blocked: str) -> None:
    code, text, err = cli("plan", str(example_path()), "--year", str(YEAR), "--format", "json")
    assert code == 0, err
    host = PluginHost(environ=dict(os.environ))
    plan = plan_year(load_county(example_path(), host), host, YEAR)
    assert plan.to_json() == json.loads(text)


def test_the_docs_example_runs_from_public_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = API_DOC.read_text(encoding="utf-8")
    section = text[text.index("## For a party-building platform") :]
    (code,) = re.findall(r"```python\n(.*?)```", section, re.S)
    imported = set(re.findall(r"from lianxue_core import ([^\n]+)", code)[0].replace(" ", "").split(","))
    assert imported <= set(lianxue_core.__all__)
    host = PluginHost()
    tree = load(example_path(), tracks=host.tracks())
    plan = plan_year(tree, host, YEAR)
    write_csv(tmp_path / "records.csv", held_rows(plan)[:200])
    monkeypatch.chdir(tmp_path)
    scope: dict[str, object] = {}
    exec(compile(code, str(API_DOC), "exec"), scope)
    assert bytes(scope["ics"]).startswith(b"BEGIN:VCALENDAR")  # type: ignore[call-overload]
    assert "<html" in str(scope["html"]).lower()


def test_blocking_a_track_plugin_plans_the_rest_and_says_who_was_left_out(tmp_path: Path) -> None:
    code, text, err = cli("--block", "organs", "plan", str(example_path()), "--year", str(YEAR), "--format", "json")
    assert code == 0, err
    (line,) = [w for w in err.splitlines() if "not planned" in w]
    assert "zuzhibu" in line
    assert "track organs" in line
    assert "blocked: organs" in line
    plan = json.loads(text)
    host = PluginHost(environ={})
    tree = load_county(example_path(), host)
    organs = {o.id for o in tree if o.track == "organs"}
    assert not [o for o in plan["occurrences"] if o["org"] in organs]
    assert any(o["org"] == "shangbai" for o in plan["occurrences"])  # the rest is planned
    # without a blocked plugin, an unknown track is still an error of the file
    bad = tmp_path / "bad.toml"
    bad.write_text('[[org]]\nid = "x"\nname = "某支部"\ntrack = "organz"\n', encoding="utf-8")
    code, _, err = cli("validate", str(bad))
    assert code == 2
    assert "unknown track 'organz'" in err
