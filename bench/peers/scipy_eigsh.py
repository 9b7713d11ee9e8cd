#!/usr/bin/env python3
"""SciPy peer: K largest eigenvalues of A_n = D^-1/2 G D^-1/2 with scipy.sparse.linalg.eigsh
(ARPACK, which='LA'). Matvecs counted through a LinearOperator wrapper around the CSR matrix.

usage: scipy_eigsh.py EDGES --k K [--tol 1e-6] [--ncv NCV]   -> one `RESULT {json}` line on stdout

--ncv: ARPACK's Krylov dimension (default: SciPy's, min(n, max(2k + 1, 20))); bench/run.py's
`scipy-ncv` tool passes Eigenpair's default rule ncv = k + max(k, 32) (LanczosSettings.defaultKrylovDimension).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Clock, emit, inv_sqrt_degree, load_rows  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("edges")
    ap.add_argument("--k", type=int, required=True)
    ap.add_argument("--tol", type=float, default=1e-6)
    ap.add_argument("--ncv", type=int, default=None, help="Krylov dimension (default: SciPy's)")
    args = ap.parse_args()

    import numpy as np
    import scipy
    import scipy.sparse as sp
    import scipy.sparse.linalg as sla

    clock = Clock()
    n, _, _, indptr, indices = load_rows(args.edges, clock)
    s = inv_sqrt_degree(np.diff(indptr).astype(np.float64))
    data = np.repeat(s, np.diff(indptr)) * s[indices]
    an = sp.csr_matrix((data, indices, indptr), shape=(n, n))
    del data
    clock.mark("build")

    count = [0]

    def mv(x):
        count[0] += 1
        return an @ x

    op = sla.LinearOperator(an.shape, matvec=mv, dtype=np.float64)
    # Without --ncv eigsh gets no ncv (SciPy's default, min(n, max(2k + 1, 20)), recorded below).
    ncv = min(n, max(2 * args.k + 1, 20)) if args.ncv is None else min(n, args.ncv)
    vals, vecs = sla.eigsh(op, k=args.k, which="LA", tol=args.tol, ncv=None if args.ncv is None else ncv)
    clock.mark("solve")
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    res = np.linalg.norm(an @ vecs - vecs * vals, axis=0) / np.maximum(np.abs(vals), 1e-300)
    emit({"tool": "scipy", "version": scipy.__version__, "n": int(n), "nnz": int(an.nnz),
          "eigenvalues": vals.tolist(), "max_rel_residual": float(res.max()),
          "ncv": int(ncv), "ncv_source": "default" if args.ncv is None else "--ncv",
          "matvecs": count[0], "matvec_source": "LinearOperator wrapper (every A_n x by ARPACK)",
          "read_seconds": clock.phases["read"], "build_seconds": clock.phases["build"],
          "solve_seconds": clock.phases["solve"],
          "end_to_end_seconds": clock.phases["read"] + clock.phases["build"] + clock.phases["solve"]})


if __name__ == "__main__":
    main()
