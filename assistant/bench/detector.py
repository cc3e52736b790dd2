"""`assistant bench detector`: the people-and-objects detector, model time per frame at one thread (the SSD,
the face detector, and the whole `detect` with decoding and merging), median over the COCO dev photos, with
person presence precision and recall on them."""

from __future__ import annotations

import argparse
import json
import statistics
import time

import cv2
import numpy as np

from assistant.bench.timing import table
from assistant.capture.images import read_image
from assistant.config import Config
from assistant.paths import dev_data_dir
from assistant.vision.detector import ObjectDetector

SSD_FP32 = "oidv4-ssd"


def run(args: argparse.Namespace, config: Config) -> int:
    folder = dev_data_dir() / "coco-dev"
    if not (folder / "gt.jsonl").exists():
        print(f"The COCO dev set is not at {folder}; this benchmark needs it.")
        return 1
    rows = [json.loads(line) for line in open(folder / "gt.jsonl", encoding="utf-8")][: args.frames or None]
    images = [read_image(folder / r["file"]) for r in rows]
    detector = ObjectDetector(threads=1)
    fp32 = ObjectDetector(threads=1, model=SSD_FP32).ssd
    ssd_in = np.zeros((1, 3, 300, 300), np.float32)
    face_in = np.zeros((1, 3, 192, 192), np.float32)
    for _ in range(3):  # warm-up
        detector.detect(images[0])
    ssd_ms, fp32_ms, face_ms, all_ms, hits, calls, has_n = [], [], [], [], 0, 0, 0
    for row, image in zip(rows, images):
        started = time.perf_counter()
        detector.ssd.run(None, {detector.ssd.get_inputs()[0].name: ssd_in})
        ssd_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        fp32.run(None, {fp32.get_inputs()[0].name: ssd_in})
        fp32_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        detector.face.run(None, {detector.face.get_inputs()[0].name: face_in})
        face_ms.append((time.perf_counter() - started) * 1000)
        found, ms = detector(cv2.resize(image, (640, 480)) if max(image.shape[:2]) > 640 else image)
        all_ms.append(ms)
        has = any(o["name"] == "person" for o in row["objects"])
        called = any(d.name == "person" for d in found)
        has_n, calls, hits = has_n + has, calls + called, hits + (has and called)
    print(f"Detector, one thread, median of {len(rows)} COCO dev photos")
    print(table(["part", "ms/frame"], [
        ["SSD-MobileNetV2 Open Images, 300 x 300, fp32", f"{statistics.median(fp32_ms):.1f}"],
        ["SSD-MobileNetV2 Open Images, 300 x 300, int8 (used)", f"{statistics.median(ssd_ms):.1f}"],
        ["BlazeFace full range, 192 x 192", f"{statistics.median(face_ms):.1f}"],
        ["detect(): both, decoding, merging", f"{statistics.median(all_ms):.1f}"],
    ]))
    print(f"\nint8 speed-up over fp32: {statistics.median(fp32_ms) / statistics.median(ssd_ms):.2f}x")
    print(f"Person in the photo (int8): recall {hits / max(1, has_n):.3f} (target >= 0.80), "
          f"precision {hits / max(1, calls):.3f} (target >= 0.85)")
    return 0
