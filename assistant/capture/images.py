"""Image files as frames: read safely (bounded memory, never a crash, never a hang) and checked to be usable
BGR images. How large an image is comes from its own header (`imagesize`), before any pixel is decoded."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from assistant.capture.imagesize import HeaderError, read_header
from assistant.i18n import _
from assistant.paths import FileProblem, read_limited


class ImageError(ValueError):
    """An image that cannot be used: unreadable file, empty or malformed frame."""


def check_frame(frame: object) -> np.ndarray:
    """A usable BGR frame (H, W, 3) uint8, or ImageError saying what is wrong with it."""
    if not isinstance(frame, np.ndarray) or frame.size == 0:
        raise ImageError(_("empty frame"))
    if frame.ndim == 2:
        frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    elif frame.ndim == 3 and frame.shape[2] == 4:
        frame = cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
    if frame.ndim != 3 or frame.shape[2] != 3 or min(frame.shape[:2]) < 8:
        raise ImageError(_("unusable frame of shape {shape}").format(shape=frame.shape))
    if frame.dtype != np.uint8:
        frame = np.clip(frame, 0, 255).astype(np.uint8)
    return frame


MAX_FILE_BYTES = 128_000_000  # larger image files are refused before they are read
MAX_DECODE_BYTES = 480_000_000  # what decoding may hold (80 megapixels of PNG or JPEG); JPEG decodes reduced
MAX_PIXELS = 16_000_000  # decoded images are scaled down to at most this many pixels (4000 x 4000)
_REDUCED = ((2, cv2.IMREAD_REDUCED_COLOR_2), (4, cv2.IMREAD_REDUCED_COLOR_4), (8, cv2.IMREAD_REDUCED_COLOR_8))


def fit_pixels(image: np.ndarray, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """`image` scaled down (area averaging) to at most `max_pixels`; as it is when it is that small."""
    h, w = image.shape[:2]
    if h * w <= max_pixels:
        return image
    scale = (max_pixels / (h * w)) ** 0.5
    size = (max(1, int(w * scale)), max(1, int(h * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def read_image(path: Path) -> np.ndarray:
    """Read an image file as BGR, at most `MAX_PIXELS`, in bounded memory whatever the file: only a regular
    file of at most `MAX_FILE_BYTES`, only a format whose header says how large it is, and only when decoding
    it takes at most `MAX_DECODE_BYTES` (a JPEG is decoded reduced instead). ImageError (never a crash, never
    a hang on a FIFO) says in one sentence why it cannot be read."""
    try:
        data = read_limited(path, MAX_FILE_BYTES)
    except FileProblem as exc:
        raise ImageError(str(exc)) from exc
    except MemoryError as exc:
        raise ImageError(f"{path} cannot be read now: there is not enough free memory") from exc
    try:
        header = read_header(data)
    except HeaderError as exc:
        raise ImageError(_("{path} is not an image that can be read ({reason})").format(path=path, reason=exc)) \
            from exc
    flags = cv2.IMREAD_COLOR
    if header.decode_bytes() > MAX_DECODE_BYTES:
        reduced = next((f for k, f in _REDUCED if header.decode_bytes(k) <= MAX_DECODE_BYTES), None) \
            if header.reducible else None
        if reduced is None:
            per_pixel = header.decode_bytes() / (header.width * header.height)
            raise ImageError(_("{path} is too large to read ({width} x {height} pixels; at most {n} megapixels): "
                               "scale it down first").format(path=path, width=header.width, height=header.height,
                                                             n=f"{MAX_DECODE_BYTES / per_pixel / 1e6:.0f}"))
        flags = reduced
    try:
        image = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
        del data  # the file's bytes are not held while the image is scaled
        if image is None:
            raise ImageError(_("{path} is not an image that can be read").format(path=path))
        return fit_pixels(check_frame(image))
    except (cv2.error, MemoryError) as exc:
        if isinstance(exc, cv2.error) and exc.code != cv2.Error.StsNoMem:
            raise ImageError(_("{path} is not an image that can be read ({why})").format(
                path=path, why=exc.err or exc.code)) from exc
        # Memory is short now (other programs, a limit on this one): a smaller image, or later, may work.
        raise ImageError(_("{path} cannot be read now: there is not enough free memory to decode its {width} x "
                           "{height} pixels").format(path=path, width=header.width, height=header.height)) from exc
