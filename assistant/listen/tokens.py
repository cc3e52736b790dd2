"""Whisper's tokens: text <-> its byte-level BPE tokens, from the model's `vocabulary.txt` (checked against the
manifest; the build checked it lists the tokens of the published `tokenizer.json`), in plain Python.

Byte-level BPE (GPT-2's): text is cut into pieces (a word with the space before it, a number, a run of
punctuation, spaces), each piece's UTF-8 bytes are written with one character a byte (printable Latin-1
bytes as themselves, the others from U+0100 on), and neighbours are joined, the pair whose join is the
earliest token of the vocabulary first, until no join is a token. That is how OpenAI's tokenizer ranks
merges (a token's id is its rank), and it needs no merge list: `tokenizer.json`'s lacks the very first
merge ("Ġ t", token 256). Decoding reads the characters back as bytes.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

END_OF_TEXT = 50257  # token ids from here on are Whisper's own (language, task, timestamps), not text
# GPT-2's pieces: contractions, letters, digits, other symbols, each with the space before it; spaces.
# Python's re has no \p{L}: a letter is a word character that is neither a digit nor "_". Linear.
_PIECES = re.compile(r"'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+")


def _byte_alphabet() -> list[str]:
    """The character that stands for each byte 0..255: printable Latin-1 bytes stand for themselves; the
    others, in order, for the characters from U+0100 on."""
    printable = [*range(0x21, 0x7F), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    alphabet, extra = [""] * 256, 0
    for b in range(256):
        if b in printable:
            alphabet[b] = chr(b)
        else:
            alphabet[b], extra = chr(0x100 + extra), extra + 1
    return alphabet


ALPHABET = _byte_alphabet()
BYTES = {ch: b for b, ch in enumerate(ALPHABET)}


def decode(tokens: list[str]) -> str:
    """The text of Whisper's byte-level tokens (a character outside the alphabet is dropped)."""
    data = bytes(BYTES[ch] for token in tokens for ch in token if ch in BYTES)
    return data.decode("utf-8", errors="replace").strip()


class Tokenizer:
    """Text -> Whisper's token strings (`encode`), token ids -> text (`text`)."""

    def __init__(self, vocabulary_txt: Path) -> None:
        self.vocabulary = vocabulary_txt.read_text(encoding="utf-8").split("\n")
        self.ids = {token: i for i, token in enumerate(self.vocabulary) if token}
        self._bpe = functools.lru_cache(maxsize=4096)(self._merge)

    def __contains__(self, token: str) -> bool:
        return token in self.ids

    def text(self, ids: list[int]) -> str:
        return decode([self.vocabulary[i] for i in ids if 0 <= i < END_OF_TEXT])

    def encode(self, text: str) -> list[str]:
        """The token strings of `text`, as Whisper's tokenizer cuts it."""
        out: list[str] = []
        for piece in _PIECES.findall(text):
            out.extend(self._bpe("".join(ALPHABET[b] for b in piece.encode("utf-8"))))
        return out

    def _merge(self, word: str) -> tuple[str, ...]:
        parts = list(word)
        while len(parts) > 1:
            ranks = [self.ids.get(a + b, END_OF_TEXT) for a, b in zip(parts, parts[1:])]
            best = min(ranks)
            if best >= END_OF_TEXT:  # no join is a text token
                break
            merged, i = [], 0
            while i < len(parts):
                if i + 1 < len(parts) and self.ids.get(parts[i] + parts[i + 1]) == best:
                    merged.append(parts[i] + parts[i + 1])
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            parts = merged
        return tuple(parts)
