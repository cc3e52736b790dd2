"""The phrase cache: the audio of the phrases the assistant says most ("A person, ahead.", "Another cup, on the
left."), made ahead in the user's voice, language and rate, so that the first words about a new thing are
heard at once rather than after the neural voice has worked on them (0.1 to 0.8 s on a laptop's CPU).

Kept in the user's cache folder ($XDG_CACHE_HOME/assistant/phrases): one folder for each voice, rate and
language (named by a hash of them and of the voice file's size and time, so that a change of any of them is
a folder of its own, built afresh), holding one 16-bit WAV file for each phrase, named by a hash of the
words the voice is given. The phrases are the announce layer's (the composition root hands them over:
speech makes no sentences), and only they are kept: nothing the camera read is ever written here.

The cache is bounded (`MAX_BYTES` in all): a folder stops growing there (the phrases come most-said first),
and the folders used longest ago are removed to make room. A folder is built by a process of its own at the
lowest CPU priority (the voice's phonemizer is not thread-safe, and the live loop keeps the CPU), once the
voice and rate have held for `SETTLE` seconds (a burst of rate keys builds once), phrase by phrase, each file
written whole (a temporary name, then renamed): a build cut short goes on where it stopped the next time.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.paths import read_limited, xdg_base

log = logging.getLogger(__name__)

FORMAT = 1  # of the folders and files: a change of it makes every folder anew
MAX_BYTES = 64 << 20  # the whole cache, every voice and rate kept (one voice's phrases take about 40 MB)
MAX_PHRASE_BYTES = 1 << 20  # a phrase is one to three seconds (50 to 150 KB): a bigger file is not one of ours
MAX_JOB = 16 << 20  # bytes of a build job read by the builder process
SETTLE = 3.0  # seconds a voice and rate hold before their phrases are built
CACHED = frozenset({"piper"})  # the voices worth it: the system voice answers in ~10 ms, a service speaks itself
FOLDER = re.compile(r"[0-9a-f]{20}")  # a folder of ours: only these are ever removed
KEY_FILE = "key.json"  # in each folder: what it holds (and, by its time, when it was last used)


@dataclass(frozen=True)
class VoiceKey:
    """What a folder of phrases is the audio of: the voice (its back-end, name and file), rate and language."""

    engine: str
    voice: str
    model: str  # the voice file's size and modification time: a voice replaced under its name is built anew
    rate: float
    language: str

    @property
    def folder(self) -> str:
        fields = [FORMAT, self.engine, self.voice, self.model, round(self.rate, 3), self.language]
        return hashlib.sha256(json.dumps(fields).encode("utf-8")).hexdigest()[:20]


def voice_key(synth: Any, rate: float, language: str) -> VoiceKey | None:
    """The key of `synth` at `rate` for the user's `language`; None for a voice not worth a cache (`CACHED`)."""
    engine = getattr(synth, "name", "")
    if engine not in CACHED:
        return None
    path = getattr(getattr(synth, "info", None), "path", "")
    try:
        st = os.stat(path)
        model = f"{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        model = ""
    return VoiceKey(engine, getattr(synth, "voice_name", "") or engine, model, round(float(rate), 3), language)


def cache_root() -> Path:
    """The phrases' folder in the user's cache folder ($XDG_CACHE_HOME/assistant/phrases)."""
    return xdg_base("XDG_CACHE_HOME", ".cache") / "assistant" / "phrases"


def file_name(words: str) -> str:
    """The file of the audio of `words` (as the voice is given them) in a key's folder."""
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:32] + ".wav"


def wav_bytes(samples: np.ndarray, sample_rate: int) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return out.getvalue()


def wav_samples(data: bytes) -> tuple[np.ndarray, int]:
    """The samples of a 16-bit mono WAV file's bytes, and its rate; ValueError when it is not one."""
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            if wav.getsampwidth() != 2 or wav.getnchannels() != 1:
                raise ValueError("not 16-bit mono")
            frames, rate = wav.readframes(wav.getnframes()), wav.getframerate()
    except (wave.Error, EOFError) as exc:
        raise ValueError(str(exc)) from exc
    return np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0, rate


def folder_bytes(folder: Path) -> int:
    try:
        return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    except OSError:
        return 0


