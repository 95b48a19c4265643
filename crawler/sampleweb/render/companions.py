"""Pages that are not reports: 文字解读, 图解, the notice about the format, a list page."""

from __future__ import annotations

import hashlib
from datetime import date

from ..reports import Report
from .base import _esc
from .html import _site, portal_page


def interpretation_page(report: Report, *, encoding: str = "utf-8") -> bytes:
    """A 文字解读 page about ``report``: it quotes the report's numbers but is not the report."""
    rec, year = report.record, report.year
    title = f"文字解读：《{report.title.replace(chr(10), '')}》"
    paras = [
        f"近日，{report.agency}发布了《{report.title.replace(chr(10), '')}》。现将报告主要内容解读如下：",
        "一、主动公开方面",
        f"{year}年，{report.agency}坚持以公开为常态、不公开为例外，通过政府门户网站、政务新媒体等渠道及时发布各类政府信息，"
        f"全年处理行政许可决定{rec.get('t2.licensing.decisions', 0)}件、行政处罚决定{rec.get('t2.penalty.decisions', 0)}件。",
        "二、依申请公开方面",
        f"全年新收政府信息公开申请{rec.get('t3.apply.new.total', 0)}件，均在法定期限内予以答复，"
        f"结转下年度继续办理{rec.get('t3.apply.carried_out.total', 0)}件。",
        "三、行政复议和行政诉讼方面",
        f"全年因政府信息公开引发行政复议{rec.get('t4.review.total', 0)}件。",
        "下一步，将持续深化政务公开，不断提升政府信息公开工作质量。",
    ]
    body = '<div class="TRS_Editor">' + "\n".join(
        f'<p style="text-indent:2em">{_esc(p)}</p>' for p in paras) + "</div>"
    site, home = _site(report)
    return portal_page(title, body, site=site, home=home, published=report.published, source=report.agency,
                       crumbs=[("政府信息公开", "/zwgk/"), ("政策解读", "/zwgk/zcjd/")], encoding=encoding)


def infographic_page(report: Report, *, encoding: str = "utf-8") -> bytes:
    """A 图解 (一图读懂) page: images with short captions."""
    title = f"一图读懂｜{report.title.replace(chr(10), '')}"
    stem = hashlib.sha1(report.name.encode()).hexdigest()[:12]
    body = ['<div class="TRS_Editor">', f'<p style="text-align:center">图解：{_esc(report.agency)}{report.year}年'
            "政府信息公开工作年度报告</p>"]
    for i in range(1, 4):
        body.append(f'<p style="text-align:center"><img src="./W0{stem}{i}.png" alt="图解{i}" '
                    f'title="图解{i}" width="640" oldsrc="W0{stem}{i}.png"></p>')
    body.append(f'<p>相关链接：<a href="./t{report.year + 1}0118_{stem[:6]}.html">'
                f"{_esc(report.title.replace(chr(10), ''))}</a></p>")
    body.append("</div>")
    site, home = _site(report)
    return portal_page(title, "\n".join(body), site=site, home=home, published=report.published,
                       source=report.agency, crumbs=[("政府信息公开", "/zwgk/"), ("图解政策", "/zwgk/tjzc/")],
                       encoding=encoding)


def notice_page(county: str, year: int, *, published: str | None = None, encoding: str = "utf-8") -> bytes:
    """The county's notice about compiling the ``year`` reports (cites the format; not a report)."""
    title = f"关于做好{year}年度政府信息公开工作年度报告编制工作的通知"
    office = f"{county}人民政府办公室"
    paras = [
        "各街道办事处，区政府各部门、各直属机构：",
        f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定和上级工作要求，现就做好{year}年度政府信息公开工作"
        "年度报告（以下简称年度报告）编制和发布工作通知如下：",
        "一、严格执行报告格式",
        "各单位要严格按照《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》"
        "（国办公开办函〔2021〕30号）要求编制年度报告，内容包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
        "政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项等六部分。",
        "二、确保数据准确",
        "“本年新收政府信息公开申请数量”“上年结转政府信息公开申请数量”“结转下年度继续办理”等数据要与台账一致，"
        "确保表格勾稽关系正确；上年结转数量应与上一年度报告中的结转下年度继续办理数量一致。",
        "三、按时公开发布",
        f"各单位年度报告经本单位主要负责同志审定后，于{year + 1}年1月31日前在区政府门户网站“政府信息公开年报”栏目公开，"
        f"并报送区政务公开办备案。",
        "联系人：政务公开办　联系电话：略",
    ]
    body = ['<div class="TRS_Editor">'] + [f'<p style="text-indent:2em">{_esc(p)}</p>' for p in paras]
    body += [f'<p style="text-align:right">{_esc(office)}</p>']
    if published:
        d = date.fromisoformat(published)
        body.append(f'<p style="text-align:right">{d.year}年{d.month}月{d.day}日</p>')
    body.append("</div>")
    return portal_page(title, "\n".join(body), site=f"{county}人民政府", published=published, source=office,
                       crumbs=[("政府信息公开", "/zwgk/"), ("通知公告", "/zwgk/tzgg/")], encoding=encoding)


def list_page(county: str, entries: list[tuple[str, str, str]], *, page: int = 0, pages: int = 1,
              column: str = "政府信息公开年报", encoding: str = "utf-8") -> bytes:
    """A TRS column list page: ``entries`` are (title, href, YYYY-MM-DD); pagination by createPageHTML."""
    items = "\n".join(f'<li><a href="{_esc(href)}" target="_blank" title="{_esc(t)}">{_esc(t)}</a>'
                      f"<span>{_esc(d)}</span></li>" for t, href, d in entries)
    body = f"""<div class="list-box">
<ul class="list">
{items}
</ul>
<div class="page"><script type="text/javascript">
var currentPage = {page};//所在页从0开始
var countPage = {pages}//共多少页
createPageHTML(countPage, currentPage, "index", "html");
</script></div>
</div>"""
    return portal_page(column, body, site=f"{county}人民政府",
                       crumbs=[("政府信息公开", "/zwgk/"), (column, "./")], encoding=encoding)
