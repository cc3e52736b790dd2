"""CHAIR (Rohrbach et al., EMNLP 2018, "Object Hallucination in Image Captioning"): which COCO things a
sentence names, and how a description compares with what five people wrote about the same photo.

A sentence's words are lower-cased, singularised and matched against CHAIR's synonym list (two-word names
first: "hot dog", "teddy bear", "stop sign"), with the assistant's own spoken names (`vision.things`: "TV",
"phone", "sofa", and the classifier's names for the same things) added for both sides. "baby" or "adult"
before an animal is that animal, not a person. Scores, summed over photos:
- names what people say: of the things at least two of the other captions name, the share it names;
- CHAIR-i: things named that are in neither the photo's boxes nor any caption (phantoms), over all named;
- CHAIR-s: descriptions with at least one phantom, over all descriptions.
A person is scored the same way, each caption against the other four (`person_scores`).

Counts (`Vocabulary.counts`, `count_right`): a thing said with a count ("a pizza", "two chairs", "About
fifteen people") is counted right when the count is within reason of the photo's boxes of that class: the
count lies between the boxes of at least `COUNTED_SHARE` of the photo and all of them, give or take
nothing up to three, one from four to twelve, and a fifth of it past that (a crowd said "about").
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

WORD = re.compile(r"[a-z]+")
IRREGULAR = {"people": "person", "men": "man", "women": "woman", "children": "child", "mice": "mouse",
             "knives": "knife", "geese": "goose", "teeth": "tooth", "feet": "foot", "oxen": "ox",
             "skis": "ski", "buses": "bus", "glasses": "glass", "benches": "bench", "sandwiches": "sandwich",
             "couches": "couch", "ladies": "lady", "puppies": "puppy", "babies": "baby", "kitties": "kitty",
             "police": "police", "scissors": "scissors", "series": "series", "species": "species",
             "dishes": "dish", "boxes": "box", "watches": "watch", "brushes": "brush", "toothbrushes": "toothbrush",
             "wolves": "wolf", "loaves": "loaf", "calves": "calf", "shelves": "shelf", "leaves": "leaf"}
NUMBERS = {w: i for i, w in enumerate(("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                                        "ten", "eleven", "twelve"))}
NUMBERS.update({"a": 1, "an": 1, "another": 1, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
                "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100})
COUNTED_SHARE = 0.005  # a box this share of the photo or more is one a person would count
ANIMALS = ("bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe")
NOT_PEOPLE = ("baby", "adult", "mother", "father")  # before an animal word: that animal


def singular(word: str) -> str:
    """A plural English noun in the singular (good enough for COCO's things: "benches", "knives", "buses")."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Vocabulary:
    """Words and two-word names (singular, lower case) -> the COCO class they name."""

    words: dict[str, str]
    pairs: dict[tuple[str, str], str]

    def things(self, sentence: str) -> set[str]:
        """The COCO classes a sentence names."""
        return {cls for cls, _start in self._named(sentence)}

    def _named(self, sentence: str) -> list[tuple[str, int]]:
        """Each COCO class named, with the index of the word its name starts at (words as `WORD` splits)."""
        tokens = [singular(w) for w in WORD.findall(sentence.lower())]
        found: list[tuple[str, int]] = []
        i = 0
        while i < len(tokens):
            pair = (tokens[i], tokens[i + 1]) if i + 1 < len(tokens) else None
            if pair is not None and pair in self.pairs:
                found.append((self.pairs[pair], i))
                i += 2
                continue
            if pair is not None and tokens[i] in NOT_PEOPLE and tokens[i + 1] in self.words \
                    and self.words[tokens[i + 1]] in ANIMALS:
                found.append((self.words[tokens[i + 1]], i))
                i += 2
                continue
            if tokens[i] in self.words:
                found.append((self.words[tokens[i]], i))
            i += 1
        return found

    def counts(self, sentence: str) -> list[tuple[str, int, bool]]:
        """(class, count, about) for each thing a sentence counts: "two chairs" (2), "a TV" (1), "13 books",
        "About fifteen people" (15, about). A name with no count before it ("broccoli", "a pair of skis")
        is not counted."""
        words = re.findall(r"[a-z]+|\d+", sentence.lower())
        letters = [w for w in words if not w.isdigit()]
        # `_named` indexes words of letters only: map each back to its place among all words.
        where = [i for i, w in enumerate(words) if not w.isdigit()]
        out = []
        for cls, start in self._named(" ".join(letters)):
            k = where[start] - 1
            if k < 0:
                continue
            before = words[k]
            n = int(before) if before.isdigit() else NUMBERS.get(before)
            if n is not None and n > 0:
                out.append((cls, n, k > 0 and words[k - 1] == "about"))
        return out


def vocabulary(synonyms: Path, extra: Iterable[tuple[str, str]] = ()) -> Vocabulary:
    """CHAIR's synonym list (one class a line, the class name first), with `extra` (word, COCO class) pairs."""
    words: dict[str, str] = {}
    pairs: dict[tuple[str, str], str] = {}

    def add(name: str, cls: str) -> None:
        parts = [singular(w) for w in WORD.findall(name.lower())]
        if len(parts) == 1:
            words.setdefault(parts[0], cls)
        elif len(parts) == 2:
            pairs.setdefault((parts[0], parts[1]), cls)

    for line in synonyms.read_text(encoding="utf-8").splitlines():
        names = [n.strip() for n in line.split(",") if n.strip()]
        if names:
            for name in names:
                add(name, names[0])
    for name, cls in extra:
        add(name, cls)
    return Vocabulary(words, pairs)


# The classifier's names that `objects.csv` lists with a COCO thing (not said again beside it) but that name
# another thing: a street sign is not a stop sign, a Dutch oven is a pot, a quilt lies on a bed, an iPod is
# not a phone. Counted as those COCO things, a person writing "street signs" would name a stop sign.
NOT_THE_THING = frozenset({"street sign", "Dutch oven", "quilt", "iPod"})


def assistant_words() -> list[tuple[str, str]]:
    """The assistant's own names for COCO things: spoken names, plurals and the classifier's names for them
    (less `NOT_THE_THING`)."""
    from assistant.vision.things import THINGS

    out = []
    for thing in THINGS:
        if thing.coco:
            out += [(thing.spoken, thing.coco), (thing.plural, thing.coco)]
            out += [(also, thing.coco) for also in thing.also if also not in NOT_THE_THING]
    return out


def count_error(said: int, about: bool, boxes: Sequence[float]) -> int:
    """How a count said compares with a class's boxes (`boxes`: each one's share of the photo): 0 when it
    is within reason (between the boxes a person would count, `COUNTED_SHARE` and up, and all of them, give
    or take nothing up to three, one from four to twelve, a fifth past that or when said "about"), 1 when
    it is too high, -1 too low."""
    low, high = sum(b >= COUNTED_SHARE for b in boxes), len(boxes)
    slack = 0 if said <= 3 and not about else 1 if said <= 12 and not about else max(1, round(said / 5))
    return 1 if said > high + slack else -1 if said < low - slack else 0


def count_right(said: int, about: bool, boxes: Sequence[float]) -> bool:
    """Whether a count said is within reason of a class's boxes (`count_error` 0)."""
    return bool(boxes) and count_error(said, about, boxes) == 0


@dataclass(frozen=True)
class Photo:
    """One photo: its file, the COCO classes in its boxes, and the classes each caption names."""

    file: str
    boxes: frozenset[str]
    captions: tuple[frozenset[str], ...]

    def said_by(self, others: Sequence[frozenset[str]], at_least: int = 2) -> set[str]:
        return {c for c in set().union(*others) if sum(c in o for o in others) >= at_least}


def load(folder: Path, vocab: Vocabulary | None = None) -> list[Photo]:
    """The photos of a captions set (`captions.jsonl`, `gt.jsonl`, `synonyms.txt`)."""
    vocab = vocab or vocabulary(folder / "synonyms.txt", assistant_words())
    boxes = {}
    for line in (folder / "gt.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        boxes[row["file"]] = frozenset(o["name"] for o in row["objects"])
    photos = []
    for line in (folder / "captions.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        caps = tuple(frozenset(vocab.things(c)) for c in row["captions"])
        photos.append(Photo(row["file"], boxes.get(row["file"], frozenset()), caps))
    return photos


@dataclass
class Scores:
    """Sums over descriptions; `recall`, `chair_i`, `chair_s`, `named` are the figures."""

    said_right: int = 0  # things people say that it named
    people_say: int = 0
    named: int = 0
    phantoms: int = 0
    with_phantom: int = 0
    descriptions: int = 0

    def add(self, named: set[str], people_say: set[str], real: set[str]) -> set[str]:
        """One description; its phantoms."""
        phantoms = named - real
        self.said_right += len(named & people_say)
        self.people_say += len(people_say)
        self.named += len(named)
        self.phantoms += len(phantoms)
        self.with_phantom += bool(phantoms)
        self.descriptions += 1
        return phantoms

    @property
    def recall(self) -> float:
        return self.said_right / self.people_say if self.people_say else math.nan

    @property
    def chair_i(self) -> float:
        return self.phantoms / self.named if self.named else 0.0

    @property
    def chair_s(self) -> float:
        return self.with_phantom / self.descriptions if self.descriptions else 0.0

    @property
    def per_description(self) -> float:
        return self.named / self.descriptions if self.descriptions else 0.0

    def row(self) -> dict[str, float]:
        return {"names_what_people_say": round(self.recall, 3), "chair_i": round(self.chair_i, 3),
                "chair_s": round(self.chair_s, 3), "things_named": round(self.per_description, 2)}


def person_scores(photos: Sequence[Photo]) -> Scores:
    """Each caption as a description, against the other four captions and the boxes."""
    scores = Scores()
    for photo in photos:
        for i, named in enumerate(photo.captions):
            others = photo.captions[:i] + photo.captions[i + 1:]
            scores.add(set(named), photo.said_by(others), set(photo.boxes).union(*others))
    return scores


def description_scores(photos: Sequence[Photo], named: dict[str, set[str]]) -> tuple[Scores, dict[str, set[str]]]:
    """The assistant's descriptions (file -> the COCO classes it named), against all five captions; and the
    phantoms of each photo that has any."""
    scores, phantoms = Scores(), {}
    for photo in photos:
        if photo.file not in named:
            continue
        wrong = scores.add(named[photo.file], photo.said_by(photo.captions), set(photo.boxes).union(*photo.captions))
        if wrong:
            phantoms[photo.file] = wrong
    return scores, phantoms
