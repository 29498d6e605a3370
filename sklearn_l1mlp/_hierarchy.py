"""The linear skip's hierarchy: a feature enters the hidden layer only through the skip.

LassoNet (Lemhadri et al., JMLR 2021) constrains each feature's first-layer
weights by its skip weights::

    |W1[j, k]| <= M * ||theta_j||_2     for every hidden unit k

so a feature whose skip weights are zero is out of the whole model, and the
network adds a nonlinear part to a feature only as far as the linear part
uses it. Here the constraint is kept by clipping ``W1[j]`` into
``[-M ||theta_j||, M ||theta_j||]`` after every training step, once the
``l1_mode`` penalty has made its own: the projection of ``W1`` onto the
constraint with ``theta`` as the step left it (LassoNet's ``hier-prox``
moves both at once).
"""

import numpy as np


class SkipHierarchy:
    """Clip each feature's hidden weights to ``M`` times its skip weights' norm.

    Parameters
    ----------
    multiplier : float
        ``M`` above; larger lets the hidden layer lean further on a feature
        the linear part uses a little.
    n_units : int
        Hidden units of the first layer: the first-layer matrix holds
        ``[W1 | theta]``, these columns first.
    """

    def __init__(self, multiplier, n_units):
        self.multiplier = float(multiplier)
        self.n_units = int(n_units)

    def project(self, first_layer):
        """Clip ``first_layer[:, :n_units]`` in place to the bound its skip columns set.

        Parameters
        ----------
        first_layer : ndarray of shape (n_features, n_units + n_outputs)
            ``[W1 | theta]``, as the network stores its first layer.
        """
        theta = first_layer[:, self.n_units :]
        bound = self.multiplier * np.sqrt(np.einsum("ij,ij->i", theta, theta))[:, None]
        hidden = first_layer[:, : self.n_units]
        np.clip(hidden, -bound, bound, out=hidden)

    def violation(self, first_layer):
        """The largest ``|W1[j, k]| - M ||theta_j||`` (<= 0 when the constraint holds)."""
        theta = first_layer[:, self.n_units :]
        bound = self.multiplier * np.sqrt(np.einsum("ij,ij->i", theta, theta))
        excess = np.abs(first_layer[:, : self.n_units]).max(axis=1, initial=0.0) - bound
        return float(excess.max(initial=-np.inf))
