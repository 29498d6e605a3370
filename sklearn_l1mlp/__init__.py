"""L1-regularized multi-layer perceptrons for scikit-learn.

``L1MLPClassifier`` and ``L1MLPRegressor`` are drop-ins for scikit-learn's
``MLPClassifier``/``MLPRegressor`` whose ``l1_mode`` parameter says exactly
how the L1 penalty is applied, and whose proximal and cumulative modes give
weights that are exactly zero.

The extension points (a new ``l1_mode`` or solver) are in
:mod:`sklearn_l1mlp.extend`.
"""

from ._base import objective
from ._cv import L1MLPClassifierCV, L1MLPRegressorCV
from ._display import L1PathDisplay, StabilityPathDisplay
from ._engine import DivergenceError
from ._mlp import L1MLPClassifier, L1MLPRegressor
from ._path import PathPoint, alpha_max, l1_path
from ._screening import MarginalAssociation, marginal_association
from ._show_versions import show_versions
from ._stability import L1MLPStabilitySelection

# The one place the version is written: pyproject.toml, the docs and
# CITATION.cff read it from here (a test holds CITATION.cff to it).
__version__ = "0.1.0"

__all__ = [
    "DivergenceError",
    "L1MLPClassifier",
    "L1MLPClassifierCV",
    "L1MLPRegressor",
    "L1MLPRegressorCV",
    "L1MLPStabilitySelection",
    "L1PathDisplay",
    "MarginalAssociation",
    "PathPoint",
    "StabilityPathDisplay",
    "alpha_max",
    "l1_path",
    "marginal_association",
    "objective",
    "show_versions",
]
