"""A fully connected network stored in one flat parameter vector.

All weight matrices come first in the vector, then all bias vectors::

    params = [W_1.ravel(), ..., W_L.ravel(), b_1, ..., b_L]

so the penalized weights are the single slice ``params[:n_weights]`` (or the
whole vector when biases are penalized too), and every optimizer or penalty
update is a handful of whole-array operations. ``coefs`` and ``intercepts``
are views into that vector.

With a **linear skip** (LassoNet's ``f(x) = theta^T x + g_W(x)``, Lemhadri
et al., 2021) the skip's matrix ``theta`` (n_features, n_outputs) is stored
as extra columns of the first layer: ``W1 = [W1_hidden | theta]``. One
product ``X @ W1`` then feeds the hidden layer (its first columns) and the
output (its last ones, added before the output activation), and row ``j``
of that matrix holds everything feature ``j`` touches: the penalties, the
working sets and the KKT checks, which all work on first-layer rows, treat
``theta_j`` and ``W1[j, :]`` as one group without knowing of the skip.
"""

import numpy as np
import scipy.sparse as sp

from ._activations import activate, multiply_by_derivative
from ._losses import LOSS_OF_OUTPUT, data_loss, output_delta
from ._sparse_rows import input_gradient, input_product


class Network:
    """Layout, initialization, forward and backward pass of an MLP.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_features, hidden_1, ..., hidden_k, n_outputs]``; with no hidden
        layer the network is a linear (or logistic) model.
    activation : {"identity", "logistic", "tanh", "relu"}
        Activation of the hidden layers.
    output_activation : {"identity", "logistic", "softmax", "exp"}
        Activation of the output layer; it fixes the loss (see ``_losses``).
    dtype : numpy dtype
        Floating dtype of the parameters and of every intermediate.
    skip : bool, default=False
        Whether the output also adds ``X @ theta`` (module docstring); needs a
        hidden layer. ``coef_shapes[0]`` is then ``(n_features, hidden_1 +
        n_outputs)``.
    """

    def __init__(self, layer_sizes, activation, output_activation, dtype, skip=False):
        self.layer_sizes = [int(n) for n in layer_sizes]
        self.activation = activation
        self.output_activation = output_activation
        self.loss = LOSS_OF_OUTPUT[output_activation]
        self.dtype = np.dtype(dtype)
        self.skip = bool(skip)
        if self.skip and len(self.layer_sizes) < 3:
            raise ValueError("A linear skip needs a hidden layer: the network is linear already.")
        fans = list(zip(self.layer_sizes[:-1], self.layer_sizes[1:], strict=False))
        if self.skip:
            fans[0] = (fans[0][0], fans[0][1] + self.layer_sizes[-1])
        self.coef_shapes = fans
        coef_sizes = [fan_in * fan_out for fan_in, fan_out in fans]
        self.n_weights = sum(coef_sizes)
        self.n_params = self.n_weights + sum(self.layer_sizes[1:])
        self._coef_bounds = np.cumsum([0] + coef_sizes)
        self._intercept_bounds = self.n_weights + np.cumsum([0] + self.layer_sizes[1:])
        self._workspaces = {}
        self._views = {}

    @property
    def n_layers(self):
        """Number of layers, input and output included."""
        return len(self.layer_sizes)

    def with_rows(self, n_features, dtype=None):
        """A network of the same kind on ``n_features`` inputs (and ``dtype``, if given)."""
        return Network(
            [n_features, *self.layer_sizes[1:]],
            self.activation,
            self.output_activation,
            self.dtype if dtype is None else dtype,
            self.skip,
        )

    def split_skip(self, coefs):
        """``coefs`` as the plain MLP's list and the skip's matrix (views).

        Returns
        -------
        coefs : list of ndarray
            ``coefs[0]`` of shape (n_features, hidden_1).
        skip_coef : ndarray of shape (n_features, n_outputs) or None
        """
        if not self.skip:
            return coefs, None
        units = self.layer_sizes[1]
        return [coefs[0][:, :units], *coefs[1:]], coefs[0][:, units:]

    def join_skip(self, coefs, skip_coef):
        """The inverse of ``split_skip``: the list whose first matrix holds ``theta``."""
        if not self.skip:
            return coefs
        return [np.hstack([coefs[0], skip_coef]), *coefs[1:]]

    def unpack(self, params):
        """Views of ``params`` as the lists ``coefs`` and ``intercepts``.

        Parameters
        ----------
        params : ndarray of shape (n_params,)

        Returns
        -------
        coefs : list of ndarray, ``coefs[i]`` of shape (fan_in, fan_out)
        intercepts : list of ndarray, ``intercepts[i]`` of shape (fan_out,)
        """
        # Training unpacks the same two vectors (parameters, gradient) several
        # times per batch: keep their views. L-BFGS passes a new vector at
        # every call, so the cache is kept small.
        cached = self._views.get(id(params))
        if cached is not None and cached[0] is params:
            return cached[1], cached[2]
        if len(self._views) >= 4:
            self._views.clear()
        coefs = [
            params[start:stop].reshape(shape)
            for start, stop, shape in zip(
                self._coef_bounds[:-1],
                self._coef_bounds[1:],
                self.coef_shapes,
                strict=True,
            )
        ]
        intercepts = [
            params[start:stop]
            for start, stop in zip(
                self._intercept_bounds[:-1], self._intercept_bounds[1:], strict=True
            )
        ]
        self._views[id(params)] = (params, coefs, intercepts)
        return coefs, intercepts

    def pack(self, coefs, intercepts):
        """A new flat parameter vector holding copies of ``coefs`` and ``intercepts``."""
        params = np.empty(self.n_params, dtype=self.dtype)
        coef_views, intercept_views = self.unpack(params)
        for view, value in zip(
            coef_views + intercept_views, list(coefs) + list(intercepts), strict=True
        ):
            view[...] = value
        return params

    def init_params(self, rng):
        """Glorot-uniform initialization, as scikit-learn's MLP draws it.

        Each layer's weights and biases are drawn from
        ``U(-b, b)`` with ``b = sqrt(factor / (fan_in + fan_out))``, ``factor``
        2 for the logistic activation and 6 otherwise, layer by layer in the
        order weights then biases, so the same seed gives the same start as
        ``MLPClassifier``. A linear skip's ``theta`` is drawn after them, with
        ``b = sqrt(6 / (n_features + n_outputs))``.

        Parameters
        ----------
        rng : numpy.random.RandomState

        Returns
        -------
        params : ndarray of shape (n_params,)
        """
        factor = 2.0 if self.activation == "logistic" else 6.0
        params = np.empty(self.n_params, dtype=self.dtype)
        coefs, intercepts = self.unpack(params)
        coefs, skip_coef = self.split_skip(coefs)
        layers = list(zip(self.layer_sizes[:-1], self.layer_sizes[1:], strict=False))
        for (fan_in, fan_out), coef, intercept in zip(layers, coefs, intercepts, strict=True):
            bound = np.sqrt(factor / (fan_in + fan_out))
            coef[...] = rng.uniform(-bound, bound, (fan_in, fan_out))
            intercept[...] = rng.uniform(-bound, bound, fan_out)
        if skip_coef is not None:
            # Drawn last, so the network's own layers start as without the skip.
            fan_in, fan_out = skip_coef.shape
            bound = np.sqrt(6.0 / (fan_in + fan_out))
            skip_coef[...] = rng.uniform(-bound, bound, (fan_in, fan_out))
        return params

    def _workspace(self, n_samples):
        # One set of buffers per batch size: an epoch uses at most two sizes
        # (full batches and the remainder), so this stays small. The first
        # list holds each layer's activations, the second the hidden layers'
        # deltas during backpropagation, the last a vector of ones.
        # With a skip, a fourth holds the first layer's whole product (and in
        # backpropagation its delta): hidden columns, then the skip's.
        workspace = self._workspaces.get(n_samples)
        if workspace is None:
            workspace = tuple(
                [np.empty((n_samples, units), dtype=self.dtype) for units in sizes]
                for sizes in (self.layer_sizes[1:], self.layer_sizes[1:-1])
            ) + (np.ones(n_samples, dtype=self.dtype),)
            if self.skip:
                workspace += (np.empty((n_samples, self.coef_shapes[0][1]), dtype=self.dtype),)
            self._workspaces[n_samples] = workspace
        return workspace

    def forward(self, params, X):
        """Activations of every layer after the input for the rows of ``X``.

        Parameters
        ----------
        params : ndarray of shape (n_params,)
        X : ndarray, CSR/CSC matrix or SparseRows of shape (n_samples, n_features)

        Returns
        -------
        activations : list of ndarray
            ``activations[i]`` has shape (n_samples, layer_sizes[i + 1]); the
            last is the network's output. The arrays are reused by the next
            call with the same number of rows.
        """
        coefs, intercepts = self.unpack(params)
        workspace = self._workspace(X.shape[0])
        activations = workspace[0]
        layer_input = X
        last = len(coefs) - 1
        # Only the input can be sparse (a matrix, or a batch of one as
        # ``SparseRows``); issparse costs a microsecond a call.
        sparse_input = not isinstance(X, np.ndarray)
        for i, (coef, intercept, out) in enumerate(
            zip(coefs, intercepts, activations, strict=True)
        ):
            product = workspace[3] if i == 0 and self.skip else out
            if i == 0 and sparse_input:
                input_product(layer_input, coef, product)
            else:
                np.matmul(layer_input, coef, out=product)
            if i == 0 and self.skip:
                out[...] = product[:, : out.shape[1]]
            if i == last and self.skip:
                out += workspace[3][:, self.layer_sizes[1] :]
            activate(self.output_activation if i == last else self.activation, out, intercept)
            layer_input = out
        return activations

    def loss_and_gradient(
        self, params, X, Y, sample_weight=None, grad=None, return_input_delta=False
    ):
        """Data term of the objective and its gradient by backpropagation.

        ``J_data = (1/S) sum_i s_i l(y_i, f(x_i))``, see ``_losses``.

        Parameters
        ----------
        params : ndarray of shape (n_params,)
        X : ndarray, CSR/CSC matrix or SparseRows of shape (n_samples, n_features)
        Y : ndarray of shape (n_samples, n_outputs)
        sample_weight : ndarray of shape (n_samples,) or None
        grad : ndarray of shape (n_params,), optional
            Where to write the gradient.
        return_input_delta : bool
            Also return the first layer's delta ``dJ/dZ_1`` (shape
            ``(n_samples, coef_shapes[0][1])``, a workspace buffer valid until
            the next call), from which ``X.T @ delta`` is the gradient of any
            first-layer row, including those of columns left out of ``X``.

        Returns
        -------
        value : float
        grad : ndarray of shape (n_params,)
        input_delta : ndarray, only with ``return_input_delta``
        """
        if grad is None:
            grad = np.empty(self.n_params, dtype=self.dtype)
        activations = self.forward(params, X)
        value = data_loss(self.loss, Y, activations[-1], sample_weight)
        coefs, _ = self.unpack(params)
        coef_grads, intercept_grads = self.unpack(grad)
        workspace = self._workspace(X.shape[0])
        hidden_deltas, ones = workspace[1], workspace[2]
        # The output buffer is no longer needed once the loss is known, so the
        # output delta overwrites it.
        delta = output_delta(Y, activations[-1], sample_weight, out=activations[-1])
        if self.skip:
            # The first layer's delta: the hidden units', then the output's.
            workspace[3][:, self.layer_sizes[1] :] = delta
        sparse_input = not isinstance(X, np.ndarray)
        for i in range(len(coefs) - 1, -1, -1):
            layer_input = X if i == 0 else activations[i - 1]
            if i == 0 and self.skip:
                np.matmul(ones, delta, out=intercept_grads[0])
                workspace[3][:, : self.layer_sizes[1]] = delta
                delta = workspace[3]
            if i == 0 and sparse_input:
                input_gradient(layer_input, delta, coef_grads[i])
            else:
                np.matmul(layer_input.T, delta, out=coef_grads[i])
            if not (i == 0 and self.skip):
                # The column sums as a product with ones: 3x faster than sum(axis=0).
                np.matmul(ones, delta, out=intercept_grads[i])
            if i > 0:
                # dL/dA = delta @ W.T, then times f'(Z), into the layer's buffer.
                back = hidden_deltas[i - 1]
                np.matmul(delta, coefs[i].T, out=back)
                delta = multiply_by_derivative(self.activation, activations[i - 1], back)
        if return_input_delta:
            return value, grad, delta
        return value, grad

    def predict(self, params, X):
        """The network's output for ``X`` (a new array, not a workspace buffer)."""
        coefs, intercepts = self.unpack(params)
        coefs, skip_coef = self.split_skip(coefs)
        return forward_pass(
            X, coefs, intercepts, self.activation, self.output_activation, skip_coef
        )


