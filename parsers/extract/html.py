"""HTML article pages to blocks: the title, the date line, then the article body in reading order.

Portal pages (TRS, 开普云/ucap, 大汉, 拓尔思 …) wrap the report in layout tables, menus, breadcrumbs,
sidebars and footers, and the report's own tables are Word-pasted HTML with rowspan/colspan. So:
drop the chrome, find the article body (a known CMS content container, else the element that holds
most of the page's non-link Chinese text), keep the title and the publication-date line that sit
outside it, and expand every data table into a full grid following the span rule in blocks.py.
Tables that hold other tables, a single cell or long running text are layout and are unwrapped.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

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


def extract_html(data: bytes, declared_charset: str | None = None) -> list[Block]:
    """The article in a portal page as blocks: title, meta lines, then paragraphs and tables."""
    meta = _META_CHARSET.search(data[:8192])
    text = decode_text(data, [meta.group(1).decode("ascii") if meta else None, declared_charset])
    soup = BeautifulSoup(text, "lxml")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(_is_hidden):
        tag.decompose()
    root = soup.body or soup
    title = _title(soup)
    meta_lines = _meta_lines(soup, root)
    page_cjk = _cjk_nonlink(root)
    for tag in root.find_all(_is_chrome):
        if tag.parent is not None and _cjk_nonlink(tag) < 0.3 * page_cjk:
            tag.extract()  # extract, not decompose: meta-line elements found above stay valid
    article = _article(root, page_cjk) or root

    blocks: list[Block] = [Paragraph(title, where="title")] if title else []
    for element, line in meta_lines:
        if article not in element.parents and element is not article:
            blocks.append(Paragraph(line, where="meta"))
    walker = _Walker(emit_tables=True)
    walker.start(article)
    body = walker.blocks
    if title and body and isinstance(body[0], Paragraph) and _squash(body[0].text) == _squash(title):
        body = body[1:]
    return blocks + body


def _is_hidden(tag: Tag) -> bool:
    style = (tag.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style or tag.has_attr("hidden")


def _is_chrome(tag: Tag) -> bool:
    if tag.name in _CHROME_TAGS:
        return True
    if tag.name not in {"div", "ul", "ol", "span", "section", "dl", "table"}:
        return False
    return any(_CHROME_NAME.search(name) for name in _names(tag))


def _names(tag: Tag) -> list[str]:
    classes = tag.get("class") or []
    return [c for c in ([classes] if isinstance(classes, str) else classes)] + [tag.get("id") or ""]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _cjk_nonlink(tag: Tag) -> int:
    """Chinese characters outside links: menus and related-article lists are mostly links."""
    total = len(_CJK.findall(tag.get_text()))
    return total - sum(len(_CJK.findall(a.get_text())) for a in tag.find_all("a"))


def _title(soup: BeautifulSoup) -> str:
    """ArticleTitle meta; else a heading or title-classed element naming a report (one with a year
    first: sidebars carry column names like 政府信息公开年度报告); else the <title> part that does."""
    meta = soup.find("meta", attrs={"name": re.compile("^articletitle$", re.I)})
    if meta and meta.get("content", "").strip():
        return _clean(meta["content"])
    found = [_clean(t.get_text(" ")) for t in soup.find_all(_titled) if t.find("a") is None]
    found = [text for text in found if "报告" in text and len(text) < 120]
    if found:
        return max(found, key=lambda text: bool(re.search(r"(19|20)\d\d|[〇零一二][〇零一二三四五六七八九]{3}", text)))
    if soup.title:
        parts = [_clean(p) for p in re.split(r"_|\s[-|－—]\s|\|", soup.title.get_text())]
        named = [p for p in parts if "报告" in p]
        return named[0] if named else _clean(soup.title.get_text())
    return ""


def _titled(tag: Tag) -> bool:
    return tag.name in {"h1", "h2", "h3"} or (
        tag.name in {"div", "p", "span", "td"} and any("tit" in n.lower() for n in _names(tag)))


def _meta_lines(soup: BeautifulSoup, root: Tag) -> list[tuple[Tag, str]]:
    """Publication metadata: <meta name=PubDate …> and visible '发布日期：…' style lines."""
    found: list[tuple[Tag, str]] = []
    for name in _META_TAGS:
        meta = soup.find("meta", attrs={"name": re.compile(f"^{name}$", re.I)})
        if meta and meta.get("content", "").strip():
            found.append((meta, f"{name}: {_clean(meta['content'])}"))
    for string in root.find_all(string=_META_LABEL):
        element = string.parent
        for _ in range(3):  # climb to the element that also holds the value ("<span>日期：</span>2024…")
            line = _clean(element.get_text(" "))
            label = _META_LABEL.search(line)
            if (label and line[label.end():].strip()) or element.parent is None:
                break
            element = element.parent
        line = _clean(element.get_text(" "))
        if len(line) > 200 or any(line in seen for _, seen in found):
            continue
        found = [(e, seen) for e, seen in found if seen not in line] + [(element, line)]
    return found[:12]


def _article(root: Tag, page_cjk: int) -> Tag | None:
    """The element holding the article text, or None if nothing stands out."""
    if page_cjk == 0:
        return None
    strong = [t for t in root.find_all(True) if t.name in _STRONG
              or any(n.lower() in _STRONG for n in _names(t))]
    strong = [(_cjk_nonlink(t), t) for t in strong]
    strong = [(n, t) for n, t in strong if n >= 0.25 * page_cjk]
    if strong:
        return max(strong, key=lambda pair: pair[0])[1]
    generic = [t for t in root.find_all(True) if any(g in n.lower() for n in _names(t) for g in _GENERIC)]
    generic = [(_cjk_nonlink(t), t) for t in generic]
    generic = [(n, t) for n, t in generic if n >= 0.5 * page_cjk]
    if generic:
        most = max(n for n, _ in generic)
        return min((pair for pair in generic if pair[0] >= 0.9 * most), key=lambda pair: pair[0])[1]
    current = root  # descend while one child holds nearly all the text (a table is 10-25% of it)
    while True:
        scored = [(_cjk_nonlink(c), c) for c in current.find_all(True, recursive=False)]
        if not scored:
            return current
        best_n, best = max(scored, key=lambda pair: pair[0])
        if best_n < 0.9 * _cjk_nonlink(current) or best.name in {"p", "h1", "h2", "h3", "li"} or (
            best.name == "table" and not _is_layout(best)
        ):
            return current
        current = best


def _clean(text: str) -> str:
    """Collapse HTML whitespace; a source line break between Chinese characters is no space."""
    return _SPACES.sub(" ", _CJK_BREAK.sub("", text.replace("\xa0", " "))).strip()


def _own_rows(table: Tag) -> list[Tag]:
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _cells(tr: Tag) -> list[Tag]:
    return tr.find_all(["td", "th"], recursive=False)


def _is_layout(table: Tag) -> bool:
    cells = [cell for tr in _own_rows(table) for cell in _cells(tr)]
    if len(cells) <= 1 or table.find("table") is not None:
        return True
    return any(len(_clean(cell.get_text())) > _LONG_CELL for cell in cells)


def _span(value, limit: int, zero: int) -> int:
    """A span attribute as an int in [1, limit]; sloppy values ("2 ", '3"') read leniently."""
    match = re.match(r"\s*(\d+)", str(value or ""))
    number = int(match.group(1)) if match else 1
    return max(1, min(zero if number == 0 else number, limit))


def table_grid(table: Tag) -> list[list[str]]:
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


def _cell_text(cell: Tag) -> str:
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

    def start(self, element: Tag) -> None:
        if element.name == "table":
            self.table(element)
        else:
            self.walk(element)
        self.flush()

    def walk(self, element: Tag) -> None:
        for child in element.children:
            if isinstance(child, (Comment, Doctype, Declaration, ProcessingInstruction)):
                continue
            if isinstance(child, NavigableString):
                self.parts.append(str(child))
            elif child.name == "br":
                self.flush()
            elif child.name == "table" and self.emit_tables:
                self.flush()
                self.table(child)
            elif child.name in _BLOCK:
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)

    def flush(self) -> None:
        text = _clean("".join(self.parts))
        self.parts = []
        if text:
            self.paragraphs += 1
            self.blocks.append(Paragraph(text, where=f"p {self.paragraphs}"))

    def table(self, table: Tag) -> None:
        if _is_layout(table):
            for tr in _own_rows(table):
                for cell in _cells(tr):
                    self.walk(cell)
                    self.flush()
            return
        caption = table.find("caption")
        if caption is not None and caption.find_parent("table") is table:
            self.parts.append(caption.get_text(" "))
            self.flush()
        rows = table_grid(table)
        if any(cell for row in rows for cell in row):
            self.tables += 1
            self.blocks.append(Table(rows=rows, where=f"table {self.tables}"))
