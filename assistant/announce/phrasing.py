"""How things are said: articles, honest confidence words, short sentences."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.vision.detection import Detection

PLURAL_OR_MASS = {"jeans", "sunglasses", "broccoli", "cauliflower", "hay", "espresso", "red wine", "ice cream",
                  "guacamole", "consomme", "eggnog", "mashed potato", "carbonara", "chocolate sauce", "dough",
                  "wool", "velvet", "swimming trunks", "pajama", "bubble", "coral reef"}


def with_article(name: str) -> str:
    if name in PLURAL_OR_MASS or name[:1].isupper():
        return name
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name


def label_sentence(name: str, score: float, sure: float) -> str:
    """'A laptop.' when sure, 'Probably a laptop.' when likely; the caller drops anything below the floor."""
    if score >= sure:
        phrase = with_article(name)
        return phrase[:1].upper() + phrase[1:] + "."
    return f"Probably {with_article(name)}."


NOTHING = "Nothing I recognise."


def labels_part(detections: Sequence[Detection], floor: float, sure: float, limit: int = 3) -> str:
    """The things in view with honest confidence words, or 'Nothing I recognise.'"""
    parts = [label_sentence(d.name, d.score, sure) for d in detections if d.score >= floor][:limit]
    return " ".join(parts) if parts else NOTHING


def text_part(lines: Sequence[str], max_lines: int = 3) -> str:
    """'Text: ...' with at most `max_lines` lines and how many more there are; '' without text."""
    if not lines:
        return ""
    shown = lines[:max_lines]
    more = f" And {len(lines) - max_lines} more lines." if len(lines) > max_lines else ""
    return "Text: " + " ".join(line.rstrip(".") + "." for line in shown) + more


def live_text(lines: Sequence[str], limit: int) -> str:
    """At most `limit` lines of live text; the rest are counted, and R reads everything."""
    if len(lines) <= limit:
        return "\n".join(lines)
    more = len(lines) - limit
    return "\n".join(lines[:limit]) + f"\n{more} more line{'s' if more > 1 else ''}. Press R to read all."


def describe_sentence(detections: Sequence[Detection], text_lines: Sequence[str], light_words: str,
                      floor: float, sure: float) -> str:
    """The describe-now answer: things with confidence words, any text, and whether it is dark."""
    return " ".join(p for p in (labels_part(detections, floor, sure), text_part(text_lines), light_words) if p)
