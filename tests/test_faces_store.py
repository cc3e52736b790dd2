"""The known-faces file under races and hostile files, and teaching that never gives a name to the wrong face
(issue 28, points 6 and 8): names in any case or Unicode form are one person; `faces add` run eight times
at once keeps all eight; `forget NAME --all` is refused; a linked `faces.json` and the temp files of a
killed save are forgotten with the rest and named by `check`; a thing's name warns; a different face does
not take a name over; and the live `learn` before a grid of faces learns the one face meant, or none.
Real models on the faces-dev photos; every test writes into its own data folder (XDG_DATA_HOME)."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import threading
import unicodedata
from pathlib import Path

import cv2
import numpy as np
import pytest

from assistant import i18n
from assistant.capture.images import read_image
from assistant.cli import main
from assistant.commands import check
from assistant.vision import facestore, targets
from assistant.vision.faceid import PROBABLY, SURE, FaceDescriber, align
from assistant.vision.faces import FaceDetector
from assistant.vision.people import KnownPeople, model_hash, names_a_thing, the_face

ANNA, ANNA_AGAIN = "img1.jpg", "img4.jpg"  # person01, two days
OTHERS = ("img16.jpg", "img13.jpg", "img20.jpg", "img24.jpg")  # persons 03, 02, 04, 06
STRANGER = OTHERS[0]


pytestmark = pytest.mark.usefixtures("data_home")  # faces taught here are kept in a folder of its own


def photo(dev_dir: Path, name: str) -> str:
    return str(dev_dir / "faces-dev" / name)


def descriptor(dev_dir: Path, name: str, face_detector: FaceDetector, face_describer: FaceDescriber) -> np.ndarray:
    image = read_image(photo(dev_dir, name))
    face = the_face(face_detector.detect(image))
    assert face is not None
    chip = align(image, face)
    assert chip is not None
    return face_describer.describe(chip)


def kept(data_home: Path) -> dict[str, int]:
    """Name -> number of descriptors in the known-faces file."""
    data = json.loads((data_home / facestore.FILE_NAME).read_text(encoding="utf-8"))
    return {p["name"]: len(p["descriptors"]) for p in data["people"]}


# --- names in any case or form ---------------------------------------------------------------------------
def test_a_name_in_any_case_or_unicode_form_is_one_person(dev_dir, data_home, capsys):
    assert main(["faces", "add", "Anna Lee", photo(dev_dir, ANNA)]) == 0
    assert main(["faces", "add", "ANNA LEE", photo(dev_dir, ANNA_AGAIN)]) == 0  # her again: one person, two looks
    assert kept(data_home) == {"Anna Lee": 2}
    assert capsys.readouterr().out.splitlines()[-1] == "Anna Lee is saved (1 photo)."  # said as first taught
    assert main(["faces", "forget", "anna lee"]) == 0 and capsys.readouterr().out == "Anna Lee is forgotten.\n"
    decomposed = unicodedata.normalize("NFD", "José")
    assert main(["faces", "add", decomposed, photo(dev_dir, ANNA)]) == 0
    assert kept(data_home) == {"José": 1}  # kept composed (NFC)
    assert main(["faces", "forget", "JOSÉ"]) == 0 and kept(data_home) == {}


def test_a_file_of_an_older_version_with_case_twins_and_a_decomposed_name_is_read_and_forgotten(
        dev_dir, data_home, face_detector, face_describer):
    look = [round(float(v), 6) for v in descriptor(dev_dir, ANNA, face_detector, face_describer)]
    data_home.mkdir(parents=True)
    people = [{"name": n, "descriptors": [look]} for n in ("Anna", "anna", unicodedata.normalize("NFD", "Zoé"))]
    (data_home / facestore.FILE_NAME).write_text(json.dumps(
        {"format": 1, "model_sha256": model_hash(), "people": people}), encoding="utf-8")
    known = KnownPeople(None)
    assert known.problem == "" and len(known.gallery.names) == 3
    assert known.forget("ANNA") == "Anna" and known.gallery.names == ("Zoé",)  # both spellings: one person
    assert known.forget("zoé") == "Zoé" and known.gallery.names == ()


# --- races --------------------------------------------------------------------------------------------
def test_eight_faces_add_at_once_keep_all_eight(dev_dir, data_home):
    """The issue's reproduction: before the lock, 8 at once lost 2-3 in 3 of 3 trials (here: 2 of 8)."""
    env = dict(os.environ, XDG_DATA_HOME=str(data_home.parent))
    runs = [subprocess.Popen([sys.executable, "-m", "assistant", "-q", "faces", "add", f"P{i}", photo(dev_dir, ANNA)],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(8)]
    outs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0] * 8, outs
    assert sorted(kept(data_home)) == [f"P{i}" for i in range(8)]


