"""Working sets for the first layer: train on the features in use, check the rest by KKT.

On wide data a sparse network's first layer is mostly zero rows, yet every
product through ``W1`` multiplies them. As glmnet, celer and skglm do for
linear models (Johnson & Guestrin, 2015; Massias et al., 2018), training
here runs in rounds on a *reduced* network that holds only the rows of
``W1`` in the working set: the forward and backward products, the
optimizer's step and the penalty's step all cost what those rows cost.

Between rounds the working set shrinks to the rows that are nonzero, and a
KKT check on the full data brings back every zero row that the penalty
would not keep at zero. A zero row ``j`` is optimal when the full-batch
gradient ``G_j`` of the data term on its weights satisfies::

    || S(G_j, c_j * alpha) ||_2 <= c_j * feature_alpha

with ``S`` soft-thresholding and ``c_j`` the row's penalty factor: the
per-weight step then thresholds ``G_j`` to ``S(G_j)``, and the group step
takes what is left back to zero (with ``feature_alpha = 0``: every
``|G_jk| <= c_j * alpha``). The same condition holds under adam's
preconditioning, where a weight at zero stays there when
``|m_hat| <= c_j * alpha``. Training ends only when the reduced problem has
stopped improving and the check finds no violator, so the answer is that of
the full problem; only the epochs differ in cost.

The check needs ``X.T @ delta_1`` over all columns: one pass over ``X`` (no
hidden-layer product), made at the end of a round once rounds are long. On
dense float64 data that pass runs in float32 with a bound on its rounding,
and the few rows the bound leaves in doubt are made again in float64
(``CheckData``), so the check's answer is still the exact one.
Rounds grow 1, 2, 4, ... epochs up to ``MAX_ROUND``, so a fresh fit's first
epochs, while rows are still dying, shrink the set often.
"""

import copy

import numpy as np
import scipy.sparse as sp

from ._engine import StochasticResult, lost_to_rounding, train_stochastic

#: Train the full problem instead when more than this share of rows is in use.
FULL_SHARE = 0.5
#: The longest round, in epochs.
MAX_ROUND = 32
#: Rounds this long or longer end with a KKT check (shorter ones only shrink).
CHECK_FROM = 8
#: Times training restarts after it stopped improving, to train the rows
#: the check brought back, before it stops for good.
MAX_RESTARTS = 2
#: Rows per chunk of the KKT pass, so that its activations stay small.
_CHECK_CHUNK = 4096
#: The largest float32 copy of ``X`` the check makes to run twice as fast.
_SINGLE_COPY_BYTES = 2**28


class WorkingSet:
    """The reduced network that keeps the rows ``rows`` of ``W1``, and its index maps.

    Parameters
    ----------
    network : Network
        The full network.
    rows : ndarray of int
        The input features kept, sorted.
    n_penalized : int
        The full network's penalized parameters (``params[:n_penalized]``).

    Attributes
    ----------
    network : Network
        The reduced network, ``[len(rows), hidden..., outputs]``.
    index : ndarray of int
        Where each reduced parameter sits in the full vector: ``W1[rows]``
        row by row, then every other weight and bias.
    n_penalized : int
        The reduced network's penalized parameters.
    """

    def __init__(self, network, rows, n_penalized):
        # A first-layer row holds the hidden units' weights and, with a linear
        # skip, the skip's: all of a feature's weights.
        n_features, n_units = network.coef_shapes[0]
        self.rows = np.asarray(rows, dtype=np.intp)
        first = (self.rows[:, None] * n_units + np.arange(n_units)).ravel()
        self.index = np.concatenate([first, np.arange(n_features * n_units, network.n_params)])
        self.network = network.with_rows(self.rows.size)
        self.n_penalized = n_penalized - (n_features - self.rows.size) * n_units

    def columns(self, X):
        """The columns ``rows`` of ``X`` (dense, or CSC: a cheap slice) as training takes them."""
        if sp.issparse(X):
            return X[:, self.rows].tocsr()
        return X[:, self.rows]  # fancy indexing: faster than np.take here

    def restrict(self, state):
        """A ``TrainingState`` for the reduced parameters: the optimizer's and penalty's share.

        The record (samples seen, loss curve, bests, counters) is shared
        with ``state`` until ``merge`` copies the scalars back.
        """
        part = copy.copy(state)
        part.optimizer = state.optimizer.restrict(self.index)
        part.penalty = state.penalty.restrict(self.rows, self.index[: self.n_penalized])
        part.n_penalized = self.n_penalized
        return part

    def merge(self, params, state, part_params, part_state):
        """Write the reduced parameters and state back into the full ones."""
        params[self.index] = part_params
        state.optimizer.merge(part_state.optimizer, self.index)
        state.penalty.merge(part_state.penalty, self.index[: self.n_penalized], state.n_penalized)
        for name, value in part_state.__dict__.items():
            if name not in ("optimizer", "penalty", "n_penalized"):
                setattr(state, name, value)


