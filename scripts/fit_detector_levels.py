"""Fit the people-and-objects detector's per-class levels on the COCO dev photos and write them into the
`level` column of `assistant/vision/objects.csv` (nothing else in the table changes), for every detector
source of the registry (`assistant/vision/detectors/__init__.py`). How they are fitted:
`assistant/bench/cocodev.py`. Prints what changed and the cross-validated figures; review the diff.

    python scripts/fit_detector_levels.py
"""

from __future__ import annotations

import csv
import io

from assistant.bench import cocodev
from assistant.paths import dev_data_dir
from assistant.vision.detectors import Detectors
from assistant.vision.things import TABLE


def main() -> int:
    photos = cocodev.load_photos(dev_data_dir() / "coco-dev", Detectors(1))
    levels = cocodev.fit_levels(photos)
    with open(TABLE, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    for row in rows:
        level = levels.get((row["model"], row["label"]))
        if level is not None and float(row["level"]) != level:
            print(f"{row['model']} {row['label']}: {row['level']} -> {level:g}")
            row["level"] = f"{level:g}"
    out = io.StringIO()
    writer = csv.DictWriter(out, fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    TABLE.write_text(out.getvalue(), encoding="utf-8")
    print("Cross-validated (8 folds, 5 repeats):", cocodev.cross_validate(photos))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
