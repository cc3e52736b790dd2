"""Which language a text is in, so that it is read by a voice of that language.

`LanguageId` runs py3langid (its model ships inside the package: nothing is fetched), restricted to the
languages it may answer: the ones a voice here speaks, of the set text is expected in (`languages.IDENTIFIED`;
over a hundred espeak-ng languages would let Dutch pass for Afrikaans and Czech for Slovak). Measured on the
project's own sentences (tests/data/languages, 17 languages): right on 95.6% of lines, 99.5% of those of 30
characters or more, 0.13 ms a line; lingua was two points better on lines under 15 characters for six times
the memory and ten times the start-up; pycld2 said English, sure, for Spanish signs.

How a block of lines (a page, live text, a code) gets its languages (`languages_of`):
- the block as a whole is identified (its best answer) when it has `ALWAYS` characters or more; a shorter
  one when the answer is sure (`SURE`), else it is in the user's language;
- within a block, a line of `ALWAYS` characters or more is identified on its own, and keeps its own answer
  when it is fairly sure (`LINE_SURE`), else the block's: a receipt's shop name in Malay came out Finnish
  at 0.56, while on our sentences a line of 30 characters or more was right above 0.6 in 203 of 208;
- a shorter line (a price, a heading, "Sortie") keeps the block's language: too short to tell alone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence

log = logging.getLogger(__name__)

ALWAYS = 30  # characters: a line this long is identified on its own
SURE = 0.7  # py3langid's normalised probability: below it a short text keeps its surroundings' language
LINE_SURE = 0.6  # below it, a long line within a block keeps the block's language
MIN_LETTERS = 3  # fewer letters than this (a price, "WC", "OK") say nothing of a language


def letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


class LanguageId:
    """Identifies the language of lines of text among `languages`. The model (2 s and 80 MB to load) is
    loaded on a thread of its own as soon as this is made, and waited for at the first question.
    Thread contract: `identify` and `languages_of` from any thread (the model is read only)."""

    def __init__(self, languages: Iterable[str]) -> None:
        self.languages = sorted(set(languages))
        self._identifier: object | None = None
        self._error: Exception | None = None
        self._loader = threading.Thread(target=self._load, name="language-model")
        self._loader.start()

    def _load(self) -> None:
        try:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            known = set(identifier.nb_classes)
            identifier.set_languages([code for code in self.languages if code in known])
            self._identifier = identifier
        except Exception as exc:  # no model: every text is read in the user's language
            self._error = exc
            log.warning("Languages are not told apart (%s): text is read in your language.", exc)

    def close(self) -> None:
        self._loader.join()

    def identify(self, text: str) -> tuple[str, float] | None:
        """The language of `text` and how sure (0..1), or None when it cannot be told (no letters, no model)."""
        if letters(text) < MIN_LETTERS:
            return None
        self._loader.join()
        if self._identifier is None or len(self.languages) < 2:
            return (self.languages[0], 1.0) if len(self.languages) == 1 else None
        code, probability = self._identifier.classify(text)  # type: ignore[attr-defined]
        return str(code), float(probability)

    def languages_of(self, lines: Sequence[str], default: str) -> list[str]:
        """A language for each line of one block, `default` (the user's) where it cannot be told."""
        block = " ".join(lines)
        found = self.identify(block)
        block_language = found[0] if found and (len(block) >= ALWAYS or found[1] >= SURE) else default
        if len(lines) == 1:
            return [block_language]
        out = []
        for line in lines:
            own = self.identify(line) if len(line) >= ALWAYS else None
            out.append(own[0] if own and own[1] >= LINE_SURE else block_language)
        return out
