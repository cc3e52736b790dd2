"""When the people-and-objects channel looks at a frame, and when its slow detectors (CenterNet and the SSD,
80 and 13 ms) run on it: pure, the time handed in, tested with scripted sequences.

The loop offers the channel every frame; it looks at `detect_rate` a second, and at once at the first frame
of a change after a still view (a person stepping in, the camera turned to something else): a new thing is
not kept waiting for its turn. While the view goes on changing it looks at its rate. The slow detectors
run at once on a new view as long as their budget allows (`coco_rate` a second on average, two at once
after a quiet spell), once more when the new view has held `1 / coco_rate` seconds (what the first run missed
is then missed twice, and gone: `ObjectTracker`), and every `coco_refresh` seconds on a still view.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# Mean difference (grey levels) of 32 x 24 thumbnails from the one at the last run that makes a new view:
# the demo clip's hand shake stays within 3.9 of a scene's first frame, its scene cuts are 50 and more.
VIEW_CHANGE = 8.0
BURST = 2.0  # slow runs that may come at once after a quiet spell
ON_TIME = 0.75  # a look is due once this share of its interval has passed (frames come with jitter)


def thumbnail(frame: np.ndarray) -> np.ndarray:
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) if frame.ndim == 3 else frame
    return cv2.resize(grey, (32, 24), interpolation=cv2.INTER_AREA).astype(np.float32)


def differs(view: np.ndarray, other: np.ndarray | None) -> bool:
    """Whether two thumbnails are different views (or there is no other to compare with)."""
    return other is None or float(np.abs(view - other).mean()) > VIEW_CHANGE


@dataclass
class Pace:
    """Thread contract: not thread-safe; its owner (the objects channel) calls it on the loop thread."""

    look_every: float  # seconds between looks (1 / detect_rate)
    run_every: float  # seconds between slow runs on average (1 / coco_rate)
    refresh: float  # seconds between slow runs on a still view
    offered_at: float | None = None  # the last frame offered
    owed: float = 1.0  # looks earned at `look_every` (as the loop's own `_due` counts its channels' steps)
    looked: np.ndarray | None = None  # the thumbnail of the last look
    previous: np.ndarray | None = None  # the thumbnail of the last frame offered
    moving: bool = False  # the last frame offered differed from the one before it
    credit: float = BURST  # slow runs that may start now
    credit_at: float | None = None
    confirm: bool = False  # the last slow run was on a new view: one more when it has held

    def look(self, view: np.ndarray, now: float) -> bool:
        """Whether the channel looks at this frame (its thumbnail `view`): at its rate, and at once when a
        still view has just changed."""
        # The first frame of a change: it differs from the last look, and the frame before it was still.
        onset = differs(view, self.looked) and not self.moving
        self.moving, self.previous = self.previous is not None and differs(view, self.previous), view
        if self.offered_at is not None:
            self.owed = min(2.0, self.owed + (now - self.offered_at) / self.look_every)
        self.offered_at = now
        if self.owed < ON_TIME and not onset:
            return False
        self.owed = max(-0.25, self.owed - 1.0)  # a look at once is not paid back by a long wait
        self.looked = view
        return True

    def run(self, still: bool, since: float, now: float) -> bool:
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
        """A frame that cannot be trusted (too dark, blurred), or a new mode: the next view is new."""
        self.looked, self.previous, self.moving, self.confirm = None, None, False, False


class Onsets:
    """The frames a slow lane looks at out of turn: the first frame of a change after a still view, and the
    next new frame after it (text is read out once it has been read the same way twice: the second read
    comes at once, not a period later). Thread contract: one thread (the slow lane's)."""

    def __init__(self) -> None:
        self.looked: np.ndarray | None = None  # the thumbnail of the frame last looked at
        self.previous: np.ndarray | None = None  # of the last frame offered
        self.moving = False  # the last frame offered differed from the one before it
        self.again = False  # the frame looked at was a new view's first: the next is looked at too

    def new(self, view: np.ndarray) -> bool:
        """Whether the frame (its thumbnail `view`) is looked at now, out of turn."""
        onset = self.looked is not None and differs(view, self.looked) and not self.moving
        self.moving, self.previous = self.previous is not None and differs(view, self.previous), view
        return onset or self.again

    def seen(self, view: np.ndarray, onset: bool) -> None:
        """The lane looked at this frame (`onset`: out of turn, for a new view)."""
        self.again = onset and not self.again
        self.looked = view
