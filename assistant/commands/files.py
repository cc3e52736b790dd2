"""Image files named on the command line (each readable one in order, each unreadable one reported in one
line), and the files a command will write, checked before anything is written."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from assistant.capture.images import ImageError, read_image
from assistant.i18n import _
from assistant.paths import existing_file, writable_file_problem
from assistant.textout import json_line, plain


def _error_line(path: Path, message: str, as_json: bool) -> None:
    """A per-file error: on stdout in JSON mode (so a pipe sees every file), else on stderr."""
    if as_json:
        print(json_line({"file": str(path), "error": message}), flush=True)
    else:
        line = message if message.startswith(str(path)) else f"{path}: {message}"
        print(plain(line), file=sys.stderr, flush=True)


class ImageFiles:
    """The readable images among `paths`, in order; each unreadable one gets its error line and is counted."""

    def __init__(self, paths: list[Path], as_json: bool) -> None:
        self.paths, self.as_json, self.failures = paths, as_json, 0

    def __iter__(self) -> Iterator[tuple[Path, np.ndarray]]:
        for path in self.paths:
            try:
                image = read_image(path)
            except ImageError as exc:
                self.failures += 1
                _error_line(path, str(exc), self.as_json)
                continue
            yield path, image

    @property
    def status(self) -> int:
        return 1 if self.failures == len(self.paths) else 0


def output_problem(args: argparse.Namespace) -> str | None:
    """Why one of the files or folders the command should write (--wav, --transcript, --save-dir) cannot be
    written, in one sentence; None when they all can. Only a regular file is written: a device, a FIFO or a
    folder is refused and left as it is. An existing file that will be replaced by a new one is said so, on
    stderr, first (`--append` keeps a transcript and adds to it)."""
    if getattr(args, "wav", None) is not None and getattr(args, "wav_realtime", None) is not None:
        return "--wav and --wav-realtime: choose one."
    for flag in ("wav", "wav_realtime", "transcript"):
        path = getattr(args, flag, None)
        if path is None:
            continue
        name = f"--{flag.replace('_', '-')}"
        append = flag == "transcript" and bool(getattr(args, "append", False))
        problem = writable_file_problem(Path(path), append)
        if problem is not None:
            return plain(f"{name}: {problem}")
        if not append and existing_file(Path(path)):
            said = (_("{flag}: {path} exists; it is replaced by a new file (--append adds to it instead).")
                    if flag == "transcript" else _("{flag}: {path} exists; it is replaced by a new file."))
            print(plain(said.format(flag=name, path=path)), file=sys.stderr, flush=True)
    save_dir = getattr(args, "save_dir", None)
    if save_dir is not None and Path(save_dir).exists() and not Path(save_dir).is_dir():
        return plain(_("--save-dir: {path} is a file, not a folder: choose a folder to keep the pages in.").format(
            path=save_dir))
    return None
