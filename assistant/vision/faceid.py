"""Who a face is: a 128-number descriptor from dlib's face recognition ResNet (rebuilt from
`@vladmandic/face-api` by `assistant models build`), computed on a face chip aligned the way dlib aligns the
faces it was trained on, and compared by Euclidean distance as dlib does.

dlib makes its chip with `get_face_chip_details(shape, 150, 0.25)` (`dlib/image_transforms/
interpolation.h`): a similarity transform that puts the face's landmarks where its mean face shape has them,
in a 150 x 150 square with a quarter of the face's width as margin. BlazeFace gives the centres of the eyes
and of the mouth, so `align` maps those to the centres of the same features in dlib's mean face shape
(points 36-41, 42-47 and 48-67). Like dlib, a chip much smaller than the face is taken from a
half-size (or smaller) copy, so that bilinear sampling does not skip pixels.
"""

from __future__ import annotations

import cv2
import numpy as np

from assistant.vision.faces import Face, Keypoint
from assistant.vision.manifest import ModelError, cannot_load, model_entry, verified_path
from assistant.vision.runtime import cpu_session

MODEL = "face-descriptor"
CHIP = 150
# Centres of the eyes and mouth in dlib's 150-pixel chip with padding 0.25: (padding + mean shape) / 1.5
# * 150, from the mean face shape in dlib's get_face_chip_details. The person's right eye is on the left.
TARGETS: dict[Keypoint, tuple[float, float]] = {
    Keypoint.RIGHT_EYE: (47.55, 46.60),
    Keypoint.LEFT_EYE: (100.48, 46.60),
    Keypoint.MOUTH: (74.01, 105.42),
}
ALIGN_ON = (Keypoint.RIGHT_EYE, Keypoint.LEFT_EYE, Keypoint.MOUTH)
MIN_EYE_DISTANCE = 20.0
"""Pixels between the eye centres below which a face is too small to recognise. Measured on the faces-dev
portraits shrunk until their eyes were n pixels apart, against their full-size photos: the share of
same-person pairs under PROBABLY is 0.98 at full size, 0.94 at 20 px, 0.91 at 16, 0.75 at 12, and the
drift from the face's own full-size descriptor is 0.10 at 40 px, 0.21 at 20, 0.34 at 12."""
SURE = 0.45
"""Descriptor distance under which a face is named plainly: 90% of the same-person pairs of faces-dev fall
under it (issue 24 asks 85% of held-out people's; 0.40 took 69%), and 1 of 1224 different-person pairs
(faces-dev, plus 27 strangers from the COCO and ImageNet dev photos): two small children, 0.42 apart (dlib's
model puts children close together); the next is 0.51 apart."""
PROBABLY = 0.50
"""Descriptor distance under which a face is named as "probably": 1 different-person pair in 1224 (two
small children: dlib's model puts children close together) and 98% of same-person pairs. dlib's usual 0.6
named a stranger in 10 of those 1224 pairs."""


def similarity(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The 2 x 3 matrix of the rotation, uniform scale and shift that best maps points `src` (n, 2) onto
    `dst` (n, 2) in the least-squares sense (exact for two points); no reflection."""
    zs = src[:, 0] + 1j * src[:, 1]
    zd = dst[:, 0] + 1j * dst[:, 1]
    ms, md = zs.mean(), zd.mean()
    a = np.vdot(zs - ms, zd - md) / np.vdot(zs - ms, zs - ms)  # vdot conjugates its first argument
    b = md - a * ms
    return np.array([[a.real, -a.imag, b.real], [a.imag, a.real, b.imag]])


def eye_distance(face: Face) -> float:
    (rx, ry), (lx, ly) = face.point(Keypoint.RIGHT_EYE), face.point(Keypoint.LEFT_EYE)
    return float(np.hypot(lx - rx, ly - ry))


def chip_matrix(face: Face, on: tuple[Keypoint, ...] = ALIGN_ON) -> np.ndarray:
    """Frame pixels -> chip pixels, from the keypoints `on`."""
    src = np.array([face.point(k) for k in on], dtype=np.float64)
    dst = np.array([TARGETS[k] for k in on], dtype=np.float64)
    return similarity(src, dst)


def warp(frame: np.ndarray, matrix: np.ndarray, size: int = CHIP) -> np.ndarray:
    """The `size` x `size` chip that `matrix` (frame -> chip) cuts out of `frame`, black outside it. When
    one chip pixel spans more than two frame pixels, the region is first halved (Gaussian pyramid) until it
    does not, as dlib's extract_image_chips does."""
    inverse = cv2.invertAffineTransform(matrix)
    corners = np.array([[0, 0, 1], [size, 0, 1], [0, size, 1], [size, size, 1]], dtype=np.float64) @ inverse.T
    h, w = frame.shape[:2]
    x0, y0 = np.floor(corners.min(axis=0)).astype(int) - 4
    x1, y1 = np.ceil(corners.max(axis=0)).astype(int) + 4
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
    if x1 <= x0 or y1 <= y0:
        return np.zeros((size, size, 3), dtype=np.uint8)
    region = frame[y0:y1, x0:x1]
    shift = np.array([[1, 0, x0], [0, 1, y0], [0, 0, 1]], dtype=np.float64)
    m = matrix @ shift  # region pixels -> chip pixels
    scale = 1 / float(np.hypot(m[0, 0], m[1, 0]))  # region pixels per chip pixel
    while scale > 2 and min(region.shape[:2]) >= 2:
        region = cv2.pyrDown(region)
        m = m @ np.diag([2.0, 2.0, 1.0])  # pyrDown's pixel i is the old pixel 2i
        scale /= 2
    return cv2.warpAffine(region, m, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=(0, 0, 0))


def align(frame_bgr: np.ndarray, face: Face) -> np.ndarray | None:
    """The 150 x 150 BGR chip of `face` as dlib would cut it, or None when the face is too small to
    recognise (eyes closer than MIN_EYE_DISTANCE pixels)."""
    if eye_distance(face) < MIN_EYE_DISTANCE:
        return None
    return warp(frame_bgr, chip_matrix(face))


class FaceDescriber:
    """`describe(chip)` -> the face's 128-number descriptor; `distance(a, b)` compares two.
    Thread contract: one thread at a time (its onnxruntime session is not shared across threads)."""

    def __init__(self, threads: int = 1) -> None:
        try:
            path = verified_path(model_entry(MODEL))
        except ModelError as exc:
            raise cannot_load("The face recogniser", exc, npm=True) from exc
        self.session = cpu_session(path, threads)
        self.input_name = self.session.get_inputs()[0].name

    def describe(self, chip: np.ndarray) -> np.ndarray:
        """Descriptor (128 float32) of a 150 x 150 BGR chip made by `align`."""
        x = np.ascontiguousarray(chip[:, :, ::-1].transpose(2, 0, 1), dtype=np.float32)[None]
        return np.asarray(self.session.run(None, {self.input_name: x})[0][0], dtype=np.float32)

    @staticmethod
    def distance(a: np.ndarray, b: np.ndarray) -> float:
        """Euclidean distance between two descriptors, as dlib compares them (0.6: dlib's usual cut)."""
        return float(np.linalg.norm(np.asarray(a, dtype=np.float32) - np.asarray(b, dtype=np.float32)))
