"""The light channel: how bright the view is. In light mode, a continuous tone whose pitch follows the
brightness (low in the dark), as Seeing AI's light channel; S silences it. Its part of describe-now says
when it is dark, dim or bright."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from assistant.channels.base import Channel, Context, Lane
from assistant.common import Earcon, Kind, Mode, Priority, Say
from assistant.i18n import N_
from assistant.vision import scene

TONE_RATE = 5.0  # tones a second; each lasts 0.2 s, so they join into one sound


class LightChannel(Channel):
    """Thread contract: see `Channel`; it keeps no state."""

    name: ClassVar[str] = "light"
    modes: ClassVar[frozenset[Mode]] = frozenset({Mode.LIGHT})
    lane: ClassVar[Lane] = Lane.FAST
    failure: ClassVar[str] = N_("Could not measure the light.")
    leads: ClassVar[bool] = True  # "It is too dark to see." comes first in the describe answer

    def __init__(self, ctx: Context) -> None:
        self.rate = TONE_RATE

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        level = scene.measure(frame).level
        return [Say("", Priority.NEXT, Kind.LIGHT, earcon=Earcon.LIGHT, level=level)]

    def describe(self, frame: np.ndarray | None, now: float) -> str:
        return scene.measure(frame).light_words if frame is not None else ""
