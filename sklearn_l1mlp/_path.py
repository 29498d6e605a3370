"""The L1 path: fits over a geometric grid of penalties, each warm-started.

As ``lasso_path`` does for linear models, ``l1_path`` fits one network per
penalty strength on a grid from one large enough that the network uses no
input feature (found by fitting) down to a small fraction of it. Unlike a
linear model, the fits run from the *dense* end of the grid (smallest
penalty first), each starting from the previous fit's weights: a network
whose first layer is zero sits at a stationary point for every feature that
acts through a nonlinearity (at ``W1 = 0`` a feature's gradient is only its
linear correlation with the residual, zero for ``x**2``, ``|x|`` or
``x1 * x2``), so a path run from the empty network could never bring such a
feature back. Each point can be refit on the features it uses with a smaller
penalty (the relaxed lasso of Meinshausen, 2007), so that choosing the
features is not judged by the shrinkage the penalty puts on the kept weights.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array

from ._base import BaseL1MLP, objective
from ._penalties import L1_MODES
from ._validation import take_columns

#: Factor between the probes of the search for the first alpha.
_SEARCH_FACTOR = 4.0
#: Geometric bisection steps after the search: the first alpha ends within
#: a factor _SEARCH_FACTOR ** (1 / 2 ** _BISECTIONS) of the smallest one
#: that removes every feature.
_BISECTIONS = 3
#: Most grid steps the path adds above alpha_max to reach the empty network.
_MAX_EXTENSIONS = 20
#: The warm search's start, below the fresh alpha_max (a network that uses
#: features), and its climb: factor 2 per step, at most _MAX_EXTENSIONS steps.
_WARM_START_SHARE = 0.1
_WARM_FACTOR = 2.0


@dataclass
class PathPoint:
    """One point of the L1 path.

    Attributes
    ----------
    alpha, feature_alpha : float
        The penalty strengths of this fit.
    features : ndarray of int
        The input features the network uses (importance > 0).
    n_zero_weights, n_weights : int
        Weights (``coefs_`` and ``skip_coef_`` entries) exactly zero, and in all.
    objective : float
        The training objective ``J`` (data term plus penalty) at the fit.
    n_iter : int
        Epochs (or lbfgs iterations) of this fit.
    validation_score : float or None
        ``score`` on the validation set, when one was given.
    validation_loss : float or None
        The data term of the objective on the validation set (``objective``
        with ``include_penalty=False``: the log-loss of a classifier).
    relaxed_features : ndarray of int or None
        The features the relaxed refit uses, when refits were asked for.
    relaxed_validation_score : float or None
        The relaxed refit's validation score.
    relaxed_validation_loss : float or None
        The relaxed refit's validation loss.
    coefs, intercepts : list of ndarray or None
        The fitted weights, when asked for.
    skip_coef : ndarray or None
        The linear skip's weights, when asked for and the network has one.
    relaxed_estimator : estimator or None
        The relaxed refit (trained on ``X[:, features]``), when asked for.
    importances : ndarray of shape (n_features,) or None
        The network's ``feature_importances_`` at this point.
    """

    alpha: float
    feature_alpha: float
    features: np.ndarray
    n_zero_weights: int
    n_weights: int
    objective: float
    n_iter: int
    validation_score: float | None = None
    validation_loss: float | None = None
    relaxed_features: np.ndarray | None = None
    relaxed_validation_score: float | None = None
    relaxed_validation_loss: float | None = None
    coefs: list | None = field(default=None, repr=False)
    intercepts: list | None = field(default=None, repr=False)
    skip_coef: np.ndarray | None = field(default=None, repr=False)
    relaxed_estimator: object = field(default=None, repr=False)
    importances: np.ndarray | None = field(default=None, repr=False)


def penalty_direction(estimator):
    """The (alpha, feature_alpha) pair a path value of 1 stands for.

    The path scales the estimator's own mix of the two penalties; with no
    ``alpha`` it runs over ``feature_alpha``, and with neither over ``alpha``.
    """
    alpha, feature_alpha = float(estimator.alpha), float(estimator.feature_alpha)
    if alpha > 0:
        return 1.0, feature_alpha / alpha
    if feature_alpha > 0:
        return 0.0, 1.0
    return 1.0, 0.0


def _set_penalty(estimator, value, direction):
    return estimator.set_params(alpha=value * direction[0], feature_alpha=value * direction[1])


def check_alphas(alphas):
    """``alphas`` as a 1-D float array, largest first.

    Raises
    ------
    ValueError
        If ``alphas`` is empty, not 1-D, not finite or has a negative value.
    """
    values = check_array(alphas, ensure_2d=False, input_name="alphas")
    if values.ndim != 1 or values.size == 0 or np.any(values < 0):
        raise ValueError("alphas must be a non-empty 1-D list of values >= 0.")
    return np.sort(values)[::-1]


def fit_quietly(estimator, X, y, sample_weight):
    """``estimator.fit(X, y, sample_weight=...)`` without ConvergenceWarnings.

    A path's points and a CV's fold fits stop at ``max_iter`` by design;
    their warnings would bury the ones that matter.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y, sample_weight=sample_weight)


