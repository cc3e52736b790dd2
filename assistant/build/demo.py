"""Building the demo clip: a short video, assembled from real photographs that scikit-image ships, that the live
assistant can run on where there is no camera. `assistant models build` writes it to `models/demo/`.

Scenes: a cat, a cup of espresso, a page of text, a motorcycle, a person (the astronaut), three cups on a
table, then the espresso again in near darkness. Each is held for a few seconds with a pixel or two of
hand shake and sensor noise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from assistant.demo import CLIP, FPS, INFO

SIZE = (640, 480)


@dataclass(frozen=True)
class Scene:
    name: str
    seconds: float
    expect: str  # what the assistant should say about it: a spoken label, "text", or "dark"


SCENES = (
    Scene("chelsea", 4.0, "cat"),
    Scene("coffee", 4.0, "espresso"),
    Scene("page", 5.0, "text"),
    Scene("motorcycle", 4.0, "moped"),
    Scene("astronaut", 4.0, "person"),
    Scene("table", 4.0, "cup"),
    Scene("dark", 3.0, "dark"),
)


def _fit(image: np.ndarray, background: int = 0) -> np.ndarray:
    """Scale the photo to fill the frame (cropping the overflow), like a camera pointed at it."""
    h, w = image.shape[:2]
    scale = max(SIZE[0] / w, SIZE[1] / h)
    resized = cv2.resize(image, (int(round(w * scale)), int(round(h * scale))), interpolation=cv2.INTER_AREA)
    y, x = (resized.shape[0] - SIZE[1]) // 2, (resized.shape[1] - SIZE[0]) // 2
    return np.ascontiguousarray(resized[y : y + SIZE[1], x : x + SIZE[0]])


def _page() -> np.ndarray:
    """scikit-image's scanned page, held so it fills most of the view."""
    from skimage import data

    page = cv2.cvtColor(np.asarray(data.page()), cv2.COLOR_GRAY2BGR)
    canvas = np.full((SIZE[1], SIZE[0], 3), 200, dtype=np.uint8)
    scaled = cv2.resize(page, None, fx=1.55, fy=1.55, interpolation=cv2.INTER_CUBIC)
    y, x = (SIZE[1] - scaled.shape[0]) // 2, (SIZE[0] - scaled.shape[1]) // 2
    canvas[y : y + scaled.shape[0], x : x + scaled.shape[1]] = scaled
    return canvas


def _table() -> np.ndarray:
    """Three cups of espresso (scikit-image's `coffee`) side by side on a plain brown table top."""
    from skimage import data

    table = np.full((SIZE[1], SIZE[0], 3), (60, 90, 140), dtype=np.uint8)
    cup = cv2.resize(cv2.cvtColor(np.asarray(data.coffee()), cv2.COLOR_RGB2BGR)[40:360, 60:520], (200, 140),
                     interpolation=cv2.INTER_AREA)
    for x in (10, 220, 430):
        table[250:390, x : x + 200] = cup
    return table


def scene_image(name: str) -> np.ndarray:
    from skimage import data

    if name == "page":
        return _page()
    if name == "table":
        return _table()
    if name == "motorcycle":
        rgb = np.asarray(data.stereo_motorcycle()[0])
    elif name == "dark":
        return (_fit(cv2.cvtColor(np.asarray(data.coffee()), cv2.COLOR_RGB2BGR)) * 0.08).astype(np.uint8)
    else:
        rgb = np.asarray(getattr(data, name)())
    return _fit(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))


def frames() -> list[tuple[str, np.ndarray]]:
    rng = np.random.default_rng(7)
    out = []
    for scene in SCENES:
        still = scene_image(scene.name)
        for _ in range(int(scene.seconds * FPS)):
            dx, dy = rng.uniform(-1.5, 1.5, size=2)
            shift = np.array([[1, 0, dx], [0, 1, dy]], dtype=np.float32)
            frame = cv2.warpAffine(still, shift, SIZE, borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
            frame += rng.standard_normal(size=frame.shape, dtype=np.float32) * 1.5
            out.append((scene.name, np.clip(frame, 0, 255).astype(np.uint8)))
    return out


def build(directory: Path) -> Path:
    """Write the clip (Motion-JPEG AVI) and its scene list; returns the clip's path."""
    directory.mkdir(parents=True, exist_ok=True)
    clip = directory / CLIP
    tmp = directory / ("tmp-" + CLIP)
    writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter.fourcc(*"MJPG"), FPS, SIZE)
    if not writer.isOpened():
        raise RuntimeError("OpenCV cannot write the demo clip (no MJPG writer)")
    for _, frame in frames():
        writer.write(frame)
    writer.release()
    tmp.replace(clip)
    start = 0.0
    info = []
    for scene in SCENES:
        info.append({"name": scene.name, "start": start, "seconds": scene.seconds, "expect": scene.expect})
        start += scene.seconds
    (directory / INFO).write_text(json.dumps({"fps": FPS, "scenes": info}, indent=1), encoding="utf-8")
    return clip
