"""Counts by place agree with the thing counted in French, German and Spanish (issue 28, point 3): "Trois
personnes : une à gauche…", "Zwei Stühle: einer vorne…", "Dos mandos a distancia: uno…". The word for one
of a kind is each thing's own catalog entry (the translator gives it as the noun's gender asks), checked
for every thing against the article the same catalog gives it, and heard in describe on real COCO photos
with the real detector."""

from __future__ import annotations

import pytest

from assistant import i18n
from assistant.announce.describe import people_sentence, things_sentence
from assistant.announce.words import a_thing, the_thing
from assistant.build import catalogs
from assistant.vision.detection import Detection
from assistant.vision.things import THINGS

LANGUAGES = ("fr", "de", "es")


@pytest.fixture(scope="module", autouse=True)
def compiled():
    catalogs.compile_all()


def _at(name: str, x: float, who: str | None = None) -> Detection:
    category = "person" if name == "person" else "furniture"
    return Detection(name, 0.6, category, (x, 100.0, x + 20.0, 120.0), "coco", name, who, who is not None)


def _described(language: str, people: list[Detection], things: list[Detection]) -> tuple[str, str]:
    i18n.use(language)
    try:
        return people_sentence(people, 640), things_sentence(things, 640)
    finally:
        i18n.use("en")


SAID = {  # language -> (three people, Anna and two others, two wine glasses, two ovens and two chairs)
    "fr": ("Trois personnes : une à gauche, deux devant.",
           "Anna à droite. Deux autres personnes : une à gauche, une devant.",
           "Deux verres à vin : un devant, un à droite. Deux fours : un à gauche, un devant. "
           "Deux chaises : une à gauche, une à droite."),
    "de": ("Drei Personen: eine links, zwei vorne.",
           "Anna rechts. Zwei weitere Personen: eine links, eine vorne.",
           "Zwei Weingläser: eins vorne, eins rechts. Zwei Backöfen: einer links, einer vorne. "
           "Zwei Stühle: einer links, einer rechts."),
    "es": ("Tres personas: una a la izquierda, dos delante.",
           "Anna a la derecha. Dos personas más: una a la izquierda, una delante.",
           "Dos copas de vino: una delante, una a la derecha. Dos hornos: uno a la izquierda, uno delante. "
           "Dos sillas: una a la izquierda, una a la derecha."),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_of_several_people_or_things_agrees_with_the_noun(language):
    three = [_at("person", 20), _at("person", 300), _at("person", 310)]
    people, _things = _described(language, three, [])
    assert people == SAID[language][0]
    others, _things = _described(language, [_at("person", 20), _at("person", 300), _at("person", 600, "Anna")], [])
    assert others == SAID[language][1]
    things = [_at("chair", 20), _at("chair", 600), _at("oven", 22), _at("oven", 300), _at("wine glass", 310),
              _at("wine glass", 590)]
    _people, said = _described(language, [], things)
    assert said == SAID[language][2]


# The word for one of a kind, by the article each catalog gives the thing: "une tasse" -> "une".
ONE_BY_ARTICLE = {
    "fr": lambda a, the: "une" if a.startswith(("une ", "des ")) else "un",
    "de": lambda a, the: {"der": "einer", "die": "eine", "das": "eins"}[the.split()[0]],
    "es": lambda a, the: "una" if a.startswith(("una ", "unas ")) else "uno",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_thing_has_its_own_one_and_it_agrees_with_its_article(language):
    from assistant.announce.words import one_of

    i18n.use(language)
    try:
        wrong = {t.spoken: (a_thing(t.spoken), one_of(t.spoken)) for t in THINGS
                 if one_of(t.spoken) != ONE_BY_ARTICLE[language](a_thing(t.spoken), the_thing(t.spoken))}
    finally:
        i18n.use("en")
    assert wrong == {}
    assert one_of("person") == "one" and one_of("chair") == "one"  # English: back to the message itself


# Real photos, the real detector: (photo, language) -> sentences the description holds.
PHOTOS = {
    "train2017_000000000241.jpg": {  # three people in a row; two remotes (feminine in French and German)
        "fr": ["Trois personnes : une à gauche, une devant, une à droite.",
               "Deux télécommandes : une à gauche, une devant."],
        "de": ["Drei Personen: eine links, eine vorne, eine rechts.", "Zwei Fernbedienungen: eine links, eine vorne."],
        "es": ["Tres personas: una a la izquierda, una delante, una a la derecha.",
               "Dos mandos a distancia: uno a la izquierda, uno delante."],
    },
    "train2017_000000000315.jpg": {  # people, umbrellas and chairs
        "fr": ["Cinq parapluies : un à gauche, deux devant, deux à droite.",
               "Deux chaises : une devant, une à droite."],
        "de": ["Fünf Regenschirme: einer links, zwei vorne, zwei rechts.", "Zwei Stühle: einer vorne, einer rechts."],
        "es": ["Cinco paraguas: uno a la izquierda, dos delante, dos a la derecha.",
               "Dos sillas: una delante, una a la derecha."],
    },
    "train2017_000000000110.jpg": {  # cups
        "fr": ["Trois tasses : deux à gauche, une devant."], "de": ["Drei Tassen: zwei links, eine vorne."],
        "es": ["Tres tazas: dos a la izquierda, una delante."],
    },
}


def test_describe_on_real_photos_says_one_as_each_noun_asks(dev_dir):
    from assistant.announce.describe import describe_found
    from assistant.capture.images import read_image
    from assistant.vision.detectors import Detectors
    from assistant.vision.people import name_found

    detector = Detectors()
    missing = []
    for photo, said in PHOTOS.items():
        image = read_image(dev_dir / "coco-dev" / photo)
        seen, faces = detector.look(image)
        found = name_found(image, seen, faces, None)
        for language, sentences in said.items():
            i18n.use(language)
            try:
                described = describe_found(found, float(image.shape[1]))
            finally:
                i18n.use("en")
            missing += [(photo, language, s, described) for s in sentences if s not in described]
    assert missing == []