#: Rows per chunk of ``forward_pass`` are chosen so that one layer's
#: activations stay within this many entries (32 MiB in float64).
_CHUNK_ENTRIES = 1 << 22


def forward_pass(X, coefs, intercepts, activation, output_activation, skip_coef=None):
    """Output of the network given by ``coefs`` and ``intercepts`` on ``X``.

    Rows are processed in chunks, so the intermediates take bounded memory
    however many rows ``X`` has; only the output is allocated whole.

    Parameters
    ----------
    X : ndarray or CSR/CSC matrix of shape (n_samples, n_features)
    coefs, intercepts : lists of ndarray
        Weight matrices and bias vectors, input to output.
    activation, output_activation : str
        Hidden and output activation names.
    skip_coef : ndarray of shape (n_features, n_outputs) or None
        The linear skip ``theta``: ``X @ theta`` joins the output before its
        activation.

    Returns
    -------
    output : ndarray of shape (n_samples, n_outputs)
    """
    n_samples = X.shape[0]
    widest = max(coef.shape[1] for coef in coefs)
    chunk = max(256, _CHUNK_ENTRIES // widest)
    columns = _columns_worth_reading(X, coefs[0], skip_coef)
    if columns is not None:
        # Features whose first-layer row is all zero add exactly 0 to every
        # hidden unit: leave their columns out of the product.
        coefs = [coefs[0][columns], *coefs[1:]]
        skip_coef = None if skip_coef is None else skip_coef[columns]
    if sp.issparse(X):
        X = X.tocsr()
    dtype = np.result_type(X.dtype, coefs[-1].dtype)
    output = np.empty((n_samples, coefs[-1].shape[1]), dtype=dtype)
    for start in range(0, n_samples, chunk):
        rows = X[start : start + chunk]
        if columns is not None:
            rows = np.take(rows, columns, axis=1)
        output[start : start + chunk] = _forward_rows(
            rows, coefs, intercepts, activation, output_activation, skip_coef
        )
    return output


#: Skip unused input columns only when at most this share of them is used:
#: below it the saved products outweigh copying the used columns.
_USED_COLUMNS_WORTH_SKIPPING = 0.5


def _columns_worth_reading(X, first_coef, skip_coef=None):
    """Indices of the features with a nonzero first-layer row, or None to read all.

    None for sparse input (its product already costs per nonzero) and when
    most features are used.
    """
    if sp.issparse(X):
        return None
    used = np.any(first_coef != 0, axis=1)
    if skip_coef is not None:
        used |= np.any(skip_coef != 0, axis=1)
    used = np.flatnonzero(used)
    if used.size > _USED_COLUMNS_WORTH_SKIPPING * first_coef.shape[0]:
        return None
    return used


def _forward_rows(X, coefs, intercepts, activation, output_activation, skip_coef=None):
    layer = X
    last = len(coefs) - 1
    for i, (coef, intercept) in enumerate(zip(coefs, intercepts, strict=True)):
        layer = layer @ coef
        if sp.issparse(layer):
            layer = layer.toarray()
        if i == last and skip_coef is not None:
            linear = X @ skip_coef
            layer += linear.toarray() if sp.issparse(linear) else linear
        activate(output_activation if i == last else activation, layer, intercept)
    return np.asarray(layer)


def feature_importances(coefs, skip_coef=None):
    """Share of the input-to-output path weight that starts at each feature.

    ``importance = rowsum(|W_1| @ |W_2| @ ... @ |W_L|)`` (plus
    ``rowsum(|theta|)`` with a linear skip), normalized to sum to one (all
    zeros when it sums to zero). Feature ``j`` gets exactly zero when no path
    of nonzero weights leads from it to an output, that is when the network's
    output cannot depend on it.

    Parameters
    ----------
    coefs : list of ndarray
        Weight matrices, input to output.
    skip_coef : ndarray of shape (n_features, n_outputs) or None
        The linear skip ``theta``, a direct path from each input to the outputs.

    Returns
    -------
    importances : ndarray of shape (n_features,)
    """
    # Multiplying from the output side keeps every product a matrix-vector one.
    # In float64, rescaled to a largest entry of 1 after each product: only the
    # shares matter, and a float32 network's raw path weight can overflow.
    path, log_scale = _rescaled(np.abs(coefs[-1]).sum(axis=1, dtype=np.float64))
    for coef in reversed(coefs[:-1]):
        path, log_step = _rescaled(np.abs(coef).astype(np.float64, copy=False) @ path)
        log_scale += log_step
    if skip_coef is not None:
        # The direct path, on the hidden paths' rescaled scale (a factor that
        # underflows to 0 where the hidden paths outweigh it beyond measure).
        direct = np.abs(skip_coef).sum(axis=1, dtype=np.float64)
        path = path + direct * np.exp(-log_scale)
    total = path.sum()
    if total > 0:
        path /= total
    return path


def _rescaled(path):
    """``path`` divided by its largest entry, and the log of that entry.

    ``path`` is left as it is (log 0) when its largest entry is 0 or not finite.
    """
    largest = path.max(initial=0.0)
    if 0 < largest < np.inf:
        path /= largest
        return path, float(np.log(largest))
    return path, 0.0
