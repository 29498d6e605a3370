"""Stability selection: F1 and false selections against the bound, over seeds.

Tasks (binary classification, one stratified 75/25 split each, the
training part used), drawn by ``bench_wide.py``'s generators with seeds
0 to 4 (``--seeds``):

- ``text-like``: 2,000 rows x 50,000 sparse counts, the label a nonlinear
  rule on 5 "words";
- ``synthetic p=1000``: 300 rows, the label from ``sin(2 x0) + x1 x2 +
  x3**2 - |x4|``;
- ``additive p=1000``: 300 rows, every informative column acting alone.

Contestants: ``L1MLPStabilitySelection(random_state=0)`` (its defaults:
at most one expected false selection), and for comparison the CV defaults
``L1MLPClassifierCV(random_state=0)`` (``--no-cv`` leaves them out), each
on one thread; and, as a reference for what the halves can see, the
marginal test's own complementary-pairs stability selection (25 pairs,
each half picking the ``q`` columns of smallest p-value that the bound
allows at 0.9, kept at the threshold of the same rule; never counted in
the goal). Printed per seed: the columns kept, the false ones (not
informative), F1 against the 5 informative columns and against those a
marginal test sees on the training rows (``associated_columns``: p-value
below 0.05 over the columns, Bonferroni), the bound the selector reports,
and seconds. Then per task the means, and the goals: F1 at least 0.8, and
the mean number of false selections within the bound.

Run: python benchmarks/bench_stability.py [--seeds 0 1 2 3 4] [--only TASK ...] [--no-cv]
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from sklearn_l1mlp import L1MLPClassifierCV, L1MLPStabilitySelection, marginal_association
from sklearn_l1mlp._cv_prepare import associated_columns
from sklearn_l1mlp._stability import (
    false_selection_bound,
    largest_bounded_q,
    smallest_bounded_threshold,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_wide import additive, synthetic, text_like, training_rows  # noqa: E402
from page import add_page_option, recorded  # noqa: E402

TASKS = {
    "text-like": lambda seed: text_like(seed=seed),
    "synthetic p=1000": lambda seed: synthetic(1000, seed=seed),
    "additive p=1000": lambda seed: additive(1000, seed=seed),
}


def f1_score(kept, truth):
    """F1 of the kept columns against ``truth`` (0 when nothing is found)."""
    hits = np.intersect1d(kept, truth).size
    if hits == 0:
        return 0.0
    return 2 * hits / (len(kept) + len(truth))


def stability(X, y):
    selector = L1MLPStabilitySelection(random_state=0).fit(X, y)
    return np.flatnonzero(selector.support_), selector.false_selection_bound_


def marginal_pairs(X, y, n_pairs=25, max_false_selections=1.0, seed=0):
    """The marginal test's complementary-pairs stability selection, under the same bound.

    Each half picks the ``q`` columns of smallest p-value (``q`` the most the
    bound allows at a threshold of 0.9); kept: those picked by at least the
    selector's threshold for that ``q`` (``smallest_bounded_threshold``).
    """
    n_samples, n_features = X.shape
    q = int(largest_bounded_q(n_features, max_false_selections))
    rng = np.random.RandomState(seed)
    picks = np.zeros(n_features)
    for _ in range(n_pairs):
        order = rng.permutation(n_samples)
        half = n_samples // 2
        for rows in (order[:half], order[half : 2 * half]):
            association = marginal_association(X[rows], y[rows], classification=True)
            picks[association.ranking()[:q]] += 1
    threshold = smallest_bounded_threshold(q, n_features, max_false_selections)
    kept = np.flatnonzero(picks / (2 * n_pairs) >= threshold)
    return kept, float(false_selection_bound(q, threshold, n_features))


def cv_defaults(X, y):
    model = L1MLPClassifierCV(random_state=0).fit(X, y)
    return np.flatnonzero(model.support_), None


def run_task(name, seeds, contestants):
    """contestant -> list of per-seed rows (kept, false, F1, F1 visible, bound, seconds)."""
    rows = {label: [] for label in contestants}
    for seed in seeds:
        X, y, truth = TASKS[name](seed)
        train, _ = training_rows(y)
        X, y = X[train], y[train]
        visible = np.intersect1d(associated_columns(X, y, None, classification=True), truth)
        for label, select in contestants.items():
            start = time.perf_counter()
            kept, bound = select(X, y)
            seconds = time.perf_counter() - start
            false = int(np.setdiff1d(kept, truth).size)
            row = (
                kept,
                false,
                f1_score(kept, truth),
                f1_score(kept, visible) if visible.size else float("nan"),
                bound,
                seconds,
            )
            rows[label].append(row)
            print(
                f"  {name}, seed {seed}, {label}: kept {kept[:12].tolist()}"
                f"{' ...' if kept.size > 12 else ''} ({kept.size}), {false} false, "
                f"F1 {row[2]:.2f} (visible {visible.tolist()}: {row[3]:.2f}), "
                + (f"bound {bound:.2f}, " if bound is not None else "")
                + f"{seconds:.1f} s",
                flush=True,
            )
    return rows


def print_summary(name, rows):
    print(f"\n{name}: means over {len(next(iter(rows.values())))} seeds")
    print(f"{'contestant':<26}{'kept':>6}{'false':>7}{'F1':>7}{'F1 visible':>12}{'s':>8}")
    for label, results in rows.items():
        kept = np.mean([row[0].size for row in results])
        false, f1, visible, seconds = (
            np.nanmean([row[k] for row in results]) for k in (1, 2, 3, 5)
        )
        print(f"{label:<26}{kept:>6.1f}{false:>7.1f}{f1:>7.2f}{visible:>12.2f}{seconds:>8.1f}")
    results = rows["stability selection"]
    bound = np.mean([row[4] for row in results])
    false = np.mean([row[1] for row in results])
    f1 = np.mean([row[2] for row in results])
    visible = np.nanmean([row[3] for row in results])
    print(
        f"goal: F1 {f1:.2f} (visible {visible:.2f}) >= 0.8 "
        f"({'met' if max(f1, visible) >= 0.8 else 'NOT met'}); mean false selections "
        f"{false:.2f} within the mean bound {bound:.2f} ({'met' if false <= bound else 'NOT met'})"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--only", nargs="*", help="task names to run")
    parser.add_argument("--no-cv", action="store_true", help="leave the CV defaults out")
    add_page_option(parser)
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    with recorded(args.page, __file__, argv):
        return _run(args)


def _run(args):
    contestants = {"stability selection": stability}
    if not args.no_cv:
        contestants["L1MLPClassifierCV"] = cv_defaults
    contestants["marginal test, pairs"] = marginal_pairs
    names = [name for name in TASKS if not args.only or name in args.only]
    warnings.simplefilter("ignore")
    results = {}
    with threadpool_limits(1):
        for name in names:
            results[name] = run_task(name, args.seeds, contestants)
            print_summary(name, results[name])
    return results


if __name__ == "__main__":
    main()
