"""The training engine: epochs, mini-batches, the penalty hooks, stopping.

It trains a ``Network``'s flat parameter vector with an optimizer and an
``l1_mode`` penalty, and knows nothing of scikit-learn: the estimators
validate the data, split off the validation set and turn the results into
fitted attributes and warnings.

The objective, for the weights ``w`` that are penalized::

    J = (1/S) sum_i s_i l(y_i, f(x_i)) + alpha * sum |w| + l2_alpha/2 * sum w**2

evaluated per mini-batch (its weighted mean data term, the whole penalty;
see ``_penalties`` for the group term and the factors).
"""

import copy
import math
from dataclasses import dataclass

import numpy as np
import scipy.optimize

from ._losses import data_loss
from ._network import forward_pass
from ._sparse_rows import batch_reader

__all__ = [
    "DivergenceError",
    "LbfgsResult",
    "StochasticResult",
    "TrainingState",
    "evaluate_data_loss",
    "evaluate_objective",
    "lost_to_rounding",
    "train_lbfgs",
    "train_stochastic",
]


class DivergenceError(ValueError):
    """The loss or the weights became NaN or infinite during training."""


DIVERGENCE_MESSAGE = (
    "Training diverged: the loss or the weights became NaN or infinite at epoch {epoch}."
)


def evaluate_objective(network, params, penalty, n_penalized, X, Y, sample_weight=None):
    """The objective ``J`` on the whole of ``X``: data term plus penalty.

    Parameters
    ----------
    network : Network
    params : ndarray of shape (n_params,)
    penalty : L1Penalty
    n_penalized : int
    X, Y, sample_weight
        The data.

    Returns
    -------
    value : float
    """
    return evaluate_data_loss(network, params, X, Y, sample_weight) + penalty.value(
        params[:n_penalized]
    )


def evaluate_data_loss(network, params, X, Y, sample_weight=None):
    """The data term ``(1/S) sum_i s_i l(y_i, f(x_i))`` on the whole of ``X``.

    On held-out rows it is the deviance: the log-loss of a classifier, for
    instance.

    Parameters
    ----------
    network : Network
    params : ndarray of shape (n_params,)
    X, Y, sample_weight
        The data.

    Returns
    -------
    value : float
    """
    # forward_pass, not the training forward: it leaves out the columns whose
    # first-layer row is zero, which on a sparse wide network is most of them.
    coefs, intercepts = network.unpack(params)
    coefs, skip_coef = network.split_skip(coefs)
    output = forward_pass(
        X, coefs, intercepts, network.activation, network.output_activation, skip_coef
    )
    return data_loss(network.loss, Y, output, sample_weight)


#: The key under which ``TrainingState.bookkeeping`` keeps the curves' lengths.
_CURVE_LENGTHS = "curve_lengths"


