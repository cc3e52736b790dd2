"""Who each tracked person is, within the live loop's budget: a face is looked at (a descriptor, about 8 ms)
when it is new, when it has changed, and every few seconds; a name is held between looks only while the
face stays as it was at the last look, so a stranger who takes a taught person's place (a cut, a turn,
someone stepping in) is never called by that person's name.

A change is measured on every step at almost no cost: the face's box jumped since the step before
(`JUMP`), its size changed since the last look (`RESIZED`), or its appearance did (`APPEARANCE`: a small
grey thumbnail of the box, compared with the one at the last look; light, shake and a box placed a little
differently count little). A changed face holds no name until it is looked at again, on that step or
within `CHANGE_GAP`; nor does a face unseen for `RECHECK` seconds. A person seen is looked at again at
least every `RECHECK` seconds, and a person not named a few times at first (`LOOKS`, `LOOK_EVERY` apart).

The decision is on the mean of the looks at whoever the face is now, so several looks at a stranger are not
several chances to be named wrongly; a look far from that mean (`SAME`) is someone else, and their looks
start again. A track that was said to be someone and is now surely someone else (`NEW`) is news: said
afresh, as a person who has just come. At most `PER_STEP` faces are looked at in one step (changed faces
first, then the largest); nobody at all while nobody is taught.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import cv2
import numpy as np

from assistant.vision.detection import Box, iou
from assistant.vision.faceid import PROBABLY, eye_distance
from assistant.vision.faces import Face
from assistant.vision.people import KnownPeople, Match, faces_of, one_each

LOOKS = 3
LOOK_EVERY = 0.6  # seconds
RECHECK = 3.0  # seconds between looks at a face that stays as it was
CHANGE_GAP = 0.25  # seconds: the fewest between two looks at a face that keeps changing
PER_STEP = 2
KEPT = 6  # looks at one person kept for their mean: the newest
JUMP = 0.5  # of the face's width: a move between two steps that is no movement but a jump
RESIZED = 1.4  # the face's width this many times larger, or smaller, than at the last look
# Thumbnails of `CELLS` x `CELLS` cells of the face box (with one cell of margin, the least difference over
# shifts of one cell). On the faces-dev photos re-framed as a hand-held camera would (moved up to 30 px,
# zoom 4%, turn 3 degrees, light 10%, noise, JPEG), the same face differs by more than 0.5 in 0% of frames
# with a face 160 px wide, 0.4% at 80 px, 11% at 40 (a look more); two different people's faces in the same
# place and size by 0.5 or less in 0%, 1.3% and 0.9% of pairs (caught by the look every `RECHECK` seconds).
CELLS = 12
APPEARANCE = 0.5
SAME = PROBABLY  # a look this far from the mean of the looks at a track's person is someone else
# A look this far from it is surely someone else: faces-dev's 225 different-person pairs are 0.73 apart and
# more, its 51 same-person pairs 0.51 at most.
NEW = 0.6


def thumbnail(frame: np.ndarray, box: Box) -> np.ndarray | None:
    """The face box in grey, `CELLS` + 2 cells a side (one of margin all round); None for a box out of view."""
    x0, y0, x1, y1 = box
    cw, ch = (x1 - x0) / CELLS, (y1 - y0) / CELLS
    left, top = math.floor(x0 - cw), math.floor(y0 - ch)
    right, bottom = math.ceil(x1 + cw), math.ceil(y1 + ch)
    h, w = frame.shape[:2]
    crop = frame[max(0, top):min(h, bottom), max(0, left):min(w, right)]
    if crop.shape[0] < 2 or crop.shape[1] < 2:
        return None
    if crop.shape[:2] != (bottom - top, right - left):  # a face at the edge keeps its shape
        crop = cv2.copyMakeBorder(crop, max(0, -top), max(0, bottom - h), max(0, -left), max(0, right - w),
                                  cv2.BORDER_REPLICATE)
    small = cv2.resize(crop, (CELLS + 2, CELLS + 2), interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    return grey.astype(np.float32)


def appearance_change(before: np.ndarray, now: np.ndarray) -> float:
    """How different two thumbnails of a face box are: the mean difference of their cells, each thumbnail
    normalised (light and contrast count little), the least over shifts of one cell (a box placed a little
    differently is not a change)."""
    centre = before[1:-1, 1:-1].reshape(-1)
    centre = (centre - centre.mean()) / (centre.std() + 1.0)
    shifted = np.lib.stride_tricks.sliding_window_view(now, (CELLS, CELLS)).reshape(9, CELLS * CELLS)
    shifted = (shifted - shifted.mean(axis=1, keepdims=True)) / (shifted.std(axis=1, keepdims=True) + 1.0)
    return float(np.abs(shifted - centre).mean(axis=1).min())


def jumped(before: Box, now: Box) -> bool:
    width = max(1.0, before[2] - before[0])
    return math.hypot((now[0] + now[2] - before[0] - before[2]) / 2,
                      (now[1] + now[3] - before[1] - before[3]) / 2) > JUMP * width


def resized(before: Box, now: Box) -> bool:
    ratio = max(1.0, now[2] - now[0]) / max(1.0, before[2] - before[0])
    return not 1 / RESIZED <= ratio <= RESIZED


@dataclass(frozen=True)
class News:
    """A tracked person to be said afresh: who they were said to be (None: a person), who they are now
    (None: a person not taught)."""

    was: str | None
    now: Match | None


@dataclass
class _Face:
    """One tracked person's face: the looks at whoever it is now, when the last look was and how the face was
    then (box, thumbnail), where and when it was last seen and how, whether it has changed since the last
    look, the nearest person taught, and whether the last look found someone else, surely."""

    descriptors: list[np.ndarray] = field(default_factory=list)
    at: float = -math.inf
    box: Box | None = None
    thumb: np.ndarray | None = None
    seen: Box | None = None
    seen_at: float = -math.inf
    seen_thumb: np.ndarray | None = None
    changed: bool = False
    match: Match | None = None
    someone_else: bool = False

    def notice(self, frame: np.ndarray, face: Face, now: float) -> None:
        """The face as seen now: changed since the last look when its box jumped, or its size or
        appearance changed."""
        thumb = thumbnail(frame, face.box)
        looks_other = self.thumb is not None and thumb is not None and appearance_change(self.thumb, thumb) > APPEARANCE
        if ((self.seen is not None and jumped(self.seen, face.box))
                or (self.box is not None and resized(self.box, face.box)) or looks_other):
            self.changed = True
        self.seen, self.seen_at, self.seen_thumb = face.box, now, thumb

    @property
    def unsure(self) -> bool:
        """Changed since the last look, or never looked at: looked at first."""
        return self.changed or not self.descriptors

    def due(self, now: float) -> bool:
        since = now - self.at
        if self.changed:
            return since >= CHANGE_GAP
        named = self.match is not None and self.match.said
        return since >= RECHECK or (not named and len(self.descriptors) < LOOKS and since >= LOOK_EVERY)

    def look(self, descriptor: np.ndarray, now: float) -> None:
        """A look at the face as last noticed."""
        if self.descriptors:
            distance = float(np.linalg.norm(np.mean(self.descriptors, axis=0) - descriptor))
            if distance >= SAME:  # someone else (or a look too poor to tell): their looks start again
                self.descriptors, self.someone_else = [], distance >= NEW
        self.descriptors = [*self.descriptors, descriptor][-KEPT:]
        self.at, self.box, self.thumb, self.changed = now, self.seen, self.seen_thumb, False

    def holds_name(self, now: float) -> bool:
        return (self.match is not None and self.match.said and not self.changed
                and now - self.seen_at <= RECHECK)


class Namer:
    """Thread contract: one thread (the loop's, where the objects and find channels step)."""

    def __init__(self, people: KnownPeople | None, per_step: int | None = PER_STEP) -> None:
        self.people, self.per_step = people, per_step
        self.names: dict[int, Match] = {}  # track id -> the name it holds now (sure or probably)
        self.told: dict[int, str] = {}  # track id -> the name it was last said by
        self.faces: dict[int, _Face] = {}
        self.version = -1  # of the gallery the matches were made with
        self.looked = 0  # descriptors computed, in all (benchmarks, tests)

    def update(self, frame: np.ndarray, now: float, persons: Mapping[int, Box],
               faces: list[Face]) -> dict[int, News]:
        """Look at the faces of the tracked people seen in this frame (`persons`: track id -> box) as they
        need (see the module); the people to be said afresh."""
        ids = list(persons)
        owners = faces_of([persons[i] for i in ids], faces)
        return self.follow(frame, now, {ids[k]: face for k, face in owners.items()})

    def follow(self, frame: np.ndarray, now: float, faces: Mapping[int, Face]) -> dict[int, News]:
        """`update` with each tracked face given (track id -> its face in this frame)."""
        people = self.people
        if people is None:
            return {}
        self._compare_again(people)
        if not people.gallery.names:
            self.names, self.told = {}, {}
            return {}
        for track, face in faces.items():
            self.faces.setdefault(track, _Face()).notice(frame, face, now)
        due = sorted((t for t in faces if self.faces[t].due(now)),
                     key=lambda t: (not self.faces[t].unsure, -eye_distance(faces[t])))
        looked: dict[int, Match | None] = {}
        for track in due[:self.per_step]:
            descriptor = people.look(frame, faces[track])
            if descriptor is None:  # too small: not a look; tried again once it is larger
                continue
            self.looked += 1
            state = self.faces[track]
            state.look(descriptor, now)
            looked[track] = people.match(np.mean(state.descriptors, axis=0))
        held = [f.match.name for t, f in self.faces.items() if t not in looked and f.holds_name(now) and f.match]
        for track, match in one_each(looked, held).items():
            self.faces[track].match = match
        self.names = {t: f.match for t, f in self.faces.items() if f.holds_name(now) and f.match is not None}
        return self._news(faces)

    def _compare_again(self, people: KnownPeople) -> None:
        """Someone taught or forgotten since: what was seen of each face is compared again, at no cost, and
        a name forgotten is no longer said or held."""
        gallery = people.gallery
        if gallery.version == self.version:
            return
        self.version = gallery.version
        self.told = {t: name for t, name in self.told.items() if name in gallery.names}
        again = {t: people.match(np.mean(f.descriptors, axis=0)) if f.descriptors else None
                 for t, f in self.faces.items()}
        for track, match in one_each(again).items():
            self.faces[track].match = match

    def _news(self, faces: Mapping[int, Face]) -> dict[int, News]:
        news: dict[int, News] = {}
        for track in faces:
            state, name, told = self.faces[track], self.names.get(track), self.told.get(track)
            if name is not None and name.name != told:
                news[track] = News(told, name)
                self.told[track] = name.name
            elif name is None and told is not None and state.someone_else:
                news[track] = News(told, None)
                del self.told[track]
            state.someone_else = False
        return news

    def settled(self) -> bool:
        """Whether the names held are as sure as their last look: the people taught are the ones they were
        compared with, and no face changed since."""
        return ((self.people is None or self.people.gallery.version == self.version)
                and not any(f.changed for f in self.faces.values()))

    def match_of(self, track: int) -> Match | None:
        """The nearest person taught to the track's face as last looked at (named or not)."""
        state = self.faces.get(track)
        return state.match if state is not None else None

    def keep(self, tracks: set[int]) -> None:
        """Forget the tracks not in `tracks` (the tracker's, seen now or not)."""
        self.names = {t: m for t, m in self.names.items() if t in tracks}
        self.told = {t: n for t, n in self.told.items() if t in tracks}
        self.faces = {t: f for t, f in self.faces.items() if t in tracks}


FOLLOW_IOU = 0.3  # a face overlapping one seen a moment ago this much is that face, followed
FORGET = 1.0  # seconds unseen after which a followed face is let go


class FaceTracks:
    """Faces followed from frame to frame by their boxes alone (find, where no person tracker runs): each
    keeps its id while it overlaps where it was last seen, within `FORGET` seconds. Pure."""

    def __init__(self) -> None:
        self.last: dict[int, tuple[Box, float]] = {}
        self._ids = itertools.count(1)

    def update(self, faces: list[Face], now: float) -> dict[int, Face]:
        """Track id -> face, for the faces of this frame."""
        self.last = {t: seen for t, seen in self.last.items() if now - seen[1] <= FORGET}
        free, out = dict(self.last), {}
        for face in sorted(faces, key=lambda f: -(f.box[2] - f.box[0])):
            best = max(free, key=lambda t: iou(free[t][0], face.box), default=None)
            track = best if best is not None and iou(free[best][0], face.box) >= FOLLOW_IOU else next(self._ids)
            free.pop(track, None)
            out[track] = face
            self.last[track] = (face.box, now)
        return out
