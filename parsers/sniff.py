"""Tell the input kind from the bytes, and decode text the way Chinese portals need.

Portals lie about their files: a ``.pdf`` link serves an HTML error page, a ``.doc`` is really a
DOCX, a scanned page is a JPEG behind a ``.pdf`` name, and ``Content-Type`` headers are often
``application/octet-stream``. So the kind is decided from magic numbers and container contents
only, never from a name or a header, and each kind is routed to its extractor.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Iterable

KINDS = (
    "pdf", "html", "docx", "xlsx", "doc", "xls", "wps", "ofd",
    "text", "image", "zip", "empty", "unknown",
)

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGICS = (
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",  # TIFF little-endian
    b"MM\x00*",  # TIFF big-endian
)
_HTML_START = re.compile(r"<\s*(!doctype|html|head|body|meta|table|div|p|span|title)[\s>/]", re.I)
_WHITESPACE = b" \t\r\n\f\v\x00"

# Labels whose encodings decode any byte string "cleanly", so a clean decode proves nothing.
_WEAK_LABELS = {"ascii", "latin-1", "iso8859-1", "cp1252"}


def sniff_kind(data: bytes) -> str:
    """One of ``KINDS``, from the bytes alone."""
    if not data or not data.strip(_WHITESPACE):
        return "empty"
    head = data[:1024]
    if b"%PDF-" in head:  # some servers prepend a BOM, blank lines or a stray header
        return "pdf"
    if data.startswith(_OLE2_MAGIC):
        return _ole2_kind(data)
    if data.startswith(b"{\\rtf"):  # Word saves RTF under .doc; LibreOffice (extract_doc) reads it
        return "doc"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data)
    if data.startswith(_IMAGE_MAGICS) or (data.startswith(b"BM") and len(data) > 26):
        return "image"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image"
    text = decode_text(data[:4096])
    if not text.strip(" \t\r\n\f\v\u3000\ufeff\xa0"):
        return "empty"
    if _HTML_START.search(text):
        return "html"
    if _looks_like_text(data):
        return "text"
    return "unknown"


def _ole2_kind(data: bytes) -> str:
    """Classify an OLE2 (Compound File) container by the names of its streams.

    Directory entries are 128 bytes, start on 128-byte boundaries (sectors are 512 or 4096 bytes
    after a 512-byte header) and begin with the UTF-16LE stream name, NUL-terminated. Looking for
    aligned names is enough to classify without an OLE library. Kingsoft WPS saves documents in the
    Word binary format (a ``WordDocument`` stream), so those are reported as ``doc``; only an OLE2
    file with a Works/WPS-style ``CONTENTS`` stream and no Word stream is reported as ``wps``.
    Encrypted OOXML (``EncryptedPackage``) cannot be told apart without the password: ``unknown``.
    """
    names = {n for n in ("WordDocument", "Workbook", "Book", "CONTENTS", "EncryptedPackage")
             if _has_ole2_entry(data, n)}
    if "WordDocument" in names:
        return "doc"
    if "Workbook" in names or "Book" in names:
        return "xls"
    if "CONTENTS" in names:
        return "wps"
    return "unknown"


def _has_ole2_entry(data: bytes, name: str) -> bool:
    needle = name.encode("utf-16-le") + b"\x00\x00"
    start = data.find(needle, 512)
    while start != -1:
        if start % 128 == 0:
            return True
        start = data.find(needle, start + 1)
    return False


def _zip_kind(data: bytes) -> str:
    """OOXML and OFD are zip files; the member names say which one (reading only the directory)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "OFD.xml" in names or "ofd.xml" in names:
        return "ofd"
    if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
        return "docx"
    return "zip"


def _looks_like_text(data: bytes) -> bool:
    """True if the bytes decode in a text encoding we know and carry few control characters."""
    sample = data[:65536]
    try:
        text = _decode_strict(sample, trim_tail=len(data) > len(sample))
    except UnicodeDecodeError:
        return False
    if not text:
        return False
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return controls <= max(2, len(text) // 200)


def _decode_strict(sample: bytes, trim_tail: bool) -> str:
    """BOM-aware strict decode; a sample cut mid-character may drop up to 3 trailing bytes."""
    bom = _bom_codec(sample)
    candidates = [bom] if bom else ["utf-8", "gb18030"]
    for codec in candidates:
        for cut in range(4 if trim_tail else 1):
            try:
                return sample[: len(sample) - cut].decode(codec)
            except UnicodeDecodeError:
                continue
    raise UnicodeDecodeError("gb18030", sample, 0, 1, "not text")


def _bom_codec(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def normalise_charset(label: str | None) -> str | None:
    """A Python codec name for a charset label; GBK and GB2312 pages are decoded as GB18030.

    GB18030 is a superset of both, and pages labelled gb2312 routinely use GBK-only characters
    (e.g. 镕, 堃), which a strict gb2312 decode rejects.
    """
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in {"gbk", "gb2312", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "gb18030", "gb-2312"}:
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_text(data: bytes, declared: str | Iterable[str | None] | None = None) -> str:
    """Decode a page or text file, never failing.

    Order: a BOM; strict UTF-8 (valid multi-byte UTF-8 is decisive evidence, and portals migrated
    from GBK to UTF-8 often keep a stale ``gb2312`` label); the declared charset(s) (HTTP header,
    ``<meta>``), in order, when one decodes cleanly; GB18030; finally GB18030 with replacement.
    ``declared`` may be one label or several (e.g. header then meta). A declared UTF-16 without BOM
    is tried first, since ASCII in UTF-16 is also valid UTF-8.
    """
    bom = _bom_codec(data)
    if bom:
        return data.decode(bom, errors="replace")
    labels = [declared] if isinstance(declared, str) or declared is None else list(declared)
    codecs_declared = [c for c in (normalise_charset(label) for label in labels) if c]
    ordered = [c for c in codecs_declared if c.startswith("utf-16") or c.startswith("utf-32")]
    ordered += ["utf-8"]
    ordered += [c for c in codecs_declared if c not in ordered and c not in _WEAK_LABELS]
    ordered += ["gb18030"]
    for codec in ordered:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("gb18030", errors="replace")
