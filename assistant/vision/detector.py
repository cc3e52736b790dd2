"""People and everyday objects, and where they are: an SSD-MobileNetV2 Open Images detector (24 classes) and
BlazeFace full range (faces: someone facing the camera), both converted by `assistant models build`.

SSD decoding follows the TensorFlow Object Detection API's SSD MobileNetV2 at 300 x 300 (as MediaPipe's
objectron graph configures it): 6 feature maps at strides 16..512, anchor scales 0.2..0.95, aspect ratios
1, 2, 0.5, 3, 1/3 plus one interpolated scale (3 anchors in the lowest layer), boxes coded as
(ty, tx, th, tw) with scales 10, 10, 5, 5, class scores by sigmoid. Checked on the COCO dev photos: the
(tx, ty) order puts the largest person on the wrong third 12 points more often. BlazeFace full range:
192 x 192, letterboxed, one anchor per cell of a 48 x 48 grid, box = raw / 192 around the anchor.

A face whose centre lies in a person box is that person; one outside every person box is a person of its
own. Parts of a person (shoes) are not reported while the person is.
"""

from __future__ import annotations

import csv
import math
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from assistant.vision.detection import Box, Detection
from assistant.vision.manifest import ModelError, model_entry, verified_path
from assistant.vision.runtime import cpu_session

SSD_MODEL, FACE_MODEL = "oidv4-ssd-int8", "face-full-range"
TABLE = Path(__file__).with_name("objects.csv")
FACE_MIN_SCORE = 0.6
NMS_IOU = 0.45
FIX = "run `assistant models build` (it needs npm; `apt-get install npm` where it is missing)"


@dataclass(frozen=True)
class ObjectName:
    spoken: str
    plural: str
    category: str
    part_of_person: bool
    min_score: float


def load_table(path: Path = TABLE) -> dict[str, ObjectName]:
    """Open Images class name -> how it is said (the reviewed table shipped with the package)."""
    with open(path, newline="", encoding="utf-8") as fh:
        return {r["oid_name"]: ObjectName(r["spoken"], r["plural"], r["category"], r["part_of_person"] == "yes",
                                          float(r["min_score"])) for r in csv.DictReader(fh)}


def plural_of(name: str) -> str:
    """The plural of a spoken object name from the table ('person' -> 'people'); name + 's' otherwise."""
    return next((o.plural for o in load_table().values() if o.spoken == name), name + "s")


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


