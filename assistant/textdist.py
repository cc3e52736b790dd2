"""Edit distance between strings: OCR scoring and telling whether two reads are the same line."""

from __future__ import annotations


def levenshtein(a: str, b: str) -> int:
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def similar(a: str, b: str, tolerance: float = 0.3) -> bool:
    """Same line read twice: edit distance at most `tolerance` of the longer one (case and spaces ignored)."""
    a, b = " ".join(a.lower().split()), " ".join(b.lower().split())
    longest = max(len(a), len(b))
    if not longest:
        return True
    if abs(len(a) - len(b)) > tolerance * longest:
        return False
    return levenshtein(a, b) <= tolerance * longest
