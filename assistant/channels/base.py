"""What a channel is, and what it is given.

A channel is a small object: its name, the modes it runs in, the lane (thread) that steps it and how
often, a `step(frame, now)` that returns what to say, and its part of the describe-now answer. It never
touches speech: the loop hands what it returns to the speech queue. Everything it needs comes in the
`Context` given to its constructor; it never reaches back into the loop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, ClassVar, Protocol

import numpy as np

from assistant.common import Mode, Say
from assistant.config import Config


class Lane(str, Enum):
    """Which thread steps a channel."""

    FAST = "fast"  # the loop thread, on the newest frame: steps of a few milliseconds (the classifier)
    SLOW = "slow"  # the OCR thread: steps of a few hundred milliseconds (text, documents)


@dataclass
class Context:
    """What channels are built with. `models` holds the loaded models (see `app.Models`); `newest_frame`
    gives the newest camera frame or None; `is_reading` tells whether text is being read out now."""

    config: Config
    models: Any
    clock: Callable[[], float] = time.monotonic
    newest_frame: Callable[[], np.ndarray | None] = lambda: None
    is_reading: Callable[[], bool] = lambda: False
    stop: threading.Event = field(default_factory=threading.Event)
    save_dir: Path | None = None
    shared: dict[str, Any] = field(default_factory=dict)  # services two channels of one lane share

    def service(self, name: str, make: Callable[[], Any]) -> Any:
        """The shared service `name`, made on first use (e.g. the OCR view that text and guidance share)."""
        if name not in self.shared:
            self.shared[name] = make()
        return self.shared[name]


class Channel(Protocol):
    """One sense of the live assistant.

    Thread contract: `step`, `reset` and any request the loop posts to the channel run only on its
    lane's thread, one at a time. `describe` runs on the loop thread: it may compute from the frame it
    is given, but of the channel's own state it only reads values that `step` published whole (one
    attribute assignment of an immutable value)."""

    name: ClassVar[str]
    modes: ClassVar[frozenset[Mode]]  # the modes it runs in
    lane: ClassVar[Lane]
    failure: ClassVar[str]  # the one short sentence the user hears when a step fails
    rate: float  # steps per second

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        """Look at one frame; what to say now (often nothing)."""
        ...

    # Optional: a class that subclasses `Channel` inherits these defaults, and the loader gives them to one
    # that does not (see `channels.CONTRACT`).
    def describe(self, frame: np.ndarray | None, now: float) -> str:
        """This channel's part of the describe-now answer; '' for nothing."""
        return ""

    def reset(self) -> None:
        """Forget what was seen (a new mode)."""
        return None

    def seen(self) -> dict[str, float]:
        """What is in view, by the `about` names its `Say`s use, each with when it was last seen: what it
        says of a thing is dropped if the thing has left the view before it is said. Nothing, by default."""
        return {}

    def request(self, action: Any, word: str, frame: np.ndarray | None, now: float) -> list[Say]:
        """A word typed for this channel after its key (what to look for, whose face to learn; see
        `live.REQUESTS`), with the newest frame (None when there is no fresh one). On the loop thread."""
        return []
