"""CTC decoding with word boundaries and reading order, on scripted inputs (pure functions)."""

from __future__ import annotations

import numpy as np

from assistant.vision import ctc, layout

CHARSET = ["blank", "a", "b", "c", " "]
SPACE = 4


def probs(steps: list[int], space_at: dict[int, float] | None = None) -> np.ndarray:
    p = np.full((len(steps), len(CHARSET)), 0.001)
    for t, k in enumerate(steps):
        p[t, k] = 0.9
    for t, v in (space_at or {}).items():
        p[t, SPACE] = v
    return p / p.sum(axis=1, keepdims=True)


def test_blanks_and_repeats_collapse():
    assert ctc.decode(probs([1, 1, 0, 2, 2, 0, 2, 3]), CHARSET, SPACE).text == "abbc"


def test_a_dropped_space_is_put_back_only_where_the_model_saw_one():
    steps = [1, 0, 0, 2, 0, 3]
    assert ctc.decode(probs(steps), CHARSET, SPACE).text == "abc"
    assert ctc.decode(probs(steps, {1: 0.08}), CHARSET, SPACE).text == "a bc"
    assert ctc.decode(probs(steps, {1: 0.02}), CHARSET, SPACE).text == "abc"
    assert ctc.decode(probs([1, 4, 2]), CHARSET, SPACE).text == "a b"
    assert ctc.decode(probs([0, 0]), CHARSET, SPACE) == ctc.Decoded("", 0.0)


def frag(text: str, x0: float, y0: float, x1: float, y1: float, score: float = 0.9) -> layout.Fragment:
    return layout.Fragment(text, score, np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32))


def spoken(fragments: list[layout.Fragment]) -> list[str]:
    return [t for block in layout.reading_order(fragments) for t in layout.block_text(block)]


def test_two_columns_are_read_left_column_first():
    left = [frag(f"left {i}", 0, i * 30, 300, i * 30 + 20) for i in range(4)]
    right = [frag(f"right {i}", 400, i * 30, 700, i * 30 + 20) for i in range(4)]
    assert spoken(right + left) == [f"left {i}" for i in range(4)] + [f"right {i}" for i in range(4)]


def test_a_receipt_row_with_a_price_stays_one_line():
    rows = [frag("Total :", 0, 0, 100, 20), frag("9.00", 400, 2, 460, 22),
            frag("Cash", 0, 30, 80, 50), frag("10.00", 400, 30, 470, 50)]
    assert spoken(rows) == ["Total : 9.00", "Cash 10.00"]


def test_title_then_paragraph_then_low_confidence_dropped():
    items = [frag("para one", 0, 100, 500, 120), frag("Title", 0, 0, 200, 30), frag("para two", 0, 125, 480, 145),
             frag("xq#", 0, 200, 50, 220, score=0.2)]
    assert spoken(items) == ["Title", "para one", "para two"]


def test_hyphenated_line_ends_are_joined():
    assert layout.join_hyphens(["the infor-", "mation is", "well-", "Known"]) == ["the information is", "well-",
                                                                                 "Known"]