def nonzero_rows(network, params):
    """The input features whose row of ``W1`` has a nonzero weight."""
    first = network.unpack(params)[0][0]
    return np.flatnonzero(np.any(first != 0, axis=1))


class CheckData:
    """``X`` in the forms the KKT check reads, made once per fit.

    The check's cost is the product ``X.T @ delta`` over every column. On
    dense float64 ``X`` it is made in float32 (about twice as fast) with a
    bound on its rounding, and only the rows whose answer that bound leaves
    in doubt are made again in float64: the violators are those of an exact
    check. The float32 copy is made at the first check, so a fit that never
    checks (every round on the full network) pays nothing for it.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)

    Attributes
    ----------
    rows : ndarray or CSR matrix
        ``X``, sliced by rows (chunks of samples).
    columns : ndarray or CSC matrix
        ``X``, sliced by columns (the working set's).
    fast : bool
        Whether the check runs in float32: dense float64 ``X`` whose copy
        takes at most ``_SINGLE_COPY_BYTES`` (half of ``X``'s memory).
    """

    def __init__(self, X):
        sparse = sp.issparse(X)
        self.rows = X.tocsr() if sparse else X
        self.columns = X.tocsc() if sparse else X
        self.fast = not sparse and X.dtype == np.float64 and X.size * 4 <= _SINGLE_COPY_BYTES
        self._single = self._column_norms = None

    @property
    def single(self):
        """The float32 copy of ``X`` (made on first use), or None when not ``fast``."""
        if self.fast and self._single is None:
            self._single = self.rows.astype(np.float32)
            self._column_norms = np.sqrt(np.einsum("ij,ij->j", self._single, self._single))
        return self._single

    @property
    def column_norms(self):
        """``||X[:, j]||_2`` from ``single``, for the rounding bound (None when not ``fast``)."""
        return None if self.single is None else self._column_norms


def kkt_violators(network, params, penalty, X, Y, sample_weight, rows, data=None):
    """The zero rows of ``W1`` that the full-data gradient would move off zero.

    Parameters
    ----------
    network : Network
    params : ndarray of shape (n_params,)
        Rows of ``W1`` outside ``rows`` must be zero.
    penalty : L1Penalty
        Its ``alpha``, ``feature_alpha`` and ``penalty_factors`` set the
        thresholds (module docstring).
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray or None
    rows : ndarray of int
        The rows in use; only the others are checked.
    data : CheckData, optional
        ``CheckData(X)``, when the caller has it already.

    Returns
    -------
    violators : ndarray of int
    """
    n_features = network.layer_sizes[0]
    zero = np.setdiff1d(np.arange(n_features), rows, assume_unique=True)
    if zero.size == 0:
        return zero
    data = CheckData(X) if data is None else data
    gradient, error = _first_layer_gradient(
        network, params, data, Y, sample_weight, rows, fast=data.fast
    )
    factors = 1.0 if penalty.penalty_factors is None else penalty.penalty_factors[zero]
    threshold = np.broadcast_to(penalty.alpha * factors, zero.shape)[:, None]
    # A relative margin keeps rounding from flagging a row that sits on the bound.
    bound = penalty.feature_alpha * factors * (1 + 1e-7) + 1e-12
    bound = np.broadcast_to(bound, zero.shape)
    magnitudes = np.abs(gradient[zero])
    if error is None:
        return zero[_thresholded_norms(magnitudes, threshold) > bound]
    # Each entry is within ``spread`` of the exact one, and the thresholded
    # norm grows with every magnitude: thresholds raised and lowered by the
    # spread give a sure lower and upper norm. A row whose entries all stay
    # under their threshold, rounding and all, is settled (most rows, when
    # feature_alpha is 0); the rows the two norms leave in doubt are made again.
    spread = error[zero]
    open_rows = np.flatnonzero(magnitudes.max(axis=1) + spread > threshold[:, 0])
    magnitudes, threshold, bound = magnitudes[open_rows], threshold[open_rows], bound[open_rows]
    spread = spread[open_rows, None]
    violate = _thresholded_norms(magnitudes, threshold + spread) > bound
    doubtful = ~violate & (_thresholded_norms(magnitudes, threshold - spread) > bound)
    if np.any(doubtful):
        exact, _ = _first_layer_gradient(
            network, params, data, Y, sample_weight, rows, columns=zero[open_rows[doubtful]]
        )
        violate[doubtful] = _thresholded_norms(np.abs(exact), threshold[doubtful]) > bound[doubtful]
    return zero[open_rows[violate]]


