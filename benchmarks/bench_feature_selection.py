"""Feature recovery and held-out scores: our CV estimators, LassoNet and linear L1 models.

On nonlinear tasks with known informative features (5 of 50 and 5 of 200
through sin, a product, a square and an absolute value; an XOR of 2 of 20
that no linear model solves), this fits, on the same split and the same
3-fold cross-validation:

* ``L1MLPRegressorCV`` / ``L1MLPClassifierCV`` (hidden layer of 32), and
  the same without the adaptive factors (``adaptive=False``);
* ``LassoNetRegressorCV`` / ``LassoNetClassifierCV`` with the same hidden
  layer and its defaults otherwise, when ``lassonet`` is installed (optional
  extra ``lassonet``: pip install ".[lassonet]");
* ``LassoCV`` / ``LogisticRegressionCV(penalty="l1")``: the linear L1 model;
* for scale, our network (small per-weight alpha) on the true features only:
  the "oracle" score a perfect selection could reach;

one thread each, and prints the held-out score (R^2 or accuracy), the
features selected, precision/recall/F1 against the truth, and seconds to
fit. It is a benchmark, not a test: nothing here runs in CI except a tiny
version that checks the script still runs.

Run: python benchmarks/bench_feature_selection.py [--quick] [--seeds S]
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LassoCV, LogisticRegressionCV
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklearn_l1mlp import L1MLPClassifier, L1MLPClassifierCV, L1MLPRegressor, L1MLPRegressorCV

sys.path.insert(0, str(Path(__file__).resolve().parent))
from page import add_page_option, recorded  # noqa: E402

HIDDEN = 32
#: name: (kind, n_samples, n_features, n_informative)
TASKS = {
    "nonlinear 5 of 50": ("regression", 1000, 50, 5),
    "nonlinear 5 of 200": ("regression", 2000, 200, 5),
    "xor 2 of 20": ("classification", 1000, 20, 2),
}
QUICK_TASKS = {"tiny 5 of 10": ("regression", 200, 10, 5)}


def make_task(kind, n_samples, n_features, seed):
    """Standardized features; the informative ones are the first columns."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features))
    if kind == "regression":
        y = (
            np.sin(2 * X[:, 0])
            + X[:, 1] * X[:, 2]
            + X[:, 3] ** 2
            - np.abs(X[:, 4])
            + 0.1 * rng.normal(size=n_samples)
        )
    else:
        y = (X[:, 0] * X[:, 1] > 0).astype(int)
    return X, y


def _network(kind, **params):
    network_class = L1MLPRegressor if kind == "regression" else L1MLPClassifier
    settings = dict(
        hidden_layer_sizes=(HIDDEN,), learning_rate_init=0.01, max_iter=500, random_state=0
    )
    settings.update(params)
    return network_class(**settings)


def ours(kind, cv, seed, adaptive=True):
    cv_class = L1MLPRegressorCV if kind == "regression" else L1MLPClassifierCV
    template = _network(kind, alpha=0.03, feature_alpha=1.0, random_state=seed)
    model = cv_class(template, cv=cv, adaptive=adaptive)
    return model, lambda fitted: np.flatnonzero(fitted.support_)


def ours_not_adaptive(kind, cv, seed):
    return ours(kind, cv, seed, adaptive=False)


def lassonet(kind, cv, seed):
    import lassonet as ln

    cv_class = ln.LassoNetRegressorCV if kind == "regression" else ln.LassoNetClassifierCV
    model = cv_class(hidden_dims=(HIDDEN,), cv=cv, verbose=0, random_state=seed, torch_seed=seed)
    return model, lambda fitted: np.flatnonzero(fitted.best_selected_.cpu().numpy())


def linear(kind, cv, seed):
    if kind == "regression":
        model = LassoCV(cv=cv, random_state=seed)
        return model, lambda fitted: np.flatnonzero(fitted.coef_)
    model = LogisticRegressionCV(cv=cv, penalty="l1", solver="liblinear", Cs=10, random_state=seed)
    return model, lambda fitted: np.flatnonzero(np.any(fitted.coef_ != 0, axis=0))


