"""Image bombs: small files that declare a huge image, one for each format OpenCV decodes here, written a
row at a time (nothing here holds the image). `assistant bench memory` and the tests feed them to the
commands: each must be refused, or decoded reduced, in bounded memory.

The PNG, TIFF, WebP, GIF, HDR and JPEG ones decode, with a plain `cv2.imdecode`, into the size they declare
(1.6 to 6 GB, before the sizes were read from the headers); the Sun raster and PGM ones only declare it.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path


def _chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def png(path: Path, width: int, height: int, level: int = 9) -> None:
    """A valid grey PNG of any size, compressed a row at a time (at zlib's `level`: 9, the smallest file)."""
    packer = zlib.compressobj(level)
    row = b"\x00" + b"\x80" * width
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND", b""))


def tiff(path: Path, width: int, height: int) -> None:
    """A grey TIFF in one deflated strip."""
    packer = zlib.compressobj(1)
    row = bytes(width)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    entries = [(256, 4, width), (257, 4, height), (258, 3, 8), (259, 3, 8), (262, 3, 1), (273, 4, 0),
               (277, 3, 1), (278, 4, height), (279, 4, len(body))]
    data_at = 8 + 2 + 12 * len(entries) + 4
    out = b"II*\x00" + struct.pack("<IH", 8, len(entries))
    for tag, kind, value in entries:
        value = data_at if tag == 273 else value
        field = struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
        out += struct.pack("<HHI", tag, kind, 1) + field
    path.write_bytes(out + b"\x00\x00\x00\x00" + body)


def webp(path: Path, width: int, height: int) -> None:
    """A lossless WebP of one grey, in 32 bytes: every prefix code has a single symbol, so a pixel takes no
    bits at all (at most 16383 a side)."""
    bits, count = 0, 0

    def put(value: int, size: int) -> None:
        nonlocal bits, count
        bits |= value << count
        count += size

    put(width - 1, 14)
    put(height - 1, 14)
    put(0, 4)  # no alpha, version 0
    put(0, 3)  # no transform, no colour cache, no meta prefix codes
    for symbol in (128, 128, 128, 255, 0):  # green, red, blue, alpha, distance
        put(1, 1)  # a simple code
        put(0, 1)  # of one symbol
        if symbol > 1:
            put(1, 1)
            put(symbol, 8)
        else:
            put(0, 1)
            put(symbol, 1)
    payload = b"\x2f" + bits.to_bytes((count + 7) // 8, "little")
    payload += b"\x00" * (len(payload) % 2)
    chunk = b"VP8L" + struct.pack("<I", len(payload)) + payload
    path.write_bytes(b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk)


def gif(path: Path, width: int, height: int) -> None:
    """A GIF whose screen is `width` x `height`, holding one pixel (35 bytes)."""
    out = b"GIF89a" + struct.pack("<HH", width, height) + bytes([0x80, 0, 0]) + b"\x00\x00\x00\xff\xff\xff"
    out += b"\x2c" + struct.pack("<HHHH", 0, 0, 1, 1) + b"\x00\x02\x02\x44\x01\x00\x3b"
    path.write_bytes(out)


def hdr(path: Path, width: int, height: int) -> None:
    """A Radiance HDR in run-length-encoded scanlines of one grey."""
    line = bytearray(b"\x02\x02" + struct.pack(">H", width))
    for _ in range(4):
        left = width
        while left:
            run = min(127, left)
            line += bytes([128 + run, 128])
            left -= run
    path.write_bytes(b"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y %d +X %d\n" % (height, width) + bytes(line) * height)


def jpeg(path: Path, width: int, height: int, progressive: bool = False) -> None:
    """A 16 x 16 JPEG whose size marker says `width` x `height`, with 70 KB of application data before it
    (a reader that looks for the size in the first 64 KB misses it); libjpeg decodes the missing data as
    grey, at the declared size."""
    import cv2
    import numpy as np

    params = [cv2.IMWRITE_JPEG_PROGRESSIVE, 1] if progressive else []
    _, small = cv2.imencode(".jpg", np.full((16, 16, 3), 128, np.uint8), params)
    data = bytearray(small.tobytes())
    at = 2
    while not (0xC0 <= data[at + 1] <= 0xCF and data[at + 1] not in (0xC4, 0xC8, 0xCC)):
        at += 2 + int.from_bytes(data[at + 2:at + 4], "big")
    data[at + 5:at + 9] = struct.pack(">HH", height, width)
    hidden = b"".join(b"\xff\xe1" + struct.pack(">H", 35_002) + bytes(35_000) for _ in range(2))
    path.write_bytes(bytes(data[:2]) + hidden + bytes(data[2:]))


def sun(path: Path, width: int, height: int) -> None:
    """A Sun raster header declaring a grey image, with one row of it."""
    path.write_bytes(struct.pack(">8I", 0x59A66A95, width, height, 8, width * height, 1, 0, 0) + bytes(width))


def pnm(path: Path, width: int, height: int) -> None:
    """A PGM header declaring a grey image, with one row of it."""
    path.write_bytes(b"P5\n# a comment\n%d %d\n255\n" % (width, height) + bytes(width))


# name -> (writer, file suffix, width, height): each decodes into gigabytes
BOMBS: dict[str, tuple[Callable[[Path, int, int], None], str, int, int]] = {
    "PNG": (png, ".png", 20000, 20000),
    "TIFF": (tiff, ".tif", 20000, 20000),
    "WebP": (webp, ".webp", 16383, 16383),
    "GIF": (gif, ".gif", 30000, 30000),
    "HDR": (hdr, ".hdr", 12000, 12000),
    "JPEG (size marker after 70 KB)": (jpeg, ".jpg", 20000, 20000),
    "progressive JPEG (size marker after 70 KB)": (lambda p, w, h: jpeg(p, w, h, True), ".jpg", 20000, 20000),
    "Sun raster": (sun, ".ras", 20000, 20000),
    "PGM": (pnm, ".pgm", 20000, 20000),
}


def write_bombs(folder: Path, scale: float = 1.0, names: Iterable[str] | None = None) -> list[tuple[str, Path]]:
    """The bombs named (all by default), in `folder`: (its name, its path). `scale` < 1 makes them smaller
    (and quicker to write): at 0.7 each still decodes into more than a gigabyte."""
    out = []
    for k, (name, (write, suffix, width, height)) in enumerate(BOMBS.items()):
        if names is not None and name not in names:
            continue
        path = folder / f"bomb-{k}{suffix}"
        write(path, max(16, int(width * scale)), max(16, int(height * scale)))
        out.append((name, path))
    return out
