"""Image files as frames: read safely, never a crash, and checked to be usable BGR images."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np


class ImageError(ValueError):
    """An image that cannot be used: unreadable file, empty or malformed frame."""


def check_frame(frame: object) -> np.ndarray:
    """A usable BGR frame (H, W, 3) uint8, or ImageError saying what is wrong with it."""
    if not isinstance(frame, np.ndarray) or frame.size == 0:
        raise ImageError("empty frame")
    if frame.ndim == 2:
        frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    elif frame.ndim == 3 and frame.shape[2] == 4:
        frame = cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
    if frame.ndim != 3 or frame.shape[2] != 3 or min(frame.shape[:2]) < 8:
        raise ImageError(f"unusable frame of shape {frame.shape}")
    if frame.dtype != np.uint8:
        frame = np.clip(frame, 0, 255).astype(np.uint8)
    return frame


MAX_DECODE_PIXELS = 80_000_000  # larger images are refused before decoding (or decoded reduced: JPEG)
MAX_PIXELS = 16_000_000  # decoded images are scaled down to at most this many pixels (4000 x 4000)
_REDUCED = ((2, cv2.IMREAD_REDUCED_COLOR_2), (4, cv2.IMREAD_REDUCED_COLOR_4), (8, cv2.IMREAD_REDUCED_COLOR_8))


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG, JPEG or BMP header without decoding; None for other formats."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:2] == b"BM" and len(data) >= 26:
        return abs(int.from_bytes(data[18:22], "little", signed=True)), abs(
            int.from_bytes(data[22:26], "little", signed=True))
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
                i += 1 if marker == 0xFF else 2
                continue
            length = int.from_bytes(data[i + 2:i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                return int.from_bytes(data[i + 7:i + 9], "big"), int.from_bytes(data[i + 5:i + 7], "big")
            i += 2 + length
    return None


def fit_pixels(image: np.ndarray, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """`image` scaled down (area averaging) to at most `max_pixels`; as it is when it is that small."""
    h, w = image.shape[:2]
    if h * w <= max_pixels:
        return image
    scale = (max_pixels / (h * w)) ** 0.5
    size = (max(1, int(w * scale)), max(1, int(h * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def read_image(path: Path) -> np.ndarray:
    """Read an image file as BGR, at most `MAX_PIXELS` (bounded memory whatever the file); ImageError (never
    a crash) when it cannot be read."""
    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError as exc:
        raise ImageError(f"cannot open {path}: {exc.strerror or exc}") from exc
    flags = cv2.IMREAD_COLOR
    size = image_size(data[:1 << 16].tobytes())
    if size is not None and size[0] * size[1] > MAX_DECODE_PIXELS:
        reduced = next((f for k, f in _REDUCED if size[0] * size[1] / (k * k) <= MAX_DECODE_PIXELS), None)
        if data[:2].tobytes() != b"\xff\xd8" or reduced is None:  # only JPEG decodes reduced without the full image
            raise ImageError(f"{path} is too large to read ({size[0]} x {size[1]} pixels; at most "
                             f"{MAX_DECODE_PIXELS // 1_000_000} megapixels): scale it down first")
        flags = reduced
    image = cv2.imdecode(data, flags) if data.size else None
    if image is None:
        raise ImageError(f"{path} is not an image that can be read")
    return fit_pixels(check_frame(image))
