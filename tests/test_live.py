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
from harness import LiveLoop

from assistant.app import build_live, load_models, with_camera
from assistant.build.demo import scene_image
from assistant.capture.sources import FolderSource, VideoFileSource
from assistant.cli import main
from assistant.common import Mode
from assistant.config import Config
from assistant.demo import clip_path
from assistant.offline import no_network
from assistant.speech.audio import RecordingSink
from assistant.speech.queue import Priority, Speech, Utterance
from assistant.speech.synth import PiperSynth, TextSynth

LONG = ("This is a long piece of speech that goes on for a while, so that there is something to cut off. "
        "It has several sentences. Each one takes a second or two to say. Nobody will hear the end of it.")


@pytest.fixture(scope="module")
def models():
    with no_network():
        return load_models(Config()), PiperSynth()


def make_live(models, source, fps, synth=None):
    """The live loop on `source` in real time, started; what was said is (time, tag, text)."""
    loaded, piper = models
    stop = threading.Event()
    loop = LiveLoop(loaded, time.monotonic, with_camera(Config(), reopen_seconds=0.3), source, synth=synth or piper,
                    fps=fps, stop=stop)
    loop.live.toned = loop.toned  # the utterances a tone came just before
    assert loop.live.grabber.start()
    return loop.live, loop.speech, loop.sink, loop.said, stop


@pytest.fixture(scope="module")
def demo_run(models):
    """The whole demo clip (29.5 s), in real time."""
    with no_network():
        reader = models[0].reader
        reader.cache = type(reader.cache)()
        live, speech, sink, said, stop = make_live(models, VideoFileSource(clip_path()), fps=10.0)
        live.run(max_seconds=60)
        speech.wait_idle(30)
        speech.close()
    return live, said


@pytest.mark.slow
def test_each_object_in_the_clip_is_announced_once(demo_run):
    live, said = demo_run
    labels = [text for _, kind, text in said if kind.startswith("label")]
    for said_once in ("A cat, ahead.", "A cup, ahead.", "Espresso.", "A person, ahead.", "Three cups."):
        assert labels.count(said_once) == 1, labels
    assert not any("moped" in text for text in labels)  # not sure enough to say, since the calibration
    assert all("cat" not in text for text in labels if text != "A cat, ahead.")  # the classifier's cat: not again


@pytest.mark.slow
def test_the_page_is_read_once(demo_run):
    live, said = demo_run
    texts = [text for _, kind, text in said if kind == "text"]
    assert len(texts) >= 1
    joined = "\n".join(texts)
    assert joined.count("Region-based segmentation") == 1
    assert "markers of the coins" in joined and "Press R to read all." in joined
    assert live.grabber.stats.grabbed == 280  # every frame of the 28 s clip


@pytest.mark.slow
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
        describe = next(text for _, tag, text in said if tag == "describe")
        assert describe.startswith("A cup ahead. Espresso.")
        first_sound = None
        while first_sound is None and time.monotonic() < pressed + 3:
            first_sound = sink.first_sound_after(pressed + 0.03)
            time.sleep(0.01)
        # The latency itself is measured by `assistant bench loop` (about 0.2 s); here only that the answer
        # comes at once rather than after the long speech, whatever the machine's load.
        assert first_sound is not None and first_sound - pressed < 3.0
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_keys_change_mode_rate_and_say_help(models, tmp_path):
    cv2.imwrite(str(tmp_path / "000.jpg"), scene_image("coffee"))
    live, speech, sink, said, stop = make_live(models, FolderSource(tmp_path), fps=10.0)
    try:
        live.command("m")
        assert live.mode is Mode.BOTH  # posted: nothing changes until the loop thread handles it
        live.process_events()
        assert live.mode is Mode.SCENE
        speech.wait_idle(20)
        rate = speech.rate
        live.command("+")
        live.process_events()
        assert speech.rate > rate
        speech.wait_idle(20)
        live.command("h")
        live.process_events()
        deadline = time.monotonic() + 30
        while not any(t.startswith("Keys:") for _, _, t in said) and time.monotonic() < deadline:
            time.sleep(0.02)  # the help takes half a minute to say: that it starts is what counts here
        speech.stop()
        texts = [t for _, _, t in said]
        assert texts[0] == "Scene mode." and live.toned[0] == "Scene mode." and "Rate 1.2." in texts
        assert texts[-1].startswith("Keys: space, describe now.")
        live.command("q")
        live.process_events()
        assert stop.is_set() and live.interrupted
    finally:
        stop.set()
        speech.close()


