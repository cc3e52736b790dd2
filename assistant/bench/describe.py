"""`assistant bench describe [--json] [FOLDER]`: what `assistant describe` says of everyday photos, against
what five people wrote about each (COCO Captions; `../shared/data/coco-captions-dev` by default), scored
with CHAIR (`bench.chair`): names what people say, CHAIR-i, CHAIR-s, things named a photo; a person (each
caption against the other four) beside it. Then the counts right and the text said.

- The things named are those of the objects and labels parts: the text read, a code's contents, a colour
  ("Mostly orange.") and the light are not claims that a thing is there.
- Counts right (`chair.count_right`): of the things said with a count, the share within reason of the
  photo's boxes of that class (things not in the boxes are left to CHAIR).
- Text: each line the OCR read is judged real text when it holds an English word of four letters or more
  (the word list `vision.textnoise` reads) or two digits in a row, else a fragment (noise). The rule that
  decides what is said is looser (three letters, names made like words), so the judge does not simply
  repeat it. Reported: the share of fragments said, of photos with a fragment said, of real lines said.

Each row adds one rule of `vision.verify` (or of `still`) to the one above it, so the table says what each
bought. The models run once a photo; every row replays their answers (a crop's second look too).
Cross-validated: the levels of `verify.Rules` chosen on half the photos (the most said of what people say
with CHAIR-i <= 0.05 and CHAIR-s <= 0.08), judged on the other half, both ways, five shuffles, pooled.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant import still
from assistant.announce.announcer import ranked_by_name
from assistant.announce.describe import describe_found, unsaid_labels
from assistant.announce.phrasing import labels_part, nothing, text_part
from assistant.bench import chair
from assistant.bench.timing import table
from assistant.capture.images import read_image
from assistant.config import AnnounceConfig, Config
from assistant.paths import dev_data_dir
from assistant.vision import scene, textnoise, verify

OFF = math.inf
TARGETS = {"names_what_people_say": 0.78, "chair_i": 0.05, "chair_s": 0.08}
REAL_WORD = 4  # letters of an English word that make a line real text for the judge
DIGITS = re.compile(r"\d{2,}")


def _digest(image: np.ndarray) -> tuple[bytes, tuple[int, ...]]:
    return hashlib.blake2b(image.tobytes(), digest_size=16).digest(), image.shape


class Replayed:
    """A model's answers kept per input within a run: the first call runs it, the others replay."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.kept: dict[tuple[Any, ...], Any] = {}
        self.runs = 0

    def once(self, name: str, image: np.ndarray, *args: Any) -> Any:
        key = (name, _digest(image), args)
        if key not in self.kept:
            self.runs += 1
            self.kept[key] = getattr(self.model, name)(image, *args)
        return self.kept[key]

    def forget(self) -> None:
        self.kept.clear()


class ReplayedDetector(Replayed):
    @property
    def vocabulary(self) -> set[str]:
        return set(self.model.vocabulary)

    def look(self, image: np.ndarray) -> Any:
        return self.once("look", image)

    def coco_hits(self, image: np.ndarray) -> Any:
        return self.once("coco_hits", image)

    def ssd_hits(self, image: np.ndarray) -> Any:
        return self.once("ssd_hits", image)


class ReplayedClassifier(Replayed):
    def detect(self, image: np.ndarray, top_k: int = 10) -> Any:
        return self.once("detect", image, top_k)


class Counted:
    """The classifier as a description uses it, counting the crops it is shown (every call but the one on
    the whole photo): the second looks."""

    def __init__(self, inner: ReplayedClassifier) -> None:
        self.inner, self.calls, self.photos = inner, 0, 0

    def detect(self, image: np.ndarray, top_k: int = 10) -> Any:
        self.calls += 1
        return self.inner.detect(image, top_k)

    @property
    def looks(self) -> float:
        return (self.calls - self.photos) / max(1, self.photos)


class ReplayedReader(Replayed):
    def read(self, image: np.ndarray) -> Any:
        return self.once("read", image)


@dataclass(frozen=True)
class Row:
    """One way of describing: its name and what it says of a photo."""

    name: str
    describe: Callable[[np.ndarray], still.Answer]


def before(senses: still.Senses, a: AnnounceConfig) -> Callable[[np.ndarray], still.Answer]:
    """What `assistant describe` said before issue 30: the merged detector's answer as it is (at the levels
    of `objects.csv` now, fitted at 2%: 0.710 / 0.124 / 0.263 at the 1% ones), the labels of whatever it
    did not name, the text as read."""
    def describe(image: np.ndarray) -> still.Answer:
        measures = scene.measure(image)
        seen, _faces = senses.detector.look(image)
        labels = unsaid_labels(ranked_by_name(senses.classifier.detect(image, 10)), seen)
        objects = describe_found(seen, float(image.shape[1]), a.positions) if measures.trustworthy else ""
        said = labels_part(labels, a.enter_score, a.sure_score) if measures.trustworthy else ""
        said = "" if objects and said == nothing() else said
        lines = senses.reader.read(image).spoken_lines
        return still.Answer(objects, said, text_part(lines), measures.light_words, list(seen), [], lines,
                            measures.trustworthy)
    return describe


