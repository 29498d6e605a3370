"""Activation functions and their derivatives, applied in place.

Every function overwrites its argument, so the forward and backward passes
reuse one buffer per layer instead of allocating a new array per call. The
derivatives are written in terms of the *activation* ``A = f(Z)`` (not ``Z``),
which is what the forward pass keeps.
"""

import numpy as np
from scipy.special import expit

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
    # Subtracting the row maximum keeps exp() finite for any logits; a gap
    # beyond the float range becomes -inf, whose exp() is the right 0.
    with np.errstate(over="ignore"):
        Z -= Z.max(axis=1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=1, keepdims=True)
    return Z


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


def activate(name, Z):
    """Apply activation ``name`` to ``Z`` in place and return ``Z``.

    Parameters
    ----------
    name : {"identity", "logistic", "tanh", "relu", "softmax", "exp"}
        ``identity(z) = z``, ``logistic(z) = 1 / (1 + exp(-z))``,
        ``tanh(z)``, ``relu(z) = max(z, 0)``,
        ``softmax(z)_k = exp(z_k) / sum_j exp(z_j)`` (row-wise), ``exp(z)``.
    Z : ndarray of shape (n_samples, n_units)
        Pre-activations; overwritten with the activations.

    Returns
    -------
    A : ndarray
        ``Z`` itself, now holding ``f(Z)``.
    """
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
    # Multiplying by the mask is twice as fast as assigning through it.
    return np.multiply(delta, A > 0, out=delta)


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
