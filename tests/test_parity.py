"""Parity: the fp32 ONNX model against an independent PyTorch build of the same network and weights.

Skipped where torch is absent (`pip install torch==2.13.0` brings a CPU build on these machines).
"""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest

from assistant.build import models as modelbuild
from assistant.build.torchfile import load_state_dict
from assistant.paths import models_dir
from assistant.vision import preprocess

pytest.importorskip("torch")


def test_fp32_onnx_matches_torch_on_real_photos(imagenet_dev):
    from assistant.bench.torchref import TorchLite0

    reference = TorchLite0(load_state_dict(modelbuild.weights_path()))
    session = ort.InferenceSession(str(models_dir() / "lite0-fp32.onnx"), providers=["CPUExecutionProvider"])
    agree = 0
    for image, truth, _ in imagenet_dev[::10]:
        x = preprocess.to_tensor(image, 224)
        ours = session.run(None, {"image": x})[0]
        ref = reference(x)
        np.testing.assert_allclose(ours, ref, atol=1e-4, rtol=0)
        agree += int(ref.argmax() == truth)
    assert agree >= 17  # of 20 photos: the reference itself recognises them
