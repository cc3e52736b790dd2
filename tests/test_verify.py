"""What is said at all, and how (issue 30): the rules of `vision.verify` on scripted detections and looks, the
live check's once-a-run looks and two-run persistence, and the real pipeline on COCO captions dev photos
scored with CHAIR against what five people wrote about each."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest
from harness import Pixels, kept

from assistant.announce.describe import describe_found
from assistant.vision import verify
from assistant.vision.detection import Box, Detection
from assistant.vision.things import COCO_THINGS

FRAME = np.zeros((480, 640, 3), np.uint8)


def thing(coco: str, score: float, box: Box, source: str = "coco") -> Detection:
    t = COCO_THINGS[coco]
    return Detection(t.spoken, score, t.category.value, box, source, t.coco)


def label(name: str, score: float) -> Detection:
    return Detection(name, score)


def looking(*labels: Detection) -> verify.Look:
    def look(frame: np.ndarray, box: Box) -> Sequence[Detection]:
        return labels
    return look


def said(found: Sequence[Detection], below: Sequence[Detection] = (), labels: Sequence[Detection] = (),
         look: verify.Look | None = None) -> list[tuple[str, bool]]:
    return [(d.name, d.sure) for d in verify.judge(found, below, labels, FRAME, look)]


BIG = (100.0, 100.0, 400.0, 400.0)  # 29% of the frame
SMALL = (10.0, 10.0, 40.0, 40.0)  # 0.3%


def test_a_sure_hit_is_said_plainly_without_a_second_look():
    looked = []
    found = said([thing("dog", 0.6, SMALL)], look=lambda f, b: looked.append(b) or [])
    assert found == [("dog", True)] and looked == []


def test_an_unsure_thing_is_said_plainly_when_the_crop_agrees_and_not_at_all_when_it_names_another():
    weak = [thing("potted plant", 0.3, BIG)]
    assert said(weak, look=looking(label("pot", 0.8))) == [("plant", True)]
    assert said(weak, look=looking(label("dog", 0.97))) == []  # the plant is a dog's fur
    assert said(weak, look=looking(label("wall clock", 0.3))) == [("plant", False)]  # big: "probably"
    assert said([thing("potted plant", 0.3, SMALL)], look=looking(label("wall clock", 0.3))) == []  # small: unsaid


def test_the_whole_photos_labels_confirm_a_weak_hit_and_bring_in_one_under_its_level():
    assert said([thing("laptop", 0.3, SMALL)], labels=[label("laptop", 0.6)]) == [("laptop", True)]
    assert said([], below=[thing("laptop", 0.25, BIG)], labels=[label("laptop", 0.6)]) == [("laptop", True)]
    assert said([], below=[thing("laptop", 0.25, BIG)], labels=[label("laptop", 0.2)]) == []  # under its level
    assert said([], below=[thing("laptop", 0.25, BIG)], look=looking(label("laptop", 0.9))) == [("laptop", True)]


def test_a_small_weak_person_is_not_said_nor_a_face_within_a_dog():
    coat = Detection("person", 0.25, "person", SMALL, "coco", "person")
    assert said([coat]) == []
    assert said([Detection("person", 0.25, "person", BIG, "coco", "person")]) == [("person", True)]
    dog_face = Detection("person", 0.7, "person", (200.0, 200.0, 250.0, 250.0), "face", "person")
    assert said([thing("dog", 0.7, BIG), dog_face]) == [("dog", True)]
    assert said([dog_face]) == [("person", True)]  # a face alone is a person


def test_a_table_under_the_dishes_is_said_and_alone_it_needs_more():
    table = thing("dining table", 0.45, (0.0, 200.0, 640.0, 480.0))  # under the table's level
    cup = thing("cup", 0.6, (300.0, 300.0, 340.0, 350.0))
    on_it = said([cup], below=[table], look=looking(label("wall", 0.9)))
    assert sorted(on_it) == [("cup", True), ("table", True)]
    assert said([], below=[table], look=looking(label("wall", 0.9))) == []
    assert said([thing("cup", 0.6, (0.0, 0.0, 40.0, 50.0))], below=[table], look=looking(label("wall", 0.9))) == [
        ("cup", True)]  # a cup beside it


def test_one_pizza_is_one_three_laptops_are_laptops_and_two_people_are_two():
    pizza = thing("pizza", 0.6, BIG)
    slice_ = thing("pizza", 0.5, (150.0, 150.0, 300.0, 300.0))
    assert said([pizza, slice_]) == [("pizza", True)]
    laptops = [thing("laptop", 0.7, (0.0, 0.0, 200.0, 150.0)), thing("laptop", 0.6, (0.0, 160.0, 200.0, 310.0)),
               thing("tv", 0.55, (10.0, 170.0, 190.0, 240.0))]  # the second laptop's screen
    assert said(laptops) == [("laptop", True), ("laptop", True)]
    front = Detection("person", 0.9, "person", (100.0, 100.0, 300.0, 480.0), "coco", "person")
    behind = Detection("person", 0.8, "person", (150.0, 150.0, 280.0, 400.0), "coco", "person")
    assert said([front, behind]) == [("person", True), ("person", True)]


def test_one_thing_is_said_by_the_name_the_classifier_gives_it():
    """A panda the SSD took for a dog (0.5) and CenterNet for a bear (0.28, under the dog in the merge): the
    whole photo's "giant panda" names the bear; the dog is not said (issue 30's phantom dog)."""
    dog = thing("dog", 0.5, BIG, "ssd")
    bear = thing("bear", 0.28, (105.0, 100.0, 405.0, 400.0))
    labels = [label("giant panda", 0.92), label("brown bear", 0.04)]
    assert said([dog], below=[bear], labels=labels) == [("bear", True)]
    off = verify.judge([dog], [bear], labels, FRAME, None, verify.Rules(one_name=False))
    assert [d.name for d in off] == ["dog", "bear"]
    assert said([dog], labels=[label("dog", 0.9)]) == [("dog", True)]  # named by the classifier: kept
    assert said([dog, thing("cat", 0.6, (0.0, 0.0, 50.0, 50.0))], labels=labels) == [("cat", True), ("dog", True)]


def test_the_second_look_costs_a_few_crops_however_many_things_are_unsure():
    looked = []
    weak = [thing("bottle", 0.25, (i * 30.0, 10.0, i * 30.0 + 20.0, 60.0)) for i in range(20)]
    verify.judge(weak, [], [], FRAME, lambda f, b: looked.append(b) or [])
    assert len(looked) == verify.MAX_LOOKS


def test_the_crop_is_square_around_the_box_inside_the_frame():
    frame = np.zeros((480, 640, 3), np.uint8)
    assert verify.crop(frame, (300.0, 200.0, 340.0, 240.0)).shape[:2] == (55, 55)  # 40 x 1.2 / 0.875
    edge = verify.crop(frame, (0.0, 0.0, 10.0, 10.0))
    assert edge.shape[:2] == (verify.MIN_CROP, verify.MIN_CROP)
    assert verify.crop(frame, (0.0, 0.0, 640.0, 480.0)).shape[:2] == (480, 640)


def test_unsure_things_are_said_as_probably():
    found = said([thing("potted plant", 0.3, BIG)], look=looking(label("wall clock", 0.3)))
    assert found == [("plant", False)]
    plant = verify.judge([thing("potted plant", 0.3, BIG)], [], [], FRAME, looking(label("wall clock", 0.3)))
    assert describe_found(plant, 640) == "Probably a plant ahead."
    assert describe_found([thing("dog", 0.8, BIG), *plant], 640) == "A dog and probably a plant ahead."


class Classifier:
    """The classifier as the live check sees it: scripted labels for the whole view and for a crop, each
    call counted."""

    def __init__(self, view: Sequence[Detection], crop: Sequence[Detection] = ()) -> None:
        self.view, self.crop, self.views, self.crops = list(view), list(crop), 0, 0

    def detect(self, image: np.ndarray, top_k: int = 10) -> list[Detection]:
        if image.shape == FRAME.shape:
            self.views += 1
            return self.view
        self.crops += 1
        return self.crop


def test_live_looks_once_a_run_and_says_a_thing_sure_only_by_agreement_after_two_runs():
    classifier = Classifier([label("wall", 0.5)], [label("laptop", 0.9)])
    check = verify.LiveCheck(classifier)
    weak = [thing("laptop", 0.3, SMALL)]
    sure = [thing("dog", 0.8, BIG)]
    assert check.live(weak + sure, {}, FRAME, run=1.0) == sure  # the laptop: one run is not enough
    for _ in range(5):  # the same run's hits on the frames that follow: nothing looked at again
        assert check.live(weak + sure, {}, FRAME, run=1.0) == sure
    assert (classifier.views, classifier.crops) == (1, 1)
    assert [d.name for d in check.live(weak + sure, {}, FRAME, run=2.0)] == ["dog", "laptop"]
    assert (classifier.views, classifier.crops) == (2, 1)  # the laptop's box was looked at in the last run
    moved = [thing("laptop", 0.3, (300.0, 300.0, 330.0, 330.0))]
    assert check.live(moved, {}, FRAME, run=3.0) == [] and classifier.crops == 2  # elsewhere: looked at, new
    check.reset()
    assert check.live(weak, {}, FRAME, run=4.0) == []


def test_live_never_announces_a_probably_thing_but_describe_now_says_it():
    check = verify.LiveCheck(Classifier([label("wall clock", 0.3)]))
    plant = [thing("potted plant", 0.3, BIG)]
    for run in (1.0, 2.0, 3.0):
        assert check.live(plant, {}, FRAME, run=run) == []
    assert [(d.name, d.sure) for d in check.once(FRAME, plant, {})] == [("plant", False)]


def test_the_rules_are_off_when_set_so():
    """The benchmark's rows turn rules off one by one: an infinite level turns its rule off."""
    off = verify.Rules(agree=math.inf, full=math.inf, veto=math.inf, table=math.inf, person_floor=0.0)
    weak = [thing("potted plant", 0.3, BIG)]
    assert [(d.name, d.sure) for d in verify.judge(weak, [], [], FRAME, looking(label("dog", 1.0)), off)] == [
        ("plant", False)]


