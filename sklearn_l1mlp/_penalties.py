"""The ``l1_mode`` objects: how the penalty is applied.

The penalty on the penalized parameters ``w`` (the weights, plus the biases
when they are penalized) is::

    alpha * sum |w|  +  feature_alpha * sum_j ||W1[j, :]||_2  +  l2_alpha/2 * sum w**2

the second term a group lasso on each input feature's row of first-layer
weights (Scardapane et al., 2017), which zeroes whole rows and so drops
whole features. Optional per-feature factors ``c_j`` (glmnet's
``penalty.factor``) scale both terms on row ``j`` of ``W1``: its weights pay
``c_j * alpha * |w|`` and its group term ``c_j * feature_alpha * ||W1[j]||``;
the adaptive lasso sets them from a first fit. The third, a ridge term
(weight decay; with the L1 terms the elastic net), is smooth: its gradient
``l2_alpha * w`` joins the data gradient before any hook, in every mode
(``add_smooth_gradient``), and goes through the optimizer like it.

A training step calls three hooks on ``w`` (a view of the flat parameter
vector, whose first ``n_features * n_units`` entries are ``W1`` row by row),
in this order::

    g = gradient of the data term          (plus the ridge term's)
    penalty.before_step(w, rate, work)           # may move w
    penalty.on_gradient(g, w, work)              # may change g
    steps = optimizer.step(params, g, buffer)
    penalty.after_step(w, steps, work)           # may move w

``rate`` is the optimizer's nominal learning rate and ``steps`` the
``StepSizes`` its step returned: all a penalty knows of the optimizer.
``work``, when given, is a buffer of ``w``'s size that is free at that
moment (the engine passes its step buffer before the step and the spent
gradient after it), so that a hook needs no new array per batch.

``sign(0) = 0`` throughout, and a zero row's unit direction is 0. ``tau`` is
the optimizer's own step size times ``alpha``: ``tau_i = alpha * s_i`` with
``s`` the step sizes (``eta`` for sgd; for adam
``learning_rate_init * sqrt(1 - beta_2**t) / (sqrt(v_i) + epsilon)``). The
group term uses one step size per row: ``tau_j = feature_alpha * s_j``, with
``s_j = 1 / mean_k(1 / s_jk)`` the harmonic mean of the row's per-weight
step sizes (``eta`` with sgd; with adam the step of the row's mean gradient
RMS). When a row's adam preconditioner is
uniform, a zero row then stays zero exactly when ``||m_hat_j||_2 <= feature_alpha``.

Adding a mode is one class with these hooks and one line in ``L1_MODES``.
"""

import copy

import numpy as np

from ._inplace import abs_sum, add_signs, axpy, cumulative_clip, soft_threshold

#: Entries per chunk of ``_share_below_resolution``'s temporaries.
_CHUNK = 1 << 13


