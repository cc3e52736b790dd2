"""Known people, for find: their names, and where one of them is in a frame (`PeopleFinder`). `KnownFaces`
follows the faces from frame to frame (`vision.naming`): each is looked at when it is new, when it has
changed (a stranger stepping into the place of the person found is looked at at once, and not led to) and
every few seconds, not on every frame; `NoPeople` stands in where the face models are not built (a
person's name is then looked for as text)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Protocol

import numpy as np

from assistant.vision.detection import Box
from assistant.vision.faces import Face
from assistant.vision.naming import PER_STEP, FaceTracks, Namer
from assistant.vision.people import KnownPeople


class PeopleFinder(Protocol):
    """Known people, for find: their names, and (score, face box) of one of them in a frame."""

    def names(self) -> Collection[str]: ...

    def find(self, frame: np.ndarray, name: str) -> list[tuple[float, Box]]: ...


class NoPeople:
    def names(self) -> Collection[str]:
        return ()

    def find(self, frame: np.ndarray, name: str) -> list[tuple[float, Box]]:
        return []


class KnownFaces:
    """The people taught, and each face in a frame that is the person asked for (its score: how near, 1 -
    distance; named sure or probably, as the announcements would). `photos`: every frame a photo of its own,
    each face in it looked at."""

    def __init__(self, people: KnownPeople, faces: Callable[[np.ndarray], list[Face]], clock: Callable[[], float],
                 photos: bool = False) -> None:
        self.people, self.faces, self.clock = people, faces, clock
        self.photos, self.tracks = photos, FaceTracks()
        self.namer = Namer(people, per_step=None if photos else PER_STEP)

    def names(self) -> Collection[str]:
        self.people.refresh()
        return self.people.gallery.names

    def find(self, frame: np.ndarray, name: str) -> list[tuple[float, Box]]:
        if self.photos:  # each photo on its own: every face in it is new
            self.tracks = FaceTracks()
            self.namer.keep(set())
        now = self.clock()
        followed = self.tracks.update(self.faces(frame), now)
        self.namer.keep(set(self.tracks.last))
        self.namer.follow(frame, now, followed)
        return [(max(0.0, 1.0 - match.distance), followed[track].box) for track, match in self.namer.names.items()
                if track in followed and match.name == name]
