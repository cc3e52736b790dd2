"""What the user asks to find, as something vision can look for: `resolve(name)` -> a `Target` (a thing of
the detector's, a word or phrase of text, a code, or a known person), and the pure rules the live find
channel, `assistant find` and the benchmarks share: which detection or line is the target (`matches`,
`text_in`), and where a box is in a frame (`placement`).

A name is resolved in this order, after the words before it that name nothing ("the", "my": `FILLERS`) are
dropped: `text WORD` (text, whatever the word); "code", "barcode", "QR code" (a code); a thing the detector
names, as people say it (`objects.csv`'s spoken names and plurals, the models' own class names such as "cell
phone" or "dining table", and the everyday words in `SAID_AS`: before people, so that a face taught as "cup"
does not hide every cup); a known person's name, compared as the known-faces file compares names (case and
composed letters aside: `facestore.name_key`; see `channels.find.people_finder`); anything else is looked for
as text, with the closest thing names offered (`closest`). In another language the same is read with that
language's words (a `Vocabulary`, made from its catalog by `announce.words.vocabulary`), then with the English
ones.
"""

from __future__ import annotations

import difflib
import enum
import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from assistant.textdist import levenshtein
from assistant.vision.centernet import COCO_CLASSES
from assistant.vision.codes import Seen
from assistant.vision.detection import Box, Detection
from assistant.vision.facestore import name_key
from assistant.vision.layout import Line
from assistant.vision.merge import AGREE, FACE, SSD, Hit, merge
from assistant.vision.things import THINGS, Model, Thing

# Everyday words for the detector's things, beyond the table's spoken names, plurals and class names (which
# give "mug", "screen", "desk", "cell phone", "dining table"): the word -> the COCO classes (as COCO spells
# them) or spoken names of things without one ("box", "shoe") that it stands for. Checked at import: each is
# a word the table does not have, for things the detector says.
SAID_AS: dict[str, tuple[str, ...]] = {
    "mobile": ("cell phone",), "mobile phone": ("cell phone",), "cellphone": ("cell phone",),
    "smartphone": ("cell phone",), "iphone": ("cell phone",), "telephone": ("cell phone",),
    "coffee mug": ("cup",), "teacup": ("cup",),
    # COCO labels a drinking glass as a cup unless it has a stem: "glass" is either.
    "glass": ("cup", "wine glass"), "tumbler": ("cup",),
    "wineglass": ("wine glass",),
    "television": ("tv",), "telly": ("tv",), "monitor": ("tv",), "display": ("tv",),
    "settee": ("couch",),
    "kitchen table": ("dining table",),
    "houseplant": ("potted plant",), "pot plant": ("potted plant",),
    "computer": ("laptop",), "notebook computer": ("laptop",),
    "remote control": ("remote",), "tv remote": ("remote",), "clicker": ("remote",),
    "bike": ("bicycle",), "motorbike": ("motorcycle",), "aeroplane": ("airplane",), "aircraft": ("airplane",),
    "lorry": ("truck",), "taxi": ("car",), "ship": ("boat",),
    "football": ("sports ball",), "soccer ball": ("sports ball",), "tennis ball": ("sports ball",),
    "bag": ("handbag",), "purse": ("handbag",), "rucksack": ("backpack",), "luggage": ("suitcase",),
    "hairdryer": ("hair drier",), "ski": ("skis",),
    "someone": ("person",), "somebody": ("person",), "man": ("person",), "woman": ("person",),
    "child": ("person",), "kid": ("person",),
    "puppy": ("dog",), "kitten": ("cat",), "teddy": ("teddy bear",),
    "trainer": ("shoe",), "sneaker": ("shoe",),
    "carton": ("box",), "cardboard box": ("box",),
}
CODE_WORDS = ("code", "codes", "barcode", "barcodes", "bar code", "qr code", "qr codes", "qr")
TEXT_WORD = "text"  # "text exit": the word exit, as text
FILLERS = ("a", "an", "the", "my", "some")  # "find my phone": the phone
EVERYDAY = ("person", "cup", "bottle", "phone", "chair")  # offered when no name of a thing is near the one asked
FORGIVEN_FROM = 5  # letters: a word this long matches with one letter wrong
# The thing asked for counts from this share of its class's level (`objects.csv`), as it is asked for: on the
# COCO dev photos (levels cross-validated) 0.78 of the things of 2% of a photo are found, not 0.73, and
# nothing is found on 99.2% of the photos without one, not 99.7% (0.7 was chosen there: 0.6 gives 0.79
# and 99.1%, `AGREE` for all 0.81 and 98.7%).
FIND_SHARE = 0.7


