"""Find (issue 23): names resolved to what is looked for; the tick's laws and the lead on a fake clock; the
channel and the live loop on real COCO dev photos and a real receipt with the real models (stereo ticks, S
stops, one detector run a frame for two channels); `assistant find --json`; issue 23's targets on the COCO
dev photos with levels fitted without the photos judged; a virtual camera turning towards a cup."""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path

import cv2
import numpy as np
import pytest
from harness import kept

from assistant.app import channel_context, load_models
from assistant.bench import find as bench_find
from assistant.bench import pans
from assistant.capture.images import read_image
from assistant.channels import find as F
from assistant.channels.find import FindChannel, FindTextChannel, Lead
from assistant.cli import main
from assistant.common import Earcon
from assistant.config import Config
from assistant.keys import Action
from assistant.offline import no_network
from assistant.speech.audio import SAMPLE_RATE, WavSink, earcon
from assistant.vision.targets import Kind as TargetKind
from assistant.vision.targets import Placement, resolve, text_in, words_of

CUP_PHOTO = "train2017_000000000127.jpg"  # a cup right of the centre, below it, 7% of the photo
NO_CUP = "train2017_000000000025.jpg"  # giraffes


@pytest.fixture(scope="module")
def models():
    with no_network():
        return load_models(Config())


@pytest.fixture(scope="module")
def coco_dir(dev_dir) -> Path:
    return dev_dir / "coco-dev"


def test_names_are_resolved_as_people_say_them():
    said = {name: resolve(name) for name in ("cup", "mugs", "a mug", "phone", "mobile", "cell phone", "TV", "screen",
                                             "sofa", "dining table", "people", "knives", "glass", "shoes")}
    assert {n: (t.kind, t.name) for n, t in said.items() if t is not None} == {
        "cup": (TargetKind.THING, "cup"), "mugs": (TargetKind.THING, "cup"), "a mug": (TargetKind.THING, "cup"),
        "phone": (TargetKind.THING, "phone"), "mobile": (TargetKind.THING, "phone"),
        "cell phone": (TargetKind.THING, "phone"), "TV": (TargetKind.THING, "TV"), "screen": (TargetKind.THING, "TV"),
        "sofa": (TargetKind.THING, "sofa"), "dining table": (TargetKind.THING, "table"),
        "people": (TargetKind.THING, "person"), "knives": (TargetKind.THING, "knife"),
        "glass": (TargetKind.THING, "glass"), "shoes": (TargetKind.THING, "shoe")}
    assert said["glass"].coco == {"cup", "wine glass"} and said["shoes"].others == {"shoe"}  # type: ignore[union-attr]
    pizza, text_pizza = resolve("pizza"), resolve("text pizza")
    assert pizza is not None and pizza.kind is TargetKind.THING
    assert text_pizza is not None and (text_pizza.kind, text_pizza.words, text_pizza.guessed) == (
        TargetKind.TEXT, ("pizza",), False)
    spork = resolve("spork")
    assert spork is not None and spork.kind is TargetKind.TEXT and spork.guessed
    assert {"fork", "spoon"} <= set(spork.closest)
    assert [resolve(n).kind for n in ("code", "Barcode", "QR code")] == [TargetKind.CODE] * 3  # type: ignore[union-attr]
    anna = resolve("anna", people=("Anna",))
    assert anna is not None and (anna.kind, anna.name) == (TargetKind.PERSON, "Anna")
    assert resolve("anna").kind is TargetKind.TEXT and resolve("  ") is None  # type: ignore[union-attr]


def test_text_is_matched_ignoring_case_forgiving_one_letter_in_long_words():
    assert text_in(words_of("platform 2"), "Trains from PLATFORM 2 only")
    assert text_in(words_of("exchangable"), "EXCHANGEABLE")  # a letter missing in a long word
    assert text_in(words_of("station"), "Statlon")  # a wrong letter
    assert not text_in(words_of("station"), "Stat1n")  # two
    assert not text_in(words_of("exit"), "EXlT")  # short words must be read right
    assert not text_in(words_of("platform 2"), "platform 3") and not text_in(words_of("2 platform"), "platform 2")


