"""An independent PyTorch (eager) build of EfficientNet-Lite0 from the same state dict: the baseline for
`assistant bench classifier` and the reference of the parity test. Batch norm is not folded here and
padding uses torch's own ops, so it checks the ONNX builder rather than repeating it. Needs torch,
which the product does not depend on.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assistant.build.effnet import BN_EPS, LITE0_STAGES, same_pads


class TorchLite0:
    def __init__(self, state: dict[str, np.ndarray]) -> None:
        import torch

        self.torch = torch
        self.F = torch.nn.functional
        self.t = {k: torch.from_numpy(v.copy()) for k, v in state.items()}

    def _conv(self, h: Any, name: str, stride: int, groups: int = 1) -> Any:
        w = self.t[name]
        before, after, _ = same_pads(h.shape[-1], w.shape[-1], stride)
        h = self.F.pad(h, [before, after, before, after])
        return self.F.conv2d(h, w, None, stride, 0, 1, groups)

    def _bn(self, h: Any, name: str) -> Any:
        t = self.t
        return self.F.batch_norm(h, t[f"{name}.running_mean"], t[f"{name}.running_var"], t[f"{name}.weight"],
                                 t[f"{name}.bias"], False, 0.0, BN_EPS)

    def forward(self, x: Any) -> Any:
        F = self.F
        h = F.relu6(self._bn(self._conv(x, "_conv_stem.weight", 2), "_bn0"))
        index, channels = 0, 32
        for stage in LITE0_STAGES:
            for r in range(stage.repeats):
                p, stride, inp = f"_blocks.{index}", (stage.stride if r == 0 else 1), h
                if stage.expand != 1:
                    h = F.relu6(self._bn(self._conv(h, f"{p}._expand_conv.weight", 1), f"{p}._bn0"))
                h = F.relu6(self._bn(self._conv(h, f"{p}._depthwise_conv.weight", stride, groups=h.shape[1]),
                                     f"{p}._bn1"))
                h = self._bn(self._conv(h, f"{p}._project_conv.weight", 1), f"{p}._bn2")
                if stride == 1 and channels == stage.out_channels:
                    h = h + inp
                channels, index = stage.out_channels, index + 1
        h = F.relu6(self._bn(self._conv(h, "_conv_head.weight", 1), "_bn1"))
        return F.linear(h.mean(dim=(2, 3)), self.t["_fc.weight"], self.t["_fc.bias"])

    def __call__(self, x: np.ndarray) -> np.ndarray:
        with self.torch.no_grad():
            return self.forward(self.torch.from_numpy(x)).numpy()  # type: ignore[no-any-return]
