"""l1_mode objects: one training step against the closed forms of docs/user_guide/l1_modes.md."""

import numpy as np
import pytest
from helpers import penalized_step

from sklearn_l1mlp._optimizers import SGD, Adam
from sklearn_l1mlp._penalties import (
    L1_MODES,
    check_mode,
    make_penalty,
)

ALPHA = 0.05


def _step(mode, optimizer, w, g, alpha=ALPHA, feature_alpha=0.0, shape=None):
    """One step as the engine runs it (helpers.penalized_step) on a copy of w."""
    penalty = make_penalty(mode, alpha, "sgd", feature_alpha, shape)
    w = w.copy()
    penalized_step(penalty, optimizer, w, g)
    return w


def _weights_and_gradient(rng):
    w = rng.normal(scale=0.1, size=50)
    w[:5] = 0.0  # sign(0) = 0 must hold
    return w, rng.normal(scale=0.1, size=50)


def _sgd(momentum=0.0):
    return SGD(50, np.float64, 0.3, "constant", momentum, nesterov=False)


def _adam():
    return Adam(50, np.float64, 0.01)


def _adam_step(g):
    # What adam alone would do from a zero state: step(g) and its tau / alpha.
    optimizer = _adam()
    moved = np.zeros(50)
    return moved, optimizer.step(moved, g.copy()).per_weight()


def test_gradient_mode_adds_the_subgradient_before_the_optimizer(rng):
    w, g = _weights_and_gradient(rng)
    np.testing.assert_allclose(
        _step("gradient", _sgd(), w, g), w - 0.3 * (g + ALPHA * np.sign(w)), rtol=1e-14
    )
    moved, _ = _adam_step(g + ALPHA * np.sign(w))
    np.testing.assert_allclose(_step("gradient", _adam(), w, g), w + moved, rtol=1e-12)


def test_shrink_mode_shrinks_by_eta_alpha_then_steps_with_the_old_gradient(rng):
    w, g = _weights_and_gradient(rng)
    np.testing.assert_allclose(
        _step("shrink", _sgd(), w, g), w - 0.3 * ALPHA * np.sign(w) - 0.3 * g, rtol=1e-14
    )
    # adam: eta is learning_rate_init, and the step sees g alone.
    moved, _ = _adam_step(g)
    np.testing.assert_allclose(
        _step("shrink", _adam(), w, g), w - 0.01 * ALPHA * np.sign(w) + moved, rtol=1e-12
    )


def _soft_threshold(z, tau):
    return np.sign(z) * np.maximum(np.abs(z) - tau, 0)


def test_proximal_mode_soft_thresholds_after_the_step(rng):
    w, g = _weights_and_gradient(rng)
    new = _step("proximal", _sgd(), w, g)
    np.testing.assert_allclose(new, _soft_threshold(w - 0.3 * g, 0.3 * ALPHA), rtol=1e-14)
    assert np.sum(new == 0.0) > 0
    moved, scale = _adam_step(g)
    np.testing.assert_allclose(
        _step("proximal", _adam(), w, g), _soft_threshold(w + moved, ALPHA * scale), rtol=1e-12
    )


def test_cumulative_mode_clips_with_the_running_account(rng):
    w, g = _weights_and_gradient(rng)
    optimizer = _sgd()
    penalty = make_penalty("cumulative", ALPHA, "sgd")
    current = w.copy()
    u, q = 0.0, np.zeros(50)
    for _ in range(3):
        grad = g.copy()
        steps = optimizer.step(current, grad)
        expected_z = current.copy()
        penalty.after_step(current, steps)
        # Tsuruoka et al. (2009), written per weight.
        u += 0.3 * ALPHA
        expected = expected_z.copy()
        for i, z in enumerate(expected_z):
            if z > 0:
                expected[i] = max(0.0, z - (u + q[i]))
            elif z < 0:
                expected[i] = min(0.0, z + (u - q[i]))
        q += expected - expected_z
        np.testing.assert_allclose(current, expected, rtol=1e-14, atol=1e-17)
    assert np.sum(current == 0.0) > 0


def test_cumulative_zero_weight_stays_zero_whatever_its_account(rng):
    # |q| <= u holds in exact arithmetic; a zero weight must stay zero even
    # where rounding has left the account a hair beyond the total.
    optimizer = _sgd()
    penalty = make_penalty("cumulative", ALPHA, "sgd")
    penalty.total = 1.0
    penalty.received = np.array([1.0 + 1e-12, -1.0 - 1e-12, 0.5, -0.5])
    w = np.array([0.0, -0.0, 0.0, -0.0])
    penalty.after_step(w, optimizer.step_sizes(4))
    np.testing.assert_array_equal(w, 0.0)
    np.testing.assert_array_equal(penalty.received, [1.0 + 1e-12, -1.0 - 1e-12, 0.5, -0.5])