class L1Penalty:
    """Base class: the penalty's value, its pieces, and hooks that do nothing.

    Parameters
    ----------
    alpha : float
        The L1 strength (not divided by the number of samples).
    feature_alpha : float, default=0.0
        The strength of the group penalty on first-layer rows.
    first_layer_shape : tuple of int or None
        ``(n_features, n_units)`` of ``W1``; needed when ``feature_alpha > 0``
        or ``penalty_factors`` is given.
    penalty_factors : ndarray of shape (n_features,) or None
        Each input feature's factor ``c_j`` on both terms for its row of
        ``W1``; ``None`` means 1 for every feature.
    l2_alpha : float, default=0.0
        The ridge strength: the term ``l2_alpha / 2 * sum w**2`` (not divided
        by the number of samples, and without factors).

    Attributes
    ----------
    exact_zeros : bool
        Whether the mode leaves weights that are exactly ``0.0``.
    lbfgs_form : {"subgradient", "split"} or None
        How ``solver="lbfgs"`` sees the penalty: its subgradient, or the exact
        split ``w = u - v``, ``u, v >= 0`` under L-BFGS-B's bounds; ``None``
        for a mode that works only between stochastic steps. Every mode
        works with every stochastic optimizer.
    """

    exact_zeros = False
    lbfgs_form = None

    def __init__(
        self, alpha, feature_alpha=0.0, first_layer_shape=None, penalty_factors=None, l2_alpha=0.0
    ):
        self.alpha = float(alpha)
        self.feature_alpha = float(feature_alpha)
        self.l2_alpha = float(l2_alpha)
        self.first_layer_shape = first_layer_shape
        self.penalty_factors = (
            None if penalty_factors is None else np.asarray(penalty_factors, dtype=float)
        )
        self._factor_cache = None

    def restrict(self, rows, index):
        """This penalty for a network that keeps only the rows ``rows`` of ``W1``: a new one.

        Parameters
        ----------
        rows : ndarray of int
            The input features kept (rows of ``W1``).
        index : ndarray of int
            The positions, in this penalty's penalized vector, of the
            restricted one's entries (``W1[rows]`` row by row, then the rest).

        Returns
        -------
        part : L1Penalty
            The same mode and strengths, with ``rows``' factors (and, for a
            mode with per-weight state, that state at ``index``).
        """
        part = copy.copy(self)
        part.first_layer_shape = (len(rows), self.first_layer_shape[1])
        if self.penalty_factors is not None:
            part.penalty_factors = self.penalty_factors[rows]
        part._factor_cache = None
        return part

    def merge(self, part, index, size):
        """Take back the state ``part = self.restrict(rows, index)`` built up in training.

        ``size`` is the length of this penalty's penalized vector. The modes
        without per-weight state have nothing to take back.
        """

    def set_strengths(self, alpha, feature_alpha, penalty_factors, l2_alpha=0.0):
        """Change the strengths in place (``partial_fit`` keeps the penalty's state)."""
        self.alpha = float(alpha)
        self.feature_alpha = float(feature_alpha)
        self.l2_alpha = float(l2_alpha)
        self.penalty_factors = penalty_factors
        self._factor_cache = None

    def _weight_factors(self, n_penalized):
        """Each penalized weight's factor (``c_j`` on ``W1``'s row ``j``, else 1), built once."""
        if self._factor_cache is None or self._factor_cache.size != n_penalized:
            factors = np.ones(n_penalized)
            self._rows(factors)[...] = self.penalty_factors[:, None]
            self._factor_cache = factors
        return self._factor_cache

    def weight_alphas(self, n_penalized):
        """Each penalized weight's L1 strength: ``alpha``, times ``c_j`` on ``W1``'s row ``j``.

        A scalar when there are no factors; else an array of ``n_penalized``
        values.
        """
        if self.penalty_factors is None:
            return self.alpha
        return self.alpha * self._weight_factors(n_penalized)

    def _thresholds(self, w, steps, as_array=False):
        """Each weight's ``tau`` (its alpha times its step size), as ``(numerator, tau)``.

        With per-weight step sizes and no factors, ``tau = numerator / d``
        with ``d`` the returned array (the step's denominators), left for the
        loop to divide. Otherwise ``numerator`` is None and ``tau`` the
        thresholds themselves: a scalar for one step size without factors
        (an array of ``w``'s shape if ``as_array``), else an array. Arrays are
        the step's buffers (no allocation per batch).
        """
        numerator, denominators = self.alpha * steps.numerator, steps.denominators
        if denominators is not None and self.penalty_factors is None:
            return numerator, denominators
        if denominators is not None:
            tau = np.divide(numerator, denominators, out=denominators)
        elif as_array or self.penalty_factors is not None:
            tau = steps.spare_or_new(w)
            tau.fill(numerator)
        else:
            tau = numerator
        if self.penalty_factors is not None:
            tau *= self._weight_factors(w.size)
        return None, tau

    def _row_alphas(self):
        """Each ``W1`` row's group strength ``c_j * feature_alpha``, as a column."""
        if self.penalty_factors is None:
            return self.feature_alpha
        return self.feature_alpha * self.penalty_factors[:, None]

    def _rows(self, w):
        """``W1`` as a (n_features, n_units) view of ``w``."""
        n_features, n_units = self.first_layer_shape
        return w[: n_features * n_units].reshape(n_features, n_units)

    def _row_directions(self, rows):
        """Each row divided by its 2-norm (zero rows stay zero)."""
        norms = np.sqrt(np.einsum("ij,ij->i", rows, rows))[:, None]
        return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)

    def _row_steps(self, steps):
        """One step size per row of ``W1``: the harmonic mean of its weights' step sizes.

        With adam that is the step of the row's mean gradient RMS,
        ``lr_t / (mean_k sqrt(v_jk) + epsilon)``. An arithmetic mean would be
        ruled by the row's weight with the smallest gradient (its step
        ``lr_t / sqrt(v)`` is huge), and a row holding one such weight would
        be wiped out in a single step.
        """
        n_features, n_units = self.first_layer_shape
        if not steps.per_weight_sizes:
            return steps.numerator
        scale = steps.head(n_features * n_units).per_weight()
        return 1.0 / (1.0 / scale.reshape(n_features, n_units)).mean(axis=1, keepdims=True)

    def _shrink_rows(self, w, row_steps):
        """Block soft-thresholding of ``W1``'s rows: the group term's proximal step.

        ``W1[j] <- W1[j] * max(0, 1 - tau_j / ||W1[j]||)``, ``tau_j`` the
        group strength times ``row_steps`` (``_row_steps``).
        """
        rows = self._rows(w)
        norms = np.sqrt(np.einsum("ij,ij->i", rows, rows))[:, None]
        tau = self._row_alphas() * row_steps
        keep = np.divide(norms - tau, norms, out=np.zeros_like(norms), where=norms > 0)
        rows *= np.maximum(keep, 0)

    def value(self, w):
        """The penalty: the L1 terms (with factors) plus the ridge term.

        ``alpha * sum |w| + feature_alpha * sum_j ||W1[j]|| + l2_alpha / 2 * sum w**2``.
        """
        total = self.smooth_value(w)
        if self.penalty_factors is None:
            total += self.alpha * abs_sum(w)
        else:
            total += float(np.sum(self.weight_alphas(w.size) * np.abs(w)))
        if self.feature_alpha:
            rows = self._rows(w)
            norms = np.sqrt(np.einsum("ij,ij->i", rows, rows))[:, None]
            total += float(np.sum(self._row_alphas() * norms))
        return total

    def smooth_value(self, w):
        """The ridge term ``l2_alpha / 2 * sum w**2`` (0.0 without one)."""
        if not self.l2_alpha:
            return 0.0
        return 0.5 * self.l2_alpha * float(np.dot(w, w))

    def add_smooth_gradient(self, grad, w):
        """``grad += l2_alpha * w``: the ridge term's gradient, before any hook.

        The engine calls it right after taking the data gradient (and the
        L-BFGS objective with it), so that the ridge term is part of the
        smooth objective that the optimizer and every mode see.
        """
        if self.l2_alpha:
            axpy(w, grad, self.l2_alpha)

    def before_step(self, w, rate, work=None):
        """Called before the optimizer's step, after the gradient is taken.

        ``rate`` is the optimizer's nominal learning rate for the step.
        """

    def lost_to_rounding(self, w, steps):
        """Share of nonzero weights whose per-step penalty rounding would erase.

        A subtraction smaller than half the spacing of floating-point numbers
        at ``|w|`` (``np.spacing``) leaves ``w`` unchanged, so a mode that
        subtracts the penalty step by step loses it there: float32 weights of
        size 1 ignore any step below 6e-8. The base class reports 0: its
        modes either carry the penalty through the optimizer or accumulate it.
        """
        return 0.0

    def _share_below_resolution(self, w, step):
        """Share of nonzero weights for which a per-step penalty ``step * c`` is lost.

        Computed in chunks, so that its temporaries stay small beside the
        training state still alive when it runs.
        """
        if not self.alpha:
            return 0.0
        factors = None if self.penalty_factors is None else self.weight_alphas(w.size) / self.alpha
        n_lost = n_nonzero = 0
        for start in range(0, w.size, _CHUNK):
            chunk = slice(start, start + _CHUNK)
            nonzero = w[chunk] != 0
            if not nonzero.any():
                continue
            half_spacing = np.spacing(np.abs(w[chunk][nonzero])) / 2
            chunk_step = step[chunk] if np.ndim(step) else step
            if factors is not None:
                chunk_step = chunk_step * factors[chunk]
            chunk_step = chunk_step[nonzero] if np.ndim(chunk_step) else chunk_step
            n_lost += int(np.count_nonzero(chunk_step < half_spacing))
            n_nonzero += int(nonzero.sum())
        return n_lost / n_nonzero if n_nonzero else 0.0

    def on_gradient(self, grad, w, work=None):
        """Called with the gradient ``grad`` of the weights ``w`` before the step."""

    def after_step(self, w, steps, work=None):
        """Called after the optimizer's step with the ``StepSizes`` it returned."""

    def _add_signs(self, target, w, scale, work):
        """``target += scale * c * sign(w)`` with ``c`` the factors; ``target`` may be ``w``."""
        if self.penalty_factors is None:
            return add_signs(target, w, scale, work)
        signs = np.sign(w, out=work)
        signs *= self._weight_factors(w.size)
        return axpy(signs, target, scale)


