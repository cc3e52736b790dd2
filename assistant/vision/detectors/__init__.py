"""The detector sources, by name: name -> lazy "module:Class", as Frigate registers its detector plugins; and
`Detectors`, the one per-frame cache that every caller goes through.

Each source is one module of this package with one class: `name` (its key here, and its hits' `source`),
`model` (its model's name in the manifest) and `hits(frame) -> list[Hit]` (`vision.merge.Hit`: a row of
`vision/objects.csv`, a score, a box in the frame's pixels), with a constructor taking `threads` that raises
`ModelError` when its model is not built. `npm` (its model is built from an npm package) and `about` (what
it is, for `assistant bench detector`) are optional. `merge` takes the hits by source name; the level
fitting (`scripts/fit_detector_levels.py`), `assistant bench detector` and `assistant check` read this
dict. To add a detector: a module, one line here, and its rows in `objects.csv` (docs/developers.md).
"""

from __future__ import annotations

import math
import weakref
from collections import Counter
from collections.abc import Iterable
from typing import Any, ClassVar, Protocol

import numpy as np

from assistant.registry import Contract, load_class
from assistant.vision.detection import Detection
from assistant.vision.faces import Face
from assistant.vision.manifest import ModelError, cannot_load
from assistant.vision.merge import FACE, Hit, merge
from assistant.vision.things import THINGS, same_words

DETECTORS: dict[str, str] = {
    "coco": "assistant.vision.detectors.coco:CocoSource",  # human's CenterNet: 80 COCO classes
    "ssd": "assistant.vision.detectors.ssd:SsdSource",  # the Open Images SSD: confirms, and adds 23 classes
    "face": "assistant.vision.detectors.face:FaceSource",  # BlazeFace: a face is a person (close-ups)
}
# What `Detectors` needs of a source; one without `npm` is built without npm, one without `about` is named
# by its name and model.
CONTRACT = Contract("detector", ("name", "model", "hits"),
                    {"npm": lambda source: False, "about": lambda source: f"{source.name} ({source.model})"})
WHAT = "The people-and-objects detector"  # several sources, as the user knows them


class Source(Protocol):
    """A detector source as `Detectors` holds it (checked, with the defaults of `CONTRACT`)."""

    name: ClassVar[str]
    model: ClassVar[str]
    npm: ClassVar[bool]
    about: ClassVar[str]

    def hits(self, frame: np.ndarray) -> list[Hit]: ...


def source_class(name: str) -> Any:
    """The class of the source `name` (KeyError for a name not registered), checked against `CONTRACT`."""
    spec = DETECTORS[name]
    cls = load_class(spec)
    CONTRACT.check(cls, spec)
    return cls


class Detectors:
    """The sources named (`names`: all of `DETECTORS` by default), each run at most once on a frame however
    many callers ask (the objects, faces and find channels on one step of the loop): a frame must not be
    changed once given (the camera's are not). `runs` counts each source's runs. `ModelError` (one sentence
    naming the command that builds it) when a source's model cannot be loaded.
    Thread contract: one thread at a time (its onnxruntime sessions are not shared across threads)."""

    def __init__(self, threads: int = 1, names: Iterable[str] | None = None) -> None:
        names = tuple(DETECTORS if names is None else names)  # the registry as it is now
        self.sources: dict[str, Source] = {}
        for name in names:
            cls = source_class(name)
            try:
                self.sources[name] = CONTRACT.conform(cls(threads), DETECTORS[name])
            except ModelError as exc:
                if len(names) == 1:  # its own sentence ("The face detector is not built: ...")
                    raise
                npm = any(getattr(source_class(n), "npm", False) for n in names)
                raise cannot_load(WHAT, exc, npm=npm) from exc
        self.runs: Counter[str] = Counter()
        # Each source's last answer, with (a weak reference to) the frame it was for.
        self._last: dict[str, tuple[weakref.ref[np.ndarray], list[Hit]]] = {}

    def hits(self, name: str, frame: np.ndarray) -> list[Hit]:
        """The source `name`'s hits on `frame`: run once a frame, whoever asks first."""
        held = self._last.get(name)
        if held is None or held[0]() is not frame:
            self.runs[name] += 1
            held = self._last[name] = (weakref.ref(frame), self.sources[name].hits(frame))
        return list(held[1])

    def by_source(self, frame: np.ndarray, names: Iterable[str] | None = None) -> dict[str, list[Hit]]:
        """The hits of the sources `names` (all of them by default), by name, as `merge` takes them."""
        return {name: self.hits(name, frame) for name in (self.sources if names is None else names)}

    def faces(self, frame: np.ndarray) -> list[Face]:
        """The faces, with their keypoints, from the face source's run on this frame (none without it)."""
        if FACE not in self.sources:
            return []
        return [h.face for h in self.hits(FACE, frame) if h.face is not None]

    def look(self, frame: np.ndarray) -> tuple[list[Detection], list[Face]]:
        """`detect`'s answer and the faces it merged: who they are is `vision.people`'s."""
        return merge(self.by_source(frame)), self.faces(frame)

    def detect(self, frame: np.ndarray) -> list[Detection]:
        """People and things with boxes in the frame's pixels, best first."""
        return self.look(frame)[0]

    @property
    def vocabulary(self) -> set[str]:
        """Every spoken name this detector can report, and the classifier's names for the same things."""
        return {w for t in THINGS if t.level != math.inf for w in same_words(t.spoken)}
