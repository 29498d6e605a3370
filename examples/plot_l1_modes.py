"""
===============================================
How each ``l1_mode`` moves weights over epochs
===============================================

The same network (breast cancer, standardized, 16 hidden units, adam,
``alpha=3e-3``) is trained in each ``l1_mode`` one epoch at a time. The modes
that clip at zero (``"proximal"``, ``"cumulative"``) park weights at exactly
0, while ``"gradient"`` and ``"shrink"`` leave them hovering around it.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

from sklearn_l1mlp import L1MLPClassifier

X, y = load_breast_cancer(return_X_y=True)
X = StandardScaler().fit_transform(X)

# %%
# Train one epoch at a time
# -------------------------
# ``partial_fit`` makes one pass over the data per call, so we can record four
# first-layer weights and the share of weights that are exactly zero after
# each epoch.

MODES = ["gradient", "shrink", "proximal", "cumulative"]
EPOCHS = 60
TRACKED = [(0, 0), (5, 3), (12, 7), (20, 11)]  # (feature, hidden unit) of W1

trajectories, zero_shares = {}, {}
for mode in MODES:
    model = L1MLPClassifier(
        hidden_layer_sizes=(16,), alpha=3e-3, learning_rate_init=0.01, l1_mode=mode, random_state=0
    )
    tracked, zero_share = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # partial_fit's epochs do not converge by design
        for _ in range(EPOCHS):
            model.partial_fit(X, y, classes=[0, 1])
            tracked.append([model.coefs_[0][i, j] for i, j in TRACKED])
            weights = np.concatenate([c.ravel() for c in model.coefs_])
            zero_share.append(np.mean(weights == 0))
    trajectories[mode], zero_shares[mode] = np.array(tracked), np.array(zero_share)
    print(f"{mode:<11} weights exactly zero after {EPOCHS} epochs: {zero_share[-1]:.1%}")

# %%
# Plot the trajectories and the exact zeros
# -----------------------------------------
# Top: the four tracked weights under each mode. Bottom: the share of all
# weights that are exactly zero.

figure = plt.figure(figsize=(10, 5.2), dpi=80)
grid = figure.add_gridspec(2, len(MODES), height_ratios=[1.2, 1])
zero_axis = figure.add_subplot(grid[1, :])
epochs = np.arange(1, EPOCHS + 1)
for k, mode in enumerate(MODES):
    axis = figure.add_subplot(grid[0, k])
    axis.plot(epochs, trajectories[mode], linewidth=1.2)
    axis.axhline(0, color="black", linewidth=0.6)
    axis.set_title(f"l1_mode={mode!r}", fontsize=10)
    axis.set_xlabel("epoch", fontsize=8)
    axis.tick_params(labelsize=7)
    if k == 0:
        axis.set_ylabel("four W1 weights", fontsize=8)
    zero_axis.plot(epochs, 100 * zero_shares[mode], label=mode)
zero_axis.set_xlabel("epoch")
zero_axis.set_ylabel("weights exactly 0 (%)")
zero_axis.legend(fontsize=8, ncol=4)
figure.tight_layout()

# sphinx_gallery_start_ignore
# ``python examples/plot_l1_modes.py examples/figures/l1_modes.png`` writes the
# README's figure.
import sys  # noqa: E402

if sys.argv[1:] and sys.argv[1].endswith(".png"):
    figure.savefig(sys.argv[1])
# sphinx_gallery_end_ignore
