/*
 * Fused per-weight loops for the optimizers and penalties (optional).
 *
 * Each function here does in one pass over the arrays what the NumPy code
 * in _inplace.py does in several: Adam's update is nine NumPy passes, the
 * soft-threshold five. The results are the same numbers up to rounding
 * (a fused multiply-add may round once where NumPy rounds twice), which the
 * tests check against the NumPy code. When this module is not built, the
 * NumPy code runs instead.
 *
 * The arrays come through the buffer protocol (no NumPy headers needed):
 * C-contiguous float64 or float32, all of one type and length. Anything
 * else raises TypeError, and the caller falls back to NumPy.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

#if defined(_MSC_VER) && !defined(__clang__)
#define restrict __restrict
#endif

/* On x86-64 Linux with GCC, build each loop twice, for AVX2 + FMA and for
 * the baseline, and pick at load time: the square root and the division
 * are four times wider there. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12 && defined(__x86_64__) && \
    defined(__linux__)
#define WIDE __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define WIDE
#endif

/* ---- the loops, for double and float ---------------------------------- */

#define DEFINE_LOOPS(T, SQRT, FABS, COPYSIGN)                                          \
    WIDE static void adam_##T(T *restrict w, const T *restrict g, T *restrict m,       \
                              T *restrict v, T *restrict denominator, Py_ssize_t n,    \
                              T beta_1, T beta_2, T epsilon, T step) {                 \
        const T keep_1 = (T)1 - beta_1, keep_2 = (T)1 - beta_2;                        \
        for (Py_ssize_t i = 0; i < n; i++) {                                           \
            const T gi = g[i];                                                         \
            const T mi = beta_1 * m[i] + keep_1 * gi;                                  \
            const T vi = beta_2 * v[i] + keep_2 * (gi * gi);                           \
            const T di = SQRT(vi) + epsilon;                                           \
            m[i] = mi;                                                                 \
            v[i] = vi;                                                                 \
            denominator[i] = di;                                                       \
            w[i] -= step * (mi / di);                                                  \
        }                                                                              \
    }                                                                                  \
                                                                                       \
    /* w <- sign(w) * max(|w| - tau, 0), tau = numerator / denominators[i] (or      \
     * numerator * steps[i] where !divide); NaN stays NaN. */                          \
    WIDE static void soft_threshold_##T(T *restrict w, const T *restrict steps,        \
                                        Py_ssize_t n, T numerator, int divide) {       \
        for (Py_ssize_t i = 0; i < n; i++) {                                           \
            const T wi = w[i];                                                         \
            const T tau = divide ? numerator / steps[i] : numerator * steps[i];        \
            const T shrunk = FABS(wi) - tau;                                           \
            const T kept = shrunk > 0 ? shrunk : (shrunk == shrunk ? (T)0 : shrunk);   \
            w[i] = COPYSIGN(kept, wi);                                                 \
        }                                                                              \
    }                                                                                  \
                                                                                       \
    /* Tsuruoka et al.'s clipped cumulative step: c = u + sign(w) q,             \
     * w <- sign(w) * min(|w| - min(|w|, c), |w|), q <- (q - w_old) + w_new.      \
     * total has n entries, or one shared by all (n_total == 1); with            \
     * denominators, u += numerator / denominators[i] first (n_total == n). */     \
    WIDE static void cumulative_##T(T *restrict w, T *restrict total,                  \
                                    Py_ssize_t n_total, T *restrict received,          \
                                    const T *restrict denominators, T numerator,       \
                                    Py_ssize_t n) {                                    \
        for (Py_ssize_t i = 0; i < n; i++) {                                           \
            const T wi = w[i], qi = received[i];                                       \
            T ui = total[n_total == 1 ? 0 : i];                                        \
            if (denominators) {                                                        \
                ui += numerator / denominators[i];                                     \
                total[i] = ui;                                                         \
            }                                                                          \
            const T magnitude = FABS(wi);                                              \
            const T c = ui + COPYSIGN((T)1, wi) * qi;                                  \
            const T taken = magnitude < c ? magnitude : c;                             \
            const T rest = magnitude - taken;                                          \
            const T capped = rest < magnitude ? rest : magnitude;                      \
            const T updated = COPYSIGN(rest != rest ? rest : capped, wi);              \
            received[i] = (qi - wi) + updated;                                         \
            w[i] = updated;                                                            \
        }                                                                              \
    }                                                                                  \
                                                                                       \
    /* target += scale * sign(w), sign(0) = 0, sign(NaN) = NaN (branch-free, so   \
     * that it vectorizes); target is w itself or does not overlap it. */             \
    WIDE static void add_signs_##T(T *restrict target, const T *restrict w,            \
                                   Py_ssize_t n, T scale) {                            \
        for (Py_ssize_t i = 0; i < n; i++) {                                           \
            const T wi = w[i];                                                         \
            const T sign = (T)(wi > 0) - (T)(wi < 0);                                  \
            target[i] += scale * (wi != wi ? wi : sign);                               \
        }                                                                              \
    }                                                                                  \
                                                                                       \
    WIDE static void shrink_signs_##T(T *restrict w, Py_ssize_t n, T scale) {          \
        for (Py_ssize_t i = 0; i < n; i++) {                                           \
            const T wi = w[i];                                                         \
            const T sign = (T)(wi > 0) - (T)(wi < 0);                                  \
            w[i] = wi + scale * (wi != wi ? wi : sign);                                \
        }                                                                              \
    }                                                                                  \
                                                                                       \
    /* Z <- max(Z + bias, 0), row by row: a hidden relu layer's bias and           \
     * activation in one pass. */                                                      \
    WIDE static void bias_relu_##T(T *restrict Z, const T *restrict bias,              \
                                   Py_ssize_t rows, Py_ssize_t units) {                \
        for (Py_ssize_t r = 0; r < rows; r++) {                                        \
            T *restrict row = Z + r * units;                                           \
            for (Py_ssize_t j = 0; j < units; j++) {                                   \
                const T z = row[j] + bias[j];                                          \
                row[j] = z > 0 ? z : (z == z ? (T)0 : z);                              \
            }                                                                          \
        }                                                                              \
    }                                                                                  \
                                                                                       \
    /* delta <- delta where A > 0, else 0: relu's derivative through its output A  \
     * (a select, which vectorizes; as scikit-learn, 0 even where delta is NaN). */   \
    WIDE static void relu_backward_##T(T *restrict delta, const T *restrict A,         \
                                       Py_ssize_t n) {                                 \
        for (Py_ssize_t i = 0; i < n; i++) {                                           \
            delta[i] = A[i] > 0 ? delta[i] : (T)0;                                     \
        }                                                                              \
    }

