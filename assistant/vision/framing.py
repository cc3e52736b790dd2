"""Framing guidance: from the text boxes of the newest frame and two scene measures, tell a person who
cannot see the screen how to move the camera so the text can be read.

Checks, most urgent first: too dark ("More light needed."), motion blur ("Hold steady.", from the
variance of the Laplacian), text cut at two or more edges or very large ("Move back."), text cut at one
edge ("Text cut off on the left, move the camera left."), text too small ("Move closer."). None when the
text is well framed. Pure: no model, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
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


SENTENCES: dict[Code, str] = {
    Code.DARK: "More light needed.",
    Code.BLUR: "Hold steady.",
    Code.BACK: "Move back.",
    Code.CLOSER: "Move closer.",
    Code.CUT_LEFT: "Text cut off on the left, move the camera left.",
    Code.CUT_RIGHT: "Text cut off on the right, move the camera right.",
    Code.CUT_TOP: "Text cut off at the top, move the camera up.",
    Code.CUT_BOTTOM: "Text cut off at the bottom, move the camera down.",
    Code.NO_PAGE: "No page found. Hold the page in front of the camera.",
}
if set(SENTENCES) != set(Code):  # checked at import: a code without a sentence must never reach a listener
    raise ImportError(f"framing codes without a sentence: {set(Code) - set(SENTENCES)}")


@dataclass(frozen=True)
class Guidance:
    code: Code
    sentence: str

    @classmethod
    def of(cls, code: Code) -> Guidance:
        return cls(code, SENTENCES[code])

    @classmethod
    def cut(cls, side: str) -> Guidance:
        """Text (or a page) cut off at `side`: left, right, top or bottom."""
        return cls.of(Code(f"cut-{side}"))


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
           page: np.ndarray | None = None) -> Guidance | None:
    """The one most useful thing to say about framing, or None when the text is well framed.

    `quads` are the text boxes; `page`, when a page outline was found, counts as text too (blurred text
    is often not detected at all, while the page still is)."""
    if measures.brightness < DARK:
        return Guidance.of(Code.DARK)
    if not quads and page is None:
        return None
    if measures.sharpness < BLURRY:
        return Guidance.of(Code.BLUR)
    if not quads:
        quads = [page]  # type: ignore[list-item]
    heights = [float(q[:, 1].max() - q[:, 1].min()) for q in quads]
    text_height = float(np.median(heights)) / height
    touched = edges_touched(quads, width, height)
    if len(touched) >= 2 or text_height > LARGE:
        return Guidance.of(Code.BACK)
    if touched:
        return Guidance.cut(touched.pop())
    if text_height < SMALL:
        return Guidance.of(Code.CLOSER)
    return None


class FramingAdvisor:
    """Says guidance only when it changes, and at most once every `every` seconds. Thread contract: one
    thread (not thread-safe)."""

    def __init__(self, every: float = 3.0) -> None:
        self.every = every
        self.last_code: Code | None = None
        self.last_time = -1e9

    def update(self, guidance: Guidance | None, now: float) -> Guidance | None:
        code = guidance.code if guidance else None
        if code == self.last_code:
            return None
        if guidance is not None and now - self.last_time < self.every:
            return None
        self.last_code = code
        if guidance is None:
            return None
        self.last_time = now
        return guidance
