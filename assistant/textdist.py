"""Edit distance between strings: OCR scoring and telling whether two reads are the same line."""

from __future__ import annotations


def levenshtein(a: str, b: str) -> int:
    """Edits (insert, delete, substitute) from `a` to `b`. Myers' bit-parallel way (Hyyro's form for whole
    strings): one column of the edit table is two bit sets (where it steps up or down by one), so a column costs
    a few operations on Python's big integers rather than one `min` a cell: a receipt's thousand characters
    against another's are a thousand times faster than cell by cell, with the same answer."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    where: dict[str, int] = {}
    for i, char in enumerate(b):
        where[char] = where.get(char, 0) | 1 << i
    full, last = (1 << len(b)) - 1, 1 << (len(b) - 1)
    up, down, distance = full, 0, len(b)  # the first column: 0, 1, 2, ... down b
    for char in a:
        equal = where.get(char, 0)
        vertical = equal | down
        horizontal = (((equal & up) + up) ^ up) | equal
        right_up = down | ~(horizontal | up) & full
        right_down = up & horizontal
        if right_up & last:
            distance += 1
        elif right_down & last:
            distance -= 1
        right_up = (right_up << 1 | 1) & full  # the top row counts up by one each column
        right_down = right_down << 1 & full
        up = right_down | ~(vertical | right_up) & full
        down = right_up & vertical
    return distance


def similar(a: str, b: str, tolerance: float = 0.3) -> bool:
    """Same line read twice: edit distance at most `tolerance` of the longer one (case and spaces ignored)."""
    a, b = " ".join(a.lower().split()), " ".join(b.lower().split())
    longest = max(len(a), len(b))
    if not longest:
        return True
    if abs(len(a) - len(b)) > tolerance * longest:
        return False
    return levenshtein(a, b) <= tolerance * longest