class GradientL1(L1Penalty):
    """``l1_mode="gradient"``: the subgradient joins the data gradient.

    ``w <- w + step(g + alpha * sign(w) + feature_alpha * W1[j] / ||W1[j]||)``:
    the penalty goes through momentum and Adam's scaling like any loss term
    (the Keras/PyTorch practice of adding ``lam * sum(|W|)`` to the loss).
    Weights oscillate around zero instead of reaching it.
    """

    lbfgs_form = "subgradient"

    def on_gradient(self, grad, w, work=None):
        if self.alpha:
            self._add_signs(grad, w, self.alpha, work)
        if self.feature_alpha:
            self._rows(grad)[...] += self._row_alphas() * self._row_directions(self._rows(w))


class ShrinkL1(L1Penalty):
    """``l1_mode="shrink"``: direct weight shrinkage, beside the optimizer.

    ``w <- w - eta * alpha * sign(w)`` and
    ``W1[j] <- W1[j] - eta * feature_alpha * W1[j] / ||W1[j]||``, both from the
    weights before the step, then ``w <- w + step(g)`` with ``g`` taken before
    the shrink; ``eta`` is the schedule's learning rate (sgd) or
    ``learning_rate_init`` (adam). Decoupled from momentum and Adam's scaling
    like AdamW's weight decay; no clipping, so a weight may cross zero.
    """

    def lost_to_rounding(self, w, steps):
        return self._share_below_resolution(w, steps.rate * self.alpha)

    def before_step(self, w, rate, work=None):
        eta = rate  # the schedule's learning rate (sgd), learning_rate_init (adam)
        group_shrink = (
            eta * self._row_alphas() * self._row_directions(self._rows(w))
            if self.feature_alpha
            else None
        )
        if self.alpha:
            self._add_signs(w, w, -eta * self.alpha, work)
        if group_shrink is not None:
            self._rows(w)[...] -= group_shrink


