"""The scikit-learn estimators ``L1MLPClassifier`` and ``L1MLPRegressor``.

They validate input, keep fitted attributes and translate the engine's
results into scikit-learn's conventions (warnings, ``classes_``, shapes).
All numerics live in the engine (``_engine`` and below).
"""

import functools
import warnings
from abc import ABC, abstractmethod
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_array, check_random_state, column_or_1d
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data

from ._engine import (
    L1_MODES,
    Network,
    TrainingState,
    check_mode,
    feature_importances,
    forward_pass,
    make_optimizer,
    make_penalty,
    objective,
    train_lbfgs,
    train_stochastic,
)
from ._working_set import train_with_working_set

_STOCHASTIC_SOLVERS = ("sgd", "adam")
#: With working_set="auto", the fewest features for which fit uses one: below,
#: the rounds' bookkeeping costs about what the skipped products save.
_WORKING_SET_MIN_FEATURES = 100
#: Warn when rounding drops the penalty step of more than this share of weights.
_ROUNDING_WARNING_SHARE = 0.1

_PARAMETERS_DOC = """
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of units in the ith hidden layer;
        ``()`` means no hidden layer (a linear or logistic model).

    activation : {"identity", "logistic", "tanh", "relu"}, default="relu"
        Activation of the hidden layers.

    solver : {"lbfgs", "sgd", "adam"}, default="adam"
        The optimizer. ``"lbfgs"`` works with ``l1_mode="gradient"`` and
        ``"proximal"`` (the exact L1 problem, see ``l1_mode``).

    alpha : float, default=1e-4
        Strength of the L1 penalty ``alpha * sum |w|`` over all weights (and
        biases when ``penalize_bias=True``). Unlike scikit-learn's MLP, whose
        ``alpha`` is an L2 strength divided by the batch's sample count, it is
        **not** divided by the number of samples (the convention of ``Lasso``
        and ``SGDClassifier``), so a good value does not move as the data set
        grows. ``alpha=0`` means no penalty. Units matter: the penalty charges
        every weight alike, so a column in small units (which needs large
        weights) pays more to be used than the same column in large units.
        Standardize the columns first (``make_pipeline(StandardScaler(),
        model)``), or use the CV estimators, which do it inside ``fit``.

    batch_size : int or "auto", default="auto"
        Rows per mini-batch; ``"auto"`` is ``min(200, n_samples)``. A value
        larger than the data is clipped to it, with a warning.

    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Learning-rate schedule of ``solver="sgd"``, as in scikit-learn.

    learning_rate_init : float, default=1e-3
        Initial learning rate (``"sgd"``, ``"adam"``).

    power_t : float, default=0.5
        Exponent of the ``"invscaling"`` schedule.

    max_iter : int, default=200
        Maximum number of epochs (``"sgd"``, ``"adam"``) or of iterations
        (``"lbfgs"``).

    shuffle : bool, default=True
        Whether to shuffle the rows each epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds the initialization, the early-stopping split and the shuffles.

    tol : float, default=1e-4
        Training stops when the loss (or the validation score with early
        stopping) fails to improve by ``tol`` for ``n_iter_no_change``
        consecutive epochs. For lbfgs it bounds the projected gradient and,
        when below scipy's default of 2.2e-9, the relative decrease of the
        objective at which L-BFGS-B stops.

    verbose : bool, default=False
        Print one line per epoch: the objective, its data and penalty terms
        and the share of weights that are exactly zero.

    warm_start : bool, default=False
        Start ``fit`` from the previous solution. The optimizer's and the
        penalty's state start afresh, as in scikit-learn, and so does the
        stopping criterion (scikit-learn carries its no-improvement count
        over, so a warm fit after a converged one stops after one epoch).

    momentum : float, default=0.9
        Momentum of ``solver="sgd"``.

    nesterovs_momentum : bool, default=True
        Whether ``solver="sgd"`` uses Nesterov's momentum.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data, stop when its score stops
        improving and keep the best weights seen (``"sgd"``, ``"adam"``).

    validation_fraction : float, default=0.1
        Share of the data held out for early stopping.

    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of Adam's first and second moment estimates.

    epsilon : float, default=1e-8
        Adam's numerical-stability constant.

    n_iter_no_change : int, default=10
        Epochs without improvement by ``tol`` before stopping.

    max_fun : int, default=15000
        Maximum number of loss evaluations of ``solver="lbfgs"``.

    l1_mode : {"proximal", "cumulative", "shrink", "gradient"}, default="proximal"
        How the penalty is applied, with ``g`` the data term's gradient,
        ``step(g)`` the optimizer's change and ``tau`` the optimizer's step
        size times ``alpha`` (``eta * alpha`` for sgd, per weight for adam):

        - ``"gradient"``: ``w <- w + step(g + alpha * sign(w))``, through
          momentum and Adam's scaling; no exact zeros. sgd, adam, lbfgs.
        - ``"shrink"``: ``w <- w - eta * alpha * sign(w)``, then
          ``w <- w + step(g)``; no exact zeros. sgd, adam.
        - ``"proximal"``: ``w <- w + step(g)``, then soft-thresholding
          ``w <- sign(w) * max(|w| - tau, 0)``; exact zeros. sgd, adam; with
          lbfgs the L1 problem is solved exactly as ``w = u - v``,
          ``u, v >= 0``, under L-BFGS-B's bounds.
        - ``"cumulative"``: the clipped cumulative penalty of Tsuruoka et al.
          (2009), as ``SGDClassifier(penalty="l1")``; exact zeros. sgd, adam.

    penalize_bias : bool, default=False
        Whether the biases are penalized too.

    feature_alpha : float, default=0.0
        Strength of a group penalty ``feature_alpha * sum_j ||W1[j, :]||_2`` on
        each input feature's row of first-layer weights (Scardapane et al.,
        2017), applied through the same ``l1_mode``: its subgradient
        (``"gradient"``), a direct shrink of the row along its direction
        (``"shrink"``), or block soft-thresholding
        ``W1[j] <- W1[j] * max(0, 1 - tau_j / ||W1[j]||)`` with
        ``tau_j = feature_alpha / mean_k(1 / s_jk)``, ``s`` each weight's step size
        (``"proximal"`` and ``"cumulative"``). It zeroes whole rows, and so
        drops whole features, where the per-weight ``alpha`` seldom does. Not
        available with ``solver="lbfgs"`` and ``l1_mode="proximal"``.

    penalty_factors : array-like of shape (n_features,), default=None
        A factor ``c_j >= 0`` per input feature on both penalties of its row of
        first-layer weights (glmnet's ``penalty.factor``): that row pays
        ``c_j * alpha * sum_k |W1[j, k]|`` and
        ``c_j * feature_alpha * ||W1[j, :]||_2``; other layers are unchanged.
        ``0`` leaves a feature unpenalized. The adaptive lasso (Zou, 2006)
        sets ``c_j`` from a first fit's feature importances, as the CV
        estimators do with ``adaptive=True``. ``None``: 1 for every feature.

    working_set : bool or "auto", default="auto"
        Train in rounds on the input features whose first-layer row is
        nonzero, bringing back a zero row whenever a check on the full data
        (its KKT condition) says the penalty would not keep it at zero
        (glmnet's and celer's working sets): the same problem, at the cost
        of the features in use rather than of all of them. ``"auto"``: on
        for sgd and adam with an exact-zero ``l1_mode`` and at least 100
        features; ``partial_fit`` always trains every row.
"""

