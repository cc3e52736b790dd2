"""The light channel: how bright the view is. For now only its part of describe-now ("It is dark.")."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from assistant.channels.base import Context, Lane
from assistant.common import Mode, Say
from assistant.vision import scene


class LightChannel:
    """Thread contract: see `Channel`; it keeps no state."""

    name: ClassVar[str] = "light"
    modes: ClassVar[frozenset[Mode]] = frozenset()
    lane: ClassVar[Lane] = Lane.FAST
    failure: ClassVar[str] = "Could not measure the light."

    def __init__(self, ctx: Context) -> None:
        self.rate = ctx.config.vision.classify_rate

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        return []

    def describe(self, frame: np.ndarray | None, now: float) -> str:
        return scene.measure(frame).light_words if frame is not None else ""

    def reset(self) -> None:
        return None

    def seen(self) -> dict[str, float]:
        return {}
