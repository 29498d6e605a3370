"""The ``l1_mode`` objects: how the penalty ``alpha * sum |w|`` is applied.

A training step calls three hooks on the penalized weights ``w`` (a view of
the flat parameter vector), in this order::

    g = gradient of the data term          (taken before any hook)
    penalty.before_step(w, optimizer)      # may move w
    penalty.on_gradient(g, w)              # may change g
    optimizer.step(params, g)
    penalty.after_step(w, optimizer)       # may move w

``sign(0) = 0`` throughout. ``tau`` is the optimizer's own step size times
``alpha``: ``tau = eta * alpha`` for sgd and, for adam, the per-weight
``tau_i = alpha * learning_rate_init * sqrt(1 - beta_2**t) / (sqrt(v_i) + epsilon)``
(see ``Adam.prox_scale``).

Adding a mode is one class with these hooks and one line in ``L1_MODES``.
"""

import numpy as np


class L1Penalty:
    """Base class: the penalty value and hooks that do nothing.

    Parameters
    ----------
    alpha : float
        The L1 strength (not divided by the number of samples).

    Attributes
    ----------
    solvers : tuple of str
        The solvers this mode works with.
    exact_zeros : bool
        Whether the mode leaves weights that are exactly ``0.0``.
    """

    solvers = ("sgd", "adam")
    exact_zeros = False

    def __init__(self, alpha):
        self.alpha = float(alpha)

    def value(self, w):
        """The penalty term ``alpha * sum |w|``."""
        return self.alpha * float(np.abs(w).sum())

    def before_step(self, w, optimizer):
        """Called before the optimizer's step, after the gradient is taken."""

    def on_gradient(self, grad, w):
        """Called with the gradient ``grad`` of the weights ``w`` before the step."""

    def after_step(self, w, optimizer):
        """Called after the optimizer's step."""


class GradientL1(L1Penalty):
    """``l1_mode="gradient"``: the subgradient joins the data gradient.

    ``w <- w + step(g + alpha * sign(w))``: the penalty goes through momentum
    and Adam's scaling like any loss term (the Keras/PyTorch practice of
    adding ``lam * sum(|W|)`` to the loss). Weights oscillate around zero
    instead of reaching it.
    """

    solvers = ("sgd", "adam", "lbfgs")

    def on_gradient(self, grad, w):
        if self.alpha:
            grad += self.alpha * np.sign(w)


class ShrinkL1(L1Penalty):
    """``l1_mode="shrink"``: direct weight shrinkage, beside the optimizer.

    ``w <- w - eta * alpha * sign(w)``, then ``w <- w + step(g)`` with ``g``
    taken before the shrink; ``eta`` is the schedule's learning rate (sgd) or
    ``learning_rate_init`` (adam). Decoupled from momentum and Adam's scaling
    like AdamW's weight decay; no clipping, so a weight may cross zero.
    """

    def before_step(self, w, optimizer):
        if self.alpha:
            w -= (optimizer.shrink_rate * self.alpha) * np.sign(w)


class ProximalL1(L1Penalty):
    """``l1_mode="proximal"``: soft-thresholding after the step.

    ``w <- w + step(g)``, then ``w <- sign(w) * max(|w| - tau, 0)``. A weight
    that would cross zero stops at zero; with adam, a weight at zero stays
    there exactly when ``|m_hat| <= alpha``.
    """

    exact_zeros = True

    def after_step(self, w, optimizer):
        if self.alpha:
            tau = self.alpha * optimizer.prox_scale(w.size)
            magnitude = np.abs(w)
            magnitude -= tau
            np.maximum(magnitude, 0, out=magnitude)
            np.copysign(magnitude, w, out=w)


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
    penalty it missed.
    """

    exact_zeros = True

    def __init__(self, alpha):
        super().__init__(alpha)
        self.total = 0.0
        self.received = None

    def after_step(self, w, optimizer):
        if not self.alpha:
            return
        if self.received is None:
            self.received = np.zeros_like(w)
        self.total = self.total + self.alpha * optimizer.prox_scale(w.size)
        u, q = self.total, self.received
        before = w.copy()
        shrunk = np.where(
            w > 0,
            np.maximum(0, w - (u + q)),
            np.where(w < 0, np.minimum(0, w + (u - q)), w),
        )
        w[...] = shrunk
        q += w - before


L1_MODES = {
    "gradient": GradientL1,
    "shrink": ShrinkL1,
    "proximal": ProximalL1,
    "cumulative": CumulativeL1,
}


def solvers_for(mode):
    """The solvers that ``l1_mode=mode`` works with."""
    return L1_MODES[mode].solvers


def make_penalty(mode, alpha, solver):
    """The penalty object for ``l1_mode=mode``, checked against ``solver``.

    Raises
    ------
    ValueError
        If the mode does not work with the solver; the message lists the
        solvers the mode works with and the modes the solver works with.
    """
    penalty_class = L1_MODES[mode]
    if solver not in penalty_class.solvers:
        modes_for_solver = [name for name, cls in L1_MODES.items() if solver in cls.solvers]
        raise ValueError(
            f"l1_mode={mode!r} does not work with solver={solver!r}. "
            f"l1_mode={mode!r} works with solver in {list(penalty_class.solvers)}; "
            f"solver={solver!r} works with l1_mode in {modes_for_solver}."
        )
    return penalty_class(alpha)