@pytest.fixture(scope="module")
def replayed():
    """The live models (`app.Models`) with the detectors' sources and the classifier each run once for each
    picture they are shown, by its pixels, and replayed after: a photo's frames in the live run (copies of
    it), its crops, the run with the rules off, and describe, in this module's tests, of the same photos get
    the answers the models gave that picture (they give the same answer to the same pixels)."""
    from assistant import app
    from assistant.config import Config

    models = app.Models(Config())
    detector = models.detector
    assert detector is not None
    pixels = Pixels()
    for source in detector.sources.values():
        source.hits = kept(source.hits, pixels)  # type: ignore[method-assign]
    models.classifier.detect = kept(models.classifier.detect, pixels)  # type: ignore[method-assign]
    return models


@pytest.fixture(scope="module")
def captions_photos(dev_dir):
    from assistant.bench import chair

    folder = dev_dir / "coco-captions-dev"
    vocab = chair.vocabulary(folder / "synonyms.txt", chair.assistant_words())
    return folder, vocab, chair.load(folder, vocab)[::2]  # 78 of the 156 photos


def test_describe_says_only_what_is_there_on_coco_photos(captions_photos, replayed):
    """The real pipeline (`app.Still`, the channels' describe answer: detectors, classifier, second looks) on
    half the COCO captions dev photos, scored with CHAIR against five people's captions, beside what describe
    said before issue 30 (the merged detector's answer and every label it did not name). Measured on these 78:
    before 0.746 / 0.130 / 0.269 (names what people say, CHAIR-i, CHAIR-s; 2.47 things a photo), now 0.732 /
    0.035 / 0.051 (1.83); a person 0.77 / 0.03 / 0.05 (on all 156; on the other 78, now 0.717 / 0.052 /
    0.090). The models answer once a photo (`replayed`): both answers are made of the same sightings."""
    from dataclasses import replace

    from assistant import app
    from assistant.bench import chair
    from assistant.bench.describe import things_said
    from assistant.capture.images import read_image
    from assistant.config import Config
    from assistant.vision.ocr import TextResult

    folder, vocab, photos = captions_photos
    config = Config()

    class NoText:
        def read(self, image: np.ndarray) -> TextResult:
            return TextResult([], [], 0.0)

    given = app.Models(config, still=True, classifier=replayed.classifier, document_reader=NoText(),
                       detector=replayed.detector)
    before = app.Still(config, given, replace(verify.RULES, judged=False, unnamed_labels=False, text_noise=False))
    now = app.Still(config, given)
    then_scores, now_scores = chair.Scores(), chair.Scores()
    for photo in photos:
        image = read_image(folder / photo.file)
        for scores, still in ((then_scores, before), (now_scores, now)):
            named = vocab.things(things_said(still.describe(image)))
            scores.add(named, photo.said_by(photo.captions), set(photo.boxes).union(*photo.captions))
    assert then_scores.chair_i > 0.10 and then_scores.chair_s > 0.2, then_scores.row()  # what the issue found
    assert now_scores.chair_i <= 0.05 and now_scores.chair_s <= 0.08, now_scores.row()
    assert now_scores.recall >= then_scores.recall - 0.03, (then_scores.row(), now_scores.row())
    assert now_scores.per_description < then_scores.per_description


