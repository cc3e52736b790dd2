"""The benchmarks run and print ours against the baseline in one table, with figures that make sense
(the targets themselves are judged from the benchmark output, not asserted here: these machines are noisy)."""

from __future__ import annotations

import re

import pytest

from assistant.cli import main


def row(out: str, label: str) -> list[str]:
    """The cells of the first table row that starts with `label` (columns are two or more spaces apart)."""
    line = next(ln for ln in out.splitlines() if ln.startswith(label))
    return re.split(r"\s{2,}", line[len(label):].strip())


def test_classifier_bench_prints_every_variant_and_the_ratios(capsys):
    assert main(["bench", "classifier", "--frames", "3"]) == 0
    out = capsys.readouterr().out
    for name in ("lite0-fp32", "lite0-int8", "lite0-int8-192", "lite0-int8-160"):
        threads, ms, mb, top1 = row(out, name + " ")
        assert threads in ("1", "2") and 0.2 < float(ms) < 200 and 1 < float(mb) < 50
        assert 75 <= float(top1.rstrip("%")) <= 100
    assert "pytorch-eager-fp32" in out
    speedup = row(out, "1    ")[0]
    assert 0.5 < float(speedup.rstrip("x")) < 20
    assert re.search(r"Target: lite0-int8 at 224 on 1 thread <= 6 ms: [\d.]+ ms \((met|not met)\)", out, re.I)


@pytest.mark.slow
def test_speech_bench_prints_each_back_end(capsys):
    assert main(["bench", "speech", "--frames", "3"]) == 0
    out = capsys.readouterr().out
    for backend in ("piper", "system"):
        first, worst, rtf, stop, stop_max = (float(c) for c in row(out, backend + " "))
        assert 0 < first <= worst < 5000 and 0 < rtf < 2 and 0 <= stop <= stop_max < 1000


@pytest.mark.slow
def test_loop_bench_prints_every_measure(capsys, monkeypatch, tmp_path):
    import assistant.bench.loop as loop
    from assistant.speech.phrases import PhraseCache

    # The live assistant's phrase cache, as `assistant run` speaks; here a few of its phrases (all: minutes).
    phrases = ["A cat, ahead.", "A cup, ahead.", "A person, ahead.", "A cat ahead."]
    monkeypatch.setattr(loop, "phrase_cache", lambda config: PhraseCache(phrases, root=tmp_path, settle=0.0))
    assert main(["bench", "loop"]) == 0
    out = capsys.readouterr().out
    assert len(list(tmp_path.rglob("*.wav"))) == len(phrases) and "not ready" not in out
    assert 0 < float(row(out, "new object -> first audio, median ms")[0]) < 5000
    # The page's line kept as it was (issue 31.2); the first word (after the tone) beside each first audio.
    for label in ("new page of text -> first audio, ms", "new object -> first word, median ms",
                  "new page of text -> first word, ms"):
        assert 0 < float(row(out, label)[0]) < 5000, label
    assert 0 < float(row(out, "describe key -> first audio, median ms")[0]) < 3000
    assert 5 < float(row(out, "CPU, % of one core")[0]) < 200
    assert 100 < float(row(out, "peak memory, MB")[0]) < 3000
    grabbed, dropped = row(out, "frames grabbed / dropped")[0].split(" / ")
    assert int(grabbed) == 280 and int(dropped) < 70  # frames dropped follow the machine's load: the bench says
    assert int(row(out, "frames classified")[0]) > 100
    assert row(out, "chelsea ")[-1] == "A cat, ahead."


@pytest.mark.slow
def test_document_bench_times_page_in_view_to_first_word(capsys):
    assert main(["bench", "document", "--frames", "1"]) == 0
    out = capsys.readouterr().out
    assert 0 < float(row(out, "page fully in view -> first word, median ms")[0]) < 10000
    assert int(row(out, "lines read")[0]) >= 5


@pytest.mark.slow
def test_soak_bench_samples_memory_while_reading_receipts(capsys):
    assert main(["bench", "soak", "--frames", "10"]) == 0
    out = capsys.readouterr().out
    first, last, peak = (float(row(out, m)[0]) for m in ("resident MB, first minute (max)",
                                                        "resident MB, last minute (max)", "resident MB, peak"))
    assert 100 < first <= peak < 3000 and last <= peak
    assert int(row(out, "text reads")[0]) >= 10 and int(row(out, "utterances spoken")[0]) >= 1