def _inside(point_box: Box, box: Box) -> bool:
    cx, cy = (point_box[0] + point_box[2]) / 2, (point_box[1] + point_box[3]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


class ObjectDetector:
    """`detect(frame_bgr)` -> people and objects with boxes in the frame's pixels, best first.
    Thread contract: one thread at a time (its onnxruntime sessions are not shared across threads)."""

    def __init__(self, threads: int = 1, model: str = SSD_MODEL) -> None:
        try:
            ssd, face = model_entry(model), model_entry(FACE_MODEL)
        except ModelError as exc:
            raise ModelError(f"The people-and-objects detector is not built: {FIX}.") from exc
        self.ssd = cpu_session(verified_path(ssd), threads)
        self.face = cpu_session(verified_path(face), threads)
        self.labelmap: list[str] = list(ssd["labelmap"])
        table = load_table()
        self.names = [table.get(label) for label in self.labelmap]
        self.anchors = ssd_anchors()
        grid = (np.arange(48, dtype=np.float32) + 0.5) / 48
        self.face_anchors = np.stack(np.meshgrid(grid, grid), -1).reshape(-1, 2)  # (x, y), row by row

    @property
    def vocabulary(self) -> set[str]:
        """Every spoken name this detector can report."""
        return {n.spoken for n in self.names if n is not None}

    def _objects(self, frame: np.ndarray) -> list[Detection]:
        h, w = frame.shape[:2]
        x = cv2.resize(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB), (300, 300)).astype(np.float32) * (2 / 255) - 1
        raw, logits = self.ssd.run(None, {self.ssd.get_inputs()[0].name: x.transpose(2, 0, 1)[None]})
        a, (ty, tx, th, tw) = self.anchors, raw[0].T
        cy, cx = ty / 10 * a[:, 2] + a[:, 0], tx / 10 * a[:, 3] + a[:, 1]
        hh, ww = np.exp(th / 5) * a[:, 2], np.exp(tw / 5) * a[:, 3]
        boxes = np.stack([(cx - ww / 2) * w, (cy - hh / 2) * h, (cx + ww / 2) * w, (cy + hh / 2) * h], 1)
        boxes = np.clip(boxes, 0, [w - 1, h - 1, w - 1, h - 1])
        scores = 1 / (1 + np.exp(-np.clip(logits[0], -80, 80)))
        found: list[Detection] = []
        for spoken in {n.spoken for n in self.names if n is not None}:
            columns = [i for i, n in enumerate(self.names) if n is not None and n.spoken == spoken]
            best = scores[:, columns].max(axis=1)  # "Mug" and "Coffee cup" are one "cup"
            name = self.names[columns[0]]
            assert name is not None
            idx = np.where(best >= name.min_score)[0]
            for k in _nms(boxes[idx], best[idx], name.min_score, NMS_IOU) if len(idx) else []:
                box = tuple(float(v) for v in boxes[idx[k]])
                found.append(Detection(spoken, float(best[idx[k]]), name.category, box, "ssd"))  # type: ignore[arg-type]
        return found

    def _faces(self, frame: np.ndarray) -> list[tuple[float, Box]]:
        h, w = frame.shape[:2]
        side = max(h, w)
        oy, ox = (side - h) // 2, (side - w) // 2
        square = cv2.copyMakeBorder(frame, oy, side - h - oy, ox, side - w - ox, cv2.BORDER_CONSTANT, value=0)
        x = cv2.resize(cv2.cvtColor(square, cv2.COLOR_BGR2RGB), (192, 192)).astype(np.float32) * (2 / 255) - 1
        reg, cls = self.face.run(None, {self.face.get_inputs()[0].name: x.transpose(2, 0, 1)[None]})
        scores = 1 / (1 + np.exp(-np.clip(cls[0, :, 0], -80, 80)))
        idx = np.where(scores >= FACE_MIN_SCORE)[0]
        if not len(idx):
            return []
        r = reg[0, idx, :4] / 192
        cx, cy = r[:, 0] + self.face_anchors[idx, 0], r[:, 1] + self.face_anchors[idx, 1]
        boxes = np.stack([(cx - r[:, 2] / 2) * side - ox, (cy - r[:, 3] / 2) * side - oy,
                          (cx + r[:, 2] / 2) * side - ox, (cy + r[:, 3] / 2) * side - oy], 1)
        keep = _nms(boxes, scores[idx], FACE_MIN_SCORE, 0.3)
        return [(float(scores[idx[k]]), tuple(float(v) for v in boxes[k])) for k in keep]  # type: ignore[misc]

    def detect(self, frame: np.ndarray) -> list[Detection]:
        objects = self._objects(frame)
        people = [d.box for d in objects if d.name == "person" and d.box is not None]
        for score, box in self._faces(frame):
            if not any(_inside(box, p) for p in people):
                objects.append(Detection("person", score, "person", box, "face"))
                people.append(box)
        parts = {n.spoken for n in self.names if n is not None and n.part_of_person}
        kept = [d for d in objects if not (d.name in parts and d.box is not None
                                           and any(_inside(d.box, p) for p in people))]
        return sorted(kept, key=lambda d: -d.score)

    def __call__(self, frame: np.ndarray) -> tuple[list[Detection], float]:
        started = time.perf_counter()
        found = self.detect(frame)
        return found, (time.perf_counter() - started) * 1000
