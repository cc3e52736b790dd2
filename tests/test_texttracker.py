"""The live text tracker on scripted OCR runs (fake clock) and on a real held-still frame sequence."""

from __future__ import annotations

from assistant.announce.texttracker import TextTracker


def test_a_line_is_read_once_after_two_consistent_reads(clock):
    tracker = TextTracker(clock=clock)
    assert tracker.update([("EXIT", 0.9)]) == []
    clock.now = 0.5
    assert tracker.update([("EXIT", 0.95)]) == ["EXIT"]
    for _ in range(10):
        clock.advance(0.5)
        assert tracker.update([("EXIT", 0.9)]) == []


def test_similar_reads_count_together_and_the_best_read_is_spoken(clock):
    tracker = TextTracker(clock=clock)
    tracker.update([("Platfrm 2", 0.7)])
    assert tracker.update([("Platform 2", 0.93)]) == ["Platform 2"]


def test_flickering_partial_reads_are_never_spoken(clock):
    tracker = TextTracker(clock=clock)
    spoken = []
    for i, text in enumerate(["No", "", "Pha", "", "Ph#r", "", "Xy", ""]):
        clock.now = i * 0.5
        spoken += tracker.update([(text, 0.9)] if text else [])
    spoken += tracker.update([("Pharmacy", 0.3)])  # below the confidence floor
    assert spoken == []


def test_a_line_may_be_read_again_after_it_has_left_for_a_while(clock):
    tracker = TextTracker(repeat_after=10.0, clock=clock)
    tracker.update([("Bus stop", 0.9)])
    assert tracker.update([("Bus stop", 0.9)]) == ["Bus stop"]
    clock.now = 5.0
    tracker.update([])
    tracker.update([("Bus stop", 0.9)])  # came back within 10 s: still known
    clock.now = 12.0
    assert tracker.update([("Bus stop", 0.9)]) == []  # seen at 5 s, so not yet gone for 10 s
    clock.now = 30.0
    tracker.update([])
    assert tracker.update([("Bus stop", 0.9)]) == ["Bus stop"]


def test_a_real_held_still_sequence_reads_each_line_once(clock, dev_dir):
    from assistant.bench.ocrdata import camera_frames, held_still
    from assistant.vision.ocr import RapidReader

    reader = RapidReader(reuse=True)
    tracker = TextTracker(clock=clock)
    spoken: list[str] = []
    scene = camera_frames(dev_dir / "ocr-dev", 1)[0]
    for i, frame in enumerate(held_still(scene, 6, seed=3)):
        clock.now = i * 0.5
        spoken += tracker.update((line.text, line.score) for line in reader.read(frame).lines)
    assert any("JOHOR BAHRU" in s for s in spoken) and any("TAMAN DAYA" in s for s in spoken)
    assert len(spoken) == len(set(spoken)), spoken
    assert not any(s != t and len(s) > 4 and s in t for s in spoken for t in spoken), spoken
