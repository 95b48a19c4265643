"""HTML article pages to blocks: the title, the date line, then the article body in reading order.

Portal pages (TRS, 开普云/ucap, 大汉, 拓尔思 …) wrap the report in layout tables, menus, breadcrumbs,
sidebars and footers, and the report's own tables are Word-pasted HTML with rowspan/colspan. So:
drop the chrome, find the article body (a known CMS content container, else the element that holds
most of the page's non-link Chinese text), keep the title and the publication-date line that sit
outside it, and expand every data table into a full grid following the span rule in blocks.py.
Tables that hold other tables, a single cell or long running text are layout and are unwrapped.

lxml.etree, not BeautifulSoup, walks the page here: building a soup costs ~13 ms for a 20 KB page,
lxml ~1 ms, and a national build parses hundreds of thousands of pages.
"""

from __future__ import annotations

import re

from lxml import etree

from parsers.errors import DocumentError

from parsers.blocks import Block, Paragraph, Table
from parsers.sniff import decode_text

_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", re.I)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CJK_ANY = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"  # ideographs and CJK/full-width punctuation
_CJK_BREAK = re.compile(rf"(?<=[{_CJK_ANY}])[ \t]*[\r\n][ \t\r\n]*(?=[{_CJK_ANY}])")
_SPACES = re.compile(r"[ \t\r\n\f\v\xa0]+")
_DROP_TAGS = ["script", "style", "noscript", "template", "iframe", "object", "embed",
              "select", "button", "input", "textarea", "svg", "canvas"]
_CHROME_TAGS = ["nav", "header", "footer", "aside"]
_CHROME_NAME = re.compile(r"(?:^|[-_])(nav|navbar|menu|crumbs?|breadcrumbs?|footer|foot|sidebar|share|"
                          r"toolbar|header|position|location|dqwz|topbar)(?:$|[-_\d])", re.I)
_STRONG = {"trs_editor", "trs_ueditor", "custom_unionstyle", "ucapcontent"}
_GENERIC = ("zoom", "cont", "article", "zw", "detail", "wenz", "text", "txt")  # content, xxgkcont, zwnr …
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
          "article", "aside", "header", "footer", "nav", "blockquote", "pre", "center", "address", "tr",
          "td", "th", "tbody", "thead", "tfoot", "caption", "form", "fieldset", "figure", "figcaption",
          "hr", "main", "table", "ucapcontent", "body", "html"}
_META_LABEL = re.compile(r"(发布日期|发布时间|发文日期|成文日期|生成日期|印发日期|发布机构|发文机关|信息来源|来源)\s*[:：]")
_META_TAGS = ("PubDate", "ContentSource")  # <meta name=…> the TRS/ucap CMSs write
_LONG_CELL = 400  # a "cell" longer than this is running text in a layout table


_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)

Element = etree._Element
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)


def extract_html(data: bytes, declared_charset: str | None = None) -> list[Block]:
    """The article in a portal page as blocks: title, meta lines, then paragraphs and tables."""
    meta = _META_CHARSET.search(data[:8192])
    text = decode_text(data, [meta.group(1).decode("ascii") if meta else None, declared_charset])
    doc = etree.fromstring(_XML_DECL.sub("", text) or "<html></html>", _PARSER)
    if doc is None:
        raise DocumentError("unreadable HTML (no elements)")
    # XPath narrows the candidates cheaply; Python decides (spaces and case in the style vary).
    hidden = [e for e in doc.xpath("//*[@hidden or contains(@style, 'one') or contains(@style, 'idden') "
                                   "or contains(@style, 'ONE') or contains(@style, 'IDDEN')]") if _is_hidden(e)]
    for el in [*doc.iter(*_DROP_TAGS), *hidden]:
        if el.getparent() is not None:
            _drop(el)
    root = doc.find("body") if doc.find("body") is not None else doc
    title = _title(doc)
    meta_lines = _meta_lines(doc, root)
    counts = _cjk_counts(root)
    page_cjk = counts.get(root, 0)
    for el in [e for e in root.iter() if _is_element(e) and _is_chrome(e)]:
        if el.getparent() is not None and counts.get(el, 0) < 0.3 * page_cjk:
            for ancestor in el.iterancestors():
                counts[ancestor] = counts.get(ancestor, 0) - counts.get(el, 0)
            _drop(el)  # keeps the tail text; meta-line elements found above stay valid
    article = _article(root, counts) if page_cjk else None
    article = root if article is None else article

    blocks: list[Block] = [Paragraph(title, where="title")] if title else []
    for element, line in meta_lines:
        if element is not article and article not in set(element.iterancestors()):
            blocks.append(Paragraph(line, where="meta"))
    walker = _Walker(emit_tables=True)
    walker.start(article)
    body = walker.blocks
    if title and body and isinstance(body[0], Paragraph) and _squash(body[0].text) == _squash(title):
        body = body[1:]
    return blocks + body


