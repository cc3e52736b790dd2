"""The services channels share, as typed fields that the composition root (`app`) makes and hands to every
channel in its `Context`: a channel reaches another's work only through these, never by importing it.

- `text`: the live OCR reader and what it last read (the text and guidance channels, document mode, find);
- `guide`: framing guidance, said once it changes (the guidance channel and document mode);
- `people`: the people taught (`vision.people.KnownPeople`), or None where the face models are not built;
- `finder`: where a person taught is in a frame (find);
- `wanted`: what find looks for now (the find channels of both lanes);
- `in_view`: the people and things the objects channel holds as in view, and what it named for the describe
  answer being made (the scene channel leaves those to it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from assistant.announce.guide import Guide
from assistant.vision.detection import Detection
from assistant.vision.ocr import TextReader, TextResult
from assistant.vision.people import KnownPeople
from assistant.vision.peoplefinder import NoPeople, PeopleFinder
from assistant.vision.targets import Target


class TextView:
    """The live OCR reader (loaded when text is first read: `reader` gives it) and what it last read.
    Thread contract: `read` on the slow lane only; `latest` is published whole, so the loop thread may read
    it at any time."""

    def __init__(self, reader: Callable[[], TextReader], clock: Callable[[], float]) -> None:
        self._reader, self.clock = reader, clock
        self.latest: TextResult | None = None
        self.latest_at = float("-inf")  # when `latest` was read
        self.published: list[str] = []  # the lines of the last read made elsewhere (`publish`), and when
        self.published_at = float("-inf")
        self._frame: np.ndarray | None = None

    @property
    def reader(self) -> TextReader:
        return self._reader()

    def read(self, frame: np.ndarray) -> TextResult:
        """The text in `frame`, read once however many channels ask in the same tick."""
        if frame is not self._frame or self.latest is None:
            self.latest = self.reader.read(frame)
            self.latest_at = self.clock()
            self._frame = frame
        return self.latest

    def publish(self, result: TextResult) -> None:
        """A read made elsewhere (R, a whole page) becomes the latest; its lines have been read out."""
        self.latest, self.latest_at = result, self.clock()
        self.published, self.published_at = [line.text for line in result.lines], self.latest_at

    def forget(self) -> None:
        self.latest, self._frame = None, None


@dataclass
class Wanted:
    """What is looked for now, shared by the two lanes: replaced whole on the loop thread."""

    target: Target | None = None


@dataclass
class InView:
    """What the objects channel holds: `present`, the people and things in view now (replaced whole on the
    loop thread, each step); `described`, what it named in the describe answer being made (set by its
    `describe`, read by the scene channel's, which comes after it on the same thread)."""

    present: tuple[Detection, ...] = ()
    described: tuple[Detection, ...] = ()
    covered: frozenset[str] = frozenset()  # every name the objects channel can say (the scene leaves them)


@dataclass
class Services:
    """What channels share (see the module's list)."""

    text: TextView
    guide: Guide
    people: KnownPeople | None = None
    finder: PeopleFinder = field(default_factory=NoPeople)
    wanted: Wanted = field(default_factory=Wanted)
    in_view: InView = field(default_factory=InView)
