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
