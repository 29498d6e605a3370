"""Activations: values, derivatives through the activation, stability."""

import warnings

import numpy as np
import pytest

from sklearn_l1mlp._activations import HIDDEN_ACTIVATIONS, activate, multiply_by_derivative

REFERENCE = {
    "identity": lambda z: z,
    "logistic": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
    "exp": np.exp,
    "softmax": lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True),
}


@pytest.mark.parametrize("name", list(REFERENCE))
def test_activation_matches_formula_and_works_in_place(name, rng):
    Z = rng.normal(size=(7, 4))
    expected = REFERENCE[name](Z)
    buffer = Z.copy()
    result = activate(name, buffer)
    assert result is buffer
    np.testing.assert_allclose(result, expected, rtol=1e-12)


@pytest.mark.parametrize("name", HIDDEN_ACTIVATIONS)
def test_derivative_matches_finite_difference(name, rng):
    # Keep away from relu's kink at 0, where the finite difference is undefined.
    Z = rng.normal(size=(6, 5))
    Z[np.abs(Z) < 1e-3] = 0.5
    h = 1e-6
    numeric = (REFERENCE[name](Z + h) - REFERENCE[name](Z - h)) / (2 * h)
    upstream = rng.normal(size=Z.shape)
    delta = multiply_by_derivative(name, activate(name, Z.copy()), upstream.copy())
    np.testing.assert_allclose(delta, upstream * numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", ["logistic", "softmax", "tanh"])
def test_saturating_activations_stay_finite_on_huge_inputs(name):
    Z = np.array([[-1e6, 0.0, 1e6], [1e308, -1e308, 3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings either
        A = activate(name, Z.copy())
    assert np.isfinite(A).all()
    if name == "softmax":
        np.testing.assert_allclose(A.sum(axis=1), 1.0)


@pytest.mark.parametrize("name", list(REFERENCE))
def test_bias_is_added_before_the_activation(name, rng):
    Z = rng.normal(size=(9, 5))
    bias = rng.normal(size=5)
    expected = REFERENCE[name](Z + bias)
    np.testing.assert_allclose(activate(name, Z.copy(), bias), expected, rtol=1e-12)


def _row_shifted_softmax(Z):
    shifted = np.exp(Z - Z.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


@pytest.mark.parametrize(
    ("dtype", "gap", "rtol"),
    [
        # One shift for the batch: rows far below the batch's maximum.
        (np.float64, 300.0, 1e-12),
        (np.float32, 40.0, 2e-5),
        # Beyond half the exponent range: each row shifted by its own maximum,
        # else the low row's exp() would underflow to 0 / 0.
        (np.float64, 1000.0, 1e-12),
        (np.float32, 100.0, 2e-5),
    ],
)
def test_softmax_is_accurate_for_rows_far_below_the_batch_maximum(dtype, gap, rtol, rng):
    Z = rng.normal(size=(6, 4))
    Z[::2] -= gap
    A = activate("softmax", Z.astype(dtype))
    assert A.dtype == dtype
    np.testing.assert_allclose(A, _row_shifted_softmax(Z), rtol=rtol)