def fit_reporting(estimator, X, y, sample_weight, source):
    """``estimator.fit(X, y, sample_weight=...)``, its warnings passed on with ``source`` named.

    For the fit whose model the user gets: unlike a path's fits, its
    ConvergenceWarning matters, and says which fit it comes from and what
    to change.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        estimator.fit(X, y, sample_weight=sample_weight)
    for warning in caught:
        message = str(warning.message)
        if issubclass(warning.category, ConvergenceWarning):
            message = (
                f"{source} on all the rows: {message} Raise max_iter (the CV estimator's, "
                "or the estimator's) to train it longer."
            )
        warnings.warn(message, warning.category, stacklevel=3)
    return estimator


def _n_features_used(estimator):
    return int(np.count_nonzero(estimator.feature_importances_))


def alpha_max(estimator, X, y, *, sample_weight=None, start=1.0):
    """The smallest penalty (up to a factor 1.19) at which the network uses no feature.

    Found by fitting: probes go up or down by a factor 4 from ``start`` until
    one removes every input feature and the next does not, then three
    geometric bisections narrow the gap. Every probe is a fresh fit of a
    clone of ``estimator``. A path, whose fits are warm-started, may keep
    features above this value: see ``warm_alpha_max``.

    Parameters
    ----------
    estimator : L1MLPClassifier or L1MLPRegressor
        Its exact-zero ``l1_mode`` (proximal or cumulative) makes this
        meaningful: with the others no feature is ever dropped exactly.
    X, y : array-like
    sample_weight : array-like or None
    start : float
        The first probe.

    Returns
    -------
    value : float
        A path value (see ``l1_path``) at which the network uses no feature.
    """
    direction = penalty_direction(estimator)
    probe = clone(estimator).set_params(warm_start=False)

    def uses_none(value):
        fit_quietly(_set_penalty(probe, value, direction), X, y, sample_weight)
        return _n_features_used(probe) == 0

    high = low = float(start)
    if uses_none(high):
        while uses_none(low / _SEARCH_FACTOR):
            low /= _SEARCH_FACTOR
            if low < 1e-12:
                return low
        high, low = low, low / _SEARCH_FACTOR
    else:
        for _ in range(40):
            high *= _SEARCH_FACTOR
            if uses_none(high):
                break
        else:
            raise ValueError(_no_empty_network_message(estimator, high, y))
        low = high / _SEARCH_FACTOR
    for _ in range(_BISECTIONS):
        middle = np.sqrt(high * low)
        if uses_none(middle):
            high = middle
        else:
            low = middle
    return high


def _no_empty_network_message(estimator, high, y):
    """Why no penalty emptied the network, and what to change."""
    if not L1_MODES[estimator.l1_mode].exact_zeros:
        return (
            f"No penalty up to {high:g} removes every feature: l1_mode="
            f"{estimator.l1_mode!r} gives no exact zeros. Use 'proximal' or 'cumulative'."
        )
    magnitude = float(np.max(np.abs(y), initial=0.0))
    return (
        f"No penalty up to {high:g} removes every feature. The penalty that empties a "
        f"network grows with the scale of the target (largest |y| here: {magnitude:.3g}) "
        "and of the columns; scale them (standardize=True in the CV estimators, or "
        "StandardScaler and TransformedTargetRegressor in a Pipeline)."
    )


def warm_alpha_max(estimator, X, y, *, fresh, sample_weight=None):
    """Where a path run up from its dense end uses no feature (up to a factor 2).

    A network that already uses features can keep some well above
    ``alpha_max``: with a penalty on every layer, a fresh fit at a strong
    penalty shrinks all layers at once towards the zero network (a
    stationary point of their product), while a trained one has weights
    large enough to pay their way. This fits ``estimator`` at
    ``0.1 * fresh``, then warm-started at ``0.1 ** 0.5 * fresh`` and at
    ``fresh``, then upward by factors of 2 until a fit uses no feature.

    Parameters
    ----------
    estimator : L1MLPClassifier or L1MLPRegressor
    X, y : array-like
    fresh : float
        ``alpha_max(estimator, X, y)``, where the search starts.
    sample_weight : array-like or None

    Returns
    -------
    value : float
        A path value, at least ``fresh``.
    """
    direction = penalty_direction(estimator)
    model = clone(estimator).set_params(warm_start=True)
    for value in (fresh * _WARM_START_SHARE, fresh * np.sqrt(_WARM_START_SHARE)):
        fit_quietly(_set_penalty(model, value, direction), X, y, sample_weight)
    value = fresh
    for _ in range(_MAX_EXTENSIONS):
        fit_quietly(_set_penalty(model, value, direction), X, y, sample_weight)
        if _n_features_used(model) == 0:
            break
        value *= _WARM_FACTOR
    return value


def l1_path(
    estimator,
    X,
    y,
    *,
    alphas=None,
    n_alphas=20,
    alpha_min_ratio=1e-2,
    sample_weight=None,
    X_val=None,
    y_val=None,
    relax=None,
    return_weights=False,
    return_relaxed=False,
    verbose=False,
    callback=None,
):
    """Fit ``estimator`` over a grid of penalties, each fit warm-started from the last.

    Parameters
    ----------
    estimator : L1MLPClassifier or L1MLPRegressor
        Its parameters set every fit; its ``alpha`` and ``feature_alpha`` fix
        the mix of the two penalties that the path scales. A path value ``a``
        sets ``alpha = a`` and ``feature_alpha = a * feature_alpha / alpha``;
        when the estimator's ``alpha`` is 0, ``a`` is ``feature_alpha`` itself.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    alphas : array-like or None
        The path values. ``None``: a geometric grid of ``n_alphas`` values
        from ``alpha_max`` (found by fitting, see ``alpha_max``) down to
        ``alpha_min_ratio`` times it, extended upward by the same ratio until
        the path's own (warm-started) network uses no feature. Values are
        fitted from the smallest up, each fit warm-started from the one before.
    n_alphas : int
    alpha_min_ratio : float
    sample_weight : array-like or None
    X_val, y_val : array-like or None
        A validation set scored at every point.
    relax : float or None
        When given, every point is also refit, from a fresh start, on the
        features it uses, with its penalties times ``relax`` (0: no penalty);
        the relaxed lasso. A point that uses no feature, or more features
        than ``X`` has rows, is its own relaxed refit: the refit undoes the
        shrinkage of a sparse selection, and past as many columns as rows
        the selection is not sparse (the CV estimators choose such a point
        only when every point is one).
    return_weights : bool
        Keep every point's ``coefs`` and ``intercepts``.
    return_relaxed : bool
        Keep every point's relaxed estimator.
    verbose : bool
        Print one line per point.
    callback : callable or None
        Called as ``callback(point)`` with each ``PathPoint`` as soon as it
        is fitted (in fitting order, smallest alpha first); the CV
        estimators report their progress through it.

    Returns
    -------
    path : list of PathPoint
        One per value, largest alpha first (so features used grow along it).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_l1mlp import L1MLPRegressor, l1_path
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 6))
    >>> y = X[:, 0] - 2 * X[:, 1]
    >>> model = L1MLPRegressor(hidden_layer_sizes=(8,), alpha=1.0, learning_rate_init=0.01,
    ...                        max_iter=200, random_state=0)
    >>> path = l1_path(model, X, y, alphas=[3.0, 1.0, 0.3, 0.03])
    >>> [point.features.tolist() for point in path]
    [[], [1], [0, 1], [0, 1]]
    """
    if not isinstance(estimator, BaseL1MLP):
        raise TypeError(
            f"l1_path needs an L1MLPClassifier or L1MLPRegressor, got {type(estimator).__name__}."
        )
    direction = penalty_direction(estimator)
    automatic = alphas is None
    if automatic:
        top = alpha_max(estimator, X, y, sample_weight=sample_weight)
        alphas = top * np.geomspace(1.0, alpha_min_ratio, n_alphas)
    alphas = check_alphas(alphas)
    model = clone(estimator).set_params(warm_start=True)

    def fit_point(value):
        fit_quietly(_set_penalty(model, value, direction), X, y, sample_weight)
        point = _record(model, X, y, sample_weight, X_val, y_val, return_weights)
        if relax is not None:
            _relaxed_refit(
                point,
                estimator,
                direction,
                value * relax,
                X,
                y,
                sample_weight,
                X_val,
                y_val,
                return_relaxed,
            )
        if verbose:
            print(describe_point(point))
        if callback is not None:
            callback(point)
        return point

    # Dense end first: see the module docstring for why.
    path = [fit_point(value) for value in alphas[::-1]]
    if automatic and alphas.size > 1:
        # Warm-started from the dense end, a network may keep a feature or two
        # at the alpha where a fresh fit keeps none: extend the grid until it
        # keeps none, so the path starts from the empty network.
        ratio = alphas[0] / alphas[1]
        value = alphas[0]
        for _ in range(_MAX_EXTENSIONS):
            if path[-1].features.size == 0:
                break
            value *= ratio
            path.append(fit_point(value))
    return path[::-1]


def _record(model, X, y, sample_weight, X_val, y_val, return_weights):
    """The PathPoint of the fitted ``model``."""
    matrices = list(model.coefs_)
    if model.skip_coef_ is not None:
        matrices.append(model.skip_coef_)
    weights = np.concatenate([c.ravel() for c in matrices])
    importances = model.feature_importances_
    validating = X_val is not None and y_val is not None
    point = PathPoint(
        alpha=model.alpha,
        feature_alpha=model.feature_alpha,
        features=np.flatnonzero(importances),
        n_zero_weights=int(np.count_nonzero(weights == 0)),
        n_weights=weights.size,
        objective=objective(model, X, y, sample_weight),
        n_iter=model.n_iter_,
        validation_score=model.score(X_val, y_val) if validating else None,
        validation_loss=(
            objective(model, X_val, y_val, include_penalty=False) if validating else None
        ),
        importances=importances.copy(),
    )
    if return_weights:
        point.coefs = [c.copy() for c in model.coefs_]
        point.intercepts = [b.copy() for b in model.intercepts_]
        point.skip_coef = None if model.skip_coef_ is None else model.skip_coef_.copy()
    return point


def describe_point(point):
    """One line on a ``PathPoint``: its penalties, features, zeros, objective and scores."""
    line = (
        f"alpha={point.alpha:.4g}, feature_alpha={point.feature_alpha:.4g}: "
        f"{point.features.size} features, "
        f"{point.n_zero_weights / point.n_weights:.1%} weights zero, "
        f"objective {point.objective:.6f}"
    )
    if point.validation_score is not None:
        line += f", validation score {point.validation_score:.4f}"
    if point.relaxed_validation_score is not None:
        line += f", relaxed {point.relaxed_validation_score:.4f}"
    return line


def _relaxed_refit(point, estimator, direction, value, X, y, sample_weight, X_val, y_val, keep):
    """Refit on the point's features with the penalty ``value``; fill in its relaxed fields."""
    if point.features.size == 0 or point.features.size > X.shape[0]:
        point.relaxed_features = point.features
        point.relaxed_validation_score = point.validation_score
        point.relaxed_validation_loss = point.validation_loss
        return
    # The refit sees only the point's columns: per-feature factors no longer apply.
    relaxed = _set_penalty(
        clone(estimator).set_params(warm_start=False, penalty_factors=None), value, direction
    )
    fit_quietly(relaxed, take_columns(X, point.features), y, sample_weight)
    point.relaxed_features = point.features[np.flatnonzero(relaxed.feature_importances_)]
    if X_val is not None and y_val is not None:
        X_kept = take_columns(X_val, point.features)
        point.relaxed_validation_score = relaxed.score(X_kept, y_val)
        point.relaxed_validation_loss = objective(relaxed, X_kept, y_val, include_penalty=False)
    if keep:
        point.relaxed_estimator = relaxed
