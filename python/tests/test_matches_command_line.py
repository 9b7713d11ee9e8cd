"""embed / linear on in-memory inputs equal the command line run on the same graph written by an
independent writer (scipy.io.mmwrite, numpy.savetxt): byte for byte."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.io
import scipy.sparse as sp

import eigenpair

from conftest import run_cli

FILES = ["vicreg.npy", "simclr.npy", "simclr-degree.npy", "barlow.npy", "nodes.npy",
         "spectrum-L.npy", "spectrum-G.npy", "spectrum-An.npy"]


def same_files(a: Path, b: Path, names) -> list[str]:
    """Names present in both directories, after checking each is byte-identical."""
    present = []
    for name in names:
        assert (a / name).is_file() == (b / name).is_file(), name
        if (a / name).is_file():
            assert (a / name).read_bytes() == (b / name).read_bytes(), f"{name} differs"
            present.append(name)
    return present


def test_embed_scipy_matrix_equals_command_line(binary, small_graph, tmp_path):
    a, _ = small_graph
    scipy.io.mmwrite(tmp_path / "g.mtx", sp.coo_matrix(a))
    cli = run_cli(binary, "embed", tmp_path / "g.mtx", "--out", tmp_path / "cli", "--dim", 5, "--quiet")
    assert cli.returncode == 0, cli.stderr
    result = eigenpair.embed(a, dim=5, out=tmp_path / "py")
    compared = same_files(tmp_path / "cli", tmp_path / "py", FILES)
    assert "vicreg.npy" in compared and "simclr.npy" in compared and "nodes.npy" in compared
    # The returned arrays are those files, N rows in matrix order, isolated nodes included.
    for loss, z in result.Z.items():
        np.testing.assert_array_equal(z, np.load(tmp_path / "cli" / f"{loss}.npy"))
        assert z.shape == (a.shape[0], 5)
    np.testing.assert_array_equal(result.nodes, np.arange(a.shape[0]))
    assert result.report["graph"]["isolated_nodes"] == 2
    assert result.report["graph"]["nodes"] == a.shape[0]


def test_embed_sparse_array_and_matrix_types_agree(binary, small_graph):
    a, _ = small_graph
    by_array = eigenpair.embed(a, dim=4, loss="vicreg")
    by_matrix = eigenpair.embed(sp.csr_matrix(a), dim=4, loss="vicreg")
    by_coo = eigenpair.embed(sp.coo_array(a), dim=4, loss="vicreg")
    np.testing.assert_array_equal(by_array.Z["vicreg"], by_matrix.Z["vicreg"])
    np.testing.assert_array_equal(by_array.Z["vicreg"], by_coo.Z["vicreg"])


def test_embed_edge_array_equals_command_line(binary, tmp_path):
    rng = np.random.default_rng(3)
    ids = rng.choice(1000, size=50, replace=False)  # sparse IDs, compacted by the binary
    edges = np.array([(ids[i], ids[j]) for i in range(50) for j in range(i + 1, 50) if rng.random() < 0.15])
    weights = rng.integers(1, 5, size=len(edges)).astype(float)
    table = np.column_stack([edges, weights])
    np.savetxt(tmp_path / "g.tsv", table, fmt=["%d", "%d", "%g"], delimiter="\t")
    cli = run_cli(binary, "embed", tmp_path / "g.tsv", "--out", tmp_path / "cli", "--dim", 3, "--quiet")
    assert cli.returncode == 0, cli.stderr
    result = eigenpair.embed(table, dim=3, out=tmp_path / "py")
    assert "vicreg.npy" in same_files(tmp_path / "cli", tmp_path / "py", FILES)
    np.testing.assert_array_equal(result.nodes, np.unique(edges))


def test_networkx_graph_rows_follow_its_nodes(small_graph):
    nx = pytest.importorskip("networkx", reason="networkx is optional; scripts/python-tests.sh installs it")
    a, _ = small_graph
    g = nx.from_scipy_sparse_array(a)
    mapping = {i: f"n{i}" for i in g.nodes}  # non-integer node names, in a shuffled order
    g = nx.relabel_nodes(g, mapping)
    order = list(np.random.default_rng(0).permutation(a.shape[0]))
    h = nx.Graph()
    h.add_nodes_from(f"n{i}" for i in order)
    h.add_edges_from(g.edges(data=True))
    result = eigenpair.embed(h, dim=4, loss="vicreg")
    assert list(result.nodes) == [f"n{i}" for i in order]
    # Row r of Z is node order[r]: permuting back gives the matrix result.
    reference = eigenpair.embed(a, dim=4, loss="vicreg").Z["vicreg"]
    projector = lambda z: z @ z.T  # noqa: E731  (basis-free: signs may differ after relabelling)
    inverse = np.argsort(order)
    np.testing.assert_allclose(projector(result.Z["vicreg"][inverse]), projector(reference), atol=1e-9)


def test_linear_equals_command_line(binary, small_graph, tmp_path):
    a, _ = small_graph
    x = np.random.default_rng(2).normal(size=(a.shape[0], 6))
    scipy.io.mmwrite(tmp_path / "g.mtx", sp.coo_matrix(a))
    np.save(tmp_path / "X.npy", x)
    cli = run_cli(binary, "linear", tmp_path / "g.mtx", "--features", tmp_path / "X.npy", "--out", tmp_path / "cli",
                  "--dim", 3, "--loss", "vicreg,simclr", "--quiet")
    assert cli.returncode == 0, cli.stderr
    # BarlowTwins needs K positive eigenvalues of M_b, which random features on this graph lack
    # (linear then exits 2 by design): the two losses that always exist are compared.
    result = eigenpair.linear(a, x, dim=3, loss=["vicreg", "simclr"], out=tmp_path / "py")
    names = [f"{l}-W.npy" for l in eigenpair.LINEAR_LOSSES] + [f"{l}.npy" for l in eigenpair.LINEAR_LOSSES]
    assert "vicreg-W.npy" in same_files(tmp_path / "cli", tmp_path / "py", names + ["nodes.npy"])
    assert result.W["vicreg"].shape == (6, 3)
    np.testing.assert_allclose(result.Z["vicreg"], x @ result.W["vicreg"], rtol=1e-12, atol=1e-12)


def test_more_ranks_give_the_same_embedding(lanczos_graph):
    """ranks > 1 runs mpirun (with --oversubscribe beyond the cores, root variables as root)."""
    a, _ = lanczos_graph
    one = eigenpair.embed(a, dim=4, loss=["vicreg", "simclr"])
    three = eigenpair.embed(a, dim=4, loss=["vicreg", "simclr"], ranks=3)
    assert three.report["ranks"] == 3
    for loss in ("vicreg", "simclr"):
        np.testing.assert_allclose(three.Z[loss], one.Z[loss], atol=1e-10)