class ProximalL1(L1Penalty):
    """``l1_mode="proximal"``: soft-thresholding after the step.

    ``w <- w + step(g)``, then ``w <- sign(w) * max(|w| - tau, 0)`` and, for
    the group term, block soft-thresholding of ``W1``'s rows (the proximal
    operator of the sparse group lasso is the one after the other). A weight
    that would cross zero stops at zero; with adam, a weight at zero stays
    there exactly when ``|m_hat| <= alpha``. With ``solver="lbfgs"`` the
    problem is solved exactly through ``w = u - v``, ``u, v >= 0``.
    """

    exact_zeros = True
    lbfgs_form = "split"

    def lost_to_rounding(self, w, steps):
        return self._share_below_resolution(w, steps.per_weight(self.alpha, in_place=True))

    def after_step(self, w, steps, work=None):
        # The row steps first: the elementwise step may overwrite the step sizes.
        row_steps = self._row_steps(steps) if self.feature_alpha else None
        if self.alpha:
            numerator, tau = self._thresholds(w, steps, as_array=True)
            soft_threshold(w, tau, np.empty_like(w) if work is None else work, numerator)
        if self.feature_alpha:
            self._shrink_rows(w, row_steps)


class CumulativeL1(L1Penalty):
    """``l1_mode="cumulative"``: the clipped cumulative penalty.

    Tsuruoka, Tsujii & Ananiadou (2009), as ``SGDClassifier(penalty="l1")``
    applies it. After the step, ``u += tau`` (the total penalty every weight
    could have received so far; a scalar for sgd, per weight for adam) and,
    with ``q`` the penalty each weight actually received::

        z = w
        w > 0:  w <- max(0, w - (u + q))
        w < 0:  w <- min(0, w + (u - q))
        q <- q + (w - z)

    Clipping at zero gives exact zeros; keeping the account ``u - |q|`` lets a
    weight that was pushed away from zero by noise be pulled back by the
    penalty it missed. The group term is applied in its proximal form.
    """

    exact_zeros = True

    def __init__(
        self, alpha, feature_alpha=0.0, first_layer_shape=None, penalty_factors=None, l2_alpha=0.0
    ):
        super().__init__(alpha, feature_alpha, first_layer_shape, penalty_factors, l2_alpha)
        self.total = 0.0
        self.received = None

    def restrict(self, rows, index):
        part = super().restrict(rows, index)
        if self.received is not None:
            part.received = self.received[index]
        if np.ndim(self.total):
            part.total = self.total[index]
        return part

    def merge(self, part, index, size):
        # The excluded weights keep their account as it was (they sat at zero).
        if part.received is not None:
            if self.received is None:
                self.received = np.zeros(size, dtype=part.received.dtype)
            self.received[index] = part.received
        if np.ndim(part.total):
            if not np.ndim(self.total):
                self.total = np.full(size, self.total, dtype=part.total.dtype)
            self.total[index] = part.total
        else:
            self.total = part.total

    def after_step(self, w, steps, work=None):
        row_steps = self._row_steps(steps) if self.feature_alpha else None
        if self.alpha:
            if self.received is None:
                self.received = np.zeros_like(w)
            numerator, tau = self._thresholds(w, steps)
            if numerator is not None and np.ndim(self.total) == 0:
                # Adam's first step: u becomes per weight.
                self.total = np.full_like(w, self.total)
            elif numerator is None:
                if isinstance(self.total, np.ndarray):
                    self.total += tau
                else:
                    self.total = self.total + tau
            # The rule above in one form (see cumulative_clip), u += tau
            # included where tau is numerator / d; the spent gradient and
            # the step's buffer are its work buffers.
            spare = tau if numerator is not None else steps.spare_or_new(w)
            cumulative_clip(
                w,
                self.total,
                self.received,
                work=np.empty_like(w) if work is None else work,
                spare=spare,
                numerator=numerator,
                denominators=tau if numerator is not None else None,
            )
        if self.feature_alpha:
            self._shrink_rows(w, row_steps)


