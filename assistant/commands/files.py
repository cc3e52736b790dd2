"""Image files named on the command line: each readable one in order, each unreadable one reported."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from assistant.capture.images import ImageError, read_image


def _error_line(path: Path, message: str, as_json: bool) -> None:
    """A per-file error: on stdout in JSON mode (so a pipe sees every file), else on stderr."""
    if as_json:
        print(json.dumps({"file": str(path), "error": message}), flush=True)
    else:
        print(f"{path}: {message}", file=sys.stderr, flush=True)


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
