"""Frame sources (webcam, video file, folder of images) and the grabber thread that keeps only the newest frame.

The grabber never blocks the pipeline: a queue of one frame, `put_nowait`, the stale frame dropped and
counted. When a camera stops giving frames the grabber reports it once, keeps trying to reopen it every
`reopen_seconds`, and reports when it is back.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from assistant.capture.images import ImageError, read_image
from assistant.i18n import _
from assistant.textout import plain

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}


class FrameSource(Protocol):
    """Where frames come from. Thread contract: used only by the grabber's thread once it has started
    (`open` may be called first from the thread that starts it)."""

    name: str
    paced: bool  # True: frames come at `fps` (files, folders); False: as fast as the device gives them

    def open(self) -> bool: ...

    def read(self) -> np.ndarray | None:
        """The next frame; None when the source has none now (lost, or at its end)."""
        ...

    @property
    def finished(self) -> bool: ...

    def close(self) -> None: ...


class NoSource:
    """No frames at all: a live pipeline whose frames are handed to it step by step (tests, simulations)."""

    name = "no source"
    paced = True
    finished = True

    def open(self) -> bool:
        return False

    def read(self) -> np.ndarray | None:
        return None

    def close(self) -> None:
        return None


class CameraSource:
    """A webcam through OpenCV. Thread contract: that of `FrameSource`."""

    paced = False

    def __init__(self, index: int, width: int = 640, height: int = 480) -> None:
        self.index, self.width, self.height = index, width, height
        self.name = _("camera {index}").format(index=index)  # said in sentences: in the user's language
        self.cap: cv2.VideoCapture | None = None

    def open(self) -> bool:
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
        self.close()
        self.cap = cv2.VideoCapture(self.index)
        if not self.cap.isOpened():
            return False
        self.cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        self.cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        return True

    def read(self) -> np.ndarray | None:
        if self.cap is None:
            return None
        ok, frame = self.cap.read()
        return frame if ok and frame is not None and frame.size else None

    @property
    def finished(self) -> bool:
        return False

    def close(self) -> None:
        if self.cap is not None:
            self.cap.release()
            self.cap = None


class VideoFileSource:
    """A video file, frame by frame. Thread contract: that of `FrameSource`."""

    paced = True

    def __init__(self, path: Path) -> None:
        self.path, self.name = path, str(path)
        self.cap: cv2.VideoCapture | None = None
        self._done = False
        self.frames_read = 0
        self.broken = False  # it stopped before its last frame: damaged or cut short
        self.fps = 0.0  # the file's own frame rate, once open (0 when it does not say)

    def open(self) -> bool:
        self.cap = cv2.VideoCapture(str(self.path))
        if not self.cap.isOpened():
            return False
        self.fps = float(self.cap.get(cv2.CAP_PROP_FPS) or 0.0)
        return True

    def read(self) -> np.ndarray | None:
        if self.cap is None:
            return None
        ok, frame = self.cap.read()
        if not ok or frame is None or not frame.size:
            self._done = True
            count = int(self.cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
            self.broken = count > 0 and self.frames_read < count - 1
            return None
        self.frames_read += 1
        return frame  # type: ignore[no-any-return]

    @property
    def finished(self) -> bool:
        return self._done

    def close(self) -> None:
        if self.cap is not None:
            self.cap.release()


class FolderSource:
    """A folder of images, in name order; an unreadable image is skipped with a log line.
    Thread contract: that of `FrameSource`."""

    paced = True

    def __init__(self, path: Path) -> None:
        self.path, self.name = path, str(path)
        self.files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES) if path.is_dir() else []
        self.position = 0

    def open(self) -> bool:
        return bool(self.files)

    def read(self) -> np.ndarray | None:
        while self.position < len(self.files):
            path = self.files[self.position]
            self.position += 1
            try:
                return read_image(path)
            except ImageError as exc:
                log.warning("Skipped a frame: %s", plain(str(exc)))  # a file name is outside text
        return None

    @property
    def finished(self) -> bool:
        return self.position >= len(self.files)

    def close(self) -> None:
        return None


def open_failure(source: FrameSource) -> str:
    """Why `source` could not be opened, in one sentence that says what to do."""
    if isinstance(source, CameraSource):
        return _("Could not open {camera}. Check the camera, or pass --camera with a video file or a folder.").format(
            camera=source.name)
    if isinstance(source, FolderSource):
        return _("The folder {folder} has no images in it.").format(folder=source.path)
    if isinstance(source, VideoFileSource):
        if not source.path.exists():
            return _("There is no file {file}. Pass --camera with a camera number, a video file or a folder.").format(
                file=source.path)
        return _("{file} is not a video that can be played.").format(file=source.path)
    return _("Could not open {camera}.").format(camera=source.name)


def open_source(spec: str, width: int = 640, height: int = 480) -> FrameSource:
    if spec.isdigit():
        return CameraSource(int(spec), width, height)
    path = Path(spec).expanduser()
    if path.is_dir():
        return FolderSource(path)
    return VideoFileSource(path)


@dataclass
class GrabberStats:
    grabbed: int = 0
    dropped: int = 0
    lost: int = 0


class Grabber:
    """Reads the source on its own thread; `latest()` gives the newest frame and its capture time.
    Thread contract: `latest` is for one consumer (the loop thread); `newest` may be read from any thread
    (it is replaced whole); `on_event` is called on the grabber's thread."""

    def __init__(self, source: FrameSource, fps: float, stop: threading.Event,
                 on_event: Callable[[str], None] = lambda event: None, reopen_seconds: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.source, self.fps, self.stop = source, fps, stop
        self.on_event, self.reopen_seconds, self.clock = on_event, reopen_seconds, clock
        self.frames: queue.Queue[tuple[float, int, np.ndarray]] = queue.Queue(maxsize=1)
        self.stats = GrabberStats()
        self.ended = threading.Event()
        self.newest: tuple[float, int, np.ndarray] | None = None  # for readers that only peek (OCR)
        self._thread = threading.Thread(target=self._run, name="grabber", daemon=True)

    def start(self) -> bool:
        if not self.source.open():
            return False
        self._thread.start()
        return True

    def _put(self, frame: np.ndarray) -> None:
        self.stats.grabbed += 1
        item = (self.clock(), self.stats.grabbed, frame)
        self.newest = item
        try:
            self.frames.put_nowait(item)
        except queue.Full:
            try:
                self.frames.get_nowait()
                self.stats.dropped += 1
            except queue.Empty:
                pass
            self.frames.put_nowait(item)

    def _run(self) -> None:
        # A video plays at its own rate unless told otherwise; a folder of images at 10 a second.
        self.fps = self.fps or float(getattr(self.source, "fps", 0.0) or 0.0) or 10.0
        period = 1.0 / max(0.1, self.fps)
        next_at = time.monotonic()
        lost = False
        while not self.stop.is_set():
            frame = self.source.read()
            if frame is None:
                if self.source.finished:
                    self.on_event("source-broken" if getattr(self.source, "broken", False) else "source-ended")
                    self.ended.set()
                    return
                if not lost:
                    lost = True
                    self.stats.lost += 1
                    self.on_event("camera-lost")
                if self.stop.wait(self.reopen_seconds):
                    return
                self.source.open()
                continue
            if lost:
                lost = False
                self.on_event("camera-back")
            self._put(frame)
            if self.source.paced:
                next_at += period
                delay = next_at - time.monotonic()
                if delay > 0:
                    self.stop.wait(delay)
                else:
                    next_at = time.monotonic()
        self.source.close()

    def latest(self, timeout: float = 0.1) -> tuple[float, int, np.ndarray] | None:
        try:
            return self.frames.get(timeout=timeout)
        except queue.Empty:
            return None

    def join(self, timeout: float = 1.0) -> None:
        if self._thread.is_alive():
            self._thread.join(timeout)
