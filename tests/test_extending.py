"""A new optimizer and a new l1_mode: one class and one registry line each.

Each toy below is written against the step-size contract alone (``rate``,
``StepSizes``), registered with one line, and used by the estimators
without touching any other class.
"""

import numpy as np
import pytest

from sklearn_l1mlp import L1MLPRegressor
from sklearn_l1mlp._optimizers import OPTIMIZERS, Optimizer
from sklearn_l1mlp._penalties import L1_MODES, L1Penalty
from sklearn_l1mlp._step_sizes import StepSizes


class PlainGradientDescent(Optimizer):
    """``w <- w - eta * g``: sgd without momentum, written from scratch."""

    settings_names = {"learning_rate_init": "learning_rate_init"}

    def __init__(self, n_params, dtype, learning_rate_init=0.001):
        self.learning_rate_init = float(learning_rate_init)

    @property
    def rate(self):
        return self.learning_rate_init

    def step(self, params, grad, work=None):
        params -= self.learning_rate_init * grad
        return StepSizes(self.rate, self.rate, spare=work)

    def step_sizes(self, n, work=None):
        return StepSizes(self.rate, self.rate, spare=work)

    def end_epoch(self, n_samples_seen):
        pass

    def on_plateau(self):
        return True


class HardThresholdL1(L1Penalty):
    """After the step, a weight within its step's threshold ``tau_i`` is set to 0."""

    exact_zeros = True
    seen = []

    def after_step(self, w, steps, work=None):
        type(self).seen.append(type(steps))
        self.last_threshold = steps.per_weight(self.alpha)
        w[np.abs(w) <= self.last_threshold] = 0.0


@pytest.fixture
def data(rng):
    X = rng.normal(size=(120, 8))
    return X, X[:, 0] - 2 * X[:, 1] + 0.1 * rng.normal(size=120)


SETTINGS = dict(hidden_layer_sizes=(6,), alpha=0.02, learning_rate_init=0.02, max_iter=30)


def test_a_registered_optimizer_trains_like_its_builtin_twin(data, monkeypatch):
    monkeypatch.setitem(OPTIMIZERS, "gd", PlainGradientDescent)
    X, y = data
    settings = {**SETTINGS, "alpha": 0.2, "random_state": 0}
    toy = L1MLPRegressor(solver="gd", **settings).fit(X, y)
    # sgd without momentum takes the same steps: the penalty cannot tell them apart.
    builtin = L1MLPRegressor(solver="sgd", momentum=0.0, **settings).fit(X, y)
    for toy_coef, builtin_coef in zip(toy.coefs_, builtin.coefs_, strict=True):
        np.testing.assert_allclose(toy_coef, builtin_coef, rtol=1e-10, atol=1e-12)
    assert np.any(toy.coefs_[0] == 0)
    toy.partial_fit(X, y)  # partial_fit is offered for every registered optimizer


@pytest.mark.parametrize("solver", ["gd", *OPTIMIZERS])
def test_a_registered_mode_works_with_every_optimizer(solver, data, monkeypatch):
    monkeypatch.setitem(OPTIMIZERS, "gd", PlainGradientDescent)
    monkeypatch.setitem(L1_MODES, "hard", HardThresholdL1)
    monkeypatch.setattr(HardThresholdL1, "seen", [])
    X, y = data
    model = L1MLPRegressor(solver=solver, l1_mode="hard", random_state=0, **SETTINGS).fit(X, y)
    assert HardThresholdL1.seen and set(HardThresholdL1.seen) == {StepSizes}
    # The last hook left every weight at 0 or beyond the last step's threshold.
    weights = np.concatenate([c.ravel() for c in model.coefs_])
    threshold = model._training_state.penalty.last_threshold
    assert np.all((weights == 0) | (np.abs(weights) > threshold))
    assert np.any(weights != 0)
    assert model.loss_curve_[-1] < model.loss_curve_[0]


def test_an_unregistered_name_is_refused_with_the_registered_ones(data):
    X, y = data
    with pytest.raises(ValueError, match="among .*'sgd'.*Got 'gd'"):
        L1MLPRegressor(solver="gd").fit(X, y)
