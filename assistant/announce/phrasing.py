"""How things are said: articles, honest confidence words, short sentences."""

from __future__ import annotations

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
