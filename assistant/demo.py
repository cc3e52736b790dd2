"""The demo clip at run time: where it is and what is in it. `assistant models build` makes it
(`assistant/build/demo.py`) from photographs that scikit-image ships."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.paths import models_dir

FPS = 10.0
CLIP = "demo.avi"
INFO = "demo.json"


def clip_path() -> Path:
    return models_dir() / "demo" / CLIP


def scene_list() -> list[dict[str, Any]]:
    """The clip's scenes in order: name, start and length in seconds, and what should be said."""
    return list(json.loads((clip_path().parent / INFO).read_text(encoding="utf-8"))["scenes"])
