"""How each l1_mode moves weights: trajectories and exact zeros over epochs.

The same network (breast cancer, standardized, 16 hidden units, adam,
alpha=3e-3) is trained in each l1_mode one epoch at a time. Top: four
first-layer weights over the epochs; the modes that clip at zero
(proximal, cumulative) park weights at exactly 0, while gradient and shrink
leave them hovering around it. Bottom: the share of weights that are
exactly zero after each epoch.

Run: python examples/plot_l1_modes.py [output.png]
"""

import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from sklearn_l1mlp import L1MLPClassifier  # noqa: E402

MODES = ["gradient", "shrink", "proximal", "cumulative"]
EPOCHS = 60
TRACKED = [(0, 0), (5, 3), (12, 7), (20, 11)]  # (feature, hidden unit) of W1


def trajectories(X, y, mode):
    """Tracked W1 entries and the zero share after each epoch."""
    model = L1MLPClassifier(
        hidden_layer_sizes=(16,), alpha=3e-3, learning_rate_init=0.01, l1_mode=mode, random_state=0
    )
    tracked, zero_share = [], []
    for _ in range(EPOCHS):
        model.partial_fit(X, y, classes=[0, 1])
        tracked.append([model.coefs_[0][i, j] for i, j in TRACKED])
        weights = np.concatenate([c.ravel() for c in model.coefs_])
        zero_share.append(np.mean(weights == 0))
    return np.array(tracked), np.array(zero_share)


def main(output=Path(__file__).parent / "figures" / "l1_modes.png"):
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    figure = plt.figure(figsize=(10, 5.2), dpi=80)
    grid = figure.add_gridspec(2, len(MODES), height_ratios=[1.2, 1])
    zero_axis = figure.add_subplot(grid[1, :])
    results = {}
    for k, mode in enumerate(MODES):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tracked, zero_share = trajectories(X, y, mode)
        results[mode] = zero_share
        axis = figure.add_subplot(grid[0, k])
        axis.plot(np.arange(1, EPOCHS + 1), tracked, linewidth=1.2)
        axis.axhline(0, color="black", linewidth=0.6)
        axis.set_title(f"l1_mode={mode!r}", fontsize=10)
        axis.set_xlabel("epoch", fontsize=8)
        axis.tick_params(labelsize=7)
        if k == 0:
            axis.set_ylabel("four W1 weights", fontsize=8)
        zero_axis.plot(np.arange(1, EPOCHS + 1), 100 * zero_share, label=mode)
    zero_axis.set_xlabel("epoch")
    zero_axis.set_ylabel("weights exactly 0 (%)")
    zero_axis.legend(fontsize=8, ncol=4)
    figure.tight_layout()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output)
    plt.close(figure)
    for mode, share in results.items():
        print(f"{mode:<11} weights exactly zero after {EPOCHS} epochs: {share[-1]:.1%}")
    print(f"figure: {output}")
    return results


if __name__ == "__main__":
    main(*sys.argv[1:2])
