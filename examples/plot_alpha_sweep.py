"""
===================================================
Held-out accuracy and exact zeros against ``alpha``
===================================================

Breast cancer, standardized, 70/30 split; 32 hidden units, adam. Only the
modes that clip at zero (``"proximal"``, ``"cumulative"``) turn a larger
``alpha`` into exactly-zero weights; all four trade accuracy for penalty as
``alpha`` grows.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklearn_l1mlp import L1MLPClassifier

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

# %%
# Sweep ``alpha`` in every mode
# -----------------------------

MODES = ["gradient", "shrink", "proximal", "cumulative"]
ALPHAS = np.geomspace(1e-5, 1e-1, 9)

results = {}
for mode in MODES:
    accuracy, zero_share = [], []
    for alpha in ALPHAS:
        model = L1MLPClassifier(
            hidden_layer_sizes=(32,),
            alpha=alpha,
            l1_mode=mode,
            learning_rate_init=0.01,
            max_iter=200,
            random_state=0,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X_train, y_train)
        accuracy.append(model.score(X_test, y_test))
        weights = np.concatenate([c.ravel() for c in model.coefs_])
        zero_share.append(np.mean(weights == 0))
    results[mode] = (np.array(accuracy), np.array(zero_share))

print(f"{'alpha':>9}" + "".join(f"{m:>22}" for m in MODES))
for k, alpha in enumerate(ALPHAS):
    cells = "".join(f"{results[m][0][k]:>12.3f} {results[m][1][k]:>8.1%}" for m in MODES)
    print(f"{alpha:>9.0e}{cells}")
print("(each mode: held-out accuracy, share of weights exactly zero)")

# %%
# Plot both against ``alpha``
# ---------------------------

figure, (score_axis, zero_axis) = plt.subplots(1, 2, figsize=(10, 3.8), dpi=80)
for mode in MODES:
    accuracy, zero_share = results[mode]
    score_axis.semilogx(ALPHAS, accuracy, marker="o", markersize=3, label=mode)
    zero_axis.semilogx(ALPHAS, 100 * zero_share, marker="o", markersize=3, label=mode)
score_axis.set_xlabel("alpha")
score_axis.set_ylabel("held-out accuracy")
zero_axis.set_xlabel("alpha")
zero_axis.set_ylabel("weights exactly 0 (%)")
zero_axis.legend(fontsize=8)
figure.tight_layout()