def test_cumulative_mode_with_adam_keeps_a_per_weight_account(rng):
    w, g = _weights_and_gradient(rng)
    optimizer = _adam()
    penalty = make_penalty("cumulative", ALPHA, "adam")
    steps = optimizer.step(w, g.copy())
    scale = steps.per_weight()
    z = w.copy()
    penalty.after_step(w, steps)
    np.testing.assert_allclose(penalty.total, ALPHA * scale)
    expected = np.where(
        z > 0,
        np.maximum(0, z - ALPHA * scale),
        np.where(z < 0, np.minimum(0, z + ALPHA * scale), z),
    )
    np.testing.assert_allclose(w, expected, rtol=1e-12)


def test_adam_proximal_zero_stays_zero_exactly_when_m_hat_within_alpha(rng):
    # With adam a weight at zero stays zero at a step exactly when |m_hat| <= alpha
    # (docs/user_guide/l1_modes.md, the proximal mode).
    optimizer = _adam()
    penalty = make_penalty("proximal", ALPHA, "adam")
    w = np.zeros(50)
    for _ in range(4):
        g = rng.normal(scale=0.06, size=50)
        w[:] = 0.0
        penalty.after_step(w, optimizer.step(w, g.copy()))
        m_hat = optimizer.first_moment_hat
        stays = np.abs(m_hat) <= ALPHA
        assert stays.any() and (~stays).any()
        np.testing.assert_array_equal(w == 0.0, stays)


def test_momentum_makes_gradient_and_shrink_differ_by_the_accumulated_penalty(rng):
    w, g = _weights_and_gradient(rng)
    w = w + np.sign(rng.normal(size=50))  # far from zero: no sign changes
    mu, eta = 0.9, 0.3
    optimizer_a, optimizer_b = _sgd(momentum=mu), _sgd(momentum=mu)
    a, b = w.copy(), w.copy()
    for _ in range(3):
        a = _step("gradient", optimizer_a, a, g)
        b = _step("shrink", optimizer_b, b, g)
    # The gradient mode's penalty rides the velocity: after three steps it has
    # moved each weight eta*alpha*(3 + 2 mu + mu^2), the shrink eta*alpha*3.
    np.testing.assert_allclose(a - b, -eta * ALPHA * (2 * mu + mu**2) * np.sign(w), rtol=1e-10)


@pytest.mark.parametrize("mode", list(L1_MODES))
def test_zero_alpha_changes_nothing(mode, rng):
    w, g = _weights_and_gradient(rng)
    penalty = make_penalty(mode, 0.0, "sgd")
    optimizer, reference = _sgd(), _sgd()
    w_pen, w_ref = w.copy(), w.copy()
    g_pen = g.copy()
    penalized_step(penalty, optimizer, w_pen, g_pen)
    reference.step(w_ref, g.copy())
    np.testing.assert_array_equal(w_pen, w_ref)
    assert penalty.value(w) == 0.0


def test_penalty_value_is_alpha_times_l1_norm(rng):
    w = rng.normal(size=20)
    assert make_penalty("proximal", ALPHA, "adam").value(w) == pytest.approx(
        ALPHA * np.abs(w).sum()
    )


@pytest.mark.parametrize("mode", list(L1_MODES))
def test_ridge_term_joins_the_value_and_the_smooth_gradient_in_every_mode(mode, rng):
    w, g = _weights_and_gradient(rng)
    penalty = make_penalty(mode, ALPHA, "sgd", l2_alpha=0.3)
    assert penalty.value(w) == pytest.approx(ALPHA * np.abs(w).sum() + 0.15 * np.sum(w**2))
    assert penalty.smooth_value(w) == pytest.approx(0.15 * np.sum(w**2))
    grad = g.copy()
    penalty.add_smooth_gradient(grad, w)
    np.testing.assert_allclose(grad, g + 0.3 * w, rtol=1e-12)
    # Without it the gradient is left as it was.
    plain = g.copy()
    make_penalty(mode, ALPHA, "sgd").add_smooth_gradient(plain, w)
    np.testing.assert_array_equal(plain, g)


@pytest.mark.parametrize("mode", ["shrink", "cumulative"])
def test_mode_solver_pair_outside_the_table_names_both_and_what_works(mode):
    with pytest.raises(ValueError) as error:
        check_mode(mode, "lbfgs", stochastic_solvers=["sgd", "adam"])
    message = str(error.value)
    assert f"l1_mode={mode!r}" in message and "solver='lbfgs'" in message
    assert "['sgd', 'adam']" in message and "['gradient', 'proximal']" in message


def test_group_penalty_has_no_exact_lbfgs_form():
    with pytest.raises(ValueError, match="feature_alpha.*lbfgs.*l1_mode='gradient'"):
        make_penalty("proximal", ALPHA, "lbfgs", feature_alpha=0.1, first_layer_shape=(5, 10))
    make_penalty("gradient", ALPHA, "lbfgs", feature_alpha=0.1, first_layer_shape=(5, 10))


# -- the group penalty on first-layer rows (feature_alpha) -------------------
SHAPE = (5, 10)  # W1 is the first 50 entries of w, as 5 rows of 10
FEATURE_ALPHA = 0.2


