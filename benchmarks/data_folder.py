"""The data sets of a benchmark's DATA_DIR: every ``.npz`` file in it, read one way.

``bench_real_data.py`` and ``bench_wide.py`` take a folder of public data
sets (``../shared/data``: ``X`` and ``y`` arrays per file, see its README).
Each runs on every ``.npz`` it finds there, not only on the four the README
lists, so that another collection's files (speech, mass spectra, more gene
expression) dropped into the folder are benchmarked the same way, with no
edit to the scripts.
"""

from pathlib import Path

import numpy as np
import scipy.sparse as sp

#: The files the folder's README lists, in the order the benchmarks print them.
KNOWN = ("mice_protein", "colon", "allaml", "basehock")
#: A matrix with fewer nonzero cells than this share is kept sparse (CSR):
#: word counts (basehock: 1.4%), not gene expression (colon: 58%).
SPARSE_BELOW = 0.1


def data_set_names(data_dir):
    """The data sets in ``data_dir``: the README's four that are there, then the rest by name.

    A missing one of the four is reported and skipped.
    """
    folder = Path(data_dir)
    names = []
    for name in KNOWN:
        if (folder / f"{name}.npz").exists():
            names.append(name)
        else:
            print(f"{folder / name}.npz not found: skipping {name}.")
    others = sorted(path.stem for path in folder.glob("*.npz") if path.stem not in KNOWN)
    return names + others


def data_set_shape(data_dir, name):
    """``X``'s shape in ``data_dir/name.npz``, read without converting or filling it."""
    X = np.load(Path(data_dir) / f"{name}.npz", allow_pickle=True)["X"]
    return (X.item() if X.dtype == object and X.ndim == 0 else X).shape


def load_data_set(data_dir, name):
    """``(X, y)`` of ``data_dir/name.npz``: ``X`` in float64, ``y`` as it is stored (1-d).

    ``X`` is CSR when it was stored sparse or fewer than ``SPARSE_BELOW`` of
    its cells are nonzero.
    Missing cells (NaN), which none of the estimators compared takes, are
    filled with their column's mean over the rows that have it, as the
    folder's README says was done for the mouse-protein set, with a note.
    """
    data = np.load(Path(data_dir) / f"{name}.npz", allow_pickle=True)
    X, y = data["X"], np.asarray(data["y"])
    if X.dtype == object and X.ndim == 0:  # a SciPy matrix, pickled by np.savez
        X = X.item()
    if y.ndim == 2 and y.shape[1] == 1:  # labels stored as a column (MATLAB's habit)
        y = y.ravel()
    if sp.issparse(X):
        X = sp.csr_matrix(X, dtype=np.float64)
        if np.isnan(X.data).any():
            raise ValueError(f"{name}: a sparse X with missing cells; store it dense.")
        return X, y
    X = np.asarray(X, dtype=np.float64)
    missing = np.isnan(X)
    if missing.any():
        print(f"{name}: {missing.sum()} missing cells filled with their column's mean.")
        # An all-missing column becomes constant (0), which the estimators set aside.
        means = np.nanmean(np.where(missing.all(axis=0), 0.0, X), axis=0)
        X = np.where(missing, means, X)
    if np.count_nonzero(X) < SPARSE_BELOW * X.size:
        X = sp.csr_matrix(X)
    return X, y
