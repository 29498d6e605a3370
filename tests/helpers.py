"""Plain functions several test modules share (fixtures are in conftest.py)."""


def penalized_step(penalty, optimizer, w, g):
    """One step on ``w`` in place, the hooks in the engine's order; returns its StepSizes.

    ``g`` is left unchanged (the step spends a copy).
    """
    g = g.copy()
    penalty.before_step(w, optimizer.rate)
    penalty.on_gradient(g, w)
    steps = optimizer.step(w, g)
    penalty.after_step(w, steps)
    return steps


def solvers_of(mode_class):
    """The solvers an l1_mode class works with: every optimizer, and lbfgs with a form."""
    from sklearn_l1mlp._optimizers import OPTIMIZERS

    return [*OPTIMIZERS, *(["lbfgs"] if mode_class.lbfgs_form is not None else [])]


class RecordingKernels:
    """Stands in for ``sklearn_l1mlp._kernels`` and records which loops were called.

    A test that compares the compiled loops with NumPy must show that the
    loops ran: a call that fell back to NumPy would compare NumPy with itself.
    """

    def __init__(self, kernels):
        self._kernels = kernels
        self.calls = set()

    def __getattr__(self, name):
        function = getattr(self._kernels, name)

        def recorded(*args, **kwargs):
            ran = function(*args, **kwargs)
            if ran:  # a loop that refused the arrays returns False
                self.calls.add(name)
            return ran

        return recorded
