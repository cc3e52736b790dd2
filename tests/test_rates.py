"""Each channel steps min(its rate, the frame rate) times a second (within 10%), at 1, 10, 15 and 30 frames
a second, on a fake clock with a little jitter; and the channels' own rates are among those checked."""

from __future__ import annotations

import threading
from typing import ClassVar

import numpy as np
import pytest

from assistant.channels.base import Channel, Lane
from assistant.common import Mode, Say
from assistant.config import Config
from assistant.live import LiveAssistant


class Counting(Channel):
    """A channel that only counts its steps."""

    name: ClassVar[str] = "counting"
    modes: ClassVar[frozenset[Mode]] = frozenset(Mode)
    lane: ClassVar[Lane] = Lane.FAST
    failure: ClassVar[str] = "Could not count."

    def __init__(self, rate: float) -> None:
        self.rate, self.steps = rate, 0

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        self.steps += 1
        return []


def channel_rates() -> set[float]:
    """The rates the configured channels step at (objects, scene, text, light, codes)."""
    from assistant.app import channel_context
    from assistant.channels.codes import CodesChannel
    from assistant.channels.light import TONE_RATE

    v = Config().vision
    return {v.detect_rate, v.classify_rate, v.ocr_rate, TONE_RATE, CodesChannel(channel_context(Config())).rate}


@pytest.mark.parametrize("fps", [1, 10, 15, 30])
@pytest.mark.parametrize("rate", sorted(channel_rates() | {2.0, 8.0, 10.0}))
def test_a_channel_steps_at_its_rate_or_the_frame_rate(fps, rate, clock):
    channel = Counting(rate)
    live = LiveAssistant(Config(), None, None, [channel], threading.Event(), clock=clock)  # type: ignore[arg-type]
    frame = np.zeros((4, 4, 3), np.uint8)
    jitter = np.random.default_rng(fps).uniform(-0.15, 0.15, size=20 * fps) / fps
    for i in range(20 * fps):  # 20 seconds of frames
        clock.now = i / fps + jitter[i]
        live._step_lane(Lane.FAST, frame)
    expected = min(rate, fps) * 20
    assert abs(channel.steps - expected) <= 0.1 * expected, (channel.steps, expected)
