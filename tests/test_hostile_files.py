"""Hostile input (issue 21), file side: no path, photo or signal can hang the assistant, swell its memory or
lose a file; temporary audio never stays behind. Every payload is built here, in the test."""

from __future__ import annotations

import argparse
import os
import re
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from hostile_helper import (
    PACKAGE,
    ROOT,
    fifo,
    timed,
    unblock_fifos_fixture,  # noqa: F401 (a fixture)
)

from assistant.cli import main


# --- 1. files: only regular files are read or written; nothing is lost ---------------------------------
def test_a_fifo_a_device_or_a_folder_is_refused_where_a_file_is_read(tmp_path, unblock_fifos):
    from assistant.paths import FileProblem, read_limited

    pipe = fifo(tmp_path / "pipe", unblock_fifos)
    (tmp_path / "zero").symlink_to("/dev/zero")
    big = tmp_path / "big"
    big.write_bytes(b"x" * 1001)
    cases = {pipe: "is a pipe (FIFO), not a regular file.", Path("/dev/zero"): "is a device, not a regular file.",
             tmp_path / "zero": "is a device, not a regular file.", tmp_path: "is a folder, not a regular file.",
             big: "is too large (1,001 bytes; at most 1,000 bytes).", tmp_path / "none": "There is no file"}
    for path, words in cases.items():
        with pytest.raises(FileProblem, match=re.escape(words)):
            read_limited(path, 1000)
    assert read_limited(big, 1001) == b"x" * 1001


def test_an_image_that_is_a_fifo_or_a_device_gets_one_sentence(tmp_path, capsys, unblock_fifos):
    pipe = fifo(tmp_path / "photo.png", unblock_fifos)
    assert main(["colour", str(pipe), "/dev/zero", str(tmp_path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{pipe} is a pipe (FIFO), not a regular file.", "/dev/zero is a device, not a regular file.",
                   f"{tmp_path} is a folder, not a regular file."]


def say_args(**flags) -> argparse.Namespace:
    return argparse.Namespace(**{"wav": None, "wav_realtime": None, "transcript": None, "append": False, **flags})


def test_what_is_not_a_regular_file_is_refused_as_output_and_never_changed(tmp_path, capsys, unblock_fifos):
    from assistant.commands.files import output_problem
    from assistant.paths import FileProblem, private_open

    pipe = fifo(tmp_path / "out.wav", unblock_fifos, 0o644)
    before = {p: os.stat(p) for p in (pipe, Path("/dev/full"), tmp_path)}
    assert main(["say", "hi", "--voice-engine", "text", "--wav", "/dev/full"]) == 2
    assert capsys.readouterr().err.strip() == \
        "--wav: /dev/full is a device, not a regular file. Choose a file name."
    for flags in ({"wav": pipe}, {"transcript": pipe}, {"transcript": pipe, "append": True},
                  {"wav_realtime": tmp_path}, {"transcript": Path("/dev/full"), "append": True}):
        problem = output_problem(say_args(**flags))
        assert problem is not None and "not a regular file. Choose a file name." in problem, flags
    for mode in ("w", "wb", "a", "x"):  # and should a caller not ask first
        for path in (pipe, Path("/dev/full")):
            with pytest.raises(FileProblem, match="not a regular file"):
                private_open(path, mode)
    for path, st in before.items():
        now = os.stat(path)
        assert (now.st_mode, now.st_uid, now.st_gid) == (st.st_mode, st.st_uid, st.st_gid), path


def test_an_existing_file_is_replaced_by_a_new_private_one_only_after_saying_so(tmp_path, capsys):
    from assistant.commands.files import output_problem
    from assistant.paths import private_open
    from assistant.transcript import Transcript

    old = tmp_path / "talk.jsonl"
    old.write_text("kept\n")
    old.chmod(0o644)
    assert output_problem(say_args(transcript=old)) is None
    assert capsys.readouterr().err.strip() == \
        f"--transcript: {old} exists; it is replaced by a new file (--append adds to it instead)."
    assert output_problem(say_args(transcript=old, append=True)) is None
    assert capsys.readouterr().err == ""
    Transcript(old, append=True).close()
    assert old.read_text() == "kept\n" and stat.S_IMODE(old.stat().st_mode) == 0o600  # kept, and made private
    old.chmod(0o644)
    elsewhere = tmp_path / "also-talk.jsonl"
    os.link(old, elsewhere)  # a second name for the old file shows it is replaced, not changed
    with private_open(old, "w") as fh:
        fh.write("new\n")
    assert old.read_text() == "new\n" and stat.S_IMODE(old.stat().st_mode) == 0o600
    assert elsewhere.read_text() == "kept\n" and stat.S_IMODE(elsewhere.stat().st_mode) == 0o644
    target = tmp_path / "target.txt"
    target.write_text("someone else's\n")
    link = tmp_path / "link.wav"
    link.symlink_to(target)
    with private_open(link, "wb") as fh:  # the link is replaced; what it pointed to is left alone
        fh.write(b"RIFF")
    assert not link.is_symlink() and target.read_text() == "someone else's\n"
    with pytest.raises(OSError, match="exists already"):
        private_open(old, "x")  # a saved page never replaces another


def test_say_replaces_an_existing_wav_after_saying_so(tmp_path, capsys):
    wav = tmp_path / "say.wav"
    wav.write_bytes(b"old")
    wav.chmod(0o666)
    assert main(["say", "hi", "--voice-engine", "text", "--wav", str(wav)]) == 0
    assert f"--wav: {wav} exists; it is replaced by a new file." in capsys.readouterr().err
    assert stat.S_IMODE(wav.stat().st_mode) == 0o600 and wav.read_bytes()[:4] == b"RIFF"


def test_a_transcript_that_cannot_be_written_says_so_once_and_speech_goes_on(tmp_path, capsys):
    from assistant.common import Kind, Priority
    from assistant.speech.queue import Utterance
    from assistant.transcript import Transcript

    class Full:
        def write(self, text: str) -> int:
            raise OSError(28, "No space left on device")

        def flush(self) -> None:
            pass

        def close(self) -> None:
            raise OSError(28, "No space left on device")

    transcript = Transcript(tmp_path / "t.jsonl")
    transcript.fh.close()
    transcript.fh = Full()  # type: ignore[assignment]
    item = Utterance("Hello.", Priority.NORMAL, Kind.SPEECH, 0.0, 0)
    for _ in range(3):
        transcript.write(item)
    transcript.close()
    err = capsys.readouterr().err
    assert err.count("The transcript stops here") == 1 and "No space left on device" in err


# --- 2. images: the size comes from the file's own header, before any pixel is decoded -------------------
FORMATS = [".png", ".jpg", ".bmp", ".tif", ".webp", ".gif", ".hdr", ".pfm", ".ppm", ".pgm", ".pam", ".ras", ".jp2",
           ".avif"]


@pytest.fixture(scope="module")
def small_images(tmp_path_factory) -> dict[str, bytes]:
    """A 97 x 61 image in every format OpenCV writes here (a progressive JPEG too)."""
    image = cv2.resize(np.random.default_rng(1).integers(0, 255, (8, 8, 3), dtype=np.uint8), (97, 61))
    out = {}
    for suffix in FORMATS:
        data = image.astype(np.float32) / 255 if suffix in (".hdr", ".pfm") else image
        data = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if suffix == ".pgm" else data
        ok, encoded = cv2.imencode(suffix, data)
        assert ok, suffix
        out[suffix] = encoded.tobytes()
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_PROGRESSIVE, 1])
    out["progressive.jpg"] = encoded.tobytes()
    return out


