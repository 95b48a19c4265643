"""Constants and escaping shared by the renderers."""

import html
from datetime import datetime

KINDS = ["html", "docx", "xlsx", "pdf", "doc", "text", "text_tika", "text_tabs", "text_pipes",
         "text_markdown", "text_cell_pipe", "text_split_headers"]
FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
FIXED_TIME = datetime(2024, 1, 1, 9, 0, 0)


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _esc_br(text: str, br: str = "<br>") -> str:
    return br.join(_esc(part) for part in text.split("\n"))