def test_the_tick_laws():
    assert F.tick_pan(-1.0) == -1.0 and F.tick_pan(1.0) == 1.0 and F.tick_pan(0.0) == 0.0
    assert 0.2 < F.tick_pan(0.1) < 0.3 and F.tick_pan(-0.1) == -F.tick_pan(0.1)  # near the centre: easier to hear
    assert F.tick_level(1.0) == 1.0 and F.tick_level(-1.0) == 0.0 and F.tick_level(0.0) == 0.5
    edge, midway, centred = (F.tick_interval(Placement(p, 0.0, 0.0), 0.08) for p in (1.0, 0.5, 0.0))
    assert edge == pytest.approx(F.SLOWEST) and edge > midway > centred
    close = F.tick_interval(Placement(0.0, 0.0, 0.2), 0.08)
    assert close == pytest.approx(F.FASTEST) and close < centred  # centred and close
    for level, hz in ((0.0, 440), (0.5, 880), (1.0, 1760)):  # the pitch: two octaves, up with the thing
        tick = earcon(Earcon.FIND_TICK, level)
        spectrum = np.abs(np.fft.rfft(tick, 8 * len(tick)))
        assert abs(np.argmax(spectrum) * SAMPLE_RATE / (8 * len(tick)) - hz) < 0.03 * hz


def test_the_lead_ticks_says_close_once_stops_and_says_not_in_view_once_until_seen_again():
    target = resolve("cup")
    assert target is not None
    lead = Lead(target, 0.0)
    far, near = Placement(0.9, 0.0, 0.02), Placement(0.05, 0.0, 0.2)
    heard: list[tuple[float, str]] = []

    def play(place: Placement | None, start: float, end: float, every: float = 0.1) -> None:
        for i in range(round((end - start) / every)):
            now = round(start + i * every, 3)
            heard.extend((now, s.text or "tick") for s in lead.update(place, now))

    play(far, 0.0, 1.0)
    ticks = [t for t, w in heard if w == "tick"]
    assert ticks[0] == 0.0 and min(np.diff(ticks)) >= F.SLOWEST * 0.6  # at once, then slowly at the edge
    play(near, 1.0, 2.0)
    near_ticks = [t for t, w in heard if w == "tick" and t >= 1.0]
    assert len(near_ticks) >= 8 and [w for _, w in heard if w != "tick"] == ["Cup, ahead, close."]
    heard.clear()
    play(None, 2.0, 7.0)  # gone: ticks for a second, then none; "Not in view." once, 3 s after it was seen
    assert max(t for t, w in heard if w == "tick") <= 2.9 + 0.01
    assert [(t, w) for t, w in heard if w != "tick"] == [(4.9, "Not in view.")]
    heard.clear()
    play(near, 7.0, 7.3)
    play(None, 7.3, 11.0)
    assert [w for _, w in heard if w != "tick"] == ["Cup, ahead, close.", "Not in view."]  # seen between: again


@pytest.fixture
def replayed(models, monkeypatch):
    """The shared models, with each detector source run once for each picture (by its pixels) in this test
    and its answer replayed after: the channel's steps are on copies of a few photos, and what it says of
    them is the point, not the models' runs (the tests that count the runs do not use this)."""
    for source in models.detector.sources.values():
        monkeypatch.setattr(source, "hits", kept(source.hits))
    return models


def _steps(channel: FindChannel, frame: np.ndarray, clock, seconds: float) -> list:
    says = []
    for _ in range(round(seconds * 10)):
        says += [(clock.now, s) for s in channel.step(frame.copy(), clock.now)]  # a camera's frames are new arrays
        clock.advance(0.1)
    return says


def test_the_channel_leads_to_the_cup_on_its_side_and_says_when_it_is_ahead_and_close(clock, replayed, coco_dir):
    photo = read_image(coco_dir / CUP_PHOTO)
    channel = FindChannel(channel_context(Config(), replayed, clock=clock))
    assert [s.text for s in channel.request(Action.LOCATE, "mugs", None, 0.0)] == ["Looking for cup."]
    ticks = [s for _, s in _steps(channel, photo, clock, 1.0) if s.earcon is Earcon.FIND_TICK]
    assert ticks and all(s.pan > 0.3 and s.level < 0.5 for s in ticks)  # on the right, low: below the centre
    mirrored = [s for _, s in _steps(channel, cv2.flip(photo, 1), clock, 1.0) if s.earcon is Earcon.FIND_TICK]
    assert mirrored and all(s.pan < -0.3 for s in mirrored)
    close = photo[170:400, 325:625]  # held up to the camera: centred, a third of the view
    words = [s.text for _, s in _steps(channel, close, clock, 2.0) if s.text]
    assert words == ["Cup, ahead, close."]
    assert channel.request(Action.STOP, "", None, clock.now) == [] and _steps(channel, photo, clock, 1.0) == []


