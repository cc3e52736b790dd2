"""Read a PyTorch state dict in the legacy (pre-1.6, non-zip) serialization with pickle and numpy only.

The legacy file is five pickles in a row: magic number, protocol version, system info, the object
(tensors refer to storages by persistent id), and the list of storage keys; then each storage's raw
bytes, each preceded by its element count as a little-endian int64. Tensors can have any strides
(weights converted from TensorFlow are often channels-last), so each is rebuilt with its strides and
copied to a contiguous array.
"""

from __future__ import annotations

import collections
import pickle
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C

_STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class TorchFileError(ValueError):
    """The file is not a legacy PyTorch state dict this reader understands."""


@dataclass
class _Storage:
    dtype: Any
    size: int
    data: np.ndarray | None = None


@dataclass
class _TensorRef:
    storage: _Storage
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]

    def array(self) -> np.ndarray:
        assert self.storage.data is not None
        base = self.storage.data
        item = base.itemsize
        view = np.lib.stride_tricks.as_strided(
            base[self.offset :],
            shape=self.shape,
            strides=tuple(s * item for s in self.stride),
            writeable=False,
        )
        return np.ascontiguousarray(view)


def _rebuild_tensor(storage: _Storage, offset: int, shape: Any, stride: Any, *_: Any) -> _TensorRef:
    return _TensorRef(storage, int(offset), tuple(shape), tuple(stride))


class _Unpickler(pickle.Unpickler):
    """Resolves only the handful of globals a state dict needs; anything else is refused."""

    def __init__(self, fh: IO[bytes]) -> None:
        super().__init__(fh)
        self.storages: dict[str, _Storage] = {}

    def find_class(self, module: str, name: str) -> Any:
        if module == "torch" and name in _STORAGE_DTYPES:
            return name
        if module == "torch._utils" and name in ("_rebuild_tensor", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        raise TorchFileError(f"unexpected object in weights file: {module}.{name}")

    def persistent_load(self, pid: Any) -> _Storage:
        if not (isinstance(pid, tuple) and pid and pid[0] == "storage"):
            raise TorchFileError(f"unexpected persistent id {pid!r}")
        _, storage_type, key, _location, size = pid[:5]
        if key not in self.storages:
            self.storages[key] = _Storage(_STORAGE_DTYPES[storage_type], int(size))
        return self.storages[key]


def load_state_dict(path: Path) -> dict[str, np.ndarray]:
    """Parse a legacy PyTorch state dict into name -> contiguous numpy array."""
    with open(path, "rb") as fh:
        if pickle.load(fh) != LEGACY_MAGIC:
            raise TorchFileError(f"{path} is not a legacy PyTorch file (bad magic number)")
        pickle.load(fh)  # protocol version
        sys_info = pickle.load(fh)
        if not sys_info.get("little_endian", True):
            raise TorchFileError(f"{path} is big-endian; not supported")
        unpickler = _Unpickler(fh)
        obj = unpickler.load()
        keys = pickle.load(fh)
        for key in keys:
            storage = unpickler.storages[key]
            (count,) = struct.unpack("<q", fh.read(8))
            nbytes = count * np.dtype(storage.dtype).itemsize
            raw = fh.read(nbytes)
            if len(raw) != nbytes:
                raise TorchFileError(f"{path} is truncated")
            storage.data = np.frombuffer(raw, dtype=storage.dtype)
    if not isinstance(obj, dict):
        raise TorchFileError(f"{path} does not hold a state dict")
    return {name: ref.array() for name, ref in obj.items() if isinstance(ref, _TensorRef)}
