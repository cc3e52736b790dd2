"""How the program ends, whatever ends it: SIGTERM and SIGHUP become an exception raised in the main thread,
as Ctrl+C does, so that every `finally` runs (the terminal is put back, temporary audio is removed, the
speech is closed); SIGINT is Ctrl+C while the live loop reads its terminal's keys, even where it was
started ignored; and a closed standard output (`assistant voices | head`) ends it quietly, with the
status a shell gives a program killed by SIGPIPE (141), never a traceback or an "Exception ignored" line.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

SIGPIPE_STATUS = 128 + 13
HANGUPS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None)


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived (a BaseException, as KeyboardInterrupt is: `except Exception` lets it pass).
    The program ends with 128 + the signal's number once the `finally` blocks have run."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"signal {signum}")
        self.signum = signum

    @property
    def status(self) -> int:
        return 128 + self.signum


def _raise(signum: int, frame: FrameType | None) -> None:
    for sig in HANGUPS:  # the way out is not cut short by a second signal
        signal.signal(sig, signal.SIG_IGN)
    raise Terminated(signum)


@contextlib.contextmanager
def signals_raise() -> Iterator[None]:
    """Within this block (entered on the main thread), SIGTERM and SIGHUP raise `Terminated` there; the
    handlers found are put back on leaving (the tests call `main` in-process)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {sig: signal.signal(sig, _raise) for sig in HANGUPS}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def interrupt_honoured() -> Iterator[None]:
    """Within this block (entered on the main thread), SIGINT raises KeyboardInterrupt, as Ctrl+C does, even
    where the program was started with SIGINT ignored: a shell without job control (a script, `script -c`)
    starts `assistant demo &` so, and Python keeps an ignored SIGINT ignored, so that `kill -INT` and Ctrl+C
    on its terminal did nothing. The ignoring is put back on leaving."""
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.SIG_IGN):
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


_closed = threading.Event()


def reset() -> None:
    """A new run of `main` (the tests run several in one process) starts with standard output open."""
    _closed.clear()


def stdout_closed() -> bool:
    """Whether the reader of standard output has gone (a pipe closed)."""
    return _closed.is_set()


def close_stdout() -> None:
    """The reader of standard output has gone: whatever is still written goes nowhere, quietly (the
    interpreter's own flush at exit included). Any thread may call it."""
    _closed.set()
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real descriptor (a test's capture): nothing to silence
        pass


def write_line(text: str) -> bool:
    """Print one line and flush it; False (and standard output silenced) when its reader has gone."""
    if _closed.is_set():
        return False
    try:
        print(text, flush=True)
        return True
    except BrokenPipeError:
        close_stdout()
        return False
