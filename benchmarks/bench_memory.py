"""Peak memory of streaming training and of prediction on a million rows.

Trains L1MLPClassifier on 1,000,000 x 100 float32 rows with partial_fit, one
generated chunk at a time (the whole matrix never exists), then predicts on
1,000,000 rows. Peak memory is traced with tracemalloc (NumPy reports its
allocations to it) for each phase, beside the size of what that phase must
hold anyway: one chunk while training, the input and the output while
predicting.

Run: python benchmarks/bench_memory.py [--rows 1000000] [--chunk 50000]
"""

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

from sklearn_l1mlp import L1MLPClassifier

sys.path.insert(0, str(Path(__file__).resolve().parent))
from page import add_page_option, recorded  # noqa: E402

MB = 2**20


def chunk_of(rng, rows, n_features):
    X = rng.standard_normal((rows, n_features), dtype=np.float32)
    y = (X[:, 0] + X[:, 1] * X[:, 2] > 0).astype(np.int64)
    return X, y


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=50_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--hidden", type=int, default=64)
    add_page_option(parser)
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    with recorded(args.page, __file__, argv):
        return _run(args)


def _run(args):

    model = L1MLPClassifier(hidden_layer_sizes=(args.hidden,), alpha=1e-4, random_state=0)
    rng = np.random.default_rng(0)
    chunk_bytes = args.chunk * args.features * 4

    tracemalloc.start()
    start = time.perf_counter()
    for _ in range(0, args.rows, args.chunk):
        X, y = chunk_of(rng, args.chunk, args.features)
        model.partial_fit(X, y, classes=[0, 1])
        del X, y
    train_seconds = time.perf_counter() - start
    _, train_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    X, y = chunk_of(np.random.default_rng(1), args.rows, args.features)
    tracemalloc.start()
    start = time.perf_counter()
    proba = model.predict_proba(X)
    predict_seconds = time.perf_counter() - start
    _, predict_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    accuracy = float(np.mean(model.classes_[proba.argmax(axis=1)] == y))

    print(
        f"{args.rows:,} x {args.features} float32 rows, hidden=({args.hidden},), adam, "
        f"chunks of {args.chunk:,}"
    )
    print(f"{'phase':<34}{'peak traced MB':>15}{'must hold MB':>14}{'seconds':>9}")
    print(
        f"{'partial_fit, one chunk at a time':<34}{train_peak / MB:>15.1f}"
        f"{chunk_bytes / MB:>14.1f}{train_seconds:>9.1f}"
    )
    print(
        f"{'predict_proba on all rows':<34}{predict_peak / MB:>15.1f}"
        f"{proba.nbytes / MB:>14.1f}{predict_seconds:>9.1f}"
    )
    print(
        f"(predict's input, {X.nbytes / MB:.0f} MB, existed before tracing began; "
        f"a whole-matrix forward pass would add {args.rows * args.hidden * 4 / MB:.0f} MB "
        f"of hidden activations; accuracy on those rows {accuracy:.3f})"
    )
    return train_peak, predict_peak, chunk_bytes, proba.nbytes


if __name__ == "__main__":
    main()
