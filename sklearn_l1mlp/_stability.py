"""Stability selection over the L1 penalty, with a bound on the expected number of false picks.

The rule that picks the best CV score is made for prediction: on wide data
it keeps noise columns beside the signal. Stability selection (Meinshausen
& Buhlmann, 2010), in its complementary-pairs form (Shah & Samworth, 2013),
asks instead how often a feature is selected when the network is fitted on
half of the rows: the rows are split ``n_pairs`` times into two disjoint
halves, each half selects features, and feature ``j``'s selection
probability is the share of the ``2 * n_pairs`` halves that select it.

A half's selection is the first ``q`` features to enter its network as the
penalty falls from the top of one grid: fresh fits at each penalty, largest
first, the features a fit uses joining in order of importance, until ``q``
have joined (Meinshausen & Buhlmann's lasso selection takes the first ``q``
variables to enter the path the same way). With ``q_mean`` the mean size of
the halves' selections and ``p`` the number of features, keeping the
features whose probability reaches ``threshold`` in ``(1/2, 1]`` bounds
the expected number of false selections ``V`` (features independent of the
target)::

    E[V] <= q_mean**2 / ((2 * threshold - 1) * p)

when the noise features are exchangeable and the half-sample selection is
no worse than random guessing (Meinshausen & Buhlmann's Theorem 1; Shah &
Samworth show it holds for complementary pairs). ``q`` is the largest the
bound allows at the threshold (0.9 unless one is given), and the threshold
the smallest that keeps the bound at ``max_false_selections``.

Fresh fits, not a warm-started path: a network trained at a small penalty
keeps features far above the penalty at which a fresh fit uses none. Where
a network on half the rows starts to use features it often gives a little
weight to hundreds of noise columns beside a few strong ones: importance
orders them, and only the first ``q`` count. A half whose selection is full
(``q`` features, or every column it kept) is not fitted again, so the dense
end of the grid is rarely reached.

On wide data each half first keeps its ``n / log n`` columns most
associated with its target (Fan & Lv's sure independence screening,
``screen="sis"``), as part of its own selection. A network on a few hundred
rows of a thousand columns picks straight effects first and one that acts
through a square only after noise columns; the marginal test, on quantile
bins, sees both. On the stability benchmark's 300-row tasks the screen
took the halves from missing such columns to finding them (the
benchmark page has the measurement).
"""

import warnings
from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, MetaEstimatorMixin, _fit_context, clone
from sklearn.feature_selection import SelectorMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from ._cv_prepare import DEFAULT_TEMPLATE, screened_columns
from ._mlp import L1MLPClassifier, L1MLPRegressor
from ._path import alpha_max, check_alphas, fit_quietly, penalty_direction
from ._scaling import column_scaling, target_scaling
from ._validation import check_sample_weight, take_rows, transactional

#: The largest threshold the estimator chooses by itself (Meinshausen &
#: Buhlmann advise 0.6 to 0.9; above it a feature must be picked nearly always).
MAX_THRESHOLD = 0.9
#: The smallest: below it a pick is little better than a coin.
MIN_THRESHOLD = 0.6
#: Times the grid is raised by one of its steps when even its top selects too much.
MAX_RAISES = 6


def false_selection_bound(q, threshold, n_features):
    """The bound ``q**2 / ((2 * threshold - 1) * n_features)`` on the expected false picks."""
    return np.asarray(q, dtype=float) ** 2 / ((2 * threshold - 1) * n_features)


def largest_bounded_q(n_features, max_false_selections, threshold=None):
    """The largest ``q`` the bound allows at ``threshold`` (or at ``MAX_THRESHOLD``)."""
    threshold = MAX_THRESHOLD if threshold is None else threshold
    return float(np.sqrt(max_false_selections * (2 * threshold - 1) * n_features))


def smallest_bounded_threshold(q, n_features, max_false_selections):
    """The smallest threshold, at least ``MIN_THRESHOLD``, that keeps the bound at ``q``.

    ``max(MIN_THRESHOLD, 1/2 + q**2 / (2 * n_features * max_false_selections))``,
    raised to the next float where rounding leaves the bound above
    ``max_false_selections``.
    """
    needed = max(0.5 + q**2 / (2 * n_features * max_false_selections), MIN_THRESHOLD)
    while false_selection_bound(q, needed, n_features) > max_false_selections:
        needed = np.nextafter(needed, 1.0)
    return float(needed)