def test_a_change_waits_for_the_one_under_way(dev_dir, data_home, face_detector, face_describer, monkeypatch):
    """Deterministic: Ben's change reads the file while Anna's is about to be written. Without the lock Ben's
    write replaces the file with what he read, and Anna is gone though she was "saved"."""
    anna = descriptor(dev_dir, ANNA, face_detector, face_describer)[None]
    ben = descriptor(dev_dir, STRANGER, face_detector, face_describer)[None]
    real_read, real_write = facestore.read, facestore.write
    ben_read = threading.Event()

    def read(path):
        saved = real_read(path)
        if threading.current_thread().name == "ben":
            ben_read.set()
        return saved

    def write(path, saved):
        if threading.current_thread().name == "anna":
            ben_read.wait(1.0)  # Ben reads now, if nothing stops him
        real_write(path, saved)

    first, second = KnownPeople(None), KnownPeople(None)
    monkeypatch.setattr(facestore, "read", read)
    monkeypatch.setattr(facestore, "write", write)
    a = threading.Thread(target=first.teach, args=("Anna", anna), name="anna")
    b = threading.Thread(target=second.teach, args=("Ben", ben), name="ben")
    a.start()
    threading.Event().wait(0.2)
    b.start()
    a.join(10)
    b.join(10)
    assert kept(data_home) == {"Anna": 1, "Ben": 1}


