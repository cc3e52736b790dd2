"""People and everyday things, and where they are: three detectors, one answer (`merge`).

- human's COCO CenterNet (`centernet.CocoDetector`): 80 everyday classes, 512 x 512, about 80 ms a frame.
- An SSD-MobileNetV2 Open Images detector (23 classes): it confirms CenterNet's weaker hits of the classes
  both know, and adds what COCO has no class for (a box, a camera, shoes).
- BlazeFace full range (`faces.FaceDetector`): a face whose body no model found is a person (close-ups).

SSD decoding follows the TensorFlow Object Detection API's SSD MobileNetV2 at 300 x 300 (as MediaPipe's
objectron graph configures it): 6 feature maps at strides 16..512, anchor scales 0.2..0.95, aspect ratios
1, 2, 0.5, 3, 1/3 plus one interpolated scale (3 anchors in the lowest layer), boxes coded as
(ty, tx, th, tw) with scales 10, 10, 5, 5, class scores by sigmoid. Checked on the COCO dev photos: the
(tx, ty) order puts the largest person on the wrong third 12 points more often.
"""

from __future__ import annotations

import math
import time
import weakref
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

from assistant.vision.centernet import MODEL as COCO_MODEL
from assistant.vision.centernet import CocoDetector
from assistant.vision.detection import Detection
from assistant.vision.faces import Face, FaceDetector
from assistant.vision.manifest import ModelError, build_fix, cannot_load, model_entry, verified_path
from assistant.vision.merge import AGREE, Hit, merge
from assistant.vision.runtime import cpu_session
from assistant.vision.things import COCO_THINGS, OID_LABELS, OID_THINGS, THINGS, Thing, same_words

SSD_MODEL, FACE_MODEL = "oidv4-ssd-int8", "face-full-range"
NMS_IOU = 0.45


def ssd_anchors() -> np.ndarray:
    """(cy, cx, h, w) of the 1917 anchors, normalised to the input."""
    layers, low, high = 6, 0.2, 0.95
    scales = [low + (high - low) * i / (layers - 1) for i in range(layers)] + [1.0]
    out = []
    for layer, stride in enumerate((16, 32, 64, 128, 256, 512)):
        cells = math.ceil(300 / stride)
        if layer == 0:
            specs = [(0.1, 1.0), (scales[0], 2.0), (scales[0], 0.5)]
        else:
            specs = [(scales[layer], a) for a in (1.0, 2.0, 0.5, 3.0, 1 / 3)]
            specs.append((math.sqrt(scales[layer] * scales[layer + 1]), 1.0))
        for y in range(cells):
            for x in range(cells):
                out += [((y + 0.5) / cells, (x + 0.5) / cells, s / math.sqrt(a), s * math.sqrt(a)) for s, a in specs]
    return np.array(out, dtype=np.float32)


def _nms(boxes: np.ndarray, scores: np.ndarray, threshold: float, iou: float) -> list[int]:
    rects = [[float(x0), float(y0), float(x1 - x0), float(y1 - y0)] for x0, y0, x1, y1 in boxes]
    return [int(i) for i in np.array(cv2.dnn.NMSBoxes(rects, scores.tolist(), threshold, iou)).flatten()]