def test_where_it_is_not_nothing_ticks_and_not_in_view_is_said_once(clock, replayed, coco_dir):
    channel = FindChannel(channel_context(Config(), replayed, clock=clock))
    channel.request(Action.LOCATE, "cup", None, 0.0)
    said = [(t, s.text) for t, s in _steps(channel, read_image(coco_dir / NO_CUP), clock, 5.0)]
    assert said == [(3.0, "Not in view.")]


def test_words_on_a_receipt_are_found_with_the_live_reader_in_a_mode_without_live_text(clock, models, dev_dir):
    receipt = read_image(dev_dir / "ocr-dev" / "sroie_000.jpg")  # "TAN WOON YANN" at the top, "THANK YOU" low
    ctx = channel_context(Config(), models, clock=clock)
    fast, slow = FindChannel(ctx), FindTextChannel(ctx)
    levels = {}
    for words in ("thank you", "tan woon"):
        assert fast.request(Action.LOCATE, words, None, clock.now)[0].text.startswith(f"Looking for the words {words}.")
        frame = receipt.copy()
        slow.step(frame, clock.now)  # the slow lane reads (it would not in scene mode)
        clock.advance(0.1)
        levels[words] = [s.level for s in fast.step(frame, clock.now) if s.earcon is Earcon.FIND_TICK]
    assert levels["thank you"][0] < 0.25 and levels["tan woon"][0] > 0.75


def test_live_g_then_a_name_ticks_in_stereo_over_speech_s_stops_and_one_detector_run_serves_two_channels(
        models, coco_dir, tmp_path, live_loop, clock, count_runs):
    photo = read_image(coco_dir / CUP_PHOTO)
    loop = live_loop(models, sink=WavSink(tmp_path / "find.wav"))
    live, ticks = loop.live, loop.ticks
    runs = count_runs(models.detector)
    per_frame = []

    def frames(seconds: float) -> None:
        for _ in range(round(seconds * 10)):
            before = runs.copy()
            loop.step(photo.copy())
            per_frame.append(runs - before)
            clock.advance(0.1)

    live.handle(Action.LOCATE, None)
    live.handle(Action.LOCATE, "cup")
    frames(2.0)
    # Each model at most once a frame: the objects channel's runs are find's. Find runs CenterNet and the SSD
    # (it knows cups), and any other source but faces, on every frame; the objects channel BlazeFace on every
    # other (5 steps a second).
    assert runs == {**{name: 20 for name in models.detector.sources if name != "face"}, "face": 10}, runs
    assert all(n <= 1 for frame in per_frame for n in frame.values()), per_frame
    live.handle(Action.STOP)
    stopped_at, count = clock.now, len(ticks)
    frames(1.0)
    assert count >= 5 and len(ticks) == count and all(t < stopped_at for t in ticks)
    live.handle(Action.LOCATE, "knife")
    loop.close()
    spoken = loop.texts()
    assert "Looking for cup." in spoken and spoken[-1] == "Looking for knife."
    with wave.open(str(tmp_path / "find.wav")) as wav:
        assert wav.getnchannels() == 2
        audio = np.frombuffer(wav.readframes(wav.getnframes()), "<i2").reshape(-1, 2).astype(float)
    left, right = np.sqrt((audio ** 2).mean(axis=0))
    assert right > 1.5 * left > 0  # the cup is on the right


