"""`assistant bench detector`: the people-and-objects detector on the COCO dev photos. Model time per frame
at one thread (the SSD in fp32 and int8, BlazeFace, human's CenterNet in fp32 and int8, the merge), what
the live channel costs a second, and a listener's table (`bench.cocodev`): things named, names really
there, people found, the nearest person found, for each model alone, merged, live, and merged with levels
cross-validated (fitted without the photos they judge). The int8 CenterNet is built into a temporary
folder when `assistant models build` did not build it (it takes about a minute)."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from assistant.bench import cocodev
from assistant.bench.timing import table
from assistant.capture.images import read_image
from assistant.config import Config
from assistant.paths import dev_data_dir
from assistant.vision.centernet import INT8_MODEL, MODEL, decode, model_input
from assistant.vision.detector import ObjectDetector
from assistant.vision.manifest import ModelError, model_entry, verified_path
from assistant.vision.merge import AGREE, Hit
from assistant.vision.runtime import cpu_session
from assistant.vision.things import COCO_THINGS

SSD_FP32 = "oidv4-ssd"


def _int8_centernet(tmp: Path, limit: int | None) -> Path:
    try:
        return verified_path(model_entry(INT8_MODEL))
    except ModelError:
        from assistant.build.centernet import quantize_centernet

        views = f"the first {limit} calibration views" if limit else "every calibration view (about a minute)"
        print(f"{INT8_MODEL} is not built: quantizing it into a temporary folder, on {views}.", flush=True)
        target = tmp / f"{INT8_MODEL}.onnx"
        quantize_centernet(verified_path(model_entry(MODEL)), target, limit)
        return target


def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def int8_photos(folder: Path, photos: list[cocodev.Photo], path: Path, ms: list[float]) -> list[cocodev.Photo]:
    """The photos with the int8 CenterNet's hits in place of the fp32 one's (its time per photo into `ms`)."""
    session = cpu_session(path, 1, fixed_shape=True)
    out = []
    for p in photos:
        image = read_image(folder / p.file)
        x = model_input(image)
        started = time.perf_counter()
        heat, wh = session.run(["keypoints", "wh"], {"images": x})
        ms.append((time.perf_counter() - started) * 1000)
        hits = decode(heat[0], wh[0], p.width, p.height, AGREE, across_classes=False)
        out.append(cocodev.Photo(p.file, p.width, p.height, p.objects,
                                 [Hit(COCO_THINGS[h.cls], h.score, h.box, "coco") for h in hits], p.ssd, p.faces))
    return out


def run(args: argparse.Namespace, config: Config) -> int:
    folder = dev_data_dir() / "coco-dev"
    if not (folder / "gt.jsonl").exists():
        print(f"The COCO dev set is not at {folder}; this benchmark needs it.")
        return 1
    detector = ObjectDetector(threads=1)
    fp32 = cpu_session(verified_path(model_entry(SSD_FP32)), 1, fixed_shape=True)
    first = read_image(next(folder.glob("*.jpg")))
    for _ in range(3):  # warm-up
        detector.detect(first)
    ms: dict[str, list[float]] = {}
    photos = cocodev.load_photos(folder, detector, args.frames or None, ms)
    ssd_in = np.zeros((1, 3, 300, 300), np.float32)
    ms["ssd fp32"] = [_timed(lambda: fp32.run(None, {fp32.get_inputs()[0].name: ssd_in})) for _ in photos]
    ms["detect"] = [_timed(lambda: detector.detect(cv2.resize(first, (640, 480)))) for _ in photos[:20]]
    with tempfile.TemporaryDirectory(prefix="assistant-bench-centernet-") as tmp:
        int8 = int8_photos(folder, photos, _int8_centernet(Path(tmp), args.frames or None),
                           ms.setdefault("coco int8", []))
    print_times({k: statistics.median(v) for k, v in ms.items()}, len(photos), config.vision.detect_rate,
                config.vision.coco_rate)
    print_scores(photos, int8)
    return 0


def print_times(med: dict[str, float], photos: int, detect_rate: float, coco_rate: float) -> None:
    live = detect_rate * (med["face"] + med["merge"]) + coco_rate * (med["coco"] + med["ssd"])
    print(f"Detector, one thread, median of {photos} COCO dev photos")
    print(table(["part", "ms/frame"], [
        ["SSD-MobileNetV2 Open Images, 300 x 300, fp32", f"{med['ssd fp32']:.1f}"],
        ["SSD-MobileNetV2 Open Images, 300 x 300, int8 (used)", f"{med['ssd']:.1f}"],
        ["BlazeFace full range, 192 x 192", f"{med['face']:.1f}"],
        ["CenterNet COCO (human), 512 x 512, fp32 (used)", f"{med['coco']:.1f}"],
        ["CenterNet COCO (human), 512 x 512, int8", f"{med['coco int8']:.1f}"],
        ["merging the three", f"{med['merge']:.2f}"],
        ["detect(): all three on a 640 x 480 frame, decoding, merging", f"{med['detect']:.1f}"],
    ]))
    print(f"\nint8 speed-up over fp32: SSD {med['ssd fp32'] / med['ssd']:.2f}x, "
          f"CenterNet {med['coco'] / med['coco int8']:.2f}x")
    print(f"Live objects channel, at most (a view that never settles): faces {detect_rate:g} times a second, "
          f"CenterNet and the SSD {coco_rate:g}: {live:.0f} ms a second, {live / 10:.0f}% of one core")


def print_scores(photos: list[cocodev.Photo], int8: list[cocodev.Photo]) -> None:
    merged = cocodev.judge(photos, cocodev.merged())
    print(f"Person in the photo (merged): recall {merged.person_found:.3f} (target >= 0.80), "
          f"precision {merged.person_right:.3f} (target >= 0.85); issue 22 asks 0.85 and 0.90 (the table)")
    rows = [
        ["CenterNet alone", *cocodev.judge(photos, cocodev.merged(ssd=False, faces=False)).row()],
        ["CenterNet int8 alone", *cocodev.judge(int8, cocodev.merged(ssd=False, faces=False)).row()],
        ["SSD alone", *cocodev.judge(photos, cocodev.merged(coco=False, faces=False)).row()],
        ["BlazeFace alone", *cocodev.judge(photos, cocodev.merged(coco=False, ssd=False)).row()],
        ["merged (detect, describe, live)", *merged.row()],
        ["merged, levels cross-validated", *cocodev.cross_validate(photos).row()],
        cocodev.TARGETS,
    ]
    print(f"\nCOCO dev photos ({len(photos)}), image level: a thing is a class filling >= 2% of a photo; "
          "cross-validated: levels fitted on 7/8 of the photos, judged on the rest, 8 folds x 5 shuffles")
    print(table(cocodev.HEADER, rows))
