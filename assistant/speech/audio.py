"""Audio out: sinks that take float32 samples (mono, or stereo frames) and play them, and the generated earcons.

A sink buffers what it is given and plays it in blocks, like a sound card: the speech thread can
synthesize the next sentence while this one plays, and `clear()` drops everything not yet played at
once (that is what makes stop prompt). `SoundDeviceSink` is the real device; `RecordingSink` is a fake
device with an injected clock, for tests and benchmarks; `WavSink` writes what would be played.
"""

from __future__ import annotations

import logging
import threading
import time
import wave
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

import numpy as np

from assistant.common import Earcon

log = logging.getLogger(__name__)

SAMPLE_RATE = 22050
BLOCK = 441  # 20 ms at 22.05 kHz


class AudioSink(Protocol):
    """Where audio goes. Thread contract: `write` from the speech thread; `clear`, `pending` and `close`
    from any thread (the sinks here guard their buffer with a lock)."""

    def write(self, samples: np.ndarray, sample_rate: int) -> None: ...

    def clear(self) -> None: ...

    def pending(self) -> float: ...

    def mix(self, samples: np.ndarray, sample_rate: int) -> None: ...

    def close(self) -> None: ...


def resample(samples: np.ndarray, rate: int, target: int = SAMPLE_RATE) -> np.ndarray:
    """`samples` (mono, or frames x channels) at `target` samples a second."""
    if rate == target or not len(samples):
        return samples.astype(np.float32, copy=False)
    n = int(round(len(samples) * target / rate))
    where, have = np.linspace(0, len(samples) - 1, n), np.arange(len(samples))
    if samples.ndim == 1:
        return np.interp(where, have, samples).astype(np.float32)
    return np.stack([np.interp(where, have, column) for column in samples.T], 1).astype(np.float32)


def frames(samples: np.ndarray, channels: int) -> np.ndarray:
    """`samples` as frames x `channels`: mono is copied to each channel; stereo is kept, or mixed down to one."""
    data = np.asarray(samples, dtype=np.float32)
    if data.ndim == 1:
        return np.repeat(data[:, None], channels, axis=1) if channels > 1 else data[:, None]
    if data.shape[1] == channels:
        return data
    return data.mean(axis=1, keepdims=True) if channels == 1 else np.repeat(data[:, :1], channels, axis=1)


def panned(samples: np.ndarray, pan: float) -> np.ndarray:
    """Mono `samples` placed from hard left (pan -1) through the centre (0) to hard right (+1), at equal
    loudness wherever they are (constant power); frames x 2."""
    angle = (max(-1.0, min(1.0, pan)) + 1.0) * np.pi / 4
    mono = np.asarray(samples, dtype=np.float32)
    # sqrt(2) keeps the centre as loud as the mono sound was on each channel.
    return np.stack([mono * np.cos(angle), mono * np.sin(angle)], 1).astype(np.float32) * np.float32(np.sqrt(2))


