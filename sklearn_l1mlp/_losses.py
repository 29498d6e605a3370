"""Per-sample data losses and the gradient at the output layer.

Each loss is paired with the output activation that is its canonical link,
so that the gradient with respect to the output pre-activation ``z`` is
always ``f(z) - y``:

========================  ===================  ==========================================
loss                      output activation    per-sample loss ``l(y, p)``
========================  ===================  ==========================================
``"squared_error"``       identity             ``1/2 * sum_k (y_k - p_k)**2``
``"poisson"``             exp                  ``sum_k y_k log(y_k / p_k) - y_k + p_k``
``"log_loss"``            softmax              ``-sum_k y_k log p_k``
``"binary_log_loss"``     logistic             ``-sum_k y_k log p_k + (1-y_k) log(1-p_k)``
========================  ===================  ==========================================

The data term of a batch is the weighted mean ``(1/S) sum_i s_i l(y_i, p_i)``
with ``S = sum_i s_i``. Probabilities are clipped to ``[eps, 1 - eps]`` of
their dtype inside the logarithm, so a saturated output gives a large but
finite loss.
"""

import numpy as np
from scipy.special import xlogy

LOSS_OF_OUTPUT = {
    "identity": "squared_error",
    "exp": "poisson",
    "softmax": "log_loss",
    "logistic": "binary_log_loss",
}


def _clipped(P):
    # Two ufunc calls: np.clip's own overhead is most of its cost on a batch.
    eps = np.finfo(P.dtype).eps
    return np.minimum(np.maximum(P, eps), 1 - eps)


def _squared_error(Y, P):
    residual = Y - P
    return 0.5 * np.einsum("ij,ij->i", residual, residual)


def _poisson(Y, P):
    return (xlogy(Y, Y / P) - Y + P).sum(axis=1)


def _log_loss(Y, P):
    # Y is one-hot: the loss is -log of the true class's probability, which
    # a boolean Y picks out directly (one entry per row, in row order).
    true_class = P[Y] if Y.dtype == bool else None
    if true_class is None or true_class.shape[0] != P.shape[0]:
        true_class = np.einsum("ij,ij->i", P, Y.astype(P.dtype, copy=False))
    return -np.log(_clipped(true_class))


def _binary_log_loss(Y, P):
    # Y is 0/1: each output's loss is -log of the probability of its label.
    of_label = np.where(Y.astype(bool, copy=False), P, 1 - P)
    return -np.log(_clipped(of_label)).sum(axis=1)


_PER_SAMPLE = {
    "squared_error": _squared_error,
    "poisson": _poisson,
    "log_loss": _log_loss,
    "binary_log_loss": _binary_log_loss,
}


def data_loss(loss, Y, P, sample_weight=None):
    """Weighted mean of the per-sample loss: ``(1/S) sum_i s_i l(y_i, p_i)``.

    Parameters
    ----------
    loss : {"squared_error", "poisson", "log_loss", "binary_log_loss"}
        The loss, see the module docstring for its formula.
    Y : ndarray of shape (n_samples, n_outputs)
        Targets (indicator matrix for classification).
    P : ndarray of shape (n_samples, n_outputs)
        Output-layer activations.
    sample_weight : ndarray of shape (n_samples,) or None
        The weights ``s_i``; ``None`` means all ones. A batch whose weights
        sum to zero has a data term of zero.

    For the log-losses ``Y`` is an indicator matrix (bool or 0/1), as the
    classifier's label binarizer makes it.

    Returns
    -------
    value : float
    """
    per_sample = _PER_SAMPLE[loss](Y, P)
    if sample_weight is None:
        # The sum over the count: the mean, without np.mean's overhead.
        return float(per_sample.sum()) / per_sample.shape[0]
    total = sample_weight.sum()
    if total == 0:
        return 0.0
    return float(per_sample @ sample_weight / total)


def output_delta(Y, P, sample_weight=None, out=None):
    """Gradient of the data term with respect to the output pre-activation.

    For every canonical (loss, output activation) pair this is
    ``dJ/dz_i = s_i / S * (p_i - y_i)``.

    Parameters
    ----------
    Y, P : ndarray of shape (n_samples, n_outputs)
        Targets and output activations.
    sample_weight : ndarray of shape (n_samples,) or None
        The weights ``s_i``; ``None`` means all ones.
    out : ndarray of shape (n_samples, n_outputs), optional
        Where to write the result (may be ``P`` itself).

    Returns
    -------
    delta : ndarray of shape (n_samples, n_outputs)
    """
    delta = np.subtract(P, Y, out=out)
    if sample_weight is None:
        delta /= P.shape[0]
    else:
        total = sample_weight.sum()
        scale = sample_weight / total if total > 0 else np.zeros_like(sample_weight)
        delta *= scale.astype(delta.dtype, copy=False)[:, None]
    return delta