class _Half:
    """One half sample, scaled and screened, ready to be fitted at any penalty."""

    def __init__(self, rows, X, y, sample_weight, standardize, scales_target, screen, classify):
        self.weights = take_rows(sample_weight, rows)
        X_half, y_half = take_rows(X, rows), y[rows]
        scaling = column_scaling(X_half, self.weights, standardize)
        X_half = scaling.transform(X_half)
        if scales_target:
            offset, scale = target_scaling(y_half, self.weights)
            y_half = (y_half - offset) / scale
        if scaling.kept.size:
            kept = screened_columns(screen, X_half, y_half, self.weights, classification=classify)
            X_half, self.columns = X_half[:, kept], scaling.kept[kept]
        else:
            self.columns = scaling.kept
        self.X, self.y = X_half, y_half


def _selected(template, half, alpha, feature_alpha):
    """The features a fresh fit on ``half`` uses, largest importance first (original indices)."""
    if half.columns.size == 0:
        return half.columns
    network = clone(template).set_params(alpha=alpha, feature_alpha=feature_alpha)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a fit that stops at max_iter still selects
        fit_quietly(network, half.X, half.y, half.weights)
    importances = network.feature_importances_
    order = np.argsort(-importances, kind="stable")
    return half.columns[order[importances[order] > 0]]


