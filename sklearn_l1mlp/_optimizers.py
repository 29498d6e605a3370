"""Stochastic optimizers on one flat parameter vector.

Scalars are kept as Python floats: NumPy's promotion rules let a Python
float combine with a float32 array without upcasting it.

The update rules and hyperparameters are scikit-learn's (``MLPClassifier``'s
``solver="sgd"`` and ``solver="adam"``). An optimizer knows nothing of the
penalty: ``step(params, grad, work)`` returns the ``StepSizes`` it took, and
that value is all the penalty sees of it. ``work`` is a buffer of the
parameters' size that the caller owns and lends for the step (Adam leaves
its denominators there, for the ``StepSizes`` it returns); ``grad`` may be
overwritten, it is spent once the step is taken.

``restrict(index)`` and ``merge(part, index)`` hand a working set
(``_working_set``) the state of some of the parameters and take it back.
Adding an optimizer is one class like these and one line in ``OPTIMIZERS``.
"""

import copy
import math

import numpy as np

from ._inplace import adam_update
from ._step_sizes import StepSizes


class Optimizer:
    """Base class: the per-parameter state and how a working set borrows it.

    A subclass sets ``_per_parameter`` to the names of its arrays with one
    entry per parameter (the rest of its state is scalars) and
    ``settings_names`` to the scikit-learn settings its constructor takes,
    and defines ``rate``, ``step``, ``step_sizes``, ``end_epoch`` and
    ``on_plateau``.
    """

    _per_parameter = ()

    #: The scikit-learn MLP settings this optimizer takes, each mapped to its
    #: constructor's name for it.
    settings_names = {}

    @classmethod
    def from_settings(cls, n_params, dtype, **settings):
        """The optimizer for ``n_params`` parameters from scikit-learn's MLP settings.

        ``settings`` holds MLP hyperparameters by their scikit-learn names
        (``learning_rate_init``, ``momentum``, ``beta_1``, ...); each optimizer
        takes those in its ``settings_names`` and leaves the others.
        """
        taken = {
            name: settings[sklearn_name]
            for sklearn_name, name in cls.settings_names.items()
            if sklearn_name in settings
        }
        return cls(n_params, dtype, **taken)

    def step_sizes(self, n, work=None):
        """The ``StepSizes`` of the last step for the first ``n`` parameters, recomputed.

        ``work``, of ``n`` entries, receives any per-weight part (a new array
        when None).
        """
        raise NotImplementedError

    def restrict(self, index):
        """This optimizer for the parameters ``params[index]`` alone: a new one.

        Its per-parameter state is a copy of this one's at ``index``, its
        scalars (step count, learning rate) the same; a working set trains
        with it and hands it back to ``merge``.
        """
        part = copy.copy(self)
        for name in self._per_parameter:
            setattr(part, name, getattr(self, name)[index])
        return part

    def merge(self, part, index):
        """Take back what ``part = self.restrict(index)`` learned.

        Its per-parameter state goes to ``index``; its scalars replace this
        one's (the other parameters' state stays as it was, frozen).
        """
        for name, value in part.__dict__.items():
            if name in self._per_parameter:
                getattr(self, name)[index] = value
            else:
                setattr(self, name, value)


