"""Who the people in view are: the people the user taught (`KnownPeople`, from the known-faces file of
`vision.facestore`), and a face matched to the nearest of them.

Each person taught is compared by the mean of their descriptors (from several frames or photos: on
faces-dev a mean of two photos is nearer their other photos than either photo is, and no nearer anyone
else). A face is named when its distance to the nearest person is under the sure threshold, "probably"
under the probably threshold (`faceid.SURE`, `faceid.PROBABLY`); else it is a stranger. The more people are
taught, the more chances a stranger has to fall near one of them: past `FITTED_FOR` people both thresholds
are lowered so that a stranger's chance of being named stays what it was (`thresholds`).

Teaching never gives a name to a second face: a face farther than the probably threshold from the person
known by that name is refused (`NameTaken`) unless the user says it is the same person; and of several
faces in view, only one that is clearly the largest is taught (`the_face`).
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from statistics import NormalDist

import numpy as np

from assistant.i18n import N_, _
from assistant.vision import facestore, targets
from assistant.vision.detection import Box, Detection, area
from assistant.vision.faceid import PROBABLY, SURE, FaceDescriber, align, eye_distance
from assistant.vision.faces import Face
from assistant.vision.facestore import FacesFileError, Problem, Saved
from assistant.vision.manifest import ModelError, model_entry

FITTED_FOR = 8  # people taught, up to which SURE and PROBABLY hold as measured
# Different-person distances on faces-dev and the strangers' faces of the COCO and ImageNet dev photos
# (1224 pairs): mean and standard deviation, for the normal tail that `thresholds` extrapolates.
STRANGER_MEAN, STRANGER_SD = 0.839, 0.088
ALIKE = 0.8  # a second face whose eyes are this near as far apart as the largest's: which one is meant?
OTHER_MODEL = N_("The known faces were made by another version of the face model: nobody is named until they "
                 "are taught again (`assistant check` says how).")
TEACH_AGAIN = N_("The known faces were made by another version of the face model: run `assistant faces forget "
                 "--all` first, then teach each person again.")


def thresholds(people: int) -> tuple[float, float]:
    """(sure, probably) for `people` taught: the measured ones up to `FITTED_FOR`; past it, each is lowered
    so that (people compared) x (the share of strangers under it) stays as at `FITTED_FOR`, the share read
    from a normal fit of the different-person distances (e.g. 16 people: 0.437 and 0.485; 100: 0.40 and 0.45)."""
    if people <= FITTED_FOR:
        return SURE, PROBABLY
    tail = NormalDist(STRANGER_MEAN, STRANGER_SD)
    sure, probably = (tail.inv_cdf(tail.cdf(t) * FITTED_FOR / people) for t in (SURE, PROBABLY))
    return sure, probably


def the_face(faces: Sequence[Face]) -> Face | None:
    """The face meant when someone is taught from a photo or the camera: the largest, when it is clearly the
    largest (no other face's eyes `ALIKE` as far apart); None when there is none, or which one is meant
    cannot be told (a crowd, a grid of photos: a look at one of them is no look at the one meant)."""
    faces = sorted(faces, key=lambda f: -eye_distance(f))
    if not faces or len(faces) > 1 and eye_distance(faces[1]) >= ALIKE * eye_distance(faces[0]):
        return None
    return faces[0]


def names_a_thing(name: str) -> bool:
    """Whether `find` knows `name` as a thing's (or as "code"): a person taught as "cup" would share the word
    with cups."""
    target = targets.resolve(name)
    return target is not None and target.kind in (targets.Kind.THING, targets.Kind.CODE)


SHARES_A_THING = N_("{name} is also what find calls a thing: find {name} looks for the thing, not for this person. "
                    "Another name keeps them apart.")


class NameTaken(Exception):
    """`name` is known already, by a face `distance` from the one being taught: farther than the probably
    threshold, someone else's (teaching it there would give her name to him)."""

    def __init__(self, name: str, distance: float) -> None:
        super().__init__(name)
        self.name, self.distance = name, distance


class Naming(enum.Enum):
    SURE = "sure"
    PROBABLY = "probably"
    STRANGER = "stranger"


@dataclass(frozen=True)
class Match:
    """The nearest person taught to a face, how far, and whether that is said (`naming`)."""

    name: str
    distance: float
    naming: Naming

    @property
    def said(self) -> bool:
        return self.naming is not Naming.STRANGER


@dataclass(frozen=True)
class Gallery:
    """The people taught as one mean descriptor each (immutable: replaced whole when someone is taught);
    `version` changes with every change."""

    names: tuple[str, ...] = ()
    means: np.ndarray = field(default_factory=lambda: np.zeros((0, facestore.SIZE), np.float32))
    version: int = 0

    @classmethod
    def of(cls, saved: Saved, version: int) -> Gallery:
        means = [looks.mean(axis=0) for _, looks in saved.people]
        return cls(tuple(saved.names()), np.array(means, np.float32).reshape(-1, facestore.SIZE), version)

    def match(self, descriptor: np.ndarray) -> Match | None:
        """The nearest person taught; None when nobody is."""
        if not self.names:
            return None
        distances = np.linalg.norm(self.means - np.asarray(descriptor, np.float32)[None], axis=1)
        k = int(distances.argmin())
        sure, probably = thresholds(len(self.names))
        d = float(distances[k])
        naming = Naming.SURE if d < sure else Naming.PROBABLY if d < probably else Naming.STRANGER
        return Match(self.names[k], d, naming)


def model_hash() -> str | None:
    """The manifest's SHA-256 of the face descriptor model; None when it is not built."""
    try:
        return str(model_entry(facestore.MODEL)["sha256"])
    except ModelError:
        return None


class KnownPeople:
    """The people taught and the model that compares faces with them. `problem` is the one sentence that
    says why nobody can be named (a damaged file, another model's file), else "". The face model is
    `describer`, or the one `load` gives the first time a face is looked at (so that nobody taught, none is
    loaded); None where it is not built.
    Thread contract: one thread at a time (the live loop's, or a command's)."""

    def __init__(self, describer: FaceDescriber | None, path: Path | None = None, model: str | None = None,
                 load: Callable[[], FaceDescriber | None] | None = None) -> None:
        self._describer, self._load, self.path = describer, load, path or facestore.faces_path()
        self.model = model if model is not None else model_hash()
        self.gallery, self.problem = Gallery(), ""
        self.signature: tuple[int, int, int] | None = None
        self.load()

    def load(self) -> None:
        """Read the file again (empty when there is none; a problem leaves nobody known, the file untouched)."""
        version = self.gallery.version + 1
        self.gallery, self.problem, self.signature = Gallery(version=version), "", self._signature()
        try:
            saved = facestore.read(self.path)
        except FacesFileError as exc:
            self.problem = str(exc)
            return
        if saved is not None and saved.people and saved.model_sha256 != self.model:
            self.problem = _(OTHER_MODEL)
        elif saved is not None:
            self.gallery = Gallery.of(saved, version)

    @property
    def describer(self) -> FaceDescriber | None:
        """The face model (loaded on first use when given as `load`), or None where it is not built."""
        if self._describer is None and self._load is not None:
            self._describer, self._load = self._load(), None
        return self._describer

    @describer.setter
    def describer(self, model: FaceDescriber | None) -> None:
        self._describer, self._load = model, None

    def _signature(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_ino, st.st_size, st.st_mtime_ns

    def refresh(self) -> bool:
        """Read the file again when it changed since it was read (`assistant faces` in another process:
        someone forgotten is not named a moment later); whether it did."""
        if self._signature() == self.signature:
            return False
        self.load()
        return True

    def look(self, frame: np.ndarray, face: Face) -> np.ndarray | None:
        """The face's descriptor; None when it is too small to recognise (or there is no model)."""
        chip = align(frame, face)
        if chip is None or self.describer is None:  # loaded here, the first time a face is looked at
            return None
        return self.describer.describe(chip)

    def match(self, descriptor: np.ndarray) -> Match | None:
        return self.gallery.match(descriptor)

    def saved(self) -> Saved:
        """The file as it is now, to change it: `FacesFileError` when it cannot be read, is damaged or was made
        by another model (a file that was not read is never written over)."""
        saved = facestore.read(self.path)
        if self.model is None:
            raise FacesFileError(_("The face models are not built: run `assistant models build`."),
                                 Problem.UNREADABLE)
        if saved is None or not saved.people:
            return Saved(self.model)
        if saved.model_sha256 != self.model:
            raise FacesFileError(_(TEACH_AGAIN), Problem.OTHER_MODEL)
        return saved

    def teach(self, name: str, looks: np.ndarray, same_person: bool = False) -> str:
        """Add `looks` ((k, 128) descriptors) to `name` (a new person or one known, in any case), in the file
        and here; the name as kept. `NameTaken` when the person known by that name has a face farther than
        the probably threshold from these looks' mean, unless the user said it is the `same_person`."""
        with facestore.locked(self.path):
            saved = self.saved()
            known = saved.looks_of(name)
            if known is not None and not same_person:
                distance = float(np.linalg.norm(np.asarray(looks, np.float32).reshape(-1, facestore.SIZE).mean(axis=0)
                                                - known.mean(axis=0)))
                if distance >= PROBABLY:
                    raise NameTaken(saved.known_as(name) or name, distance)
            self._write(saved.with_looks(name, looks))
            return saved.known_as(name) or name

    def forget(self, name: str) -> str | None:
        """Forget the person known by `name` (in any case); the name as it was kept, None when nobody had it."""
        if not self.path.parent.is_dir():
            return None
        with facestore.locked(self.path):
            saved = facestore.read(self.path)  # forgetting needs no model: the descriptors are not used
            kept = saved.known_as(name) if saved is not None else None
            if saved is None or kept is None:
                return None
            self._write(saved.without(name))
            return kept

    def forget_all(self) -> bool:
        """Remove every descriptor (`facestore.remove`); whether there were any."""
        if not self.path.parent.is_dir():
            return False
        with facestore.locked(self.path):
            found = facestore.remove(self.path)
        self.load()
        return found

    def _write(self, saved: Saved) -> None:
        facestore.write(self.path, saved)
        self.load()


def faces_of(boxes: Sequence[Box | None], faces: Sequence[Face]) -> dict[int, Face]:
    """Which face is whose: index of a person's box -> the face in it. The largest faces first, each to the
    smallest free box its centre lies in (a face in front of a larger person's box is its own person's)."""
    out: dict[int, Face] = {}
    for face in sorted(faces, key=lambda f: -(f.box[2] - f.box[0])):
        cx, cy = (face.box[0] + face.box[2]) / 2, (face.box[1] + face.box[3]) / 2
        free = [i for i, b in enumerate(boxes) if i not in out and b is not None and b[0] <= cx <= b[2]
                and b[1] <= cy <= b[3]]
        if free:
            out[min(free, key=lambda i: _area(boxes[i]))] = face
    return out


def _area(box: Box | None) -> float:
    return 0.0 if box is None else area(box)


def one_each(matches: dict[int, Match | None], held: Sequence[str] = ()) -> dict[int, Match | None]:
    """A name is said of one person only: of two faces nearest the same person, the nearer keeps the
    naming, the other is a stranger; a name `held` by someone in view already is not given again."""
    out = dict(matches)
    taken = set(held)
    for i, m in sorted(matches.items(), key=lambda item: item[1].distance if item[1] else 9.0):
        if m is not None and m.said and m.name in taken:
            out[i] = replace(m, naming=Naming.STRANGER)
        elif m is not None and m.said:
            taken.add(m.name)
    return out


def name_found(frame: np.ndarray, found: Sequence[Detection], faces: Sequence[Face],
               people: KnownPeople | None) -> list[Detection]:
    """`found` with each person whose face can be recognised named (`who`, `who_sure`, `face_distance`):
    for `detect`, `describe` and describe-now. Nobody is looked at when nobody is taught."""
    if people is None or not people.gallery.names:
        return list(found)
    boxes = [d.box if d.category == "person" else None for d in found]
    matches: dict[int, Match | None] = {}
    for i, face in faces_of(boxes, faces).items():
        descriptor = people.look(frame, face)
        matches[i] = people.match(descriptor) if descriptor is not None else None
    out = list(found)
    for i, m in one_each(matches).items():
        if m is not None:
            out[i] = replace(out[i], face_distance=round(m.distance, 4), who=m.name if m.said else None,
                             who_sure=m.naming is Naming.SURE)
    return out
