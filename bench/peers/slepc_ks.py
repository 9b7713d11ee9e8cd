#!/usr/bin/env python3
"""SLEPc peer: K largest eigenvalues of A_n = D^-1/2 G D^-1/2 with Krylov-Schur (EPS_HEP,
EPS_LARGEST_REAL, nev = K, default ncv, relative convergence test, tol 1e-6), on P MPI ranks.
With `--operator laplacian` (VICReg, issue 10): the K smallest eigenvalues of L = D - G on 1-perp,
EPS_SMALLEST_REAL with nev = K + 1 on L itself (the first is the constant vector's 0 on a connected
graph, dropped as SciPy's `scipy_laplacian.py` drops it), no spectral transformation.

Every rank reads the whole edge list with NumPy (as every Eigenpair rank reads the file, though
Eigenpair reads only its byte range), compacts the IDs, keeps the pairs whose row it owns (PETSc's
default split: contiguous blocks of n/P rows), builds its CSR rows of G, all-gathers the degrees
(mpi4py) and creates an MPIAIJ matrix from its rows of A_n.

Matvecs: PETSc's MatMult event count on each rank (PETSc.Log), read before any residual check.

run: mpirun --bind-to none -np P /usr/bin/python3 slepc_ks.py EDGES --k K [--tol 1e-6] [--operator laplacian]
     with PETSC_DIR and SLEPC_DIR set (Debian's petsc4py and slepc4py find their libraries only through them). Rank 0 prints `RESULT {json}`.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Clock, emit, inv_sqrt_degree, load_rows, peak_rss_bytes  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("edges")
    ap.add_argument("--k", type=int, required=True)
    ap.add_argument("--tol", type=float, default=1e-6)
    ap.add_argument("--max-it", type=int, default=100000)
    ap.add_argument("--operator", choices=["normalized-adjacency", "laplacian"], default="normalized-adjacency")
    args, rest = ap.parse_known_args()

    import petsc4py
    petsc4py.init([sys.argv[0]] + rest)
    import slepc4py
    slepc4py.init([sys.argv[0]] + rest)
    from petsc4py import PETSc
    from slepc4py import SLEPc
    import numpy as np

    comm = PETSc.COMM_WORLD
    mpi = comm.tompi4py()
    rank, size = comm.getRank(), comm.getSize()
    PETSc.Log.begin()
    mpi.Barrier()

    clock = Clock()

    def row_counts(n):  # PETSc's default split: contiguous blocks, the first n % size one row longer
        return [n // size + (1 if r < n % size else 0) for r in range(size)]

    n, start, end, indptr, indices = load_rows(
        args.edges, clock, lambda n: (sum(row_counts(n)[:rank]), sum(row_counts(n)[:rank + 1])))
    counts = row_counts(n)
    local_deg = np.diff(indptr).astype(np.float64)
    deg = np.empty(n)
    mpi.Allgatherv(local_deg, [deg, counts])
    laplacian = args.operator == "laplacian"
    rows = end - start
    if laplacian:
        # Row i of L: d_i on the diagonal, -1 at each neighbour (G is 0/1), columns ascending.
        r = np.concatenate([np.repeat(np.arange(rows), np.diff(indptr)), np.arange(rows)])
        cols = np.concatenate([indices, np.arange(start, end)])
        data = np.concatenate([-np.ones(len(indices)), deg[start:end]])
        order = np.lexsort((cols, r))
        cols, data = cols[order], data[order]
        ptr = np.concatenate([[0], np.cumsum(np.diff(indptr) + 1)])
    else:
        s = inv_sqrt_degree(deg)
        # Row i, column j of A_n: s_i * s_j (G is 0/1).
        ptr, cols, data = indptr, indices, np.repeat(s[start:end], np.diff(indptr)) * s[indices]
    A = PETSc.Mat().createAIJ(size=((rows, n), (rows, n)),
                              csr=(ptr.astype(PETSc.IntType), cols.astype(PETSc.IntType), data),
                              comm=comm)
    A.assemble()
    nnz_local = int(len(indices))
    del indptr, indices, ptr, cols, data
    mpi.Barrier()
    clock.mark("build")

    eps = SLEPc.EPS().create(comm)
    eps.setOperators(A)
    eps.setProblemType(SLEPc.EPS.ProblemType.HEP)
    eps.setType(SLEPc.EPS.Type.KRYLOVSCHUR)
    eps.setWhichEigenpairs(SLEPc.EPS.Which.SMALLEST_REAL if laplacian else SLEPc.EPS.Which.LARGEST_REAL)
    nev = args.k + 1 if laplacian else args.k
    eps.setDimensions(nev=nev)
    eps.setTolerances(tol=args.tol, max_it=args.max_it)
    eps.setConvergenceTest(SLEPc.EPS.Conv.REL)
    eps.setFromOptions()
    eps.solve()
    mpi.Barrier()
    clock.mark("solve")

    matmults = int(PETSc.Log.Event("MatMult").getPerfInfo()["count"])
    nconv = eps.getConverged()
    its = eps.getIterationNumber()
    ncv = eps.getDimensions()[1]
    vals = [eps.getEigenvalue(i).real for i in range(min(nconv, nev))]
    errs = [eps.computeError(i, SLEPc.EPS.ErrorType.RELATIVE) for i in range(min(nconv, nev))]
    per_rank = mpi.gather({"rank": rank, "rows": end - start, "nonzeros": nnz_local, "matmults": matmults,
                           "peak_rss_bytes": peak_rss_bytes()}, root=0)
    if rank == 0:
        order = np.argsort(vals) if laplacian else np.argsort(vals)[::-1]
        if laplacian:
            # The constant vector's 0: its relative error is rounding over 0, not a residual.
            order = order[1:]
            errs = [errs[i] for i in order]
        emit({"tool": "slepc-laplacian" if laplacian else "slepc", "version": ".".join(map(str, SLEPc.Sys.getVersion())),
              "ranks": size, "n": int(n), "eigenvalues": [vals[i] for i in order],
              "converged": int(nconv), "iterations": int(its), "ncv": int(ncv),
              "max_rel_residual": float(max(errs)) if errs else None,
              "matvecs": matmults,
              "matvec_source": "PETSc MatMult event count on rank 0 (PETSc.Log), before residual checks",
              "read_seconds": clock.phases["read"], "build_seconds": clock.phases["build"],
              "solve_seconds": clock.phases["solve"],
              "end_to_end_seconds": clock.phases["read"] + clock.phases["build"] + clock.phases["solve"],
              "rank_details": per_rank,
              "peak_rss_bytes_per_rank": [r["peak_rss_bytes"] for r in per_rank]})


if __name__ == "__main__":
    main()
