"""Hanweb 大汉: the column page ``/col/col<id>/index.html`` holds no list, only the jpage script;
the list comes from POST ``/module/web/jpage/dataproxy.jsp?startrecord=&endrecord=&perpage=`` as
``<datastore>`` XML with one CDATA ``<li>`` per record. Articles ``/art/2024/1/22/art_<col>_<n>.html``;
attachments through ``/module/download/downfile.jsp?…``, a 302 to ``/attach/…``; and the yearly
``/module/xxgk/xxgkAnnualReport.jsp?area=…&fbtime=2023`` page."""

from __future__ import annotations

from ..catalogue import Doc, Portal
from ..pages import (Page, document_routes, attachments_of, digest, esc, home_and_nav, html_type,
                     simple_page)

COLUMN_ID = 1229230631
UNIT_ID = 3957


def column_url(portal: Portal) -> str:
    return f"/col/col{COLUMN_ID}/index.html"


def detail_path(doc: Doc) -> str:
    d = doc.published
    return f"/art/{d.year}/{d.month}/{d.day}/art_{COLUMN_ID}_{doc.number}.html"


def attach_name(doc: Doc, ext: str) -> str:
    return f"{digest(doc.key, doc.number)[:20]}.{ext}"


def download_path(doc: Doc, ext: str) -> str:
    return f"/module/download/downfile.jsp?classid=0&filename={attach_name(doc, ext)}"


def column_page(portal: Portal) -> bytes:
    return simple_page(portal, "政府信息公开年报", f"""<div class="bt-position">政府信息公开年报</div>
<div id="{UNIT_ID}"></div>
<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>
<script type="text/javascript" src="/module/jslib/jquery/jpage/dataproxy.js"></script>
<script type="text/javascript">
$(document).ready(function(){{ $('#{UNIT_ID}').jpage({{
  dataStore: [], proxyUrl: '/module/web/jpage/dataproxy.jsp', perPage: {portal.page_size}, groupSize: 3,
  ajaxParam: {{col: 1, appid: 1, webid: 2, path: '/', columnid: {COLUMN_ID}, sourceContentType: 1,
              unitid: '{UNIT_ID}', webname: '{esc(portal.spec.site_name)}', permissiontype: 0}}
}}); }});
</script>""")


def dataproxy(links: list[tuple[str, str, str]], params: dict) -> bytes:
    """Records ``startrecord``..``endrecord`` (1-based, inclusive) of the column."""
    start = max(1, int(params.get("startrecord") or 1))
    end = max(start, int(params.get("endrecord") or start + 44))
    records = "".join(f'<record><![CDATA[<li><a href="{esc(href)}" target="_blank" title="{esc(title)}">{esc(title)}</a>'
                      f"<span>{day}</span></li>]]></record>\n" for title, href, day in links[start - 1:end])
    return (f'<?xml version="1.0" encoding="UTF-8"?><datastore><nextgroup><![CDATA[<a href="/col/col{COLUMN_ID}/'
            f'index.html?uid={UNIT_ID}&pageNum=2">下一页</a>]]></nextgroup><recordset>\n{records}</recordset>'
            f"<totalrecord>{len(links)}</totalrecord><totalpage>{-(-len(links) // 10)}</totalpage></datastore>").encode()


def annual_report_page(portal: Portal, params: dict) -> bytes:
    year = int(params.get("fbtime") or 0)
    docs = [d for d in portal.docs if d.year == year and d.kind == "report"]
    rows = "".join(f'<tr><td><a href="{detail_path(d)}">{esc(d.title)}</a></td><td>{d.published.isoformat()}</td></tr>'
                   for d in docs)
    return simple_page(portal, f"{year}年度政府信息公开工作年度报告",
                       f'<table class="xxgk-nb"><tr><th>报告名称</th><th>发布日期</th></tr>{rows}</table>')


def document_urls(doc: Doc) -> list[str]:
    return [detail_path(doc)] + [download_path(doc, ext) for ext in attachments_of(doc)]


def routes(portal: Portal, ctx) -> dict[str, Page]:
    years = sorted({d.year for d in portal.reports})
    yearly = [(f"{y}年度报告汇总", f"/module/xxgk/xxgkAnnualReport.jsp?area={portal.spec.county_code}&fbtime={y}")
              for y in years]
    out = home_and_nav(portal, column_url(portal), yearly)
    out[column_url(portal)] = Page(lambda _: column_page(portal), html_type(portal))
    links = [link for chunk in ctx.list_chunks(portal, detail_path, detail_path) for link in chunk]
    out["/module/web/jpage/dataproxy.jsp"] = Page(lambda params: dataproxy(links, params), "text/xml; charset=UTF-8",
                                                  methods=("POST", "GET", "HEAD"))
    out["/module/xxgk/xxgkAnnualReport.jsp"] = Page(lambda params: annual_report_page(portal, params), html_type(portal))
    file_path = lambda doc, ext: f"/attach/0/{attach_name(doc, ext)}"  # noqa: E731
    out.update(document_routes(portal, detail_path, download_path, file_path, container="zoom"))
    for doc in portal.docs:  # downfile.jsp answers with a redirect to the file
        for ext in attachments_of(doc):
            out[download_path(doc, ext)] = Page(lambda _: b"", status=302, location=file_path(doc, ext), doc=doc)
    return out
