"""Barcodes and QR codes, with OpenCV's own detectors (no model file): `cv2.QRCodeDetectorAruco` (falling
back to `cv2.QRCodeDetector`) and `cv2.barcode.BarcodeDetector` (EAN-13, EAN-8, UPC-A, UPC-E, ...).

`CodeFinder.find(frame)` is the one answer to "which codes are in this frame" that codes mode, `assistant
codes`, describe and find all use: each code seen, as a `Sighting`, read (its `Code`) or seen but not read
(what the beep and find lead the camera closer to). A product code is read only when its check digit holds,
and one read only on the second, closer look is read again another way before it counts: a misread is never
spoken. A QR code's data is read as bytes, whole (NUL characters included), and is only data: what it says is
for `announce.codewords`.
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
# The closer looks at a code found but not read: (enlargement, blur of the unsharp mask). The second confirms
# a product code the first read (see `CodeFinder._barcode_closer`).
LOOKS = ((2.0, 2.0), (2.5, 1.5))


@dataclass(frozen=True)
class Code:
    """One decoded code: its type ('QR', 'EAN_13', ...), its data, and its box in frame pixels."""

    type: str
    data: str
    box: tuple[int, int, int, int]  # x0, y0, x1, y1


@dataclass(frozen=True)
class Sighting:
    """One code seen in a frame: its box in frame pixels, the share of the frame it covers (0..1), and what
    it holds (None: seen but not read)."""

    box: tuple[int, int, int, int]
    share: float
    code: Code | None = None


@dataclass(frozen=True)
class Seen:
    """The codes one frame holds, read or not, as `Sighting`s in the order found."""

    sightings: tuple[Sighting, ...] = ()

    @property
    def codes(self) -> list[Code]:
        """The codes read."""
        return [s.code for s in self.sightings if s.code is not None]

    @property
    def unread(self) -> tuple[tuple[int, int, int, int], ...]:
        """The boxes of the codes seen but not read (what find leads to)."""
        return tuple(s.box for s in self.sightings if s.code is None)

    @property
    def undecoded(self) -> float:
        """The largest share of the frame covered by a code seen but not read (0 when there is none)."""
        return max((s.share for s in self.sightings if s.code is None), default=0.0)


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
    def _closer(grey: np.ndarray, quad: np.ndarray, decode: Callable[[np.ndarray], str], look: int = 0) -> str:
        """Another try on a code found but not read: its region, with a margin, enlarged and sharpened in
        one of the `LOOKS` (small or soft codes read this way)."""
        zoom, soften = LOOKS[look]
        pts = np.asarray(quad, dtype=np.float32).reshape(-1, 2)
        x0, y0 = pts.min(axis=0)
        x1, y1 = pts.max(axis=0)
        mx, my = 0.25 * (x1 - x0) + 8, 0.25 * (y1 - y0) + 8
        h, w = grey.shape[:2]
        xa, ya, xb, yb = int(max(0, x0 - mx)), int(max(0, y0 - my)), int(min(w, x1 + mx)), int(min(h, y1 + my))
        if xb - xa < 16 or yb - ya < 16:
            return ""
        crop = cv2.resize(grey[ya:yb, xa:xb], None, fx=zoom, fy=zoom, interpolation=cv2.INTER_CUBIC)
        soft = cv2.GaussianBlur(crop, (0, 0), soften)
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

    def _barcode_closer(self, grey: np.ndarray, quad: np.ndarray) -> str:
        """'KIND:data' of a product code read on a closer look and again, the same, on a second one; else
        ''. A check digit passes one misread in ten: on the 328 everyday photos of the dev sets (no code in
        any) a closer look alone read two codes that were not there (a bell tower's slats, a lorry's grille),
        the second neither; of 50 real codes on those photos read only on the closer look, the second read 35
        the same, one otherwise and 14 not at all (those wait for a step closer)."""
        first = self._closer(grey, quad, self._barcode_again)
        return first if first and self._closer(grey, quad, self._barcode_again, look=1) == first else ""

    def find(self, frame_bgr: np.ndarray) -> Seen:
        h, w = frame_bgr.shape[:2]
        scale = min(1.0, MAX_SIDE / max(h, w))
        image = cv2.resize(frame_bgr, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA) \
            if scale < 1.0 else frame_bgr
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
        frame_area = float(h * w)
        found: list[Sighting] = []

        def seen(quad: np.ndarray, kind: str, data: str) -> None:
            share = _area(quad, scale, frame_area)
            if share > 0:  # corners in a line: no code
                box = _box(quad, scale)
                found.append(Sighting(box, share, Code(kind, data, box) if data else None))

        try:
            _, payloads, points, _ = self.qr.detectAndDecodeBytesMulti(grey)
        except cv2.error as exc:  # a frame the detector cannot take: nothing found in it
            log.debug("QR detector: %s", exc)
            payloads, points = (), None
        if points is not None and len(points):
            for payload, quad in zip(payloads, points):
                seen(quad, "QR", as_text(payload) or self._closer(grey, quad, self._qr_again))
        try:
            _, infos, kinds, corners = self.barcode.detectAndDecodeWithType(grey)
        except cv2.error as exc:
            log.debug("Barcode detector: %s", exc)
            infos, kinds, corners = (), (), None
        if corners is not None and len(corners):
            for info, kind, quad in zip(infos, kinds, corners):
                if info and not valid(kind, info):
                    log.debug("Dropped a %s that fails its check: %s", kind, info)
                if not (info and valid(kind, info)):
                    kind, _, info = self._barcode_closer(grey, quad).partition(":")
                seen(quad, kind, info)
        return Seen(tuple(found))
