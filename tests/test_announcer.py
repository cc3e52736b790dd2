"""The debounced announcer on scripted score sequences with a fake clock (no threads, no models)."""

from __future__ import annotations

from assistant.announce.announcer import Announcer
from assistant.announce.phrasing import label_sentence
from assistant.vision.detection import Detection


def feed(announcer: Announcer, clock, frames: list[list[tuple[str, float]]], dt: float = 0.1) -> list[str]:
    said = []
    for labels in frames:
        said += [a.text for a in announcer.update([Detection(n, s) for n, s in labels])]
        clock.advance(dt)
    return said


def test_announced_once_after_n_of_m_hits_then_quiet_while_present(clock):
    a = Announcer(clock=clock)
    said = feed(a, clock, [[("dog", 0.9)]] * 2)
    assert said == []
    said = feed(a, clock, [[("dog", 0.9)]] * 20)
    assert said == ["A dog."]


def test_single_frame_flicker_is_never_announced(clock):
    a = Announcer(clock=clock)
    frames = [[("cat", 0.9)], [], [], [("cat", 0.9)], [], [], [("cat", 0.8)], []]
    assert feed(a, clock, frames * 3) == []


def test_same_spoken_name_merges_and_confidence_is_honest(clock):
    a = Announcer(clock=clock)
    breeds = [("dog", 0.2), ("dog", 0.15), ("cat", 0.05)]  # two breeds: 0.35 together
    assert feed(a, clock, [breeds] * 5) == ["Probably a dog."]
    assert label_sentence("espresso", 0.95, 0.7) == "Espresso."
    assert label_sentence("umbrella", 0.5, 0.7) == "Probably an umbrella."


def test_below_the_floor_nothing_is_said(clock):
    a = Announcer(clock=clock)
    assert feed(a, clock, [[("laptop", 0.25)]] * 30) == []


def test_again_only_after_absent_for_the_cooldown(clock):
    a = Announcer(absent_seconds=1.0, cooldown_seconds=5.0, clock=clock)
    assert feed(a, clock, [[("cup", 0.9)]] * 5) == ["A cup."]
    assert feed(a, clock, [[]] * 20) == []  # gone for 2 s: absent, but not for the cooldown yet
    assert feed(a, clock, [[("cup", 0.9)]] * 5) == []
    assert feed(a, clock, [[]] * 80) == []  # 8 s away
    assert feed(a, clock, [[("cup", 0.9)]] * 5) == ["A cup."]


def test_describe_lists_what_is_present_best_first(clock):
    a = Announcer(clock=clock)
    feed(a, clock, [[("cup", 0.9), ("laptop", 0.5)]] * 5)
    assert [d.name for d in a.present()] == ["cup", "laptop"]


def test_arrivals_departures_and_groups_are_phrased_as_a_listener_expects():
    from assistant.announce.phrasing import arrival, departure, describe_sentence

    assert arrival("person", "people", ["ahead"]) == ["A person, ahead."]
    assert arrival("person", "people", ["left", "ahead"]) == ["Two people, on the left and ahead."]
    assert arrival("bottle", "bottles", ["left", "ahead", "right"]) == ["Three bottles."]
    assert arrival("person", "people", ["ahead", "ahead"]) == ["Two people, ahead."]
    assert arrival("person", "people", ["left"], already=1) == ["Another person, on the left."]
    assert arrival("umbrella", "umbrellas", ["1 o'clock"]) == ["An umbrella, at 1 o'clock."]
    assert departure("person", "left") == "The person on the left has gone."
    assert arrival("bottle", "bottles", ["left", "ahead", "right", "left", "left"]) == ["Five bottles."]
    people = "Two people: one on the left, one ahead. A laptop, ahead."
    assert describe_sentence([], ["EXIT"], "", 0.3, 0.7, people) == people + " Text: EXIT."
    assert describe_sentence([], [], "It is dark.", 0.3, 0.7) == "Nothing I recognise. It is dark."


