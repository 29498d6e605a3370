"""In-place operations on whole parameter-sized arrays, in as few passes as possible.

The optimizers and penalties run these on every batch over every weight.
Where the compiled loops (``_kernels``, Cython, built by ``pip install``)
are there, each fused operation is one loop over arrays that are
C-contiguous, writable and all float32 or all float64, which is what
training hands it. The loops refuse any other arrays (they return False and
touch nothing), and those get the same numbers from NumPy in a few passes
(single BLAS calls and integer passes where the arrays allow it: NumPy's
``sign``, ``copysign`` and ``maximum`` with a scalar run element by element,
2-3x slower than its vectorized loops). The two agree to rounding; the tests
run both.

Where the loops were not built, NumPy does every step and the first fit says
so with one warning (``warn_if_numpy_only``); ``sklearn_l1mlp.show_versions()``
tells which path is in use. Setting the environment variable
``SKLEARN_L1MLP_NUMPY_ONLY=1`` before the import chooses NumPy quietly.
"""

import importlib
import importlib.util
import os
import warnings

import numpy as np
from scipy.linalg import blas


def _cpu_has_avx2_and_fma():
    """Whether this CPU runs the AVX2 + FMA build of the loops (NumPy's own CPU probe).

    NumPy 2 keeps the probe in ``numpy._core``, 1.x in ``numpy.core``; where
    neither has it, the build for any CPU is the safe choice.
    """
    for name in ("numpy._core._multiarray_umath", "numpy.core._multiarray_umath"):
        if importlib.util.find_spec(name.rsplit(".", 1)[0]) is not None:
            features = getattr(importlib.import_module(name), "__cpu_features__", None)
            if features is not None:
                return all(features.get(flag, False) for flag in ("AVX", "AVX2", "FMA3"))
    return False


def _load_kernels():
    """The compiled loops the CPU runs, and None or why NumPy runs instead."""
    wide = f"{__package__}._kernels_avx2"
    if _cpu_has_avx2_and_fma() and importlib.util.find_spec(wide) is not None:
        return importlib.import_module(wide), None
    if importlib.util.find_spec(f"{__package__}._kernels") is None:
        return None, "are not built"
    try:
        return importlib.import_module(f"{__package__}._kernels"), None
    except ImportError as error:  # built, but not for this Python or platform
        return None, f"do not load ({error})"


_kernels, _WHY_NOT = _load_kernels()
_CHOSEN = "are turned off by SKLEARN_L1MLP_NUMPY_ONLY"
if os.environ.get("SKLEARN_L1MLP_NUMPY_ONLY", "0") not in ("", "0"):
    _kernels = None
    _WHY_NOT = _CHOSEN
_warned = False


def kernels_in_use():
    """Whether the compiled loops run (True) or NumPy does every step (False)."""
    return _kernels is not None


def kernels_status():
    """One line: which path runs the per-weight loops, and why NumPy if it does."""
    if _kernels is not None:
        return f"compiled (Cython) loops: {_kernels.__name__.rsplit('.', 1)[-1]}"
    return f"NumPy: the compiled loops {_WHY_NOT}"


def warn_if_numpy_only():
    """Warn once per process that the compiled loops were not built.

    Silent when they run, or when ``SKLEARN_L1MLP_NUMPY_ONLY`` chose NumPy.
    """
    global _warned
    if _kernels is not None or _warned or _WHY_NOT == _CHOSEN:
        return
    _warned = True
    warnings.warn(
        f"sklearn_l1mlp's compiled loops {_WHY_NOT}: training runs in NumPy, "
        "slower per epoch (the README's Speed section measures by how much). "
        "Reinstall with a C compiler present (pip install --force-reinstall --no-deps "
        "sklearn_l1mlp) to build them; sklearn_l1mlp.show_versions() tells which path "
        "is in use."
    )


def axpy(x, y, a):
    """``y += a * x`` in place, in one pass (BLAS axpy) where the arrays allow it."""
    if y.size == 0:
        # BLAS refuses empty vectors: a layer with no rows (a working set
        # of no columns) has nothing to add to.
        return y
    if x.dtype == y.dtype and x.dtype in (np.float32, np.float64) and y.flags.c_contiguous:
        routine = blas.daxpy if x.dtype == np.float64 else blas.saxpy
        result = routine(x, y, a=a)
        if result is y or np.shares_memory(result, y):
            return y
        y[...] = result
        return y
    y += a * x
    return y