def test_every_format_opencv_reads_has_its_size_read_from_its_header(small_images):
    from assistant.capture.imagesize import read_header

    for name, data in small_images.items():
        header = read_header(data)
        assert (header.width, header.height) == (97, 61), (name, header)
        decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        assert decoded is not None and decoded.shape[:2] == (61, 97), name


def test_damaged_headers_are_refused_quickly_and_never_raise_anything_else(small_images):
    from assistant.capture.imagesize import HeaderError, read_header

    rng = np.random.default_rng(7)
    started = time.perf_counter()
    for data in small_images.values():
        variants = [data[:n] for n in range(0, 80)]
        for _ in range(200):
            damaged = bytearray(data[:4096])
            for at in rng.integers(min(len(damaged), 8), min(len(damaged), 600), 4):
                damaged[at] = int(rng.integers(0, 256))
            variants.append(bytes(damaged))
        for variant in variants:
            try:
                read_header(variant)
            except HeaderError:
                pass
    assert time.perf_counter() - started < 10
    for junk in (b"", b"\xff\xd8\xff" + b"\xff" * 100_000, b"\xff\xd8\xff" + b"\xff\x00" * 100_000,
                 b"GIF89a\x10\x00\x10\x00\x00\x00\x00" + b"\x21\xf9" + b"\x01x" * 100_000,
                 b"RIFF\x00\x00\x00\x00WEBP" + b"JUNK\x00\x00\x00\x00" * 20_000, b"P5\n" + b"#\n" * 100_000,
                 b"\x00\x00\x00\x08ftyp" + b"\x00\x00\x00\x08meta" * 20_000, b"II*\x00\x08\x00\x00\x00\xff\xff"):
        assert timed(lambda: pytest.raises(HeaderError, read_header, junk)) < 1


