"""Losses: values against scikit-learn's metrics, weights, the output gradient."""

import numpy as np
import pytest
from sklearn.metrics import log_loss, mean_poisson_deviance, mean_squared_error

from sklearn_l1mlp._activations import activate
from sklearn_l1mlp._losses import LOSS_OF_OUTPUT, data_loss, output_delta


def test_log_loss_matches_sklearn_metric(rng):
    P = activate("softmax", rng.normal(size=(20, 3)))
    labels = rng.randint(0, 3, size=20)
    Y = np.eye(3)[labels]
    weights = rng.uniform(0.1, 2, size=20)
    expected = log_loss(labels, P, sample_weight=weights, labels=[0, 1, 2])
    assert data_loss("log_loss", Y, P, weights) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
def test_log_loss_reads_a_boolean_indicator_like_a_float_one(weighted, rng):
    # The classifier passes bool targets, whose true class is picked by mask.
    P = activate("softmax", rng.normal(size=(25, 4)))
    Y = np.eye(4, dtype=bool)[rng.randint(0, 4, size=25)]
    weights = rng.uniform(0.1, 2, size=25) if weighted else None
    assert data_loss("log_loss", Y, P, weights) == pytest.approx(
        data_loss("log_loss", Y.astype(float), P, weights), rel=1e-14
    )


def test_binary_log_loss_matches_sklearn_metric(rng):
    p = activate("logistic", rng.normal(size=(30, 1)))
    labels = rng.randint(0, 2, size=30)
    expected = log_loss(labels, np.hstack([1 - p, p]))
    assert data_loss("binary_log_loss", labels[:, None].astype(float), p) == pytest.approx(
        expected, rel=1e-12
    )


def test_squared_error_is_half_the_sum_over_outputs(rng):
    # The MultiTaskLasso convention: n_outputs times scikit-learn's MLP loss.
    Y, P = rng.normal(size=(25, 3)), rng.normal(size=(25, 3))
    expected = 0.5 * 3 * mean_squared_error(Y, P)
    assert data_loss("squared_error", Y, P) == pytest.approx(expected, rel=1e-12)


def test_poisson_is_half_the_deviance(rng):
    y = rng.poisson(2.0, size=(40, 1)).astype(float)
    p = np.exp(rng.normal(size=(40, 1)))
    expected = 0.5 * mean_poisson_deviance(y.ravel(), p.ravel())
    assert data_loss("poisson", y, p) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("loss", sorted(LOSS_OF_OUTPUT.values()))
def test_integer_weights_equal_repeated_rows(loss, rng):
    output = {v: k for k, v in LOSS_OF_OUTPUT.items()}[loss]
    P = activate(output, rng.normal(size=(10, 2)))
    Y = rng.randint(0, 2, size=(10, 2)).astype(float)
    if output == "softmax":
        Y = np.eye(2)[Y[:, 0].astype(int)]
    weights = rng.randint(0, 4, size=10)
    weights[0] = 1
    repeated = data_loss(loss, np.repeat(Y, weights, axis=0), np.repeat(P, weights, axis=0))
    assert data_loss(loss, Y, P, weights.astype(float)) == pytest.approx(repeated, rel=1e-12)


def test_output_delta_is_weighted_residual(rng):
    Y, P = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    weights = np.array([1.0, 0.0, 2.0, 3.0, 4.0])
    expected = (P - Y) * (weights / weights.sum())[:, None]
    np.testing.assert_allclose(output_delta(Y, P, weights), expected)
    np.testing.assert_allclose(output_delta(Y, P), (P - Y) / 5)


def test_saturated_probabilities_give_finite_loss():
    P = np.array([[0.0, 1.0], [1.0, 0.0]])
    Y = np.array([[1.0, 0.0], [1.0, 0.0]])
    value = data_loss("log_loss", Y, P)
    assert np.isfinite(value) and value > 10