DEFINE_LOOPS(double, sqrt, fabs, copysign)
DEFINE_LOOPS(float, sqrtf, fabsf, copysignf)

/* ---- argument handling ------------------------------------------------- */

typedef struct {
    Py_buffer views[5];
    int count;
} Views;

static void release(Views *views) {
    for (int i = 0; i < views->count; i++) PyBuffer_Release(&views->views[i]);
    views->count = 0;
}

/* The element type of all arrays ('d' or 'f'), after checking that they are
 * contiguous, of one type, and (but for those marked may_differ) of one
 * length; 0 with TypeError set otherwise. */
static char take(Views *views, PyObject **objects, const int *writable, int count,
                 const int *may_differ, Py_ssize_t *n) {
    char kind = 0;
    views->count = 0;
    for (int i = 0; i < count; i++) {
        int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable[i] ? PyBUF_WRITABLE : 0);
        if (PyObject_GetBuffer(objects[i], &views->views[i], flags) != 0) {
            release(views);
            PyErr_SetString(PyExc_TypeError, "contiguous float arrays expected");
            return 0;
        }
        views->count++;
        const char *format = views->views[i].format;
        if (format[0] == '<' || format[0] == '=' || format[0] == '@') format++;
        char this_kind = (strcmp(format, "d") == 0) ? 'd' : (strcmp(format, "f") == 0) ? 'f' : 0;
        Py_ssize_t length = views->views[i].len / views->views[i].itemsize;
        if (this_kind == 0 || (kind && this_kind != kind) ||
            (i > 0 && !(may_differ && may_differ[i]) && length != *n)) {
            release(views);
            PyErr_SetString(PyExc_TypeError, "float64 or float32 arrays of one type and size expected");
            return 0;
        }
        kind = this_kind;
        if (i == 0) *n = length;
    }
    return kind;
}

