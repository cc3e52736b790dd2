"""Benchmarks: ours against a baseline, side by side in one run, printed as a table."""