class TrainingState:
    """What stochastic training carries from one call to the next.

    Parameters
    ----------
    optimizer : SGD or Adam
    penalty : L1Penalty
    n_penalized : int
        The penalized parameters are ``params[:n_penalized]``: the weights,
        or weights and biases when biases are penalized.
    early_stopping : bool
        Whether progress is judged by a validation score (True) or by the
        training loss (False).
    constraint : SkipHierarchy or None
        Projected onto after every step, once the penalty has made its own
        (``constraint.project(first_layer)``).

    Attributes
    ----------
    n_samples_seen : int
        Samples seen since the network was initialized (scikit-learn's ``t_``).
    loss_curve : list of float
        The objective per epoch.
    best_loss : float or None
    validation_scores : list of float or None
    best_validation_score : float or None
    no_improvement_count : int
        Consecutive epochs without improvement by more than ``tol``.
    """

    def __init__(self, optimizer, penalty, n_penalized, early_stopping, constraint=None):
        self.optimizer = optimizer
        self.penalty = penalty
        self.n_penalized = n_penalized
        self.constraint = constraint
        self.n_samples_seen = 0
        self.loss_curve = []
        self.no_improvement_count = 0
        if early_stopping:
            self.validation_scores = []
            self.best_validation_score = -np.inf
            self.best_loss = None
        else:
            self.validation_scores = None
            self.best_validation_score = None
            self.best_loss = np.inf

    def copy(self):
        """An independent deep copy, so a failed call can leave this one intact."""
        return copy.deepcopy(self)

    def bookkeeping(self):
        """The record (counters, bests, the curves' lengths), for ``restore``.

        What the Ctrl-C checkpoint keeps, taken every epoch, so it costs
        O(1): the curves only grow during a call, so their lengths stand for
        them (a copy of the loss curve each epoch made a fit quadratic in
        its number of epochs). The optimizer's moments are
        not kept: that would hold two more copies of the parameters.
        """
        record = {
            name: value
            for name, value in self.__dict__.items()
            if name not in ("optimizer", "penalty", "constraint", "loss_curve", "validation_scores")
        }
        scores = self.validation_scores
        record[_CURVE_LENGTHS] = (len(self.loss_curve), None if scores is None else len(scores))
        return record

    def restore(self, record):
        """Go back to what ``bookkeeping`` returned, earlier in the same call."""
        record = dict(record)
        n_losses, n_scores = record.pop(_CURVE_LENGTHS)
        del self.loss_curve[n_losses:]
        if n_scores is not None:
            del self.validation_scores[n_scores:]
        self.__dict__.update(record)

    def record(self, loss, validation_score, tol):
        """Record an epoch; return True when it improved the best by more than ``tol``.

        With early stopping the validation score is judged (higher is better),
        otherwise the training loss (lower is better), as scikit-learn does.
        """
        self.loss_curve.append(loss)
        if self.validation_scores is not None:
            self.validation_scores.append(validation_score)
            improved_by_tol = not validation_score < self.best_validation_score + tol
            is_best = validation_score > self.best_validation_score
            if is_best:
                self.best_validation_score = validation_score
        else:
            improved_by_tol = not loss > self.best_loss - tol
            is_best = loss < self.best_loss
            if is_best:
                self.best_loss = loss
        self.no_improvement_count = 0 if improved_by_tol else self.no_improvement_count + 1
        return is_best


class StochasticResult:
    """What a call to ``train_stochastic`` did.

    Attributes
    ----------
    params : ndarray
        The final parameters (the best ones with early stopping).
    n_iter : int
        Epochs completed in this call.
    converged : bool
        Whether training stopped because it stopped improving.
    interrupted : bool
        Whether a KeyboardInterrupt ended it (the last completed epoch is kept).
    diverged : bool
        Whether the loss became non-finite (only returned with early stopping).
    lost_to_rounding : float
        At the last step, the share of nonzero penalized weights whose
        penalty step was below the dtype's resolution (see
        ``L1Penalty.lost_to_rounding``).
    """

    def __init__(
        self, params, n_iter, converged, interrupted=False, diverged=False, lost_to_rounding=0.0
    ):
        self.params = params
        self.n_iter = n_iter
        self.converged = converged
        self.interrupted = interrupted
        self.diverged = diverged
        self.lost_to_rounding = lost_to_rounding


def _batch_penalized_step(network, params, grad, work, state, X_batch, Y_batch, sw_batch):
    """One training step on one batch; returns the batch objective before the step.

    ``grad`` and ``work`` are the engine's buffers of the parameters' size.
    The optimizer and the penalty meet only here, through ``rate`` and the
    ``StepSizes`` the step returns.
    """
    n_penalized = state.n_penalized
    weights, weight_grad = params[:n_penalized], grad[:n_penalized]
    penalty, optimizer = state.penalty, state.optimizer
    data_value, _ = network.loss_and_gradient(params, X_batch, Y_batch, sw_batch, grad)
    objective = data_value + penalty.value(weights)
    penalty.add_smooth_gradient(weight_grad, weights)
    # Free memory for the hooks: the step's buffer until the step, the spent
    # gradient after it.
    weight_work = work[:n_penalized]
    penalty.before_step(weights, optimizer.rate, weight_work)
    penalty.on_gradient(weight_grad, weights, weight_work)
    steps = optimizer.step(params, grad, work)
    penalty.after_step(weights, steps.head(n_penalized), weight_grad)
    if state.constraint is not None:
        state.constraint.project(network.unpack(params)[0][0])
    return objective