L1_MODES = {
    "gradient": GradientL1,
    "shrink": ShrinkL1,
    "proximal": ProximalL1,
    "cumulative": CumulativeL1,
}


def adaptive_penalty_factors(importances, power=1.0, max_factor=1e6):
    """The adaptive lasso's per-feature factors from a first fit's importances.

    ``c_j = (max_k m_k / m_j) ** power``, capped at ``max_factor``, with ``m``
    the feature importances (Zou, 2006, with the network's importances in
    place of the first estimate's coefficients): the most important feature
    keeps factor 1, a feature the first fit did not use gets ``max_factor``.

    Parameters
    ----------
    importances : ndarray of shape (n_features,)
        Nonnegative; not all zero.
    power : float
        The adaptive lasso's ``gamma``; larger separates more sharply.
    max_factor : float

    Returns
    -------
    factors : ndarray of shape (n_features,)
    """
    importances = np.asarray(importances, dtype=float)
    top = importances.max()
    if not top > 0:
        raise ValueError("The first fit uses no feature; adaptive factors need at least one.")
    ratio = np.divide(
        top, importances, out=np.full_like(importances, np.inf), where=importances > 0
    )
    with np.errstate(over="ignore"):
        return np.minimum(ratio**power, max_factor)


def check_mode(mode, solver, feature_alpha=0.0, stochastic_solvers=None):
    """Raise a ValueError naming what works if ``mode`` and ``solver`` do not pair.

    Every mode works with every stochastic optimizer, which it sees only
    through ``StepSizes``; ``solver="lbfgs"`` needs a mode with an
    ``lbfgs_form``. ``stochastic_solvers``, the names of the registered
    optimizers, go into the message when given.

    Raises
    ------
    ValueError
        If lbfgs is asked of a mode with no lbfgs form (the message lists
        the modes that have one), or if ``feature_alpha > 0`` is asked of the
        exact lbfgs split, which has no form for a group penalty.
    """
    penalty_class = L1_MODES[mode]
    if solver == "lbfgs" and penalty_class.lbfgs_form is None:
        with_lbfgs = [name for name, cls in L1_MODES.items() if cls.lbfgs_form is not None]
        stochastic = (
            f"solver in {list(stochastic_solvers)}"
            if stochastic_solvers
            else "a stochastic solver (any solver but 'lbfgs')"
        )
        raise ValueError(
            f"l1_mode={mode!r} does not work with solver='lbfgs': it acts between "
            f"stochastic steps. Use {stochastic} with it, or l1_mode in {with_lbfgs} "
            "with lbfgs."
        )
    if solver == "lbfgs" and penalty_class.lbfgs_form == "split" and feature_alpha > 0:
        raise ValueError(
            f"feature_alpha={feature_alpha} does not work with solver='lbfgs' and "
            f"l1_mode={mode!r}: the exact L1 split has no form for the group penalty. "
            "Use a stochastic solver, or l1_mode='gradient' with lbfgs."
        )


def make_penalty(
    mode,
    alpha,
    solver,
    feature_alpha=0.0,
    first_layer_shape=None,
    penalty_factors=None,
    l2_alpha=0.0,
):
    """The penalty object for ``l1_mode=mode``, checked against ``solver``."""
    check_mode(mode, solver, feature_alpha)
    return L1_MODES[mode](alpha, feature_alpha, first_layer_shape, penalty_factors, l2_alpha)