def write_phrases(synth: Any, rate: float, words: Sequence[str], folder: Path, max_bytes: int,
                  stopped: Callable[[], bool] = lambda: False) -> int:
    """Synthesize each of `words` not in `folder` yet into its file, in order, until the folder holds
    `max_bytes` or `stopped()`; how many were made. Each file is written whole or not at all."""
    for part in folder.glob("*.part"):  # a build cut short mid-file
        part.unlink(missing_ok=True)
    used, made = folder_bytes(folder), 0
    for text in words:
        if stopped():
            break
        path = folder / file_name(text)
        if path.exists():
            continue
        data = wav_bytes(synth.synthesize(text, rate, 1.0), synth.sample_rate)
        if used + len(data) > max_bytes:
            break
        part = path.with_suffix(".part")
        part.write_bytes(data)
        os.replace(part, path)
        used, made = used + len(data), made + 1
    return made


# How a folder is built: (key, the words missing, the folder, the bound, an event set to stop it early).
Builder = Callable[[VoiceKey, list[str], Path, int, threading.Event], None]


def build_in_child(key: VoiceKey, words: list[str], folder: Path, max_bytes: int, stop: threading.Event) -> None:
    """Build in a process of its own (`python -m assistant.speech.phrases`, at the lowest priority); it is
    ended when `stop` is set."""
    job = json.dumps({"engine": key.engine, "voice": key.voice, "rate": key.rate, "language": key.language,
                      "folder": str(folder), "words": words, "max_bytes": max_bytes})
    child = subprocess.Popen([sys.executable, "-m", "assistant.speech.phrases"], stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL)
    try:
        assert child.stdin is not None
        child.stdin.write(job.encode("utf-8"))
        child.stdin.close()
        while child.poll() is None:
            if stop.wait(0.2):
                break
    except OSError as exc:  # the child ended before it took the job
        log.warning("The phrase builder stopped early (%s).", exc)
    finally:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(5)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    if child.returncode not in (0, None) and not stop.is_set():
        log.warning("The phrase builder ended with status %s.", child.returncode)


