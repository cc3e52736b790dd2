"""Codes to test with: QR codes from OpenCV's encoder, and EAN-13 barcodes drawn from the GS1 layout
(OpenCV 5 has no barcode encoder), pasted onto real photos with perspective, blur and noise."""

from __future__ import annotations

import cv2
import numpy as np

L = ["0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011"]
R = ["".join("1" if b == "0" else "0" for b in code) for code in L]
G = [code[::-1] for code in R]
PARITY = ["LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLG", "LGLGLG", "LGLGGL", "LGGLGL"]


def ean13_check(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def ean13(digits: str, module: int = 4, height: int = 160) -> np.ndarray:
    """An EAN-13 barcode (white quiet zone around it), grey."""
    assert len(digits) == 13
    bits = "101"
    for d, p in zip(digits[1:7], PARITY[int(digits[0])]):
        bits += (L if p == "L" else G)[int(d)]
    bits += "01010"
    for d in digits[7:]:
        bits += R[int(d)]
    bits += "101"
    row = np.array([0 if b == "1" else 255 for b in bits], np.uint8)
    quiet = np.full(11, 255, np.uint8)
    row = np.concatenate([quiet, row, quiet])
    image = np.repeat(np.tile(row, (height, 1)), module, axis=1)
    return np.pad(image, ((module * 6, module * 6), (0, 0)), constant_values=255)


def qr(text: str, module: int = 6) -> np.ndarray:
    code = cv2.QRCodeEncoder.create().encode(text)
    code = cv2.resize(code, None, fx=module, fy=module, interpolation=cv2.INTER_NEAREST)
    return np.pad(code, module * 4, constant_values=255)


def paste(photo: np.ndarray, code: np.ndarray, width_share: float, tilt: float = 0.12, blur: float = 0.0,
          noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """`code` on `photo` (640 x 480), `width_share` of its width, with perspective, blur and noise."""
    rng = np.random.default_rng(seed)
    frame = cv2.resize(photo, (640, 480)).copy()
    h, w = code.shape[:2]
    tw = 640 * width_share
    th = tw * h / w
    cx, cy = 320, 240
    dst = np.float32([[cx - tw / 2, cy - th / 2 + tilt * th], [cx + tw / 2, cy - th / 2],
                      [cx + tw / 2 * (1 - tilt), cy + th / 2], [cx - tw / 2, cy + th / 2 - tilt * th * 0.5]])
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    m = cv2.getPerspectiveTransform(src, dst)
    code_bgr = cv2.cvtColor(code, cv2.COLOR_GRAY2BGR)
    warped = cv2.warpPerspective(code_bgr, m, (640, 480), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, (640, 480))
    frame[mask > 127] = warped[mask > 127]
    if blur:
        frame = cv2.GaussianBlur(frame, (0, 0), blur)
    if noise:
        frame = np.clip(frame + rng.normal(0, noise, frame.shape), 0, 255).astype(np.uint8)
    return frame
