"""The training loop: loss curve, batches, state, stopping, divergence, interrupts."""

import numpy as np
import pytest
from helpers import RecordingKernels

from sklearn_l1mlp._engine import (
    DivergenceError,
    TrainingState,
    evaluate_data_loss,
    evaluate_objective,
    train_lbfgs,
    train_stochastic,
)
from sklearn_l1mlp._losses import data_loss
from sklearn_l1mlp._network import Network
from sklearn_l1mlp._optimizers import make_optimizer
from sklearn_l1mlp._penalties import make_penalty


def _problem(rng, n=30, d=4, dtype=np.float64):
    X = rng.normal(size=(n, d)).astype(dtype)
    Y = (X[:, :1] - X[:, 1:2] > 0).astype(dtype)
    network = Network([d, 5, 1], "tanh", "logistic", dtype)
    return network, network.init_params(rng), X, Y


def _state(network, solver="sgd", mode="proximal", alpha=1e-3, lr=0.1, early_stopping=False):
    optimizer = make_optimizer(solver, network.n_params, network.dtype, learning_rate_init=lr)
    return TrainingState(
        optimizer, make_penalty(mode, alpha, solver), network.n_weights, early_stopping
    )


def _train(network, params, state, X, Y, **kwargs):
    options = dict(
        max_iter=5,
        batch_size=8,
        shuffle=False,
        rng=np.random.RandomState(0),
        tol=0.0,
        n_iter_no_change=np.inf,
    )
    options.update(kwargs)
    return train_stochastic(network, params, state, X, Y, **options)


@pytest.mark.parametrize("zero_rows", [0, 38])
def test_the_data_term_is_the_training_forward_pass_loss_with_unused_columns_left_out(
    rng, zero_rows
):
    network, params, X, Y = _problem(rng, n=50, d=40)
    network.unpack(params)[0][0][:zero_rows] = 0.0  # 2 of 40 columns used: skipped
    weights = rng.rand(50)
    expected = data_loss(network.loss, Y, network.forward(params, X)[-1], weights)
    assert evaluate_data_loss(network, params, X, Y, weights) == pytest.approx(expected, 1e-12)
    penalty = make_penalty("proximal", 0.01, "sgd")
    assert evaluate_objective(
        network, params, penalty, network.n_weights, X, Y, weights
    ) == pytest.approx(expected + 0.01 * np.abs(params[: network.n_weights]).sum(), 1e-12)


def test_loss_curve_is_row_weighted_mean_of_batch_objectives_before_each_step(rng):
    network, params, X, Y = _problem(rng, n=10)
    weights = rng.uniform(0.5, 2, size=10)
    start = params.copy()
    state = _state(network, alpha=0.01, lr=1e-3)
    _train(network, params, state, X, Y, sample_weight=weights, max_iter=1, batch_size=4)
    # Replay the epoch by hand: batches of 4, 4 and 2 rows, objective taken
    # before each step.
    replay, replay_state = start.copy(), _state(network, alpha=0.01, lr=1e-3)
    expected = 0.0
    for rows in (slice(0, 4), slice(4, 8), slice(8, 10)):
        data, grad = network.loss_and_gradient(replay, X[rows], Y[rows], weights[rows])
        objective = data + 0.01 * np.abs(replay[: network.n_weights]).sum()
        expected += objective * (rows.stop - rows.start) / 10
        steps = replay_state.optimizer.step(replay, grad.copy())
        replay_state.penalty.after_step(replay[: network.n_weights], steps.head(network.n_weights))
    assert state.loss_curve == [pytest.approx(expected, rel=1e-12)]
    np.testing.assert_allclose(params, replay, rtol=1e-12)


def test_one_epoch_calls_carry_the_state_like_one_longer_call(rng):
    network, params, X, Y = _problem(rng)
    together, state_together = params.copy(), _state(network, "adam", "cumulative")
    _train(network, together, state_together, X, Y, max_iter=3)
    apart, state_apart = params.copy(), _state(network, "adam", "cumulative")
    for _ in range(3):
        _train(network, apart, state_apart, X, Y, incremental=True)
    np.testing.assert_array_equal(apart, together)
    np.testing.assert_array_equal(state_apart.penalty.received, state_together.penalty.received)
    assert state_apart.loss_curve == state_together.loss_curve
    assert state_apart.n_samples_seen == 3 * len(X)


