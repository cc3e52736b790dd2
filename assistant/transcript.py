"""What the assistant said, for a screen reader and for the record: one line per utterance on stdout, and
one JSON line per utterance (time, kind, text, priority) in the transcript file."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from assistant.common import Kind
from assistant.i18n import _
from assistant.paths import private_open
from assistant.speech.queue import Utterance
from assistant.textout import plain, printable


def print_utterance(item: Utterance) -> None:
    """What is said goes to stdout, one utterance a line, so a screen reader or a pipe can follow it."""
    if item.kind is not Kind.EARCON:
        print(printable(item.text), flush=True)


class Transcript:
    """One JSON line per utterance. Thread contract: `write` from any thread (the speech thread)."""

    def __init__(self, path: Path | None, clock: Callable[[], float] = time.time, append: bool = False) -> None:
        self.fh: IO[str] | None = private_open(path, "a" if append else "w") if path else None
        self.path = path
        self.clock = clock
        self.lock = threading.Lock()
        self.failed = False

    def write(self, item: Utterance) -> None:
        """Add one line; should the file stop taking lines (a full disk), that is said once on stderr and the
        transcript ends there: what is said is still heard."""
        if self.fh is None:
            return
        line = json.dumps({"time": round(self.clock(), 3), "kind": item.tag, "text": item.text,
                           "priority": item.priority.name})
        with self.lock:
            if self.failed:
                return
            try:
                self.fh.write(line + "\n")
                self.fh.flush()
            except OSError as exc:
                self.failed = True
                print(plain(_("The transcript stops here: {file} cannot be written ({why}).").format(
                    file=self.path, why=exc.strerror or exc)), file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.fh is not None:
            try:
                self.fh.close()
            except OSError:  # the last lines could not be written: said already, or lost with the disk
                pass
