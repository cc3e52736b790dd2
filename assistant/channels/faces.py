"""The faces channel: learns a face, only when asked; says who is in view (W, "who is this"); forgets a face.

N then a name and Enter (`learn NAME` on stdin) hands the name to `request`: the face in view that is clearly
the largest (`people.the_face`: of several faces of a size none is learned) is looked at on several frames
over about two seconds ("Learning Anna. Hold still." ... "Anna is saved."), and the mean of those looks is
kept in the known-faces file (`vision.facestore`). A look at someone else in that place is left out, and a
name known already by a different face is not taken over (`people.NameTaken`). Naming the people in view is
the objects channel's (`vision.naming`); both use the one `KnownPeople` of the shared services
(`Services.people`).

W ("who is this" said) looks at the faces in view now and names each person taught, left to right, as they
are named when they come into view ("Anna, ahead, and another person, on the right."), or says that it
knows nobody there. X then a name and Enter (`forget NAME` on stdin; said, once confirmed) forgets the
face learned under that name, in the known-faces file as `assistant faces forget` does.

While nothing is being learned a step only looks, every few seconds, whether the known-faces file was
changed by `assistant faces` (someone forgotten there is not named here a moment later); the first step
says, once, why nobody can be named when the file cannot be used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from assistant.announce.notices import forgotten
from assistant.announce.phrasing import people_arrival, who_words
from assistant.announce.positions import where
from assistant.channels.base import Channel, Context, Lane
from assistant.common import Action, Kind, Mode, Priority, Say
from assistant.i18n import N_, _, n_, number
from assistant.vision.detection import iou
from assistant.vision.faceid import PROBABLY, SURE
from assistant.vision.faces import Face
from assistant.vision.facestore import FacesFileError, clean_name
from assistant.vision.people import SHARES_A_THING, Match, NameTaken, Naming, names_a_thing, one_each, the_face

LESSON = 2.0  # seconds of looking at a face being learned
GIVE_UP = 5.0  # seconds after which too few good looks end the lesson
ENOUGH = 4  # looks needed
REREAD_EVERY = 2.0  # seconds between looks at whether the known-faces file changed (`assistant faces`)
SAME_FACE_IOU = 0.3  # a face overlapping the last one this much is the same face, followed


@dataclass
class Lesson:
    """A face being learned: whose, since when, where it was last, and the looks so far."""

    name: str
    started: float
    box: tuple[float, float, float, float]
    looks: list[np.ndarray] = field(default_factory=list)


def consistent(looks: list[np.ndarray]) -> np.ndarray:
    """The looks that agree: those within the sure distance of their median (a look at a face that turned
    away, or at someone who stepped in, is left out)."""
    stack = np.array(looks, np.float32)
    near = np.linalg.norm(stack - np.median(stack, axis=0)[None], axis=1) < SURE
    return stack[near] if near.any() else stack


class FacesChannel(Channel):
    """Thread contract: see `Channel`; `request` and `step` run on the loop thread."""

    name: ClassVar[str] = "faces"
    modes: ClassVar[frozenset[Mode]] = frozenset(Mode)  # a lesson goes on whatever the mode
    lane: ClassVar[Lane] = Lane.FAST
    failure: ClassVar[str] = N_("Could not learn the face.")
    actions: ClassVar[frozenset[Action]] = frozenset({Action.LEARN, Action.WHO, Action.FORGET})
    rate = 5.0

    def __init__(self, ctx: Context) -> None:
        self.people, self.style = ctx.services.people, ctx.config.announce.positions
        detector = ctx.models.detector
        self.faces = detector.faces if detector is not None else None  # frame -> faces, once a frame for all
        self.lesson: Lesson | None = None
        self.told = False  # the known-faces file's problem, said once
        self.checked = -1e9

    def request(self, action: Action, word: str, frame: np.ndarray | None, now: float) -> list[Say]:
        if action is Action.WHO:
            return [Say(self.who(frame), Priority.NOW, Kind.DESCRIBE)]
        if action is Action.FORGET:
            return [self._say(self.forget(word))]
        return self._learn(word, frame, now)

    def who(self, frame: np.ndarray | None) -> str:
        """Who the people in view are: each person taught by name (or "probably" the name) with where they
        are, the others counted; or why nobody can be named."""
        if self.people is None or self.faces is None:
            return _("Faces cannot be named here: the face models are not built.")
        if self.people.problem:
            return self.people.problem
        if not self.people.gallery.names:
            return _("Nobody is known by their face.")
        if frame is None:
            return _("No picture from the camera.")
        faces = sorted(self.faces(frame), key=lambda f: f.box[0])
        if not faces:
            return _("No face in view.")
        width = float(frame.shape[1])
        matches = one_each({i: self._match(frame, face) for i, face in enumerate(faces)})
        named = [(who_words(m.name, m.naming is Naming.SURE), where(faces[i].box, width, self.style))
                 for i, m in matches.items() if m is not None and m.said]
        others = [where(faces[i].box, width, self.style) for i, m in matches.items() if m is None or not m.said]
        if named:
            return " ".join(people_arrival(named, others))
        strangers = sum(1 for m in matches.values() if m is not None)
        if not strangers:  # no face could be looked at closely enough
            return _("The face is too small to tell who it is. Come closer.")
        if strangers == 1:
            return _("I do not know this person.")
        return n_("I do not know the {n} person in view.", "I do not know the {n} people in view.", strangers).format(
            n=number(strangers))

    def _match(self, frame: np.ndarray, face: Face) -> Match | None:
        """The person taught nearest to `face` (a stranger's too: `Match.said` tells); None when the face is
        too small to look at."""
        assert self.people is not None
        look = self.people.look(frame, face)
        return self.people.match(look) if look is not None else None

    def forget(self, word: str) -> str:
        """Forget the face learned under the name `word`, in the known-faces file: what is said of it."""
        try:
            name = clean_name(word)
        except ValueError as exc:
            return str(exc)
        if self.people is None:
            return _("Nobody is known by their face.")
        return forgotten(self.people, name)[1]

    def _learn(self, word: str, frame: np.ndarray | None, now: float) -> list[Say]:
        try:
            name = clean_name(word)
        except ValueError as exc:
            return [self._say(str(exc))]
        if self.people is None or self.faces is None or self.people.describer is None:
            return [self._say(_("Faces cannot be learned here: the face models are not built."))]
        if frame is None:
            return [self._say(_("No picture from the camera."))]
        faces = self.faces(frame)
        face = the_face(faces)
        if face is None and faces:
            return [self._say(_("Several faces in view; which one is meant cannot be told. Have only that person "
                                "in view, or nearest the camera, then press N again."))]
        if face is None:
            return [self._say(_("No face in view."))]
        look = self.people.look(frame, face)
        if look is None:
            return [self._say(_("The face is too small to learn. Come closer, then press N again."))]
        self.lesson = Lesson(name, now, face.box, [look])
        return [self._say(_("Learning {name}. Hold still.").format(name=name))]

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        says: list[Say] = []
        if self.people is not None and now - self.checked >= REREAD_EVERY:
            self.checked = now
            if self.people.refresh():
                self.told = False  # a new problem is said too
        if not self.told and self.people is not None and self.people.problem:
            self.told = True
            says.append(Say(self.people.problem, Priority.NEXT, Kind.ERROR))
        lesson = self.lesson
        if lesson is None or self.people is None or self.faces is None:
            return says
        faces = [f for f in self.faces(frame) if iou(f.box, lesson.box) >= SAME_FACE_IOU]
        face = max(faces, key=lambda f: iou(f.box, lesson.box), default=None)
        if face is not None:
            lesson.box = face.box
            look = self.people.look(frame, face)
            if look is not None and np.linalg.norm(look - lesson.looks[0]) < PROBABLY:
                lesson.looks.append(look)  # else someone else is where the face was: never a mix of two people
        elapsed = now - lesson.started
        if elapsed >= LESSON and len(lesson.looks) >= ENOUGH:
            return says + [self._finish(lesson)]
        if elapsed >= GIVE_UP:
            self.lesson = None
            return says + [self._say(_("The face was not seen well enough. {name} is not saved.").format(
                name=lesson.name))]
        return says

    def _finish(self, lesson: Lesson) -> Say:
        self.lesson = None
        assert self.people is not None
        try:
            kept = self.people.teach(lesson.name, consistent(lesson.looks).mean(axis=0)[None])
        except NameTaken as exc:
            return self._say(_("The name {name} is taken by someone whose face differs from this one: nothing is "
                               "saved. Teach this person under another name.").format(name=exc.name))
        except (FacesFileError, ValueError) as exc:
            return self._say(_("{name} is not saved. {why}").format(name=lesson.name, why=exc))
        saved = _("{name} is saved.").format(name=kept)
        if names_a_thing(kept):
            saved = f"{saved} {_(SHARES_A_THING).format(name=kept)}"
        return self._say(saved, Priority.NEXT)

    @staticmethod
    def _say(text: str, priority: Priority = Priority.NOW) -> Say:
        return Say(text, priority, Kind.CONTROL)

    def reset(self) -> None:
        """A new mode: a lesson asked for goes on (it is the user's request, not what was seen)."""
        return None
