"""The scene channel: the classifier's labels, debounced by the Announcer, said once each ("Espresso.");
only for what the people-and-objects channel does not say (a name it can say, a sort of a thing it holds in
view, a person's clothes while it holds a person: the `InView` it shares with that channel)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from assistant.announce.announcer import Announcer, ranked_by_name
from assistant.announce.describe import labels_to_say, unsaid_labels
from assistant.announce.phrasing import labels_part, nothing
from assistant.channels.base import Channel, Context, Lane
from assistant.common import Earcon, Kind, Mode, Priority, Say
from assistant.i18n import N_
from assistant.vision import scene
from assistant.vision.detection import Detection


class SceneChannel(Channel):
    """Thread contract: see `Channel`; the Announcer is touched only on the loop thread."""

    name: ClassVar[str] = "scene"
    modes: ClassVar[frozenset[Mode]] = frozenset({Mode.BOTH, Mode.SCENE})
    lane: ClassVar[Lane] = Lane.FAST
    failure: ClassVar[str] = N_("Could not recognise the picture.")

    def __init__(self, ctx: Context) -> None:
        a = ctx.config.announce
        self.ctx = ctx
        self.classifier = ctx.models.classifier
        self.in_view = ctx.services.in_view  # what the objects channel says, with where it is
        self.rules = ctx.rules
        self.rate = ctx.config.vision.classify_rate
        self.floor, self.sure = a.enter_score, a.sure_score
        self.announcer = Announcer(a.enter_score, a.exit_score, a.sure_score, a.hits_needed, a.window,
                                   a.absent_seconds, a.cooldown_seconds, ctx.clock)

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        # NEXT: a new object is said as soon as what is playing ends, ahead of queued text.
        # Too dark or too blurred to trust a label: nothing is seen (and what was seen goes absent).
        seen = self.classifier.detect(frame, 10) if scene.measure(frame).trustworthy else []
        anns = [a for a in self.announcer.update(seen, now) if a.name not in self.in_view.covered]
        kinds = self.announcer.categories
        keep = {d.name for d in unsaid_labels([Detection(a.name, a.score, kinds.get(a.name, "")) for a in anns],
                                              self.in_view.present)}
        return [Say(a.text, Priority.NEXT, Kind.LABEL, a.name, Earcon.THING, about=a.name) for a in anns
                if a.name in keep]

    def describe(self, frame: np.ndarray | None, now: float) -> str:
        if frame is not None and not scene.measure(frame).trustworthy:
            self.in_view.described = ()
            return ""  # the light channel says it is too dark, or blurred
        present = self.announcer.present()
        if not present and frame is not None:
            present = ranked_by_name(self.classifier.detect(frame, 10))
        objects = self.in_view.described  # named by the objects channel, whose part comes first
        # Only what the objects channel cannot name (`vision.verify` judged what it can).
        unsaid = labels_to_say(present, objects, self.in_view.covered) if self.rules.unnamed_labels \
            else unsaid_labels(present, objects)
        labels = labels_part(unsaid, self.floor, self.sure)
        return "" if objects and labels == nothing() else labels

    def reset(self) -> None:
        self.announcer.reset()

    def seen(self) -> dict[str, float]:
        return dict(self.announcer.last_seen)
