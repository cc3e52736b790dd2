"""`assistant bench ocr`: our reader against a stock `RapidOCR()` (default settings), in one run:
median ms on 640x480 camera frames, and CER / word recall on the receipts and the blurred street photos."""

from __future__ import annotations

import argparse
import statistics
import time

from assistant.bench.ocrdata import Score, camera_frames, ground_truth
from assistant.bench.timing import table
from assistant.config import Config
from assistant.paths import dev_data_dir
from assistant.vision.preprocess import read_image


def _stock_text(engine, image) -> str:  # type: ignore[no-untyped-def]
    result, _ = engine(image)
    return "\n".join(r[1] for r in result) if result else ""


def run(args: argparse.Namespace, config: Config) -> int:
    from rapidocr_onnxruntime import RapidOCR

    from assistant.vision.ocr import RapidReader

    ocr_dir = dev_data_dir() / "ocr-dev"
    if not (ocr_dir / "gt.jsonl").exists():
        print(f"The OCR dev set is not at {ocr_dir}; this benchmark needs it.")
        return 1
    ours = RapidReader(max_side=config.vision.ocr_max_side, min_score=config.vision.ocr_min_score)
    stock = RapidOCR()
    readers = {"ours": ours.read, "stock": lambda image: _stock_text(stock, image)}
    frames = camera_frames(ocr_dir)
    rounds = max(1, (args.frames or 36) // len(frames))
    times: dict[str, list[float]] = {name: [] for name in readers}
    for read in readers.values():
        read(frames[0])  # warm-up
    for _ in range(rounds):
        for frame in frames:
            for name, read in readers.items():  # interleaved, so both see the same machine load
                started = time.perf_counter()
                read(frame)
                times[name].append((time.perf_counter() - started) * 1000)
    scores = {(name, source): Score() for name in readers for source in ("sroie", "blur")}
    for source in ("sroie", "blur"):
        for item in ground_truth(ocr_dir, source):
            image = read_image(ocr_dir / item["file"])
            scores[("ours", source)].add(ours.read(image).text, item["text"])
            scores[("stock", source)].add(_stock_text(stock, image), item["text"])
    med = {name: statistics.median(t) for name, t in times.items()}
    rows = []
    for name in readers:
        rows.append([name, f"{med[name]:.0f}", f"{scores[(name, 'sroie')].cer:.3f}",
                     f"{scores[(name, 'sroie')].word_recall:.3f}", f"{scores[(name, 'blur')].cer:.3f}",
                     f"{scores[(name, 'blur')].word_recall:.3f}"])
    print(f"OCR: median ms on {len(times['ours'])} 640x480 camera frames; accuracy on the dev set")
    print(table(["reader", "ms/frame", "receipts CER", "receipts word recall", "blurred CER",
                 "blurred word recall"], rows))
    speedup = med["stock"] / med["ours"]
    print(f"\nSpeed-up vs stock RapidOCR(): {speedup:.2f}x (target >= 2.5x); ours {med['ours']:.0f} ms "
          f"(target <= 150 ms)")
    return 0
