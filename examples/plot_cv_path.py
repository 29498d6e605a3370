"""
================================================
The path of ``L1MLPClassifierCV`` on real data
================================================

The breast-cancer data (569 rows, 30 measurements in their raw units) is
fitted by :class:`~sklearn_l1mlp.L1MLPClassifierCV` with its defaults: the
columns are standardized inside ``fit``, so no scaler is needed.
:class:`~sklearn_l1mlp.L1PathDisplay` then draws, against the penalty, the
mean 5-fold accuracy with one standard deviation, the features the folds'
networks use, the chosen point, and each feature's importance as the penalty
falls (the eight strongest named).
"""

from sklearn.datasets import load_breast_cancer

from sklearn_l1mlp import L1MLPClassifierCV, L1PathDisplay

data = load_breast_cancer(as_frame=True)
model = L1MLPClassifierCV(random_state=0).fit(data.data, data.target)
print(
    f"chosen alpha={model.alpha_:.3g}: {model.n_features_selected_} of "
    f"{model.n_features_in_} features, mean CV accuracy {model.best_score_:.3f}"
)
print("features used:", list(model.feature_names_in_[model.support_]))

# %%
# Draw the path
# -------------

display = L1PathDisplay.from_estimator(model)
display.figure_.tight_layout()

# sphinx_gallery_start_ignore
# ``python examples/plot_cv_path.py FILE.png`` writes the figure to a file.
import sys  # noqa: E402

if sys.argv[1:] and sys.argv[1].endswith(".png"):
    display.figure_.savefig(sys.argv[1], dpi=100)
# sphinx_gallery_end_ignore
