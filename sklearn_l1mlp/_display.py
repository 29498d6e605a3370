"""``L1PathDisplay``: a fitted CV estimator's path in one figure.

Like glmnet's ``plot(cv.glmnet)``, the top panel answers "which alpha, how
many features, how sure": the mean held-out score with one standard
deviation across folds, the number of features the folds' networks use,
and the chosen point, all against the penalty. The bottom panel is the
importance path (LassoNet's ``plot_path``): each feature's importance as the
penalty falls, the strongest ones named.
"""

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.validation import check_is_fitted


def check_matplotlib_support(caller_name):
    """Raise an ImportError that says how to install matplotlib when it is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as error:
        raise ImportError(
            f"{caller_name} needs matplotlib: pip install 'sklearn_l1mlp[plot]'"
        ) from error


def sum_by_group(values, groups, names):
    """Sum ``values`` over the entries of each group.

    Parameters
    ----------
    values : array-like of shape (..., n_entries)
    groups : array-like of shape (n_entries,)
        The group of each entry (the column of a file that a one-hot
        encoded column came from, say).
    names : sequence
        The groups, in the order of the result.

    Returns
    -------
    sums : ndarray of shape (..., len(names))
    """
    groups = np.asarray(groups, dtype=object)
    values = np.asarray(values, dtype=float)
    return np.stack([values[..., groups == name].sum(axis=-1) for name in names], axis=-1)


class L1PathDisplay:
    """The CV score, the features used and each feature's importance along an L1 path.

    Build it with ``L1PathDisplay.from_estimator(cv_model)``; the
    constructor takes the arrays themselves, as scikit-learn's displays do.
    The penalty runs along the x-axis, log scale, largest on the left, so
    features enter from left to right.

    Parameters
    ----------
    penalties : ndarray of shape (n_points,)
        The path's penalty values, largest first.
    mean_test_score, std_test_score : ndarray of shape (n_points,)
        The mean held-out score at each point and its standard deviation
        across folds.
    n_features : ndarray of shape (n_points,)
        The features used at each point (by more than half of the folds).
    best_index : int
        The chosen point.
    importance_path : ndarray of shape (n_points, n_features_in) or None
        Each feature's importance at each point; ``None`` leaves out the
        bottom panel.
    feature_names : array-like of str or None
        Names for the legend; ``None``: ``x0, x1, ...``.
    penalty_name : str, default="alpha"
    score_name : str, default="score"
    n_selected : int or None
        The features the final model uses, for the chosen point's label.

    Attributes
    ----------
    figure_ : matplotlib Figure
    axes_ : ndarray of matplotlib Axes
        The score axes, then the importance axes when there is a path.
    features_ax_ : matplotlib Axes
        The score panel's right-hand axes: the features used.
    score_line_, features_line_ : matplotlib Line2D
    score_band_ : matplotlib PolyCollection
        Mean score plus and minus one standard deviation.
    chosen_lines_ : list of matplotlib Line2D
        The chosen point's vertical line in each panel.
    importance_lines_ : list of matplotlib Line2D
        One per feature that is ever used, named ones first.

    Examples
    --------
    >>> from sklearn.datasets import load_wine
    >>> from sklearn_l1mlp import L1MLPClassifierCV, L1PathDisplay
    >>> X, y = load_wine(return_X_y=True)
    >>> model = L1MLPClassifierCV(cv=3, n_alphas=5, max_iter=100, random_state=0).fit(X, y)
    >>> display = L1PathDisplay.from_estimator(model)  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        penalties,
        mean_test_score,
        std_test_score,
        n_features,
        best_index,
        importance_path=None,
        feature_names=None,
        penalty_name="alpha",
        score_name="score",
        n_selected=None,
    ):
        self.penalties = penalties
        self.mean_test_score = mean_test_score
        self.std_test_score = std_test_score
        self.n_features = n_features
        self.best_index = best_index
        self.importance_path = importance_path
        self.feature_names = feature_names
        self.penalty_name = penalty_name
        self.score_name = score_name
        self.n_selected = n_selected

    @classmethod
    def from_estimator(
        cls, estimator, *, feature_names=None, importance_groups=None, axes=None, n_labels=8
    ):
        """Draw the path of a fitted ``L1MLPClassifierCV`` or ``L1MLPRegressorCV``.

        Parameters
        ----------
        estimator : L1MLPClassifierCV or L1MLPRegressorCV
            Fitted.
        feature_names : array-like of str or None
            ``None``: the estimator's ``feature_names_in_`` when it has them.
            With ``importance_groups``, the groups to draw, in order.
        importance_groups : array-like of shape (`n_features_in_`,) or None
            The group of each input feature, e.g. the column of a table that
            a one-hot or imputer-indicator column came from: the importance
            path is then summed per group.
        axes : array-like of matplotlib Axes or None
            Two axes (score, importance); ``None``: a new figure.
        n_labels : int, default=8
            How many features the importance panel names.

        Returns
        -------
        display : L1PathDisplay
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        check_is_fitted(estimator, "cv_results_")
        results = estimator.cv_results_
        # A path over feature_alpha alone has alpha = 0 everywhere.
        penalty_name = "alpha" if np.any(results["alpha"] > 0) else "feature_alpha"
        importance_path = getattr(estimator, "importance_path_", None)
        n_features, n_selected = results["n_features"], estimator.n_features_selected_
        if importance_groups is not None:
            groups = np.asarray(importance_groups, dtype=object)
            if feature_names is None:
                feature_names = list(dict.fromkeys(groups))
            importance_path = sum_by_group(importance_path, groups, feature_names)
            n_features = _groups_used_by_most_folds(results, groups)
            n_selected = np.unique(groups[estimator.support_]).size
        elif feature_names is None:
            feature_names = getattr(estimator, "feature_names_in_", None)
        display = cls(
            penalties=results[penalty_name],
            mean_test_score=results["mean_test_score"],
            std_test_score=results["std_test_score"],
            n_features=n_features,
            best_index=estimator.best_index_,
            importance_path=importance_path,
            feature_names=feature_names,
            penalty_name=penalty_name,
            score_name="accuracy" if is_classifier(estimator) else "R^2",
            n_selected=n_selected,
        )
        return display.plot(axes=axes, n_labels=n_labels)

    def plot(self, *, axes=None, n_labels=8):
        """Draw the panels.

        Parameters
        ----------
        axes : array-like of matplotlib Axes or None
            As many axes as panels; ``None``: a new figure.
        n_labels : int, default=8
            How many features the importance panel names: those with the
            largest importance at the chosen point, then along the path.

        Returns
        -------
        self : L1PathDisplay
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        n_panels = 1 if self.importance_path is None else 2
        if axes is None:
            figure, axes = plt.subplots(
                n_panels, 1, sharex=True, figsize=(7, 3.2 * n_panels), squeeze=False
            )
            axes = axes[:, 0]
        axes = np.atleast_1d(np.asarray(axes, dtype=object))
        if axes.size != n_panels:
            raise ValueError(f"axes must hold {n_panels} Axes, one per panel; got {axes.size}.")
        self.axes_, self.figure_ = axes, axes[0].figure
        penalties = np.asarray(self.penalties, dtype=float)
        self._plot_scores(axes[0], penalties)
        self.importance_lines_ = []
        if n_panels == 2:
            self._plot_importances(axes[1], penalties, n_labels)
        for ax in axes:
            if np.all(penalties > 0):
                ax.set_xscale("log")
            ax.set_xlim(penalties.max(), penalties.min())  # sparse on the left
        axes[-1].set_xlabel(f"{self.penalty_name} (the L1 penalty)")
        self.chosen_lines_ = [
            ax.axvline(penalties[self.best_index], color="black", linestyle="--", linewidth=1)
            for ax in axes
        ]
        return self

    def _plot_scores(self, ax, penalties):
        from matplotlib.ticker import MaxNLocator

        mean = np.asarray(self.mean_test_score, dtype=float)
        spread = np.asarray(self.std_test_score, dtype=float)
        (self.score_line_,) = ax.plot(
            penalties, mean, marker="o", color="tab:red", label=f"mean CV {self.score_name}"
        )
        self.score_band_ = ax.fill_between(
            penalties, mean - spread, mean + spread, color="tab:red", alpha=0.2, label="± 1 std"
        )
        (self.chosen_marker_,) = ax.plot(
            penalties[self.best_index],
            mean[self.best_index],
            marker="*",
            markersize=14,
            color="black",
            linestyle="none",
            zorder=4,
            label="chosen",
        )
        ax.set_ylabel(f"CV {self.score_name}")
        self.features_ax_ = ax.twinx()
        (self.features_line_,) = self.features_ax_.plot(
            penalties,
            self.n_features,
            drawstyle="steps-mid",
            color="tab:blue",
            label="features used",
        )
        self.features_ax_.set_ylabel("features used", color="tab:blue")
        self.features_ax_.set_ylim(0, 1.1 * max(self.n_features) + 1)
        self.features_ax_.yaxis.set_major_locator(MaxNLocator(integer=True))
        best = self.best_index
        used = self.n_features[best] if self.n_selected is None else self.n_selected
        ax.set_title(
            f"chosen {self.penalty_name}={penalties[best]:.3g}: {used} features, "
            f"CV {self.score_name} {mean[best]:.3f} ± {spread[best]:.3f}"
        )
        lines = [self.score_line_, self.score_band_, self.chosen_marker_, self.features_line_]
        ax.legend(lines, [line.get_label() for line in lines], loc="lower right", fontsize=8)

    def _plot_importances(self, ax, penalties, n_labels):
        path = np.asarray(self.importance_path, dtype=float)
        names = self.feature_names
        if names is None:
            names = [f"x{j}" for j in range(path.shape[1])]
        ever_used = np.flatnonzero(path.max(axis=0) > 0)
        # Named: the strongest at the chosen point, ties by the path's peak.
        order = np.lexsort((-path[:, ever_used].max(axis=0), -path[self.best_index, ever_used]))
        named = ever_used[order[:n_labels]]
        for j in named:
            (line,) = ax.plot(penalties, path[:, j], linewidth=1.8, label=str(names[j]), zorder=3)
            self.importance_lines_.append(line)
        for j in ever_used[order[n_labels:]]:
            (line,) = ax.plot(penalties, path[:, j], color="0.75", linewidth=0.8, zorder=2)
            self.importance_lines_.append(line)
        ax.set_ylabel("importance (mean over folds)")
        if named.size:
            ax.legend(fontsize=8, loc="upper left", ncol=2)