class BufferedSink:
    """The buffer shared by the device-like sinks, in frames of `channels` (2: stereo, what the find ticks
    pan across; 1 for a mono device, which hears pitch and rate only); the device side calls `pull(n)` for
    each block. Thread contract: every method may be called from any thread; one lock guards the buffer."""

    channels = 2

    def __init__(self) -> None:
        self._chunks: deque[np.ndarray] = deque()
        self._queued = 0
        self._lock = threading.Lock()

    def _frames(self, samples: np.ndarray, sample_rate: int) -> np.ndarray:
        return frames(resample(np.asarray(samples, dtype=np.float32), sample_rate), self.channels)

    def write(self, samples: np.ndarray, sample_rate: int) -> None:
        data = self._frames(samples, sample_rate)
        if len(data):
            with self._lock:
                self._chunks.append(data)
                self._queued += len(data)

    def clear(self) -> None:
        with self._lock:
            self._chunks.clear()
            self._queued = 0

    def pending(self) -> float:
        return self._queued / SAMPLE_RATE

    def mix(self, samples: np.ndarray, sample_rate: int) -> None:
        """Play `samples` now, over whatever is playing (a short tone while speech goes on)."""
        data = self._frames(samples, sample_rate)
        with self._lock:
            head: list[np.ndarray] = []
            need = len(data)
            while need > 0 and self._chunks:  # take the next `len(data)` frames off the front
                chunk = self._chunks.popleft()
                head.append(chunk[:need])
                if len(chunk) > need:
                    self._chunks.appendleft(chunk[need:])
                need -= len(head[-1])
            ahead = np.concatenate(head) if head else np.zeros((0, self.channels), dtype=np.float32)
            mixed = data.copy()
            mixed[: len(ahead)] += ahead
            self._chunks.appendleft(np.clip(mixed, -1, 1))
            self._queued += len(data) - len(ahead)

    def pull(self, n: int) -> np.ndarray:
        """The next `n` frames (n x channels), silence where nothing is queued."""
        out = np.zeros((n, self.channels), dtype=np.float32)
        filled = 0
        with self._lock:
            while filled < n and self._chunks:
                chunk = self._chunks[0]
                take = min(n - filled, len(chunk))
                out[filled : filled + take] = chunk[:take]
                filled += take
                if take == len(chunk):
                    self._chunks.popleft()
                else:
                    self._chunks[0] = chunk[take:]
            self._queued -= filled
        return out

    def close(self) -> None:
        self.clear()


class SoundDeviceSink(BufferedSink):
    """The default output device, through sounddevice (PortAudio); the device pulls in 20 ms blocks.
    Thread contract: that of `BufferedSink`."""

    def __init__(self) -> None:
        super().__init__()
        import sounddevice as sd

        # Stereo where the device has two channels (the find ticks pan across them); a mono device hears
        # them mixed down.
        device = sd.query_devices(kind="output")
        self.channels = 2 if int(device["max_output_channels"]) >= 2 else 1

        def callback(outdata: np.ndarray, count: int, _time: object, _status: object) -> None:
            outdata[:] = self.pull(count)

        self.stream = sd.OutputStream(samplerate=SAMPLE_RATE, channels=self.channels, dtype="float32",
                                      blocksize=BLOCK, latency="low", callback=callback)
        self.stream.start()

    @staticmethod
    def available() -> bool:
        try:
            import sounddevice as sd

            return any(d["max_output_channels"] > 0 for d in sd.query_devices())
        except Exception:  # PortAudio missing (OSError) or no devices (PortAudioError)
            return False

    def close(self) -> None:
        # What the device already holds (its latency) is heard before the stream stops: "Goodbye." is
        # not cut off. Nothing new is pulled: a stop has cleared the buffer already.
        super().close()
        time.sleep(min(0.5, float(self.stream.latency) + BLOCK / SAMPLE_RATE))
        self.stream.abort()
        self.stream.close()


@dataclass(frozen=True)
class Played:
    """One block that a `RecordingSink` played: when it started, and how loud it was."""

    at: float
    samples: int
    peak: float


