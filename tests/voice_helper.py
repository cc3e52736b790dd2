"""A fake sound card for voice commands: sounddevice's device list and input stream, faked, whose input plays
what a test has the user say (speech synthesised here: Piper for English, espeak-ng for the other
languages), in real time, in a quiet room. Only the hardware is faked: the microphone code, the voice-activity
detector and the recogniser are the real ones.

Run as a script, it puts the fake card in place and runs the assistant's command line in this process:
`python tests/voice_helper.py SAID.wav ... -- demo --listen ...` (each WAV file is said in turn), without the
phrase cache (see `main`).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import wave
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOM = 0.002  # the room's noise: a quiet room (about -54 dB)
LEAD = 0.6  # seconds of room before the user speaks, once the microphone listens


def espeak(text: str, voice: str) -> np.ndarray:
    from assistant.listen.sound import parse_wav, to_16k

    done = subprocess.run(["espeak-ng", "-v", voice, "--stdout", text], capture_output=True, check=True, timeout=60)
    return to_16k(*parse_wav(done.stdout))


def piper(*texts: str) -> list[np.ndarray]:
    """Each text in the neural voice, the same every time (its noise off: a test hears what it heard before)."""
    from piper.config import SynthesisConfig

    from assistant.listen.sound import to_16k
    from assistant.speech.synth import PiperSynth

    synth = PiperSynth()
    steady = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
    try:
        return [to_16k(np.concatenate([c.audio_float_array for c in synth.voice.synthesize(text, syn_config=steady)]),
                       synth.sample_rate) for text in texts]
    finally:
        synth.close()


def normalised(audio: np.ndarray) -> np.ndarray:
    return (0.5 * audio / max(1e-6, float(np.abs(audio).max()))).astype(np.float32)


def write_wav(path: Path, audio: np.ndarray, rate: int = 16_000) -> Path:
    """16-bit mono PCM."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
    return path


class Stream:
    """One input stream: the room, with `clip` said `LEAD` seconds in (None: the room only), read in real
    time (a read returns when its samples would have been recorded) unless the card is not `realtime`."""

    def __init__(self, card: SoundCard, clip: np.ndarray | None, rate: int) -> None:
        from assistant.listen.sound import RATE

        self.card, self.rate, self.position = card, rate, 0
        said = np.zeros(0, np.float32) if clip is None else clip
        if rate != RATE:  # the device's own rate
            said = np.interp(np.arange(int(len(said) * rate / RATE)) * RATE / rate, np.arange(len(said)),
                             said).astype(np.float32)
        self.audio = np.concatenate([np.zeros(int(LEAD * rate), np.float32), said])
        self.noise = np.random.default_rng(len(card.opened))
        self.started = 0.0

    def __enter__(self) -> Stream:
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        self.card.heard_until.append(self.position / self.rate)

    def read(self, frames: int) -> tuple[np.ndarray, bool]:
        if self.card.realtime:
            time.sleep(max(0.0, self.started + (self.position + frames) / self.rate - time.monotonic()))
        block = self.audio[self.position:self.position + frames]
        block = np.pad(block, (0, frames - len(block))) + self.noise.normal(0, ROOM, frames).astype(np.float32)
        self.position += frames
        return block[:, None].astype(np.float32), False


class SoundCard:
    """sounddevice, faked: `inputs` input devices (none: no microphone) at `rate` Hz. Each stream opened
    plays the next clip of `clips` (then the room only); `opened` lists the streams."""

    def __init__(self, *clips: np.ndarray, inputs: Sequence[str] = ("Fake microphone",), rate: int = 16_000,
                 realtime: bool = True) -> None:
        self.clips, self.inputs, self.rate, self.realtime = list(clips), list(inputs), rate, realtime
        self.opened: list[Stream] = []
        self.heard_until: list[float] = []  # per stream closed: how many seconds it was read
        self._lock = threading.Lock()

    def say(self, *clips: np.ndarray) -> None:
        with self._lock:
            self.clips.extend(clips)

    def install(self, sd: object, setattr_: object = setattr) -> None:
        for name in ("query_devices", "check_input_settings", "InputStream"):
            setattr_(sd, name, getattr(self, name))  # type: ignore[operator]

    def query_devices(self, device: object = None, kind: str | None = None) -> object:
        import sounddevice

        devices = [{"name": n, "max_input_channels": 1, "max_output_channels": 0, "default_samplerate": self.rate}
                   for n in self.inputs]
        if kind == "input":
            if not devices:
                raise sounddevice.PortAudioError("Error querying device -1")
            return devices[0]
        return devices

    def check_input_settings(self, device: object = None, samplerate: float | None = None, **kwargs: object) -> None:
        import sounddevice

        if samplerate != self.rate:
            raise sounddevice.PortAudioError("Invalid sample rate")

    def InputStream(self, samplerate: float, channels: int = 1, dtype: str = "float32", blocksize: int = 0,  # noqa: N802
                    device: object = None) -> Stream:
        assert channels == 1 and dtype == "float32" and int(samplerate) == self.rate
        with self._lock:
            clip = self.clips.pop(0) if self.clips else None
            stream = Stream(self, clip, self.rate)
            self.opened.append(stream)
        return stream


def main(argv: list[str]) -> int:
    """`SAID.wav ... -- ARGS`: the fake card, saying each file in turn; then `assistant ARGS` in this process.
    The phrase cache is left out (the voice says every phrase, as before its first build): its builder, a
    process of its own, would spend the run making Piper audio of 785 phrases (6 CPU-seconds of a 10 s demo
    run) for nothing the test looks at; tests/test_firstwords.py tests the cache."""
    import sounddevice

    from assistant import app
    from assistant.cli import main as assistant
    from assistant.listen.sound import read_wav, to_16k

    app.phrase_cache = lambda config: None  # type: ignore[assignment,return-value]
    split = argv.index("--")
    SoundCard(*(normalised(to_16k(*read_wav(Path(f)))) for f in argv[:split])).install(sounddevice)
    return assistant(argv[split + 1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
