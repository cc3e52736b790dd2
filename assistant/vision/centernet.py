"""Everyday objects of the 80 COCO classes, with boxes: the CenterNet (MobileNetV3) of `@vladmandic/human`,
converted by `assistant models build` (`assistant.build.centernet`).

Pre- and post-processing follow human's `src/object/centernet.ts`, which feeds the whole frame, RGB 0..255,
stretched (not letterboxed) to 512 x 512 with a bilinear resize, and reads the graph's own decoding
(`tower_0/detections`), done here in numpy from the two maps the ONNX model gives:

- `keypoints`: 80 class heatmaps on a 128 x 128 grid (stride 4), sigmoid already applied: a cell's value is
  the score of an object of that class centred there.
- `wh`: 4 distances (left, top, right, bottom) from the cell to the box's edges, in input pixels.

A peak is a cell equal to the maximum of its 3 x 3 neighbourhood in its class map (the graph's max-pool with
SAME padding, ties all kept); the best 100 peaks are kept; the box is (4x - left, 4y - top, 4x + right,
4y + bottom), with no half-cell offset, scaled back to the frame by width / 512 and height / 512. The class
index is 0-based into human's `labels.ts` (COCO's 80 classes in COCO order). Human then runs one
class-agnostic NMS (IoU 0.4) and keeps scores >= 0.2 (at most 10); here the same NMS is done, and every
hit from `MIN_SCORE` up is returned, so callers can set per-class thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from assistant.vision.manifest import ModelError, cannot_load, model_entry, verified_path
from assistant.vision.runtime import cpu_session

MODEL, INT8_MODEL = "coco-centernet", "coco-centernet-int8"
INPUT_SIZE, STRIDE, TOP_K = 512, 4, 100
MIN_SCORE = 0.1
# Human's NMS: one pass over all classes at IoU 0.4. On the COCO dev photos at score 0.2 it takes
# image-level precision from 0.73 to 0.81 (it drops a second, wrong name for the same thing: a dog that is
# also a cow) and recall from 0.82 to 0.78 (it also drops real neighbours: a truck also scored as a car, the
# table under the dishes). Per class (False) keeps both.
NMS_IOU, NMS_ACROSS_CLASSES = 0.4, True
Box = tuple[float, float, float, float]

COCO_CLASSES: tuple[str, ...] = (
    "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
    "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
    "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
    "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard",
    "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple",
    "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
    "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard",
    "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors",
    "teddy bear", "hair drier", "toothbrush",
)
if len(COCO_CLASSES) != 80 or len(set(COCO_CLASSES)) != 80:  # checked at import: the model has 80 maps
    raise RuntimeError("COCO_CLASSES must hold 80 different names")


@dataclass(frozen=True)
class CocoHit:
    """One object found: its COCO class name, its score (0..1) and its box (x0, y0, x1, y1) in frame pixels."""

    cls: str
    score: float
    box: Box


def model_input(frame_bgr: np.ndarray) -> np.ndarray:
    """A BGR frame as the model takes it: RGB 0..255, stretched to 512 x 512, 1 x 3 x 512 x 512 float32."""
    small = cv2.resize(frame_bgr, (INPUT_SIZE, INPUT_SIZE), interpolation=cv2.INTER_LINEAR)
    rgb = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
    return np.ascontiguousarray(rgb.transpose(2, 0, 1)[None], dtype=np.float32)


def peaks(heat: np.ndarray, floor: float = MIN_SCORE, k: int = TOP_K) -> tuple[np.ndarray, ...]:
    """(class, y, x, score) arrays of the best `k` peaks from `floor` up in `heat` (classes x H x W), best
    first; equal scores in the graph's flattening order (y, then x, then class)."""
    # flatnonzero then unravel: np.nonzero on the 3-D mask takes ten times as long (5 ms a frame).
    cls, ys, xs = np.unravel_index(np.flatnonzero(heat.ravel() >= floor), heat.shape)
    score = heat[cls, ys, xs]
    _, h, w = heat.shape
    # The 3 x 3 maximum, read only at the candidates: a neighbour clipped at the border is a cell already in
    # the window, so clipping gives what SAME max-pool padding gives.
    best = score.copy()
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            best = np.maximum(best, heat[cls, np.clip(ys + dy, 0, h - 1), np.clip(xs + dx, 0, w - 1)])
    keep = score >= best
    cls, ys, xs, score = cls[keep], ys[keep], xs[keep], score[keep]
    order = np.lexsort(((ys * w + xs) * heat.shape[0] + cls, -score))[:k]
    return cls[order], ys[order], xs[order], score[order]


