"""The scene channel: the classifier's labels, debounced by the Announcer, said once each ("A cat.")."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from assistant.announce.announcer import Announcer, ranked_by_name
from assistant.announce.phrasing import NOTHING, labels_part
from assistant.channels.base import Context, Lane
from assistant.channels.objects import DESCRIBED, covered_names
from assistant.common import Kind, Mode, Priority, Say


class SceneChannel:
    """Thread contract: see `Channel`; the Announcer is touched only on the loop thread."""

    name: ClassVar[str] = "scene"
    modes: ClassVar[frozenset[Mode]] = frozenset({Mode.BOTH, Mode.SCENE})
    lane: ClassVar[Lane] = Lane.FAST
    failure: ClassVar[str] = "Could not recognise the picture."

    def __init__(self, ctx: Context) -> None:
        a = ctx.config.announce
        self.ctx = ctx
        self.classifier = ctx.models.classifier
        self.covered = covered_names(ctx)  # said by the objects channel, with where they are
        self.rate = ctx.config.vision.classify_rate
        self.floor, self.sure = a.enter_score, a.sure_score
        self.announcer = Announcer(a.enter_score, a.exit_score, a.sure_score, a.hits_needed, a.window,
                                   a.absent_seconds, a.cooldown_seconds, ctx.clock)

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        # NEXT: a new object is said as soon as what is playing ends, ahead of queued text.
        return [Say(ann.text, Priority.NEXT, Kind.LABEL, ann.name)
                for ann in self.announcer.update(self.classifier.detect(frame, 10)) if ann.name not in self.covered]

    def describe(self, frame: np.ndarray | None, now: float) -> str:
        present = self.announcer.present()
        if not present and frame is not None:
            present = ranked_by_name(self.classifier.detect(frame, 10))
        present = [d for d in present if d.name not in self.covered]
        objects = self.ctx.shared.pop(DESCRIBED, "")
        labels = labels_part(present, self.floor, self.sure)
        return "" if objects and labels == NOTHING else labels

    def reset(self) -> None:
        self.announcer.reset()