def test_memory_bench_measures_each_command_in_its_own_process(capsys):
    # 30 characters: the neural voice loads and speaks them unpunctuated (the bench's 20,000 are its own run).
    assert main(["bench", "memory", "--frames", "30"]) == 0
    out = capsys.readouterr().out
    say = row(out, "say, 30 characters without punctuation, neural voice")
    assert 50 < float(say[0]) < 3000 and say[-1] == "ok"
    big = row(out, "classify a 20000 x 20000 PNG")
    assert 50 < float(big[0]) < 800 and big[-1].startswith("refused: big.png is too large to read (20000 x 20000")
    from assistant.bench.bombs import BOMBS

    for name in BOMBS:  # every image bomb but the PNG above, refused (or read reduced) in bounded memory
        if name != "PNG":
            bomb = row(out, f"colour, {name} bomb: ")
            assert 50 < float(bomb[1]) < 800 and (bomb[-1] == "ok" or "is too large to read" in bomb[-1]), bomb


def test_detector_bench_times_fp32_and_int8_and_scores_people(capsys):
    # 5 photos, the fewest with a person in them (on 4, recall and precision are nan); the int8 CenterNet,
    # when it is not built, is quantized on as many calibration views.
    assert main(["bench", "detector", "--frames", "5"]) == 0
    out = capsys.readouterr().out
    fp32 = float(row(out, "SSD-MobileNetV2 Open Images, 300 x 300, fp32")[0])
    int8 = float(row(out, "SSD-MobileNetV2 Open Images, 300 x 300, int8 (used)")[0])
    assert 0.5 < int8 < 200 and 0.5 < fp32 < 200 and 0.5 < float(row(out, "BlazeFace full range, 192 x 192")[0]) < 100
    assert re.search(r"recall [01]\.\d+ \(target >= 0.80\), precision [01]\.\d+", out)
    named, not_people, there = (float(c) for c in row(out, "merged, levels cross-validated")[:3])
    assert 0 < not_people <= named <= 1 and 0 < there <= 1
    assert 0 < float(row(out, "CenterNet COCO (human), 512 x 512, fp32 (used)")[0]) < 2000


def test_calibration_bench_fits_and_compares_before_and_now(capsys):
    assert main(["bench", "calibration", "--frames", "40"]) == 0
    out = capsys.readouterr().out
    fit = re.search(r"Fit now: temperature ([\d.]+), plainly at ([\d.]+), probably at ([\d.]+)", out)
    assert fit and 0.4 <= float(fit.group(1)) <= 2 and 0.3 <= float(fit.group(3)) <= float(fit.group(2)) < 1
    cells = row(out, "plain photos ")
    assert len(cells) == 6 and all(c.endswith("%") or c == "-" for c in cells)


def test_bench_channels_times_every_channel_but_the_document_one():
    from assistant.bench.channels import clip_frames, per_channel
    from assistant.channels import CHANNELS
    from assistant.config import Config

    frames = clip_frames(every=40)  # one frame of each scene or so
    assert len(frames) >= 5
    rows = {r[0]: r for r in per_channel(Config(), frames)}
    assert list(rows) == [name for name in CHANNELS if name != "document"]
    ms = {name: float(r[3]) for name, r in rows.items()}
    assert all(v >= 0 for v in ms.values())
    assert ms["text"] > 10 * ms["light"]  # OCR costs far more than a brightness mean
    assert rows["colour"][4] == "-" and rows["codes"][4] == "8"  # on request only; codes at 8 a second


def test_language_bench_compares_ours_with_the_other_libraries_by_line_length(capsys):
    assert main(["bench", "language"]) == 0
    out = capsys.readouterr().out
    ours = row(out, "ours        py3langid, 18 languages, block rules")
    assert ours[0] == "340" and float(ours[1].rstrip("%")) >= 85 and float(ours[2].rstrip("%")) <= 2
    long_lines = row(out, "ours        60-120")
    assert long_lines[1] == "100.0%"
    assert row(out, "pycld2 ")[0] and row(out, "langdetect ")[0]  # the baselines, side by side


