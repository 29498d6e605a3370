"""The extension points: a new ``l1_mode`` or a new stochastic solver.

A training step hands the penalty the optimizer's step sizes and nothing
else, and the optimizer knows nothing of the penalty (see
:class:`StepSizes`). So a new mode is one subclass of :class:`L1Penalty`
with the hooks it needs and one line in :data:`L1_MODES`; a new solver is
one subclass of :class:`Optimizer` and one line in :data:`OPTIMIZERS`. The
estimators validate ``l1_mode`` and ``solver`` against these registries, so
a registered name works everywhere a built-in one does (``fit``,
``partial_fit``, the CV estimators, the path)::

    from sklearn_l1mlp.extend import L1_MODES, L1Penalty

    class HardThresholdL1(L1Penalty):
        exact_zeros = True

        def after_step(self, w, steps, work=None):
            w[abs(w) <= steps.per_weight(self.alpha)] = 0.0

    L1_MODES["hard"] = HardThresholdL1
    L1MLPRegressor(l1_mode="hard").fit(X, y)

The user guide's page "Extending" walks through both.
"""

from ._optimizers import OPTIMIZERS, SGD, Adam, Optimizer
from ._penalties import (
    L1_MODES,
    CumulativeL1,
    GradientL1,
    L1Penalty,
    ProximalL1,
    ShrinkL1,
)
from ._step_sizes import StepSizes

__all__ = [
    "L1_MODES",
    "OPTIMIZERS",
    "Adam",
    "CumulativeL1",
    "GradientL1",
    "L1Penalty",
    "Optimizer",
    "ProximalL1",
    "SGD",
    "ShrinkL1",
    "StepSizes",
]
