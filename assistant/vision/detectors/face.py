"""BlazeFace full range as a detector source (`vision.faces`: the model and its decoding): each face a
person's hit, carrying the face and its keypoints, 192 x 192, about 6 ms a frame. A face whose body no
other source found is a person (`merge`, rule 4: close-ups)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from assistant.vision.faces import MODEL, FaceDetector
from assistant.vision.merge import Hit
from assistant.vision.things import PERSON


class FaceSource:
    """`hits(frame_bgr)`: a person's hit for each face from BlazeFace's own threshold, best first, with
    the face (`Hit.face`).
    Thread contract: one thread at a time (its onnxruntime session is not shared across threads)."""

    name: ClassVar[str] = "face"
    model: ClassVar[str] = MODEL
    about: ClassVar[str] = "BlazeFace full range, 192 x 192"

    def __init__(self, threads: int = 1) -> None:
        self.detector = FaceDetector(threads)

    def hits(self, frame: np.ndarray) -> list[Hit]:
        return [Hit(PERSON, f.score, f.box, self.name, face=f) for f in self.detector.detect(frame)]