def _describer(senses: still.Senses, a: AnnounceConfig) -> Callable[[np.ndarray], still.Answer]:
    return lambda image: still.describe(image, senses, a)


def steps() -> list[tuple[str, verify.Rules | None, bool]]:
    """(name, rules, second look) of each row after "before", each adding one rule to the one above."""
    r = verify.RULES
    plain = replace(r, agree=OFF, full=OFF, veto=OFF, person_floor=0.0, table=OFF, one_count=False)
    whole = replace(plain, full=r.full)
    look = replace(whole, agree=r.agree, veto=r.veto)
    people = replace(look, person_floor=r.person_floor)
    tables = replace(people, table=r.table)
    return [("+ labels only for what the detector cannot name; text noise left out", None, False),
            (f"+ plain from {r.sure:g}; unsure: 'probably' from {r.big:.0%} of the photo, else unsaid", plain,
             False),
            (f"+ the whole photo's classifier agrees ({r.full:g})", whole, False),
            (f"+ a second look at the crop (agrees {r.agree:g}, vetoes {r.veto:g})", look, True),
            (f"+ small people under {r.person_floor:g} unsaid", people, True),
            ("+ a table under a cup, a plate, a laptop", tables, True),
            ("+ one thing, one count (= describe now)", r, True)]


@dataclass
class Tally:
    """The figures of one row, summed over photos."""

    chair: chair.Scores
    counted: int = 0
    counted_right: int = 0
    counted_high: int = 0
    noise: int = 0
    noise_said: int = 0
    photos_noise_said: int = 0
    real: int = 0
    real_said: int = 0

    def figures(self) -> dict[str, float]:
        ratio = lambda a, b: round(a / b, 3) if b else math.nan  # noqa: E731
        return {**self.chair.row(), "counts_right": ratio(self.counted_right, self.counted),
                "counts_too_high": ratio(self.counted_high, self.counted),
                "text_noise_said": ratio(self.noise_said, self.noise),
                "photos_with_noise_said": ratio(self.photos_noise_said, self.chair.descriptions),
                "real_text_said": ratio(self.real_said, self.real)}


def is_real_text(line: str) -> bool:
    """The judge's real text: an English word of `REAL_WORD` letters or more, or two digits in a row."""
    words = textnoise.word_list("en")
    if DIGITS.search(line):
        return True
    return words is not None and any(len(w) >= REAL_WORD and words.has(w.lower())
                                     for w in textnoise.LETTERS.findall(line))


def score_answer(tally: Tally, photo: chair.Photo, boxes: dict[str, list[float]], answer: still.Answer,
                 read: Sequence[str], vocab: chair.Vocabulary) -> None:
    things = " ".join(p for p in (answer.objects, answer.labels_said) if p)
    tally.chair.add(vocab.things(things), photo.said_by(photo.captions), set(photo.boxes).union(*photo.captions))
    for cls, n, about in vocab.counts(answer.objects):
        if cls in boxes:
            error = chair.count_error(n, about, boxes[cls])
            tally.counted += 1
            tally.counted_right += error == 0
            tally.counted_high += error > 0
    said = set(answer.lines)
    real = {line for line in read if is_real_text(line)}
    noise_said = [line for line in read if line not in real and line in said]
    tally.noise += len(read) - len(real)
    tally.noise_said += len(noise_said)
    tally.photos_noise_said += bool(noise_said)
    tally.real += len(real)
    tally.real_said += len(real & said)