def _thresholded_norms(magnitudes, threshold):
    """``||max(|G_j| - threshold_j, 0)||_2`` for each row: the norm after soft-thresholding."""
    excess = np.maximum(magnitudes - threshold, 0.0)
    return np.sqrt(np.einsum("ij,ij->i", excess, excess))


def _first_layer_gradient(network, params, data, Y, sample_weight, rows, columns=None, fast=False):
    """``dJ_data / dW1`` on all of ``X``, through the reduced network on ``rows``.

    Rows of ``X`` are taken in chunks; each chunk's delta is rescaled from
    its own mean to the whole data's. Only the rows ``columns`` of the
    gradient are made (all by default). With ``fast`` the product is made
    in float32 and an upper bound on each row's error is returned too
    (else None): a float32 dot product of ``m`` terms errs by at most
    ``gamma_(m+2) sum_i |x_ij delta_ik|`` (Higham, 2002, with the rounding
    of both factors), and by Cauchy-Schwarz over the samples and then the
    chunks the error of row ``j`` is at most
    ``gamma ||X[:, j]|| sqrt(sum_chunks (share ||delta||_F)**2)``.
    """
    reduced = WorkingSet(network, rows, network.n_weights)
    part_params = params[reduced.index]
    X_used = reduced.columns(data.columns)
    X_rows = data.single if fast else data.rows
    if columns is not None:
        X_rows = X_rows[:, columns]
    n_samples = X_used.shape[0]
    total = n_samples if sample_weight is None else float(sample_weight.sum())
    gradient = np.zeros((X_rows.shape[1], network.coef_shapes[0][1]))
    grad = np.empty(reduced.network.n_params, dtype=network.dtype)
    delta_squares = 0.0
    for start in range(0, n_samples, _CHECK_CHUNK):
        chunk = slice(start, start + _CHECK_CHUNK)
        weights = None if sample_weight is None else sample_weight[chunk]
        share = min(_CHECK_CHUNK, n_samples - start) if weights is None else weights.sum()
        if total <= 0 or share <= 0:
            continue
        _, _, delta = reduced.network.loss_and_gradient(
            part_params, X_used[chunk], Y[chunk], weights, grad, return_input_delta=True
        )
        if fast:
            delta_squares += (share / total * np.linalg.norm(delta)) ** 2
            delta = delta.astype(np.float32)
        gradient += (X_rows[chunk].T @ delta) * (share / total)
    if not fast:
        return gradient, None
    unit = np.finfo(np.float32).eps / 2
    terms = min(_CHECK_CHUNK, n_samples) + 2
    gamma = terms * unit / (1 - terms * unit)
    # 1.01 covers the float32 column norms and the float64 sums around the product.
    error = 1.01 * gamma * data.column_norms.astype(np.float64) * np.sqrt(delta_squares)
    if not np.all(np.isfinite(gradient)):
        error = np.full_like(error, np.inf)  # out of float32's range: every row made again
    return gradient, error


