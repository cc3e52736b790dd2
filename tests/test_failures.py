"""Failures end in a sentence, once: a recording that fills the disk, a step that fails every frame (its
traceback is logged once), and log lines that show outside text only as itself."""

from __future__ import annotations

import logging
import os
import resource
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from assistant.common import Say
from assistant.config import Config
from assistant.live import LiveAssistant

ROOT = Path(__file__).resolve().parents[1]


def test_a_recording_that_fills_the_disk_is_one_sentence_and_a_failure(tmp_path):
    def small_files() -> None:  # a disk that is full past 20 KB
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    wav = tmp_path / "said.wav"
    done = subprocess.run([sys.executable, "-m", "assistant", "say", "A sentence long enough to need more than "
                           "twenty kilobytes of audio once it is spoken.", "--voice-engine", "piper",
                           "--wav", str(wav)], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          preexec_fn=small_files, env=dict(os.environ))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"{wav} could not be written" in done.stderr


class Failing:
    name, lane, failure, rate = "failing", None, "The failing channel failed.", 10.0

    def step(self, frame: np.ndarray, now: float) -> list[Say]:
        raise RuntimeError("broken every frame")


def test_a_step_that_fails_every_frame_logs_its_traceback_once(caplog, clock):
    live = LiveAssistant(Config(), None, None, [], threading.Event(), clock=clock)  # type: ignore[arg-type]
    live.speech = type("Silent", (), {"say": lambda *a, **k: True})()
    channel = Failing()
    with caplog.at_level(logging.DEBUG):
        for _ in range(50):
            clock.advance(0.1)
            live.attempt(channel.name, channel.failure, lambda: channel.step(np.zeros(1), clock.now))
    assert caplog.text.count("Traceback") == 1
    assert caplog.text.count("failed again") == 49


@pytest.mark.slow
def test_log_lines_show_outside_text_only_as_itself(tmp_path):
    name = tmp_path / "photo\nWARNING fake: the battery is empty\x1b[2J.png"
    name.write_bytes(b"not an image at all")
    done = subprocess.run([sys.executable, "-m", "assistant", "-v", "run", "--camera", str(tmp_path),
                           "--voice-engine", "text", "--max-seconds", "2"], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert "\x1b" not in done.stderr
    assert not any(line.startswith("WARNING fake") for line in done.stderr.splitlines()), done.stderr
