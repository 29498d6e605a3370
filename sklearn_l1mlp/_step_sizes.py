"""``StepSizes``: what an optimizer's step tells the penalty, and all it tells it.

The contract between the two sides of a training step. An optimizer's
``step`` returns one; the engine hands it to the penalty's ``after_step``.
Neither side reads the other's attributes, so a new optimizer or a new
``l1_mode`` is written against this object alone.

A step moves weight ``i`` by ``-s_i * d_i`` (``d`` the gradient, or for Adam
its bias-corrected first moment), with the per-weight step size::

    s_i = numerator / denominators_i       (Adam: denominators = sqrt(v) + epsilon)
    s_i = numerator                        (sgd: denominators is None)

and the proximal step of an L1 penalty ``alpha * |w_i|`` is then
``tau_i = alpha * s_i``.
"""

import numpy as np


class StepSizes:
    """The step sizes of one optimizer step.

    Parameters
    ----------
    rate : float
        The optimizer's nominal learning rate at this step: the schedule's
        ``eta`` for sgd, ``learning_rate_init`` for Adam (the ``eta`` of
        ``l1_mode="shrink"``).
    numerator : float
        The scalar part of the per-weight step sizes.
    denominators : ndarray or None
        The per-weight part (``None``: every weight's step size is
        ``numerator``). A work buffer the engine owns: whoever reads it may
        overwrite it, after which ``per_weight`` is no longer valid.
    spare : ndarray or None
        Where ``denominators`` is None, a free work buffer of the same size
        (the one the step used for its temporaries), for the penalty.
    """

    __slots__ = ("rate", "numerator", "denominators", "spare")

    def __init__(self, rate, numerator, denominators=None, spare=None):
        self.rate = float(rate)
        self.numerator = float(numerator)
        self.denominators = denominators
        self.spare = spare

    def spare_or_new(self, like):
        """``spare``, or a new array like ``like`` where the step left none free."""
        return np.empty_like(like) if self.spare is None else self.spare

    def head(self, n):
        """The step sizes of the first ``n`` parameters (views, no copy)."""
        return StepSizes(
            self.rate,
            self.numerator,
            None if self.denominators is None else self.denominators[:n],
            None if self.spare is None else self.spare[:n],
        )

    @property
    def per_weight_sizes(self):
        """Whether the step sizes differ per weight (there are denominators)."""
        return self.denominators is not None

    def per_weight(self, scale=1.0, in_place=False):
        """``scale * s``: a scalar for sgd, else an array of ``scale * s_i``.

        The array is new, or with ``in_place=True`` written over
        ``denominators`` (no allocation; ``per_weight`` is then spent).
        """
        if self.denominators is None:
            return scale * self.numerator
        return np.divide(
            scale * self.numerator, self.denominators, out=self.denominators if in_place else None
        )
