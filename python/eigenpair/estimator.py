"""ClosedFormSSL: a scikit-learn-style estimator over `embed` (without depending on scikit-learn)."""

from __future__ import annotations

import inspect

import numpy as np
import scipy.sparse as sp

from .commands import LOSSES, embed


class ClosedFormSSL:
    """The closed-form optimal representation of one SSL loss for a precomputed affinity matrix.

    Mirrors ``sklearn.manifold.SpectralEmbedding(affinity="precomputed")``: ``fit(X)`` takes the
    N x N affinity (pair graph) X as a scipy.sparse matrix/array or a dense square array, and sets
    ``embedding_`` (N x dim; row i = row i of X, or ``nodes_[i]`` with ``largest_component``),
    ``report_`` (the binary's report.json), ``spectrum_`` (eigenvalues of the loss's operator) and
    ``affinity_matrix_``. ``fit_transform(X)`` returns ``embedding_``. ``loss`` is one of vicreg
    (Laplacian Eigenmaps), simclr, simclr-degree or barlow; ``lam`` is BarlowTwins' lambda; the other
    parameters are those of `eigenpair.embed`. ``get_params`` / ``set_params`` follow scikit-learn,
    so the estimator works with ``sklearn.base.clone`` and pipelines.
    """

    _OPERATOR = {"vicreg": "L", "simclr": "G", "simclr-degree": "An", "barlow": "An"}

    def __init__(self, loss: str = "vicreg", dim: int = 16, *, gamma=None, beta: float = 1.0, lam: float = 1.0,
                 largest_component: bool = False, tol=None, ranks: int = 1, merge=None):
        self.loss = loss
        self.dim = dim
        self.gamma = gamma
        self.beta = beta
        self.lam = lam
        self.largest_component = largest_component
        self.tol = tol
        self.ranks = ranks
        self.merge = merge

    @classmethod
    def _param_names(cls) -> list[str]:
        parameters = inspect.signature(cls.__init__).parameters
        return [name for name in parameters if name != "self"]

    def get_params(self, deep: bool = True) -> dict:
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params) -> "ClosedFormSSL":
        valid = self._param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"invalid parameter {name!r} for ClosedFormSSL (valid: {', '.join(valid)})")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = {n: p.default for n, p in inspect.signature(type(self).__init__).parameters.items()}
        changed = [f"{n}={v!r}" for n, v in self.get_params().items() if defaults.get(n) != v]
        return f"ClosedFormSSL({', '.join(changed)})"

    def fit(self, X, y=None) -> "ClosedFormSSL":
        """Computes the closed-form Z* of ``loss`` for the affinity X. ``y`` is ignored."""
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {', '.join(LOSSES)} (got {self.loss!r})")
        if sp.issparse(X):
            affinity = X
        else:
            dense = np.asarray(X, dtype=np.float64)
            if dense.ndim != 2 or dense.shape[0] != dense.shape[1]:
                raise ValueError(f"X must be a square affinity matrix (got shape {dense.shape})")
            affinity = sp.coo_matrix(dense)
        result = embed(affinity, dim=self.dim, loss=self.loss, gamma=self.gamma, beta=self.beta, lam=self.lam,
                       largest_component=self.largest_component, tol=self.tol, ranks=self.ranks, merge=self.merge)
        if self.loss not in result.Z:
            notes = result.report.get("losses", {}).get(self.loss, {}).get("notes", [])
            raise ValueError(f"no closed form for {self.loss} at dim={self.dim}: " + "; ".join(notes))
        self.affinity_matrix_ = X
        self.embedding_ = result.Z[self.loss]
        self.nodes_ = result.nodes
        self.report_ = result.report
        self.spectrum_ = result.spectra.get(self._OPERATOR[self.loss])
        self.n_features_in_ = X.shape[1]
        return self

    def fit_transform(self, X, y=None) -> np.ndarray:
        """``fit(X)`` and return ``embedding_``."""
        return self.fit(X, y).embedding_
