#!/usr/bin/env python3
"""Independent SciPy reference for an `eigenpair embed` run: rebuilds G from the edge list with
NumPy/SciPy only (symmetrise, drop self-loops, merge duplicates by max), optionally restricts it to
the largest connected component, and compares `scipy.sparse.linalg.eigsh` with Eigenpair's
spectrum-<op>.npy (and the row order with nodes.npy).

usage: bench/scipy_reference.py EDGES RESULTS_DIR --dim K [--largest-component] [--operator An|G]
                                [--tol 1e-10]
Prints one JSON object; exits 1 if the eigenvalues differ by more than --agree (default 1e-8).
"""
import argparse, json, sys, time
import numpy as np
import scipy.sparse as sp
import scipy.sparse.csgraph as csgraph
import scipy.sparse.linalg as sla


def load_edges(path):
    with open(path, "rb") as f:
        data = f.read()
    lines = [l for l in data.split(b"\n") if l and not l.startswith((b"#", b"%"))]
    cols = len(lines[0].replace(b",", b" ").split())
    body = b" ".join(lines).replace(b",", b" ")
    values = np.array(body.split(), dtype=np.float64 if cols == 3 else np.uint64)
    values = values.reshape(-1, cols)
    u, v = values[:, 0].astype(np.uint64), values[:, 1].astype(np.uint64)
    w = values[:, 2].astype(np.float64) if cols == 3 else np.ones(len(u))
    return u, v, w


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("edges")
    ap.add_argument("results")
    ap.add_argument("--dim", type=int, required=True)
    ap.add_argument("--largest-component", action="store_true")
    ap.add_argument("--operator", default="An", choices=["An", "G"])
    ap.add_argument("--tol", type=float, default=1e-10)
    ap.add_argument("--agree", type=float, default=1e-8)
    args = ap.parse_args()

    t0 = time.time()
    u, v, w = load_edges(args.edges)
    # np.unique is very slow on tens of millions of integers in NumPy 2.4: sort instead.
    ends = np.sort(np.concatenate([u, v]))
    ids = ends[np.concatenate([[True], ends[1:] != ends[:-1]])]
    del ends
    a, b = np.searchsorted(ids, u), np.searchsorted(ids, v)
    keep = a != b
    a, b, w = a[keep], b[keep], w[keep]
    n = len(ids)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    # Merge duplicates by max: sort by (lo, hi, w) and keep the last weight of each pair.
    order = np.lexsort((w, hi, lo))
    lo, hi, w = lo[order], hi[order], w[order]
    last = np.ones(len(lo), dtype=bool)
    last[:-1] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    upper = sp.csr_matrix((w[last], (lo[last], hi[last])), shape=(n, n))
    g = (upper + upper.T).tocsr()
    load_seconds = time.time() - t0

    if args.largest_component:
        _, labels = csgraph.connected_components(g, directed=False)
        biggest = np.argmax(np.bincount(labels))
        rows = np.flatnonzero(labels == biggest)
        g = g[rows][:, rows].tocsr()
        ids = ids[rows]
    k = args.dim + 1 if args.operator == "An" else args.dim
    if args.operator == "An":
        d = np.asarray(g.sum(axis=1)).ravel()
        s = np.where(d > 0, 1 / np.sqrt(np.where(d > 0, d, 1)), 0)
        op = sp.diags(s) @ g @ sp.diags(s)
    else:
        op = g
    t1 = time.time()
    vals = np.sort(sla.eigsh(op, k=k, which="LA", tol=args.tol, return_eigenvectors=False))[::-1]
    solve_seconds = time.time() - t1

    ours = np.load(f"{args.results}/spectrum-{args.operator}.npy")[:k]
    nodes = np.load(f"{args.results}/nodes.npy")
    diff = float(np.max(np.abs(ours - vals)))
    out = {
        "nodes": int(g.shape[0]), "nonzeros": int(g.nnz), "k": k, "operator": args.operator,
        "scipy_load_seconds": round(load_seconds, 2), "scipy_eigsh_seconds": round(solve_seconds, 2),
        "max_abs_eigenvalue_difference": diff, "rows_match": bool(np.array_equal(nodes.astype(np.uint64), ids)),
        "scipy": vals.tolist(), "eigenpair": ours.tolist(),
    }
    print(json.dumps(out, indent=1))
    sys.exit(0 if diff <= args.agree and out["rows_match"] else 1)


if __name__ == "__main__":
    main()
