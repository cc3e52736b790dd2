"""What a channel is, and what it is given.

A channel is a small object that describes itself: its name, the modes it runs in, the lane (thread) that
steps it and how often, the key actions it serves (`actions`: the loop hands it those, with the word typed
after the key when there is one), a `step(frame, now)` that returns what to say, and its part of the
describe answer. It never touches speech: the loop hands what it returns to the speech queue. Everything it
needs comes in the `Context` given to its constructor (the models, and the services it shares with other
channels, as typed fields made by `app`); it never reaches back into the loop, and never imports another
channel.

Every channel subclasses `Channel`, which does nothing by default: a channel writes only what it does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from assistant.common import Action, Mode, Say
from assistant.config import Config
from assistant.vision.verify import RULES, Rules

if TYPE_CHECKING:  # the composition root's types: `app` imports the channels, never the other way round
    from assistant.app import Models
    from assistant.channels.shared import Services


class Lane(str, Enum):
    """Which thread steps a channel."""

    FAST = "fast"  # the loop thread, on the newest frame: steps of a few milliseconds (the classifier)
    SLOW = "slow"  # the OCR thread: steps of a few hundred milliseconds (text, documents)


@dataclass
class Context:
    """What channels are built with: the settings, the loaded models (`app.Models`), the services channels
    share (`shared.Services`: the text view, the guide, the people taught, the people finder, what is looked
    for, what is in view), the clock, the newest camera frame or None, whether text is being read out now,
    the stop event, where pages read are kept, and the rules of what is said at all (`vision.verify.Rules`:
    the objects, scene and text channels'; the benchmark hands in others, row by row)."""

    config: Config
    models: Models
    services: Services
    clock: Callable[[], float] = time.monotonic
    newest_frame: Callable[[], np.ndarray | None] = lambda: None
    is_reading: Callable[[], bool] = lambda: False
    stop: threading.Event = field(default_factory=threading.Event)
    save_dir: Path | None = None
    rules: Rules = RULES


class Channel:
    """One sense of the live assistant; a subclass sets `name`, `failure` and what it does, and inherits a
    channel that does nothing for the rest.

    Thread contract: `step`, `reset` and `request` run only on its lane's thread, one at a time (the loop
    posts a request for a slow channel to the slow thread). `describe` runs on the loop thread: it may compute
    from the frame it is given, but of the channel's own state it only reads values that `step` published
    whole (one attribute assignment of an immutable value)."""

    name: ClassVar[str]
    failure: ClassVar[str]  # the one short sentence the user hears when a step fails (marked with N_)
    modes: ClassVar[frozenset[Mode]] = frozenset()  # the modes it is stepped in (none: on request only)
    lane: ClassVar[Lane] = Lane.FAST
    actions: ClassVar[frozenset[Action]] = frozenset()  # the key actions it serves (see `request`)
    leads: ClassVar[bool] = False  # its part of the describe answer comes first when the picture cannot be trusted
    rate: float = 1.0  # steps per second

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        """Look at one frame; what to say now (often nothing)."""
        return []

    def describe(self, frame: np.ndarray | None, now: float) -> str:
        """This channel's part of the describe answer ('' for nothing): `frame` is the view now (None when
        there is no fresh one)."""
        return ""

    def reset(self) -> None:
        """Forget what was seen (a new mode)."""
        return None

    def seen(self) -> dict[str, float]:
        """What is in view, by the `about` names its `Say`s use, each with when it was last seen: what it
        says of a thing is dropped if the thing has left the view before it is said. Nothing, by default."""
        return {}

    def looks_again(self) -> bool:
        """Whether its last step saw something it says only once it has seen it again (text read once), so
        that the next frame of a new view is stepped at once rather than at its next turn. No, by default."""
        return False

    def request(self, action: Action, word: str, frame: np.ndarray | None, now: float) -> list[Say]:
        """One of its `actions`: the key pressed (with the word typed after it, for a key that asks for one;
        else ""), and the newest frame (None when there is no fresh one). On its lane's thread."""
        return []
