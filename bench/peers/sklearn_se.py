#!/usr/bin/env python3
"""scikit-learn peer: sklearn.manifold.spectral_embedding(G, n_components=K, norm_laplacian=True,
drop_first=False, eigen_solver=SOLVER, eigen_tol=TOL). It returns D^-1/2-scaled eigenvectors of the
normalised Laplacian, not eigenvalues: each returned column e is mapped back to u = D^1/2 e / ||.||
and its eigenvalue of A_n = I - L_sym is the Rayleigh quotient u^T A_n u (residual reported).
No matvec count is exposed (arpack here is shift-invert with a sparse LU of the Laplacian).

usage: sklearn_se.py EDGES --k K --solver arpack|lobpcg|amg [--tol 1e-6]  -> `RESULT {json}`
"""
import argparse
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Clock, emit, load_rows  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("edges")
    ap.add_argument("--k", type=int, required=True)
    ap.add_argument("--solver", default="arpack", choices=["arpack", "lobpcg", "amg"])
    ap.add_argument("--tol", type=float, default=1e-6)
    args = ap.parse_args()

    import numpy as np
    import scipy.sparse as sp
    import sklearn
    from sklearn.manifold import spectral_embedding

    clock = Clock()
    n, _, _, indptr, indices = load_rows(args.edges, clock)
    g = sp.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(n, n))
    clock.mark("build")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        emb = spectral_embedding(g, n_components=args.k, eigen_solver=args.solver, eigen_tol=args.tol,
                                 norm_laplacian=True, drop_first=False, random_state=0)
    clock.mark("solve")
    d = np.diff(indptr).astype(np.float64)
    s = np.where(d > 0, 1 / np.sqrt(np.where(d > 0, d, 1)), 0)
    an = sp.diags(s) @ g @ sp.diags(s)
    uu = emb * np.sqrt(d)[:, None]
    uu /= np.linalg.norm(uu, axis=0)
    au = an @ uu
    vals = np.einsum("ij,ij->j", uu, au)
    res = np.linalg.norm(au - uu * vals, axis=0) / np.maximum(np.abs(vals), 1e-300)
    order = np.argsort(vals)[::-1]
    emit({"tool": "sklearn", "version": sklearn.__version__, "solver": args.solver, "n": int(n),
          "eigenvalues": vals[order].tolist(), "max_rel_residual": float(res.max()),
          "matvecs": None, "matvec_source": "not exposed by spectral_embedding",
          "warnings": sorted({str(w.message)[:300] for w in caught}),
          "read_seconds": clock.phases["read"], "build_seconds": clock.phases["build"],
          "solve_seconds": clock.phases["solve"],
          "end_to_end_seconds": clock.phases["read"] + clock.phases["build"] + clock.phases["solve"]})


if __name__ == "__main__":
    main()
