"""
==============================================================
Choosing the features by cross-validation, adaptive or not
==============================================================

``y`` depends on 4 of 20 features through a sine, a product and a square.
:class:`~sklearn_l1mlp.L1MLPRegressorCV` scores a path of penalties
(per-weight ``alpha`` plus the row penalty ``feature_alpha``, in a fixed
ratio) on 3 folds, each point judged by a relaxed refit on the features it
uses, and keeps the point with the best mean :math:`R^2`. We fit it once
with the adaptive per-feature factors and once without.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split

from sklearn_l1mlp import L1MLPRegressor, L1MLPRegressorCV

TRUE_FEATURES = {0, 1, 2, 3}
rng = np.random.RandomState(0)
X = rng.normal(size=(400, 20))
y = np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2] + X[:, 3] ** 2 + 0.1 * rng.normal(size=400)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

# %%
# Fit the CV estimator with and without adaptive factors
# ------------------------------------------------------
# The network given as ``estimator`` sets the mix of the two penalties; the
# CV chooses their common scale.

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
for adaptive, model in models.items():
    selected = np.flatnonzero(model.support_)
    print(
        f"adaptive={adaptive}: alpha_={model.alpha_:.3g}, features {selected.tolist()}, "
        f"{len(TRUE_FEATURES & set(selected))} of {len(TRUE_FEATURES)} true, "
        f"held-out R^2 {model.score(X_test, y_test):.3f}"
    )

# %%
# The paths, with the chosen points
# ---------------------------------
# Left: the features the folds' fits use along the path; right: the mean
# relaxed CV score. The stars mark the chosen points.

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
