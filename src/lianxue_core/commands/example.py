"""``lianxue example [DIR]``: the bundled example county, a year of example records and a README, written into
DIR (default ``lianxue-example``), so that ``run``, ``check`` and the HTML report show something worth looking at
on the first try.

The records come from the example's own plan (:func:`lianxue_core.app.plan_year`): most activities held as
planned, some late, some missing, some without a topic or the secretary's comment, and one town much worse than
the rest. Every choice is a hash of the activity's key, so the same year gives the same records.

On a terminal a bar shows the stages (planning the example's year takes a few seconds); ``-v`` logs the time of
each.

Exit codes: 0 written; 2 DIR exists and is not empty (one line; nothing is written).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from ..app import load_county, plan_year
from ..errors import InputError, Problem
from ..examples import example_path
from ..files import atomic_write
from ..i18n import N_, _
from ..model import OrganizationTree
from ..plugins import PluginHost
from ..scheduling import Occurrence, Plan
from ._options import EXIT_OK, year_of
from ._progress import Stages

__all__ = ["HELP", "add_arguments", "example_records", "run"]

HELP = N_("write the example county, a year of example records and a README, to try lianxue at once")

#: The town whose organizations lag far behind the rest (洛舍镇党委 in the example county).
WORST = "luoshe"
#: (missing, late, incomplete) shares of activities, for the worst town and for everyone else.
RATES = {"worst": (0.30, 0.12, 0.08), "other": (0.03, 0.05, 0.02)}
#: Extra share missing in months that are hard in a county: 春节 (February) and 汛期、农忙 (July, August).
MONTH_EXTRA = {2: 0.06, 7: 0.03, 8: 0.04}
TOPICS = (
    "学习党章总纲",
    "学习《中国共产党廉洁自律准则》",
    "学习系列讲话：做合格党员",
    "学习《中国共产党纪律处分条例》",
    "“合格党员标准线”大讨论",
    "学习党的历史：红船精神",
    "纪念建党：重温入党誓词",
    "学习党规：党内政治生活若干准则",
    "学习系列讲话：担当作为",
    "学习党章：党员的义务和权利",
    "学习系列讲话：全心全意为人民服务",
    "年度学习教育回顾",
)
COMMENTS = (
    "书记点评：学习准备充分，讨论联系实际。",
    "书记点评：党员发言踊跃，要把学习成果用到村务工作中。",
    "书记点评：个别党员发言准备不足，下次提前布置。",
    "书记点评：结合中心工作谈体会，效果较好。",
)
LATE_NOTES = ("因防汛值守推迟", "因春节前后党员外出推迟", "因村级重点工作推迟", "因书记外出学习推迟")
COLUMNS = (
    "org",
    "obligation",
    "date",
    "time",
    "period",
    "topic",
    "lecturer",
    "comment",
    "attendees",
    "attendance",
    "members",
    "households",
    "notes",
)

README = """\
# lianxue 示例：德清县（{year}年）

本目录由 `lianxue example` 生成。

- `deqing.toml`：示例县的组织文件（{orgs}个党组织，人员姓名均为虚构）。
- `records.csv`：{year}年的活动记录示例（{records}条）：大多数活动按期开展，一部分推迟开展（`period`
  列写明所属周期，`notes` 列写明原因）、一部分缺失、少数缺少主题或书记点评；{worst}明显落后于其他镇（街道）。
  这些记录由示例县的年度计划按固定规则生成，仅供试用。

## 先看督查报告

在生成本目录的位置运行（督查截至{year}年12月31日；发现问题时退出码为 1，属正常）：

```sh
lianxue check {d}/deqing.toml --records {d}/records.csv --as-of {year}-12-31 --format html --out {d}/report.html
```

用浏览器打开 `{d}/report.html`：概况、按月和按镇（街道）的完成率图、考核排名、问题清单。

## 再试试

```sh
lianxue check {d}/deqing.toml --records {d}/records.csv --as-of {year}-12-31 --supervisor {worst_id}   # 某镇的督查表
lianxue check {d}/deqing.toml --records {d}/records.csv --as-of {year}-12-31 \\
    --split-by supervisor --format html --out {d}/reports          # 每个督查单位一份 HTML 报告
lianxue run {d}/deqing.toml --year {year} --out {d}/calendars        # 每个党组织一份日历订阅（.ics）
lianxue plan {d}/deqing.toml --year {year} --org shangbai --format docx --out {d}/plans   # 年度组织生活计划（Word）
lianxue ledger {d}/deqing.toml --records {d}/records.csv --org shangbai --out {d}/ledgers  # 三会一课台账（Word）
```

---

# lianxue example: Deqing County ({year})

