"""Barcodes and QR codes, with OpenCV's own detectors (no model file): `cv2.QRCodeDetectorAruco` (falling
back to `cv2.QRCodeDetector`) and `cv2.barcode.BarcodeDetector` (EAN-13, EAN-8, UPC-A, UPC-E, ...).

`CodeFinder.find(frame)` gives the codes decoded (product codes only when their check digit holds: a misread
is never spoken) and the codes seen but not decoded (to guide the camera closer). A QR code's data is read
as bytes, whole (NUL characters included), and is only data: what it says is for `announce.codewords`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

log = logging.getLogger(__name__)

CHECKED = {"EAN_13": 13, "EAN_8": 8, "UPC_A": 12, "UPC_E": 8}  # product codes that carry a check digit
MAX_SIDE = 960  # larger frames are scaled down first: codes fill a good part of a frame held to them


@dataclass(frozen=True)
class Code:
    """One decoded code: its type ('QR', 'EAN_13', ...), its data, and its box in frame pixels."""

    type: str
    data: str
    box: tuple[int, int, int, int]  # x0, y0, x1, y1


@dataclass(frozen=True)
class Seen:
    """What one frame holds: the codes decoded, the largest share of the frame (0..1) covered by a code
    found but not decoded (0 when there is none), and the boxes of those (what find leads to)."""

    codes: list[Code]
    undecoded: float
    unread: tuple[tuple[int, int, int, int], ...] = ()


def as_text(payload: bytes | str | None) -> str:
    """A QR code's bytes as text, all of them: OpenCV's text result ends at the first NUL (what came after it
    was lost, unsaid); its bytes result does not. OpenCV gives UTF-8 (it converts Latin-1 codes itself); a
    byte that is not UTF-8 becomes U+FFFD."""
    if not payload:
        return ""
    if isinstance(payload, str):
        return payload
    return bytes(payload).decode("utf-8", errors="replace")


def check_digit_ok(digits: str) -> bool:
    """The GS1 check digit of an EAN-13, EAN-8 or UPC-A (weights 3 and 1 from the right, before the check)."""
    if not digits.isdigit() or len(digits) < 8:
        return False
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def upc_e_to_a(digits: str) -> str:
    """UPC-E (8 digits) expanded to the UPC-A it stands for, whose check digit it shares."""
    n, body, check = digits[0], digits[1:7], digits[7]
    last = body[5]
    if last in "012":
        core = body[0:2] + last + "0000" + body[2:5]
    elif last == "3":
        core = body[0:3] + "00000" + body[3:5]
    elif last == "4":
        core = body[0:4] + "00000" + body[4]
    else:
        core = body[0:5] + "0000" + last
    return n + core + check


def valid(kind: str, data: str) -> bool:
    """False for a product code whose length or check digit is wrong (a misread)."""
    if kind not in CHECKED:
        return bool(data)
    if len(data) != CHECKED[kind] or not data.isdigit():
        return False
    return check_digit_ok(upc_e_to_a(data) if kind == "UPC_E" else data)


def _box(points: np.ndarray, scale: float) -> tuple[int, int, int, int]:
    pts = np.asarray(points, dtype=np.float32).reshape(-1, 2) / scale
    x0, y0 = pts.min(axis=0)
    x1, y1 = pts.max(axis=0)
    return int(x0), int(y0), int(np.ceil(x1)), int(np.ceil(y1))


def _area(points: np.ndarray, scale: float, frame_area: float) -> float:
    pts = np.asarray(points, dtype=np.float32).reshape(-1, 2) / scale
    return float(cv2.contourArea(pts)) / frame_area if len(pts) >= 3 else 0.0


class CodeFinder:
    """Thread contract: one instance per thread (the OpenCV detectors keep state)."""

    def __init__(self) -> None:
        self.qr = cv2.QRCodeDetectorAruco() if hasattr(cv2, "QRCodeDetectorAruco") else cv2.QRCodeDetector()
        self.barcode = cv2.barcode.BarcodeDetector()

    @staticmethod
    def _closer(grey: np.ndarray, quad: np.ndarray, decode: Callable[[np.ndarray], str]) -> str:
        """A second try on a code found but not read: its region, with a margin, enlarged twice and
        sharpened (small or soft codes read this way)."""
        pts = np.asarray(quad, dtype=np.float32).reshape(-1, 2)
        x0, y0 = pts.min(axis=0)
        x1, y1 = pts.max(axis=0)
        mx, my = 0.25 * (x1 - x0) + 8, 0.25 * (y1 - y0) + 8
        h, w = grey.shape[:2]
        xa, ya, xb, yb = int(max(0, x0 - mx)), int(max(0, y0 - my)), int(min(w, x1 + mx)), int(min(h, y1 + my))
        if xb - xa < 16 or yb - ya < 16:
            return ""
        crop = cv2.resize(grey[ya:yb, xa:xb], None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        soft = cv2.GaussianBlur(crop, (0, 0), 2.0)
        sharp = cv2.addWeighted(crop, 1.8, soft, -0.8, 0)
        try:
            return decode(sharp)
        except cv2.error:
            return ""

    def _qr_again(self, image: np.ndarray) -> str:
        data, _, _ = self.qr.detectAndDecodeBytes(image)
        return as_text(data)

    def _barcode_again(self, image: np.ndarray) -> str:
        _, infos, kinds, _ = self.barcode.detectAndDecodeWithType(image)
        for info, kind in zip(infos or (), kinds or ()):
            if info and valid(kind, info):
                return f"{kind}:{info}"
        return ""

    def find(self, frame_bgr: np.ndarray) -> Seen:
        h, w = frame_bgr.shape[:2]
        scale = min(1.0, MAX_SIDE / max(h, w))
        image = cv2.resize(frame_bgr, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA) \
            if scale < 1.0 else frame_bgr
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
        codes: list[Code] = []
        undecoded = 0.0
        unread: list[tuple[int, int, int, int]] = []
        frame_area = float(h * w)
        try:
            _, payloads, points, _ = self.qr.detectAndDecodeBytesMulti(grey)
        except cv2.error as exc:  # a frame the detector cannot take: nothing found in it
            log.debug("QR detector: %s", exc)
            payloads, points = (), None
        if points is not None and len(points):
            for payload, quad in zip(payloads, points):
                text = as_text(payload) or self._closer(grey, quad, self._qr_again)
                if text:
                    codes.append(Code("QR", text, _box(quad, scale)))
                else:
                    undecoded = max(undecoded, _area(quad, scale, frame_area))
                    unread.append(_box(quad, scale))
        try:
            _, infos, kinds, corners = self.barcode.detectAndDecodeWithType(grey)
        except cv2.error as exc:
            log.debug("Barcode detector: %s", exc)
            infos, kinds, corners = (), (), None
        if corners is not None and len(corners):
            for info, kind, quad in zip(infos, kinds, corners):
                if not (info and valid(kind, info)):
                    again = self._closer(grey, quad, self._barcode_again)
                    if again:
                        kind, info = again.split(":", 1)
                if info and valid(kind, info):
                    codes.append(Code(kind, info, _box(quad, scale)))
                else:
                    if info:
                        log.debug("Dropped a %s that fails its check: %s", kind, info)
                    undecoded = max(undecoded, _area(quad, scale, frame_area))
                    unread.append(_box(quad, scale))
        return Seen(codes, undecoded, tuple(unread))