def test_live_objects_faces_and_find_run_each_model_once_a_frame_whatever_asks(models, dev_dir, tmp_path,
                                                                             monkeypatch, count_runs, live_loop,
                                                                             clock):
    """The objects, faces and find channels all active on one loop: a face being learned (N), then a person
    looked for (G person: CenterNet, the SSD and BlazeFace), then the person just taught (G Anna: BlazeFace
    and her face). Each model runs at most once a frame, whichever channels ask (BlazeFace used to run once
    for each of them); counted at the models' own sessions."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # nobody taught but Anna, here
    portrait = read_image(dev_dir / "faces-dev" / "img1.jpg")
    loop = live_loop(models, sink=WavSink(tmp_path / "all.wav"))
    live = loop.live
    assert {"objects", "faces", "find"} <= set(live.channels) and live.mode in live.channels["objects"].modes
    runs = count_runs(models.detector)
    per_frame = []

    def frames(seconds: float) -> None:
        for _ in range(round(seconds * 10)):
            before = runs.copy()
            loop.step(portrait.copy())  # a camera's frames are new arrays
            per_frame.append(runs - before)
            clock.advance(0.1)

    frames(0.1)
    live.handle(Action.LEARN, "Anna")
    live.handle(Action.LOCATE, "person")
    frames(3.0)
    live.handle(Action.LOCATE, "Anna")
    frames(1.0)
    loop.close()
    spoken = loop.texts()
    assert "Anna is saved." in spoken and "Looking for person." in spoken and "Looking for Anna." in spoken, spoken
    assert all(n <= 1 for frame in per_frame for n in frame.values()), per_frame
    # BlazeFace on every frame; the others while a person is looked for, and for the objects channel on the first
    # frame, a second later to confirm the new view (while a person is looked for: the same run) and 3 s after.
    assert runs == {**{name: 2 + 30 for name in models.detector.sources if name != "face"}, "face": 41}, runs


def test_find_json_contract(coco_dir, capsys):
    cup, none = coco_dir / CUP_PHOTO, coco_dir / NO_CUP
    assert main(["find", "cup", str(cup), str(none), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [set(line) for line in lines] == [{"file", "target", "found", "ms"}] * 2
    assert [line["target"] for line in lines] == ["cup", "cup"] and lines[1]["found"] == []
    (found,) = lines[0]["found"]
    assert set(found) == {"name", "score", "box", "where", "pan", "tilt", "size"}
    x0, y0, x1, y1 = found["box"]
    assert found["name"] == "cup" and found["where"] == "right" and 0.3 < found["pan"] < 0.6 and found["tilt"] < 0
    assert found["size"] == pytest.approx((x1 - x0) * (y1 - y0) / (640 * 481), abs=1e-3)
    assert main(["find", "person", str(coco_dir / "train2017_000000000049.jpg"), "--json"]) == 0
    sizes = [f["size"] for f in json.loads(capsys.readouterr().out)["found"]]
    assert len(sizes) >= 2 and sizes == sorted(sizes, reverse=True)  # largest first
    assert main(["find", "spork", str(none)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Looking for the word spork. Things I can find: fork, spoon, and more.", "No spork found."]


def test_the_targets_hold_with_levels_fitted_without_the_photos_judged(coco_photos):
    """Issue 23: a class filling 2% of a photo is found >= 75% (measured 0.78), on the right side >= 95% (0.98);
    on photos without it nothing is found >= 90% (0.99). Held out: the class levels are fitted on the other
    folds (the 0.7 share of a level for the target was chosen on these photos)."""
    held_out = bench_find.held_out(coco_photos)
    score = bench_find.find_score(*held_out)
    assert score.found >= 0.75 and score.side >= 0.95 and score.quiet >= 0.90, score
    assert bench_find.find_score(*held_out, share=1.0).found < score.found


def test_a_camera_turning_at_30_degrees_a_second_is_led_to_the_cup(models, coco_dir, tmp_path, live_loop):
    (pan,) = [p for p in pans.pans(coco_dir) if p.file == CUP_PHOTO and p.cls == "cup"]
    turned = [0.0]  # the clock `bench.pans` moves: a list's first item
    loop = live_loop(models, sink=WavSink(tmp_path / "turn.wav"), clock=lambda: turned[0])
    run = pans.simulate(loop.live, turned, coco_dir, pan, 30.0)
    right, judged = pans.sign_right(run)
    assert judged >= 3 and right == judged
    assert pans.first_tick_after(run, 0.5) is not None and not [t for t, _, _ in run.ticks if pan.inside(t) == 0]
    assert bench_find.quickens(run)
    assert [w for _, w in run.words] == ["Looking for cup.", "Cup, ahead, close."]


@pytest.mark.slow
def test_demo_with_find_leads_to_the_cup_in_stereo(tmp_path):
    wav = tmp_path / "demo.wav"
    done = subprocess.run([sys.executable, "-m", "assistant", "demo", "--find", "cup", "--voice-engine", "text",
                           "--max-seconds", "9", "--wav", str(wav)], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=120)
    lines = done.stdout.splitlines()
    assert done.returncode == 0 and lines[1] == "Looking for cup." and "Cup, ahead, close." in lines, done.stdout
    with wave.open(str(wav)) as w:
        audio = np.frombuffer(w.readframes(w.getnframes()), "<i2").reshape(-1, 2).astype(float)
    assert w.getnchannels() == 2 and np.abs(audio[:, 0] - audio[:, 1]).max() > 500  # ticks placed off centre


# --- the user's language (issue 28, point 5) -------------------------------------------------------------
LANGUAGES = ("fr", "de", "es")


@pytest.fixture
def language():
    """Switches the assistant's words to a language for one test (the catalogs compiled as set-up does)."""
    from assistant import i18n
    from assistant.build import catalogs

    catalogs.compile_all()
    yield i18n.use
    i18n.use("en")


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_name_of_a_thing_in_the_catalogs_finds_it_in_that_language(code, language):
    from assistant.announce.words import a_thing, bare_name, the_thing, vocabulary
    from assistant.vision.targets import SPOKEN
    from assistant.vision.things import THINGS

    language(code)
    words = vocabulary()
    missed = []
    for thing in THINGS:
        key = thing.coco or thing.spoken
        if key not in SPOKEN:
            continue  # never said (the SSD's "vehicle")
        forms = (a_thing(thing.spoken), the_thing(thing.spoken), bare_name(thing.spoken), bare_name(thing.spoken, 2))
        for form in (*forms, forms[2].upper(), f"  {forms[1]} ?"):  # in capitals; with spaces and a question
            target = resolve(form, (), words)
            if target is None or target.kind is not TargetKind.THING or key not in target.coco | target.others:
                missed.append((thing.spoken, form, target))
    assert missed == []


