"""Document reading: find the page, straighten it, read it whole.

The page is the largest convex four-sided contour in the frame (edges from Canny, closed by a
dilation); when the page edge is not visible, the hull of the text boxes stands in for it. The page is
warped to a flat, upright rectangle and read in reading order.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np

from assistant.vision import framing, scene
from assistant.vision.ocr import TextReader, TextResult, warp_to_rect

if TYPE_CHECKING:
    from assistant.vision.orientation import PageOrientation

MIN_PAGE_AREA = 0.015  # of the frame: a small page far away is still found, to say "Move closer."
CORNER_MARGIN = 0.01  # a corner closer than this (of the side) to the frame edge is not in view


@dataclass(frozen=True)
class DocumentResult:
    page: np.ndarray | None  # 4 x 2 corners (tl, tr, br, bl) in the frame, or None when no page was found
    straightened: np.ndarray
    text: TextResult
    ms: float
    turned: int = 0  # degrees the page was turned back to be upright (its clockwise rotation as held)

    @property
    def line_count(self) -> int:
        return len(self.text.spoken_lines)


def order_corners(pts: np.ndarray) -> np.ndarray:
    """Top-left, top-right, bottom-right, bottom-left."""
    pts = pts.reshape(4, 2).astype(np.float32)
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array([pts[s.argmin()], pts[d.argmin()], pts[s.argmax()], pts[d.argmax()]], dtype=np.float32)


def _quad(contour: np.ndarray) -> np.ndarray | None:
    """Four corners for a page-like contour: its polygon when that has four convex corners, else its
    bounding rotated rectangle when the contour fills at least 85% of it (a page with a worn corner)."""
    approx = cv2.approxPolyDP(contour, 0.02 * cv2.arcLength(contour, True), True)
    if len(approx) == 4 and cv2.isContourConvex(approx):
        return approx.reshape(4, 2).astype(np.float32)
    rect = cv2.minAreaRect(contour)
    if rect[1][0] * rect[1][1] > 0 and cv2.contourArea(contour) >= 0.85 * rect[1][0] * rect[1][1]:
        return cv2.boxPoints(rect).astype(np.float32)
    return None


def find_page(frame: np.ndarray) -> np.ndarray | None:
    """The largest page-like quadrilateral covering at least 1.5% of the frame (and not all of it), or None.

    Two outlines are tried: edges (Canny, closed by a dilation) and the bright paper against a darker
    table (Otsu's threshold)."""
    h, w = frame.shape[:2]
    scale = 640.0 / max(h, w) if max(h, w) > 640 else 1.0
    small = cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else frame
    grey = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    edges = cv2.dilate(cv2.Canny(grey, 40, 120), np.ones((3, 3), np.uint8))
    _, bright = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    frame_area = small.shape[0] * small.shape[1]
    best: tuple[float, np.ndarray] | None = None
    for mask in (edges, bright):
        contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
            area = cv2.contourArea(contour)
            if area < MIN_PAGE_AREA * frame_area:
                break
            if area > 0.97 * frame_area:
                continue  # the frame itself, not a page in it
            quad = _quad(contour)
            if quad is not None and (best is None or area > best[0]):
                best = (area, quad)
                break
    return order_corners(best[1] / scale) if best else None


def text_hull(quads: list[np.ndarray]) -> np.ndarray | None:
    """The rotated rectangle around all text boxes: the page's stand-in when its edge is not visible."""
    if not quads:
        return None
    box = cv2.boxPoints(cv2.minAreaRect(np.concatenate(quads).astype(np.float32)))
    return order_corners(box)


def locate_page(frame: np.ndarray, detect: Callable[[np.ndarray], list[np.ndarray]] | None = None
                ) -> np.ndarray | None:
    """The page outline; the hull of the detected text when the page edge is not visible. An outline with no
    text inside it (a white wall, a table top, an empty sheet) is not a page to guide towards."""
    page = find_page(frame)
    if detect is None:
        return page
    quads = detect(frame)
    outline = page.reshape(-1, 1, 2).astype(np.float32) if page is not None else None
    if outline is not None and not any(cv2.pointPolygonTest(outline, tuple(map(float, q.mean(axis=0))), False) >= 0
                                       for q in quads):
        page = None  # no text in it
    return page if page is not None else text_hull(quads)


def corners_in_view(page: np.ndarray, width: int, height: int) -> set[str]:
    """The frame sides that the page's corners touch or cross (empty: all four corners are in view)."""
    return framing.edges_touched([page], width, height, CORNER_MARGIN)


# Measured on dev receipts in a 640 x 480 frame. Too small: PP-OCRv6 small (the page reader) reads 0.49-0.86
# of the words while the median detected line is 10 pixels high or more, and 0.11-0.53 below (PP-OCRv5,
# whose boxes are drawn wider: 14 pixels; each model set says its own, `OcrModel.min_height`). Unclear: the
# full-resolution scans have at most one line under 0.8, a receipt too far away three to thirteen.
MIN_TEXT_HEIGHT = 10.0  # pixels, for a reader that does not say its own
UNCLEAR_SCORE = 0.8
UNCLEAR_LINES = 2  # lines under UNCLEAR_SCORE (or a quarter of the lines) make a page unclear


def text_height(result: TextResult) -> float | None:
    """The median height in pixels of every detected piece of text (read confidently or not)."""
    heights = [float(np.linalg.norm(f.box[0] - f.box[3])) for f in result.fragments]
    return float(np.median(heights)) if heights else None


def too_small(result: TextResult, min_height: float = MIN_TEXT_HEIGHT) -> bool:
    """The text is too small for the recogniser, so the camera should come closer: its median line is
    under `min_height`, or under a quarter more than that with lines read unclearly (on the dev receipts
    at 640 x 480, six receipts at four distances: every view with word recall 0.53 or less, none with 0.58
    or more)."""
    height = text_height(result)
    if height is None:
        return False
    return height < min_height or (height < 1.25 * min_height and unclear(result))


def unclear(result: TextResult) -> bool:
    """Lines were read with low confidence: two or more, or a quarter of them."""
    lines = result.lines
    low = sum(line.score < UNCLEAR_SCORE for line in lines)
    return low >= UNCLEAR_LINES or (bool(lines) and low / len(lines) >= 0.25)


SMALL_PAGE = 0.35  # a page less than 35% of the frame's height is too far away to read


def page_guidance(frame: np.ndarray, page: np.ndarray | None) -> framing.Code | None:
    """What is wrong with the framing until the whole page is in view, sharp and lit; None once it can be read."""
    h, w = frame.shape[:2]
    measures = scene.measure(frame)
    if page is None:
        if measures.brightness >= framing.DARK and measures.sharpness < framing.BLURRY and measures.contrast > 20:
            return framing.Code.BLUR  # something is there, too blurred to see
        return framing.advise([], w, h, measures) or framing.Code.NO_PAGE
    advice = framing.advise([], w, h, measures, page=page)
    if advice in (framing.Code.DARK, framing.Code.BLUR):
        return advice
    sides = corners_in_view(page, w, h)
    if len(sides) >= 2:
        return framing.Code.BACK
    if sides:
        return framing.CUT[sides.pop()]
    if float(page[:, 1].max() - page[:, 1].min()) < SMALL_PAGE * h:
        return framing.Code.CLOSER
    return None


def sharpest(frames: list[np.ndarray]) -> np.ndarray:
    """The frame with the highest variance of the Laplacian."""
    def sharpness(f: np.ndarray) -> float:
        return float(cv2.Laplacian(cv2.cvtColor(f, cv2.COLOR_BGR2GRAY), cv2.CV_64F).var())

    return max(frames, key=sharpness)


def widen(page: np.ndarray, frame_shape: tuple[int, ...], by: float = 0.04) -> np.ndarray:
    """The page outline pushed out by `by` of its size, inside the frame: an outline found a little inside
    the paper's real edge (shadow, worn corner) must not cut off the first letters of each line."""
    centre = page.mean(axis=0)
    wide = centre + (page - centre) * (1.0 + by)
    wide[:, 0] = np.clip(wide[:, 0], 0, frame_shape[1] - 1)
    wide[:, 1] = np.clip(wide[:, 1], 0, frame_shape[0] - 1)
    return wide.astype(np.float32)


def covers_text(page: np.ndarray, quads: list[np.ndarray], tolerance: float = 4.0) -> bool:
    """True when every corner of every text box lies inside the page outline."""
    outline = page.reshape(-1, 1, 2).astype(np.float32)
    return all(cv2.pointPolygonTest(outline, (float(x), float(y)), True) >= -tolerance
               for q in quads for x, y in q)


def read_document(frame: np.ndarray, reader: TextReader, orientation: PageOrientation | None = None) -> DocumentResult:
    """Find the page, straighten it when it is tilted, turn it upright (with `orientation`, a
    `PageOrientation`, when given), and read it whole.

    An outline found inside the paper's real edge (a shadowed margin, a curled page) would cut lines
    short, so when text lies outside it, the rectangle around the page and all the text is used instead."""
    started = time.perf_counter()
    page = find_page(frame)
    detect = getattr(reader, "detect", None)
    if page is not None and detect is not None:
        quads = list(detect(frame))
        if quads and not covers_text(page, quads):
            page = text_hull([page, *quads])
    flat = warp_to_rect(frame, widen(page, frame.shape)) if page is not None else frame
    turned = 0
    if orientation is not None:
        flat, turned = orientation.upright(flat)
    text = reader.read(flat)
    return DocumentResult(page, flat, text, (time.perf_counter() - started) * 1000, turned)