def test_chair_reads_counts_and_keeps_other_things_apart(dev_dir):
    """The benchmark's reading of a description: counts said and whether they are within reason of the
    boxes; a classifier's name for something else beside a COCO thing (a street sign) is not that thing."""
    from assistant.bench import chair

    vocab = chair.vocabulary(dev_dir / "coco-captions-dev" / "synonyms.txt", chair.assistant_words())
    said = ("Three people: one on the left, two ahead. A table and two chairs ahead, probably a plant. "
            "About fifteen people. 13 books on the left. Broccoli. A pair of skis.")
    assert vocab.counts(said) == [("person", 3, False), ("dining table", 1, False), ("chair", 2, False),
                                  ("potted plant", 1, False), ("person", 15, True), ("book", 13, False)]
    assert vocab.things("A street sign on a pole.") == set() and vocab.things("A stop sign.") == {"stop sign"}
    assert chair.count_error(1, False, [0.2]) == 0 and chair.count_error(2, False, [0.2]) == 1
    assert chair.count_error(1, False, [0.2, 0.1]) == -1 and chair.count_error(1, False, [0.2, 0.001]) == 0
    assert chair.count_error(15, True, [0.01] * 13) == 0 and chair.count_error(17, False, [0.001] * 5) == 1


def test_live_says_the_people_then_the_five_most_salient_kinds_as_describe_now_does(dev_dir, clock):
    """Issue 30.5: a desk with six kinds of thing on it (COCO val 516916: desk, chairs, laptops, TVs, keyboard,
    a phone). Live says five, in describe-now's order; the sixth is tracked, so it is not said as new on the
    next steps, nor as gone when the view goes."""
    from dataclasses import replace

    import cv2

    from assistant.app import Models, channel_context
    from assistant.channels.objects import ObjectsChannel
    from assistant.config import Config

    photo = cv2.imread(str(dev_dir / "coco-captions-dev" / "val2017_000000516916.jpg"))
    config = replace(Config(), announce=replace(Config().announce, say_gone=True))
    channel = ObjectsChannel(channel_context(config, Models(config), clock=clock))
    said = []
    for _ in range(10):
        said += [s.text for s in channel.step(photo.copy(), clock.now)]
        clock.advance(0.2)
    kinds = sorted({t.name for t in channel.tracker.tracks})
    assert len(kinds) == 6 and "phone" in kinds, kinds  # all six are there to say
    assert said == ["A desk, ahead.", "Two chairs, on the left.", "Two laptops, on the left and on the right.",
                    "Two TVs, on the left and ahead.", "A keyboard, ahead."], said
    described = channel.describe(photo, clock.now)  # the same five kinds, grouped by place
    assert all(w in described for w in ("desk", "chairs", "laptops", "TVs", "keyboard")), described
    assert "phone" not in described, described
    dark = np.zeros_like(photo)
    gone = []
    for _ in range(30):  # 6 s without a view: everything has gone, the phone unsaid
        gone += [s.text for s in channel.step(dark, clock.now)]
        clock.advance(0.2)
    assert len(gone) >= 8 and not any("phone" in g for g in gone), gone  # one a thing said


