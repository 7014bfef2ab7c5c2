"""Old Word files (.doc): Word's binary format through antiword, and the ".doc" that is text.

Portals attach both: real Word 97–2003 files, and plain text (often in the
TCVN3 or VNI encodings) saved with a ``.doc`` name. antiword (GPL, a Debian
package) runs as a separate program with a timeout; without it, binary DOCs
are unsupported and their bytes stay in the WARC files.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile

from archive.doctext.registry import reads
from archive.doctext.result import DocumentText, ReadingLimits, TextStatus, tidy_lines
from archive.legacy import convert_legacy, decode_8bit, detect_legacy

# Every OLE2 (Compound File) container starts with these bytes: Word 97–2003 and older.
_OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
ANTIWORD_SECONDS = 20


@reads("doc", "txt")
def read_doc(body: bytes, limits: ReadingLimits) -> DocumentText:
    if body.startswith(_OLE2_MAGIC):
        return _read_word_binary(body, limits)
    if b"\x00" in body:
        # Binary, but no Word file: WordPerfect, a renamed image, …
        return DocumentText.without_text(TextStatus.UNSUPPORTED)
    return plain_text(decode_8bit(body), limits)


def plain_text(text: str, limits: ReadingLimits) -> DocumentText:
    """A text document's text, converted from TCVN3 or VNI when it is in one of them."""
    text = text[: limits.max_characters]
    encoding = detect_legacy(text)
    status = TextStatus.PARTIAL if len(text) == limits.max_characters else TextStatus.TEXT
    return DocumentText(tidy_lines(convert_legacy(text, encoding)), status, encoding)


def _read_word_binary(body: bytes, limits: ReadingLimits) -> DocumentText:
    antiword = shutil.which("antiword")
    if antiword is None:
        return DocumentText.without_text(TextStatus.UNSUPPORTED)
    with tempfile.NamedTemporaryFile(suffix=".doc") as file:
        file.write(body)
        file.flush()
        try:
            # -w 0: one line per paragraph, not wrapped at 80 columns.
            done = subprocess.run(
                [antiword, "-m", "UTF-8.txt", "-w", "0", file.name],
                capture_output=True,
                timeout=ANTIWORD_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return DocumentText.without_text(TextStatus.TIMEOUT)
    if done.returncode != 0:
        return DocumentText.without_text(TextStatus.FAILED)
    return plain_text(done.stdout.decode("utf-8", "replace"), limits)
