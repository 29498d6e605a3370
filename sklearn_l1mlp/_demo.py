"""The demo behind ``python -m sklearn_l1mlp``: every l1_mode on one data set."""

import time
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from ._mlp import L1MLPClassifier
from ._network import feature_importances
from ._penalties import L1_MODES


def _row(name, model, X_train, y_train, X_test, y_test):
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    weights = np.concatenate([coef.ravel() for coef in model.coefs_])
    # Computed from coefs_ so that scikit-learn's MLP is measured the same way.
    importances = feature_importances(model.coefs_)
    return {
        "model": name,
        "accuracy": model.score(X_test, y_test),
        "zero_share": float(np.mean(weights == 0)),
        "features_used": int(np.count_nonzero(importances)),
        "n_features": X_train.shape[1],
        "epochs": model.n_iter_,
        "seconds": seconds,
    }


def run_demo(alpha=3e-3, hidden_layer_sizes=(32,), random_state=0):
    """Train every ``l1_mode`` on the breast-cancer data and measure each.

    The data (569 rows, 30 features, shipped with scikit-learn) is split 70/30,
    stratified, and standardized on the training part. scikit-learn's
    ``MLPClassifier`` with its L2 ``alpha`` is trained alongside for reference.

    Parameters
    ----------
    alpha : float
        L1 strength for every mode.
    hidden_layer_sizes : tuple of int
    random_state : int

    Returns
    -------
    rows : list of dict
        Per model: ``model``, held-out ``accuracy``, ``zero_share`` (weights
        exactly 0), ``features_used`` of ``n_features``, ``epochs``, fit
        ``seconds``.
    """
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=random_state
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    settings = dict(
        hidden_layer_sizes=hidden_layer_sizes,
        learning_rate_init=0.01,
        max_iter=300,
        random_state=random_state,
    )
    data = (X_train, y_train, X_test, y_test)
    rows = [
        _row(f"l1_mode={mode!r}", L1MLPClassifier(alpha=alpha, l1_mode=mode, **settings), *data)
        for mode in L1_MODES
    ]
    reference = MLPClassifier(alpha=alpha, **settings)
    rows.append(_row("sklearn MLPClassifier (L2)", reference, *data))
    return rows


def format_rows(rows):
    """The demo's table as text."""
    header = (
        f"{'model':<28}{'held-out acc':>13}{'weights = 0':>13}"
        f"{'features used':>15}{'epochs':>8}{'fit s':>8}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        used = f"{row['features_used']}/{row['n_features']}"
        lines.append(
            f"{row['model']:<28}{row['accuracy']:>13.3f}{row['zero_share']:>13.1%}"
            f"{used:>15}{row['epochs']:>8}{row['seconds']:>8.2f}"
        )
    return "\n".join(lines)
