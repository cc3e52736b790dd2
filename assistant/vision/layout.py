"""Reading order: text fragments into lines, lines into blocks and columns, in the order a person reads.

Pure functions over boxes. Fragments side by side on one baseline join into a line; lines are cut
recursively (XY-cut): a wide vertical gutter between two substantial text columns splits them (read
left column first), otherwise the page is read in horizontal bands, top to bottom, each left to right.
A table of names and prices stays row by row, since a narrow price column is not a text column.
Hyphenated line ends are joined.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Fragment:
    """A detected and recognised piece of text: a quadrilateral box (4 x 2) in image pixels."""

    text: str
    score: float
    box: np.ndarray

    @property
    def x0(self) -> float:
        return float(self.box[:, 0].min())

    @property
    def x1(self) -> float:
        return float(self.box[:, 0].max())

    @property
    def y0(self) -> float:
        return float(self.box[:, 1].min())

    @property
    def y1(self) -> float:
        return float(self.box[:, 1].max())

    @property
    def height(self) -> float:
        return max(1.0, self.y1 - self.y0)


@dataclass(frozen=True)
class Line:
    text: str
    score: float
    box: np.ndarray  # 4 x 2, the bounding rectangle of its fragments
    fragments: tuple[Fragment, ...]


def _same_line(a: Fragment, b: Fragment, max_gap: float | None) -> bool:
    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
    if overlap < 0.6 * min(a.height, b.height):  # detector boxes are padded: neighbours overlap a little
        return False
    gap = max(a.x0, b.x0) - min(a.x1, b.x1)
    return max_gap is None or gap < max_gap * max(a.height, b.height)


def group_lines(fragments: list[Fragment], max_gap: float | None = 2.5) -> list[Line]:
    """Fragments that share a baseline and sit within `max_gap` heights of each other become one line."""
    lines: list[list[Fragment]] = []
    for frag in sorted(fragments, key=lambda f: (f.y0 + f.y1) / 2):
        for line in lines:
            if any(_same_line(frag, other, max_gap) for other in line):
                line.append(frag)
                break
        else:
            lines.append([frag])
    out = []
    for parts in lines:
        parts.sort(key=lambda f: f.x0)
        x0, x1 = min(f.x0 for f in parts), max(f.x1 for f in parts)
        y0, y1 = min(f.y0 for f in parts), max(f.y1 for f in parts)
        box = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)
        score = float(np.average([f.score for f in parts], weights=[len(f.text) or 1 for f in parts]))
        out.append(Line(" ".join(f.text for f in parts), score, box, tuple(parts)))
    return out


def _gaps(spans: list[tuple[float, float]], min_gap: float) -> list[float]:
    """Cut positions in the middle of every empty stretch at least `min_gap` wide."""
    spans = sorted(spans)
    cuts, reach = [], spans[0][1]
    for start, end in spans[1:]:
        if start - reach >= min_gap:
            cuts.append((start + reach) / 2)
        reach = max(reach, end)
    return cuts


def _box(line: Line) -> tuple[float, float, float, float]:
    return float(line.box[0, 0]), float(line.box[0, 1]), float(line.box[2, 0]), float(line.box[2, 1])


def _xy_cut(lines: list[Line], unit: float) -> list[list[Line]]:
    """Blocks in reading order; each block is a list of lines, top to bottom."""
    if len(lines) <= 1:
        return [lines] if lines else []
    boxes = [_box(line) for line in lines]
    # Columns first: a gutter at least two line heights wide with real text columns on both sides.
    for cut in _gaps([(b[0], b[2]) for b in boxes], 2.0 * unit):
        left = [ln for ln, b in zip(lines, boxes) if b[2] <= cut]
        right = [ln for ln, b in zip(lines, boxes) if b[0] >= cut]
        wide = all(max(_box(ln)[2] for ln in side) - min(_box(ln)[0] for ln in side) >= 8 * unit
                   for side in (left, right))
        if wide and len(left) >= 2 and len(right) >= 2:
            return _xy_cut(left, unit) + _xy_cut(right, unit)
    # Then paragraphs: a vertical gap of more than a line height starts a new block.
    cuts = _gaps([(b[1], b[3]) for b in boxes], 1.0 * unit)
    if cuts:
        edges = [-np.inf, *cuts, np.inf]
        blocks: list[list[Line]] = []
        for lo, hi in zip(edges, edges[1:]):
            band = [ln for ln, b in zip(lines, boxes) if lo <= (b[1] + b[3]) / 2 < hi]
            blocks += _xy_cut(band, unit) if len(band) < len(lines) else [band]
        return blocks
    return [_rows(lines, unit)]


def _rows(lines: list[Line], unit: float) -> list[Line]:
    """Top to bottom; pieces of one row (same height on the page) left to right."""
    ordered = sorted(lines, key=lambda ln: (_box(ln)[1] + _box(ln)[3]) / 2)
    keyed, row, row_y = [], 0, None
    for ln in ordered:
        y = (_box(ln)[1] + _box(ln)[3]) / 2
        if row_y is None or y - row_y > 0.3 * unit:
            row, row_y = row + 1, y
        keyed.append((row, _box(ln)[0], ln))
    keyed.sort(key=lambda item: (item[0], item[1]))
    # Pieces of one row within a block are one spoken line: "Total :" ... "9.00" -> "Total : 9.00".
    merged: list[Line] = []
    for _, group in itertools.groupby(keyed, key=lambda item: item[0]):
        pieces = [ln for _, _, ln in group]
        merged.append(pieces[0] if len(pieces) == 1 else _merge(pieces))
    return merged


def _merge(pieces: list[Line]) -> Line:
    fragments = tuple(f for piece in pieces for f in piece.fragments)
    return group_lines([*fragments], max_gap=None)[0]


def join_hyphens(lines: list[str]) -> list[str]:
    """'infor-' then 'mation' becomes 'information' (only before a lower-case letter)."""
    out: list[str] = []
    for text in lines:
        if out and out[-1].endswith("-") and len(out[-1]) > 1 and out[-1][-2].isalpha() and text[:1].islower():
            out[-1] = out[-1][:-1] + text
        else:
            out.append(text)
    return out


def reading_order(fragments: list[Fragment], min_score: float = 0.5) -> list[list[Line]]:
    """Confident fragments as blocks of lines, in reading order."""
    kept = [f for f in fragments if f.score >= min_score and f.text.strip()]
    if not kept:
        return []
    lines = group_lines(kept)
    unit = float(np.median([ln.box[2, 1] - ln.box[0, 1] for ln in lines]))
    return [block for block in _xy_cut(lines, max(unit, 1.0)) if block]


def block_text(block: list[Line]) -> list[str]:
    """The spoken lines of one block, hyphenated breaks joined."""
    return join_hyphens([line.text for line in block])
