"""The patrol report an office files: ONE self-contained html file (inline CSS, inline SVG charts
drawn in Python, a few lines of inline script for sorting and filtering; no external asset, no
network), written atomically.

Contents: who patrolled what and when with which lexicon versions; counts; charts of findings by
severity, category and site section, the approval status, and the trend over the previous runs;
the pages with problems (linked to their local copies by relative file links); pages changed
after approval with the added and removed text; unreviewed files; new and resolved findings;
errors per file and link problems. Every text from a page (titles above all: injected spam may
carry markup) is escaped.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from urllib.parse import quote

from app.exports.atomic import atomic_write_text
from app.exports.labels import category_name
from app.exports.timefmt import local_time
from app.patrol.model import PatrolItem, PatrolRun, PatrolSummary
from app.patrol.report_rows import (
    APPROVAL_NAMES,
    ITEM_STATUS_NAMES,
    KIND_NAMES,
    PROBLEM_NAMES,
    approval_counts,
    category_counts,
    error_items,
    finding_rows,
    lexicon_text,
    ocr_text,
    page_title,
    problem_items,
    section_counts,
    severity_counts,
    severity_name,
)
from app.patrol.report_svg import PALETTE, SEVERITY_COLOURS, bar_chart, trend_chart

#: Rows listed per table; beyond, the report says how many more there are (the xlsx lists all).
LIST_LIMIT = 5000
APPROVAL_COLOURS = {"approved": "#0b8043", "changed": "#c62828", "unreviewed": "#9e9e9e"}

CSS = """
body{font-family:'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC','WenQuanYi Zen Hei',sans-serif;
margin:0;padding:24px 32px;color:#222;background:#fafafa;font-size:14px}
h1{font-size:24px;margin:0 0 12px}h2{font-size:18px;margin:28px 0 10px;border-left:4px solid #b71c1c;padding-left:8px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #ccc;padding:4px 6px;vertical-align:top;
text-align:left;word-break:break-all}th{background:#eee;position:sticky;top:0}th.sortable{cursor:pointer}
table.meta{width:auto}table.meta th{position:static;width:8em}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{background:#fff;border:1px solid #ddd;border-radius:6px;
padding:8px 14px;min-width:7em}.card b{display:block;font-size:22px}.card.alert b{color:#b71c1c}
.charts{display:flex;flex-wrap:wrap;gap:18px}.charts .box{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px}
.sev{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px;white-space:nowrap}
.sev-block{background:#b71c1c}.sev-high{background:#e65100}.sev-medium{background:#f9a825;color:#222}.sev-low{background:#1e88e5}
.ap-approved{color:#0b8043}.ap-changed{color:#c62828;font-weight:bold}.ap-unreviewed{color:#666}
ins{background:#ffebee;color:#b71c1c;text-decoration:none;display:block}del{background:#e8f5e9;color:#33691e;display:block}
#problems td:nth-child(2),#changed td:nth-child(2){min-width:16em}#problems td:nth-child(3){min-width:12em}
#problems td:nth-child(4),#problems td:nth-child(5){white-space:nowrap}
ul.f{margin:0;padding-left:1.2em}.note{color:#555}.filters{margin:8px 0}.filters input{width:20em}
footer{margin-top:30px;color:#777;font-size:12px}
@media print{body{background:#fff;padding:0}th{position:static}.filters{display:none}}
"""

SCRIPT = """
(function(){
function cellText(r,i){var c=r.cells[i];return c?c.textContent.trim():'';}
document.querySelectorAll('table.sortable-table').forEach(function(t){
 t.querySelectorAll('th.sortable').forEach(function(th,i){th.addEventListener('click',function(){
  var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),asc=th.dataset.asc!=='1';th.dataset.asc=asc?'1':'0';
  rows.sort(function(x,y){var a=cellText(x,i),c=cellText(y,i),na=parseFloat(a),nc=parseFloat(c);
   var r=(!isNaN(na)&&!isNaN(nc))?na-nc:a.localeCompare(c,'zh');return asc?r:-r;});
  rows.forEach(function(r){b.appendChild(r);});});});});
var q=document.getElementById('q'),s=document.getElementById('sev');
function apply(){var t=(q.value||'').toLowerCase(),v=s.value;
 document.querySelectorAll('#problems tbody tr').forEach(function(r){
  var ok=(!t||r.textContent.toLowerCase().indexOf(t)>=0)&&(!v||(' '+r.dataset.sev+' ').indexOf(' '+v+' ')>=0);
  r.style.display=ok?'':'none';});}
if(q){q.addEventListener('input',apply);s.addEventListener('change',apply);}
})();
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _href(local_path: str, base: Path) -> str:
    """A relative link from the report's folder to the local copy (file:// URI across drives)."""
    try:
        rel = os.path.relpath(local_path, base)
    except ValueError:
        return Path(local_path).resolve().as_uri()
    return quote(rel.replace(os.sep, "/"), safe="/._-~")


def _link(item: PatrolItem, base: Path) -> str:
    label = _e(item.location or item.path)
    if not item.local_path or not os.path.exists(item.local_path):
        return label
    return f'<a href="{_e(_href(item.local_path, base))}">{label}</a>'


def _sev(value: str) -> str:
    return f'<span class="sev sev-{_e(value)}">{_e(severity_name(value))}</span>'


def _more(shown: int, total: int, what: str) -> str:
    if total <= shown:
        return ""
    return f'<p class="note">另有 {total - shown} 个{_e(what)}未在此列出（完整清单见 xlsx 导出或 JSON 输出）。</p>'


def _header(run: PatrolRun) -> str:
    rows = [("巡查对象", "<br>".join(_e(s) for s in run.sources)),
            ("巡查时间", f"{_e(local_time(run.started))} 至 {_e(local_time(run.finished))}"),
            ("巡查人", _e(run.who or "本工作站（未登录用户）")),
            ("词库版本", _e(lexicon_text(run)) + ("（与上次巡查不同，已全部重新扫描）" if run.lexicons_changed else "")),
            ("程序版本", _e(f"密审 {run.tool_version}")),
            ("扫描方式", _e(f"集群 {run.cluster}" if run.cluster else f"本机 {run.workers} 个工作进程")),
            ("文字识别", _e(ocr_text(run))),
            ("巡查编号", _e(run.run_id) + (f"（上次：{_e(run.previous_run_id)}）" if run.previous_run_id else "（首次巡查）"))]
    return '<table class="meta">' + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows) + "</table>"


def _cards(run: PatrolRun) -> str:
    c = run.counts
    present = [i for i in run.items if i.status.value != "removed"]
    approvals = dict(approval_counts(present))
    cards = [("文件", c.files, False), ("网页", c.pages, False), ("附件", c.attachments, False),
             ("有问题的文件", c.with_findings, c.with_findings > 0), ("问题", c.findings, c.findings > 0),
             ("新增问题", c.new_findings, c.new_findings > 0), ("已解决问题", c.resolved_findings, False),
             ("审核后被改动", approvals.get("changed", 0), approvals.get("changed", 0) > 0),
             ("未经审核", approvals.get("unreviewed", 0), False),
             ("出错的文件", c.errors, c.errors > 0), ("链接等问题", c.problems, c.problems > 0),
             ("本次扫描", c.scanned, False), ("沿用上次结果", c.reused, False),
             ("新增/改动/删除页面", f"{c.new}/{c.changed}/{c.removed}", False)]
    return '<div class="cards">' + "".join(
        f'<div class="card{" alert" if alert else ""}"><b>{_e(v)}</b>{_e(k)}</div>' for k, v, alert in cards) + "</div>"


def _charts(run: PatrolRun, history: Sequence[PatrolSummary]) -> str:
    present = [i for i in run.items if i.status.value != "removed"]
    sev = bar_chart("问题按级别", [(severity_name(s), n, SEVERITY_COLOURS.get(s, "#777")) for s, n in severity_counts(run)])
    cats = category_counts(run)
    cat = bar_chart("问题按类别", [(category_name(k), n, PALETTE[i % len(PALETTE)]) for i, (k, n) in enumerate(cats)])
    sections = section_counts(present)[:15]
    sec = bar_chart("问题按网站栏目（前 15 个）", [(s, n, "#5e35b1") for s, _, n in sections], label_units=22)
    appr = bar_chart("审核状态", [(APPROVAL_NAMES[k], n, APPROVAL_COLOURS[k]) for k, n in approval_counts(present)],
                     empty="未比对台帐")
    past = list(history)[-29:]
    labels = [local_time(h.started)[5:] or h.started for h in past] + ["本次"]
    trend = trend_chart("与此前巡查比较", labels, [
        ("问题", [h.counts.findings for h in past] + [run.counts.findings], "#b71c1c"),
        ("有问题的文件", [h.counts.with_findings for h in past] + [run.counts.with_findings], "#3367d6"),
        ("出错的文件", [h.counts.errors for h in past] + [run.counts.errors], "#9e9e9e")])
    boxes = [sev, cat, sec, appr]
    out = '<div class="charts">' + "".join(f'<div class="box">{b}</div>' for b in boxes) + "</div>"
    out += f'<div class="charts" style="margin-top:18px"><div class="box">{trend}</div></div>'
    if not past:
        out += '<p class="note">这是这些巡查对象的首次巡查，趋势图只有本次。</p>'
    return out


def _approval_cell(item: PatrolItem) -> str:
    if not item.approval:
        return "—"
    name = APPROVAL_NAMES.get(item.approval, item.approval)
    return f'<span class="ap-{_e(item.approval)}">{_e(name)}</span>'


def _problem_table(items: list[PatrolItem], base: Path) -> str:
    head = ["序号", "页面/文件", "网页标题", "类型", "巡查状态", "审核状态", "最重级别", "问题（级别、类别、原文、位置）"]
    rows = []
    for n, item in enumerate(items[:LIST_LIMIT], start=1):
        worst = item.worst.value if item.worst else ""
        sevs = " ".join(sorted({f.severity.value for f in item.findings}))
        lines = "".join(
            f"<li>{_sev(r.severity)} {_e(category_name(r.category))}：“{_e(r.text)}”"
            f"（{_e(r.where)}{'，共 ' + str(r.count) + ' 处' if r.count > 1 else ''}）"
            f"<br><span class=\"note\">{_e(r.rule)}{('：' + _e(r.message)) if r.message else ''}</span></li>"
            for r in finding_rows(item))
        if item.approval == "changed" and item.approval_added:
            lines += "<li>审核通过后新增：" + "".join(f"<ins>{_e(t)}</ins>" for t in item.approval_added[:20]) + "</li>"
        rows.append(f'<tr data-sev="{_e(sevs)}"><td>{n}</td><td>{_link(item, base)}</td><td>{_e(page_title(item))}</td>'
                    f"<td>{_e(KIND_NAMES.get(item.kind.value, item.kind.value))}</td>"
                    f"<td>{_e(ITEM_STATUS_NAMES.get(item.status.value, item.status.value))}</td>"
                    f"<td>{_approval_cell(item)}</td><td>{_sev(worst) if worst else '—'}</td>"
                    f'<td><ul class="f">{lines}</ul></td></tr>')
    filters = ('<div class="filters">筛选：<input id="q" type="search" placeholder="页面、标题或问题原文">'
               ' <select id="sev"><option value="">全部级别</option>'
               + "".join(f'<option value="{s}">{_e(severity_name(s))}</option>' for s in ("block", "high", "medium", "low"))
               + "</select></div>")
    if not rows:
        return '<p class="note">没有发现问题。</p>'
    return (filters + '<table id="problems" class="sortable-table"><thead><tr>'
            + "".join(f'<th class="sortable">{h}</th>' for h in head) + "</tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>" + _more(len(rows), len(items), "有问题的文件"))


def _approval_section(run: PatrolRun, base: Path) -> str:
    present = [i for i in run.items if i.status.value != "removed" and i.approval]
    if not present:
        return '<p class="note">本次巡查未与审核台帐比对（未指定数据目录，或台帐中没有审核通过的文稿）。</p>'
    changed = [i for i in present if i.approval == "changed"]
    unreviewed = [i for i in present if i.approval == "unreviewed"]
    out = ['<h3>审核通过后被改动</h3>']
    if changed:
        out.append('<table id="changed" class="sortable-table"><thead><tr><th class="sortable">序号</th>'
                   '<th class="sortable">页面/文件</th><th>比对的审核通过版本</th><th>新增内容</th><th>删去内容</th>'
                   "</tr></thead><tbody>")
        for n, i in enumerate(changed[:LIST_LIMIT], start=1):
            added = "".join(f"<ins>{_e(t)}</ins>" for t in i.approval_added) or "—"
            removed = "".join(f"<del>{_e(t)}</del>" for t in i.approval_removed) or "—"
            if not i.approval_added and not i.approval_removed:
                added = _e(i.approval_detail or "—")
            out.append(f"<tr><td>{n}</td><td>{_link(i, base)}</td><td>{_e(i.approval_review or '—')}</td>"
                       f"<td>{added}</td><td>{removed}</td></tr>")
        out.append("</tbody></table>" + _more(min(len(changed), LIST_LIMIT), len(changed), "被改动的文件"))
    else:
        out.append('<p class="note">没有审核通过后被改动的文件。</p>')
    out.append(f"<h3>未经审核（{len(unreviewed)} 个）</h3>")
    if unreviewed:
        out.append('<table id="unreviewed" class="sortable-table"><thead><tr><th class="sortable">序号</th>'
                   '<th class="sortable">页面/文件</th><th class="sortable">类型</th><th class="sortable">问题数</th>'
                   "</tr></thead><tbody>")
        for n, i in enumerate(unreviewed[:LIST_LIMIT], start=1):
            out.append(f"<tr><td>{n}</td><td>{_link(i, base)}</td>"
                       f"<td>{_e(KIND_NAMES.get(i.kind.value, i.kind.value))}</td><td>{len(i.findings)}</td></tr>")
        out.append("</tbody></table>" + _more(min(len(unreviewed), LIST_LIMIT), len(unreviewed), "未经审核的文件"))
    approved = sum(1 for i in present if i.approval == "approved")
    out.append(f'<p class="note">与审核通过版本一致：{approved} 个（比对文件哈希，网页另比对去除导航、页眉页脚等网页框架后的正文）。</p>')
    return "".join(out)


def _changes_section(run: PatrolRun) -> str:
    out = []
    for title, changes in (("新增问题", run.new_findings), ("已解决的问题", run.resolved_findings)):
        out.append(f"<h3>{title}（{len(changes)} 个）</h3>")
        if not changes:
            out.append('<p class="note">无。</p>')
            continue
        out.append('<table class="sortable-table"><thead><tr><th class="sortable">页面/文件</th>'
                   '<th class="sortable">级别</th><th class="sortable">类别</th><th>原文</th><th>部位</th></tr></thead><tbody>')
        for c in changes[:LIST_LIMIT]:
            out.append(f"<tr><td>{_e(c.location or c.path)}</td><td>{_sev(c.severity)}</td>"
                       f"<td>{_e(category_name(c.category))}</td><td>{_e(c.text)}</td><td>{_e(c.part)}</td></tr>")
        out.append("</tbody></table>" + _more(min(len(changes), LIST_LIMIT), len(changes), title))
    return "".join(out)


def _errors_section(run: PatrolRun, base: Path) -> str:
    errs = error_items(run)
    out = [f"<h3>无法巡查的文件（{len(errs)} 个）</h3>"]
    if errs:
        out.append('<table id="errors" class="sortable-table"><thead><tr><th class="sortable">页面/文件</th>'
                   '<th class="sortable">原因代码</th><th>说明</th></tr></thead><tbody>')
        for i in errs[:LIST_LIMIT]:
            out.append(f"<tr><td>{_link(i, base)}</td><td>{_e(i.error_code or '')}</td><td>{_e(i.error)}</td></tr>")
        out.append("</tbody></table>" + _more(min(len(errs), LIST_LIMIT), len(errs), "出错的文件"))
    else:
        out.append('<p class="note">所有文件都已读取。</p>')
    out.append(f"<h3>链接及目录问题（{len(run.problems)} 条）</h3>")
    if run.problems:
        out.append('<table id="link-problems" class="sortable-table"><thead><tr><th class="sortable">类型</th>'
                   '<th class="sortable">所在页面/目录</th><th>链接目标</th><th>说明</th></tr></thead><tbody>')
        for p in run.problems[:LIST_LIMIT]:
            out.append(f"<tr><td>{_e(PROBLEM_NAMES.get(p.code, p.code))}</td><td>{_e(p.path)}</td>"
                       f"<td>{_e(p.target or '—')}</td><td>{_e(p.message)}</td></tr>")
        out.append("</tbody></table>" + _more(min(len(run.problems), LIST_LIMIT), len(run.problems), "链接问题"))
    else:
        out.append('<p class="note">没有失效链接或其他链接问题。</p>')
    return "".join(out)


def render_html(run: PatrolRun, base: Path, history: Sequence[PatrolSummary] = ()) -> str:
    """The report as one html string; links to local copies are relative to folder `base`."""
    problems = problem_items(run)
    made = local_time(datetime.now(timezone.utc).isoformat(timespec="seconds"))
    title = "网站巡查报告"
    return "".join([
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src data:\">",
        f"<title>{title} {_e(local_time(run.started))}</title><style>{CSS}</style></head><body>",
        f"<h1>{title}</h1>", _header(run),
        "<h2>一、概况</h2>", _cards(run), _charts(run, history),
        f"<h2>二、有问题的页面和文件（{len(problems)} 个）</h2>", _problem_table(problems, base),
        "<h2>三、与审核通过版本比对</h2>", _approval_section(run, base),
        "<h2>四、与上次巡查相比</h2>", _changes_section(run),
        "<h2>五、错误与链接问题</h2>", _errors_section(run, base),
        f"<footer>本报告由密审生成于 {_e(made)}，巡查编号 {_e(run.run_id)}。报告为单一文件，不引用任何外部资源，可离线打开；"
        "“页面/文件”链接指向本机保存的网页副本。</footer>",
        f"<script>{SCRIPT}</script></body></html>"])


def write_html_report(run: PatrolRun, path: str | os.PathLike[str], history: Sequence[PatrolSummary] = ()) -> Path:
    """Write the report atomically (temp file, fsync, rename); returns the path."""
    target = Path(path)
    base = target.resolve().parent
    return atomic_write_text(target, render_html(run, base, history))
