"""Framing guidance: from the text boxes of the newest frame and two scene measures, tell a person who
cannot see the screen how to move the camera so the text can be read.

Checks, most urgent first: too dark ("More light needed."), motion blur ("Hold steady.", from the
variance of the Laplacian), text cut at two or more edges or very large ("Move back."), text cut at one
edge ("Text cut off on the left, move the camera left."), text too small ("Move closer."). None when the
text is well framed. Pure: no model, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.vision.scene import SceneMeasures

DARK = 50.0  # mean luma below this: more light needed
BLURRY = 40.0  # Laplacian variance (at 320 x 240) below this, with text-like content: hold steady
EDGE = 0.015  # a box within 1.5% of the frame's side touches that edge
SMALL = 0.022  # median text height below 2.2% of the frame height: move closer
LARGE = 0.16  # median text height above 16% of the frame height: move back


@dataclass(frozen=True)
class Guidance:
    code: str  # dark, blur, back, cut-left, cut-right, cut-top, cut-bottom, closer
    sentence: str


SENTENCES = {
    "dark": "More light needed.",
    "blur": "Hold steady.",
    "back": "Move back.",
    "closer": "Move closer.",
    "cut-left": "Text cut off on the left, move the camera left.",
    "cut-right": "Text cut off on the right, move the camera right.",
    "cut-top": "Text cut off at the top, move the camera up.",
    "cut-bottom": "Text cut off at the bottom, move the camera down.",
}


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
        return Guidance("dark", SENTENCES["dark"])
    if not quads and page is None:
        return None
    if measures.sharpness < BLURRY:
        return Guidance("blur", SENTENCES["blur"])
    if not quads:
        quads = [page]  # type: ignore[list-item]
    heights = [float(q[:, 1].max() - q[:, 1].min()) for q in quads]
    text_height = float(np.median(heights)) / height
    touched = edges_touched(quads, width, height)
    if len(touched) >= 2 or text_height > LARGE:
        return Guidance("back", SENTENCES["back"])
    if touched:
        side = touched.pop()
        return Guidance(f"cut-{side}", SENTENCES[f"cut-{side}"])
    if text_height < SMALL:
        return Guidance("closer", SENTENCES["closer"])
    return None


class FramingAdvisor:
    """Says guidance only when it changes, and at most once every `every` seconds."""

    def __init__(self, every: float = 3.0) -> None:
        self.every = every
        self.last_code: str | None = None
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
