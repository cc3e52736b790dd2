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


# --- a QR code of any bytes (OpenCV's encoder stops at a NUL): byte mode, error correction level L,
# versions 1 to 5 (one block each), mask 0. After the reference construction in ISO/IEC 18004.
_QR_BLOCKS = {1: (19, 7), 2: (34, 10), 3: (55, 15), 4: (80, 20), 5: (108, 26)}  # data, error codewords


def _gf_mul(x: int, y: int) -> int:
    z = 0
    for i in reversed(range(8)):
        z = (z << 1) ^ ((z >> 7) * 0x11D)
        z ^= ((y >> i) & 1) * x
    return z


def _rs_remainder(data: list[int], degree: int) -> list[int]:
    divisor = [0] * (degree - 1) + [1]
    root = 1
    for _ in range(degree):
        for j in range(degree):
            divisor[j] = _gf_mul(divisor[j], root)
            if j + 1 < degree:
                divisor[j] ^= divisor[j + 1]
        root = _gf_mul(root, 2)
    result = [0] * degree
    for b in data:
        factor = b ^ result.pop(0)
        result.append(0)
        for i, coef in enumerate(divisor):
            result[i] ^= _gf_mul(coef, factor)
    return result


def qr_bytes(payload: bytes, module: int = 6) -> np.ndarray:
    """A QR code holding exactly `payload` (at most 106 bytes), grey, with its quiet zone."""
    version = next(v for v, (n, _) in _QR_BLOCKS.items() if 4 + 8 + 8 * len(payload) <= 8 * n)
    n_data, n_ecc = _QR_BLOCKS[version]
    bits = "0100" + f"{len(payload):08b}" + "".join(f"{b:08b}" for b in payload)
    bits += "0" * min(4, 8 * n_data - len(bits))
    bits += "0" * (-len(bits) % 8)
    data = [int(bits[i:i + 8], 2) for i in range(0, len(bits), 8)]
    data += [0xEC, 0x11] * ((n_data - len(data)) // 2) + [0xEC] * ((n_data - len(data)) % 2)
    codewords = data + _rs_remainder(data, n_ecc)
    size = 17 + 4 * version
    dark = np.zeros((size, size), bool)
    function = np.zeros((size, size), bool)

    def put(x: int, y: int, value: bool) -> None:
        dark[y, x], function[y, x] = value, True

    for i in range(size):  # timing patterns
        put(6, i, i % 2 == 0)
        put(i, 6, i % 2 == 0)
    for cx, cy in ((3, 3), (size - 4, 3), (3, size - 4)):  # finders with their separators
        for dy in range(-4, 5):
            for dx in range(-4, 5):
                if 0 <= cx + dx < size and 0 <= cy + dy < size:
                    put(cx + dx, cy + dy, max(abs(dx), abs(dy)) not in (2, 4))
    if version > 1:
        p = 4 * version + 10
        for dy in range(-2, 3):
            for dx in range(-2, 3):
                put(p + dx, p + dy, max(abs(dx), abs(dy)) != 1)
    fmt = 1 << 3  # level L, mask 0
    rem = fmt
    for _ in range(10):
        rem = (rem << 1) ^ ((rem >> 9) * 0x537)
    fbits = ((fmt << 10) | rem) ^ 0x5412

    def bit(i: int) -> bool:
        return bool((fbits >> i) & 1)

    for i in range(6):
        put(8, i, bit(i))
    put(8, 7, bit(6))
    put(8, 8, bit(7))
    put(7, 8, bit(8))
    for i in range(9, 15):
        put(14 - i, 8, bit(i))
    for i in range(8):
        put(size - 1 - i, 8, bit(i))
    for i in range(8, 15):
        put(8, size - 15 + i, bit(i))
    put(8, size - 8, True)
    stream = "".join(f"{c:08b}" for c in codewords)
    i = 0
    right = size - 1
    while right >= 1:
        if right == 6:
            right = 5
        for vert in range(size):
            for j in range(2):
                x = right - j
                y = size - 1 - vert if ((right + 1) & 2) == 0 else vert
                if not function[y, x]:
                    value = i < len(stream) and stream[i] == "1"
                    i += 1
                    dark[y, x] = value ^ ((x + y) % 2 == 0)
        right -= 2
    code = np.where(dark, 0, 255).astype(np.uint8)
    code = cv2.resize(code, None, fx=module, fy=module, interpolation=cv2.INTER_NEAREST)
    return np.pad(code, module * 4, constant_values=255)
