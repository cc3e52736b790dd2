"""The Open Images SSD as a detector source: an SSD-MobileNetV2 (23 classes, the `oid` rows of
`objects.csv`), int8, 300 x 300, about 13 ms a frame. It confirms CenterNet's weaker hits of the classes both
know, and adds what COCO has no class for (a box, a camera, shoes).

Decoding follows the TensorFlow Object Detection API's SSD MobileNetV2 at 300 x 300 (as MediaPipe's
objectron graph configures it): 6 feature maps at strides 16..512, anchor scales 0.2..0.95, aspect ratios
1, 2, 0.5, 3, 1/3 plus one interpolated scale (3 anchors in the lowest layer), boxes coded as
(ty, tx, th, tw) with scales 10, 10, 5, 5, class scores by sigmoid. Checked on the COCO dev photos: the
(tx, ty) order puts the largest person on the wrong third 12 points more often.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import ClassVar

import cv2
import numpy as np

from assistant.vision.manifest import ModelError, build_fix, cannot_load, model_entry, verified_path
from assistant.vision.merge import AGREE, Hit
from assistant.vision.runtime import cpu_session
from assistant.vision.things import OID_LABELS, OID_THINGS, Thing

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


class SsdSource:
    """`hits(frame_bgr)`: the SSD's things, grouped as `ssd_groups` says, from their level (from `AGREE` for
    a class COCO has too, for CenterNet's hits to be confirmed), boxes in the frame's pixels.
    Thread contract: one thread at a time (its onnxruntime session is not shared across threads)."""

    name: ClassVar[str] = "ssd"
    model: ClassVar[str] = "oidv4-ssd-int8"
    npm: ClassVar[bool] = True
    about: ClassVar[str] = "SSD-MobileNetV2 Open Images, 300 x 300, int8 (used)"

    def __init__(self, threads: int = 1) -> None:
        try:
            entry = model_entry(self.model)
            self.session = cpu_session(verified_path(entry), threads, fixed_shape=True)
        except ModelError as exc:
            raise cannot_load(f"The Open Images object detector ({self.model})", exc, npm=True) from exc
        self.labelmap: list[str] = list(entry["labelmap"])
        if self.labelmap[1:] != list(OID_LABELS):  # its file is not the one this table was written for
            raise ModelError(f"The SSD's classes are not those of the objects table: {build_fix(npm=True)}.", True,
                             str(entry["file"]))
        self.groups = ssd_groups(self.labelmap)
        self.anchors = ssd_anchors()
        self.input_name = self.session.get_inputs()[0].name

    def hits(self, frame: np.ndarray) -> list[Hit]:
        h, w = frame.shape[:2]
        x = cv2.resize(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB), (300, 300)).astype(np.float32) * (2 / 255) - 1
        raw, logits = self.session.run(None, {self.input_name: x.transpose(2, 0, 1)[None]})
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
                found.append(Hit(thing, float(best[idx[k]]), (x0, y0, x1, y1), self.name))
        return found
