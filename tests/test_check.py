"""``lianxue check`` on the example county: known gaps give exactly those findings; bad files exit 2.

Records are written from the year's plan (every occurrence held as planned), then gaps are cut into
them. The findings of the gapped records minus those of the complete ones must be exactly the gaps.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from lianxue_core import PluginHost, example_path, load
from lianxue_core.app import plan_year
from lianxue_core.cli import main
from lianxue_core.scheduling import Occurrence
from test_report_html import read_report

YEAR = 2026
AS_OF = "2026-12-15"
SUPERVISOR = "wukang"  # 武康街道党工委: its villages, communities and two-new organizations
COLUMNS = ["org", "obligation", "date", "time", "period", "topic", "lecturer", "comment", "attendees", "members"]
EXAMPLES = Path(__file__).parent.parent / "docs" / "examples"


@pytest.fixture(scope="module")
def county() -> dict[str, Any]:
    host = PluginHost()
    tree = load(example_path(), tracks=host.tracks())
    scope = [o.id for o in tree.overseen_by(SUPERVISOR)]
    plan = plan_year(tree, host, YEAR, orgs=scope)
    return {"tree": tree, "plan": plan, "scope": scope}


def row(occ: Occurrence) -> dict[str, str]:
    member = occ.slot if occ.slot and "/" not in occ.slot else ""
    return {
        "org": occ.org,
        "obligation": occ.obligation,
        "date": occ.first_day.isoformat(),
        "time": "" if occ.all_day else occ.start.strftime("%H:%M"),  # type: ignore[union-attr]
        "period": occ.period,
        "topic": "学习党章党规",
        "lecturer": occ.people[0] if occ.people else "",
        "comment": "书记点评：学习扎实",
        "attendees": ";".join(occ.people),
        "members": member,
    }


def held_rows(plan: Any) -> list[dict[str, str]]:
    """Every occurrence up to the day of the check, held as planned."""
    return [row(o) for o in plan.occurrences if o.first_day <= dt.date.fromisoformat(AS_OF)]


def write_csv(path: Path, rows: list[dict[str, str]], *, bom: bool = False) -> Path:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(("\ufeff" if bom else "") + buf.getvalue(), encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def check_json(records: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run(
        "check", str(example_path()), "--records", str(records), "--year", str(YEAR), "--as-of", AS_OF,
        "--supervisor", SUPERVISOR, "--format", "json", *extra,
    )  # fmt: skip
    assert code in (0, 1), err
    return code, json.loads(out)


def keyset(data: dict[str, Any]) -> set[tuple[str, str, str, str, tuple[str, ...]]]:
    return {(f["org"], f["obligation"], f["period"], f["status"], tuple(f["members"])) for f in data["findings"]}


#: The monthly 三个一 study and the members' reflections held in it.
STUDY = ("village.monthly-study", "village.member-reflection")


def skip_study(rows: list[dict[str, str]], period: str) -> list[dict[str, str]]:
    return [r for r in rows if not (r["org"] == "shangbai" and r["period"] == period and r["obligation"] in STUDY)]


def find(rows: list[dict[str, str]], org: str, obligation: str, period: str) -> dict[str, str]:
    return next(r for r in rows if (r["org"], r["obligation"], r["period"]) == (org, obligation, period))


@pytest.fixture(scope="module")
def baseline(county: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = write_csv(tmp_path_factory.mktemp("records") / "held.csv", held_rows(county["plan"]), bom=True)
    return check_json(path)[1]


def test_complete_records_leave_only_what_the_plan_could_not_place(county: dict[str, Any], baseline: Any) -> None:
    plan = county["plan"]
    unplaced = {(u.org, u.obligation, u.period) for u in plan.unplaced}
    ob = {o.id: o for o in PluginHost().catalogue()}
    for f in baseline["findings"]:
        key = (f["org"], f["obligation"], f["period"])
        explained = (
            f["status"] == "due" or key in unplaced or ob[f["obligation"]].attend_links  # a planner limitation
        )
        assert explained, f
    assert baseline["year"] == YEAR
    assert baseline["as_of"] == AS_OF
    assert {o["id"] for o in baseline["organizations"]} == set(county["scope"])
    assert baseline["supervisor"] == {"id": SUPERVISOR, "name": "武康街道党工委"}


def test_known_gaps_are_exactly_the_new_findings(county: dict[str, Any], baseline: Any, tmp_path: Path) -> None:
    rows = held_rows(county["plan"])
    # 1. shangbai skipped March's 三个一 study (and so nobody spoke of what they learnt).
    rows = skip_study(rows, "2026-03")
    # 2. ... held May's in June.
    for r in rows:
        if r["org"] == "shangbai" and r["period"] == "2026-05" and r["obligation"] in STUDY:
            r["date"] = "2026-06-03"
    # 3. ... did not take April's study to its elderly member's home.
    home = find(rows, "shangbai", "village.home-study", "2026-04")
    rows.remove(home)
    # 4. ... held the quarterly all-member meeting of Q2 without a topic.
    find(rows, "shangbai", "village.quarterly-meeting", "2026-Q2")["topic"] = ""
    # 5. The same record twice: a warning, counted once, no new finding.
    rows.append(dict(rows[0]))
    code, data = check_json(write_csv(tmp_path / "gaps.csv", rows))
    assert code == 1
    new = keyset(data) - keyset(baseline)
    gone = keyset(baseline) - keyset(data)
    assert gone == set()
    named = tuple(m.id for m in county["tree"].members_of("shangbai"))
    assert new == {
        ("shangbai", "village.monthly-study", "2026-03", "missing", ()),
        ("shangbai", "village.member-reflection", "2026-03", "missing", named),
        ("shangbai", "branch.theme-day", "2026-03", "missing", ()),  # the study was also the 主题党日
        ("shangbai", "village.monthly-study", "2026-05", "late", ()),
        ("shangbai", "village.member-reflection", "2026-05", "late", named),
        ("shangbai", "branch.theme-day", "2026-05", "missing", ()),
        ("shangbai", "village.home-study", "2026-05", "out-of-order", ()),  # home visit before the late study
        ("shangbai", "village.home-study", "2026-04", "missing", (home["members"],)),
        ("shangbai", "village.quarterly-meeting", "2026-Q2", "incomplete", ()),
    }
    assert any("repeats" in w and "counted once" in w for w in data["warnings"])  # in Chinese: 重复……只计一次
    late = next(f for f in data["findings"] if f["status"] == "late" and f["obligation"] == "village.monthly-study")
    assert late["source"]["quote"]
    assert late["title"] == "“三个一”集中学习讨论"
    assert late["status"] == "late"
    assert late["status_label"] == "held late"  # the label in the language chosen; 逾期开展 in Chinese (test_i18n)
    assert late["detail"].startswith("to be held 2026-05-01 to 2026-05-31; held only on 2026-06-03")


def test_a_period_not_over_is_due(baseline: Any) -> None:
    due = [f for f in baseline["findings"] if f["status"] == "due"]
    assert due, "December's monthly items are still running on 2026-12-15"
    running = ("2026", "2026-Q4", "2026-12", "2026-W51", "2026-W52", "2026-W53")
    assert {f["period"] for f in due} <= set(running)
    assert {f["period"] for f in due} & {"2026-12", "2026-W51"}
    assert not any(f["status"] == "missing" and f["period"] in running[2:] for f in baseline["findings"])
    assert baseline["summary"]["due"] == len(due)


def test_bad_rows_are_all_reported_with_file_line_and_column(tmp_path: Path) -> None:
    text = (
        "\ufefforg,obligation,date,time,attendance,members\r\n"
        "shangbai,village.monthly-study,2026-03-05,14:30,12,\r\n"
        "nosuch,village.monthly-study,2026-03-05,,,\r\n"
        "shangbai,village.monthly-studdy,2026-03-05,,,\r\n"
        "shangbai,village.monthly-study,2026-02-30,25:00,many,\r\n"
        "shangbai,village.monthly-study,2026-03-05,,,,extra\r\n"
        "\r\n"
        "shangbai,organs.quarterly-meeting,2026-03-05,,,\r\n"
    )
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    code, out, err = run("check", str(example_path()), "--records", str(path), "--as-of", AS_OF)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    f = str(path)
    assert lines == [
        f"lianxue: error: {f}: line 3, column 1 (org): no organization with id 'nosuch' in the organization file",
        f"lianxue: error: {f}: line 4, column 2 (obligation): no obligation with id 'village.monthly-studdy' "
        "(did you mean 'village.monthly-study'?)",
        f"lianxue: error: {f}: line 5, column 3 (date): '2026-02-30' is not a day of the calendar",
        f"lianxue: error: {f}: line 5, column 4 (time): '25:00' is not a time such as 14:30",
        f"lianxue: error: {f}: line 5, column 5 (attendance): must be a whole number of 0 or more (got 'many')",
        f"lianxue: error: {f}: line 6: 7 cells but the header names 6 columns",
        f"lianxue: error: {f}: line 8, column 2 (obligation): obligation 'organs.quarterly-meeting' does not "
        "apply to organization 'shangbai'",
    ]


def test_bad_header_json_and_ics(tmp_path: Path) -> None:
    (tmp_path / "h.csv").write_text("org,obligation,when\n", encoding="utf-8")
    (tmp_path / "r.json").write_text(
        '{"records": [\n  {"org": "shangbai", "obligation": "village.monthly-study", "date": "2026-03-05"},\n'
        '  {"org": "shangbai", "obligation": "village.monthly-study", "日期": "2026-03-32", "colour": 1}\n]}\n',
        encoding="utf-8",
    )
    (tmp_path / "x.ics").write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:abc@example\r\n"
        "DTSTART:20260305T063000Z\r\nSUMMARY:学习\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    (tmp_path / "gbk.csv").write_bytes("org,obligation,date\n上柏,x,2026-01-01\n".encode("gbk"))
    args = [f"--records={tmp_path / n}" for n in ("h.csv", "r.json", "x.ics", "gbk.csv")]
    code, _, err = run("check", str(example_path()), *args)
    assert code == 2
    assert err.splitlines() == [
        f"lianxue: error: {tmp_path / 'h.csv'}: line 1: column 3: unknown column 'when'",
        f"lianxue: error: {tmp_path / 'h.csv'}: line 1: required column(s) missing: date",
        f"lianxue: error: {tmp_path / 'r.json'}: line 3 (record 2): key 'colour': unknown key",
        f"lianxue: error: {tmp_path / 'x.ics'}: line 4 (event abc@example): the event carries neither "
        "X-LIANXUE-OBLIGATION nor a UID lianxue gave it",
        f"lianxue: error: {tmp_path / 'gbk.csv'}: line 2: is not UTF-8 text (in a spreadsheet program, save as "
        "“CSV UTF-8”)",
    ]


def test_icalendar_records_from_lianxue_feeds(county: dict[str, Any], tmp_path: Path) -> None:
    """A branch exports its lianxue calendar: X-LIANXUE-OBLIGATION, or only the UIDs, or cancelled events."""
    from lianxue_core.calendar import FeedOptions, build_feeds

    tree, plan = county["tree"], county["plan"]
    feeds = build_feeds(
        plan, tree, {o.id: o for o in PluginHost().catalogue()},
        options=FeedOptions(stamp=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), alarm_minutes=None),
    )  # fmt: skip
    feed = next(f for f in feeds if f.path == "shangbai.ics")
    text = feed.text
    # Calendar programs often drop X- properties: keep only the UID on half the events.
    blocks = text.split("BEGIN:VEVENT")
    for i in range(1, len(blocks), 2):
        blocks[i] = re.sub(r"X-LIANXUE-(ORG|OBLIGATION|PERIOD):[^\r]*\r\n", "", blocks[i])
    text = "BEGIN:VEVENT".join(blocks)
    (tmp_path / "shangbai.ics").write_text(text, encoding="utf-8", newline="")
    code, out, err = run(
        "check", str(example_path()), "--records", str(tmp_path / "shangbai.ics"), "--year", str(YEAR),
        "--as-of", "2026-04-01", "--supervisor", SUPERVISOR, "--format", "json",
    )  # fmt: skip
    assert code == 1, err
    data = json.loads(out)
    mine = [f for f in data["findings"] if f["org"] == "shangbai" and f["status"] not in ("due", "incomplete")]
    # Every activity of the first quarter was in the feed, so nothing of shangbai's is missing.
    assert [f for f in mine if f["period"] < "2026-04"] == []
    row = next(o for o in data["organizations"] if o["id"] == "shangbai")
    assert row["ended"] > 0


def test_example_records_file(tmp_path: Path) -> None:
    code, out, err = run(
        "check", str(example_path()), "--records", str(EXAMPLES / "records.csv"), "--year", "2026",
        "--as-of", "2026-04-01", "--supervisor", "wukang", "--out", str(tmp_path / "r.txt"),
    )  # fmt: skip
    assert code == 1, err
    assert "Wrote" in out
    report = (tmp_path / "r.txt").read_text(encoding="utf-8")
    assert "上柏村党支部" in report
    assert "Study-education check 2026 (as of 2026-04-01; supervised by 武康街道党工委)" in report


def test_unknown_supervisor_is_bad_input(tmp_path: Path) -> None:
    code, _, err = run("check", str(example_path()), "--records", str(EXAMPLES / "records.csv"), "--supervisor", "x")
    assert code == 2
    assert "no organization with id 'x'" in err
    code, _, err = run(
        "check", str(example_path()), "--records", str(EXAMPLES / "records.csv"), "--supervisor", "wukan"
    )
    assert code == 2
    assert err.splitlines() == [
        f"lianxue: error: {example_path()}: --supervisor: no organization with id 'wukan' (did you mean 'wukang'?)"
    ]


def test_nothing_wanting_exits_0(tmp_path: Path) -> None:
    orgfile = tmp_path / "org.toml"
    orgfile.write_text(
        '[[org]]\nid = "ju"\nname = "某局党组"\nkind = "party-group"\n\n'
        '[[org]]\nid = "ju-1"\nname = "某局机关党支部"\nkind = "branch"\ntrack = "organs"\nparent = "ju"\n'
        'members = 3\n\n[[member]]\nid = "a"\nname = "甲"\norg = "ju-1"\nroles = ["secretary"]\n',
        encoding="utf-8",
    )
    host = PluginHost()
    tree = load(orgfile, tracks=host.tracks())
    plan = plan_year(tree, host, YEAR)
    records = write_csv(tmp_path / "r.csv", [row(o) for o in plan.occurrences if o.first_day <= dt.date(2026, 3, 31)])
    code, out, err = run(
        "check", str(orgfile), "--records", str(records), "--year", "2026", "--as-of", "2026-04-01", "--supervisor",
        "ju", "--format", "json",
    )  # fmt: skip
    data = json.loads(out)
    problems = [f for f in data["findings"] if f["status"] != "due"]
    assert (code, problems) == (0, []), err
    assert data["summary"]["exit_code"] == 0


# -- the HTML report in a real browser ---------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs Debian's chromium)")
def test_html_report_in_headless_chromium(county: dict[str, Any], tmp_path: Path) -> None:
    records = write_csv(tmp_path / "r.csv", skip_study(held_rows(county["plan"]), "2026-03"))
    html = tmp_path / "report.html"
    common = ["--records", str(records), "--year", str(YEAR), "--as-of", AS_OF, "--supervisor", SUPERVISOR]
    code, _, err = run("check", str(example_path()), *common, "--format", "html", "--out", str(html))
    assert code == 1, err
    _, out, _ = run("check", str(example_path()), *common, "--format", "json")
    data = json.loads(out)
    page = html.read_text(encoding="utf-8")
    assert "<script" not in page
    assert "http" not in page.split("</style>")[0]
    assert "@media print" in page
    assert "size:A4" in page

    dom = chromium("--dump-dom", html.as_uri(), profile=tmp_path / "profile-dom").stdout
    reader = read_report(dom)  # the browser's DOM: end tags and quotes the file leaves out are back
    heat = {(h["org"], h["obligation"]): h["months"] for h in data["heatmap"]}
    assert len(reader.cells) == 12 * len(heat)
    assert sum(int(c[4].split("/")[1]) for c in reader.cells if c[4]) == data["summary"]["units"]
    assert sum(int(c[4].split("/")[0]) for c in reader.cells if c[4]) == data["summary"]["complete"]
    march = next(c for c in reader.cells if c[:3] == ("shangbai", "village.monthly-study", 3))
    assert march[3:] == ("n", "0/1")
    assert sorted(int(b["data-month"]) for b in reader.bars if "data-month" in b) == list(range(1, 13))
    assert reader.open_details == reader.details - 1  # nine organizations: open (members' points closed)
    assert dom.count('<tr class="problem"') == data["summary"]["problems"]
    assert dom.count('<tr class="rank">') == sum(1 for o in data["organizations"] if o["rank"] is not None)
    assert "武康街道党工委: 两学一做 study-education supervision report, 2026" in dom
    assert "上柏村党支部" in dom
    assert "not held" in dom

    shots = Path(os.environ.get("LIANXUE_ARTIFACTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    png = shots / "check-report.png"
    chromium(f"--screenshot={png}", "--window-size=1280,2400", html.as_uri(), profile=tmp_path / "profile-shot")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"screenshot of the HTML report: {png}")
