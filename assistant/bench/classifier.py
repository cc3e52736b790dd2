"""`assistant bench classifier`: ms per frame of every variant at 1 and 2 threads, against fp32 ONNX
and (where torch is installed) PyTorch eager, in the same run, on real photographs."""

from __future__ import annotations

import argparse
import itertools
import os

from assistant.bench.timing import median_ms, table
from assistant.build import calibration
from assistant.config import Config
from assistant.paths import models_dir
from assistant.vision import preprocess
from assistant.vision.classifier import Classifier
from assistant.vision.manifest import ModelError, read_manifest


def run(args: argparse.Namespace, config: Config) -> int:
    runs = args.frames or 200
    try:
        manifest = read_manifest()["models"]
    except ModelError as exc:
        print(exc)
        return 1
    photos = calibration.sample_photos()
    results: dict[tuple[str, int], float] = {}
    rows = []
    classifiers = [name for name, entry in manifest.items() if "labels" in entry]
    for name, threads in itertools.product(classifiers, (1, 2)):
        classifier = Classifier(name, threads)
        tensors = itertools.cycle([preprocess.to_tensor(p, classifier.input_size) for p in photos])
        session = classifier.session
        ms = median_ms(lambda: session.run(None, {"image": next(tensors)}), runs)
        results[(name, threads)] = ms
        size = os.path.getsize(models_dir() / manifest[name]["file"]) / 1e6
        rows.append([name, threads, f"{ms:.2f}", f"{size:.1f}", f"{manifest[name].get('top1', 0):.1%}"])
    torch_ms: dict[int, float] = {}
    try:
        import torch

        from assistant.bench.torchref import TorchLite0
        from assistant.build.models import weights_path
        from assistant.build.torchfile import load_state_dict

        model = TorchLite0(load_state_dict(weights_path()))
        tensors = itertools.cycle([preprocess.to_tensor(p, 224) for p in photos])
        for threads in (1, 2):
            torch.set_num_threads(threads)
            torch_ms[threads] = median_ms(lambda: model(next(tensors)), max(20, runs // 4))
            rows.append(["pytorch-eager-fp32", threads, f"{torch_ms[threads]:.2f}", "-", "-"])
    except ImportError:
        rows.append(["pytorch-eager-fp32", "-", "torch not installed", "-", "-"])
    print(f"Classifier, model time per frame, median of {runs} frames after warm-up (real photos)")
    print(table(["model", "threads", "ms/frame", "MB", "top-1 (dev)"], rows))
    print()
    ratio_rows = []
    for threads in (1, 2):
        int8, fp32 = results[("lite0-int8", threads)], results[("lite0-fp32", threads)]
        line = [threads, f"{fp32 / int8:.2f}x"]
        line.append(f"{torch_ms[threads] / int8:.2f}x" if threads in torch_ms else "n/a")
        ratio_rows.append(line)
    print(table(["threads", "int8 speed-up vs fp32 ONNX", "int8 speed-up vs PyTorch eager"], ratio_rows))
    target = results[("lite0-int8", 1)]
    speedup = results[("lite0-fp32", 1)] / target
    print(f"\nTarget: lite0-int8 at 224 on 1 thread <= 6 ms: {target:.2f} ms "
          f"({'met' if target <= 6 else 'NOT met'}); >= 1.4x fp32: {speedup:.2f}x "
          f"({'met' if speedup >= 1.4 else 'NOT met'})")
    return 0
