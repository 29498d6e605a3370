"""The scikit-learn estimators ``L1MLPClassifier`` and ``L1MLPRegressor``.

What differs between the two: targets (labels or numbers), the output
activation, the early-stopping score and the prediction methods. Fitting is
``BaseL1MLP``'s (``_base``); all numerics live in the engine.
"""

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import column_or_1d
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data

from ._base import BaseL1MLP, stochastic_solver_only
from ._mlp_docs import ATTRIBUTES_DOC, PARAMETERS_DOC


class L1MLPClassifier(ClassifierMixin, BaseL1MLP):
    __doc__ = f"""Multi-layer perceptron classifier with an L1 penalty.

    A drop-in for ``sklearn.neural_network.MLPClassifier`` that minimizes
    ``(1/S) sum_i s_i log_loss(y_i, f(x_i)) + alpha * sum |w|`` and says,
    through ``l1_mode``, exactly how the penalty is applied. The default
    ``l1_mode="proximal"`` gives weights that are exactly zero.

    Parameters
    ----------{PARAMETERS_DOC}
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels (or label columns for multilabel ``y``).
{ATTRIBUTES_DOC}
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
        l2_alpha=0.0,
        linear_skip=False,
        skip_hierarchy=None,
    ):
        self._store_parameters(locals())

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

    @available_if(stochastic_solver_only)
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
        return self._partial_fit(X, y, sample_weight, classes)

    def _start_partial_fit(self, y, classes):
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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class L1MLPRegressor(RegressorMixin, BaseL1MLP):
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
{PARAMETERS_DOC}
    Attributes
    ----------
{ATTRIBUTES_DOC}
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
        **BaseL1MLP._parameter_constraints,
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
        l2_alpha=0.0,
        linear_skip=False,
        skip_hierarchy=None,
    ):
        self._store_parameters(locals())

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

    @available_if(stochastic_solver_only)
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
        return self._partial_fit(X, y, sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
