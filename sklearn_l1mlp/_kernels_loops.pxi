# Fused per-weight loops for the optimizers and penalties.
#
# Each function does in one pass over the arrays what the NumPy code in
# ``_inplace.py`` does in several: Adam's update is nine NumPy passes, the
# soft-threshold five. The results are the same numbers up to rounding (a fused
# multiply-add may round once where NumPy rounds twice), which the tests check
# against the NumPy code.
#
# Each public function takes NumPy arrays and returns True when it ran, or
# False, having touched nothing, when the arrays are not all C-contiguous,
# writable, of one float type (float64 or float32: ``floating``) and of
# matching sizes; ``_inplace`` then runs NumPy. The check is a few C macros,
# so a call on a small batch costs what the old hand-written C module cost.
# Every loop runs without the GIL.
#
# This file is compiled twice: as ``_kernels`` for any CPU, and as
# ``_kernels_avx2`` for x86-64 CPUs with AVX2 and FMA, where the square roots,
# divisions and products run four float64 wide instead of two; ``_inplace``
# imports the one the CPU runs.

cimport numpy as cnp
from cython cimport floating
from libc.math cimport copysign, copysignf, fabs, fabsf, sqrt, sqrtf

cnp.import_array()


# The float versions of libm's functions for float32: going through double
# would halve the width of every vectorized loop.
cdef inline floating _sqrt(floating x) noexcept nogil:
    if floating is float:
        return sqrtf(x)
    else:
        return sqrt(x)


cdef inline floating _fabs(floating x) noexcept nogil:
    if floating is float:
        return fabsf(x)
    else:
        return fabs(x)


cdef inline floating _copysign(floating x, floating y) noexcept nogil:
    if floating is float:
        return copysignf(x, y)
    else:
        return copysign(x, y)


cdef int _type_of(object array, int type_num):
    """The array's float type (NPY_DOUBLE or NPY_FLOAT), or -1 if the loops cannot take it.

    ``type_num`` (-1: any float type) is the type it must have.
    """
    if not cnp.PyArray_Check(array):
        return -1
    cdef cnp.ndarray a = <cnp.ndarray>array
    cdef int found = cnp.PyArray_TYPE(a)
    if found != cnp.NPY_DOUBLE and found != cnp.NPY_FLOAT:
        return -1
    if type_num != -1 and found != type_num:
        return -1
    if not (cnp.PyArray_IS_C_CONTIGUOUS(a) and cnp.PyArray_ISWRITEABLE(a)):
        return -1
    return found


cdef int _common_type(tuple arrays, Py_ssize_t size):
    """The float type all ``arrays`` share, each with ``size`` entries, or -1."""
    cdef int type_num = -1
    for array in arrays:
        type_num = _type_of(array, type_num)
        if type_num == -1 or cnp.PyArray_SIZE(<cnp.ndarray>array) != size:
            return -1
    return type_num


cdef inline void* _data(object array):
    return cnp.PyArray_DATA(<cnp.ndarray>array)


cdef inline Py_ssize_t _size(object array):
    return cnp.PyArray_SIZE(<cnp.ndarray>array) if cnp.PyArray_Check(array) else -1


# ---- Adam --------------------------------------------------------------------

cdef void _adam(floating* w, floating* g, floating* m, floating* v, floating* denominator,
                Py_ssize_t n, floating beta_1, floating beta_2, floating epsilon,
                floating step) noexcept nogil:
    cdef Py_ssize_t i
    cdef floating keep_1 = 1 - beta_1, keep_2 = 1 - beta_2, gi, mi, vi, di
    for i in range(n):
        gi = g[i]
        mi = beta_1 * m[i] + keep_1 * gi
        vi = beta_2 * v[i] + keep_2 * (gi * gi)
        di = _sqrt(vi) + epsilon
        m[i] = mi
        v[i] = vi
        denominator[i] = di
        w[i] -= step * (mi / di)


def adam(w, g, m, v, denominator, double beta_1, double beta_2, double epsilon, double step):
    """Adam's step: the moments, ``denominator = sqrt(v) + epsilon`` and ``w``.

    Returns True when it ran, False when the loops cannot take the arrays.
    """
    cdef Py_ssize_t n = _size(w)
    cdef int type_num = _common_type((w, g, m, v, denominator), n)
    if type_num == -1:
        return False
    cdef void *pw = _data(w), *pg = _data(g), *pm = _data(m), *pv = _data(v)
    cdef void *pd = _data(denominator)
    with nogil:
        if type_num == cnp.NPY_DOUBLE:
            _adam(<double*>pw, <double*>pg, <double*>pm, <double*>pv, <double*>pd, n,
                  beta_1, beta_2, epsilon, step)
        else:
            _adam(<float*>pw, <float*>pg, <float*>pm, <float*>pv, <float*>pd, n,
                  <float>beta_1, <float>beta_2, <float>epsilon, <float>step)
    return True


