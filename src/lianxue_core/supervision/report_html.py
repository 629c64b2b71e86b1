"""The HTML report: one self-contained file (inline CSS, no script), in Chinese, printable on A4.

Sections: 概况, 组织树与完成率, 考核排名, 完成情况热力图 (organizations × obligations × months), 学习教育积分,
问题清单 (each finding with its source clause) and 输入提示. Every heatmap cell is a ``td.cell`` with
``data-org``, ``data-obligation``, ``data-month``, ``data-expected`` and ``data-complete`` attributes, so
tools (and the tests) can read the numbers back from the rendered page.
"""

from __future__ import annotations

from html import escape

from .findings import FindingStatus
from .report import Report, percent

__all__ = ["render_html"]

_CSS = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei",
  sans-serif; color: #222; margin: 24px auto; max-width: 1100px; padding: 0 16px; font-size: 14px; line-height: 1.5; }
h1 { font-size: 22px; border-bottom: 3px solid #b71c1c; padding-bottom: 6px; color: #b71c1c; }
h2 { font-size: 18px; margin-top: 28px; border-left: 5px solid #b71c1c; padding-left: 8px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border: 1px solid #ccc; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.card b { display: block; font-size: 22px; color: #b71c1c; }
.tree td.name { white-space: nowrap; }
.bar { display: inline-block; height: 10px; background: #2e7d32; vertical-align: middle; }
.barbox { display: inline-block; width: 100px; height: 10px; background: #eee; margin-right: 6px;
  vertical-align: middle; }
table.heat { table-layout: fixed; }
table.heat th.ob { width: 34%; }
table.heat td.cell { text-align: center; font-size: 11px; padding: 2px 0; }
td.cell.full { background: #2e7d32; color: #fff; }
td.cell.part { background: #f9a825; }
td.cell.none { background: #c62828; color: #fff; }
td.cell.due { background: #bbdefb; }
td.cell.empty { background: #fff; }
.legend span { display: inline-block; padding: 0 8px; margin-right: 6px; border: 1px solid #ccc; }
.status-missing, .status-absent { color: #c62828; font-weight: 600; }
.status-late, .status-outside-window, .status-out-of-order { color: #e65100; font-weight: 600; }
.status-incomplete, .status-not-covered { color: #6a1b9a; font-weight: 600; }
.status-due { color: #1565c0; }
.quote { color: #555; font-size: 12px; }
.org-block { break-inside: avoid; page-break-inside: avoid; }
.muted { color: #777; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  tr, .card { break-inside: avoid; page-break-inside: avoid; }
  td.cell, .bar, .card b { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .section { break-before: auto; }
  a { color: inherit; text-decoration: none; }
}
"""

_MONTHS = [f"{m}月" for m in range(1, 13)]


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _bar(rate: float | None) -> str:
    if rate is None:
        return '<span class="muted">—</span>'
    width = round(rate * 100)
    return f'<span class="barbox"><span class="bar" style="width:{width}px"></span></span>{percent(rate)}'


def render_html(report: Report) -> str:
    """The report as one HTML document."""
    s = report.summary()
    rate = s["completion_rate"]
    assert rate is None or isinstance(rate, float)
    who = report.supervisor.name if report.supervisor else "全部党组织"
    title = f"{who}“两学一做”学习教育督查报告（{report.year}年）"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="muted">截至{_e(report.as_of.isoformat())}；督查范围：{_e(who)}'
        + ("（含其所督查党组织的下级，逐级汇总）" if report.supervisor else "")
        + "。完成指按期开展且主题、点评、覆盖、出席等要素齐全。</p>",
        '<section class="section" id="summary"><h2>一、概况</h2><div class="cards">',
    ]
    cards = [
        ("党组织", s["organizations"]),
        ("已到期事项", s["ended"]),
        ("已完成", s["complete"]),
        ("完成率", percent(rate)),
        ("问题", s["problems"]),
        ("进行中", s["due"]),
        ("未开始", s["not_started"]),
    ]
    parts += [f'<div class="card">{_e(k)}<b>{_e(v)}</b></div>' for k, v in cards]
    parts.append("</div></section>")

    # -- tree ---------------------------------------------------------------------------------------
    parts.append('<section class="section" id="tree"><h2>二、组织树与完成率</h2><table class="tree">')
    parts.append(
        '<tr><th>党组织</th><th class="num">完成/到期</th><th>完成率</th><th>含下级汇总</th>'
        '<th class="num">问题</th><th class="num">进行中</th></tr>'
    )
    for r in report.orgs:
        pad = 8 + 18 * r.depth
        parts.append(
            f'<tr data-org="{_e(r.org.id)}"><td class="name" style="padding-left:{pad}px">'
            f"{'└ ' if r.depth else ''}{_e(r.org.name)}</td>"
            f'<td class="num">{r.complete}/{r.ended}</td><td>{_bar(r.rate)}</td><td>{_bar(r.rollup_rate)}</td>'
            f'<td class="num">{r.problems}</td><td class="num">{r.due}</td></tr>'
        )
    parts.append("</table></section>")

    # -- ranking ------------------------------------------------------------------------------------
    parts.append(
        '<section class="section" id="ranking"><h2>三、考核排名</h2>'
        '<p class="muted">按完成率从高到低，完成率相同时问题少者在前，再按人均积分；'
        "可作为党建目标责任制考核的依据。</p>"
        '<table><tr><th class="num">名次</th><th>党组织</th><th class="num">完成率</th><th class="num">问题</th>'
        '<th class="num">积分</th><th class="num">人均积分</th></tr>'
    )
    for r in sorted((r for r in report.orgs if r.rank is not None), key=lambda r: r.rank or 0):
        parts.append(
            f'<tr class="rank"><td class="num">{r.rank}</td><td>{_e(r.org.name)}</td>'
            f'<td class="num">{percent(r.rate)}</td><td class="num">{r.problems}</td>'
            f'<td class="num">{"—" if r.points is None else f"{r.points:g}"}</td>'
            f'<td class="num">{"—" if r.points_per_member is None else f"{r.points_per_member:g}"}</td></tr>'
        )
    parts.append("</table></section>")

    # -- heatmap ------------------------------------------------------------------------------------
    parts.append(
        '<section class="section" id="heatmap"><h2>四、完成情况热力图</h2>'
        '<p class="legend"><span style="background:#2e7d32;color:#fff">全部完成</span>'
        '<span style="background:#f9a825">部分完成</span><span style="background:#c62828;color:#fff">未完成</span>'
        '<span style="background:#bbdefb">进行中</span><span>无事项</span>'
        "格内为“完成数/应开展数”，事项按其周期结束的月份计。</p>"
    )
    heat = report.heatmap()
    for r in report.orgs:
        obs = heat.get(r.org.id)
        if not obs:
            continue
        parts.append(f'<div class="org-block" data-org="{_e(r.org.id)}"><h3>{_e(r.org.name)}</h3><table class="heat">')
        parts.append('<tr><th class="ob">事项</th>' + "".join(f'<th class="num">{m}</th>' for m in _MONTHS) + "</tr>")
        for ob_id, cells in obs.items():
            row = [f'<tr><th class="ob" title="{_e(ob_id)}">{_e(report.title(ob_id))}</th>']
            for month, c in enumerate(cells, start=1):
                text = f"{c.complete}/{c.expected}" if c.expected else ""
                row.append(
                    f'<td class="cell {c.state}" data-org="{_e(r.org.id)}" data-obligation="{_e(ob_id)}" '
                    f'data-month="{month}" data-expected="{c.expected}" data-complete="{c.complete}">{text}</td>'
                )
            parts.append("".join(row) + "</tr>")
        parts.append("</table></div>")
    parts.append("</section>")

    # -- points -------------------------------------------------------------------------------------
    parts.append('<section class="section" id="points"><h2>五、学习教育积分</h2>')
    scored = [r for r in report.orgs if r.points is not None]
    if not scored:
        parts.append('<p class="muted">督查范围内没有实行党员学习教育积分管理的党组织。</p>')
    else:
        rules = sorted({r.points_rules for r in scored})
        parts.append(f'<p class="muted">积分规则：{_e("、".join(rules))}（见 docs/supervision.md）。</p>')
        parts.append(
            '<table><tr><th>党组织</th><th class="num">党员数</th><th class="num">积分合计</th>'
            '<th class="num">人均积分</th></tr>'
        )
        for r in scored:
            parts.append(
                f'<tr class="org-points" data-org="{_e(r.org.id)}"><td>{_e(r.org.name)}</td>'
                f'<td class="num">{r.members}</td><td class="num">{r.points:g}</td>'
                f'<td class="num">{r.points_per_member:g}</td></tr>'
            )
        parts.append("</table>")
        if report.points:
            parts.append('<table><tr><th>党组织</th><th>党员</th><th class="num">积分</th><th>明细</th></tr>')
            for p in report.points:
                items = "；".join(f"{k} {v:g}" for k, v in p.items.items())
                parts.append(
                    f'<tr class="member-points" data-member="{_e(p.member)}"><td>{_e(report.org_name(p.org))}</td>'
                    f'<td>{_e(p.name)}</td><td class="num">{p.points:g}</td><td>{_e(items)}</td></tr>'
                )
            parts.append("</table>")
    parts.append("</section>")

    # -- findings -----------------------------------------------------------------------------------
    parts.append('<section class="section" id="findings"><h2>六、问题清单</h2>')
    if not report.findings:
        parts.append("<p>未发现问题。</p>")
    else:
        parts.append("<table><tr><th>党组织</th><th>事项</th><th>周期</th><th>状态</th><th>说明</th><th>依据</th></tr>")
        for f in report.findings:
            ob = report.obligations.get(f.obligation)
            source = (
                f'{_e(ob.source.citation())}<div class="quote">“{_e(ob.source.quote)}”</div>' if ob is not None else ""
            )
            members = (
                f'<div class="muted">涉及：{_e("、".join(report.member_name(m) for m in f.members))}</div>'
                if f.members
                else ""
            )
            cls = "finding" + (" problem" if f.status is not FindingStatus.DUE else " due")
            parts.append(
                f'<tr class="{cls}" data-status="{_e(f.status)}"><td>{_e(report.org_name(f.org))}</td>'
                f"<td>{_e(report.title(f.obligation))}</td><td>{_e(f.period)}</td>"
                f'<td class="status-{_e(f.status)}">{_e(f.status.label)}</td><td>{_e(f.detail)}{members}</td>'
                f"<td>{source}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</section>")
    if report.warnings:
        parts.append('<section class="section" id="warnings"><h2>七、输入提示</h2><ul>')
        parts += [f"<li>{_e(w)}</li>" for w in report.warnings]
        parts.append("</ul></section>")
    parts.append(f'<p class="muted">由 lianxue 生成 · {_e(report.as_of.isoformat())}</p></body></html>\n')
    return "\n".join(parts)