def test_a_lock_held_too_long_is_one_sentence_and_changes_nothing(dev_dir, data_home, monkeypatch):
    data_home.mkdir(parents=True)
    monkeypatch.setattr(facestore, "LOCK_WAIT", 0.2)
    with open(data_home / facestore.LOCK_NAME, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(facestore.FacesFileError, match="being changed by another assistant"):
            KnownPeople(None).teach("Anna", np.zeros((1, facestore.SIZE), np.float32))
    assert not (data_home / facestore.FILE_NAME).exists()


# --- forgetting everyone -----------------------------------------------------------------------------------
def test_forget_a_name_and_all_at_once_is_refused(dev_dir, data_home, capsys):
    assert main(["faces", "add", "Anna", photo(dev_dir, ANNA)]) == 0
    assert main(["faces", "add", "Ben", photo(dev_dir, STRANGER)]) == 0
    capsys.readouterr()
    assert main(["faces", "forget", "Anna", "--all"]) == 2
    assert capsys.readouterr().err == "Either a name or --all, not both: nothing is forgotten.\n"
    assert kept(data_home) == {"Anna": 1, "Ben": 1}


def test_a_linked_file_is_changed_and_forgotten_where_it_leads(dev_dir, data_home, tmp_path, capsys):
    elsewhere = tmp_path / "synced" / "faces.json"
    elsewhere.parent.mkdir()
    data_home.mkdir(parents=True)
    link = data_home / facestore.FILE_NAME
    link.symlink_to(elsewhere)
    assert main(["faces", "add", "Anna", photo(dev_dir, ANNA)]) == 0
    assert main(["faces", "add", "Ben", photo(dev_dir, STRANGER)]) == 0
    assert link.is_symlink() and [p["name"] for p in json.loads(elsewhere.read_text())["people"]] == ["Anna", "Ben"]
    assert main(["faces", "forget", "ben"]) == 0  # forgotten where the descriptors are, not only from a new file
    assert link.is_symlink() and [p["name"] for p in json.loads(elsewhere.read_text())["people"]] == ["Anna"]
    capsys.readouterr()
    assert main(["faces", "forget", "--all"]) == 0
    assert f"{link} and {elsewhere}, where it led, are removed" in capsys.readouterr().out
    assert not os.path.lexists(link) and not elsewhere.exists()
    assert os.listdir(elsewhere.parent) == []


def test_a_link_to_a_file_that_is_not_known_faces_is_refused_whole(data_home, tmp_path, capsys):
    diary = tmp_path / "diary.txt"
    diary.write_text("not faces")
    data_home.mkdir(parents=True)
    link = data_home / facestore.FILE_NAME
    link.symlink_to(diary)
    assert main(["faces", "forget", "--all"]) == 1
    err = capsys.readouterr().err
    assert f"is a link to {diary}, which is not a known-faces file: nothing is removed" in err
    assert link.is_symlink() and diary.read_text() == "not faces"


KILLED = """
import os, signal, sys
from assistant.cli import main
assert main(["-q", "faces", "add", "Anna", sys.argv[1]]) == 0
os.replace = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)  # killed between the write and the rename
main(["-q", "faces", "add", "Ben", sys.argv[2]])
"""


def killed_save(dev_dir: Path, data_home: Path) -> list[Path]:
    """Anna saved, then a save of Ben killed before its rename: the temp files it left."""
    env = dict(os.environ, XDG_DATA_HOME=str(data_home.parent))
    done = subprocess.run([sys.executable, "-c", KILLED, photo(dev_dir, ANNA), photo(dev_dir, STRANGER)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    temps = sorted(data_home.glob(".faces-*.tmp"))
    assert len(temps) == 1 and [p["name"] for p in json.loads(temps[0].read_text())["people"]] == ["Anna", "Ben"]
    return temps


def test_a_killed_save_leaves_descriptors_that_check_names_and_forget_all_removes(dev_dir, data_home, capsys):
    [temp] = killed_save(dev_dir, data_home)
    results = list(check.check_faces())
    assert results[0].status == check.WARN and str(temp) in results[0].detail and results[0].fix == check.LEFTOVERS
    assert results[1].status == check.OK and "1 person taught" in results[1].detail
    assert main(["faces", "forget", "--all"]) == 0
    assert sorted(os.listdir(data_home)) == [facestore.LOCK_NAME]  # the lock file is empty
    assert [r.detail for r in check.check_faces()] == ["nobody taught"]


def test_the_next_save_removes_what_a_killed_one_left(dev_dir, data_home):
    killed_save(dev_dir, data_home)
    assert main(["faces", "add", "Cleo", photo(dev_dir, OTHERS[1])]) == 0
    assert kept(data_home) == {"Anna": 1, "Cleo": 1} and list(data_home.glob(".faces-*.tmp")) == []


# --- what a name already means -------------------------------------------------------------------------
def test_a_things_name_is_saved_with_a_warning(dev_dir, data_home, capsys):
    assert names_a_thing("cup") and names_a_thing("Person") and names_a_thing("mugs") and not names_a_thing("Anna")
    assert main(["faces", "add", "Cup", photo(dev_dir, ANNA)]) == 0
    out, err = capsys.readouterr()
    assert out == "Cup is saved (1 photo).\n"
    assert err == ("Cup is also what find calls a thing: find Cup looks for the thing, not for this person. Another "
                   "name keeps them apart.\n")
    assert main(["faces", "add", "Anna", photo(dev_dir, ANNA_AGAIN)]) == 0 and capsys.readouterr().err == ""


def test_a_thing_stays_findable_when_someone_is_taught_by_its_name():
    target = targets.resolve("cup", people=["Cup"])
    assert target is not None and target.kind is targets.Kind.THING and "cup" in target.coco


def test_find_names_a_person_as_the_known_faces_file_does():
    """Case and composed letters aside, as `faces forget` compares them: find Zoë typed decomposed finds her."""
    for typed in ("ZOË", unicodedata.normalize("NFD", "zoë")):
        target = targets.resolve(typed, people=["Zoë"])
        assert target is not None and target.kind is targets.Kind.PERSON and target.name == "Zoë"


def test_a_different_face_does_not_take_a_name_over_without_being_told(dev_dir, data_home, capsys):
    assert main(["faces", "add", "Anna", photo(dev_dir, ANNA)]) == 0
    before = (data_home / facestore.FILE_NAME).read_bytes()
    capsys.readouterr()
    assert main(["faces", "add", "anna", photo(dev_dir, STRANGER)]) == 1  # 0.96 from her: someone else
    assert capsys.readouterr().err == (
        "Anna is not saved: that name is taken by someone whose face differs from the one in these photos. If it "
        "is the same person, add --same-person; if not, choose another name.\n")
    assert (data_home / facestore.FILE_NAME).read_bytes() == before
    assert main(["faces", "add", "Anna", photo(dev_dir, ANNA_AGAIN)]) == 0  # her on another day: 0.37 away
    assert main(["faces", "add", "Anna", "--same-person", photo(dev_dir, STRANGER)]) == 0  # the user knows
    assert kept(data_home) == {"Anna": 3}


# --- the live learn -------------------------------------------------------------------------------------
def tile(dev_dir: Path, name: str, side: int, face_detector: FaceDetector) -> np.ndarray:
    """A square crop of the photo around its face (twice the face's box), `side` pixels wide."""
    image = read_image(photo(dev_dir, name))
    face = the_face(face_detector.detect(image))
    assert face is not None
    x0, y0, x1, y1 = face.box
    half = max(x1 - x0, y1 - y0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    pad = cv2.copyMakeBorder(image, *(int(half),) * 4, cv2.BORDER_CONSTANT, value=(128, 128, 128))
    crop = pad[int(cy):int(cy + 2 * half), int(cx):int(cx + 2 * half)]
    return cv2.resize(crop, (side, side), interpolation=cv2.INTER_AREA)


def canvas(tiles: list[tuple[np.ndarray, int, int]]) -> np.ndarray:
    """A 640 x 480 camera frame with the tiles at (x, y)."""
    frame = np.full((480, 640, 3), 128, np.uint8)
    for image, x, y in tiles:
        frame[y:y + image.shape[0], x:x + image.shape[1]] = image
    return frame


def lesson(channel, frame_at, name: str = "Anna", seconds: float = 6.0) -> list[str]:
    """`learn NAME` then steps at five frames a second; what the channel said."""
    from assistant.keys import Action

    now = 0.0
    said = [s.text for s in channel.request(Action.LEARN, name, frame_at(now), now)]
    while channel.lesson is not None and now < seconds:
        now += 0.2
        said += [s.text for s in channel.step(frame_at(now), now)]
    return said


@pytest.fixture
def channel(face_describer):
    from assistant.app import Models, channel_context
    from assistant.channels.faces import FacesChannel
    from assistant.config import Config
    from assistant.vision.detectors import Detectors

    models = Models(Config(), detector=Detectors(1, ("face",)), describer=face_describer)
    return FacesChannel(channel_context(Config(), models))


def test_learn_before_a_grid_of_faces_of_a_size_learns_nobody(dev_dir, data_home, channel, face_detector):
    grid = canvas([(tile(dev_dir, n, 240, face_detector), 80 + 240 * (i % 2), 240 * (i // 2))
                   for i, n in enumerate((ANNA, *OTHERS[:3]))])
    assert len(face_detector.detect(grid)) == 4
    said = lesson(channel, lambda now: grid)
    assert said == ["Several faces in view; which one is meant cannot be told. Have only that person in view, or "
                    "nearest the camera, then press N again."]
    assert not (data_home / facestore.FILE_NAME).exists()


def test_learn_before_a_grid_learns_the_face_clearly_the_largest(dev_dir, data_home, channel, face_detector,
                                                                  face_describer):
    small = [(tile(dev_dir, n, 120, face_detector), 420, 20 + 150 * i) for i, n in enumerate(OTHERS[:3])]
    frame = canvas([(tile(dev_dir, ANNA, 360, face_detector), 20, 60), *small])
    assert len(face_detector.detect(frame)) == 4
    said = lesson(channel, lambda now: frame)
    assert said == ["Learning Anna. Hold still.", "Anna is saved."]
    learned = KnownPeople(face_describer).gallery
    assert learned.names == ("Anna",)
    assert np.linalg.norm(learned.means[0] - descriptor(dev_dir, ANNA_AGAIN, face_detector, face_describer)) < SURE
    for other in OTHERS[:3]:
        assert np.linalg.norm(learned.means[0] - descriptor(dev_dir, other, face_detector, face_describer)) > PROBABLY


def test_someone_else_in_the_place_of_the_face_being_learned_is_never_mixed_in(dev_dir, data_home, channel,
                                                                                  face_detector):
    """She is clearly the largest when asked; then the grid changes and a stranger's face is where hers was,
    as large: his looks are not hers."""
    others = [(tile(dev_dir, n, 120, face_detector), 420, 20 + 150 * i) for i, n in enumerate(OTHERS[1:])]
    hers = canvas([(tile(dev_dir, ANNA, 360, face_detector), 20, 60), *others])
    his = canvas([(tile(dev_dir, STRANGER, 360, face_detector), 20, 60), *others])
    said = lesson(channel, lambda now: hers if now < 0.3 else his)
    assert said == ["Learning Anna. Hold still.", "The face was not seen well enough. Anna is not saved."]
    assert not (data_home / facestore.FILE_NAME).exists()


def test_learn_does_not_give_a_known_name_to_a_different_face(dev_dir, data_home, channel, face_detector, capsys):
    assert main(["faces", "add", "Anna", photo(dev_dir, ANNA)]) == 0
    before = (data_home / facestore.FILE_NAME).read_bytes()
    channel.people.load()
    stranger = canvas([(tile(dev_dir, STRANGER, 360, face_detector), 140, 60)])
    said = lesson(channel, lambda now: stranger, "anna")
    assert said == ["Learning anna. Hold still.", "The name Anna is taken by someone whose face differs from this one: "
                    "nothing is saved. Teach this person under another name."]
    assert (data_home / facestore.FILE_NAME).read_bytes() == before
    her = canvas([(tile(dev_dir, ANNA_AGAIN, 360, face_detector), 140, 60)])
    said = lesson(channel, lambda now: her.copy(), "ANNA")  # a camera's frames are new arrays
    assert said[-1] == "Anna is saved." and kept(data_home) == {"Anna": 2}


# --- in the user's language -------------------------------------------------------------------------------
FACES_RUNS = (["faces", "forget", "Anna", "--all"], ["faces", "forget"], ["faces", "forget", "Nobody"],
              ["faces", "list"], ["faces", "add", " ", "PHOTO"], ["faces", "add", "Bo", "TWO", "NOBODY"],
              ["faces", "add", "Anna", "STRANGER"], ["faces", "add", "Cup", "ANNA"], ["faces", "forget", "cup"],
              ["faces", "forget", "--all"], ["faces", "forget", "--all"])


def said_by(runs, language: str, files: dict[str, str], capsys) -> list[str]:
    said = []
    for argv in runs:
        main(["--language", language, *(files.get(a, a) for a in argv)])
        said.append(capsys.readouterr())
    i18n.use("en")
    return [text for out in said for text in (out.out, out.err)]


@pytest.mark.parametrize("language", ("fr", "de", "es"))
def test_faces_says_its_own_words_in_the_users_language(language, dev_dir, data_home, tmp_path, capsys):
    from assistant.build import catalogs

    catalogs.compile_all()
    two = tmp_path / "two.png"
    a = read_image(photo(dev_dir, "img13.jpg"))
    cv2.imwrite(str(two), np.hstack([a, a[:, ::-1]]))
    files = {"PHOTO": photo(dev_dir, ANNA), "ANNA": photo(dev_dir, ANNA), "STRANGER": photo(dev_dir, STRANGER),
             "TWO": str(two), "NOBODY": str(dev_dir / "coco-dev" / "train2017_000000000009.jpg")}
    assert main(["faces", "add", "Anna", files["ANNA"]]) == 0
    english = said_by(FACES_RUNS, "en", files, capsys)
    assert main(["faces", "add", "Anna", files["ANNA"]]) == 0
    capsys.readouterr()
    i18n.missing.clear()
    theirs = said_by(FACES_RUNS, language, files, capsys)
    assert i18n.missing == set(), sorted(i18n.missing)
    same = [(a, b) for a, b in zip(english, theirs) if a and a == b]
    assert same == [], same
    assert sum(bool(t) for t in english) >= len(FACES_RUNS)