def test_describe_bench_prints_a_person_against_each_row_and_the_held_out_figures(capsys):
    """`assistant bench describe` (issue 30.6) on 4 photos: a person, before, each rule's row, the two halves,
    held out and the targets, each with its four figures; `--json` the same as one object."""
    import json

    assert main(["bench", "describe", "--frames", "4"]) == 0
    out = capsys.readouterr().out
    for label in ("a person (each caption against the other four)", "before (issue 30)",
                  "+ one thing, one name: the classifier's (= describe now)",
                  "held out (levels chosen on half, judged on the other)"):
        recall, chair_i, chair_s, named = (float(c) for c in row(out, label + " ")[:4])
        assert 0 <= recall <= 1 and 0 <= chair_i <= 1 and 0 <= chair_s <= 1 and 0 < named < 10, (label, out)
    assert row(out, "target ")[:3] == [">= 0.78", "<= 0.05", "<= 0.08"]
    assert re.search(r"Second looks .*: [\d.]+ a photo", out)
    assert main(["bench", "describe", "--frames", "4", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["photos"] == 4 and len(got["rows"]) == 9 and len(got["halves"]) == 2
    assert {"names_what_people_say", "chair_i", "chair_s", "things_named", "counts_right", "text_noise_said",
            "real_text_said"} <= set(got["rows"][-1]) and set(got["person"]) == set(got["cross_validated"])


def test_listen_bench_makes_its_trials_and_noise_and_judges_the_targets_as_the_issue_words_them():
    """`bench listen` itself (a whole run is 96 clips or more through Whisper: too long for the suite): each
    language's trials, ten speakers saying stop at each noise level; the noise at the level asked, the same
    for the same seed; and the targets read off the outcomes (the worst row of stops, 97 words of 100 at each
    level, the median, the memory), with the JSON keys other tools read."""
    import numpy as np

    from assistant.bench import listen

    for language in listen.COMMANDS:
        trials = list(listen.trials(language, 0))
        for snr in listen.SNRS:
            at = [t for t in trials if t.snr == snr]
            stops = [t for t in at if t.kind == "stop"]
            assert len({str(t.speaker) for t in stops}) == 10
            assert {t.text for t in stops} == {listen.COMMANDS[language][0][0]}
            assert len([t for t in at if t.kind == "command"]) == len(listen.COMMANDS[language])
            assert [t.text for t in at if t.kind == "word"] == listen.WORDS[language]
        assert len(list(listen.trials(language, 1))) == len(listen.SNRS) * 12
    speech = np.sin(np.arange(8000) / 7).astype(np.float32)
    clip = listen.in_noise(speech, 10.0, np.random.default_rng((listen.SEED, 0, 1)))
    assert np.array_equal(clip, listen.in_noise(speech, 10.0, np.random.default_rng((listen.SEED, 0, 1))))
    lead = int(listen.LEAD * listen.RATE)
    noise, voiced = clip[:lead], clip[lead:lead + len(speech)] - 0.5 * speech / np.abs(speech).max()
    level = 10 * np.log10(np.mean((0.5 * speech / np.abs(speech).max()) ** 2) / np.mean(noise ** 2))
    assert 9.0 < level < 11.0 and abs(np.mean(voiced ** 2) / np.mean(noise ** 2) - 1) < 0.2

    speaker = listen.speakers("es")[0]

    def outcomes(language: str, snr: float, kind: str, heard: int, of: int, ms: float = 900.0):
        """`of` outcomes, the first `heard` of them heard as stop (right for a stop, taken for a word)."""
        trial = listen.Trial(language, snr, kind, "x", listen.Command.STOP if kind != "word" else None, None, speaker)
        return [listen.Outcome(trial, listen.Command.STOP if i < heard else None, None, ms, 1000.0) for i in range(of)]

    done = [*outcomes("en", 20.0, "stop", 10, 10), *outcomes("es", 10.0, "stop", 5, 10, 1600.0),
            *outcomes("de", 10.0, "stop", 7, 10, 1600.0), *outcomes("en", 20.0, "command", 2, 3),
            *outcomes("fr", 20.0, "word", 0, 97), *outcomes("fr", 20.0, "word", 3, 3),
            *outcomes("fr", 10.0, "word", 0, 96), *outcomes("fr", 10.0, "word", 4, 4)]
    lines, summary = listen._targets(done, 285.0, 498.0, 634.0)
    assert lines[0].startswith('Target: "stop" heard as stop in >= 8 of 10: worst 5 of 10 (es, 10 dB) (not met)')
    assert "97 of 100 at 20 dB (met)" in lines[1] and "96 of 100 at 10 dB (not met)" in lines[2]
    assert "median <= 1.5 s a command on 2 cores: 1.60 s (not met" in lines[3] and "498 MB" in lines[4]
    assert summary == {"commands": 3, "right": 2, "wrong": 0, "stop_worst_of_10": 5, "words": 200,
                       "words_taken": 7, "median_ms": 1600.0, "rss_mb": 498.0, "rss_before_mb": 285.0,
                       "rss_end_mb": 634.0}
    assert listen._row(done[:10] + done[30:33], "en 20 dB") == ["en 20 dB", "2/3", "0/3", "10/10", "0/0", "900",
                                                                 "1000"]
