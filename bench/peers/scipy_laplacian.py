#!/usr/bin/env python3
"""SciPy peer for VICReg: the K smallest eigenvalues of L = D - G on 1-perp with
scipy.sparse.linalg.eigsh(L, k=K+1, which='SA') (ARPACK on L itself; the first value is the
constant vector's 0 on a connected graph), including reading and building, as issue 10 measures it.

usage: scipy_laplacian.py EDGES --k K [--tol 1e-6]   -> one `RESULT {json}` line on stdout
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Clock, emit, load_rows  # noqa: E402


def laplacian_from_args(extra=()):
    """Parses EDGES --k --tol (and `extra` (flag, type, default) options), reads the edge list and
    builds L as CSR. Returns (args, clock, L, degrees); the clock has marked "read" and "build"."""
    import numpy as np
    import scipy.sparse as sp

    ap = argparse.ArgumentParser()
    ap.add_argument("edges")
    ap.add_argument("--k", type=int, required=True)
    ap.add_argument("--tol", type=float, default=1e-6)
    for flag, kind, default in extra:
        ap.add_argument(flag, type=kind, default=default)
    args = ap.parse_args()
    clock = Clock()
    n, _, _, indptr, indices = load_rows(args.edges, clock)
    g = sp.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(n, n))
    d = np.asarray(g.sum(axis=1)).ravel()
    lap = (sp.diags(d) - g).tocsr()
    clock.mark("build")
    return args, clock, lap, d


def main():
    import numpy as np
    import scipy
    import scipy.sparse.linalg as sla

    args, clock, lap, _ = laplacian_from_args()
    vals, vecs = sla.eigsh(lap, k=args.k + 1, which="SA", tol=args.tol)
    clock.mark("solve")
    order = np.argsort(vals)
    vals, vecs = vals[order], vecs[:, order]
    res = np.linalg.norm(lap @ vecs - vecs * vals, axis=0)
    rel = res[1:] / np.maximum(np.abs(vals[1:]), 1e-300)
    emit({"tool": "scipy-eigsh-SA", "version": scipy.__version__, "n": int(lap.shape[0]), "nnz": int(lap.nnz),
          "eigenvalues": vals[1:].tolist(), "max_rel_residual": float(rel.max()),
          "read_seconds": clock.phases["read"], "build_seconds": clock.phases["build"],
          "solve_seconds": clock.phases["solve"],
          "end_to_end_seconds": clock.phases["read"] + clock.phases["build"] + clock.phases["solve"]})


if __name__ == "__main__":
    main()
