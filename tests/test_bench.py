"""The benchmarks run and print ours against the baseline in one table (figures are not asserted here)."""

from assistant.cli import main


def test_classifier_bench_prints_every_variant_and_the_ratios(capsys):
    assert main(["bench", "classifier", "--frames", "3"]) == 0
    out = capsys.readouterr().out
    for name in ("lite0-fp32", "lite0-int8", "lite0-int8-192", "lite0-int8-160", "pytorch-eager-fp32"):
        assert name in out
    assert "speed-up vs fp32 ONNX" in out and "Target:" in out