Written by `lianxue example`: the example county's organization file (`deqing.toml`, fictitious people) and a
year of example records (`records.csv`): most activities held on time, some late (with `period` and a note), some
missing, a few without a topic or the secretary's comment, and one town ({worst_id}) far behind the rest. Run the
first command above from the directory where you ran `lianxue example`, then open `{d}/report.html` in a browser
(exit code 1 means findings, as expected here). The other commands show a town's table, one report per
supervising organization, the calendar feeds, a Word plan and a Word record book.
"""


def _fraction(*parts: str) -> float:
    """A number in [0, 1) from the parts: the same parts, the same number."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _late_day(occ: Occurrence, plan: Plan, key: str) -> dt.date | None:
    """A day after the occurrence's period (3 to 20 days), within the year; ``None`` when there is none."""
    last = occ.end if isinstance(occ.end, dt.date) and not isinstance(occ.end, dt.datetime) else occ.first_day
    period = occ.period
    if len(period) == 7 and period[4] == "-" and period[5:].isdigit():  # a month: the day after its last
        year, month = int(period[:4]), int(period[5:])
        last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    elif "-Q" in period:
        quarter = int(period[-1])
        year = int(period[:4])
        last = dt.date(year + quarter // 4, quarter * 3 % 12 + 1, 1) - dt.timedelta(days=1)
    elif "-W" in period or len(period) == 4:
        last = occ.first_day + dt.timedelta(days=7)  # a week or the year: held a fortnight or more later
    day = last + dt.timedelta(days=3 + int(_fraction("late-days", key) * 18))
    return day if day.year == plan.year and day > occ.first_day else None


def _row(occ: Occurrence, tree: OrganizationTree) -> dict[str, str]:
    member = occ.slot if occ.slot and "/" not in occ.slot else ""
    month = occ.first_day.month
    return {
        "org": occ.org,
        "obligation": occ.obligation,
        "date": occ.first_day.isoformat(),
        "time": "" if not isinstance(occ.start, dt.datetime) else f"{occ.start:%H:%M}",
        "period": "",
        "topic": occ.theme or TOPICS[month - 1],
        "lecturer": occ.people[0] if occ.people else "",
        "comment": COMMENTS[int(_fraction("comment", occ.key) * len(COMMENTS))],
        "attendees": ";".join(occ.people),
        "attendance": "",
        "members": member,
        "households": "",
        "notes": "",
    }


def example_records(tree: OrganizationTree, plan: Plan) -> Iterator[dict[str, str]]:
    """The example's records of ``plan``'s year, as CSV rows (the documented columns), in plan order.

    An item held during another activity (each member's reflection at the monthly study) shares that
    activity's fate; such items of one period are one row naming every member covered.
    """
    worst = {o.id for o in tree.overseen_by(WORST)} | ({WORST} if WORST in tree else set())
    fates: dict[str, tuple[str, dt.date | None]] = {}
    grouped: dict[tuple[str, str, str], dict[str, str]] = {}
    for occ in plan.occurrences:
        host_key = f"{occ.org}/{occ.at}/{occ.period}" if occ.at and not occ.at_org else occ.key
        if host_key not in fates:
            missing, late, incomplete = RATES["worst" if occ.org in worst else "other"]
            missing += MONTH_EXTRA.get(occ.first_day.month, 0.0)
            x = _fraction("fate", host_key)
            if x < missing:
                fates[host_key] = ("missing", None)
            elif x < missing + late:
                day = _late_day(occ, plan, host_key)
                fates[host_key] = ("late", day) if day else ("held", None)
            elif x < missing + late + incomplete:
                fates[host_key] = ("incomplete", None)
            else:
                fates[host_key] = ("held", None)
        fate, day = fates.get(host_key, ("held", None))
        if fate == "missing":
            continue
        row = _row(occ, tree)
        if fate == "late" and day is not None:
            row.update(date=day.isoformat(), period=occ.period, notes=LATE_NOTES[day.month % len(LATE_NOTES)])
        elif fate == "incomplete":
            row.update(topic="", comment="")
        if occ.at and not occ.at_org:  # one row per activity: every member covered in it
            group = (occ.org, occ.obligation, occ.period)
            if group in grouped:
                found = grouped[group]
                for column in ("members", "attendees"):
                    have = found[column].split(";") if found[column] else []
                    more = [p for p in row[column].split(";") if p and p not in have]
                    found[column] = ";".join(have + more)
                continue
            grouped[group] = row
        yield row


def _csv(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``lianxue example``'s arguments to ``parser``."""
    parser.add_argument(
        "dir",
        nargs="?",
        type=Path,
        default=Path("lianxue-example"),
        help=_("the directory to write (default lianxue-example; a new or empty directory)"),
    )
    parser.add_argument("--year", type=int, default=None, help=_("the year of the records (default: this year)"))


def run(args: argparse.Namespace, host: PluginHost, out: TextIO, err: TextIO) -> int:
    """Run ``lianxue example``; return the exit code.

    Raises:
        InputError: DIR exists and is not an empty directory.
    """
    target: Path = args.dir
    if target.exists() and not target.is_dir():
        raise InputError([Problem(str(target), _("exists and is not a directory"))])
    if target.is_dir() and any(target.iterdir()):
        raise InputError([Problem(str(target), _("exists and is not empty: give a new directory"))])
    year = year_of(args)
    source = example_path()
    with Stages(args, err, _("example"), 4) as stages:
        with stages.stage(_("reading the organization file")):
            tree = load_county(source, host)
        with stages.stage(_("planning"), len(tree)) as advance:
            plan = plan_year(tree, host, year, progress=advance)
        with stages.stage(_("making the records")):
            rows = list(example_records(tree, plan))
        d = shlex.quote(str(target))
        worst = tree[WORST].name if WORST in tree else WORST
        with stages.stage(_("writing the files")):
            atomic_write(target / "deqing.toml", source.read_text(encoding="utf-8"))
            atomic_write(target / "records.csv", _csv(rows))
            readme = README.format(year=year, orgs=len(tree), records=len(rows), worst=worst, worst_id=WORST, d=d)
            atomic_write(target / "README.md", readme)
    for warning in plan.warnings:
        print(_("lianxue: warning: {warning}").format(warning=warning), file=err)
    wrote = _(
        "Wrote the example to {dir}/ (deqing.toml: {orgs} organizations; records.csv: {records} records of {year}; "
        "README.md)"
    )
    print(wrote.format(dir=target, orgs=len(tree), records=len(rows), year=year), file=out)
    first = next(line for line in readme.splitlines() if line.startswith("lianxue "))
    print(_("First, the supervision report:") + f"\n  {first}", file=out)
    return EXIT_OK
