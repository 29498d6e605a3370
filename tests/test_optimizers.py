"""Optimizers: one step against scikit-learn's formulas, schedules, step sizes."""

import math

import numpy as np
import pytest

from sklearn_l1mlp._optimizers import SGD, Adam, make_optimizer


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


def test_adam_two_steps_follow_formulas_and_prox_scale(rng):
    w0, g1, g2 = rng.normal(size=(3, 5))
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    optimizer = Adam(5, np.float64, lr, b1, b2, eps)
    w = w0.copy()
    # A step spends its gradient (Adam writes its update there).
    optimizer.step(w, g1.copy())
    optimizer.step(w, g2.copy())
    m1, v1 = (1 - b1) * g1, (1 - b2) * g1**2
    m2, v2 = b1 * m1 + (1 - b1) * g2, b2 * v1 + (1 - b2) * g2**2
    step1 = lr * math.sqrt(1 - b2) / (1 - b1) * m1 / (np.sqrt(v1) + eps)
    step2 = lr * math.sqrt(1 - b2**2) / (1 - b1**2) * m2 / (np.sqrt(v2) + eps)
    np.testing.assert_allclose(w, w0 - step1 - step2, rtol=1e-12)
    scale = lr * math.sqrt(1 - b2**2) / (np.sqrt(v2) + eps)
    np.testing.assert_allclose(optimizer.prox_scale(3), scale[:3], rtol=1e-12)
    # The step is tau / alpha * m_hat: the proximal metric of SPEC section 3.
    np.testing.assert_allclose(step2, scale * optimizer.first_moment_hat, rtol=1e-12)
    assert optimizer.shrink_rate == lr


def test_invscaling_schedule_uses_samples_seen():
    optimizer = SGD(1, np.float64, 0.5, "invscaling", power_t=0.25)
    assert optimizer.prox_scale(1) == optimizer.shrink_rate == 0.5
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
    optimizer.step(w, rng.normal(size=4).astype(np.float32))
    assert w.dtype == np.float32
    assert np.asarray(optimizer.prox_scale(4)).dtype in (np.float32, np.float64)
    if solver == "adam":
        assert optimizer.prox_scale(4).dtype == np.float32


def test_unknown_solver_is_an_error():
    with pytest.raises(ValueError, match="'sgd' or 'adam'"):
        make_optimizer("lbfgs", 3, np.float64)


def test_prox_scale_writes_into_the_scratch_buffer_when_asked(rng):
    optimizer = Adam(5, np.float64, learning_rate_init=0.1)
    optimizer.step(np.zeros(5), rng.normal(size=5))
    fresh = optimizer.prox_scale(3, 2.0)
    written = optimizer.prox_scale(3, 2.0, in_scratch=True)
    assert written.shape == (3,) and np.shares_memory(written, optimizer._scratch)
    np.testing.assert_allclose(written, fresh)
    np.testing.assert_allclose(fresh, 2.0 * optimizer.prox_scale(3))


def test_prox_scale_right_after_a_step_reuses_its_denominator(rng):
    optimizer = Adam(5, np.float64, learning_rate_init=0.1)
    optimizer.step(np.zeros(5), rng.normal(size=5))
    fresh = optimizer.prox_scale(5, 2.0)
    # Were the second moment read again, this would show in the result.
    optimizer.second_moment[...] = 1e6
    np.testing.assert_array_equal(optimizer.prox_scale(5, 2.0, in_scratch=True), fresh)
    # The denominator is spent once used: the next call reads the moment.
    recomputed = optimizer.prox_scale(5, 2.0, in_scratch=True)
    np.testing.assert_allclose(recomputed, 2.0 * 0.1 * np.sqrt(1 - 0.999) / (1e3 + 1e-8))
    # Handing the scratch buffer out spends it too.
    optimizer.step(np.zeros(5), rng.normal(size=5))
    optimizer.scratch(5)[...] = 7.0
    np.testing.assert_allclose(
        optimizer.prox_scale(5, in_scratch=True), optimizer.prox_scale(5), rtol=1e-15
    )


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_copies_and_released_optimizers_hold_no_work_buffers(solver, rng):
    import copy
    import pickle

    optimizer = make_optimizer(solver, 6, np.float64)
    w, g = rng.normal(size=(2, 6))
    optimizer.step(w, g.copy())
    for duplicate in (copy.deepcopy(optimizer), pickle.loads(pickle.dumps(optimizer))):
        assert duplicate._scratch is None
        # A copy steps exactly like the original: the buffers hold no state.
        w_copy = w.copy()
        duplicate.step(w_copy, g.copy())
        optimizer_w = w.copy()
        copy.deepcopy(optimizer).step(optimizer_w, g.copy())
        np.testing.assert_array_equal(w_copy, optimizer_w)
    optimizer.release_buffers()
    assert all(getattr(optimizer, name) is None for name in optimizer._buffer_names)
    assert optimizer.scratch(3).shape == (3,)
