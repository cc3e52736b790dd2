"""A voice for each language: the user's own for the assistant's words, and one for each language text is
read in (the neural voice for English, an espeak-ng voice for the others, or the one `[speech.voices]`
names), made when first needed.

A speech service as the user's voice (`Voices.service`) says every language itself: each piece goes to it
with its language.

`Voices.plan` cuts what is to be said into pieces of one language each, with the words each voice is
given; the speech queue says a piece in another language than the user's after naming the language once
("French."), and the same plan is what `say --dry-run --json` prints.

A voice is given only the letters it can say (`languages.scripts`: Greek for a Greek voice, Cyrillic for a
Russian one): a piece in a language no voice here speaks goes to the user's voice, which says its Latin
letters. Letters no voice of the plan can say are left out, and the user's voice says once, at the end, "Some
text in another script." A piece left with nothing to say is not named first: "Greek." before nothing would
promise words that never come.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeAlias, cast

from assistant.i18n import _
from assistant.languages import IDENTIFIED, LANGUAGES, record, scripts
from assistant.speech.identify import LanguageId
from assistant.speech.spoken import OTHER_SCRIPT, said, spoken
from assistant.textout import printable

if TYPE_CHECKING:
    from assistant.speech.speaker import Speaker
    from assistant.speech.synth import Synthesizer, VoiceInfo

log = logging.getLogger(__name__)
Voice: TypeAlias = "Synthesizer | Speaker"  # a voice that gives samples, or a service that speaks itself


def language_name(code: str) -> str:
    """The name of a language in the user's language ("French", "Französisch"); its code when unknown."""
    return _(LANGUAGES[code].name) if code in LANGUAGES else code


@dataclass(frozen=True)
class VoiceChoice:
    engine: str  # a speech back-end ("piper", "system")
    voice: str  # its voice name, "" for the engine's default


@dataclass(frozen=True)
class Piece:
    """Part of an utterance in one language: the voice that says it and the words it is given."""

    language: str
    voice: str
    text: str


def speaks(info_language: str, code: str) -> bool:
    """Whether a voice listed with `info_language` ("fr-fr", "en_US", "nb,no") speaks the language `code`."""
    language = record(code)
    wanted = (language.code, *language.tags)  # Norwegian voices are listed as "nb" or "nn" too
    return any(part.strip().lower().replace("_", "-").split("-")[0] in wanted for part in info_language.split(","))


def choose(code: str, chosen: dict[str, str], catalogue: Iterable[VoiceInfo]) -> VoiceChoice | None:
    """The voice for language `code`: the one `chosen` names, else the neural voice for English, else the
    first system voice that speaks it (one whose region is the language's own first: fr-fr before fr-be)."""
    voices = list(catalogue)
    if code in chosen:
        wanted = chosen[code]
        named = next((v for v in voices if v.name == wanted), None) or next(
            (v for v in voices if wanted.lower() in (t.strip().lower() for t in v.language.split(","))), None)
        if named is not None:
            return VoiceChoice(named.engine, named.name)
        log.warning("The voice %r for %s is not installed: the first one that speaks it is used.", chosen[code],
                    record(code).name)
    neural = [v for v in voices if v.engine == "piper" and speaks(v.language, code)]
    if neural:
        return VoiceChoice("piper", neural[0].name)
    system = [v for v in voices if v.engine == "system" and speaks(v.language, code)]
    system.sort(key=lambda v: (v.language.lower().replace("_", "-") not in (code, f"{code}-{code}"), v.language))
    return VoiceChoice("system", system[0].name) if system else None


