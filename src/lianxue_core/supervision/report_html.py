"""The HTML report: one self-contained file (inline CSS and SVG, no script, no network), in the language chosen
(Chinese by default), printable on A4, navigable for a whole county.

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

from .. import i18n
from ..i18n import N_, _
from ..textsafe import for_terminal
from .findings import Finding
from .report import Cell, OrgRow, Report, percent

__all__ = ["render_html"]

# -- the report's words (msgids: English; translated where used, in the language chosen) -----------------
T_TITLE = N_(
    "{who}: 两学一做 study-education supervision report, {year}"
)  # {who}“两学一做”学习教育督查报告（{year}年）
T_ALL = N_("all organizations")  # 全部党组织
T_ALL_TITLE = N_("All organizations")  # 全部党组织, at the head of the title
T_SCOPE = N_(
    "As of {as_of}; supervised: {who}{rollup}. Complete means held in time with the topic, comment, coverage, "
    "attendance and the rest in order."
)
T_ROLLUP = N_(" (with what the organizations it supervises oversee, rolled up level by level)")
T_SECTIONS = {
    "summary": N_("1. Summary"),  # 一、概况
    "tree": N_("2. Organization tree and completion"),  # 二、组织树与完成率
    "ranking": N_("3. Ranking"),  # 三、考核排名
    "heatmap": N_("4. Completion heatmap"),  # 四、完成情况热力图
    "points": N_("5. Study points"),  # 五、学习教育积分
    "findings": N_("6. Findings"),  # 六、问题清单
    "sources": N_("7. Clauses cited"),  # 七、依据条款
    "warnings": N_("8. Input notes"),  # 八、输入提示
}
T_CARDS = (
    N_("party organizations"),
    N_("items ended"),
    N_("items complete"),
    N_("completion rate"),
    N_("problems"),
    N_("running"),
    N_("not started"),
)
T_CHART_MONTH = N_("Completion by month (items counted in the month their period ends)")
T_CHART_GROUP = N_("Completion by {what} (with those below, lowest first)")
T_GROUP_TOWN = N_("town (street) with its organizations")
T_GROUP_ORG = N_("organization")
T_MONTHS = (
    N_("Jan"),
    N_("Feb"),
    N_("Mar"),
    N_("Apr"),
    N_("May"),
    N_("Jun"),
    N_("Jul"),
    N_("Aug"),
    N_("Sep"),
    N_("Oct"),
    N_("Nov"),
    N_("Dec"),
)
T_MONTH_TIP = N_("{month}: {c}/{e} complete ({rate})")
T_GROUP_TIP = N_("{name}: {c}/{e} complete ({rate})")
T_TREE_HEAD = (
    N_("organization"),
    N_("complete/ended"),
    N_("completion rate"),
    N_("rolled up"),
    N_("problems"),
    N_("running"),
)
T_RANK_NOTE = N_(
    "By completion rate, highest first; at the same rate fewer problems first, then points per member. Usable in "
    "the 党建目标责任制考核."
)
T_RANK_HEAD = (
    N_("rank"),
    N_("organization"),
    N_("completion rate"),
    N_("problems"),
    N_("points"),
    N_("points per member"),
)
T_LEGEND = (N_("all done"), N_("partly done"), N_("not done"), N_("running"), N_("no item"))
T_HEAT_NOTE = N_(
    "Each cell: “complete/expected”, items counted in the month their period ends. Click an organization's name "
    "to see its items."
)
T_HEAT_ITEM = N_("item")
T_NO_POINTS = N_("No organization supervised keeps members' study points.")
T_POINTS_RULES = N_("Points rules: {rules} (see docs/supervision.md).")
T_POINTS_HEAD = (N_("organization"), N_("members"), N_("points in all"), N_("points per member"))
T_MEMBERS_SUMMARY = N_("Each member's points ({n} members)")
T_MEMBERS_HEAD = (N_("organization"), N_("member"), N_("points"), N_("breakdown"))
T_NO_FINDINGS = N_("No problems found.")
T_FINDINGS_NOTE = N_("One block per organization, click to open; “basis” links to the clause in section 7.")
T_FINDINGS_SUMMARY = N_("{name}: problems {problems}, others {others}")
T_FINDINGS_HEAD = (N_("item"), N_("period"), N_("status"), N_("detail"), N_("basis"))
T_INVOLVED = N_("concerning: {names}")
T_BASIS = N_("basis")
T_FOOTER = N_("Made by lianxue · {as_of}")

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
        f'role=img aria-label="{_e(_(T_CHART_MONTH))}">',
        f"<line class=ax x1={left} y1={base} x2={width - 4} y2={base} />",
        f"<line class=ax x1={left} y1={top} x2={left} y2={base} />",
        f"<text x={left - 4} y={top + 4} text-anchor=end>100%</text>",
        f"<text x={left - 4} y={base} text-anchor=end>0</text>",
    ]
    step = (width - left - 10) / 12
    for m, (ended, complete) in enumerate(report.by_month(), start=1):
        x = left + 6 + (m - 1) * step
        label = _(T_MONTHS[m - 1])
        out.append(f"<text x={x + step / 2 - 3:.0f} y={base + 16} text-anchor=middle>{_e(label)}</text>")
        if not ended:
            continue
        rate = complete / ended
        h = rate * scale
        tip = _(T_MONTH_TIP).format(month=label, c=complete, e=ended, rate=percent(rate))
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
        tip = _(T_GROUP_TIP).format(name=r.org.name, c=r.rollup_complete, e=r.rollup_ended, rate=percent(rate))
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
    parts = [f"<section id=summary><h2>{_e(_(T_SECTIONS['summary']))}</h2><div class=cards>"]
    parts += [f"<div class=card>{_e(_(k))}<b>{_e(v)}</b></div>" for k, v in zip(T_CARDS, values, strict=True)]
    parts.append("</div><div class=charts>")
    parts.append(f"<figure><figcaption>{_e(_(T_CHART_MONTH))}</figcaption>{_month_chart(report)}</figure>")
    groups = report.groups()
    if len(groups) > 1:
        towns = any(r.rollup_ended > r.ended for r in groups)
        caption = _(T_CHART_GROUP).format(what=_(T_GROUP_TOWN if towns else T_GROUP_ORG))
        parts.append(f"<figure><figcaption>{_e(caption)}</figcaption>{_group_chart(groups)}</figure>")
    parts.append("</div></section>")
    return parts


def _tree(report: Report) -> list[str]:
    head = "".join(f"<th{' class=num' if n in (1, 4, 5) else ''}>{_e(_(h))}" for n, h in enumerate(T_TREE_HEAD))
    parts = [f"<section id=tree><h2>{_e(_(T_SECTIONS['tree']))}</h2><table class=tree><tr>{head}"]
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
    head = "".join(f"<th{'' if n == 1 else ' class=num'}>{_e(_(h))}" for n, h in enumerate(T_RANK_HEAD))
    parts = [
        f"<section id=ranking><h2>{_e(_(T_SECTIONS['ranking']))}</h2><p class=muted>{_e(_(T_RANK_NOTE))}</p>"
        f"<table><tr>{head}"
    ]
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
        f"<span{f' class={c}' if c else ''}>{_e(_(t))}</span>"
        for c, t in zip(("f", "p", "n", "d", ""), T_LEGEND, strict=True)
    )
    parts = [
        f"<section id=heatmap><h2>{_e(_(T_SECTIONS['heatmap']))}</h2><p class=legend>{legend}{_e(_(T_HEAT_NOTE))}</p>"
    ]
    item = _e(_(T_HEAT_ITEM))
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
            f'{percent(r.rate)}</summary><table class=heat data-org="{_e(r.org.id)}"><tr><th>{item}{months}'
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
    parts = [f"<section id=points><h2>{_e(_(T_SECTIONS['points']))}</h2>"]
    scored = [r for r in report.orgs if r.points is not None]
    if not scored:
        parts.append(f"<p class=muted>{_e(_(T_NO_POINTS))}</p></section>")
        return parts
    rules = sorted({r.points_rules for r in scored})
    parts.append(f"<p class=muted>{_e(_(T_POINTS_RULES).format(rules=_(', ').join(rules)))}</p>")
    head = "".join(f"<th{' class=num' if n else ''}>{_e(_(h))}" for n, h in enumerate(T_POINTS_HEAD))
    parts.append(f"<table><tr>{head}")
    for r in scored:
        parts.append(
            f'<tr class=org-points data-org="{_e(r.org.id)}"><td>{_e(r.org.name)}<td class=num>{r.members}'
            f"<td class=num>{r.points:g}<td class=num>{r.points_per_member:g}"
        )
    parts.append("</table>")
    if report.points:
        head = "".join(f"<th{' class=num' if n == 2 else ''}>{_e(_(h))}" for n, h in enumerate(T_MEMBERS_HEAD))
        summary = _e(_(T_MEMBERS_SUMMARY).format(n=len(report.points)))
        parts.append(f"<details><summary>{summary}</summary><table><tr>{head}")
        for p in report.points:
            items = _("; ").join(f"{k} {v:g}" for k, v in p.items.items())
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
    parts = [f"<section id=findings><h2>{_e(_(T_SECTIONS['findings']))}</h2>"]
    if not report.findings:
        parts.append(f"<p>{_e(_(T_NO_FINDINGS))}</p></section>")
        return parts
    parts.append(f"<p class=muted>{_e(_(T_FINDINGS_NOTE))}</p>")
    by_org: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_org.setdefault(f.org, []).append(f)
    head = "".join(f"<th>{_e(_(h))}" for h in T_FINDINGS_HEAD)
    basis_label = _e(_(T_BASIS))
    order = [r.org.id for r in report.orgs if r.org.id in by_org] + [o for o in by_org if o not in report.tree]
    for org in dict.fromkeys(order):
        found = by_org[org]
        problems = sum(1 for f in found if f.status.is_problem)
        label = _(T_FINDINGS_SUMMARY).format(name=report.org_name(org), problems=problems, others=len(found) - problems)
        parts.append(f'<details class=org data-org="{_e(org)}"{open_}><summary>{_e(label)}</summary><table><tr>{head}')
        for f in found:
            ob = report.obligations.get(f.obligation)
            basis = f'<a href="#{_e(_anchor(f.obligation))}">{basis_label}</a>' if ob is not None else ""
            names = _(", ").join(report.member_name(m) for m in f.members)
            involved = f"<div class=muted>{_e(_(T_INVOLVED).format(names=names))}</div>" if f.members else ""
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
    parts = [f"<section id=sources><h2>{_e(_(T_SECTIONS['sources']))}</h2><dl class=sources>"]
    for ob_id in cited:
        ob = report.obligations[ob_id]
        parts.append(
            f'<dt id="{_e(_anchor(ob_id))}">{_e(ob.title)}<dd>{_e(ob.source.citation())}'
            f"<div class=quote>“{_e(ob.source.quote)}”</div>"
        )
    parts.append("</dl></section>")
    return parts


def render_html(report: Report) -> str:
    """The report as one HTML document, in the language chosen (``<html lang>`` says which)."""
    s = report.summary()
    title = _(T_TITLE).format(who=report.supervisor.name if report.supervisor else _(T_ALL_TITLE), year=report.year)
    who = report.supervisor.name if report.supervisor else _(T_ALL)
    open_ = " open" if len(report.orgs) <= OPEN_UP_TO else ""
    sections = ["summary", "tree", "ranking", "heatmap", "points", "findings"]
    if report.findings:
        sections.append("sources")
    if report.warnings:
        sections.append("warnings")
    nav = "".join(f'<a href="#{k}">{_e(_(T_SECTIONS[k]))}</a>' for k in sections)
    scope = _(T_SCOPE).format(as_of=report.as_of.isoformat(), who=who, rollup=_(T_ROLLUP) if report.supervisor else "")
    lang = "zh-CN" if i18n.current() == "zh_CN" else "en"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
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
        parts.append(f"<section id=warnings><h2>{_e(_(T_SECTIONS['warnings']))}</h2><ul>")
        parts += [f"<li>{_e(w)}" for w in report.warnings]
        parts.append("</ul></section>")
    parts.append(f"<p class=muted>{_e(_(T_FOOTER).format(as_of=report.as_of.isoformat()))}</p></body></html>\n")
    return "\n".join(parts)