_ATTRIBUTES_DOC = """
    loss_ : float
        The objective (data term plus penalty) of the last epoch or, for
        lbfgs, at the solution.

    best_loss_ : float or None
        Lowest ``loss_curve_`` value; ``None`` with early stopping.

    loss_curve_ : list of float
        Per epoch, the mean over its batches of the objective on each batch
        just before its step, weighted by the batch's rows (sgd, adam).

    validation_scores_ : list of float or None
        Validation score per epoch with early stopping, else ``None``.

    best_validation_score_ : float or None
        Best validation score with early stopping, else ``None``.

    t_ : int
        Number of training samples seen by the optimizer.

    coefs_ : list of ndarray
        ``coefs_[i]`` is the weight matrix from layer ``i`` to layer ``i + 1``.

    intercepts_ : list of ndarray
        ``intercepts_[i]`` is the bias vector of layer ``i + 1``.

    feature_importances_ : ndarray of shape (n_features_in_,)
        Row sums of ``|W_1| @ |W_2| @ ... @ |W_L|``, normalized to sum to 1;
        exactly 0 for a feature no path of nonzero weights connects to an
        output. ``SelectFromModel(est, threshold=1e-12)`` keeps exactly the
        features the network can use.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names seen during ``fit``, when ``X`` has string column names.

    n_iter_ : int
        Epochs (sgd, adam) or iterations (lbfgs) run by the last call.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of outputs.

    out_activation_ : str
        Activation of the output layer.
"""


