"""Shared by the peer runners (bench/peers/*.py): read an edge list with NumPy only, build G and
A_n = D^-1/2 G D^-1/2 the way Eigenpair does (symmetrise, drop self-loops, merge duplicates by max,
node IDs compacted in ascending order), and print one JSON result line.

Every runner is started by bench/run.py with OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1.
"""
import json
import resource
import sys
import time

import numpy as np


def read_edges(path):
    """Whitespace-separated `u v` lines after optional leading `#` comment lines (the files
    `eigenpair generate` and bench/run.py write; no weights). np.fromfile in text mode is NumPy's C
    whitespace tokenizer (several times faster than loadtxt)."""
    with open(path, "rb") as f:
        offset = 0
        while True:
            line = f.readline()
            if not line or not line.startswith((b"#", b"%")):
                break
            offset += len(line)
        f.seek(offset)
        flat = np.fromfile(f, dtype=np.int64, sep=" ")
    if flat.size % 2:
        raise ValueError(f"{path}: odd number of integers ({flat.size}); expected `u v` lines")
    pairs = flat.reshape(-1, 2)
    return pairs[:, 0], pairs[:, 1]


def compact(u, v):
    """Node IDs -> rows 0..n-1 in ascending ID order; self-loops dropped. Sort-based (np.unique is
    slow on tens of millions of integers in NumPy 2.4)."""
    ends = np.sort(np.concatenate([u, v]))
    ids = ends[np.concatenate([[True], ends[1:] != ends[:-1]])]
    del ends
    a = np.searchsorted(ids, u).astype(np.int32)
    b = np.searchsorted(ids, v).astype(np.int32)
    keep = a != b
    return len(ids), a[keep], b[keep]


def adjacency_rows(n, a, b, row_start, row_end):
    """Rows [row_start, row_end) of the symmetrised, de-duplicated, unweighted G in CSR form,
    NumPy only (the SLEPc runner runs under Debian's /usr/bin/python3, which has NumPy but no SciPy):
    both directions of each pair, sorted by (row, column) keys, duplicates merged to weight 1
    (= merge by max on 0/1 weights). Returns (indptr int64, indices int32)."""
    r = np.concatenate([a, b])
    c = np.concatenate([b, a])
    if row_start != 0 or row_end != n:
        m = (r >= row_start) & (r < row_end)
        r, c = r[m], c[m]
    key = (r.astype(np.int64) - row_start) * n + c
    del r, c
    key.sort()
    if len(key):
        key = key[np.concatenate([[True], key[1:] != key[:-1]])]
    rows = key // n
    indices = (key - rows * n).astype(np.int32)
    indptr = np.zeros(row_end - row_start + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=row_end - row_start), out=indptr[1:])
    return indptr, indices


def load_rows(path, clock, split=None):
    """The edge list at `path` as CSR rows of G: read (marks "read" on `clock`), IDs compacted,
    rows [start, end) = split(n) built (all rows without `split`). Returns n, start, end, indptr,
    indices."""
    u, v = read_edges(path)
    clock.mark("read")
    n, a, b = compact(u, v)
    del u, v
    start, end = split(n) if split else (0, n)
    indptr, indices = adjacency_rows(n, a, b, start, end)
    return n, start, end, indptr, indices


def inv_sqrt_degree(d):
    return np.where(d > 0, 1.0 / np.sqrt(np.where(d > 0, d, 1.0)), 0.0)


def peak_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def emit(result):
    result["peak_rss_bytes"] = peak_rss_bytes()
    sys.stdout.write("RESULT " + json.dumps(result) + "\n")
    sys.stdout.flush()


class Clock:
    def __init__(self):
        self.t0 = time.perf_counter()
        self.last = self.t0
        self.phases = {}

    def mark(self, name):
        now = time.perf_counter()
        self.phases[name] = now - self.last
        self.last = now

    def total(self):
        return time.perf_counter() - self.t0