def train_with_working_set(
    network,
    params,
    state,
    X,
    Y,
    sample_weight=None,
    *,
    max_iter,
    validation_score=None,
    keep_last_epoch_on_interrupt=False,
    **round_settings,
):
    """``train_stochastic`` in rounds on working sets of ``W1``'s rows (module docstring).

    Takes and returns what ``train_stochastic`` does (``params`` and
    ``state`` are changed in place), for a full ``fit`` (not ``partial_fit``);
    ``round_settings`` are its other keywords (``batch_size``, ``shuffle``,
    ``rng``, ``tol``, ``n_iter_no_change``, ``verbose``), given to every
    round. The epochs, their order of rows (one running shuffle for all the
    rounds) and the stopping rule are the same; the zero rows outside the
    working set simply cost nothing.
    """
    n_features = network.layer_sizes[0]
    data = CheckData(X)
    order = np.arange(X.shape[0])  # the rows' running order, shared by the rounds
    best = None if validation_score is None else params.copy()
    n_iter, length, converged, result, restarts = 0, 1, False, None, 0
    rows = nonzero_rows(network, params)
    if rows.size < n_features:  # a warm start: bring back what the new penalty frees
        rows = np.union1d(
            rows,
            kkt_violators(network, params, state.penalty, X, Y, sample_weight, rows, data),
        )
    while n_iter < max_iter:
        round_epochs = min(length, max_iter - n_iter)
        settings = dict(
            round_settings,
            max_iter=round_epochs,
            epoch_offset=n_iter,
            measure_rounding=False,
            order=order,
            # After the first round an interruption returns the last round's end.
            keep_last_epoch_on_interrupt=keep_last_epoch_on_interrupt and n_iter == 0,
        )
        full_round = rows.size > FULL_SHARE * n_features
        best_before = state.best_validation_score
        # After the first round an interruption goes back to the round's start:
        # the first round keeps train_stochastic's own checkpoint instead.
        start = params.copy() if full_round and keep_last_epoch_on_interrupt and n_iter else None
        try:
            if full_round:
                result = train_stochastic(
                    network,
                    params,
                    state,
                    X,
                    Y,
                    sample_weight,
                    validation_score=validation_score,
                    **settings,
                )
                round_best = result.params
            else:
                reduced = WorkingSet(network, rows, state.n_penalized)
                part_params, part_state = params[reduced.index], reduced.restrict(state)
                result = train_stochastic(
                    reduced.network,
                    part_params,
                    part_state,
                    reduced.columns(data.columns),
                    Y,
                    sample_weight,
                    validation_score=_scattered(validation_score, params, reduced.index),
                    **settings,
                )
                reduced.merge(params, state, part_params, part_state)
                round_best = None
                if validation_score is not None:
                    round_best = params.copy()
                    round_best[reduced.index] = result.params
        except KeyboardInterrupt:
            if not keep_last_epoch_on_interrupt or n_iter == 0:
                raise
            if start is not None:
                params[...] = start  # the full round was cut short: back to its start
            return StochasticResult(
                params if best is None else best, n_iter, False, interrupted=True
            )
        n_iter += result.n_iter
        improved = best is not None and state.best_validation_score > best_before
        if improved and not result.diverged:
            best[...] = round_best
        if result.interrupted or result.diverged:
            return StochasticResult(
                params if best is None else best,
                n_iter,
                False,
                interrupted=result.interrupted,
                diverged=result.diverged,
            )
        rows = nonzero_rows(network, params)
        if full_round:
            if result.converged:
                converged = True
                break
        elif result.converged or (round_epochs >= CHECK_FROM and n_iter < max_iter):
            violators = kkt_violators(
                network, params, state.penalty, X, Y, sample_weight, rows, data
            )
            if result.converged and (violators.size == 0 or restarts == MAX_RESTARTS):
                # Stochastic steps leave rows near the bound flickering on and
                # off; full training stops with them too, so a few restarts
                # settle what can be settled.
                converged = True
                break
            if violators.size:
                rows = np.union1d(rows, violators)
            if result.converged:
                restarts += 1
                state.no_improvement_count = 0  # the new rows have yet to be trained
        length = min(2 * length, MAX_ROUND)
    lost = lost_to_rounding(state, params)
    return StochasticResult(
        params if best is None else best, n_iter, converged, lost_to_rounding=lost
    )


def _scattered(validation_score, params, index):
    """``validation_score`` of the full parameters with the reduced ones written in."""
    if validation_score is None:
        return None
    full = params.copy()

    def score(part_params):
        full[index] = part_params
        return validation_score(full)

    return score