def test_one_batch_of_every_row_is_not_gathered_in_shuffled_order(rng):
    # The gradient of a batch is a sum over its rows, so gathering them in a
    # new order each epoch would change only the rounding, at the cost of a
    # copy of X per epoch (what every fit on at most 200 rows would pay).
    network, params, X, Y = _problem(rng, n=40)
    fits = []
    for shuffle in (True, False):
        fitted, draws = params.copy(), np.random.RandomState(0)
        _train(
            network,
            fitted,
            _state(network, "adam"),
            X,
            Y,
            batch_size=40,
            shuffle=shuffle,
            rng=draws,
            max_iter=4,
        )
        fits.append((fitted, draws.randint(1 << 30)))
    (shuffled, next_draw), (in_order, unshuffled_draw) = fits
    np.testing.assert_array_equal(shuffled, in_order)
    # The shuffles are still drawn, so whatever draws next sees the same stream.
    replay, order = np.random.RandomState(0), np.arange(40)
    for _ in range(4):
        replay.shuffle(order)
    assert next_draw == replay.randint(1 << 30) != unshuffled_draw


@pytest.mark.parametrize("mode", ["gradient", "shrink", "proximal", "cumulative"])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_compiled_loops_train_like_numpy(mode, solver, dtype, rng, monkeypatch):
    from sklearn_l1mlp import _inplace

    if not _inplace.kernels_in_use():
        pytest.skip("the C extension is not built here")
    network, start, X, Y = _problem(rng, n=60, d=6, dtype=dtype)
    network = Network([6, 8, 8, 1], "relu", "logistic", dtype)
    start = network.init_params(rng)
    trained = {}
    recording = RecordingKernels(_inplace._kernels)
    monkeypatch.setattr(_inplace, "_kernels", recording)
    for backend in ("kernels", "numpy"):
        if backend == "numpy":
            monkeypatch.setattr(_inplace, "_kernels", None)
        params, state = start.copy(), _state(network, solver, mode, alpha=3e-2, lr=0.05)
        train_stochastic(
            network,
            params,
            state,
            X,
            Y,
            max_iter=5,
            batch_size=16,
            shuffle=True,
            rng=np.random.RandomState(0),
            tol=0.0,
            n_iter_no_change=np.inf,
        )
        trained[backend] = params
    tolerance = dict(rtol=1e-4, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(trained["kernels"], trained["numpy"], **tolerance)
    # The loops this training step has must have run, not fallen back to NumPy.
    expected = {"bias_relu", "relu_backward"} | ({"adam"} if solver == "adam" else set())
    expected |= {
        "gradient": {"add_signs"},
        "shrink": {"add_signs"},
        "proximal": {"soft_threshold"},
        "cumulative": {"cumulative"},
    }[mode]
    assert expected <= recording.calls
    if mode in ("proximal", "cumulative"):
        assert np.sum(trained["kernels"] == 0) > 0


def test_stops_after_n_iter_no_change_epochs_without_improvement(rng):
    network, params, X, Y = _problem(rng)
    state = _state(network)
    result = _train(network, params, state, X, Y, max_iter=500, tol=10.0, n_iter_no_change=3)
    # With tol=10 only the first epoch improves (on inf); the count then
    # passes n_iter_no_change=3 at epoch 1 + 4, as in scikit-learn.
    assert result.converged and result.n_iter == 5
    assert len(state.loss_curve) == 5


def test_validation_score_keeps_the_best_parameters(rng):
    network, params, X, Y = _problem(rng)
    scores = iter([0.5, 0.9, 0.7, 0.6, 0.1])
    snapshots = []

    def score(current):
        snapshots.append(current.copy())
        return next(scores)

    state = _state(network, early_stopping=True)
    result = _train(network, params, state, X, Y, validation_score=score, max_iter=5)
    np.testing.assert_array_equal(result.params, snapshots[1])
    assert state.validation_scores == [0.5, 0.9, 0.7, 0.6, 0.1]
    assert state.best_validation_score == 0.9 and state.best_loss is None


def test_divergence_raises_a_clear_error(rng):
    X = rng.normal(size=(30, 4)) * 1e3
    Y = X[:, :1] * 1e3
    network = Network([4, 5, 1], "identity", "identity", np.float64)
    params = network.init_params(rng)
    with pytest.raises(DivergenceError, match="NaN or infinite at epoch"):
        _train(network, params, _state(network, mode="gradient", lr=1.0), X, Y, max_iter=50)


def test_divergence_with_validation_returns_the_best_parameters(rng):
    network, params, X, Y = _problem(rng)
    start = params.copy()
    result = _train(
        network,
        params,
        _state(network, lr=1e300, early_stopping=True),
        X * 1e300,
        Y,
        validation_score=lambda p: 0.0,
    )
    assert result.diverged
    np.testing.assert_array_equal(result.params, start)


class _InterruptAtStep:
    """An optimizer stand-in that raises KeyboardInterrupt at a given step."""

    def __init__(self, optimizer, at_step):
        self.optimizer, self.at_step, self.steps = optimizer, at_step, 0

    def step(self, params, grad, work=None):
        self.steps += 1
        if self.steps == self.at_step:
            raise KeyboardInterrupt
        return self.optimizer.step(params, grad, work)

    def __getattr__(self, name):
        if name == "optimizer":  # not set yet while deepcopy rebuilds us
            raise AttributeError(name)
        return getattr(self.optimizer, name)


def test_interrupt_keeps_the_last_completed_epoch_when_asked(rng):
    network, params, X, Y = _problem(rng, n=16)  # two batches per epoch
    reference, reference_state = params.copy(), _state(network)
    _train(network, reference, reference_state, X, Y, max_iter=2)
    state = _state(network)
    state.optimizer = _InterruptAtStep(state.optimizer, at_step=6)  # mid third epoch
    result = _train(network, params, state, X, Y, keep_last_epoch_on_interrupt=True)
    assert result.interrupted and result.n_iter == 2
    np.testing.assert_array_equal(result.params, reference)
    assert state.loss_curve == reference_state.loss_curve


def test_interrupt_keeps_the_epochs_recorded_before_the_call(rng):
    # The checkpoint is taken every epoch, so it keeps the curves' lengths,
    # not copies; the state may hold earlier epochs (a working set's rounds
    # share one record), which the interrupt must leave in place.
    network, params, X, Y = _problem(rng, n=16)
    state = _state(network, early_stopping=True)
    state.loss_curve, state.validation_scores = [9.0, 8.0], [0.1, 0.2]
    assert not any(isinstance(value, list) for value in state.bookkeeping().values())
    state.optimizer = _InterruptAtStep(state.optimizer, at_step=6)  # mid third epoch
    result = _train(
        network,
        params,
        state,
        X,
        Y,
        keep_last_epoch_on_interrupt=True,
        validation_score=lambda params: 0.5,
    )
    assert result.interrupted and result.n_iter == 2
    assert state.loss_curve[:2] == [9.0, 8.0] and len(state.loss_curve) == 4
    assert state.validation_scores == [0.1, 0.2, 0.5, 0.5]


def test_interrupt_propagates_otherwise(rng):
    network, params, X, Y = _problem(rng, n=16)
    state = _state(network)
    state.optimizer = _InterruptAtStep(state.optimizer, at_step=6)
    with pytest.raises(KeyboardInterrupt):
        _train(network, params, state, X, Y)


def test_lbfgs_decreases_the_objective_and_keeps_the_dtype(rng):
    network, params, X, Y = _problem(rng, dtype=np.float32)
    penalty = make_penalty("gradient", 1e-3, "lbfgs")
    start_data, _ = network.loss_and_gradient(params, X, Y)
    start = start_data + penalty.value(params[: network.n_weights])
    result = train_lbfgs(
        network, params, penalty, network.n_weights, X, Y, max_iter=50, max_fun=1000, tol=1e-6
    )
    assert result.params.dtype == np.float32
    assert result.loss < 0.5 * start
    assert result.n_iter > 0
