"""Benchmark scripts run (on tiny sizes), so none rots. Nothing here is timed."""

import runpy
from pathlib import Path

import numpy as np

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


def test_memory_benchmark_streams_chunks(capsys):
    script = runpy.run_path(str(BENCHMARKS / "bench_memory.py"))
    train_peak, predict_peak, chunk_bytes, output_bytes = script["main"](
        ["--rows", "4000", "--chunk", "1000", "--features", "10", "--hidden", "8"]
    )
    assert "partial_fit" in capsys.readouterr().out
    assert chunk_bytes <= train_peak and output_bytes <= predict_peak


def test_speed_benchmark_runs_every_contestant_on_a_tiny_workload(capsys):
    bench = runpy.run_path(str(BENCHMARKS / "bench_speed.py"))
    # The functions read the module's globals, so a tiny workload can be added.
    bench["WORKLOADS"]["tiny"] = ("clf10", 300, 40, (8,), 50, "adam", "float32", 0.6)
    medians = bench["time_workload"]("tiny", 1, 1)
    assert {"sklearn", "products", "floor", "gradient", "shrink", "proximal", "cumulative"} <= set(
        medians
    )
    assert all(seconds > 0 for seconds in medians.values())
    bench["_print_workload"]("tiny", medians, {})
    printed = capsys.readouterr().out
    assert "tiny" in printed and "proximal" in printed


def test_feature_selection_benchmark_prints_every_contestant(capsys):
    bench = runpy.run_path(str(BENCHMARKS / "bench_feature_selection.py"))
    # Without lassonet installed the script skips it and says so; keep the run tiny.
    bench["CONTESTANTS"].pop("LassoNet*CV")
    results = bench["main"](["--quick"])
    rows = results["tiny 5 of 10", 0]
    labels = [row[0] for row in rows]
    assert labels == [
        "L1MLP*CV (ours)",
        "ours, adaptive=False",
        "linear L1 CV",
        "oracle (true features)",
    ]
    for _, score, n_selected, precision, recall, f1, seconds in rows:
        assert 0 <= n_selected <= 10 and seconds >= 0
        assert 0 <= precision <= 1 and 0 <= recall <= 1 and 0 <= f1 <= 1
        assert np.isfinite(score)
    printed = capsys.readouterr().out
    assert "oracle (true features)" in printed and "F1" in printed
