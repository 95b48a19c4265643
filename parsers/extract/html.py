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
_NOT_CJK = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff]+")
_CJK_ANY = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"  # ideographs and CJK/full-width punctuation
_CJK_BREAK = re.compile(rf"(?<=[{_CJK_ANY}])[ \t]*[\r\n][ \t\r\n]*(?=[{_CJK_ANY}])")
_SPACES = re.compile(r"[ \t\r\n\f\v\xa0]+")
_DROP_TAGS = ["script", "style", "noscript", "template", "iframe", "object", "embed",
              "select", "button", "input", "textarea", "svg", "canvas"]
_CHROME_TAGS = {"nav", "header", "footer", "aside"}
_CHROME_NAMED_TAGS = {"div", "ul", "ol", "span", "section", "dl", "table"}  # chrome when the name says so
_CHROME_NAME = re.compile(r"(?:^|[-_])(nav|navbar|menu|crumbs?|breadcrumbs?|footer|foot|sidebar|share|"
                          r"toolbar|header|position|location|dqwz|topbar)(?:$|[-_\d])", re.I)
_STRONG = {"trs_editor", "trs_ueditor", "custom_unionstyle", "ucapcontent"}
_HEADINGS = {"h1", "h2", "h3"}
_TITLE_TAGS = {"div", "p", "span", "td"}  # a title when the class or id says "tit"
_GENERIC = ("zoom", "cont", "article", "zw", "detail", "wenz", "text", "txt")  # content, xxgkcont, zwnr …
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
          "article", "aside", "header", "footer", "nav", "blockquote", "pre", "center", "address", "tr",
          "td", "th", "tbody", "thead", "tfoot", "caption", "form", "fieldset", "figure", "figcaption",
          "hr", "main", "table", "ucapcontent", "body", "html"}
_META_LABEL = re.compile(r"(发布日期|发布时间|发文日期|成文日期|生成日期|印发日期|发布机构|发文机关|信息来源|来源)\s*[:：]")
_META_TAGS = ("PubDate", "ContentSource")  # <meta name=…> the TRS/ucap CMSs write
_LONG_CELL = 400  # a "cell" longer than this is running text in a layout table
_ROW_GROUPS = {"tbody", "thead", "tfoot"}
_CELL_TAGS = {"td", "th"}


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
    hidden = [e for e in doc.iter(etree.Element) if _is_hidden(e)]
    for el in [*doc.iter(*_DROP_TAGS), *hidden]:
        if el.getparent() is not None:
            _drop(el)
    root = doc.find("body") if doc.find("body") is not None else doc
    page = _Scan(doc, root)
    metas = _meta_contents(doc)
    title = _title(doc, metas, page.titled)
    meta_lines = _meta_lines(doc, metas, page.meta_holders)
    counts = page.counts
    page_cjk = counts.get(root, 0)
    for el in page.chrome:
        if el.getparent() is not None and counts.get(el, 0) < 0.3 * page_cjk:
            for ancestor in el.iterancestors():
                counts[ancestor] = counts.get(ancestor, 0) - counts.get(el, 0)
            _drop(el)  # keeps the tail text; meta-line elements found above stay valid
    article = _article(root, counts, page.strong, page.generic) if page_cjk else None
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
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    if not style:
        return False
    style = style.replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


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


def _names(el: Element) -> list[str]:
    """The class names and the id (most elements have neither)."""
    names = (el.get("class") or "").split()
    el_id = el.get("id")
    return names + [el_id] if el_id else names


def _is_chrome(tag: str, names: list[str]) -> bool:
    if tag in _CHROME_TAGS:
        return True
    if tag not in _CHROME_NAMED_TAGS:
        return False
    return any(_CHROME_NAME.search(name) for name in names)


def _titled(tag: str, lowered: list[str]) -> bool:
    return tag in _HEADINGS or (tag in _TITLE_TAGS and any("tit" in n for n in lowered))


def _is_strong(tag: str, lowered: list[str]) -> bool:
    return tag in _STRONG or any(n in _STRONG for n in lowered)


def _is_generic(lowered: list[str]) -> bool:
    return any(g in n for n in lowered for g in _GENERIC)


def _squash(text: str) -> str:
    return "".join(text.split())


