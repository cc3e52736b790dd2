"""Human's COCO CenterNet as a detector source (`vision.centernet`: the model and its decoding): the 80 COCO
classes (the `coco` rows of `objects.csv`), 512 x 512, about 80 ms a frame."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from assistant.vision.centernet import MODEL, CocoDetector
from assistant.vision.merge import AGREE, Hit
from assistant.vision.things import COCO_THINGS


class CocoSource:
    """`hits(frame_bgr)`: CenterNet's hits from `AGREE` up, suppressed class by class (below their level
    they count only when the SSD agrees; two classes on one thing are `merge`'s to settle).
    Thread contract: one thread at a time (its onnxruntime session is not shared across threads)."""

    name: ClassVar[str] = "coco"
    model: ClassVar[str] = MODEL
    npm: ClassVar[bool] = True
    about: ClassVar[str] = "CenterNet COCO (human), 512 x 512, fp32 (used)"

    def __init__(self, threads: int = 1) -> None:
        self.detector = CocoDetector(threads, self.model)

    def hits(self, frame: np.ndarray) -> list[Hit]:
        return [Hit(COCO_THINGS[h.cls], h.score, h.box, self.name)
                for h in self.detector.detect(frame, AGREE, across_classes=False)]
