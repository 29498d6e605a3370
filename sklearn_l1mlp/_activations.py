"""Activation functions and their derivatives, applied in place.

Every function overwrites its argument, so the forward and backward passes
reuse one buffer per layer instead of allocating a new array per call. The
derivatives are written in terms of the *activation* ``A = f(Z)`` (not ``Z``),
which is what the forward pass keeps.
"""

import numpy as np
from scipy.special import expit

from ._inplace import bias_relu, relu_backward

HIDDEN_ACTIVATIONS = ("identity", "logistic", "tanh", "relu")


def _identity(Z):
    return Z


def _logistic(Z):
    # expit never overflows, unlike 1 / (1 + exp(-Z)) for very negative Z.
    return expit(Z, out=Z)


def _tanh(Z):
    return np.tanh(Z, out=Z)


def _relu(Z):
    return np.maximum(Z, 0, out=Z)


def _softmax(Z):
    # Softmax is unchanged by a shift of a row, and one shift for the whole
    # batch (its maximum) costs a fraction of one per row. It is exact enough
    # while no entry falls more than half the exponent range below the
    # batch's maximum: every exp() is then a normal number. Otherwise each
    # row is shifted by its own maximum, which keeps exp() finite for any
    # logits (a gap beyond the float range becomes -inf, whose exp() is 0).
    # Python floats: their difference may overflow to inf without a warning.
    top = float(Z.max())
    if top - float(Z.min()) <= _SAFE_SHIFT.get(Z.dtype, -np.inf):
        Z -= top
    else:
        with np.errstate(over="ignore"):
            Z -= Z.max(axis=1, keepdims=True)
    np.exp(Z, out=Z)
    # Row sums as a product with ones: faster than sum(axis=1).
    Z /= (Z @ np.ones(Z.shape[1], dtype=Z.dtype))[:, None]
    return Z


#: Half of -log(smallest normal number) per dtype: a shift below it keeps exp() normal.
_SAFE_SHIFT = {
    np.dtype(dtype): -0.5 * float(np.log(np.finfo(dtype).tiny))
    for dtype in (np.float32, np.float64)
}


def _exp(Z):
    return np.exp(Z, out=Z)


_FORWARD = {
    "identity": _identity,
    "logistic": _logistic,
    "tanh": _tanh,
    "relu": _relu,
    "softmax": _softmax,
    "exp": _exp,
}


def activate(name, Z, bias=None):
    """Add ``bias`` to each row of ``Z``, apply activation ``name``, in place; return ``Z``.

    Parameters
    ----------
    name : {"identity", "logistic", "tanh", "relu", "softmax", "exp"}
        ``identity(z) = z``, ``logistic(z) = 1 / (1 + exp(-z))``,
        ``tanh(z)``, ``relu(z) = max(z, 0)``,
        ``softmax(z)_k = exp(z_k) / sum_j exp(z_j)`` (row-wise), ``exp(z)``.
    Z : ndarray of shape (n_samples, n_units)
        Pre-activations (without the bias when ``bias`` is given);
        overwritten with the activations.
    bias : ndarray of shape (n_units,), optional
        Added to every row first (for relu, in the same pass).

    Returns
    -------
    A : ndarray
        ``Z`` itself, now holding ``f(Z + bias)``.
    """
    if bias is not None:
        if name == "relu":
            return bias_relu(Z, bias)
        Z += bias
    return _FORWARD[name](Z)


def _identity_derivative(A, delta):
    return delta


def _logistic_derivative(A, delta):
    # f'(z) = f(z) * (1 - f(z))
    delta *= A
    delta *= 1 - A
    return delta


def _tanh_derivative(A, delta):
    # f'(z) = 1 - f(z)**2
    delta *= 1 - A**2
    return delta


def _relu_derivative(A, delta):
    # f'(z) = 1 where z > 0, else 0 (the subgradient 0 is taken at z = 0).
    return relu_backward(delta, A)


_DERIVATIVE = {
    "identity": _identity_derivative,
    "logistic": _logistic_derivative,
    "tanh": _tanh_derivative,
    "relu": _relu_derivative,
}


def multiply_by_derivative(name, A, delta):
    """Multiply ``delta`` in place by ``f'(Z)``, written through ``A = f(Z)``.

    This is the chain-rule step of backpropagation through a hidden layer:
    ``dL/dZ = dL/dA * f'(Z)``.

    Parameters
    ----------
    name : {"identity", "logistic", "tanh", "relu"}
        The hidden activation.
    A : ndarray of shape (n_samples, n_units)
        The layer's activations from the forward pass.
    delta : ndarray of shape (n_samples, n_units)
        ``dL/dA`` on entry, ``dL/dZ`` on exit.

    Returns
    -------
    delta : ndarray
        The same array, overwritten.
    """
    return _DERIVATIVE[name](A, delta)
