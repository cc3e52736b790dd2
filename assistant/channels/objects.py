"""The people-and-objects channel: what the merged detector finds, tracked across frames, said once while
it stays, with where it is and how many ("Two people, on the left and ahead.", "Another person, on the
left.", "Three bottles."); parts of a person never.

Live, within the loop's CPU budget, the detector runs at two speeds: the face detector on every step (6 ms:
a person who comes close is said at once); CenterNet and the SSD (80 and 13 ms) when the view has changed
since their last run, at most `vision.coco_rate` times a second, and at least every `vision.coco_refresh` seconds. Their
hits are carried between runs: while the view is as it was at their last run, what they found is seen
again; while it is changing, only faces are (and the people they found, when a face is seen in them), and
the tracker drops a thing two runs in a row missed. Every step's answer is the merged detector's
(`vision.merge`): the same levels, one name per thing, faces standing for people, no parts.

A person the user taught is said by name where "a person" was ("Anna, ahead.", "Anna and two other
people.", "Anna has gone."): the faces of tracked people not named yet are looked at (`vision.naming`), and
a person named keeps the name while tracked, said once.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace
from typing import Any, ClassVar

import cv2
import numpy as np

from assistant.announce.describe import describe_found
from assistant.announce.phrasing import arrival, departure, named_departure, people_arrival, who_words
from assistant.announce.positions import where
from assistant.announce.tracker import ObjectTracker, Track
from assistant.channels.base import Context, Lane
from assistant.channels.faces import known_people
from assistant.common import Kind, Mode, Priority, Say
from assistant.vision import scene
from assistant.vision.detection import Detection
from assistant.vision.faces import Face
from assistant.vision.merge import Hit, centre_in, merge
from assistant.vision.naming import Namer
from assistant.vision.people import Match, Naming, name_found
from assistant.vision.things import plural_of
from assistant.vision.verify import LiveCheck

DESCRIBED = "objects-described"  # shared: what this channel found for the describe-now answer being made
IN_VIEW = "objects-in-view"  # shared: the detections this channel holds as in view now (the scene channel's)
# Mean difference (grey levels) of 32 x 24 thumbnails from the one at the last run that makes a new view:
# the demo clip's hand shake stays within 3.9 of a scene's first frame, its scene cuts are 50 and more.
VIEW_CHANGE = 8.0


def thumbnail(frame: np.ndarray) -> np.ndarray:
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) if frame.ndim == 3 else frame
    return cv2.resize(grey, (32, 24), interpolation=cv2.INTER_AREA).astype(np.float32)


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
        self.coco_every = 1.0 / ctx.config.vision.coco_rate
        self.coco_refresh = ctx.config.vision.coco_refresh
        # A COCO hit is at its fitted level already: one run makes it real. Faces, every step, need two. A
        # thing is gone when two COCO runs in a row have missed it.
        self.tracker = ObjectTracker(absent_seconds=max(a.absent_seconds, 2.5 * self.coco_every), clock=ctx.clock,
                                     hits_by_source={"coco": 1, "ssd": 1})
        self.hits: tuple[list[Hit], list[Hit]] = ([], [])  # CenterNet's and the SSD's, from their last run
        self.coco_at = -math.inf
        self.view: np.ndarray | None = None  # the thumbnail of the frame they last ran on
        self.width = 640.0
        self.people = known_people(ctx)
        self.namer = Namer(self.people)
        self.faces: list[Face] = []  # the faces of the last step
        # What is said at all, and how (`vision.verify`); without a classifier, without a second look.
        self.check = LiveCheck(getattr(ctx.models, "classifier", None))

    def _where(self, det: Detection) -> str:
        assert det.box is not None
        return where(det.box, self.width, self.style)

    def sightings(self, frame: np.ndarray, now: float) -> list[Detection]:
        """What is seen in this frame: faces every time; things when CenterNet and the SSD run, or while the
        view is as it was when they last ran; a person they found, when a face is seen in them."""
        view = thumbnail(frame)
        since = now - self.coco_at
        still = self.view is not None and float(np.abs(view - self.view).mean()) <= VIEW_CHANGE
        if (not still and since >= self.coco_every) or since >= self.coco_refresh:
            self.hits = (self.detector.coco_hits(frame), self.detector.ssd_hits(frame))
            self.coco_at, self.view, still = now, view, True
        self.faces = self.detector.faces.detect(frame)
        faces = [(f.score, f.box) for f in self.faces]
        found = self.check.live(merge(*self.hits, faces), *self.hits, frame, self.coco_at)  # `vision.verify`
        if still:
            return found
        return [d for d in found if d.source == "face" or (d.category == "person" and d.box is not None
                                                            and any(centre_in(f, d.box) for _, f in faces))]

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        if self.detector is None:
            return []
        self.width = float(frame.shape[1])
        if scene.measure(frame).trustworthy:
            seen = self.sightings(frame, now)
        else:
            seen, self.hits, self.coco_at, self.view, self.faces = [], ([], []), -math.inf, None, []
        born, gone = self.tracker.update(seen, self.width)
        gone_names = {t.id: self.namer.names.get(t.id) for t in gone}
        self.namer.keep({t.id for t in self.tracker.tracks})
        now_seen = {id(d) for d in seen}
        persons = {t.id: t.detection.box for t in self.tracker.present()
                   if id(t.detection) in now_seen and t.detection.category == "person" and t.detection.box}
        named = self.namer.update(frame, now, persons, self.faces)
        self.ctx.shared[IN_VIEW] = tuple(t.detection for t in self.tracker.present())
        says = self._arrivals(born)
        says += [self._named_say(self.namer.names[t.id], t) for t in self.tracker.present()
                 if t.id in named and t not in born]  # said as "a person" before their face could be seen
        if self.say_gone:
            for t in sorted(gone, key=lambda t: t.detection.box[0]):  # type: ignore[index]
                match = gone_names.get(t.id)
                text = named_departure(match.name) if match else departure(t.name, self._where(t.detection))
                says.append(Say(text, Priority.NORMAL, Kind.LABEL, t.name))
        return says

    def _arrivals(self, born: list[Track]) -> list[Say]:
        says: list[Say] = []
        by_name: dict[str, list[Track]] = defaultdict(list)
        for track in born:
            by_name[track.name].append(track)
        for name, tracks in by_name.items():
            tracks = sorted(tracks, key=lambda t: t.detection.box[0])  # type: ignore[index]
            known = [t for t in tracks if t.id in self.namer.names]
            if known:
                named = [(who_words(m.name, m.naming is Naming.SURE), self._where(t.detection))
                         for t in known for m in (self.namer.names[t.id],)]
                others = [self._where(t.detection) for t in tracks if t not in known]
                says += [Say(text, Priority.NEXT, Kind.LABEL, name, about=name)
                         for text in people_arrival(named, others)]
                continue
            already = sum(1 for t in self.tracker.present() if t.name == name and t not in tracks)
            wheres = [self._where(t.detection) for t in tracks]
            says += [Say(text, Priority.NEXT, Kind.LABEL, name, about=name)
                     for text in arrival(name, plural_of(name), wheres, already)]
        return says

    def _named_say(self, match: Match, track: Track) -> Say:
        who = who_words(match.name, match.naming is Naming.SURE)
        [text] = people_arrival([(who, self._where(track.detection))], [])
        return Say(text, Priority.NEXT, Kind.LABEL, track.name, about=track.name)

    def _known(self, track: Track) -> Detection:
        """The track's sighting with who it is, as far as its face was looked at."""
        match = self.namer.names.get(track.id) or self.namer.match_of(track.id)
        if match is None:
            return track.detection
        return replace(track.detection, face_distance=round(match.distance, 4),
                       who=match.name if match.said else None, who_sure=match.naming is Naming.SURE)

    def describe(self, frame: np.ndarray | None, now: float) -> str:
        self.ctx.shared[DESCRIBED] = ()
        if frame is not None and not scene.measure(frame).trustworthy:
            return ""
        # The view as the last run saw it: what that run found (and the faces since). A new view, or none
        # held: the detector looks at this frame.
        found: list[Detection] = [self._known(t) for t in self.tracker.present() if t.last_seen >= self.coco_at]
        still = (frame is not None and self.view is not None
                 and float(np.abs(thumbnail(frame) - self.view).mean()) <= VIEW_CHANGE)
        if frame is not None and self.detector is not None and not (still and found):
            self.width = float(frame.shape[1])
            seen, faces = self.detector.look(frame)
            found = name_found(frame, self.check.once(frame, seen, self.detector), faces, self.people)
        self.ctx.shared[DESCRIBED] = tuple(found)
        return describe_found(found, self.width, self.style)

    def reset(self) -> None:
        self.tracker.reset()
        self.check.reset()
        self.namer.keep(set())
        self.hits, self.coco_at, self.view = ([], []), -math.inf, None
        self.ctx.shared[IN_VIEW] = ()

    def seen(self) -> dict[str, float]:
        last: dict[str, float] = {}
        for track in self.tracker.tracks:
            last[track.name] = max(last.get(track.name, 0.0), track.last_seen)
        return last


def describe_objects(found: list[Detection], width: float, style: str = "thirds") -> str:
    """'Two people: one on the left, one ahead. A laptop ahead.' (people first, then things by salience)."""
    return describe_found(found, width, style)


def objects_json(found: list[Detection], width: float, style: str = "thirds") -> list[dict[str, Any]]:
    """Each thing as `detect --json` gives it: the spoken `name`, its `coco` class (or null), `score`, `box`,
    `where`, `who` (the name of a person taught, as it was given, whenever it is said, sure or probably; else
    null) and `face_distance` (the face's descriptor distance to the nearest person taught; null without a
    usable face or anyone taught)."""
    return [{"name": d.name, "coco": d.coco, "score": round(d.score, 4), "box": [round(v, 1) for v in d.box],
             "where": where(d.box, width, style), "who": d.who, "face_distance": d.face_distance}
            for d in found if d.box is not None]
