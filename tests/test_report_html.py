"""The HTML report of a whole county with a year of example records (``lianxue example``): one file under
1.5 MB, the numbers of the heatmap and the charts equal to the JSON report's, collapsible sections, each
clause once; ``--split-by supervisor`` writes one report per supervising organization. In headless Chromium
(where installed) the report opens from disk; ``LIANXUE_UPDATE_SCREENSHOTS=1`` saves its screenshot as
docs/images/report.png.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from lianxue_core.cli import main

YEAR = "2026"
AS_OF = "2026-12-31"
MAX_BYTES = 1_500_000


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


class ReportReader(HTMLParser):
    """Reads a report back as a tool would: heat cells (org, obligation, month, state, text), chart bars,
    details elements, clause anchors and links. Works on the file as written (end tags left out) and on a
    browser's serialised DOM alike."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, str, int, str, str]] = []
        self.bars: list[dict[str, str]] = []
        self.details = 0
        self.open_details = 0
        self.anchors: set[str] = set()
        self.links: list[str] = []
        self.tags: set[str] = set()
        self._org = ""
        self._ob = ""
        self._month = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.add(tag)
        if tag in ("td", "th", "tr", "table") and self._cell is not None:
            self._end_cell()
        if tag == "table":
            self._org = a.get("data-org", "") if "heat" in a.get("class", "").split() else ""
        elif tag == "tr":
            self._ob = a.get("data-obligation", "") if self._org else ""
            self._month = 0
        elif tag == "td" and self._ob:
            self._month += 1
            self._cell = [a.get("class", "")]
        elif tag == "rect" and "data-rate" in a:
            self.bars.append(a)
        elif tag == "details":
            self.details += 1
            self.open_details += "open" in a
        elif tag == "a" and a.get("href", "").startswith("#"):
            self.links.append(a["href"][1:])
        if "id" in a:
            self.anchors.add(a["id"])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "tr", "table") and self._cell is not None:
            self._end_cell()
        if tag == "table":
            self._org = ""

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def _end_cell(self) -> None:
        assert self._cell is not None
        self.cells.append((self._org, self._ob, self._month, self._cell[0], "".join(self._cell[1:]).strip()))
        self._cell = None


def read_report(text: str) -> ReportReader:
    reader = ReportReader()
    reader.feed(text)
    reader.close()
    return reader


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("county")
    d = base / "lx"
    code, _, err = run("example", str(d), "--year", YEAR)
    assert code == 0, err
    common = [str(d / "deqing.toml"), "--records", str(d / "records.csv"), "--as-of", AS_OF]
    # the report as a county sees it, in Chinese (the default): its size and the docs' screenshot are of that one
    code, _, err = run("--lang", "zh_CN", "check", *common, "--format", "html", "--out", str(d / "report.html"))
    assert code == 1, err
    code, out, err = run("check", *common, "--format", "json")
    assert code == 1, err
    return {
        "dir": d,
        "common": common,
        "html": (d / "report.html").read_text(encoding="utf-8"),
        "json": json.loads(out),
    }


def test_county_report_is_one_small_file(county: dict[str, Any]) -> None:
    page: str = county["html"]
    size = len(page.encode("utf-8"))
    print(f"HTML report of the example county with a year of example records: {size:,} bytes")
    assert size < MAX_BYTES
    assert "<script" not in page
    assert "http" not in page.split("</style>")[0]  # no network: no fonts, styles or scripts fetched
    assert ' style="' not in page  # CSS classes, not inline styles
    assert "@media print" in page
    assert "size:A4" in page


def test_heatmap_numbers_equal_the_json_report(county: dict[str, Any]) -> None:
    data, reader = county["json"], read_report(county["html"])
    heat = {(h["org"], h["obligation"]): h["months"] for h in data["heatmap"]}
    assert len(reader.cells) == 12 * len(heat)
    expected = complete = 0
    for org, ob, month, state, text in reader.cells:
        cell = heat[(org, ob)][month - 1]
        if not cell["expected"]:
            assert (state, text) == ("", "")
            continue
        assert text == f"{cell['complete']}/{cell['expected']}"
        assert state in ("f", "p", "n", "d")
        assert (state == "f") == (cell["complete"] == cell["expected"])
        expected += cell["expected"]
        complete += cell["complete"]
    assert expected == data["summary"]["units"]
    assert complete == data["summary"]["complete"]


