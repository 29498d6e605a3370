"""``L1MLPClassifierCV`` and ``L1MLPRegressorCV``: the penalty, and so the features, by CV.

Like ``LassoCV``, they score a path of penalties by cross-validation and
refit on all the data at the chosen one. The procedure, per fold's training
set (and once on all the data, to place the grid):

0. **Units** (``standardize=True``): columns are scaled to mean 0 and
   standard deviation 1 on the training rows, so that no column's units
   decide its penalty; constant columns are set aside.
   **Screening** (``screen``): on wide data only the columns most associated
   with the target, one at a time, go on to the path; ``screen="cv"`` (the
   default) tries two sizes of screen, steps 1-3 once for each, and keeps
   the wider unless the narrower's chosen point scores better by more than
   a standard error.
   **Ridge** (the default network's ``l2_alpha = 1 / n_samples`` where rows
   are at least as many as columns; on wider data by CV; none with
   ``max_features``): every fit below also pays ``l2_alpha / 2 * sum w**2``,
   so that a network on few rows does not keep its random start in the
   directions they leave free.
1. **Adaptive factors** (``adaptive=True``, or by CV for ``"auto"``
   between one and five columns a row): a first fit with the per-weight
   penalty ``initial_alpha`` ranks the features by importance ``m_j``; each
   feature's penalty is then scaled by ``c_j = (max m / m_j) ** adaptive_power``
   (the adaptive lasso of Zou, 2006), so that a feature the network barely
   uses pays much more than one it relies on. Without this step the noise
   features of a small data set leave the path no earlier than the weak
   informative ones.
2. **The path**: ``l1_path`` over one grid of penalties shared by all folds
   (from the value at which a fresh fit on all the data uses no feature down
   to ``alpha_min_ratio`` times it, and on down while the mean score is
   best at its dense end), warm-started from the dense end.
3. **Relaxed refits** (``relax``): every point is refit on the features it
   uses with its penalty times ``relax`` and scored on the held-out fold, so
   a point is judged by the features it picks, not by its shrinkage
   (Meinshausen, 2007).

The point is chosen from the mean scores by ``rule`` (by default the best
mean score, the sparser point on ties; a point using more columns than there
are rows only when it beats all the others fold by fold, by two standard
errors); with ``max_features=k`` the k columns are that point's most
important, and where it uses fewer, then those that enter the path first
(up to where the mean score falls a standard error below its best; past
there only columns a marginal test finds associated make up the count);
the final model is the relaxed refit, on all the data, on
the features that the fold fits at that point use in more than half of the
folds, with the scaling folded into its weights.

Each of these runs is a search (``_cv_search``); which ones a fit runs and
keeps is ``_cv_candidates``'s: on wide data the last is a **linear model**
(``linear="auto"``), the network without its hidden layers on every column,
kept only when it scores better by a standard error.
"""

from numbers import Integral, Real
from types import SimpleNamespace

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    RegressorMixin,
    _fit_context,
)
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.model_selection import check_cv
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ._cv_candidates import run_candidates
from ._cv_docs import cv_docstring
from ._cv_prepare import (
    TEMPLATE_SETTINGS,
    adaptive_factors,
    first_fit_alpha,
    make_template,
    screened_columns,
)
from ._cv_refit import refit_on_columns
from ._cv_search import candidates_table, check_folds
from ._engine import DivergenceError
from ._mlp import L1MLPClassifier, L1MLPRegressor
from ._path import penalty_direction
from ._penalties import L1_MODES
from ._progress import FoldProgress
from ._scaling import (
    column_scaling,
    fold_into_last_layer,
    target_scaling,
)
from ._validation import (
    RegistryNames,
    check_sample_weight,
    take_columns,
    transactional,
)


def _makes_exact_zeros(mode_class):
    # The CV selects features, which needs a mode whose zeros are exact.
    return mode_class.exact_zeros


