"""
=========================================================
Stability selection: features with a bound on false picks
=========================================================

The CV estimators choose the penalty that predicts best, and on data with
many columns that choice keeps some noise columns beside the signal.
:class:`~sklearn_l1mlp.L1MLPStabilitySelection` asks another question: which
features does the network pick again and again when it sees only half of
the rows? It splits the rows into two halves 25 times, lets the network on
each half pick its first features as the penalty falls, and keeps those
that most halves pick, with a threshold chosen so that the expected number
of kept features that have nothing to do with the target is at most one
(Meinshausen & Buhlmann, 2010; Shah & Samworth, 2013).

Here 400 rows have 60 columns, of which the first four act on the target,
two of them through a curve no linear model sees. The bound is bought with
recall: a feature is kept only where most halves pick it among their first
few, and a curve such as ``x2**2`` enters the networks later, as the
penalty falls, than the straight effects do.
"""

import numpy as np

from sklearn_l1mlp import L1MLPStabilitySelection, StabilityPathDisplay

rng = np.random.RandomState(0)
X = rng.normal(size=(400, 60))
y = 2 * X[:, 0] - 1.5 * X[:, 1] + X[:, 2] ** 2 + np.sin(2 * X[:, 3]) + 0.3 * rng.normal(size=400)

selector = L1MLPStabilitySelection(random_state=0).fit(X, y)
print(
    f"selected {np.flatnonzero(selector.support_).tolist()}: each half picks "
    f"{selector.mean_selected_:.0f} features, threshold {selector.threshold_:.2f}, "
    f"so at most {selector.false_selection_bound_:.2f} false selections are expected"
)
for j in range(4):
    print(f"x{j}: picked by {selector.selection_probabilities_[j]:.0%} of the halves")
noise = selector.selection_probabilities_[4:]
print(f"the most picked noise column: {noise.max():.0%} of the halves")

# %%
# The stability path
# ------------------
# Each line is the share of halves whose pick holds a feature as the penalty
# falls; the kept features cross the threshold.

display = StabilityPathDisplay.from_estimator(selector)
display.figure_.tight_layout()

# sphinx_gallery_start_ignore
# ``python examples/plot_stability_selection.py FILE.png`` writes the figure to a file.
import sys  # noqa: E402

if sys.argv[1:] and sys.argv[1].endswith(".png"):
    display.figure_.savefig(sys.argv[1], dpi=100)
# sphinx_gallery_end_ignore
