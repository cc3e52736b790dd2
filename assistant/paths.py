"""Where the project's files live: models, voices, user data. Nothing here touches the network."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


def models_dir() -> Path:
    """Built models and their manifest (`ASSISTANT_MODELS_DIR` overrides)."""
    return Path(os.environ.get("ASSISTANT_MODELS_DIR") or PROJECT_DIR / "models")


def voices_dirs() -> list[Path]:
    """Folders searched for Piper voices: the project's `voices/`, then the user's data folder."""
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return [PROJECT_DIR / "voices", Path(data_home) / "assistant" / "voices"]


def dev_data_dir() -> Path:
    """The shared test photographs beside the checkout; only tests and benchmarks use them."""
    return Path(os.environ.get("ASSISTANT_DEV_DATA") or PROJECT_DIR.parent / "shared" / "data")