class Kind(str, enum.Enum):
    THING = "thing"
    TEXT = "text"
    CODE = "code"
    PERSON = "person"


@dataclass(frozen=True)
class Target:
    """What is looked for. `name`: as it is said ("cup" for "mugs", the phrase for text); `coco`: the COCO
    classes that are it, `others`: spoken names of things with no COCO class (a box, a shoe); `words`: the
    phrase, lower case, word by word (text); `guessed`: looked for as text because it names nothing else;
    `closest`: then, the thing names nearest to it."""

    kind: Kind
    name: str
    coco: frozenset[str] = frozenset()
    others: frozenset[str] = frozenset()
    words: tuple[str, ...] = ()
    guessed: bool = False
    closest: tuple[str, ...] = ()


Said = tuple[str, frozenset[str], frozenset[str]]  # the name it is said by, COCO classes, other spoken names


def _spoken() -> dict[str, str]:
    """Each thing the detector says (its COCO class, or its spoken name when it has none) -> its spoken name."""
    return {t.coco or t.spoken: t.spoken for t in THINGS
            if t.level != math.inf and (t.model == Model.COCO or t.coco is None)}


SPOKEN = _spoken()


def _said_things() -> dict[str, Said]:
    """Every name of a thing (lower case) -> what it is said as."""
    out: dict[str, Said] = {}

    def add(word: str, classes: Iterable[str], said: str | None = None) -> None:
        coco = frozenset(c for c in classes if c in COCO_CLASSES)
        others = frozenset(c for c in classes if c not in COCO_CLASSES)
        out.setdefault(word.lower(), (said or SPOKEN[next(iter(sorted(classes)))], coco, others))

    for t in THINGS:
        if t.level != math.inf:
            for word in (t.spoken, t.plural, t.label, t.coco or ""):
                if word:
                    add(word, (t.coco or t.spoken,))
    for word, classes in SAID_AS.items():
        unknown = [c for c in classes if c not in SPOKEN]
        if unknown or word in out:
            raise ImportError(f"SAID_AS: {word!r} is in the table already, or stands for what the detector does not "
                              f"say ({unknown})")
        add(word, classes, word if len(classes) > 1 else None)
    return out


NAMES = _said_things()
SSD_KNOWS = frozenset(t.coco or t.spoken for t in THINGS if t.model == Model.OID and t.level != math.inf)
THING_NAMES: tuple[str, ...] = tuple(sorted({said for said, _, _ in NAMES.values()}, key=str.lower))


def _thing_words() -> dict[str, tuple[str, ...]]:
    """Each thing (a key of `SPOKEN`) -> the English words that find it, in `NAMES`' order: what the catalogs
    ask a translator to give in their language (`announce.words.vocabulary`)."""
    out: dict[str, list[str]] = {key: [] for key in SPOKEN}
    for word, (_said, coco, others) in NAMES.items():
        for key in sorted(coco | others):
            out[key].append(word)
    return {key: tuple(words) for key, words in out.items()}


THING_WORDS = _thing_words()


def said_as(things: Collection[str]) -> Said:
    """What a word for the things `things` (keys of `SPOKEN`) is said as: the one thing's name, or the English
    word for the same things ("glass": a cup or a wine glass), else the first one's name."""
    coco = frozenset(k for k in things if k in COCO_CLASSES)
    others = frozenset(things) - coco
    same = next((said for said in NAMES.values() if said[1:] == (coco, others)), None)
    return same if same is not None else (SPOKEN[min(things)], coco, others)


def fold(text: str) -> str:
    """A word as it is looked up: case, accents, hyphens and curly apostrophes ignored, spaces collapsed
    ("Sèche-cheveux" -> "seche cheveux": typed without its accents, it is still found)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("\u2019", "'"))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("-", " ").split())


@dataclass(frozen=True)
class Vocabulary:
    """The words a name to find is read with, in one language, each folded (`fold`): `things`: every word
    for a thing -> what it is said as; `fillers`: words before a name that name nothing ("the", "my"; one
    ending in an apostrophe is the start of the next word: French "l'"); `text`: the word that asks for
    text; `codes`: the words for a code; `offered`: a word of a thing -> its name as offered when a name is
    no thing's (`closest`); `everyday`: the names offered when none is near."""

    things: Mapping[str, Said]
    fillers: frozenset[str]
    text: str
    codes: frozenset[str]
    offered: Mapping[str, str] = field(default_factory=dict)
    everyday: tuple[str, ...] = ()


