"""Choosing the features by cross-validation, with and without adaptive factors.

y depends on 4 of 20 features through sin, a product and a square.
L1MLPRegressorCV scores a path of penalties (per-weight alpha plus the row
penalty feature_alpha, in a fixed ratio) on 3 folds, each point judged by a
relaxed refit on the features it uses, and keeps the point with the best
mean R^2. The plot shows, along the path, the features the
folds' fits use (mean over folds) and the mean relaxed R^2, once with the
adaptive per-feature factors (the default) and once without, the chosen
point marked.

Run: python examples/plot_feature_selection.py [output.png]
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from sklearn_l1mlp import L1MLPRegressor, L1MLPRegressorCV  # noqa: E402

TRUE_FEATURES = {0, 1, 2, 3}


def make_data(n_samples=400, n_features=20, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features))
    y = np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2] + X[:, 3] ** 2
    return X, y + 0.1 * rng.normal(size=n_samples)


def main(output=Path(__file__).parent / "figures" / "feature_selection.png"):
    X, y = make_data()
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    network = L1MLPRegressor(
        hidden_layer_sizes=(16,),
        alpha=0.03,
        feature_alpha=1.0,
        learning_rate_init=0.01,
        max_iter=300,
        random_state=0,
    )
    models = {
        adaptive: L1MLPRegressorCV(network, cv=3, adaptive=adaptive).fit(X_train, y_train)
        for adaptive in (True, False)
    }

    figure, (count_axis, score_axis) = plt.subplots(1, 2, figsize=(10, 3.8), dpi=80)
    for adaptive, model in models.items():
        results = model.cv_results_
        label = "adaptive" if adaptive else "not adaptive"
        chosen = model.best_index_
        count_axis.semilogx(
            results["alpha"], results["mean_n_features"], marker="o", markersize=3, label=label
        )
        count_axis.plot(results["alpha"][chosen], results["mean_n_features"][chosen], "k*")
        score_axis.semilogx(
            results["alpha"], results["mean_test_score"], marker="o", markersize=3, label=label
        )
        score_axis.plot(results["alpha"][chosen], results["mean_test_score"][chosen], "k*")
    count_axis.axhline(len(TRUE_FEATURES), color="grey", linestyle=":", label="true features")
    count_axis.set_xlabel("alpha (feature_alpha = alpha / 0.03)")
    count_axis.set_ylabel("features used (mean over folds)")
    count_axis.legend(fontsize=8)
    score_axis.set_xlabel("alpha")
    score_axis.set_ylabel("relaxed CV R^2 (mean over folds)")
    score_axis.set_ylim(-0.1, 1.0)
    score_axis.legend(fontsize=8)
    figure.tight_layout()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output)
    plt.close(figure)
    for adaptive, model in models.items():
        selected = np.flatnonzero(model.support_)
        print(
            f"adaptive={adaptive}: alpha_={model.alpha_:.3g}, features {selected.tolist()}, "
            f"{len(TRUE_FEATURES & set(selected))} of {len(TRUE_FEATURES)} true, "
            f"held-out R^2 {model.score(X_test, y_test):.3f}"
        )
    print(f"figure: {output}")
    return models


if __name__ == "__main__":
    main(*sys.argv[1:2])
