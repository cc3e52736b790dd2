"""The benchmarks run and print ours against the baseline in one table (figures are not asserted here)."""

from assistant.cli import main


def test_classifier_bench_prints_every_variant_and_the_ratios(capsys):
    assert main(["bench", "classifier", "--frames", "3"]) == 0
    out = capsys.readouterr().out
    for name in ("lite0-fp32", "lite0-int8", "lite0-int8-192", "lite0-int8-160", "pytorch-eager-fp32"):
        assert name in out
    assert "speed-up vs fp32 ONNX" in out and "Target:" in out


def test_speech_bench_prints_each_back_end(capsys):
    assert main(["bench", "speech", "--frames", "3"]) == 0
    out = capsys.readouterr().out
    assert "piper" in out and "system" in out and "stop to silence" in out


def test_loop_bench_prints_every_measure(capsys):
    assert main(["bench", "loop"]) == 0
    out = capsys.readouterr().out
    for measure in ("new object -> first audio", "describe key -> first audio", "CPU, % of one core",
                    "peak memory, MB", "frames grabbed / dropped"):
        assert measure in out
    assert "A cat." in out


def test_document_bench_times_page_in_view_to_first_word(capsys):
    assert main(["bench", "document", "--frames", "1"]) == 0
    out = capsys.readouterr().out
    assert "page fully in view -> first word" in out and "lines read" in out
