"""The people-and-objects channel: what the merged detector finds, tracked across frames, said once while
it stays, with where it is and how many ("Two people, on the left and ahead.", "Another person, on the
left.", "Three bottles."); parts of a person never.

Live, within the loop's CPU budget, the detector runs at two speeds: the face detector on every step (6 ms:
a person who comes close is said at once); CenterNet and the SSD (80 and 13 ms) when the view has changed
since their last run, at once as long as `vision.coco_rate` a second allows, and at least every
`vision.coco_refresh` seconds (`vision.pace.SlowRuns`; the loop steps the channel at once when a still view
changes). Their hits are carried between runs: while the view is as it was at their last run, what they
found is seen again; while it is changing, only faces are (and the people they found, when a face is seen
in them), and the tracker drops a thing two runs in a row missed. Every step's answer is the merged
detector's (`vision.merge`): the same levels, one name per thing, faces standing for people, no parts.

A person the user taught is said by name where "a person" was ("Anna, ahead.", "Anna and two other
people.", "Anna has gone."): the faces of tracked people are looked at (`vision.naming`) when they are new,
when they change and every few seconds, and a name is said once while it holds. A person said by a name who
turns out to be someone else (a stranger stepping into Anna's place) is said afresh, as someone who has just
come ("Anna has gone." with `say_gone`, then "A person, ahead."); a name not held now is not said in
describe-now either.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace
from typing import Any, ClassVar

import numpy as np

from assistant.announce.describe import describe_found, most_salient
from assistant.announce.phrasing import arrival, departure, named_departure, people_arrival, who_words
from assistant.announce.positions import where
from assistant.announce.tracker import ObjectTracker, Track
from assistant.channels.base import Channel, Context, Lane
from assistant.common import Earcon, Kind, Mode, Priority, Say
from assistant.i18n import N_
from assistant.vision import scene
from assistant.vision.detection import Detection
from assistant.vision.faces import Face
from assistant.vision.merge import FACE, Hit, centre_in, merge
from assistant.vision.naming import Namer, News
from assistant.vision.pace import SlowRuns, differs, thumbnail
from assistant.vision.people import Naming, name_found
from assistant.vision.things import plural_of
from assistant.vision.verify import LiveCheck


def arrival_tone(track: Track) -> Earcon:
    """The tone just before the words of something that came into view: a person's, or a thing's."""
    return Earcon.PERSON if track.detection.category == "person" else Earcon.THING


class ObjectsChannel(Channel):
    """Thread contract: see `Channel`; the tracker is touched only on the loop thread."""

    name: ClassVar[str] = "objects"
    modes: ClassVar[frozenset[Mode]] = frozenset({Mode.BOTH, Mode.SCENE})
    lane: ClassVar[Lane] = Lane.FAST
    failure: ClassVar[str] = N_("Could not look for people and things.")

    def __init__(self, ctx: Context) -> None:
        a = ctx.config.announce
        self.ctx, self.detector, self.in_view = ctx, ctx.models.detector, ctx.services.in_view
        if self.detector is not None:  # what the scene channel leaves to this one
            self.in_view.covered = frozenset(self.detector.vocabulary)
        # The sources run when the view changes (the face detector runs on every step).
        self.slow = [name for name in self.detector.sources if name != FACE] if self.detector is not None else []
        self.rate = ctx.config.vision.detect_rate
        self.style, self.say_gone = a.positions, a.say_gone
        self.coco_every = 1.0 / ctx.config.vision.coco_rate
        self.coco_refresh = ctx.config.vision.coco_refresh
        self.runs = SlowRuns(self.coco_every, self.coco_refresh)
        # A COCO hit is at its fitted level already: one run makes it real. Faces, every step, need two. A
        # thing is gone when two COCO runs in a row have missed it.
        self.tracker = ObjectTracker(absent_seconds=max(a.absent_seconds, 2.5 * self.coco_every), clock=ctx.clock,
                                     hits_by_source=dict.fromkeys(self.slow, 1))
        self.hits: dict[str, list[Hit]] = {}  # CenterNet's and the SSD's (the slow sources'), from their last run
        self.coco_at = -math.inf
        self.view: np.ndarray | None = None  # the thumbnail of the frame they last ran on
        self.width = 640.0
        self.people = ctx.services.people
        self.namer = Namer(self.people)
        self.faces: list[Face] = []  # the faces of the last step
        # What is said at all, and how (`vision.verify`), with the classifier's second look.
        self.check = LiveCheck(ctx.models.classifier, ctx.rules)
        # Tracks that came with more than there was room to say (`most_salient`): tracked, so not said later
        # as new, and not said as gone either.
        self.unsaid: set[int] = set()

    def _where(self, det: Detection) -> str:
        assert det.box is not None
        return where(det.box, self.width, self.style)

    def sightings(self, frame: np.ndarray, now: float) -> list[Detection]:
        """What is seen in this frame: faces every time; things when CenterNet and the SSD run, or while the
        view is as it was when they last ran; a person they found, when a face is seen in them."""
        assert self.detector is not None  # `step` does not look without it
        view = thumbnail(frame)
        still = not differs(view, self.view)
        if self.runs.due(still, now - self.coco_at, now):
            self.hits = self.detector.by_source(frame, self.slow)
            self.coco_at, self.view, still = now, view, True
        self.faces = self.detector.faces(frame)
        found = self.check.live(merge({**self.hits, FACE: self.detector.hits(FACE, frame)}), self.hits, frame,
                                self.coco_at)  # `vision.verify`: only what is sure is announced
        if still:
            return found
        return [d for d in found if d.source == FACE or (d.category == "person" and d.box is not None
                                                          and any(centre_in(f.box, d.box) for f in self.faces))]

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        if self.detector is None:
            return []
        self.width = float(frame.shape[1])
        if scene.measure(frame).trustworthy:
            seen = self.sightings(frame, now)
        else:
            seen, self.hits, self.coco_at, self.view, self.faces = [], {}, -math.inf, None, []
            self.runs.forget()
        born, gone = self.tracker.update(seen, self.width, looked=self.coco_at == now, now=now)
        gone = [t for t in gone if t.id not in self.unsaid]  # not said as come: not said as gone
        gone_names = {t.id: self.namer.told.get(t.id) for t in gone}
        self.namer.keep({t.id for t in self.tracker.tracks})
        self.unsaid &= {t.id for t in self.tracker.tracks}
        now_seen = {id(d) for d in seen}
        persons = {t.id: t.detection.box for t in self.tracker.present()
                   if id(t.detection) in now_seen and t.detection.category == "person" and t.detection.box}
        news = self.namer.update(frame, now, persons, self.faces)
        self.in_view.present = tuple(t.detection for t in self.tracker.present())
        says = self._arrivals(born)
        for t in self.tracker.present():  # said before their face could be seen, or by a name no longer theirs
            if t.id in news and t not in born:
                says += self._news_says(news[t.id], t)
        if self.say_gone:
            for t in sorted(gone, key=lambda t: t.detection.box[0]):  # type: ignore[index]
                name = gone_names.get(t.id)
                text = named_departure(name) if name else departure(t.name, self._where(t.detection))
                says.append(Say(text, Priority.NORMAL, Kind.LABEL, t.name))
        return says

    def _arrivals(self, born: list[Track]) -> list[Say]:
        """What has just come, said as describe-now says it: the people first, then the things of the five
        most salient kinds (`most_salient`); the rest is tracked and not said."""
        says: list[Say] = []
        by_name: dict[str, list[Track]] = defaultdict(list)
        order = {id(d): i for i, d in enumerate(most_salient([t.detection for t in born], self.width))}
        self.unsaid |= {t.id for t in born if id(t.detection) not in order}
        for track in sorted((t for t in born if id(t.detection) in order), key=lambda t: order[id(t.detection)]):
            by_name[track.name].append(track)
        for name, tracks in by_name.items():  # in `most_salient`'s order
            tracks = sorted(tracks, key=lambda t: t.detection.box[0])  # type: ignore[index]
            known = [t for t in tracks if t.id in self.namer.names]
            if known:
                named = [(who_words(m.name, m.naming is Naming.SURE), self._where(t.detection))
                         for t in known for m in (self.namer.names[t.id],)]
                others = [self._where(t.detection) for t in tracks if t not in known]
                says += [Say(text, Priority.NEXT, Kind.LABEL, name, arrival_tone(tracks[0]), about=name)
                         for text in people_arrival(named, others)]
                continue
            already = sum(1 for t in self.tracker.present()
                          if t.name == name and t not in tracks and t.id not in self.unsaid)
            wheres = [self._where(t.detection) for t in tracks]
            says += [Say(text, Priority.NEXT, Kind.LABEL, name, arrival_tone(tracks[0]), about=name)
                     for text in arrival(name, plural_of(name), wheres, already)]
        return says

    def _news_says(self, news: News, track: Track) -> list[Say]:
        """A person said afresh: by their name now, once their face was seen; or, said by a name that is
        not theirs, as one who has gone ("Anna has gone.", with `say_gone`) and one who has come, named or not
        ("A person, ahead.", "Another person, on the left.")."""
        where_now, name = self._where(track.detection), track.name
        says = []
        if news.was is not None and self.say_gone:  # NEXT as the arrival, so that it is said first
            says.append(Say(named_departure(news.was), Priority.NEXT, Kind.LABEL, name))
        if news.now is not None:
            who = who_words(news.now.name, news.now.naming is Naming.SURE)
            texts = people_arrival([(who, where_now)], [])
        else:
            already = sum(1 for t in self.tracker.present() if t.name == name and t is not track)
            texts = arrival(name, plural_of(name), [where_now], already)
        return says + [Say(text, Priority.NEXT, Kind.LABEL, name, about=name) for text in texts]

    def _known(self, track: Track) -> Detection:
        """The track's sighting with who it is: named only while the name holds (`Namer.names`)."""
        named = self.namer.names.get(track.id)
        match = named or self.namer.match_of(track.id)
        if match is None:
            return track.detection
        return replace(track.detection, face_distance=round(match.distance, 4),
                       who=named.name if named else None, who_sure=named is not None and named.naming is Naming.SURE)

    def describe(self, frame: np.ndarray | None, now: float) -> str:
        self.in_view.described = ()
        if frame is not None and not scene.measure(frame).trustworthy:
            return ""
        # The view as the last run saw it: what that run found (and the faces since). A new view, none held,
        # or a face changed since it was last looked at (or the people taught): the detector looks at this frame.
        found: list[Detection] = [self._known(t) for t in self.tracker.present() if t.last_seen >= self.coco_at]
        still = frame is not None and self.namer.settled() and not differs(thumbnail(frame), self.view)
        if frame is not None and self.detector is not None and not (still and found):
            self.width = float(frame.shape[1])
            seen, faces = self.detector.look(frame)
            seen = self.check.once(frame, seen, self.detector.by_source(frame))  # `vision.verify`
            found = name_found(frame, seen, faces, self.people)
        self.in_view.described = tuple(found)
        return describe_found(found, self.width, self.style)

    def reset(self) -> None:
        self.tracker.reset()
        self.check.reset()
        self.namer.keep(set())
        self.unsaid = set()
        self.hits, self.coco_at, self.view = {}, -math.inf, None
        self.runs.forget()
        self.in_view.present = ()

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
