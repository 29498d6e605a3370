"""``L1MLPClassifierCV`` and ``L1MLPRegressorCV``: the penalty, and so the features, by CV.

Like ``LassoCV``, they score a path of penalties by cross-validation and
refit on all the data at the chosen one. The procedure, per fold's training
set (and once on all the data, to place the grid):

1. **Adaptive factors** (``adaptive=True``): a first fit with the per-weight
   penalty ``initial_alpha`` ranks the features by importance ``m_j``; each
   feature's penalty is then scaled by ``c_j = (max m / m_j) ** adaptive_power``
   (the adaptive lasso of Zou, 2006), so that a feature the network barely
   uses pays much more than one it relies on. Without this step the noise
   features of a small data set leave the path no earlier than the weak
   informative ones.
2. **The path**: ``l1_path`` over one grid of penalties shared by all folds
   (from the value at which a fresh fit on all the data uses no feature down
   to ``alpha_min_ratio`` times it), warm-started from the dense end.
3. **Relaxed refits** (``relax``): every point is refit on the features it
   uses with its penalty times ``relax`` and scored on the held-out fold, so
   a point is judged by the features it picks, not by its shrinkage
   (Meinshausen, 2007).

The chosen point is the *sparsest* (largest penalty) whose mean score is
within ``score_tolerance`` of the best mean score; the final model is the
relaxed refit, on all the data, on the features that the fold fits at that
point use in more than half of the folds.
"""

from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    RegressorMixin,
    _fit_context,
    clone,
)
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.model_selection import check_cv
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from ._engine import adaptive_penalty_factors
from ._mlp import L1MLPClassifier, L1MLPRegressor, _check_sample_weight, _transactional
from ._path import _columns, _fit_quietly, _penalty_direction, alpha_max, l1_path

#: The per-weight strength of the adaptive first fit, as a share of the
#: smallest per-weight alpha at which a fresh fit uses no feature.
_INITIAL_ALPHA_SHARE = 0.1


def _default_template(estimator_class, random_state=None):
    """A small network whose penalty mixes a row (group) term and a per-weight term.

    The mix, ``alpha = 0.03 * feature_alpha``, keeps rows from collapsing all
    at once (see docs/feature_selection.md).
    """
    return estimator_class(
        hidden_layer_sizes=(32,),
        alpha=0.03,
        feature_alpha=1.0,
        learning_rate_init=0.01,
        max_iter=500,
        random_state=random_state,
    )


def _subset(values, rows):
    return None if values is None else values[rows]


