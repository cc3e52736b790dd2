"""Opening a camera source: an index (webcam), a video file, or a folder of images."""

from __future__ import annotations

import cv2


def camera_opens(source: str) -> bool:
    """True when a webcam index or video source opens and gives a frame."""
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)  # our one sentence says it all
    cap = cv2.VideoCapture(int(source) if source.isdigit() else source)
    try:
        return bool(cap.isOpened() and cap.read()[0])
    finally:
        cap.release()
