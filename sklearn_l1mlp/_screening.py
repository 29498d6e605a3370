"""Marginal, nonlinear association of each column with the target: for screening wide data.

A network whose first layer is zero in a column can only take that column up
through its linear correlation with the residual (see ``_path``), and on wide
data a dense network fits the training rows with noise columns before it
learns anything. A column's own association with the target, measured by
how well a step function of the column predicts it, is cheap, sees ``x**2``
and ``|x|`` as well as ``x``, and does not depend on the other columns. It is
the nonparametric independence screening of Fan, Feng & Song (2011) with a
piecewise-constant basis: the CV estimators keep the most associated columns
of a wide training set (``screen``) before its path, so that the dense end
of the path, where every column is paid for, is not the whole matrix.

Each column is cut at its quantiles into ``n_bins`` bins (ties share a bin;
in a sparse column the zeros are a bin of their own and the stored values
are cut at their quantiles). With ``N_bc`` the (weighted) rows of bin ``b``
and class ``c``:

- classification: Pearson's statistic ``X2 = sum (N_bc - E_bc)**2 / E_bc``
  with ``E_bc = N_b N_c / n``, ``(B - 1)(K - 1)`` degrees of freedom for
  ``B`` occupied bins and ``K`` classes; strength ``X2 / (n (K - 1))``
  (Cramér's V squared);
- regression: ``R**2`` of the bin means, strength ``R**2`` (averaged over
  outputs), statistic ``n R**2`` with ``B - 1`` degrees of freedom per output.

Columns are ranked by the statistic's chi-square p-value, so a column with
many ties (fewer occupied bins) is not ranked by a larger-looking strength.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.stats import chi2, rankdata

#: Columns per block of a dense matrix, so the bin indices never take more
#: memory than a slice of ``X``.
_BLOCK = 1024


@dataclass
class MarginalAssociation:
    """Each column's marginal association with the target.

    Attributes
    ----------
    strength : ndarray of shape (n_features,)
        Cramér's V squared (classification) or the bin means' ``R**2``
        (regression), in [0, 1].
    log_pvalue : ndarray of shape (n_features,)
        Natural log of the chi-square p-value of no association (0 for a
        column with one occupied bin).
    """

    strength: np.ndarray
    log_pvalue: np.ndarray

    def strongest(self, n_columns):
        """Indices of the ``n_columns`` most significant columns, in column order.

        Ties in the p-value (both underflow to 0 for strong columns) are
        broken by the larger strength.
        """
        return np.sort(self.ranking()[:n_columns])

    def ranking(self):
        """Every column's index, the most significant first (ties: the larger strength)."""
        return np.lexsort((-self.strength, self.log_pvalue))


