#!/usr/bin/env python3
"""Writes the input-form fixtures of InputFormTests.swift (run once; the outputs are committed).

One weighted graph of 40 nodes (4 planted classes plus a ring, so it is connected and every node
0..39 has an edge) in every form Eigenpair reads, each holding the same pairs:
  graph.tsv            plain edge list `u<TAB>v<TAB>w` (the reference every form is compared with)
  graph-unweighted.tsv the same pairs without weights
  graph.csv            `source,target,weight` header line + rows, as pandas' to_csv(index=False)
  graph.npz            scipy.sparse.save_npz(csr, both triangles), deflate-compressed (the default)
  graph-csc.npz        save_npz(csc, compressed=False): stored members
  graph-coo.npz        save_npz(coo of the upper triangle only): each pair once
  edges.npy            (m, 2) int64 endpoints
  edges-weighted.npy   (m, 3) float64 column_stack of endpoints and weights
  graph.tsv.gz         gzip of graph.tsv
  graph.mtx.gz         gzip of scipy.io.mmwrite(symmetric lower triangle)
  isolated.npz / isolated.mtx  the graph on 42 nodes: rows 40, 41 have no entries (isolated)
  labels.txt           `node class` lines
Needs numpy and scipy (made with numpy 2.4.6, scipy 1.17.1).
"""
import gzip, io, shutil
import numpy as np
import scipy.io
import scipy.sparse as sp

rng = np.random.default_rng(7)
n, classes = 40, 4
label = np.arange(n) % classes
pairs = {}
for i in range(n):
    for j in range(i + 1, n):
        if rng.random() < (0.35 if label[i] == label[j] else 0.04):
            pairs[(i, j)] = round(float(rng.uniform(0.5, 2.0)), 3)
for i in range(n):
    pairs.setdefault((i, (i + 1) % n) if i + 1 < n else (0, n - 1), 1.0)
edges = sorted(pairs)
u = np.array([e[0] for e in edges], dtype=np.int64)
v = np.array([e[1] for e in edges], dtype=np.int64)
w = np.array([pairs[e] for e in edges])
weights = [float(x) for x in w]  # repr of a Python float: the shortest text that reads back exactly

with open("graph.tsv", "w") as f:
    f.writelines(f"{a}\t{b}\t{c!r}\n" for a, b, c in zip(u, v, weights))
with open("graph-unweighted.tsv", "w") as f:
    f.writelines(f"{a}\t{b}\n" for a, b in zip(u, v))
with open("graph.csv", "w") as f:
    f.write("source,target,weight\n")
    f.writelines(f"{a},{b},{c!r}\n" for a, b, c in zip(u, v, weights))

upper = sp.coo_matrix((w, (u, v)), shape=(n, n))
full = (upper + upper.T).tocsr()
sp.save_npz("graph.npz", full)
sp.save_npz("graph-csc.npz", full.tocsc(), compressed=False)
sp.save_npz("graph-coo.npz", upper)
np.save("edges.npy", np.column_stack([u, v]))
np.save("edges-weighted.npy", np.column_stack([u, v, w]))
with open("graph.tsv", "rb") as src, gzip.GzipFile("graph.tsv.gz", "wb", mtime=0) as dst:
    shutil.copyfileobj(src, dst)
buffer = io.BytesIO()
scipy.io.mmwrite(buffer, sp.tril(full), symmetry="symmetric")
with gzip.GzipFile("graph.mtx.gz", "wb", mtime=0) as dst:
    dst.write(buffer.getvalue())

bigger = sp.coo_matrix((w, (u, v)), shape=(n + 2, n + 2))
sp.save_npz("isolated.npz", (bigger + bigger.T).tocsr())
scipy.io.mmwrite("isolated.mtx", sp.tril(bigger + bigger.T), symmetry="symmetric")
with open("labels.txt", "w") as f:
    f.writelines(f"{i} c{label[i]}\n" for i in range(n))