class L1MLPStabilitySelection(SelectorMixin, MetaEstimatorMixin, BaseEstimator):
    """Features whose selection survives subsampling, with a bound on false picks.

    Complementary-pairs stability selection (Shah & Samworth, 2013) over the
    L1 penalty of ``estimator``: ``n_pairs`` random splits of the rows into
    two halves; each half selects the first ``q`` features to enter its
    network as the penalty falls (fresh fits from the top of one grid,
    features ordered by importance within a penalty); the features that
    more than ``threshold_`` of the halves select are kept. ``q`` and the
    threshold keep the bound ``q**2 / ((2 * threshold - 1) * n_features)``
    on the expected number of selected features that are independent of
    the target within ``max_false_selections`` (the user guide's page on
    stability selection gives the bound's assumptions).

    Parameters
    ----------
    estimator : L1MLPClassifier, L1MLPRegressor or None, default=None
        The network, with an exact-zero ``l1_mode``; its ``alpha`` and
        ``feature_alpha`` set the mix of the two penalties along the grid.
        None: the CV estimators' default network (without the ridge term),
        a classifier when ``y`` holds classes and a regressor otherwise.
    alphas : int or array-like, default=30
        The penalties, as scikit-learn 1.7's ``alphas``: an int (at least 2)
        is the number of values from where a fresh fit on all the rows uses
        no feature (``alpha_max``) down to ``alpha_min_ratio`` times it
        (raised by its own steps while most halves fill their selection at
        its top); an array gives them. Fitting stops once every half's
        selection is full, so a fine grid costs little and orders the
        features' entry better.
    alpha_min_ratio : float, default=0.05
    n_pairs : int, default=25
        The complementary pairs of half samples (``2 * n_pairs`` fits per
        penalty).
    max_false_selections : float, default=1.0
        The bound on the expected number of selected features that are
        independent of the target.
    threshold : float or None, default=None
        The share of halves that must select a feature, in ``(0.5, 1]``.
        None: each half selects the ``q`` the bound allows at 0.9, and the
        threshold is the smallest that keeps the bound at the mean size of
        the selections (at least 0.6).
    screen : int, "auto", "sis" or None, default="sis"
        The columns each half keeps before its fits, by the marginal test
        (``screen`` of the CV estimators): "sis" keeps ``n / log n`` of a
        half's ``n`` rows, so only data with more columns is screened;
        "auto" five per row; None all. Where columns act only together (an
        XOR), which no marginal test sees, pass "auto" or None.
    standardize : bool, default=True
        Scale each half's columns (and a regressor's target) to mean 0 and
        standard deviation 1, as the CV estimators do.
    n_jobs : int or None, default=None
        The half-sample fits at one penalty run in parallel with joblib.
    random_state : int, RandomState instance or None, default=None
        Draws the splits and seeds every network.

    Attributes
    ----------
    alphas_ : ndarray of shape (n_points,)
        The penalties fitted, largest first (``alpha``, and ``feature_alpha``
        in the estimator's proportion; ``feature_alpha`` when its ``alpha``
        is 0).
    stability_path_ : ndarray of shape (n_points, `n_features_in_`)
        The share of halves whose selection holds each feature once the
        penalty has fallen to each of ``alphas_`` (non-decreasing; its last
        row is ``selection_probabilities_``).
    mean_selected_ : float
        The mean size of the halves' selections (``q`` of the bound).
    threshold_ : float
    false_selection_bound_ : float
        The bound on the expected false selections at ``mean_selected_``
        and ``threshold_`` (at most ``max_false_selections``).
    selection_probabilities_ : ndarray of shape (`n_features_in_`,)
        The share of halves that select each feature.
    support_ : ndarray of bool, shape (`n_features_in_`,)
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Defined when ``X`` has feature names that are all strings.

    See Also
    --------
    L1MLPClassifierCV, L1MLPRegressorCV : the penalty and features chosen for prediction.
    StabilityPathDisplay : draws ``stability_path_``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_l1mlp import L1MLPRegressor, L1MLPStabilitySelection
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 10))
    >>> y = X[:, 0] - 2 * X[:, 1] + 0.1 * rng.normal(size=200)
    >>> network = L1MLPRegressor(hidden_layer_sizes=(8,), learning_rate_init=0.01,
    ...                          max_iter=100)
    >>> selector = L1MLPStabilitySelection(network, n_pairs=5, random_state=0).fit(X, y)
    >>> np.flatnonzero(selector.support_).tolist()
    [0, 1]
    """

    _parameter_constraints = {
        "estimator": [L1MLPClassifier, L1MLPRegressor, None],
        "alphas": [Interval(Integral, 2, None, closed="left"), "array-like"],
        "alpha_min_ratio": [Interval(Real, 0, 1, closed="neither")],
        "n_pairs": [Interval(Integral, 1, None, closed="left")],
        "max_false_selections": [Interval(Real, 0, None, closed="neither")],
        "threshold": [Interval(Real, 0.5, 1, closed="right"), None],
        "screen": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto", "sis"}), None],
        "standardize": ["boolean"],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        alphas=30,
        alpha_min_ratio=0.05,
        n_pairs=25,
        max_false_selections=1.0,
        threshold=None,
        screen="sis",
        standardize=True,
        n_jobs=None,
        random_state=None,
    ):
        self.estimator = estimator
        self.alphas = alphas
        self.alpha_min_ratio = alpha_min_ratio
        self.n_pairs = n_pairs
        self.max_false_selections = max_false_selections
        self.threshold = threshold
        self.screen = screen
        self.standardize = standardize
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _template(self, y, rng):
        if self.estimator is not None:
            template = clone(self.estimator)
        elif type_of_target(y, raise_unknown=True) in ("binary", "multiclass"):
            template = L1MLPClassifier(**DEFAULT_TEMPLATE)
        else:
            template = L1MLPRegressor(**DEFAULT_TEMPLATE)
        return template.set_params(
            random_state=rng.randint(np.iinfo(np.int32).max), warm_start=False
        )

    @_fit_context(prefer_skip_nested_validation=False)
    @transactional
    def fit(self, X, y, sample_weight=None):
        """Let every half sample select its first features, and keep the stable ones.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : L1MLPStabilitySelection
        """
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            multi_output=True,
        )
        if X.shape[0] < 4:
            raise ValueError(
                f"{type(self).__name__} needs at least 4 rows (two halves of two); got "
                f"n_samples={X.shape[0]}."
            )
        sample_weight = check_sample_weight(sample_weight, X)
        rng = check_random_state(self.random_state)
        template = self._template(y, rng)
        classify = isinstance(template, L1MLPClassifier)
        scales_target = self.standardize and not classify and template.loss == "squared_error"
        grid = self._grid(template, X, y, sample_weight, scales_target, classify)
        halves = []
        for _ in range(self.n_pairs):
            order = rng.permutation(X.shape[0])
            half = X.shape[0] // 2
            halves += [np.sort(order[:half]), np.sort(order[half : 2 * half])]
        halves = [
            _Half(rows, X, y, sample_weight, self.standardize, scales_target, self.screen, classify)
            for rows in halves
        ]
        self._fit_from_the_top(template, halves, grid, X.shape[1])
        return self

    def _fit_from_the_top(self, template, halves, grid, n_features):
        """Fit the halves at one penalty after the other, largest first, until each holds q.

        A half's selection is what its fit at the largest penalty that uses
        at least ``cap`` features uses, the ``cap`` of largest importance
        (``cap``: the ``q`` the bound allows, or all the half's columns where
        it kept fewer); a half whose selection is full is not fitted again,
        and one that never fills keeps its last fit's.
        """
        direction = penalty_direction(template)
        cap = int(largest_bounded_q(n_features, self.max_false_selections, self.threshold))
        if cap < 1:
            warnings.warn(
                f"The bound allows no selection: with {n_features} features, "
                f"max_false_selections={self.max_false_selections} keeps q below 1, so "
                "nothing is selected. Raise max_false_selections.",
                UserWarning,
            )
        explicit = not isinstance(self.alphas, Integral)
        # A half screened to fewer than ``cap`` columns is full once it uses them all.
        caps = [min(cap, half.columns.size) for half in halves]
        entered = [[] for _ in halves]
        counts, fitted, values, raises = [], [], list(grid), 0
        while values and any(len(chosen) < c for chosen, c in zip(entered, caps, strict=True)):
            value = values.pop(0)
            open_halves = [i for i, chosen in enumerate(entered) if len(chosen) < caps[i]]
            selections = Parallel(n_jobs=self.n_jobs)(
                delayed(_selected)(template, halves[i], value * direction[0], value * direction[1])
                for i in open_halves
            )
            if not fitted and not explicit and raises < MAX_RAISES:
                full = [f.size >= caps[i] for i, f in zip(open_halves, selections, strict=True)]
                if np.mean(full) > 0.5:
                    # Most halves fill their selection at the very top: go up a step.
                    raises += 1
                    values = [value * grid[0] / grid[1], value, *values]
                    continue
            for i, features in zip(open_halves, selections, strict=True):
                entered[i] = list(features[:cap])
            fitted.append(value)
            count = np.zeros(n_features)
            for chosen in entered:
                count[chosen] += 1
            counts.append(count / len(halves))
        self.alphas_ = np.array(fitted)
        self.stability_path_ = np.array(counts).reshape(len(fitted), n_features)
        self.selection_probabilities_ = self.stability_path_[-1] if fitted else np.zeros(n_features)
        self.mean_selected_ = float(np.mean([len(chosen) for chosen in entered]))
        self.threshold_ = self._chosen_threshold(n_features)
        self.false_selection_bound_ = float(
            false_selection_bound(self.mean_selected_, self.threshold_, n_features)
        )
        self.support_ = self.selection_probabilities_ >= self.threshold_

    def _chosen_threshold(self, n_features):
        """``threshold``, or the smallest that keeps the bound at ``mean_selected_``."""
        if self.threshold is not None:
            return float(self.threshold)
        return smallest_bounded_threshold(
            self.mean_selected_, n_features, self.max_false_selections
        )

    def _grid(self, template, X, y, sample_weight, scales_target, classify):
        """The penalties, largest first: ``alphas`` given, or placed on all the rows."""
        if not isinstance(self.alphas, Integral):
            return check_alphas(self.alphas)
        scaling = column_scaling(X, sample_weight, self.standardize)
        if scaling.kept.size == 0:
            raise ValueError(
                "Every column of X is constant, so there is no feature to select; "
                "pass columns that vary."
            )
        X_scaled = scaling.transform(X)
        if scales_target:
            offset, scale = target_scaling(y, sample_weight)
            y = (y - offset) / scale
        columns = screened_columns(self.screen, X_scaled, y, sample_weight, classification=classify)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            top = alpha_max(template, X_scaled[:, columns], y, sample_weight=sample_weight)
        return top * np.geomspace(1.0, self.alpha_min_ratio, self.alphas)

    def _get_support_mask(self):
        check_is_fitted(self)
        return self.support_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.required = True
        return tags