class RecordingSink(BufferedSink):
    """A fake sound card: a thread pulls a block every 20 ms of its clock and records what was audible.
    Thread contract: that of `BufferedSink`."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__()
        self.clock, self.sleep = clock, sleep
        self.played: list[Played] = []
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fake-sound-card", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._closed.is_set():
            block = self.pull(BLOCK)
            peak = float(np.abs(block).max())
            if peak > 1e-4:
                self.played.append(Played(self.clock(), len(block), peak))
            self.sleep(BLOCK / SAMPLE_RATE)

    def first_sound_after(self, t: float) -> float | None:
        return next((p.at for p in self.played if p.at >= t), None)

    def first_words_after(self, t: float, tone: Earcon | None = None) -> float | None:
        """When the words of an utterance that began to play at `t` were first heard: after its `tone`, when
        one was played first (`Utterance.toned`)."""
        sound = self.first_sound_after(t)
        if sound is None or tone is None:
            return sound
        return self.first_sound_after(sound + len(earcon(tone)) / SAMPLE_RATE - BLOCK / SAMPLE_RATE / 2)

    def last_sound(self) -> float | None:
        """When the last audible block finished playing."""
        return self.played[-1].at + self.played[-1].samples / SAMPLE_RATE if self.played else None

    def seconds_played(self) -> float:
        return sum(p.samples for p in self.played) / SAMPLE_RATE

    def close(self) -> None:
        self._closed.set()
        self._thread.join(timeout=1)
        super().close()


def open_wav(path: Path) -> tuple[IO[bytes], wave.Wave_write]:
    """A private (0600) stereo 16-bit WAV file at the sinks' sample rate, and the file object under it."""
    from assistant.paths import private_open

    fh = private_open(path, "wb")
    wav = wave.open(fh, "wb")
    wav.setnchannels(BufferedSink.channels)
    wav.setsampwidth(2)
    wav.setframerate(SAMPLE_RATE)
    return fh, wav


class WavSink(BufferedSink):
    """Writes everything it is given to a WAV file, as it comes (nothing to wait for, nothing to stop).
    Thread contract: that of `BufferedSink`."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.fh, self.wav = open_wav(path)
        self.error: OSError | None = None  # the first write that failed (a full disk): raised by `close`
        self._file_lock = threading.Lock()
        self._finished = False  # closed: what comes after is not written

    def mix(self, samples: np.ndarray, sample_rate: int) -> None:
        self.write(samples, sample_rate)  # nothing plays here: the tone goes where it would be heard

    def write(self, samples: np.ndarray, sample_rate: int) -> None:
        self._record(self._frames(samples, sample_rate))

    def _record(self, data: np.ndarray) -> None:
        """Into the file; after a write has failed, nothing more (said once in the log, raised by `close`).
        One writer at a time: the speech thread writes words while the loop mixes in find ticks (two threads
        in `wave` at once left a file without its header, 26 times in 30)."""
        samples = (np.clip(data, -1, 1) * 32767).astype("<i2").tobytes()
        with self._file_lock:
            if self.error is not None or self._finished:
                return
            try:
                self.wav.writeframes(samples)
            except OSError as exc:
                self.error = exc
                log.warning("%s could not be written (%s): the rest is not recorded.", self.path, exc.strerror or exc)

    def close(self) -> None:
        """Finish the file; OSError when it could not be written whole (the file is then incomplete)."""
        with self._file_lock:
            self._finished = True
            try:
                self.wav.close()  # writes the header's final sizes; the file object is ours to close
            except OSError as exc:
                self.error = self.error or exc
            finally:
                try:
                    self.fh.close()
                except OSError as exc:
                    self.error = self.error or exc
        if self.error is not None:
            raise self.error


class RealtimeWavSink(WavSink):
    """A sound card that plays into a WAV file: a thread pulls a 20 ms block on a steady real-time schedule
    and writes it, silence included, so the file is what a listener would have heard (pauses, stops, cuts).
    Thread contract: that of `BufferedSink`."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wav-sound-card", daemon=True)
        self._thread.start()

    write = BufferedSink.write  # queued, and played on the schedule
    mix = BufferedSink.mix

    def _run(self) -> None:
        started, blocks = time.monotonic(), 0
        while not self._closed.is_set():
            self._record(self.pull(BLOCK))
            blocks += 1
            # On a schedule, not a sleep per block: the file's length stays the time that passed.
            self._closed.wait(max(0.0, started + blocks * BLOCK / SAMPLE_RATE - time.monotonic()))

    def close(self) -> None:
        self._closed.set()
        self._thread.join(timeout=2)
        self.clear()
        super().close()


