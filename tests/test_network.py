"""Network: layout, initialization, backprop gradient, importances."""

import numpy as np
import pytest
import scipy.sparse as sp

from sklearn_l1mlp._activations import HIDDEN_ACTIVATIONS
from sklearn_l1mlp._network import Network, feature_importances, forward_pass

OUTPUTS = ("identity", "logistic", "softmax", "exp")


def _targets(output, rng, n, k):
    if output == "softmax":
        return np.eye(k)[rng.randint(0, k, size=n)]
    if output == "logistic":
        return rng.randint(0, 2, size=(n, k)).astype(float)
    if output == "exp":
        return rng.poisson(1.5, size=(n, k)).astype(float)
    return rng.normal(size=(n, k))


@pytest.mark.parametrize("skip", [False, True], ids=["mlp", "skip"])
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csr"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_gradient_matches_finite_differences(activation, output, weighted, sparse, skip, rng):
    n, d, k = 12, 5, 3
    X = rng.normal(size=(n, d))
    X[rng.uniform(size=X.shape) < 0.4] = 0
    Y = _targets(output, rng, n, k)
    weights = rng.uniform(0, 3, size=n) if weighted else None
    network = Network([d, 6, 4, k], activation, output, np.float64, skip=skip)
    params = network.init_params(rng)
    X_in = sp.csr_matrix(X) if sparse else X

    _, grad = network.loss_and_gradient(params, X_in, Y, weights)
    grad = grad.copy()
    h = 1e-6
    numeric = np.empty_like(params)
    for i in range(params.size):
        step = np.zeros_like(params)
        step[i] = h
        up, _ = network.loss_and_gradient(params + step, X_in, Y, weights)
        down, _ = network.loss_and_gradient(params - step, X_in, Y, weights)
        numeric[i] = (up - down) / (2 * h)
    # With this fixed seed no hidden pre-activation lies within h of relu's
    # kink, where a central difference would be meaningless.
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-7)


def test_weighted_objective_and_gradient_equal_repeated_rows(rng):
    X = rng.normal(size=(15, 4))
    Y = rng.normal(size=(15, 2))
    weights = rng.randint(0, 4, size=15)
    network = Network([4, 5, 2], "tanh", "identity", np.float64)
    params = network.init_params(rng)
    value_w, grad_w = network.loss_and_gradient(params, X, Y, weights.astype(float))
    grad_w = grad_w.copy()
    value_r, grad_r = network.loss_and_gradient(
        params, np.repeat(X, weights, axis=0), np.repeat(Y, weights, axis=0)
    )
    assert value_w == pytest.approx(value_r, rel=1e-12)
    np.testing.assert_allclose(grad_w, grad_r, rtol=1e-10, atol=1e-14)


def test_layout_puts_all_weights_before_all_biases():
    network = Network([3, 4, 2], "relu", "identity", np.float64)
    params = np.arange(network.n_params, dtype=float)
    coefs, intercepts = network.unpack(params)
    assert network.n_weights == 3 * 4 + 4 * 2
    assert network.n_params == network.n_weights + 4 + 2
    assert [c.shape for c in coefs] == [(3, 4), (4, 2)]
    assert coefs[0][0, 0] == 0 and coefs[1][-1, -1] == network.n_weights - 1
    assert intercepts[0][0] == network.n_weights
    # Views, not copies: writing through them changes the vector.
    coefs[1][0, 0] = -1.0
    assert params[12] == -1.0
    np.testing.assert_array_equal(network.pack(coefs, intercepts), params)


@pytest.mark.parametrize("activation, factor", [("logistic", 2.0), ("relu", 6.0)])
def test_glorot_init_draws_like_sklearn(activation, factor):
    network = Network([5, 7, 3], activation, "softmax", np.float64)
    params = network.init_params(np.random.RandomState(3))
    coefs, intercepts = network.unpack(params)
    reference = np.random.RandomState(3)
    for (fan_in, fan_out), coef, intercept in zip(
        network.coef_shapes, coefs, intercepts, strict=True
    ):
        bound = np.sqrt(factor / (fan_in + fan_out))
        np.testing.assert_array_equal(coef, reference.uniform(-bound, bound, (fan_in, fan_out)))
        np.testing.assert_array_equal(intercept, reference.uniform(-bound, bound, fan_out))


def test_float32_network_stays_float32(rng):
    network = Network([4, 3, 2], "relu", "softmax", np.float32)
    params = network.init_params(rng)
    X = rng.normal(size=(6, 4)).astype(np.float32)
    Y = np.eye(2, dtype=np.float32)[rng.randint(0, 2, size=6)]
    _, grad = network.loss_and_gradient(params, X, Y)
    assert params.dtype == grad.dtype == np.float32
    assert network.predict(params, X).dtype == np.float32


def test_forward_pass_without_hidden_layer_is_a_linear_model(rng):
    W, b = rng.normal(size=(4, 2)), rng.normal(size=2)
    X = rng.normal(size=(5, 4))
    np.testing.assert_allclose(forward_pass(X, [W], [b], "relu", "identity"), X @ W + b)


