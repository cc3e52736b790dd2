"""Framing guidance: how to move the camera so the text in view can be read ("Move closer."), said only
when the advice changes, at most every few seconds, never over text being read. `Guide` is shared with
document mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import numpy as np

from assistant.announce.notices import guidance
from assistant.channels.base import Context, Lane
from assistant.channels.text import text_view
from assistant.common import Earcon, GuidanceStyle, Kind, Mode, Priority, Say
from assistant.i18n import N_
from assistant.vision import framing, scene
from assistant.vision.framing import Code, FramingAdvisor

# The tone for each piece of advice when guidance is given as tones (checked at import).
TONES: dict[Code, Earcon] = {
    Code.DARK: Earcon.GUIDANCE_DARK,
    Code.BLUR: Earcon.GUIDANCE_BLUR,
    Code.BACK: Earcon.GUIDANCE_BACK,
    Code.CLOSER: Earcon.GUIDANCE_CLOSER,
    Code.CUT_LEFT: Earcon.GUIDANCE_CUT,
    Code.CUT_RIGHT: Earcon.GUIDANCE_CUT,
    Code.CUT_TOP: Earcon.GUIDANCE_CUT,
    Code.CUT_BOTTOM: Earcon.GUIDANCE_CUT,
    Code.NO_PAGE: Earcon.GUIDANCE_NO_PAGE,
}
if set(TONES) != set(Code):
    raise ImportError(f"framing codes without a tone: {set(Code) - set(TONES)}")


class Guide:
    """Turns advice into what to say, in the configured style. Thread contract: one thread (the slow lane)."""

    def __init__(self, style: GuidanceStyle, is_reading: Callable[[], bool], clock: Callable[[], float]) -> None:
        self.style, self.is_reading, self.clock = style, is_reading, clock
        self.advisor = FramingAdvisor()

    def __call__(self, advice: Code | None) -> list[Say]:
        said = self.advisor.update(advice, self.clock()) if not self.is_reading() else None
        if said is None or self.style is GuidanceStyle.OFF:
            return []
        if self.style is GuidanceStyle.TONES:
            return [Say("", Priority.NEXT, Kind.GUIDANCE, said.value, TONES[said])]
        return [Say(guidance(said), Priority.NORMAL, Kind.GUIDANCE, said.value)]


def guide(ctx: Context) -> Guide:
    style = GuidanceStyle(ctx.config.announce.guidance)
    return ctx.service("guide", lambda: Guide(style, ctx.is_reading, ctx.clock))  # type: ignore[no-any-return]


def recognised(text: str) -> bool:
    """At least two letters or digits: a real read, not a stray mark."""
    return sum(ch.isalnum() for ch in text) >= 2


class GuidanceChannel:
    """Thread contract: see `Channel`."""

    name: ClassVar[str] = "guidance"
    modes: ClassVar[frozenset[Mode]] = frozenset({Mode.BOTH, Mode.TEXT})
    lane: ClassVar[Lane] = Lane.SLOW
    failure: ClassVar[str] = N_("Could not read the text.")

    def __init__(self, ctx: Context) -> None:
        self.view, self.guide = text_view(ctx), guide(ctx)
        self.rate = ctx.config.vision.ocr_rate
        self.min_score = ctx.config.vision.ocr_min_score

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        result = self.view.read(frame)
        # Only text really read (characters, with confidence) is guided towards: a blank wall or a table
        # top that the detector takes for text is not.
        boxes = [f.box for f in result.fragments if f.score >= self.min_score and recognised(f.text)]
        advice = framing.advise(boxes, frame.shape[1], frame.shape[0], scene.measure(frame)) if boxes else None
        return self.guide(advice)

    def describe(self, frame: np.ndarray | None, now: float) -> str:
        return ""

    def reset(self) -> None:
        return None

    def seen(self) -> dict[str, float]:
        return {}
