"""A stranger is never called by a taught person's name (issue 28.1, 28.8): a face followed from frame to
frame is looked at again when it changes or every few seconds, in the live loop (announcements and
describe-now) and in find; someone forgotten while in view is not named a moment later; and the looks stay
few. The real models on real faces-dev photos, each photo placed so that the face is where the one before
was (a cut, someone stepping in); only the camera and the clock are fakes. Every test writes into its own
data folder (XDG_DATA_HOME), never the user's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from assistant.app import load_models
from assistant.capture.images import read_image
from assistant.cli import main
from assistant.config import load
from assistant.keys import Action
from assistant.offline import no_network

TAUGHT, ANNA, STRANGER = "img1.jpg", "img11.jpg", "img16.jpg"  # person01 (twice, other days); person03
FPS = 5.0


pytestmark = pytest.mark.usefixtures("data_home")  # faces taught here are kept in a folder of its own


@pytest.fixture(scope="module")
def models() -> Any:
    with no_network():
        return load_models(load(None, {}))


def placed(models: Any, dev_dir: Path, name: str) -> np.ndarray:
    """The photo in a 640 x 480 frame with its face 180 px wide, centred at (320, 200): every photo's face
    is where the one before was."""
    photo = read_image(dev_dir / "faces-dev" / name)
    [face] = models.detector.faces(photo)
    x0, y0, x1, y1 = face.box
    s = 180 / (x1 - x0)
    move = np.float32([[s, 0, 320 - s * (x0 + x1) / 2], [0, s, 200 - s * (y0 + y1) / 2]])
    return cv2.warpAffine(photo, move, (640, 480), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)


@pytest.fixture(scope="module")
def frames(models, dev_dir) -> dict[str, np.ndarray]:
    return {name: placed(models, dev_dir, name) for name in (ANNA, STRANGER)}


def hand_held(seed: int = 28) -> Callable[[np.ndarray], np.ndarray]:
    """A hand-held camera's view of a frame: a pixel or two of shake, sensor noise."""
    shake = np.random.default_rng(seed)

    def seen(frame: np.ndarray) -> np.ndarray:
        dx, dy = shake.integers(-2, 3, 2)
        moved = np.roll(frame, (int(dy), int(dx)), axis=(0, 1)).astype(np.int16)
        return np.clip(moved + shake.normal(0, 2.0, moved.shape), 0, 255).astype(np.uint8)
    return seen


def teach_anna(dev_dir: Path) -> None:
    assert main(["faces", "add", "Anna", str(dev_dir / "faces-dev" / TAUGHT)]) == 0


@pytest.fixture
def loop(models, live_loop):
    """The live loop (every channel, as `assistant run` builds it) on a fake hand-held camera and clock, at
    `FPS` frames a second, what was said settled after each frame."""
    def make(say_gone: bool = True):
        config = load(None, {"announce": {"say_gone": say_gone}})
        return live_loop(models, config, fps=FPS, camera=hand_held(), settle=True)
    return make


def test_the_appearance_of_a_face_box_tells_another_face_from_the_same_one_moved(models, dev_dir):
    """faces-dev's photos with the face 100 px wide, and each again as a hand-held camera would see it a
    moment later (moved, zoomed, turned a little, lighter or darker, noisy): the same face is not a change
    (at most 1 frame in 72), another person's face in its place is (at least 98% of 450 pairs)."""
    import csv

    from assistant.vision.naming import APPEARANCE, appearance_change, thumbnail

    rng = np.random.default_rng(0)
    folder = dev_dir / "faces-dev"
    with open(folder / "identities.csv", newline="", encoding="utf-8") as fh:
        who = {row["file"]: row["person"] for row in csv.DictReader(fh)}
    faces = models.detector.faces

    def framed(photo: np.ndarray, box: tuple, width: float, dx: float = 0, dy: float = 0, turn: float = 0):
        x0, y0, x1, y1 = box
        move = cv2.getRotationMatrix2D(((x0 + x1) / 2, (y0 + y1) / 2), turn, width / (x1 - x0))
        move[:, 2] += [320 + dx - (x0 + x1) / 2, 220 + dy - (y0 + y1) / 2]
        frame = cv2.warpAffine(photo, move, (640, 480), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)
        [face] = faces(frame)
        return frame, face.box

    thumbs, same = {}, []
    for name in who:
        photo = read_image(folder / name)
        [face] = faces(photo)
        thumbs[name] = thumbnail(*framed(photo, face.box, 100))
        for _ in range(3):
            frame, box = framed(photo, face.box, 100 * rng.uniform(0.96, 1.04), *rng.uniform(-30, 30, 2),
                                rng.uniform(-3, 3))
            frame = np.clip(frame * rng.uniform(0.9, 1.1) + rng.normal(0, 3, frame.shape), 0, 255).astype(np.uint8)
            same.append(appearance_change(thumbs[name], thumbnail(frame, box)))
    other = [appearance_change(thumbs[a], thumbs[b]) for a in who for b in who if who[a] != who[b]]
    assert len(same) == 72 and sum(d > APPEARANCE for d in same) <= 1, sorted(same)[-3:]
    assert len(other) == 450 and np.mean(np.array(other) > APPEARANCE) >= 0.98


