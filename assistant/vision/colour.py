"""Colour: the dominant colours of the centre of the view, in plain words ("dark blue", "light grey",
"beige"), named in a perceptual colour space (CIELAB) from a table of about 30 colours.

A camera's white balance tints everything; a robust grey-world correction undoes the tint first: the
illuminant is estimated from the whole frame's near-neutral pixels (low chroma), so a frame that is all
one strong colour (no neutral pixels) is left alone instead of being turned grey; the correction is
bounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

from assistant.i18n import _, listed, p_

# name -> sRGB of the colour's centre; the nearest in CIELAB (chroma weighted a little less) names a pixel.
# A name may have a second centre (`EXTRA`): orange covers the salmon orange of a space suit as well.
NAMES: dict[str, tuple[int, int, int]] = {
    "black": (15, 15, 15), "dark grey": (70, 70, 70), "grey": (128, 128, 128), "light grey": (190, 190, 190),
    "white": (245, 245, 245),
    "dark red": (120, 10, 15), "red": (200, 25, 30), "pink": (240, 130, 160), "light pink": (250, 200, 210),
    "maroon": (90, 20, 40), "dark brown": (65, 40, 20), "brown": (130, 80, 40), "beige": (220, 200, 160),
    "cream": (250, 240, 205), "tan": (190, 150, 100),
    "orange": (240, 120, 20), "gold": (205, 165, 40), "yellow": (245, 220, 30), "light yellow": (250, 245, 150),
    "olive": (120, 120, 30), "light green": (140, 220, 120), "green": (40, 150, 50), "dark green": (20, 75, 30),
    "teal": (20, 120, 120), "turquoise": (60, 205, 200),
    "light blue": (150, 200, 240), "blue": (30, 90, 210), "dark blue": (20, 35, 110), "navy": (15, 20, 60),
    "purple": (120, 50, 150), "lavender": (190, 170, 230), "magenta": (210, 40, 170),
}
EXTRA: list[tuple[str, tuple[int, int, int]]] = [("orange", (220, 110, 75)), ("brown", (100, 55, 35))]
CENTRE = 0.5  # the middle half of the width and height is "the centre of the view"
NEUTRAL_CHROMA = 18.0  # Lab chroma under this (after a first guess) counts as near-neutral
MIN_NEUTRAL = 0.05  # at least this share of the frame near-neutral to estimate the light from it
MAX_GAIN = 1.6  # the white balance correction is bounded per channel
MIN_SHARE = 0.12  # a colour is named when it covers this share of the centre
SIDE = 96  # pixels: the centre is measured at this size


def _lab(bgr: np.ndarray) -> np.ndarray:
    """float32 BGR in 0..1 (any shape ending in 3) -> CIELAB (L 0..100)."""
    flat = np.clip(bgr.reshape(-1, 1, 3), 0, 1).astype(np.float32)
    return cv2.cvtColor(flat, cv2.COLOR_BGR2Lab).reshape(bgr.shape)


_REFS = [*NAMES.items(), *EXTRA]
_REF_NAMES = sorted(NAMES)
_REF_INDEX = np.array([_REF_NAMES.index(name) for name, _ in _REFS])


@cache
def _ref_lab() -> np.ndarray:
    """The centres in CIELAB, made at the first colour asked: OpenCV builds its Lab tables at its first Lab
    conversion (about 0.1 s of CPU), which every start of the live loop paid at import, colour asked or not."""
    return _lab(np.array([[b, g, r] for _, (r, g, b) in _REFS], np.float32) / 255.0)


@dataclass(frozen=True)
class Colour:
    name: str
    share: float  # of the centre


def white_balance(bgr: np.ndarray) -> np.ndarray:
    """Per-channel gains (B, G, R) from the frame's near-neutral pixels (grey world over the pixels that
    could be grey); ones when too few pixels could be grey."""
    small = cv2.resize(bgr, (SIDE * 2, SIDE * 2), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
    px = small.reshape(-1, 3)
    lum = px.mean(axis=1)
    usable = (lum > 0.08) & (px.max(axis=1) < 0.98)
    gains = np.ones(3, np.float32)
    for again in (False, True):  # the neutral pixels are found again once the first correction is applied
        lab = _lab(px * gains)
        chroma = np.hypot(lab[:, 1], lab[:, 2])
        neutral = usable & (chroma < NEUTRAL_CHROMA + (0.0 if again else 10.0))
        if neutral.mean() < MIN_NEUTRAL:
            return gains if again else np.ones(3, np.float32)
        mean = px[neutral].mean(axis=0)
        gains = np.clip(mean.mean() / np.maximum(mean, 1e-3), 1 / MAX_GAIN, MAX_GAIN).astype(np.float32)
    return gains


def dominant(frame_bgr: np.ndarray, balance: bool = True) -> list[Colour]:
    """The colours covering at least `MIN_SHARE` of the centre of the frame, largest first."""
    h, w = frame_bgr.shape[:2]
    y0, x0 = int(h * (1 - CENTRE) / 2), int(w * (1 - CENTRE) / 2)
    centre = frame_bgr[y0:h - y0, x0:w - x0]
    centre = cv2.resize(centre, (SIDE, SIDE), interpolation=cv2.INTER_AREA)
    centre = cv2.GaussianBlur(centre, (0, 0), 1.0).astype(np.float32) / 255.0
    if balance:
        centre = centre * white_balance(frame_bgr)
    lab = _lab(centre).reshape(-1, 3)
    diff = lab[:, None, :] - _ref_lab()[None, :, :]
    dist = diff[..., 0] ** 2 + 0.8 * (diff[..., 1] ** 2 + diff[..., 2] ** 2)
    nearest = _REF_INDEX[dist.argmin(axis=1)]
    counts = np.bincount(nearest, minlength=len(_REF_NAMES)) / len(nearest)
    order = np.argsort(-counts)
    return [Colour(_REF_NAMES[i], round(float(counts[i]), 3)) for i in order if counts[i] >= MIN_SHARE][:3]


def colour_name(name: str) -> str:
    """A colour's name in the user's language."""
    return p_("colour", name)


def colour_words(colours: list[Colour]) -> str:
    """'Mostly dark blue, with white.' / 'Dark blue and white.' / 'No clear colour.'"""
    if not colours:
        return _("No clear colour.")
    first = colours[0]
    if first.share >= 0.6:
        rest = [colour_name(c.name) for c in colours[1:]]
        if not rest:
            return _("Mostly {colour}.").format(colour=colour_name(first.name))
        return _("Mostly {colour}, with {others}.").format(colour=colour_name(first.name), others=listed(rest))
    said = listed([colour_name(c.name) for c in colours])
    return said[0].upper() + said[1:] + "."
