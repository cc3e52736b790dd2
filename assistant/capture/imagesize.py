"""How large an image is, and how much memory decoding it will take, read from the file's own header before
any pixel is decoded, for every format OpenCV opens here: PNG (APNG), JPEG (the size marker wherever it
lies: the markers are walked, as libjpeg walks them), BMP, TIFF and BigTIFF, WebP, AVIF, JPEG 2000, GIF,
Radiance HDR, Sun raster, PNM/PAM and PFM. A format not listed, or a header that does not hold a size, is
refused: what cannot be bounded is not decoded.

A few bytes can declare 30000 x 30000 pixels (a 35-byte GIF took 6 GB to decode). Each parser reads the
header once, left to right, with bounds checked on every field, and looks at a bounded number of blocks.
`bytes_per_pixel` is what OpenCV holds per pixel at its peak while decoding that format into BGR (its own
buffers and the result), measured (see `assistant bench memory`) and rounded up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.i18n import _

MAX_BLOCKS = 10_000  # chunks, segments, boxes or blocks looked at before the size must have been found
MAX_TEXT_HEADER = 65_536  # bytes of a text header (PNM, PAM, PFM, HDR) read for the size


class HeaderError(ValueError):
    """No size can be read: a format that is not known, or a header that is damaged (why, in the user's
    language)."""


@dataclass(frozen=True)
class Header:
    """What an image file declares: its format, its size, and what decoding it will hold."""

    format: str
    width: int
    height: int
    bytes_per_pixel: float  # held per pixel at the decoder's peak, the BGR result included
    extra: int = 0  # bytes held whatever the scale (a progressive JPEG's coefficients, a TIFF strip or tile)
    reducible: bool = False  # JPEG: libjpeg decodes at 1/2, 1/4 or 1/8 without making the full image

    def decode_bytes(self, scale: int = 1) -> int:
        """Memory decoding will take at 1/`scale` of the size (`reducible` formats only scale)."""
        return int(self.width * self.height * self.bytes_per_pixel / (scale * scale)) + self.extra


def _u(data: bytes, offset: int, size: int, big: bool) -> int:
    if offset < 0 or offset + size > len(data):
        raise HeaderError(_("the header is cut short"))
    return int.from_bytes(data[offset:offset + size], "big" if big else "little")


def _png(data: bytes) -> Header:
    if data[12:16] != b"IHDR":
        raise HeaderError(_("the PNG has no header chunk first"))
    width, height = _u(data, 16, 4, True), _u(data, 20, 4, True)
    animated, at = False, 8
    for _block in range(MAX_BLOCKS):  # an animated PNG says so (acTL) before its first image data
        if at + 8 > len(data):
            break
        kind = data[at + 4:at + 8]
        if kind in (b"IDAT", b"IEND"):
            break
        animated = animated or kind == b"acTL"
        at += 12 + _u(data, at, 4, True)
    return Header("PNG", width, height, 14 if animated else 6)


_JPEG_MARKER = re.compile(rb"\xff([^\x00\xff])")  # fill bytes (0xFF) and garbage are skipped, as libjpeg does
_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
_PROGRESSIVE = frozenset({0xC2, 0xC6, 0xCA, 0xCE})
_STANDALONE = frozenset({0x01, 0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8})


def _jpeg(data: bytes) -> Header:
    at = 2
    for _block in range(MAX_BLOCKS):
        found = _JPEG_MARKER.search(data, at)
        if found is None:
            break
        marker, at = found[1][0], found.end()
        if marker in _STANDALONE:
            continue
        if marker in (0xD9, 0xDA):  # the end, or image data, before any size
            break
        length = _u(data, at, 2, True)
        if length < 2:
            raise HeaderError(_("a JPEG segment is damaged"))
        if marker in _SOF:
            height, width, count = _u(data, at + 3, 2, True), _u(data, at + 5, 2, True), _u(data, at + 7, 1, True)
            sampling = [_u(data, at + 9 + 3 * k, 1, True) for k in range(count)]
            extra = 0
            if marker in _PROGRESSIVE and sampling:  # all coefficients are kept, at full size, whatever the scale
                h_max, v_max = max(s >> 4 for s in sampling) or 1, max(s & 15 for s in sampling) or 1
                extra = sum(2 * (-(-width * (s >> 4) // h_max) + 7) * (-(-height * (s & 15) // v_max) + 7)
                            for s in sampling)
            return Header("JPEG", width, height, 6, extra, reducible=True)
        at += length
    raise HeaderError(_("the JPEG has no size marker before its image data"))


def _bmp(data: bytes) -> Header:
    if _u(data, 14, 4, False) == 12:  # OS/2 1.x: 16-bit sizes
        return Header("BMP", _u(data, 18, 2, False), _u(data, 20, 2, False), 6)
    _u(data, 22, 4, False)  # the header holds both sizes
    width = int.from_bytes(data[18:22], "little", signed=True)
    height = int.from_bytes(data[22:26], "little", signed=True)  # negative: rows from the top
    return Header("BMP", abs(width), abs(height), 6)


_TIFF_TYPES = {1: 1, 3: 2, 4: 4, 16: 8}  # BYTE, SHORT, LONG, LONG8: the integer types a size can be


def _tiff(data: bytes) -> Header:
    big_endian = data[:2] == b"MM"
    big = _u(data, 2, 2, big_endian) == 43  # BigTIFF: 8-byte offsets and counts
    offset_size, entry_size, count_size = (8, 20, 8) if big else (4, 12, 2)
    ifd = _u(data, 8 if big else 4, offset_size, big_endian)
    entries = _u(data, ifd, count_size, big_endian)
    if entries > MAX_BLOCKS:
        raise HeaderError(_("the TIFF header has too many entries"))
    tags: dict[int, int] = {}
    for k in range(entries):
        at = ifd + count_size + k * entry_size
        tag, kind = _u(data, at, 2, big_endian), _u(data, at + 2, 2, big_endian)
        count = _u(data, at + 4, offset_size, big_endian)
        size = _TIFF_TYPES.get(kind)
        if size is None or count < 1 or tag not in (256, 257, 258, 277, 278, 322, 323):
            continue
        where = at + 4 + offset_size
        if size * count > offset_size:  # the values lie elsewhere; the first one is enough
            where = _u(data, where, offset_size, big_endian)
        tags[tag] = _u(data, where, size, big_endian)
    if 256 not in tags or 257 not in tags:
        raise HeaderError(_("the TIFF header has no size"))
    width, height = tags[256], tags[257]
    samples, depth = max(1, tags.get(277, 1)), max(1, -(-tags.get(258, 8) // 8))
    if 322 in tags and 323 in tags:
        block = tags[322] * tags[323]
    else:
        block = width * min(height, tags.get(278, height) or height)
    return Header("TIFF", width, height, 6, int(1.5 * block * samples * depth))


def _webp(data: bytes) -> Header:
    at, found = 12, []
    canvas, animated = None, False
    for _block in range(MAX_BLOCKS):
        if at + 8 > len(data):
            break
        kind, size, body = data[at:at + 4], _u(data, at + 4, 4, False), at + 8
        if kind == b"VP8X":
            animated = bool(_u(data, body, 1, False) & 0x02)
            canvas = (_u(data, body + 4, 3, False) + 1, _u(data, body + 7, 3, False) + 1)
        elif kind == b"VP8 ":
            found.append((_u(data, body + 6, 2, False) & 0x3FFF, _u(data, body + 8, 2, False) & 0x3FFF))
        elif kind == b"VP8L":
            bits = _u(data, body + 1, 4, False)
            found.append(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        if found and canvas is None:
            break
        at = body + size + (size & 1)
    sizes = found + ([canvas] if canvas else [])
    if not sizes:
        raise HeaderError(_("the WebP has no size"))
    return Header("WebP", max(w for w, _ in sizes), max(h for _, h in sizes), 14 if animated or canvas else 6)


def _boxes(data: bytes, containers: dict[bytes, int], wanted: set[bytes]) -> list[tuple[bytes, int, int]]:
    """The (type, start of content, end) of every box of a `wanted` type (ISO base media and JPEG 2000
    files), looking inside `containers` (type -> header bytes to skip); at most `MAX_BLOCKS` boxes."""
    out: list[tuple[bytes, int, int]] = []
    stack = [(0, len(data))]
    seen = 0
    while stack:
        at, end = stack.pop()
        while at + 8 <= end:
            seen += 1
            if seen > MAX_BLOCKS:
                raise HeaderError(_("the file has too many boxes"))
            size, kind, body = _u(data, at, 4, True), data[at + 4:at + 8], at + 8
            if size == 1:
                size, body = _u(data, at + 8, 8, True), at + 16
            elif size == 0:
                size = end - at
            if size < body - at or at + size > end:
                break
            if kind in wanted:
                out.append((kind, body, at + size))
            if kind in containers:
                stack.append((body + containers[kind], at + size))
            at += size
    return out


def _avif(data: bytes) -> Header:
    found = _boxes(data, {b"meta": 4, b"iprp": 0, b"ipco": 0}, {b"ispe", b"pixi"})
    sizes = [(_u(data, s + 4, 4, True), _u(data, s + 8, 4, True)) for kind, s, _ in found if kind == b"ispe"]
    depths = [_u(data, s + 5, 1, True) for kind, s, _ in found if kind == b"pixi"]
    if not sizes:
        raise HeaderError(_("the AVIF has no size"))
    deep = not depths or max(depths) > 8
    return Header("AVIF", max(w for w, _ in sizes), max(h for _, h in sizes), 26 if deep else 18)


def _siz(data: bytes, at: int) -> tuple[int, int, int]:
    """Width, height and components from a JPEG 2000 codestream's SIZ segment at `at`."""
    if data[at:at + 4] != b"\xff\x4f\xff\x51":
        raise HeaderError(_("the JPEG 2000 codestream has no size"))
    x, y = _u(data, at + 8, 4, True), _u(data, at + 12, 4, True)
    x0, y0 = _u(data, at + 16, 4, True), _u(data, at + 20, 4, True)
    return max(0, x - x0), max(0, y - y0), _u(data, at + 40, 2, True)