class _BaseL1MLPCV(MetaEstimatorMixin, BaseEstimator):
    """Common code of the two CV estimators; see ``L1MLPRegressorCV``."""

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "alphas": ["array-like", None],
        "n_alphas": [Interval(Integral, 2, None, closed="left")],
        "alpha_min_ratio": [Interval(Real, 0, 1, closed="neither")],
        "cv": ["cv_object"],
        "n_jobs": [Integral, None],
        "score_tolerance": [Interval(Real, 0, None, closed="left")],
        "relax": [Interval(Real, 0, None, closed="left")],
        "adaptive": ["boolean"],
        "adaptive_power": [Interval(Real, 0, None, closed="neither")],
        "initial_alpha": [Interval(Real, 0, None, closed="neither"), None],
        "verbose": ["verbose"],
    }

    _estimator_class = None
    _dummy_class = None

    def __init__(
        self,
        estimator=None,
        *,
        alphas=None,
        n_alphas=10,
        alpha_min_ratio=1e-2,
        cv=5,
        n_jobs=None,
        score_tolerance=0.01,
        relax=0.1,
        adaptive=True,
        adaptive_power=1.0,
        initial_alpha=None,
        verbose=0,
    ):
        self.estimator = estimator
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.alpha_min_ratio = alpha_min_ratio
        self.cv = cv
        self.n_jobs = n_jobs
        self.score_tolerance = score_tolerance
        self.relax = relax
        self.adaptive = adaptive
        self.adaptive_power = adaptive_power
        self.initial_alpha = initial_alpha
        self.verbose = verbose

    # -- the procedure ------------------------------------------------------
    def _template(self):
        if self.estimator is None:
            return _default_template(self._estimator_class)
        if not isinstance(self.estimator, self._estimator_class):
            raise TypeError(
                f"{type(self).__name__} needs an {self._estimator_class.__name__} as "
                f"estimator, got {type(self.estimator).__name__}."
            )
        return clone(self.estimator)

    def _initial_alpha(self, template, X, y, sample_weight):
        """The adaptive first fit's per-weight alpha (a share of its alpha_max when not given)."""
        if self.initial_alpha is not None:
            return float(self.initial_alpha)
        per_weight = clone(template).set_params(feature_alpha=0.0, alpha=1.0)
        return _INITIAL_ALPHA_SHARE * alpha_max(per_weight, X, y, sample_weight=sample_weight)

    def _factors(self, template, initial_alpha, X, y, sample_weight):
        """The adaptive penalty factors from a first fit on ``X, y`` (None if not adaptive)."""
        if not self.adaptive:
            return None
        first = clone(template).set_params(
            alpha=initial_alpha, feature_alpha=0.0, penalty_factors=None, warm_start=False
        )
        _fit_quietly(first, X, y, sample_weight)
        importances = first.feature_importances_
        if not importances.any():
            raise ValueError(
                f"The adaptive first fit (alpha={initial_alpha:.3g}) uses no feature; "
                "pass a smaller initial_alpha."
            )
        return adaptive_penalty_factors(importances, self.adaptive_power)

    def _score_fold(self, template, initial_alpha, grid, X, y, sample_weight, train, test):
        """Fold scores and features used along the path, largest alpha first."""
        X_train, y_train = _columns_rows(X, train), y[train]
        X_test, y_test = _columns_rows(X, test), y[test]
        weights = _subset(sample_weight, train)
        factors = self._factors(template, initial_alpha, X_train, y_train, weights)
        path = l1_path(
            template.set_params(penalty_factors=factors),
            X_train,
            y_train,
            alphas=grid,
            sample_weight=weights,
            X_val=X_test,
            y_val=y_test,
            relax=self.relax,
        )
        scores = [point.relaxed_validation_score for point in path]
        return np.array(scores, dtype=float), [point.features for point in path]

    @_fit_context(prefer_skip_nested_validation=False)
    @_transactional
    def fit(self, X, y, sample_weight=None):
        """Choose the penalty by cross-validation and refit on all the data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None
            Weights for every training fit (the held-out scores are unweighted).

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
        return self._fit(X, y, sample_weight)

    def _fit(self, X, y, sample_weight):
        sample_weight = _check_sample_weight(sample_weight, X)
        template = self._template()
        direction = _penalty_direction(template)
        cv = check_cv(self.cv, y, classifier=isinstance(self, ClassifierMixin))
        splits = list(cv.split(X, y))

        initial_alpha = None
        if self.adaptive:
            initial_alpha = self._initial_alpha(template, X, y, sample_weight)
        if self.alphas is None:
            factors = self._factors(template, initial_alpha, X, y, sample_weight)
            adapted = clone(template).set_params(penalty_factors=factors)
            top = alpha_max(adapted, X, y, sample_weight=sample_weight)
            grid = top * np.geomspace(1.0, self.alpha_min_ratio, self.n_alphas)
        else:
            grid = np.sort(np.asarray(self.alphas, dtype=float))[::-1]
            if grid.ndim != 1 or grid.size == 0 or np.any(grid < 0):
                raise ValueError("alphas must be a non-empty 1-D list of values >= 0.")

        results = Parallel(n_jobs=self.n_jobs, verbose=self.verbose)(
            delayed(self._score_fold)(
                clone(template), initial_alpha, grid, X, y, sample_weight, train, test
            )
            for train, test in splits
        )
        scores = np.array([fold_scores for fold_scores, _ in results])
        features = [fold_features for _, fold_features in results]
        # A relaxed refit that failed to score (no finite prediction) counts as worst.
        mean_scores = np.nanmean(np.where(np.isfinite(scores), scores, np.nan), axis=0)
        mean_scores = np.where(np.isfinite(mean_scores), mean_scores, -np.inf)
        best = float(mean_scores.max())
        # The grid runs largest-first, so the first index within tolerance is the sparsest.
        chosen = int(np.flatnonzero(mean_scores >= best - self.score_tolerance)[0])

        self.cv_results_ = _cv_results(grid, direction, scores, features, mean_scores)
        self.best_index_ = chosen
        self.best_score_ = float(mean_scores[chosen])

        self.alpha_ = float(grid[chosen] * direction[0])
        self.feature_alpha_ = float(grid[chosen] * direction[1])
        self.alphas_ = self.cv_results_["alpha"]
        # The columns the final model reads: those the fold fits at the chosen
        # penalty use in more than half of the folds. A single full-data fit
        # there would do as well on average but can lose every feature at
        # once: with relu units a product or square feature's gradient
        # vanishes as its weights shrink together, so near the sparse end a
        # step up in penalty sometimes takes the whole network to zero.
        votes = np.zeros(X.shape[1], dtype=int)
        for fold_features in features:
            votes[fold_features[chosen]] += 1
        self.columns_read_ = np.flatnonzero(2 * votes > len(splits))
        self.estimator_ = self._refit(template, direction, grid[chosen], X, y, sample_weight)
        # The relaxed refit may drop a column or two more: the support is what it uses.
        support = np.zeros(X.shape[1], dtype=bool)
        support[self.columns_read_] = self._final_importances() > 0
        self.support_ = support
        self.n_features_selected_ = int(support.sum())
        return self

    def _refit(self, template, direction, value, X, y, sample_weight):
        """The final model: the relaxed refit on the chosen fit's columns."""
        if self.columns_read_.size == 0:
            return self._dummy_class().fit(X, y, sample_weight=sample_weight)
        refit = clone(template).set_params(
            alpha=value * self.relax * direction[0],
            feature_alpha=value * self.relax * direction[1],
            penalty_factors=None,
            warm_start=False,
        )
        return _fit_quietly(refit, _columns(X, self.columns_read_), y, sample_weight)

    def _final_importances(self):
        if self.columns_read_.size == 0:
            return np.zeros(0)
        return self.estimator_.feature_importances_

    def _selected(self, X):
        """``X`` validated, reduced to the columns the final model reads."""
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=(np.float64, np.float32), reset=False
        )
        if self.columns_read_.size == 0:
            return X
        return _columns(X, self.columns_read_)

    # -- the final model's attributes, in terms of all input features ---------
    @property
    def coefs_(self):
        """The final model's weights, with zero first-layer rows for unselected features."""
        check_is_fitted(self)
        if self.columns_read_.size == 0:
            return None
        first = self.estimator_.coefs_[0]
        full = np.zeros((self.n_features_in_, first.shape[1]), dtype=first.dtype)
        full[self.columns_read_] = first
        return [full, *self.estimator_.coefs_[1:]]

    @property
    def intercepts_(self):
        """The final model's biases."""
        check_is_fitted(self)
        return getattr(self.estimator_, "intercepts_", None)

    @property
    def feature_importances_(self):
        """The final model's feature importances over all input features (0 off the support)."""
        check_is_fitted(self)
        importances = np.zeros(self.n_features_in_)
        importances[self.columns_read_] = self._final_importances()
        return importances

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


