"""Batches of sparse input, read in place: the first layer's two products on rows of a CSR matrix.

A training step on sparse input needs ``X[rows] @ W1`` (forward) and
``X[rows].T @ delta_1`` (the first layer's gradient). Through SciPy each
step slices the batch out of ``X``, transposes it and checks both: on
basehock's word counts about 200 us for the slice and 80 us for the
transpose of a 200-row batch, where the compiled loops take 50-200 us for
both products on 100-2,000 of its columns (32 hidden units). A
``SparseRows`` names the batch instead, the matrix and its row indices, and
the loops (``_inplace.csr_rows_product``, ``csr_rows_gradient``) read those
rows where they lie. Where they cannot run (not built, indices beyond 32
bits, a data type other than the network's), the batch is sliced once with
SciPy and the products run on the slice, as before.
"""

import numpy as np
import scipy.sparse as sp

from ._inplace import csr_rows_gradient, csr_rows_product


class SparseRows:
    """The rows ``rows`` of the CSR matrix ``matrix``, not copied.

    Parameters
    ----------
    matrix : scipy.sparse.csr_matrix or csr_array
    rows : ndarray of intp
        Indices of the batch's rows in ``matrix``; every one below
        ``matrix.shape[0]`` (the caller's promise: the loops do not check).

    Attributes
    ----------
    shape : tuple of int
        ``(len(rows), matrix.shape[1])``, as the batch's own shape.
    """

    def __init__(self, matrix, rows):
        self.matrix = matrix
        self.rows = rows
        self.shape = (rows.size, matrix.shape[1])
        self._slice = None

    def _sliced(self):
        if self._slice is None:
            self._slice = self.matrix[self.rows]
        return self._slice

    def product(self, W, out):
        """``out <- X[rows] @ W``."""
        X = self.matrix
        if not csr_rows_product(X.data, X.indices, X.indptr, self.rows, W, out):
            out[...] = self._sliced() @ W

    def gradient(self, delta, out):
        """``out <- X[rows].T @ delta``."""
        X = self.matrix
        if not csr_rows_gradient(X.data, X.indices, X.indptr, self.rows, delta, out):
            out[...] = self._sliced().T @ delta


def batch_reader(X):
    """A function ``rows -> batch`` for the training loop: ``X[rows]``, or lazily for CSR input.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)

    Returns
    -------
    take : callable
        ``take(rows)`` with ``rows`` an ndarray of intp or a slice. For a CSR matrix it
        returns a ``SparseRows``, which ``input_product`` and
        ``input_gradient`` read; else ``X[rows]``.
    """
    if sp.issparse(X) and X.format == "csr":
        if X.indices.dtype != np.int32 or X.indptr.dtype != np.int32:
            # One conversion per call, where it fits, so the loops can take it.
            if X.nnz < np.iinfo(np.int32).max and X.shape[1] < np.iinfo(np.int32).max:
                parts = (X.data, X.indices.astype(np.int32), X.indptr.astype(np.int32))
                X = sp.csr_matrix(parts, shape=X.shape, copy=False)
        in_turn = np.arange(X.shape[0])
        return lambda rows: SparseRows(X, in_turn[rows] if isinstance(rows, slice) else rows)
    return X.__getitem__


def input_product(X, W, out):
    """``out <- X @ W`` for a ``SparseRows`` batch or a sparse matrix."""
    if isinstance(X, SparseRows):
        X.product(W, out)
    else:
        out[...] = X @ W


def input_gradient(X, delta, out):
    """``out <- X.T @ delta`` for a ``SparseRows`` batch or a sparse matrix."""
    if isinstance(X, SparseRows):
        X.gradient(delta, out)
    else:
        out[...] = X.T @ delta
