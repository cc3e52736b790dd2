"""The debounced scene announcer: pure, with an injected clock.

Labels with the same spoken name are one thing to a listener, so their scores add up ("dog" is the sum
of every dog breed in the top-k). A name becomes present when its score reaches `enter_score` in
`hits_needed` of the last `window` frames, and is announced then, once. It becomes absent when it has
stayed below `exit_score` for `absent_seconds`; only after it has been absent for `cooldown_seconds`
can it be announced again. The confidence said is the median of its recent scores.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from assistant.announce.phrasing import label_sentence
from assistant.vision.detection import Detection


@dataclass(frozen=True)
class Announcement:
    name: str
    score: float
    text: str


@dataclass
class _Track:
    scores: deque[float]
    last_above_exit: float
    present: bool = False
    announced: bool = False
    absent_since: float | None = None


def merge_by_name(detections: Iterable[Detection]) -> dict[str, float]:
    merged: dict[str, float] = defaultdict(float)
    for d in detections:
        merged[d.name] += d.score
    return dict(merged)


def ranked_by_name(detections: Iterable[Detection]) -> list[Detection]:
    """Merged by spoken name (scores added up; the best one's category, box and source kept), best first."""
    items = list(detections)
    best: dict[str, Detection] = {}
    for d in items:
        if d.name not in best or d.score > best[d.name].score:
            best[d.name] = d
    merged = merge_by_name(items)
    return sorted((replace(best[name], score=score) for name, score in merged.items()), key=lambda d: -d.score)


class Announcer:
    """The debouncer. Thread contract: not thread-safe; its owner (the scene channel) calls it from one thread."""

    def __init__(self, enter_score: float = 0.3, exit_score: float = 0.15, sure_score: float = 0.7,
                 hits_needed: int = 3, window: int = 5, absent_seconds: float = 2.0,
                 cooldown_seconds: float = 15.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.enter, self.exit, self.sure = enter_score, exit_score, sure_score
        self.hits_needed, self.window = hits_needed, window
        self.absent_seconds, self.cooldown = absent_seconds, cooldown_seconds
        self.clock = clock
        self.tracks: dict[str, _Track] = {}

    def update(self, detections: Iterable[Detection]) -> list[Announcement]:
        """Feed one frame's detections; returns what to announce now, best first."""
        now = self.clock()
        scores = merge_by_name(detections)
        out = []
        for name in sorted(set(scores) | set(self.tracks)):
            score = scores.get(name, 0.0)
            track = self.tracks.setdefault(name, _Track(deque(maxlen=self.window), now))
            track.scores.append(score)
            if score >= self.exit:
                track.last_above_exit = now
            if not track.present and sum(s >= self.enter for s in track.scores) >= self.hits_needed:
                track.present, track.absent_since = True, None
                if not track.announced:
                    median = statistics.median(s for s in track.scores if s >= self.enter)
                    out.append(Announcement(name, median, label_sentence(name, median, self.sure)))
                    track.announced = True
            elif track.present and now - track.last_above_exit >= self.absent_seconds:
                track.present, track.absent_since = False, now
            if self._forgettable(track, now):
                del self.tracks[name]  # gone long enough: next time it is new again
        return sorted(out, key=lambda a: -a.score)

    def _forgettable(self, track: _Track, now: float) -> bool:
        if track.present or any(s >= self.exit for s in track.scores):
            return False
        return not track.announced or (track.absent_since is not None and now - track.absent_since >= self.cooldown)

    def present(self) -> list[Detection]:
        """What is in view now with its recent median score, best first (for describe-now)."""
        items = [Detection(name, float(statistics.median(t.scores))) for name, t in self.tracks.items() if t.present]
        return sorted(items, key=lambda d: -d.score)

    def reset(self) -> None:
        self.tracks.clear()
