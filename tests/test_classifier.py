"""The classifier on real photos: accuracy of each variant, int8 against fp32, the CLI and bad input."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from assistant.cli import main
from assistant.vision.classifier import Classifier
from assistant.vision.manifest import ModelError


@pytest.fixture(scope="module")
def fp32():
    return Classifier("lite0-fp32")


@pytest.fixture(scope="module")
def int8():
    return Classifier("lite0-int8")


def accuracy(classifier, photos):
    top1 = top5 = 0
    best = []
    for image, truth, _ in photos:
        order = np.argsort(-classifier.logits(image))
        top1 += int(order[0] == truth)
        top5 += int(truth in order[:5])
        best.append(int(order[0]))
    return top1 / len(photos), top5 / len(photos), best


@pytest.fixture(scope="module")
def fp32_answers(fp32, imagenet_dev):
    """fp32's top-1, top-5 and best class on each dev photo: its accuracy, and what int8 is to agree with."""
    return accuracy(fp32, imagenet_dev)


def test_fp32_accuracy_proves_preprocessing(fp32_answers):
    top1, top5, _ = fp32_answers
    assert top1 >= 0.89, f"fp32 top-1 {top1:.3f}"
    assert top5 >= 0.96


def test_int8_accuracy_and_agreement_with_fp32(fp32_answers, int8, imagenet_dev):
    _, _, fp32_best = fp32_answers
    top1, top5, int8_best = accuracy(int8, imagenet_dev)
    agree = np.mean(np.array(fp32_best) == np.array(int8_best))
    assert top1 >= 0.87, f"int8 top-1 {top1:.3f}"
    assert top5 >= 0.96, f"int8 top-5 {top5:.3f}"
    assert agree >= 0.95, f"int8 agrees with fp32 on {agree:.3f}"


@pytest.mark.parametrize("name", ["lite0-int8-192", "lite0-int8-160"])
def test_smaller_variants_still_recognise(name, imagenet_dev):
    top1, _, _ = accuracy(Classifier(name), imagenet_dev)
    assert top1 >= 0.75, f"{name} top-1 {top1:.3f}"


def test_labels_are_what_people_say(int8, imagenet_dev):
    names = {lb.index: lb for lb in int8.labels}
    assert names[681].spoken == "laptop" and names[681].imagenet_name == "notebook"
    assert names[281].spoken == "cat" and names[898].spoken == "water bottle"
    assert names[207].spoken == "dog" and names[207].category == "animal"
    assert {lb.category for lb in int8.labels} >= {"animal", "food", "vehicle", "furniture", "electronics"}
    image = next(img for img, truth, _ in imagenet_dev if truth == 207)  # golden retriever
    best = int8.classify(image, top_k=3)[0]
    assert best.index == 207 and best.name == "dog" and 0 < best.score <= 1


def test_classify_cli_json_and_bad_files(dev_dir, tmp_path, capsys):
    good = dev_dir / "imagenet-dev" / "n02099601_golden_retriever.JPEG"
    corrupt = tmp_path / "corrupt.jpg"
    corrupt.write_bytes(good.read_bytes()[:200])
    missing = tmp_path / "missing.jpg"
    assert main(["classify", str(corrupt), str(missing), str(good), "--json", "--top", "3"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [ln["file"] for ln in lines] == [str(corrupt), str(missing), str(good)]
    assert "error" in lines[0] and "error" in lines[1]
    result = lines[2]
    assert len(result["labels"]) == 3 and result["ms"] > 0
    assert set(result["labels"][0]) == {"index", "name", "imagenet_name", "score"}
    assert result["labels"][0]["index"] == 207


def test_empty_and_odd_frames_are_refused_cleanly(int8):
    from assistant.capture.images import ImageError

    with pytest.raises(ImageError):
        int8.classify(np.zeros((0, 0, 3), np.uint8))
    gray = np.full((120, 160), 128, np.uint8)
    assert len(int8.classify(gray, top_k=2)) == 2


def test_corrupt_model_names_the_fix(tmp_path, monkeypatch):
    from assistant.paths import models_dir

    for item in models_dir().iterdir():
        if item.is_file():
            shutil.copy(item, tmp_path / item.name)
    data = bytearray((tmp_path / "lite0-int8.onnx").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / "lite0-int8.onnx").write_bytes(bytes(data))
    (tmp_path / "lite0-int8-160.onnx").unlink()
    monkeypatch.setenv("ASSISTANT_MODELS_DIR", str(tmp_path))
    for name in ("lite0-int8", "lite0-int8-160", "no-such-model"):
        with pytest.raises(ModelError) as info:
            Classifier(name)
        assert "assistant models build" in str(info.value)
    assert main(["models", "verify"]) == 1
    (tmp_path / "manifest.toml").unlink()
    with pytest.raises(ModelError, match="assistant models build"):
        Classifier()


def test_describe_json_labels_on_the_dev_photos(int8, imagenet_dev):
    """`describe --json` gives the calibrated classifier's labels whatever the sentence says (test_live): on
    the dev photos a label on >= 60% of them, the best one right >= 97% when said plainly and >= 85% when
    "probably" (issue 30 found labels on 43%, the detector's names taking them out). Measured: 0.725, 0.993
    (139 photos) and 1.0 (6; the harder views of `assistant bench calibration` are where its levels were set)."""
    from assistant.announce.announcer import ranked_by_name
    from assistant.announce.phrasing import said_labels
    from assistant.config import Config

    a = Config().announce
    spoken = [lb.spoken for lb in int8.labels]
    labelled = plain = plain_right = probably = probably_right = 0
    for image, truth, _ in imagenet_dev:
        labels = said_labels(ranked_by_name(int8.detect(image, 10)), a.enter_score)
        if not labels:
            continue
        labelled += 1
        right = labels[0].name == spoken[truth]
        if labels[0].score >= a.sure_score:
            plain, plain_right = plain + 1, plain_right + right
        else:
            probably, probably_right = probably + 1, probably_right + right
    assert labelled / len(imagenet_dev) >= 0.60, labelled
    assert plain_right / plain >= 0.97 and probably_right / probably >= 0.85, (plain_right, plain, probably_right,
                                                                                 probably)
