"""The HTML report: one self-contained file (inline CSS and SVG, no script, no network), in Chinese, printable on
A4, navigable for a whole county.

Sections: 概况 (with two charts drawn here as inline SVG: completion by month and by town), 组织树与完成率,
考核排名, 完成情况热力图 (per organization, collapsible: a twelve-month strip in the summary line, the
obligations × months table inside), 学习教育积分, 问题清单 (per organization, collapsible), 依据条款 (each
obligation's citation and verbatim clause once, linked from the findings) and 输入提示.

Compact by construction, so a county with a year of records stays well under 1.5 MB: CSS classes instead of
inline styles, each clause once, optional end tags (``</td>``, ``</tr>``) and attribute quotes left out where
HTML allows. Tools read the numbers back from ``table.heat[data-org] tr[data-obligation]`` rows: cell *n*
(after the heading) is month *n*, its class the state (``f`` all done, ``p`` partly, ``n`` not done, ``d``
running, none for no item) and its text ``complete/expected``; the chart bars carry ``data-month`` or
``data-org`` and ``data-rate``.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ..textsafe import for_terminal
from .findings import Finding
from .report import Cell, OrgRow, Report, percent

__all__ = ["render_html"]

# -- the report's words (one place, for the message catalogue to come) -------------------------------------
T_TITLE = "{who}“两学一做”学习教育督查报告（{year}年）"
T_ALL = "全部党组织"
T_SCOPE = "截至{as_of}；督查范围：{who}{rollup}。完成指按期开展且主题、点评、覆盖、出席等要素齐全。"
T_ROLLUP = "（含其所督查党组织的下级，逐级汇总）"
T_SECTIONS = {
    "summary": "一、概况",
    "tree": "二、组织树与完成率",
    "ranking": "三、考核排名",
    "heatmap": "四、完成情况热力图",
    "points": "五、学习教育积分",
    "findings": "六、问题清单",
    "sources": "七、依据条款",
    "warnings": "八、输入提示",
}
T_CARDS = ("党组织", "已到期事项", "已完成", "完成率", "问题", "进行中", "未开始")
T_CHART_MONTH = "按月完成率（事项按其周期结束的月份计）"
T_CHART_GROUP = "按{what}完成率（含下级，从低到高）"
T_GROUP_TOWN = "镇（街道）及下属党组织"
T_GROUP_ORG = "党组织"
T_MONTH = "{m}月"
T_MONTH_TIP = "{m}月：完成{c}/{e}（{rate}）"
T_GROUP_TIP = "{name}：完成{c}/{e}（{rate}）"
T_TREE_HEAD = ("党组织", "完成/到期", "完成率", "含下级汇总", "问题", "进行中")
T_RANK_NOTE = "按完成率从高到低，完成率相同时问题少者在前，再按人均积分；可作为党建目标责任制考核的依据。"
T_RANK_HEAD = ("名次", "党组织", "完成率", "问题", "积分", "人均积分")
T_LEGEND = ("全部完成", "部分完成", "未完成", "进行中", "无事项")
T_HEAT_NOTE = "格内为“完成数/应开展数”，事项按其周期结束的月份计。点击党组织名称展开各事项。"
T_HEAT_ITEM = "事项"
T_NO_POINTS = "督查范围内没有实行党员学习教育积分管理的党组织。"
T_POINTS_RULES = "积分规则：{rules}（见 docs/supervision.md）。"
T_POINTS_HEAD = ("党组织", "党员数", "积分合计", "人均积分")
T_MEMBERS_SUMMARY = "党员积分明细（{n}人）"
T_MEMBERS_HEAD = ("党组织", "党员", "积分", "明细")
T_NO_FINDINGS = "未发现问题。"
T_FINDINGS_NOTE = "每个党组织一组，点击展开；“依据”链接到第七部分的条款原文。"
T_FINDINGS_SUMMARY = "{name}：问题{problems}项，其他{others}项"
T_FINDINGS_HEAD = ("事项", "周期", "状态", "说明", "依据")
T_INVOLVED = "涉及：{names}"
T_BASIS = "依据"
T_FOOTER = "由 lianxue 生成 · {as_of}"

_CSS = """
@page{size:A4;margin:14mm 12mm}
*{box-sizing:border-box}
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",
sans-serif;color:#222;margin:24px auto;max-width:1100px;padding:0 16px;font-size:14px;line-height:1.5}
h1{font-size:22px;border-bottom:3px solid #b71c1c;padding-bottom:6px;color:#b71c1c}
h2{font-size:18px;margin-top:28px;border-left:5px solid #b71c1c;padding-left:8px}
h3{font-size:15px;margin:16px 0 6px}
nav a{margin-right:12px;color:#b71c1c}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f4f4f4;font-weight:600}
td.num,th.num{text-align:right;white-space:nowrap}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:22px;color:#b71c1c}
.charts{display:flex;flex-wrap:wrap;gap:16px;margin-top:12px}
.charts figure{margin:0}
.charts figcaption{font-weight:600;margin-bottom:4px}
svg text{font-size:11px;fill:#333}
svg .g{fill:#2e7d32}svg .a{fill:#f9a825}svg .r{fill:#c62828}svg .ax{stroke:#999;stroke-width:1}
.tree td:first-child{white-space:nowrap}
.d1 td:first-child{padding-left:24px}.d2 td:first-child{padding-left:42px}.d3 td:first-child{padding-left:60px}
.d4 td:first-child{padding-left:78px}.d5 td:first-child{padding-left:96px}
.bar{display:inline-block;width:100px;height:10px;background:#eee;margin-right:6px;vertical-align:middle}
.bar i{display:block;height:10px;background:#2e7d32}
details{margin:2px 0}
details>summary{cursor:pointer;padding:2px 0}
details.org>summary .strip{margin:0 8px}
.strip i{display:inline-block;width:12px;height:12px;margin-right:1px;border:1px solid #ddd;vertical-align:middle}
table.heat{table-layout:fixed}
table.heat th:first-child{width:34%}
table.heat td{text-align:center;font-size:11px;padding:2px 0}
.f{background:#2e7d32;color:#fff}.p{background:#f9a825}.n{background:#c62828;color:#fff}.d{background:#bbdefb}
.legend span{display:inline-block;padding:0 8px;margin-right:6px;border:1px solid #ccc}
.s-missing,.s-absent{color:#c62828;font-weight:600}
.s-late,.s-outside-window,.s-out-of-order{color:#e65100;font-weight:600}
.s-incomplete,.s-not-covered{color:#6a1b9a;font-weight:600}
.s-due{color:#1565c0}
.quote{color:#555;font-size:12px}
.muted{color:#777}
dl.sources dt{font-weight:600;margin-top:8px}dl.sources dd{margin:0 0 0 1em}
@media print{
body{margin:0;max-width:none;padding:0;font-size:10.5pt}
nav{display:none}
h2{break-after:avoid;page-break-after:avoid}
tr,.card,figure{break-inside:avoid;page-break-inside:avoid}
.f,.p,.n,.d,.bar i,.strip i,.card b,svg{-webkit-print-color-adjust:exact;print-color-adjust:exact}
a{color:inherit;text-decoration:none}
}
"""

#: A report with more organizations than this shows each organization's details collapsed.
OPEN_UP_TO = 20
_STATE = {"full": "f", "part": "p", "none": "n", "due": "d", "empty": ""}


def _e(text: object) -> str:
    # control characters (from names and record texts) shown escaped: HTML has no place for them
    return escape(for_terminal(str(text)), quote=True)


def _tone(rate: float) -> str:
    """The colour class of a rate: green from 90 %, amber from 70 %, else red."""
    return "g" if rate >= 0.9 else "a" if rate >= 0.7 else "r"


def _bar(rate: float | None) -> str:
    if rate is None:
        return '<span class="muted">—</span>'
    return f"<span class=bar><i class=w{round(rate * 100)}></i></span>{percent(rate)}"


def _widths(rows: Sequence[OrgRow]) -> str:
    """CSS for the bar widths used (one rule per percentage shown, instead of inline styles)."""
    used = sorted({round(r * 100) for row in rows for r in (row.rate, row.rollup_rate) if r is not None})
    return "".join(f".w{w}{{width:{w}px}}" for w in used)


def _month_chart(report: Report) -> str:
    """Completion by month as an SVG bar chart (the months with nothing ended are left empty)."""
    width, height, left, base, top = 560, 200, 34, 170, 20
    scale = base - top
    out = [
        f'<svg class=chart id=chart-month width={width} height={height} viewBox="0 0 {width} {height}" '
        f'role=img aria-label="{_e(T_CHART_MONTH)}">',
        f"<line class=ax x1={left} y1={base} x2={width - 4} y2={base} />",
        f"<line class=ax x1={left} y1={top} x2={left} y2={base} />",
        f"<text x={left - 4} y={top + 4} text-anchor=end>100%</text>",
        f"<text x={left - 4} y={base} text-anchor=end>0</text>",
    ]
    step = (width - left - 10) / 12
    for m, (ended, complete) in enumerate(report.by_month(), start=1):
        x = left + 6 + (m - 1) * step
        label = T_MONTH.format(m=m)
        out.append(f"<text x={x + step / 2 - 3:.0f} y={base + 16} text-anchor=middle>{label}</text>")
        if not ended:
            continue
        rate = complete / ended
        h = rate * scale
        tip = T_MONTH_TIP.format(m=m, c=complete, e=ended, rate=percent(rate))
        out.append(
            f'<rect class={_tone(rate)} data-month={m} data-rate="{rate:.4f}" x={x:.0f} y={base - h:.1f} '
            f"width={step - 8:.0f} height={h:.1f}><title>{_e(tip)}</title></rect>"
            f"<text x={x + step / 2 - 3:.0f} y={base - h - 3:.0f} text-anchor=middle>{round(rate * 100)}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _group_chart(rows: Sequence[OrgRow]) -> str:
    """Completion (rolled up) of each group, lowest first, as horizontal SVG bars."""
    shown = sorted((r for r in rows if r.rollup_rate is not None), key=lambda r: (r.rollup_rate or 0.0, r.org.id))
    row_h, label_w, bar_w = 20, 170, 300
    height = 10 + row_h * len(shown)
    width = label_w + bar_w + 60
    out = [f'<svg class=chart id=chart-groups width={width} height={height} viewBox="0 0 {width} {height}" role=img>']
    for n, r in enumerate(shown):
        rate = r.rollup_rate or 0.0
        y = 5 + n * row_h
        tip = T_GROUP_TIP.format(name=r.org.name, c=r.rollup_complete, e=r.rollup_ended, rate=percent(rate))
        out.append(
            f"<text x={label_w - 6} y={y + 13} text-anchor=end>{_e(r.org.name)}</text>"
            f'<rect class={_tone(rate)} data-org="{_e(r.org.id)}" data-rate="{rate:.4f}" x={label_w} y={y + 2} '
            f"width={rate * bar_w:.1f} height={row_h - 6}><title>{_e(tip)}</title></rect>"
            f"<text x={label_w + rate * bar_w + 4:.0f} y={y + 13}>{percent(rate)}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _summary(report: Report, s: dict[str, object]) -> list[str]:
    rate = s["completion_rate"]
    assert rate is None or isinstance(rate, float)
    values = (s["organizations"], s["ended"], s["complete"], percent(rate), s["problems"], s["due"], s["not_started"])
    parts = [f"<section id=summary><h2>{T_SECTIONS['summary']}</h2><div class=cards>"]
    parts += [f"<div class=card>{_e(k)}<b>{_e(v)}</b></div>" for k, v in zip(T_CARDS, values, strict=True)]
    parts.append("</div><div class=charts>")
    parts.append(f"<figure><figcaption>{_e(T_CHART_MONTH)}</figcaption>{_month_chart(report)}</figure>")
    groups = report.groups()
    if len(groups) > 1:
        towns = any(r.rollup_ended > r.ended for r in groups)
        caption = T_CHART_GROUP.format(what=T_GROUP_TOWN if towns else T_GROUP_ORG)
        parts.append(f"<figure><figcaption>{_e(caption)}</figcaption>{_group_chart(groups)}</figure>")
    parts.append("</div></section>")
    return parts


def _tree(report: Report) -> list[str]:
    head = "".join(f"<th{' class=num' if n in (1, 4, 5) else ''}>{h}" for n, h in enumerate(T_TREE_HEAD))
    parts = [f"<section id=tree><h2>{T_SECTIONS['tree']}</h2><table class=tree><tr>{head}"]
    for r in report.orgs:
        depth = min(r.depth, 5)
        parts.append(
            f'<tr{f" class=d{depth}" if depth else ""} data-org="{_e(r.org.id)}"><td>{"└ " if r.depth else ""}'
            f"{_e(r.org.name)}<td class=num>{r.complete}/{r.ended}<td>{_bar(r.rate)}<td>{_bar(r.rollup_rate)}"
            f"<td class=num>{r.problems}<td class=num>{r.due}"
        )
    parts.append("</table></section>")
    return parts


def _ranking(report: Report) -> list[str]:
    head = "".join(f"<th{'' if n == 1 else ' class=num'}>{h}" for n, h in enumerate(T_RANK_HEAD))
    parts = [f"<section id=ranking><h2>{T_SECTIONS['ranking']}</h2><p class=muted>{T_RANK_NOTE}</p><table><tr>{head}"]
    for r in sorted((r for r in report.orgs if r.rank is not None), key=lambda r: r.rank or 0):
        points = "—" if r.points is None else f"{r.points:g}"
        per = "—" if r.points_per_member is None else f"{r.points_per_member:g}"
        parts.append(
            f"<tr class=rank><td class=num>{r.rank}<td>{_e(r.org.name)}<td class=num>{percent(r.rate)}"
            f"<td class=num>{r.problems}<td class=num>{points}<td class=num>{per}"
        )
    parts.append("</table></section>")
    return parts


def _heatmap(report: Report, open_: str) -> list[str]:
    legend = "".join(
        f"<span{f' class={c}' if c else ''}>{t}</span>" for c, t in zip(("f", "p", "n", "d", ""), T_LEGEND, strict=True)
    )
    parts = [f"<section id=heatmap><h2>{T_SECTIONS['heatmap']}</h2><p class=legend>{legend}{T_HEAT_NOTE}</p>"]
    months = "".join(f"<th class=num>{m}" for m in range(1, 13))
    heat = report.heatmap()
    for r in report.orgs:
        obs = heat.get(r.org.id)
        if not obs:
            continue
        strip = []
        for m in range(12):
            expected = sum(cells[m].expected for cells in obs.values())
            complete = sum(cells[m].complete for cells in obs.values())
            due = sum(cells[m].due for cells in obs.values())
            state = _STATE[Cell(expected, complete, due).state]
            strip.append(f"<i class={state}></i>" if state else "<i></i>")
        parts.append(
            f"<details class=org{open_}><summary>{_e(r.org.name)}<span class=strip>{''.join(strip)}</span>"
            f'{percent(r.rate)}</summary><table class=heat data-org="{_e(r.org.id)}"><tr><th>{T_HEAT_ITEM}{months}'
        )
        for ob_id, cells in obs.items():
            row = [f'<tr data-obligation="{_e(ob_id)}"><th>{_e(report.title(ob_id))}']
            for c in cells:
                state = _STATE[c.state]
                row.append(f"<td class={state}>{c.complete}/{c.expected}" if state else "<td>")
            parts.append("".join(row))
        parts.append("</table></details>")
    parts.append("</section>")
    return parts


def _points(report: Report) -> list[str]:
    parts = [f"<section id=points><h2>{T_SECTIONS['points']}</h2>"]
    scored = [r for r in report.orgs if r.points is not None]
    if not scored:
        parts.append(f"<p class=muted>{T_NO_POINTS}</p></section>")
        return parts
    rules = sorted({r.points_rules for r in scored})
    parts.append(f"<p class=muted>{_e(T_POINTS_RULES.format(rules='、'.join(rules)))}</p>")
    head = "".join(f"<th{' class=num' if n else ''}>{h}" for n, h in enumerate(T_POINTS_HEAD))
    parts.append(f"<table><tr>{head}")
    for r in scored:
        parts.append(
            f'<tr class=org-points data-org="{_e(r.org.id)}"><td>{_e(r.org.name)}<td class=num>{r.members}'
            f"<td class=num>{r.points:g}<td class=num>{r.points_per_member:g}"
        )
    parts.append("</table>")
    if report.points:
        head = "".join(f"<th{' class=num' if n == 2 else ''}>{h}" for n, h in enumerate(T_MEMBERS_HEAD))
        parts.append(f"<details><summary>{T_MEMBERS_SUMMARY.format(n=len(report.points))}</summary><table><tr>{head}")
        for p in report.points:
            items = "；".join(f"{k} {v:g}" for k, v in p.items.items())
            parts.append(
                f'<tr data-member="{_e(p.member)}"><td>{_e(report.org_name(p.org))}<td>{_e(p.name)}'
                f"<td class=num>{p.points:g}<td>{_e(items)}"
            )
        parts.append("</table></details>")
    parts.append("</section>")
    return parts


def _anchor(obligation: str) -> str:
    return "ob-" + obligation


def _findings(report: Report, open_: str) -> list[str]:
    parts = [f"<section id=findings><h2>{T_SECTIONS['findings']}</h2>"]
    if not report.findings:
        parts.append(f"<p>{T_NO_FINDINGS}</p></section>")
        return parts
    parts.append(f"<p class=muted>{T_FINDINGS_NOTE}</p>")
    by_org: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_org.setdefault(f.org, []).append(f)
    head = "".join(f"<th>{h}" for h in T_FINDINGS_HEAD)
    order = [r.org.id for r in report.orgs if r.org.id in by_org] + [o for o in by_org if o not in report.tree]
    for org in dict.fromkeys(order):
        found = by_org[org]
        problems = sum(1 for f in found if f.status.is_problem)
        label = T_FINDINGS_SUMMARY.format(name=report.org_name(org), problems=problems, others=len(found) - problems)
        parts.append(f'<details class=org data-org="{_e(org)}"{open_}><summary>{_e(label)}</summary><table><tr>{head}')
        for f in found:
            ob = report.obligations.get(f.obligation)
            basis = f'<a href="#{_e(_anchor(f.obligation))}">{T_BASIS}</a>' if ob is not None else ""
            involved = (
                f"<div class=muted>{_e(T_INVOLVED.format(names='、'.join(report.member_name(m) for m in f.members)))}"
                "</div>"
                if f.members
                else ""
            )
            cls = "problem" if f.status.is_problem else str(f.status)  # due, or a plugin's note on a held unit
            parts.append(
                f"<tr class={cls} data-status={_e(f.status)}><td>{_e(report.title(f.obligation))}<td>{_e(f.period)}"
                f"<td class=s-{_e(f.status)}>{_e(f.status.label)}<td>{_e(f.detail)}{involved}<td>{basis}"
            )
        parts.append("</table></details>")
    parts.append("</section>")
    return parts


def _sources(report: Report) -> list[str]:
    cited = dict.fromkeys(f.obligation for f in report.findings if f.obligation in report.obligations)
    if not cited:
        return []
    parts = [f"<section id=sources><h2>{T_SECTIONS['sources']}</h2><dl class=sources>"]
    for ob_id in cited:
        ob = report.obligations[ob_id]
        parts.append(
            f'<dt id="{_e(_anchor(ob_id))}">{_e(ob.title)}<dd>{_e(ob.source.citation())}'
            f"<div class=quote>“{_e(ob.source.quote)}”</div>"
        )
    parts.append("</dl></section>")
    return parts


def render_html(report: Report) -> str:
    """The report as one HTML document."""
    s = report.summary()
    who = report.supervisor.name if report.supervisor else T_ALL
    title = T_TITLE.format(who=who, year=report.year)
    open_ = " open" if len(report.orgs) <= OPEN_UP_TO else ""
    sections = ["summary", "tree", "ranking", "heatmap", "points", "findings"]
    if report.findings:
        sections.append("sources")
    if report.warnings:
        sections.append("warnings")
    nav = "".join(f'<a href="#{k}">{T_SECTIONS[k]}</a>' for k in sections)
    scope = T_SCOPE.format(as_of=report.as_of.isoformat(), who=who, rollup=T_ROLLUP if report.supervisor else "")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}{_widths(report.orgs)}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p class=muted>{_e(scope)}</p>",
        f"<nav>{nav}</nav>",
    ]
    parts += _summary(report, s)
    parts += _tree(report)
    parts += _ranking(report)
    parts += _heatmap(report, open_)
    parts += _points(report)
    parts += _findings(report, open_)
    parts += _sources(report)
    if report.warnings:
        parts.append(f"<section id=warnings><h2>{T_SECTIONS['warnings']}</h2><ul>")
        parts += [f"<li>{_e(w)}" for w in report.warnings]
        parts.append("</ul></section>")
    parts.append(f"<p class=muted>{_e(T_FOOTER.format(as_of=report.as_of.isoformat()))}</p></body></html>\n")
    return "\n".join(parts)
