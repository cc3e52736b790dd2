"""Whether a line the OCR read is text, or noise that only looks like text: a speck, a pattern, the edge
of a sign read as letters. Noise is not said in describe, describe-now or live; a page read with R or
`assistant read` is read whole.

A line is text when it holds at least one of:
- a word of a language: `MIN_WORD` or more letters, a word of English or of the user's language (the word
  lists of `pyspellchecker`, shipped in its wheel: frequency lists of subtitles, 86,000 to 340,000 words);
- a number: two or more digits in a row ("10", "47-129", "14:50"), or a digit by a currency sign ("$3");
- a name: a word of `MIN_NAME` or more letters not in the lists but made like their words: every three
  letters in a row, and its first two and last two, are found in at least `MIN_SEEN` of their words, and
  no letter comes three times in a row ("JOHOR", "TAMAN", "ZULIA"; not "FHINA", "HAAAA");
- two or more letters of a script without spaces between words (Chinese, Japanese, Thai), which no word
  list here can check.
Else it is noise: "HAAAA FHINA", "ETFL", "FIF", ".Et", "NG", "1O", a letter or a digit on its own.
"""

from __future__ import annotations

import gzip
import importlib.resources
import json
import logging
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

from assistant.i18n import language
from assistant.languages import ROWS

log = logging.getLogger(__name__)

MIN_WORD = 3
MIN_NAME = 4
MIN_SEEN = 3
LIST_LANGUAGES = tuple(row.code for row in ROWS if row.word_list)  # the lists of pyspellchecker's that are read
LETTERS = re.compile(r"[^\W\d_]+")
NUMBER = re.compile(r"\d{2,}|[$€£¥₹]\s?\d|\d\s?[$€£¥₹]")
REPEATED = re.compile(r"(.)\1\1")


class WordList:
    """The words of one language (lower case) and how often each three letters in a row occur in them."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(words)
        self.trigrams = Counter(f"^{w}$"[i:i + 3] for w in self.words for i in range(len(w)))

    def has(self, word: str) -> bool:
        return word in self.words

    def made_like(self, word: str) -> bool:
        """Every three letters in a row of `word` (with its edges) are found in `MIN_SEEN` words."""
        edged = f"^{word}$"
        return all(self.trigrams[edged[i:i + 3]] >= MIN_SEEN for i in range(len(edged) - 2))


_lists: dict[str, WordList | None] = {}
_lock = threading.Lock()


def word_list(language: str) -> WordList | None:
    """The word list of `language`, read once (about half a second); None where there is none (logged once)."""
    with _lock:
        if language not in _lists:
            _lists[language] = _read(language)
        return _lists[language]


def _read(language: str) -> WordList | None:
    if language not in LIST_LANGUAGES:
        return None
    try:
        resource = importlib.resources.files("spellchecker") / "resources" / f"{language}.json.gz"
        with resource.open("rb") as fh, gzip.open(fh, "rt", encoding="utf-8") as text:
            words = json.load(text)
    except (ModuleNotFoundError, OSError, ValueError) as exc:
        log.warning("No word list for %s (%s): text is said without telling words from noise. "
                    "Run `make setup` to install pyspellchecker.", language, exc)
        return None
    return WordList(w for w in words if w.isalpha())


def _scriptio_continua(ch: str) -> bool:
    """A letter of a script written without spaces between words (CJK, kana, Thai, Lao, Khmer, Myanmar)."""
    name = unicodedata.name(ch, "")
    return name.startswith(("CJK ", "HIRAGANA", "KATAKANA", "THAI", "LAO", "KHMER", "MYANMAR", "HANGUL"))


def said_languages() -> tuple[str, ...]:
    """English and the user's language: whose words a line may hold."""
    return tuple(dict.fromkeys(("en", language())))


def is_text(line: str, languages: Sequence[str] | None = None) -> bool:
    """Whether `line` is text worth saying (see the module's docstring), by the word lists of `languages`
    (English and the user's language when not given)."""
    if NUMBER.search(line):
        return True
    chosen = said_languages() if languages is None else languages
    lists = [wl for wl in (word_list(lang) for lang in dict.fromkeys(chosen)) if wl is not None]
    if not lists:
        return any(len(w) >= MIN_WORD for w in LETTERS.findall(line))  # no list: only stray letters are noise
    for token in LETTERS.findall(line):
        if sum(_scriptio_continua(ch) for ch in token) >= 2:
            return True
        word = token.lower()
        if len(word) >= MIN_WORD and any(wl.has(word) for wl in lists):
            return True
        if len(word) >= MIN_NAME and not REPEATED.search(word) and any(wl.made_like(word) for wl in lists):
            return True
    return False


def text_lines(lines: Iterable[str], languages: Sequence[str] | None = None) -> list[str]:
    """The lines of `lines` that are text, in their order."""
    return [line for line in lines if is_text(line, languages)]