def _is_element(el) -> bool:
    return isinstance(el.tag, str)


def _is_hidden(el: Element) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style or el.get("hidden") is not None


def _drop(el: Element) -> None:
    """Remove an element but keep the text that follows it (lxml keeps it in ``tail``)."""
    parent, tail = el.getparent(), el.tail
    if tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _is_chrome(el: Element) -> bool:
    if el.tag in _CHROME_TAGS:
        return True
    if el.tag not in {"div", "ul", "ol", "span", "section", "dl", "table"}:
        return False
    return any(_CHROME_NAME.search(name) for name in _names(el))


def _names(el: Element) -> list[str]:
    return (el.get("class") or "").split() + [el.get("id") or ""]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _cjk_counts(root: Element) -> dict:
    """Chinese characters outside links, per element: menus and related-article lists are mostly
    links. One bottom-up pass instead of a text scan per candidate element."""
    counts: dict = {}

    def visit(el) -> int:
        if not _is_element(el):
            return len(_CJK.findall(el.tail or ""))
        own = 0 if el.tag == "a" else len(_CJK.findall(el.text or ""))
        for child in el:
            inner = visit(child)
            own += 0 if el.tag == "a" else inner
        counts[el] = own
        return own + len(_CJK.findall(el.tail or ""))

    visit(root)
    return counts


def _text(el: Element, sep: str = "") -> str:
    return sep.join(el.itertext()) if sep else el.xpath("string()")


def _title(doc: Element) -> str:
    """ArticleTitle meta; else a heading or title-classed element naming a report (one with a year
    first: sidebars carry column names like 政府信息公开年度报告); else the <title> part that does."""
    content = _meta_content(doc, "articletitle")
    if content:
        return _clean(content)
    found = [_clean(_text(t, " ")) for t in doc.iter() if _is_element(t) and _titled(t) and t.find(".//a") is None]
    found = [text for text in found if "报告" in text and len(text) < 120]
    if found:
        return max(found, key=lambda text: bool(re.search(r"(19|20)\d\d|[〇零一二][〇零一二三四五六七八九]{3}", text)))
    title = doc.find(".//title")
    if title is not None:
        parts = [_clean(p) for p in re.split(r"_|\s[-|－—]\s|\|", _text(title))]
        named = [p for p in parts if "报告" in p]
        return named[0] if named else _clean(_text(title))
    return ""


def _meta_content(doc: Element, name: str) -> str:
    for meta in doc.iter("meta"):
        if (meta.get("name") or "").lower() == name and (meta.get("content") or "").strip():
            return meta.get("content")
    return ""


def _titled(el: Element) -> bool:
    return el.tag in {"h1", "h2", "h3"} or (
        el.tag in {"div", "p", "span", "td"} and any("tit" in n.lower() for n in _names(el)))


def _meta_lines(doc: Element, root: Element) -> list[tuple[Element, str]]:
    """Publication metadata: <meta name=PubDate …> and visible '发布日期：…' style lines."""
    found: list[tuple[Element, str]] = []
    for name in _META_TAGS:
        content = _meta_content(doc, name.lower())
        if content.strip():
            found.append((doc, f"{name}: {_clean(content)}"))
    holders = []
    for el in root.iter():
        if not _is_element(el):
            if el.tail and _META_LABEL.search(el.tail) and el.getparent() is not None:
                holders.append(el.getparent())
            continue
        if el.text and _META_LABEL.search(el.text):
            holders.append(el)
        if el.tail and _META_LABEL.search(el.tail) and el.getparent() is not None:
            holders.append(el.getparent())
    for element in holders:
        for _ in range(3):  # climb to the element that also holds the value ("<span>日期：</span>2024…")
            line = _clean(_text(element, " "))
            label = _META_LABEL.search(line)
            if (label and line[label.end():].strip()) or element.getparent() is None:
                break
            element = element.getparent()
        line = _clean(_text(element, " "))
        if len(line) > 200 or any(line in seen for _, seen in found):
            continue
        found = [(e, seen) for e, seen in found if seen not in line] + [(element, line)]
    return found[:12]


