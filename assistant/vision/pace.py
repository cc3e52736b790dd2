"""When a new view is looked at: pure, the time handed in, tested with scripted sequences.

`Onsets` finds the first frame of a change after a still view (a person stepping in, the camera turned to a
page): the loop steps each lane's channels on it at once, out of turn, so that a new thing is not kept
waiting for a channel's next step (the slow lane also on the frame after it when a channel asks to look
again: text is read out once read the same way twice). While the view goes on changing, the channels keep
their own rates.

`SlowRuns` says when the objects channel's slow detectors (CenterNet and the SSD, 80 and 13 ms) run: at once
on a new view as long as their budget allows (`coco_rate` a second on average, two at once after a quiet
spell), once more when the new view has held `1 / coco_rate` seconds (what the first run missed is then
missed twice, and gone: `ObjectTracker`), and every `coco_refresh` seconds on a still view.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# Mean difference (grey levels) of 32 x 24 thumbnails that makes a new view: the demo clip's hand shake
# stays within 3.9 of a scene's first frame, its scene cuts are 50 and more.
VIEW_CHANGE = 8.0
BURST = 2.0  # slow runs that may come at once after a quiet spell


def thumbnail(frame: np.ndarray) -> np.ndarray:
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) if frame.ndim == 3 else frame
    return cv2.resize(grey, (32, 24), interpolation=cv2.INTER_AREA).astype(np.float32)


def differs(view: np.ndarray, other: np.ndarray | None) -> bool:
    """Whether two thumbnails are different views (or there is no other to compare with)."""
    return other is None or float(np.abs(view - other).mean()) > VIEW_CHANGE


class Onsets:
    """The first frame of a change after a still view, among the frames a lane is offered. Thread contract:
    one thread (the lane's)."""

    def __init__(self) -> None:
        self.looked: np.ndarray | None = None  # the thumbnail of the frame last looked at
        self.previous: np.ndarray | None = None  # of the last frame offered
        self.moving = False  # the last frame offered differed from the one before it

    def new(self, view: np.ndarray) -> bool:
        """Whether the frame (its thumbnail `view`, offered once) is the first of a new view."""
        onset = self.looked is not None and differs(view, self.looked) and not self.moving
        self.moving, self.previous = self.previous is not None and differs(view, self.previous), view
        return onset

    def seen(self, view: np.ndarray) -> None:
        """The lane looked at this frame."""
        self.looked = view


@dataclass
class SlowRuns:
    """Thread contract: not thread-safe; its owner (the objects channel) calls it on the loop thread."""

    run_every: float  # seconds between slow runs on average (1 / coco_rate)
    refresh: float  # seconds between slow runs on a still view
    credit: float = BURST  # slow runs that may start now
    credit_at: float | None = None
    confirm: bool = False  # the last slow run was on a new view: one more when it has held

    def due(self, still: bool, since: float, now: float) -> bool:
        """Whether the slow detectors run on this frame; `still`: the view is as it was at their last run,
        `since`: seconds since it. A run is counted when this says yes."""
        if self.credit_at is not None:
            self.credit = min(BURST, self.credit + (now - self.credit_at) / self.run_every)
        self.credit_at = now
        if still:
            due = since >= self.refresh or (self.confirm and since >= self.run_every)
        else:
            due = self.credit >= 1.0
        if due:
            self.credit -= 1.0
            self.confirm = not still
        return due

    def forget(self) -> None:
        """A frame that cannot be trusted (too dark, blurred), or a new mode: nothing to confirm."""
        self.confirm = False
