"""Framing guidance as what to say: `Guide` turns a piece of advice (`vision.framing`) into a sentence or a
tone, in the configured style, only when the advice changes, at most every few seconds, never over text
being read. Shared by the guidance channel and document mode (`channels.shared.Services.guide`)."""

from __future__ import annotations

from collections.abc import Callable

from assistant.announce.notices import guidance
from assistant.common import Earcon, GuidanceStyle, Kind, Priority, Say
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
