"""How much of a tiny L1 penalty survives float32 rounding, per l1_mode.

With a per-step penalty below half the float32 spacing of a weight, a mode
that subtracts it step by step (proximal, shrink) loses it to rounding. The
cumulative mode accumulates it until it takes effect, and the gradient mode
carries it inside the (larger) optimizer step. For each mode this fits the
same network with and without a tiny alpha, in float64 and float32, and
prints the L1 norm the penalty removed; "kept" is float32's share of
float64's.

Run: python benchmarks/bench_float32_penalty.py
"""

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

from sklearn_l1mlp import L1MLPClassifier
from sklearn_l1mlp.extend import L1_MODES

sys.path.insert(0, str(Path(__file__).resolve().parent))
from page import add_page_option, recorded  # noqa: E402

ALPHA = 2e-7
LEARNING_RATE = 0.01  # per-step shrink eta * alpha = 2e-9


def removed_l1(mode, dtype, X, y):
    """L1 norm of the weights without the penalty minus with it."""
    settings = dict(
        hidden_layer_sizes=(8,),
        solver="sgd",
        momentum=0.0,
        learning_rate_init=LEARNING_RATE,
        max_iter=50,
        tol=0.0,
        n_iter_no_change=1000,
        shuffle=False,
        random_state=0,
        l1_mode=mode,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        penalized = L1MLPClassifier(alpha=ALPHA, **settings).fit(X.astype(dtype), y)
        free = L1MLPClassifier(alpha=0.0, **settings).fit(X.astype(dtype), y)
    warned = any("resolution" in str(w.message) for w in caught)

    def norm(model):
        return sum(np.abs(c.astype(np.float64)).sum() for c in model.coefs_)

    return norm(free) - norm(penalized), warned


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_page_option(parser)
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    with recorded(args.page, __file__, argv):
        return _run()


def _run():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    print(
        f"alpha={ALPHA:g}, sgd, learning_rate_init={LEARNING_RATE:g}: "
        f"per-step shrink {ALPHA * LEARNING_RATE:g}; 50 epochs on breast cancer"
    )
    print(f"{'l1_mode':<12}{'removed f64':>13}{'removed f32':>13}{'kept':>7}  warned (f32)")
    rows = {}
    for mode in L1_MODES:
        removed64, _ = removed_l1(mode, np.float64, X, y)
        removed32, warned = removed_l1(mode, np.float32, X, y)
        rows[mode] = removed32 / removed64
        print(f"{mode:<12}{removed64:>13.3e}{removed32:>13.3e}{rows[mode]:>7.0%}  {warned}")
    return rows


if __name__ == "__main__":
    main()
