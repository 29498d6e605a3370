"""Stochastic optimizers on one flat parameter vector.

Scalars are kept as Python floats: NumPy's promotion rules let a Python
float combine with a float32 array without upcasting it.

The update rules and hyperparameters are scikit-learn's (``MLPClassifier``'s
``solver="sgd"`` and ``solver="adam"``). Besides ``step``, each optimizer
tells the penalties two step sizes:

* ``shrink_rate``: the scalar ``eta`` of ``l1_mode="shrink"``;
* ``prox_scale(n, scale, in_scratch)``: ``scale`` times the per-weight step
  size ``tau / alpha`` of the proximal and cumulative modes for the first
  ``n`` parameters (a scalar for sgd); ``prox_scale_parts(n, scale)`` gives
  it as ``numerator / denominators``, for loops that divide as they go;
* ``scratch(n)``: a work buffer the penalties may use between steps.

``step(params, grad)`` may overwrite ``grad``: it is spent once the step is
taken. ``restrict(index)`` and ``merge(part, index)`` hand a working set
(``_working_set``) the state of some of the parameters and take it back.
"""

import copy
import math

import numpy as np

from ._inplace import adam_update


class _Buffers:
    """Leaves work buffers out of copies and pickles; they are rebuilt on first use.

    The buffers hold nothing between steps that a step does not recompute,
    so a checkpoint or a pickled model needs only the real state, and a copy
    that is never stepped (the checkpoint of the last epoch) never holds them.
    """

    _buffer_names = ("_scratch",)

    def __getstate__(self):
        state = dict(self.__dict__)
        for name in self._buffer_names:
            state[name] = None
        state["_denominator_step"] = None
        return state

    def _state_like(self):
        """An array of the parameters' shape and dtype (part of the real state)."""
        raise NotImplementedError

    #: The step count whose denominator the scratch buffer still holds (Adam).
    _denominator_step = None

    def _ensure_buffers(self):
        if self._scratch is None:
            self._denominator_step = None
            for name in self._buffer_names:
                setattr(self, name, np.zeros_like(self._state_like()))

    def scratch(self, n):
        """A work buffer of ``n`` entries, free between steps (the next step overwrites it)."""
        self._ensure_buffers()
        # Whoever asks may write into it: what a step left there is gone.
        self._denominator_step = None
        return self._scratch[:n]

    def release_buffers(self):
        """Free the work buffers (a fitted model keeps only the real state)."""
        self._denominator_step = None
        for name in self._buffer_names:
            setattr(self, name, None)

    #: The arrays that hold one entry per parameter (the rest is scalars).
    _per_parameter = ()

    def restrict(self, index):
        """This optimizer for the parameters ``params[index]`` alone: a new one.

        Its per-parameter state is a copy of this one's at ``index``, its
        scalars (step count, learning rate) the same; a working set trains
        with it and hands it back to ``merge``.
        """
        part = copy.copy(self)
        for name in self._per_parameter:
            setattr(part, name, getattr(self, name)[index])
        part.release_buffers()
        return part

    def merge(self, part, index):
        """Take back what ``part = self.restrict(index)`` learned.

        Its per-parameter state goes to ``index``; its scalars replace this
        one's (the other parameters' state stays as it was, frozen).
        """
        for name, value in part.__dict__.items():
            if name in self._per_parameter:
                getattr(self, name)[index] = value
            elif name not in self._buffer_names and name != "_denominator_step":
                setattr(self, name, value)
        self._denominator_step = None


class SGD(_Buffers):
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
        learning_rate_init=0.1,
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
        self._scratch = np.empty(n_params, dtype=dtype)

    def step(self, params, grad):
        """Update ``params`` in place from the gradient ``grad``."""
        self._ensure_buffers()
        eta, velocity, scratch = self.learning_rate, self.velocity, self._scratch
        step = np.multiply(grad, eta, out=scratch)
        velocity *= self.momentum
        velocity -= step
        if self.nesterov:
            params -= step
            params += np.multiply(velocity, self.momentum, out=scratch)
        else:
            params += velocity

    _per_parameter = ("velocity",)

    def _state_like(self):
        return self.velocity

    @property
    def shrink_rate(self):
        """``eta``: the schedule's current learning rate."""
        return self.learning_rate

    def prox_scale(self, n, scale=1.0, in_scratch=False):
        """``scale`` times the step size of the first ``n`` parameters: ``scale * eta``.

        A scalar, the same for all (``in_scratch`` changes nothing).
        """
        return scale * self.learning_rate

    def prox_scale_parts(self, n, scale=1.0):
        """``prox_scale`` as ``(numerator, denominators)``: ``(scale * eta, None)``."""
        return scale * self.learning_rate, None

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


