"""``show_versions``: what a bug report needs, and which path runs the loops."""

import platform
import sys
from importlib.metadata import PackageNotFoundError, version

from ._inplace import kernels_status

_DEPENDENCIES = ("numpy", "scipy", "scikit-learn", "joblib")
_OPTIONAL = ("pandas", "matplotlib", "dask-ml", "distributed", "lassonet", "torch")


def _installed(name):
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def show_versions():
    """Print the versions of Python, the dependencies and the optional extras.

    The last line says which path runs the per-weight loops: the compiled
    (Cython) loops, or NumPy and why (not built, or chosen with
    ``SKLEARN_L1MLP_NUMPY_ONLY``).

    Examples
    --------
    >>> import sklearn_l1mlp
    >>> sklearn_l1mlp.show_versions()  # doctest: +ELLIPSIS
    sklearn_l1mlp: ...
    """
    from . import __version__

    lines = [
        f"sklearn_l1mlp: {__version__}",
        f"python: {sys.version.split()[0]} ({platform.platform()})",
    ]
    lines += [f"{name}: {_installed(name)}" for name in _DEPENDENCIES]
    lines += [f"{name}: {_installed(name) or 'not installed'}" for name in _OPTIONAL]
    lines.append(f"per-weight loops: {kernels_status()}")
    print("\n".join(lines))
