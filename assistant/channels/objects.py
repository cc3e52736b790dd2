"""The people-and-objects channel: what the detector finds, tracked across frames, said with where it is
and how many ("Two people, on the left and ahead.", "Another person, on the left.", "Three bottles.")."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, ClassVar

import numpy as np

from assistant.announce.phrasing import arrival, departure, group_description
from assistant.announce.positions import where
from assistant.announce.tracker import ObjectTracker, Track
from assistant.channels.base import Context, Lane
from assistant.common import Kind, Mode, Priority, Say
from assistant.vision import scene
from assistant.vision.detection import Detection
from assistant.vision.things import plural_of

DESCRIBED = "objects-described"  # shared: what this channel said in the describe-now answer being made


def covered_names(ctx: Context) -> set[str]:
    """The names this channel reports (empty without a detector): the scene channel leaves them to it."""
    detector = ctx.models.detector
    return set(detector.vocabulary) if detector is not None else set()


class ObjectsChannel:
    """Thread contract: see `Channel`; the tracker is touched only on the loop thread."""

    name: ClassVar[str] = "objects"
    modes: ClassVar[frozenset[Mode]] = frozenset({Mode.BOTH, Mode.SCENE})
    lane: ClassVar[Lane] = Lane.FAST
    failure: ClassVar[str] = "Could not look for people and things."

    def __init__(self, ctx: Context) -> None:
        a = ctx.config.announce
        self.ctx, self.detector = ctx, ctx.models.detector
        self.rate = ctx.config.vision.detect_rate
        self.style, self.say_gone = a.positions, a.say_gone
        self.tracker = ObjectTracker(absent_seconds=a.absent_seconds, clock=ctx.clock)
        self.width = 640.0

    def _where(self, det: Detection) -> str:
        assert det.box is not None
        return where(det.box, self.width, self.style)

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        if self.detector is None:
            return []
        self.width = float(frame.shape[1])
        seen = self.detector.detect(frame) if scene.measure(frame).trustworthy else []
        born, gone = self.tracker.update(seen, self.width)
        says: list[Say] = []
        by_name: dict[str, list[Track]] = defaultdict(list)
        for track in born:
            by_name[track.name].append(track)
        for name, tracks in by_name.items():
            already = sum(1 for t in self.tracker.present() if t.name == name and t not in tracks)
            wheres = [self._where(t.detection) for t in sorted(tracks, key=lambda t: t.detection.box[0])]  # type: ignore[index]
            says += [Say(text, Priority.NEXT, Kind.LABEL, name, about=name)
                     for text in arrival(name, plural_of(name), wheres, already)]
        if self.say_gone:
            says += [Say(departure(t.name, self._where(t.detection)), Priority.NORMAL, Kind.LABEL, t.name)
                     for t in gone]
        return says

    def describe(self, frame: np.ndarray | None, now: float) -> str:
        if frame is not None and not scene.measure(frame).trustworthy:
            return ""
        found: list[Detection] = [t.detection for t in self.tracker.present()]
        if not found and frame is not None and self.detector is not None:
            self.width = float(frame.shape[1])
            found = self.detector.detect(frame)
        text = describe_objects(found, self.width, self.style)
        self.ctx.shared[DESCRIBED] = text
        return text

    def reset(self) -> None:
        self.tracker.reset()

    def seen(self) -> dict[str, float]:
        last: dict[str, float] = {}
        for track in self.tracker.tracks:
            last[track.name] = max(last.get(track.name, 0.0), track.last_seen)
        return last


def describe_objects(found: list[Detection], width: float, style: str = "thirds") -> str:
    """'Two people: one on the left, one ahead. A laptop, ahead.' (people first, then by how many)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for det in sorted(found, key=lambda d: d.box[0] if d.box else 0.0):
        if det.box is not None:
            groups[det.name].append(where(det.box, width, style))
    order = sorted(groups, key=lambda n: (n != "person", -len(groups[n]), n))
    return " ".join(group_description(n, plural_of(n), groups[n]) for n in order)


def objects_json(found: list[Detection], width: float, style: str = "thirds") -> list[dict[str, Any]]:
    return [{"name": d.name, "coco": d.coco, "score": round(d.score, 4), "box": [round(v, 1) for v in d.box],
             "where": where(d.box, width, style)} for d in found if d.box is not None]
