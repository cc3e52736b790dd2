"""Who each tracked person is, within the live loop's budget: a face is looked at (a descriptor, about 8 ms)
only while its person is not named yet, and a person named keeps the name while they are tracked.

A person not named is looked at a few times (`LOOKS`, `LOOK_EVERY` seconds apart), again when they have come
much closer (`CLOSER`: their eyes that much farther apart in the picture) and afresh once someone new is
taught; the decision is on the mean of their looks, so several looks at a stranger are not several
chances to be named wrongly. At most `PER_STEP` faces are looked at in one step, the largest first; nobody
at all while nobody is taught.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from assistant.vision.detection import Box
from assistant.vision.faceid import eye_distance
from assistant.vision.faces import Face
from assistant.vision.people import KnownPeople, Match, faces_of, one_each

LOOKS = 3
LOOK_EVERY = 0.6  # seconds
CLOSER = 1.5
MAX_LOOKS = 6  # looks at one person in all, however they move
PER_STEP = 2


@dataclass
class _Looks:
    """What was seen of one tracked person's face: the descriptors, when and how large it was last, the
    gallery they were compared with, and the nearest person taught."""

    descriptors: list[np.ndarray] = field(default_factory=list)
    at: float = -1e9
    eyes: float = 0.0
    version: int = -1
    match: Match | None = None

    def due(self, face: Face, now: float) -> bool:
        if len(self.descriptors) >= MAX_LOOKS:
            return False
        return ((len(self.descriptors) < LOOKS and now - self.at >= LOOK_EVERY)
                or eye_distance(face) >= CLOSER * self.eyes)


class Namer:
    """Thread contract: one thread (the loop's, where the objects channel steps)."""

    def __init__(self, people: KnownPeople | None, per_step: int = PER_STEP) -> None:
        self.people, self.per_step = people, per_step
        self.names: dict[int, Match] = {}  # track id -> the name it holds (said, sure or probably)
        self.looks: dict[int, _Looks] = {}
        self.looked = 0  # descriptors computed, in all (benchmarks, tests)

    def update(self, frame: np.ndarray, now: float, persons: Mapping[int, Box],
               faces: list[Face]) -> dict[int, Match]:
        """Look at the faces of the tracked people seen in this frame (`persons`: track id -> box) that are
        not named yet; the ones named now."""
        people = self.people
        if people is None or not people.gallery.names:
            self.names = {}
            return {}
        version = people.gallery.version
        known = set(people.gallery.names)
        self.names = {t: m for t, m in self.names.items() if m.name in known}  # someone forgotten meanwhile
        fresh: dict[int, Match | None] = {}
        for track in persons:  # someone new was taught: what was seen is compared again, at no cost
            looks = self.looks.get(track)
            if track not in self.names and looks is not None and looks.descriptors and looks.version != version:
                looks.version = version
                fresh[track] = people.match(np.mean(looks.descriptors, axis=0))
        ids = list(persons)
        owners = faces_of([persons[i] for i in ids], faces)
        due = [(ids[k], face) for k, face in owners.items() if ids[k] not in self.names and ids[k] not in fresh
               and self.looks.setdefault(ids[k], _Looks()).due(face, now)]
        for track, face in sorted(due, key=lambda item: -eye_distance(item[1]))[:self.per_step]:
            descriptor = people.look(frame, face)
            if descriptor is None:  # too small: not a look; tried again once it is larger
                continue
            self.looked += 1
            looks = self.looks[track]
            looks.descriptors.append(descriptor)
            looks.at, looks.eyes, looks.version = now, eye_distance(face), version
            fresh[track] = people.match(np.mean(looks.descriptors, axis=0))
        named = {}
        for track, match in one_each(fresh, [m.name for m in self.names.values()]).items():
            self.looks[track].match = match
            if match is not None and match.said:
                self.names[track] = named[track] = match
        return named

    def match_of(self, track: int) -> Match | None:
        """The nearest person taught to the track's face as last looked at (named or not)."""
        looks = self.looks.get(track)
        return looks.match if looks is not None else None

    def keep(self, tracks: set[int]) -> None:
        """Forget the tracks not in `tracks` (the tracker's, seen now or not)."""
        self.names = {t: m for t, m in self.names.items() if t in tracks}
        self.looks = {t: v for t, v in self.looks.items() if t in tracks}
