"""Lazy registries: a back-end is named by a "module:Class" string and imported only when it is used,
so a broken or missing optional back-end cannot stop the others, and listing names costs nothing."""

from __future__ import annotations

import importlib
from typing import Any


def load_class(spec: str) -> Any:
    """The object named by "package.module:Name"; ImportError when its module cannot be imported."""
    module_name, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module_name), attr)