def test_feature_importances_are_zero_exactly_for_unconnected_features():
    W1 = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 2.0], [3.0, 0.0]])
    # Unit 0 reaches the output; unit 1 does not, so feature 2 (only into
    # unit 1) has no path although its own weight is nonzero.
    W2 = np.array([[0.5], [0.0]])
    importances = feature_importances([W1, W2])
    np.testing.assert_allclose(importances, [0.25, 0.0, 0.0, 0.75])
    assert importances[1] == 0.0 and importances[2] == 0.0
    np.testing.assert_array_equal(feature_importances([np.zeros((3, 2)), W2]), np.zeros(3))


def test_forward_pass_skips_unused_input_columns_exactly(rng, monkeypatch):
    from sklearn_l1mlp import _network

    X = rng.normal(size=(300, 40))
    W1, W2 = rng.normal(size=(40, 6)), rng.normal(size=(6, 2))
    W1[rng.permutation(40)[:36]] = 0.0  # 4 of 40 features used
    b1, b2 = rng.normal(size=6), rng.normal(size=2)
    seen = []
    original = _network._forward_rows
    monkeypatch.setattr(
        _network, "_forward_rows", lambda rows, *a: seen.append(rows.shape[1]) or original(rows, *a)
    )
    skipped = forward_pass(X, [W1, W2], [b1, b2], "relu", "identity")
    assert seen == [4]
    full = np.maximum(X @ W1 + b1, 0) @ W2 + b2
    np.testing.assert_allclose(skipped, full, rtol=1e-12, atol=1e-12)
    # Mostly used, or sparse input: every column is read.
    seen.clear()
    forward_pass(sp.csr_matrix(X), [W1, W2], [b1, b2], "relu", "identity")
    W1[:30] = 1.0
    forward_pass(X, [W1, W2], [b1, b2], "relu", "identity")
    assert seen == [40, 40]


def test_importances_of_a_float32_network_do_not_overflow():
    # |W1| @ |W2| @ |W3| reaches 1e42 here, past float32's 3.4e38.
    rng = np.random.RandomState(0)
    coefs = [
        rng.uniform(1e13, 1e14, size=shape).astype(np.float32) for shape in [(3, 5), (5, 5), (5, 1)]
    ]
    coefs[0][1] = 0.0
    with np.errstate(over="raise"):
        importances = feature_importances(coefs)
    exact = feature_importances([c.astype(np.float64) / 1e13 for c in coefs])
    assert np.all(np.isfinite(importances)) and importances[1] == 0.0
    np.testing.assert_allclose(importances, exact, rtol=1e-6)


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csr"])
@pytest.mark.parametrize("output", OUTPUTS)
def test_a_skip_adds_x_theta_to_the_output_before_its_activation(output, sparse, rng):
    X = rng.normal(size=(9, 5))
    skipping = Network([5, 4, 3], "tanh", output, np.float64, skip=True)
    plain = Network([5, 4, 3], "tanh", "identity", np.float64)
    params = skipping.init_params(rng)
    coefs, intercepts = skipping.unpack(params)
    coefs, theta = skipping.split_skip(coefs)
    assert coefs[0].shape == (5, 4) and theta.shape == (5, 3)
    np.testing.assert_array_equal(
        skipping.join_skip(coefs, theta)[0], skipping.unpack(params)[0][0]
    )
    logits = plain.predict(plain.pack(coefs, intercepts), X) + X @ theta
    expected = Network([3, 3], "tanh", output, np.float64).predict(
        np.concatenate([np.eye(3).ravel(), np.zeros(3)]), logits
    )
    X_in = sp.csr_matrix(X) if sparse else X
    np.testing.assert_allclose(skipping.predict(params, X_in), expected, rtol=1e-12)
    np.testing.assert_allclose(skipping.forward(params, X_in)[-1], expected, rtol=1e-12)


def test_a_skip_starts_the_network_as_without_it():
    plain = Network([5, 4, 2], "relu", "identity", np.float64)
    skipping = Network([5, 4, 2], "relu", "identity", np.float64, skip=True)
    start = plain.init_params(np.random.RandomState(3))
    coefs, intercepts = skipping.unpack(skipping.init_params(np.random.RandomState(3)))
    coefs, theta = skipping.split_skip(coefs)
    np.testing.assert_array_equal(plain.pack(coefs, intercepts), start)
    assert np.all(theta != 0) and np.all(np.abs(theta) <= np.sqrt(6 / 7))


def test_a_skip_needs_a_hidden_layer():
    with pytest.raises(ValueError, match="needs a hidden layer"):
        Network([5, 2], "relu", "identity", np.float64, skip=True)


def test_importances_count_the_skip_as_a_direct_path():
    coefs = [np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 2.0]]), np.array([[1.0], [0.5]])]
    theta = np.array([[0.0], [3.0], [1.0]])
    # Paths: feature 0 gives 1 * 1, feature 1 only 3 (the skip), feature 2 gives 2 * 0.5 + 1.
    np.testing.assert_allclose(feature_importances(coefs, theta), np.array([1, 3, 2]) / 6)
    float32 = [np.full((4, 4), 1e30, np.float32) for _ in range(3)]
    shares = feature_importances(float32, np.ones((4, 4), np.float32))
    np.testing.assert_allclose(shares, 0.25)  # the skip is negligible, and nothing overflows
