"""Framing guidance: how to move the camera so the text in view can be read ("Move closer."), said only
when the advice changes, at most every few seconds, never over text being read (the `Guide` it shares with
document mode, `announce.guide`)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from assistant.channels.base import Channel, Context, Lane
from assistant.common import Mode, Say
from assistant.i18n import N_
from assistant.vision import framing, scene


def recognised(text: str) -> bool:
    """At least two letters or digits: a real read, not a stray mark."""
    return sum(ch.isalnum() for ch in text) >= 2


class GuidanceChannel(Channel):
    """Thread contract: see `Channel`."""

    name: ClassVar[str] = "guidance"
    modes: ClassVar[frozenset[Mode]] = frozenset({Mode.BOTH, Mode.TEXT})
    lane: ClassVar[Lane] = Lane.SLOW
    failure: ClassVar[str] = N_("Could not read the text.")

    def __init__(self, ctx: Context) -> None:
        self.view, self.guide = ctx.services.text, ctx.services.guide
        self.rate = ctx.config.vision.ocr_rate
        self.min_score = ctx.config.vision.ocr_min_score
        self.before: frozenset[str] = frozenset()  # what the last read read
        self.waiting = False  # the last read read text the one before it had not: it waits for the next

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        result = self.view.read(frame)
        # Only text really read is guided towards: characters, with confidence, read the same way twice in a
        # row, as the text channel reads a line out (a blank wall or a table top that the detector takes for
        # text is not; nor is a new view's first read, whose advice would come before, and hold back, what
        # came into view: "Move back." said over a can's label kept "A dog, ahead." waiting 800 ms).
        read = [(f.box, " ".join(f.text.split()).lower()) for f in result.fragments
                if f.score >= self.min_score and recognised(f.text)]
        boxes = [box for box, text in read if text in self.before]
        texts = frozenset(text for _box, text in read)
        self.before, self.waiting = texts, bool(texts - self.before)
        advice = framing.advise(boxes, frame.shape[1], frame.shape[0], scene.measure(frame)) if boxes else None
        return self.guide(advice)

    def looks_again(self) -> bool:
        """Text read once: the next frame is read at once, so that the advice is not late."""
        return self.waiting