class PhraseCache:
    """The phrases' audio for the voice, rate and language speech uses now (`follow`), looked up by the
    words the voice is given (`lookup`); built by `build` where missing. Thread contract: every method may
    be called from any thread (the state is under one lock); its own thread starts each build and waits for
    it, and is joined by `close`."""

    def __init__(self, phrases: Sequence[str], root: Path | None = None, max_bytes: int = MAX_BYTES,
                 settle: float = SETTLE, build: Builder = build_in_child) -> None:
        self.phrases = tuple(dict.fromkeys(phrases))  # most said first
        self.root = root or cache_root()
        self.max_bytes, self.settle, self.build = max_bytes, settle, build
        self.hits = self.misses = 0
        self._cond = threading.Condition()
        self._target: tuple[VoiceKey, tuple[str, ...]] | None = None
        self._since = 0.0
        self._done: dict[str, bool] = {}  # folder -> built (True), or given up (False)
        self._stop = threading.Event()  # set: the build under way stops (another voice or rate, or closing)
        self._closed = False
        self._thread: threading.Thread | None = None

    def follow(self, key: VoiceKey | None, words: Sequence[str]) -> None:
        """From now on, phrases in the voice and rate `key` (None: none cached); `words` are what the voice is
        given for each phrase, most said first. A build for another key stops; this one's starts after `settle`."""
        with self._cond:
            if (self._target[0] if self._target else None) == key or self._closed:
                return
            self._target = (key, tuple(dict.fromkeys(words))) if key is not None else None
            self._since = time.monotonic()
            if key is not None:
                self._used(key)
            self._stop.set()
            self._cond.notify_all()
            if self._thread is None and key is not None:
                self._thread = threading.Thread(target=self._run, name="phrase-cache", daemon=True)
                self._thread.start()

    def lookup(self, key: VoiceKey | None, words: str, sample_rate: int) -> np.ndarray | None:
        """The audio of `words` in voice `key`, or None when it is not (yet) in the cache."""
        if key is None:
            return None
        path = self.root / key.folder / file_name(words)
        try:
            samples, rate = wav_samples(read_limited(path, MAX_PHRASE_BYTES))
        except (OSError, ValueError) as exc:  # ValueError: damaged
            if isinstance(exc, OSError) and isinstance(exc.__cause__, FileNotFoundError):  # not made (yet)
                self.misses += 1
                return None
            log.warning("A cached phrase could not be read (%s); it is made again.", exc)  # the voice says it
            path.unlink(missing_ok=True)
            return None
        if rate != sample_rate:
            return None
        self.hits += 1
        return samples

    def ready(self, timeout: float) -> bool:
        """Wait (at most `timeout` seconds) until the phrases of the voice followed now are built; whether they are."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self._closed:
                target = self._target
                if target is not None and target[0].folder in self._done:
                    return self._done[target[0].folder]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return False

    def close(self) -> None:
        """Stop a build under way (what it made is kept) and join the thread."""
        with self._cond:
            self._closed = True
            self._stop.set()
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _used(self, key: VoiceKey) -> None:
        """Mark `key`'s folder, where there is one, as used now (the folders used longest ago go first)."""
        try:
            os.utime(self.root / key.folder / KEY_FILE)
        except OSError:
            pass  # not made yet: it is when it is built

    # --- the cache's own thread -------------------------------------------------------------------
    def _next(self) -> tuple[VoiceKey, tuple[str, ...]] | None:
        """The key to build once it has held `settle` seconds; None when closing."""
        with self._cond:
            while not self._closed:
                target = self._target
                if target is None or target[0].folder in self._done:
                    self._cond.wait()
                    continue
                wait = self._since + self.settle - time.monotonic()
                if wait <= 0:
                    self._stop.clear()
                    return target
                self._cond.wait(wait)
            return None

    def _run(self) -> None:
        while (target := self._next()) is not None:
            key, words = target
            built = False
            try:
                built = self._built(key, words)
            except Exception as exc:  # a folder that cannot be written: the voice says everything, as before
                log.warning("The phrase cache cannot be kept in %s (%s): the first words wait for the voice.",
                            self.root, exc)
                log.debug("Phrase cache failure", exc_info=True)
            with self._cond:
                if not self._stop.is_set():  # stopped for another key: built when it is followed again
                    self._done[key.folder] = built
                self._cond.notify_all()

    def _built(self, key: VoiceKey, words: tuple[str, ...]) -> bool:
        """Build what is missing of `key`'s folder, then make room; whether it holds every phrase, or as many
        as the bound allows."""
        folder = self._folder(key)
        missing = [w for w in words if not (folder / file_name(w)).exists()]
        if missing:
            log.info("Building %d phrases for the voice %s at rate %s.", len(missing), key.voice, key.rate)
            self.build(key, missing, folder, self.max_bytes, self._stop)
        self._make_room(keep=folder)
        left = sum(not (folder / file_name(w)).exists() for w in words)
        if left and folder_bytes(folder) < self.max_bytes - MAX_PHRASE_BYTES and not self._stop.is_set():
            log.warning("%d phrases of the voice %s could not be made: they wait for the voice.", left, key.voice)
            return False
        return True

    def _folder(self, key: VoiceKey) -> Path:
        """The key's folder (private), made where it is not there, marked as used now."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder = self.root / key.folder
        folder.mkdir(exist_ok=True, mode=0o700)
        about = {"format": FORMAT, "engine": key.engine, "voice": key.voice, "rate": key.rate,
                 "language": key.language}
        (folder / KEY_FILE).write_text(json.dumps(about), encoding="utf-8")  # its time: last used
        return folder

    def _make_room(self, keep: Path) -> None:
        """Remove the folders used longest ago (never `keep`) until the cache is within `max_bytes`."""
        folders = [f for f in self.root.iterdir() if f.is_dir() and FOLDER.fullmatch(f.name)]
        sizes = {f: folder_bytes(f) for f in folders}
        total = sum(sizes.values())

        def used(folder: Path) -> float:
            try:
                return (folder / KEY_FILE).stat().st_mtime
            except OSError:
                return 0.0

        for folder in sorted((f for f in folders if f != keep), key=used):
            if total <= self.max_bytes:
                break
            shutil.rmtree(folder, ignore_errors=True)
            total -= sizes[folder]
            with self._cond:
                self._done.pop(folder.name, None)  # built again if it is followed again
            log.info("Removed the phrases of an earlier voice or rate (%s) to keep the cache small.", folder.name)


def main() -> int:
    """The builder process: a job (JSON on standard input) -> the phrases' files; 0 when done."""
    try:
        os.nice(19)  # the live loop comes first
    except OSError:
        pass
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    job = json.loads(sys.stdin.buffer.read(MAX_JOB))
    from assistant.speech.synth import SynthError, load_synth

    try:
        synth, _stood_in = load_synth(job["engine"], job["voice"], 1, fall_back=False)
    except SynthError as exc:
        log.warning("The phrases cannot be built: %s", exc)
        return 1
    folder = Path(job["folder"])
    key = voice_key(synth, job["rate"], job["language"])
    if key is None or key.folder != folder.name:  # the voice changed since the job was given: not this folder
        log.warning("The voice changed while its phrases were being built: they are built the next time.")
        return 1
    write_phrases(synth, float(job["rate"]), [str(w) for w in job["words"]], folder, int(job["max_bytes"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