def _print_epoch(epoch, loss, network, params, state, validation_score):
    penalty_value = state.penalty.value(params[: state.n_penalized])
    zero_share = float(np.mean(params[: network.n_weights] == 0)) if network.n_weights else 0.0
    line = (
        f"Iteration {epoch}, loss = {loss:.8f} (data {loss - penalty_value:.8f}, "
        f"penalty {penalty_value:.8f}, weights exactly zero {zero_share:.1%})"
    )
    if validation_score is not None:
        line += f", validation score = {validation_score:.6f}"
    print(line)


# Overflow is detected after each epoch (or L-BFGS run) and reported as a
# DivergenceError that says what to change; NumPy's warnings would only
# repeat it less clearly.
_quiet_overflow = np.errstate(over="ignore", invalid="ignore")


@_quiet_overflow
def train_stochastic(
    network,
    params,
    state,
    X,
    Y,
    sample_weight=None,
    *,
    max_iter,
    batch_size,
    shuffle,
    rng,
    tol,
    n_iter_no_change,
    incremental=False,
    validation_score=None,
    keep_last_epoch_on_interrupt=False,
    verbose=False,
    epoch_offset=0,
    measure_rounding=True,
    order=None,
):
    """Train ``params`` by mini-batch sgd or adam with an ``l1_mode`` penalty.

    Works on the arrays it is given (``params`` and ``state`` are changed in
    place); a caller that must survive failure passes copies.

    Parameters
    ----------
    network : Network
    params : ndarray of shape (n_params,)
    state : TrainingState
    X : ndarray or CSR matrix of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None
    max_iter : int
        Maximum number of epochs.
    batch_size : int
        Rows per batch, at most ``n_samples``.
    shuffle : bool
        Whether to shuffle the rows each epoch.
    rng : numpy.random.RandomState
        Source of the shuffles.
    tol : float
    n_iter_no_change : int or inf
        Stop (or, for the adaptive schedule, lower the learning rate) after
        more than this many epochs without improvement by ``tol``.
    incremental : bool
        Run one epoch only (``partial_fit``).
    validation_score : callable or None
        ``validation_score(params) -> float``, higher is better; when given,
        progress is judged on it and the best parameters seen are returned.
    keep_last_epoch_on_interrupt : bool
        On KeyboardInterrupt, return the last completed epoch's parameters
        and record (``TrainingState.bookkeeping``) instead of raising (a
        plain ``fit``); the optimizer and penalty keep the partial epoch.
    verbose : bool
        Print one line per epoch.
    epoch_offset : int
        Epochs run before this call in the same fit (a working set's earlier
        rounds), for the numbers ``verbose`` prints.
    measure_rounding : bool
        Measure ``lost_to_rounding`` at the end (a pass over the weights; a
        working set's rounds leave it to the last).
    order : ndarray of int or None
        The running order of the rows, shuffled in place each epoch: a
        working set's rounds pass the same array, so that their epochs draw
        the rows as one call would. None: ``arange(n_samples)``, as each
        ``fit`` of scikit-learn's MLP starts.

    Returns
    -------
    result : StochasticResult

    Raises
    ------
    DivergenceError
        If the loss or the parameters become non-finite and there is no
        validation set to fall back on.
    """
    n_samples = X.shape[0]
    grad = np.empty_like(params)
    work = np.empty_like(params)
    order = np.arange(n_samples) if order is None else order
    # One batch of every row needs no gather: its gradient is a sum over the
    # rows, which their order changes only in rounding (the shuffle still
    # draws, so later draws agree).
    gather = shuffle and batch_size < n_samples
    take = batch_reader(X)  # X[rows], but CSR batches are read in place
    best_params = params.copy() if validation_score is not None else None
    checkpoint = None
    n_iter = 0
    converged = False
    try:
        for _ in range(max_iter):
            if shuffle:
                # In-place Fisher-Yates on the running order: the same draws as
                # scikit-learn's ``shuffle(sample_idx, random_state=rng)``.
                rng.shuffle(order)
            accumulated = 0.0
            for start in range(0, n_samples, batch_size):
                # Fancy indexing measured faster than np.take into a buffer.
                rows = (
                    order[start : start + batch_size]
                    if gather
                    else slice(start, start + batch_size)
                )
                sw_batch = None if sample_weight is None else sample_weight[rows]
                objective = _batch_penalized_step(
                    network, params, grad, work, state, take(rows), Y[rows], sw_batch
                )
                accumulated += objective * min(batch_size, n_samples - start)
            n_iter += 1
            loss = accumulated / n_samples
            if not (math.isfinite(loss) and np.isfinite(params).all()):
                if validation_score is None:
                    raise DivergenceError(DIVERGENCE_MESSAGE.format(epoch=n_iter))
                # The diverged epoch is not recorded, so it is not counted.
                return StochasticResult(best_params, n_iter - 1, converged=False, diverged=True)
            state.n_samples_seen += n_samples
            score = validation_score(params) if validation_score is not None else None
            if state.record(loss, score, tol) and best_params is not None:
                best_params[...] = params
            if verbose:
                _print_epoch(epoch_offset + n_iter, loss, network, params, state, score)
            state.optimizer.end_epoch(state.n_samples_seen)
            if state.no_improvement_count > n_iter_no_change:
                if state.optimizer.on_plateau():
                    converged = True
                    if verbose:
                        print(
                            f"No improvement by more than tol={tol} for "
                            f"{n_iter_no_change} consecutive epochs. Stopping."
                        )
                    break
                state.no_improvement_count = 0
                if verbose:
                    print(
                        f"No improvement for {n_iter_no_change} consecutive epochs. "
                        f"Learning rate set to {state.optimizer.learning_rate:g}."
                    )
            if incremental:
                break
            if keep_last_epoch_on_interrupt:
                # Drop the previous checkpoint before copying, so that only one
                # is ever alive: the copy is the size of the optimizer's state.
                checkpoint = None
                checkpoint = (params.copy(), state.bookkeeping(), n_iter)
    except KeyboardInterrupt:
        if not keep_last_epoch_on_interrupt or checkpoint is None:
            raise
        saved_params, saved_record, n_iter = checkpoint
        params[...] = saved_params
        # The weights and the record go back to the last completed epoch; the
        # optimizer's moments and the penalty's account keep the interrupted
        # epoch's steps (a later partial_fit continues from them).
        state.restore(saved_record)
        return StochasticResult(
            best_params if best_params is not None else params, n_iter, False, interrupted=True
        )
    final = best_params if best_params is not None else params
    lost = lost_to_rounding(state, params, work) if measure_rounding else 0.0
    return StochasticResult(final, n_iter, converged, lost_to_rounding=lost)