def _transactional(method):
    """Run ``method`` so that an exception leaves the estimator as it was.

    Training works on copies and replaces attributes only when it succeeds,
    so restoring the attribute dictionary as it was on entry undoes any
    partial change.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        saved = dict(self.__dict__)
        try:
            return method(self, *args, **kwargs)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise

    return wrapper


def _check_sample_weight(sample_weight, X):
    """``sample_weight`` as a 1-D array of X's dtype, or None; clear errors if bad."""
    if sample_weight is None:
        return None
    n_samples = X.shape[0]
    if isinstance(sample_weight, Real):
        return np.full(n_samples, sample_weight, dtype=X.dtype)
    sample_weight = check_array(
        sample_weight, ensure_2d=False, dtype=X.dtype, input_name="sample_weight"
    )
    if sample_weight.shape != (n_samples,):
        raise ValueError(
            f"sample_weight.shape == {sample_weight.shape}, expected ({n_samples},): "
            "give one weight per row of X."
        )
    if np.any(sample_weight < 0):
        raise ValueError("sample_weight has negative values; every weight must be >= 0.")
    if not sample_weight.sum() > 0:
        raise ValueError("sample_weight sums to zero: give at least one sample a positive weight.")
    return sample_weight


def _stochastic_solver_only(estimator):
    if estimator.solver not in _STOCHASTIC_SOLVERS:
        raise AttributeError(
            f"partial_fit is only available for solver='sgd' or 'adam', "
            f"not solver={estimator.solver!r}."
        )
    return True