def box_shares(folder: Path) -> dict[str, dict[str, list[float]]]:
    """file -> COCO class -> each box's share of the photo."""
    out: dict[str, dict[str, list[float]]] = {}
    for line in (folder / "gt.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        area = max(1.0, float(row["width"]) * float(row["height"]))
        shares = out.setdefault(row["file"], {})
        for o in row["objects"]:
            x0, y0, x1, y1 = o["box"]
            shares.setdefault(o["name"], []).append((x1 - x0) * (y1 - y0) / area)
    return out


def grid() -> list[verify.Rules]:
    """The levels tried when cross-validating (the shipped ones among them)."""
    r = verify.RULES
    return [replace(r, sure=s, agree=ag, veto=v, big=b) for s in (0.35, 0.4, 0.45) for ag in (0.5, 0.7)
            for v in (0.5, 0.7) for b in (0.05, 0.1)]


def cross_validate(photos: Sequence[chair.Photo], named: dict[int, dict[str, set[str]]], repeats: int = 5
                   ) -> chair.Scores:
    """`named`: for each rule set of `grid()` (by index), file -> classes named. Chosen on one half, judged
    on the other (see the module's docstring)."""
    def scores(k: int, part: Sequence[chair.Photo]) -> chair.Scores:
        return chair.description_scores(part, named[k])[0]

    pooled = chair.Scores()
    for repeat in range(repeats):
        order = list(photos)
        random.Random(repeat).shuffle(order)
        for half in (order[::2], order[1::2]):
            train = [p for p in order if p not in half]
            fit = [k for k in named if scores(k, train).chair_i <= TARGETS["chair_i"]
                   and scores(k, train).chair_s <= TARGETS["chair_s"]] or list(named)
            best = max(fit, key=lambda k: scores(k, train).recall)
            for p in half:
                pooled.add(named[best][p.file], p.said_by(p.captions), set(p.boxes).union(*p.captions))
    return pooled


def run(args: argparse.Namespace, config: Config) -> int:
    from assistant import app
    from assistant.vision.classifier import Classifier

    folder = Path(getattr(args, "folder", None) or dev_data_dir() / "coco-captions-dev")
    if not (folder / "captions.jsonl").exists():
        print(f"No captions set at {folder} (captions.jsonl, gt.jsonl, synonyms.txt); this benchmark needs one.")
        return 1
    detector = app.load_detector(config)
    if detector is None:
        print("The people-and-objects detector is not built: run `assistant models build`.")
        return 1
    vocab = chair.vocabulary(folder / "synonyms.txt", chair.assistant_words())
    photos = chair.load(folder, vocab)[: args.frames or None]
    boxes = box_shares(folder)
    classifier = ReplayedClassifier(Classifier(config.vision.model, config.vision.threads))
    senses = still.Senses(classifier, ReplayedReader(app.document_reader(config)), ReplayedDetector(detector))
    a = config.announce
    counted = Counted(classifier)
    rows = [Row("before (issue 30)", before(senses, a))]
    for name, rules, look in steps():
        variant = replace(senses, rules=rules, second_look=look, classifier=counted if rules is verify.RULES
                          else classifier)
        rows.append(Row(name, _describer(variant, a)))
    tallies = [Tally(chair.Scores()) for _ in rows]
    rule_sets = grid()
    named: dict[int, dict[str, set[str]]] = {k: {} for k in range(len(rule_sets))}
    for photo in photos:
        image = read_image(folder / photo.file)
        read = senses.reader.read(image).spoken_lines
        counted.photos += 1
        for row, tally in zip(rows, tallies):
            score_answer(tally, photo, boxes.get(photo.file, {}), row.describe(image), read, vocab)
        for k, rules in enumerate(rule_sets):
            answer = still.describe(image, replace(senses, rules=rules), a)
            named[k][photo.file] = vocab.things(f"{answer.objects} {answer.labels_said}")
        for model in (senses.classifier, senses.reader, senses.detector):
            model.forget()  # one photo at a time: what is kept is that photo's
    report(photos, rows, tallies, cross_validate(photos, named), counted.looks, folder, args)
    return 0


def report(photos: Sequence[chair.Photo], rows: Sequence[Row], tallies: Sequence[Tally], crossed: chair.Scores,
           looks: float, folder: Path, args: argparse.Namespace) -> None:
    person = chair.person_scores(photos).row()
    figures = [t.figures() for t in tallies]
    if getattr(args, "json", False):
        print(json.dumps({"folder": str(folder), "photos": len(photos), "person": person,
                          "rows": [{"answer": r.name, **f} for r, f in zip(rows, figures)],
                          "cross_validated": crossed.row(), "second_looks_per_photo": round(looks, 2),
                          "targets": TARGETS}))
        return
    keys = ["names_what_people_say", "chair_i", "chair_s", "things_named", "counts_right", "counts_too_high",
            "text_noise_said", "photos_with_noise_said", "real_text_said"]
    print(f"Describe against five people's captions: {len(photos)} photos of {folder.name} (CHAIR, Rohrbach "
          "et al. 2018); each row adds one rule to the row above")
    out = [["a person (each caption against the other four)", *(person[k] for k in keys[:4]), "", "", "", "", ""]]
    out += [[r.name, *(f[k] for k in keys)] for r, f in zip(rows, figures)]
    out.append(["cross-validated (levels chosen on half, judged on the other)", *(crossed.row()[k] for k in keys[:4]),
                "", "", "", "", ""])
    out.append(["target", ">= 0.78", "<= 0.05", "<= 0.08", "", "", "", "", "", ""])
    print(table(["answer", "names what people say", "CHAIR-i", "CHAIR-s", "things named", "counts right",
                 "counts too high", "text noise said", "photos with noise said", "real text said"], out))
    print(f"\nSecond looks (the classifier on a box's crop, about 10 ms each): {looks:.1f} a photo.")