def lost_to_rounding(state, params, work=None):
    """The penalty's ``lost_to_rounding`` at the optimizer's last step sizes.

    ``work``, of the parameters' size or more, is a free buffer for them.
    """
    n_penalized = state.n_penalized
    steps = state.optimizer.step_sizes(n_penalized, None if work is None else work[:n_penalized])
    return state.penalty.lost_to_rounding(params[:n_penalized], steps)


_SCIPY_DEFAULT_FTOL = 2.220446049250313e-09


@dataclass
class LbfgsResult:
    """What a call to ``train_lbfgs`` did: ``params``, ``loss``, ``n_iter``, ``converged``."""

    params: np.ndarray
    loss: float
    n_iter: int
    converged: bool
    message: str


@_quiet_overflow
def train_lbfgs(
    network,
    params,
    penalty,
    n_penalized,
    X,
    Y,
    sample_weight=None,
    *,
    max_iter,
    max_fun,
    tol,
    verbose=False,
):
    """Minimize the full-batch objective with scipy's L-BFGS-B.

    The penalty's ``lbfgs_form`` says how L-BFGS-B sees it:

    * ``"subgradient"`` (``l1_mode="gradient"``): the gradient is
      ``dJ_data/dw + alpha * sign(w)`` (plus the group term's); L-BFGS-B
      treats the non-smooth ``|w|`` as smooth, so no weight ends exactly at 0.
    * ``"split"`` (``l1_mode="proximal"``): each penalized ``w = u - v`` with
      ``u, v >= 0``, so ``alpha * |w| = alpha * (u + v)`` at the solution and
      the problem is smooth with bounds: L-BFGS-B solves the L1 problem
      exactly, and weights whose ``u`` and ``v`` both end at their bound 0 are
      exactly 0.

    Parameters
    ----------
    network : Network
        Its layout and activations; the optimization runs in float64.
    params : ndarray of shape (n_params,)
        The starting point.
    penalty : L1Penalty
    n_penalized : int
    X, Y, sample_weight
        The training data.
    max_iter, max_fun : int
        L-BFGS-B's ``maxiter`` and ``maxfun``.
    tol : float
        L-BFGS-B's ``gtol`` (on the projected gradient); also its ``ftol``
        (relative decrease of the objective) when smaller than scipy's default.
    verbose : bool
        Print the objective after each iteration.

    Returns
    -------
    result : LbfgsResult
        ``params`` are in ``network.dtype``; ``loss`` is the objective there.
    """
    network64 = network.with_rows(network.layer_sizes[0], np.float64)
    grad = np.empty(network64.n_params)
    split = penalty.lbfgs_form == "split"
    n_free = network64.n_params - n_penalized
    last_value = [np.nan]

    def to_params(x):
        if not split:
            return x
        return np.concatenate(
            [x[:n_penalized] - x[n_penalized : 2 * n_penalized], x[2 * n_penalized :]]
        )

    def objective(x):
        current = to_params(x)
        data_value, _ = network64.loss_and_gradient(current, X, Y, sample_weight, grad)
        penalty.add_smooth_gradient(grad[:n_penalized], current[:n_penalized])
        if split:
            alphas = penalty.weight_alphas(n_penalized)
            value = (
                data_value
                + penalty.smooth_value(current[:n_penalized])
                + float(np.sum(alphas * (x[:n_penalized] + x[n_penalized : 2 * n_penalized])))
            )
            weight_grad = grad[:n_penalized]
            full_grad = np.concatenate(
                [weight_grad + alphas, alphas - weight_grad, grad[n_penalized:]]
            )
        else:
            penalty.on_gradient(grad[:n_penalized], current[:n_penalized])
            value = data_value + penalty.value(current[:n_penalized])
            full_grad = grad
        last_value[0] = value
        return value, full_grad

    iteration = [0]

    def report(_):
        iteration[0] += 1
        print(f"Iteration {iteration[0]}, loss = {last_value[0]:.8f}")

    start = params.astype(np.float64)
    if split:
        weights = start[:n_penalized]
        x0 = np.concatenate([np.maximum(weights, 0), np.maximum(-weights, 0), start[n_penalized:]])
        bounds = [(0, None)] * (2 * n_penalized) + [(None, None)] * n_free
    else:
        x0, bounds = start, None
    result = scipy.optimize.minimize(
        objective,
        x0,
        method="L-BFGS-B",
        jac=True,
        bounds=bounds,
        callback=report if verbose else None,
        # A tol tighter than scipy's default relative-decrease stop tightens
        # that stop too, so a small tol gives an accurate solution; at
        # scikit-learn's tol=1e-4 this is scipy's (and so sklearn's) default.
        options={
            "maxfun": max_fun,
            "maxiter": max_iter,
            "gtol": tol,
            "ftol": min(_SCIPY_DEFAULT_FTOL, tol),
        },
    )
    final = to_params(result.x).astype(network.dtype)
    if not (math.isfinite(result.fun) and np.isfinite(final).all()):
        raise DivergenceError(DIVERGENCE_MESSAGE.format(epoch=result.nit))
    return LbfgsResult(
        final, float(result.fun), int(result.nit), result.status == 0, str(result.message)
    )
