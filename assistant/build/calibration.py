"""Calibration photographs for int8 quantization: the real sample photos that scikit-image ships.

They exist on any machine where the package is installed (no download). Each photo also gives a
mirrored copy and four corner crops, so the calibration sees objects at several scales.
"""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np

# Photographs bundled inside the scikit-image wheel (no network fetch).
SAMPLE_PHOTOS = (
    "astronaut", "chelsea", "coffee", "rocket", "hubble_deep_field", "retina", "immunohistochemistry",
    "colorwheel", "grass", "gravel", "brick", "camera", "coins", "page", "text", "moon", "cell",
)


def sample_photos() -> list[np.ndarray]:
    """The bundled photos as BGR uint8 images, in a fixed order."""
    from skimage import data

    photos = []
    for name in SAMPLE_PHOTOS:
        image = np.asarray(getattr(data, name)())
        if image.ndim == 2:
            image = np.stack([image] * 3, axis=-1)
        photos.append(cv2.cvtColor(np.ascontiguousarray(image[..., :3]), cv2.COLOR_RGB2BGR))
    for image in data.stereo_motorcycle()[:2]:
        photos.append(cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2BGR))
    return photos


def views(image: np.ndarray) -> Iterator[np.ndarray]:
    """The photo, its mirror image, and its four corner crops of 60%."""
    h, w = image.shape[:2]
    yield image
    yield np.ascontiguousarray(image[:, ::-1])
    ch, cw = int(h * 0.6), int(w * 0.6)
    for fy, fx in ((0, 0), (0, 1), (1, 0), (1, 1)):
        y, x = (h - ch) * fy, (w - cw) * fx
        yield np.ascontiguousarray(image[y : y + ch, x : x + cw])
