"""Text for a terminal and JSON lines: file names and read text can hold escape sequences and control
characters, which must never reach a terminal raw (they can move the cursor, retitle the window, or hide
text from a screen reader). Plain output strips them; JSON keeps them, escaped."""

from __future__ import annotations

import json
import re
from typing import Any

_ESCAPE_SEQUENCE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_C1_AND_DEL = re.compile(r"[\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` without escape sequences and control characters (line breaks and tabs kept)."""
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def json_line(obj: Any) -> str:
    """One JSON object on one line, non-ASCII text as is but every control character escaped (json escapes
    C0; DEL and C1, which a terminal also obeys, are escaped here)."""
    return _C1_AND_DEL.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(obj, ensure_ascii=False))
