"""Old binary Word (.doc) and Kingsoft WPS (.wps) to blocks, by converting to DOCX with LibreOffice.

Many county-level reports are still attached as .doc or .wps. No pure-Python reader gets their
tables right, and LibreOffice does, so the file is converted (headless, in a private temporary
profile so concurrent conversions never share or lock one) and read by the DOCX extractor.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from parsers.blocks import Block
from parsers.errors import DocumentError
from parsers.extract.docx import extract_docx

TIMEOUT_SECONDS = 120
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
NOT_INSTALLED = ("cannot read .doc/.wps: LibreOffice (soffice) is not installed; "
                 "install the Debian package libreoffice-writer-nogui")


def soffice_path() -> str | None:
    """The LibreOffice binary on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def extract_doc(data: bytes, timeout: float = TIMEOUT_SECONDS) -> list[Block]:
    """Convert .doc/.wps bytes to DOCX with LibreOffice, then extract that.

    Only OLE2 (Word binary, WPS) and RTF (often served as .doc) are handed over: LibreOffice would
    happily "convert" any other bytes as plain text and return garbage paragraphs.
    """
    if not data.startswith((_OLE2_MAGIC, b"{\\rtf")):
        raise DocumentError("not a .doc/.wps file: no Word binary (OLE2) or RTF header")
    return extract_docx(convert(data, "docx", timeout=timeout))


def convert(data: bytes, target: str, suffix: str = ".doc", timeout: float = TIMEOUT_SECONDS) -> bytes:
    """Convert a document with ``soffice --convert-to target``; DocumentError on any failure.

    LibreOffice detects the input format from the content; ``suffix`` only helps its filter guess.
    """
    soffice = soffice_path()
    if soffice is None:
        raise DocumentError(NOT_INSTALLED)
    with tempfile.TemporaryDirectory(prefix="nianbao-soffice-") as tmp:
        source = Path(tmp, "input" + suffix)
        source.write_bytes(data)
        outdir = Path(tmp, "out")
        command = [
            soffice, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}",
            "--convert-to", target, "--outdir", str(outdir), str(source),
        ]
        env = dict(os.environ, HOME=tmp)  # LibreOffice also writes caches under $HOME
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   env=env, start_new_session=True)
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # soffice forks soffice.bin: kill the group
            process.communicate()
            raise DocumentError(f"LibreOffice conversion timed out after {timeout:g} s") from None
        outputs = list(outdir.glob(f"*.{target.split(':')[0]}")) if outdir.exists() else []
        if process.returncode != 0 or not outputs or outputs[0].stat().st_size == 0:
            reason = _last_line(stderr) or f"exit status {process.returncode}, no output"
            raise DocumentError(f"LibreOffice could not convert the document: {reason}")
        return outputs[0].read_bytes()


def _last_line(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""