/* take() for the usual pair: a target that is written and a source that is
 * read (whose length may differ when source_may_differ). */
static char take_pair(Views *views, PyObject *target, PyObject *source, int source_may_differ,
                      Py_ssize_t *n) {
    PyObject *objects[2] = {target, source};
    const int writable[2] = {1, 0};
    const int may_differ[2] = {0, source_may_differ};
    return take(views, objects, writable, 2, may_differ, n);
}

/* take_pair() for a function whose only arguments are (target, source). */
static char parse_pair(PyObject *args, Views *views, int source_may_differ, Py_ssize_t *n) {
    PyObject *target, *source;
    if (!PyArg_ParseTuple(args, "OO", &target, &source)) return 0;
    return take_pair(views, target, source, source_may_differ, n);
}

static PyObject *py_adam(PyObject *self, PyObject *args) {
    PyObject *objects[5];
    double beta_1, beta_2, epsilon, step;
    if (!PyArg_ParseTuple(args, "OOOOOdddd", &objects[0], &objects[1], &objects[2], &objects[3],
                          &objects[4], &beta_1, &beta_2, &epsilon, &step))
        return NULL;
    const int writable[5] = {1, 0, 1, 1, 1};
    Views views;
    Py_ssize_t n = 0;
    char kind = take(&views, objects, writable, 5, NULL, &n);
    if (!kind) return NULL;
    void *b[5];
    for (int i = 0; i < 5; i++) b[i] = views.views[i].buf;
    Py_BEGIN_ALLOW_THREADS
    if (kind == 'd')
        adam_double(b[0], b[1], b[2], b[3], b[4], n, beta_1, beta_2, epsilon, step);
    else
        adam_float(b[0], b[1], b[2], b[3], b[4], n, (float)beta_1, (float)beta_2, (float)epsilon,
                   (float)step);
    Py_END_ALLOW_THREADS
    release(&views);
    Py_RETURN_NONE;
}

static PyObject *py_soft_threshold(PyObject *self, PyObject *args) {
    PyObject *objects[2];
    double numerator;
    int divide;
    if (!PyArg_ParseTuple(args, "OOdp", &objects[0], &objects[1], &numerator, &divide))
        return NULL;
    Views views;
    Py_ssize_t n = 0;
    char kind = take_pair(&views, objects[0], objects[1], 0, &n);
    if (!kind) return NULL;
    Py_BEGIN_ALLOW_THREADS
    if (kind == 'd')
        soft_threshold_double(views.views[0].buf, views.views[1].buf, n, numerator, divide);
    else
        soft_threshold_float(views.views[0].buf, views.views[1].buf, n, (float)numerator, divide);
    Py_END_ALLOW_THREADS
    release(&views);
    Py_RETURN_NONE;
}

static PyObject *py_cumulative(PyObject *self, PyObject *args) {
    PyObject *objects[4] = {NULL, NULL, NULL, Py_None};
    double numerator = 0.0;
    if (!PyArg_ParseTuple(args, "OOO|Od", &objects[0], &objects[1], &objects[2], &objects[3],
                          &numerator))
        return NULL;
    int with_steps = objects[3] != Py_None;
    const int writable[4] = {1, 1, 1, 0};
    const int may_differ[4] = {0, 1, 0, 0};
    Views views;
    Py_ssize_t n = 0;
    char kind = take(&views, objects, writable, with_steps ? 4 : 3, may_differ, &n);
    if (!kind) return NULL;
    Py_ssize_t n_total = views.views[1].len / views.views[1].itemsize;
    if ((n_total != 1 && n_total != n) || (with_steps && n_total != n)) {
        release(&views);
        PyErr_SetString(PyExc_TypeError, "total must have one entry or one per weight");
        return NULL;
    }
    void *steps = with_steps ? views.views[3].buf : NULL;
    Py_BEGIN_ALLOW_THREADS
    if (kind == 'd')
        cumulative_double(views.views[0].buf, views.views[1].buf, n_total, views.views[2].buf,
                          steps, numerator, n);
    else
        cumulative_float(views.views[0].buf, views.views[1].buf, n_total, views.views[2].buf,
                         steps, (float)numerator, n);
    Py_END_ALLOW_THREADS
    release(&views);
    Py_RETURN_NONE;
}

