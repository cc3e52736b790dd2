"""The review cursor: the last text read (live text, R, a document page), read line by line, and moved
through as a screen reader's review cursor is: next and previous line and word, spell, top, find, pause
and resume. Reading ("say all") goes one line at a time, so the cursor always knows which line was being
said when it stopped, and resumes from there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from assistant.common import Earcon, Kind, Priority
from assistant.i18n import N_, _

SPELLED = {".": N_("dot"), ",": N_("comma"), "-": N_("dash"), "/": N_("slash"), ":": N_("colon"),
           ";": N_("semicolon"), "#": N_("hash"), "@": N_("at"), "&": N_("and"), "$": N_("dollar"),
           "%": N_("percent"), "*": N_("star"), "(": N_("open bracket"), ")": N_("close bracket"),
           "'": N_("apostrophe"), '"': N_("quote"), "+": N_("plus"), "=": N_("equals"), "_": N_("underscore"),
           "!": N_("exclamation mark"), "?": N_("question mark")}


def spell(word: str) -> str:
    """A word letter by letter: 'RM8.60' -> 'R, M, 8, dot, 6, 0' (the marks named in the user's language)."""
    return ", ".join(_(SPELLED[ch]) if ch in SPELLED else ch.upper() if ch.isalpha() else ch for ch in word)


class Speaker(Protocol):
    """What the review cursor needs of the speech queue (`speech.queue.Speech` has it)."""

    @property
    def user_language(self) -> str: ...

    def say(self, text: str, priority: Priority = Priority.NORMAL, kind: Kind = Kind.SPEECH, subject: str = "",
            tone: Earcon | None = None, still_true: Callable[[], bool] | None = None,
            started: Callable[[], None] | None = None, ended: Callable[[bool], None] | None = None,
            language: str | None = None) -> bool: ...

    def languages_of(self, lines: list[str]) -> list[str]: ...

    def stop(self) -> None: ...


@dataclass
class Review:
    """Thread contract: the key actions (`next_line`, `find`, ...) are called on the loop thread; `load`
    and `remember` on whichever thread hands text to speech (a lane's, or the speech thread's); the speech
    thread calls back through `started` / `ended`; one lock guards the cursor."""

    speech: Speaker
    lines: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)  # each line's, found once for the whole text
    line: int = 0
    word: int = 0  # index into the current line's words; -1: before the first word (the line was moved to)
    kind: Kind = Kind.READ
    saying_all: bool = False
    after: str = ""  # said once, when the text is read to its end ("Some words were unclear.")
    _token: int = 0  # which reading the line callbacks belong to; a move or a new text starts another
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- reading ---------------------------------------------------------------------------------
    def load(self, lines: list[str], kind: Kind, lead: str = "", say_all: bool = True,
             tone: Earcon | None = None, priority: Priority = Priority.NOW, after: str = "") -> None:
        """New text to review; read it from the top when `say_all` (a `lead` sentence said first, and
        `after` once it has been read to its end)."""
        kept = [ln for ln in lines if ln.strip()]
        languages = self.speech.languages_of(kept)  # the text as one block: a short line keeps its page's
        with self._lock:
            self.lines, self.languages = kept, languages
            self.line, self.word, self.kind, self.after = 0, -1, kind, after
            self._token += 1
        if say_all:
            if lead:  # the assistant's own words ("29 lines read."), in the user's language
                self.speech.say(lead, priority, kind, tone=tone, language=self.speech.user_language)
                priority, tone = Priority.NEXT, None
            self.say_all(priority, tone)

    def remember(self, lines: list[str], kind: Kind) -> None:
        """Text said elsewhere (live text) becomes what the keys move through; nothing is said."""
        self.load(lines, kind, say_all=False)

    def say_all(self, priority: Priority = Priority.NOW, tone: Earcon | None = None) -> bool:
        """Read from the current line to the end, one line at a time."""
        with self._lock:
            if not self.lines:
                return False
            self._token += 1
            self.saying_all = True
            token, at = self._token, self.line
        return self._say_line(at, token, priority, tone)

    def _say_line(self, index: int, token: int, priority: Priority, tone: Earcon | None = None) -> bool:
        return self.speech.say(self.lines[index], priority, self.kind, subject=f"line {index + 1}", tone=tone,
                               started=lambda: self._started(index, token),
                               ended=lambda heard: self._ended(index, token, heard), language=self._language(index))

    def _language(self, index: int) -> str | None:
        return self.languages[index] if index < len(self.languages) else None

    def _started(self, index: int, token: int) -> None:
        with self._lock:
            if token == self._token:
                self.line, self.word = index, -1

    def _ended(self, index: int, token: int, heard: bool) -> None:
        with self._lock:
            if token != self._token or not self.saying_all:
                return
            if not heard or index + 1 >= len(self.lines):
                self.saying_all = False  # stopped or cut off: the cursor stays on this line
                after, self.after = (self.after, "") if heard else ("", self.after)
            else:
                after = None
        if after is not None:
            if after:
                self.speech.say(after, Priority.NEXT, self.kind, language=self.speech.user_language)
            return
        # Ahead of announcements waiting their turn: the reading goes on without them cutting in.
        if not self._say_line(index + 1, token, Priority.NEXT):
            with self._lock:
                self.saying_all = False

    def _halt(self) -> None:
        """End reading on: the lines already handed to speech no longer lead to the next."""
        with self._lock:
            self.saying_all = False
            self._token += 1

    def pause(self) -> str:
        """Pause reading (the cursor stays on the line being read), or resume it from there."""
        if self.saying_all:
            self._halt()
            self.speech.stop()
            return "paused"
        return "resumed" if self.say_all() else "empty"

    # --- moving ----------------------------------------------------------------------------------
    def _move_say(self, text: str) -> None:
        self._halt()
        self.speech.say(text, Priority.NOW, self.kind, subject=f"line {self.line + 1}",
                        language=self._language(self.line))

    def _edge(self, words: str) -> None:
        self._halt()
        self.speech.say(words, Priority.NOW, Kind.CONTROL)

    def _empty(self) -> bool:
        if not self.lines:
            self._edge(_("Nothing read yet."))
            return True
        return False

    def next_line(self) -> None:
        if self._empty():
            return
        if self.line + 1 >= len(self.lines):
            self._edge(_("Bottom."))
            return
        self.line, self.word = self.line + 1, -1
        self._move_say(self.lines[self.line])

    def previous_line(self) -> None:
        if self._empty():
            return
        if self.line == 0:
            self._edge(_("Top."))
            return
        self.line, self.word = self.line - 1, -1
        self._move_say(self.lines[self.line])

    def top(self) -> None:
        if self._empty():
            return
        self.line, self.word = 0, -1
        self._move_say(self.lines[0])

    def _words(self, index: int) -> list[str]:
        return self.lines[index].split()

    def next_word(self) -> None:
        if self._empty():
            return
        line, word = self.line, self.word + 1
        while word >= len(self._words(line)):
            if line + 1 >= len(self.lines):
                self._edge(_("Bottom."))
                return
            line, word = line + 1, 0
        self.line, self.word = line, word
        self._move_say(self._words(line)[word])

    def previous_word(self) -> None:
        if self._empty():
            return
        line, word = self.line, (self.word if self.word >= 0 else 0) - 1
        while word < 0:
            if line == 0:
                self._edge(_("Top."))
                return
            line -= 1
            word = len(self._words(line)) - 1
        self.line, self.word = line, word
        self._move_say(self._words(line)[word])

    def current_word(self) -> str:
        words = self._words(self.line) if self.lines else []
        return words[max(0, self.word)] if words else ""

    def spell_word(self) -> None:
        if self._empty():
            return
        self._move_say(spell(self.current_word()))

    def find(self, wanted: str) -> bool:
        """Move to the next line containing `wanted` (any case), after the current one, wrapping to the
        top, and say it; or say it was not found."""
        wanted = " ".join(wanted.split()).lower()
        if not wanted:
            self._edge(_("Find: nothing typed."))
            return False
        if self._empty():
            return False
        n = len(self.lines)
        for step in range(1, n + 1):
            index = (self.line + step) % n
            if wanted in self.lines[index].lower():
                self.line, self.word = index, -1
                self._move_say(self.lines[index])
                return True
        self._edge(_("Not found: {word}.").format(word=wanted))
        return False