def abs_sum(w):
    """``sum |w|``; for float64 in one BLAS pass (asum) with no temporary array."""
    if w.dtype == np.float64 and w.flags.c_contiguous and w.size:
        return float(blas.dasum(w))
    # float32: NumPy's pairwise sum is the more accurate one.
    return float(np.abs(w).sum())


#: The unsigned integer type of each float's width and its sign bit.
_SIGN_BITS = {
    np.dtype(np.float64): (np.uint64, np.uint64(1 << 63)),
    np.dtype(np.float32): (np.uint32, np.uint32(1 << 31)),
}


def _bit_views(*arrays):
    """Unsigned-integer views of same-dtype contiguous float arrays, and the sign bit.

    ``None`` when the arrays do not allow it: NumPy's float ufuncs do then.
    """
    unsigned, sign_bit = _SIGN_BITS.get(arrays[0].dtype, (None, None))
    if unsigned is None or any(
        a.dtype != arrays[0].dtype or not a.flags.c_contiguous for a in arrays
    ):
        return None
    return [a.view(unsigned) for a in arrays], sign_bit


def copy_sign(magnitude, source, out, spare):
    """``copysign(magnitude, source)`` into ``out``, for ``magnitude >= 0``.

    ORs in ``source``'s sign bit (``spare``, of the same dtype, takes the
    bits): NumPy's copysign is not vectorized. ``out`` may be ``source``.
    """
    views = _bit_views(magnitude, source, out, spare)
    if views is None:
        return np.copysign(magnitude, source, out=out)
    (magnitude_bits, source_bits, out_bits, spare_bits), sign_bit = views
    np.bitwise_and(source_bits, sign_bit, out=spare_bits)
    np.bitwise_or(magnitude_bits, spare_bits, out=out_bits)
    return out


def flip_signs(values, signs_of, out):
    """``values`` with the sign flipped where ``signs_of`` is negative (or -0.0).

    ``sign(signs_of) * values`` for nonzero ``signs_of``, by XOR of the sign
    bits rather than NumPy's sign and a product.
    """
    views = _bit_views(values, signs_of, out)
    if views is None:
        return np.multiply(values, np.copysign(1.0, signs_of), out=out)
    (values_bits, signs_bits, out_bits), sign_bit = views
    np.bitwise_and(signs_bits, sign_bit, out=out_bits)
    np.bitwise_xor(out_bits, values_bits, out=out_bits)
    return out


def adam_update(params, grad, m, v, denominator, beta_1, beta_2, epsilon, step):
    """Adam's step in place: the moments, ``sqrt(v) + epsilon`` and the weights.

    ``m <- beta_1 m + (1 - beta_1) g``, ``v <- beta_2 v + (1 - beta_2) g**2``,
    ``denominator <- sqrt(v) + epsilon``, ``params -= step * m / denominator``.
    ``grad`` is spent: the NumPy passes write the update into it.
    """
    if _kernels is not None and _kernels.adam(
        params, grad, m, v, denominator, beta_1, beta_2, epsilon, step
    ):
        return
    # Nine passes: scaling then BLAS axpy (y += a*x) fuses each "decay, then
    # add a multiple" into two.
    m *= beta_1
    axpy(grad, m, 1 - beta_1)
    v *= beta_2
    np.multiply(grad, grad, out=denominator)
    axpy(denominator, v, 1 - beta_2)
    np.sqrt(v, out=denominator)
    denominator += epsilon
    update = np.divide(m, denominator, out=grad)
    axpy(update, params, -step)