class _Scan:
    """One pass over the page, after scripts and hidden elements are gone, collecting what choosing
    the title, the meta lines and the article needs: per element the Chinese characters outside
    links (menus and related-article lists are mostly links), and in document order the title-like
    elements, the holders of a '发布日期：' label, the chrome and the content containers.

    A flat ``iter()`` plus a bottom-up sum over the parents it saw: recursing with ``for child in
    el`` makes lxml build a child iterator per element, which costs several times more."""

    def __init__(self, doc: Element, root: Element) -> None:
        self.counts: dict[Element, int] = {}
        self.titled: list[Element] = []
        self.meta_holders: list[Element] = []
        self.chrome: list[Element] = []
        self.strong: list[Element] = []  # known CMS content containers
        self.generic: list[Element] = []  # names with a _GENERIC part
        self.links: set[Element] = set()  # nothing inside an <a> counts
        inside = root is doc
        after_root = None if inside else root.getnext()  # root is doc or its child
        edges: list[tuple[Element, Element]] = []  # (element, parent) in document order
        for node in doc.iter():
            if node is root:
                inside = True
            elif node is after_root:
                inside = False
            parent, tag = node.getparent(), node.tag
            if isinstance(tag, str):  # an element, not a comment
                self.counts[node] = 0
                if tag == "a":
                    self.links.add(node)
                text = node.text
                if text and not text.isascii():  # most text between tags is indentation
                    self._text_in(node, text, inside)
                self._note(node, tag, inside)
                if parent is not None:
                    edges.append((node, parent))
            if parent is not None:
                tail = node.tail  # a tail is its parent's text
                if tail and not tail.isascii():
                    self._text_in(parent, tail, inside)
        for el, parent in reversed(edges):  # children before their parents
            if parent not in self.links:
                self.counts[parent] += self.counts[el]

    def _text_in(self, el: Element, text: str, inside: bool) -> None:
        """Text directly inside ``el``: its own, or a child's tail."""
        if inside and _META_LABEL.search(text):
            self.meta_holders.append(el)
        if el not in self.links:
            self.counts[el] += len(_NOT_CJK.sub("", text))

    def _note(self, el: Element, tag: str, inside: bool) -> None:
        """The lists the element belongs to, by its tag and names."""
        names = _names(el)
        if not names:  # most elements: only the tag can say anything
            if tag in _HEADINGS:
                self.titled.append(el)
            if inside and tag in _CHROME_TAGS:
                self.chrome.append(el)
            if inside and tag in _STRONG:
                self.strong.append(el)
            return
        lowered = [n.lower() for n in names]
        if _titled(tag, lowered):
            self.titled.append(el)
        if inside:
            if _is_chrome(tag, names):
                self.chrome.append(el)
            if _is_strong(tag, lowered):
                self.strong.append(el)
            if _is_generic(lowered):
                self.generic.append(el)


def _text(el: Element, sep: str = "") -> str:
    return sep.join(el.itertext()) if sep else el.xpath("string()")


def _meta_contents(doc: Element) -> dict[str, str]:
    """<meta name=… content=…> by lower-cased name; the first non-blank content of a name wins."""
    found: dict[str, str] = {}
    for meta in doc.iter("meta"):
        name, content = (meta.get("name") or "").lower(), meta.get("content") or ""
        if content.strip() and name not in found:
            found[name] = content
    return found


def _title(doc: Element, metas: dict[str, str], titled: list[Element]) -> str:
    """ArticleTitle meta; else a heading or title-classed element naming a report (one with a year
    first: sidebars carry column names like 政府信息公开年度报告); else the <title> part that does."""
    content = metas.get("articletitle")
    if content:
        return _clean(content)
    found = [_clean(_text(t, " ")) for t in titled if t.find(".//a") is None]
    found = [text for text in found if "报告" in text and len(text) < 120]
    if found:
        return max(found, key=lambda text: bool(re.search(r"(19|20)\d\d|[〇零一二][〇零一二三四五六七八九]{3}", text)))
    title = doc.find(".//title")
    if title is not None:
        parts = [_clean(p) for p in re.split(r"_|\s[-|－—]\s|\|", _text(title))]
        named = [p for p in parts if "报告" in p]
        return named[0] if named else _clean(_text(title))
    return ""


def _meta_lines(doc: Element, metas: dict[str, str], holders: list[Element]) -> list[tuple[Element, str]]:
    """Publication metadata: <meta name=PubDate …> and visible '发布日期：…' style lines."""
    found: list[tuple[Element, str]] = []
    for name in _META_TAGS:
        content = metas.get(name.lower(), "")
        if content.strip():
            found.append((doc, f"{name}: {_clean(content)}"))
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