static PyObject *py_add_signs(PyObject *self, PyObject *args) {
    PyObject *objects[2];
    double scale;
    if (!PyArg_ParseTuple(args, "OOd", &objects[0], &objects[1], &scale)) return NULL;
    Views views;
    Py_ssize_t n = 0;
    char kind = take_pair(&views, objects[0], objects[1], 0, &n);
    if (!kind) return NULL;
    void *target = views.views[0].buf, *w = views.views[1].buf;
    Py_ssize_t item = views.views[0].itemsize;
    if (target != w && (char *)target < (char *)w + n * item && (char *)w < (char *)target + n * item) {
        release(&views);
        PyErr_SetString(PyExc_TypeError, "target must be w itself or not overlap it");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    if (target == w) {
        if (kind == 'd')
            shrink_signs_double(w, n, scale);
        else
            shrink_signs_float(w, n, (float)scale);
    } else if (kind == 'd') {
        add_signs_double(target, w, n, scale);
    } else {
        add_signs_float(target, w, n, (float)scale);
    }
    Py_END_ALLOW_THREADS
    release(&views);
    Py_RETURN_NONE;
}

static PyObject *py_relu_backward(PyObject *self, PyObject *args) {
    Views views;
    Py_ssize_t n = 0;
    char kind = parse_pair(args, &views, 0, &n);
    if (!kind) return NULL;
    Py_BEGIN_ALLOW_THREADS
    if (kind == 'd')
        relu_backward_double(views.views[0].buf, views.views[1].buf, n);
    else
        relu_backward_float(views.views[0].buf, views.views[1].buf, n);
    Py_END_ALLOW_THREADS
    release(&views);
    Py_RETURN_NONE;
}

static PyObject *py_bias_relu(PyObject *self, PyObject *args) {
    Views views;
    Py_ssize_t n = 0;
    char kind = parse_pair(args, &views, 1, &n);
    if (!kind) return NULL;
    Py_ssize_t units = views.views[1].len / views.views[1].itemsize;
    if (units == 0 || n % units != 0) {
        release(&views);
        PyErr_SetString(PyExc_TypeError, "one bias per column expected");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    if (kind == 'd')
        bias_relu_double(views.views[0].buf, views.views[1].buf, n / units, units);
    else
        bias_relu_float(views.views[0].buf, views.views[1].buf, n / units, units);
    Py_END_ALLOW_THREADS
    release(&views);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"bias_relu", py_bias_relu, METH_VARARGS,
     "bias_relu(Z, bias): Z <- max(Z + bias, 0), Z of shape (rows, len(bias)), C order."},
    {"adam", py_adam, METH_VARARGS,
     "adam(w, g, m, v, denominator, beta_1, beta_2, epsilon, step): m, v <- Adam's moments, "
     "denominator <- sqrt(v) + epsilon, w -= step * m / denominator."},
    {"soft_threshold", py_soft_threshold, METH_VARARGS,
     "soft_threshold(w, steps, numerator, divide): w <- sign(w) * max(|w| - tau, 0) with "
     "tau = numerator / steps (divide) or numerator * steps; steps may have one entry."},
    {"cumulative", py_cumulative, METH_VARARGS,
     "cumulative(w, total, received[, denominators, numerator]): the clipped cumulative "
     "penalty step, after total += numerator / denominators when those are given."},
    {"add_signs", py_add_signs, METH_VARARGS,
     "add_signs(target, w, scale): target += scale * sign(w)."},
    {"relu_backward", py_relu_backward, METH_VARARGS,
     "relu_backward(delta, A): delta *= (A > 0)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_kernels",
    "Fused per-weight loops for the optimizers and penalties (see _inplace.py).", -1, methods,
};

PyMODINIT_FUNC PyInit__kernels(void) { return PyModule_Create(&module); }
