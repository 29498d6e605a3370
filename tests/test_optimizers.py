"""Optimizers: one step against scikit-learn's formulas, schedules, the StepSizes they return."""

import math

import numpy as np
import pytest

from sklearn_l1mlp._optimizers import OPTIMIZERS, SGD, Adam, make_optimizer
from sklearn_l1mlp._step_sizes import StepSizes


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_two_steps_follow_momentum_formulas(nesterov, rng):
    w0, g1, g2 = rng.normal(size=(3, 6))
    eta, mu = 0.1, 0.9
    optimizer = SGD(6, np.float64, eta, "constant", mu, nesterov)
    w = w0.copy()
    optimizer.step(w, g1)
    optimizer.step(w, g2)
    v1 = -eta * g1
    v2 = mu * v1 - eta * g2
    if nesterov:
        expected = w0 + (mu * v1 - eta * g1) + (mu * v2 - eta * g2)
    else:
        expected = w0 + v1 + v2
    np.testing.assert_allclose(w, expected, rtol=1e-14)


def test_adam_two_steps_follow_formulas_and_return_their_step_sizes(rng):
    w0, g1, g2 = rng.normal(size=(3, 5))
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    optimizer = Adam(5, np.float64, lr, b1, b2, eps)
    w = w0.copy()
    # A step spends its gradient (Adam writes its update there).
    optimizer.step(w, g1.copy())
    steps = optimizer.step(w, g2.copy())
    m1, v1 = (1 - b1) * g1, (1 - b2) * g1**2
    m2, v2 = b1 * m1 + (1 - b1) * g2, b2 * v1 + (1 - b2) * g2**2
    step1 = lr * math.sqrt(1 - b2) / (1 - b1) * m1 / (np.sqrt(v1) + eps)
    step2 = lr * math.sqrt(1 - b2**2) / (1 - b1**2) * m2 / (np.sqrt(v2) + eps)
    np.testing.assert_allclose(w, w0 - step1 - step2, rtol=1e-12)
    scale = lr * math.sqrt(1 - b2**2) / (np.sqrt(v2) + eps)
    np.testing.assert_allclose(steps.head(3).per_weight(), scale[:3], rtol=1e-12)
    np.testing.assert_allclose(optimizer.step_sizes(5).per_weight(), scale, rtol=1e-12)
    # The step is s * m_hat: the metric in which the proximal modes threshold
    # (docs/user_guide/l1_modes.md).
    np.testing.assert_allclose(step2, scale * optimizer.first_moment_hat, rtol=1e-12)
    assert optimizer.rate == steps.rate == lr


def test_invscaling_schedule_uses_samples_seen():
    optimizer = SGD(1, np.float64, 0.5, "invscaling", power_t=0.25)
    steps = optimizer.step(np.zeros(1), np.ones(1))
    assert steps.per_weight() == steps.rate == optimizer.rate == 0.5
    assert not steps.per_weight_sizes
    optimizer.end_epoch(80)
    assert optimizer.learning_rate == pytest.approx(0.5 / 81**0.25)


def test_adaptive_schedule_divides_by_five_until_tiny():
    optimizer = SGD(1, np.float64, 1e-5, "adaptive")
    assert optimizer.on_plateau() is False
    assert optimizer.learning_rate == pytest.approx(2e-6)
    assert optimizer.on_plateau() is False
    assert optimizer.on_plateau() is True


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_float32_state_stays_float32(solver, rng):
    optimizer = make_optimizer(solver, 4, np.float32, learning_rate_init=0.1)
    w = rng.normal(size=4).astype(np.float32)
    steps = optimizer.step(w, rng.normal(size=4).astype(np.float32))
    assert w.dtype == np.float32
    if solver == "adam":
        assert steps.per_weight().dtype == np.float32


def test_unknown_solver_is_an_error():
    with pytest.raises(ValueError, match="one of \\['adam', 'sgd'\\]"):
        make_optimizer("lbfgs", 3, np.float64)


@pytest.mark.parametrize("solver", sorted(OPTIMIZERS))
def test_a_step_uses_the_lent_buffer_and_returns_step_sizes_in_it(solver, rng):
    optimizer = make_optimizer(solver, 5, np.float64, learning_rate_init=0.1)
    work = np.full(5, np.nan)
    steps = optimizer.step(np.zeros(5), rng.normal(size=5), work)
    assert isinstance(steps, StepSizes)
    lent = steps.denominators if steps.per_weight_sizes else steps.spare
    assert np.shares_memory(lent, work)
    fresh = optimizer.step_sizes(5)
    np.testing.assert_allclose(steps.per_weight(2.0), fresh.per_weight(2.0), rtol=1e-15)
    # in_place writes the sizes over the denominators: no new array.
    written = steps.per_weight(2.0, in_place=True)
    if steps.per_weight_sizes:
        assert np.shares_memory(written, work)


@pytest.mark.parametrize("solver", sorted(OPTIMIZERS))
def test_copies_step_like_the_original(solver, rng):
    import copy
    import pickle

    optimizer = make_optimizer(solver, 6, np.float64)
    w, g = rng.normal(size=(2, 6))
    optimizer.step(w, g.copy())
    for duplicate in (copy.deepcopy(optimizer), pickle.loads(pickle.dumps(optimizer))):
        w_copy = w.copy()
        duplicate.step(w_copy, g.copy())
        optimizer_w = w.copy()
        copy.deepcopy(optimizer).step(optimizer_w, g.copy())
        np.testing.assert_array_equal(w_copy, optimizer_w)


@pytest.mark.parametrize("solver", sorted(OPTIMIZERS))
def test_restrict_and_merge_hand_back_a_part_of_the_state(solver, rng):
    optimizer = make_optimizer(solver, 6, np.float64, learning_rate_init=0.1)
    optimizer.step(np.zeros(6), rng.normal(size=6))
    before = {name: getattr(optimizer, name).copy() for name in optimizer._per_parameter}
    index = np.array([1, 4])
    part = optimizer.restrict(index)
    part.step(np.zeros(2), rng.normal(size=2))
    optimizer.merge(part, index)
    for name, value in before.items():
        after = getattr(optimizer, name)
        np.testing.assert_array_equal(after[[0, 2, 3, 5]], value[[0, 2, 3, 5]])
        assert not np.array_equal(after[index], value[index])


def test_make_optimizer_takes_scikit_learn_s_names_and_defaults():
    from sklearn.neural_network import MLPClassifier

    sgd = make_optimizer(
        "sgd",
        3,
        np.float64,
        learning_rate="invscaling",
        nesterovs_momentum=False,
        momentum=0.5,
        learning_rate_init=0.2,
        beta_1=0.1,  # Adam's: sgd leaves it
    )
    assert (sgd.schedule, sgd.nesterov, sgd.momentum, sgd.rate) == ("invscaling", False, 0.5, 0.2)
    defaults = MLPClassifier().get_params()
    for solver in OPTIMIZERS:
        optimizer = make_optimizer(solver, 3, np.float64)
        for sklearn_name, name in optimizer.settings_names.items():
            assert getattr(optimizer, name) == defaults[sklearn_name], (solver, sklearn_name)
