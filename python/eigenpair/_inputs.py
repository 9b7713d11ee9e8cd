"""Writing in-memory graphs, labels and arrays to the files the binary reads.

Graphs become a Matrix Market coordinate file (scipy.sparse and networkx inputs: node i = row i,
isolated nodes kept) or a TSV edge list ((m, 2|3) arrays: node IDs as given, compacted by the
binary in ascending order). Both forms are read by every version of the binary.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class GraphInput:
    """The graph file to pass and how to name the binary's rows (nodes.npy) in Python."""

    path: str
    #: "path", "matrix", "networkx" or "edges".
    kind: str
    #: networkx node of each matrix row (None for other kinds).
    node_keys: list | None = None
    #: Number of rows of the matrix (matrix and networkx kinds).
    size: int | None = None

    def node_names(self, node_ids: np.ndarray):
        """The user's name of each output row: the networkx node, else the node ID / matrix row."""
        if self.node_keys is None:
            return node_ids
        keys = [self.node_keys[int(i)] for i in node_ids]
        names = np.empty(len(keys), dtype=object)
        names[:] = keys
        return names

    def index_of(self, node) -> int:
        """The node ID (the binary's) of a user's node name."""
        if self.node_keys is not None:
            if not hasattr(self, "_index"):
                object.__setattr__(self, "_index", {k: i for i, k in enumerate(self.node_keys)})
            return self._index[node]
        return int(node)


def _is_networkx(graph) -> bool:
    module = type(graph).__module__ or ""
    return module.startswith("networkx.") and hasattr(graph, "nodes") and hasattr(graph, "adj")


def write_matrix_market(matrix, path: str) -> None:
    """``matrix`` (square, non-negative, finite) as a Matrix Market coordinate `real` file: `symmetric`
    (lower triangle) when it is symmetric, so each entry is read once whatever the merge rule; else
    `general`, and the binary symmetrises it with its merge rule. Values keep all 17 digits."""
    a = sp.coo_matrix(matrix)
    if a.shape[0] != a.shape[1]:
        raise ValueError(f"graph: the adjacency matrix must be square (got shape {a.shape})")
    a.sum_duplicates()
    data = np.asarray(a.data, dtype=np.float64)
    if data.size and not np.all(np.isfinite(data)):
        raise ValueError("graph: the adjacency matrix has a non-finite entry")
    if data.size and data.min() < 0:
        raise ValueError(f"graph: the adjacency matrix has a negative entry ({data.min()!r}); weights must be >= 0")
    a = sp.coo_matrix((data, (a.row, a.col)), shape=a.shape)
    symmetric = (abs(a - a.T) > 0).nnz == 0
    if symmetric:
        keep = a.row >= a.col
        rows, cols, data = a.row[keep], a.col[keep], a.data[keep]
    else:
        rows, cols, data = a.row, a.col, a.data
    order = np.lexsort((rows, cols))  # column-major, as scipy.io.mmwrite
    n = a.shape[0]
    with open(path, "w", encoding="ascii") as f:
        f.write(f"%%MatrixMarket matrix coordinate real {'symmetric' if symmetric else 'general'}\n")
        f.write(f"{n} {n} {len(data)}\n")
        if len(data):
            table = np.empty((len(data), 3), dtype=object)
            table[:, 0] = rows[order] + 1
            table[:, 1] = cols[order] + 1
            table[:, 2] = data[order]
            np.savetxt(f, table, fmt=["%d", "%d", "%.17g"], delimiter=" ")


def write_edge_array(edges, path: str) -> None:
    """An (m, 2) or (m, 3) array of `u v [w]` rows as a TSV edge list. IDs must be integers >= 0."""
    e = np.asarray(edges)
    if e.ndim != 2 or e.shape[1] not in (2, 3):
        raise ValueError(f"graph: an edge array must have shape (m, 2) or (m, 3) (got {e.shape})")
    if e.shape[0] == 0:
        raise ValueError("graph: the edge array is empty")
    ids = e[:, :2]
    if ids.dtype.kind == "f":
        if not np.all(np.isfinite(ids)) or np.any(ids != np.floor(ids)):
            raise ValueError("graph: node IDs (the first two columns) must be integers")
    elif ids.dtype.kind not in "iu":
        raise ValueError(f"graph: node IDs must be integers (got dtype {e.dtype})")
    if ids.min() < 0:
        raise ValueError(f"graph: node IDs must be >= 0 (got {ids.min()})")
    ids = ids.astype(np.int64) if ids.dtype.kind == "f" else ids
    with open(path, "w", encoding="ascii") as f:
        if e.shape[1] == 2:
            np.savetxt(f, ids, fmt="%d", delimiter="\t")
        else:
            w = e[:, 2].astype(np.float64)
            if not np.all(np.isfinite(w)) or w.min() < 0:
                raise ValueError("graph: weights (the third column) must be finite and >= 0")
            table = np.empty((e.shape[0], 3), dtype=object)
            table[:, 0] = ids[:, 0]
            table[:, 1] = ids[:, 1]
            table[:, 2] = w
            np.savetxt(f, table, fmt=["%d", "%d", "%.17g"], delimiter="\t")