SAID_IN = {  # language -> name typed -> (the thing looked for, as the channel says it)
    "fr": {"tasse": "Je cherche une tasse.", "la tasse": "Je cherche une tasse.", "mes tasses": "Je cherche une tasse.",
           "mug": "Je cherche une tasse.", "l'ours": "Je cherche un ours.", "télé": "Je cherche une télévision.",
           "telecommande": "Je cherche une télécommande.", "frigo": "Je cherche un réfrigérateur.",
           "verre": "Je cherche une tasse ou un verre à vin.", "quelqu’un": "Je cherche une personne.",
           "code-barres": "Je cherche un code.", "texte sortie": "Je cherche le mot sortie."},
    "de": {"Tasse": "Gesucht: eine Tasse.", "die Tassen": "Gesucht: eine Tasse.", "Handy": "Gesucht: ein Handy.",
           "Stühle": "Gesucht: ein Stuhl.", "Glas": "Gesucht: eine Tasse oder ein Weinglas.",
           "Strichcode": "Ich suche einen Code.", "Text Ausgang": "Ich suche das Wort Ausgang."},
    "es": {"taza": "Buscando una taza.", "¿la taza?": "Buscando una taza.", "vaso": "Buscando una taza.",
           "móvil": "Buscando un teléfono.", "movil": "Buscando un teléfono.", "sillas": "Buscando una silla.",
           "código de barras": "Buscando un código.", "texto salida": "Buscando la palabra salida."},
}


@pytest.mark.parametrize("code", LANGUAGES)
def test_plurals_articles_synonyms_codes_and_text_are_read_in_the_users_language(code, language):
    from assistant.announce.words import vocabulary

    language(code)
    said = {name: F.looking_for(resolve(name, (), vocabulary())) for name in SAID_IN[code]}  # type: ignore[arg-type]
    assert said == SAID_IN[code]
    assert resolve("cup", (), vocabulary()).name == "cup"  # type: ignore[union-attr]  # English is read too


