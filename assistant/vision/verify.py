"""Whether to say what the detectors found, and how: plainly, as "probably", or not at all. A plain word is
a promise; a phantom knife is worse than a chair left unsaid. Pure functions over the merged detector's
answer (`vision.merge`), the hits under their levels, the whole-photo classifier's labels and, for the
things that are unsure, a second look at their box with the classifier (`Look`, about 10 ms a crop).

The rules, in order (figures: `assistant bench describe`, CHAIR on the COCO captions dev photos):
1. Plain from `Rules.sure`: a thing the detectors found at that score or more is said plainly.
2. Agreement: below it (down to the merge's `AGREE`, even under the class's level), a thing is said
   plainly when the classifier agrees: its labels for the thing's own names add up to `Rules.agree` on the
   box's crop, or to `Rules.full` on the whole photo ("dining table", "laptop").
3. Veto: an unsure thing whose crop the classifier names as something else from `Rules.veto` is not said
   (a "plant" the crop shows is a dog; a "toilet" that is a ladle).
4. Unsure: what is left is said as "probably" when it fills `Rules.big` of the photo or more (people
   mention big things), else not at all.
5. People: a person under `Rules.person_floor` smaller than `Rules.person_big` of the photo, with no face
   seen, is not said (a coat on a chair); nor is a face alone within an animal (a dog's face).
6. Context, a table: a table from `Rules.table` that fills a tenth of the photo is said when a thing that
   sits on tables (a cup, a pizza, a laptop) is said on it.
7. One thing, one count: a box of the same kind mostly inside another is one thing (a pizza and its slice,
   one microwave seen twice), and a screen or a keyboard within a laptop is the laptop's (three laptops,
   not "a laptop and a TV").
8. One thing, one name: of two kinds of one category found on one thing, the one the whole photo's
   classifier names (`Rules.full`) is said, the other (its labels under `ONE_NAME`) not: a panda the SSD
   took for a dog, CenterNet and the classifier for a bear (CHAIR-i 0.044 -> 0.041, CHAIR-s 0.071 -> 0.064).
Not a rule: counting another of a kind said plainly whenever it was found at its level (two bears, not
"a bear") put more counts right (0.730 -> 0.738) but more too high (0.034 -> 0.060): a count said too
high is a promise broken, one too low a thing left unsaid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from assistant.capture.images import ImageError
from assistant.vision.detection import Box, Detection, area, intersection, iou
from assistant.vision.merge import AGREE, FACE, SAME_THING_IOU, Hit, centre_in, one_each
from assistant.vision.things import THINGS, Category, Part

# The crop given to the classifier: the box's longer side with this much around it, squared; the classifier
# keeps the centre 87.5% of what it is given (`preprocess.CROP_FRACTION`), so the box is what it sees.
CROP_MARGIN = 0.2
CROP_FRACTION = 0.875
MIN_CROP = 32  # pixels: a smaller box is looked at with this much around it
MAX_LOOKS = 8  # crops looked at in one photo (about 10 ms each)
LIVE_LOOKS = 2  # live, crops looked at in a run of the detectors (at most one a second): 2% of a core
Look = Callable[[np.ndarray, Box], Sequence[Detection]]  # (frame, box) -> the classifier's labels for its `crop`


class Labeller(Protocol):
    """What the rules ask of the classifier (`vision.classifier.Classifier`; the benchmark's replaying one)."""

    def detect(self, frame_bgr: np.ndarray, top_k: int = 10) -> Sequence[Detection]: ...


# Things that sit on tables: a table under one of them is a table (rule 6).
ON_TABLES = frozenset({"cup", "bowl", "wine glass", "bottle", "fork", "knife", "spoon", "pizza", "cake", "donut",
                       "sandwich", "hot dog", "broccoli", "carrot", "banana", "apple", "orange", "laptop",
                       "keyboard", "mouse", "book", "cell phone", "vase", "remote", "scissors", "teddy bear"})
# A box of the first kind within one of the second is part of it (rule 7): a laptop's screen and keyboard.
PARTS_OF = {"tv": "laptop", "keyboard": "laptop"}
INSIDE = 0.7  # share of a box's area within another that makes it part of that one (rule 7)
ONE_NAME = 0.1  # the whole photo's labels for a thing's kind below this: it is not that kind (rule 8)
SAME_BOX = 0.8  # live: a box overlapping one the last run looked at this much is that one, not looked at again


@dataclass(frozen=True)
class Rules:
    """The levels of the rules (see the module's docstring); chosen on the COCO captions dev photos,
    cross-validated (the last rows of `assistant bench describe`). The channels are given them in their
    `Context` (`app.Still` takes others): the benchmark turns them off one by one (an infinite level, no
    looks, a flag off) to say what each buys. `judged` off: the merged detectors' answer is said as it is;
    `unnamed_labels` off: the classifier's labels are said for whatever the detectors did not name, not only
    what they cannot name (`announce.describe.labels_to_say`); `text_noise` off: text noise is said."""

    judged: bool = True
    sure: float = 0.4
    agree: float = 0.7
    full: float = 0.5
    veto: float = 0.7
    big: float = 0.05
    person_floor: float = 0.3
    person_big: float = 0.05
    table: float = 0.4
    table_share: float = 0.1
    one_count: bool = True
    one_name: bool = True
    looks: int = MAX_LOOKS  # crops given a second look in one photo (0: none)
    unnamed_labels: bool = True
    text_noise: bool = True


RULES = Rules()
_WORDS: dict[str, frozenset[str]] = {}
for _t in THINGS:
    if _t.coco:
        _WORDS[_t.coco] = _WORDS.get(_t.coco, frozenset()) | {_t.spoken, *_t.also}


def names_of(coco: str) -> frozenset[str]:
    """Every name the detectors and the classifier give a COCO thing ('dining table': table, desk, ...)."""
    return _WORDS.get(coco, frozenset())


def share(box: Box, width: float, height: float) -> float:
    return max(0.0, area(box)) / max(1.0, width * height)


def crop(frame: np.ndarray, box: Box) -> np.ndarray:
    """The part of `frame` the classifier looks at for `box`: a square around it, moved inside the frame
    where it would cross an edge (cut only where the frame is smaller)."""
    h, w = frame.shape[:2]
    x0, y0, x1, y1 = box
    side = max(MIN_CROP, max(x1 - x0, y1 - y0) * (1 + CROP_MARGIN) / CROP_FRACTION)

    def span(centre: float, size: int) -> tuple[int, int]:
        length = min(float(size), side)
        start = min(max(0.0, centre - length / 2), size - length)
        return int(start), max(int(start) + 1, int(round(start + length)))

    (a, c), (b, d) = span((x0 + x1) / 2, w), span((y0 + y1) / 2, h)
    return frame[b:d, a:c]


def second_look(classifier: Labeller, frame: np.ndarray, box: Box) -> Sequence[Detection]:
    """The classifier's labels (its `detect`) for the `crop` of `box` in `frame`; none for a crop it cannot take."""
    try:
        return list(classifier.detect(crop(frame, box), 10))
    except ImageError:
        return []


def agreement(labels: Iterable[Detection], coco: str) -> tuple[float, float]:
    """(the labels' scores for the thing's own names added up, the best score of a label for anything else)."""
    own = names_of(coco)
    mine = other = 0.0
    for label in labels:
        if label.name in own:
            mine += label.score
        else:
            other = max(other, label.score)
    return mine, other


def below_levels(hits: Mapping[str, Sequence[Hit]], found: Sequence[Detection]) -> list[Detection]:
    """The hits (by source, as `merge` takes them) from `AGREE` up of the kinds `found` does not hold (their
    levels kept them out), one per thing: what a classifier that agrees can still bring in. Not people, nor
    what people wear or carry."""
    have = {d.coco for d in found}
    kept = [h for name, some in hits.items() if name != FACE for h in some
            if h.score >= AGREE and h.thing.coco and h.thing.coco not in have
            and h.thing.category is not Category.PERSON and h.thing.part is Part.NO]
    return [Detection(h.thing.spoken, h.score, h.thing.category.value, h.box, h.source, h.thing.coco)
            for h in one_each(kept)]


@dataclass(frozen=True)
class _Seen:
    """One candidate and what the rules know of it."""

    det: Detection
    found: bool  # at its level in the merged answer (else only from `below_levels`)
    share: float


def judge(found: Sequence[Detection], below: Sequence[Detection], labels: Sequence[Detection], frame: np.ndarray,
          look: Look | None, rules: Rules = RULES, max_looks: int = MAX_LOOKS) -> list[Detection]:
    """What to say of `found` (the merged detector's answer) and `below` (`below_levels`), best first: each
    thing kept with `sure` False when it is to be said as "probably"; the rest left out. `labels`: the
    whole photo's classifier labels; `look`: the classifier on a box's crop (None: no second look). At most
    `max_looks` crops are looked at (and no more than `rules.looks`), the largest first. With `rules.judged`
    off, `found` as it is."""
    if not rules.judged:
        return list(found)
    height, width = float(frame.shape[0]), float(frame.shape[1])
    seen = [_Seen(d, True, share(d.box, width, height)) for d in found if d.box is not None]
    seen += [_Seen(d, False, share(d.box, width, height)) for d in below if d.box is not None]
    full = {c: agreement(labels, c)[0] for c in {s.det.coco for s in seen if s.det.coco}}
    looks = _looks(seen, full, frame, look, rules, min(max_looks, rules.looks))
    verdicts = [(s, _verdict(s, full.get(s.det.coco or "", 0.0), looks.get(id(s), (0.0, 0.0)), rules))
                for s in seen]
    animals = [s.det.box for s, v in verdicts if v is not None and s.det.category == Category.ANIMAL.value]
    verdicts = [(s, None if _an_animals_face(s, animals) else v) for s, v in verdicts]
    if rules.one_name:
        verdicts = _one_name(verdicts, full, rules)
    said = [(s, v) for s, v in verdicts if v is not None]
    tables = [s for s, v in verdicts if v is None and _a_table(s, said, rules)]
    out = [replace(s.det, sure=bool(v)) for s, v in said] + [replace(s.det, sure=True) for s in tables]
    if rules.one_count:
        out = one_count(out)
    return sorted(out, key=lambda d: -d.score)


def _unsure(s: _Seen, full: float, rules: Rules) -> bool:
    """Whether the detector's score and the whole photo's labels leave a thing to a second look."""
    d = s.det
    return (d.category != Category.PERSON.value and d.coco is not None and full < rules.full
            and not (s.found and d.score >= rules.sure))


def _looks(seen: Sequence[_Seen], full: dict[str, float], frame: np.ndarray, look: Look | None,
           rules: Rules, most: int) -> dict[int, tuple[float, float]]:
    """The second look at the unsure things (at most `most`, the largest first): id -> `agreement`."""
    if look is None:
        return {}
    unsure = [s for s in seen if _unsure(s, full.get(s.det.coco or "", 0.0), rules)]
    unsure.sort(key=lambda s: -s.share)
    return {id(s): agreement(look(frame, s.det.box), s.det.coco)  # type: ignore[arg-type]
            for s in unsure[:most]}


def _verdict(s: _Seen, full: float, looked: tuple[float, float], rules: Rules) -> bool | None:
    """True: said plainly; False: said as "probably"; None: not said."""
    d = s.det
    if d.category == Category.PERSON.value:
        small = d.source != "face" and d.score < rules.person_floor and s.share < rules.person_big
        return None if small or not s.found else True
    if not d.coco:  # what COCO has no class for (a box, a camera): at its level, as the merge said
        return True if s.found else None
    if (s.found and d.score >= rules.sure) or full >= rules.full:
        return True
    mine, other = looked
    if mine >= rules.agree:
        return True
    if not s.found or other >= rules.veto:
        return None
    return False if s.share >= rules.big else None


def _one_name(verdicts: list[tuple[_Seen, bool | None]], full: Mapping[str, float], rules: Rules
              ) -> list[tuple[_Seen, bool | None]]:
    """Rule 8, one thing, one name: of two kinds of one category found on one thing (boxes overlapping by
    `SAME_THING_IOU`), the one the whole photo's classifier names (`Rules.full`) is said, the other not (a
    panda the SSD took for a dog, the classifier and CenterNet for a bear)."""
    named = [s for s, v in verdicts if v is not None and s.det.coco and full.get(s.det.coco, 0.0) >= rules.full]
    return [(s, None if v is not None and s.det.category != Category.PERSON.value
             and full.get(s.det.coco or "", 0.0) < ONE_NAME and any(
                 n.det.coco != s.det.coco and n.det.category == s.det.category and n.det.box is not None
                 and s.det.box is not None and iou(n.det.box, s.det.box) > SAME_THING_IOU for n in named) else v)
            for s, v in verdicts]


def _an_animals_face(s: _Seen, animals: Sequence[Box | None]) -> bool:
    """Rule 5: a face alone (no body found around it) within an animal is the animal's, not a person."""
    d = s.det
    return (d.source == "face" and d.category == Category.PERSON.value and d.box is not None
            and any(a is not None and centre_in(d.box, a) for a in animals))


def _a_table(s: _Seen, said: Sequence[tuple[_Seen, bool | None]], rules: Rules) -> bool:
    """Rule 6: a table under something said that sits on tables."""
    d = s.det
    if d.coco != "dining table" or d.score < rules.table or s.share < rules.table_share or d.box is None:
        return False
    return any(t.det.coco in ON_TABLES and t.det.box is not None and centre_in(t.det.box, d.box) for t, _ in said)


def _inside(inner: Box, outer: Box) -> float:
    """The share of `inner`'s area that lies within `outer`."""
    size = area(inner)
    return intersection(inner, outer) / size if size > 0 else 0.0


def one_count(things: Sequence[Detection]) -> list[Detection]:
    """Rule 7, best first: of two boxes of the same kind, one mostly (`INSIDE`) within the other, the better
    is kept; then a screen or a keyboard within a laptop kept is the laptop's. People are each counted (one
    stands in front of another)."""
    kept: list[Detection] = []
    for d in sorted(things, key=lambda d: -d.score):
        if d.box is None or d.category == Category.PERSON.value or not any(
                k.box is not None and k.coco == d.coco and max(_inside(d.box, k.box), _inside(k.box, d.box)) >= INSIDE
                for k in kept):
            kept.append(d)
    return [d for d in kept if d.box is None or d.coco not in PARTS_OF or not any(
        k.box is not None and k.coco == PARTS_OF[d.coco] and _inside(d.box, k.box) >= INSIDE for k in kept)]


class LiveCheck:
    """The rules on the live loop, where CenterNet and the SSD run about once a second and their hits are
    carried between runs (`channels.objects`). The whole view's labels are taken once a run, at most
    `LIVE_LOOKS` boxes are looked at in a run, and a box only when it is new (a still view's runs reuse the
    last run's looks): the live loop's CPU budget holds (a turning camera was led to a cup as fast). `live` gives
    what may be announced: only sure things (an interruption is for what is sure; describe-now says the
    "probably" ones), and a thing sure only because the classifier agreed with a weak hit, or because of
    what stands on it, once two runs in a row have found it: one run's fluke is not said. `once` judges a
    single frame as `assistant describe` does (describe-now on a new view).
    Thread contract: one thread (the objects channel's, the loop thread), like the classifier it uses."""

    def __init__(self, classifier: Labeller | None, rules: Rules = RULES) -> None:
        self.classifier, self.rules = classifier, rules
        self.run: float | None = None
        self.labels: list[Detection] = []
        self.looked: dict[Box, Sequence[Detection]] = {}  # the last run's looks
        self.looks: dict[Box, Sequence[Detection]] = {}  # this run's
        self.before: list[Detection] = []  # what the run before this one judged said
        self.now: list[Detection] = []

    def _look(self, frame: np.ndarray, box: Box) -> Sequence[Detection]:
        assert self.classifier is not None  # no look is asked for without one
        if box not in self.looks:
            again = next((seen for seen in self.looked if iou(seen, box) >= SAME_BOX), None)
            self.looks[box] = self.looked[again] if again is not None else second_look(self.classifier, frame, box)
        return self.looks[box]

    def live(self, found: Sequence[Detection], hits: Mapping[str, Sequence[Hit]], frame: np.ndarray,
             run: float) -> list[Detection]:
        """`found` (merged from `hits`, the slow sources' of the run at `run`, with this frame's faces) as it
        may be announced."""
        if run != self.run:
            self.run, self.before, self.looked, self.looks = run, self.now, self.looks, {}
            self.labels = list(self.classifier.detect(frame, 10)) if self.classifier is not None else []
        look = self._look if self.classifier is not None else None
        judged = judge(found, below_levels(hits, found), self.labels, frame, look, self.rules, LIVE_LOOKS)
        self.now = [d for d in judged if d.category != Category.PERSON.value]
        return [d for d in judged if d.sure and (self._plain(d) or self._seen_before(d))]

    def _plain(self, d: Detection) -> bool:
        """Sure by the detectors alone (a person, a thing from `Rules.sure`, what COCO has no class for)."""
        return d.category == Category.PERSON.value or d.coco is None or d.score >= self.rules.sure

    def _seen_before(self, d: Detection) -> bool:
        return d.box is not None and any(b.coco == d.coco and b.box is not None and _overlap(d.box, b.box)
                                         for b in self.before)

    def once(self, frame: np.ndarray, found: Sequence[Detection], hits: Mapping[str, Sequence[Hit]]
             ) -> list[Detection]:
        """`found` (merged from `hits`, every source's on `frame`) judged as `assistant describe` judges a photo."""
        classifier = self.classifier
        labels = list(classifier.detect(frame, 10)) if classifier is not None else []
        look = (lambda f, b: second_look(classifier, f, b)) if classifier is not None else None
        return judge(found, below_levels(hits, found), labels, frame, look, self.rules)

    def reset(self) -> None:
        self.run, self.labels, self.looked, self.looks, self.before, self.now = None, [], {}, {}, [], []


def _overlap(a: Box, b: Box) -> bool:
    """The same thing seen in two runs: boxes overlapping by a third, or one's centre in the other."""
    return iou(a, b) >= 1 / 3 or centre_in(a, b) or centre_in(b, a)