def test_a_jpeg_size_marker_is_found_wherever_it_lies(tmp_path):
    from assistant.bench.bombs import jpeg
    from assistant.capture.imagesize import read_header

    path = tmp_path / "far.jpg"
    jpeg(path, 20000, 30000)
    header = read_header(path.read_bytes())
    assert (header.width, header.height, header.reducible) == (20000, 30000, True)


def test_image_bombs_are_refused_or_read_reduced_in_bounded_memory(tmp_path):
    """Each decoded into 1.6 to 6 GB (`assistant bench memory` has them at full size)."""
    from assistant.bench.bombs import BOMBS, write_bombs

    bombs = write_bombs(tmp_path, 0.7, [name for name in BOMBS if name != "PNG"])  # the PNG: test_robust
    peak, done = peak_mb("colour", *(str(path) for _, path in bombs))
    assert peak < 800, peak
    assert done.returncode == 0 and "Traceback" not in done.stderr
    refused = [line for line in done.stderr.splitlines() if "is too large to read" in line]
    assert len(refused) == len(bombs) - 1, done.stderr  # the JPEG with its size hidden is read, reduced
    assert done.stdout.strip() == "Mostly grey." or done.stdout.strip().endswith("grey."), done.stdout


def peak_mb(*args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run the CLI in a child of a fresh process, so its peak resident memory is its own."""
    code = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
            "sys.stderr.write(done.stderr); sys.stdout.write(done.stdout); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024); sys.exit(done.returncode)")
    done = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "assistant", *args], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)
    lines = done.stdout.splitlines()
    return float(lines[-1]), subprocess.CompletedProcess(done.args, done.returncode, "\n".join(lines[:-1]), done.stderr)


# --- 3. temporary audio never stays behind ---------------------------------------------------------------
def test_the_system_voice_removes_its_audio_when_closed_while_it_speaks(tmp_path, monkeypatch):
    import tempfile

    from assistant.speech.synth import SynthError, SystemSynth

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    synth = SystemSynth()
    speaking, release = threading.Event(), threading.Event()

    def save_to_file(text: str, name: str) -> None:
        Path(name).write_bytes(b"RIFF what was said")
        print(f"Audio saved to {name}")

    def run_and_wait() -> None:  # espeak, still speaking when the program is told to end
        speaking.set()
        release.wait(10)

    monkeypatch.setattr(synth.engine, "save_to_file", save_to_file)
    monkeypatch.setattr(synth.engine, "runAndWait", run_and_wait)
    errors: list[Exception] = []

    def speak() -> None:
        try:
            synth.synthesize("A secret.", 1.0, 1.0)
        except SynthError as exc:
            errors.append(exc)

    worker = threading.Thread(target=speak)
    worker.start()
    assert speaking.wait(5)
    [folder] = tmp_path.iterdir()
    assert (folder / "say.wav").exists() and stat.S_IMODE(folder.stat().st_mode) == 0o700
    synth.close()  # what the main thread does on its way out
    assert list(tmp_path.iterdir()) == []
    release.set()
    worker.join(5)
    assert list(tmp_path.iterdir()) == [] and len(errors) == 1


def _signals_reach_the_main_thread() -> bool:
    """Whether the CLI turns SIGTERM and SIGHUP into an exception in the main thread (issue 20's part)."""
    return any("SIGTERM" in p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_signal_while_the_system_voice_speaks_leaves_no_audio_behind(tmp_path, name):
    if name != "SIGINT" and not _signals_reach_the_main_thread():
        pytest.skip("SIGTERM and SIGHUP end the process before any `finally` until the CLI handles them")
    temp = tmp_path / "tmp"
    temp.mkdir()
    text = " ".join(["This sentence is long and it goes on and on, and on and on, until it ends."] * 60)
    child = subprocess.Popen([sys.executable, "-m", "assistant", "say", "--voice-engine", "system", text, "--wav",
                              str(tmp_path / "out.wav")], cwd=ROOT, env=dict(os.environ, TMPDIR=str(temp)),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        seen = False  # a folder lives while one sentence is made: between two it is gone, so test once
        while not (seen := any(temp.iterdir())) and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.005)
        assert seen, "the system voice never wrote its audio"
        child.send_signal(getattr(signal, name))
        _, err = child.communicate(timeout=30)
    finally:
        child.kill()
    assert list(temp.iterdir()) == [], name
    assert "Traceback" not in err