def _jpeg2000(data: bytes) -> Header:
    if data[:4] == b"\xff\x4f\xff\x51":
        width, height, parts = _siz(data, 0)
    else:
        width = height = parts = 0
        for kind, start, _end in _boxes(data, {b"jp2h": 0}, {b"ihdr", b"jp2c"}):
            if kind == b"ihdr":
                box = (_u(data, start + 4, 4, True), _u(data, start, 4, True), _u(data, start + 8, 2, True))
            else:
                box = _siz(data, start)
            width, height, parts = max(width, box[0]), max(height, box[1]), max(parts, box[2])
        if not width:
            raise HeaderError(_("the JPEG 2000 file has no size"))
    return Header("JPEG 2000", width, height, 4 * max(parts, 3) + 4)


def _gif(data: bytes) -> Header:
    width, height, flags = _u(data, 6, 2, False), _u(data, 8, 2, False), _u(data, 10, 1, False)
    at = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    inside = False  # in an extension's sub-blocks
    for _block in range(MAX_BLOCKS):  # extensions, up to the first image (the one decoded) and its own size
        if inside:
            size = _u(data, at, 1, False)
            at += 1 + size
            inside = size > 0
            continue
        kind = _u(data, at, 1, False)
        if kind == 0x2C:
            left, top = _u(data, at + 1, 2, False), _u(data, at + 3, 2, False)
            w, h = _u(data, at + 5, 2, False), _u(data, at + 7, 2, False)
            return Header("GIF", max(width, left + w), max(height, top + h), 12)
        if kind != 0x21:
            break
        at, inside = at + 2, True
    raise HeaderError(_("the GIF's first image is not found among its first blocks"))


