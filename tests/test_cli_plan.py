"""``lianxue plan``: JSON schema, formats, --org, --year, provisional years and --holidays override files.

The obligations come from a plugin in a temporary distribution (the built-in plugins are blocked by
``plugin_env``), so these tests do not move when a track's catalogue does.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from conftest import InstallDist
from lianxue_core.cli import main

DATA = Path(__file__).parent / "data"

PLUGIN = """
from lianxue_core import ActivityKind, Audience, Cadence, Obligation, Source, Track, hookimpl
from lianxue_core.obligations import applicable

SOURCE = Source(document="测试〔2026〕1号", section="一、测试", quote="按要求开展。")
CATALOGUE = [
    Obligation(id="plantest.weekly", track="plantest", title="每周学习", kind=ActivityKind.STUDY,
               cadence=Cadence.weekly(), source=SOURCE),
    Obligation(id="plantest.july1", track="plantest", title="七一党课", kind=ActivityKind.LECTURE,
               cadence=Cadence.window((7, 1), before=15, after=15), source=SOURCE),
    Obligation(id="plantest.plan", track="plantest", title="年度计划", kind=ActivityKind.DELIVERABLE,
               cadence=Cadence.deadline((1, 31)), source=SOURCE, attends=Audience.ORGANIZATION),
    Obligation(id="plantest.talks", track="plantest", title="谈心谈话", kind=ActivityKind.TALK,
               cadence=Cadence.per_member(), source=SOURCE, leads=Audience.COMMITTEE),
]

@hookimpl
def lianxue_tracks():
    return [Track(key="plantest", name="测试")]

@hookimpl
def lianxue_catalogue():
    return CATALOGUE

@hookimpl
def lianxue_obligations(organization, tree, year):
    return applicable(CATALOGUE, organization)
"""

ORGFILE = """\
[[org]]
id = "town"
name = "测试镇党委"
kind = "committee"

[[org]]
id = "v1"
name = "东村党支部"
track = "plantest"
parent = "town"
members = 5
options = { evening = true, lecturer = "lect" }

[[org]]
id = "v2"
name = "西村党支部"
track = "plantest"
parent = "town"
options = { lecturer = "lect" }

[[member]]
id = "lect"
name = "宣讲员"
org = "town"

[[member]]
id = "s1"
name = "东村书记"
org = "v1"
roles = ["secretary"]