ENGLISH = Vocabulary({fold(word): said for word, said in NAMES.items()}, frozenset(FILLERS), TEXT_WORD,
                     frozenset(CODE_WORDS), {fold(name): name for name in THING_NAMES}, EVERYDAY)


def words_of(text: str) -> tuple[str, ...]:
    """Lower-case words (letters and digits) of `text`, in order."""
    return tuple(re.findall(r"\w+", text.casefold()))


STRIPPED = " .,;:!?\"'\u00bf\u00a1\u00ab\u00bb\u201c\u201d\u201e\u2018\u2026"  # around a name: ¿ ¡ « » “ ” „ ‘ …


def _clean(name: str, fillers: Collection[str]) -> str:
    """`name` without the punctuation around it and the words before it that name nothing ("my phone":
    phone; "l'ours": ours); its last word always stays. One pass over the name, whatever its length."""
    words = " ".join(name.replace("\u2019", "'").split()).strip(STRIPPED).split(" ")
    start = 0
    while start < len(words) - 1 and fold(words[start]) in fillers:
        start += 1
    first = words[start]
    for filler in fillers:
        if filler.endswith("'") and len(first) > len(filler) and fold(first[:len(filler)]) == filler:
            first = first[len(filler):]
            break
    return " ".join([first, *words[start + 1:]])


def _singular(word: str) -> list[str]:
    """Forms the word may be the plural of: 'mugs' -> mug; 'glasses' -> glass; 'batteries' -> battery."""
    forms = []
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if word.endswith("es"):
        forms.append(word[:-2])
    if word.endswith("s"):
        forms.append(word[:-1])
    return forms


def closest(word: str, n: int = 4, words: Vocabulary = ENGLISH) -> tuple[str, ...]:
    """The thing names nearest in spelling to `word` (for "spork": fork, spoon, ...), as `words` offers them;
    some everyday ones when none is near."""
    near = difflib.get_close_matches(fold(word), list(words.offered), 4 * n, cutoff=0.5)
    return tuple(dict.fromkeys(words.offered[w] for w in near))[:n] or words.everyday


def _thing(key: str, words: Vocabulary) -> Said | None:
    """What a folded name is as a thing: in the user's words, then in English (an English plural too)."""
    for vocabulary in (words, ENGLISH):
        if key in vocabulary.things:
            return vocabulary.things[key]
    return next((ENGLISH.things[form] for form in _singular(key) if form in ENGLISH.things), None)


def resolve(name: str, people: Collection[str] = (), words: Vocabulary = ENGLISH) -> Target | None:
    """What `name` asks for (see the module's order), read with the user's `words` and then the English ones;
    None for a name without a letter or digit. `people`: the known people's names."""
    text = _clean(name, words.fillers | ENGLISH.fillers)
    head, _space, rest = text.partition(" ")
    if fold(head) in (words.text, TEXT_WORD) and words_of(rest):
        phrase = rest.strip()
        return Target(Kind.TEXT, phrase, words=words_of(phrase))
    if not words_of(text):
        return None
    key = fold(text)
    if key in words.codes or key in ENGLISH.codes:
        return Target(Kind.CODE, "code")
    thing = _thing(key, words)
    if thing is not None:  # a thing stays findable when someone was taught under its name
        said, coco, others = thing
        return Target(Kind.THING, said, coco, others)
    person = next((p for p in people if name_key(p) == name_key(text)), None)
    if person is not None:
        return Target(Kind.PERSON, person)
    return Target(Kind.TEXT, text, words=words_of(text), guessed=True, closest=closest(text, words=words))


def matches(target: Target, found: Detection) -> bool:
    """Whether a detection is the thing looked for."""
    if found.coco is not None:
        return found.coco in target.coco
    return found.name in target.others


def _same_word(wanted: str, read: str) -> bool:
    if wanted == read:
        return True
    return len(wanted) >= FORGIVEN_FROM and abs(len(wanted) - len(read)) <= 1 and levenshtein(wanted, read) <= 1


