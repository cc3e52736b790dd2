"""End to end: the live assistant on the demo clip and on image folders, with the real models and the real
neural voice, a fake sound card (RecordingSink) and fake cameras. The offline guard is on throughout."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from assistant.capture.sources import FolderSource, Grabber, VideoFileSource
from assistant.cli import main
from assistant.config import Config
from assistant.demo import clip_path, scene_image
from assistant.live import LiveAssistant
from assistant.offline import no_network
from assistant.speech.audio import RecordingSink
from assistant.speech.queue import Priority, Speech
from assistant.speech.synth import PiperSynth
from assistant.vision.classifier import Classifier
from assistant.vision.ocr import RapidReader

LONG = ("This is a long piece of speech that goes on for a while, so that there is something to cut off. "
        "It has several sentences. Each one takes a second or two to say. Nobody will hear the end of it.")


@pytest.fixture(scope="module")
def models():
    with no_network():
        return Classifier(), RapidReader(reuse=True), PiperSynth()


def make_live(models, source, fps, **speech_kwargs):
    classifier, reader, synth = models
    stop = threading.Event()
    sink = RecordingSink()
    said: list[tuple[float, str, str]] = []
    speech = Speech(synth, sink, on_start=lambda u: said.append((time.monotonic(), u.kind, u.text)),
                    **speech_kwargs)
    grabber = Grabber(source, fps, stop, reopen_seconds=0.3)
    live = LiveAssistant(Config(), grabber, speech, classifier, reader, stop)
    grabber.on_event = live.on_grabber_event
    assert grabber.start()
    return live, speech, sink, said, stop


@pytest.fixture(scope="module")
def demo_run(models):
    """The whole demo clip (20 s), in real time."""
    with no_network():
        reader = models[1]
        reader.cache = type(reader.cache)()
        live, speech, sink, said, stop = make_live(models, VideoFileSource(clip_path()), fps=10.0)
        live.run(max_seconds=60)
        speech.wait_idle(30)
        speech.close()
    return live, said


def test_each_object_in_the_clip_is_announced_once(demo_run):
    live, said = demo_run
    labels = [text for _, kind, text in said if kind.startswith("label")]
    assert labels.count("A cat.") == 1 and labels.count("Espresso.") == 1
    assert sum("moped" in text for text in labels) == 1
    assert all("cat" not in text for text in labels if text != "A cat.")


def test_the_page_is_read_once(demo_run):
    live, said = demo_run
    texts = [text for _, kind, text in said if kind == "text"]
    assert len(texts) >= 1
    joined = "\n".join(texts)
    assert joined.count("Region-based segmentation") == 1
    assert "markers of the coins" in joined and "Press R to read all." in joined
    assert live.grabber.stats.grabbed == 200


def test_describe_now_cuts_off_what_was_playing(models, tmp_path):
    for i in range(40):
        cv2.imwrite(str(tmp_path / f"{i:03d}.jpg"), scene_image("coffee"))
    live, speech, sink, said, stop = make_live(models, FolderSource(tmp_path), fps=10.0)
    runner = threading.Thread(target=live.run, kwargs={"max_seconds": 8})
    runner.start()
    try:
        deadline = time.monotonic() + 6
        while not any(t == "Espresso." for _, _, t in said) and time.monotonic() < deadline:
            time.sleep(0.02)
        speech.say(LONG, Priority.NEXT)
        while not any(t == LONG for _, _, t in said) and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.5)
        pressed = time.monotonic()
        live.command(" ")
        while not any(k == "describe" for _, k, _ in said) and time.monotonic() < pressed + 3:
            time.sleep(0.01)
        describe = next(text for _, kind, text in said if kind == "describe")
        assert describe.startswith("Espresso.")
        first_sound = None
        while first_sound is None and time.monotonic() < pressed + 3:
            first_sound = sink.first_sound_after(pressed + 0.03)
            time.sleep(0.01)
        assert first_sound is not None and first_sound - pressed < 1.0
    finally:
        stop.set()
        runner.join(5)
        speech.close()
    assert [t for _, _, t in said].index(LONG) < [k for _, k, _ in said].index("describe")
    assert sink.seconds_played() < 15


class FlakyCamera:
    """A webcam that gives frames, then is unplugged for a while, then comes back (the hardware edge)."""

    name = "fake camera"
    paced = True
    finished = False

    def __init__(self, frame: np.ndarray, good: int, lost_seconds: float) -> None:
        self.frame, self.good, self.lost_seconds = frame, good, lost_seconds
        self.reads = 0
        self.lost_at: float | None = None

    def open(self) -> bool:
        return self.lost_at is None or time.monotonic() - self.lost_at >= self.lost_seconds

    def read(self) -> np.ndarray | None:
        self.reads += 1
        if self.reads == self.good:
            self.lost_at = time.monotonic()
        if self.lost_at is not None and time.monotonic() - self.lost_at < self.lost_seconds:
            return None
        return self.frame.copy()

    def close(self) -> None:
        return None


def test_a_lost_camera_is_reported_once_and_its_return_too(models):
    camera = FlakyCamera(scene_image("chelsea"), good=15, lost_seconds=1.0)
    live, speech, sink, said, stop = make_live(models, camera, fps=10.0)
    live.run(max_seconds=4.5)
    speech.wait_idle(10)
    speech.close()
    texts = [t for _, _, t in said]
    assert texts.count("Camera lost. Trying to reconnect.") == 1
    assert texts.count("Camera is back.") == 1
    assert texts.index("Camera lost. Trying to reconnect.") < texts.index("Camera is back.")
    assert [e for _, e in live.events if e.startswith("camera")] == ["camera-lost", "camera-back"]


def test_keys_change_mode_rate_and_say_help(models, tmp_path):
    cv2.imwrite(str(tmp_path / "000.jpg"), scene_image("coffee"))
    live, speech, sink, said, stop = make_live(models, FolderSource(tmp_path), fps=10.0)
    try:
        live.command("m")
        assert live.mode == "scene"
        speech.wait_idle(20)
        rate = speech.rate
        live.command("+")
        assert speech.rate > rate
        speech.wait_idle(20)
        live.command("h")
        speech.wait_idle(30)
        texts = [t for _, _, t in said]
        assert texts[:2] == ["[mode tone]", "Scene mode."] and "Faster." in texts
        assert texts[-1].startswith("Keys: space, describe now.")
        live.command("q")
        assert stop.is_set() and live.interrupted
    finally:
        stop.set()
        speech.close()


def test_ctrl_c_ends_cleanly_in_under_a_second(tmp_path):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "demo", "--engine", "text"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        assert line.startswith("Ready.")
        time.sleep(2.0)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=5)
        assert time.monotonic() - sent < 1.0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "Traceback" not in proc.stderr.read()


def test_describe_command_on_still_images(tmp_path, capsys):
    paths = []
    for name in ("coffee", "page", "dark"):
        path = tmp_path / f"{name}.png"
        cv2.imwrite(str(path), scene_image(name))
        paths.append(path)
    assert main(["describe", *map(str, paths)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{paths[0]}: Espresso."
    assert "Text: Region-based segmentation." in lines[1]
    assert lines[2].endswith("It is dark.")


def test_demo_needs_the_clip(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ASSISTANT_MODELS_DIR", str(tmp_path))
    assert main(["demo"]) == 1
    assert "assistant models build" in capsys.readouterr().err
    assert Path(tmp_path).exists()


def test_commands_come_one_per_line_when_stdin_is_not_a_terminal():
    import io

    from assistant.app import KeyReader

    got: list[str] = []
    reader = KeyReader(got.append, threading.Event(), io.StringIO("m\n\nread\nq\n"))
    reader.start()
    reader.thread.join(2)
    assert got == ["m", " ", "read", "q"]


def test_preview_without_a_display_stays_off(monkeypatch, caplog):
    from assistant.app import Preview

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    preview = Preview(lambda key: None)
    preview(np.zeros((48, 64, 3), np.uint8))
    assert not preview.on and "No display for the preview window" in caplog.text


def test_the_clip_on_a_fake_clock_announces_each_thing_once_and_a_corrupt_frame_is_survived(models):
    """No threads: the clip's frames are fed in order at their own (fake) times, classifier at 10 per second
    and OCR at 2 per second as in the live loop, so the decisions are the same on any machine."""
    from assistant.speech.synth import TextSynth

    classifier, _, _ = models
    now = [0.0]
    stop = threading.Event()
    said: list[tuple[str, str]] = []
    speech = Speech(TextSynth(), RecordingSink(), on_start=lambda u: said.append((u.kind, u.text)))
    live = LiveAssistant(Config(), Grabber(VideoFileSource(clip_path()), 10.0, stop), speech, classifier,
                         RapidReader(reuse=True), stop, clock=lambda: now[0])
    cap = cv2.VideoCapture(str(clip_path()))
    index = 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        now[0] = index / 10.0
        live._classify(now[0], frame)
        if index % 5 == 0:
            live.ocr_step(frame)
        if index == 42:
            live._classify(now[0], np.zeros((0, 0, 3), np.uint8))  # an empty frame: logged, skipped
            live.ocr_step(np.zeros((2, 2, 3), np.uint8))
        index += 1
    assert speech.wait_idle(10)
    speech.close()
    labels = [t for k, t in said if k.startswith("label")]
    assert labels == ["A cat.", "Espresso.", "Probably a moped."], labels
    texts = [t for k, t in said if k == "text"]
    assert len(texts) == 1 and texts[0].startswith("Region-based segmentation")
    assert ("guidance", "More light needed.") in said  # the dark scene at the end