class NullSink(BufferedSink):
    """No audio device and no file: nothing is played (the words are still printed).
    Thread contract: that of `BufferedSink`."""

    def write(self, samples: np.ndarray, sample_rate: int) -> None:
        return None


def open_sink(wav: Path | None = None, realtime: Path | None = None) -> AudioSink:
    """A WAV file when asked (back to back, or in real time), else the sound card when there is one, else
    nothing (text only)."""
    if wav is not None:
        return WavSink(wav)
    if realtime is not None:
        return RealtimeWavSink(realtime)
    if SoundDeviceSink.available():
        try:
            return SoundDeviceSink()
        except Exception as exc:  # a device that lists but will not open
            log.warning("The audio device would not open (%s); text only.", exc)
    return NullSink()


def tone(freq: float, seconds: float, volume: float = 0.3) -> np.ndarray:
    """A sine tone with 10 ms fades, so it does not click."""
    n = int(SAMPLE_RATE * seconds)
    t = np.arange(n) / SAMPLE_RATE
    wave_ = np.sin(2 * np.pi * freq * t) * volume
    fade = min(n // 2, int(0.01 * SAMPLE_RATE))
    envelope = np.ones(n)
    envelope[:fade] = np.linspace(0, 1, fade)
    envelope[n - fade :] = np.linspace(1, 0, fade)
    return (wave_ * envelope).astype(np.float32)


LIGHT_LOW, LIGHT_HIGH = 220.0, 880.0  # Hz: the light tone's pitch in the dark and in full light


def light_pitch(level: float) -> float:
    """The light tone's pitch for a brightness level 0..1: two octaves, up with the light."""
    return LIGHT_LOW * (LIGHT_HIGH / LIGHT_LOW) ** max(0.0, min(1.0, level))


def light_tone(level: float) -> np.ndarray:
    """0.2 s of the light tone, fading only 5 ms so that tones one after another sound continuous."""
    n = int(SAMPLE_RATE * 0.2)
    t = np.arange(n) / SAMPLE_RATE
    out = np.sin(2 * np.pi * light_pitch(level) * t) * 0.25
    fade = int(0.005 * SAMPLE_RATE)
    out[:fade] *= np.linspace(0, 1, fade)
    out[n - fade:] *= np.linspace(1, 0, fade)
    return out.astype(np.float32)


FIND_LOW = 440.0  # Hz: the find tick at the bottom edge; two octaves up at the top, 880 Hz at the centre


def find_tick(level: float) -> np.ndarray:
    """40 ms of a click with a pitch: a sine and its octave, 2 ms attack, decaying fast (short sounds with
    a sharp onset are the easiest to place left or right), at `FIND_LOW` x 4^level."""
    freq = FIND_LOW * 4 ** max(0.0, min(1.0, level))
    n = int(SAMPLE_RATE * 0.04)
    t = np.arange(n) / SAMPLE_RATE
    envelope = np.exp(-t / 0.012) * np.minimum(1.0, t / 0.002)
    out = (np.sin(2 * np.pi * freq * t) + 0.3 * np.sin(4 * np.pi * freq * t)) * envelope * 0.35
    return out.astype(np.float32)


def pock(freq: float, seconds: float, volume: float = 0.18) -> np.ndarray:
    """A soft, short tone: a sine and a little of its octave, 3 ms attack, decaying within `seconds` (a
    struck sound, quieter than the others: it comes often, just before words)."""
    n = int(SAMPLE_RATE * seconds)
    t = np.arange(n) / SAMPLE_RATE
    envelope = np.exp(-t / (seconds / 3)) * np.minimum(1.0, t / 0.003)
    envelope[-int(0.005 * SAMPLE_RATE):] *= np.linspace(1, 0, int(0.005 * SAMPLE_RATE))  # ends at silence
    return ((np.sin(2 * np.pi * freq * t) + 0.2 * np.sin(4 * np.pi * freq * t)) * envelope * volume).astype(
        np.float32)


def _gap() -> np.ndarray:
    return np.zeros(int(0.03 * SAMPLE_RATE), dtype=np.float32)


def _join(*parts: np.ndarray) -> np.ndarray:
    """Tones with a short gap between each."""
    out: list[np.ndarray] = []
    for part in parts:
        out += [part, _gap()]
    return np.concatenate(out[:-1])


# Each earcon's recipe, from the level (0..1; only the light tone uses it) to its samples.
EARCONS: dict[Earcon, Callable[[float], np.ndarray]] = {
    Earcon.MODE: lambda level: _join(tone(523, 0.08), tone(784, 0.1)),
    Earcon.CAMERA_LOST: lambda level: _join(tone(660, 0.12), tone(440, 0.12), tone(330, 0.18)),
    Earcon.CAMERA_BACK: lambda level: _join(tone(330, 0.1), tone(440, 0.1), tone(660, 0.14)),
    # Pitch from 220 Hz in the dark to 880 Hz in bright light; long enough to join into one sound.
    Earcon.LIGHT: lambda level: light_tone(level),
    Earcon.CODE_BEEP: lambda level: tone(1568, 0.06),
    Earcon.CODE_READ: lambda level: _join(tone(1319, 0.06), tone(1760, 0.09)),
    Earcon.LEVEL: lambda level: tone(440 * 2 ** max(0.0, min(1.0, level)), 0.06),
    Earcon.GUIDANCE_CUT: lambda level: _join(tone(392, 0.07), tone(392, 0.07)),  # text cut off at an edge
    Earcon.GUIDANCE_BACK: lambda level: _join(tone(523, 0.09), tone(392, 0.12)),
    Earcon.GUIDANCE_CLOSER: lambda level: _join(tone(392, 0.09), tone(523, 0.12)),
    Earcon.GUIDANCE_BLUR: lambda level: tone(300, 0.25),
    Earcon.GUIDANCE_DARK: lambda level: tone(200, 0.25),
    Earcon.GUIDANCE_NO_PAGE: lambda level: _join(tone(262, 0.12), tone(262, 0.12)),
    Earcon.FIND_TICK: find_tick,  # pitch: how high the thing looked for is in the view
    # A new person, thing or text in view, just before its words: short (the words wait for it) and soft.
    Earcon.PERSON: lambda level: np.concatenate([pock(659, 0.035), pock(880, 0.045)]),  # two notes, rising
    Earcon.THING: lambda level: pock(784, 0.06),
    Earcon.TEXT: lambda level: np.concatenate([pock(1047, 0.03), pock(1047, 0.03), pock(1319, 0.04)]),  # three, high
    # An octave up: speak now; an octave down: the microphone has stopped listening (voice commands).
    Earcon.LISTEN: lambda level: _join(tone(880, 0.06), tone(1760, 0.09)),
    Earcon.HEARD: lambda level: _join(tone(1760, 0.06), tone(880, 0.09)),
}
if set(EARCONS) != set(Earcon):  # checked at import: an earcon without a recipe must not reach run time
    raise ImportError(f"earcons without a recipe: {set(Earcon) - set(EARCONS)}")


def earcon(name: Earcon, level: float = 0.5) -> np.ndarray:
    """The samples of one earcon."""
    return EARCONS[name](level)


LEAD_KEPT = 0.01  # seconds of a voice's leading silence kept before its first sound (no click at the onset)
SILENT = 0.01  # a sample quieter than this is silence


def without_lead(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """`samples` with their leading silence cut to `LEAD_KEPT` (a neural voice starts with 30 to 100 ms of
    it: the first word comes that much sooner). Nothing audible is cut; silence stays silence."""
    loud = np.flatnonzero(np.abs(samples) > SILENT)
    if not len(loud):
        return samples
    return samples[max(0, int(loud[0]) - int(LEAD_KEPT * sample_rate)):]
