"""The path of L1MLPClassifierCV on a real data set, in one figure.

The breast-cancer data (569 rows, 30 measurements in their raw units) is
fitted by L1MLPClassifierCV with its defaults; ``L1PathDisplay`` draws, against
the penalty, the mean 5-fold accuracy with one standard deviation, the
features the folds' networks use, the chosen point, and each feature's
importance as the penalty falls (the eight strongest named).

Run: python examples/plot_cv_path.py [output.png]
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from sklearn.datasets import load_breast_cancer  # noqa: E402

from sklearn_l1mlp import L1MLPClassifierCV, L1PathDisplay  # noqa: E402


def main(output=Path(__file__).parent / "figures" / "cv_path.png"):
    data = load_breast_cancer(as_frame=True)
    model = L1MLPClassifierCV(random_state=0).fit(data.data, data.target)
    display = L1PathDisplay.from_estimator(model)
    display.figure_.tight_layout()
    display.figure_.savefig(output, dpi=100)
    print(
        f"chosen alpha={model.alpha_:.3g}: {model.n_features_selected_} of "
        f"{model.n_features_in_} features, mean CV accuracy {model.best_score_:.3f}; "
        f"wrote {output}"
    )
    return model, display


if __name__ == "__main__":
    main(*sys.argv[1:2])