def _columns_rows(X, rows):
    return X.iloc[rows] if hasattr(X, "iloc") else X[rows]


def _cv_results(grid, direction, scores, features, mean_scores):
    """The per-alpha, per-fold record, in ``GridSearchCV.cv_results_``'s style."""
    counts = np.array([[used.size for used in fold_features] for fold_features in features])
    results = {
        "alpha": grid * direction[0],
        "feature_alpha": grid * direction[1],
        "mean_test_score": mean_scores,
        "std_test_score": np.nanstd(scores, axis=0),
        "mean_n_features": counts.mean(axis=0),
    }
    order = np.argsort(-mean_scores, kind="stable")
    ranks = np.empty(order.size, dtype=int)
    ranks[order] = np.arange(1, order.size + 1)
    results["rank_test_score"] = ranks
    for fold, (fold_scores, fold_features) in enumerate(zip(scores, features, strict=True)):
        results[f"split{fold}_test_score"] = fold_scores
        results[f"split{fold}_n_features"] = counts[fold]
        used = np.empty(len(fold_features), dtype=object)
        used[:] = fold_features
        results[f"split{fold}_features"] = used
    return results


_CV_PARAMETERS_DOC = """
    Parameters
    ----------
    estimator : {estimator_name} or None, default=None
        The network, its solver and its ``l1_mode``; its ``alpha`` and
        ``feature_alpha`` set only the *mix* of the two penalties along the
        path (as in ``l1_path``). ``None``: ``{estimator_name}(
        hidden_layer_sizes=(32,), alpha=0.03, feature_alpha=1.0,
        learning_rate_init=0.01, max_iter=500)``. Use an exact-zero
        ``l1_mode`` (``"proximal"``, the default, or ``"cumulative"``).

    alphas : array-like or None, default=None
        The path values (see ``l1_path``). ``None``: ``n_alphas`` values from
        the one at which a fresh fit on all the data uses no feature down to
        ``alpha_min_ratio`` times it.

    n_alphas : int, default=10

    alpha_min_ratio : float, default=1e-2

    cv : int, cross-validation generator or iterable, default=5
        As in ``LassoCV``{stratified}.

    n_jobs : int or None, default=None
        Folds run in parallel with joblib (any backend, ``dask`` included).

    score_tolerance : float, default=0.01
        The chosen point is the sparsest whose mean CV score is at least the
        best mean score minus this (in the units of ``score``: {score_name}).

    relax : float, default=0.1
        Score (and finally refit) each point by a network trained on the
        features the point uses, with its penalty times ``relax`` (the relaxed
        lasso; 0 refits without penalty).

    adaptive : bool, default=True
        Scale each feature's penalty by ``(max m / m_j) ** adaptive_power``,
        ``m`` the importances of a first fit (the adaptive lasso).

    adaptive_power : float, default=1.0

    initial_alpha : float or None, default=None
        The per-weight ``alpha`` of the adaptive first fit. ``None``: a tenth
        of the smallest per-weight ``alpha`` at which a fresh fit on all the
        data uses no feature.

    verbose : int, default=0
        joblib's verbosity.
"""

