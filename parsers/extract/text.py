"""Plain text (and markdown) reports: every layout of spec §9.2, see ``lines``."""

from __future__ import annotations

from ..blocks import Block
from ..errors import DocumentError
from .lines import lines_to_blocks


def extract_text(text: str) -> list[Block]:
    if not text.strip():
        raise DocumentError("empty document")
    return lines_to_blocks(text.splitlines())