class _BaseL1MLPCV(MetaEstimatorMixin, BaseEstimator):
    """Common code of the two CV estimators; see ``L1MLPRegressorCV``."""

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "alphas": [Interval(Integral, 2, None, closed="left"), "array-like", None],
        "n_alphas": [Interval(Integral, 2, None, closed="left")],
        "alpha_min_ratio": [Interval(Real, 0, 1, closed="neither")],
        "cv": ["cv_object"],
        "n_jobs": [Integral, None],
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left"), None],
        "l1_mode": [StrOptions(RegistryNames(L1_MODES, where=_makes_exact_zeros)), None],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither"), None],
        "max_iter": [Interval(Integral, 1, None, closed="left"), None],
        "l2_alpha": [Interval(Real, 0, None, closed="left"), None],
        "random_state": ["random_state"],
        "standardize": ["boolean"],
        "max_features": [Interval(Integral, 1, None, closed="left"), None],
        "rule": [StrOptions({"best", "one_standard_error", "tolerance"})],
        "score_tolerance": [Interval(Real, 0, None, closed="left")],
        "relax": [Interval(Real, 0, None, closed="left")],
        "adaptive": ["boolean", StrOptions({"auto"})],
        "screen": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto", "sis", "cv"}),
            None,
        ],
        "adaptive_power": [Interval(Real, 0, None, closed="neither")],
        "initial_alpha": [Interval(Real, 0, None, closed="neither"), None],
        "linear_skip": ["boolean", StrOptions({"auto"}), None],
        "linear": ["boolean", StrOptions({"auto"})],
        "verbose": ["verbose"],
    }

    _estimator_class = None
    _dummy_class = None

    def __init__(
        self,
        estimator=None,
        *,
        hidden_layer_sizes=None,
        l1_mode=None,
        learning_rate_init=None,
        max_iter=None,
        l2_alpha=None,
        random_state=None,
        standardize=True,
        alphas=None,
        n_alphas=10,
        alpha_min_ratio=1e-2,
        cv=5,
        n_jobs=None,
        max_features=None,
        rule="best",
        score_tolerance=0.01,
        relax=0.1,
        adaptive="auto",
        adaptive_power=1.0,
        initial_alpha=None,
        screen="cv",
        linear_skip=None,
        linear="auto",
        verbose=0,
    ):
        self.estimator = estimator
        self.hidden_layer_sizes = hidden_layer_sizes
        self.l1_mode = l1_mode
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.l2_alpha = l2_alpha
        self.random_state = random_state
        self.standardize = standardize
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.alpha_min_ratio = alpha_min_ratio
        self.cv = cv
        self.n_jobs = n_jobs
        self.max_features = max_features
        self.rule = rule
        self.score_tolerance = score_tolerance
        self.relax = relax
        self.adaptive = adaptive
        self.adaptive_power = adaptive_power
        self.initial_alpha = initial_alpha
        self.screen = screen
        self.linear_skip = linear_skip
        self.linear = linear
        self.verbose = verbose

    # -- the procedure ------------------------------------------------------
    def _template(self, y, l2_alpha=0.0, linear_skip=None, linear=False):
        """The network to tune: ``estimator`` (or the default, sized for ``y``), settings set.

        ``l2_alpha`` is the default network's ridge term (one of
        ``ridge_candidates``, sized for all the rows; the folds' fits, on
        four fifths of them, keep it); ``linear_skip`` None keeps the
        network's own; ``linear`` takes its hidden layers away.
        """
        settings = {name: getattr(self, name) for name in TEMPLATE_SETTINGS}
        settings["linear_skip"] = linear_skip
        template = make_template(
            self.estimator,
            self._estimator_class,
            settings,
            self.random_state,
            type(self).__name__,
            self._n_outputs(y),
            l2_alpha,
        )
        if linear:
            template.set_params(hidden_layer_sizes=(), linear_skip=False, skip_hierarchy=None)
        return template

    def _n_outputs(self, y):
        """The network's outputs for ``y``: its columns (the classifier: its classes, 1 for two)."""
        return 1 if y.ndim == 1 else y.shape[1]

    def _initial_alpha(self, template, X, y, sample_weight):
        return first_fit_alpha(template, X, y, sample_weight, self.initial_alpha)

    def _screened(self, screen, X, y, sample_weight):
        classification = isinstance(self, ClassifierMixin)
        return screened_columns(screen, X, y, sample_weight, classification=classification)

    def _factors(self, template, first_alpha, X, y, sample_weight):
        if first_alpha is None:
            return None
        return adaptive_factors(template, first_alpha, X, y, sample_weight, self.adaptive_power)

    def _progress(self, fold, n_folds, n_points, clock=None):
        """The fold's progress reporter for ``l1_path`` (None when not verbose)."""
        if not self.verbose:
            return None
        sequential = self.n_jobs in (None, 1)
        return FoldProgress(
            fold, n_folds, n_points, sequential=sequential, clock=clock if sequential else None
        )

    def _scaled_targets(self, y_train, y_test, sample_weight):
        """The targets the networks are trained on (the regressor standardizes them)."""
        return y_train, y_test

    def _unscaled_scale(self, X, y):
        """How far from unit scale the data the networks saw was, for an error message."""
        largest = abs(X).max() if X.size else 0.0
        return f"largest |X|: {float(largest):.3g}"

    @_fit_context(prefer_skip_nested_validation=False)
    @transactional
    def fit(self, X, y, sample_weight=None):
        """Choose the penalty by cross-validation and refit on all the data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None
            Weights for every training fit and for the scaling of the
            columns (the held-out scores are unweighted).

        Returns
        -------
        self : estimator
        """
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            multi_output=True,
            y_numeric=self._y_is_numeric,
        )
        try:
            return self._fit(X, y, sample_weight)
        except DivergenceError as error:
            if self.standardize:
                raise
            raise DivergenceError(
                f"{error} {type(self).__name__} was given standardize=False, so nothing was "
                f"scaled ({self._unscaled_scale(X, y)}); standardize=True scales inside fit."
            ) from None

    def _fit(self, X, y, sample_weight):
        sample_weight = check_sample_weight(sample_weight, X)
        scaling = column_scaling(X, sample_weight, self.standardize)
        cv = check_cv(self.cv, y, classifier=isinstance(self, ClassifierMixin))
        splits = list(cv.split(X, y))
        if self.verbose:
            print(f"[{type(self).__name__}] placing the grid: fits on all {X.shape[0]} rows")
        if scaling.kept.size == 0:
            raise ValueError(
                "Every column of X is constant, so there is no feature to select; "
                "pass columns that vary."
            )
        check_folds(self, X, sample_weight, splits)
        y_scaled, _ = self._scaled_targets(y, y[:0], sample_weight)
        data = SimpleNamespace(
            splits=splits,
            X=X,
            y=y,
            sample_weight=sample_weight,
            X_scaled=scaling.transform(X),
            y_scaled=y_scaled,
        )
        searches = run_candidates(self, data, scaling.kept.size)
        (kept,) = [found for found in searches if found.kept]
        direction = penalty_direction(kept.template)
        self.candidates_ = candidates_table(searches)
        for name, value in kept.fitted_attributes(direction, len(splits)).items():
            setattr(self, name, value)
        self._refit(kept, direction, scaling, X, y, y_scaled, sample_weight)
        self.support_ = self.feature_importances_ > 0
        self.n_features_selected_ = int(self.support_.sum())
        if self.verbose:
            print(
                f"[{type(self).__name__}] chose alpha={self.alpha_:.4g}, feature_alpha="
                f"{self.feature_alpha_:.4g} (mean CV score {self.best_score_:.4f}); the final "
                "network, refit on all "
                f"the rows, uses {self.n_features_selected_} of {X.shape[1]} features"
            )
        return self

    def _refit(self, search, direction, scaling, X, y, y_scaled, sample_weight):
        """Fit ``estimator_``: the relaxed refit, on all the data, on the search's columns.

        It is trained on the scaled columns (and ``y_scaled``, the targets
        the path was trained on) and then takes the user's own:
        the scaling is folded into its first layer (and, for the regressor,
        the target's into its last).
        """
        self.feature_importances_ = np.zeros(X.shape[1])
        # A column constant on all the rows is never read, whatever the folds said.
        self.columns_read_ = np.intersect1d(np.flatnonzero(search.columns), scaling.kept)
        if self.columns_read_.size == 0:
            self.estimator_ = self._dummy_class().fit(X, y, sample_weight=sample_weight)
            self.n_iter_ = 0
            return
        value = search.grid[search.chosen] * self.relax
        refit, importances = refit_on_columns(
            search.template,
            (value * direction[0], value * direction[1]),
            scaling,
            self.columns_read_,
            X,
            y_scaled,
            sample_weight,
            f"{type(self).__name__}'s final refit",
        )
        self.n_iter_ = refit.n_iter_
        self.feature_importances_[self.columns_read_] = importances
        self.estimator_ = self._unscaled_network(refit, y, sample_weight)

    def _unscaled_network(self, network, y, sample_weight):
        """``network`` answering in the user's target units (the regressor's hook)."""
        return network

    def _selected(self, X):
        """``X`` validated, reduced to the columns the final model reads."""
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=(np.float64, np.float32), reset=False
        )
        if self.columns_read_.size == 0:
            return X
        return take_columns(X, self.columns_read_)

    # -- the final model's attributes, in terms of all input features ---------
    def _on_all_columns(self, matrix):
        """``matrix``, one row per column read, with zero rows for the other features."""
        full = np.zeros((self.n_features_in_, matrix.shape[1]), dtype=matrix.dtype)
        full[self.columns_read_] = matrix
        return full

    @property
    def coefs_(self):
        """The final model's weights, with zero first-layer rows for unselected features."""
        check_is_fitted(self)
        if self.columns_read_.size == 0:
            return None
        return [self._on_all_columns(self.estimator_.coefs_[0]), *self.estimator_.coefs_[1:]]

    @property
    def skip_coef_(self):
        """The final model's linear skip, zero rows for unselected features (None without one)."""
        check_is_fitted(self)
        skip = getattr(self.estimator_, "skip_coef_", None)
        return None if skip is None else self._on_all_columns(skip)

    @property
    def intercepts_(self):
        """The final model's biases."""
        check_is_fitted(self)
        return getattr(self.estimator_, "intercepts_", None)

    def predict(self, X):
        """Predict with the final model (the relaxed refit on the selected features).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray
        """
        X = self._selected(X)
        return self.estimator_.predict(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class L1MLPRegressorCV(RegressorMixin, _BaseL1MLPCV):
    __doc__ = cv_docstring(
        """L1MLPRegressor with the penalty, and so the features, chosen by cross-validation.

    Standardizes the columns, scores a path of penalties on held-out folds
    with relaxed refits and adaptive per-feature factors, picks a point by
    ``rule``, and refits on all the data (the user guide's page "Choosing
    alpha and the features by cross-validation" says what is searched, what
    it costs and when to change it).
""",
        kind="regressor",
        estimator_name="L1MLPRegressor",
        dummy_name="DummyRegressor",
        tail="""
    See Also
    --------
    l1_path : the path this scores.
    sklearn.linear_model.LassoCV : the linear model's counterpart.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_l1mlp import L1MLPRegressor, L1MLPRegressorCV
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(300, 10))
    >>> y = X[:, 0] ** 2 + np.sin(2 * X[:, 1])
    >>> model = L1MLPRegressorCV(L1MLPRegressor(hidden_layer_sizes=(16,), alpha=0.03,
    ...     feature_alpha=1.0, learning_rate_init=0.01, max_iter=300, random_state=0),
    ...     cv=3, n_alphas=6).fit(X, y)
    >>> np.flatnonzero(model.support_)
    array([0, 1])
""",
    )

    _estimator_class = L1MLPRegressor
    _dummy_class = DummyRegressor
    _y_is_numeric = True
    # R^2 is not defined on one held-out row.
    _min_held_out = 2
    _score_name = "R^2"

    def _unscaled_scale(self, X, y):
        largest = float(np.max(np.abs(y))) if y.size else 0.0
        return f"{super()._unscaled_scale(X, y)}, largest |y|: {largest:.3g}"

    def _scales_target(self):
        # A Poisson target keeps its units: its log link has no scale to fold.
        loss = getattr(self.estimator, "loss", "squared_error")
        return self.standardize and loss == "squared_error"

    def _scaled_targets(self, y_train, y_test, sample_weight):
        """Targets centred and scaled on the training rows (squared error only)."""
        if not self._scales_target():
            return y_train, y_test
        offset, scale = target_scaling(y_train, sample_weight)
        return (y_train - offset) / scale, (y_test - offset) / scale

    def _unscaled_network(self, network, y, sample_weight):
        if self._scales_target():
            offset, scale = target_scaling(y, sample_weight)
            network.coefs_, network.intercepts_, network.skip_coef_ = fold_into_last_layer(
                network.coefs_, network.intercepts_, offset, scale, network.skip_coef_
            )
        return network


class L1MLPClassifierCV(ClassifierMixin, _BaseL1MLPCV):
    __doc__ = cv_docstring(
        """L1MLPClassifier with the penalty, and so the features, chosen by cross-validation.

    Standardizes the columns, scores a path of penalties on held-out
    (stratified) folds with relaxed refits and adaptive per-feature factors,
    picks a point by ``rule``, and refits on all the data (the user guide's
    page "Choosing alpha and the features by cross-validation" says what is
    searched, what it costs and when to change it).
""",
        kind="classifier",
        estimator_name="L1MLPClassifier",
        dummy_name="DummyClassifier",
        tail="""
    classes_ : ndarray
        The class labels.

    See Also
    --------
    l1_path : the path this scores.
    sklearn.linear_model.LogisticRegressionCV : the linear model's counterpart.
""",
    )

    _estimator_class = L1MLPClassifier
    _dummy_class = DummyClassifier
    _y_is_numeric = False
    _min_held_out = 1
    _score_name = "accuracy"

    def _n_outputs(self, y):
        if y.ndim == 2:
            return y.shape[1]
        n_classes = np.unique(y).size
        return n_classes if n_classes > 2 else 1

    @property
    def classes_(self):
        """The class labels of the final model."""
        check_is_fitted(self)
        return self.estimator_.classes_

    def predict_proba(self, X):
        """Class probabilities of the final model, columns ordered as ``classes_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        X = self._selected(X)
        return self.estimator_.predict_proba(X)

    def predict_log_proba(self, X):
        """Logarithm of ``predict_proba(X)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        return np.log(self.predict_proba(X))