def test_debounce_is_by_time_so_it_works_from_1_to_30_frames_per_second(clock):
    for fps, frames_to_say in ((1, 2), (2, 3), (10, 3), (30, 3)):
        clock.now = 0.0
        a = Announcer(clock=clock)
        said = []
        for _ in range(10):
            said.append([x.text for x in a.update([Detection("fridge", 0.98)])])
            clock.advance(1 / fps)
        assert said.index(["A fridge."]) == frames_to_say - 1, (fps, said)
    clock.now = 0.0  # flicker at 1 frame per second: one frame in two is not enough
    a = Announcer(clock=clock)
    assert feed(a, clock, [[("cat", 0.9)], [], [], [("cat", 0.9)], []] * 4, dt=1.0) == []


def test_the_cooldown_restarts_when_something_else_was_said_in_between(clock):
    a = Announcer(absent_seconds=1.0, cooldown_seconds=15.0, clock=clock)
    assert feed(a, clock, [[("fridge", 0.98)]] * 5) == ["A fridge."]
    assert feed(a, clock, [[]] * 20) == []
    assert feed(a, clock, [[("cup", 0.9)]] * 5) == ["A cup."]  # something else, in between
    assert feed(a, clock, [[]] * 20) == []
    assert feed(a, clock, [[("fridge", 0.98)]] * 5) == ["A fridge."]  # 5 s later, not 15: news again


def _at(name: str, x: float, score: float = 0.6, category: str = "furniture", size: float = 100.0) -> Detection:
    return Detection(name, score, category, (x, 100.0, x + size, 100.0 + size), "coco")


def test_people_are_said_first_grouped_by_where_and_crowds_about_how_many():
    from assistant.announce.describe import people_sentence

    person = lambda x: _at("person", x, category="person", size=20)  # noqa: E731
    assert people_sentence([person(300)], 640) == "A person ahead."
    assert people_sentence([person(20), person(300)], 640) == "Two people: one on the left, one ahead."
    assert people_sentence([person(300), person(310), person(600)], 640) == "Three people: two ahead, one on the right."
    assert people_sentence([person(300), person(320)], 640) == "Two people ahead."
    assert people_sentence([person(x) for x in range(0, 600, 50)], 640) == "About twelve people."
    assert people_sentence([person(x) for x in range(0, 620, 20)], 640) == "About thirty people."
    assert people_sentence([], 640) == ""


def test_things_are_the_five_most_salient_said_by_where_they_are_each_kind_once():
    from assistant.announce.describe import describe_found, things_sentence

    room = [_at("TV", 10, category="electronics"), _at("table", 260, size=150), _at("chair", 240), _at("chair", 300)]
    assert things_sentence(room, 640) == "A TV on the left, a table and two chairs ahead."
    giraffes = [_at("giraffe", 20, category="animal"), _at("giraffe", 520, category="animal")]
    assert things_sentence(giraffes, 640) == "Two giraffes: one on the left, one on the right."  # counted by place
    chairs = [_at("chair", x) for x in range(0, 640, 80)]  # more than a few: where, not how many in each place
    assert things_sentence(chairs, 640) == "Eight chairs on the left, ahead and on the right."
    assert things_sentence(room + giraffes, 640) == (
        "A TV on the left, a table and two chairs ahead. Two giraffes: one on the left, one on the right.")
    many = [_at(n, 250, size=s) for n, s in (("cup", 10), ("vase", 50), ("oven", 200), ("clock", 40), ("bowl", 60),
                                             ("book", 30), ("apple", 20))]
    said = things_sentence(many, 640)
    assert said == "An oven, a bowl, a vase, a clock and a book ahead." and "cup" not in said  # five, largest first
    people = [_at("person", 300, category="person")]
    assert describe_found(people + room, 640).startswith("A person ahead. A TV on the left")


def test_the_classifiers_label_is_said_only_for_what_the_detector_did_not_name():
    from assistant.announce.describe import unsaid_labels

    found = [_at("TV", 10, category="electronics"), _at("dog", 300, category="animal"),
             _at("person", 500, category="person")]
    labels = [Detection(n, 0.9, c) for n, c in (("screen", "electronics"), ("cat", "animal"), ("espresso", "food"),
                                                  ("jersey", "clothing"), ("baseball player", "person"),
                                                  ("restaurant", "building"))]
    assert [d.name for d in unsaid_labels(labels, found)] == ["espresso", "restaurant"]
    assert [d.name for d in unsaid_labels(labels, [])] == [d.name for d in labels]