_CV_ATTRIBUTES_DOC = """
    Attributes
    ----------
    alpha_, feature_alpha_ : float
        The penalties chosen.

    support_ : ndarray of bool, shape (n_features_in_,)
        The features the final model uses.

    columns_read_ : ndarray of int
        The columns ``estimator_`` is trained on: those the fold fits at the
        chosen penalty use in more than half of the folds (a superset of
        ``support_``; the relaxed refit may drop some).

    n_features_selected_ : int

    estimator_ : {estimator_name} or {dummy_name}
        The final model, trained on ``X[:, columns_read_]`` (a constant
        ``{dummy_name}`` on all of ``X`` when no feature is selected).

    coefs_, intercepts_ : list of ndarray
        ``estimator_``'s weights, the first layer with a zero row per
        unselected feature (so they apply to all of ``X``).

    feature_importances_ : ndarray of shape (n_features_in_,)
        ``estimator_``'s importances, 0 for unselected features.

    alphas_ : ndarray
        The grid's ``alpha`` values, largest first.

    cv_results_ : dict of ndarray
        Per grid point: ``alpha``, ``feature_alpha``, ``mean_test_score``,
        ``std_test_score``, ``rank_test_score``, ``mean_n_features``, and per
        fold ``split{{k}}_test_score``, ``split{{k}}_n_features`` and
        ``split{{k}}_features`` (the indices each fold's fit uses).

    best_index_ : int
        The chosen grid point.

    best_score_ : float
        Its mean CV score.

    n_features_in_ : int

    feature_names_in_ : ndarray of str
        Defined when ``X`` has string column names.
"""


class L1MLPRegressorCV(RegressorMixin, _BaseL1MLPCV):
    __doc__ = (
        """L1MLPRegressor with the penalty, and so the features, chosen by cross-validation.

    Scores a path of penalties on held-out folds with relaxed refits and
    adaptive per-feature factors, picks the sparsest point within
    ``score_tolerance`` of the best, and refits on all the data (see the
    module docs and docs/feature_selection.md).
"""
        + _CV_PARAMETERS_DOC.format(
            estimator_name="L1MLPRegressor", stratified="", score_name="R^2"
        )
        + _CV_ATTRIBUTES_DOC.format(estimator_name="L1MLPRegressor", dummy_name="DummyRegressor")
        + """
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
"""
    )

    _estimator_class = L1MLPRegressor
    _dummy_class = DummyRegressor
    _y_is_numeric = True


class L1MLPClassifierCV(ClassifierMixin, _BaseL1MLPCV):
    __doc__ = (
        """L1MLPClassifier with the penalty, and so the features, chosen by cross-validation.

    Scores a path of penalties on held-out (stratified) folds with relaxed
    refits and adaptive per-feature factors, picks the sparsest point within
    ``score_tolerance`` of the best accuracy, and refits on all the data (see
    the module docs and docs/feature_selection.md).
"""
        + _CV_PARAMETERS_DOC.format(
            estimator_name="L1MLPClassifier",
            stratified=" (stratified for classifiers)",
            score_name="accuracy",
        )
        + _CV_ATTRIBUTES_DOC.format(estimator_name="L1MLPClassifier", dummy_name="DummyClassifier")
        + """
    classes_ : ndarray
        The class labels.

    See Also
    --------
    l1_path : the path this scores.
    sklearn.linear_model.LogisticRegressionCV : the linear model's counterpart.
"""
    )

    _estimator_class = L1MLPClassifier
    _dummy_class = DummyClassifier
    _y_is_numeric = False

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