class Voices:
    """The voices of one speech queue. Thread contract: `synth` and `plan` on the speech thread (they make
    voices); `languages_of` from any thread; `close` once, at the end."""

    def __init__(self, first: Voice | None, language: str, chosen: dict[str, str] | None = None,
                 identify: LanguageId | None = None, threads: int = 1, catalogue: Iterable[VoiceInfo] | None = None,
                 first_name: str = "") -> None:
        """`first` is the user's voice, already made (None where nothing is spoken: a dry run, which needs
        only the voices' names; `first_name` then names it)."""
        self.user, self.first, self.identify, self.threads = language, first, identify, threads
        self.chosen = dict(chosen or {})
        self._catalogue = list(catalogue) if catalogue is not None else None
        self._synths: dict[str, Voice | None] = {language: first} if first is not None else {}
        self._names: dict[str, str] = {language: first_name or getattr(first, "voice_name", "")
                                       or getattr(first, "name", "")}

    @property
    def catalogue(self) -> list[VoiceInfo]:
        if self._catalogue is None:
            from assistant.speech.synth import voices_iter

            self._catalogue = list(voices_iter())
        return self._catalogue

    @property
    def service(self) -> bool:
        """Whether the user's voice is a speech service, which says every piece itself, each in its language."""
        from assistant.speech.speaker import is_speaker

        return is_speaker(self.first)

    def synth(self, language: str) -> Voice | None:
        """The voice that says `language` (the user's voice where none here speaks it; None in a dry run)."""
        if self.service:
            return self.first
        if language not in self._synths:
            self._synths[language], self._names[language] = self._make(language)
        return self._synths[language]

    def voice_name(self, language: str) -> str:
        """The name of the voice that says `language` (without making it)."""
        if self.service:
            return self._names[self.user]
        if language not in self._names:
            choice = choose(language, self.chosen, self.catalogue)
            return choice.voice if choice is not None else self._names[self.user]
        return self._names[language]

    def own_voice(self, language: str) -> bool:
        """Whether a voice of its own says `language` (not the user's voice standing in for one)."""
        if language == self.user:
            return True
        if self.service:
            return bool(cast("Speaker", self.first).speaks(language))
        if language in self._synths:
            return self._synths[language] is not self.first
        return choose(language, self.chosen, self.catalogue) is not None

    def _make(self, code: str) -> tuple[Voice | None, str]:
        from assistant.speech.synth import SynthError, load_synth

        choice = choose(code, self.chosen, self.catalogue)
        if choice is not None:
            try:
                synth, _fallbacks = load_synth(choice.engine, choice.voice, self.threads, fall_back=False)
                return synth, choice.voice or synth.name
            except SynthError as exc:
                log.warning("The %s voice %r cannot start (%s).", record(code).name, choice.voice, exc)
        log.info("No voice speaks %s here: it is read by your voice.", record(code).name)
        return self.first, self._names[self.user]

    def stand_in(self, gone: object, voice: Voice) -> None:
        """`voice` (made) is the user's voice from now on, in place of `gone` (a speech service that went away)."""
        self._synths = {code: synth for code, synth in self._synths.items() if synth is not gone}
        self._names = {code: name for code, name in self._names.items() if code in self._synths}
        self.first, self._synths[self.user] = voice, voice
        self._names[self.user] = getattr(voice, "voice_name", "") or getattr(voice, "name", "")

    def languages_of(self, lines: list[str]) -> list[str]:
        """A language for each line of one block of text read (the user's where it cannot be told)."""
        if self.identify is None:
            return [self.user] * len(lines)
        return self.identify.languages_of(lines, self.user)

    def plan(self, text: str, language: str | None = None, content: bool = True) -> list[Piece]:
        """`text` as pieces of one language each, in order: `language` when it is known, the user's for the
        assistant's own words (`content` False), else each line identified within the text as a block."""
        lines = [ln for ln in printable(text).splitlines() if ln.strip()] or [""]  # identified as it is read
        if language is not None or not content:
            languages = [language or self.user] * len(lines)
        else:
            languages = self.languages_of(lines)
        pieces: list[Piece] = []
        for line, code in zip(lines, languages):
            if pieces and pieces[-1].language == code:
                pieces[-1] = Piece(code, pieces[-1].voice, pieces[-1].text + "\n" + line)
            else:
                pieces.append(Piece(code, self.voice_name(code), line))
        return self._words(pieces)

    def _words(self, pieces: list[Piece]) -> list[Piece]:
        """The words of each piece, with only the letters its voice can say, and its numbers as that voice's
        language says them (digits for a language with no number words: the voice says them). A piece said by
        the user's voice for want of its own that lost letters is the user's (not named first: its language is
        not what is heard); a piece with nothing left is dropped; one note, in the user's voice and words, says
        that some text was left out."""
        out: list[Piece] = []
        other = False
        user = Piece(self.user, self.voice_name(self.user), "")
        for piece in pieces:
            own = self.own_voice(piece.language)
            voice_language = piece.language if own else self.user
            words, dropped = said(piece.text, voice_language, scripts(voice_language))
            other = other or dropped
            if words:
                self._append(out, replace(piece if own or not dropped else user, text=words))
        if other:
            self._append(out, replace(user, text=_(OTHER_SCRIPT)))
        return out or [replace(pieces[0], text="")]  # nothing to say: one empty piece, as ever

    @staticmethod
    def _append(pieces: list[Piece], piece: Piece) -> None:
        if pieces and pieces[-1].language == piece.language:
            pieces[-1] = replace(pieces[-1], text=pieces[-1].text + "\n" + piece.text)
        else:
            pieces.append(piece)

    def announced(self, pieces: list[Piece], heard: str) -> tuple[list[Piece], str]:
        """`pieces` with the name of their language said once before a switch to a language that is not the
        user's ("French."); `heard` is the language last heard, and the one heard after these is returned."""
        out: list[Piece] = []
        for piece in pieces:
            if piece.language not in (heard, self.user):
                out.append(Piece(self.user, self.voice_name(self.user),
                                 spoken(language_name(piece.language) + ".", self.user)))
            out.append(piece)
            heard = piece.language
        return out, heard

    def close(self) -> None:
        for synth in {id(s): s for s in self._synths.values() if s is not None and s is not self.first}.values():
            try:
                synth.close()
            except Exception:  # a voice that fails to close must not keep the others open
                log.exception("Closing a voice failed")
        if self.identify is not None:
            self.identify.close()


def expected_languages(user: str) -> list[str]:
    """The languages text may be identified as: the expected set and the user's own."""
    return sorted({*IDENTIFIED, user})