def test_charts_show_months_and_towns(county: dict[str, Any]) -> None:
    data, reader = county["json"], read_report(county["html"])
    months = {int(b["data-month"]): float(b["data-rate"]) for b in reader.bars if "data-month" in b}
    assert sorted(months) == list(range(1, 13))
    ended = [0] * 12
    done = [0] * 12
    for h in data["heatmap"]:
        for m, c in enumerate(h["months"]):
            ended[m] += c["expected"] - c["due"]
            done[m] += c["complete"]
    for m, rate in months.items():
        assert rate == pytest.approx(done[m - 1] / ended[m - 1], abs=1e-4)
    towns = {b["data-org"]: float(b["data-rate"]) for b in reader.bars if "data-org" in b}
    below = {o["id"]: o["rollup_completion_rate"] for o in data["organizations"] if o["parent"] == "deqing"}
    assert towns == pytest.approx(below, abs=1e-4)
    assert min(towns, key=lambda t: towns[t]) == "luoshe"
    # the worst first: the chart lists the towns from the lowest rate up
    order = re.findall(r'<rect class=\w+ data-org="([^"]+)"', county["html"])
    assert order[0] == "luoshe"


def test_sections_are_collapsible_and_clauses_quoted_once(county: dict[str, Any]) -> None:
    data, reader, page = county["json"], read_report(county["html"]), county["html"]
    assert {"summary", "tree", "ranking", "heatmap", "points", "findings", "sources"} <= reader.anchors
    assert reader.details > 116  # each organization's heatmap and findings, collapsed for a county
    assert reader.open_details == 0
    assert page.count("<tr class=problem ") == data["summary"]["problems"]
    assert page.count("<tr class=rank>") == sum(1 for o in data["organizations"] if o["rank"] is not None)
    quotes = {f["obligation"]: f["source"]["quote"] for f in data["findings"] if f["source"]}
    for ob, quote in quotes.items():  # once per obligation (two tracks may share a clause)
        assert f"ob-{ob}" in reader.anchors
        assert page.count(f"“{quote}”") == list(quotes.values()).count(quote)
    assert set(reader.links) <= reader.anchors


def test_split_by_supervisor(county: dict[str, Any], tmp_path: Path) -> None:
    common = county["common"]
    code, out, err = run("check", *common, "--supervisor", "luoshe", "--format", "html", "--split-by", "supervisor",
                         "--out", str(tmp_path / "reports"))  # fmt: skip
    assert code == 1, err
    assert out.strip() == (
        f"Wrote 2 supervision reports to {tmp_path / 'reports'}/ (one per supervising organization: <id>.html)"
    )
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["dongheng.html", "luoshe.html"]
    luoshe = (tmp_path / "reports" / "luoshe.html").read_text(encoding="utf-8")
    assert "洛舍镇党委: 两学一做 study-education supervision report, 2026" in luoshe
    reader = read_report(luoshe)
    assert reader.details >= 2
    assert reader.open_details == reader.details - 1  # a town's few organizations open; members' points closed
    # the same numbers as a report asked for that supervisor alone
    code, out, _ = run("check", *common, "--supervisor", "luoshe", "--format", "json")
    alone = json.loads(out)
    code, _, err = run("check", *common, "--supervisor", "luoshe", "--format", "json", "--split-by", "supervisor",
                       "--out", str(tmp_path / "json"))  # fmt: skip
    assert code == 1, err
    split = json.loads((tmp_path / "json" / "luoshe.json").read_text(encoding="utf-8"))
    assert split["summary"] == alone["summary"]
    assert split["findings"] == alone["findings"]


def test_split_by_needs_a_directory(county: dict[str, Any]) -> None:
    code, _, err = run("check", *county["common"], "--split-by", "supervisor")
    assert code == 2
    assert err.splitlines() == ["lianxue: error: --split-by: --split-by needs --out DIR"]


# -- in a real browser: the screenshot in docs/supervision.md ---------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: The picture of the report in the docs; ``LIANXUE_UPDATE_SCREENSHOTS=1`` writes it from this test.
SCREENSHOT = Path(__file__).parents[1] / "docs" / "images" / "report.png"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    return width, height


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs Debian's chromium)")
def test_the_report_in_headless_chromium(county: dict[str, Any], tmp_path: Path) -> None:
    """The county's report opened from disk in headless Chromium (no network: the file holds everything),
    screenshot at a desk's window size."""
    assert CHROMIUM is not None
    png = tmp_path / "report.png"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={png}",
            "--window-size=1200,1400",
            (county["dir"] / "report.html").as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    shot = png.read_bytes()
    assert _png_size(shot) == (1200, 1400)
    assert len(shot) > 40_000  # a page of text, tables and charts, not a blank one
    if os.environ.get("LIANXUE_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        SCREENSHOT.write_bytes(shot)
