"""Scene measures that need no model: how bright the frame is and how sharp."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class SceneMeasures:
    brightness: float  # mean luma, 0..255
    sharpness: float  # variance of the Laplacian of the grey image (higher is sharper)
    contrast: float = 0.0  # standard deviation of the grey image: a blank wall is low, a blurred page is not

    @property
    def light_words(self) -> str:
        """'It is dark.' / 'It is dim.' / '' (nothing worth saying)."""
        if self.brightness < 35:
            return "It is dark."
        if self.brightness < 70:
            return "It is dim."
        return ""

    @property
    def level(self) -> float:
        """Brightness as 0..1, for the light tone."""
        return float(self.brightness) / 255.0


def measure(frame_bgr: np.ndarray) -> SceneMeasures:
    grey = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2GRAY)
    small = cv2.resize(grey, (320, 240), interpolation=cv2.INTER_AREA) if grey.shape[1] > 320 else grey
    return SceneMeasures(float(small.mean()), float(cv2.Laplacian(small, cv2.CV_64F).var()), float(small.std()))