def graph_input(graph, workdir: str, weight: str = "weight") -> GraphInput:
    """Where the binary finds ``graph``: a path as is; anything in memory written into ``workdir``."""
    if isinstance(graph, (str, os.PathLike)):
        return GraphInput(path=os.fspath(graph), kind="path")
    if sp.issparse(graph):
        path = os.path.join(workdir, "graph.mtx")
        write_matrix_market(graph, path)
        return GraphInput(path=path, kind="matrix", size=graph.shape[0])
    if _is_networkx(graph):
        import networkx as nx

        keys = list(graph.nodes)
        if not keys:
            raise ValueError("graph: the networkx graph has no nodes")
        matrix = nx.to_scipy_sparse_array(graph, nodelist=keys, weight=weight, format="coo")
        path = os.path.join(workdir, "graph.mtx")
        write_matrix_market(matrix, path)
        return GraphInput(path=path, kind="networkx", node_keys=keys, size=len(keys))
    if isinstance(graph, np.ndarray) or isinstance(graph, (list, tuple)):
        path = os.path.join(workdir, "graph.tsv")
        write_edge_array(graph, path)
        return GraphInput(path=path, kind="edges")
    raise TypeError(
        "graph must be a path, a scipy.sparse matrix or array, an (m, 2|3) edge array or a networkx graph "
        f"(got {type(graph).__name__}); a dense adjacency matrix goes in as scipy.sparse.csr_array(A)")


def labels_file(labels, graph: GraphInput, workdir: str, name: str = "labels.txt") -> str:
    """Labels as the binary reads them (`id label` lines). ``labels`` is a path (passed as is), a
    dict {node: label} (nodes named as in the graph: networkx nodes, matrix rows or node IDs), or a
    sequence whose entry i is the label of node i (row i of a matrix, the i-th networkx node, or
    node ID i of an edge list). None and NaN mean unlabelled; labels containing whitespace are renamed to their
    index among the sorted distinct labels."""
    if isinstance(labels, (str, os.PathLike)):
        return os.fspath(labels)
    if isinstance(labels, dict):
        pairs = [(graph.index_of(k), v) for k, v in labels.items()]
    else:
        values = np.asarray(labels, dtype=object).ravel()
        if graph.size is not None and len(values) != graph.size:
            raise ValueError(f"labels: {len(values)} labels for a graph of {graph.size} nodes")
        pairs = list(enumerate(values.tolist()))
    kept = [(node, label.item() if hasattr(label, "item") else label) for node, label in pairs
            if label is not None and not (isinstance(label, float) and np.isnan(label))]
    texts = [str(label) for _, label in kept]
    if any(not t or any(c.isspace() for c in t) for t in texts):
        # The file holds one `id label` pair per line: labels with whitespace (or empty ones) are
        # written as their index among the sorted distinct labels.
        names = sorted(set(texts))
        texts = [str(names.index(t)) for t in texts]
    lines = [f"{node} {text}\n" for (node, _), text in zip(kept, texts)]
    if not lines:
        raise ValueError("labels: no node has a label")
    path = os.path.join(workdir, name)
    Path(path).write_text("".join(lines), encoding="utf-8")
    return path


def array_file(array, workdir: str, name: str, dtype) -> str:
    """A path as is, or ``array`` saved as ``name`` (.npy) with ``dtype``."""
    if isinstance(array, (str, os.PathLike)):
        return os.fspath(array)
    path = os.path.join(workdir, name)
    np.save(path, np.ascontiguousarray(np.asarray(array, dtype=dtype)))
    return path