# ---- soft-thresholding -------------------------------------------------------

cdef void _soft_threshold(floating* w, floating* steps, Py_ssize_t n, floating numerator,
                          bint divide) noexcept nogil:
    cdef Py_ssize_t i
    cdef floating wi, tau, shrunk, kept
    for i in range(n):
        wi = w[i]
        tau = numerator / steps[i] if divide else numerator * steps[i]
        shrunk = _fabs(wi) - tau
        kept = shrunk if shrunk > 0 else (0 if shrunk == shrunk else shrunk)
        w[i] = _copysign(kept, wi)


def soft_threshold(w, steps, double numerator, bint divide):
    """``w <- sign(w) * max(|w| - tau, 0)``; NaN stays NaN.

    ``tau = numerator / steps[i]`` with ``divide``, else ``numerator * steps[i]``.
    Returns True when it ran, False when the loops cannot take the arrays.
    """
    cdef Py_ssize_t n = _size(w)
    cdef int type_num = _common_type((w, steps), n)
    if type_num == -1:
        return False
    cdef void *pw = _data(w), *ps = _data(steps)
    with nogil:
        if type_num == cnp.NPY_DOUBLE:
            _soft_threshold(<double*>pw, <double*>ps, n, numerator, divide)
        else:
            _soft_threshold(<float*>pw, <float*>ps, n, <float>numerator, divide)
    return True


# ---- the clipped cumulative penalty ----------------------------------------

cdef inline void _clipped(floating* w, floating* received, Py_ssize_t i,
                          floating u) noexcept nogil:
    # One weight's step, given its total u: updates w[i] and its account q[i].
    cdef floating wi = w[i], qi = received[i]
    cdef floating magnitude = _fabs(wi)
    cdef floating c = u + _copysign(<floating>1, wi) * qi
    cdef floating taken = magnitude if magnitude < c else c
    cdef floating rest = magnitude - taken
    cdef floating capped = rest if rest < magnitude else magnitude
    cdef floating updated = _copysign(rest if rest != rest else capped, wi)
    received[i] = (qi - wi) + updated
    w[i] = updated


cdef void _cumulative(floating* w, floating* total, bint shared, floating* received,
                      floating* denominators, floating numerator, Py_ssize_t n) noexcept nogil:
    # One loop per case, none with a branch inside, so that each vectorizes.
    cdef Py_ssize_t i
    cdef floating u
    if denominators != NULL:
        for i in range(n):
            u = total[i] + numerator / denominators[i]
            total[i] = u
            _clipped(w, received, i, u)
    elif shared:
        u = total[0]
        for i in range(n):
            _clipped(w, received, i, u)
    else:
        for i in range(n):
            _clipped(w, received, i, total[i])


def cumulative(w, total, received, denominators=None, double numerator=0.0):
    """Tsuruoka et al.'s clipped cumulative step on ``w`` and its account ``received``.

    ``c = u + sign(w) q``; ``w <- sign(w) * min(|w| - min(|w|, c), |w|)``;
    ``q <- (q - w_old) + w_new``. ``total`` (``u``) has one entry per weight
    or one shared by all; with ``denominators`` (``total`` then per weight),
    ``u += numerator / denominators[i]`` first. Returns True when it ran,
    False when the loops cannot take the arrays.
    """
    cdef Py_ssize_t n = _size(w), n_total = _size(total)
    cdef bint with_steps = denominators is not None
    if n_total != n and (n_total != 1 or with_steps):
        return False
    cdef int type_num = _common_type((w, received), n)
    if type_num == -1 or _type_of(total, type_num) == -1:
        return False
    if with_steps and _common_type((denominators,), n) != type_num:
        return False
    cdef void *pw = _data(w), *pt = _data(total), *pq = _data(received)
    cdef void *pd = _data(denominators) if with_steps else NULL
    cdef bint shared = n_total == 1
    with nogil:
        if type_num == cnp.NPY_DOUBLE:
            _cumulative(<double*>pw, <double*>pt, shared, <double*>pq, <double*>pd,
                        numerator, n)
        else:
            _cumulative(<float*>pw, <float*>pt, shared, <float*>pq, <float*>pd,
                        <float>numerator, n)
    return True


# ---- signs -------------------------------------------------------------------

cdef void _add_signs(floating* target, floating* w, Py_ssize_t n, floating scale) noexcept nogil:
    # sign(0) = 0 and sign(NaN) = NaN, branch-free so that it vectorizes.
    cdef Py_ssize_t i
    cdef floating wi, sign
    for i in range(n):
        wi = w[i]
        sign = <floating>(wi > 0) - <floating>(wi < 0)
        target[i] += scale * (wi if wi != wi else sign)


