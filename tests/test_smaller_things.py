"""Smaller things a new user hit (issue 28.7): a code that can never be read, a Wi-Fi code's password, what a
code is for `codes` and `find code`, `read --wav`, text not read twice after a mode change, describe in the
dark, `classify`'s names, a set-up without warnings that look like failures, `say` without a sound card, and a
second clone's launcher. Real models, real photos and real codes; only the clock and the sound card are faked."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from codes_helper import ean13, paste, qr
from skimage import data

from assistant.announce.codewords import UNREADABLE, code_words, password_words, spelled
from assistant.app import channel_context
from assistant.channels.codes import FORGET, GIVE_UP, CodesChannel
from assistant.channels.text import TextChannel
from assistant.cli import main
from assistant.common import Earcon, Kind
from assistant.config import Config
from assistant.vision.codes import CodeFinder

ROOT = Path(__file__).resolve().parents[1]
EAN = "4006381333931"
WIFI = "WIFI:S:Home Net;T:WPA;P:Pa5 w!;;"


def photo(name: str) -> np.ndarray:
    return cv2.resize(cv2.cvtColor(getattr(data, name)(), cv2.COLOR_RGB2BGR), (640, 480))


def sign(text: str, background: int = 255, ink: int = 0) -> np.ndarray:
    """`text` drawn large with a real font (DejaVu Sans), BGR."""
    from PIL import Image, ImageDraw, ImageFont

    page = Image.new("RGB", (800, 400), (background,) * 3)
    ImageDraw.Draw(page).text((60, 150), text, fill=(ink,) * 3, font=ImageFont.truetype("DejaVuSans.ttf", 60))
    return cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR)


@pytest.fixture(scope="module")
def models():
    from assistant.app import load_models

    return load_models(Config())


# --- codes --------------------------------------------------------------------------------------------------
def steps(channel: CodesChannel, frame: np.ndarray, start: float, seconds: float) -> tuple[list, float]:
    """The channel stepped on `frame` 8 times a second (codes mode's rate) from `start`: (time, Say)s, the end."""
    said, n = [], int(round(seconds * 8))
    for i in range(n):
        now = round(start + i / 8, 3)
        said += [(now, say) for say in channel.step(frame, now)]
    return said, round(start + n / 8, 3)


def test_codes_mode_says_once_that_a_code_cannot_be_read_and_beeps_at_it_no_more(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    channel = CodesChannel(channel_context(Config()))
    far, nothing = paste(photo("coffee"), ean13(EAN), 0.3), photo("coffee")
    seen = CodeFinder().find(far)
    assert not seen.codes and seen.unread and not CodeFinder().find(nothing).sightings  # a code never read
    said, now = steps(channel, far, 0.0, 15.0)
    beeps = [t for t, say in said if say.earcon is Earcon.CODE_BEEP]
    told = [t for t, say in said if say.text == UNREADABLE]
    assert len(told) == 1 and GIVE_UP <= told[0] < GIVE_UP + 0.25, said
    assert len(beeps) >= 4 and max(beeps) < told[0]  # beeps until then; none in the ten seconds after
    # It leaves the view for longer than FORGET and comes back: beeped at again.
    said, now = steps(channel, nothing, now, FORGET + 1)
    assert said == []
    said, now = steps(channel, far, now, 2.0)
    assert [say.earcon for _, say in said][:1] == [Earcon.CODE_BEEP]
    # Given up on, then brought near enough to be read: it is read.
    said, now = steps(channel, far, now, GIVE_UP)
    assert [say.text for _, say in said if say.text] == [UNREADABLE]
    said, now = steps(channel, paste(photo("coffee"), ean13(EAN), 0.45), now, 1.0)
    assert [say.text for _, say in said] == ["EAN 13: 4 0 0 6, 3 8 1, 3 3 3, 9 3 1."]


def test_no_code_is_read_on_everyday_photos_that_have_none(imagenet_dev):
    """A check digit lets one misread in ten through: the closer look read a bell tower's slats as a UPC-A
    code and a lorry's grille as an EAN-8, until a second look had to read the same."""
    finder = CodeFinder()
    assert [(name, c.type, c.data) for image, _, name in imagenet_dev for c in finder.find(image).codes] == []


def test_codes_and_find_code_agree_on_what_a_code_is(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    frames = {"far": paste(photo("coffee"), ean13(EAN), 0.3), "qr": paste(photo("coffee"), qr("Table 12"), 0.3),
              "none": photo("coffee"), "barcode": paste(photo("astronaut"), ean13(EAN), 0.45)}
    paths = []
    for name, frame in frames.items():
        paths.append(str(tmp_path / f"{name}.png"))
        cv2.imwrite(paths[-1], frame)
    assert main(["find", "code", "--json", *paths]) == 0
    found = {Path(row["file"]).stem: row["found"] for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert main(["codes", *paths]) == 0
    said = {Path(path).stem: words for path, words in
            (line.split(": ", 1) for line in capsys.readouterr().out.splitlines())}
    assert {name: bool(f) for name, f in found.items()} == {"far": True, "qr": True, "none": False, "barcode": True}
    assert {name: words != "No code found." for name, words in said.items()} == {
        name: bool(f) for name, f in found.items()}
    assert said["far"] == "A code is in view but cannot be read."


# --- a Wi-Fi code's password --------------------------------------------------------------------------------
def test_a_wifi_code_is_announced_by_its_network_and_r_reads_its_password_spelled(tmp_path, monkeypatch, models):
    assert code_words("QR", WIFI, live=True) == "Wi-Fi network Home Net, WPA password: press R to hear it."
    assert code_words("QR", WIFI) == "Wi-Fi network Home Net, WPA password included."  # a photo: no R
    assert password_words(WIFI) == ("Password of the Wi-Fi network Home Net: capital P, A, 5, space, W, "
                                    "exclamation mark.")
    assert spelled("a\\b~ß") == "A, backslash, B, tilde, ß"
    assert password_words("WIFI:S:Cafe;T:nopass;;") is None and password_words("https://example.com") is None
    assert code_words("QR", "WIFI:S:Cafe;P:x;;", live=True) == "Wi-Fi network Cafe, password: press R to hear it."
    # In codes mode, the code in view is announced without its password; R says it.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    frame = paste(photo("coffee"), qr(WIFI), 0.4)
    assert [s.text for s in CodesChannel(channel_context(Config())).step(frame, 0.0)] == [
        "Wi-Fi network Home Net, WPA password: press R to hear it."]
    said = TextChannel(channel_context(Config(), models)).read_all(frame)
    assert [(s.text, s.kind) for s in said] == [(password_words(WIFI), Kind.SPEECH)]
    # Beside text, the password first, then the text.
    page = sign("Guest network")
    page[40:260, 560:780] = cv2.resize(cv2.cvtColor(qr(WIFI, module=3), cv2.COLOR_GRAY2BGR), (220, 220))
    said = TextChannel(channel_context(Config(), models)).read_all(page)
    assert said[0].text == password_words(WIFI) and said[1].kind is Kind.READ and "Guest" in said[1].text


# --- text not read twice ------------------------------------------------------------------------------------
def test_text_read_before_a_mode_change_or_by_r_is_not_read_again(models, clock):
    frame = sign("EMERGENCY EXIT")

    def run(channel: TextChannel, seconds: float) -> list[str]:
        said = []
        for _ in range(int(seconds * 2)):  # the OCR's two reads a second
            said += [s.text for s in channel.step(frame, clock.now)]
            clock.advance(0.5)
        return said

    channel = TextChannel(channel_context(Config(), models, clock=clock))
    assert run(channel, 2.0) == ["EMERGENCY EXIT"]
    channel.reset()  # to codes mode, for longer than a line takes to be read again (text_repeat_seconds)
    clock.advance(60)
    channel.reset()  # and back to scene and text, the sign still in view
    assert run(channel, 3.0) == []
    channel = TextChannel(channel_context(Config(), models, clock=clock))
    assert [s.kind for s in channel.read_all(frame)] == [Kind.READ]  # R read it
    assert run(channel, 3.0) == []


# --- read --wav ---------------------------------------------------------------------------------------------
def test_read_wav_says_what_was_read_into_the_file(tmp_path, capsys):
    import wave

    page, blank, wav = tmp_path / "sign.png", tmp_path / "blank.png", tmp_path / "read.wav"
    cv2.imwrite(str(page), sign("EMERGENCY EXIT"))
    cv2.imwrite(str(blank), np.full((200, 300, 3), 255, np.uint8))
    assert main(["read", "--wav", str(wav), str(page)]) == 0
    assert capsys.readouterr().out.strip() == "EMERGENCY EXIT"
    with wave.open(str(wav)) as w:
        audio = np.frombuffer(w.readframes(w.getnframes()), np.int16)
        seconds = w.getnframes() / w.getframerate()
    assert seconds > 0.5 and np.abs(audio).max() > 1000  # words, not silence
    assert main(["read", "--wav", str(wav), str(blank)]) == 0  # "No text found." is said into it too
    with wave.open(str(wav)) as w:
        assert w.getnframes() / w.getframerate() > 0.5


# --- classify -----------------------------------------------------------------------------------------------
def test_classify_names_each_class_by_its_own_name(dev_dir, capsys):
    from assistant.commands.vision import own_name
    from assistant.vision.classifier import Classifier, Label

    path = dev_dir / "imagenet-dev" / "n02123159_tiger_cat.JPEG"
    assert main(["classify", str(path)]) == 0
    names = [part.rsplit(" ", 1)[0] for part in capsys.readouterr().out.split(": ", 1)[1].strip().split(", ")]
    assert names[:2] == ["tiger cat", "tabby"] and len(set(names)) == 5, names  # not "cat" three times
    assert main(["classify", "--json", "--top", "2", str(path)]) == 0  # the JSON as it was
    labels = json.loads(capsys.readouterr().out)["labels"]
    assert [(lb["name"], lb["imagenet_name"]) for lb in labels] == [("cat", "tiger cat"), ("cat", "tabby")]
    classes = Classifier().labels
    twice = {c.imagenet_name for c in classes if sum(d.imagenet_name == c.imagenet_name for d in classes) > 1}
    assert twice == {"crane", "maillot"}  # ImageNet's own two names for two classes each
    crane = Label(134, "crane", "crane", 0.5, "animal")
    assert own_name(crane, twice) == "crane (class 134)" and own_name(Label(3, "shark", "tiger shark", 0.5, ""),
                                                                        twice) == "tiger shark"


# --- describe in the dark -----------------------------------------------------------------------------------
def test_describe_of_a_too_dark_photo_says_so_first(tmp_path, capsys):
    path = tmp_path / "dark.png"
    cv2.imwrite(str(path), sign("EMERGENCY EXIT", background=8, ink=70))  # mean luma 9: too dark
    assert main(["describe", str(path)]) == 0
    assert capsys.readouterr().out.strip() == "It is too dark to see. Text: EMERGENCY EXIT."


# --- set-up: the models build -------------------------------------------------------------------------------
def test_building_the_text_detector_prints_no_warning_and_makes_the_same_model(tmp_path):
    """The step of `assistant models build` that printed onnxruntime's shape-merge warning and the quantizer's
    "Axis 1 is out-of-range" (as the CLI sets logging up), into a private models folder."""
    import hashlib
    import os
    import subprocess
    import sys

    from assistant.vision.manifest import read_manifest

    script = ("import sys; from pathlib import Path; from assistant.cli import setup_logging; setup_logging(0, 0); "
              "from assistant.build import ocrdet; ocrdet.build_det_int8(Path(sys.argv[1]))")
    target = tmp_path / "ppocrv5-det-int8.onnx"
    done = subprocess.run([sys.executable, "-c", script, str(target)], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, ASSISTANT_MODELS_DIR=str(tmp_path)))
    assert done.returncode == 0, done.stderr
    assert "[W:onnxruntime" not in done.stderr and "out-of-range" not in done.stderr and "WARNING" not in done.stderr, \
        done.stderr
    assert hashlib.sha256(target.read_bytes()).hexdigest() == read_manifest()["models"]["ppocrv5-det-int8"]["sha256"]


# --- say without a sound card -------------------------------------------------------------------------------
def test_say_without_a_sound_card_says_that_nothing_was_played(tmp_path, monkeypatch, capsys):
    from assistant.speech.audio import SoundDeviceSink

    monkeypatch.setattr(SoundDeviceSink, "available", staticmethod(lambda: False))
    assert main(["say", "--voice-engine", "text", "Hello."]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "Hello."
    assert err.strip() == "No sound card: nothing was played; use --wav FILE to keep the audio."
    assert main(["say", "--voice-engine", "text", "Hello.", "--wav", str(tmp_path / "hello.wav")]) == 0
    assert "nothing was played" not in capsys.readouterr().err


# --- the launcher -------------------------------------------------------------------------------------------
LAUNCHER = ROOT / "scripts" / "install-launcher.sh"
MARKER = "# assistant launcher, written by scripts/install-launcher.sh"


def test_a_second_clone_keeps_the_launcher_of_the_first_unless_asked(tmp_path):
    import os
    import subprocess

    first = tmp_path / "first"
    (first / ".venv" / "bin").mkdir(parents=True)
    (first / ".venv" / "bin" / "assistant").write_text("#!/bin/sh\necho first\n")
    (first / ".venv" / "bin" / "assistant").chmod(0o755)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    launcher = bin_dir / "assistant"
    theirs = f'#!/bin/sh\n{MARKER}\nexec "{first}/.venv/bin/assistant" "$@"\n'
    launcher.write_text(theirs)

    def install(**env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(LAUNCHER), str(bin_dir)], capture_output=True, text=True, check=True,
                              env=dict(os.environ, **env))

    kept = install()
    assert launcher.read_text() == theirs  # not re-pointed to this checkout
    assert f"runs another checkout, {first}: it is kept" in kept.stdout and "ASSISTANT_LAUNCHER=replace" in kept.stdout
    replaced = install(ASSISTANT_LAUNCHER="replace")
    assert f'exec "{ROOT}/.venv/bin/assistant"' in launcher.read_text() and "is at" in replaced.stdout
    launcher.write_text(theirs.replace(str(first), str(tmp_path / "gone")))  # a checkout since deleted
    moved = install()
    assert "which is gone: it now runs this checkout" in moved.stdout and str(ROOT) in launcher.read_text()
