"""L1-regularized multi-layer perceptrons for scikit-learn.

``L1MLPClassifier`` and ``L1MLPRegressor`` are drop-ins for scikit-learn's
``MLPClassifier``/``MLPRegressor`` whose ``l1_mode`` parameter says exactly
how the L1 penalty is applied, and whose proximal and cumulative modes give
weights that are exactly zero.
"""

from ._base import objective
from ._cv import L1MLPClassifierCV, L1MLPRegressorCV
from ._display import L1PathDisplay
from ._mlp import L1MLPClassifier, L1MLPRegressor
from ._path import PathPoint, alpha_max, l1_path, warm_alpha_max
from ._screening import MarginalAssociation, marginal_association
from ._show_versions import show_versions

__version__ = "0.1.0"

__all__ = [
    "L1MLPClassifier",
    "L1MLPClassifierCV",
    "L1MLPRegressor",
    "L1MLPRegressorCV",
    "L1PathDisplay",
    "MarginalAssociation",
    "PathPoint",
    "alpha_max",
    "l1_path",
    "marginal_association",
    "objective",
    "show_versions",
    "warm_alpha_max",
    "__version__",
]