class SGD(Optimizer):
    """Stochastic gradient descent with momentum and Nesterov's momentum.

    With velocity ``v`` (zero at the start)::

        v <- momentum * v - eta * g
        w <- w + v                                (nesterov=False)
        w <- w + momentum * v - eta * g           (nesterov=True)

    ``eta`` is the learning-rate schedule's current value: constant;
    ``learning_rate_init / (t + 1) ** power_t`` after each epoch, ``t`` the
    number of samples seen (invscaling); or divided by 5 each time training
    stalls (adaptive).

    Parameters
    ----------
    n_params : int
    dtype : numpy dtype
    learning_rate_init : float
    schedule : {"constant", "invscaling", "adaptive"}
    momentum : float
    nesterov : bool
    power_t : float
    """

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate_init=0.001,
        schedule="constant",
        momentum=0.9,
        nesterov=True,
        power_t=0.5,
    ):
        self.learning_rate_init = float(learning_rate_init)
        self.learning_rate = float(learning_rate_init)
        self.schedule = schedule
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        self.power_t = float(power_t)
        self.velocity = np.zeros(n_params, dtype=dtype)

    settings_names = {
        "learning_rate_init": "learning_rate_init",
        "learning_rate": "schedule",
        "momentum": "momentum",
        "nesterovs_momentum": "nesterov",
        "power_t": "power_t",
    }

    _per_parameter = ("velocity",)

    @property
    def rate(self):
        """``eta``: the schedule's current learning rate."""
        return self.learning_rate

    def step(self, params, grad, work=None):
        """Update ``params`` in place from the gradient ``grad``.

        Returns
        -------
        steps : StepSizes
            ``s = eta`` for every weight; ``work`` is free again (``spare``).
        """
        eta, velocity = self.learning_rate, self.velocity
        work = np.empty_like(params) if work is None else work
        step = np.multiply(grad, eta, out=work)
        velocity *= self.momentum
        velocity -= step
        if self.nesterov:
            params -= step
            params += np.multiply(velocity, self.momentum, out=work)
        else:
            params += velocity
        return StepSizes(eta, eta, spare=work)

    def step_sizes(self, n, work=None):
        """``s = eta`` for every weight."""
        return StepSizes(self.learning_rate, self.learning_rate, spare=work)

    def end_epoch(self, n_samples_seen):
        """Advance the invscaling schedule to ``n_samples_seen`` samples."""
        if self.schedule == "invscaling":
            self.learning_rate = self.learning_rate_init / (n_samples_seen + 1) ** self.power_t

    def on_plateau(self):
        """Training stalled: lower the rate (adaptive) or say to stop.

        Returns
        -------
        stop : bool
            True when training should stop.
        """
        if self.schedule != "adaptive" or self.learning_rate <= 1e-6:
            return True
        self.learning_rate /= 5.0
        return False


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2014), with scikit-learn's formulas.

    At step ``t`` (counted from 1)::

        m <- beta_1 * m + (1 - beta_1) * g
        v <- beta_2 * v + (1 - beta_2) * g**2
        w <- w - lr_t * m / (sqrt(v) + epsilon),
        lr_t = learning_rate_init * sqrt(1 - beta_2**t) / (1 - beta_1**t)

    Equivalently ``w <- w - (tau / alpha) * m_hat`` with
    ``m_hat = m / (1 - beta_1**t)`` and the per-weight step size
    ``tau / alpha = learning_rate_init * sqrt(1 - beta_2**t) / (sqrt(v) + epsilon)``,
    which ``step`` returns as its ``StepSizes``.

    Parameters
    ----------
    n_params : int
    dtype : numpy dtype
    learning_rate_init, beta_1, beta_2, epsilon : float
    """

    def __init__(
        self, n_params, dtype, learning_rate_init=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8
    ):
        self.learning_rate_init = float(learning_rate_init)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self.t = 0
        self.first_moment = np.zeros(n_params, dtype=dtype)
        self.second_moment = np.zeros(n_params, dtype=dtype)

    settings_names = {name: name for name in ("learning_rate_init", "beta_1", "beta_2", "epsilon")}

    _per_parameter = ("first_moment", "second_moment")

    @property
    def rate(self):
        """``learning_rate_init``: Adam's nominal step, the ``eta`` of ``l1_mode="shrink"``."""
        return self.learning_rate_init

    @property
    def first_moment_hat(self):
        """Bias-corrected first moment ``m_hat = m / (1 - beta_1**t)``."""
        return self.first_moment / (1 - self.beta_1**self.t)

    def _numerator(self):
        # math.sqrt keeps a Python float, which does not upcast float32 arrays.
        return self.learning_rate_init * math.sqrt(1 - self.beta_2**self.t)

    def step(self, params, grad, work=None):
        """Update ``params`` in place from the gradient ``grad``.

        Returns
        -------
        steps : StepSizes
            ``s_i = learning_rate_init * sqrt(1 - beta_2**t) / (sqrt(v_i) + epsilon)``,
            the denominators left in ``work`` by the step itself: the square
            root is the costliest part of it, and the penalty needs it too.
        """
        self.t += 1
        work = np.empty_like(params) if work is None else work
        # One square root serves the step and the step sizes it returns.
        root = math.sqrt(1 - self.beta_2**self.t)
        bias_correction = root / (1 - self.beta_1**self.t)
        adam_update(
            params,
            grad,
            self.first_moment,
            self.second_moment,
            work,
            self.beta_1,
            self.beta_2,
            self.epsilon,
            self.learning_rate_init * bias_correction,
        )
        return StepSizes(self.learning_rate_init, self.learning_rate_init * root, denominators=work)

    def step_sizes(self, n, work=None):
        """The last step's ``s_i`` for the first ``n`` parameters, denominators in ``work``."""
        denominators = np.sqrt(self.second_moment[:n], out=work)
        denominators += self.epsilon
        return StepSizes(self.learning_rate_init, self._numerator(), denominators=denominators)

    def end_epoch(self, n_samples_seen):
        """Adam has no schedule: nothing changes at an epoch's end."""

    def on_plateau(self):
        """Training stalled: Adam always stops (``True``)."""
        return True


#: The stochastic solvers by name: one line per optimizer.
OPTIMIZERS = {"sgd": SGD, "adam": Adam}


def make_optimizer(solver, n_params, dtype, **settings):
    """The optimizer named ``solver`` for ``n_params`` parameters.

    ``settings`` are scikit-learn's MLP hyperparameters by name
    (``learning_rate_init``, ``momentum``, ``beta_1``, ...); those not given
    take scikit-learn's defaults.
    """
    if solver not in OPTIMIZERS:
        raise ValueError(
            f"No stochastic optimizer named {solver!r}; use one of {sorted(OPTIMIZERS)}."
        )
    return OPTIMIZERS[solver].from_settings(n_params, dtype, **settings)
