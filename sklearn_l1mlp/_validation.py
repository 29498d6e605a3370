"""Helpers that both the plain and the CV estimators use: weights, transactions, indexing.

They live here, not in either estimator module, so that only public names
cross a module boundary.
"""

import functools
from collections.abc import Set
from numbers import Real

import numpy as np
from sklearn.utils import _safe_indexing, check_array


def transactional(method):
    """Run ``method`` so that an exception leaves the estimator as it was.

    Training works on copies and replaces attributes only when it succeeds,
    so restoring the attribute dictionary as it was on entry undoes any
    partial change: a failed ``fit`` or ``partial_fit`` loses nothing.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        saved = dict(self.__dict__)
        try:
            return method(self, *args, **kwargs)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise

    return wrapper


def check_sample_weight(sample_weight, X):
    """``sample_weight`` as a 1-D array of X's dtype, or None.

    Raises
    ------
    ValueError
        If the weights are not one per row of ``X``, are negative, or sum to
        zero; the message says what to pass.
    """
    if sample_weight is None:
        return None
    n_samples = X.shape[0]
    if isinstance(sample_weight, Real):
        return np.full(n_samples, sample_weight, dtype=X.dtype)
    sample_weight = check_array(
        sample_weight, ensure_2d=False, dtype=X.dtype, input_name="sample_weight"
    )
    if sample_weight.shape != (n_samples,):
        raise ValueError(
            f"sample_weight.shape == {sample_weight.shape}, expected ({n_samples},): "
            "give one weight per row of X."
        )
    if np.any(sample_weight < 0):
        raise ValueError("sample_weight has negative values; every weight must be >= 0.")
    if not sample_weight.sum() > 0:
        raise ValueError("sample_weight sums to zero: give at least one sample a positive weight.")
    return sample_weight


def take_rows(X, rows):
    """The rows ``rows`` of a DataFrame, sparse matrix or array (None stays None)."""
    return None if X is None else _safe_indexing(X, rows, axis=0)


def take_columns(X, columns):
    """The columns ``columns`` of a DataFrame, sparse matrix or array-like."""
    if hasattr(X, "tocsc") and X.format != "csc":
        # A CSC matrix takes columns in O(their entries); CSR would scan every row.
        X = X.tocsc()
    return _safe_indexing(X if hasattr(X, "shape") else np.asarray(X), columns, axis=1)


class RegistryNames(Set):
    """The names in registries, read at each check: what is registered later counts.

    For ``StrOptions`` in ``_parameter_constraints``, so that adding an
    ``l1_mode`` or an optimizer is one line in its registry and no estimator
    needs to change.

    Parameters
    ----------
    *registries : dict
        Name-to-class registries (``L1_MODES``, ``OPTIMIZERS``).
    extra : tuple of str
        Names valid besides the registered ones (``"lbfgs"``).
    where : callable or None
        ``where(cls) -> bool`` keeps only the registered classes it accepts.
    """

    def __init__(self, *registries, extra=(), where=None):
        self.registries = registries
        self.extra = tuple(extra)
        self.where = where

    @classmethod
    def _from_iterable(cls, names):
        # Set operations (``deprecated - options``) give plain sets.
        return set(names)

    def _names(self):
        names = list(self.extra)
        for registry in self.registries:
            names += [n for n, cls in registry.items() if self.where is None or self.where(cls)]
        return names

    def __contains__(self, name):
        return name in self._names()

    def __iter__(self):
        return iter(self._names())

    def __len__(self):
        return len(self._names())
