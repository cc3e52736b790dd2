"""Live short text: decide which lines seen by the camera are worth reading out, and when.

A line is read once it has been seen consistently: in `needed` of the last `window` OCR runs, similar
by edit distance, above the confidence floor. Flickering partial reads never reach that. While it stays
in view it is not read again; once it has been out of view for `repeat_after` seconds it may be. While the
tracker is paused (a mode that reads no live text) the time does not count: text read before the pause and
still in view after it is not read again.
Pure: the clock is injected and nothing here touches a camera or a model.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from assistant.textdist import similar


@dataclass
class _Seen:
    text: str
    score: float
    last_seen: float


class TextTracker:
    """Which lines of live text to read, and when. Thread contract: not thread-safe; its owner (the text
    channel) calls it from one thread."""

    def __init__(self, needed: int = 2, window: int = 3, min_score: float = 0.5, repeat_after: float = 20.0,
                 min_chars: int = 2, clock: Callable[[], float] = time.monotonic) -> None:
        self.needed, self.min_score, self.repeat_after, self.min_chars = needed, min_score, repeat_after, min_chars
        self.clock = clock
        self.runs: deque[list[tuple[str, float]]] = deque(maxlen=window)
        self.announced: list[_Seen] = []
        self.paused_at: float | None = None

    def counted(self, lines: Iterable[tuple[str, float]]) -> list[tuple[str, float]]:
        """The (text, score) lines a run counts: confident enough, and long enough."""
        return [(t.strip(), s) for t, s in lines if s >= self.min_score and len(t.strip()) >= self.min_chars]

    def update(self, lines: Iterable[tuple[str, float]]) -> list[str]:
        """Feed one OCR run's (text, score) lines; returns the lines to read out now, in the order given."""
        now = self.resume()
        run = self.counted(lines)
        self.runs.append(run)
        self.announced = [a for a in self.announced if now - a.last_seen < self.repeat_after]
        out: list[str] = []
        for text, _score in run:
            known = self._read_out(text)
            if known is not None:
                known.last_seen = now
                continue
            variants = [(t, s) for past in self.runs for t, s in past if similar(t, text)]
            runs_with_it = sum(any(similar(t, text) for t, _ in past) for past in self.runs)
            if runs_with_it >= self.needed:
                best, best_score = max(variants, key=lambda v: v[1])
                self.announced.append(_Seen(best, best_score, now))
                out.append(best)
        return out

    def unread(self, lines: Iterable[tuple[str, float]]) -> bool:
        """Whether a run's lines hold one it counts that has not been read out (read once, it waits for the
        next run)."""
        return any(self._read_out(text) is None for text, _score in self.counted(lines))

    def _read_out(self, text: str) -> _Seen | None:
        """The line like `text` that has been read out (and is still held as read), if any."""
        return next((a for a in self.announced if similar(a.text, text)), None)

    def resume(self) -> float:
        """The time now, the time paused (if it was) added to what was read: it is not time out of view."""
        now = self.clock()
        if self.paused_at is not None:
            for seen in self.announced:
                seen.last_seen += max(0.0, now - self.paused_at)
            self.paused_at = None
        return now

    def read_elsewhere(self, lines: Iterable[str]) -> None:
        """Lines read out another way (R, a page in document mode): they count as read now, so the live text
        that finds them still in view does not read them again."""
        now = self.resume()
        for text in (t.strip() for t in lines):
            if len(text) < self.min_chars:
                continue
            known = self._read_out(text)
            if known is not None:
                known.last_seen = now
            else:
                self.announced.append(_Seen(text, 1.0, now))

    def pause(self) -> None:
        """The mode changes: reads in progress start afresh, but what was read stays read (switching away
        and back is no reason to hear the same sign twice), and the time until the next `update` does not
        count towards `repeat_after`."""
        self.runs.clear()
        if self.paused_at is None:
            self.paused_at = self.clock()

    def forget(self) -> None:
        """Start afresh: everything in view is read again."""
        self.runs.clear()
        self.announced.clear()
        self.paused_at = None