def _words(data: bytes, magic_length: int) -> list[bytes]:
    """The whitespace-separated words of a PNM/PFM header after its magic number, comments left out."""
    words: list[bytes] = []
    for line in data[magic_length:MAX_TEXT_HEADER].split(b"\n"):
        words += line.split(b"#", 1)[0].split()
        if len(words) >= 3:
            break
    return words


def _number(word: bytes) -> int:
    if not word.isdigit() or len(word) > 10:
        raise HeaderError(_("the header's size is not a number"))
    return int(word)


def _pnm(data: bytes) -> Header:
    if data[1:2] == b"7":  # PAM: WIDTH, HEIGHT, DEPTH, MAXVAL ... ENDHDR
        fields: dict[bytes, bytes] = {}
        for line in data[2:MAX_TEXT_HEADER].split(b"\n"):
            key, _space, value = line.split(b"#", 1)[0].strip().partition(b" ")
            if key == b"ENDHDR":
                break
            fields[key] = value.strip()
        width, height = _number(fields.get(b"WIDTH", b"")), _number(fields.get(b"HEIGHT", b""))
        return Header("PAM", width, height, 6)
    words = _words(data, 2)
    if len(words) < 2:
        raise HeaderError(_("the header has no size"))
    width, height = _number(words[0]), _number(words[1])
    if data[1:2] in (b"F", b"f"):  # floats, read whole before they are converted
        return Header("PFM", width, height, 24)
    return Header("PNM", width, height, 6)


