"""The L1 path on a task with known features: features used and scores.

y depends on 4 of 20 features through sin, a product and a square. l1_path
fits a grid of penalties (per-weight alpha plus the row penalty
feature_alpha, in a fixed ratio), each fit warm-started from the previous
one, and refits each point on its features with a tenth of the penalty
(relax=0.1). The plot shows, along the path, the features used, how many of
the 4 true ones are among them, and the validation R^2 of the path model
and of its relaxed refit.

Run: python examples/plot_feature_selection.py [output.png]
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from sklearn_l1mlp import L1MLPRegressor, l1_path  # noqa: E402

TRUE_FEATURES = {0, 1, 2, 3}


def make_data(n_samples=300, n_features=20, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features))
    y = np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2] + X[:, 3] ** 2
    return X, y + 0.1 * rng.normal(size=n_samples)


def main(output=Path(__file__).parent / "figures" / "feature_selection.png"):
    X, y = make_data()
    X_train, X_val, y_train, y_val = train_test_split(X, y, random_state=0)
    network = L1MLPRegressor(
        hidden_layer_sizes=(16,),
        alpha=0.03,
        feature_alpha=1.0,
        learning_rate_init=0.01,
        max_iter=300,
        random_state=0,
    )
    path = l1_path(network, X_train, y_train, X_val=X_val, y_val=y_val, n_alphas=10, relax=0.1)
    alphas = np.array([point.alpha for point in path])
    used = np.array([point.features.size for point in path])
    found = np.array([len(TRUE_FEATURES & set(point.features)) for point in path])
    score = np.array([point.validation_score for point in path])
    relaxed = np.array([point.relaxed_validation_score for point in path])

    figure, (count_axis, score_axis) = plt.subplots(1, 2, figsize=(10, 3.8), dpi=80)
    count_axis.semilogx(alphas, used, marker="o", markersize=3, label="features used")
    count_axis.semilogx(alphas, found, marker="o", markersize=3, label="true features among them")
    count_axis.set_xlabel("alpha (feature_alpha = alpha / 0.03)")
    count_axis.set_ylabel("features")
    count_axis.legend(fontsize=8)
    score_axis.semilogx(alphas, score, marker="o", markersize=3, label="path model")
    score_axis.semilogx(alphas, relaxed, marker="o", markersize=3, label="relaxed refit")
    score_axis.set_xlabel("alpha")
    score_axis.set_ylabel("validation R^2")
    score_axis.set_ylim(-0.1, 1.0)
    score_axis.legend(fontsize=8)
    figure.tight_layout()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output)
    plt.close(figure)
    print(f"{'alpha':>10}{'used':>6}{'true':>6}{'val R^2':>9}{'relaxed':>9}")
    for point, n_found in zip(path, found, strict=True):
        print(
            f"{point.alpha:>10.2e}{point.features.size:>6}{n_found:>6}"
            f"{point.validation_score:>9.3f}{point.relaxed_validation_score:>9.3f}"
        )
    print(f"figure: {output}")
    return path


if __name__ == "__main__":
    main(*sys.argv[1:2])
