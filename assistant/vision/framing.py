"""Framing guidance: from the text boxes of the newest frame and two scene measures, what is wrong with how
the camera is held, so that a person who cannot see the screen can be told how to move it (the words are
the announce layer's: `announce.notices.GUIDANCE`).

Checks, most urgent first: too dark (`Code.DARK`: more light needed), motion blur (`BLUR`: hold steady,
from the variance of the Laplacian), text cut at two or more edges or very large (`BACK`), text cut at one
edge (`CUT_LEFT`: move the camera left), text too small (`CLOSER`). None when the text is well framed. Pure:
no model, no clock.
"""

from __future__ import annotations

from enum import Enum

import numpy as np

from assistant.vision.scene import SceneMeasures

DARK = 50.0  # mean luma below this: more light needed
BLURRY = 40.0  # Laplacian variance (at 320 x 240) below this, with text-like content: hold steady
EDGE = 0.015  # a box within 1.5% of the frame's side touches that edge
SMALL = 0.022  # median text height below 2.2% of the frame height: move closer
LARGE = 0.16  # median text height above 16% of the frame height: move back


class Code(str, Enum):
    """What is wrong with the framing. A str, so it prints and compares as its value."""

    DARK = "dark"
    BLUR = "blur"
    BACK = "back"
    CLOSER = "closer"
    CUT_LEFT = "cut-left"
    CUT_RIGHT = "cut-right"
    CUT_TOP = "cut-top"
    CUT_BOTTOM = "cut-bottom"
    NO_PAGE = "no-page"  # document mode: no page in view


# Text (or a page) cut off at a side of the frame (`edges_touched`'s names): move the camera that way.
CUT = {"left": Code.CUT_LEFT, "right": Code.CUT_RIGHT, "top": Code.CUT_TOP, "bottom": Code.CUT_BOTTOM}


def edges_touched(quads: list[np.ndarray], width: int, height: int, margin: float = EDGE) -> set[str]:
    """The frame sides that any box touches or crosses (within `margin` of the side's length)."""
    touched: set[str] = set()
    mx, my = margin * width, margin * height
    for q in quads:
        if q[:, 0].min() <= mx:
            touched.add("left")
        if q[:, 0].max() >= width - 1 - mx:
            touched.add("right")
        if q[:, 1].min() <= my:
            touched.add("top")
        if q[:, 1].max() >= height - 1 - my:
            touched.add("bottom")
    return touched


def advise(quads: list[np.ndarray], width: int, height: int, measures: SceneMeasures,
           page: np.ndarray | None = None) -> Code | None:
    """The one most useful thing to say about framing, or None when the text is well framed.

    `quads` are the text boxes; `page`, when a page outline was found, counts as text too (blurred text
    is often not detected at all, while the page still is)."""
    if measures.brightness < DARK:
        return Code.DARK
    if not quads and page is None:
        return None
    if measures.sharpness < BLURRY:
        return Code.BLUR
    if not quads:
        quads = [page]  # type: ignore[list-item]
    heights = [float(q[:, 1].max() - q[:, 1].min()) for q in quads]
    text_height = float(np.median(heights)) / height
    touched = edges_touched(quads, width, height)
    if len(touched) >= 2 or text_height > LARGE:
        return Code.BACK
    if touched:
        return CUT[touched.pop()]
    if text_height < SMALL:
        return Code.CLOSER
    return None


class FramingAdvisor:
    """Says guidance only when it changes, and at most once every `every` seconds. Thread contract: one
    thread (not thread-safe)."""

    def __init__(self, every: float = 3.0) -> None:
        self.every = every
        self.last_code: Code | None = None
        self.last_time = -1e9

    def update(self, code: Code | None, now: float) -> Code | None:
        if code == self.last_code:
            return None
        if code is not None and now - self.last_time < self.every:
            return None
        self.last_code = code
        if code is None:
            return None
        self.last_time = now
        return code
