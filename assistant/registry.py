"""Lazy registries and what their entries must have.

A back-end is named by a "module:Class" string and imported only when it is used, so a broken or missing
optional back-end cannot stop the others, and listing names costs nothing. Each registry has a `Contract`:
the members its entries must have, and the optional ones with the safe default the loader gives an entry
that lacks them (a channel written without `seen()` is a channel that tracks nothing, not a crash). A test
checks every entry of every registry against its contract.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


def load_class(spec: str) -> Any:
    """The object named by "package.module:Name"; ImportError when its module cannot be imported. Its type is
    not known here: its registry's `Contract` checks what it has."""
    module_name, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module_name), attr)


class ContractError(TypeError):
    """A registry entry that lacks what its registry needs; the message names the entry and what it lacks."""


@dataclass(frozen=True)
class Contract:
    """What an entry of one registry must have (`required`), and what it may leave out (`optional`: name ->
    a factory taking the entry and giving the default, so a method's default can be bound to it)."""

    what: str
    required: tuple[str, ...]
    optional: dict[str, Callable[[Any], object]] = field(default_factory=dict)

    def lacks(self, entry: object) -> list[str]:
        """The required members `entry` (a class or an instance) does not have."""
        return [name for name in self.required if not hasattr(entry, name)]

    def check(self, entry: object, spec: str) -> None:
        missing = self.lacks(entry)
        if missing:
            raise ContractError(f"The {self.what} {spec} has no {', '.join(missing)}: see docs/developers.md.")

    def conform(self, entry: T, spec: str) -> T:
        """`entry` (an instance), checked, with the defaults of the optional members it lacks."""
        self.check(entry, spec)
        for name, default in self.optional.items():
            if not hasattr(entry, name):
                setattr(entry, name, default(entry))
        return entry


def construct(cls: Callable[..., T], *args: object, **options: object) -> T:
    """`cls(*args, **options)`, leaving out the options its constructor does not take (an entry written
    before an option existed still loads)."""
    try:
        parameters = inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return cls(*args, **options)
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return cls(*args, **options)
    return cls(*args, **{k: v for k, v in options.items() if k in parameters})