class Adam(_Buffers):
    """Adam (Kingma & Ba, 2014), with scikit-learn's formulas.

    At step ``t`` (counted from 1)::

        m <- beta_1 * m + (1 - beta_1) * g
        v <- beta_2 * v + (1 - beta_2) * g**2
        w <- w - lr_t * m / (sqrt(v) + epsilon),
        lr_t = learning_rate_init * sqrt(1 - beta_2**t) / (1 - beta_1**t)

    Equivalently ``w <- w - (tau / alpha) * m_hat`` with
    ``m_hat = m / (1 - beta_1**t)`` and the per-weight step size
    ``tau / alpha = learning_rate_init * sqrt(1 - beta_2**t) / (sqrt(v) + epsilon)``,
    which ``prox_scale`` returns.

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
        self._scratch = np.empty(n_params, dtype=dtype)

    def step(self, params, grad):
        """Update ``params`` in place from the gradient ``grad``."""
        self.t += 1
        self._ensure_buffers()
        # The denominator sqrt(v) + epsilon stays in the scratch buffer for
        # prox_scale: the square root is the costliest part of the step, and
        # keeping the denominator in an array of its own would cost one more
        # copy of the parameters for the whole fit.
        bias_correction = math.sqrt(1 - self.beta_2**self.t) / (1 - self.beta_1**self.t)
        adam_update(
            params,
            grad,
            self.first_moment,
            self.second_moment,
            self._scratch,
            self.beta_1,
            self.beta_2,
            self.epsilon,
            self.learning_rate_init * bias_correction,
        )
        self._denominator_step = self.t

    _per_parameter = ("first_moment", "second_moment")

    def _state_like(self):
        return self.first_moment

    @property
    def shrink_rate(self):
        """``learning_rate_init``: Adam's nominal step, used by ``l1_mode="shrink"``."""
        return self.learning_rate_init

    @property
    def first_moment_hat(self):
        """Bias-corrected first moment ``m_hat = m / (1 - beta_1**t)``."""
        return self.first_moment / (1 - self.beta_1**self.t)

    def prox_scale(self, n, scale=1.0, in_scratch=False):
        """``scale`` times the per-weight step size of the first ``n`` parameters.

        ``scale * learning_rate_init * sqrt(1 - beta_2**t) / (sqrt(v) + epsilon)``,
        after the last step. A new array, or with ``in_scratch=True`` the
        scratch buffer (valid until the buffer is next used): right after a
        step, which left ``sqrt(v) + epsilon`` there, that costs one division
        instead of three passes.
        """
        if in_scratch:
            numerator, denominator = self.prox_scale_parts(n, scale)
        else:
            numerator = self._numerator(scale)
            denominator = np.sqrt(self.second_moment[:n])
            denominator += self.epsilon
        return np.divide(numerator, denominator, out=denominator)

    def _numerator(self, scale):
        # math.sqrt keeps a Python float, which does not upcast float32 arrays.
        return scale * self.learning_rate_init * math.sqrt(1 - self.beta_2**self.t)

    def prox_scale_parts(self, n, scale=1.0):
        """``prox_scale(n, scale)`` as ``(numerator, denominators)``.

        ``numerator = scale * learning_rate_init * sqrt(1 - beta_2**t)`` and
        ``denominators = sqrt(v[:n]) + epsilon`` in the scratch buffer (what
        the last step left there, else recomputed; free to overwrite, valid
        until the buffer is next used).
        """
        if self._denominator_step == self.t and self._scratch is not None:
            denominators = self._scratch[:n]
            # Handed out to be overwritten: not to be read as kept again.
            self._denominator_step = None
        else:
            denominators = np.sqrt(self.second_moment[:n], out=self.scratch(n))
            denominators += self.epsilon
        return self._numerator(scale), denominators

    def end_epoch(self, n_samples_seen):
        """Adam has no schedule: nothing changes at an epoch's end."""

    def on_plateau(self):
        """Training stalled: Adam always stops (``True``)."""
        return True


def make_optimizer(
    solver,
    n_params,
    dtype,
    *,
    learning_rate_init=0.001,
    learning_rate="constant",
    momentum=0.9,
    nesterovs_momentum=True,
    power_t=0.5,
    beta_1=0.9,
    beta_2=0.999,
    epsilon=1e-8,
):
    """The optimizer named ``solver`` ("sgd" or "adam") for ``n_params`` parameters.

    The keyword defaults are scikit-learn's MLP defaults.
    """
    if solver == "sgd":
        return SGD(
            n_params,
            dtype,
            learning_rate_init,
            learning_rate,
            momentum,
            nesterovs_momentum,
            power_t,
        )
    if solver == "adam":
        return Adam(n_params, dtype, learning_rate_init, beta_1, beta_2, epsilon)
    raise ValueError(f"No stochastic optimizer named {solver!r}; use 'sgd' or 'adam'.")
