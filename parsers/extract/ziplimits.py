"""Refuse zip bombs and broken zips before python-docx or openpyxl unpack them.

DOCX and XLSX are zip archives, and both libraries read whole members into memory. A crawler
downloads whatever a portal (or an attacker) serves, so the central directory is checked first:
it declares every member's sizes, and ``zipfile`` never inflates a member beyond its declared
size (a lying entry fails its CRC check instead), so checking the declared sizes is enough.
"""

from __future__ import annotations

import io
import zipfile

from parsers.errors import DocumentError

MAX_TOTAL_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 200
RATIO_APPLIES_ABOVE = 10 * 1024 * 1024
MAX_MEMBERS = 10_000


def check_zip(data: bytes, kind: str, required: str) -> None:
    """Raise DocumentError unless ``data`` is a sane zip holding ``required``.

    ``kind`` ("DOCX", "XLSX") only words the message.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise DocumentError(f"corrupt {kind}: not a readable zip archive ({exc})") from None
    if len(infos) > MAX_MEMBERS:
        raise DocumentError(f"corrupt {kind}: {len(infos)} zip members (possible zip bomb)")
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_UNPACKED:
        raise DocumentError("document too large when unpacked (possible zip bomb)")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_APPLIES_ABOVE and ratio > MAX_RATIO:
            raise DocumentError("document too large when unpacked (possible zip bomb)")
    if required not in {info.filename for info in infos}:
        raise DocumentError(f"not a {kind}: the zip has no {required}")
