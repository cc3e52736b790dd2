"""Scene measures that need no model: how bright the frame is and how sharp."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from assistant.i18n import _

TOO_DARK = 25.0  # mean luma below this: no label is trusted (the dev photos' darkest is 17, their 1st centile 57)
BRIGHT = 170.0  # mean luma from this up: "It is bright." (a lamp, a window, daylight straight on)
TOO_BLURRED = 15.0  # Laplacian variance at 320 x 240 below this, with contrast: blurred (dev photos: 74 and up)


@dataclass(frozen=True)
class SceneMeasures:
    brightness: float  # mean luma, 0..255
    sharpness: float  # variance of the Laplacian of the grey image (higher is sharper)
    contrast: float = 0.0  # standard deviation of the grey image: a blank wall is low, a blurred page is not

    @property
    def too_dark(self) -> bool:
        return self.brightness < TOO_DARK

    @property
    def blurred(self) -> bool:
        """Something is there (contrast) but it has no sharp edges: a blank wall is not blurred."""
        return self.sharpness < TOO_BLURRED and self.contrast > 20

    @property
    def trustworthy(self) -> bool:
        """Light and sharpness enough for what a model says about the picture to be trusted."""
        return not self.too_dark and not self.blurred

    @property
    def light_words(self) -> str:
        """'It is too dark to see.' / 'The picture is blurred.' / 'It is dark.' / 'It is dim.' /
        'It is bright.' / '' (ordinary light)."""
        if self.too_dark:
            return _("It is too dark to see.")
        if self.blurred:
            return _("The picture is blurred.")
        if self.brightness < 35:
            return _("It is dark.")
        if self.brightness < 70:
            return _("It is dim.")
        if self.brightness >= BRIGHT:
            return _("It is bright.")
        return ""

    @property
    def level(self) -> float:
        """Brightness as 0..1, for the light tone."""
        return float(self.brightness) / 255.0


def measure(frame_bgr: np.ndarray) -> SceneMeasures:
    grey = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2GRAY)
    small = cv2.resize(grey, (320, 240), interpolation=cv2.INTER_AREA) if grey.shape[1] > 320 else grey
    return SceneMeasures(float(small.mean()), float(cv2.Laplacian(small, cv2.CV_64F).var()), float(small.std()))
