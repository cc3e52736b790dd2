"""The debounced scene announcer: pure, with an injected clock.

Labels with the same spoken name are one thing to a listener, so their scores add up ("dog" is the sum
of every dog breed in the top-k). Debouncing is by time, not by frame count, so it works the same at 1 and
at 30 frames per second: a name becomes present when, over the last `window` seconds, at least half of
the frames had it at `enter_score` or more, the newest frame among them, and at least `hits_needed` frames
(as many as the window holds at the measured frame rate, and never fewer than two). It is announced
then, once. It becomes absent when it has stayed below `exit_score` for `absent_seconds`; it can be
announced again once it has been absent for `cooldown_seconds`, or at once when something else was
announced in between. The confidence said is the median of its recent scores.
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
    seen: deque[tuple[float, float]]  # (time, score) of the recent frames
    last_above_exit: float
    present: bool = False
    announced: bool = False
    absent_since: float | None = None
    announced_as: int = 0  # the announcement count when it was announced


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
                 hits_needed: int = 3, window: float = 1.5, absent_seconds: float = 2.0,
                 cooldown_seconds: float = 15.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.enter, self.exit, self.sure = enter_score, exit_score, sure_score
        self.hits_needed, self.window = hits_needed, window
        self.absent_seconds, self.cooldown = absent_seconds, cooldown_seconds
        self.clock = clock
        self.tracks: dict[str, _Track] = {}
        self.frame_times: deque[float] = deque(maxlen=16)
        self.announcements = 0
        self.last_seen: dict[str, float] = {}  # name -> when it last scored at least the exit score
        self.categories: dict[str, str] = {}  # name -> its category, as last seen

    def needed(self) -> int:
        """Hits needed now: `hits_needed`, but no more than the window holds at the measured frame rate, and
        never fewer than two."""
        times = list(self.frame_times)
        if len(times) < 2:
            return max(2, self.hits_needed)
        interval = statistics.median(b - a for a, b in zip(times, times[1:])) or 1e-3
        return max(2, min(self.hits_needed, int(self.window / interval + 1e-6) + 1))

    def update(self, detections: Iterable[Detection], now: float | None = None) -> list[Announcement]:
        """Feed one frame's detections (`now`: when the frame was seen, the clock's time if not given);
        returns what to announce now, best first."""
        now = self.clock() if now is None else now
        self.frame_times.append(now)
        detections = list(detections)
        scores = merge_by_name(detections)
        self.categories.update((d.name, d.category) for d in detections if d.category)
        needed = self.needed()
        out = []
        for name in sorted(set(scores) | set(self.tracks)):
            score = scores.get(name, 0.0)
            track = self.tracks.setdefault(name, _Track(deque(maxlen=64), now))
            track.seen.append((now, score))
            while track.seen and now - track.seen[0][0] > self.window:
                track.seen.popleft()
            if score >= self.exit:
                track.last_above_exit = self.last_seen[name] = now
            hits = [s for _, s in track.seen if s >= self.enter]
            real = score >= self.enter and len(hits) >= needed and 2 * len(hits) >= len(track.seen)
            if not track.present and real:
                track.present, track.absent_since = True, None
                if not track.announced:
                    median = statistics.median(hits)
                    out.append(Announcement(name, median, label_sentence(name, median, self.sure)))
                    track.announced, track.announced_as = True, self.announcements + 1
            elif track.present and now - track.last_above_exit >= self.absent_seconds:
                track.present, track.absent_since = False, now
            if self._forgettable(track, now):
                del self.tracks[name]  # gone long enough: next time it is new again
        self.announcements += len(out)
        return sorted(out, key=lambda a: -a.score)

    def _forgettable(self, track: _Track, now: float) -> bool:
        if track.present or any(s >= self.exit for _, s in track.seen):
            return False
        if not track.announced:
            return True
        if track.absent_since is None:
            return False
        # Another thing was said since: this one is news again when it comes back.
        return now - track.absent_since >= self.cooldown or self.announcements > track.announced_as

    def present(self) -> list[Detection]:
        """What is in view now with its recent median score, best first (for describe-now)."""
        items = [Detection(name, float(statistics.median(s for _, s in t.seen)), self.categories.get(name, ""))
                 for name, t in self.tracks.items() if t.present]
        return sorted(items, key=lambda d: -d.score)

    def reset(self) -> None:
        self.tracks.clear()
        self.frame_times.clear()