class _BaseL1MLP(BaseEstimator, ABC):
    """Shared fitting logic of the two estimators; not for direct use."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions({"identity", "logistic", "tanh", "relu"})],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "l1_mode": [StrOptions(set(L1_MODES))],
        "penalize_bias": ["boolean"],
        "feature_alpha": [Interval(Real, 0, None, closed="left")],
        "penalty_factors": ["array-like", None],
        "working_set": ["boolean", StrOptions({"auto"})],
    }

    @abstractmethod
    def __init__(
        self,
        hidden_layer_sizes,
        activation,
        solver,
        alpha,
        batch_size,
        learning_rate,
        learning_rate_init,
        power_t,
        max_iter,
        shuffle,
        random_state,
        tol,
        verbose,
        warm_start,
        momentum,
        nesterovs_momentum,
        early_stopping,
        validation_fraction,
        beta_1,
        beta_2,
        epsilon,
        n_iter_no_change,
        max_fun,
        l1_mode,
        penalize_bias,
        feature_alpha,
        penalty_factors,
        working_set,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.l1_mode = l1_mode
        self.penalize_bias = penalize_bias
        self.feature_alpha = feature_alpha
        self.penalty_factors = penalty_factors
        self.working_set = working_set

    # -- what the subclasses define ---------------------------------------
    @abstractmethod
    def _validate_input(self, X, y, incremental, reset):
        """Validated ``X`` and the targets as a 2-D array of X's dtype."""

    @abstractmethod
    def _output_activation(self, Y):
        """Output activation for targets ``Y`` on the first fit."""

    @abstractmethod
    def _targets(self, y):
        """``y`` as the 2-D array the network is trained against."""

    @abstractmethod
    def _validation_split(self, network, X, Y, sample_weight, rng):
        """Split off the early-stopping set; return train parts and a scorer."""

    # -- fitting -----------------------------------------------------------
    def _hidden_layer_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = list(sizes) if np.iterable(sizes) else [sizes]
        if any(not isinstance(size, Integral) or size <= 0 for size in sizes):
            raise ValueError(
                f"hidden_layer_sizes must be positive integers, got {self.hidden_layer_sizes!r}."
            )
        return [int(size) for size in sizes]

    def _fit(self, X, y, sample_weight, incremental):
        hidden = self._hidden_layer_sizes()
        if incremental and self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True; set it to False.")
        check_mode(self.l1_mode, self.solver, self.feature_alpha)
        first_pass = not hasattr(self, "coefs_") or (not self.warm_start and not incremental)
        X, Y = self._validate_input(X, y, incremental, reset=first_pass)
        if not first_pass:
            # A fitted model keeps its dtype; later data is cast to it.
            X = X.astype(self.coefs_[0].dtype, copy=False)
            if Y.dtype != bool:
                Y = Y.astype(X.dtype, copy=False)
        if sp.issparse(X):
            X = X.tocsr()  # row batches are cheap in CSR, not in CSC
        sample_weight = _check_sample_weight(sample_weight, X)

        if first_pass:
            out_activation = self._output_activation(Y)
        else:
            out_activation = self.out_activation_
            if Y.shape[1] != self.n_outputs_:
                raise ValueError(
                    f"y has {Y.shape[1]} outputs but the fitted model has {self.n_outputs_}; "
                    "fit a new model (warm_start=False) to change them."
                )
        layer_sizes = [X.shape[1], *hidden, Y.shape[1]]
        network = Network(layer_sizes, self.activation, out_activation, X.dtype)
        rng = check_random_state(self.random_state)
        if first_pass:
            params = network.init_params(rng)
        else:
            if [c.shape for c in self.coefs_] != network.coef_shapes:
                raise ValueError(
                    f"hidden_layer_sizes={self.hidden_layer_sizes!r} does not match the "
                    "fitted network; fit a new model (warm_start=False) to change it."
                )
            params = network.pack(self.coefs_, self.intercepts_)
        n_penalized = network.n_params if self.penalize_bias else network.n_weights
        penalty = self._penalty(network)

        if self.solver == "lbfgs":
            params = self._fit_lbfgs(network, params, penalty, n_penalized, X, Y, sample_weight)
        else:
            state = self._training_state_for(network, penalty, n_penalized, first_pass, incremental)
            params = self._fit_stochastic(
                network, params, state, X, Y, sample_weight, rng, first_pass, incremental
            )
        self.n_outputs_ = Y.shape[1]
        self.n_layers_ = network.n_layers
        self.out_activation_ = out_activation
        self.coefs_, self.intercepts_ = network.unpack(params)
        return self

    def _fit_lbfgs(self, network, params, penalty, n_penalized, X, Y, sample_weight):
        result = train_lbfgs(
            network,
            params,
            penalty,
            n_penalized,
            X,
            Y,
            sample_weight,
            max_iter=self.max_iter,
            max_fun=self.max_fun,
            tol=self.tol,
            verbose=self.verbose,
        )
        if not result.converged:
            warnings.warn(
                f"lbfgs failed to converge after {result.n_iter} iterations "
                f"({result.message}). Increase max_iter or max_fun, or scale the data.",
                ConvergenceWarning,
            )
        for name in (
            "_training_state",
            "loss_curve_",
            "best_loss_",
            "validation_scores_",
            "best_validation_score_",
        ):
            self.__dict__.pop(name, None)
        self.n_iter_ = result.n_iter
        self.loss_ = result.loss
        self.t_ = 0
        return result.params

    def _training_state_for(self, network, penalty, n_penalized, first_pass, incremental):
        """The state stochastic training starts from in this call.

        partial_fit carries the stored optimizer, penalty and stopping state; a
        warm start carries the history (samples seen, loss curve) but starts
        the optimizer, the penalty and the stopping criterion afresh; a first
        fit starts everything afresh.
        """
        optimizer = make_optimizer(
            self.solver,
            network.n_params,
            network.dtype,
            learning_rate_init=self.learning_rate_init,
            learning_rate=self.learning_rate,
            momentum=self.momentum,
            nesterovs_momentum=self.nesterovs_momentum,
            power_t=self.power_t,
            beta_1=self.beta_1,
            beta_2=self.beta_2,
            epsilon=self.epsilon,
        )
        fresh = TrainingState(optimizer, penalty, n_penalized, self.early_stopping)
        previous = None if first_pass else getattr(self, "_training_state", None)
        if previous is None:
            return fresh
        if incremental and _same_kind(previous, fresh):
            state = previous.copy()
            state.penalty.set_strengths(
                penalty.alpha, penalty.feature_alpha, penalty.penalty_factors
            )
            return state
        # A warm start keeps the history (samples seen, loss curve) but, unlike
        # scikit-learn, also restarts the stopping criterion: the best loss of
        # a previous fit (perhaps with another alpha) says nothing about this
        # one, and a carried-over count would stop it after one epoch.
        fresh.n_samples_seen = previous.n_samples_seen
        fresh.loss_curve = list(previous.loss_curve)
        if fresh.validation_scores is not None and previous.validation_scores is not None:
            fresh.validation_scores = list(previous.validation_scores)
        return fresh

    def _penalty(self, network):
        """The ``l1_mode`` object for ``network``, with this estimator's strengths."""
        return make_penalty(
            self.l1_mode,
            self.alpha,
            self.solver,
            self.feature_alpha,
            network.coef_shapes[0],
            self._checked_penalty_factors(network.layer_sizes[0]),
        )

    def _checked_penalty_factors(self, n_features):
        """``penalty_factors`` as a float array of ``n_features`` values, or None."""
        if self.penalty_factors is None:
            return None
        factors = np.asarray(self.penalty_factors, dtype=np.float64)
        if factors.shape != (n_features,):
            raise ValueError(
                f"penalty_factors has shape {factors.shape} but X has {n_features} features; "
                f"pass one factor per feature (shape ({n_features},)) or None."
            )
        if not np.all(np.isfinite(factors)) or np.any(factors < 0):
            raise ValueError(
                "penalty_factors must be finite and >= 0 (0 leaves a feature unpenalized)."
            )
        return factors

    def _uses_working_set(self, network):
        """Whether ``fit`` trains on working sets of first-layer rows (see ``working_set``)."""
        if self.working_set == "auto":
            return (
                L1_MODES[self.l1_mode].exact_zeros
                and network.layer_sizes[0] >= _WORKING_SET_MIN_FEATURES
            )
        return bool(self.working_set)

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                f"batch_size={self.batch_size} is larger than the {n_samples} training "
                "samples; it is clipped to the number of samples."
            )
        return min(self.batch_size, n_samples)

    def _fit_stochastic(
        self, network, params, state, X, Y, sample_weight, rng, first_pass, incremental
    ):
        if self.early_stopping:
            X, Y, sample_weight, validation_score = self._validation_split(
                network, X, Y, sample_weight, rng
            )
        else:
            validation_score = None
        settings = dict(
            max_iter=self.max_iter,
            batch_size=self._batch_size(X.shape[0]),
            shuffle=self.shuffle,
            rng=rng,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            validation_score=validation_score,
            keep_last_epoch_on_interrupt=first_pass and not incremental,
            verbose=self.verbose,
        )
        if not incremental and self._uses_working_set(network):
            result = train_with_working_set(network, params, state, X, Y, sample_weight, **settings)
        else:
            result = train_stochastic(
                network, params, state, X, Y, sample_weight, incremental=incremental, **settings
            )
        if result.interrupted:
            warnings.warn(
                f"Training interrupted by user; the model keeps the weights of the last "
                f"completed epoch ({result.n_iter})."
            )
        elif result.diverged:
            warnings.warn(
                "Training diverged (non-finite loss or weights); the best weights seen on "
                "the validation set are kept. Scale the data or lower learning_rate_init.",
                ConvergenceWarning,
            )
        elif not result.converged and not incremental and result.n_iter == self.max_iter:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached and the "
                "optimization hasn't converged yet.",
                ConvergenceWarning,
            )
        if result.lost_to_rounding > _ROUNDING_WARNING_SHARE:
            warnings.warn(
                f"With l1_mode={self.l1_mode!r}, the per-step penalty was below "
                f"{network.dtype.name} resolution for {result.lost_to_rounding:.0%} of the "
                "nonzero weights at the last step, so rounding dropped it there. Use "
                + ("float64 input, " if network.dtype == np.float32 else "")
                + "a larger alpha or learning_rate_init, or l1_mode='cumulative', which "
                "accumulates the penalty until it takes effect."
            )
        self._training_state = state
        self.n_iter_ = result.n_iter
        self.t_ = state.n_samples_seen
        self.loss_curve_ = list(state.loss_curve)
        self.loss_ = self.loss_curve_[-1] if self.loss_curve_ else float("nan")
        self.best_loss_ = state.best_loss
        self.validation_scores_ = (
            None if state.validation_scores is None else list(state.validation_scores)
        )
        self.best_validation_score_ = state.best_validation_score
        return result.params

    def _split(self, X, Y, sample_weight, rng, stratify):
        arrays = (X, Y) if sample_weight is None else (X, Y, sample_weight)
        parts = train_test_split(
            *arrays, random_state=rng, test_size=self.validation_fraction, stratify=stratify
        )
        X_train, X_val, Y_train, Y_val = parts[:4]
        sw_train, sw_val = parts[4:] if sample_weight is not None else (None, None)
        if X_val.shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' or the "
                "size of your dataset."
            )
        return X_train, X_val, Y_train, Y_val, sw_train, sw_val

    # -- prediction --------------------------------------------------------
    def _forward(self, X):
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=(np.float64, np.float32), reset=False
        )
        return forward_pass(X, self.coefs_, self.intercepts_, self.activation, self.out_activation_)

    def _objective(self, X, y, sample_weight=None):
        """The fitted model's objective ``J`` (data term plus penalty) on ``X, y``."""
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=(np.float64, np.float32), reset=False
        )
        X = X.astype(self.coefs_[0].dtype, copy=False)
        Y = self._targets(y)
        network = Network(
            [X.shape[1], *[c.shape[1] for c in self.coefs_]],
            self.activation,
            self.out_activation_,
            X.dtype,
        )
        penalty = self._penalty(network)
        n_penalized = network.n_params if self.penalize_bias else network.n_weights
        params = network.pack(self.coefs_, self.intercepts_)
        return objective(
            network, params, penalty, n_penalized, X, Y, _check_sample_weight(sample_weight, X)
        )

    @property
    def feature_importances_(self):
        """Share of input-to-output path weight per feature (see class docstring)."""
        check_is_fitted(self)
        return feature_importances(self.coefs_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def _same_kind(previous, state):
    """Whether a stored state fits the current solver, mode and penalized size."""
    return (
        type(previous.optimizer) is type(state.optimizer)
        and type(previous.penalty) is type(state.penalty)
        and previous.n_penalized == state.n_penalized
    )


class L1MLPClassifier(ClassifierMixin, _BaseL1MLP):
    __doc__ = f"""Multi-layer perceptron classifier with an L1 penalty.

    A drop-in for ``sklearn.neural_network.MLPClassifier`` that minimizes
    ``(1/S) sum_i s_i log_loss(y_i, f(x_i)) + alpha * sum |w|`` and says,
    through ``l1_mode``, exactly how the penalty is applied. The default
    ``l1_mode="proximal"`` gives weights that are exactly zero.

    Parameters
    ----------{_PARAMETERS_DOC}
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels (or label columns for multilabel ``y``).
{_ATTRIBUTES_DOC}
    See Also
    --------
    L1MLPRegressor : The regressor.
    sklearn.neural_network.MLPClassifier : scikit-learn's MLP with an L2 penalty.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_l1mlp import L1MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = L1MLPClassifier(hidden_layer_sizes=(16,), alpha=1e-3, max_iter=300,
    ...                       random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).tolist()
    [0, 0, 0]
    """

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        l1_mode="proximal",
        penalize_bias=False,
        feature_alpha=0.0,
        penalty_factors=None,
        working_set="auto",
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            l1_mode=l1_mode,
            penalize_bias=penalize_bias,
            feature_alpha=feature_alpha,
            penalty_factors=penalty_factors,
            working_set=working_set,
        )

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32),
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer().fit(y)
            # A single class is fitted as MLPClassifier fits it: one logistic
            # output trained towards 0, and every prediction that class.
            self.classes_ = self._label_binarizer.classes_
        else:
            classes = unique_labels(y)
            if self.warm_start and not incremental:
                if set(classes) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same classes as in "
                        f"the previous call to fit. Previously got {self.classes_}, "
                        f"`y` has {classes}."
                    )
            elif len(np.setdiff1d(classes, self.classes_)):
                raise ValueError(
                    f"`y` has classes not in `self.classes_`. `self.classes_` has "
                    f"{self.classes_}. 'y' has {classes}. Pass every class to the first "
                    "partial_fit call through `classes`."
                )
        # An indicator matrix stays bool (an eighth of float64's memory); the
        # engine casts each batch.
        return X, self._label_binarizer.transform(y).astype(bool)

    def _output_activation(self, Y):
        return "softmax" if self._label_binarizer.y_type_ == "multiclass" else "logistic"

    def _targets(self, y):
        return self._label_binarizer.transform(np.asarray(y))

    def _validation_split(self, network, X, Y, sample_weight, rng):
        # scikit-learn stratifies single-output and multiclass targets only.
        multiclass = self._label_binarizer.y_type_ == "multiclass"
        stratify = Y if Y.shape[1] == 1 or multiclass else None
        X_train, X_val, Y_train, Y_val, sw_train, sw_val = self._split(
            X, Y, sample_weight, rng, stratify
        )
        y_val = self._labels(Y_val)

        def score(params):
            predicted = self._labels(network.predict(params, X_val))
            return accuracy_score(y_val, predicted, sample_weight=sw_val)

        return X_train, Y_train, sw_train, score

    def _labels(self, output):
        if output.shape[1] == 1:
            output = output.ravel()
        return self._label_binarizer.inverse_transform(output)

    def predict(self, X):
        """Predict class labels (or label indicators for multilabel ``y``).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        check_is_fitted(self)
        return self._labels(self._forward(X))

    def predict_proba(self, X):
        """Class probabilities, columns ordered as ``classes_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        output = self._forward(X)
        if self.n_outputs_ == 1 and self._label_binarizer.y_type_ != "multilabel-indicator":
            output = output.ravel()
            return np.vstack([1 - output, output]).T
        return output

    def predict_log_proba(self, X):
        """Logarithm of ``predict_proba(X)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        proba = self.predict_proba(X)
        return np.log(proba, out=proba)

    @_fit_context(prefer_skip_nested_validation=True)
    @_transactional
    def fit(self, X, y, sample_weight=None):
        """Fit the network to ``X`` and labels ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a label indicator matrix for multilabel.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights ``s_i`` of the data term.

        Returns
        -------
        self : L1MLPClassifier
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @available_if(_stochastic_solver_only)
    @_fit_context(prefer_skip_nested_validation=True)
    @_transactional
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """One epoch over ``X``, carrying the optimizer's and penalty's state.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
        sample_weight : array-like of shape (n_samples,), default=None
        classes : array-like of shape (n_classes,), default=None
            Every class of the whole problem; required on the first call.

        Returns
        -------
        self : L1MLPClassifier
        """
        if not hasattr(self, "classes_"):
            if classes is None and not type_of_target(y).startswith("multilabel"):
                raise ValueError("classes must be passed on the first call to partial_fit.")
            self._label_binarizer = LabelBinarizer()
            if type_of_target(y).startswith("multilabel"):
                self._label_binarizer.fit(y)
            else:
                self._label_binarizer.fit(classes)
            self.classes_ = self._label_binarizer.classes_
        elif classes is not None and not np.array_equal(self.classes_, unique_labels(classes)):
            raise ValueError(
                f"`classes={classes!r}` is not the same as on the first call to "
                f"partial_fit, which was {self.classes_!r}."
            )
        return self._fit(X, y, sample_weight, incremental=True)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class L1MLPRegressor(RegressorMixin, _BaseL1MLP):
    __doc__ = f"""Multi-layer perceptron regressor with an L1 penalty.

    A drop-in for ``sklearn.neural_network.MLPRegressor`` that minimizes
    ``(1/S) sum_i s_i l(y_i, f(x_i)) + alpha * sum |w|``, with ``l`` half the
    squared error summed over outputs (as in ``MultiTaskLasso``) or the half
    Poisson deviance, and says, through ``l1_mode``, exactly how the penalty
    is applied. For multi-output regression the summed data term makes
    ``loss_`` (and so ``tol``) ``n_outputs`` times scikit-learn's.

    Parameters
    ----------
    loss : {{"squared_error", "poisson"}}, default="squared_error"
        ``"poisson"`` uses an exponential output (log link) and needs y >= 0.
{_PARAMETERS_DOC}
    Attributes
    ----------
{_ATTRIBUTES_DOC}
    See Also
    --------
    L1MLPClassifier : The classifier.
    sklearn.neural_network.MLPRegressor : scikit-learn's MLP with an L2 penalty.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_l1mlp import L1MLPRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 5))
    >>> y = X[:, 0] - 2 * X[:, 1]
    >>> reg = L1MLPRegressor(hidden_layer_sizes=(), solver="sgd", momentum=0,
    ...                      learning_rate_init=0.05, alpha=0.02, max_iter=500,
    ...                      random_state=0).fit(X, y)
    >>> (reg.coefs_[0][2:] == 0).all()
    np.True_
    """

    _parameter_constraints: dict = {
        **_BaseL1MLP._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        l1_mode="proximal",
        penalize_bias=False,
        feature_alpha=0.0,
        penalty_factors=None,
        working_set="auto",
    ):
        self.loss = loss
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            l1_mode=l1_mode,
            penalize_bias=penalize_bias,
            feature_alpha=feature_alpha,
            penalty_factors=penalty_factors,
            working_set=working_set,
        )

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            y_numeric=True,
            dtype=(np.float64, np.float32),
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        Y = (y.reshape(-1, 1) if y.ndim == 1 else y).astype(X.dtype)
        if self.loss == "poisson" and np.any(Y < 0):
            raise ValueError("loss='poisson' needs y >= 0; y has negative values.")
        return X, Y

    def _output_activation(self, Y):
        return "exp" if self.loss == "poisson" else "identity"

    def _targets(self, y):
        y = np.asarray(y, dtype=float)
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def _validation_split(self, network, X, Y, sample_weight, rng):
        X_train, X_val, Y_train, Y_val, sw_train, sw_val = self._split(
            X, Y, sample_weight, rng, stratify=None
        )

        def score(params):
            prediction = network.predict(params, X_val)
            if not np.isfinite(prediction).all():
                return np.nan
            return r2_score(Y_val, prediction, sample_weight=sw_val)

        return X_train, Y_train, sw_train, score

    def predict(self, X):
        """Predict targets.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        check_is_fitted(self)
        output = self._forward(X)
        return output.ravel() if output.shape[1] == 1 else output

    @_fit_context(prefer_skip_nested_validation=True)
    @_transactional
    def fit(self, X, y, sample_weight=None):
        """Fit the network to ``X`` and targets ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights ``s_i`` of the data term.

        Returns
        -------
        self : L1MLPRegressor
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @available_if(_stochastic_solver_only)
    @_fit_context(prefer_skip_nested_validation=True)
    @_transactional
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over ``X``, carrying the optimizer's and penalty's state.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : L1MLPRegressor
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