cdef void _shrink_signs(floating* w, Py_ssize_t n, floating scale) noexcept nogil:
    cdef Py_ssize_t i
    cdef floating wi, sign
    for i in range(n):
        wi = w[i]
        sign = <floating>(wi > 0) - <floating>(wi < 0)
        w[i] = wi + scale * (wi if wi != wi else sign)


def add_signs(target, w, double scale):
    """``target += scale * sign(w)``; ``target`` is ``w`` itself or does not overlap it.

    Returns True when it ran, False when the loops cannot take the arrays.
    """
    cdef Py_ssize_t n = _size(w)
    cdef int type_num = _common_type((target, w), n)
    if type_num == -1:
        return False
    cdef char* start = <char*>_data(target)
    cdef char* other = <char*>_data(w)
    cdef Py_ssize_t length = n * (8 if type_num == cnp.NPY_DOUBLE else 4)
    if start != other and start < other + length and other < start + length:
        return False
    with nogil:
        if type_num == cnp.NPY_DOUBLE and start == other:
            _shrink_signs(<double*>other, n, scale)
        elif type_num == cnp.NPY_DOUBLE:
            _add_signs(<double*>start, <double*>other, n, scale)
        elif start == other:
            _shrink_signs(<float*>other, n, <float>scale)
        else:
            _add_signs(<float*>start, <float*>other, n, <float>scale)
    return True


# ---- relu --------------------------------------------------------------------

cdef void _bias_relu(floating* Z, floating* bias, Py_ssize_t rows,
                     Py_ssize_t units) noexcept nogil:
    cdef Py_ssize_t r, j
    cdef floating z
    cdef floating* row
    for r in range(rows):
        row = Z + r * units
        for j in range(units):
            z = row[j] + bias[j]
            row[j] = z if z > 0 else (0 if z == z else z)


