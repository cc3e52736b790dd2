"""Parity: the fp32 ONNX model against an independent PyTorch build of the same network and weights.

Skipped where torch is absent (`pip install torch==2.13.0` brings a CPU build on these machines).
The reference here does not fold batch norm and pads with torch's own ops, so it checks the builder.
"""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest

from assistant.paths import models_dir
from assistant.vision import modelbuild, preprocess
from assistant.vision.effnet import BN_EPS, LITE0_STAGES, same_pads
from assistant.vision.torchfile import load_state_dict

torch = pytest.importorskip("torch")
F = torch.nn.functional


def reference_forward(sd, x):
    t = {k: torch.from_numpy(v.copy()) for k, v in sd.items()}

    def conv(h, name, stride, groups=1):
        w = t[name]
        before, after, _ = same_pads(h.shape[-1], w.shape[-1], stride)
        h = F.pad(h, [before, after, before, after])
        return F.conv2d(h, w, None, stride, 0, 1, groups)

    def bn(h, name):
        return F.batch_norm(h, t[f"{name}.running_mean"], t[f"{name}.running_var"], t[f"{name}.weight"],
                            t[f"{name}.bias"], False, 0.0, BN_EPS)

    h = F.relu6(bn(conv(x, "_conv_stem.weight", 2), "_bn0"))
    index, channels = 0, 32
    for stage in LITE0_STAGES:
        for r in range(stage.repeats):
            p, stride, inp = f"_blocks.{index}", (stage.stride if r == 0 else 1), h
            if stage.expand != 1:
                h = F.relu6(bn(conv(h, f"{p}._expand_conv.weight", 1), f"{p}._bn0"))
            h = F.relu6(bn(conv(h, f"{p}._depthwise_conv.weight", stride, groups=h.shape[1]), f"{p}._bn1"))
            h = bn(conv(h, f"{p}._project_conv.weight", 1), f"{p}._bn2")
            if stride == 1 and channels == stage.out_channels:
                h = h + inp
            channels, index = stage.out_channels, index + 1
    h = F.relu6(bn(conv(h, "_conv_head.weight", 1), "_bn1"))
    return F.linear(h.mean(dim=(2, 3)), t["_fc.weight"], t["_fc.bias"])


def test_fp32_onnx_matches_torch_on_real_photos(imagenet_dev):
    sd = load_state_dict(modelbuild.weights_path())
    session = ort.InferenceSession(str(models_dir() / "lite0-fp32.onnx"), providers=["CPUExecutionProvider"])
    for image, truth, _ in imagenet_dev[::25]:
        x = preprocess.to_tensor(image, 224)
        ours = session.run(None, {"image": x})[0]
        with torch.no_grad():
            ref = reference_forward(sd, torch.from_numpy(x)).numpy()
        np.testing.assert_allclose(ours, ref, atol=1e-4, rtol=0)