def _in_page(el: Element, root: Element) -> bool:
    """False for an element inside chrome removed after the scan."""
    return el is root or any(ancestor is root for ancestor in el.iterancestors())


def _article(root: Element, counts: dict, strong: list[Element], generic: list[Element]) -> Element | None:
    """The element holding the article text, or None if nothing stands out."""
    page_cjk = counts.get(root, 0)
    strong = [(counts.get(t, 0), t) for t in strong if _in_page(t, root)]
    strong = [(n, t) for n, t in strong if n >= 0.25 * page_cjk]
    if strong:
        return max(strong, key=lambda pair: pair[0])[1]
    generic = [(counts.get(t, 0), t) for t in generic if _in_page(t, root)]
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
            best.tag == "table" and not _is_layout(best, _table_cells(best))
        ):
            return current
        current = best


_NEEDS_CLEAN = re.compile(r"[\s\xa0]")


def _clean(text: str) -> str:
    """Collapse HTML whitespace; a source line break between Chinese characters is no space."""
    if not _NEEDS_CLEAN.search(text):
        return text  # most table cells: "0", "行政许可"
    return _SPACES.sub(" ", _CJK_BREAK.sub("", text.replace("\xa0", " "))).strip()


def _table_cells(table: Element) -> list[list[Element]]:
    """The table's own rows (direct, or in tbody/thead/tfoot; document order), each as its cells."""
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in _ROW_GROUPS:
            rows.extend(tr for tr in child if tr.tag == "tr")
    return [[cell for cell in tr if cell.tag in _CELL_TAGS] for tr in rows]


def _is_layout(table: Element, rows: list[list[Element]]) -> bool:
    cells = [cell for row in rows for cell in row]
    if len(cells) <= 1 or table.find(".//table") is not None:
        return True
    texts = ((cell.text or "") if len(cell) == 0 else "".join(cell.itertext()) for cell in cells)
    return any(len(text) > _LONG_CELL and len(_clean(text)) > _LONG_CELL for text in texts)


_SPAN_NUMBER = re.compile(r"\s*(\d+)")


def _span(value: str | None, limit: int, zero: int) -> int:
    """A span attribute as an int in [1, limit]; sloppy values ("2 ", '3"') read leniently."""
    if value is None:
        return 1
    match = _SPAN_NUMBER.match(value)
    number = int(match.group(1)) if match else 1
    return max(1, min(zero if number == 0 else number, limit))


def table_grid(rows: list[list[Element]]) -> list[list[str]]:
    """Expand rowspan/colspan: rowspan-covered positions repeat the text, colspan-covered are ""."""
    grid: list[dict[int, str]] = [{} for _ in rows]  # per row: column → text
    for r, cells in enumerate(rows):
        taken = grid[r]
        c = 0
        for cell in cells:
            while c in taken:
                c += 1
            text = _cell_text(cell)
            rowspan, colspan = cell.get("rowspan"), cell.get("colspan")
            if rowspan is None and colspan is None:  # most cells
                taken[c] = text
                c += 1
                continue
            rowspan = _span(rowspan, len(rows) - r, zero=len(rows) - r)  # 0: to the end
            colspan = _span(colspan, 1000, zero=1)
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[r + dr].setdefault(c + dc, text if dc == 0 else "")
            c += colspan
    width = max((max(row) for row in grid if row), default=-1) + 1
    return [[row.get(c, "") for c in range(width)] for row in grid]


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
        text = element.text
        if text:
            self.parts.append(text)
        if not len(element):  # a leaf (most <p> and <td>): no child iterator to build
            return
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):
                pass  # comments and processing instructions: only their tail is text
            elif tag == "br":
                self.flush()
            elif tag == "table" and self.emit_tables:
                self.flush()
                self.table(child)
            elif tag in _BLOCK:
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)
            tail = child.tail
            if tail:
                self.parts.append(tail)

    def flush(self) -> None:
        text = _clean("".join(self.parts))
        self.parts = []
        if text:
            self.paragraphs += 1
            self.blocks.append(Paragraph(text, where=f"p {self.paragraphs}"))

    def table(self, table: Element) -> None:
        rows = _table_cells(table)
        if _is_layout(table, rows):
            for cells in rows:
                for cell in cells:
                    self.walk(cell)
                    self.flush()
            return
        caption = table.find("caption")
        if caption is not None:
            self.parts.append(_text(caption, " "))
            self.flush()
        grid = table_grid(rows)
        if any(cell for row in grid for cell in row):
            self.tables += 1
            self.blocks.append(Table(rows=grid, where=f"table {self.tables}"))