def input_boxes(wh: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """N x 4 boxes (x0, y0, x1, y1) in the model's 512 x 512 input of the peaks at cells (ys, xs): the cell's
    corner times the stride, minus the left and top distances, plus the right and bottom ones."""
    left, top, right, bottom = wh[:, ys, xs].astype(np.float64)
    cx, cy = xs * STRIDE, ys * STRIDE
    return np.stack([cx - left, cy - top, cx + right, cy + bottom], 1)


def decode(heat: np.ndarray, wh: np.ndarray, width: int, height: int, floor: float = MIN_SCORE,
           across_classes: bool = NMS_ACROSS_CLASSES) -> list[CocoHit]:
    """The hits of one frame from its `heat` (80 x 128 x 128) and `wh` (4 x 128 x 128) maps, boxes in the
    frame's pixels (clipped to it), best first, overlapping boxes suppressed (see `suppress`)."""
    cls, ys, xs, score = peaks(heat, floor)
    scale = np.array([width, height, width, height], np.float64) / INPUT_SIZE
    boxes = np.clip(input_boxes(wh, ys, xs) * scale, 0, [width, height, width, height])
    hits = []
    for i in suppress(boxes, cls, NMS_IOU, across_classes):
        x0, y0, x1, y1 = (float(v) for v in boxes[i])
        hits.append(CocoHit(COCO_CLASSES[int(cls[i])], float(score[i]), (x0, y0, x1, y1)))
    return hits


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Intersection over union of every box of `a` with every box of `b` (both N x 4, x0 y0 x1 y1)."""
    lo = np.maximum(a[:, None, :2], b[None, :, :2])
    hi = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(hi - lo, 0, None), axis=2)
    area = lambda x: np.prod(np.clip(x[:, 2:] - x[:, :2], 0, None), axis=1)  # noqa: E731
    return inter / np.maximum(area(a)[:, None] + area(b)[None, :] - inter, 1e-9)


def suppress(boxes: np.ndarray, cls: np.ndarray, threshold: float, across_classes: bool) -> list[int]:
    """Indices (into `boxes`, already best first) kept by greedy NMS: a box goes when it overlaps a better
    one by more than `threshold`, of any class when `across_classes` (as human does), else of its own."""
    overlap = iou_matrix(boxes, boxes) > threshold
    if not across_classes:
        overlap &= cls[:, None] == cls[None, :]
    kept: list[int] = []
    for i in range(len(boxes)):
        if not overlap[i, kept].any():
            kept.append(i)
    return kept


class CocoDetector:
    """`detect(frame_bgr)` -> the COCO objects in a frame of any size, best first, scores from `MIN_SCORE`.
    Thread contract: one thread at a time (its onnxruntime session is not shared across threads)."""

    def __init__(self, threads: int = 1, model: str = MODEL) -> None:
        try:
            self.session = cpu_session(verified_path(model_entry(model)), threads, fixed_shape=True)
        except ModelError as exc:
            raise cannot_load(f"The COCO object detector ({model})", exc, npm=True) from exc
        self.input_name = self.session.get_inputs()[0].name

    def maps(self, frame_bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The model's two maps for one frame: heatmaps (80 x 128 x 128) and distances (4 x 128 x 128)."""
        heat, wh = self.session.run(["keypoints", "wh"], {self.input_name: model_input(frame_bgr)})
        return heat[0], wh[0]

    def detect(self, frame_bgr: np.ndarray, floor: float = MIN_SCORE,
               across_classes: bool = NMS_ACROSS_CLASSES) -> list[CocoHit]:
        heat, wh = self.maps(frame_bgr)
        height, width = frame_bgr.shape[:2]
        return decode(heat, wh, width, height, floor, across_classes)
