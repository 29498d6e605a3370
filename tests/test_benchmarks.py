"""Benchmark scripts run (on tiny sizes), so none rots. Nothing here is timed."""

import runpy
from pathlib import Path

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


def test_memory_benchmark_streams_chunks(capsys):
    script = runpy.run_path(str(BENCHMARKS / "bench_memory.py"))
    train_peak, predict_peak, chunk_bytes, output_bytes = script["main"](
        ["--rows", "4000", "--chunk", "1000", "--features", "10", "--hidden", "8"]
    )
    assert "partial_fit" in capsys.readouterr().out
    assert chunk_bytes <= train_peak and output_bytes <= predict_peak
