"""Read TensorFlow.js weights: a weights manifest (a list of groups, each naming its `.bin` shards and the
tensors in them, in order) and the bytes of those shards, into numpy arrays. Used at `models build` only.

Each tensor entry has `name`, `shape`, `dtype` and, for weights stored smaller than they are used, a
`quantization`: `{"dtype": "float16"}` (stored as half floats), or `{"dtype": "uint8" | "uint16", "scale",
"min"}` (stored as integers q, meaning q * scale + min), as tfjs-converter writes them and
`tf.io.decodeWeights` reads them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

STORED = {"float32": np.float32, "int32": np.int32, "bool": np.bool_, "float16": np.float16, "uint8": np.uint8,
          "uint16": np.uint16}


def read_weights(manifest: list[dict[str, Any]], shard: Callable[[str], bytes]) -> dict[str, np.ndarray]:
    """Every tensor of `manifest` (a weights manifest: its groups), name -> array of its `dtype` and shape;
    `shard(path)` gives the bytes of one `.bin` file the manifest names."""
    out: dict[str, np.ndarray] = {}
    for group in manifest:
        data = b"".join(shard(path) for path in group["paths"])
        offset = 0
        for spec in group["weights"]:
            quant = spec.get("quantization") or {}
            stored = STORED[quant.get("dtype", spec["dtype"])]
            count = int(np.prod(spec["shape"], dtype=np.int64))
            size = count * np.dtype(stored).itemsize
            if offset + size > len(data):
                raise ValueError(f"the weights of {spec['name']} run past the end of {group['paths']}")
            raw: np.ndarray = np.frombuffer(data, dtype=stored, count=count, offset=offset)
            offset += size
            if "scale" in quant:  # affine-quantized integers
                values = raw.astype(np.float32) * np.float32(quant["scale"]) + np.float32(quant["min"])
            else:
                values = raw
            out[spec["name"]] = values.astype(STORED[spec["dtype"]]).reshape(spec["shape"])
        if offset != len(data):
            raise ValueError(f"{group['paths']} hold {len(data) - offset} bytes the manifest does not name")
    return out
