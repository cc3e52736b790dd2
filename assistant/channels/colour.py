"""The colour channel: C says the main colours in the middle of the view; describe-now mentions a colour
only when one clearly fills the middle (a red wall, a blue shirt held up)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from assistant.channels.base import Context, Lane
from assistant.common import Mode, Say
from assistant.i18n import N_, _
from assistant.vision.colour import colour_name, colour_words, dominant

NEUTRAL = frozenset({"black", "dark grey", "grey", "light grey", "white"})  # backgrounds: not worth a mention
CLEAR_SHARE = 0.6  # describe-now names a colour that covers this much of the middle


class ColourChannel:
    """Thread contract: see `Channel`; it keeps no state (`tell` runs on the loop thread)."""

    name: ClassVar[str] = "colour"
    modes: ClassVar[frozenset[Mode]] = frozenset()  # on request only: the C key and describe-now
    lane: ClassVar[Lane] = Lane.FAST
    failure: ClassVar[str] = N_("Could not tell the colour.")

    def __init__(self, ctx: Context) -> None:
        self.rate = 1.0

    def tell(self, frame: np.ndarray) -> str:
        """The C key: the main colours in the middle of the view."""
        return colour_words(dominant(frame))

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        return []

    def describe(self, frame: np.ndarray | None, now: float) -> str:
        if frame is None:
            return ""
        colours = dominant(frame)
        if colours and colours[0].share >= CLEAR_SHARE and colours[0].name not in NEUTRAL:
            return _("Mostly {colour}.").format(colour=colour_name(colours[0].name))
        return ""

    def reset(self) -> None:
        return None

    def seen(self) -> dict[str, float]:
        return {}
