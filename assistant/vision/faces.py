"""Faces in a frame: BlazeFace full range (MediaPipe's `face_detection_full_range`), converted by
`assistant models build`, with its six keypoints.

Decoding follows MediaPipe's `face_detection_full_range_common.pbtxt`: the frame is letterboxed to a
192 x 192 square (black borders, RGB scaled to -1..1), one fixed-size anchor sits at the centre of each cell
of a 48 x 48 grid, and each of the 2304 rows of the regressor is (cx, cy, w, h, then six (x, y) keypoints),
every value in input pixels relative to its anchor (`raw / 192 + anchor`). Scores are sigmoids, kept from
0.6; overlapping faces are suppressed at IoU 0.3.

The keypoint order is MediaPipe's `FaceKeyPoint` (`mediapipe/python/solutions/face_detection.py`): the
person's right eye first, which in an unmirrored photograph is the eye on the image's left. Checked on
the faces-dev photographs: keypoint 0 lies left of keypoint 1 on every frontal portrait.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import cv2
import numpy as np

from assistant.vision.detection import Box
from assistant.vision.manifest import ModelError, cannot_load, model_entry, verified_path
from assistant.vision.runtime import cpu_session

MODEL = "face-full-range"
SIZE = 192
GRID = 48
MIN_SCORE = 0.6
NMS_IOU = 0.3

Point = tuple[float, float]


class Keypoint(enum.IntEnum):
    """Index of each keypoint in `Face.keypoints`; right and left are the person's own."""

    RIGHT_EYE = 0
    LEFT_EYE = 1
    NOSE_TIP = 2
    MOUTH = 3
    RIGHT_EAR = 4
    LEFT_EAR = 5


@dataclass(frozen=True)
class Face:
    """One face: detector score in 0..1, box (x0, y0, x1, y1) and six keypoints (x, y), all in the frame's
    pixels; `keypoints` is indexed by `Keypoint`."""

    score: float
    box: Box
    keypoints: tuple[Point, ...]

    def point(self, which: Keypoint) -> Point:
        return self.keypoints[which]


def _nms(boxes: np.ndarray, scores: np.ndarray) -> list[int]:
    rects = [[float(x0), float(y0), float(x1 - x0), float(y1 - y0)] for x0, y0, x1, y1 in boxes]
    return [int(i) for i in np.array(cv2.dnn.NMSBoxes(rects, scores.tolist(), MIN_SCORE, NMS_IOU)).flatten()]


def letterbox(frame_bgr: np.ndarray) -> tuple[np.ndarray, int, int, int]:
    """The detector's input (1, 3, 192, 192) for a BGR frame, with the square's side and the frame's offset
    (ox, oy) inside that square, which map the outputs back to the frame."""
    h, w = frame_bgr.shape[:2]
    side = max(h, w)
    oy, ox = (side - h) // 2, (side - w) // 2
    square = cv2.copyMakeBorder(frame_bgr, oy, side - h - oy, ox, side - w - ox, cv2.BORDER_CONSTANT, value=0)
    x = cv2.resize(cv2.cvtColor(square, cv2.COLOR_BGR2RGB), (SIZE, SIZE)).astype(np.float32) * (2 / 255) - 1
    return x.transpose(2, 0, 1)[None], side, ox, oy


def decode(reg: np.ndarray, logits: np.ndarray, anchors: np.ndarray, side: int, ox: int, oy: int) -> list[Face]:
    """Faces from the raw outputs of one image (`reg` (2304, 16), `logits` (2304,)), in frame pixels."""
    scores = 1 / (1 + np.exp(-np.clip(logits, -80, 80)))
    idx = np.where(scores >= MIN_SCORE)[0]
    if not len(idx):
        return []
    r = reg[idx] / SIZE
    a = anchors[idx]
    cx, cy = r[:, 0] + a[:, 0], r[:, 1] + a[:, 1]
    boxes = np.stack([(cx - r[:, 2] / 2) * side - ox, (cy - r[:, 3] / 2) * side - oy,
                      (cx + r[:, 2] / 2) * side - ox, (cy + r[:, 3] / 2) * side - oy], 1)
    points = (r[:, 4:16].reshape(-1, 6, 2) + a[:, None, :]) * side - np.array([ox, oy], dtype=np.float32)
    faces = []
    for k in _nms(boxes, scores[idx]):
        box = (float(boxes[k, 0]), float(boxes[k, 1]), float(boxes[k, 2]), float(boxes[k, 3]))
        keypoints = tuple((float(x), float(y)) for x, y in points[k])
        faces.append(Face(float(scores[idx[k]]), box, keypoints))
    return faces


def grid_anchors() -> np.ndarray:
    """(x, y) of the 2304 anchor centres, normalised to the input, row by row."""
    grid = (np.arange(GRID, dtype=np.float32) + 0.5) / GRID
    return np.stack(np.meshgrid(grid, grid), -1).reshape(-1, 2)


class FaceDetector:
    """`detect(frame_bgr)` -> faces with boxes and keypoints in the frame's pixels, best first.
    Thread contract: one thread at a time (its onnxruntime session is not shared across threads)."""

    def __init__(self, threads: int = 1) -> None:
        try:
            path = verified_path(model_entry(MODEL))
        except ModelError as exc:
            raise cannot_load("The face detector", exc) from exc
        self.session = cpu_session(path, threads, fixed_shape=True)
        self.input_name = self.session.get_inputs()[0].name
        self.anchors = grid_anchors()

    def detect(self, frame_bgr: np.ndarray) -> list[Face]:
        x, side, ox, oy = letterbox(frame_bgr)
        reg, cls = self.session.run(None, {self.input_name: x})
        faces = decode(reg[0], cls[0, :, 0], self.anchors, side, ox, oy)
        return sorted(faces, key=lambda f: -f.score)
