"""``BaseL1MLP``: what ``L1MLPClassifier`` and ``L1MLPRegressor`` share.

It validates the parameters and the input, decides what state a call starts
from (a first fit, a warm start or ``partial_fit``), hands the data to the
engine and turns its results into fitted attributes and warnings. All
numerics live in the engine (``_engine`` and below); the subclasses add what
differs between classes and numbers (targets, output activation, scoring).
"""

import warnings
from abc import ABC, abstractmethod
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ._activations import HIDDEN_ACTIVATIONS
from ._engine import (
    DivergenceError,
    TrainingState,
    evaluate_data_loss,
    evaluate_objective,
    train_lbfgs,
    train_stochastic,
)
from ._hierarchy import SkipHierarchy
from ._inplace import warn_if_numpy_only
from ._network import Network, feature_importances, forward_pass
from ._optimizers import OPTIMIZERS, make_optimizer
from ._penalties import L1_MODES, check_mode, make_penalty
from ._validation import RegistryNames, check_sample_weight, transactional
from ._working_set import train_with_working_set

#: With working_set="auto", the fewest features for which fit uses one: below,
#: the rounds' bookkeeping costs about what the skipped products save.
_WORKING_SET_MIN_FEATURES = 100
#: Warn when rounding drops the penalty step of more than this share of weights.
_ROUNDING_WARNING_SHARE = 0.1
#: What the estimators add to the engine's report of a diverged fit.
_DIVERGENCE_ADVICE = (
    " Scale the input features (for instance with StandardScaler), lower "
    "learning_rate_init, or use early_stopping=True to keep the best weights seen. "
    "The model was left as it was before this call."
)


def stochastic_solver_only(estimator):
    """``available_if`` check of ``partial_fit``: only the stochastic solvers have it."""
    if estimator.solver not in OPTIMIZERS:
        raise AttributeError(
            f"partial_fit is only available for solver='sgd' or 'adam', "
            f"not solver={estimator.solver!r}."
        )
    return True