OFFERED = {"fr": ("tase", "tasse", "Choses que je sais trouver : "), "de": ("Flashe", "Flasche", "Dinge, die ich"),
           "es": ("silá", "silla", "Cosas que puedo encontrar: ")}


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_things_offered_are_offered_only_when_nothing_matches_and_by_their_names_in_the_language(code, language):
    from assistant.announce.words import bare_name, vocabulary
    from assistant.vision.targets import EVERYDAY

    language(code)
    typo, name, offer = OFFERED[code]
    target = resolve(typo, (), vocabulary())
    assert target is not None and target.guessed and name in target.closest
    assert offer in F.looking_for(target)
    nothing_near = resolve("xqzw", (), vocabulary())
    assert nothing_near is not None and nothing_near.closest == tuple(bare_name(n) for n in EVERYDAY)
    assert "cup" not in nothing_near.closest and "chair" not in nothing_near.closest
    matched = resolve(name, (), vocabulary())
    assert matched is not None and matched.kind is TargetKind.THING and offer not in F.looking_for(matched)


def test_find_says_where_in_words_in_the_users_language_and_the_numbers_only_in_json(coco_dir, capsys):
    cup, none = str(coco_dir / CUP_PHOTO), str(coco_dir / NO_CUP)
    assert main(["find", "cup", cup]) == 0
    assert capsys.readouterr().out.splitlines() == ["Looking for cup.", "A cup, on the right, medium-sized."]
    assert main(["--language", "fr", "find", "tasse", cup, none]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["Je cherche une tasse.", f"{cup}: Une tasse, à droite, de taille moyenne.",
                   f"{none}: Une tasse : introuvable."]
    assert main(["--language", "de", "find", "Tasse", cup, "--json"]) == 0
    (line,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert set(line) == {"file", "target", "found", "ms"} and line["target"] == "cup"
    assert set(line["found"][0]) == {"name", "score", "box", "where", "pan", "tilt", "size"}
    assert main(["--language", "es", "find", "personas", str(coco_dir / "train2017_000000000049.jpg")]) == 0
    people = capsys.readouterr().out.splitlines()[1]
    assert people.startswith("Una persona, delante, un poco a la derecha, abajo, de tamaño mediano. Una persona, "
                             "a la izquierda, de tamaño mediano.") and not any(ch.isdigit() for ch in people)


def test_g_then_a_word_and_locate_find_a_cup_in_the_users_language_live(models, coco_dir, language, live_loop,
                                                                         clock):
    from assistant.speech.audio import NullSink

    photo = read_image(coco_dir / CUP_PHOTO)
    for code, keys, words in (("fr", ["g", *"tasse", "\n"], "Je cherche une tasse."),
                              ("de", ["locate Tasse"], "Gesucht: eine Tasse.")):
        language(code)
        clock.now = 0.0
        loop = live_loop(models, sink=NullSink())
        loop.press(*keys, wait=False)
        ticks = []
        for _ in range(10):
            ticks += [s for s in loop.live.channels["find"].step(photo.copy(), clock.now)
                      if s.earcon is Earcon.FIND_TICK]
            clock.advance(0.1)
        loop.close()
        spoken = loop.texts()
        assert words in spoken and ticks and all(s.pan > 0.3 for s in ticks), (spoken, ticks)


# --- hostile names (issue 28, point 8) --------------------------------------------------------------------
def test_a_name_of_a_thousand_fillers_is_read_in_linear_time():
    import time

    assert resolve("the " * 1000 + "cup").name == "cup"  # type: ignore[union-attr]
    assert resolve("a " * 1000).name == "a"  # type: ignore[union-attr]  # the last word always stays
    started = time.perf_counter()
    assert resolve("my " * 50_000 + "phone").name == "phone"  # type: ignore[union-attr]
    assert time.perf_counter() - started < 2.0


def test_a_name_of_punctuation_only_gets_an_answer_live_and_on_the_command_line(models, capsys, live_loop):
    from assistant.speech.audio import NullSink

    loop = live_loop(models, sink=NullSink())
    for keys in (["locate ..."], ["g", "?", "!", "\n"]):  # a stdin line; G, then punctuation typed
        loop.press(*keys)
    loop.close()
    spoken = loop.texts()
    assert spoken.count("Give a name to look for: a thing, a word, or code.") == 2, spoken
    assert main(["find", "¿?!", "x.jpg"]) == 2
    assert capsys.readouterr().err.strip() == "Give a name to look for: a thing, a word, or code."