CONTESTANTS = {
    "L1MLP*CV (ours)": ours,
    "ours, adaptive=False": ours_not_adaptive,
    "LassoNet*CV": lassonet,
    "linear L1 CV": linear,
}


def _score(kind, model, X, y):
    predicted = np.asarray(model.predict(X)).reshape(len(y), -1)
    if kind == "regression":
        residual = y - predicted[:, 0]
        return 1.0 - residual @ residual / ((y - y.mean()) @ (y - y.mean()))
    return float(np.mean(predicted[:, 0] == y))


def _f1(selected, n_informative):
    true_positives = np.count_nonzero(np.asarray(selected) < n_informative)
    if true_positives == 0:
        return 0.0, 0.0, 0.0
    precision = true_positives / len(selected)
    recall = true_positives / n_informative
    return precision, recall, 2 * precision * recall / (precision + recall)


def run_task(name, task, seed, available):
    """Rows of (contestant, score, n_selected, precision, recall, f1, seconds)."""
    kind, n_samples, n_features, n_informative = task
    X, y = make_task(kind, n_samples, n_features, seed)
    X = StandardScaler().fit_transform(X)
    stratify = y if kind == "classification" else None
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=seed, stratify=stratify
    )
    splitter = StratifiedKFold if kind == "classification" else KFold
    cv = splitter(3, shuffle=True, random_state=seed)
    rows = []
    for label, make in available.items():
        model, selected_of = make(kind, cv, seed)
        start = time.perf_counter()
        model.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        selected = selected_of(model)
        precision, recall, f1 = _f1(selected, n_informative)
        score = _score(kind, model, X_test, y_test)
        rows.append((label, score, len(selected), precision, recall, f1, seconds))
    oracle = _network(kind, alpha=1e-3, random_state=seed)
    start = time.perf_counter()
    oracle.fit(X_train[:, :n_informative], y_train)
    seconds = time.perf_counter() - start
    score = _score(kind, oracle, X_test[:, :n_informative], y_test)
    rows.append(("oracle (true features)", score, n_informative, 1.0, 1.0, 1.0, seconds))
    return rows


def print_rows(name, seed, rows, score_name):
    print(f"\n{name}, seed {seed} (held-out {score_name})")
    print(
        f"{'contestant':<24}{'score':>8}{'selected':>10}{'prec':>7}{'recall':>8}{'F1':>6}{'s':>8}"
    )
    for label, score, n_selected, precision, recall, f1, seconds in rows:
        print(
            f"{label:<24}{score:>8.3f}{n_selected:>10d}{precision:>7.2f}"
            f"{recall:>8.2f}{f1:>6.2f}{seconds:>8.1f}"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one tiny task (seconds)")
    parser.add_argument("--seeds", type=int, default=1, help="data seeds per task")
    add_page_option(parser)
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    with recorded(args.page, __file__, argv):
        return _run(args)


def _run(args):
    available = dict(CONTESTANTS)
    try:
        import lassonet  # noqa: F401
    except ImportError:
        print("lassonet is not installed (pip install '.[lassonet]'): skipping it.")
        available.pop("LassoNet*CV", None)
    tasks = QUICK_TASKS if args.quick else TASKS
    results = {}
    warnings.simplefilter("ignore", ConvergenceWarning)
    # LogisticRegressionCV's penalty/l1_ratios API moves between the
    # scikit-learn versions we support; its deprecation notes are not results.
    warnings.simplefilter("ignore", FutureWarning)
    with threadpool_limits(1):
        if "LassoNet*CV" in available:
            import torch

            torch.set_num_threads(1)
        for name, task in tasks.items():
            score_name = "R^2" if task[0] == "regression" else "accuracy"
            for seed in range(args.seeds):
                rows = run_task(name, task, seed, available)
                print_rows(name, seed, rows, score_name)
                results[name, seed] = rows
    return results


if __name__ == "__main__":
    main()