@pytest.mark.slow
def test_ctrl_c_ends_cleanly_in_under_a_second(tmp_path):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "demo", "--voice-engine", "text"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        assert line.startswith("Ready.")
        time.sleep(2.0)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=5)
        assert time.monotonic() - sent < 3.0  # at once, not after the clip (a loaded machine takes longer)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert "Traceback" not in proc.stderr.read()
    assert proc.stdout.read().splitlines()[-1] == "Goodbye."


def scene_files(folder: Path, *names: str) -> list[Path]:
    """The demo's scenes as image files, one per name."""
    paths = []
    for name in names:
        path = folder / f"{name}.png"
        cv2.imwrite(str(path), scene_image(name))
        paths.append(path)
    return paths


def test_describe_command_on_still_images(tmp_path, capsys):
    paths = scene_files(tmp_path, "coffee", "page", "dark")
    assert main(["describe", *map(str, paths)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{paths[0]}: A cup ahead. Espresso."
    assert "Text: Region-based segmentation." in lines[1]
    assert lines[2] == f"{paths[2]}: It is too dark to see."  # no label guessed in the dark


def test_demo_needs_the_clip(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ASSISTANT_MODELS_DIR", str(tmp_path))
    assert main(["demo"]) == 1
    assert "assistant models build" in capsys.readouterr().err


def test_commands_come_one_per_line_when_stdin_is_not_a_terminal():
    import io

    from assistant.keys import KeyReader

    got: list[str] = []
    reader = KeyReader(got.append, threading.Event(), io.StringIO("m\n\nread\nq\n"))
    reader.start()
    reader.thread.join(2)
    assert got == ["m", " ", "read", "q"]


def test_preview_without_a_display_stays_off(monkeypatch, caplog):
    from assistant.keys import Preview

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    preview = Preview(lambda key: None)
    preview(np.zeros((48, 64, 3), np.uint8))
    assert not preview.on and "No display for the preview window" in caplog.text


def test_a_thing_is_seen_when_the_camera_saw_it_not_when_a_lagging_loop_got_to_it(models, live_loop, clock):
    """On a loaded machine the loop steps a frame some time after the camera took it. What is said of a thing
    must stop `STILL_IN_VIEW` after the camera last saw it, not after the loop last looked at it: both the
    classifier's labels and the detectors' things are stamped with the frame's capture time."""
    from assistant.live import STILL_IN_VIEW

    loaded, _ = models
    loop = live_loop(loaded, fps=10.0)
    lag = 0.6
    for name, image in (("cat", scene_image("chelsea")), ("person", scene_image("astronaut"))):
        clock.now += 10.0
        taken = clock.now - lag
        loop.live.step_fast(taken, image)  # taken `lag` seconds before the loop got to it
        clock.now = taken + STILL_IN_VIEW - 0.1
        assert loop.live.in_view(name)
        clock.now = taken + STILL_IN_VIEW + 0.1  # the loop looked at it less than STILL_IN_VIEW ago
        assert not loop.live.in_view(name)
    loop.close()


def test_the_clip_on_a_fake_clock_announces_each_thing_once_and_a_corrupt_frame_is_survived(models, live_loop,
                                                                                             clock):
    """No threads: the clip's frames are fed in order at their own (fake) times, classifier at 10 per second
    and OCR at 2 per second as in the live loop, so the decisions are the same on any machine."""
    loaded, _ = models
    loaded.reader.cache = type(loaded.reader.cache)()
    loop = live_loop(loaded, fps=10.0)
    live = loop.live
    cap = cv2.VideoCapture(str(clip_path()))
    index = 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        clock.now = index / 10.0
        # An empty frame and a tiny one stand in for two of the clip's: logged, and the loop goes on.
        live.step_fast(clock.now, np.zeros((0, 0, 3), np.uint8) if index == 42 else frame)
        if index % 5 == 0:
            live.step_slow(np.zeros((2, 2, 3), np.uint8) if index == 45 else frame)
        index += 1
    loop.close()
    said = [(h.tag, h.text) for h in loop.said]
    labels = loop.words("label")
    # The COCO detector names the motorcycle (the classifier's "moped" was never sure enough). Not the small
    # can on the shelf behind it (a bottle at 0.37, whose crop the classifier calls a tobacco shop) nor a
    # cardboard box on that shelf it took for a book: unsure things are not announced (issue 30).
    assert labels == ["A cat, ahead.", "A cup, ahead.", "Espresso.", "A motorcycle, ahead.", "A person, ahead.",
                      "Three cups."], labels
    texts = loop.words("text")
    assert len(texts) == 1 and texts[0].startswith("Region-based segmentation")
    # Guidance only for text really read: none for the astronaut, the table or the dark room (it was "Move
    # back." twice and "More light needed." before text had to be recognised for it).
    assert loop.words("guidance") == [], said
    assert loop.words("error") == ["The camera gave an empty picture."]  # said once for both
    assert live.ticks["scene"] == index - 1 and live.ticks["text"] == (index + 4) // 5 - 1


@pytest.mark.slow
def test_keys_pressed_as_fast_as_possible_from_another_thread_kill_no_thread(models, monkeypatch, caplog):
    """For 10 s a thread presses every key but quit as fast as it can while the loop runs the real clip:
    no thread raises, no step fails, and every worker is still alive at the end."""
    import random

    from assistant.keys import KEYS, Action

    raised: list[object] = []
    monkeypatch.setattr(threading, "excepthook", raised.append)
    live, speech, sink, said, stop = make_live(models, VideoFileSource(clip_path()), fps=10.0, synth=TextSynth())
    runner = threading.Thread(target=live.run, kwargs={"max_seconds": 20}, name="loop")
    runner.start()
    keys = [k for key in KEYS if key.action is not Action.QUIT for k in key.pressed + key.words]
    presses = 0
    deadline = time.monotonic() + 10

    def press() -> None:
        nonlocal presses
        rng = random.Random(1)
        while time.monotonic() < deadline:
            live.command(rng.choice(keys))
            presses += 1

    presser = threading.Thread(target=press, name="presser")
    presser.start()
    presser.join()
    workers = {"loop": runner, "slow": live.slow_thread, "grabber": live.grabber._thread, "speech": speech._thread}
    alive = {name: bool(t and t.is_alive()) for name, t in workers.items()}
    stop.set()
    runner.join(5)
    speech.close()
    assert not raised, raised
    assert all(alive.values()), alive
    assert "step failed" not in caplog.text
    # Commands wait for room in the loop's inbox (none is dropped), so the presser goes at the loop's pace
    # once the inbox is full: a storm all the same, the inbox full the whole time.
    assert presses > 500 and live.inbox.dropped > 0
    tags = {tag for _, tag, _ in said}
    assert {"describe", "control", "help"} <= tags, tags  # keys were handled all along
    modes = {e for _, e in live.events if e.startswith("mode:")}
    # Mode keys were handled all along (F swallows the keys typed after it until Escape or a word, so the
    # M cycle is not always walked to its end).
    assert len(modes) >= 4 and "mode:Scene and text mode." in modes, modes


@pytest.mark.slow
def test_guidance_as_tones_in_document_mode_plays_the_tone_and_the_worker_lives_on(models, tmp_path, live_loop):
    """`announce.guidance = "tones"` with no page in view: the no-page advice is a tone, not a crash."""
    from dataclasses import replace

    loaded, _ = models
    config = Config()
    config = replace(config, announce=replace(config.announce, guidance="tones", mode="document"))
    grey = np.full((480, 640, 3), 128, np.uint8)
    for i in range(30):
        cv2.imwrite(str(tmp_path / f"{i:03d}.png"), grey)
    loop = live_loop(loaded, config, FolderSource(tmp_path), clock=time.monotonic, fps=10.0)
    live = loop.live
    assert live.grabber.start()
    live.run(max_seconds=3)
    loop.close()
    said = loop.texts()
    assert "[guidance-no-page tone]" in said
    assert "No page found. Hold the page in front of the camera." not in said
    assert live.ticks["document"] >= 3  # stepped on, tick after tick


def test_framing_advice_waits_for_text_read_the_same_way_twice(models, clock, dev_dir):
    """A receipt whose lines run off the left edge gets its advice on the second read that agrees, not on a
    new view's first read: the advice would go before, and hold back, what came into view with it ("Move
    back." said over a can's label kept "A dog, ahead." waiting 800 ms in bench first-words)."""
    from assistant.app import channel_context
    from assistant.capture.images import read_image
    from assistant.channels.guidance import GuidanceChannel

    loaded, _ = models
    receipt = read_image(dev_dir / "ocr-dev" / "sroie_000.jpg")
    cut = cv2.resize(receipt[: receipt.shape[0] // 3, receipt.shape[1] // 3:], (640, 480))
    channel = GuidanceChannel(channel_context(Config(), loaded, clock=clock))
    first = channel.step(cut, clock.advance(0.5))
    assert first == [] and channel.looks_again()  # read once: the next frame is read at once
    again = channel.step(cut, clock.advance(0.1))
    assert [s.text for s in again] in (["Text cut off on the left, move the camera left."], ["Move back."])
    assert not channel.looks_again()
    # Another view's text, read once, is not advised on either.
    assert channel.step(scene_image("page")[:, :200], clock.advance(5.0)) == []


def test_no_framing_guidance_without_text_really_read(models, live_loop, clock):
    """A wall, a table top, a lawn or an empty sheet (scikit-image's real photos of brick, gravel and grass;
    a blank sheet with sensor noise) and photos of things without text: no "Move back." or any other framing
    advice, in text mode or in document mode. A page next to them does get read."""
    from dataclasses import replace

    from skimage import data

    def frame(rgb: np.ndarray) -> np.ndarray:
        rgb = np.asarray(rgb)
        bgr = cv2.cvtColor(rgb, cv2.COLOR_GRAY2BGR) if rgb.ndim == 2 else cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
        return cv2.resize(bgr, (640, 480), interpolation=cv2.INTER_AREA)

    rng = np.random.default_rng(3)
    sheet = np.clip(235 + rng.normal(0, 3, (480, 640, 3)), 0, 255).astype(np.uint8)
    blank = [frame(data.brick()), frame(data.gravel()), frame(data.grass()), sheet, scene_image("coffee"),
             scene_image("astronaut"), scene_image("chelsea")]
    loaded, _ = models
    for mode in ("text", "document"):
        config = replace(Config(), announce=replace(Config().announce, mode=mode))
        clock.now = 0.0
        loop = live_loop(loaded, config)
        for image in blank:
            for _ in range(4):
                clock.advance(0.5)
                loop.live.step_slow(image)
        loop.close()
        advice = [h.text for h in loop.said if h.kind == "guidance" and not h.tag.endswith("no-page")]
        assert advice == [], (mode, advice)
    page = live_loop(loaded)
    for _ in range(3):
        clock.advance(0.5)
        page.live.step_slow(scene_image("page"))
    assert page.speech.wait_idle(10) and page.speech.last is not None
    assert "Region-based segmentation" in page.speech.last.text


def test_describe_in_quiet_mode_answers_about_the_view_now_not_an_earlier_one(models, clock):
    """Text read in scene-and-text mode, then quiet mode and a cup of coffee in view: describe says the
    cup and no text (it used to answer "Text: ..." from the earlier page)."""
    loaded, _ = models
    said: list[tuple[str, str]] = []
    speech = Speech(TextSynth(), RecordingSink(), on_start=lambda u: said.append((u.tag, u.text)))
    live = build_live(Config(), VideoFileSource(clip_path()), speech, models=loaded, clock=clock)
    page = scene_image("page")
    for _ in range(3):
        clock.advance(0.5)
        live.grabber.newest = (clock.now, 1, page)
        live.step_slow(page)
    assert live.channels["text"].describe(page, clock.now).startswith("Text: Region-based segmentation.")
    live.set_mode(Mode.QUIET)
    coffee = scene_image("coffee")
    clock.advance(2.0)
    live.grabber.newest = (clock.now, 2, coffee)
    live.handle(__import__("assistant.keys", fromlist=["Action"]).Action.DESCRIBE)
    assert speech.wait_idle(10)
    speech.close()
    answer = [t for k, t in said if k == "describe"][-1]
    assert answer == "A cup ahead. Espresso.", answer
    clock.advance(1.0)  # and with no fresh picture at all, nothing is made up about it
    assert live.fresh_frame() is None


@pytest.mark.slow
def test_nothing_about_a_thing_is_heard_long_after_it_left_and_nothing_is_lost_silently(models, tmp_path,
                                                                                          live_loop):
    """Scenes change every 1.5 s at real time while the neural voice speaks slowly into a fake sound card
    that plays at real speed: every word about a thing ends at most 1.5 s after the thing left the view,
    and every utterance queued was either spoken or dropped with its reason counted."""
    from assistant.bench.loop import TimedGrabber

    scenes = [("chelsea", {"cat"}), ("astronaut", {"person"}), ("coffee", {"cup", "espresso"}),
              ("chelsea", {"cat"}), ("grey", set())]
    index = 0
    for name, _ in scenes:
        image = np.full((480, 640, 3), 128, np.uint8) if name == "grey" else scene_image(name)
        for _ in range(15 if name != "grey" else 30):
            cv2.imwrite(str(tmp_path / f"{index:04d}.png"), image)
            index += 1
    loaded, piper = models
    ended: list[tuple[float, Utterance, bool]] = []
    slowly = {"rate": 0.6, "on_end": lambda u, done: ended.append((time.monotonic(), u, done))}
    loop = live_loop(loaded, None, FolderSource(tmp_path), clock=time.monotonic, synth=piper, speech=slowly,
                     fps=10.0, grabber_type=TimedGrabber)
    live, speech = loop.live, loop.speech
    assert live.grabber.start()
    live.run(max_seconds=20)
    assert speech.wait_idle(20)
    speech.close()
    starts, first = [], 1
    for name, things in scenes:
        starts.append((live.grabber.captured[first], things))
        first += 15 if name != "grey" else 30
    labels = [(t, u, done) for t, u, done in ended if u.kind.value == "label"]
    assert len(labels) >= 3, [u.text for _, u, _ in ended]
    for t_end, item, _ in labels:
        shown = [i for i, (t0, things) in enumerate(starts) if item.subject in things and t0 <= t_end]
        left = starts[shown[-1] + 1][0] if shown and shown[-1] + 1 < len(starts) else float("inf")
        assert t_end - left <= 1.5, (item.text, t_end - left)
    s = speech.stats
    assert s.queued == s.spoken + s.dropped_stale + s.dropped_gone + s.dropped_cut, s


def test_a_tone_is_never_played_without_its_words(clock):
    from assistant.common import Earcon, Kind
    from assistant.speech.synth import TextSynth

    sink = RecordingSink()
    speech = Speech(TextSynth(), sink, stale_seconds=1.0, clock=clock)
    played = sink.seconds_played()
    with speech._cond:  # queue while the thread is waiting, then let the item go stale before it is taken
        speech._put(Utterance("Stale text.", Priority.NORMAL, Kind.TEXT, 0.0, 0, None, "", Earcon.TEXT))
        clock.now = 5.0
    assert speech.wait_idle(5)
    speech.say("Gone.", Priority.NEXT, Kind.LABEL, "cat", tone=Earcon.TEXT, still_true=lambda: False)
    assert speech.wait_idle(5)
    speech.close()
    assert sink.seconds_played() == played  # neither tone nor words
    assert speech.stats.dropped_stale == 1 and speech.stats.dropped_gone == 1


def test_describe_json_gives_the_calibrated_labels_whatever_the_sentence_says(tmp_path, capsys):
    """`labels` are the calibrated classifier's from the "probably" floor (best first, at most three), also
    for what the detector named and the sentence does not repeat (the cat: issue 30 found them dropped)."""
    import json

    from assistant.announce.announcer import ranked_by_name
    from assistant.announce.phrasing import said_labels
    from assistant.vision.classifier import Classifier

    a = Config().announce
    paths = scene_files(tmp_path, "coffee", "astronaut", "chelsea", "dark")
    assert main(["describe", "--json", *map(str, paths)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    classifier = Classifier()
    for line, path in zip(lines, paths):
        assert set(line) == {"file", "text", "labels", "objects", "ms"} and line["file"] == str(path)
        for label in line["labels"]:
            assert set(label) == {"name", "score", "sure"}
            assert label["sure"] == (label["score"] >= a.sure_score)
        if path.stem != "dark":
            calibrated = said_labels(ranked_by_name(classifier.detect(cv2.imread(str(path)), 10)), a.enter_score)
            assert [(x["name"], x["score"]) for x in line["labels"]] == [(d.name, round(d.score, 4))
                                                                         for d in calibrated]
    coffee, astronaut, chelsea, dark = lines
    assert coffee["text"] == "A cup ahead. Espresso." and [x["name"] for x in coffee["labels"]] == ["espresso"]
    assert coffee["labels"][0]["sure"] is True and [o["name"] for o in coffee["objects"]] == ["cup"]
    assert astronaut["text"].startswith("A person ")
    assert chelsea["text"] == "A cat ahead." and [x["name"] for x in chelsea["labels"]] == ["cat"]  # said once
    assert dark == {**dark, "text": "It is too dark to see.", "labels": [], "objects": []}


def test_a_blurred_picture_gets_no_labels_but_says_it_is_blurred(tmp_path, capsys):
    path = tmp_path / "blurred.png"
    cv2.imwrite(str(path), cv2.GaussianBlur(scene_image("chelsea"), (0, 0), 12))
    assert main(["describe", str(path)]) == 0
    assert capsys.readouterr().out.strip() == "The picture is blurred."


def _run_demo(*extra: str, stdin: str = "", timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", "demo", *extra], input=stdin, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.slow
def test_goodbye_is_heard_whole_before_the_program_ends_and_realtime_wav_keeps_the_silences(tmp_path):
    import wave

    from assistant.speech.audio import SAMPLE_RATE

    wav = tmp_path / "heard.wav"
    # stdin is a pipe: the keys come one a line; "q" comes at once, while the first words are still said.
    started = time.monotonic()
    out = _run_demo("--wav-realtime", str(wav), "--max-seconds", "20", stdin="q\n")
    took = time.monotonic() - started
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "Goodbye."
    with wave.open(str(wav)) as w:
        assert w.getnchannels() == 2  # stereo: the find ticks pan across it
        samples = np.frombuffer(w.readframes(w.getnframes()), "<i2").reshape(-1, 2).mean(axis=1) / 32767
    assert len(samples) / SAMPLE_RATE <= took
    loud = np.abs(samples) > 0.01
    assert not loud[: int(0.2 * SAMPLE_RATE)].any()  # real time: the silence before the first word is there
    # The last run of sound is "Goodbye." whole: as long as the voice makes it.
    goodbye = PiperSynth().synthesize("Goodbye.", 1.0, 1.0)
    voiced = np.flatnonzero(loud)
    gaps = np.flatnonzero(np.diff(voiced) > int(0.3 * SAMPLE_RATE))
    last_run = voiced[-1] - voiced[gaps[-1] + 1 if len(gaps) else 0]
    heard = np.flatnonzero(np.abs(goodbye) > 0.01)
    assert last_run >= 0.75 * (heard[-1] - heard[0])  # the voice varies its length a little
    # ... and it was played to its end: the voice's own trailing silence is in the file after it.
    assert len(samples) - voiced[-1] >= 0.1 * SAMPLE_RATE


@pytest.mark.slow
def test_transcript_starts_a_new_file_unless_append(tmp_path):
    transcript = tmp_path / "said.jsonl"
    for extra in ((), (), ("--append",)):
        out = _run_demo("--voice-engine", "text", "--max-seconds", "1", "--transcript", str(transcript), *extra)
        assert out.returncode == 0, out.stderr
    lines = transcript.read_text().splitlines()
    ready = [ln for ln in lines if "Ready." in ln]
    assert len(ready) == 2  # the second run replaced the first; the third added to it
