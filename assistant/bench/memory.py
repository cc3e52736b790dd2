"""`assistant bench memory`: peak resident memory of commands given input that used to take gigabytes: `say`
with the neural voice on 20,000 characters without punctuation, `classify` on a 20000 x 20000 PNG and on a
60000 x 8 strip, and `colour` on an image bomb of every other format (`bench.bombs`: a few bytes declaring
a huge image). Each runs in a child process, whose peak is measured alone."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from assistant.bench import bombs
from assistant.bench.timing import table
from assistant.config import Config

TARGET_MB = 800


def huge_png(path: Path, width: int, height: int) -> None:
    """A valid grey PNG of any size, written a row at a time (nothing holds the whole image); compressed at
    zlib's fastest level (a third of the CPU of its smallest: 20000 x 20000 in 1.7 MB, not 0.4 MB), since
    what is measured is the memory of reading it, not its size on disk."""
    bombs.png(path, width, height, level=1)


def peak_mb(*args: str, timeout: float = 1800) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Peak resident MB and seconds of `assistant ARGS`, run as the child of a fresh process."""
    code = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:], capture_output=True); "
            "sys.stderr.buffer.write(done.stderr); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024); sys.exit(done.returncode)")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "assistant", *args],
                          capture_output=True, text=True, timeout=timeout)
    return float(done.stdout.splitlines()[-1]), time.monotonic() - started, done


def run(args: argparse.Namespace, config: Config) -> int:
    characters = args.frames or 20_000
    text = " ".join(["unpunctuated"] * (characters // 13 + 1))[:characters]
    rows = []
    with tempfile.TemporaryDirectory(prefix="assistant-memory-") as tmp:
        big, strip = Path(tmp) / "big.png", Path(tmp) / "strip.png"
        huge_png(big, 20000, 20000)
        cv2.imwrite(str(strip), np.full((8, 60000, 3), 200, np.uint8))
        cases = [
            (f"say, {characters:,} characters without punctuation, neural voice",
             ["say", "--voice-engine", "piper", text, "--wav", str(Path(tmp) / "say.wav")]),
            ("classify a 20000 x 20000 PNG", ["classify", str(big)]),
            ("classify a 60000 x 8 PNG", ["classify", str(strip)]),
        ]
        for name, path in bombs.write_bombs(Path(tmp), names=[n for n in bombs.BOMBS if n != "PNG"]):
            _, _, width, height = bombs.BOMBS[name]
            cases.append((f"colour, {name} bomb: {width} x {height} in {_size(path.stat().st_size)}",
                          ["colour", str(path)]))
        for what, argv in cases:
            mb, seconds, done = peak_mb(*argv)
            said = (done.stderr.strip().splitlines() or ["failed"])[-1].replace(tmp + "/", "")
            outcome = "ok" if done.returncode == 0 else f"refused: {said[:90]}"
            rows.append([what, f"{mb:.0f}", f"<= {TARGET_MB}", f"{seconds:.0f}", outcome])
    print("Peak resident memory of one command, measured in its own process")
    print(table(["command", "peak MB", "target", "seconds", "outcome"], rows))
    return 0


def _size(count: int) -> str:
    return f"{count:,} bytes" if count < 10_000 else f"{count / 1000:,.0f} KB" if count < 10_000_000 \
        else f"{count / 1_000_000:,.0f} MB"