def text_in(words: Sequence[str], text: str) -> bool:
    """Whether the phrase `words` (see `words_of`) is in `text`: its words in a row, case ignored, one
    wrong (missing, extra) letter forgiven in a word of `FORGIVEN_FROM` letters or more."""
    read = words_of(text)
    n = len(words)
    return n > 0 and any(all(_same_word(w, r) for w, r in zip(words, read[i:i + n]))
                         for i in range(len(read) - n + 1))


@dataclass(frozen=True)
class Found:
    """One sighting of the target: what it is called (a thing's spoken name, the text read, the code's
    kind), how sure, and its box in frame pixels."""

    name: str
    score: float
    box: Box


def things_found(target: Target, detections: Iterable[Detection]) -> list[Found]:
    return [Found(d.name, d.score, d.box) for d in detections if d.box is not None and matches(target, d)]


def is_target(target: Target, thing: Thing) -> bool:
    return thing.coco in target.coco if thing.coco is not None else thing.spoken in target.others


def lowered(target: Target, hits: Iterable[Hit], share: float = FIND_SHARE) -> list[Hit]:
    """The hits, the target's own counting from `share` of their class's level (never under `AGREE`)."""
    return [replace(h, thing=replace(h.thing, level=max(AGREE, h.thing.level * share))) if is_target(target, h.thing)
            else h for h in hits]


def needs(target: Target, sources: Iterable[str]) -> list[str]:
    """The detector sources, of `sources` (names), that finding the thing runs: all but the SSD where it does
    not know the thing (a cup, a box: for the others it can only confirm or hide other classes) and the face
    detector where it is not a person."""
    wanted = target.coco | target.others
    idle = ({SSD} if not wanted & SSD_KNOWS else set()) | ({FACE} if "person" not in target.coco else set())
    return [name for name in sources if name not in idle]


def find_things(target: Target, hits: Mapping[str, Sequence[Hit]], share: float = FIND_SHARE) -> list[Found]:
    """The target among the detectors' hits (by source, as `Detectors.by_source` gives them): the merged
    answer, with the target's own hits from `share` of their level, and parts kept (a tie asked for, though
    someone wears it). A source's hits count only where the target `needs` it (finding runs it only then)."""
    needed = {name: hits[name] for name in needs(target, hits)}
    if not any(is_target(target, h.thing) for found in needed.values() for h in found):
        return []  # the merge names each hit's own thing: with none of the target's, it cannot find it
    return things_found(target, merge({name: lowered(target, found, share) for name, found in needed.items()},
                                      keep_parts=True))


def text_found(target: Target, lines: Iterable[Line]) -> list[Found]:
    """The lines that hold the phrase, each boxed by its first fragment that holds it whole (else the line)."""
    out = []
    for line in lines:
        if text_in(target.words, line.text):
            pieces = [f for f in line.fragments if text_in(target.words, f.text)]
            piece = pieces[0] if pieces else line
            out.append(Found(piece.text, piece.score, quad_box(piece.box)))
    return out


def codes_found(seen: Seen) -> list[Found]:
    """The codes read, and those seen but not yet read (what to come closer to)."""
    read = [Found(f"{c.type} code", 1.0, _floats(c.box)) for c in seen.codes]
    return read + [Found("code", 0.5, _floats(box)) for box in seen.unread]


def _floats(box: tuple[int, int, int, int]) -> Box:
    return float(box[0]), float(box[1]), float(box[2]), float(box[3])


@dataclass(frozen=True)
class Placement:
    """Where a box is in its frame: `pan` -1 at the left edge .. +1 at the right, `tilt` -1 at the bottom ..
    +1 at the top (0, 0: the centre), `size` its area as a share of the frame's."""

    pan: float
    tilt: float
    size: float


def placement(box: Box, width: float, height: float) -> Placement:
    x0, y0, x1, y1 = box
    w, h = max(1.0, width), max(1.0, height)
    pan = ((x0 + x1) / 2) / w * 2 - 1
    tilt = 1 - ((y0 + y1) / 2) / h * 2
    size = max(0.0, x1 - x0) * max(0.0, y1 - y0) / (w * h)
    return Placement(max(-1.0, min(1.0, pan)), max(-1.0, min(1.0, tilt)), min(1.0, size))


def quad_box(quad: np.ndarray) -> Box:
    """The bounding box of a quadrilateral's points (n x 2: a text line's or fragment's)."""
    points = np.asarray(quad, dtype=np.float64).reshape(-1, 2)
    x0, y0 = points.min(axis=0)
    x1, y1 = points.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)
