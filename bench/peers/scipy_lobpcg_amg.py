#!/usr/bin/env python3
"""SciPy LOBPCG + pyamg peer for VICReg: the K smallest eigenvalues of L = D - G on 1-perp with
scipy.sparse.linalg.lobpcg (largest=False), the constant vector as a constraint, preconditioned by
a pyamg smoothed-aggregation hierarchy of L + 1e-8 d_max I, including reading and building.

usage: scipy_lobpcg_amg.py EDGES --k K [--tol 1e-6] [--maxiter 400]   -> one `RESULT {json}` line
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import emit  # noqa: E402
from scipy_laplacian import laplacian_from_args  # noqa: E402


def main():
    import numpy as np
    import pyamg
    import scipy
    import scipy.sparse as sp
    import scipy.sparse.linalg as sla

    args, clock, lap, d = laplacian_from_args(extra=[("--maxiter", int, 400)])
    n = lap.shape[0]
    ml = pyamg.smoothed_aggregation_solver((lap + 1e-8 * d.max() * sp.identity(n)).tocsr())
    clock.mark("setup")
    x = np.random.default_rng(0).standard_normal((n, args.k))
    ones = np.ones((n, 1)) / np.sqrt(n)
    vals, vecs = sla.lobpcg(lap, x, M=ml.aspreconditioner(), Y=ones, largest=False, tol=args.tol,
                            maxiter=args.maxiter)
    clock.mark("solve")
    order = np.argsort(vals)
    vals, vecs = vals[order], vecs[:, order]
    res = np.linalg.norm(lap @ vecs - vecs * vals, axis=0) / np.maximum(np.abs(vals), 1e-300)
    emit({"tool": "scipy-lobpcg-pyamg", "version": scipy.__version__, "pyamg": pyamg.__version__, "n": int(n),
          "nnz": int(lap.nnz), "eigenvalues": vals.tolist(), "max_rel_residual": float(res.max()),
          "read_seconds": clock.phases["read"], "build_seconds": clock.phases["build"],
          "amg_setup_seconds": clock.phases["setup"], "solve_seconds": clock.phases["solve"],
          "end_to_end_seconds": sum(clock.phases[p] for p in ("read", "build", "setup", "solve"))})


if __name__ == "__main__":
    main()
