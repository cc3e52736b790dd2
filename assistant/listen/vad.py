"""Voice-activity detection: Silero VAD v6 (MIT), as the faster-whisper wheel ships it, on onnxruntime.

The model takes 16 kHz audio in windows of 512 samples (32 ms), each preceded by the last 64 samples of the
window before it (zeros before the first), and an LSTM state (`h`, `c`, each 1 x 1 x 128) carried from one
window to the next; it gives each window the probability that it is speech. A batch of windows is one
sequence: the state runs through it, and comes back out for the next call.

`Endpoint` turns those probabilities into where speech starts and ends, as Silero's own segmenter does:
speech starts at a window of at least `threshold`, and ends once the probability has stayed below
`threshold - 0.15` long enough.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

WINDOW = 512  # samples a probability covers at 16 kHz (32 ms)
CONTEXT = 64  # samples of the window before, given with each window
STATE = (1, 1, 128)
THRESHOLD = 0.5  # Silero's own default
HANGOVER = 0.15  # speech goes on until the probability falls this far below the threshold
MIN_SPEECH_WINDOWS = 3  # 96 ms: a click or a cough is not a command
END_SILENCE_WINDOWS = 22  # 0.7 s of silence ends what is said
PAD_WINDOWS = 6  # 0.2 s kept either side of the speech: word onsets and endings are quiet


class Vad:
    """Silero VAD on one onnxruntime session. Thread contract: one thread at a time (its streams too)."""

    def __init__(self, path: Path) -> None:
        from assistant.vision.runtime import cpu_session

        self.session = cpu_session(path, threads=1, fixed_shape=True)

    def run(self, windows: np.ndarray, h: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Probabilities for `windows` (n x (CONTEXT + WINDOW)) and the state after them."""
        probs, h, c = self.session.run(None, {"input": windows, "h": h, "c": c})
        return np.asarray(probs, dtype=np.float32).reshape(-1), h, c

    def probabilities(self, audio: np.ndarray) -> np.ndarray:
        """One speech probability per 512-sample window of 16 kHz `audio` (the last window zero-padded)."""
        stream = self.stream()
        return np.asarray(stream.feed(audio) + stream.flush(), dtype=np.float32)

    def stream(self) -> VadStream:
        return VadStream(self)


@dataclass
class VadStream:
    """Probabilities as audio arrives (a microphone's blocks of any size), the state carried between calls."""

    vad: Vad
    pending: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    context: np.ndarray = field(default_factory=lambda: np.zeros(CONTEXT, np.float32))
    h: np.ndarray = field(default_factory=lambda: np.zeros(STATE, np.float32))
    c: np.ndarray = field(default_factory=lambda: np.zeros(STATE, np.float32))

    def feed(self, samples: np.ndarray) -> list[float]:
        """The probabilities of every window completed by `samples` (16 kHz mono float)."""
        audio = np.concatenate([self.pending, np.asarray(samples, np.float32).reshape(-1)])
        count = len(audio) // WINDOW
        self.pending = audio[count * WINDOW:]
        if not count:
            return []
        windows = audio[:count * WINDOW].reshape(count, WINDOW)
        before = np.vstack([self.context[None], windows[:-1, -CONTEXT:]])
        self.context = windows[-1, -CONTEXT:].copy()
        probs, self.h, self.c = self.vad.run(np.hstack([before, windows]), self.h, self.c)
        return [float(p) for p in probs]

    def flush(self) -> list[float]:
        """The last, partial window's probability (zero-padded), if any audio is waiting."""
        if not len(self.pending):
            return []
        return self.feed(np.zeros(WINDOW - len(self.pending), np.float32))


@dataclass
class Endpoint:
    """Where speech starts and ends, window by window. `add(p)` takes the next probability; `started` and
    `ended` say where speech is; `span()` is the speech (padded) in samples."""

    threshold: float = THRESHOLD
    end_silence: int = END_SILENCE_WINDOWS
    count: int = 0  # windows seen
    start: int | None = None  # the first window of speech
    last: int = -1  # the last window at or above the threshold
    voiced: int = 0  # windows at or above the threshold
    quiet: int = 0  # windows below the hangover since the last speech
    ended: bool = False

    def add(self, p: float) -> None:
        index, self.count = self.count, self.count + 1
        if p >= self.threshold:
            self.start = index if self.start is None else self.start
            self.last, self.quiet = index, 0
            self.voiced += 1
        elif self.start is not None and p < self.threshold - HANGOVER:
            self.quiet += 1
            self.ended = self.ended or (self.quiet >= self.end_silence and self.voiced >= MIN_SPEECH_WINDOWS)

    @property
    def started(self) -> bool:
        return self.voiced >= MIN_SPEECH_WINDOWS

    def span(self) -> tuple[int, int] | None:
        """(first, end) sample of the speech with `PAD_WINDOWS` either side; None when there was none."""
        if self.start is None or not self.started:
            return None
        first = max(0, self.start - PAD_WINDOWS)
        end = min(self.count, self.last + 1 + PAD_WINDOWS)
        return first * WINDOW, end * WINDOW


def speech_span(probabilities: np.ndarray) -> tuple[int, int] | None:
    """Where the speech is in a clip, in samples (padded), from its window probabilities; None when none."""
    endpoint = Endpoint()
    for p in probabilities:
        endpoint.add(float(p))
    return endpoint.span()
