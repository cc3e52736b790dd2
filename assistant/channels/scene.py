"""The scene channel: the classifier's labels, debounced by the Announcer, said once each ("A cat.")."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from assistant.announce.announcer import Announcer, ranked_by_name
from assistant.announce.phrasing import NOTHING, labels_part
from assistant.channels.base import Context, Lane
from assistant.channels.objects import DESCRIBED, covered_names
from assistant.common import Kind, Mode, Priority, Say
from assistant.vision import scene


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
        # Too dark or too blurred to trust a label: nothing is seen (and what was seen goes absent).
        seen = self.classifier.detect(frame, 10) if scene.measure(frame).trustworthy else []
        return [Say(ann.text, Priority.NEXT, Kind.LABEL, ann.name, about=ann.name)
                for ann in self.announcer.update(seen) if ann.name not in self.covered]

    def describe(self, frame: np.ndarray | None, now: float) -> str:
        if frame is not None and not scene.measure(frame).trustworthy:
            self.ctx.shared.pop(DESCRIBED, "")
            return ""  # the light channel says it is too dark, or blurred
        present = self.announcer.present()
        if not present and frame is not None:
            present = ranked_by_name(self.classifier.detect(frame, 10))
        present = [d for d in present if d.name not in self.covered]
        objects = self.ctx.shared.pop(DESCRIBED, "")
        labels = labels_part(present, self.floor, self.sure)
        return "" if objects and labels == NOTHING else labels

    def reset(self) -> None:
        self.announcer.reset()

    def seen(self) -> dict[str, float]:
        return dict(self.announcer.last_seen)
