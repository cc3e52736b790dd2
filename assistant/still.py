"""What `assistant describe` says of one still image, in parts: people and things with where they are, the
classifier's labels for what the detector has no name for, any text, and the light. The command and
`assistant bench describe` both ask here, so the benchmark scores what the command says.

Things go through `vision.verify` (the rules describe-now and the live announcements share): plain words
for what is sure, "probably" for what is plausible but unsure, nothing for the rest. The labels part names
only what the detector cannot (when it is there): the detector's kinds come with a box, a second look and
a place, and a label of the same thing under another word ("a desk" and "probably a dining table") is one
thing said twice. Text is said only when it reads as text (`vision.textnoise`). The `labels` of
`describe --json` stay exactly the calibrated classifier's, whatever the sentence says.
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant.announce.announcer import ranked_by_name
from assistant.announce.describe import describe_found, unsaid_labels
from assistant.announce.phrasing import labels_part, nothing, said_labels, text_part
from assistant.config import AnnounceConfig
from assistant.vision import scene, textnoise, verify
from assistant.vision.detection import Box, Detection
from assistant.vision.people import name_found


@dataclass
class Senses:
    """The models a description uses: the classifier, the OCR reader, the detector (None where it is not
    built) and the people taught (None: nobody is named)."""

    classifier: Any
    reader: Any
    detector: Any = None
    people: Any = None
    rules: verify.Rules | None = field(default_factory=lambda: verify.RULES)
    second_look: bool = True

    def look(self, frame: np.ndarray, box: Box) -> Sequence[Detection]:
        return verify.second_look(self.classifier, frame, box)


@dataclass(frozen=True)
class Answer:
    """One description: its parts (each '' when there is nothing to say), what the objects part says
    (`found`, verified), the lines of text it tells of (`lines`: the first few said, the rest counted) and
    the classifier's calibrated labels from the floor up (`labels`, for JSON)."""

    objects: str
    labels_said: str
    text: str
    light: str
    found: list[Detection]
    labels: list[Detection]
    lines: list[str]
    trusted: bool

    @property
    def sentence(self) -> str:
        return " ".join(p for p in (self.objects, self.labels_said, self.text, self.light) if p)


def things(image: np.ndarray, senses: Senses, labels: list[Detection]) -> list[Detection]:
    """The people and things to say, verified (`vision.verify`), with who the people are."""
    detector = senses.detector
    if detector is None:
        return []
    seen, faces = detector.look(image)
    if senses.rules is None:  # the merged detector's answer as it is (`assistant bench describe`)
        return name_found(image, seen, faces, senses.people)
    below = verify.below_levels(detector.coco_hits(image), detector.ssd_hits(image), seen)
    look = senses.look if senses.second_look else None
    return name_found(image, verify.judge(seen, below, labels, image, look, senses.rules), faces, senses.people)


def labels_to_say(labels: Sequence[Detection], found: Sequence[Detection], covered: Set[str]) -> list[Detection]:
    """The classifier's labels for what the detector has no name for (`covered`: its `vocabulary`, every name
    of its kinds) and that are no sort of what it named (a dog breed, a person's clothes): describe and
    describe-now, as the live scene channel."""
    return [lb for lb in unsaid_labels(labels, found) if lb.name not in covered]


def describe(image: np.ndarray, senses: Senses, a: AnnounceConfig, languages: tuple[str, ...] | None = None) -> Answer:
    """The description of `image` (BGR)."""
    measures = scene.measure(image)
    ranked = ranked_by_name(senses.classifier.detect(image, 10))
    labels = said_labels(ranked, a.enter_score) if measures.trustworthy else []
    lines = textnoise.text_lines(senses.reader.read(image).spoken_lines, languages)
    if not measures.trustworthy:
        return Answer("", "", text_part(lines), measures.light_words, [], [], lines, False)
    found = things(image, senses, ranked)
    width = float(image.shape[1])
    objects = describe_found(found, width, a.positions)
    covered = senses.detector.vocabulary if senses.detector is not None else set()
    said = labels_part(labels_to_say(ranked, found, covered), a.enter_score, a.sure_score)
    if objects and said == nothing():
        said = ""
    return Answer(objects, said, text_part(lines), measures.light_words, found, labels, lines, True)