def test_a_stranger_taking_annas_place_is_announced_as_a_person_and_never_called_anna(dev_dir, frames, loop):
    """The issue's reproduction, shortened: Anna, then a stranger at the same place (the same person track),
    then describe."""
    teach_anna(dev_dir)
    live = loop()
    live.show(frames[ANNA], 4.0)
    swapped = live.now
    live.show(frames[STRANGER], 6.0)
    live.act(Action.DESCRIBE)
    # The stranger's photo also holds a woman out of focus on the left, a real person found since issue 30's
    # levels: she is announced too, so the stranger ahead is "another person".
    ahead = [text for text in live.words("label:person") if "left" not in text]
    assert ahead == ["Anna, ahead.", "Anna has gone.", "Another person, ahead."], live.said
    [described] = live.words("describe")
    assert "Anna" not in described and "people" in described.lower(), described
    assert [at for at, tag, text in live.said if text == "Another person, ahead."][0] - swapped <= 1.0  # at once


def test_anna_stepping_into_a_strangers_place_is_named(dev_dir, frames, loop):
    teach_anna(dev_dir)
    live = loop(say_gone=False)
    live.show(frames[STRANGER], 6.0)  # past the first few looks at a stranger
    live.show(frames[ANNA], 3.0)
    live.act(Action.DESCRIBE)
    ahead = [text for text in live.words("label:person") if "left" not in text]  # not the woman out of focus
    assert ahead == ["A person, ahead.", "Anna, ahead."], live.said
    assert live.words("describe")[0].startswith("Anna ahead."), live.said


def test_find_does_not_lead_to_the_stranger_who_took_annas_place(dev_dir, frames, loop):
    teach_anna(dev_dir)
    live = loop()
    live.act(Action.LOCATE, "anna")
    live.show(frames[ANNA], 3.0)
    assert len(live.ticks) >= 5  # led to her
    swapped = live.now
    live.show(frames[STRANGER], 6.0)
    led = [t for t in live.ticks if t > swapped]
    # The ticks go on for at most a second where she was last seen (`find.LOST`), then stop.
    assert not led or max(led) <= swapped + 1.2, led
    assert live.words("find:Anna", since=swapped) == ["Not in view."], live.said


def test_someone_forgotten_while_in_view_is_not_named_a_moment_later_nor_found(dev_dir, frames, loop):
    teach_anna(dev_dir)
    live = loop()
    live.act(Action.LOCATE, "anna")
    live.show(frames[ANNA], 3.0)
    live.act(Action.DESCRIBE)
    assert live.words("describe")[0].startswith("Anna ahead."), live.said
    assert main(["faces", "forget", "Anna"]) == 0  # as from another terminal while the assistant runs
    forgotten = live.now
    live.show(frames[ANNA], 3.0)
    live.act(Action.DESCRIBE)
    described = live.words("describe")[-1]
    assert "Anna" not in described and "person" in described.lower(), described
    assert not [t for t in live.ticks if t > forgotten + 3.0]  # find no longer leads to her
    live.show(frames[ANNA], 2.0)
    assert not [w for w in live.words("label:person", since=forgotten) if "Anna" in w], live.said


def test_a_person_who_stays_is_looked_at_again_every_few_seconds_not_on_every_frame(dev_dir, frames, loop, models,
                                                                                       monkeypatch):
    """Anna in view for 20 s at 5 frames a second (100 frames), found all along: each face descriptor run is
    counted, the objects channel's and find's."""
    teach_anna(dev_dir)
    live = loop()
    runs: list[float] = []
    describe = models.describer.describe
    monkeypatch.setattr(models.describer, "describe", lambda chip: runs.append(live.now) or describe(chip))
    live.act(Action.LOCATE, "anna")
    live.show(frames[ANNA], 20.0)
    assert len(live.ticks) >= 50  # found all along
    # Each of the two: a few first looks, then one every few seconds.
    assert 8 <= len(runs) <= 24, runs
    assert max(np.diff(runs)) <= 4.0, runs  # looked at again while she stays
    assert live.words("label:person") == ["Anna, ahead."], live.said
