"""Text from outside (codes, files, OCR, the config, file names) as it may reach a terminal, a voice or a JSON
line: only as itself. Escape sequences, control characters, bidirectional overrides and zero-width (format)
characters can move the cursor, retitle the window, reorder or hide text from a screen reader, or start a
line of their own that reads as if the assistant had said it.

- `plain(text)`: one line: line breaks become spaces; escape sequences and invisible characters removed.
- `printable(text)`: the same, but "\\n" is kept: for text the assistant composed of lines (a page read out).
- `json_line(obj)`: one valid JSON line whatever the strings hold (a file name that is not UTF-8 included).

Every pattern here is linear: no nested quantifiers, and the bodies of escape sequences are bounded (an
unterminated one loses its escape character, never the text after it).
"""

from __future__ import annotations

import json
import re

# ESC [ ... final (CSI); ESC ] ... BEL or ESC \ (OSC); ESC P/X/^/_ ... ESC \ (DCS, SOS, PM, APC); ESC and one
# character. A string sequence counts only when it is terminated within 512 characters.
_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]{0,64}[ -/]{0,16}[@-~]|\][^\x07\x1b]{0,512}(?:\x07|\x1b\\)"
                              r"|[PX^_][^\x07\x1b]{0,512}(?:\x07|\x1b\\)|[ -/]{0,2}[0-~])")
# Format characters (Unicode category Cf: soft hyphen, bidi marks, embeddings, overrides and isolates,
# zero-width space and joiners, word joiner, invisible operators, byte-order mark, interlinear annotation,
# tag characters), written out so that importing costs nothing; a test checks it against `unicodedata`.
FORMAT_CHARACTERS = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
           "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
           "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
_INVISIBLE = re.compile(f"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f{FORMAT_CHARACTERS}]")  # C0 but breaks, DEL, C1 but NEL
_BREAK = re.compile(r"[\t\n\x0b\x0c\r\x1c-\x1f\x85\u2028\u2029]")  # line and paragraph breaks, tabs
_BREAK_BUT_NEWLINE = re.compile(r"[\t\x0b\x0c\r\x1c-\x1f\x85\u2028\u2029]")
SURROGATES = re.compile("[\ud800-\udfff]")
_JSON_ESCAPED = re.compile(f"[\x7f-\x9f\u2028\u2029{FORMAT_CHARACTERS}]")


def _undecodable(m: re.Match[str]) -> str:
    """A byte that was not UTF-8 (kept by Python as a lone surrogate, as in a file name) shown as `\\xNN`."""
    code = ord(m.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else "\ufffd"


def _clean(text: str) -> str:
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = SURROGATES.sub(_undecodable, text)
    return _INVISIBLE.sub("", text)


def plain(text: str) -> str:
    """Outside text as one line of itself: line breaks and tabs become spaces; escape sequences, control,
    bidirectional and zero-width characters are removed; a byte that was not UTF-8 is shown as `\\xNN`."""
    return _BREAK.sub(" ", _clean(text))


def printable(text: str) -> str:
    """`plain`, but "\\n" is kept: text the assistant made of several lines."""
    return _BREAK_BUT_NEWLINE.sub(" ", _clean(text))


def _json_escape(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04x}"


def json_line(obj: object) -> str:
    """One JSON object on one line, non-ASCII text as is but every character a terminal obeys or hides escaped
    (json escapes C0; DEL, C1, line separators and format characters are escaped here). A byte that was not
    UTF-8 (a file name's) is written `\\xNN` inside the string, so the line is valid UTF-8 and valid JSON."""
    text = json.dumps(obj, ensure_ascii=False)
    text = SURROGATES.sub(lambda m: _undecodable(m).replace("\\", "\\\\"), text)
    return _JSON_ESCAPED.sub(_json_escape, text)
