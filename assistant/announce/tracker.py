"""Tracking detected things across frames, so each is announced once and its arrival and departure can be
told: pure, with an injected clock.

A detection is matched to the track of the same name whose box overlaps it most (IoU >= 0.2, or centres
within a fifth of the view's width). A track is real once it has been seen `hits_needed` times within
`window` seconds (time, not frames: the same at 1 or 30 frames per second), or as often as `hits_by_source`
asks of what found it (a detector run seldom, whose every hit is already at its fitted level, needs one),
and gone once it has not been seen for `absent_seconds`, or once `missed_looks` full looks in a row (frames
every detector ran on) have missed it.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.vision.detection import Detection, iou


@dataclass
class Track:
    """One thing followed across frames; `detection` is its latest sighting."""

    id: int
    detection: Detection
    last_seen: float
    hits: deque[float] = field(default_factory=lambda: deque(maxlen=8))
    confirmed: bool = False
    missed: int = 0  # full looks in a row that did not see it

    @property
    def name(self) -> str:
        return self.detection.name


class ObjectTracker:
    """Thread contract: not thread-safe; its owner (the objects channel) calls it from one thread."""

    def __init__(self, hits_needed: int = 2, window: float = 1.0, absent_seconds: float = 2.0,
                 clock: Callable[[], float] = time.monotonic, hits_by_source: dict[str, int] | None = None,
                 missed_looks: int = 2) -> None:
        self.hits_needed, self.window, self.absent_seconds, self.clock = hits_needed, window, absent_seconds, clock
        self.missed_looks = missed_looks
        self.hits_by_source = hits_by_source or {}
        self.tracks: list[Track] = []
        self._ids = itertools.count(1)

    def update(self, detections: list[Detection], width: float, looked: bool = False,
               now: float | None = None) -> tuple[list[Track], list[Track]]:
        """Feed one frame's detections (with boxes), `looked` when every detector ran on it, `now` when the
        frame was seen (the clock's time if not given); returns the tracks that became real now, and the real
        tracks that are gone now."""
        now = self.clock() if now is None else now
        free = list(self.tracks)
        for det in sorted(detections, key=lambda d: -d.score):
            if det.box is None:
                continue
            track = self._match(det, free, width)
            if track is None:
                track = Track(next(self._ids), det, now)
                self.tracks.append(track)
            else:
                free.remove(track)
                track.detection, track.last_seen = det, now
            track.hits.append(now)
        if looked:
            for track in self.tracks:
                track.missed = track.missed + 1 if track in free else 0
        born: list[Track] = []
        for track in self.tracks:
            recent = sum(now - t <= self.window for t in track.hits)
            needed = self.hits_by_source.get(track.detection.source, self.hits_needed)
            if not track.confirmed and recent >= needed and track.last_seen == now:
                track.confirmed = True
                born.append(track)
        gone = [t for t in self.tracks if now - t.last_seen >= self.absent_seconds or t.missed >= self.missed_looks]
        self.tracks = [t for t in self.tracks if t not in gone]
        return born, [t for t in gone if t.confirmed]

    def _match(self, det: Detection, free: list[Track], width: float) -> Track | None:
        assert det.box is not None
        best, best_score = None, 0.0
        for track in free:
            box = track.detection.box
            if track.name != det.name or box is None:
                continue
            overlap = iou(box, det.box)
            near = abs((box[0] + box[2]) - (det.box[0] + det.box[2])) / 2 <= width / 5
            score = overlap + (0.1 if near else 0.0)
            if (overlap >= 0.2 or near) and score > best_score:
                best, best_score = track, score
        return best

    def present(self) -> list[Track]:
        """The real tracks in view now."""
        return [t for t in self.tracks if t.confirmed]

    def reset(self) -> None:
        self.tracks.clear()