def test_live_on_a_run_of_photos_names_only_what_describe_would(captions_photos, replayed, live_loop, clock):
    """Issue 30.2 without a video: 26 of the dev photos one after another before the live loop's fake camera
    (4 s each, two runs of the detectors), as a camera cut from one view to the next. What live announces of
    each is what describe says of it (`vision.verify`: one rule set), and as rarely a phantom (a COCO thing in
    neither the photo's boxes nor its captions). With the rules off (what issue 30 heard), live names
    phantoms: the measure can fail. The models answer once a photo (`replayed`: its frames are the same
    pixels), which both runs and describe replay."""
    from dataclasses import replace

    from assistant import app
    from assistant.bench.chair import Scores
    from assistant.bench.describe import things_said
    from assistant.capture.images import read_image
    from assistant.config import Config

    folder, vocab, photos = captions_photos
    config = Config()
    models = replayed
    still = app.Still(config, models)
    off = replace(verify.RULES, judged=False, unnamed_labels=False)

    shown = photos[::3]

    def announced(rules: verify.Rules) -> list[set[str]]:
        loop = live_loop(models, config, fps=5.0, rules=rules, settle=True)
        live_named = []
        for photo in shown:
            since = clock.now
            loop.show(read_image(folder / photo.file), 4.0)
            live_named.append(vocab.things(" ".join(loop.words("label", since=since))))
        loop.close()
        return live_named

    described = [vocab.things(things_said(still.describe(read_image(folder / photo.file)))) for photo in shown]
    scores = Scores()
    for photo, named, said in zip(shown, announced(verify.RULES), described, strict=True):
        assert named <= said, (photo.file, named, said)
        scores.add(named, photo.said_by(photo.captions), set(photo.boxes).union(*photo.captions))
    assert scores.named >= 20 and scores.chair_i <= 0.05 and scores.chair_s <= 0.08, scores.row()
    unjudged = Scores()
    for photo, named in zip(shown, announced(off), strict=True):
        unjudged.add(named, photo.said_by(photo.captions), set(photo.boxes).union(*photo.captions))
    assert unjudged.phantoms > scores.phantoms, (unjudged.row(), scores.row())