def bias_relu(Z, bias):
    """``Z <- max(Z + bias, 0)`` row by row: a relu layer's bias and activation.

    Returns True when it ran, False when the loops cannot take the arrays.
    """
    cdef Py_ssize_t units = _size(bias), n = _size(Z)
    cdef int type_num = _type_of(Z, -1)
    if type_num == -1 or _type_of(bias, type_num) == -1 or units <= 0:
        return False
    if cnp.PyArray_NDIM(<cnp.ndarray>Z) != 2 or cnp.PyArray_DIMS(<cnp.ndarray>Z)[1] != units:
        return False
    cdef void *pz = _data(Z), *pb = _data(bias)
    with nogil:
        if type_num == cnp.NPY_DOUBLE:
            _bias_relu(<double*>pz, <double*>pb, n // units, units)
        else:
            _bias_relu(<float*>pz, <float*>pb, n // units, units)
    return True


cdef void _relu_backward(floating* delta, floating* activation, Py_ssize_t n) noexcept nogil:
    # A select, which vectorizes; as scikit-learn, 0 even where delta is NaN.
    cdef Py_ssize_t i
    for i in range(n):
        delta[i] = delta[i] if activation[i] > 0 else 0


def relu_backward(delta, activation):
    """``delta <- delta`` where ``activation > 0``, else 0.

    Returns True when it ran, False when the loops cannot take the arrays.
    """
    cdef Py_ssize_t n = _size(delta)
    cdef int type_num = _common_type((delta, activation), n)
    if type_num == -1:
        return False
    cdef void *pd = _data(delta), *pa = _data(activation)
    with nogil:
        if type_num == cnp.NPY_DOUBLE:
            _relu_backward(<double*>pd, <double*>pa, n)
        else:
            _relu_backward(<float*>pd, <float*>pa, n)
    return True


# ---- rows of a CSR matrix ------------------------------------------------------
# A training batch of sparse input is a set of rows of one CSR matrix. The
# loops read those rows in place: no copy of the batch and none of SciPy's
# checks, which on word counts cost more per batch than the products.

cdef int _csr_batch_type(object data, object indices, object indptr, object rows,
                         object batch, object other):
    """The float type if the loops can take the arrays, else -1.

    ``batch`` has a row per batch row (``out`` of the product, ``delta`` of
    the gradient) and ``other`` a row per column of the matrix (``W``, or
    the gradient's ``out``); both 2-D with the same number of columns. The
    CSR parts are only read, so they may be read-only (joblib hands its
    workers memory-mapped copies).
    """
    cdef int type_num = _type_of(batch, -1)
    if type_num == -1 or _type_of(other, type_num) == -1:
        return -1
    for array, kind in ((data, type_num), (indices, cnp.NPY_INT32), (indptr, cnp.NPY_INT32),
                        (rows, cnp.NPY_INTP)):
        if not cnp.PyArray_Check(array):
            return -1
        if cnp.PyArray_TYPE(<cnp.ndarray>array) != kind:
            return -1
        if not cnp.PyArray_IS_C_CONTIGUOUS(<cnp.ndarray>array):
            return -1
    cdef cnp.ndarray b = <cnp.ndarray>batch, o = <cnp.ndarray>other
    if cnp.PyArray_NDIM(b) != 2 or cnp.PyArray_NDIM(o) != 2:
        return -1
    if cnp.PyArray_DIMS(b)[0] != _size(rows) or cnp.PyArray_DIMS(b)[1] != cnp.PyArray_DIMS(o)[1]:
        return -1
    return type_num


cdef void _rows_product(floating* data, cnp.int32_t* indices, cnp.int32_t* indptr,
                        cnp.intp_t* rows, Py_ssize_t n_rows, floating* W,
                        Py_ssize_t units, floating* out) noexcept nogil:
    cdef Py_ssize_t b, j, k, r
    cdef floating value
    cdef floating *target, *source
    for b in range(n_rows):
        target = out + b * units
        for j in range(units):
            target[j] = 0
        r = rows[b]
        for k in range(indptr[r], indptr[r + 1]):
            value = data[k]
            source = W + indices[k] * units
            for j in range(units):
                target[j] += value * source[j]


def csr_rows_product(data, indices, indptr, rows, W, out):
    """``out <- X[rows] @ W`` for the CSR matrix ``X = (data, indices, indptr)``.

    ``W`` has shape (n_features, units) and ``out`` (len(rows), units).
    The caller vouches that the parts form a CSR matrix with ``n_features``
    columns and that ``rows`` are among its rows: nothing is bounds-checked.
    Returns True when it ran, False when the loops cannot take the arrays
    (32-bit indices and ``intp`` rows only).
    """
    cdef int type_num = _csr_batch_type(data, indices, indptr, rows, out, W)
    if type_num == -1:
        return False
    cdef Py_ssize_t units = cnp.PyArray_DIMS(<cnp.ndarray>W)[1]
    cdef Py_ssize_t n_rows = _size(rows)
    cdef void *pd = _data(data), *pw = _data(W), *po = _data(out)
    cdef cnp.int32_t* pi = <cnp.int32_t*>_data(indices)
    cdef cnp.int32_t* pp = <cnp.int32_t*>_data(indptr)
    cdef cnp.intp_t* pr = <cnp.intp_t*>_data(rows)
    with nogil:
        if type_num == cnp.NPY_DOUBLE:
            _rows_product(<double*>pd, pi, pp, pr, n_rows, <double*>pw, units, <double*>po)
        else:
            _rows_product(<float*>pd, pi, pp, pr, n_rows, <float*>pw, units, <float*>po)
    return True


cdef void _rows_gradient(floating* data, cnp.int32_t* indices, cnp.int32_t* indptr,
                         cnp.intp_t* rows, Py_ssize_t n_rows, floating* delta,
                         Py_ssize_t units, floating* out, Py_ssize_t size) noexcept nogil:
    cdef Py_ssize_t b, j, k, r
    cdef floating value
    cdef floating *target, *source
    for k in range(size):
        out[k] = 0
    for b in range(n_rows):
        source = delta + b * units
        r = rows[b]
        for k in range(indptr[r], indptr[r + 1]):
            value = data[k]
            target = out + indices[k] * units
            for j in range(units):
                target[j] += value * source[j]


def csr_rows_gradient(data, indices, indptr, rows, delta, out):
    """``out <- X[rows].T @ delta`` for the CSR matrix ``X = (data, indices, indptr)``.

    ``delta`` has shape (len(rows), units) and ``out`` (n_features, units).
    Returns True when it ran, False when the loops cannot take the arrays.
    """
    cdef int type_num = _csr_batch_type(data, indices, indptr, rows, delta, out)
    if type_num == -1:
        return False
    cdef Py_ssize_t units = cnp.PyArray_DIMS(<cnp.ndarray>delta)[1]
    cdef Py_ssize_t n_rows = _size(rows)
    cdef void *pd = _data(data), *pe = _data(delta), *po = _data(out)
    cdef cnp.int32_t* pi = <cnp.int32_t*>_data(indices)
    cdef cnp.int32_t* pp = <cnp.int32_t*>_data(indptr)
    cdef cnp.intp_t* pr = <cnp.intp_t*>_data(rows)
    cdef Py_ssize_t size = _size(out)
    with nogil:
        if type_num == cnp.NPY_DOUBLE:
            _rows_gradient(<double*>pd, pi, pp, pr, n_rows, <double*>pe, units, <double*>po, size)
        else:
            _rows_gradient(<float*>pd, pi, pp, pr, n_rows, <float*>pe, units, <float*>po, size)
    return True