class BaseL1MLP(BaseEstimator, ABC):
    """Shared fitting logic of the two estimators; not for direct use."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(HIDDEN_ACTIVATIONS))],
        "solver": [StrOptions(RegistryNames(OPTIMIZERS, extra=("lbfgs",)))],
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
        "l1_mode": [StrOptions(RegistryNames(L1_MODES))],
        "penalize_bias": ["boolean"],
        "feature_alpha": [Interval(Real, 0, None, closed="left")],
        "penalty_factors": ["array-like", None],
        "working_set": ["boolean", StrOptions({"auto"})],
        "l2_alpha": [Interval(Real, 0, None, closed="left")],
        "linear_skip": ["boolean"],
        "skip_hierarchy": [Interval(Real, 0, None, closed="neither"), None],
    }

    def _store_parameters(self, arguments):
        """Store the constructor's ``arguments`` (``locals()``) as attributes, and nothing else.

        scikit-learn's convention: ``__init__`` only stores its parameters,
        each under its own name. Each subclass spells out its signature (for
        ``get_params``) and hands its arguments here.
        """
        for name in self._get_param_names():
            setattr(self, name, arguments[name])

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
        check_mode(self.l1_mode, self.solver, self.feature_alpha, list(OPTIMIZERS))
        self._check_skip(hidden)
        warn_if_numpy_only()
        first_pass = not hasattr(self, "coefs_") or (not self.warm_start and not incremental)
        X, Y = self._validate_input(X, y, incremental, reset=first_pass)
        if not first_pass:
            # A fitted model keeps its dtype; later data is cast to it.
            X = X.astype(self.coefs_[0].dtype, copy=False)
            if Y.dtype != bool:
                Y = Y.astype(X.dtype, copy=False)
        if sp.issparse(X):
            X = X.tocsr()  # row batches are cheap in CSR, not in CSC
        sample_weight = check_sample_weight(sample_weight, X)

        if first_pass:
            out_activation = self._output_activation(Y)
        else:
            out_activation = self.out_activation_
            if Y.shape[1] != self.n_outputs_:
                raise ValueError(
                    f"y has {Y.shape[1]} outputs but the fitted model has {self.n_outputs_}; "
                    "fit a new model (warm_start=False) to change them."
                )
        network, penalty, n_penalized = self._problem(
            [X.shape[1], *hidden, Y.shape[1]], out_activation, X.dtype
        )
        rng = check_random_state(self.random_state)
        if first_pass:
            params = network.init_params(rng)
        else:
            if (getattr(self, "skip_coef_", None) is not None) != network.skip:
                raise ValueError(
                    f"linear_skip={self.linear_skip!r} does not match the fitted network; "
                    "fit a new model (warm_start=False) to change it."
                )
            fitted = network.join_skip(self.coefs_, self.skip_coef_)
            if [c.shape for c in fitted] != network.coef_shapes:
                raise ValueError(
                    f"hidden_layer_sizes={self.hidden_layer_sizes!r} does not match the "
                    "fitted network; fit a new model (warm_start=False) to change it."
                )
            params = network.pack(fitted, self.intercepts_)
        try:
            if self.solver == "lbfgs":
                params = self._fit_lbfgs(network, params, penalty, n_penalized, X, Y, sample_weight)
            else:
                state = self._training_state_for(
                    network, penalty, n_penalized, first_pass, incremental
                )
                params = self._fit_stochastic(
                    network, params, state, X, Y, sample_weight, rng, first_pass, incremental
                )
        except DivergenceError as error:
            raise DivergenceError(str(error) + _DIVERGENCE_ADVICE) from None
        self.n_outputs_ = Y.shape[1]
        self.n_layers_ = network.n_layers
        self.out_activation_ = out_activation
        coefs, self.intercepts_ = network.unpack(params)
        self.coefs_, self.skip_coef_ = network.split_skip(coefs)
        return self

    def _check_skip(self, hidden):
        """Refuse a linear skip or hierarchy that the network or solver cannot have."""
        if self.linear_skip and not hidden:
            raise ValueError(
                "linear_skip=True needs a hidden layer (hidden_layer_sizes=() is a linear "
                "model already); give one, or set linear_skip=False."
            )
        if self.skip_hierarchy is not None and not self.linear_skip:
            raise ValueError(
                f"skip_hierarchy={self.skip_hierarchy!r} constrains the linear skip; set "
                "linear_skip=True with it, or skip_hierarchy=None."
            )
        if self.skip_hierarchy is not None and self.solver == "lbfgs":
            raise ValueError(
                "skip_hierarchy is kept between stochastic steps and does not work with "
                f"solver='lbfgs'; use solver in {list(OPTIMIZERS)}, or skip_hierarchy=None."
            )

    def _problem(self, layer_sizes, out_activation, dtype, skip=None):
        """The network, its ``l1_mode`` penalty and how many parameters it penalizes.

        ``params[:n_penalized]`` are penalized: the weights (the linear skip's
        among them), and the biases too with ``penalize_bias=True``. ``skip``
        None: whether the network has a linear skip is ``linear_skip``'s say.
        """
        skip = self.linear_skip if skip is None else skip
        network = Network(layer_sizes, self.activation, out_activation, dtype, skip)
        n_penalized = network.n_params if self.penalize_bias else network.n_weights
        return network, self._penalty(network), n_penalized

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
        constraint = None
        if self.skip_hierarchy is not None:
            constraint = SkipHierarchy(self.skip_hierarchy, network.layer_sizes[1])
        fresh = TrainingState(optimizer, penalty, n_penalized, self.early_stopping, constraint)
        previous = None if first_pass else getattr(self, "_training_state", None)
        if previous is None:
            return fresh
        if incremental and _same_kind(previous, fresh):
            state = previous.copy()
            state.constraint = constraint
            state.penalty.set_strengths(
                penalty.alpha, penalty.feature_alpha, penalty.penalty_factors, penalty.l2_alpha
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
            self.l2_alpha,
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
        return forward_pass(
            X,
            self.coefs_,
            self.intercepts_,
            self.activation,
            self.out_activation_,
            self.skip_coef_,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    @transactional
    def fit(self, X, y, sample_weight=None):
        """Fit the network to ``X`` and ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels (a label indicator matrix for multilabel) or targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights ``s_i`` of the data term.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    def _start_partial_fit(self, y, classes):
        """What the first ``partial_fit`` call must set up before training (classes)."""

    @_fit_context(prefer_skip_nested_validation=True)
    @transactional
    def _partial_fit(self, X, y, sample_weight=None, classes=None):
        # The public partial_fit of each subclass gives its own signature and
        # docstring; the work, and the transaction around it, are here.
        self._start_partial_fit(y, classes)
        return self._fit(X, y, sample_weight, incremental=True)

    @property
    def feature_importances_(self):
        """Share of input-to-output path weight per feature (see class docstring)."""
        check_is_fitted(self)
        return feature_importances(self.coefs_, self.skip_coef_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def objective(estimator, X, y, sample_weight=None, *, include_penalty=True):
    """A fitted estimator's objective ``J`` on ``X, y``: data term plus penalty.

    ``J = (1/S) sum_i s_i l(y_i, f(x_i)) + alpha * sum |w| + feature_alpha *
    sum_j ||W1[j]||_2 + l2_alpha / 2 * sum w**2`` (with the penalty factors), the quantity ``fit``
    minimizes, at the estimator's current strengths.

    Parameters
    ----------
    estimator : L1MLPClassifier or L1MLPRegressor
        A fitted estimator.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    sample_weight : array-like of shape (n_samples,), default=None
    include_penalty : bool, default=True
        False: the data term alone, ``(1/S) sum_i s_i l(y_i, f(x_i))``
        (on held-out rows, the log-loss of a classifier, for instance).

    Returns
    -------
    value : float
    """
    check_is_fitted(estimator)
    X = validate_data(
        estimator, X, accept_sparse=["csr", "csc"], dtype=(np.float64, np.float32), reset=False
    )
    X = X.astype(estimator.coefs_[0].dtype, copy=False)
    layer_sizes = [X.shape[1], *[c.shape[1] for c in estimator.coefs_]]
    # The network as fitted, whatever set_params has said of the skip since.
    fitted_skip = getattr(estimator, "skip_coef_", None) is not None
    network, penalty, n_penalized = estimator._problem(
        layer_sizes, estimator.out_activation_, X.dtype, skip=fitted_skip
    )
    params = network.pack(
        network.join_skip(estimator.coefs_, estimator.skip_coef_), estimator.intercepts_
    )
    Y = estimator._targets(y)
    sample_weight = check_sample_weight(sample_weight, X)
    if not include_penalty:
        return evaluate_data_loss(network, params, X, Y, sample_weight)
    return evaluate_objective(network, params, penalty, n_penalized, X, Y, sample_weight)


def _same_kind(previous, state):
    """Whether a stored state fits the current solver, mode and penalized size."""
    return (
        type(previous.optimizer) is type(state.optimizer)
        and type(previous.penalty) is type(state.penalty)
        and previous.n_penalized == state.n_penalized
    )