def soft_threshold(w, tau, work, numerator=None):
    """``w <- sign(w) * max(|w| - tau, 0)`` in place.

    ``tau`` is an array of ``w``'s shape and dtype, or, when ``numerator`` is
    given, the denominators ``d`` of ``tau = numerator / d`` (Adam's step
    sizes, divided as the loop goes). ``tau`` and ``work`` may be
    overwritten. In NumPy, ``|w| - min(|w|, tau)``, which is the same number:
    NumPy's minimum of two arrays is vectorized, its maximum with the scalar
    0 is not.
    """
    divide = numerator is not None
    if _kernels is not None and _kernels.soft_threshold(
        w, tau, numerator if divide else 1.0, divide
    ):
        return w
    if numerator is not None:
        tau = np.divide(numerator, tau, out=tau)
    magnitude = np.abs(w, out=work)
    clipped = np.minimum(magnitude, tau, out=tau)
    magnitude -= clipped
    return copy_sign(magnitude, w, out=w, spare=clipped)


def cumulative_clip(w, total, received, work, spare, numerator=None, denominators=None):
    """The clipped cumulative penalty's step on ``w`` and its account ``received``.

    With ``s = sign(w)`` and ``c = total + s * received``::

        w_new = s * min(|w| - min(|w|, c), |w|)      (= s * max(|w| - c, 0) for c >= 0)
        received <- (received - w) + w_new

    ``total`` is a scalar or an array like ``w``; with ``numerator`` and
    ``denominators`` (an array like ``w``, overwritten), first
    ``total += numerator / denominators``, in place (``total`` is then an
    array). ``work`` and ``spare`` are free arrays like ``w``. At ``w = 0``
    the sign bit stands in for ``s``, which changes nothing:
    ``|received| <= total``, so ``c >= 0``, and the cap at ``|w|`` keeps a zero
    weight at zero where rounding leaves ``c`` a hair below 0.
    """
    if _kernels is not None:
        shared = np.array([total], dtype=w.dtype) if np.ndim(total) == 0 else total
        if _kernels.cumulative(w, shared, received, denominators, numerator or 0.0):
            return w
    if denominators is not None:
        total += np.divide(numerator, denominators, out=denominators)
    magnitude = np.abs(w, out=work)
    threshold = flip_signs(received, w, out=spare)
    threshold += total
    np.minimum(magnitude, threshold, out=threshold)
    shrunk = np.subtract(magnitude, threshold, out=threshold)
    np.minimum(shrunk, magnitude, out=shrunk)
    copy_sign(shrunk, w, out=shrunk, spare=magnitude)
    received -= w
    w[...] = shrunk
    received += w
    return w


def add_signs(target, w, scale, work=None):
    """``target += scale * sign(w)`` in place (``sign(0) = 0``); ``target`` may be ``w``.

    ``work``, an array like ``w``, spares the NumPy passes an allocation.
    """
    if _kernels is not None and _kernels.add_signs(target, w, scale):
        return target
    return axpy(np.sign(w, out=work), target, scale)


def bias_relu(Z, bias):
    """``Z <- max(Z + bias, 0)`` in place: a relu layer's bias and activation.

    ``Z`` of shape (n_samples, n_units), ``bias`` of shape (n_units,).
    """
    if _kernels is not None and _kernels.bias_relu(Z, bias):
        return Z
    Z += bias
    return np.maximum(Z, 0, out=Z)


def relu_backward(delta, activation):
    """``delta <- delta`` where ``activation > 0``, else 0: relu's derivative, in place."""
    if _kernels is not None and _kernels.relu_backward(delta, activation):
        return delta
    # Multiplying by the mask is twice as fast as assigning through it.
    return np.multiply(delta, activation > 0, out=delta)


def csr_rows_product(data, indices, indptr, rows, W, out):
    """``out <- X[rows] @ W`` for the CSR matrix ``X = (data, indices, indptr)``, if the loops can.

    Returns whether it ran: the loops take 32-bit indices, ``intp`` rows and
    one float type for ``data``, ``W`` and ``out``; the caller runs SciPy
    otherwise (see ``_sparse_rows``).
    """
    return _kernels is not None and _kernels.csr_rows_product(data, indices, indptr, rows, W, out)


def csr_rows_gradient(data, indices, indptr, rows, delta, out):
    """``out <- X[rows].T @ delta`` for the CSR matrix ``X``, if the loops can (see above)."""
    return _kernels is not None and _kernels.csr_rows_gradient(
        data, indices, indptr, rows, delta, out
    )