_HDR_SIZE = re.compile(rb"([-+])([XY]) +(\d{1,10}) +([-+])([XY]) +(\d{1,10})")


def _hdr(data: bytes) -> Header:
    head = data[:MAX_TEXT_HEADER]
    blank = head.find(b"\n\n")
    if blank < 0:
        raise HeaderError(_("the HDR header does not end"))
    line = head[blank + 2:].split(b"\n", 1)[0]
    found = _HDR_SIZE.match(line)
    if found is None or found[2] == found[5]:
        raise HeaderError(_("the HDR has no size"))
    first, second = int(found[3]), int(found[6])
    width, height = (second, first) if found[2] == b"Y" else (first, second)
    return Header("HDR", width, height, 15)


def _sun(data: bytes) -> Header:
    return Header("Sun raster", _u(data, 4, 4, True), _u(data, 8, 4, True), 6)


_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", _png), (b"\xff\xd8\xff", _jpeg), (b"BM", _bmp),
    (b"II*\x00", _tiff), (b"MM\x00*", _tiff), (b"II+\x00", _tiff), (b"MM\x00+", _tiff),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", _jpeg2000), (b"\xff\x4f\xff\x51", _jpeg2000),
    (b"GIF87a", _gif), (b"GIF89a", _gif), (b"#?RADIANCE", _hdr), (b"#?RGBE", _hdr), (b"\x59\xa6\x6a\x95", _sun),
)


def read_header(data: bytes) -> Header:
    """The format, size and decoding cost an image file declares; `HeaderError` when it declares none."""
    for signature, parse in _SIGNATURES:
        if data.startswith(signature):
            header = parse(data)
            break
    else:
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            header = _webp(data)
        elif data[4:8] == b"ftyp":
            header = _avif(data)
        elif re.match(rb"P[1-7Ff]\s", data[:3]):
            header = _pnm(data)
        else:
            raise HeaderError(_("not an image format that can be read"))
    if header.width < 1 or header.height < 1:
        raise HeaderError(_("the header declares no pixels"))
    return header

