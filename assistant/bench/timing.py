"""Timing helpers shared by the benchmarks: median of many runs after warm-up, a plain table, and the phrase
cache made ready before a live run is timed."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.speech.queue import Speech

CACHE_WAIT = 900.0  # seconds the phrase cache may take to build before a timed run (once per voice and rate)


def median_ms(fn: Callable[[], object], runs: int, warmup: int = 10) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000.0)
    return statistics.median(times)


def phrases_ready(speech: Speech) -> None:
    """Wait until the phrase cache holds the voice's phrases, as it does for the live assistant from its
    second start on (`app.phrase_cache`): the run then times the assistant as it is used, not its first
    start. Said when it cannot (the run goes on without it)."""
    if not speech.phrases_ready(CACHE_WAIT):
        print("The phrase cache is not ready: this run goes without it.")


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [list(map(str, header))] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
