"""HTML: a TRS-like portal page around the report, the tables laid out like the official template."""

from __future__ import annotations

import hashlib

from ..reports import Report
from .base import _esc, _esc_br
from .grid import Grid, grids


_CSS = """body{margin:0;font:14px/1.8 "Microsoft YaHei",SimSun,sans-serif;color:#333;background:#f4f4f4}
.header{background:#b80f0f;color:#fff;height:96px}.header .logo{width:1000px;margin:0 auto;font-size:30px;line-height:96px}
.nav{background:#9d0b0b}.nav ul{width:1000px;margin:0 auto;padding:0;list-style:none;overflow:hidden}
.nav li{float:left}.nav a{display:block;color:#fff;padding:0 22px;line-height:42px;text-decoration:none}
.location{width:1000px;margin:10px auto;font-size:13px}.main-table{background:#fff}
.article-title{text-align:center;font-size:24px;font-weight:bold;padding:24px 0 8px}
.article-info{text-align:center;color:#888;border-bottom:1px dashed #ccc;padding-bottom:8px}
.TRS_Editor{padding:20px 40px}.TRS_Editor p{text-indent:2em;margin:6px 0}
.TRS_Editor table{border-collapse:collapse;margin:8px auto}.TRS_Editor td{border:1px solid #000;padding:2px 4px;text-align:center}
.footer{background:#333;color:#ccc;text-align:center;padding:20px 0;font-size:12px;margin-top:20px}"""


def _site(report_or_county: Report | str) -> tuple[str, str]:
    """(site name, home url) of the portal a report sits on."""
    if isinstance(report_or_county, Report):
        rec = report_or_county.record
        county = rec.get("county") or rec.get("city") or rec.get("province") or ""
        home = report_or_county.contacts.get("website", "/")
    else:
        county, home = report_or_county, "/"
    return f"{county}人民政府", home


def portal_page(title: str, content: str, *, site: str, home: str = "/", published: str | None = None,
                source: str | None = None, crumbs: list[tuple[str, str]] | None = None,
                encoding: str = "utf-8", page_title: str | None = None) -> bytes:
    """A TRS-style portal page around ``content`` (already HTML). ``encoding``: utf-8 | gbk."""
    crumbs = crumbs or [("政府信息公开", "/zwgk/"), ("政府信息公开年报", "/zwgk/ndbg/")]
    charset = "gb2312" if encoding.lower() in {"gbk", "gb2312", "gb18030"} else "utf-8"
    crumb_html = " &gt; ".join([f'<a href="{_esc(home)}">首页</a>']
                               + [f'<a href="{_esc(u)}">{_esc(t)}</a>' for t, u in crumbs])
    info = []
    if published:
        info.append(f"发布日期：{_esc(published)}")
    info.append(f"来源：{_esc(source or site)}")
    info.append('浏览次数：<span id="visitcount">--</span>')
    meta_pub = f'\n<meta name="PubDate" content="{_esc(published)} 09:30">' if published else ""
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="{charset}">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{_esc(page_title or title)}_{_esc(site)}</title>
<meta name="SiteName" content="{_esc(site)}">
<meta name="ColumnName" content="{_esc(crumbs[-1][0])}">
<meta name="ArticleTitle" content="{_esc(title.replace(chr(10), ''))}">{meta_pub}
<meta name="ContentSource" content="{_esc(source or site)}">
<style>
{_CSS}
</style>
</head>
<body>
<div class="header"><div class="logo">{_esc(site)}</div></div>
<div class="nav"><ul>
<li><a href="{_esc(home)}">首页</a></li><li><a href="/zwdt/">政务动态</a></li><li><a href="/zwgk/">政府信息公开</a></li>
<li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/zjxq/">走进{_esc(site[:-4])}</a></li>
</ul></div>
<div class="location">当前位置：{crumb_html}</div>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" class="main-table">
<tr>
<td valign="top">
<div class="article-title">{_esc_br(title)}</div>
<div class="article-info">{"　　".join(info)}</div>
{content}
<div class="article-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</td>
</tr>
</table>
<div class="footer">
<p>主办单位：{_esc(site)}办公室　承办单位：{_esc(site)}大数据中心</p>
<p>网站标识码：{hashlib.sha1(site.encode()).hexdigest()[:10].upper()}　ICP备案号：ICP备05000000号-1　公安机关备案号：00000002000001号</p>
<p>建议使用1280×1024分辨率、IE9及以上版本浏览器浏览本网站</p>
</div>
</body>
</html>
"""
    if charset == "gb2312":
        return page.encode("gbk", errors="xmlcharrefreplace")
    return page.encode("utf-8")


def _html_table(grid: Grid) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="0" width="100%" style="border-collapse:collapse;">',
           "<tbody>"]
    for row in grid.rows:
        tds = []
        for cell in row:
            attrs = ""
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            style = "text-align:left" if cell.kind == "label" else "text-align:center"
            tds.append(f'<td{attrs} style="{style}">{_esc_br(cell.text) if cell.text else "&nbsp;"}</td>')
        out.append("<tr>" + "".join(tds) + "</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def article_html(report: Report, *, container: str = "TRS_Editor", heading_style: str = "h3",
                 t3_header: str = "plain", t4_header: str = "words") -> str:
    """The report as an article body (``<div class=container>``) with the three tables inline."""
    tables = grids(report, t3_header=t3_header, t4_header=t4_header)
    parts = [f'<div class="{_esc(container)}">']
    for kind, text in report.blocks:
        if kind == "title":
            continue  # printed as the article title
        if kind == "heading":
            parts.append(f"<h3>{_esc(text)}</h3>" if heading_style == "h3"
                         else f'<p style="text-indent:2em"><strong>{_esc(text)}</strong></p>')
        elif kind == "subheading":
            parts.append(f'<p style="text-indent:2em"><strong>{_esc(text)}</strong></p>')
        elif kind == "para":
            parts.append(f'<p style="text-indent:2em">{_esc(text)}</p>')
        elif kind == "table":
            parts.append(_html_table(tables[text]))
        elif kind in ("signoff", "date"):
            parts.append(f'<p style="text-align:right">{_esc(text)}</p>')
    parts.append("</div>")
    return "\n".join(parts)


def render_html(report: Report, *, encoding: str = "utf-8", heading_style: str = "h3",
                t3_header: str = "plain", t4_header: str = "words", **_) -> bytes:
    """A portal detail page with the report inline (heading_style ``h3`` | ``strong``)."""
    content = article_html(report, heading_style=heading_style, t3_header=t3_header, t4_header=t4_header)
    site, home = _site(report)
    return portal_page(report.title, content, site=site, home=home, published=report.published,
                       source=report.agency, encoding=encoding, page_title=report.title.replace("\n", ""))