def marginal_association(X, y, *, classification, n_bins=5, sample_weight=None):
    """Each column's association with ``y`` through a step function of it.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        Class labels (or a label-indicator matrix, each distinct row a
        class) when ``classification``, else numeric targets.
    classification : bool
    n_bins : int
        Quantile bins per column (at most; ties merge bins).
    sample_weight : ndarray of shape (n_samples,) or None

    Returns
    -------
    association : MarginalAssociation

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_l1mlp import marginal_association
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(300, 50))
    >>> y = X[:, 3] ** 2 + 0.1 * rng.normal(size=300)
    >>> marginal_association(X, y, classification=False).strongest(1)
    array([3])
    """
    n_samples = X.shape[0]
    weights = np.ones(n_samples) if sample_weight is None else np.asarray(sample_weight, float)
    finite = np.all(np.isfinite(weights)) and np.all(weights >= 0)
    if weights.shape != (n_samples,) or not finite or not weights.sum() > 0:
        raise ValueError(
            f"sample_weight must hold {n_samples} finite values >= 0, not all 0; "
            "pass one weight per row of X."
        )
    weights = weights * (n_samples / weights.sum())
    if classification:
        # A label-indicator matrix: each distinct row of labels is a class.
        y = np.asarray(y)
        _, labels = np.unique(y, axis=0 if y.ndim == 2 else None, return_inverse=True)
        targets = np.eye(labels.max() + 1)[labels.ravel()]
    else:
        targets = np.asarray(y, dtype=float).reshape(n_samples, -1)
    # sums[j, b, t]: weighted sum of target column t over the rows in bin b
    # of column j; the last target column is the rows' weight itself.
    weighted = np.column_stack([targets * weights[:, None], weights])
    if sp.issparse(X):
        sums = _sparse_bin_sums(sp.csc_matrix(X), weighted, n_bins)
    else:
        X = np.asarray(X)
        sums = np.concatenate(
            [
                _dense_bin_sums(X[:, start : start + _BLOCK], weighted, n_bins)
                for start in range(0, X.shape[1], _BLOCK)
            ]
        )
    counts, sums = sums[:, :, -1], sums[:, :, :-1]
    # A sparse column's zero bin is a difference of sums: empty up to rounding.
    present = counts > 1e-9 * n_samples
    occupied = present.sum(axis=1)
    safe_counts = np.where(present, counts, 1.0)
    if classification:
        n_classes = targets.shape[1]
        class_totals = weighted[:, :-1].sum(axis=0)
        expected = counts[:, :, None] * class_totals / n_samples
        safe_expected = np.where(expected > 0, expected, 1.0)
        statistic = np.maximum((sums**2 / safe_expected).sum(axis=(1, 2)) - n_samples, 0.0)
        dof = (occupied - 1) * max(n_classes - 1, 1)
        strength = statistic / (n_samples * max(n_classes - 1, 1))
    else:
        means = weighted[:, :-1].sum(axis=0) / n_samples
        total = (weights[:, None] * (targets - means) ** 2).sum(axis=0)
        between = (sums**2 / safe_counts[:, :, None]).sum(axis=1) - n_samples * means**2
        r2 = np.clip(between / np.where(total > 0, total, 1.0), 0.0, 1.0)
        strength = r2.mean(axis=1)
        statistic = n_samples * r2.sum(axis=1)
        dof = (occupied - 1) * targets.shape[1]
    log_pvalue = np.zeros(X.shape[1])
    tested = dof > 0
    log_pvalue[tested] = chi2.logsf(statistic[tested], dof[tested])
    return MarginalAssociation(np.clip(strength, 0.0, 1.0), log_pvalue)


def _bin_sums(columns, bins, rows, weighted, n_columns, n_bins):
    """Sums of ``weighted[rows]`` per (column, bin): shape (n_columns, n_bins, n_targets)."""
    flat = columns * n_bins + bins
    size = n_columns * n_bins
    return np.stack(
        [
            np.bincount(flat, weights=weighted[rows, t], minlength=size)
            for t in range(weighted.shape[1])
        ],
        axis=-1,
    ).reshape(n_columns, n_bins, -1)


def _dense_bin_sums(block, weighted, n_bins):
    n_samples, n_columns = block.shape
    # "min" ranks put tied rows in one bin: a column of few values gets few bins.
    ranks = rankdata(block, method="min", axis=0).astype(np.intp) - 1
    bins = ranks * n_bins // n_samples
    columns = np.broadcast_to(np.arange(n_columns), block.shape)
    rows = np.broadcast_to(np.arange(n_samples)[:, None], block.shape)
    return _bin_sums(columns.ravel(), bins.ravel(), rows.ravel(), weighted, n_columns, n_bins)


def _sparse_bin_sums(X, weighted, n_bins):
    """Bin 0 holds a column's implicit zeros; its stored values fill bins 1 to n_bins - 1."""
    n_columns = X.shape[1]
    stored = np.diff(X.indptr)
    columns = np.repeat(np.arange(n_columns), stored)
    order = np.lexsort((X.data, columns))
    columns, values, rows = columns[order], X.data[order], X.indices[order]
    position = np.arange(values.size)
    new_run = np.ones(values.size, dtype=bool)
    new_run[1:] = (columns[1:] != columns[:-1]) | (values[1:] != values[:-1])
    # Tied values take the position of their run's first entry.
    run_start = np.maximum.accumulate(np.where(new_run, position, 0))
    within = run_start - X.indptr[columns]
    bins = 1 + within * (n_bins - 1) // stored[columns]
    sums = _bin_sums(columns, bins, rows, weighted, n_columns, n_bins)
    sums[:, 0, :] = weighted.sum(axis=0) - sums[:, 1:, :].sum(axis=1)
    return sums
