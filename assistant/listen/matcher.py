"""Text heard -> a command and its argument, in the user's language (`phrases.ROWS`, through the catalogs).

Words are compared without case, accents or punctuation ("What's in front of me?" is "what s in front of
me"). The words around a command that change nothing ("please", "can you") are dropped first, and so is a
wake word. Then an exact match; failing that, a near miss of a long phrase (an edit distance of at most
`NEAR` of its letters, and only for phrases of `MIN_NEAR_LETTERS` or more: a short word's near miss is
another word) when one command alone is that near. A command that cannot be undone is never a near miss.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from assistant import i18n
from assistant.listen import phrases
from assistant.listen.phrases import ROWS, SLOT, Command, alternatives
from assistant.textdist import levenshtein

NEAR = 0.15  # edits allowed per letter of a phrase, in a near miss
MIN_NEAR_LETTERS = 8  # shorter phrases must be heard exactly ("stop" is not "shop")
WAKE_EDITS = 2  # "assistance", "assistent": the wake word is not a command, a near miss wakes
_NOT_A_WORD = re.compile(r"[\W_]+")  # punctuation, apostrophes, hyphens, spaces: linear


@dataclass(frozen=True)
class Match:
    """A command heard, and what it names (`argument`: "keys" for "find my keys"; a mode's name), or None."""

    command: Command
    argument: str | None = None


@dataclass(frozen=True)
class Pattern:
    """One phrase: its folded words before and after the slot (`slot`: whether it takes a name)."""

    command: Command
    argument: str | None
    before: tuple[str, ...]
    after: tuple[str, ...]
    slot: bool

    @property
    def size(self) -> int:
        return len(self.before) + len(self.after)


def fold(word: str) -> str:
    """A word as compared: lower case, without accents ("Décris" -> "decris", "Straße" -> "strasse")."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def split(text: str) -> list[str]:
    """The words of `text`, as written (punctuation, apostrophes and hyphens split words)."""
    return _NOT_A_WORD.sub(" ", unicodedata.normalize("NFKC", text)).split()


def folded(text: str) -> tuple[str, ...]:
    return tuple(fold(w) for w in split(text))


def _translator(language: str) -> Callable[[str], str]:
    if language == "en":
        return lambda message: message
    return gettext.translation(i18n.DOMAIN, i18n.LOCALE_DIR, languages=[language], fallback=True).gettext


class Matcher:
    """The commands of one language (English where its catalog lacks them). Pure: no model, no state."""

    def __init__(self, language: str = "en") -> None:
        self.language = language
        say = _translator(language)
        self.patterns: list[Pattern] = []
        self.names: dict[tuple[Command, str | None], str] = {}  # the first phrase of each row, for display
        for row in ROWS:
            for phrase in alternatives(say(row.phrases)):
                self.names.setdefault((row.command, row.argument), phrase)
                before, _, after = phrase.partition(SLOT)
                self.patterns.append(Pattern(row.command, row.argument, folded(before), folded(after),
                                             SLOT in phrase))
        self.patterns.sort(key=lambda p: -p.size)  # "learn the face of {name}" before "learn {name}"
        self.determiners = {w for a in alternatives(say(phrases.DETERMINERS)) for w in folded(a)}
        self.fillers = sorted((folded(a) for a in alternatives(say(phrases.FILLERS))), key=len, reverse=True)
        self.wake_words = {fold(w) for w in (*phrases.WAKE_SPELLINGS, *alternatives(say(phrases.WAKE)))}
        self.yes = {folded(a) for a in alternatives(say(phrases.YES))}
        self.no = {folded(a) for a in alternatives(say(phrases.NO))}

    def match(self, text: str) -> Match | None:
        """The command in `text` (a wake word before it is dropped), or None."""
        said = split(text)
        words = [fold(w) for w in said]
        start, end = self._trim(words)
        if start < end and self._is_wake(words[start]):
            start, end = self._trim(words, start + 1)
        said, words = said[start:end], words[start:end]
        if not words:
            return None
        return self._exact(said, words) or self._near(said, words)

    def wake(self, text: str) -> str | None:
        """What follows the wake word ("assistant, stop" -> "stop"; "" when nothing does), or None when `text`
        does not start with it (then nothing in it is for the assistant)."""
        said = split(text)
        words = [fold(w) for w in said]
        start, _ = self._trim(words)
        if start >= len(words) or not self._is_wake(words[start]):
            return None
        return " ".join(said[start + 1:])

    def answer(self, text: str) -> bool | None:
        """True for a yes, False for a no (to "are you sure?"), None when it is neither: exact words only."""
        words = folded(text)
        start, end = self._trim(list(words))
        for heard in (words, words[start:end]):  # "okay" is a yes, and so is "yes please"
            if heard in self.yes or heard in self.no:
                return heard in self.yes
        return None

    def phrase(self, match: Match) -> str:
        """How the command is said in this language ("find keys", "scene mode"), for a line on the screen."""
        key = (match.command, match.argument if match.command is Command.MODE else None)
        return self.names[key].replace(SLOT, match.argument or "").strip()

    def _is_wake(self, word: str) -> bool:
        return word in self.wake_words or any(levenshtein(word, w) <= WAKE_EDITS for w in self.wake_words)

    def _trim(self, words: list[str], start: int = 0) -> tuple[int, int]:
        """The bounds of `words` once the fillers at either end are dropped."""
        end, changed = len(words), True
        while changed and start < end:
            changed = False
            for filler in self.fillers:
                n = len(filler)
                if tuple(words[start:start + n]) == filler and start + n <= end:
                    start, changed = start + n, True
                elif end - n >= start and tuple(words[end - n:end]) == filler:
                    end, changed = end - n, True
        return start, end

    def _exact(self, said: list[str], words: list[str]) -> Match | None:
        heard = tuple(words)
        for p in self.patterns:
            if not p.slot and heard == p.before:
                return Match(p.command, p.argument)
        for p in self.patterns:
            if p.slot and len(heard) >= p.size and heard[:len(p.before)] == p.before \
                    and heard[len(heard) - len(p.after):] == p.after:
                return Match(p.command, self._argument(said[len(p.before):len(said) - len(p.after)]))
        return None

    def _near(self, said: list[str], words: list[str]) -> Match | None:
        """The one command whose phrase `words` is a near miss of; None when none is, or two are as near."""
        found: dict[tuple[Command, str | None], tuple[int, Pattern]] = {}
        for p in self.patterns:
            wanted = " ".join(p.before + p.after)
            allowed = int(len(wanted) * NEAR) if len(wanted) >= MIN_NEAR_LETTERS else 0
            if p.command.strict or not allowed or (p.slot and len(words) < p.size):
                continue
            # A phrase with a name: the words before and after the name, as many as the phrase has.
            heard = words[:len(p.before)] + words[len(words) - len(p.after):] if p.slot else words
            distance = levenshtein(" ".join(heard), wanted)
            key = (p.command, p.argument)
            if distance <= allowed and (key not in found or distance < found[key][0]):
                found[key] = (distance, p)
        if not found:
            return None
        nearest = min(d for d, _ in found.values())
        patterns = [p for d, p in found.values() if d == nearest]
        if len(patterns) > 1:
            return None
        p = patterns[0]
        if not p.slot:
            return Match(p.command, p.argument)
        return Match(p.command, self._argument(said[len(p.before):len(said) - len(p.after)]))

    def _argument(self, said: list[str]) -> str | None:
        """The name in the words after a command, without the words before a name ("my", "the")."""
        while said and fold(said[0]) in self.determiners:
            said = said[1:]
        return " ".join(said) or None