def _article(root: Element, counts: dict) -> Element | None:
    """The element holding the article text, or None if nothing stands out."""
    page_cjk = counts.get(root, 0)
    elements = [e for e in root.iter() if _is_element(e)]
    strong = [(counts.get(t, 0), t) for t in elements
              if t.tag in _STRONG or any(n.lower() in _STRONG for n in _names(t))]
    strong = [(n, t) for n, t in strong if n >= 0.25 * page_cjk]
    if strong:
        return max(strong, key=lambda pair: pair[0])[1]
    generic = [(counts.get(t, 0), t) for t in elements
               if any(g in n.lower() for n in _names(t) for g in _GENERIC)]
    generic = [(n, t) for n, t in generic if n >= 0.5 * page_cjk]
    if generic:
        most = max(n for n, _ in generic)
        return min((pair for pair in generic if pair[0] >= 0.9 * most), key=lambda pair: pair[0])[1]
    current = root  # descend while one child holds nearly all the text (a table is 10-25% of it)
    while True:
        scored = [(counts.get(c, 0), c) for c in current if _is_element(c)]
        if not scored:
            return current
        best_n, best = max(scored, key=lambda pair: pair[0])
        if best_n < 0.9 * counts.get(current, 0) or best.tag in {"p", "h1", "h2", "h3", "li"} or (
            best.tag == "table" and not _is_layout(best)
        ):
            return current
        current = best


_NEEDS_CLEAN = re.compile(r"[\s\xa0]")


def _clean(text: str) -> str:
    """Collapse HTML whitespace; a source line break between Chinese characters is no space."""
    if not _NEEDS_CLEAN.search(text):
        return text  # most table cells: "0", "行政许可"
    return _SPACES.sub(" ", _CJK_BREAK.sub("", text.replace("\xa0", " "))).strip()


def _own_rows(table: Element) -> list[Element]:
    return table.xpath("./tr | ./tbody/tr | ./thead/tr | ./tfoot/tr")


def _cells(tr: Element) -> list[Element]:
    return tr.xpath("./td | ./th")


def _is_layout(table: Element) -> bool:
    cells = [cell for tr in _own_rows(table) for cell in _cells(tr)]
    if len(cells) <= 1 or table.find(".//table") is not None:
        return True
    texts = ("".join(cell.itertext()) for cell in cells)
    return any(len(text) > _LONG_CELL and len(_clean(text)) > _LONG_CELL for text in texts)


def _span(value, limit: int, zero: int) -> int:
    """A span attribute as an int in [1, limit]; sloppy values ("2 ", '3"') read leniently."""
    if value is None:
        return 1
    match = re.match(r"\s*(\d+)", str(value or ""))
    number = int(match.group(1)) if match else 1
    return max(1, min(zero if number == 0 else number, limit))


def table_grid(table: Element) -> list[list[str]]:
    """Expand rowspan/colspan: rowspan-covered positions repeat the text, colspan-covered are ""."""
    rows = _own_rows(table)
    grid: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(rows):
        c = 0
        for cell in _cells(tr):
            while (r, c) in grid:
                c += 1
            text = _cell_text(cell)
            rowspan = _span(cell.get("rowspan"), len(rows) - r, zero=len(rows) - r)  # 0: to the end
            colspan = _span(cell.get("colspan"), 1000, zero=1)
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid.setdefault((r + dr, c + dc), text if dc == 0 else "")
            c += colspan
    width = max((c for _, c in grid), default=-1) + 1
    return [[grid.get((r, c), "") for c in range(width)] for r in range(len(rows))]


def _cell_text(cell: Element) -> str:
    if len(cell) == 0:  # most cells hold plain text: no walk needed
        return _clean(cell.text or "")
    walker = _Walker(emit_tables=False)
    walker.walk(cell)
    walker.flush()
    return "\n".join(p.text for p in walker.blocks)


class _Walker:
    """Turns a subtree into paragraphs (one per block element or <br> line) and data tables."""

    def __init__(self, emit_tables: bool) -> None:
        self.emit_tables = emit_tables
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.tables = 0
        self.paragraphs = 0

    def start(self, element: Element) -> None:
        if element.tag == "table":
            self.table(element)
        else:
            self.walk(element)
        self.flush()

    def walk(self, element: Element) -> None:
        if element.text:
            self.parts.append(element.text)
        for child in element:
            if not _is_element(child):
                pass  # comments and processing instructions: only their tail is text
            elif child.tag == "br":
                self.flush()
            elif child.tag == "table" and self.emit_tables:
                self.flush()
                self.table(child)
            elif child.tag in _BLOCK:
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)
            if child.tail:
                self.parts.append(child.tail)

    def flush(self) -> None:
        text = _clean("".join(self.parts))
        self.parts = []
        if text:
            self.paragraphs += 1
            self.blocks.append(Paragraph(text, where=f"p {self.paragraphs}"))

    def table(self, table: Element) -> None:
        if _is_layout(table):
            for tr in _own_rows(table):
                for cell in _cells(tr):
                    self.walk(cell)
                    self.flush()
            return
        caption = table.find("caption")
        if caption is not None:
            self.parts.append(_text(caption, " "))
            self.flush()
        rows = table_grid(table)
        if any(cell for row in rows for cell in row):
            self.tables += 1
            self.blocks.append(Table(rows=rows, where=f"table {self.tables}"))
