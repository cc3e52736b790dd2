"""People and things: the merged detector (CenterNet, the SSD, BlazeFace) on the COCO dev photos, judged as a
listener would against the targets of issue 22, also with levels fitted without the photos they judge; the
merge rules on scripted hits; the names table; the JSON contract of `assistant detect`; positions; and the
tracker on scripted sightings."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from assistant.announce.positions import placed, where
from assistant.announce.tracker import ObjectTracker
from assistant.bench import cocodev
from assistant.cli import main
from assistant.vision import merge as M
from assistant.vision.detection import Detection
from assistant.vision.detectors import Detectors
from assistant.vision.things import COCO_THINGS, OID_THINGS, TABLE, THINGS, Part, load_things


@pytest.fixture(scope="module")
def detector() -> Detectors:
    return Detectors()


@pytest.fixture(scope="module")
def photos(coco_photos) -> list[cocodev.Photo]:
    """Each model run once on each of the 128 COCO dev photos (shared with test_find: conftest)."""
    return coco_photos


def meets_targets(s: cocodev.Score) -> bool:
    return (s.named >= 0.65 and s.named_not_people >= 0.50 and s.really_there >= 0.85 and s.person_found >= 0.85
            and s.person_right >= 0.90 and s.nearest_found >= 0.92 and s.parts_with_person == 0)


def test_the_merged_detector_meets_the_targets_on_the_dev_photos(photos):
    """In-sample, with the shipped levels: things named (>= 65%, >= 50% of those not people), named things
    really there (>= 85%), people found (>= 85%) and said right (>= 90%), the nearest person (>= 92%), no
    shoe or tie said with a person."""
    score = cocodev.judge(photos, cocodev.merged())
    assert meets_targets(score), score
    assert score.nearest_placed >= 0.90, score


def test_the_targets_hold_on_photos_the_levels_never_saw(photos):
    """Levels fitted on 7/8 of the photos judged on the other 8th, 8 folds x 5 shuffles: what held-out photos
    of the same kind should see. Measured: named 0.72 (0.65 without people), really there 0.89."""
    score = cocodev.cross_validate(photos)
    assert meets_targets(score), score


def test_merging_beats_each_model_alone(photos):
    alone = [cocodev.judge(photos, cocodev.merged(only={name})) for name in ("coco", "ssd", "face")]
    merged = cocodev.judge(photos, cocodev.merged())
    assert merged.named > max(a.named for a in alone)
    assert merged.nearest_found > max(a.nearest_found for a in alone) + 0.1  # faces and the SSD: close-ups


def test_the_shipped_levels_are_what_fitting_gives(photos):
    """The table is not stale: refitting on the dev photos moves at most two classes (a score can sit on a
    level's edge on another CPU's kernels)."""
    fitted = cocodev.fit_levels(photos)
    moved = [key for key, level in fitted.items()
             if (COCO_THINGS if key[0] == "coco" else OID_THINGS)[key[1]].level != level]
    assert len(moved) <= 2, moved


def test_the_table_says_what_people_say_and_is_checked(tmp_path):
    spoken = {c: COCO_THINGS[c].spoken for c in ("tv", "dining table", "cell phone", "couch", "potted plant",
                                                  "person", "refrigerator")}
    assert spoken == {"tv": "TV", "dining table": "table", "cell phone": "phone", "couch": "sofa",
                      "potted plant": "plant", "person": "person", "refrigerator": "fridge"}
    assert {t.plural for t in THINGS if t.spoken == "person"} == {"people"}
    assert {t.spoken for t in THINGS if t.part is Part.WORN} == {"tie", "shoe"}
    damaged = tmp_path / "objects.csv"
    rows = TABLE.read_text(encoding="utf-8").splitlines()
    damaged.write_text("\n".join(r.replace(",couch,", ",sofa,") if r.startswith("coco,couch") else r for r in rows))
    with pytest.raises(ValueError, match="the coco rows must be its classes"):
        load_things(damaged)
    damaged.write_text("\n".join(r.replace(",people,", ",persons,") if r.startswith("oid,Person") else r
                                 for r in rows))
    with pytest.raises(ValueError, match="'person' has two plurals"):
        load_things(damaged)


def hit(coco: str, score: float, box: tuple[float, float, float, float], source: str = "coco") -> M.Hit:
    return M.Hit(COCO_THINGS[coco], score, box, source)


def ssd(label: str, score: float, box: tuple[float, float, float, float]) -> M.Hit:
    return M.Hit(OID_THINGS[label], score, box, "ssd")


def test_one_thing_seen_by_two_models_or_as_two_classes_is_said_once():
    box = (100.0, 100.0, 300.0, 300.0)
    found = M.merge({"coco": [hit("dog", 0.5, box)], "ssd": [ssd("Cat", 0.8, (105.0, 98.0, 298.0, 305.0))]})
    assert [(d.name, d.coco, d.source) for d in found] == [("cat", "cat", "ssd")]
    found = M.merge({"coco": [hit("dining table", 0.6, box), hit("cup", 0.5, (150.0, 120.0, 200.0, 170.0))],
                     "ssd": [ssd("Desk", 0.4, box)]})
    assert sorted(d.name for d in found) == ["cup", "table"]  # the desk below its level; the cup on the table


def test_a_weak_hit_both_models_agree_on_is_said_and_alone_it_is_not():
    box = (10.0, 10.0, 200.0, 300.0)
    weak = hit("person", 0.22, box)
    assert M.merge({"coco": [weak]}) == []
    found = M.merge({"coco": [weak], "ssd": [ssd("Person", 0.25, (12.0, 15.0, 195.0, 290.0))]})
    assert [(d.name, d.source) for d in found] == [("person", "coco")]


def test_faces_stand_for_people_and_parts_of_people_are_not_said():
    body = (100.0, 50.0, 300.0, 470.0)
    face_in, face_out = (170.0, 60.0, 230.0, 120.0), (500.0, 50.0, 600.0, 150.0)
    held, left = (220.0, 250.0, 290.0, 330.0), (400.0, 400.0, 460.0, 470.0)
    found = M.merge({"coco": [hit("person", 0.8, body), hit("tie", 0.6, (185.0, 150.0, 215.0, 300.0)),
                              hit("handbag", 0.5, held), hit("handbag", 0.5, left)],
                     "ssd": [ssd("Footwear", 0.7, (120.0, 430.0, 180.0, 470.0))],
                     "face": [hit("person", 0.95, face_in, "face"), hit("person", 0.9, face_out, "face")]})
    people = [d for d in found if d.name == "person"]
    assert [(p.source, p.coco) for p in people] == [("face", "person"), ("coco", "person")]  # best first
    assert [d.box for d in found if d.name == "handbag"] == [left]  # the one no one holds
    assert not any(d.name in ("tie", "shoe") for d in found)
    alone = M.merge({"ssd": [ssd("Footwear", 0.7, (120.0, 430.0, 180.0, 470.0))]})
    assert [(d.name, d.coco) for d in alone] == [("shoe", None)]  # shoes on a shelf, nobody in view


def test_a_face_and_the_person_around_it_are_one_person_and_shoes_are_not_said_with_them(detector):
    from skimage import data

    astronaut = cv2.cvtColor(np.asarray(data.astronaut()), cv2.COLOR_RGB2BGR)
    found = detector.detect(astronaut)
    assert [d.name for d in found].count("person") == 1
    assert "shoe" not in [d.name for d in found]
    assert found[0].name == "person" and found[0].box[0] < 50 and found[0].box[2] > 300


def test_detect_json_contract(tmp_path, capsys, monkeypatch):
    from assistant.build.demo import scene_image

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # nobody taught (the user's faces are not read)
    path = tmp_path / "astronaut.png"
    cv2.imwrite(str(path), scene_image("astronaut"))
    assert main(["detect", "--json", str(path)]) == 0
    line = json.loads(capsys.readouterr().out)
    assert set(line) == {"file", "objects", "ms"} and line["file"] == str(path) and line["ms"] > 0
    person = next(o for o in line["objects"] if o["name"] == "person")
    assert list(person) == ["name", "coco", "score", "box", "where", "who", "face_distance"]
    assert person["where"] in ("left", "ahead", "right")
    assert person["coco"] == "person" and person["who"] is None and person["face_distance"] is None
    x0, y0, x1, y1 = person["box"]
    assert 0 <= x0 < x1 <= 640 and 0 <= y0 < y1 <= 480 and 0.2 <= person["score"] <= 1


def test_positions_by_thirds_and_by_the_clock():
    assert [where((x, 0, x + 10, 10), 300) for x in (10, 140, 280)] == ["left", "ahead", "right"]
    assert [where((x, 0, x + 2, 10), 500, "clock") for x in (0, 120, 249, 320, 498)] == [
        "10 o'clock", "11 o'clock", "12 o'clock", "1 o'clock", "2 o'clock"]
    assert [placed(w) for w in ("left", "ahead", "right", "1 o'clock")] == [
        "on the left", "ahead", "on the right", "at 1 o'clock"]


def person(x: float, source: str = "ssd") -> Detection:
    return Detection("person", 0.8, "person", (x, 100.0, x + 100.0, 400.0), source)


def test_tracker_needs_hits_in_time_keeps_a_person_who_stays_and_releases_one_who_left(clock):
    tracker = ObjectTracker(hits_needed=2, window=1.0, absent_seconds=2.0, clock=clock)
    born, gone = tracker.update([person(100)], 640)
    assert born == [] and gone == []
    clock.now = 0.9  # a second sighting within the window: real, at 1 frame per second as at 30
    born, _ = tracker.update([person(104)], 640)
    assert [t.name for t in born] == ["person"]
    for step in range(1, 20):  # stays, shaking a little: never born again
        clock.now = 0.9 + step * 0.1
        born, gone = tracker.update([person(100 + step % 3)], 640)
        assert born == [] and gone == []
    clock.now = 3.0
    tracker.update([person(102), person(500)], 640)
    clock.now = 3.2
    born, _ = tracker.update([person(101), person(505)], 640)
    assert len(born) == 1 and born[0].detection.box[0] == 505  # another person, on the right
    clock.now = 6.0
    born, gone = tracker.update([person(100)], 640)
    assert born == [] and [t.detection.box[0] for t in gone] == [505]


def test_tracker_takes_one_run_of_a_seldom_detector_as_real(clock):
    tracker = ObjectTracker(clock=clock, hits_by_source={"coco": 1})
    born, _ = tracker.update([person(100, "face")], 640)
    assert born == []
    born, _ = tracker.update([person(400, "coco")], 640)
    assert [t.detection.box[0] for t in born] == [400]


def test_live_a_person_arrives_another_joins_and_with_say_gone_their_leaving_is_said(detector, live_loop):
    """The objects channel in the live pipeline, on a fake clock at 10 frames per second: the astronaut comes
    into view, a second astronaut (mirrored, on the other side) joins, then both leave."""
    from dataclasses import replace

    from assistant.app import Models
    from assistant.build.demo import scene_image
    from assistant.config import Config
    from assistant.vision.classifier import Classifier
    from assistant.vision.ocr import RapidReader

    empty = np.full((480, 640, 3), 170, np.uint8)
    astronaut = scene_image("astronaut")
    one = empty.copy()
    one[:, :320] = cv2.resize(astronaut, (320, 480))
    two = one.copy()
    two[:, 320:] = cv2.resize(astronaut[:, ::-1], (320, 480))
    config = Config()
    config = replace(config, announce=replace(config.announce, say_gone=True, mode="scene"))
    models = Models(config, classifier=Classifier(), reader=RapidReader(), detector=detector)
    loop = live_loop(models, config)
    loop.step(empty)
    for frame, seconds in ((empty, 0.9), (one, 2.0), (two, 2.0), (empty, 4.0)):
        loop.show(frame, seconds)
    loop.close()
    people = [t for t in loop.texts() if "person" in t or "people" in t]
    assert people == ["A person, on the left.", "Another person, on the right.", "The person on the left has gone.",
                      "The person on the right has gone."], loop.said


def test_live_the_big_models_run_when_the_view_changes_and_now_and_then_when_it_does_not(clock, count_runs):
    """The objects channel at 5 steps a second on a fake clock, each step on a new frame as a camera gives
    them: a still view costs CenterNet and the SSD every 3 s and its things are said once; a new view is
    looked at on the next step; a view that never stops changing costs them at most once a second; the face
    detector runs once a step. Counted at the models' own sessions, whoever calls them."""

    from assistant.app import Models, channel_context
    from assistant.build.demo import scene_image
    from assistant.channels.objects import ObjectsChannel
    from assistant.config import Config

    detectors = Detectors()
    runs = count_runs(detectors)
    channel = ObjectsChannel(channel_context(Config(), Models(Config(), detector=detectors), clock=clock))
    coffee, chelsea = scene_image("coffee"), scene_image("chelsea")

    def show(frames: list[np.ndarray]) -> list[str]:
        said = []
        for frame in frames:
            said += [s.text for s in channel.step(frame.copy(), clock.now)]
            clock.advance(0.2)
        return said

    assert show([coffee] * 50) == ["A cup, ahead."]  # 10 s
    slow = [name for name in detectors.sources if name != "face"]  # CenterNet and the SSD, and any other
    assert runs == {**dict.fromkeys(slow, 4), "face": 50} == detectors.runs  # the slow ones at 0, 3, 6 and 9 s
    assert show([chelsea]) == ["A cat, ahead."] and runs == {**dict.fromkeys(slow, 5), "face": 51}
    assert "cup" not in channel.describe(chelsea, clock.now) and "A cat ahead." in channel.describe(chelsea, clock.now)
    before = runs.copy()
    show([coffee, chelsea] * 15)  # 6 s of a view that never settles
    assert all(runs[name] - before[name] <= 6 for name in slow) and runs == detectors.runs
