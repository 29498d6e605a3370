"""The CV estimators' final model: the relaxed refit on all the rows, in the user's units."""

import numpy as np
from sklearn.base import clone

from ._path import fit_reporting
from ._scaling import ColumnScaling, fold_into_first_layer


def refit_on_columns(
    template, penalties, scaling, columns_read, X, y_scaled, sample_weight, source
):
    """The network refit on ``columns_read`` (scaled), then taking the user's columns.

    Parameters
    ----------
    template : L1MLPClassifier or L1MLPRegressor
        The network of the search kept.
    penalties : tuple of float
        Its ``(alpha, feature_alpha)`` for the refit: the chosen point's
        times ``relax``.
    scaling : ColumnScaling
        The scaling of all the rows; only the columns read are applied.
    columns_read : ndarray of int
        The columns the refit sees, a subset of ``scaling.kept``.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        All the rows, in the user's units.
    y_scaled : ndarray
        The targets the path was trained on.
    sample_weight : ndarray or None
    source : str
        How the refit's warnings name it (they reach the user).

    Returns
    -------
    refit : L1MLPClassifier or L1MLPRegressor
        Trained on the scaled columns, with the scaling folded into its
        first layer (and its skip): it takes ``X[:, columns_read]`` as it is.
    importances : ndarray of shape (len(columns_read),)
        Its importances on the scaled columns, where a column's share does
        not depend on its units.
    """
    positions = np.searchsorted(scaling.kept, columns_read)
    # Only the chosen columns are scaled: on wide data, a few of many.
    chosen = ColumnScaling(columns_read, scaling.offset[positions], scaling.scale[positions])
    refit = clone(template).set_params(
        alpha=penalties[0], feature_alpha=penalties[1], penalty_factors=None, warm_start=False
    )
    fit_reporting(refit, chosen.transform(X), y_scaled, sample_weight, source)
    importances = refit.feature_importances_
    refit.coefs_, refit.intercepts_, refit.skip_coef_ = fold_into_first_layer(
        refit.coefs_, refit.intercepts_, scaling, positions, refit.skip_coef_
    )
    return refit, importances