def _group_step(mode, optimizer, w, g, alpha=0.0):
    return _step(mode, optimizer, w, g, alpha, FEATURE_ALPHA, SHAPE)


def _unit_rows(w):
    rows = w[:50].reshape(SHAPE)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0).ravel()


def _block_threshold(w, tau):
    rows = w[:50].reshape(SHAPE).copy()
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    scale = np.maximum(
        0, 1 - np.divide(tau, norms, out=np.full_like(norms, np.inf), where=norms > 0)
    )
    out = w.copy()
    out[:50] = (rows * scale).ravel()
    return out


def test_group_value_adds_feature_alpha_times_row_norms(rng):
    w = rng.normal(size=50)
    penalty = make_penalty("proximal", ALPHA, "adam", FEATURE_ALPHA, SHAPE)
    rows = w.reshape(SHAPE)
    expected = ALPHA * np.abs(w).sum() + FEATURE_ALPHA * np.linalg.norm(rows, axis=1).sum()
    assert penalty.value(w) == pytest.approx(expected)


def test_group_gradient_mode_adds_the_row_subgradient(rng):
    w, g = _weights_and_gradient(rng)
    w[:10] = 0.0  # a zero row: its subgradient is taken as 0
    expected = w - 0.3 * (g + np.r_[FEATURE_ALPHA * _unit_rows(w), np.zeros(0)])
    np.testing.assert_allclose(_group_step("gradient", _sgd(), w, g), expected, rtol=1e-13)


def test_group_shrink_mode_moves_each_row_toward_zero_along_itself(rng):
    w, g = _weights_and_gradient(rng)
    expected = w - 0.3 * FEATURE_ALPHA * _unit_rows(w) - 0.3 * g
    np.testing.assert_allclose(_group_step("shrink", _sgd(), w, g), expected, rtol=1e-13)


@pytest.mark.parametrize("mode", ["proximal", "cumulative"])
def test_group_proximal_modes_block_soft_threshold_after_the_step(mode, rng):
    w, g = _weights_and_gradient(rng)
    w[10:20] *= 0.01  # row 1 is small enough to vanish
    g[10:20] *= 0.01
    new = _group_step(mode, _sgd(), w, g)
    np.testing.assert_allclose(new, _block_threshold(w - 0.3 * g, 0.3 * FEATURE_ALPHA), rtol=1e-13)
    assert np.any(np.all(new.reshape(SHAPE) == 0.0, axis=1))  # a whole row is zero


def test_sparse_group_proximal_is_soft_then_block_threshold(rng):
    w, g = _weights_and_gradient(rng)
    new = _group_step("proximal", _sgd(), w, g, alpha=ALPHA)
    elementwise = _soft_threshold(w - 0.3 * g, 0.3 * ALPHA)
    np.testing.assert_allclose(new, _block_threshold(elementwise, 0.3 * FEATURE_ALPHA), rtol=1e-13)


def test_adam_zero_row_stays_zero_exactly_when_m_hat_norm_within_feature_alpha(rng):
    # A uniform preconditioner per row: every weight of a row sees the same
    # gradient magnitude, so v (and the step size) is the same along the row.
    penalty = make_penalty("proximal", 0.0, "adam", FEATURE_ALPHA, SHAPE)
    optimizer = _adam()
    w = np.zeros(50)
    # Per-row gradient sizes on both sides of feature_alpha / sqrt(10) ~ 0.063.
    # A steady gradient per row makes m_hat equal to it at every step.
    sizes = np.array([[0.01], [0.04], [0.06], [0.08], [0.15]])
    g = (sizes * np.sign(rng.normal(size=(5, 10)))).ravel()
    for _ in range(4):
        w[:] = 0.0
        penalty.after_step(w, optimizer.step(w, g.copy()))
        row_m_hat = np.linalg.norm(optimizer.first_moment_hat.reshape(SHAPE), axis=1)
        stays = row_m_hat <= FEATURE_ALPHA
        assert stays.any() and (~stays).any()
        np.testing.assert_array_equal(np.all(w.reshape(SHAPE) == 0, axis=1), stays)


def test_adam_row_threshold_is_not_ruled_by_one_tiny_gradient(rng):
    # One weight per row with a near-zero gradient has a huge Adam step;
    # the row's threshold uses the harmonic mean of the steps, so it stays
    # about feature_alpha * lr_t / RMS and the rows survive.
    penalty = make_penalty("proximal", 0.0, "adam", 1e-5, SHAPE)
    optimizer = _adam()
    w = np.ones(50)
    g = np.full(50, 0.1)
    g[::10] = 1e-12
    step_sizes = optimizer.step(w, g.copy())
    steps = step_sizes.per_weight().reshape(SHAPE)
    before = w.copy()
    penalty.after_step(w, step_sizes)
    harmonic = 1.0 / (1.0 / steps).mean(axis=1, keepdims=True)
    np.testing.assert_allclose(w, _block_threshold(before, 1e-5 * harmonic), rtol=1e-13)
    assert np.all(np.linalg.norm(w[:50].reshape(SHAPE), axis=1) > 0.9)