def _groups_used_by_most_folds(results, groups):
    """Per point, the groups whose features more than half of the folds' fits use."""
    splits = [
        key
        for key in results
        if key.startswith("split") and key.endswith("_features") and "_n_" not in key
    ]
    counts = np.zeros(len(results["alpha"]), dtype=int)
    for point in range(counts.size):
        votes = {}
        for key in splits:
            for group in set(groups[results[key][point]]):
                votes[group] = votes.get(group, 0) + 1
        counts[point] = sum(2 * v > len(splits) for v in votes.values())
    return counts


class StabilityPathDisplay:
    """The share of halves selecting each feature as the penalty falls, and the threshold.

    Build it with ``StabilityPathDisplay.from_estimator(selector)`` from a
    fitted ``L1MLPStabilitySelection`` (Meinshausen & Buhlmann's stability
    path); the constructor takes the arrays themselves. The penalty runs
    along the x-axis, log scale, largest on the left.

    Parameters
    ----------
    penalties : ndarray of shape (n_points,)
        The penalties fitted, largest first.
    stability_path : ndarray of shape (n_points, n_features)
        The share of halves whose selection holds each feature once the
        penalty has fallen to each value.
    threshold : float
        The share a feature must reach.
    support : ndarray of bool, shape (n_features,)
        The features selected, drawn in colour and named.
    feature_names : array-like of str or None
        ``None``: ``x0, x1, ...``.
    bound : float or None
        The bound on the expected false selections, for the title.

    Attributes
    ----------
    figure_ : matplotlib Figure
    ax_ : matplotlib Axes
    selected_lines_, other_lines_ : list of matplotlib Line2D
        The selected features' paths, and the others' (in grey).
    threshold_line_ : matplotlib Line2D

    Examples
    --------
    >>> from sklearn_l1mlp import L1MLPStabilitySelection, StabilityPathDisplay
    >>> selector = L1MLPStabilitySelection(n_pairs=5).fit(X, y)  # doctest: +SKIP
    >>> display = StabilityPathDisplay.from_estimator(selector)  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        penalties,
        stability_path,
        threshold,
        support,
        feature_names=None,
        bound=None,
    ):
        self.penalties = penalties
        self.stability_path = stability_path
        self.threshold = threshold
        self.support = support
        self.feature_names = feature_names
        self.bound = bound

    @classmethod
    def from_estimator(cls, estimator, *, feature_names=None, ax=None):
        """Draw the stability path of a fitted ``L1MLPStabilitySelection``.

        Parameters
        ----------
        estimator : L1MLPStabilitySelection
            Fitted.
        feature_names : array-like of str or None
            ``None``: the estimator's ``feature_names_in_`` when it has them.
        ax : matplotlib Axes or None
            ``None``: a new figure.

        Returns
        -------
        display : StabilityPathDisplay
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        check_is_fitted(estimator, "stability_path_")
        if feature_names is None:
            feature_names = getattr(estimator, "feature_names_in_", None)
        display = cls(
            penalties=estimator.alphas_,
            stability_path=estimator.stability_path_,
            threshold=estimator.threshold_,
            support=estimator.support_,
            feature_names=feature_names,
            bound=estimator.false_selection_bound_,
        )
        return display.plot(ax=ax)

    def plot(self, *, ax=None):
        """Draw the paths and the threshold.

        Parameters
        ----------
        ax : matplotlib Axes or None
            ``None``: a new figure.

        Returns
        -------
        self : StabilityPathDisplay
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 3.6))
        self.ax_, self.figure_ = ax, ax.figure
        penalties = np.asarray(self.penalties, dtype=float)
        path = np.asarray(self.stability_path, dtype=float)
        support = np.asarray(self.support, dtype=bool)
        names = self.feature_names
        if names is None:
            names = [f"x{j}" for j in range(path.shape[1])]
        ever = np.flatnonzero(path.max(axis=0, initial=0) > 0)
        self.other_lines_ = [
            ax.plot(penalties, path[:, j], color="0.75", linewidth=0.8, zorder=2)[0]
            for j in ever
            if not support[j]
        ]
        self.selected_lines_ = [
            ax.plot(penalties, path[:, j], linewidth=1.8, label=str(names[j]), zorder=3)[0]
            for j in np.flatnonzero(support)
        ]
        self.threshold_line_ = ax.axhline(
            self.threshold, color="black", linestyle="--", linewidth=1, label="threshold"
        )
        if np.all(penalties > 0):
            ax.set_xscale("log")
        if penalties.size > 1:
            ax.set_xlim(penalties.max(), penalties.min())  # sparse on the left
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("alpha (the L1 penalty)")
        ax.set_ylabel("share of halves selecting")
        title = f"{support.sum()} features selected at threshold {self.threshold:.2f}"
        if self.bound is not None:
            title += f" (expected false selections at most {self.bound:.2f})"
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=8, loc="center right", ncol=2)
        return self
