"""The microphone, through sounddevice (PortAudio): push to talk, the end of speech found by the VAD.

`Microphone.record_until_silence()` listens from the moment it is called: it waits for speech, and returns
once the speaker has been quiet for 0.7 s (or at `max_seconds`), the speech cut out with a little silence
either side, at 16 kHz. `Microphone.next_utterance()` is the same for always-on listening: it waits for
speech as long as it takes (keeping only the fraction of a second that goes before speech), and returns
at most `max_seconds` of it. The device is opened at 16 kHz when it can be, else at its own rate (the audio is
brought to 16 kHz after). What is recorded lives in memory only, for one command.

The stream is made by `open_stream(rate, blocksize)` (sounddevice's `InputStream` by default), so a test can
hand it recorded audio: only the hardware is faked.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from assistant.i18n import _
from assistant.listen.sound import RATE, to_16k
from assistant.listen.vad import END_SILENCE_WINDOWS, PAD_WINDOWS, WINDOW, Endpoint, Vad

log = logging.getLogger(__name__)

MAX_SECONDS = 6.0  # the bound on one command


class MicrophoneError(RuntimeError):
    """No microphone can be used; the message says why in one sentence."""


class InputStream(Protocol):
    """What the microphone reads: sounddevice's `InputStream` (a context manager with `read`)."""

    def __enter__(self) -> InputStream: ...

    def __exit__(self, *exc: object) -> Any: ...

    def read(self, frames: int) -> tuple[np.ndarray, bool]: ...


@dataclass(frozen=True)
class InputDevice:
    """The input device that would be used (`name`), or None and why: `problem` (for the log), `no_library`
    (PortAudio itself is missing), `no_system` (PortAudio cannot list its devices); else there is none."""

    name: str | None
    problem: str = ""
    no_library: bool = False
    no_system: bool = False


def input_device() -> InputDevice:
    """The input device sounddevice would record from, or why there is none."""
    try:
        import sounddevice as sd
    except (ImportError, OSError) as exc:  # OSError: the PortAudio library is missing
        return InputDevice(None, f"no PortAudio library: {exc}", no_library=True)
    try:
        return InputDevice(str(sd.query_devices(kind="input")["name"]))
    except Exception:  # PortAudioError when there is no default input device
        pass
    try:
        inputs = [d for d in sd.query_devices() if d["max_input_channels"] > 0]
    except Exception as exc:  # PortAudio could not even list its devices
        return InputDevice(None, f"the sound system cannot be asked ({exc.__class__.__name__})", no_system=True)
    return InputDevice(str(inputs[0]["name"])) if inputs else InputDevice(None, "no input device")


def _sounddevice_stream(device: int | str | None) -> Callable[[int, int], InputStream]:
    def open_stream(rate: int, blocksize: int) -> InputStream:
        import sounddevice as sd

        return sd.InputStream(samplerate=rate, channels=1, dtype="float32", blocksize=blocksize, device=device)

    return open_stream


class Microphone:
    """One input device. Thread contract: `record_until_silence` blocks the thread that calls it (the loop's
    listening worker), and one call at a time; `stop` (an Event) ends a recording early from any thread."""

    def __init__(self, vad: Vad, device: int | str | None = None,
                 open_stream: Callable[[int, int], InputStream] | None = None, rate: int | None = None) -> None:
        self.vad = vad
        self.open_stream = open_stream or _sounddevice_stream(device)
        if rate is None:
            rate = self._rate(device) if open_stream is None else RATE
        self.rate = rate

    @staticmethod
    def _rate(device: int | str | None) -> int:
        """16 kHz when the device takes it, else its own default rate; MicrophoneError when there is none."""
        found = input_device()
        if found.name is None:
            log.info("No microphone: %s", found.problem)
            raise MicrophoneError(_("No microphone."))
        import sounddevice as sd

        try:
            sd.check_input_settings(device=device, samplerate=RATE, channels=1, dtype="float32")
            return RATE
        except Exception:  # PortAudioError: the device wants its own rate
            return int(sd.query_devices(device, kind="input")["default_samplerate"])

    def record_until_silence(self, max_seconds: float = MAX_SECONDS,
                             stop: threading.Event | None = None) -> np.ndarray:
        """What is said from now, as 16 kHz float32 mono; empty when nothing was said within `max_seconds`."""
        return self._record(max_seconds, stop, wait=False)

    def next_utterance(self, stop: threading.Event, max_seconds: float = MAX_SECONDS) -> np.ndarray:
        """The next thing said, however long it takes to come (until `stop` is set: then empty), as 16 kHz
        float32 mono; at most `max_seconds` of speech. While nobody speaks, only the last fraction of a second
        is kept (the padding that goes before speech)."""
        return self._record(max_seconds, stop, wait=True)

    def _record(self, max_seconds: float, stop: threading.Event | None, wait: bool) -> np.ndarray:
        block = max(1, int(round(WINDOW * self.rate / RATE)))  # one VAD window (32 ms) a read
        keep = (PAD_WINDOWS + 2) * WINDOW * self.rate // RATE  # samples kept before speech, waiting for it
        reads = int(max_seconds * self.rate / block)  # not waiting: the most blocks read
        longest = int(max_seconds * RATE / WINDOW)  # waiting: the most windows from the start of speech
        stream_vad, endpoint = self.vad.stream(), Endpoint()
        blocks: list[np.ndarray] = []
        dropped = 0  # samples (at the device's rate) no longer kept, before `blocks`
        try:
            with self.open_stream(self.rate, block) as stream:
                while not (stop is not None and stop.is_set()) and (wait or len(blocks) < reads):
                    data, overflowed = stream.read(block)
                    if overflowed:
                        log.info("The microphone's buffer overflowed: a few milliseconds were lost.")
                    samples = np.asarray(data, dtype=np.float32).reshape(len(data), -1).mean(axis=1)
                    blocks.append(samples)
                    for p in stream_vad.feed(to_16k(samples, self.rate) if self.rate != RATE else samples):
                        endpoint.add(p)
                    if endpoint.ended:
                        break
                    if not wait:
                        continue
                    if endpoint.start is not None and endpoint.count - endpoint.start >= longest and endpoint.started:
                        break  # speech as long as a command may be: what was said so far
                    if endpoint.start is not None and not endpoint.started and (
                            endpoint.quiet >= END_SILENCE_WINDOWS or endpoint.count - endpoint.start >= longest):
                        endpoint = Endpoint(count=endpoint.count)  # a click or a cough, then no speech
                    if endpoint.start is None:
                        while len(blocks) > 1 and sum(map(len, blocks)) - len(blocks[0]) >= keep:
                            dropped += len(blocks.pop(0))
        except MicrophoneError:
            raise
        except Exception as exc:  # PortAudioError and whatever a driver raises: one sentence, the loop goes on
            log.info("The microphone could not be read", exc_info=True)
            raise MicrophoneError(_("The microphone could not be read ({why}).").format(why=exc)) from exc
        span = endpoint.span()
        if span is None or not blocks:
            return np.zeros(0, np.float32)
        audio = to_16k(np.concatenate(blocks), self.rate)
        offset = int(round(dropped * RATE / self.rate))
        return audio[max(0, span[0] - offset):max(0, span[1] - offset)]