[[member]]
id = "s2"
name = "西村书记"
org = "v2"
roles = ["secretary"]
"""


@pytest.fixture
def orgfile(install_dist: InstallDist, plugin_env: dict[str, str], tmp_path: Path) -> Path:
    install_dist("lianxue-plantest", "1.0", {"plantest": "lianxue_plantest"}, {"lianxue_plantest": PLUGIN})
    path = tmp_path / "county.toml"
    path.write_text(ORGFILE, encoding="utf-8")
    return path


def run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_plan_json_schema(orgfile: Path) -> None:
    code, out, err = run("plan", orgfile, "--year", "2026", "--format", "json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert {"year", "provisional", "occurrences", "unplaced"} <= set(doc)
    assert doc["year"] == 2026
    assert doc["provisional"] is False
    for occ in doc["occurrences"]:
        assert {"org", "obligation", "period", "start", "end", "all_day", "people", "provisional"} <= set(occ)
        assert isinstance(occ["people"], list)
        assert occ["provisional"] is False
        if occ["all_day"]:
            assert dt.date.fromisoformat(occ["start"]) <= dt.date.fromisoformat(occ["end"])
        else:
            start, end = dt.datetime.fromisoformat(occ["start"]), dt.datetime.fromisoformat(occ["end"])
            assert start.utcoffset() == dt.timedelta(hours=8)
            assert start < end
    periods = {o["period"] for o in doc["occurrences"] if o["obligation"] == "plantest.weekly"}
    assert {"2026-W01", "2026-W52"} <= periods
    assert "2026-W08" not in periods
    for item in doc["unplaced"]:
        assert {"org", "obligation", "period", "reason"} <= set(item)
    assert {(u["org"], u["period"]) for u in doc["unplaced"] if u["obligation"] == "plantest.weekly"} == {
        ("v1", "2026-W08"),
        ("v2", "2026-W08"),
    }
    talks = [o for o in doc["occurrences"] if o["obligation"] == "plantest.talks" and o["org"] == "v1"]
    assert sorted(o["slot"] for o in talks) == ["anon-002", "anon-003", "anon-004", "anon-005", "s1"]
    lectures = [o for o in doc["occurrences"] if o["obligation"] == "plantest.july1"]
    assert len(lectures) == 2
    assert all("lect" in o["people"] for o in lectures)
    assert lectures[0]["start"] != lectures[1]["start"]
    evening = [o for o in doc["occurrences"] if o["org"] == "v1" and o["obligation"] == "plantest.weekly"]
    assert all("T19:00:00+08:00" in o["start"] for o in evening)


def test_plan_only_some_organizations(orgfile: Path) -> None:
    code, out, _ = run("plan", orgfile, "--year", "2026", "--format", "json", "--org", "v2")
    assert code == 0
    doc = json.loads(out)
    assert {o["org"] for o in doc["occurrences"]} == {"v2"}
    assert {u["org"] for u in doc["unplaced"]} == {"v2"}
    _, full, _ = run("plan", orgfile, "--year", "2026", "--format", "json")
    assert doc["occurrences"] == [o for o in json.loads(full)["occurrences"] if o["org"] == "v2"]


def test_an_unknown_org_exits_2(orgfile: Path) -> None:
    code, out, err = run("plan", orgfile, "--year", "2026", "--org", "v1", "--org", "nope", "--org", "v11")
    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        f"lianxue: error: {orgfile}: --org: no organization with id 'nope'",
        f"lianxue: error: {orgfile}: --org: no organization with id 'v11' (did you mean 'v1'?)",
    ]


def test_2027_is_provisional_with_one_warning(orgfile: Path) -> None:
    code, out, err = run("plan", orgfile, "--year", "2027", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["provisional"] is True
    assert all(o["provisional"] for o in doc["occurrences"])
    (warning,) = err.splitlines()
    assert warning.startswith("lianxue: warning: the holiday and 调休 arrangement for 2027 has not been officially")
    assert "--holidays" in warning


def test_an_override_file_makes_2027_official(orgfile: Path) -> None:
    code, out, err = run(
        "plan", orgfile, "--year", "2027", "--format", "json", "--holidays", DATA / "holidays-2027.toml"
    )
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert doc["provisional"] is False
    assert not any(o["provisional"] for o in doc["occurrences"])
    assert doc["workdays_source"] == "测试用：假定的2027年节假日安排"
    assert not any(o["start"].startswith("2027-02-10") for o in doc["occurrences"])


def test_the_table_says_provisional(orgfile: Path) -> None:
    code, out, err = run("plan", orgfile, "--year", "2027")
    assert code == 0
    assert out.startswith("The 2027 plan is provisional: ")
    assert "暂定" in out
    assert err.count("\n") == 1


def test_markdown_month_by_month_with_theme_slots(orgfile: Path) -> None:
    code, out, _ = run("plan", orgfile, "--year", "2026", "--format", "markdown")
    assert code == 0
    assert out.startswith("# 2026年度组织生活计划")
    assert out.count("本月主题") == 2 * 12  # the two village branches; the town has no obligations
    assert "## 东村党支部（v1）" in out
    assert "### 未能排期" in out


BAD_HOLIDAYS = """\
[[year]]
year = 2027
holidays = ["2027-02-30", "2026-12-31"]
workdays = ["2027-02-09"]
colour = "red"
"""


def test_a_malformed_override_file_exits_2_with_every_problem(orgfile: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad-holidays.toml"
    bad.write_text(BAD_HOLIDAYS, encoding="utf-8")
    code, out, err = run("plan", orgfile, "--year", "2027", "--holidays", bad)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    where = f"lianxue: error: {bad}: year 2027: key"
    assert err.splitlines() == [
        f"{where} 'colour': unknown key; expected one of year, holidays, workdays, source",
        f"{where} 'holidays': '2027-02-30' is not a date (YYYY-MM-DD) or range (A..B)",
        f"{where} 'holidays': 2026-12-31 is not in 2027",
        f"{where} 'workdays': 2027-02-09 is a weekday; list only weekend days worked (调休)",
    ]


def test_a_toml_error_in_the_override_file(orgfile: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[year]\n", encoding="utf-8")
    code, _, err = run("plan", orgfile, "--holidays", bad)
    assert code == 2
    (line,) = err.splitlines()
    # where in the user's words, as for the organization file; tomllib's own message after it
    assert line.startswith(f"lianxue: error: {bad}: line 1, column 7: TOML syntax error")


def test_plan_with_the_installed_plugins() -> None:
    """The built-in organs track through the real host: the JSON schema holds whatever its catalogue says."""
    code, out, err = run("plan", DATA / "good" / "organs-only.toml", "--year", "2026", "--format", "json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert doc["year"] == 2026
    assert doc["occurrences"]
    assert {o["org"] for o in doc["occurrences"]} <= {"deqing-jgdgw", "xianwei-zzb"}
