"""Column standardization for the CV estimators, and folding it back into a network.

An L1 penalty charges every weight the same price, so a column's units
decide how much the network must pay to use it: a feature measured in
millimetres needs weights a thousand times those of the same feature in
metres. The CV estimators therefore standardize columns inside ``fit``
(glmnet's ``standardize=TRUE``) and fold the scaling back into the final
network's first layer, so that everything they report speaks of the user's
own columns.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass
class ColumnScaling:
    """How the columns of one training set are scaled.

    ``(X[:, kept] - offset) / scale`` is what the network sees; ``kept`` are
    the columns that vary on the training rows (a constant column carries no
    information and is never selected).

    Attributes
    ----------
    kept : ndarray of int
        The columns that vary on the training rows.
    offset : ndarray of shape (len(kept),)
        The columns' weighted means (zeros for sparse input, which is scaled
        without centering so that it stays sparse).
    scale : ndarray of shape (len(kept),)
        The columns' weighted standard deviations (root mean squares for
        sparse input).
    """

    kept: np.ndarray
    offset: np.ndarray
    scale: np.ndarray

    def transform(self, X):
        """The kept columns of ``X``, centred and scaled; sparse input stays sparse.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        X_scaled : {ndarray, sparse matrix} of shape (n_samples, len(kept))
        """
        if sp.issparse(X):
            columns = X.tocsc()[:, self.kept]
            return (columns @ sp.diags(1.0 / self.scale).astype(X.dtype)).tocsr()
        return (X[:, self.kept] - self.offset) / self.scale


def column_scaling(X, sample_weight=None, standardize=True):
    """The ``ColumnScaling`` of training set ``X``.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    sample_weight : ndarray of shape (n_samples,) or None
        Weights of the rows in the means and deviations.
    standardize : bool
        False: keep every varying column as it is (offset 0, scale 1).

    Returns
    -------
    scaling : ColumnScaling
    """
    weights = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, float)
    weights = weights / weights.sum()
    if sp.issparse(X):
        X = X.tocsc()
        mean, variance = _sparse_mean_variance(X, weights)
        offset = np.zeros_like(mean)
        scale = np.sqrt(variance + mean**2)  # the root mean square
    else:
        mean = weights @ X
        variance = weights @ (X - mean) ** 2
        offset = mean
        scale = np.sqrt(variance)
    # Relative to the column's magnitude, so that a column of one repeated
    # large value (whose variance is only rounding error) counts as constant.
    magnitude = np.maximum(np.abs(mean), np.sqrt(variance))
    kept = np.flatnonzero(np.sqrt(variance) > 1e-10 * np.maximum(magnitude, 1e-300))
    dtype = X.dtype
    if not standardize:
        return ColumnScaling(kept, np.zeros(kept.size, dtype), np.ones(kept.size, dtype))
    return ColumnScaling(kept, offset[kept].astype(dtype), scale[kept].astype(dtype))


def _sparse_mean_variance(X, weights):
    """Each column's weighted mean and variance, in two passes over the stored values.

    ``E[x**2] - E[x]**2`` loses the variance of a column of one repeated
    value to rounding (about ``1e-8`` of its mean: above the threshold that
    calls a column constant), so the deviations from the mean are summed
    instead, the implicit zeros' share counted apart: a column stored on
    every row has none, exactly. The same decision as for dense input.

    Parameters
    ----------
    X : sparse matrix in CSC format
    weights : ndarray of shape (n_samples,), summing to 1

    Returns
    -------
    mean, variance : ndarray of shape (n_features,)
    """
    if not X.has_canonical_format:  # duplicate entries would count a row twice
        X = X.copy()
        X.sum_duplicates()
    n_features = X.shape[1]
    stored = np.diff(X.indptr)
    columns = np.repeat(np.arange(n_features), stored)
    row_weights = weights[X.indices]
    data = X.data.astype(np.float64, copy=False)
    mean = np.bincount(columns, row_weights * data, minlength=n_features)
    squares = row_weights * (data - mean[columns]) ** 2
    deviations = np.bincount(columns, squares, minlength=n_features)
    stored_weight = np.bincount(columns, row_weights, minlength=n_features)
    zeros_weight = np.where(stored == X.shape[0], 0.0, np.maximum(1.0 - stored_weight, 0.0))
    return mean, deviations + zeros_weight * mean**2


def fold_into_first_layer(coefs, intercepts, scaling, columns, skip_coef=None):
    """Weights that take raw columns to the same outputs as ``coefs`` take scaled ones.

    With ``z = (x - offset) / scale``, ``z @ W1 + b1 = x @ (W1 / scale) +
    (b1 - (offset / scale) @ W1)``; a zero row stays zero. A linear skip
    ``theta`` is folded the same way, its offset into the output bias.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        A network trained on ``scaling.transform(X)[:, columns]``.
    scaling : ColumnScaling
    columns : ndarray of int
        Positions in ``scaling.kept`` of the network's input columns.
    skip_coef : ndarray of shape (n_columns, n_outputs) or None
        The network's linear skip.

    Returns
    -------
    coefs, intercepts : list of ndarray
        New lists; the first layer's matrix and bias are new arrays (and the
        output bias, with a skip).
    skip_coef : ndarray or None
        The skip for raw columns (a new array), or None.
    """
    first = coefs[0]
    offset = scaling.offset[columns].astype(first.dtype)
    scale = scaling.scale[columns].astype(first.dtype)
    raw_first = first / scale[:, None]
    intercepts = [intercepts[0] - offset @ raw_first, *intercepts[1:]]
    if skip_coef is not None:
        skip_coef = skip_coef / scale[:, None]
        intercepts[-1] = intercepts[-1] - offset @ skip_coef
    return [raw_first, *coefs[1:]], intercepts, skip_coef


def target_scaling(y, sample_weight=None):
    """The weighted mean and standard deviation of each target column.

    Parameters
    ----------
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None

    Returns
    -------
    offset, scale : ndarray of shape y.shape[1:]
        A constant target gets scale 1.
    """
    weights = np.ones(y.shape[0]) if sample_weight is None else np.asarray(sample_weight, float)
    weights = weights / weights.sum()
    offset = np.tensordot(weights, y, axes=1)
    scale = np.sqrt(np.tensordot(weights, (y - offset) ** 2, axes=1))
    # Relative to the mean, as for columns: a constant's deviation is rounding.
    varies = scale > 1e-10 * np.maximum(np.abs(offset), 1e-300)
    return offset, np.where(varies, scale, 1.0)


def fold_into_last_layer(coefs, intercepts, offset, scale, skip_coef=None):
    """Weights whose outputs are ``offset + scale * `` those of ``coefs`` (identity output).

    Parameters
    ----------
    coefs, intercepts : list of ndarray
    offset, scale : ndarray of shape (n_outputs,) or scalars
    skip_coef : ndarray of shape (n_features, n_outputs) or None
        The network's linear skip, which adds to the outputs too.

    Returns
    -------
    coefs, intercepts : list of ndarray
        New lists; the last layer's matrix and bias are new arrays.
    skip_coef : ndarray or None
        The skip times ``scale`` (a new array), or None.
    """
    dtype = coefs[-1].dtype
    scale = np.asarray(scale, dtype=dtype)
    last = coefs[-1] * scale
    bias = intercepts[-1] * scale + np.asarray(offset, dtype=dtype)
    if skip_coef is not None:
        skip_coef = skip_coef * scale
    return [*coefs[:-1], last], [*intercepts[:-1], bias], skip_coef
