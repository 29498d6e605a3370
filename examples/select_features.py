"""
========================================================
Which features does the network use? Exact zeros answer
========================================================

A nonlinear regression where 4 of 40 features carry the signal:

.. math:: y = \\sin(2 x_0) + x_1 x_2 + |x_3| + \\varepsilon

The cumulative L1 penalty leaves most weights exactly zero. A feature whose
first-layer weights cannot reach the output through nonzero weights has
``feature_importances_`` exactly 0: the network's prediction cannot depend on
it, and ``SelectFromModel(threshold=1e-12)`` drops it. Per-weight L1 at one
``alpha`` clears some noise features, not all; the importance still ranks the
informative ones first.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.feature_selection import SelectFromModel
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_l1mlp import L1MLPRegressor

INFORMATIVE = [0, 1, 2, 3]
rng = np.random.RandomState(0)
X = rng.normal(size=(2000, 40))
y = np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2] + np.abs(X[:, 3]) + 0.1 * rng.normal(size=2000)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

# %%
# Fit a sparse network
# --------------------

network = L1MLPRegressor(
    hidden_layer_sizes=(32,),
    l1_mode="cumulative",
    alpha=0.006,
    learning_rate_init=0.01,
    batch_size=500,
    max_iter=1000,
    random_state=0,
)
model = make_pipeline(StandardScaler(), network).fit(X_train, y_train)
importances = network.feature_importances_
used = np.flatnonzero(importances)
weights = np.concatenate([c.ravel() for c in network.coefs_])
ranking = np.argsort(importances)[::-1]

print(f"held-out R^2: {model.score(X_test, y_test):.3f}")
print(f"weights exactly zero: {np.mean(weights == 0):.1%}")
print(f"features used: {used.size} of {X.shape[1]}: {used.tolist()}")
print(f"four most important: {sorted(ranking[:4].tolist())} (informative: {INFORMATIVE})")
print(f"importance on the informative features: {importances[INFORMATIVE].sum():.1%}")

# %%
# Select the features the network uses
# -------------------------------------

selector = SelectFromModel(network, threshold=1e-12, prefit=True)
print(f"SelectFromModel(threshold=1e-12) keeps {selector.get_support().sum()} features")

# %%
# Plot the importances
# --------------------
# The informative features in orange; a bar at exactly zero is a feature the
# network cannot use.

figure, axis = plt.subplots(figsize=(9, 3.2), dpi=80)
colors = ["tab:orange" if j in INFORMATIVE else "tab:blue" for j in range(X.shape[1])]
axis.bar(np.arange(X.shape[1]), importances, color=colors)
axis.set_xlabel("feature")
axis.set_ylabel("feature_importances_")
figure.tight_layout()
