"""Helpers for the hostile-input tests: what a terminal must never be sent, a timer, and FIFOs that cannot
hang a test."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "assistant"
TERMINAL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def timed(work, *args, **kwargs) -> float:
    started = time.perf_counter()
    work(*args, **kwargs)
    return time.perf_counter() - started


@pytest.fixture(name="unblock_fifos")
def unblock_fifos_fixture() -> Iterator[list[Path]]:
    """FIFOs listed here are opened for writing after 5 s, so that a reader which blocks on one fails its
    test instead of hanging the suite."""
    fifos: list[Path] = []
    done = threading.Event()

    def release() -> None:
        if not done.wait(5):
            for path in fifos:
                try:
                    os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
                except OSError:
                    pass

    thread = threading.Thread(target=release, daemon=True)
    thread.start()
    yield fifos
    done.set()
    thread.join()


def fifo(path: Path, fifos: list[Path], mode: int = 0o644) -> Path:
    os.mkfifo(path, mode)
    fifos.append(path)
    return path