def ssd_groups(labelmap: list[str]) -> list[tuple[Thing, list[int]]]:
    """The SSD's score columns, grouped by the thing they name ("Mug" and "Coffee cup" are one cup; "Boot",
    "High heels" and "Footwear" one shoe), less the classes never said."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, label in enumerate(labelmap):
        thing = OID_THINGS.get(label)
        if thing is not None and thing.level != math.inf:
            groups[thing.coco or thing.spoken].append(i)
    return [(OID_THINGS[labelmap[cols[0]]], cols) for cols in groups.values()]


class ObjectDetector:
    """`detect(frame_bgr)` -> people and things with boxes in the frame's pixels, best first (`look`: with the
    faces); the parts (`coco_hits`, `ssd_hits`, `faces.detect`) for callers that run the models at their
    own rates. Each model runs once on a frame however many callers ask (the objects and find channels on
    one step of the loop): a frame must not be changed once given (the camera's are not).
    Thread contract: one thread at a time (its onnxruntime sessions are not shared across threads)."""

    def __init__(self, threads: int = 1, model: str = SSD_MODEL, coco_model: str = COCO_MODEL) -> None:
        try:
            ssd = model_entry(model)
            self.ssd = cpu_session(verified_path(ssd), threads, fixed_shape=True)
            self.coco = CocoDetector(threads, coco_model)
            self.faces = FaceDetector(threads)
        except ModelError as exc:
            raise cannot_load("The people-and-objects detector", exc, npm=True) from exc
        self.labelmap: list[str] = list(ssd["labelmap"])
        if self.labelmap[1:] != list(OID_LABELS):
            raise ModelError(f"The SSD's classes are not those of the objects table: {build_fix(npm=True)}.")
        self.groups = ssd_groups(self.labelmap)
        self.anchors = ssd_anchors()
        # Each model's last answer, with (a weak reference to) the frame it was for.
        self._last: dict[str, tuple[weakref.ref[np.ndarray], list[Any]]] = {}

    def _once(self, model: str, frame: np.ndarray, run: Callable[[np.ndarray], list[Any]]) -> list[Any]:
        held = self._last.get(model)
        if held is None or held[0]() is not frame:
            held = self._last[model] = (weakref.ref(frame), run(frame))
        return list(held[1])

    @property
    def vocabulary(self) -> set[str]:
        """Every spoken name this detector can report, and the classifier's names for the same things."""
        return {w for t in THINGS if t.level != math.inf for w in same_words(t.spoken)}

    def coco_hits(self, frame: np.ndarray) -> list[Hit]:
        """CenterNet's hits from `AGREE` up (below their level they count only when the SSD agrees)."""
        return self._once("coco", frame, lambda f: [Hit(COCO_THINGS[h.cls], h.score, h.box, "coco")
                                                    for h in self.coco.detect(f, AGREE, across_classes=False)])

    def ssd_hits(self, frame: np.ndarray) -> list[Hit]:
        return self._once("ssd", frame, self._ssd_hits)

    def _ssd_hits(self, frame: np.ndarray) -> list[Hit]:
        h, w = frame.shape[:2]
        x = cv2.resize(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB), (300, 300)).astype(np.float32) * (2 / 255) - 1
        raw, logits = self.ssd.run(None, {self.ssd.get_inputs()[0].name: x.transpose(2, 0, 1)[None]})
        a, (ty, tx, th, tw) = self.anchors, raw[0].T
        cy, cx = ty / 10 * a[:, 2] + a[:, 0], tx / 10 * a[:, 3] + a[:, 1]
        hh, ww = np.exp(th / 5) * a[:, 2], np.exp(tw / 5) * a[:, 3]
        boxes = np.stack([(cx - ww / 2) * w, (cy - hh / 2) * h, (cx + ww / 2) * w, (cy + hh / 2) * h], 1)
        boxes = np.clip(boxes, 0, [w - 1, h - 1, w - 1, h - 1])
        scores = 1 / (1 + np.exp(-np.clip(logits[0], -80, 80)))
        found: list[Hit] = []
        for thing, columns in self.groups:
            best = scores[:, columns].max(axis=1)
            floor = min(AGREE, thing.level) if thing.coco else thing.level
            idx = np.where(best >= floor)[0]
            for k in _nms(boxes[idx], best[idx], floor, NMS_IOU) if len(idx) else []:
                x0, y0, x1, y1 = (float(v) for v in boxes[idx[k]])
                found.append(Hit(thing, float(best[idx[k]]), (x0, y0, x1, y1), "ssd"))
        return found

    def face_list(self, frame: np.ndarray) -> list[Face]:
        """BlazeFace's faces, with their keypoints (once a frame)."""
        return self._once("face", frame, self.faces.detect)

    def face_hits(self, frame: np.ndarray) -> list[tuple[float, tuple[float, float, float, float]]]:
        return [(d.score, d.box) for d in self.face_list(frame)]

    def look(self, frame: np.ndarray) -> tuple[list[Detection], list[Face]]:
        """`detect`'s answer and the faces (with their keypoints) it merged: who they are is `vision.people`'s."""
        faces = self.face_list(frame)
        return merge(self.coco_hits(frame), self.ssd_hits(frame), [(f.score, f.box) for f in faces]), faces

    def detect(self, frame: np.ndarray) -> list[Detection]:
        return self.look(frame)[0]

    def __call__(self, frame: np.ndarray) -> tuple[list[Detection], float]:
        started = time.perf_counter()
        found = self.detect(frame)
        return found, (time.perf_counter() - started) * 1000

